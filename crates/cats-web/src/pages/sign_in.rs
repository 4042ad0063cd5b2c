//! `/`, signing in and out, and the language switch.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::Utc;
use serde::Deserialize;

use cats_app::accounts::{self, SignInRefused};
use cats_app::App;

use super::chrome::{
    csrf_refused, render, Chrome, Visitor, CSRF_COOKIE, LANG_COOKIE, SESSION_COOKIE,
};

/// The sign-in page.
#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    chrome: Chrome,
    error: Option<String>,
    username: String,
    demo: bool,
}

fn sign_in_page(
    visitor: &Visitor,
    status: StatusCode,
    username: &str,
    error: Option<String>,
) -> Response {
    let page = SignInPage {
        chrome: visitor.chrome(visitor.t.get("sign-in-title")),
        error,
        username: username.to_string(),
        demo: visitor.settings.demo,
    };
    render(visitor, status, &page)
}

/// `GET /`: the sign-in page, or the home page once signed in.
pub async fn root(visitor: Visitor) -> Response {
    if visitor.session.is_some() {
        return Redirect::to("/ui/home").into_response();
    }
    sign_in_page(&visitor, StatusCode::OK, "", None)
}

/// `GET /ui/sign-in`.
pub async fn page(visitor: Visitor) -> Response {
    root(visitor).await
}

/// The sign-in form.
#[derive(Debug, Deserialize)]
pub struct SignInForm {
    csrf: String,
    username: String,
    password: String,
}

/// `POST /ui/sign-in`: `303` to the home page with the session cookie; the form again with the
/// reason otherwise (`401`; `403` without the form's CSRF token).
pub async fn submit(
    State(app): State<App>,
    visitor: Visitor,
    Form(form): Form<SignInForm>,
) -> Response {
    if !visitor.csrf_ok(&form.csrf) {
        return csrf_refused(&visitor);
    }
    let username = form.username.trim();
    let policy = *app.sign_in_policy();
    let outcome = match accounts::sign_in(&app, username, &form.password, &policy, Utc::now()).await
    {
        Ok(o) => o,
        Err(e) => {
            tracing::error!(error = %e, "sign-in failed");
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the node could not sign you in",
            )
                .into_response();
        }
    };
    match outcome {
        Ok(signed_in) => {
            let jar = visitor
                .jar
                .clone()
                .add(visitor.cookie(SESSION_COOKIE, signed_in.cookie))
                .remove(CSRF_COOKIE);
            (jar, Redirect::to("/ui/home")).into_response()
        }
        Err(refused) => {
            let t = &visitor.t;
            let message = match refused {
                SignInRefused::Wrong => t.get("sign-in-wrong"),
                SignInRefused::Disabled => t.get("sign-in-disabled"),
                SignInRefused::Locked { until } => {
                    t.arg("sign-in-locked", "until", t.time(until, chrono_tz::Tz::UTC))
                }
            };
            sign_in_page(&visitor, StatusCode::UNAUTHORIZED, username, Some(message))
        }
    }
}

/// A form that carries only its CSRF token.
#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

/// `POST /ui/sign-out`: the session ends (on every instance: it is deleted from the store).
pub async fn sign_out(
    State(app): State<App>,
    visitor: Visitor,
    Form(form): Form<CsrfForm>,
) -> Response {
    if visitor.session.is_none() {
        return Redirect::to("/").into_response();
    }
    if !visitor.csrf_ok(&form.csrf) {
        return csrf_refused(&visitor);
    }
    if let Some(cookie) = visitor.jar.get(SESSION_COOKIE) {
        if let Err(e) = accounts::sign_out(&app, cookie.value(), Utc::now()).await {
            tracing::error!(error = %e, "sign-out failed");
        }
    }
    let jar = visitor.jar.clone().remove(SESSION_COOKIE);
    (jar, Redirect::to("/")).into_response()
}

/// The language switch.
#[derive(Debug, Deserialize)]
pub struct LanguageForm {
    csrf: String,
    lang: String,
    #[serde(default)]
    back: String,
}

/// `POST /ui/language`: remember the language (for the user, or in a cookie before signing in)
/// and go back to the page.
pub async fn language(
    State(app): State<App>,
    visitor: Visitor,
    Form(form): Form<LanguageForm>,
) -> Response {
    if !visitor.csrf_ok(&form.csrf) {
        return csrf_refused(&visitor);
    }
    let lang = if accounts::LANGUAGES.contains(&form.lang.as_str()) {
        form.lang.clone()
    } else {
        "en".to_string()
    };
    if let Some(user) = visitor.user() {
        if let Err(e) = accounts::set_language(&app, user, &lang).await {
            tracing::error!(error = %e, "language not saved");
        }
    }
    // only a path of this node, never another site
    let back = if form.back.starts_with('/') && !form.back.starts_with("//") {
        form.back.clone()
    } else {
        "/".to_string()
    };
    let jar = visitor.jar.clone().add(visitor.cookie(LANG_COOKIE, lang));
    (jar, Redirect::to(&back)).into_response()
}
