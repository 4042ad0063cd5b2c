//! Notifications on every channel (issue 13), with real receivers: a movement's lifecycle
//! reaches the holder and the insurer by webhook (signatures checked), e-mail (aiosmtpd) and
//! SMS (a gateway on 127.0.0.1); the inbox counts and marks read.

use std::collections::HashSet;
use std::time::Duration;

use chrono::Utc;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use cats_app::notify::RetryPolicy;
use cats_web::notify::{Senders, Settings};

use crate::common::{corridor, start, TestNode};
use crate::notify_kit::{smtp_available, wait_until, Receiver, Smtp};

impl TestNode {
    /// A JSON call as demo user `user` (`None`: no body).
    pub async fn call_json(
        &self,
        user: &str,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        self.call(self.token(user), method, path, body).await
    }
}

/// Retries fast enough for a test: 200 ms, at most 1 s apart.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        first: chrono::Duration::milliseconds(200),
        max_interval: chrono::Duration::seconds(1),
        give_up_after: chrono::Duration::hours(1),
    }
}

/// The delivery worker of `node`, as `cats serve` runs it, with `settings` (fast retries when
/// `None`). It stops when the returned sender is dropped.
pub fn spawn_worker(
    node: &TestNode,
    settings: Option<Settings>,
) -> tokio::sync::watch::Sender<bool> {
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let settings = settings.unwrap_or_else(|| Settings {
        retry: fast_retries(),
        ..Settings::default()
    });
    tokio::spawn(cats_web::notify::run(
        node.app.clone(),
        Senders::new(settings).unwrap(),
        stopped,
    ));
    stop
}

/// The types of the notifications the webhook receiver accepted.
fn types(bodies: &[Value]) -> Vec<String> {
    bodies
        .iter()
        .map(|b| b["type"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_movement_notifies_its_holder_and_its_insurer_on_every_channel() {
    let node = start().await;
    let dir = tempfile::tempdir().unwrap();
    let smtp = if smtp_available() {
        Some(Smtp::start(dir.path()).await)
    } else {
        eprintln!("SKIPPED the e-mail part: python3 -m aiosmtpd is not available (pip install aiosmtpd; CI installs it)");
        None
    };
    let holder_hook = Receiver::webhook().await;
    let insurer_hook = Receiver::webhook().await;
    let sms = Receiver::sms_gateway().await;

    // Registration: the secret comes once; http:// only to loopback; unknown types refused.
    let (status, hook) = node
        .call_json(
            "silkway",
            Method::POST,
            "/webhooks",
            Some(json!({"url": holder_hook.url()})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{hook}");
    let secret = hook["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("whsec_") && secret.len() == 70, "{hook}");
    holder_hook.got.lock().unwrap().secret = Some(secret);
    let (_, list) = node
        .call_json("silkway", Method::GET, "/webhooks", None)
        .await;
    assert_eq!(list["count"], 1);
    assert!(
        list["webhooks"][0].get("secret").is_none(),
        "secret shown again: {list}"
    );
    let (status, err) = node
        .call_json(
            "silkway",
            Method::POST,
            "/webhooks",
            Some(json!({"url": "http://hooks.example.kz/x"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
    assert!(
        err["message"].as_str().unwrap().contains("loopback"),
        "{err}"
    );
    let (status, err) = node
        .call_json(
            "silkway",
            Method::POST,
            "/webhooks",
            Some(json!({"url": holder_hook.url(), "events": ["released"]})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
    assert!(
        err["message"].as_str().unwrap().contains("events[0]"),
        "{err}"
    );
    let (status, _) = node
        .call_json(
            "officer.kz",
            Method::POST,
            "/webhooks",
            Some(json!({"url": holder_hook.url()})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, hook) = node
        .call_json(
            "steppe",
            Method::POST,
            "/webhooks",
            Some(json!({"url": insurer_hook.url(), "events": ["movement.released", "movement.written_off"]})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{hook}");
    insurer_hook.got.lock().unwrap().secret = Some(hook["secret"].as_str().unwrap().to_string());

    // Silk Way's user also wants the release by SMS, at its number.
    let (status, prefs) = node
        .call_json(
            "silkway",
            Method::PUT,
            "/notifications/preferences",
            Some(json!({
                "contact": {"email": "silkway@demo.cats.local", "phone": "+77010000001"},
                "preferences": [{"event": "movement.released", "email": true, "sms": true}],
            })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{prefs}");
    let (status, err) = node
        .call_json(
            "silkway",
            Method::PUT,
            "/notifications/preferences",
            Some(json!({"contact": {"phone": "8 701 000"}})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");

    // The worker, as `cats serve` runs it.
    let settings = Settings {
        smtp_url: smtp.as_ref().map(Smtp::url),
        sms_url: Some(sms.url()),
        retry: fast_retries(),
        ..Settings::default()
    };
    let stop = spawn_worker(&node, Some(settings));

    let id = node.lodge_ok("silkway", &corridor("NOTE-1")).await;
    node.customs_ok("officer.kz", &id, "release", "KZHOR001")
        .await;
    node.customs_ok("officer.kz", &id, "exit", "KZAAU001").await;
    node.customs_ok("officer.az", &id, "entry", "AZALA001")
        .await;
    node.customs_ok("officer.az", &id, "exit", "AZQAZ001").await;
    node.customs_ok("officer.ge", &id, "entry", "GERBR001")
        .await;
    node.customs_ok("officer.ge", &id, "arrival", "GEPTI001")
        .await;
    let m = node
        .customs_ok("officer.ge", &id, "goods-release", "GEPTI001")
        .await;
    assert_eq!(m["state"], "WrittenOff");

    // The holder: every step, in order, each once, each signature good.
    let expected = [
        "movement.mrn_allocated",
        "movement.released",
        "movement.exit",
        "movement.entry",
        "movement.exit",
        "movement.entry",
        "movement.arrival",
        "movement.goods_released",
        "movement.written_off",
    ];
    wait_until(20, "the holder's webhook deliveries", || {
        holder_hook.counts().len() >= expected.len()
    })
    .await;
    let mut got = types(&holder_hook.bodies());
    got.sort();
    let mut want: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(got, want);
    assert!(holder_hook.counts().values().all(|n| *n == 1));
    assert!(
        holder_hook.refused().is_empty(),
        "{:?}",
        holder_hook.refused()
    );
    let first = &holder_hook.bodies()[0];
    assert_eq!(first["subjectId"], id.as_str());
    assert!(
        first["reference"]
            .as_str()
            .unwrap()
            .starts_with("26KZHOR001"),
        "{first}"
    );
    assert!(first["link"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/ui/movements/{id}")));

    // The insurer: what it subscribed to, of its guarantee.
    wait_until(20, "the insurer's webhook deliveries", || {
        insurer_hook.counts().len() >= 2
    })
    .await;
    assert_eq!(
        types(&insurer_hook.bodies()),
        vec!["movement.released", "movement.written_off"]
    );
    assert!(insurer_hook.refused().is_empty());

    // SMS: the release only, to the number set.
    wait_until(20, "the SMS", || !sms.bodies().is_empty()).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let texts = sms.bodies();
    assert_eq!(texts.len(), 1, "{texts:?}");
    assert_eq!(texts[0]["to"], "+77010000001");
    assert!(
        texts[0]["text"]
            .as_str()
            .unwrap()
            .contains("Released for transit"),
        "{texts:?}"
    );

    // E-mail: one per event to the holder's user, the insurer's events to the insurer's user.
    if let Some(smtp) = &smtp {
        let holder_events = expected.len();
        let (_, insurer_notes) = node
            .call_json("steppe", Method::GET, "/notifications", None)
            .await;
        let insurer_events = insurer_notes["notifications"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["subject"] == "movement")
            .count();
        assert_eq!(
            insurer_events, 2,
            "released and written off: {insurer_notes}"
        );
        wait_until(20, "the e-mails", || {
            smtp.messages().len() >= holder_events + insurer_events
        })
        .await;
        let mails = smtp.messages();
        let ids: HashSet<&String> = mails.iter().map(|m| &m.0).collect();
        assert_eq!(ids.len(), mails.len(), "a Message-ID twice");
        assert_eq!(
            mails
                .iter()
                .filter(|m| m.1.contains("silkway@demo.cats.local"))
                .count(),
            holder_events
        );
        assert_eq!(
            mails
                .iter()
                .filter(|m| m.1.contains("steppe@demo.cats.local"))
                .count(),
            insurer_events
        );
        assert!(
            mails.iter().any(|m| m.2.contains("Written off")),
            "{mails:?}"
        );
    }

    // The inbox: the events, unread until marked.
    let (_, inbox) = node
        .call_json("silkway", Method::GET, "/notifications?unread=true", None)
        .await;
    let unread = inbox["unread"].as_i64().unwrap();
    assert!(unread >= expected.len() as i64, "{inbox}");
    let one = inbox["notifications"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, marked) = node
        .call_json(
            "silkway",
            Method::POST,
            "/notifications/read",
            Some(json!({"ids": [one]})),
        )
        .await;
    assert_eq!(
        (marked["marked"].as_i64(), marked["unread"].as_i64()),
        (Some(1), Some(unread - 1))
    );
    let (_, marked) = node
        .call_json(
            "silkway",
            Method::POST,
            "/notifications/read",
            Some(json!({})),
        )
        .await;
    assert_eq!(marked["unread"], 0, "{marked}");
    // … per user: the insurer's are its own.
    let (_, other) = node
        .call_json("steppe", Method::GET, "/notifications", None)
        .await;
    assert!(other["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .all(|n| n["party"] != "KZ840000123456"));

    // The delivery log: every delivery delivered, each with its attempt.
    // Receivers have their requests before the node has committed each outcome: poll.
    let mut log = serde_json::Value::Null;
    for _ in 0..100 {
        (_, log) = node
            .call_json("silkway", Method::GET, "/notifications/deliveries", None)
            .await;
        let all = log["deliveries"].as_array().unwrap();
        if all.iter().all(|d| d["status"] == "delivered") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let deliveries = log["deliveries"].as_array().unwrap();
    assert!(
        deliveries.iter().all(|d| d["status"] == "delivered"),
        "{log}"
    );
    let d = deliveries[0]["id"].as_str().unwrap();
    let (_, one) = node
        .call_json(
            "silkway",
            Method::GET,
            &format!("/notifications/deliveries/{d}"),
            None,
        )
        .await;
    assert_eq!(one["attempts"][0]["ok"], true, "{one}");
    let (status, _) = node
        .call_json(
            "steppe",
            Method::GET,
            &format!("/notifications/deliveries/{d}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another company's delivery");
    let (status, err) = node
        .call_json(
            "silkway",
            Method::POST,
            &format!("/notifications/deliveries/{d}/resend"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{err}");
    let _ = stop.send(true);
}

/// A delivery that keeps failing is parked after the retry time, shown to the party, and goes
/// out when re-sent; deleting an endpoint parks what waits for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_failing_endpoint_parks_deliveries_until_they_are_resent() {
    let node = start().await;
    let mut hook = Receiver::webhook().await;
    let (_, created) = node
        .call_json(
            "caspian",
            Method::POST,
            "/webhooks",
            Some(json!({"url": hook.url(), "events": ["movement.mrn_allocated"]})),
        )
        .await;
    hook.got.lock().unwrap().secret = Some(created["secret"].as_str().unwrap().to_string());
    hook.stop().await;
    let settings = Settings {
        retry: RetryPolicy {
            first: chrono::Duration::milliseconds(100),
            max_interval: chrono::Duration::milliseconds(300),
            give_up_after: chrono::Duration::seconds(2),
        },
        ..Settings::default()
    };
    let stop = spawn_worker(&node, Some(settings));
    node.lodge_ok("caspian", &crate::common::caspian("PARK-1", "1000.00"))
        .await;
    let mut parked = Value::Null;
    for _ in 0..100 {
        let (_, log) = node
            .call_json(
                "caspian",
                Method::GET,
                "/notifications/deliveries?status=parked",
                None,
            )
            .await;
        if log["count"] == 1 {
            parked = log["deliveries"][0].clone();
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(parked["channel"], "webhook", "no delivery parked");
    assert!(parked["attempts"].as_u64().unwrap() >= 3, "{parked}");
    assert!(
        parked["lastOutcome"].as_str().unwrap().contains("connect"),
        "{parked}"
    );
    hook.start().await;
    let id = parked["id"].as_str().unwrap();
    let (status, again) = node
        .call_json(
            "caspian",
            Method::POST,
            &format!("/notifications/deliveries/{id}/resend"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{again}");
    wait_until(10, "the re-sent delivery", || hook.counts().len() == 1).await;
    assert_eq!(hook.counts().values().copied().collect::<Vec<_>>(), vec![1]);
    assert!(hook.refused().is_empty());
    // The receiver has the request before the node has committed its outcome: poll.
    let mut one = serde_json::Value::Null;
    for _ in 0..100 {
        (_, one) = node
            .call_json(
                "caspian",
                Method::GET,
                &format!("/notifications/deliveries/{id}"),
                None,
            )
            .await;
        if one["delivery"]["status"] == "delivered" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(one["delivery"]["status"], "delivered", "{one}");

    // Deleted: what waits for it is parked, and cannot be re-sent.
    let hook_id = created["id"].as_str().unwrap();
    hook.stop().await;
    node.lodge_ok("caspian", &crate::common::caspian("PARK-2", "1000.00"))
        .await;
    let (status, _) = node
        .call_json(
            "caspian",
            Method::DELETE,
            &format!("/webhooks/{hook_id}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = node
        .call_json(
            "caspian",
            Method::GET,
            &format!("/webhooks/{hook_id}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let _ = stop.send(true);
    let _ = Utc::now();
}

/// A contract's guarantee crossing 80 % and reaching 100 % of its reference amount tells its
/// insurer and its holder, once each.
#[tokio::test]
async fn the_usage_of_a_guarantee_crossing_80_and_100_percent_is_notified() {
    let node = start().await;
    let usage = |user: &'static str| {
        let node = &node;
        async move {
            let (_, notes) = node
                .call_json(user, Method::GET, "/notifications", None)
                .await;
            let mut types: Vec<String> = notes["notifications"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|n| n["type"].as_str().unwrap().starts_with("contract.usage"))
                .map(|n| {
                    format!(
                        "{} {}",
                        n["type"].as_str().unwrap(),
                        n["reference"].as_str().unwrap()
                    )
                })
                .collect();
            types.sort();
            types
        }
    };
    // Caspian's guarantee: 100,000.00 USD.
    for (lrn, amount) in [
        ("USE-1", "70000.00"),
        ("USE-2", "15000.00"),
        ("USE-3", "15000.00"),
    ] {
        let id = node
            .lodge_ok("caspian", &crate::common::caspian(lrn, amount))
            .await;
        node.customs_ok("officer.kz", &id, "release", "KZHOR001")
            .await;
        if lrn == "USE-1" {
            assert!(
                usage("steppe").await.is_empty(),
                "70 % is below the threshold"
            );
        }
    }
    let want = vec![
        "contract.usage_100 25KZ0000SRI000020".to_string(),
        "contract.usage_80 25KZ0000SRI000020".to_string(),
    ];
    assert_eq!(usage("steppe").await, want);
    assert_eq!(usage("caspian").await, want);
}
