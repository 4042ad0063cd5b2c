//! Notifications' operations (issue 13), part of the one route table.

use axum::routing::{delete, get, post, put, MethodRouter};
use cats_app::App;

use super::{schema_of, Body, Method, Operation};
use crate::handlers::notifications as n;

/// The notifications' operations with their handlers.
pub fn operations() -> Vec<(Operation, MethodRouter<App>)> {
    vec![
        (
            op!(Get "/notifications", "notifications", "trader, insurer", true, Body::None,
            "The company's notifications with this user's read marks, newest first; ?limit (1..1000, default 100), ?unread=true, ?after=SEQ (oldest first after it). Each: id, seq, type, subject, subjectId, reference (MRN, LRN, GRN), link, text, status, read.",
            [(200, "count, unread, notifications")]).json(schema_of::<n::InboxView>),
            get(n::list),
        ),
        (
            op!(Post "/notifications/read", "notifications", "trader, insurer", true, Body::Schema(schema_of::<n::ReadBody>),
            "Mark notifications read for this user: ids, or all when none are given.",
            [(200, "marked, unread"), (400, "not a list of ids")]).json(schema_of::<n::ReadView>),
            post(n::mark_read),
        ),
        (
            op!(Get "/notifications/preferences", "notifications", "trader, insurer", true, Body::None,
            "Per event type: by e-mail (default yes) and by SMS (default no); the contact details they go to.",
            [(200, "preferences, contact")]).json(schema_of::<n::PreferencesView>),
            get(n::preferences),
        ),
        (
            op!(Put "/notifications/preferences", "notifications", "trader, insurer", true, Body::Schema(schema_of::<n::PreferencesView>),
            "Set choices for the event types given (the others keep theirs) and, when given, the e-mail address and E.164 phone number.",
            [(200, "preferences, contact"), (400, "unknown event type, an address or number refused")]).json(schema_of::<n::PreferencesView>),
            put(n::set_preferences),
        ),
        (
            op!(Get "/events", "notifications", "trader, insurer (bearer token or the pages' session)", true, Body::None,
            "Server-Sent Events (text/event-stream): `unread` at once, then each new notification of the company as `notification` (id: its seq) followed by `unread`. Resumes after Last-Event-ID.",
            [(200, "the stream")]).event_stream(),
            get(n::events),
        ),
        (
            op!(Post "/webhooks", "notifications", "trader, insurer", true, Body::Schema(schema_of::<cats_app::notify::webhooks::NewWebhook>),
            "Register an endpoint: https, or http to a loopback address; events (absent: all). Deliveries are JSON POSTs with CATS-Event-Id, CATS-Event-Type and CATS-Signature: t=UNIX_SECONDS,v1=HMAC-SHA256(secret, t + \".\" + body). The secret is in this answer only.",
            [(201, "id, url, events, createdBy, createdAt, secret"), (400, "url or event type refused"), (409, "20 endpoints already")]).json(schema_of::<n::WebhookView>),
            post(n::register),
        ),
        (
            op!(Get "/webhooks", "notifications", "trader, insurer", true, Body::None, "The company's endpoints (without secrets).", [(200, "count, webhooks")]).json(schema_of::<n::WebhookList>),
            get(n::list_webhooks),
        ),
        (
            op!(Get "/webhooks/{id}", "notifications", "trader, insurer", true, Body::None, "An endpoint of the company.", [(200, "the endpoint"), (404, "unknown, deleted or another company's")]).json(schema_of::<n::WebhookView>),
            get(n::show_webhook),
        ),
        (
            op!(Delete "/webhooks/{id}", "notifications", "trader, insurer", true, Body::None, "Delete an endpoint; its pending deliveries are parked.", [(200, "the endpoint as it was"), (404, "unknown, deleted or another company's")]).json(schema_of::<n::WebhookView>),
            delete(n::delete_webhook),
        ),
        (
            op!(Get "/notifications/deliveries", "notifications", "trader, insurer", true, Body::None,
            "The delivery log (webhook, e-mail, SMS), newest first: status pending, delivered or parked, attempts, last outcome; ?webhook=ID, ?status, ?limit.",
            [(200, "count, deliveries"), (400, "unknown status")]).json(schema_of::<n::DeliveryList>),
            get(n::list_deliveries),
        ),
        (
            op!(Get "/notifications/deliveries/{id}", "notifications", "trader, insurer", true, Body::None, "A delivery with every attempt (time, status code, outcome, milliseconds).", [(200, "delivery, attempts"), (404, "unknown or another company's")]).json(schema_of::<n::DeliveryView>),
            get(n::show_delivery),
        ),
        (
            op!(Post "/notifications/deliveries/{id}/resend", "notifications", "trader, insurer", true, Body::None, "Send a parked delivery again, now, with a fresh retry time.", [(200, "delivery, attempts"), (404, "unknown or another company's"), (409, "not parked, or its webhook deleted")]).json(schema_of::<n::DeliveryView>),
            post(n::resend),
        ),
        (
            op!(Get "/admin/notifications", "notifications", "admin", true, Body::None, "The node's deliveries by status (pending, delivered, parked), for monitoring: a growing pending count means a receiver, the SMTP server or the SMS gateway is down.", [(200, "pending, delivered, parked")]).json(schema_of::<n::DeliveryCounts>),
            get(n::counts),
        ),
    ]
}
