//! Building the entries of a movement's history: messages in, messages out, customs actions, audit.

use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

use cats_domain::ids::OfficeRef;
use cats_domain::movement::{ControlType, Movement};
use cats_domain::reference::Catalog;
use cats_domain::rules::RuleFailure;

use crate::app::Actor;
use crate::messages::{build, OutContext};
use crate::store::{AuditEntry, Direction, NewMessage};

/// A message received from the trader, kept exactly as received.
pub fn inbound(
    message_type: &str,
    content_type: &str,
    body: &str,
    at: DateTime<Utc>,
) -> NewMessage {
    NewMessage {
        id: crate::new_row_id(),
        message_type: message_type.to_string(),
        direction: Direction::Inbound,
        content_type: content_type.to_string(),
        body: body.to_string(),
        received: at,
    }
}

/// A customs officer's action at an office, kept as the JSON it was given.
pub fn customs(action: &str, body: &Value, at: DateTime<Utc>) -> NewMessage {
    NewMessage {
        id: crate::new_row_id(),
        message_type: action.to_string(),
        direction: Direction::Customs,
        content_type: "application/json".into(),
        body: body.to_string(),
        received: at,
    }
}

/// Extra content of an outgoing message.
#[derive(Debug, Clone, Default)]
pub struct Extra<'a> {
    /// The acting office (customs office reference number, an8).
    pub office: Option<&'a OfficeRef>,
    /// Free text.
    pub text: Option<&'a str>,
    /// Control type (CC060C).
    pub control_type: Option<ControlType>,
    /// The reference catalogue (the place of an incident, CC182C).
    pub catalog: Option<&'a Catalog>,
}

/// A message produced for the holder (HMRC JSON shape, stored as JSON).
#[allow(clippy::too_many_arguments)]
pub fn outbound(
    movement: &Movement,
    declaration: &Value,
    now: DateTime<Utc>,
    lodged_at: DateTime<Utc>,
    message_type: &str,
    failures: &[RuleFailure],
    correlation: Option<&str>,
    extra: Option<&Extra>,
) -> NewMessage {
    let extra = extra.cloned().unwrap_or_default();
    let ctx = OutContext {
        movement,
        declaration,
        now,
        lodged_at,
        office: extra.office,
        failures,
        control_type: extra.control_type,
        text: extra.text,
        correlation,
        catalog: extra.catalog,
    };
    let (_, value) = build(message_type, &ctx);
    NewMessage {
        id: crate::new_row_id(),
        message_type: message_type.to_string(),
        direction: Direction::Outbound,
        content_type: "application/json".into(),
        body: value.to_string(),
        received: now,
    }
}

/// An audit entry by `actor`.
pub fn audit(
    actor: &Actor,
    action: &str,
    movement_id: Option<Uuid>,
    at: DateTime<Utc>,
    detail: impl Into<String>,
) -> AuditEntry {
    AuditEntry {
        at,
        actor: actor.name().to_string(),
        action: action.to_string(),
        movement_id,
        detail: detail.into(),
    }
}
