//! Driving recorded movements through the node's use cases, in global time order.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Deserialize as _;
use serde_json::Value;
use uuid::Uuid;

use cats_app::{act, lodge, Actor, App, AppError};
use cats_domain::declaration::Cc015c;
use cats_domain::ids::Mrn;
use cats_domain::movement::{
    Action, ControlContext, ControlResultCode, MovementState, SealCondition, SealObservation,
    SealsCheck,
};
use cats_ncts::Format;

use super::file::Line;
use super::nodes::Nodes;

/// What happened to one recorded movement.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// LRN (from the declaration, or `?` when it could not be read).
    pub lrn: String,
    /// MRN allocated, if accepted.
    pub mrn: Option<Mrn>,
    /// Final state name.
    pub state: String,
    /// Expected final state, if the file gives one.
    pub expected: Option<String>,
    /// Movement id in the node.
    pub movement_id: Option<Uuid>,
    /// Events the node refused, and other remarks.
    pub notes: Vec<String>,
}

impl Outcome {
    /// Whether the final state is the expected one (true when nothing is expected).
    pub fn ok(&self) -> bool {
        self.expected.as_deref().is_none_or(|e| e == self.state)
    }
}

fn declaration_bytes(declaration: &Value) -> (Vec<u8>, Format) {
    match declaration {
        Value::String(xml) => (xml.clone().into_bytes(), Format::Xml),
        other => (other.to_string().into_bytes(), Format::Json),
    }
}

fn lodging_time(line: &Line, prepared: &str) -> Option<DateTime<Utc>> {
    line.lodged_at.or_else(|| {
        NaiveDateTime::parse_from_str(prepared, "%Y-%m-%dT%H:%M:%S")
            .ok()
            .map(|n| n.and_utc())
    })
}

enum Step {
    Lodge,
    Event(usize),
}

/// Move the movement to `UnderEnquiry` if its time limit passed before `now`.
async fn expire_if_overdue(
    app: &App,
    actor: &Actor,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let record = act::load_visible(app, actor, id).await?;
    let m = &record.movement;
    if m.state == MovementState::ReleasedForTransit && m.time_limit.is_some_and(|t| now > t) {
        act::act(app, actor, id, Action::TimeLimitExpired, &Value::Null, now).await?;
    }
    Ok(())
}

/// Replay `lines` through `nodes`: each step at the node hosting its office (lodging and the
/// time-limit check at the office of departure's), after every ICE message sent before it has
/// arrived; `tick` is called after each step (for a progress bar).
pub async fn replay(
    nodes: &Nodes,
    lines: &[Line],
    mut tick: impl FnMut(),
) -> anyhow::Result<Vec<Outcome>> {
    let mut home: Vec<String> = vec![String::new(); lines.len()];
    let actor = Actor::System("replay".into());
    let mut outcomes: Vec<Outcome> = lines
        .iter()
        .map(|l| Outcome {
            expected: l.expect.state.clone(),
            lrn: "?".into(),
            ..Outcome::default()
        })
        .collect();
    let mut schedule: Vec<(DateTime<Utc>, usize, usize, Step)> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let (bytes, format) = declaration_bytes(&line.declaration);
        match lodge::parse_declaration(&bytes, format) {
            Err(e) => {
                outcomes[i].state = MovementState::Rejected.as_str().into();
                outcomes[i].notes.push(format!("not lodged: {e}"));
                if let AppError::Malformed { errors, .. } = e {
                    outcomes[i].notes.extend(
                        errors
                            .iter()
                            .take(5)
                            .map(|x| format!("{}: {}", x.pointer, x.reason)),
                    );
                }
            }
            Ok((d, _)) => {
                outcomes[i].lrn = d.transit_operation.lrn.to_string();
                home[i] = d
                    .customs_office_of_departure
                    .reference_number
                    .as_str()
                    .to_string();
                // Lodged at its preparation time, or just before its first event if that is earlier.
                let first_event = line.events.iter().map(|e| e.at).min();
                let prepared = lodging_time(line, &d.preparation_date_and_time);
                let at = match (prepared, first_event) {
                    (Some(p), Some(f)) if line.lodged_at.is_none() && f <= p => {
                        Some(f - chrono::Duration::minutes(1))
                    }
                    (Some(p), _) => Some(p),
                    (None, f) => f.map(|f| f - chrono::Duration::minutes(1)),
                };
                let Some(at) = at else {
                    outcomes[i].state = MovementState::Rejected.as_str().into();
                    outcomes[i].notes.push(
                        "not lodged: no lodging time (preparationDateAndTime or lodged_at)".into(),
                    );
                    continue;
                };
                schedule.push((at, i, 0, Step::Lodge));
                for (j, e) in line.events.iter().enumerate() {
                    schedule.push((e.at, i, j + 1, Step::Event(j)));
                }
            }
        }
    }
    schedule.sort_by_key(|s| (s.0, s.1, s.2));
    for (at, i, _, step) in schedule {
        nodes.settle().await?;
        let app = nodes.app_for(&home[i]);
        match step {
            Step::Lodge => {
                let (bytes, format) = declaration_bytes(&lines[i].declaration);
                match lodge::lodge(app, &actor, &bytes, format, at).await {
                    Ok(l) => {
                        outcomes[i].movement_id = Some(l.record.id);
                        outcomes[i].mrn = l.record.movement.mrn.clone();
                        if !l.failures.is_empty() {
                            let ids: Vec<String> = l
                                .failures
                                .iter()
                                .map(|f| format!("{} {}", f.rule_id, f.reason))
                                .collect();
                            outcomes[i]
                                .notes
                                .push(format!("rejected: {}", ids.join("; ")));
                        }
                    }
                    Err(e) => outcomes[i].notes.push(format!("lodging failed: {e}")),
                }
            }
            Step::Event(j) => {
                let event = &lines[i].events[j];
                let Some(id) = outcomes[i].movement_id else {
                    outcomes[i].notes.push(format!(
                        "{} at {}: skipped, movement not lodged",
                        event.action, event.office
                    ));
                    continue;
                };
                let at_office = nodes.app_for(&event.office);
                let action = match event.action() {
                    Ok(a) => seals_found_intact(at_office, id, a).await?,
                    Err(e) => {
                        outcomes[i]
                            .notes
                            .push(format!("{} at {}: {e}", event.action, event.office));
                        continue;
                    }
                };
                expire_if_overdue(app, &actor, id, at).await?;
                nodes.settle().await?;
                let request = serde_json::json!({ "office": event.office, "replayed": true });
                if let Err(e) = act::act(at_office, &actor, id, action, &request, at).await {
                    match e {
                        AppError::Transition(_)
                        | AppError::Invalid(_)
                        | AppError::Rules { .. }
                        | AppError::NotFound(_)
                        | AppError::Forbidden(_) => outcomes[i]
                            .notes
                            .push(format!("{} at {} refused: {e}", event.action, event.office)),
                        other => return Err(other.into()),
                    }
                }
            }
        }
        tick();
    }
    nodes.settle().await?;
    for (i, line) in lines.iter().enumerate() {
        let app = nodes.app_for(&home[i]);
        if let (Some(id), Some(until)) = (outcomes[i].movement_id, line.until) {
            expire_if_overdue(app, &actor, id, until).await?;
        }
        if let Some(id) = outcomes[i].movement_id {
            if let Some(record) = app.store().movement(id).await? {
                outcomes[i].state = record.movement.state.as_str().into();
                outcomes[i].mrn = record.movement.mrn.clone();
            }
        }
    }
    Ok(outcomes)
}

/// A replayed A3 (seals OK) that names no seals: the file recorded only the code, which says the
/// seals in place were found intact, so the record checks every one of them as intact (rule
/// CATS026 needs the seals checked). Other actions pass unchanged.
async fn seals_found_intact(app: &App, id: Uuid, action: Action) -> anyhow::Result<Action> {
    let Action::ControlResult {
        office,
        result: ControlResultCode::A3,
        control_type,
        mut report,
    } = action
    else {
        return Ok(action);
    };
    if report.seals.is_none() {
        if let Some(record) = app.store().movement(id).await? {
            let context = Cc015c::deserialize(record.declaration.as_ref())
                .map(|d| ControlContext::of(&d, &record.movement.controls))
                .unwrap_or_default();
            report.seals = Some(SealsCheck {
                checked: context
                    .seals_in_place
                    .into_iter()
                    .map(|identifier| SealObservation {
                        identifier,
                        condition: SealCondition::Intact,
                    })
                    .collect(),
                replaced: vec![],
            });
        }
    }
    Ok(Action::ControlResult {
        office,
        result: ControlResultCode::A3,
        control_type,
        report,
    })
}
