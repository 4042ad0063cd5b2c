//! The manuals under `/help` (issue 18): the mdBook sites embedded by `cats-help`, English at
//! `/help/en/` and Russian at `/help/ru/`. `/help` sends the reader to the manual in its
//! language (Russian for Russian and Kazakh pages, English otherwise) and, with `?page=/ui/…`,
//! to the chapter about that page. Every page's header links here.
//!
//! The manuals are static files built with the node, readable without signing in (a trader's
//! software vendor or a new administrator reads them before having an account). They are sent
//! with their own Content-Security-Policy: mdBook's theme sets itself up with inline scripts.

use axum::extract::{Path, Query};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use cats_app::auth::Role;
use cats_app::App;

use super::Visitor;

/// The policy the manuals are sent with: everything from this node; inline script and style
/// allowed (mdBook's theme), never in a frame, no forms elsewhere.
pub const HELP_CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// The manuals' routes, with their security headers.
pub fn router() -> Router<App> {
    let router = Router::new()
        .route("/help", get(start))
        .route("/help/{lang}", get(book_root))
        .route("/help/{lang}/", get(book_index))
        .route("/help/{lang}/{*path}", get(book_file));
    super::with_security_headers(router, HELP_CONTENT_SECURITY_POLICY)
}

/// `?page=/ui/declarations/new`: the page the reader came from.
#[derive(Debug, Deserialize)]
pub struct From {
    page: Option<String>,
}

/// The link to the manual's chapter about the page at `ui_path` for a user of `role` (none
/// before signing in), in the manual for `ui_lang` (`/help/ru/trader/lodge.html`).
pub fn link(ui_lang: &str, ui_path: &str, role: Option<Role>) -> String {
    format!(
        "/help/{}/{}",
        cats_help::language_for(ui_lang),
        cats_help::chapter_for(ui_path, role.map(Role::as_str))
    )
}

/// `GET /help[?page=…]`: to the manual in the visitor's language, at the chapter for `page`.
async fn start(visitor: Visitor, Query(from): Query<From>) -> Response {
    let lang = cats_help::language_for(visitor.t.lang());
    let to = match from.page.as_deref() {
        Some(page) => link(visitor.t.lang(), page, visitor.user().map(|u| u.role)),
        None => format!("/help/{lang}/"),
    };
    (visitor.jar, Redirect::to(&to)).into_response()
}

/// `GET /help/{lang}`: to `/help/{lang}/`, so that the book's relative links resolve.
async fn book_root(Path(lang): Path<String>) -> Response {
    if cats_help::LANGUAGES.contains(&lang.as_str()) {
        Redirect::permanent(&format!("/help/{lang}/")).into_response()
    } else {
        not_found()
    }
}

/// `GET /help/{lang}/`: the book's introduction.
async fn book_index(Path(lang): Path<String>) -> Response {
    serve(&lang, "")
}

/// `GET /help/{lang}/{path}`: one file of the book.
async fn book_file(Path((lang, path)): Path<(String, String)>) -> Response {
    serve(&lang, &path)
}

fn serve(lang: &str, path: &str) -> Response {
    match cats_help::file(lang, path) {
        Some((bytes, media_type)) => (
            [
                (header::CONTENT_TYPE, media_type),
                (header::CACHE_CONTROL, "public, max-age=300"),
            ],
            bytes,
        )
            .into_response(),
        None => not_found(),
    }
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "No such page in the manuals: see /help/en/ or /help/ru/.\n",
    )
        .into_response()
}
