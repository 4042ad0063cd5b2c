//! The holder's steps on a lodged declaration from the pages: the amendment in the Single
//! Transit Document form (CC013C analogue, before a control is decided) and the request to
//! cancel (CC014C analogue, before release), through the API's use cases.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use uuid::Uuid;

use cats_app::auth::User;
use cats_app::{act, amend, query, Actor, App, AppError};
use cats_domain::movement::{Action, MovementState};
use cats_ncts::Format;

use super::chrome::{csrf_refused, error_page, Visitor};
use super::declare::{
    apply_row_op, body_of, failures, form_page, lodging_errors, not_a_trader, posted, see_other,
    trader, Shown,
};
use super::movements::{app_error, movement_page};
use super::std_form;

/// Whether the holder may amend in `state`: accepted or guarantee not valid, before a control is
/// decided (as [`amend::amend`] allows).
pub fn may_amend(state: MovementState) -> bool {
    matches!(
        state,
        MovementState::Accepted | MovementState::GuaranteeNotValid
    )
}

/// The form of a movement's declaration for amendment, or the page saying why not.
async fn amendable(
    app: &App,
    visitor: &Visitor,
    user: &User,
    id: Uuid,
) -> Result<BTreeMap<String, String>, Box<Response>> {
    let (record, _) = query::movement_messages(app, &Actor::User(user.clone()), id)
        .await
        .map_err(|e| Box::new(app_error(visitor, e)))?;
    if !may_amend(record.movement.state) {
        return Err(Box::new(error_page(
            visitor,
            StatusCode::CONFLICT,
            visitor.t.get("amend-not-now"),
        )));
    }
    Ok(std_form::fields_of(&record.declaration))
}

/// `GET /ui/movements/{id}/amend`: the lodged declaration in the form, to amend before release.
pub async fn amend_page(
    State(app): State<App>,
    visitor: Visitor,
    Path(id): Path<Uuid>,
) -> Response {
    let Some(user) = trader(&visitor) else {
        return not_a_trader(&visitor);
    };
    let fields = match amendable(&app, &visitor, &user, id).await {
        Ok(f) => f,
        Err(r) => return *r,
    };
    let shown = Shown {
        action: format!("/ui/movements/{id}/amend"),
        draft: None,
        amending: true,
        fields: &fields,
        errors: &[],
        notice: None,
        problem: None,
        rejected: None,
    };
    form_page(&app, &visitor, &user, StatusCode::OK, shown)
}

/// `POST /ui/movements/{id}/amend`: add or remove a row (shown again), or lodge the amendment
/// (CC013C analogue) through the API's use case; back to the movement, or the form with every
/// error beside its field.
pub async fn amend_submit(
    State(app): State<App>,
    visitor: Visitor,
    Path(id): Path<Uuid>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Response {
    let Some(user) = trader(&visitor) else {
        return not_a_trader(&visitor);
    };
    let mut p = posted(pairs);
    if !visitor.csrf_ok(&p.csrf) {
        return csrf_refused(&visitor);
    }
    let mut shown = Shown {
        action: format!("/ui/movements/{id}/amend"),
        draft: None,
        amending: true,
        fields: &BTreeMap::new(),
        errors: &[],
        notice: None,
        problem: None,
        rejected: None,
    };
    if apply_row_op(&p.op, &mut p.fields).is_some() || p.op != "lodge" {
        shown.fields = &p.fields;
        return form_page(&app, &visitor, &user, StatusCode::OK, shown);
    }
    let actor = Actor::User(user.clone());
    let body = body_of(&p.fields, &user);
    let errors = match amend::amend(&app, &actor, id, &body, Format::Json, Utc::now()).await {
        Ok(lodged) if lodged.failures.is_empty() => {
            return see_other(&format!("/ui/movements/{id}"));
        }
        Ok(lodged) => failures(&visitor.t, &lodged),
        Err(AppError::Transition(_)) => {
            return error_page(
                &visitor,
                StatusCode::CONFLICT,
                visitor.t.get("amend-not-now"),
            )
        }
        Err(e) => match lodging_errors(&visitor.t, e) {
            Ok(errors) => errors,
            Err(e) => return app_error(&visitor, e),
        },
    };
    shown.fields = &p.fields;
    shown.errors = &errors;
    shown.problem = Some(visitor.t.get("amend-refused"));
    form_page(
        &app,
        &visitor,
        &user,
        StatusCode::UNPROCESSABLE_ENTITY,
        shown,
    )
}

/// The cancellation request form of the movement page.
#[derive(Debug, serde::Deserialize)]
pub struct CancelForm {
    csrf: String,
    #[serde(default)]
    reason: String,
}

/// `POST /ui/movements/{id}/cancel`: the holder asks the office of departure to cancel the
/// declaration (CC014C analogue), through the API's use case; back to the movement page.
pub async fn cancel(
    State(app): State<App>,
    visitor: Visitor,
    Path(id): Path<Uuid>,
    axum::Form(form): axum::Form<CancelForm>,
) -> Response {
    let Some(user) = trader(&visitor) else {
        return not_a_trader(&visitor);
    };
    if !visitor.csrf_ok(&form.csrf) {
        return csrf_refused(&visitor);
    }
    let reason = form.reason.trim().to_string();
    if reason.is_empty() {
        let why = visitor.t.get("cancel-empty");
        return movement_page(&app, &visitor, id, StatusCode::BAD_REQUEST, Some(why)).await;
    }
    let request = serde_json::json!({ "reason": reason });
    let action = Action::RequestCancellation { reason };
    match act::act(&app, &Actor::User(user), id, action, &request, Utc::now()).await {
        Ok(_) => see_other(&format!("/ui/movements/{id}")),
        Err(AppError::Transition(e)) => {
            movement_page(
                &app,
                &visitor,
                id,
                StatusCode::CONFLICT,
                Some(super::forms::transition(&visitor.t, &e)),
            )
            .await
        }
        Err(e) => app_error(&visitor, e),
    }
}
