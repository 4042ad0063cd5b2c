use chrono::{TimeZone, Utc};
use uuid::Uuid;

use cats_app::notify::store::{Delivery, DeliveryStatus, DueDelivery};
use cats_app::notify::{Channel, EventType};
use cats_app::store::Notification;

fn due(language: &str, channel: Channel) -> DueDelivery {
    let n = Notification {
        id: Uuid::nil(),
        party: "KZ840000123456".parse().unwrap(),
        at: Utc.with_ymd_and_hms(2026, 12, 6, 10, 30, 0).unwrap(),
        event: EventType::Released,
        subject: "movement".into(),
        subject_id: Uuid::nil(),
        reference: "26KZHOR001000001J0".into(),
        link: "/ui/movements/00000000-0000-0000-0000-000000000000".into(),
        message_id: None,
        text: "26KZHOR001000001J0: released for transit".into(),
        status: "ReleasedForTransit".into(),
    };
    DueDelivery {
        delivery: Delivery {
            id: Uuid::nil(),
            notification_id: n.id,
            event: n.event,
            party: n.party.clone(),
            channel,
            target: "silkway".into(),
            address: "silkway@demo.cats.local".into(),
            language: language.into(),
            status: DeliveryStatus::Pending,
            attempts: 0,
            next_attempt_at: n.at,
            first_attempt_at: None,
            created_at: n.at,
            delivered_at: None,
            last_outcome: String::new(),
        },
        notification: n,
        webhook: None,
    }
}

#[test]
fn e_mails_are_in_the_users_language_with_an_absolute_link() {
    let (subject, body) =
        super::email::compose(&due("ru", Channel::Email), "https://cats.kgd.gov.kz");
    assert_eq!(subject, "CATS: Выпуск для транзита · 26KZHOR001000001J0");
    assert!(body.starts_with("Здравствуйте!"), "{body}");
    assert!(
        body.contains("Открыть в CATS: https://cats.kgd.gov.kz/ui/movements/"),
        "{body}"
    );
    let (subject, _) = super::email::compose(&due("en", Channel::Email), "http://x");
    assert_eq!(subject, "CATS: Released for transit · 26KZHOR001000001J0");
}

#[test]
fn the_sms_template_gets_json_escaped_values() {
    let filled = super::sms::fill(super::sms::DEFAULT_TEMPLATE, "+77010000001", "a \"b\"\nc");
    let v: serde_json::Value = serde_json::from_str(&filled).unwrap();
    assert_eq!(v["to"], "+77010000001");
    assert_eq!(v["text"], "a \"b\"\nc");
    assert_eq!(
        super::sms::text(&due("kk", Channel::Sms)),
        format!(
            "CATS: {} 26KZHOR001000001J0",
            crate::pages::i18n::Tr::new("kk").get("event-movement-released")
        )
    );
}

#[test]
fn the_webhook_body_names_the_event_and_links_absolutely() {
    let d = due("en", Channel::Webhook);
    let body = super::webhook::payload(&d.notification, "https://cats.example");
    assert_eq!(body["type"], "movement.released");
    assert_eq!(body["reference"], "26KZHOR001000001J0");
    assert_eq!(
        body["link"],
        "https://cats.example/ui/movements/00000000-0000-0000-0000-000000000000"
    );
}

#[test]
fn settings_refuse_what_does_not_parse() {
    assert!(super::email::transport("smtp://127.0.0.1:2525").is_ok());
    assert!(super::email::transport("nonsense").is_err());
}
