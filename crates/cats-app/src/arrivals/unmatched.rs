//! Arrival notifications for an MRN no movement of the trader has (issue 14). NCTS, and HMRC's
//! CTC Traders API in front of it, keep such an arrival with its rejection (CC057C, functional
//! error 90) as a resource the trader reads like any arrival; so does CATS: the CC007C as
//! received and its CC057C are kept as an [`UnmatchedArrival`], and later messages to it (a
//! CC044C) are kept and answered with a CC057C too.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use cats_domain::ids::Eori;
use cats_ncts::{Format, MessageType};

use crate::app::{Actor, App};
use crate::auth::Role;
use crate::error::AppError;
use crate::history::{audit, inbound};
use crate::messages_in::{failure, read_message};
use crate::store::{Direction, NewMessage, StoreError, StoredMessage};

/// An arrival notification for an MRN the node does not know for this trader.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnmatchedArrival {
    /// Id (UUID).
    pub id: Uuid,
    /// The company of the trader who notified it.
    pub party: Eori,
    /// The MRN as given (it may not even be well formed).
    pub mrn: String,
    /// When notified (UTC).
    pub created_at: DateTime<Utc>,
    /// When its last message came (UTC).
    pub updated_at: DateTime<Utc>,
}

/// The store's side of unmatched arrivals. Part of [`crate::store::Store`].
#[async_trait]
pub trait UnmatchedStore: Send + Sync {
    /// Keep `arrival` (insert, or set its `updated_at`) with `messages` appended, in one
    /// transaction.
    async fn save_unmatched(
        &self,
        arrival: &UnmatchedArrival,
        messages: &[NewMessage],
    ) -> Result<(), StoreError>;
    /// One unmatched arrival.
    async fn unmatched(&self, id: Uuid) -> Result<Option<UnmatchedArrival>, StoreError>;
    /// A company's unmatched arrivals, newest first.
    async fn unmatched_of(&self, party: &Eori) -> Result<Vec<UnmatchedArrival>, StoreError>;
    /// An unmatched arrival's messages, oldest first.
    async fn unmatched_messages(&self, id: Uuid) -> Result<Vec<StoredMessage>, StoreError>;
    /// The ids of movements and unmatched arrivals whose first 16 hexadecimal digits are
    /// `prefix` (the short ids of the HMRC profile).
    async fn ids_with_prefix(&self, prefix: &str) -> Result<Vec<Uuid>, StoreError>;
}

/// A CC057C kept as the outbound answer to an unmatched arrival's message.
fn rejection_message(value: &serde_json::Value, now: DateTime<Utc>) -> NewMessage {
    NewMessage {
        id: Uuid::new_v4(),
        message_type: "CC057C".into(),
        direction: Direction::Outbound,
        content_type: "application/json".into(),
        body: value.to_string(),
        received: now,
    }
}

/// Keep a CC007C for an unknown MRN (`raw`, as received) with its CC057C `rejection`. The
/// arrival's id.
pub(crate) async fn keep(
    app: &App,
    party: Eori,
    mrn: &str,
    received: NewMessage,
    rejection: &serde_json::Value,
    now: DateTime<Utc>,
) -> Result<Uuid, AppError> {
    let arrival = UnmatchedArrival {
        id: Uuid::new_v4(),
        party,
        mrn: mrn.to_string(),
        created_at: now,
        updated_at: now,
    };
    app.store()
        .save_unmatched(&arrival, &[received, rejection_message(rejection, now)])
        .await?;
    Ok(arrival.id)
}

/// The unmatched arrival `id` of the actor's company. Errors: 404 for another company's or none.
pub async fn get(app: &App, actor: &Actor, id: Uuid) -> Result<UnmatchedArrival, AppError> {
    let party = actor.user().and_then(|u| u.party.clone());
    app.store()
        .unmatched(id)
        .await?
        .filter(|a| Some(&a.party) == party.as_ref())
        .ok_or_else(|| AppError::NotFound(format!("arrival {id}")))
}

/// Its messages, oldest first. Errors as [`get`].
pub async fn messages(app: &App, actor: &Actor, id: Uuid) -> Result<Vec<StoredMessage>, AppError> {
    get(app, actor, id).await?;
    Ok(app.store().unmatched_messages(id).await?)
}

/// A message (CC044C) to an unmatched arrival: kept, and answered with a CC057C (code 90: the
/// MRN is still unknown). The ids of the message in and of the CC057C. Errors: 400 for a body
/// that is not a well-formed CC044C; 403 not a trader; 404 as [`get`].
pub async fn message(
    app: &App,
    actor: &Actor,
    id: Uuid,
    body: &[u8],
    format: Format,
    now: DateTime<Utc>,
) -> Result<(Uuid, Uuid), AppError> {
    if actor.user().is_some_and(|u| u.role != Role::Trader) {
        return Err(AppError::Forbidden(
            "messages to an arrival come from the trader at destination".into(),
        ));
    }
    let mut arrival = get(app, actor, id).await?;
    let incoming = read_message(body, format, &[MessageType::CC044C])?;
    let office = incoming
        .text("/CustomsOfficeOfDestinationActual/referenceNumber")
        .unwrap_or_default()
        .to_string();
    let failures = vec![failure(
        90,
        "/CC044C/TransitOperation/MRN".into(),
        format!(
            "no movement with MRN {} is known to the trader",
            arrival.mrn
        ),
    )];
    let (_, rejection) = crate::messages::unknown_mrn_rejection(
        &arrival.mrn,
        &office,
        arrival.party.as_str(),
        &failures,
        incoming.identification(),
        now,
    );
    let msg_in = inbound("CC044C", incoming.content_type(), &incoming.raw, now);
    let reply = rejection_message(&rejection, now);
    let ids = (msg_in.id, reply.id);
    arrival.updated_at = now;
    app.store()
        .save_unmatched(&arrival, &[msg_in, reply])
        .await?;
    app.store()
        .audit(&[audit(
            actor,
            "arrival.message",
            None,
            now,
            format!(
                "CC044C to arrival {id} for unknown MRN {} refused with CC057C (code 90)",
                arrival.mrn
            ),
        )])
        .await?;
    Ok(ids)
}
