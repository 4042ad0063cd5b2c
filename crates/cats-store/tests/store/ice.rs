//! The ICE outbox and inbox (issue 12): messages written with the change, delivered in order per
//! peer and movement, retried when due, received once, and carried by a copy of the store.

use super::*;
use cats_app::store::{IceIn, IceOut, OutboxStatus, Settlement};
use cats_domain::ids::NodeId;

fn out(peer: &str, kind: &str, mrn: &Mrn, at: DateTime<Utc>) -> IceOut {
    IceOut {
        message_id: Uuid::new_v4(),
        peer: NodeId::parse(peer).unwrap(),
        message_type: kind.into(),
        correlation: mrn.to_string(),
        trace_id: Uuid::new_v4(),
        payload: format!("{{\"kind\":\"{kind}\"}}"),
        created_at: at,
    }
}

fn inbound(peer: &str, mrn: &Mrn, sequence: i64, at: DateTime<Utc>) -> IceIn {
    IceIn {
        message_id: Uuid::new_v4(),
        peer: NodeId::parse(peer).unwrap(),
        message_type: "CD118C".into(),
        correlation: mrn.to_string(),
        sequence,
        body: "{}".into(),
        received_at: at,
        outcome: "applied".into(),
        receipt: "{\"status\":\"accepted\"}".into(),
    }
}

store_test!(
    ice_outbox_in_order_inbox_once,
    ice_outbox_in_order_inbox_once_body
);
async fn ice_outbox_in_order_inbox_once_body(store: Arc<dyn Store>) {
    store.save_catalog(&catalog()).await.unwrap();
    let at = t("2025-03-10T09:30:00.000001Z");
    let rec = record(
        "LRN-ICE",
        Some("25KZHOR001000031"),
        MovementState::ReleasedForTransit,
        at,
    );
    let mrn = rec.movement.mrn.clone().unwrap();
    let (m1, m2, m3) = (
        out("AZ", "CD050C", &mrn, at),
        out("AZ", "CD160C", &mrn, at),
        out("GE", "CD001C", &mrn, at),
    );
    let mut c = change(&rec, None);
    c.ice_out = vec![m1.clone(), m2.clone(), m3.clone()];
    store.commit(c).await.unwrap();
    // A stale change writes no message.
    let mut stale = change(&next(&rec, MovementState::ReleasedForTransit, at), Some(7));
    stale.ice_out = vec![out("AZ", "CD050C", &mrn, at)];
    assert!(matches!(
        store.commit(stale).await,
        Err(StoreError::Conflict)
    ));

    // The first message of each peer and movement is due; the second waits for it.
    let lease = Duration::seconds(60);
    let now = at + Duration::seconds(1);
    let due = store.ice_claim_due(now, "a", lease, 10).await.unwrap();
    let ids: Vec<_> = due
        .iter()
        .map(|e| (e.message.message_id, e.sequence))
        .collect();
    assert_eq!(ids.len(), 2, "{due:?}");
    assert!(ids.contains(&(m1.message_id, 1)) && ids.contains(&(m3.message_id, 1)));
    // Claimed: no other instance gets them while the lease runs.
    assert!(store
        .ice_claim_due(now, "b", lease, 10)
        .await
        .unwrap()
        .is_empty());
    let receipt = "{\"status\":\"accepted\"}".to_string();
    store
        .ice_settle(
            m1.message_id,
            &Settlement::Delivered {
                receipt: receipt.clone(),
                at: now,
            },
        )
        .await
        .unwrap();
    let due = store.ice_claim_due(now, "b", lease, 10).await.unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(
        (due[0].message.message_id, due[0].sequence),
        (m2.message_id, 2)
    );
    store
        .ice_settle(
            m2.message_id,
            &Settlement::Retry {
                next: now + Duration::seconds(10),
                error: "peer AZ unreachable".into(),
            },
        )
        .await
        .unwrap();
    assert!(store
        .ice_claim_due(now, "b", lease, 10)
        .await
        .unwrap()
        .is_empty());
    let later = store
        .ice_claim_due(now + Duration::seconds(11), "b", lease, 10)
        .await
        .unwrap();
    assert_eq!(later.len(), 1);
    assert_eq!(later[0].attempts, 1);
    assert_eq!(later[0].last_error.as_deref(), Some("peer AZ unreachable"));
    let queues = store.ice_queues(now).await.unwrap();
    let az = queues.iter().find(|q| q.peer.as_str() == "AZ").unwrap();
    assert_eq!((az.pending, az.delivered, az.retried), (1, 1, 0));
    assert_eq!(az.last_error.as_deref(), Some("peer AZ unreachable"));
    let delivered = store
        .ice_outbox(None, Some(OutboxStatus::Delivered), 10)
        .await
        .unwrap();
    assert_eq!(delivered.len(), 1);
    assert_eq!(delivered[0].receipt.as_ref(), Some(&receipt));

    // The inbox keeps a message once: a second change for the same message id commits nothing.
    let first = inbound("GE", &mrn, 1, now);
    let mut c = change(&next(&rec, MovementState::Arrived, now), Some(1));
    c.ice_in = Some(first.clone());
    store.commit(c).await.unwrap();
    let mut again = change(
        &next(
            &next(&rec, MovementState::Arrived, now),
            MovementState::WrittenOff,
            now,
        ),
        Some(2),
    );
    again.ice_in = Some(first.clone());
    assert!(matches!(
        store.commit(again).await,
        Err(StoreError::Conflict)
    ));
    assert_eq!(store.movement(rec.id).await.unwrap().unwrap().version, 2);
    assert!(matches!(
        store.ice_record_inbound(&first, &[]).await,
        Err(StoreError::Conflict)
    ));
    assert_eq!(
        store.ice_inbound(first.message_id).await.unwrap(),
        Some(first.clone())
    );
    let geo = NodeId::parse("GE").unwrap();
    assert_eq!(
        store.ice_last_sequence(&geo, mrn.as_str()).await.unwrap(),
        1
    );
    store
        .ice_record_inbound(&inbound("GE", &mrn, 2, now), &[])
        .await
        .unwrap();
    assert_eq!(
        store.ice_last_sequence(&geo, mrn.as_str()).await.unwrap(),
        2
    );
    assert_eq!(store.ice_inbox(10).await.unwrap().len(), 2);

    // A copy of the store carries both, delivery state included.
    let dump = store.dump().await.unwrap();
    assert_eq!((dump.ice_outbox.len(), dump.ice_inbox.len()), (3, 2));
    let dir = tempfile::tempdir().unwrap();
    let copy = sqlite(&dir).await;
    copy.restore(&dump).await.unwrap();
    let again = copy.dump().await.unwrap();
    assert_eq!(again.ice_inbox, dump.ice_inbox);
    // Claims are not copied: compare everything else.
    assert_eq!(again.ice_outbox, dump.ice_outbox);
}
