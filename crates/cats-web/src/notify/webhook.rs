//! Webhook deliveries: a JSON `POST` of the notification to the party's endpoint, with the
//! headers `CATS-Event-Id` (the notification's id, the same on every retry), `CATS-Event-Type`
//! and `CATS-Signature: t=UNIX_SECONDS,v1=HEX` ([`cats_app::notify::signature`]). A `2xx`
//! answer delivers it; anything else, or no answer within the time-out, is retried.

use chrono::Utc;
use serde_json::{json, Value};

use cats_app::notify::{signature, Webhook, WebhookFormat};
use cats_app::store::{Notification, StoredMessage};

use super::{Outcome, Settings};

/// The JSON body of a notification's delivery (webhook, and the API's view of it):
/// `id`, `type`, `createdAt`, `party`, `subject`, `subjectId`, `reference` (MRN, LRN or GRN),
/// `status`, `text`, `link` (absolute).
pub fn payload(n: &Notification, public_url: &str) -> Value {
    json!({
        "id": n.id,
        "type": n.event.as_str(),
        "createdAt": n.at,
        "party": n.party,
        "subject": n.subject,
        "subjectId": n.subject_id,
        "reference": n.reference,
        "status": n.status,
        "text": n.text,
        "link": if n.link.is_empty() { String::new() } else { format!("{public_url}{}", n.link) },
    })
}

/// Message types HMRC files under the arrival (from the office of destination).
const ARRIVAL_SIDE: [&str; 4] = ["CC025C", "CC043C", "CC057C", "CC019C"];

/// The body of an HMRC push notification (as HMRC's CTC Traders API service guide gives it):
/// `messageUri`, `notificationType` `MESSAGE_RECEIVED`, `eoriNumber`, `departureId` or
/// `arrivalId`, `messageId`, and `messageBody` (the XML) when under 100 KB; ids and URIs as the
/// HMRC profile has them (`/customs/transits/…`).
pub fn hmrc_payload(n: &Notification, message: &StoredMessage) -> Value {
    let (kind, field) = if ARRIVAL_SIDE.contains(&message.message_type.as_str()) {
        ("arrivals", "arrivalId")
    } else {
        ("departures", "departureId")
    };
    let id = crate::hmrc::short(n.subject_id);
    let message_id = crate::hmrc::short(message.id);
    let mut v = json!({
        "messageUri": format!("{}/movements/{kind}/{id}/messages/{message_id}", crate::hmrc::BASE),
        "notificationType": "MESSAGE_RECEIVED",
        "eoriNumber": n.party,
        field: id,
        "messageId": message_id,
    });
    if let Some(xml) =
        crate::handlers::departures::message_xml(message).filter(|x| x.len() < 100_000)
    {
        v["messageBody"] = Value::String(xml);
    }
    v
}

/// Post `n` to `hook`: CATS's body, or HMRC's (with `message`, the NCTS message it came from).
pub async fn send(
    http: &reqwest::Client,
    settings: &Settings,
    hook: &Webhook,
    n: &Notification,
    message: Option<&StoredMessage>,
) -> Outcome {
    let body = match (hook.format, message) {
        (WebhookFormat::Hmrc, Some(m)) => hmrc_payload(n, m),
        (WebhookFormat::Hmrc, None) => {
            return Outcome::failed("the NCTS message of this notification is not kept")
        }
        (WebhookFormat::Cats, _) => payload(n, &settings.public_url),
    }
    .to_string();
    let t = Utc::now().timestamp();
    let sent = http
        .post(&hook.url)
        .header("Content-Type", "application/json")
        .header("CATS-Event-Id", n.id.to_string())
        .header("CATS-Event-Type", n.event.as_str())
        .header(
            "CATS-Signature",
            signature(&hook.secret, t, body.as_bytes()),
        )
        .body(body)
        .send()
        .await;
    match sent {
        Ok(r) => Outcome {
            ok: r.status().is_success(),
            status_code: Some(r.status().as_u16()),
            detail: format!("HTTP {}", r.status()),
        },
        Err(e) => Outcome::failed(describe(&e)),
    }
}

/// A reqwest error for the delivery log: what failed, without the URL's query.
pub fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "no answer within the time-out".into()
    } else if e.is_connect() {
        "could not connect".into()
    } else {
        let mut s = e.to_string();
        let mut src = std::error::Error::source(e);
        while let Some(inner) = src {
            s = format!("{s}: {inner}");
            src = inner.source();
        }
        s
    }
}
