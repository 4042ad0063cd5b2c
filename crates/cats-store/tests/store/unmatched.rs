//! Unmatched arrivals (issue 14): kept with their messages in order, found by the HMRC profile's
//! short ids (as movements are), and copied.

use super::*;

use cats_app::arrivals::unmatched::UnmatchedArrival;
use cats_app::store::{Direction, NewMessage};

fn msg(t: &str, direction: Direction, at: DateTime<Utc>) -> NewMessage {
    NewMessage {
        id: Uuid::new_v4(),
        message_type: t.into(),
        direction,
        content_type: "application/xml".into(),
        body: format!("<{t}/>"),
        received: at,
    }
}

store_test!(
    unmatched_arrivals_kept_and_found,
    unmatched_arrivals_kept_and_found_body
);
async fn unmatched_arrivals_kept_and_found_body(store: Arc<dyn Store>) {
    let at = t("2026-12-06T10:00:00.000001Z");
    let mut a = UnmatchedArrival {
        id: Uuid::new_v4(),
        party: "KZ840000123456".parse().unwrap(),
        mrn: "24XI000081E0CZHGJ3".into(),
        created_at: at,
        updated_at: at,
    };
    store
        .save_unmatched(
            &a,
            &[
                msg("CC007C", Direction::Inbound, at),
                msg("CC057C", Direction::Outbound, at),
            ],
        )
        .await
        .unwrap();
    a.updated_at = at + Duration::minutes(5);
    store
        .save_unmatched(&a, &[msg("CC044C", Direction::Inbound, a.updated_at)])
        .await
        .unwrap();
    assert_eq!(store.unmatched(a.id).await.unwrap(), Some(a.clone()));
    assert_eq!(store.unmatched_of(&a.party).await.unwrap(), vec![a.clone()]);
    let messages = store.unmatched_messages(a.id).await.unwrap();
    let order: Vec<(i64, &str)> = messages
        .iter()
        .map(|m| (m.seq, m.message_type.as_str()))
        .collect();
    assert_eq!(order, [(1, "CC007C"), (2, "CC057C"), (3, "CC044C")]);
    assert!(messages.iter().all(|m| m.movement_id == a.id));
    // Short ids: the first 16 hexadecimal digits, of movements and unmatched arrivals alike.
    let short = |id: Uuid| id.simple().to_string()[..16].to_string();
    assert_eq!(
        store.ids_with_prefix(&short(a.id)).await.unwrap(),
        vec![a.id]
    );
    store.save_catalog(&catalog()).await.unwrap();
    let rec = record("LRN-SHORT", None, MovementState::Accepted, at);
    store.commit(change(&rec, None)).await.unwrap();
    assert_eq!(
        store.ids_with_prefix(&short(rec.id)).await.unwrap(),
        vec![rec.id]
    );
    assert!(store
        .ids_with_prefix("0000000000000000")
        .await
        .unwrap()
        .is_empty());
    assert!(store.ids_with_prefix("not-hex").await.unwrap().is_empty());
    // Copied with the rest.
    let dump = store.dump().await.unwrap();
    assert_eq!(dump.unmatched.len(), 1);
    assert_eq!(dump.unmatched[0].1.len(), 3);
    let dir = tempfile::tempdir().unwrap();
    let copy = sqlite(&dir).await;
    copy.restore(&dump).await.unwrap();
    assert_eq!(copy.dump().await.unwrap(), dump);
}
