//! Guarantees and the ledger on both backends: the running total, reservations credited or
//! claimed exactly once, and concurrent reservations that never overdraw.

use super::*;
use cats_domain::ids::Money;

use cats_domain::ledger::ReservationStatus;

pub(super) const GRN: &str = "25KZ0000000000004";

/// Commit a new released movement that applies `ledger`.
pub(super) async fn commit_with(
    store: &Arc<dyn Store>,
    lrn: &str,
    ledger: Vec<LedgerOp>,
    at: DateTime<Utc>,
) -> Result<MovementRecord, StoreError> {
    let rec = record(
        lrn,
        Some(&format!("MRN-{lrn}")),
        MovementState::ReleasedForTransit,
        at,
    );
    let mut c = change(&rec, None);
    c.ledger = ledger;
    store.commit(c).await.map(|()| rec)
}

pub(super) fn reserve(grn: &str, amount_minor: i64) -> LedgerOp {
    LedgerOp::Reserve {
        grn: grn.parse().unwrap(),
        amount_minor,
        basis: Default::default(),
    }
}

store_test!(
    guarantee_keeps_running_total,
    guarantee_keeps_running_total_body
);
async fn guarantee_keeps_running_total_body(store: Arc<dyn Store>) {
    assert_eq!(store.guarantee(&GRN.parse().unwrap()).await.unwrap(), None);
    let mut g = guarantee(GRN, 10_000_000);
    g.running_total_minor = 777; // ignored: the ledger keeps the running total
    store.save_guarantee(&g).await.unwrap();
    let loaded = store
        .guarantee(&GRN.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(loaded.running_total_minor, 0);
    assert_eq!(loaded.reference_amount.amount(), from_minor(10_000_000));
    assert_eq!(loaded.reference_amount.amount().to_string(), "100000.00");
    assert_eq!(
        loaded,
        Guarantee {
            running_total_minor: 0,
            ..g.clone()
        }
    );

    let at = t("2025-03-10T09:30:00Z");
    commit_with(&store, "LRN-G1", vec![reserve(GRN, 2_500_000)], at)
        .await
        .unwrap();
    g.status = GuaranteeStatus::Suspended;
    g.running_total_minor = 0;
    g.valid_to = "2026-06-30".parse().unwrap();
    store.save_guarantee(&g).await.unwrap();
    let loaded = store
        .guarantee(&GRN.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(loaded.status, GuaranteeStatus::Suspended);
    assert_eq!(loaded.valid_to, g.valid_to);
    assert_eq!(loaded.running_total_minor, 2_500_000);
    assert_eq!(loaded.available_minor(), 7_500_000);
    // The reference amount may not go below what is reserved (CHECK constraint).
    let mut small = g.clone();
    small.reference_amount = Money::from_minor_units(1_000, small.currency()).unwrap();
    assert!(store.save_guarantee(&small).await.is_err());
}

store_test!(ledger_exactly_once, ledger_exactly_once_body);
async fn ledger_exactly_once_body(store: Arc<dyn Store>) {
    store
        .save_guarantee(&guarantee(GRN, 100_000))
        .await
        .unwrap();
    let total = |store: Arc<dyn Store>| async move {
        store
            .guarantee(&GRN.parse().unwrap())
            .await
            .unwrap()
            .unwrap()
            .running_total_minor
    };
    let at = t("2025-03-10T09:30:00.5Z");
    let a = commit_with(&store, "LRN-A", vec![reserve(GRN, 30_000)], at)
        .await
        .unwrap();
    assert_eq!(total(store.clone()).await, 30_000);

    // Overdraw: refused with the available amount, and the whole change is rolled back.
    match commit_with(&store, "LRN-B", vec![reserve(GRN, 80_000)], at).await {
        Err(StoreError::Insufficient {
            grn,
            requested_minor,
            available_minor,
        }) => {
            assert_eq!(grn, GRN);
            assert_eq!(requested_minor, 80_000);
            assert_eq!(available_minor, 70_000);
        }
        other => panic!("expected Insufficient, got {other:?}"),
    }
    assert!(!store
        .lrn_in_use(
            &"KZ840000123456".parse().unwrap(),
            &"LRN-B".parse().unwrap()
        )
        .await
        .unwrap());
    assert_eq!(total(store.clone()).await, 30_000);
    // Exactly the available amount is fine.
    let b = commit_with(&store, "LRN-B", vec![reserve(GRN, 70_000)], at)
        .await
        .unwrap();
    assert_eq!(total(store.clone()).await, 100_000);
    assert!(matches!(
        commit_with(&store, "LRN-C", vec![reserve(GRN, 1)], at).await,
        Err(StoreError::Insufficient {
            available_minor: 0,
            ..
        })
    ));
    // Unknown guarantee.
    assert!(matches!(
        commit_with(&store, "LRN-X", vec![reserve("25KZ0000000000013", 1)], at).await,
        Err(StoreError::NotFound(_))
    ));

    // Credit A (write-off), twice: credited once.
    let closed_at = t("2025-03-20T10:00:00.25Z");
    let mut rec = next(&a, MovementState::WrittenOff, closed_at);
    for expected in [1, 2] {
        let mut c = change(&rec, Some(expected));
        c.ledger.push(LedgerOp::Credit);
        store.commit(c).await.unwrap();
        assert_eq!(total(store.clone()).await, 70_000);
        rec = next(&rec, MovementState::WrittenOff, closed_at);
    }
    // Claim B (recovery), twice, then a credit: claimed once, the amount stays locked.
    let mut rec = next(&b, MovementState::UnderRecovery, closed_at);
    for (expected, op) in [
        (1, LedgerOp::Claim),
        (2, LedgerOp::Claim),
        (3, LedgerOp::Credit),
    ] {
        let mut c = change(&rec, Some(expected));
        c.ledger.push(op);
        store.commit(c).await.unwrap();
        assert_eq!(total(store.clone()).await, 70_000);
        rec = next(&rec, MovementState::UnderRecovery, closed_at);
    }

    let reservations = store.reservations(&GRN.parse().unwrap()).await.unwrap();
    assert_eq!(reservations.len(), 2);
    let by_movement = |id| reservations.iter().find(|r| r.movement_id == id).unwrap();
    let ra = by_movement(a.id);
    assert_eq!(ra.status, ReservationStatus::Credited);
    assert_eq!(ra.amount_minor, 30_000);
    assert_eq!(ra.mrn, Some(mrn_for("MRN-LRN-A")));
    assert_eq!(ra.reserved_at, at);
    assert_eq!(ra.closed_at, Some(closed_at));
    let rb = by_movement(b.id);
    assert_eq!(rb.status, ReservationStatus::Claimed);
    assert_eq!(rb.closed_at, Some(closed_at));
    assert!(store
        .reservations(&"25KZ0000000000013".parse().unwrap())
        .await
        .unwrap()
        .is_empty());
}

store_test!(
    concurrent_reservations_never_overdraw,
    concurrent_reservations_body
);
async fn concurrent_reservations_body(store: Arc<dyn Store>) {
    // 50 movements reserve 3 000 each on a guarantee of 100 000: 33 fit.
    store
        .save_guarantee(&guarantee(GRN, 100_000))
        .await
        .unwrap();
    let at = t("2025-03-10T09:30:00Z");
    let tasks: Vec<_> = (0..50)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                commit_with(&store, &format!("LRN-P{i}"), vec![reserve(GRN, 3_000)], at).await
            })
        })
        .collect();
    let (mut ok, mut insufficient) = (0, 0);
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => ok += 1,
            Err(StoreError::Insufficient { .. }) => insufficient += 1,
            Err(e) => panic!("unexpected {}", err_name(&e)),
        }
    }
    assert_eq!((ok, insufficient), (33, 17));
    let g = store
        .guarantee(&GRN.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    let reserved: i64 = store
        .reservations(&GRN.parse().unwrap())
        .await
        .unwrap()
        .iter()
        .filter(|r| r.status == ReservationStatus::Reserved)
        .map(|r| r.amount_minor)
        .sum();
    assert_eq!(g.running_total_minor, reserved);
    assert_eq!(reserved, 99_000);
    assert!(g.running_total_minor <= g.reference_minor());
}
