//! The AEO register between nodes (CA004C, CATS's own): each decision on an AEO registration at
//! the node of the party's country (approved, suspended, reinstated, revoked, renewed) goes to
//! every peer, which keeps the registration as that country decided it. The rules at a peer then
//! see the party as an AEO on a day when that registration is in force there too (mutual
//! recognition of AEO status, e.g. its share of the amount reserved and its lower random
//! selection rate). A peer's officers cannot decide it (only officers of its country can).
//! Contact details stay at the deciding node.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use cats_domain::registry::registration::party_status;
use cats_domain::registry::{Contact, Register, Registration, RegistrationStatus};

use super::receive::{entry, nack, receipt, Applied, Inbound};
use super::route::out_message_about;
use super::{Host, IceType, Topology};
use crate::app::App;
use crate::error::AppError;
use crate::store::{IceOut, Party, RegistrationFilter, RegistryChange, Versioned};

/// Content of CA004C. JSON Schema: `docs/ice/schemas/aeo-register-change.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AeoRegisterChange {
    /// The AEO registration as decided (its id, party, status, validity, reason; contact empty).
    pub registration: Registration,
    /// When it was decided (UTC).
    pub at: DateTime<Utc>,
}

/// The CA004C messages a decision on `r` sends: to every peer, when `r` is an AEO registration
/// of a country this node hosts; none otherwise.
pub fn aeo_change(app: &App, r: &Registration, at: DateTime<Utc>) -> Result<Vec<IceOut>, AppError> {
    let Some(topology) = app.topology() else {
        return Ok(vec![]);
    };
    if r.register != Register::Aeo || topology.host_of_country(r.country) != Host::Here {
        return Ok(vec![]);
    }
    let mut shared = r.clone();
    shared.contact = Contact::default();
    let content = AeoRegisterChange {
        registration: shared,
        at,
    };
    topology
        .peer_nodes()
        .iter()
        .map(|p| {
            out_message_about(
                p,
                IceType::Ca004c,
                &format!("N-{}", Uuid::new_v4()),
                &content,
            )
        })
        .collect()
}

/// CA004C from a peer: keep the registration as its country decided it (inserted, or replacing
/// the one kept), and the party if this node does not know it.
pub(crate) async fn receive_aeo(
    app: &App,
    topology: &Topology,
    msg: &Inbound,
    content: AeoRegisterChange,
) -> Result<Applied, AppError> {
    let r = content.registration;
    if r.register != Register::Aeo {
        return Ok(Err((
            "CD906C",
            nack(12, "CA004C carries AEO registrations only"),
        )));
    }
    if !matches!(topology.host_of_country(r.country), Host::Peer(p) if p == &msg.sender) {
        return Ok(Err((
            "CD906C",
            nack(
                12,
                format!(
                    "registrations of {} are not decided at node {}",
                    r.country, msg.sender
                ),
            ),
        )));
    }
    let existing = app
        .store()
        .registrations(&RegistrationFilter {
            party: Some(r.party.clone()),
            ..RegistrationFilter::default()
        })
        .await?;
    // The one kept here: this registration, or the party's AEO registration of that country
    // this node was given otherwise (from the same register of that country: at most one is
    // live). Its id, contact and version stay; the decision is the country's.
    let live = |x: &&Registration| {
        x.register == Register::Aeo
            && x.country == r.country
            && !matches!(
                x.status,
                RegistrationStatus::Rejected | RegistrationStatus::Revoked
            )
    };
    let kept = existing
        .iter()
        .find(|x| x.id == r.id)
        .or_else(|| existing.iter().find(live));
    let record = match kept {
        Some(k) => Registration {
            id: k.id,
            version: k.version + 1,
            contact: k.contact.clone(),
            submitted_at: k.submitted_at,
            ..r.clone()
        },
        None => Registration {
            version: 1,
            ..r.clone()
        },
    };
    let mut all: Vec<Registration> = existing
        .iter()
        .filter(|x| x.id != record.id)
        .cloned()
        .collect();
    all.push(record.clone());
    let day = msg.received_at.date_naive();
    let mut party = app.store().party(&r.party).await?.unwrap_or(Party {
        identification_number: r.party.clone(),
        name: r.name.clone(),
        kind: "trader".into(),
        status: String::new(),
        country: r.country,
        active: false,
    });
    party.status = party_status(&all, day);
    party.active = !party.status.is_empty();
    let detail = format!(
        "CA004C from node {}: AEO registration {} (kept here as {}) of {} is {} ({} to {})",
        msg.sender,
        r.id,
        record.id,
        r.party,
        r.status.as_str(),
        r.valid_from.map(|d| d.to_string()).unwrap_or_default(),
        r.valid_to.map(|d| d.to_string()).unwrap_or_default()
    );
    let receipt = receipt(&topology.node, msg, None);
    let actor = crate::app::Actor::System(format!("ice:{}", msg.sender));
    app.commit_registry(RegistryChange {
        party: Some(party),
        registration: Some(Versioned {
            record,
            expected: kept.map(|k| k.version),
        }),
        events: vec![crate::registers::event(
            "registration",
            r.id,
            &actor,
            "ice",
            r.status.as_str(),
            detail.clone(),
            msg.received_at,
        )],
        audit: vec![crate::history::audit(
            &actor,
            "ice.aeo_register",
            None,
            msg.received_at,
            detail,
        )],
        ice_in: Some(entry(msg, "applied", receipt.clone())),
        ..RegistryChange::default()
    })
    .await?;
    Ok(Ok(receipt))
}
