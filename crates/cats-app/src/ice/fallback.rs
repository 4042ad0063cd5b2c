//! The NCTS fallback at a node that has not received a movement's anticipated record (its peer
//! is down, or the network is): an officer records the passage at an office hosted here from
//! the paper transit accompanying document, by MRN; it is kept pending, and applied to the copy
//! (and so sent to the node of departure) as soon as the record arrives.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use uuid::Uuid;

use cats_domain::ids::{Mrn, OfficeRef};
use cats_domain::movement::Action;

use super::Host;
use crate::app::{Actor, App};
use crate::auth::Role;
use crate::error::AppError;
use crate::history::audit;

/// A passage recorded from the paper document.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaperPassage {
    /// Entry at an office of transit.
    Entry,
    /// Exit at an office of exit for transit.
    Exit,
    /// Arrival at an office of destination.
    Arrival,
}

/// `POST /ice/fallback`: what the officer read from the paper transit accompanying document.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FallbackRequest {
    /// MRN printed on the document (18 characters).
    pub mrn: Mrn,
    /// What happened at the office.
    pub passage: PaperPassage,
    /// The office (hosted by this node, where the officer acts).
    pub office: OfficeRef,
    /// A note: the document's reference, what was seen.
    #[serde(default)]
    pub remarks: Option<String>,
}

/// A passage recorded from paper, and what became of it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fallback {
    /// Its id.
    pub id: Uuid,
    /// MRN (18 characters).
    pub mrn: Mrn,
    /// What happened, where.
    pub passage: PaperPassage,
    /// The office.
    pub office: OfficeRef,
    /// Who recorded it.
    pub officer: String,
    /// When (UTC): the time of the passage.
    pub at: DateTime<Utc>,
    /// The officer's note.
    pub remarks: Option<String>,
    /// `pending` until the record arrives, then `applied` or `refused`.
    pub status: String,
    /// Why it was refused, when it was.
    pub outcome: Option<String>,
    /// When applied or refused.
    pub settled_at: Option<DateTime<Utc>>,
}

impl Fallback {
    fn action(&self) -> Action {
        let office = self.office.clone();
        match self.passage {
            PaperPassage::Entry => Action::Entry { office },
            PaperPassage::Exit => Action::Exit { office },
            PaperPassage::Arrival => Action::Arrival { office },
        }
    }
}

/// Record a passage from paper. Errors: not an officer of that office (403), the node is not
/// in an ICE network or the office is hosted elsewhere (403), the record is here already (409:
/// act on the movement).
pub async fn record(
    app: &App,
    actor: &Actor,
    request: FallbackRequest,
    now: DateTime<Utc>,
) -> Result<Fallback, AppError> {
    let user = actor
        .user()
        .filter(|u| u.role == Role::Officer)
        .ok_or_else(|| {
            AppError::Forbidden("passages from paper are recorded by officers".into())
        })?;
    if !user.acts_at(&request.office, &app.catalog()) {
        return Err(AppError::Forbidden(format!(
            "officer {} does not act at office {}",
            user.username, request.office
        )));
    }
    match app.topology().map(|t| t.host_of(&request.office)) {
        Some(Host::Here) => {}
        Some(_) => {
            return Err(AppError::Forbidden(format!(
                "office {} is not hosted by this node",
                request.office
            )))
        }
        None => {
            return Err(AppError::Forbidden(
                "this node hosts every office: record the passage on the movement".into(),
            ))
        }
    }
    if app.store().movement_by_mrn(&request.mrn).await?.is_some() {
        return Err(AppError::Refused(format!(
            "the record of MRN {} is here: record the passage on the movement",
            request.mrn
        )));
    }
    let fallback = Fallback {
        id: Uuid::new_v4(),
        mrn: request.mrn,
        passage: request.passage,
        office: request.office,
        officer: user.username.clone(),
        at: now,
        remarks: request.remarks,
        status: "pending".into(),
        outcome: None,
        settled_at: None,
    };
    // Ask the node of departure for the record (a route change or a diversion brought the goods
    // here; or the record is late): it comes back as a record, and the passage is applied then.
    let topology = app
        .topology()
        .ok_or_else(|| AppError::Forbidden("this node is not part of an ICE network".into()))?;
    let ask = super::request::record_request(
        topology,
        &fallback.mrn,
        fallback.passage,
        &fallback.office,
        now,
    )?;
    app.store()
        .ice_save_fallback(&fallback, ask.as_slice())
        .await?;
    let entry = audit(
        actor,
        "ice.fallback",
        None,
        now,
        format!(
            "{:?} of MRN {} at {} recorded from the paper document; pending until the record arrives",
            fallback.passage, fallback.mrn, fallback.office
        ),
    );
    app.store().audit(&[entry]).await?;
    Ok(fallback)
}

/// Apply the passages recorded from paper for `mrn`, oldest first, now that its record is here
/// (each through the officers' use case, so each also goes to the node of departure).
pub async fn reconcile(app: &App, mrn: &Mrn, now: DateTime<Utc>) -> Result<(), AppError> {
    let pending = app.store().ice_fallbacks(Some(mrn), true).await?;
    let Some(record) = app.store().movement_by_mrn(mrn).await? else {
        return Ok(());
    };
    for mut f in pending {
        let actor = Actor::System(format!("fallback:{}", f.officer));
        let request: Value = json!({ "office": f.office, "fromPaper": true, "remarks": f.remarks });
        let outcome = crate::act::act(app, &actor, record.id, f.action(), &request, f.at).await;
        f.settled_at = Some(now);
        match outcome {
            Ok(_) => f.status = "applied".into(),
            Err(
                e @ (AppError::Transition(_) | AppError::Forbidden(_) | AppError::Rules { .. }),
            ) => {
                f.status = "refused".into();
                f.outcome = Some(e.to_string());
            }
            Err(e) => return Err(e),
        }
        app.store().ice_save_fallback(&f, &[]).await?;
    }
    Ok(())
}

/// The passages recorded from paper, newest first (officers and administrators).
pub async fn list(app: &App, actor: &Actor) -> Result<Vec<Fallback>, AppError> {
    if actor
        .user()
        .is_some_and(|u| u.role != Role::Officer && u.role != Role::Admin)
    {
        return Err(AppError::Forbidden(
            "for customs officers and administrators".into(),
        ));
    }
    Ok(app.store().ice_fallbacks(None, false).await?)
}
