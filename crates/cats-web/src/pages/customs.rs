//! The officer's customs actions from the movement page: the office-only actions (release,
//! exit, entry, arrival, goods release, resolved discrepancies), the control decision and the
//! control record, through the same typed requests and use case as the API.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use serde::Deserialize;
use uuid::Uuid;

use cats_app::auth::Role;
use cats_app::{App, AppError};
use cats_domain::ids::OfficeRef;

use super::chrome::{error_page, to_sign_in, Visitor};
use super::movements::{app_error, movement_page};

/// The customs action forms of the movement page: the office-only actions, the control
/// decision (with its control type) and the control record (result, control type, remarks).
#[derive(Debug, Deserialize)]
pub struct ActionForm {
    csrf: String,
    action: String,
    office: String,
    #[serde(default)]
    control_type: String,
    #[serde(default)]
    result: String,
    #[serde(default)]
    remarks: String,
    /// Why the officer releases without the control CATS selected the movement for.
    #[serde(default)]
    override_reason: String,
}

/// `POST /ui/movements/{id}/customs`: an officer's action that names only the office (release,
/// exit, entry, arrival, goods release, resolving discrepancies), through the same use case as
/// the API; back to the movement page (`303`), or the page with the reason (`409`, `400`).
pub async fn customs(
    State(app): State<App>,
    visitor: Visitor,
    Path(id): Path<Uuid>,
    axum::Form(form): axum::Form<ActionForm>,
) -> Response {
    use crate::handlers::customs::{
        Arrival, ControlDecisionRequest, ControlResultRequest, CustomsRequest, Entry as ExitEntry,
        Exit, GoodsRelease, OfficeRequest, ReleaseRequest, ResolveDiscrepancies,
    };
    use cats_domain::movement::{ControlResultCode, ControlType};
    let Some(user) = visitor.user().cloned() else {
        return to_sign_in();
    };
    if !visitor.csrf_ok(&form.csrf) {
        return super::chrome::csrf_refused(&visitor);
    }
    let t = &visitor.t;
    if user.role != Role::Officer {
        return error_page(&visitor, StatusCode::FORBIDDEN, t.get("not-allowed"));
    }
    let Ok(office) = form.office.parse::<OfficeRef>() else {
        let why = t.get("action-no-office");
        return movement_page(&app, &visitor, id, StatusCode::BAD_REQUEST, Some(why)).await;
    };
    let control_type = ControlType::parse(&form.control_type).unwrap_or_default();
    let remarks = Some(form.remarks.trim().to_string()).filter(|r| !r.is_empty());
    let override_reason = Some(form.override_reason.trim().to_string()).filter(|r| !r.is_empty());
    let request = OfficeRequest {
        office: office.clone(),
    };
    let action = match form.action.as_str() {
        "control-decision" => ControlDecisionRequest {
            office,
            control_type,
            requested_documents: Vec::new(),
        }
        .into_action(),
        "control-result" => {
            let Some(result) = ControlResultCode::parse(&form.result) else {
                let why = t.get("action-unknown");
                return movement_page(&app, &visitor, id, StatusCode::BAD_REQUEST, Some(why)).await;
            };
            ControlResultRequest {
                office,
                result,
                control_type,
                findings: Vec::new(),
                seals: None,
                remarks: remarks.clone(),
            }
            .into_action()
        }
        "release" => ReleaseRequest {
            office: request.office.clone(),
            override_reason: override_reason.clone(),
        }
        .into_action(),
        "exit" => Exit(request).into_action(),
        "entry" => ExitEntry(request).into_action(),
        "arrival" => Arrival(request).into_action(),
        "goods-release" => GoodsRelease(request).into_action(),
        "resolve-discrepancies" => ResolveDiscrepancies(request).into_action(),
        _ => {
            let why = t.get("action-unknown");
            return movement_page(&app, &visitor, id, StatusCode::BAD_REQUEST, Some(why)).await;
        }
    };
    let mut body = serde_json::json!({ "office": form.office });
    if form.action.starts_with("control-") {
        body["controlType"] = serde_json::json!(control_type.as_str());
    }
    if let (Some(reason), "release") = (&override_reason, form.action.as_str()) {
        body["overrideReason"] = serde_json::json!(reason);
    }
    if form.action == "control-result" {
        body["result"] = serde_json::json!(form.result);
        body["remarks"] = serde_json::json!(remarks);
    }
    match cats_app::act::act(
        &app,
        &cats_app::Actor::User(user),
        id,
        action,
        &body,
        Utc::now(),
    )
    .await
    {
        Ok(_) => axum::response::IntoResponse::into_response(axum::response::Redirect::to(
            &format!("/ui/movements/{id}"),
        )),
        Err(AppError::Transition(e)) => {
            let why = t.arg("action-refused", "why", e.to_string());
            movement_page(&app, &visitor, id, StatusCode::CONFLICT, Some(why)).await
        }
        Err(AppError::Rules { failures, .. }) => {
            let list = failures
                .iter()
                .map(|f| format!("{} {}", f.rule_id, f.reason))
                .collect::<Vec<_>>()
                .join("; ");
            let why = t.arg("action-refused", "why", list);
            movement_page(&app, &visitor, id, StatusCode::BAD_REQUEST, Some(why)).await
        }
        Err(e) => app_error(&visitor, e),
    }
}
