//! Acting on a lodged movement: the customs officers' actions at offices (control decision,
//! control result, release, exit, entry, incident, arrival, goods release, resolution of
//! discrepancies, cancellation decision, recovery), the holder's cancellation request, and the
//! node's own time-limit check. One function, [`act`], decides with the domain and commits.

use chrono::{DateTime, Utc};
use serde::Deserialize as _;
use serde_json::{json, Value};
use uuid::Uuid;

use cats_domain::declaration::Cc015c;
use cats_domain::ledger::Unusable;
use cats_domain::movement::{
    check_decision, check_report, decide, Action, ControlContext, Effect, MovementState,
    SealCondition,
};
use cats_domain::risk;
use cats_domain::rules;

use crate::app::{Actor, App};
use crate::auth::Role;
use crate::coverage;
use crate::error::AppError;
use crate::history::{audit, customs, outbound, Extra};
use crate::ice::Host;
use crate::standing::aeo_benefits_apply;
use crate::store::{Change, IceIn, LedgerOp, MovementRecord, StoreError};
use cats_domain::ids::NodeId;

/// Load a movement the actor may see. Errors: [`AppError::NotFound`] when it does not exist or
/// is not visible to the actor (a trader never learns of another trader's movements).
pub async fn load_visible(app: &App, actor: &Actor, id: Uuid) -> Result<MovementRecord, AppError> {
    let record = app
        .store()
        .movement(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("movement {id}")))?;
    match actor.user() {
        Some(user) if !user.can_see(&record.movement) => {
            Err(AppError::NotFound(format!("movement {id}")))
        }
        _ => Ok(record),
    }
}

fn authorize(
    app: &App,
    actor: &Actor,
    record: &MovementRecord,
    action: &Action,
) -> Result<(), AppError> {
    let Some(user) = actor.user() else {
        return Ok(());
    };
    match action {
        Action::RequestCancellation { .. } => {
            if user.role == Role::Trader && user.is_of(&record.movement.holder) {
                Ok(())
            } else {
                Err(AppError::Forbidden(
                    "only the holder of the transit procedure may ask to cancel".into(),
                ))
            }
        }
        Action::TimeLimitExpired | Action::ReservationFailed { .. } => Err(AppError::Forbidden(
            format!("{} is done by the node itself", action.name()),
        )),
        other => {
            if user.role != Role::Officer {
                return Err(AppError::Forbidden(format!(
                    "{} is a customs officer's action",
                    other.name()
                )));
            }
            match other.office() {
                Some(office) if user.acts_at(office, &app.catalog()) => Ok(()),
                office => Err(AppError::Forbidden(format!(
                    "officer {} does not act at office {} (scope: offices of {})",
                    user.username,
                    office.map_or("-", |o| o.as_str()),
                    user.office_country.map_or("-", |c| c.as_str())
                ))),
            }
        }
    }
}

/// In an ICE network, an office hosted by a peer node acts at that node, not here.
pub(crate) fn refuse_peer_office(app: &App, action: &Action) -> Result<(), AppError> {
    let (Some(topology), Some(office)) = (app.topology(), action.office()) else {
        return Ok(());
    };
    match topology.host_of(office) {
        Host::Here => Ok(()),
        Host::Peer(node) => Err(AppError::Forbidden(format!(
            "office {office} is hosted by ICE node {node}: its officers act there"
        ))),
        Host::Unknown => Err(AppError::Forbidden(format!(
            "office {office} is hosted by no node of this ICE network"
        ))),
    }
}

/// Do `action` on movement `id` at time `now` (UTC). `request` is the JSON the actor sent (kept in
/// the history as a customs action or the holder's request).
///
/// Errors: not found or not visible (404), not allowed for the actor (403), a control record or
/// decision breaking rules CATS024 to CATS032 ([`AppError::Rules`], 400, every failure), refused by the
/// state machine (409, with NCTS functional error code 92 for out of sequence); nothing changes
/// then.
pub async fn act(
    app: &App,
    actor: &Actor,
    id: Uuid,
    action: Action,
    request: &Value,
    now: DateTime<Utc>,
) -> Result<MovementRecord, AppError> {
    let action = &action;
    crate::retry::on_conflict(|| async move {
        let record = load_visible(app, actor, id).await?;
        authorize(app, actor, &record, action)?;
        refuse_peer_office(app, action)?;
        match act_once(app, actor, record, action, request, now, None).await {
            Err(AppError::Store(
                e @ (StoreError::Insufficient { .. } | StoreError::NotUsable { .. }),
            )) => {
                let record = load_visible(app, actor, id).await?;
                let failed = Action::ReservationFailed {
                    office: action
                        .office()
                        .unwrap_or(&record.movement.office_of_departure)
                        .clone(),
                    reason: reservation_refusal(e),
                };
                act_once(app, actor, record, &failed, request, now, None).await
            }
            Err(AppError::Transition(e)) => {
                let entry = audit(actor, action.name(), Some(id), now, format!("refused: {e}"));
                app.store().audit(&[entry]).await?;
                Err(AppError::Transition(e))
            }
            other => other,
        }
    })
    .await
}

/// Why the reservation at release failed, for the holder (in the CC055C).
pub(crate) fn reservation_refusal(e: StoreError) -> String {
    match e {
        StoreError::Insufficient {
            grn,
            requested_minor,
            available_minor,
        } => format!(
            "guarantee {grn}: {} to be covered, only {} available",
            cats_domain::ledger::from_minor(requested_minor),
            cats_domain::ledger::from_minor(available_minor)
        ),
        StoreError::NotUsable {
            grn,
            why: why @ Unusable::Coverage { .. },
        } => format!("guarantee {grn}: {}: {why}", why.rule_id()),
        other => format!("CATS018: {other}"),
    }
}

/// An action a peer node sends (ICE): done by an officer at an office the peer hosts, applied
/// here on the movement this node owns.
pub(crate) struct FromPeer<'a> {
    /// The inbox entry, committed with the change.
    pub inbound: IceIn,
    /// The officer at the peer.
    pub officer: &'a str,
    /// The peer's risk selection at that office, kept instead of running one here.
    pub selection: Option<&'a risk::Selection>,
    /// A release of this node's officer (`officer`) that waited for the use of guarantees held
    /// by peers and takes effect with the peer's answer (CD205C), not an action at the peer.
    pub resumed: bool,
}

/// Decide `action` on `record` and commit it. `peer` is set when the action comes from a peer
/// node (ICE); otherwise an officer's action on a copy is forwarded to the node of departure, and
/// a release sends the anticipated records to the peers on the route.
pub(crate) async fn act_once(
    app: &App,
    actor: &Actor,
    record: MovementRecord,
    action: &Action,
    request: &Value,
    now: DateTime<Utc>,
    peer: Option<FromPeer<'_>>,
) -> Result<MovementRecord, AppError> {
    if matches!(
        action,
        Action::Exit { .. } | Action::Entry { .. } | Action::Arrival { .. }
    ) {
        app.refresh_restricted_goods().await?;
    }
    let catalog = app.catalog();
    // The state machine first (an action out of sequence is 409 whatever its record says),
    // then the control record's rules.
    let decision = decide(&record.movement, action, now, &catalog)?;
    if let Action::ControlResult { result, report, .. } = action {
        let context = Cc015c::deserialize(record.declaration.as_ref())
            .map(|d| ControlContext::of(&d, &record.movement.controls))
            .unwrap_or_default();
        let failures = check_report(report, *result, &context);
        if !failures.is_empty() {
            return Err(AppError::Rules {
                what: "control-result".into(),
                failures,
            });
        }
    }
    if let Action::ControlDecision {
        requested_documents,
        ..
    } = action
    {
        let failures = check_decision(requested_documents);
        if !failures.is_empty() {
            return Err(AppError::Rules {
                what: "control-decision".into(),
                failures,
            });
        }
    }
    // A release with guarantees held by peer nodes waits for their answers (chain guarantee).
    if peer.is_none() {
        if let Some(waiting) =
            crate::ice::guarantee::request_uses(app, actor, &record, action, request, now).await?
        {
            return Ok(waiting);
        }
    }
    let mut movement = decision.movement;
    let officer = peer.as_ref().map_or(actor.name(), |p| p.officer);
    if let Action::ControlResult { .. } = action {
        if let Some(c) = movement.controls.last_mut() {
            c.officer = Some(officer.to_string());
        }
    }
    let office = action.office();
    // The acting office's local day (validity of guarantees, rates and registrations).
    let day = office.map_or(now.date_naive(), |o| catalog.local_day(o, now));
    // CATS's own risk selection where goods are presented: exit, entry, arrival (the peer's,
    // when the office is a peer's).
    if let Some(p) = &peer {
        movement.risk.extend(p.selection.cloned());
    } else if let (
        Action::Exit { office } | Action::Entry { office } | Action::Arrival { office },
        Some(mrn),
    ) = (action, movement.mrn.clone())
    {
        let declared = Cc015c::deserialize(record.declaration.as_ref());
        if let Some(declared) = declared.ok().and_then(|d| rules::facts(&d).ok()) {
            let mut facts = declared.risk_facts();
            facts.aeo = aeo_benefits_apply(app, &movement.holder, day).await?;
            facts.day = Some(day);
            let policy = crate::risk_profiles::policy_now(app).await?;
            movement.risk.push(risk::select_recognising(
                &policy,
                &catalog,
                office,
                &mrn,
                &facts,
                &movement.controls,
            ));
        }
    }
    // Release: what is reserved on each guarantee (exchange rate, AEO share).
    let plan = if decision.effects.contains(&Effect::Reserve) {
        Some(coverage::plan(app, &movement, day).await?)
    } else {
        None
    };
    let mut messages = Vec::new();
    match action {
        Action::RequestCancellation { .. } => messages.push(customs("CC014C", request, now)),
        Action::TimeLimitExpired | Action::ReservationFailed { .. } => {}
        _ => {
            let mut body = request.clone();
            if body.is_null() {
                body = json!({});
            }
            if let Value::Object(map) = &mut body {
                map.insert("action".into(), Value::String(action.name().into()));
                map.insert("officer".into(), Value::String(officer.into()));
                if let Some(p) = peer.as_ref().filter(|p| !p.resumed) {
                    map.insert("via".into(), Value::String(p.inbound.peer.to_string()));
                }
                if let Some(Value::Object(record)) = plan.as_ref().map(|p| p.record(&movement)) {
                    map.extend(record);
                }
            }
            messages.push(customs(action.name(), &body, now));
        }
    }
    let text = match action {
        Action::Incident { text, .. } => Some(text.as_str()),
        Action::ReservationFailed { reason, .. } => Some(reason.as_str()),
        _ => None,
    };
    let control_type = match action {
        Action::ControlDecision { control_type, .. } => Some(*control_type),
        _ => None,
    };
    let extra = Extra {
        office,
        text,
        control_type,
        catalog: Some(catalog.as_ref()),
    };
    let mut ledger = Vec::new();
    for effect in &decision.effects {
        match effect {
            Effect::Message { message_type } => {
                // Goods released then written off at once: the CC025C shows the GoodsReleased step.
                let mut shown = movement.clone();
                if message_type == "CC025C" && movement.state == MovementState::WrittenOff {
                    shown.state = MovementState::GoodsReleased;
                }
                messages.push(outbound(
                    &shown,
                    &record.declaration,
                    now,
                    record.created_at,
                    message_type,
                    &[],
                    None,
                    Some(&extra),
                ));
            }
            // A copy of a peer's movement: the guarantee is the node of departure's business.
            _ if movement.home.is_some() => {}
            Effect::Reserve => ledger.extend(plan.iter().flat_map(|p| p.ops.clone())),
            Effect::Credit => ledger.push(LedgerOp::Credit),
            Effect::Claim => ledger.push(LedgerOp::Claim),
        }
    }
    let ice_ends = crate::ice::guarantee::ends(&mut movement, &decision.effects, record.id, now)?;
    let mut detail = format!(
        "{} at {}: {} → {}",
        action.name(),
        office.map_or("-", |o| o.as_str()),
        record.movement.state,
        movement.state
    );
    if let Some(p) = &plan {
        detail.push_str(&format!("; {}", p.describe()));
    }
    if let Action::ReservationFailed { reason, .. } = action {
        detail.push_str(&format!("; {reason}"));
    }
    if let Action::ControlResult {
        result,
        control_type,
        report,
        ..
    } = action
    {
        let seals = report.seals.clone().unwrap_or_default();
        detail.push_str(&format!(
            "; {} after a {} control, {} finding(s), {} seal(s) checked ({} not intact), {} replaced",
            result.as_str(),
            control_type.as_str(),
            report.findings.len(),
            seals.checked.len(),
            seals.checked.iter().filter(|s| s.condition != SealCondition::Intact).count(),
            seals.replaced.len()
        ));
    }
    if let (Action::Release { .. }, Some(reason)) = (action, &movement.release_override) {
        detail.push_str(&format!(
            "; released without the control CATS selected (override): {reason}"
        ));
    }
    match &peer {
        Some(p) if p.resumed => detail.push_str(&format!(
            "; by {officer}, the use of its guarantee accepted by node {} (CD205C)",
            p.inbound.peer
        )),
        Some(p) => detail.push_str(&format!("; by {officer} at node {}", p.inbound.peer)),
        None => {}
    }
    let new = MovementRecord {
        id: record.id,
        version: record.version + 1,
        movement,
        declaration: record.declaration.clone(),
        created_at: record.created_at,
        updated_at: now,
    };
    let mut ice_out = ice_ends;
    if let Some(topology) = app.topology() {
        // Under enquiry: ask the node of the office of destination what it knows (CD142C).
        if let Action::TimeLimitExpired = action {
            ice_out.extend(crate::ice::request::enquiry_request(topology, &new, now)?);
        }
        // The node of departure: the records at release, then every change to the copies.
        let applying = peer.as_ref().map(|p| (&p.inbound.peer, p.inbound.sequence));
        if let Action::Release { .. } = action {
            let records = crate::ice::route::anticipated_records(topology, &new)?;
            let recorded: Vec<NodeId> = records.iter().map(|r| r.peer.clone()).collect();
            ice_out.extend(records);
            ice_out.extend(
                crate::ice::route::updates(
                    app,
                    topology,
                    &new,
                    now,
                    applying,
                    &recorded,
                    Some(action),
                )
                .await?,
            );
        } else {
            ice_out.extend(
                crate::ice::route::updates(app, topology, &new, now, applying, &[], Some(action))
                    .await?,
            );
        }
    }
    if let (Some(_), None) = (app.topology(), &peer) {
        let selection = crate::ice::route::selection_of(&new, action);
        ice_out.extend(crate::ice::route::forward(
            &new, action, officer, selection, request, now,
        )?);
    }
    app.commit(Change {
        record: new.clone(),
        expected_version: Some(record.version),
        messages,
        ledger,
        audit: vec![audit(actor, action.name(), Some(record.id), now, detail)],
        attachments: vec![],
        ice_out,
        ice_in: peer.map(|p| p.inbound),
        notifications: Vec::new(),
    })
    .await?;
    Ok(new)
}

/// Move every movement released for transit whose time limit for arrival passed before `now` to
/// `UnderEnquiry`. Movements are claimed first (a lease of 5 minutes) so that, with several
/// instances on one database, each check runs on one instance only. Returns the ids moved.
pub async fn check_time_limits(app: &App, now: DateTime<Utc>) -> Result<Vec<Uuid>, AppError> {
    let actor = Actor::System(format!("time-limit@{}", app.instance()));
    let mut moved = Vec::new();
    loop {
        let claimed = app
            .store()
            .claim_overdue(now, app.instance(), chrono::Duration::minutes(5), 100)
            .await?;
        if claimed.is_empty() {
            return Ok(moved);
        }
        for id in claimed {
            match act(app, &actor, id, Action::TimeLimitExpired, &Value::Null, now).await {
                Ok(_) => moved.push(id),
                Err(AppError::Transition(_)) => {}
                Err(e) => return Err(e),
            }
        }
    }
}
