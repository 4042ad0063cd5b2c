//! `GET /ui/movements/{id}/tad`: the movement's transit accompanying document (PDF) from its
//! page, in the user's language, for whoever sees the movement (the holder's traders, officers
//! of a country on the route), once released for transit. Sent as a download (`attachment`):
//! the pages' Content-Security-Policy (`object-src 'none'`) keeps browsers' PDF viewers from
//! showing it in the tab.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use uuid::Uuid;

use cats_app::auth::Role;
use cats_app::{Actor, App};

use super::chrome::{error_page, to_sign_in, Visitor};
use super::movements::app_error;
use crate::tad::{pdf_response, tad_file, TadError};

/// The TAD of movement `id`: `404` when the user may not see it, `409` before release.
pub async fn download(State(app): State<App>, visitor: Visitor, Path(id): Path<Uuid>) -> Response {
    let Some(user) = visitor.user().cloned() else {
        return to_sign_in();
    };
    let t = &visitor.t;
    if !matches!(user.role, Role::Trader | Role::Officer) {
        return error_page(&visitor, StatusCode::FORBIDDEN, t.get("not-allowed"));
    }
    match tad_file(&app, &Actor::User(user), id, t).await {
        Ok(file) => pdf_response(file, "attachment"),
        Err(TadError::App(e)) => app_error(&visitor, e),
        Err(TadError::NotReleased(_)) => {
            error_page(&visitor, StatusCode::CONFLICT, t.get("tad-not-released"))
        }
        Err(TadError::Render(reason)) => {
            tracing::error!(%reason, "the TAD could not be written");
            error_page(
                &visitor,
                StatusCode::INTERNAL_SERVER_ERROR,
                t.get("error-title"),
            )
        }
    }
}
