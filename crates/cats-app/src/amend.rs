//! Amending a declaration before release (CC013C analogue: the holder sends the whole amended
//! CC015C; CC004C accepts it, CC056C rejects it and nothing changes).

use cats_domain::movement::{MovementState, TransitionError};
use cats_domain::rules::{self, RuleContext};
use cats_ncts::Format;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::act::load_visible;
use crate::app::{Actor, App};
use crate::auth::Role;
use crate::error::AppError;
use crate::history::{audit, inbound, outbound};
use crate::lodge::{parse_declaration, Lodged};
use crate::store::{Change, MovementRecord, StoreError};

/// Amend movement `id` with a complete new declaration. Allowed in `Accepted` and
/// `GuaranteeNotValid` (not once a control is decided, nor after release). The LRN, the holder and
/// the office of departure cannot change. Business-rule failures keep the movement unchanged and
/// are answered with a CC056C.
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
    for _ in 0..5 {
        let record = load_visible(app, actor, id).await?;
        let m = &record.movement;
        if let Some(user) = actor.user() {
            if user.role != Role::Trader || user.party.as_deref() != Some(m.holder.as_str()) {
                return Err(AppError::Forbidden(
                    "only the holder of the transit procedure may amend".into(),
                ));
            }
        }
        if !matches!(
            m.state,
            MovementState::Accepted | MovementState::GuaranteeNotValid
        ) {
            return Err(AppError::Transition(TransitionError::OutOfSequence {
                action: "amendment",
                state: m.state,
            }));
        }
        let facts = rules::facts(&declaration);
        if facts.lrn != m.lrn
            || facts.holder != m.holder
            || facts.office_of_departure != m.office_of_departure
        {
            return Err(AppError::Invalid(format!(
                "an amendment keeps the LRN ({}), the holder ({}) and the office of departure ({})",
                m.lrn, m.holder, m.office_of_departure
            )));
        }
        let catalog = app.catalog();
        let mut guarantees = std::collections::HashMap::new();
        for g in &facts.guarantees {
            if let Some(found) = app.store().guarantee(&g.grn).await? {
                guarantees.insert(g.grn.clone(), found);
            }
        }
        let holder = app
            .store()
            .party(&facts.holder)
            .await?
            .map(|p| rules::HolderRegistration {
                identification_number: p.identification_number,
                kind: p.kind,
                active: p.active,
            });
        let ctx = RuleContext {
            catalog: &catalog,
            today: now.date_naive(),
            holder,
            guarantees: &guarantees,
            lrn_in_use: false,
        };
        let failures = rules::check_declaration(&declaration, &ctx);
        let raw = String::from_utf8_lossy(body).into_owned();
        let content_type = if format == Format::Xml {
            "application/xml"
        } else {
            "application/json"
        };
        let mut messages = vec![inbound("CC013C", content_type, &raw, now)];
        let correlation = declaration.message_identification.clone();
        let (new, detail) = if failures.is_empty() {
            let shortfalls = rules::shortfalls(&declaration, &guarantees);
            let state = if shortfalls.is_empty() {
                MovementState::Accepted
            } else {
                MovementState::GuaranteeNotValid
            };
            let mut amended = facts.movement(state, m.mrn.clone());
            amended.risk = m.risk.clone();
            amended.controls = m.controls.clone();
            messages.push(outbound(
                &amended,
                &content,
                now,
                record.created_at,
                "CC004C",
                &[],
                Some(&correlation),
                None,
            ));
            if !shortfalls.is_empty() {
                messages.push(outbound(
                    &amended,
                    &content,
                    now,
                    record.created_at,
                    "CC055C",
                    &shortfalls,
                    Some(&correlation),
                    None,
                ));
            }
            let detail = format!("amendment accepted: {} → {}", m.state, state);
            (
                MovementRecord {
                    id,
                    version: record.version + 1,
                    movement: amended,
                    declaration: content.clone(),
                    created_at: record.created_at,
                    updated_at: now,
                },
                detail,
            )
        } else {
            messages.push(outbound(
                m,
                &record.declaration,
                now,
                record.created_at,
                "CC056C",
                &failures,
                Some(&correlation),
                None,
            ));
            let ids: Vec<&str> = failures.iter().map(|f| f.rule_id.as_str()).collect();
            let detail = format!("amendment rejected: {}", ids.join(", "));
            (
                MovementRecord {
                    version: record.version + 1,
                    updated_at: now,
                    ..record.clone()
                },
                detail,
            )
        };
        let change = Change {
            record: new.clone(),
            expected_version: Some(record.version),
            messages,
            ledger: vec![],
            audit: vec![audit(actor, "amend", Some(id), now, detail)],
        };
        match app.store().commit(change).await {
            Err(StoreError::Conflict) => continue,
            Err(e) => return Err(e.into()),
            Ok(()) => {
                return Ok(Lodged {
                    record: new,
                    failures,
                })
            }
        }
    }
    Err(AppError::Busy)
}
