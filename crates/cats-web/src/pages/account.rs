//! The home page and the user's own account (password).

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use chrono::Utc;
use serde::Deserialize;

use cats_app::accounts::{self, MIN_PASSWORD_CHARS};
use cats_app::auth::Role;
use cats_app::{App, AppError};

use super::chrome::{csrf_refused, render, to_sign_in, Chrome, Visitor, SESSION_COOKIE};

/// The home page.
#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    username: String,
    role_text: String,
}

/// `GET /ui/home`: what the signed-in user can do.
pub async fn home(visitor: Visitor) -> Response {
    let Some(user) = visitor.user() else {
        return to_sign_in();
    };
    let t = &visitor.t;
    let role_text = t.get(match user.role {
        Role::Trader => "home-trader",
        Role::Insurer => "home-insurer",
        Role::Officer => "home-officer",
        Role::Admin => "home-admin",
    });
    let page = HomePage {
        chrome: visitor.chrome(t.get("home-title")),
        username: user.username.clone(),
        role_text,
    };
    render(&visitor, StatusCode::OK, &page)
}

/// The password page.
#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    chrome: Chrome,
    error: Option<String>,
    done: bool,
    hint: String,
}

fn password_page_with(
    visitor: &Visitor,
    status: StatusCode,
    error: Option<String>,
    done: bool,
) -> Response {
    let t = &visitor.t;
    let page = PasswordPage {
        chrome: visitor.chrome(t.get("password-title")),
        error,
        done,
        hint: t.arg("password-hint", "min", MIN_PASSWORD_CHARS),
    };
    render(visitor, status, &page)
}

/// `GET /ui/account/password`.
pub async fn password_page(visitor: Visitor) -> Response {
    if visitor.user().is_none() {
        return to_sign_in();
    }
    password_page_with(&visitor, StatusCode::OK, None, false)
}

/// The password form.
#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    csrf: String,
    current: String,
    new: String,
    repeat: String,
}

/// `POST /ui/account/password`: change the user's own password; its other sessions end.
pub async fn password_submit(
    State(app): State<App>,
    visitor: Visitor,
    Form(form): Form<PasswordForm>,
) -> Response {
    let Some(user) = visitor.user().cloned() else {
        return to_sign_in();
    };
    if !visitor.csrf_ok(&form.csrf) {
        return csrf_refused(&visitor);
    }
    let t = &visitor.t;
    if form.new != form.repeat {
        return password_page_with(
            &visitor,
            StatusCode::BAD_REQUEST,
            Some(t.get("password-mismatch")),
            false,
        );
    }
    let keep = visitor
        .jar
        .get(SESSION_COOKIE)
        .map(|c| c.value().to_string())
        .unwrap_or_default();
    match accounts::change_password(&app, &user, &form.current, &form.new, &keep, Utc::now()).await
    {
        Ok(()) => password_page_with(&visitor, StatusCode::OK, None, true),
        Err(AppError::Forbidden(_)) => password_page_with(
            &visitor,
            StatusCode::FORBIDDEN,
            Some(t.get("password-wrong")),
            false,
        ),
        Err(AppError::Invalid(_)) => {
            let message = if form.new.chars().count() < MIN_PASSWORD_CHARS {
                t.arg("password-too-short", "min", MIN_PASSWORD_CHARS)
            } else {
                t.get("password-is-username")
            };
            password_page_with(&visitor, StatusCode::BAD_REQUEST, Some(message), false)
        }
        Err(e) => {
            tracing::error!(error = %e, "password change failed");
            password_page_with(
                &visitor,
                StatusCode::INTERNAL_SERVER_ERROR,
                Some(t.get("error-title")),
                false,
            )
        }
    }
}
