//! The registers (issue 5) on both backends: registrations and documents, contracts and their
//! guarantee, claims raised in the recovery's transaction, liabilities, exchange rates,
//! history and notifications, and all of it through dump and restore.

use super::*;

use cats_app::store::{
    Attachment, ClaimFilter, ContractFilter, GuaranteeOp, HistoryEvent, Notification, RateRecord,
    RegistrationFilter, RegistryChange, StoredAttachment, Versioned,
};
use cats_domain::coverage::ExchangeRate;
use cats_domain::registry::{
    ClaimStatus, Contact, Contract, Register, Registration, RegistrationStatus,
};

pub(super) fn registration(party: &str, register: Register, at: DateTime<Utc>) -> Registration {
    Registration {
        id: Uuid::new_v4(),
        version: 1,
        party: party.parse().unwrap(),
        register,
        name: "Khorgos Gateway Logistics LLP".into(),
        address: "Dostyk 1\nAlmaty".into(),
        country: "KZ".parse().unwrap(),
        contact: Contact {
            name: "Aigerim".into(),
            email: "a@example.kz".into(),
            phone: "+7 727 000 00 00".into(),
        },
        status: RegistrationStatus::Submitted,
        valid_from: None,
        valid_to: None,
        reason: None,
        decided_by: None,
        submitted_at: at,
        updated_at: at,
    }
}

pub(super) fn contract(grn: Option<&str>, at: DateTime<Utc>) -> Contract {
    Contract {
        id: Uuid::new_v4(),
        version: 1,
        grn: grn.map(|g| g.parse().unwrap()),
        policy_number: "POL-7".into(),
        insurer: "KZ990000000001".parse().unwrap(),
        holder: "KZ840000123456".parse().unwrap(),
        reference_amount: Money::from_minor_units(1_000_000, "EUR".parse().unwrap()).unwrap(),
        valid_from: "2025-01-01".parse().unwrap(),
        valid_to: "2025-12-31".parse().unwrap(),
        countries: vec!["KZ".parse().unwrap(), "GE".parse().unwrap()],
        indemnity: "pays within 30 days".into(),
        status: GuaranteeStatus::Submitted,
        reason: None,
        office: None,
        decided_by: None,
        submitted_at: at,
        updated_at: at,
    }
}

/// A party's notifications, newest first, as its users' inbox has them.
async fn notes(store: &Arc<dyn Store>, party: &str, limit: u32) -> Vec<Notification> {
    let query = cats_app::notify::store::InboxQuery {
        limit,
        ..Default::default()
    };
    store
        .inbox(&party.parse().unwrap(), "reader", query)
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.notification)
        .collect()
}

fn note(party: &str, text: &str, at: DateTime<Utc>) -> Notification {
    Notification {
        id: Uuid::new_v4(),
        party: party.parse().unwrap(),
        at,
        event: cats_app::notify::EventType::RegistrationStatus,
        subject: "registration".into(),
        subject_id: Uuid::nil(),
        reference: "aeo".into(),
        link: String::new(),
        message_id: None,
        text: text.into(),
        status: "approved".into(),
    }
}

/// Registrations, documents (bytes unchanged), rates, history, notifications; and the
/// registers part of [`super::populate`].
pub(super) async fn populate_registers(store: &Arc<dyn Store>) -> Registration {
    let at = t("2025-03-10T09:30:00.123456Z");
    let r = registration("KZ840000123456", Register::Aeo, at);
    let bytes: Vec<u8> = (0..=255u8).cycle().take(3000).collect();
    let doc = StoredAttachment {
        meta: Attachment {
            id: Uuid::new_v4(),
            registration_id: r.id,
            filename: "certificate.pdf".into(),
            content_type: "application/pdf".into(),
            size: bytes.len() as i64,
            sha256: "00ff".into(),
            uploaded_at: at,
            uploaded_by: "silkway".into(),
        },
        data: bytes,
    };
    store
        .commit_registry(RegistryChange {
            registration: Some(Versioned {
                record: r.clone(),
                expected: None,
            }),
            attachment: Some(doc.clone()),
            events: vec![HistoryEvent {
                subject: "registration".into(),
                subject_id: r.id,
                at,
                actor: "silkway".into(),
                action: "apply".into(),
                status: "submitted".into(),
                detail: "applies — Кириллица".into(),
            }],
            notifications: vec![
                note("KZ840000123456", "first", at),
                note("KZ840000123456", "second", at),
            ],
            rate: Some(RateRecord {
                rate: ExchangeRate {
                    from: "KZT".parse().unwrap(),
                    to: "EUR".parse().unwrap(),
                    valid_from: "2025-03-01".parse().unwrap(),
                    valid_to: "2025-03-31".parse().unwrap(),
                    rate: "0.00183".parse().unwrap(),
                },
                set_by: "admin".into(),
                set_at: at,
            }),
            audit: vec![audit("registration.apply", None, at)],
            ..RegistryChange::default()
        })
        .await
        .unwrap();
    let c = contract(None, at);
    store
        .commit_registry(RegistryChange {
            contract: Some(Versioned {
                record: c,
                expected: None,
            }),
            ..RegistryChange::default()
        })
        .await
        .unwrap();
    store
        .next_grn_serial("KZ".parse().unwrap(), 2025)
        .await
        .unwrap();
    r
}

store_test!(
    registrations_and_documents,
    registrations_and_documents_body
);
async fn registrations_and_documents_body(store: Arc<dyn Store>) {
    store.save_party(&party("KZ840000123456")).await.unwrap();
    let r = populate_registers(&store).await;
    assert_eq!(store.registration(r.id).await.unwrap().as_ref(), Some(&r));
    // A second live registration in one register is refused; another register is fine.
    let again = registration("KZ840000123456", Register::Aeo, r.submitted_at);
    let insert = |x: Registration| RegistryChange {
        registration: Some(Versioned {
            record: x,
            expected: None,
        }),
        ..RegistryChange::default()
    };
    assert!(matches!(
        store.commit_registry(insert(again)).await,
        Err(StoreError::Conflict)
    ));
    let other = registration("KZ840000123456", Register::AuthorisedTrader, r.submitted_at);
    store.commit_registry(insert(other)).await.unwrap();
    // Versioned updates: the stale one is a conflict, nothing of its change is kept.
    let mut approved = r.clone();
    approved.version = 2;
    approved.status = RegistrationStatus::Approved;
    approved.valid_from = Some("2025-03-10".parse().unwrap());
    approved.valid_to = Some("2026-03-09".parse().unwrap());
    let update = |x: &Registration, expected| RegistryChange {
        registration: Some(Versioned {
            record: x.clone(),
            expected: Some(expected),
        }),
        notifications: vec![note("KZ840000123456", "approved", x.updated_at)],
        ..RegistryChange::default()
    };
    store.commit_registry(update(&approved, 1)).await.unwrap();
    assert!(matches!(
        store.commit_registry(update(&approved, 1)).await,
        Err(StoreError::Conflict)
    ));
    assert_eq!(store.registration(r.id).await.unwrap(), Some(approved));
    let filter = RegistrationFilter {
        party: Some("KZ840000123456".parse().unwrap()),
        status: Some(RegistrationStatus::Approved),
        ..RegistrationFilter::default()
    };
    assert_eq!(store.registrations(&filter).await.unwrap().len(), 1);
    // Documents keep their bytes.
    let docs = store.attachments(r.id).await.unwrap();
    assert_eq!(docs.len(), 1);
    let doc = store.attachment(docs[0].id).await.unwrap().unwrap();
    assert_eq!(doc.data.len(), 3000);
    assert_eq!(doc.data[255], 255);
    // Notifications newest first; history in order.
    let notes = notes(&store, "KZ840000123456", 10).await;
    let texts: Vec<&str> = notes.iter().map(|n| n.text.as_str()).collect();
    assert_eq!(texts, ["approved", "second", "first"]);
    assert_eq!(store.history(r.id).await.unwrap().len(), 1);
    // Rates by day.
    let day = |s: &str| s.parse().unwrap();
    let rate = store
        .exchange_rate(
            "KZT".parse().unwrap(),
            "EUR".parse().unwrap(),
            day("2025-03-31"),
        )
        .await
        .unwrap();
    assert_eq!(rate.unwrap().rate.to_string(), "0.00183");
    assert!(store
        .exchange_rate(
            "KZT".parse().unwrap(),
            "EUR".parse().unwrap(),
            day("2025-04-01")
        )
        .await
        .unwrap()
        .is_none());
    assert!(store
        .exchange_rate(
            "EUR".parse().unwrap(),
            "KZT".parse().unwrap(),
            day("2025-03-15")
        )
        .await
        .unwrap()
        .is_none());
    // GRN serials per country and year.
    assert_eq!(
        store
            .next_grn_serial("KZ".parse().unwrap(), 2025)
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        store
            .next_grn_serial("GE".parse().unwrap(), 2025)
            .await
            .unwrap(),
        1
    );
}

store_test!(
    contracts_claims_liabilities,
    contracts_claims_liabilities_body
);
async fn contracts_claims_liabilities_body(store: Arc<dyn Store>) {
    let at = t("2025-03-10T09:30:00Z");
    // Approve a contract: the contract and its new guarantee in one change.
    let mut c = contract(Some(GRN), at);
    c.status = GuaranteeStatus::Active;
    let mut g = c.guarantee("").unwrap();
    g.access_code_hash = cats_domain::ledger::hash_access_code(GRN, "1234", &[0; 16]);
    store
        .commit_registry(RegistryChange {
            contract: Some(Versioned {
                record: c.clone(),
                expected: None,
            }),
            guarantee: Some(GuaranteeOp::Create(g.clone())),
            ..RegistryChange::default()
        })
        .await
        .unwrap();
    assert_eq!(
        store.contract_by_grn(&GRN.parse().unwrap()).await.unwrap(),
        Some(c.clone())
    );
    let filter = ContractFilter {
        holder: Some(c.holder.clone()),
        ..ContractFilter::default()
    };
    assert_eq!(store.contracts(&filter).await.unwrap().len(), 1);
    // A reservation outside the policy period, or on a suspended guarantee, is refused.
    let late = t("2026-01-02T00:00:00Z");
    match commit_with(&store, "LRN-LATE", vec![reserve(GRN, 100)], late).await {
        Err(StoreError::NotUsable { why, .. }) => {
            assert_eq!(why.to_string(), "expired on 2025-12-31")
        }
        other => panic!("{other:?}"),
    }
    // Recovery turns the reservation into a claim, in the same transaction.
    let rec = commit_with(&store, "LRN-C1", vec![reserve(GRN, 250_000)], at)
        .await
        .unwrap();
    let mut claimed = next(&rec, MovementState::UnderRecovery, at + Duration::days(40));
    let mut ch = change(&claimed, Some(1));
    ch.ledger.push(LedgerOp::Claim);
    ch.audit.push(audit("recovery", Some(rec.id), at));
    store.commit(ch).await.unwrap();
    claimed.version += 1;
    let claims = store.claims(&ClaimFilter::default()).await.unwrap();
    assert_eq!(claims.len(), 1);
    let claim = claims[0].clone();
    assert_eq!(
        (
            claim.status,
            claim.amount.to_minor_units(),
            claim.amount.currency().as_str(),
            claim.insurer.as_str()
        ),
        (ClaimStatus::Raised, 250_000, "EUR", "KZ990000000001")
    );
    assert_eq!(claim.mrn, Some(mrn_for("MRN-LRN-C1")));
    assert_eq!(store.history(claim.id).await.unwrap()[0].actor, "silkway");
    assert_eq!(notes(&store, "KZ990000000001", 5).await.len(), 1);
    assert_eq!(notes(&store, "KZ840000123456", 5).await.len(), 1);
    let total = store
        .guarantee(&GRN.parse().unwrap())
        .await
        .unwrap()
        .unwrap()
        .running_total_minor;
    assert_eq!(total, 250_000, "a claim stays a liability");
    // Cancelling with an open liability is refused, and nothing changes.
    let cancel = RegistryChange {
        guarantee: Some(GuaranteeOp::Cancel {
            grn: GRN.parse().unwrap(),
            at,
        }),
        ..RegistryChange::default()
    };
    match store.commit_registry(cancel.clone()).await {
        Err(StoreError::OpenLiabilities { open_minor, .. }) => assert_eq!(open_minor, 250_000),
        other => panic!("{other:?}"),
    }
    // Revoked while the claim is open: no liability end yet.
    store
        .commit_registry(RegistryChange {
            guarantee: Some(GuaranteeOp::Status {
                grn: GRN.parse().unwrap(),
                status: GuaranteeStatus::Revoked,
                at,
            }),
            ..RegistryChange::default()
        })
        .await
        .unwrap();
    assert_eq!(
        store
            .guarantee(&GRN.parse().unwrap())
            .await
            .unwrap()
            .unwrap()
            .liability_end,
        None
    );
    // Paying closes the liability: the running total falls, the liability ends.
    let paid_at = at + Duration::days(60);
    let mut paid = claim.clone();
    paid.version = 2;
    paid.status = ClaimStatus::Paid;
    paid.closed_at = Some(paid_at);
    let pay = RegistryChange {
        claim: Some(Versioned {
            record: paid.clone(),
            expected: Some(1),
        }),
        guarantee: Some(GuaranteeOp::CloseClaim {
            grn: GRN.parse().unwrap(),
            amount_minor: claim.amount.to_minor_units(),
            at: paid_at,
        }),
        ..RegistryChange::default()
    };
    store.commit_registry(pay.clone()).await.unwrap();
    assert!(matches!(
        store.commit_registry(pay).await,
        Err(StoreError::Conflict)
    ));
    let g = store
        .guarantee(&GRN.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!((g.running_total_minor, g.liability_end), (0, Some(paid_at)));
    assert_eq!(store.claim(claim.id).await.unwrap(), Some(paid));
    // Now the cancellation goes through (and keeps the first liability end).
    store.commit_registry(cancel).await.unwrap();
    let g = store
        .guarantee(&GRN.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (g.status, g.liability_end),
        (GuaranteeStatus::Revoked, Some(paid_at))
    );
}
