//! Amending a declaration before release. Two ways in, one use case ([`amend_with`]):
//!
//! * `POST /movements/departures/{id}/amendment` with the whole amended CC015C ([`amend`]);
//! * a CC013C declaration amendment to `POST /movements/departures/{id}/messages`
//!   ([`crate::messages_in`] turns it into the amended CC015C and checks R0520 and its MRN/LRN).
//!
//! CC004C accepts the amendment (and CC055C follows when the guarantee cannot cover the new
//! amount); CC056C rejects it with every failure, and nothing changes.

use cats_domain::declaration::Cc015c;
use cats_domain::movement::{MovementState, TransitionError};
use cats_domain::rules::{self, RuleFailure};
use cats_ncts::Format;
use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

use crate::act::load_visible;
use crate::app::{Actor, App};
use crate::auth::Role;
use crate::error::AppError;
use crate::history::{audit, inbound, outbound, Extra};
use crate::lodge::{parse_declaration, Lodged};
use crate::standing::RuleInputs;
use crate::store::{Change, MovementRecord, NewMessage};

/// The amended declaration a use case prepared from the message in, for one loaded movement.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The amended declaration, typed.
    pub declaration: Cc015c,
    /// The amended declaration as stored (body of `n1:CC015C`).
    pub content: Value,
    /// Failures found before the business rules (references, R0520); listed first in the CC056C.
    pub failures: Vec<RuleFailure>,
}

/// The message that carries an amendment, kept unchanged in the history.
#[derive(Debug, Clone)]
pub struct AmendmentMessage<'a> {
    /// `CC015C` (whole declaration) or `CC013C`.
    pub message_type: &'a str,
    /// `application/xml` or `application/json`.
    pub content_type: &'a str,
    /// The body as received.
    pub raw: &'a str,
    /// Its messageIdentification (correlationIdentifier of the answers).
    pub correlation: &'a str,
}

/// What to do when the movement's state allows no amendment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutOfSequence {
    /// Refuse (HTTP 409) and store nothing.
    Refuse,
    /// Keep the message and answer it with a CC056C (functional error 92), then refuse.
    Reject,
}

/// What an amendment did.
#[derive(Debug, Clone)]
pub struct Amended {
    /// The movement as stored after the amendment (unchanged but for its version on rejection).
    pub record: MovementRecord,
    /// Every failure listed in the CC056C (empty when accepted).
    pub failures: Vec<RuleFailure>,
    /// The messages stored, in order (the message in first): id and type.
    pub messages: Vec<(Uuid, String)>,
    /// Set when the state allowed no amendment ([`OutOfSequence::Reject`]).
    pub refused: Option<TransitionError>,
}

/// Amend movement `id` with a complete new declaration. Allowed in `Accepted` and
/// `GuaranteeNotValid` (not once a control is decided, nor after release). The LRN, the holder and
/// the office of departure cannot change. Business-rule failures keep the movement unchanged and
/// are answered with a CC056C. The body is kept in the history as the CC015C it is.
pub async fn amend(
    app: &App,
    actor: &Actor,
    id: Uuid,
    body: &[u8],
    format: Format,
    now: DateTime<Utc>,
) -> Result<Lodged, AppError> {
    let (declaration, value) = parse_declaration(body, format)?;
    let content = value.get("n1:CC015C").cloned().unwrap_or(value.clone());
    let raw = String::from_utf8_lossy(body).into_owned();
    let message = AmendmentMessage {
        message_type: "CC015C",
        content_type: content_type(format),
        raw: &raw,
        correlation: &declaration.message_identification,
    };
    let prepare = |record: &MovementRecord| {
        let m = &record.movement;
        let facts = crate::lodge::typed_facts(&declaration, "CC015C")?;
        if facts.lrn != m.lrn
            || facts.holder != m.holder
            || facts.office_of_departure != m.office_of_departure
        {
            return Err(AppError::Invalid(format!(
                "an amendment keeps the LRN ({}), the holder ({}) and the office of departure ({})",
                m.lrn, m.holder, m.office_of_departure
            )));
        }
        Ok(Prepared {
            declaration: declaration.clone(),
            content: content.clone(),
            failures: Vec::new(),
        })
    };
    let amended = amend_with(
        app,
        actor,
        id,
        &message,
        &prepare,
        OutOfSequence::Refuse,
        now,
    )
    .await?;
    Ok(Lodged {
        record: amended.record,
        failures: amended.failures,
    })
}

/// `application/xml` or `application/json`.
pub(crate) fn content_type(format: Format) -> &'static str {
    match format {
        Format::Xml => "application/xml",
        Format::Json => "application/json",
    }
}

/// The business rules and guarantee shortfalls of an amended declaration (the LRN is the
/// movement's own, so it is not "in use").
pub(crate) async fn check_rules(
    app: &App,
    declaration: &Cc015c,
    now: DateTime<Utc>,
) -> Result<(Vec<RuleFailure>, Vec<RuleFailure>), AppError> {
    app.refresh_restricted_goods().await?;
    let catalog = app.catalog();
    let office = declaration
        .customs_office_of_departure
        .reference_number
        .as_str();
    let day = catalog.local_day(office, now);
    let inputs = RuleInputs::load(app, declaration, day).await?;
    let ctx = inputs.context(&catalog, day, false);
    let failures = rules::check_declaration(declaration, &ctx);
    let shortfalls = if failures.is_empty() {
        rules::shortfalls_with(declaration, &ctx)
    } else {
        Vec::new()
    };
    Ok((failures, shortfalls))
}

/// The one amendment use case: load the movement, check that the actor is its holder and that
/// it may be amended, `prepare` the amended declaration for it, run every business rule, and
/// commit the message in with its CC004C (and CC055C) or CC056C. Retries on concurrent changes.
pub async fn amend_with(
    app: &App,
    actor: &Actor,
    id: Uuid,
    message: &AmendmentMessage<'_>,
    prepare: &(dyn Fn(&MovementRecord) -> Result<Prepared, AppError> + Sync),
    out_of_sequence: OutOfSequence,
    now: DateTime<Utc>,
) -> Result<Amended, AppError> {
    crate::retry::on_conflict(|| async move {
        let record = load_visible(app, actor, id).await?;
        let m = &record.movement;
        if let Some(user) = actor.user() {
            if user.role != Role::Trader || !user.is_of(&m.holder) {
                return Err(AppError::Forbidden(
                    "only the holder of the transit procedure may amend".into(),
                ));
            }
        }
        let incoming = inbound(message.message_type, message.content_type, message.raw, now);
        if !matches!(
            m.state,
            MovementState::Accepted | MovementState::GuaranteeNotValid
        ) {
            let e = TransitionError::OutOfSequence {
                action: "amendment",
                state: m.state,
            };
            if out_of_sequence == OutOfSequence::Refuse {
                return Err(AppError::Transition(e));
            }
            let failures = vec![sequence_failure(message.message_type, &e)];
            let reply = rejection(&record, &failures, message.correlation, "013", now);
            match commit_rejection(app, actor, &record, incoming, reply, "amend", &e, now).await {
                Err(e) => return Err(e),
                Ok((record, messages)) => {
                    return Ok(Amended {
                        record,
                        failures,
                        messages,
                        refused: Some(e),
                    })
                }
            }
        }
        let prepared = prepare(&record)?;
        let (rule_failures, shortfalls) = check_rules(app, &prepared.declaration, now).await?;
        let mut failures = prepared.failures.clone();
        failures.extend(rule_failures);
        let content = &prepared.content;
        let mut messages = vec![incoming];
        let catalog = app.catalog();
        let extra = Extra {
            catalog: Some(&catalog),
            ..Default::default()
        };
        let (new, detail) = if failures.is_empty() {
            let state = if shortfalls.is_empty() {
                MovementState::Accepted
            } else {
                MovementState::GuaranteeNotValid
            };
            let mut amended = crate::lodge::typed_facts(&prepared.declaration, "CC015C")?
                .movement(state, m.mrn.clone());
            amended.risk = m.risk.clone();
            amended.controls = m.controls.clone();
            amended.cancellation_requested = m.cancellation_requested;
            amended.awaiting_presentation = m.awaiting_presentation;
            let correlation = Some(message.correlation);
            let at = record.created_at;
            messages.push(outbound(
                &amended,
                content,
                now,
                at,
                "CC004C",
                &[],
                correlation,
                Some(&extra),
            ));
            if !shortfalls.is_empty() {
                messages.push(outbound(
                    &amended,
                    content,
                    now,
                    at,
                    "CC055C",
                    &shortfalls,
                    correlation,
                    Some(&extra),
                ));
            }
            let detail = format!(
                "amendment ({}) accepted: {} → {state}",
                message.message_type, m.state
            );
            let new = MovementRecord {
                id,
                version: record.version + 1,
                movement: amended,
                declaration: std::sync::Arc::new(content.clone()),
                created_at: record.created_at,
                updated_at: now,
            };
            (new, detail)
        } else {
            messages.push(rejection(
                &record,
                &failures,
                message.correlation,
                "013",
                now,
            ));
            let ids: Vec<&str> = failures.iter().map(|f| f.rule_id.as_str()).collect();
            let detail = format!(
                "amendment ({}) rejected: {}",
                message.message_type,
                ids.join(", ")
            );
            let new = MovementRecord {
                version: record.version + 1,
                updated_at: now,
                ..record.clone()
            };
            (new, detail)
        };
        let stored = messages
            .iter()
            .map(|m| (m.id, m.message_type.clone()))
            .collect();
        let change = Change {
            record: new.clone(),
            expected_version: Some(record.version),
            messages,
            ledger: vec![],
            audit: vec![audit(actor, "amend", Some(id), now, detail)],
            attachments: vec![],
            ice_out: vec![],
            ice_in: None,
            notifications: Vec::new(),
        };
        app.commit(change).await?;
        Ok(Amended {
            record: new,
            failures,
            messages: stored,
            refused: None,
        })
    })
    .await
}

/// The functional error of a message out of sequence (CL180 code 92), pointing at the message.
pub(crate) fn sequence_failure(message_type: &str, e: &TransitionError) -> RuleFailure {
    RuleFailure {
        rule_id: "N/A".into(),
        error_code: u16::from(e.error_code()),
        pointer: format!("/{message_type}"),
        reason: e.to_string(),
    }
}

/// A CC056C from the office of departure answering a holder's message, built on the declaration
/// in force. businessRejectionType, CL560 (BusinessRejectionTypeDepExp): 013 amendment, 014
/// invalidation request, 170 presentation notification.
pub(crate) fn rejection(
    record: &MovementRecord,
    failures: &[RuleFailure],
    correlation: &str,
    business_type: &str,
    now: DateTime<Utc>,
) -> NewMessage {
    let mut msg = outbound(
        &record.movement,
        &record.declaration,
        now,
        record.created_at,
        "CC056C",
        failures,
        Some(correlation),
        None,
    );
    if let Ok(mut value) = serde_json::from_str::<Value>(&msg.body) {
        if let Some(op) = value
            .pointer_mut("/n1:CC056C/TransitOperation")
            .and_then(Value::as_object_mut)
        {
            op.insert(
                "businessRejectionType".into(),
                Value::String(business_type.into()),
            );
        }
        msg.body = value.to_string();
    }
    msg
}

/// Commit a message in with the rejection answering it; the movement is unchanged but for its
/// version. Returns the record stored and the two messages' ids and types.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn commit_rejection(
    app: &App,
    actor: &Actor,
    record: &MovementRecord,
    incoming: NewMessage,
    reply: NewMessage,
    action: &str,
    why: &(dyn std::fmt::Display + Sync),
    now: DateTime<Utc>,
) -> Result<(MovementRecord, Vec<(Uuid, String)>), AppError> {
    let new = MovementRecord {
        version: record.version + 1,
        updated_at: now,
        ..record.clone()
    };
    let ids = vec![
        (incoming.id, incoming.message_type.clone()),
        (reply.id, reply.message_type.clone()),
    ];
    let detail = format!(
        "{} refused with {}: {why}",
        incoming.message_type, reply.message_type
    );
    app.commit(Change {
        record: new.clone(),
        expected_version: Some(record.version),
        messages: vec![incoming, reply],
        ledger: vec![],
        audit: vec![audit(actor, action, Some(record.id), now, detail)],
        attachments: vec![],
        ice_out: vec![],
        ice_in: None,
        notifications: Vec::new(),
    })
    .await?;
    Ok((new, ids))
}
