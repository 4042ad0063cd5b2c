//! Movements on both backends: commits with optimistic versions, the live LRN, messages kept
//! byte for byte, filters and paging, UTC timestamps, the audit log, MRN serials and claims on
//! overdue movements.

use super::*;

use std::collections::BTreeSet;

use cats_app::store::MovementFilter;

store_test!(
    commit_insert_update_conflict,
    commit_insert_update_conflict_body
);
async fn commit_insert_update_conflict_body(store: Arc<dyn Store>) {
    let at = t("2025-03-10T09:30:00.123456Z");
    let rec = record(
        "LRN-1",
        Some("25KZHOR0010000017"),
        MovementState::Accepted,
        at,
    );
    let mut c = change(&rec, None);
    c.messages
        .push(message("CC015C", "application/json", "{\"a\": 1.50}", at));
    c.audit.push(audit("lodge", Some(rec.id), at));
    store.commit(c).await.unwrap();
    let loaded = store.movement(rec.id).await.unwrap().unwrap();
    assert_eq!(loaded, rec);
    assert!(serde_json::to_string(&loaded.declaration)
        .unwrap()
        .contains("25000.00"));
    assert_eq!(
        store
            .movement_by_mrn(&mrn_for("25KZHOR0010000017"))
            .await
            .unwrap(),
        Some(rec.clone())
    );
    assert_eq!(store.movement_by_mrn(&mrn_for("nope")).await.unwrap(), None);
    assert_eq!(store.movement(Uuid::new_v4()).await.unwrap(), None);
    assert!(store
        .lrn_in_use(
            &"KZ840000123456".parse().unwrap(),
            &"LRN-1".parse().unwrap()
        )
        .await
        .unwrap());
    assert!(!store
        .lrn_in_use(
            &"KZ840000123456".parse().unwrap(),
            &"LRN-2".parse().unwrap()
        )
        .await
        .unwrap());

    // Versioned update.
    let later = t("2025-03-11T10:00:00.000001Z");
    let mut v2 = next(&rec, MovementState::ReleasedForTransit, later);
    v2.movement.released_at = Some(later);
    v2.movement.time_limit = Some(t("2025-03-24T23:59:59.999999Z"));
    store.commit(change(&v2, Some(1))).await.unwrap();
    let loaded = store.movement(rec.id).await.unwrap().unwrap();
    assert_eq!(loaded, v2);
    assert_eq!(loaded.created_at, at);
    assert_eq!(loaded.updated_at, later);

    // A stale version is a conflict, and changes nothing.
    let mut stale = next(&rec, MovementState::UnderControl, later);
    stale.version = 3;
    let mut c = change(&stale, Some(1));
    c.messages
        .push(message("CC013C", "application/xml", "<x/>", later));
    c.audit.push(audit("amend", Some(rec.id), later));
    assert!(matches!(store.commit(c).await, Err(StoreError::Conflict)));
    assert_eq!(store.movement(rec.id).await.unwrap().unwrap(), v2);
    assert_eq!(store.messages(rec.id).await.unwrap().len(), 1);
    assert_eq!(store.audit_log(Some(rec.id), 10).await.unwrap().len(), 1);
    // Updating a movement that does not exist is a conflict too.
    let ghost = record("LRN-G", None, MovementState::Accepted, at);
    assert!(matches!(
        store.commit(change(&ghost, Some(1))).await,
        Err(StoreError::Conflict)
    ));
}

store_test!(duplicate_live_lrn, duplicate_live_lrn_body);
async fn duplicate_live_lrn_body(store: Arc<dyn Store>) {
    let at = t("2025-03-10T09:30:00Z");
    let first = record("LRN-D", Some("MRN-D1"), MovementState::Accepted, at);
    store.commit(change(&first, None)).await.unwrap();
    let second = record("LRN-D", Some("MRN-D2"), MovementState::Accepted, at);
    match store.commit(change(&second, None)).await {
        Err(StoreError::DuplicateLrn { holder, lrn }) => {
            assert_eq!(holder, "KZ840000123456");
            assert_eq!(lrn, "LRN-D");
        }
        other => panic!("expected DuplicateLrn, got {other:?}"),
    }
    assert_eq!(store.movement(second.id).await.unwrap(), None);
    // Another holder may use the LRN.
    let mut other_holder = record("LRN-D", Some("MRN-D3"), MovementState::Accepted, at);
    other_holder.movement.holder = "GE000000000001".parse().unwrap();
    store.commit(change(&other_holder, None)).await.unwrap();
    // Once the first is no longer live, the LRN is free again.
    let invalidated = next(&first, MovementState::Invalidated, at);
    store.commit(change(&invalidated, Some(1))).await.unwrap();
    assert!(!store
        .lrn_in_use(
            &"KZ840000123456".parse().unwrap(),
            &"LRN-D".parse().unwrap()
        )
        .await
        .unwrap());
    store.commit(change(&second, None)).await.unwrap();
    assert!(store
        .lrn_in_use(
            &"KZ840000123456".parse().unwrap(),
            &"LRN-D".parse().unwrap()
        )
        .await
        .unwrap());
    // And making the first live again would clash.
    let revived = next(&invalidated, MovementState::Accepted, at);
    assert!(matches!(
        store.commit(change(&revived, Some(2))).await,
        Err(StoreError::DuplicateLrn { .. })
    ));
}

store_test!(messages_byte_for_byte, messages_byte_for_byte_body);
async fn messages_byte_for_byte_body(store: Arc<dyn Store>) {
    let at = t("2025-03-10T09:30:00.000007Z");
    let rec = record("LRN-M", Some("MRN-M"), MovementState::Accepted, at);
    let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<ncts:CC015C PhaseID=\"NCTS5.0\" \
               xmlns:ncts=\"http://ncts.dgtaxud.ec\">\n  <name>Кириллица ქართული Azərbaycan \
               Қазақ 😀</name>\t<amount>25000.00</amount>  \n</ncts:CC015C>\n";
    let json = "{\"z\": 1, \"a\": 1.10, \"n\": 1e3, \"s\": \"ქართული \\u00e9\"}   ";
    let bodies = [
        ("CC015C", "application/xml", xml),
        ("CC028C", "application/json", json),
        ("release", "application/json", ""),
    ];
    let mut c = change(&rec, None);
    for (i, (ty, ct, body)) in bodies.iter().enumerate() {
        c.messages
            .push(message(ty, ct, body, at + Duration::microseconds(i as i64)));
    }
    c.messages[1].direction = Direction::Outbound;
    c.messages[2].direction = Direction::Customs;
    let sent = c.messages.clone();
    store.commit(c).await.unwrap();
    let v2 = next(&rec, MovementState::ReleasedForTransit, at);
    let mut c = change(&v2, Some(1));
    c.messages
        .push(message("CC029C", "application/xml", xml, at));
    c.messages
        .push(message("exit", "application/json", json, at));
    let sent: Vec<NewMessage> = sent.into_iter().chain(c.messages.clone()).collect();
    store.commit(c).await.unwrap();
    let stored = store.messages(rec.id).await.unwrap();
    assert_eq!(stored.len(), 5);
    for (i, (s, m)) in stored.iter().zip(&sent).enumerate() {
        assert_eq!(s.seq, i as i64 + 1);
        assert_eq!(s.id, m.id);
        assert_eq!(s.movement_id, rec.id);
        assert_eq!(s.message_type, m.message_type);
        assert_eq!(s.direction, m.direction);
        assert_eq!(s.content_type, m.content_type);
        assert_eq!(s.body.as_bytes(), m.body.as_bytes());
        assert_eq!(s.received, m.received);
    }
    assert!(store.messages(Uuid::new_v4()).await.unwrap().is_empty());
}

store_test!(movements_filter_paging, movements_filter_paging_body);
async fn movements_filter_paging_body(store: Arc<dyn Store>) {
    let base = t("2025-03-01T00:00:00Z");
    let mut ids = Vec::new();
    for i in 0..7i64 {
        let at = base + Duration::hours(i);
        let state = if i % 2 == 0 {
            MovementState::Accepted
        } else {
            MovementState::ReleasedForTransit
        };
        let mut rec = record(&format!("LRN-F{i}"), Some(&format!("MRN-F{i}")), state, at);
        if i >= 5 {
            // Another holder, on a route without Azerbaijani offices.
            rec.movement.holder = "GE000000000001".parse().unwrap();
            rec.movement.offices_of_transit.clear();
            rec.movement.offices_of_exit.clear();
        }
        store.commit(change(&rec, None)).await.unwrap();
        ids.push(rec.id);
    }
    let list = |f: MovementFilter| {
        let store = store.clone();
        async move {
            let (records, total) = store.movements(&f).await.unwrap();
            (records.iter().map(|r| r.id).collect::<Vec<_>>(), total)
        }
    };
    let all = MovementFilter {
        page: 1,
        count: 100,
        ..MovementFilter::default()
    };
    let newest_first: Vec<Uuid> = ids.iter().rev().copied().collect();
    assert_eq!(list(all.clone()).await, (newest_first.clone(), 7));
    // A list is read without declarations; one movement is read with its declaration.
    let (records, _) = store.movements(&all).await.unwrap();
    assert!(records
        .iter()
        .all(|r| *r.declaration == serde_json::json!({})));
    let one = store.movement(records[0].id).await.unwrap().unwrap();
    assert_eq!(one.movement, records[0].movement);
    assert_eq!(*one.declaration, fixture().1);
    // Paging.
    let page = |p| MovementFilter {
        page: p,
        count: 3,
        ..all.clone()
    };
    assert_eq!(list(page(1)).await, (newest_first[..3].to_vec(), 7));
    assert_eq!(list(page(2)).await, (newest_first[3..6].to_vec(), 7));
    assert_eq!(list(page(3)).await, (newest_first[6..].to_vec(), 7));
    assert_eq!(list(page(4)).await, (vec![], 7));
    // Page 0 is page 1; count is clamped to 1..=500.
    let clamped = MovementFilter {
        page: 0,
        count: 0,
        ..all.clone()
    };
    assert_eq!(list(clamped).await, (newest_first[..1].to_vec(), 7));
    // Filters.
    let holder = MovementFilter {
        holder: Some("GE000000000001".parse().unwrap()),
        ..all.clone()
    };
    assert_eq!(list(holder).await, (vec![ids[6], ids[5]], 2));
    for country in ["AZ"] {
        let az = MovementFilter {
            office_country: Some(country.parse().unwrap()),
            ..all.clone()
        };
        assert_eq!(list(az).await, (newest_first[2..].to_vec(), 5));
    }
    let ge = MovementFilter {
        office_country: Some("GE".parse().unwrap()),
        ..all.clone()
    };
    assert_eq!(list(ge).await.1, 7);
    let uz = MovementFilter {
        office_country: Some("UZ".parse().unwrap()),
        ..all.clone()
    };
    assert_eq!(list(uz).await, (vec![], 0));
    let released = MovementFilter {
        state: Some(MovementState::ReleasedForTransit),
        ..all.clone()
    };
    assert_eq!(list(released).await, (vec![ids[5], ids[3], ids[1]], 3));
    let lrn = MovementFilter {
        lrn: Some("LRN-F2".parse().unwrap()),
        ..all.clone()
    };
    assert_eq!(list(lrn).await, (vec![ids[2]], 1));
    let mrn = MovementFilter {
        mrn: Some(mrn_for("MRN-F4")),
        ..all.clone()
    };
    assert_eq!(list(mrn).await, (vec![ids[4]], 1));
    let since = MovementFilter {
        updated_since: Some(base + Duration::hours(4)),
        ..all.clone()
    };
    assert_eq!(list(since).await, (newest_first[..3].to_vec(), 3));
    let combined = MovementFilter {
        holder: Some("KZ840000123456".parse().unwrap()),
        state: Some(MovementState::Accepted),
        updated_since: Some(base + Duration::minutes(1)),
        ..all.clone()
    };
    assert_eq!(list(combined).await, (vec![ids[4], ids[2]], 2));
}

store_test!(
    timestamps_utc_microseconds,
    timestamps_utc_microseconds_body
);
async fn timestamps_utc_microseconds_body(store: Arc<dyn Store>) {
    // Stored UTC with microseconds; finer digits are truncated (not rounded) on both backends,
    // also before 2000 and from a non-UTC offset.
    let fine = DateTime::parse_from_rfc3339("2025-03-10T12:30:00.999999999+05:00")
        .unwrap()
        .with_timezone(&Utc);
    let old = t("1999-12-31T23:59:59.123456789Z");
    store
        .audit(&[audit("fine", None, fine), audit("old", None, old)])
        .await
        .unwrap();
    let log = store.audit_log(None, 10).await.unwrap();
    assert_eq!(log[1].at, t("2025-03-10T07:30:00.999999Z"));
    assert_eq!(log[0].at, t("1999-12-31T23:59:59.123456Z"));

    let at = t("2025-03-10T07:30:00.000001Z");
    let mut rec = record("LRN-T", None, MovementState::ReleasedForTransit, at);
    rec.movement.time_limit = Some(t("2025-03-24T07:30:00.5Z"));
    store.commit(change(&rec, None)).await.unwrap();
    let loaded = store.movement(rec.id).await.unwrap().unwrap();
    assert_eq!(loaded.created_at, at);
    assert_eq!(loaded.updated_at, at);
    // The time limit column is compared exactly, to the microsecond.
    let limit = t("2025-03-24T07:30:00.5Z");
    assert!(store.overdue(limit).await.unwrap().is_empty());
    assert_eq!(
        store
            .overdue(limit + Duration::microseconds(1))
            .await
            .unwrap(),
        vec![rec.id]
    );
}

store_test!(audit_log_order, audit_log_order_body);
async fn audit_log_order_body(store: Arc<dyn Store>) {
    let at = t("2025-03-10T09:30:00Z");
    let rec = record("LRN-A", None, MovementState::Accepted, at);
    let mut c = change(&rec, None);
    c.audit.push(audit("lodge", Some(rec.id), at));
    store
        .audit(&[audit("token.issue", None, at)])
        .await
        .unwrap();
    store.commit(c).await.unwrap();
    // Insertion order, not `at` order.
    store
        .audit(&[
            audit("import", None, at - Duration::days(1)),
            audit("release", Some(rec.id), at - Duration::days(2)),
        ])
        .await
        .unwrap();
    let actions = |log: Vec<AuditEntry>| log.into_iter().map(|a| a.action).collect::<Vec<_>>();
    assert_eq!(
        actions(store.audit_log(None, 10).await.unwrap()),
        ["release", "import", "lodge", "token.issue"]
    );
    assert_eq!(
        actions(store.audit_log(None, 2).await.unwrap()),
        ["release", "import"]
    );
    let mine = store.audit_log(Some(rec.id), 10).await.unwrap();
    assert_eq!(actions(mine.clone()), ["release", "lodge"]);
    assert_eq!(mine[1], audit("lodge", Some(rec.id), at));
}

// ---------------------------------------------------------------------------------------------
// Serials and claims

store_test!(mrn_serials_distinct, mrn_serials_distinct_body);
async fn mrn_serials_distinct_body(store: Arc<dyn Store>) {
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .next_mrn_serial(&"KZHOR001".parse().unwrap(), 2025)
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut serials = BTreeSet::new();
    for task in tasks {
        assert!(
            serials.insert(task.await.unwrap()),
            "a serial was given twice"
        );
    }
    assert_eq!(serials, (1..=50).collect());
    assert_eq!(
        store
            .next_mrn_serial(&"KZHOR001".parse().unwrap(), 2026)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .next_mrn_serial(&"GEPTI001".parse().unwrap(), 2025)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .next_mrn_serial(&"KZHOR001".parse().unwrap(), 2025)
            .await
            .unwrap(),
        51
    );
}

store_test!(claim_overdue_once, claim_overdue_once_body);
async fn claim_overdue_once_body(store: Arc<dyn Store>) {
    let now = t("2025-04-01T12:00:00Z");
    let mut overdue = Vec::new();
    for i in 0..10i64 {
        let mut rec = record(
            &format!("LRN-O{i}"),
            None,
            MovementState::ReleasedForTransit,
            now,
        );
        rec.movement.time_limit = Some(now - Duration::days(10 - i));
        store.commit(change(&rec, None)).await.unwrap();
        overdue.push(rec.id);
    }
    // Not overdue: time limit ahead, or not released for transit.
    let mut ahead = record("LRN-O10", None, MovementState::ReleasedForTransit, now);
    ahead.movement.time_limit = Some(now + Duration::hours(1));
    store.commit(change(&ahead, None)).await.unwrap();
    let mut arrived = record("LRN-O11", None, MovementState::Arrived, now);
    arrived.movement.time_limit = Some(now - Duration::days(30));
    store.commit(change(&arrived, None)).await.unwrap();
    assert_eq!(store.overdue(now).await.unwrap(), overdue);

    // Two claimants at once: never the same movement.
    let lease = Duration::minutes(5);
    let claim = |claimant: &'static str, at: DateTime<Utc>, limit: u32| {
        let store = store.clone();
        tokio::spawn(async move {
            store
                .claim_overdue(at, claimant, lease, limit)
                .await
                .unwrap()
        })
    };
    let (a, b) = (claim("node-a", now, 6), claim("node-b", now, 6));
    let (a, b) = (a.await.unwrap(), b.await.unwrap());
    let a: BTreeSet<Uuid> = a.into_iter().collect();
    let b: BTreeSet<Uuid> = b.into_iter().collect();
    assert!(a.is_disjoint(&b), "claimed twice: {:?}", a.intersection(&b));
    assert!(a.len() <= 6 && b.len() <= 6);
    // What is left goes to a third claimant; then nothing is left while the leases run.
    let c: BTreeSet<Uuid> = claim("node-c", now, 100)
        .await
        .unwrap()
        .into_iter()
        .collect();
    assert!(c.is_disjoint(&a) && c.is_disjoint(&b));
    let all: BTreeSet<Uuid> = a.iter().chain(&b).chain(&c).copied().collect();
    assert_eq!(all, overdue.iter().copied().collect());
    let later = now + lease - Duration::seconds(1);
    assert!(claim("node-d", later, 100).await.unwrap().is_empty());
    // Expired leases are claimed again, oldest time limit first.
    let expired = now + lease + Duration::seconds(1);
    assert_eq!(claim("node-d", expired, 3).await.unwrap().len(), 3);
    let rest: BTreeSet<Uuid> = claim("node-e", expired, 100)
        .await
        .unwrap()
        .into_iter()
        .collect();
    assert_eq!(rest, overdue[3..].iter().copied().collect());
}
