//! The administrator's users page: every user with its role, company or country, and sign-in
//! status; new users (with a first password shown once), password resets, disabling and enabling.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::Utc;
use serde::Deserialize;

use cats_app::accounts;
use cats_app::auth::Role;
use cats_app::registers::users::{self as new_users, NewParty, NewUser};
use cats_app::{Actor, App, AppError};

use super::chrome::{csrf_refused, error_page, render, role_name, to_sign_in, Chrome, Visitor};
use super::movements::app_error;

/// One user in the table.
pub struct UserRow {
    username: String,
    role: String,
    scope: String,
    status: String,
    disabled: bool,
}

/// The users page.
#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    chrome: Chrome,
    rows: Vec<UserRow>,
    notice: Option<String>,
    error: Option<String>,
    roles: Vec<(&'static str, String)>,
    countries: Vec<(String, String)>,
}

fn admin(visitor: &Visitor) -> Result<Actor, Box<Response>> {
    match visitor.user() {
        None => Err(Box::new(to_sign_in())),
        Some(u) if u.role == Role::Admin => Ok(Actor::User(u.clone())),
        Some(_) => Err(Box::new(error_page(
            visitor,
            StatusCode::FORBIDDEN,
            visitor.t.get("not-allowed"),
        ))),
    }
}

async fn page(
    app: &App,
    visitor: &Visitor,
    status: StatusCode,
    notice: Option<String>,
    error: Option<String>,
) -> Response {
    let actor = match admin(visitor) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    let t = &visitor.t;
    let users = match accounts::users(app, &actor).await {
        Ok(u) => u,
        Err(e) => return app_error(visitor, e),
    };
    let now = Utc::now();
    let rows = users
        .iter()
        .map(|(u, account)| {
            let status = match account {
                None => t.get("users-no-password"),
                Some(a) if a.disabled => t.get("users-disabled"),
                Some(a) if a.is_locked(now) => t.get("users-locked"),
                Some(_) => t.get("users-active"),
            };
            UserRow {
                username: u.username.clone(),
                role: role_name(t, u),
                scope: match (&u.party, u.office_country) {
                    (Some(p), _) => p.to_string(),
                    (None, Some(c)) if u.offices.is_empty() => c.to_string(),
                    (None, Some(c)) => format!(
                        "{c}: {}",
                        u.offices
                            .iter()
                            .map(|o| o.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    _ => String::new(),
                },
                status,
                disabled: account.as_ref().is_some_and(|a| a.disabled),
            }
        })
        .collect();
    let catalog = app.catalog();
    let page = UsersPage {
        chrome: visitor.chrome(t.get("users-title")),
        rows,
        notice,
        error,
        roles: ["trader", "insurer", "officer", "admin"]
            .into_iter()
            .map(|r| (r, t.get(&format!("role-{r}"))))
            .collect(),
        countries: catalog
            .countries
            .values()
            .filter(|c| c.participating)
            .map(|c| (c.code.to_string(), c.code.to_string()))
            .collect(),
    };
    render(visitor, status, &page)
}

/// `GET /ui/admin/users`.
pub async fn list(State(app): State<App>, visitor: Visitor) -> Response {
    page(&app, &visitor, StatusCode::OK, None, None).await
}

/// The new-user form.
#[derive(Debug, Deserialize)]
pub struct NewUserForm {
    csrf: String,
    username: String,
    role: String,
    #[serde(default)]
    party_id: String,
    #[serde(default)]
    party_name: String,
    #[serde(default)]
    party_country: String,
    #[serde(default)]
    office_country: String,
    #[serde(default)]
    risk_analyst: Option<String>,
    /// An officer's offices, separated by spaces or commas; empty: every office of its country.
    #[serde(default)]
    offices: String,
}

/// `POST /ui/admin/users`: create a user with a first password, shown once on the page.
pub async fn create(
    State(app): State<App>,
    visitor: Visitor,
    Form(f): Form<NewUserForm>,
) -> Response {
    let actor = match admin(&visitor) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    if !visitor.csrf_ok(&f.csrf) {
        return csrf_refused(&visitor);
    }
    let t = &visitor.t;
    let Some(role) = Role::parse(&f.role) else {
        return page(
            &app,
            &visitor,
            StatusCode::BAD_REQUEST,
            None,
            Some(t.get("users-bad-role")),
        )
        .await;
    };
    let company = matches!(role, Role::Trader | Role::Insurer);
    let new = NewUser {
        username: f.username.trim().to_string(),
        role,
        party: company.then(|| NewParty {
            identification_number: f.party_id.trim().to_string(),
            name: f.party_name.trim().to_string(),
            country: f.party_country.trim().to_string(),
        }),
        office_country: (role == Role::Officer).then(|| f.office_country.trim().to_string()),
        risk_analyst: role == Role::Officer && f.risk_analyst.is_some(),
        offices: if role == Role::Officer {
            f.offices
                .split([' ', ','])
                .map(|o| o.trim().to_uppercase())
                .filter(|o| !o.is_empty())
                .collect()
        } else {
            Vec::new()
        },
    };
    let now = Utc::now();
    let created = match new_users::create(&app, &actor, new, now).await {
        Ok((user, _token)) => user,
        Err(AppError::Invalid(why) | AppError::Refused(why)) => {
            return page(
                &app,
                &visitor,
                StatusCode::BAD_REQUEST,
                None,
                Some(t.arg("users-refused", "why", why)),
            )
            .await
        }
        Err(e) => return app_error(&visitor, e),
    };
    match accounts::reset_password(&app, &actor, &created.username, now).await {
        Ok(password) => {
            let notice = t.arg2(
                "users-created",
                ("user", &created.username),
                ("password", password),
            );
            page(&app, &visitor, StatusCode::CREATED, Some(notice), None).await
        }
        Err(e) => app_error(&visitor, e),
    }
}

/// A form that carries only its CSRF token.
#[derive(Debug, Deserialize)]
pub struct ActionForm {
    csrf: String,
}

/// `POST /ui/admin/users/{username}/{action}`: `password` (a new random password, shown once),
/// `disable`, `enable`.
pub async fn act(
    State(app): State<App>,
    visitor: Visitor,
    Path((username, action)): Path<(String, String)>,
    Form(f): Form<ActionForm>,
) -> Response {
    let actor = match admin(&visitor) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    if !visitor.csrf_ok(&f.csrf) {
        return csrf_refused(&visitor);
    }
    let t = &visitor.t;
    let now = Utc::now();
    let notice = match action.as_str() {
        "password" => match accounts::reset_password(&app, &actor, &username, now).await {
            Ok(password) => t.arg2("users-reset", ("user", &username), ("password", password)),
            Err(e) => return app_error(&visitor, e),
        },
        "disable" | "enable" => {
            let disable = action == "disable";
            if let Err(e) = accounts::set_disabled(&app, &actor, &username, disable, now).await {
                return app_error(&visitor, e);
            }
            t.arg(
                if disable {
                    "users-was-disabled"
                } else {
                    "users-was-enabled"
                },
                "user",
                &username,
            )
        }
        _ => return Redirect::to("/ui/admin/users").into_response(),
    };
    page(&app, &visitor, StatusCode::OK, Some(notice), None).await
}
