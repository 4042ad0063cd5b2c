use chrono::{Duration, TimeZone, Utc};
use uuid::Uuid;

use cats_domain::ids::Eori;

use super::webhooks::{check_url, parse_events};
use super::*;
use crate::store::Notification;

fn at(s: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_800_000_000 + s, 0).unwrap()
}

#[test]
fn a_signature_verifies_and_any_change_is_refused() {
    let body = br#"{"id":"x"}"#;
    let h = signature("whsec_k", at(0).timestamp(), body);
    assert!(h.starts_with(&format!("t={},v1=", at(0).timestamp())));
    let five = Duration::minutes(5);
    assert_eq!(verify_signature("whsec_k", &h, body, at(10), five), Ok(()));
    assert_eq!(
        verify_signature("whsec_k", &h, br#"{"id":"y"}"#, at(10), five),
        Err(SignatureError::Mismatch)
    );
    assert_eq!(
        verify_signature("other", &h, body, at(10), five),
        Err(SignatureError::Mismatch)
    );
    assert_eq!(
        verify_signature("whsec_k", &h, body, at(301), five),
        Err(SignatureError::Stale(301))
    );
    assert_eq!(
        verify_signature("whsec_k", "v1=00", body, at(0), five),
        Err(SignatureError::Malformed)
    );
}

#[test]
fn the_signature_is_hmac_sha256_of_time_dot_body() {
    // RFC 4231-style check computed independently: HMAC-SHA256(key "key", "1.{}")
    let h = signature("key", 1, b"{}");
    assert_eq!(
        h,
        "t=1,v1=".to_string()
            + &hex::encode({
                use hmac::Mac;
                let mut m = hmac::Hmac::<sha2::Sha256>::new_from_slice(b"key").unwrap();
                m.update(b"1.{}");
                m.finalize().into_bytes()
            })
    );
}

#[test]
fn retries_double_from_two_seconds_to_ten_minutes_and_park_after_a_day() {
    let p = RetryPolicy::default();
    assert_eq!(p.next_attempt(1, at(0), at(0)), Some(at(2)));
    assert_eq!(p.next_attempt(2, at(0), at(2)), Some(at(6)));
    assert_eq!(p.next_attempt(3, at(0), at(6)), Some(at(14)));
    assert_eq!(p.next_attempt(12, at(0), at(5000)), Some(at(5600)));
    assert_eq!(p.next_attempt(40, at(0), at(5000)), Some(at(5600)));
    assert_eq!(p.next_attempt(200, at(0), at(86_000)), None);
}

#[test]
fn usage_thresholds_are_crossed_once() {
    assert_eq!(usage_crossed(0, 79, 100), None);
    assert_eq!(usage_crossed(79, 80, 100), Some(EventType::Usage80));
    assert_eq!(usage_crossed(80, 90, 100), None);
    assert_eq!(usage_crossed(90, 100, 100), Some(EventType::Usage100));
    assert_eq!(usage_crossed(0, 100, 100), Some(EventType::Usage100));
    assert_eq!(usage_crossed(100, 100, 100), None);
    assert_eq!(usage_crossed(0, 5, 0), None);
}

fn note(event: EventType) -> Notification {
    Notification {
        id: Uuid::new_v4(),
        party: Eori::parse("KZ840000123456").unwrap(),
        at: at(0),
        event,
        subject: "movement".into(),
        subject_id: Uuid::new_v4(),
        reference: "26KZ…".into(),
        link: String::new(),
        message_id: None,
        text: String::new(),
        status: String::new(),
    }
}

#[test]
fn a_notification_goes_to_subscribed_webhooks_and_to_users_by_their_preferences() {
    let n = note(EventType::Released);
    let hook = |events: Vec<EventType>, party: &str| Webhook {
        id: Uuid::new_v4(),
        party: Eori::parse(party).unwrap(),
        url: "https://example.test/h".into(),
        events,
        format: WebhookFormat::Cats,
        secret: "s".into(),
        created_by: "u".into(),
        created_at: at(0),
    };
    let hooks = [
        hook(vec![], "KZ840000123456"),
        hook(vec![EventType::WrittenOff], "KZ840000123456"),
        hook(vec![EventType::Released], "KZ840000123456"),
        hook(vec![], "AZ1402345678"),
    ];
    let users = [
        Recipient {
            username: "a".into(),
            email: Some("a@x.kz".into()),
            phone: Some("+77010000000".into()),
            language: Some("ru".into()),
            preferences: vec![],
        },
        Recipient {
            username: "b".into(),
            email: Some("b@x.kz".into()),
            phone: Some("+77010000001".into()),
            language: None,
            preferences: vec![
                Preference {
                    event: EventType::Released,
                    channel: Channel::Email,
                    enabled: false,
                },
                Preference {
                    event: EventType::Released,
                    channel: Channel::Sms,
                    enabled: true,
                },
            ],
        },
        Recipient {
            username: "c".into(),
            email: None,
            phone: None,
            language: None,
            preferences: vec![],
        },
    ];
    let mut hmrc = hook(vec![], "KZ840000123456");
    hmrc.format = WebhookFormat::Hmrc;
    let hooks = [
        hooks[0].clone(),
        hooks[1].clone(),
        hooks[2].clone(),
        hooks[3].clone(),
        hmrc,
    ];
    let out = fan_out(&n, &hooks, &users);
    let got: Vec<(Channel, &str)> = out
        .iter()
        .map(|d| (d.channel, d.address.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (Channel::Webhook, "https://example.test/h"),
            (Channel::Webhook, "https://example.test/h"),
            (Channel::Email, "a@x.kz"),
            (Channel::Sms, "+77010000001"),
        ]
    );
    assert_eq!(out[2].language, "ru");
    assert_eq!(out[3].language, "en");
    assert!(out
        .iter()
        .all(|d| d.notification_id == n.id && d.due == n.at));
}

#[test]
fn webhook_urls_must_be_https_or_loopback() {
    assert!(check_url("https://hooks.example.kz/cats").is_ok());
    assert!(check_url("http://127.0.0.1:8080/h").is_ok());
    assert!(check_url("http://[::1]:9/h").is_ok());
    assert!(check_url("http://localhost/h").is_ok());
    assert!(check_url("http://10.0.0.1/h")
        .unwrap_err()
        .contains("loopback"));
    assert!(check_url("http://example.kz/h").is_err());
    assert!(check_url("ftp://example.kz/h").is_err());
    assert!(check_url("https://user:pw@example.kz/h").is_err());
    assert!(check_url("https:///h").is_err());
    assert!(parse_events(&["movement.released".into()]).is_ok());
    assert!(parse_events(&["released".into()])
        .unwrap_err()
        .starts_with("events[0]"));
}

#[test]
fn every_event_type_has_a_stable_name_that_parses_back() {
    for e in EventType::ALL {
        assert_eq!(EventType::parse(e.as_str()), Some(e));
        assert_eq!(serde_json::to_value(e).unwrap(), e.as_str());
    }
    assert_eq!(EventType::Released.message_key(), "event-movement-released");
}

#[test]
fn history_entries_map_to_events() {
    use crate::store::Direction;
    assert_eq!(
        events::event_of(Direction::Outbound, "CC029C"),
        Some(EventType::Released)
    );
    assert_eq!(
        events::event_of(Direction::Inbound, "CD118C"),
        Some(EventType::Entry)
    );
    assert_eq!(events::event_of(Direction::Inbound, "CC015C"), None);
    assert_eq!(events::event_of(Direction::Outbound, "CC928C"), None);
}
