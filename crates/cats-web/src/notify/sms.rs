//! SMS deliveries through an HTTP gateway: a `POST` of the template (`CATS_SMS_TEMPLATE`) with
//! `{to}` (the E.164 number) and `{text}` replaced by their JSON-escaped values. A `2xx` answer
//! delivers it.

use cats_app::notify::store::DueDelivery;

use super::{webhook::describe, Outcome, Settings};
use crate::pages::i18n::Tr;

/// The default body: `{"to":"{to}","text":"{text}"}`.
pub const DEFAULT_TEMPLATE: &str = r#"{"to":"{to}","text":"{text}"}"#;

/// The text of a notification's message, in the delivery's language: `CATS: event, reference`.
pub fn text(due: &DueDelivery) -> String {
    let t = Tr::new(&due.delivery.language);
    let n = &due.notification;
    format!("CATS: {} {}", t.get(&n.event.message_key()), n.reference)
}

/// The template with `{to}` and `{text}` filled in, each JSON-escaped (without its quotes).
pub fn fill(template: &str, to: &str, text: &str) -> String {
    let esc = |s: &str| {
        let q = serde_json::Value::String(s.to_string()).to_string();
        q[1..q.len() - 1].to_string()
    };
    template
        .replace("{to}", &esc(to))
        .replace("{text}", &esc(text))
}

/// Post the message of `due` to the gateway at `url`.
pub async fn send(
    http: &reqwest::Client,
    url: &str,
    settings: &Settings,
    due: &DueDelivery,
) -> Outcome {
    let body = fill(&settings.sms_template, &due.delivery.address, &text(due));
    match http
        .post(url)
        .header("Content-Type", "application/json")
        .header("CATS-Event-Id", due.notification.id.to_string())
        .body(body)
        .send()
        .await
    {
        Ok(r) => Outcome {
            ok: r.status().is_success(),
            status_code: Some(r.status().as_u16()),
            detail: format!("HTTP {}", r.status()),
        },
        Err(e) => Outcome::failed(describe(&e)),
    }
}
