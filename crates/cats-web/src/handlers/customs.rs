//! Customs officers' actions on a movement: `POST /movements/departures/{id}/customs/{action}`.
//!
//! Actions and their JSON bodies (`office` is always the acting office's reference number):
//! `control-decision` {office, controlType, requestedDocuments?: [{documentType, description?}]}
//! (CATS032); `control-result` {office, result: A1|A2|A3|B1,
//! controlType, findings?: [{kind, goodsItem?, description, declared?, found?}], seals?:
//! {checked: [{identifier, condition: intact|broken|missing}], replaced: [{identifier,
//! newIdentifier}]}, remarks?} (rules CATS024 to CATS031, `docs/risk.md`); `release` {office}; `exit` {office}; `entry` {office}; `incident` {office, text};
//! `arrival` {office}; `goods-release` {office}; `resolve-discrepancies` {office};
//! `cancellation-decision` {office, accept: true|false}; `recovery` {office}.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::Utc;
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

use cats_app::{act, App};
use cats_domain::movement::{
    Action, ControlReport, ControlResultCode, ControlType, Finding, RequestedDocument, SealsCheck,
};

use crate::error::ApiError;
use crate::principal::Principal;
use crate::views;

/// Body of an officer's action.
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ActionBody {
    /// Acting office.
    pub office: Option<String>,
    /// Control result code.
    pub result: Option<String>,
    /// Control type: documentary, physical, scanning, seals.
    pub control_type: Option<String>,
    /// Incident text.
    pub text: Option<String>,
    /// Cancellation decision.
    pub accept: Option<bool>,
    /// Findings of a control result.
    pub findings: Option<Vec<Finding>>,
    /// Seals checked or replaced at a control.
    pub seals: Option<SealsCheck>,
    /// Remarks on a control result.
    pub remarks: Option<String>,
    /// Documents a control decision asks for (CC060C RequestedDocument).
    pub requested_documents: Option<Vec<RequestedDocument>>,
}

fn bad(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "BAD_REQUEST", message)
}

/// Turn an action name and body into a domain action; errors name the missing or wrong field.
pub fn to_action(name: &str, body: &ActionBody) -> Result<Action, ApiError> {
    let office = || {
        body.office.clone().ok_or_else(|| {
            bad(format!(
                "{name} needs \"office\": the acting office's reference number"
            ))
        })
    };
    let control_type = || match body.control_type.as_deref() {
        None => Ok(ControlType::default()),
        Some(t) => ControlType::parse(t).ok_or_else(|| {
            bad(format!(
                "controlType {t} is not documentary, physical, scanning or seals"
            ))
        }),
    };
    Ok(match name {
        "control-decision" => Action::ControlDecision {
            office: office()?,
            control_type: control_type()?,
            requested_documents: body.requested_documents.clone().unwrap_or_default(),
        },
        "control-result" => {
            let result = body.result.as_deref().ok_or_else(|| bad("control-result needs \"result\": A1, A2, A3 or B1"))?;
            let result = ControlResultCode::parse(result).ok_or_else(|| bad(format!("result {result} is not A1, A2, A3 or B1")))?;
            let report = ControlReport {
                findings: body.findings.clone().unwrap_or_default(),
                seals: body.seals.clone(),
                remarks: body.remarks.clone(),
            };
            Action::ControlResult { office: office()?, result, control_type: control_type()?, report }
        }
        "release" => Action::Release { office: office()? },
        "exit" => Action::Exit { office: office()? },
        "entry" => Action::Entry { office: office()? },
        "incident" => Action::Incident {
            office: office()?,
            text: body.text.clone().ok_or_else(|| bad("incident needs \"text\""))?,
        },
        "arrival" => Action::Arrival { office: office()? },
        "goods-release" => Action::GoodsRelease { office: office()? },
        "resolve-discrepancies" => Action::ResolveDiscrepancies { office: office()? },
        "cancellation-decision" => Action::CancellationDecision {
            office: office()?,
            accept: body.accept.ok_or_else(|| bad("cancellation-decision needs \"accept\": true or false"))?,
        },
        "recovery" => Action::OpenRecovery { office: office()? },
        other => {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "NOT_FOUND",
                format!("no customs action {other}; use control-decision, control-result, release, exit, entry, incident, arrival, goods-release, resolve-discrepancies, cancellation-decision or recovery"),
            ))
        }
    })
}

/// `POST /movements/departures/{id}/customs/{action}`: an officer acts at an office of its scope.
/// `200` with the movement; `409` (with `errorCode` 92) when out of sequence; `403` outside scope.
pub async fn act(
    State(app): State<App>,
    who: Principal,
    Path((id, name)): Path<(Uuid, String)>,
    Json(body): Json<Value>,
) -> Result<Json<Value>, ApiError> {
    let parsed: ActionBody = serde_json::from_value(body.clone())
        .map_err(|e| bad(format!("invalid body for {name}: {e}")))?;
    let action = to_action(&name, &parsed)?;
    let record = act::act(&app, &who.actor(), id, action, &body, Utc::now()).await?;
    Ok(Json(views::movement(&record, Some(&who.0))))
}

/// Query of the audit log.
#[derive(Debug, Deserialize)]
pub struct AuditQuery {
    limit: Option<u32>,
}

/// `GET /movements/departures/{id}/audit`: who did what to the movement (customs officers only).
pub async fn audit(
    State(app): State<App>,
    who: Principal,
    Path(id): Path<Uuid>,
    Query(q): Query<AuditQuery>,
) -> Result<Json<Value>, ApiError> {
    if who.0.role != cats_app::auth::Role::Officer {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "FORBIDDEN",
            "the audit log is for customs officers",
        ));
    }
    act::load_visible(&app, &who.actor(), id).await?;
    let entries = app
        .store()
        .audit_log(Some(id), q.limit.unwrap_or(200).min(1000))
        .await
        .map_err(cats_app::AppError::from)?;
    Ok(Json(json!({ "audit": entries })))
}
