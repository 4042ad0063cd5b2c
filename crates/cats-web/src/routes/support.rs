//! Support requests' operations (issue 18), part of the one route table.

use axum::routing::{get, post, MethodRouter};
use cats_app::App;

use super::{schema_of, Body, Method, Operation};
use crate::handlers::support as s;

/// The support requests' operations with their handlers.
pub fn operations() -> Vec<(Operation, MethodRouter<App>)> {
    vec![
        (
            op!(Post "/support", "support", "trader, insurer, officer", true, Body::Schema(schema_of::<s::NewSupportRequest>),
            "Send a support request: subject, text, the page it concerns (`page`, a path on this node) and the movement (`movementId`, one the caller may see; without it, a movement's page names it). Audited.",
            [(201, "the request with its thread"), (400, "a field missing or wrong (code SCHEMA_VALIDATION, every problem with pointer and reason): subject 1-200 characters, text 1-5000, page a path of at most 500, movementId a movement the caller may see; nothing stored"), (403, "an administrator (who answers requests)")]).json(schema_of::<s::SupportView>),
            post(s::create),
        ),
        (
            op!(Get "/support", "support", "everyone with a token", true, Body::None,
            "Support requests: the caller's own, and its company's (traders and insurers); an administrator's: every request, open first. Filter ?status=open|answered|closed.",
            [(200, "count, requests (without their threads)"), (400, "unknown status")]).json(schema_of::<s::SupportList>),
            get(s::list),
        ),
        (
            op!(Get "/support/{id}", "support", "its requester, its company's users, admin", true, Body::None,
            "One support request with its thread; opened by its requester, its answers count as seen.",
            [(200, "the request"), (404, "unknown, or not the caller's to see")]).json(schema_of::<s::SupportView>),
            get(s::show),
        ),
        (
            op!(Post "/support/{id}/messages", "support", "its requester, its company's users, admin", true, Body::Schema(schema_of::<s::SupportReply>),
            "Add to the thread: an administrator answers (status answered; a company requester is notified, support.answered), the requester's side adds (status open). Audited.",
            [(200, "the request"), (400, "text missing or not 1-5000 characters (pointer /text)"), (404, "unknown, or not the caller's to see"), (409, "the request is closed")]).json(schema_of::<s::SupportView>),
            post(s::reply),
        ),
        (
            op!(Post "/support/{id}/close", "support", "its requester, its company's users, admin", true, Body::None,
            "Close the request (an administrator's close notifies a company requester, support.answered). Audited.",
            [(200, "the request"), (404, "unknown, or not the caller's to see"), (409, "closed already")]).json(schema_of::<s::SupportView>),
            post(s::close),
        ),
    ]
}
