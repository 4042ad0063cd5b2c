//! The HMRC profile's JSON bodies, as HMRC's OpenAPI documents give them.

use serde_json::{json, Value};

use cats_app::store::{Direction, StoredMessage};

use super::{ie, short, time, BASE};

/// `{"href": …}`.
pub fn link(href: impl Into<String>) -> Value {
    json!({ "href": href.into() })
}

/// The path of a departure or arrival (`kind`: `departures`, `arrivals`).
pub fn movement_path(kind: &str, id: &str) -> String {
    format!("{BASE}/movements/{kind}/{id}")
}

/// Whether a stored message is one HMRC's API shows: an NCTS message to or from the trader.
pub fn shown(m: &StoredMessage) -> bool {
    m.direction != Direction::Customs && ie(&m.message_type).is_some()
}

/// A message of a departure or arrival (`kind`) in a list, or alone with its `body`.
/// `rel`: `departure` or `arrival`; `field`: `departureId` or `arrivalId`.
pub fn message(
    kind: &str,
    rel: &str,
    field: &str,
    id: &str,
    m: &StoredMessage,
    body: Option<String>,
) -> Value {
    let path = movement_path(kind, id);
    let mut v = json!({
        "_links": {
            "self": link(format!("{path}/messages/{}", short(m.id))),
            rel: link(&path),
        },
        "id": short(m.id),
        field: id,
        "received": time(m.received),
        "type": ie(&m.message_type).unwrap_or_default(),
        "status": "Success",
    });
    if let Some(b) = body {
        v["body"] = Value::String(b);
    }
    v
}

/// The answer to a message submitted: `_links` (`self`, the movement's `messages`, the `message`
/// itself … as HMRC names them), the movement's id as `field`, `messageId`, and `boxId` when the
/// trader's company has a webhook.
pub fn submitted(
    kind: &str,
    field: &str,
    id: &str,
    message_id: &str,
    new: bool,
    box_id: Option<String>,
) -> Value {
    let path = movement_path(kind, id);
    let rel = kind.trim_end_matches('s');
    let links = if new {
        json!({
            "self": link(&path),
            "messages": link(format!("{path}/messages")),
            "message": link(format!("{path}/messages/{message_id}")),
        })
    } else {
        json!({
            "self": link(format!("{path}/messages/{message_id}")),
            rel: link(&path),
        })
    };
    let mut v = json!({ "_links": links, field: id, "messageId": message_id });
    if let Some(b) = box_id {
        v["boxId"] = Value::String(b);
    }
    v
}
