//! Notifications' store (issue 13): a notification written with its deliveries in one
//! transaction (one per subscribed webhook, per user and chosen channel), the outbox claimed
//! by one worker at a time, attempts and parking, re-sending, read marks, and a copy that keeps
//! it all.

use super::*;

use cats_app::notify::store::{
    Attempt, Contact, DeliveryFilter, DeliveryStatus, InboxQuery, Settle,
};
use cats_app::notify::{Channel, EventType, Preference, Webhook};
use cats_app::store::{Notification, RegistryChange};

fn note(party: &str, event: EventType, at: DateTime<Utc>) -> Notification {
    Notification {
        id: Uuid::new_v4(),
        party: party.parse().unwrap(),
        at,
        event,
        subject: "contract".into(),
        subject_id: Uuid::nil(),
        reference: "25KZ0000SRI000010".into(),
        link: "/ui/contracts/x".into(),
        message_id: None,
        text: "approved".into(),
        status: "approved".into(),
    }
}

store_test!(
    notifications_fan_out_and_deliver_once,
    notifications_fan_out_and_deliver_once_body
);
async fn notifications_fan_out_and_deliver_once_body(store: Arc<dyn Store>) {
    let at = t("2026-12-06T10:00:00.000001Z");
    store.save_party(&party("KZ840000123456")).await.unwrap();
    store
        .save_user(&trader("silkway", "KZ840000123456"))
        .await
        .unwrap();
    store
        .save_user(&trader("silkway.ops", "KZ840000123456"))
        .await
        .unwrap();
    store
        .set_contact(
            "silkway",
            &Contact {
                email: Some("a@x.kz".into()),
                phone: Some("+77010000001".into()),
            },
        )
        .await
        .unwrap();
    store
        .set_contact(
            "silkway.ops",
            &Contact {
                email: Some("b@x.kz".into()),
                phone: None,
            },
        )
        .await
        .unwrap();
    store
        .set_preferences(
            "silkway",
            &[Preference {
                event: EventType::ContractStatus,
                channel: Channel::Sms,
                enabled: true,
            }],
        )
        .await
        .unwrap();
    store
        .set_preferences(
            "silkway.ops",
            &[Preference {
                event: EventType::ContractStatus,
                channel: Channel::Email,
                enabled: false,
            }],
        )
        .await
        .unwrap();
    let hook = |events: Vec<EventType>, s: i64| Webhook {
        id: Uuid::new_v4(),
        party: "KZ840000123456".parse().unwrap(),
        url: "https://hooks.example.kz/cats".into(),
        events,
        format: cats_app::notify::WebhookFormat::Cats,
        secret: "whsec_00".into(),
        created_by: "silkway".into(),
        created_at: at + Duration::seconds(s),
    };
    let all = hook(vec![], 0);
    let other = hook(vec![EventType::Released], 1);
    store.save_webhook(&all).await.unwrap();
    store.save_webhook(&other).await.unwrap();
    assert_eq!(
        store.webhooks(&all.party).await.unwrap(),
        vec![all.clone(), other.clone()]
    );

    let n = note("KZ840000123456", EventType::ContractStatus, at);
    store
        .commit_registry(RegistryChange {
            notifications: vec![n.clone()],
            ..RegistryChange::default()
        })
        .await
        .unwrap();
    // The webhook for every type, silkway's e-mail and SMS; not silkway.ops' e-mail (turned
    // off), not the webhook for releases only.
    let party = all.party.clone();
    let log = store
        .deliveries(
            &party,
            DeliveryFilter {
                limit: 10,
                ..DeliveryFilter::default()
            },
        )
        .await
        .unwrap();
    let mut got: Vec<(Channel, String)> =
        log.iter().map(|d| (d.channel, d.address.clone())).collect();
    got.sort_by_key(|(c, a)| (c.as_str(), a.clone()));
    assert_eq!(
        got,
        vec![
            (Channel::Email, "a@x.kz".to_string()),
            (Channel::Sms, "+77010000001".to_string()),
            (
                Channel::Webhook,
                "https://hooks.example.kz/cats".to_string()
            ),
        ]
    );
    assert!(log
        .iter()
        .all(|d| d.status == DeliveryStatus::Pending && d.event == EventType::ContractStatus));

    // One claimant at a time, and only on the channels it sends.
    let lease = Duration::seconds(60);
    let first = store
        .claim_deliveries(at, "a", lease, 10, &[Channel::Webhook, Channel::Email])
        .await
        .unwrap();
    assert_eq!(first.len(), 2);
    assert_eq!(
        first
            .iter()
            .find(|d| d.delivery.channel == Channel::Webhook)
            .unwrap()
            .webhook,
        Some(all.clone())
    );
    assert_eq!(first[0].notification, n);
    let second = store
        .claim_deliveries(
            at,
            "b",
            lease,
            10,
            &[Channel::Webhook, Channel::Email, Channel::Sms],
        )
        .await
        .unwrap();
    assert_eq!(second.len(), 1, "only the SMS is left");
    assert_eq!(second[0].delivery.channel, Channel::Sms);

    // Attempts: delivered; retried; parked, then re-sent.
    let attempt = |id: Uuid, ok: bool, s: i64| Attempt {
        delivery_id: id,
        at: at + Duration::seconds(s),
        ok,
        status_code: Some(if ok { 204 } else { 503 }),
        detail: if ok {
            "HTTP 204".into()
        } else {
            "HTTP 503".into()
        },
        millis: 12,
    };
    let hook_d = first
        .iter()
        .find(|d| d.delivery.channel == Channel::Webhook)
        .unwrap()
        .delivery
        .id;
    let mail_d = first
        .iter()
        .find(|d| d.delivery.channel == Channel::Email)
        .unwrap()
        .delivery
        .id;
    store
        .settle_delivery(&attempt(hook_d, true, 1), Settle::Delivered)
        .await
        .unwrap();
    store
        .settle_delivery(
            &attempt(mail_d, false, 1),
            Settle::Retry(at + Duration::seconds(3)),
        )
        .await
        .unwrap();
    assert!(
        store
            .claim_deliveries(at + Duration::seconds(2), "a", lease, 10, &[Channel::Email])
            .await
            .unwrap()
            .is_empty(),
        "not due yet"
    );
    let again = store
        .claim_deliveries(at + Duration::seconds(3), "a", lease, 10, &[Channel::Email])
        .await
        .unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].delivery.attempts, 1);
    store
        .settle_delivery(&attempt(mail_d, false, 4), Settle::Park)
        .await
        .unwrap();
    let parked = store.delivery(mail_d).await.unwrap().unwrap();
    assert_eq!(
        (parked.status, parked.attempts, parked.first_attempt_at),
        (DeliveryStatus::Parked, 2, Some(at + Duration::seconds(1)))
    );
    assert_eq!(store.delivery_attempts(mail_d).await.unwrap().len(), 2);
    assert!(store
        .resend_delivery(mail_d, at + Duration::seconds(10))
        .await
        .unwrap());
    assert!(
        !store.resend_delivery(hook_d, at).await.unwrap(),
        "a delivered one is not re-sent"
    );
    let resent = store.delivery(mail_d).await.unwrap().unwrap();
    assert_eq!(
        (resent.status, resent.first_attempt_at),
        (DeliveryStatus::Pending, None)
    );
    let delivered = store.delivery(hook_d).await.unwrap().unwrap();
    assert_eq!(delivered.delivered_at, Some(at + Duration::seconds(1)));

    // Read marks are per user.
    assert_eq!(store.unread_count(&party, "silkway").await.unwrap(), 1);
    assert_eq!(
        store.mark_read(&party, "silkway", &[], at).await.unwrap(),
        1
    );
    assert_eq!(
        store
            .mark_read(&party, "silkway", &[n.id], at)
            .await
            .unwrap(),
        0
    );
    assert_eq!(store.unread_count(&party, "silkway").await.unwrap(), 0);
    assert_eq!(store.unread_count(&party, "silkway.ops").await.unwrap(), 1);
    let inbox = store
        .inbox(
            &party,
            "silkway",
            InboxQuery {
                limit: 10,
                ..InboxQuery::default()
            },
        )
        .await
        .unwrap();
    assert!(inbox[0].read && inbox[0].notification == n);
    let later = store
        .inbox(
            &party,
            "silkway",
            InboxQuery {
                after_seq: Some(inbox[0].seq),
                limit: 10,
                ..InboxQuery::default()
            },
        )
        .await
        .unwrap();
    assert!(later.is_empty());

    // Deleting an endpoint parks what waits for it.
    let n2 = note(
        "KZ840000123456",
        EventType::AccessCode,
        at + Duration::seconds(20),
    );
    store
        .commit_registry(RegistryChange {
            notifications: vec![n2],
            ..RegistryChange::default()
        })
        .await
        .unwrap();
    assert!(store.delete_webhook(all.id, at).await.unwrap());
    assert_eq!(store.webhook(all.id).await.unwrap(), None);
    let parked = store
        .deliveries(
            &party,
            DeliveryFilter {
                webhook: Some(all.id),
                status: Some(DeliveryStatus::Parked),
                limit: 10,
            },
        )
        .await
        .unwrap();
    assert_eq!(parked.len(), 1);
    assert!(parked[0].last_outcome.contains("deleted"));

    // A copy keeps it all.
    let dump = store.dump().await.unwrap();
    assert_eq!(dump.notify.webhooks.len(), 2);
    assert_eq!(dump.notify.deliveries.len(), 6);
    assert_eq!(dump.notify.attempts.len(), 3);
    let dir = tempfile::tempdir().unwrap();
    let copy = sqlite(&dir).await;
    copy.restore(&dump).await.unwrap();
    assert_eq!(copy.dump().await.unwrap(), dump);
}

store_test!(
    notifications_read_back_whole_whatever_their_row_left_out,
    notifications_read_back_whole_whatever_their_row_left_out_body
);
/// A movement's notification row leaves out the text and link it can make again (ADR 0022);
/// what differs is kept. Each reads back as it was written, in the inbox, to the delivery
/// worker and in a dump.
async fn notifications_read_back_whole_whatever_their_row_left_out_body(store: Arc<dyn Store>) {
    use cats_app::notify::events::{link, movement_text};
    let at = t("2026-12-06T10:00:00.000001Z");
    store.save_party(&party("KZ840000123456")).await.unwrap();
    store
        .save_user(&trader("silkway", "KZ840000123456"))
        .await
        .unwrap();
    let movement = Uuid::new_v4();
    let reference = "26KZHOR001000008J3";
    let made = Notification {
        subject: "movement".into(),
        subject_id: movement,
        reference: reference.into(),
        link: link("movement", movement),
        text: movement_text(EventType::Released, reference),
        message_id: Some(Uuid::new_v4()),
        status: "ReleasedForTransit".into(),
        ..note("KZ840000123456", EventType::Released, at)
    };
    let worded_before = Notification {
        id: Uuid::new_v4(),
        text: format!("{reference}: worded by an older node"),
        link: String::new(),
        at: at + Duration::seconds(1),
        ..made.clone()
    };
    let contract = note(
        "KZ840000123456",
        EventType::ContractStatus,
        at + Duration::seconds(2),
    );
    let written = vec![made, worded_before, contract];
    store
        .commit_registry(RegistryChange {
            notifications: written.clone(),
            ..RegistryChange::default()
        })
        .await
        .unwrap();
    let party: cats_domain::ids::Eori = "KZ840000123456".parse().unwrap();
    let inbox = store
        .inbox(
            &party,
            "silkway",
            InboxQuery {
                after_seq: Some(0),
                unread_only: false,
                limit: 10,
            },
        )
        .await
        .unwrap();
    let read: Vec<Notification> = inbox.into_iter().map(|i| i.notification).collect();
    assert_eq!(read, written);
    let dumped = store.dump().await.unwrap().notifications;
    assert_eq!(dumped, written);
}
