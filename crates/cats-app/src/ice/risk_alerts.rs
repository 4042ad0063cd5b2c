//! Risk alerts between nodes (CA005C, CATS's own): a risk analyst shares a risk profile with
//! every peer (`POST /risk/profiles/{id}/share`); each peer keeps it as a profile of its own
//! named after the sending node (`KZ-P-0007`), in force there at once, so that its offices
//! select the same goods (or, when the alert says retired, stop). The receiving node's analysts
//! may change or retire their copy like any profile; a later alert adds a new version.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use cats_domain::ids::NodeId;
use cats_domain::risk::RiskProfile;

use super::receive::{entry, nack, receipt, Applied, Inbound};
use super::route::out_message_about;
use super::{IceType, Topology};
use crate::app::{Actor, App};
use crate::error::AppError;
use crate::history::audit;
use crate::store::{ProfileVersion, StoreError};

/// Content of CA005C. JSON Schema: `docs/ice/schemas/risk-alert.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RiskAlert {
    /// The profile as the sending node has it (criteria and action).
    pub profile: RiskProfile,
    /// Its version there.
    pub version: i64,
    /// Whether it is retired there (the peers' copy stops selecting too).
    pub retired: bool,
    /// The analyst who shared it.
    pub analyst: String,
    /// When (UTC).
    pub at: DateTime<Utc>,
}

/// The id a peer's profile gets here: the node, `-`, its id (`KZ-P-0007`), at most 32 of
/// A-Z, 0-9 and `-`.
pub fn shared_id(node: &NodeId, id: &str) -> String {
    let node: String = node
        .as_str()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("{node}-{id}").chars().take(32).collect()
}

/// Share the current version of profile `id` with every peer (CA005C); the peers told.
/// Errors: not a risk analyst (403), not in an ICE network (403), unknown profile (404).
pub async fn share(
    app: &App,
    actor: &Actor,
    id: &str,
    now: DateTime<Utc>,
) -> Result<Vec<NodeId>, AppError> {
    crate::risk_profiles::analyst(actor)?;
    let topology = app
        .topology()
        .ok_or_else(|| AppError::Forbidden("this node is not part of an ICE network".into()))?;
    let current = crate::risk_profiles::current(app, id).await?;
    let alert = RiskAlert {
        profile: current.profile,
        version: current.version,
        retired: current.retired,
        analyst: actor.name().to_string(),
        at: now,
    };
    let peers = topology.peer_nodes();
    let out = peers
        .iter()
        .map(|p| out_message_about(p, IceType::Ca005c, &format!("N-{}", Uuid::new_v4()), &alert))
        .collect::<Result<Vec<_>, _>>()?;
    let names: Vec<&str> = peers.iter().map(NodeId::as_str).collect();
    let detail = format!(
        "CA005C to {}: risk profile {id} version {}{}",
        names.join(", "),
        alert.version,
        if alert.retired { " (retired)" } else { "" }
    );
    app.store()
        .ice_enqueue(
            &out,
            &[audit(actor, "risk-profile.share", None, now, detail)],
        )
        .await?;
    Ok(peers)
}

/// CA005C from a peer: a new version of its profile here, in force at once (or retired).
pub(crate) async fn receive_alert(
    app: &App,
    topology: &Topology,
    msg: &Inbound,
    content: RiskAlert,
) -> Result<Applied, AppError> {
    let id = shared_id(&msg.sender, &content.profile.id);
    let mut profile = content.profile.clone();
    profile.id = id.clone();
    profile.description = format!("[{}] {}", msg.sender, content.profile.description);
    if let Err(e) = crate::risk_profiles::validate(&profile) {
        return Ok(Err(("CD906C", nack(12, e.to_string()))));
    }
    let version = app
        .store()
        .risk_profile_versions(&id)
        .await?
        .last()
        .map_or(1, |v| v.version + 1);
    let v = ProfileVersion {
        profile,
        version,
        retired: content.retired,
        changed_by: format!("ice:{}/{}", msg.sender, content.analyst),
        changed_at: msg.received_at,
    };
    let actor = Actor::System(format!("ice:{}", msg.sender));
    let detail = format!(
        "CA005C from node {}: risk profile {} version {} kept as {id} version {version}{}",
        msg.sender,
        content.profile.id,
        content.version,
        if content.retired { " (retired)" } else { "" }
    );
    let note = audit(&actor, "risk-profile.alert", None, msg.received_at, detail);
    match app.store().save_risk_profile(&v, &note).await {
        Ok(()) | Err(StoreError::Conflict) => {}
        Err(e) => return Err(e.into()),
    }
    let receipt = receipt(&topology.node, msg, None);
    app.store()
        .ice_record_inbound(&entry(msg, "applied", receipt.clone()), &[])
        .await?;
    Ok(Ok(receipt))
}
