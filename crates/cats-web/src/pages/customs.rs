//! The officer's customs actions from the movement page, through the same typed requests and use
//! case as `POST /movements/departures/{id}/customs/{action}`: the actions that name only the
//! office (release, with the override reason when CATS selected the movement; exit, entry,
//! arrival, goods release, resolved discrepancies, recovery), the control decision with the
//! documents asked for, the control record with its findings and seals, incidents and the
//! decision on the holder's cancellation request; and the photos and documents of a control
//! record.

use std::collections::HashMap;

use axum::extract::{Multipart, Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde_json::{json, Value};
use uuid::Uuid;

use cats_app::auth::Role;
use cats_app::{controls, Actor, App, AppError};
use cats_domain::ids::OfficeRef;
use cats_domain::movement::{
    Action, ControlResultCode, ControlType, Finding, FindingKind, RequestedDocument, SealCondition,
    SealObservation, SealReplacement, SealsCheck,
};

use super::chrome::{csrf_refused, error_page, to_sign_in, Visitor};
use super::forms::{read_upload, refusal};
use super::movements::{app_error, movement_page};
use crate::handlers::customs::{
    CancellationDecisionRequest, ControlDecisionRequest, ControlResultRequest, CustomsRequest,
    IncidentRequest, ReleaseRequest,
};

/// The posted form: every value of every field, in order (the findings, seals and documents
/// rows repeat their field names).
struct Posted(HashMap<String, Vec<String>>);

impl Posted {
    fn new(pairs: Vec<(String, String)>) -> Self {
        let mut map: HashMap<String, Vec<String>> = HashMap::new();
        for (k, v) in pairs {
            map.entry(k).or_default().push(v);
        }
        Self(map)
    }

    /// The first value of `name`, trimmed ("" when absent).
    fn one(&self, name: &str) -> String {
        self.0
            .get(name)
            .and_then(|v| v.first())
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    }

    /// The `i`th value of the repeated field `name`, trimmed.
    fn nth(&self, name: &str, i: usize) -> String {
        self.0
            .get(name)
            .and_then(|v| v.get(i))
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    }

    /// How many rows the repeated field `name` has.
    fn rows(&self, name: &str) -> usize {
        self.0.get(name).map_or(0, Vec::len)
    }

    fn optional(&self, name: &str) -> Option<String> {
        Some(self.one(name)).filter(|v| !v.is_empty())
    }
}

fn parse_code<T: serde::de::DeserializeOwned>(code: &str) -> Option<T> {
    serde_json::from_value(json!(code)).ok()
}

/// The findings rows that were filled in. Errors: the row number of a finding without a known
/// kind.
fn findings(p: &Posted) -> Result<Vec<Finding>, usize> {
    let mut out = Vec::new();
    for i in 0..p.rows("finding_description") {
        let description = p.nth("finding_description", i);
        if description.is_empty() {
            continue;
        }
        let kind: FindingKind = parse_code(&p.nth("finding_kind", i)).ok_or(i + 1)?;
        let some = |v: String| Some(v).filter(|v| !v.is_empty());
        out.push(Finding {
            kind,
            goods_item: p.nth("finding_item", i).parse().ok(),
            description,
            declared: some(p.nth("finding_declared", i)),
            found: some(p.nth("finding_found", i)),
        });
    }
    Ok(out)
}

/// The seals rows that were filled in: each seal checked with its condition, and a new seal
/// where one was affixed instead.
fn seals(p: &Posted) -> Option<SealsCheck> {
    let mut check = SealsCheck::default();
    for i in 0..p.rows("seal_id") {
        let identifier = p.nth("seal_id", i);
        if identifier.is_empty() {
            continue;
        }
        let condition = parse_code(&p.nth("seal_condition", i)).unwrap_or(SealCondition::Intact);
        check.checked.push(SealObservation {
            identifier: identifier.clone(),
            condition,
        });
        let new_identifier = p.nth("seal_new", i);
        if !new_identifier.is_empty() {
            check.replaced.push(SealReplacement {
                identifier,
                new_identifier,
            });
        }
    }
    (!check.checked.is_empty()).then_some(check)
}

/// The documents asked for with a control decision.
fn requested_documents(p: &Posted) -> Vec<RequestedDocument> {
    (0..p.rows("document_type"))
        .filter_map(|i| {
            let document_type = p.nth("document_type", i);
            (!document_type.is_empty()).then(|| RequestedDocument {
                document_type: document_type.to_uppercase(),
                description: Some(p.nth("document_description", i)).filter(|d| !d.is_empty()),
            })
        })
        .collect()
}

/// The domain action of the form, and the request as the API would have received it (kept in
/// the history). Errors: the message key of what is missing or unknown.
fn action_of(p: &Posted, office: OfficeRef) -> Result<(Action, Value), &'static str> {
    let control_type = ControlType::parse(&p.one("control_type")).unwrap_or_default();
    let mut body = json!({ "office": office });
    // the API's typed requests make the domain action, so the page and the API map alike
    let action = match p.one("action").as_str() {
        "control-decision" => {
            let requested_documents = requested_documents(p);
            body["controlType"] = json!(control_type.as_str());
            body["requestedDocuments"] = json!(requested_documents);
            ControlDecisionRequest {
                office,
                control_type,
                requested_documents,
            }
            .into_action()
        }
        "control-result" => {
            let result = ControlResultCode::parse(&p.one("result")).ok_or("action-unknown")?;
            let findings = findings(p).map_err(|_| "finding-kind-missing")?;
            let seals = seals(p);
            let remarks = p.optional("remarks");
            body["controlType"] = json!(control_type.as_str());
            body["result"] = json!(result.as_str());
            body["findings"] = json!(findings);
            body["seals"] = json!(seals);
            body["remarks"] = json!(remarks);
            ControlResultRequest {
                office,
                result,
                control_type,
                findings,
                seals,
                remarks,
            }
            .into_action()
        }
        "release" => {
            let override_reason = p.optional("override_reason");
            if let Some(reason) = &override_reason {
                body["overrideReason"] = json!(reason);
            }
            ReleaseRequest {
                office,
                override_reason,
            }
            .into_action()
        }
        "incident" => {
            let text = p.one("text");
            body["text"] = json!(text);
            IncidentRequest { office, text }.into_action()
        }
        "cancellation-decision" => {
            let accept = match p.one("accept").as_str() {
                "yes" => true,
                "no" => false,
                _ => return Err("action-unknown"),
            };
            body["accept"] = json!(accept);
            CancellationDecisionRequest { office, accept }.into_action()
        }
        "exit" => Action::Exit { office },
        "entry" => Action::Entry { office },
        "arrival" => Action::Arrival { office },
        "goods-release" => Action::GoodsRelease { office },
        "resolve-discrepancies" => Action::ResolveDiscrepancies { office },
        "recovery" => Action::OpenRecovery { office },
        _ => return Err("action-unknown"),
    };
    Ok((action, body))
}

/// `POST /ui/movements/{id}/customs`: an officer's action; back to the movement page (`303`), or
/// the page with the reason (`409` refused in the state or at the office, `400` with the rule
/// ids of a control record or decision that breaks CATS024–CATS032).
pub async fn customs(
    State(app): State<App>,
    visitor: Visitor,
    Path(id): Path<Uuid>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Response {
    let Some(user) = visitor.user().cloned() else {
        return to_sign_in();
    };
    let p = Posted::new(pairs);
    if !visitor.csrf_ok(&p.one("csrf")) {
        return csrf_refused(&visitor);
    }
    let t = &visitor.t;
    if user.role != Role::Officer {
        return error_page(&visitor, StatusCode::FORBIDDEN, t.get("not-allowed"));
    }
    let Ok(office) = p.one("office").parse::<OfficeRef>() else {
        let why = t.get("action-no-office");
        return movement_page(&app, &visitor, id, StatusCode::BAD_REQUEST, Some(why)).await;
    };
    let (action, body) = match action_of(&p, office) {
        Ok(found) => found,
        Err(key) => {
            let why = t.get(key);
            return movement_page(&app, &visitor, id, StatusCode::BAD_REQUEST, Some(why)).await;
        }
    };
    match cats_app::act::act(&app, &Actor::User(user), id, action, &body, Utc::now()).await {
        Ok(_) => back(id),
        Err(AppError::Transition(e)) => {
            let why = t.arg("action-refused", "why", super::forms::transition(t, &e));
            movement_page(&app, &visitor, id, StatusCode::CONFLICT, Some(why)).await
        }
        Err(AppError::Rules { failures, .. }) => {
            let list = failures
                .iter()
                .map(|f| t.rule(&f.rule_id, &f.reason))
                .collect::<Vec<_>>()
                .join("; ");
            let why = t.arg("action-refused", "why", list);
            movement_page(&app, &visitor, id, StatusCode::BAD_REQUEST, Some(why)).await
        }
        Err(e) => app_error(&visitor, e),
    }
}

fn back(id: Uuid) -> Response {
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, format!("/ui/movements/{id}"))],
    )
        .into_response()
}

/// `POST /ui/movements/{id}/controls/{number}/attachments` (multipart: `csrf`, then `file`): a
/// photo or document of control record `number`, kept with its SHA-256 (as the API's upload).
pub async fn attach(
    State(app): State<App>,
    visitor: Visitor,
    Path((id, number)): Path<(Uuid, u32)>,
    parts: Multipart,
) -> Response {
    let Some(user) = visitor.user().cloned() else {
        return to_sign_in();
    };
    let t = &visitor.t;
    let Ok(upload) = read_upload(parts, "file").await else {
        let why = t.get("registration-document-too-big");
        let status = StatusCode::PAYLOAD_TOO_LARGE;
        return movement_page(&app, &visitor, id, status, Some(why)).await;
    };
    if !visitor.csrf_ok(&upload.csrf) {
        return csrf_refused(&visitor);
    }
    let Some((name, kind, bytes)) = upload.file else {
        let why = t.get("registration-document-missing");
        return movement_page(&app, &visitor, id, StatusCode::BAD_REQUEST, Some(why)).await;
    };
    let actor = Actor::User(user);
    match controls::attach(&app, &actor, id, number, &name, &kind, bytes, Utc::now()).await {
        Ok(_) => back(id),
        Err(e) => match refusal(t, &e) {
            Some((status, why)) => movement_page(&app, &visitor, id, status, Some(why)).await,
            None => app_error(&visitor, e),
        },
    }
}

/// `GET /ui/movements/{id}/controls/{number}/attachments/{attachmentId}`: its bytes.
pub async fn download(
    State(app): State<App>,
    visitor: Visitor,
    Path((id, number, attachment)): Path<(Uuid, u32, Uuid)>,
) -> Response {
    let Some(user) = visitor.user().cloned() else {
        return to_sign_in();
    };
    match controls::download(&app, &Actor::User(user), id, number, attachment).await {
        Ok(a) => crate::handlers::file_response(
            &a.meta.content_type,
            &a.meta.filename,
            &a.meta.sha256,
            a.data,
        ),
        Err(e) => app_error(&visitor, e),
    }
}
