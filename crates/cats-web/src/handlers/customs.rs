//! Customs officers' actions on a movement: `POST /movements/departures/{id}/customs/{action}`,
//! one route and one typed request per action, each mapped onto the domain's
//! [`Action`](cats_domain::movement::Action):
//!
//! | action | request | domain action |
//! |---|---|---|
//! | `control-decision` | [`ControlDecisionRequest`] | `ControlDecision` (CC060C at departure; CATS032) |
//! | `control-result` | [`ControlResultRequest`] | `ControlResult` (CATS024–CATS031, `docs/risk.md`) |
//! | `release` | [`ReleaseRequest`] | `Release` (CC029C; `overrideReason` when CATS selected it) |
//! | `exit` | [`OfficeRequest`] | `Exit` |
//! | `entry` | [`OfficeRequest`] | `Entry` (NCF) |
//! | `incident` | [`IncidentRequest`] | `Incident` (CC182C) |
//! | `arrival` | [`OfficeRequest`] | `Arrival` |
//! | `goods-release` | [`OfficeRequest`] | `GoodsRelease` (CC025C) |
//! | `resolve-discrepancies` | [`OfficeRequest`] | `ResolveDiscrepancies` |
//! | `cancellation-decision` | [`CancellationDecisionRequest`] | `CancellationDecision` (CC009C) |
//! | `recovery` | [`OfficeRequest`] | `OpenRecovery` (CC035C) |
//!
//! `office` is always the acting office's reference number. Any other action name answers `404`
//! listing these.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::Utc;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use cats_app::{act, App};
use cats_domain::ids::OfficeRef;
use cats_domain::movement::{
    Action, ControlReport, ControlResultCode, ControlType, Finding, RequestedDocument, SealsCheck,
};

use crate::error::ApiError;
use crate::principal::Principal;
use crate::views;

/// A customs action's request: what it turns into in the domain.
pub trait CustomsRequest: DeserializeOwned {
    /// The domain action this request asks for.
    fn into_action(self) -> Action;
}

/// Body of `control-decision`: a control decided at an office.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ControlDecisionRequest {
    /// The office deciding.
    pub office: OfficeRef,
    /// Kind of control (documentary when left out).
    #[serde(default)]
    pub control_type: ControlType,
    /// Documents asked for (CC060C `RequestedDocument`, CL213 an4; rule CATS032).
    #[serde(default)]
    pub requested_documents: Vec<RequestedDocument>,
}

impl CustomsRequest for ControlDecisionRequest {
    fn into_action(self) -> Action {
        Action::ControlDecision {
            office: self.office,
            control_type: self.control_type,
            requested_documents: self.requested_documents,
        }
    }
}

/// Body of `control-result`: the record of a control done at an office.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ControlResultRequest {
    /// The office that controlled.
    pub office: OfficeRef,
    /// Result: A1 satisfactory, A2 considered satisfactory, A3 seals OK, B1 not satisfactory
    /// (NCTS CL198).
    pub result: ControlResultCode,
    /// Kind of control (documentary when left out).
    #[serde(default)]
    pub control_type: ControlType,
    /// What the control found (required with B1, refused with A1: CATS024, CATS025).
    #[serde(default)]
    pub findings: Vec<Finding>,
    /// Seals checked and replaced (CATS026–CATS029).
    #[serde(default)]
    pub seals: Option<SealsCheck>,
    /// Free remarks.
    #[serde(default)]
    pub remarks: Option<String>,
}

impl CustomsRequest for ControlResultRequest {
    fn into_action(self) -> Action {
        Action::ControlResult {
            office: self.office,
            result: self.result,
            control_type: self.control_type,
            report: ControlReport {
                findings: self.findings,
                seals: self.seals,
                remarks: self.remarks,
            },
        }
    }
}

/// Body of the actions that name only the acting office (`release`, `exit`, `entry`,
/// `arrival`, `goods-release`, `resolve-discrepancies`, `recovery`).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OfficeRequest {
    /// The acting office.
    pub office: OfficeRef,
}

/// Body of `release`: the office of departure, and why the officer releases without the control
/// CATS selected the movement for, when it did (the override: kept in the history, the audit log
/// and the risk feedback's `overridden`). Without a reason such a release is refused (`409`).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReleaseRequest {
    /// The office of departure.
    pub office: OfficeRef,
    /// Why no control, at most 512 characters.
    #[serde(default)]
    #[schema(max_length = 512)]
    pub override_reason: Option<String>,
}

impl CustomsRequest for ReleaseRequest {
    fn into_action(self) -> Action {
        Action::Release {
            office: self.office,
            override_reason: self.override_reason.map(|r| r.chars().take(512).collect()),
        }
    }
}

/// Body of `incident`: an incident en route (CC182C).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IncidentRequest {
    /// The office recording it.
    pub office: OfficeRef,
    /// What happened (not empty).
    pub text: String,
}

impl CustomsRequest for IncidentRequest {
    fn into_action(self) -> Action {
        Action::Incident {
            office: self.office,
            text: self.text,
        }
    }
}

/// Body of `cancellation-decision`: the decision on the holder's request to cancel (CC009C).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CancellationDecisionRequest {
    /// The office of departure.
    pub office: OfficeRef,
    /// `true` invalidates the declaration; `false` refuses the cancellation.
    pub accept: bool,
}

impl CustomsRequest for CancellationDecisionRequest {
    fn into_action(self) -> Action {
        Action::CancellationDecision {
            office: self.office,
            accept: self.accept,
        }
    }
}

/// The actions that name only the acting office, by their path segment.
macro_rules! office_actions {
    ($($name:ident: $segment:literal => $variant:ident;)*) => {
        $(
            #[doc = concat!("`", $segment, "`: the [`OfficeRequest`] as `Action::", stringify!($variant), "`.")]
            #[derive(Debug, Clone, Deserialize)]
            #[serde(transparent)]
            pub struct $name(pub OfficeRequest);

            impl CustomsRequest for $name {
                fn into_action(self) -> Action {
                    Action::$variant { office: self.0.office }
                }
            }
        )*
    };
}

office_actions! {
    Exit: "exit" => Exit;
    Entry: "entry" => Entry;
    Arrival: "arrival" => Arrival;
    GoodsRelease: "goods-release" => GoodsRelease;
    ResolveDiscrepancies: "resolve-discrepancies" => ResolveDiscrepancies;
    Recovery: "recovery" => OpenRecovery;
}

/// The action names, as in the paths.
pub const ACTIONS: [&str; 11] = [
    "control-decision",
    "control-result",
    "release",
    "exit",
    "entry",
    "incident",
    "arrival",
    "goods-release",
    "resolve-discrepancies",
    "cancellation-decision",
    "recovery",
];

/// `POST /movements/departures/{id}/customs/{action}` for the action whose request is `R`: an
/// officer acts at an office of its scope. `200` with the movement; `400` naming the field that
/// is missing or wrong; `409` (with `errorCode` 92) when out of sequence; `403` outside scope.
pub async fn act<R: CustomsRequest>(
    State(app): State<App>,
    who: Principal,
    Path(id): Path<Uuid>,
    Json(body): Json<Value>,
) -> Result<Json<Value>, ApiError> {
    let request: R = serde_json::from_value(body.clone()).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            format!("invalid body: {e}"),
        )
    })?;
    let record = act::act(
        &app,
        &who.actor(),
        id,
        request.into_action(),
        &body,
        Utc::now(),
    )
    .await?;
    Ok(Json(views::movement(&record, Some(&who.0))))
}

/// Any other `POST /movements/departures/{id}/customs/{action}`: `404` naming the actions.
pub async fn unknown(_who: Principal, Path((_, name)): Path<(Uuid, String)>) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        format!("no customs action {name}; use {}", ACTIONS.join(", ")),
    )
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
    Ok(Json(views::json(&views::AuditList { audit: entries })))
}
