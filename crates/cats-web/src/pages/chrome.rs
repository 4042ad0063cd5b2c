//! What every page has: the visitor (language, session, CSRF token) and the page chrome (title,
//! who is signed in, the language switch).

use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use chrono::Utc;

use cats_app::auth::{Role, User};
use cats_app::store::Session;
use cats_app::App;

use super::i18n::{negotiate, Tr, LANGUAGES};
use super::PageSettings;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "cats_session";
/// Name of the cookie holding the CSRF token of forms shown before signing in.
pub const CSRF_COOKIE: &str = "cats_csrf";
/// Name of the cookie holding the language chosen before signing in.
pub const LANG_COOKIE: &str = "cats_lang";

/// Who is asking for a page: the language to answer in, the session if signed in, and the CSRF
/// token its forms carry.
#[derive(Debug, Clone)]
pub struct Visitor {
    /// Translations in the visitor's language.
    pub t: Tr,
    /// The live session and its user, if signed in.
    pub session: Option<(Session, User)>,
    /// The CSRF token of this visitor's forms.
    pub csrf: String,
    /// Cookies to send back (a new `cats_csrf` for a first visit).
    pub jar: CookieJar,
    /// The path asked for.
    pub path: String,
    /// Settings of the pages.
    pub settings: PageSettings,
    /// The name, in the visitor's language, of the country of an officer's offices.
    pub country_name: Option<String>,
    /// How many notifications a company's user has not read.
    pub unread: Option<i64>,
    /// How many of the user's support requests have an answer it has not opened (for an
    /// administrator: how many wait for an answer).
    pub support_count: Option<i64>,
}

impl Visitor {
    /// The signed-in user.
    pub fn user(&self) -> Option<&User> {
        self.session.as_ref().map(|(_, u)| u)
    }

    /// Whether `token` is this visitor's CSRF token (compared in constant time).
    pub fn csrf_ok(&self, token: &str) -> bool {
        let expected = self.csrf.as_bytes();
        let given = token.as_bytes();
        expected.len() == given.len()
            && !expected.is_empty()
            && expected
                .iter()
                .zip(given)
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    }

    /// A cookie set by the pages: HttpOnly, SameSite=Lax, path `/`, Secure behind TLS.
    pub fn cookie(&self, name: &'static str, value: String) -> Cookie<'static> {
        let mut c = Cookie::new(name, value);
        c.set_http_only(true);
        c.set_same_site(SameSite::Lax);
        c.set_path("/");
        c.set_secure(self.settings.secure_cookies);
        c
    }

    /// The page chrome for a page titled `title`.
    pub fn chrome(&self, title: String) -> Chrome {
        let badge = self.user().map(|u| Badge {
            username: u.username.clone(),
            role: role_name(&self.t, u),
            scope: match (u.role, &u.party, u.office_country) {
                (Role::Officer, _, Some(_)) if !u.offices.is_empty() => self.t.arg(
                    "offices-list",
                    "offices",
                    u.offices
                        .iter()
                        .map(|o| o.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
                (Role::Officer, _, Some(country)) => self.t.arg(
                    "offices-of",
                    "country",
                    self.country_name.as_deref().unwrap_or(country.as_str()),
                ),
                (_, Some(party), _) => format!("{} {}", self.t.get("company"), party),
                _ => String::new(),
            },
        });
        Chrome {
            languages: LANGUAGES
                .iter()
                .map(|l| (*l, self.t.get(&format!("lang-{l}")), *l == self.t.lang()))
                .collect(),
            t: self.t.clone(),
            title,
            user: badge,
            csrf: self.csrf.clone(),
            path: self.path.clone(),
            movements: self
                .user()
                .is_some_and(|u| matches!(u.role, Role::Trader | Role::Officer)),
            admin: self.user().is_some_and(|u| u.role == Role::Admin),
            officer: self.user().is_some_and(|u| u.role == Role::Officer),
            trader: self.user().is_some_and(|u| u.role == Role::Trader),
            analyst: self.user().is_some_and(|u| u.is_risk_analyst()),
            contracts: self.user().is_some_and(|u| u.role != Role::Admin),
            company: self.user().is_some_and(|u| u.party.is_some()),
            unread: self.unread.unwrap_or(0),
            support_count: self.support_count.unwrap_or(0),
            help: super::help::link(self.t.lang(), &self.path, self.user().map(|u| u.role)),
            support: format!(
                "/ui/support/new?{}",
                url::form_urlencoded::Serializer::new(String::new())
                    .append_pair("page", &self.path)
                    .finish()
            ),
        }
    }
}

/// The role as the pages name it, with the risk-analyst permission.
pub fn role_name(t: &Tr, user: &User) -> String {
    let role = t.get(&format!("role-{}", user.role.as_str()));
    if user.is_risk_analyst() {
        format!("{role} ({})", t.get("role-risk-analyst"))
    } else {
        role
    }
}

/// Who is signed in, as the header shows it.
#[derive(Debug, Clone)]
pub struct Badge {
    /// User name.
    pub username: String,
    /// Role, translated.
    pub role: String,
    /// Company or offices, translated.
    pub scope: String,
}

/// What every page shows around its content.
#[derive(Debug, Clone)]
pub struct Chrome {
    /// Translations.
    pub t: Tr,
    /// Page title.
    pub title: String,
    /// Who is signed in.
    pub user: Option<Badge>,
    /// CSRF token for the forms.
    pub csrf: String,
    /// The language switch: code, name in that language, selected.
    pub languages: Vec<(&'static str, String, bool)>,
    /// The page's path (for the language switch to come back to).
    pub path: String,
    /// Whether the user has movements to see (traders and officers): the menu shows them.
    pub movements: bool,
    /// Whether the user is the administrator: the menu shows the users.
    pub admin: bool,
    /// Whether the user is a customs officer: the menu shows the work queue.
    pub officer: bool,
    /// Whether the user is a trader: the menu shows the Single Transit Document and its drafts.
    pub trader: bool,
    /// Whether the user is a risk analyst: the menu shows the risk page.
    pub analyst: bool,
    /// Whether the user sees insurance contracts (everyone but the administrator).
    pub contracts: bool,
    /// Whether the user is of a company (traders, insurers): the menu shows its notifications,
    /// with the count of unread ones, kept live from `GET /events`.
    pub company: bool,
    /// How many notifications the user has not read (company users).
    pub unread: i64,
    /// How many of the user's support requests have an answer it has not opened; for an
    /// administrator, how many wait for an answer (`/ui/support`).
    pub support_count: i64,
    /// The manual's chapter about this page, in the manual of the user's language
    /// (`/help/ru/trader/lodge.html`).
    pub help: String,
    /// The support request form with this page attached (`/ui/support/new?page=…`).
    pub support: String,
}

impl FromRequestParts<App> for Visitor {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(&parts.headers);
        let settings = parts
            .extensions
            .get::<PageSettings>()
            .copied()
            .unwrap_or_default();
        let now = Utc::now();
        let session = match jar.get(SESSION_COOKIE) {
            Some(c) => cats_app::accounts::session(app, c.value(), now)
                .await
                .map_err(|e| server_error(&e))?,
            None => None,
        };
        let chosen = match &session {
            Some((_, user)) => cats_app::accounts::language_of(app, &user.username)
                .await
                .map_err(|e| server_error(&e))?,
            None => None,
        };
        let accept = parts
            .headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok());
        let t = negotiate(
            chosen.as_deref(),
            jar.get(LANG_COOKIE).map(|c| c.value()),
            accept,
        );
        let country_name = session
            .as_ref()
            .and_then(|(_, u)| u.office_country)
            .and_then(|c| {
                let catalog = app.catalog();
                let country = catalog.countries.get(&c)?;
                country
                    .names
                    .get(t.lang())
                    .or_else(|| country.names.get("en"))
                    .cloned()
            });
        let unread = match &session {
            Some((_, u)) => match &u.party {
                Some(party) => Some(
                    app.store()
                        .unread_count(party, &u.username)
                        .await
                        .map_err(|e| server_error(&e.into()))?,
                ),
                None => None,
            },
            None => None,
        };
        let support_count = match &session {
            Some((_, u)) => Some(
                cats_app::support::count_for(app, u)
                    .await
                    .map_err(|e| server_error(&e))?,
            ),
            None => None,
        };
        let mut visitor = Visitor {
            t,
            session,
            country_name,
            unread,
            support_count,
            csrf: String::new(),
            jar,
            path: parts.uri.path().to_string(),
            settings,
        };
        visitor.csrf = match (&visitor.session, visitor.jar.get(CSRF_COOKIE)) {
            (Some((s, _)), _) => s.csrf.clone(),
            (None, Some(c)) if !c.value().is_empty() => c.value().to_string(),
            (None, _) => {
                let token = cats_app::auth::new_token();
                let cookie = visitor.cookie(CSRF_COOKIE, token.clone());
                visitor.jar = visitor.jar.clone().add(cookie);
                token
            }
        };
        Ok(visitor)
    }
}

fn server_error(e: &cats_app::AppError) -> Response {
    tracing::error!(error = %e, "page failed");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        "the node could not complete the request",
    )
        .into_response()
}

/// Render a template as a page, with the visitor's cookies.
pub fn render(visitor: &Visitor, status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => (status, visitor.jar.clone(), Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the page could not be shown",
            )
                .into_response()
        }
    }
}

/// The error page.
#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Chrome,
    message: String,
}

/// An error page with `status` and `message` (already translated).
pub fn error_page(visitor: &Visitor, status: StatusCode, message: String) -> Response {
    let page = ErrorPage {
        chrome: visitor.chrome(visitor.t.get("error-title")),
        message,
    };
    render(visitor, status, &page)
}

/// `403` for a form without the right CSRF token.
pub fn csrf_refused(visitor: &Visitor) -> Response {
    error_page(visitor, StatusCode::FORBIDDEN, visitor.t.get("error-csrf"))
}

/// Go to the sign-in page (a page that needs a signed-in user, asked for without one).
pub fn to_sign_in() -> Response {
    Redirect::to("/").into_response()
}
