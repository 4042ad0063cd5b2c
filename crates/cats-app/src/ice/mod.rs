//! ICE, the customs-to-customs exchange between national CATS nodes (issue 12): which node hosts
//! which office ([`Topology`]), what a change sends to peers ([`route`]), and what a message
//! received from a peer does here ([`receive`]). Signing, the envelope and delivery over HTTPS are
//! the transport's (`cats-ice`); the specification is `docs/ice/`.
//!
//! The node of the office of departure owns a movement: it reserves, credits and claims on the
//! guarantee and runs the time-limit check. At release it sends each peer hosting an office of
//! transit, exit or destination an anticipated record (CD050C, CD160C, CD001C) with the movement
//! and its declaration; the peer keeps a copy ([`cats_domain::movement::Movement::home`]).
//! Officers at the peer act on the copy as on any movement (the same state machine), and each
//! such action travels back to the node of departure (CD118C, CD168C, CD006C, CD018C …), which
//! applies it as its own officers' actions are applied.

use std::collections::{BTreeMap, BTreeSet};

use cats_domain::ids::{CountryCode, NodeId, OfficeRef};

mod applied;
pub mod attachments;
pub mod fallback;
pub mod guarantee;
pub mod messages;
pub mod query;
pub mod receive;
pub mod recovery;
pub mod registers;
pub mod request;
pub mod risk_alerts;
pub mod route;
pub mod status;
pub mod unavailability;

pub use messages::{AnticipatedRecord, Content, IceType, OfficeAction};
pub use query::PeerQueries;
pub use receive::{receive, Inbound, Outcome};

/// Which node hosts which country: this node, its hosted countries, and its peers'.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topology {
    /// This node.
    pub node: NodeId,
    /// Countries whose offices this node hosts (ISO 3166-1 alpha-2).
    pub hosted: BTreeSet<CountryCode>,
    /// The node hosting each other country.
    pub peers: BTreeMap<CountryCode, NodeId>,
}

/// Where an office's messages are handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host<'a> {
    /// Here.
    Here,
    /// At this peer node.
    Peer(&'a NodeId),
    /// Nowhere in the network this node knows.
    Unknown,
}

impl Topology {
    /// Who hosts offices of `country`.
    pub fn host_of_country(&self, country: CountryCode) -> Host<'_> {
        if self.hosted.contains(&country) {
            Host::Here
        } else {
            self.peers.get(&country).map_or(Host::Unknown, Host::Peer)
        }
    }

    /// Who hosts `office` (by the country of its reference number).
    pub fn host_of(&self, office: &OfficeRef) -> Host<'_> {
        self.host_of_country(office.country())
    }

    /// Every peer node, once each, in order.
    pub fn peer_nodes(&self) -> Vec<NodeId> {
        let mut nodes: Vec<NodeId> = self.peers.values().cloned().collect();
        nodes.sort();
        nodes.dedup();
        nodes
    }

    /// Whether `peer` hosts `office`.
    pub fn peer_hosts(&self, peer: &NodeId, office: &OfficeRef) -> bool {
        matches!(self.host_of(office), Host::Peer(p) if p == peer)
    }
}
