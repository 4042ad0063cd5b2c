//! The store test suite: every test runs against SQLite (a temporary file, always) and against
//! PostgreSQL when `CATS_TEST_DATABASE_URL` names a server (an admin URL such as
//! `postgres://postgres@127.0.0.1:5432/postgres`): each test gets a fresh database
//! `cats_test_<random>` there, dropped afterwards.

use std::collections::BTreeSet;
use std::future::Future;
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Duration, Utc};
use serde_json::Value;
use uuid::Uuid;

use cats_app::auth::{Role, User};
use cats_app::store::{
    AuditEntry, Change, Direction, LedgerOp, MovementFilter, MovementRecord, NewMessage, Party,
    ProfileVersion, Snapshot, Store, StoreError,
};
use cats_domain::declaration::Cc015c;
use cats_domain::ledger::{from_minor, Guarantee, GuaranteeStatus, ReservationStatus};
use cats_domain::movement::MovementState;
use cats_domain::reference::{
    Catalog, Country, Currency, HsEntry, Location, Office, OfficeRole, RestrictedGoods, Restriction,
};
use cats_domain::risk::RiskProfile;
use cats_store::{DbSettings, PgStore, SqliteStore};

// ---------------------------------------------------------------------------------------------
// Harness

const SKIPPED: &str = "SKIPPED PostgreSQL: CATS_TEST_DATABASE_URL is not set";

/// A fresh PostgreSQL database for one test.
struct PgDb {
    admin: String,
    name: String,
    url: String,
}

impl PgDb {
    /// `None` when `CATS_TEST_DATABASE_URL` is not set.
    async fn create() -> Option<Self> {
        let admin = std::env::var("CATS_TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.trim().is_empty())?;
        let name = format!("cats_test_{}", Uuid::new_v4().simple());
        let url = PgStore::create_database(&admin, &name)
            .await
            .expect("create test database");
        Some(Self { admin, name, url })
    }

    async fn open(&self) -> Arc<dyn Store> {
        let settings = DbSettings {
            max_connections: 5,
            ..DbSettings::default()
        };
        Arc::new(
            PgStore::connect(&self.url, &settings)
                .await
                .expect("connect"),
        )
    }

    async fn drop_db(self) {
        PgStore::drop_database(&self.admin, &self.name)
            .await
            .expect("drop test database");
    }
}

async fn sqlite(dir: &tempfile::TempDir) -> Arc<dyn Store> {
    Arc::new(
        SqliteStore::open(&dir.path().join("cats.db"))
            .await
            .expect("open SQLite"),
    )
}

/// Run `body` on SQLite, then on a fresh PostgreSQL database if one is configured. The body runs
/// in its own task so that the database is dropped even when it panics.
async fn on_both<F, Fut>(body: F)
where
    F: Fn(Arc<dyn Store>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    eprintln!("on SQLite");
    let dir = tempfile::tempdir().unwrap();
    let outcome = tokio::spawn(body(sqlite(&dir).await)).await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
    let Some(db) = PgDb::create().await else {
        eprintln!("{SKIPPED}");
        return;
    };
    eprintln!("on PostgreSQL {}", db.name);
    let outcome = tokio::spawn(body(db.open().await)).await;
    db.drop_db().await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

/// A test run on both backends.
macro_rules! store_test {
    ($name:ident, $body:path) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn $name() {
            on_both($body).await;
        }
    };
}

// ---------------------------------------------------------------------------------------------
// Fixtures

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn fixture() -> &'static (Cc015c, Value) {
    static FIXTURE: OnceLock<(Cc015c, Value)> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../cats-ncts/tests/fixtures/cc015c-corridor.json"
        );
        let bytes = std::fs::read(path).unwrap();
        cats_ncts::parse_cc015c(&bytes, cats_ncts::Format::Json).expect("fixture parses")
    })
}

/// A new movement (version 1) of the fixture declaration with this LRN, MRN and state.
fn record(lrn: &str, mrn: Option<&str>, state: MovementState, at: DateTime<Utc>) -> MovementRecord {
    let (declaration, value) = fixture();
    let mut movement =
        cats_domain::rules::facts(declaration).movement(state, mrn.map(str::to_string));
    movement.lrn = lrn.to_string();
    MovementRecord {
        id: Uuid::new_v4(),
        version: 1,
        movement,
        declaration: value.clone(),
        created_at: at,
        updated_at: at,
    }
}

fn change(record: &MovementRecord, expected_version: Option<i64>) -> Change {
    Change {
        record: record.clone(),
        expected_version,
        messages: Vec::new(),
        ledger: Vec::new(),
        audit: Vec::new(),
        attachments: vec![],
    }
}

/// `record` at the next version, changed at `at`.
fn next(record: &MovementRecord, state: MovementState, at: DateTime<Utc>) -> MovementRecord {
    let mut r = record.clone();
    r.version += 1;
    r.movement.state = state;
    r.updated_at = at;
    r
}

fn message(message_type: &str, content_type: &str, body: &str, at: DateTime<Utc>) -> NewMessage {
    NewMessage {
        id: Uuid::new_v4(),
        message_type: message_type.into(),
        direction: Direction::Inbound,
        content_type: content_type.into(),
        body: body.into(),
        received: at,
    }
}

fn audit(action: &str, movement_id: Option<Uuid>, at: DateTime<Utc>) -> AuditEntry {
    AuditEntry {
        at,
        actor: "silkway".into(),
        action: action.into(),
        movement_id,
        detail: format!("{action} — détail, Кириллица"),
    }
}

fn guarantee(grn: &str, reference_minor: i64) -> Guarantee {
    Guarantee {
        grn: grn.into(),
        holder: "KZ840000123456".into(),
        insurer: "KZ990000000001".into(),
        reference_amount: from_minor(reference_minor),
        currency: "EUR".into(),
        valid_from: "2025-01-01".parse().unwrap(),
        valid_to: "2025-12-31".parse().unwrap(),
        countries: vec!["KZ".into(), "AZ".into(), "GE".into()],
        status: GuaranteeStatus::Active,
        access_code_hash: cats_domain::ledger::hash_access_code(grn, "1234"),
        running_total_minor: 0,
        liability_end: None,
    }
}

fn party(id: &str) -> Party {
    Party {
        identification_number: id.into(),
        name: "Khorgos Gateway Logistics LLP".into(),
        kind: "trader".into(),
        status: "AEO".into(),
        country: "KZ".into(),
        active: true,
    }
}

fn trader(username: &str, party: &str) -> User {
    User {
        username: username.into(),
        role: Role::Trader,
        party: Some(party.into()),
        office_country: None,
        risk_analyst: false,
    }
}

fn catalog() -> Catalog {
    let mut c = Catalog::default();
    for (reference, country, name) in [
        ("KZHOR001", "KZ", "Хоргос"),
        ("GEPTI001", "GE", "ფოთი"),
        ("AZALA001", "AZ", "Ələt"),
    ] {
        c.offices.insert(
            reference.into(),
            Office {
                reference: reference.into(),
                names: [
                    ("en".to_string(), reference.to_string()),
                    ("ru".into(), name.into()),
                ]
                .into(),
                country: country.into(),
                unlocode: Some(format!("{country}XXX")),
                time_zone: "Asia/Almaty".into(),
                roles: [OfficeRole::Dep, OfficeRole::Des].into(),
                valid_from: Some("2024-01-01".parse().unwrap()),
                valid_to: None,
                source: "test".into(),
            },
        );
    }
    c.countries.insert(
        "KZ".into(),
        Country {
            code: "KZ".into(),
            names: [("kk".to_string(), "Қазақстан".to_string())].into(),
            participating: true,
            carec: true,
            source: "test".into(),
        },
    );
    c.currencies.insert(
        "EUR".into(),
        Currency {
            code: "EUR".into(),
            name: "Euro".into(),
            minor_unit: 2,
            source: "test".into(),
        },
    );
    c.hs.insert(
        "870323".into(),
        HsEntry {
            code: "870323".into(),
            description: "Motor cars".into(),
            source: "test".into(),
        },
    );
    // Listed out of code order: the store gives them back in code order (byte order).
    for prefix in ["93", "2402", "2208"] {
        c.restricted.push(RestrictedGoods {
            hs_prefix: prefix.into(),
            restriction: Restriction::AlwaysControlled,
            reason: "sensitive".into(),
            source: "test".into(),
        });
    }
    c.restricted.sort_by(|a, b| a.hs_prefix.cmp(&b.hs_prefix));
    c.locations.insert(
        "KZKHO".into(),
        Location {
            unlocode: "KZKHO".into(),
            name: "Khorgos".into(),
            function: "--3-----".into(),
            source: "test".into(),
        },
    );
    c
}

fn err_name(e: &StoreError) -> String {
    format!("{e:?}")
}

// ---------------------------------------------------------------------------------------------
// Reference data, parties, users, tokens

store_test!(catalog_round_trip, catalog_round_trip_body);
async fn catalog_round_trip_body(store: Arc<dyn Store>) {
    assert_eq!(store.load_catalog().await.unwrap(), Catalog::default());
    let mut c = catalog();
    store.save_catalog(&c).await.unwrap();
    assert_eq!(store.load_catalog().await.unwrap(), c);
    // Upsert: changed rows replaced, nothing deleted.
    let office = c.offices.get_mut("KZHOR001").unwrap();
    office.names.insert("kk".into(), "Қорғас".into());
    let mut partial = Catalog::default();
    partial.offices.insert("KZHOR001".into(), office.clone());
    store.save_catalog(&partial).await.unwrap();
    assert_eq!(store.load_catalog().await.unwrap(), c);
}

store_test!(parties_users_tokens, parties_users_tokens_body);
async fn parties_users_tokens_body(store: Arc<dyn Store>) {
    assert_eq!(store.party("KZ840000123456").await.unwrap(), None);
    let mut p = party("KZ840000123456");
    store.save_party(&p).await.unwrap();
    assert_eq!(
        store.party("KZ840000123456").await.unwrap(),
        Some(p.clone())
    );
    p.active = false;
    p.name = "Хоргос Гейтвей ТОО".into();
    store.save_party(&p).await.unwrap();
    assert_eq!(
        store.party("KZ840000123456").await.unwrap(),
        Some(p.clone())
    );

    let mut u = trader("silkway", "KZ840000123456");
    store.save_user(&u).await.unwrap();
    assert_eq!(store.user("silkway").await.unwrap(), Some(u.clone()));
    u.role = Role::Officer;
    u.party = None;
    u.office_country = Some("KZ".into());
    store.save_user(&u).await.unwrap();
    assert_eq!(store.user("silkway").await.unwrap(), Some(u.clone()));
    assert_eq!(store.user("nobody").await.unwrap(), None);

    store
        .add_token("silkway", "ab12", t("2025-03-10T09:30:00.123456Z"))
        .await
        .unwrap();
    assert_eq!(store.user_by_token("ab12").await.unwrap(), Some(u));
    assert_eq!(store.user_by_token("ffff").await.unwrap(), None);
    // A token of an unknown user is refused (foreign key).
    assert!(store.add_token("nobody", "cd34", Utc::now()).await.is_err());
}

// ---------------------------------------------------------------------------------------------
// Movements

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
        store.movement_by_mrn("25KZHOR0010000017").await.unwrap(),
        Some(rec.clone())
    );
    assert_eq!(store.movement_by_mrn("nope").await.unwrap(), None);
    assert_eq!(store.movement(Uuid::new_v4()).await.unwrap(), None);
    assert!(store.lrn_in_use("KZ840000123456", "LRN-1").await.unwrap());
    assert!(!store.lrn_in_use("KZ840000123456", "LRN-2").await.unwrap());

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
    other_holder.movement.holder = "GE000000000001".into();
    store.commit(change(&other_holder, None)).await.unwrap();
    // Once the first is no longer live, the LRN is free again.
    let invalidated = next(&first, MovementState::Invalidated, at);
    store.commit(change(&invalidated, Some(1))).await.unwrap();
    assert!(!store.lrn_in_use("KZ840000123456", "LRN-D").await.unwrap());
    store.commit(change(&second, None)).await.unwrap();
    assert!(store.lrn_in_use("KZ840000123456", "LRN-D").await.unwrap());
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
            rec.movement.holder = "GE000000000001".into();
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
        holder: Some("GE000000000001".into()),
        ..all.clone()
    };
    assert_eq!(list(holder).await, (vec![ids[6], ids[5]], 2));
    for country in ["AZ", "az"] {
        let az = MovementFilter {
            office_country: Some(country.into()),
            ..all.clone()
        };
        assert_eq!(list(az).await, (newest_first[2..].to_vec(), 5));
    }
    let ge = MovementFilter {
        office_country: Some("GE".into()),
        ..all.clone()
    };
    assert_eq!(list(ge).await.1, 7);
    let uz = MovementFilter {
        office_country: Some("UZ".into()),
        ..all.clone()
    };
    assert_eq!(list(uz).await, (vec![], 0));
    let released = MovementFilter {
        state: Some(MovementState::ReleasedForTransit),
        ..all.clone()
    };
    assert_eq!(list(released).await, (vec![ids[5], ids[3], ids[1]], 3));
    let lrn = MovementFilter {
        lrn: Some("LRN-F2".into()),
        ..all.clone()
    };
    assert_eq!(list(lrn).await, (vec![ids[2]], 1));
    let mrn = MovementFilter {
        mrn: Some("MRN-F4".into()),
        ..all.clone()
    };
    assert_eq!(list(mrn).await, (vec![ids[4]], 1));
    let since = MovementFilter {
        updated_since: Some(base + Duration::hours(4)),
        ..all.clone()
    };
    assert_eq!(list(since).await, (newest_first[..3].to_vec(), 3));
    let combined = MovementFilter {
        holder: Some("KZ840000123456".into()),
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
// Guarantees and the ledger

const GRN: &str = "25KZ0000000000001";

/// Commit a new released movement that applies `ledger`.
async fn commit_with(
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

fn reserve(grn: &str, amount_minor: i64) -> LedgerOp {
    LedgerOp::Reserve {
        grn: grn.into(),
        amount_minor,
        basis: Default::default(),
    }
}

store_test!(
    guarantee_keeps_running_total,
    guarantee_keeps_running_total_body
);
async fn guarantee_keeps_running_total_body(store: Arc<dyn Store>) {
    assert_eq!(store.guarantee(GRN).await.unwrap(), None);
    let mut g = guarantee(GRN, 10_000_000);
    g.running_total_minor = 777; // ignored: the ledger keeps the running total
    store.save_guarantee(&g).await.unwrap();
    let loaded = store.guarantee(GRN).await.unwrap().unwrap();
    assert_eq!(loaded.running_total_minor, 0);
    assert_eq!(loaded.reference_amount, from_minor(10_000_000));
    assert_eq!(loaded.reference_amount.to_string(), "100000.00");
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
    let loaded = store.guarantee(GRN).await.unwrap().unwrap();
    assert_eq!(loaded.status, GuaranteeStatus::Suspended);
    assert_eq!(loaded.valid_to, g.valid_to);
    assert_eq!(loaded.running_total_minor, 2_500_000);
    assert_eq!(loaded.available_minor(), 7_500_000);
    // The reference amount may not go below what is reserved (CHECK constraint).
    let mut small = g.clone();
    small.reference_amount = from_minor(1_000);
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
            .guarantee(GRN)
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
    assert!(!store.lrn_in_use("KZ840000123456", "LRN-B").await.unwrap());
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
        commit_with(&store, "LRN-X", vec![reserve("NOPE", 1)], at).await,
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

    let reservations = store.reservations(GRN).await.unwrap();
    assert_eq!(reservations.len(), 2);
    let by_movement = |id| reservations.iter().find(|r| r.movement_id == id).unwrap();
    let ra = by_movement(a.id);
    assert_eq!(ra.status, ReservationStatus::Credited);
    assert_eq!(ra.amount_minor, 30_000);
    assert_eq!(ra.mrn.as_deref(), Some("MRN-LRN-A"));
    assert_eq!(ra.reserved_at, at);
    assert_eq!(ra.closed_at, Some(closed_at));
    let rb = by_movement(b.id);
    assert_eq!(rb.status, ReservationStatus::Claimed);
    assert_eq!(rb.closed_at, Some(closed_at));
    assert!(store.reservations("NOPE").await.unwrap().is_empty());
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
    let g = store.guarantee(GRN).await.unwrap().unwrap();
    let reserved: i64 = store
        .reservations(GRN)
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

// ---------------------------------------------------------------------------------------------
// Serials and claims

store_test!(mrn_serials_distinct, mrn_serials_distinct_body);
async fn mrn_serials_distinct_body(store: Arc<dyn Store>) {
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.next_mrn_serial("KZHOR001", 2025).await.unwrap() })
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
    assert_eq!(store.next_mrn_serial("KZHOR001", 2026).await.unwrap(), 1);
    assert_eq!(store.next_mrn_serial("GEPTI001", 2025).await.unwrap(), 1);
    assert_eq!(store.next_mrn_serial("KZHOR001", 2025).await.unwrap(), 51);
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

// ---------------------------------------------------------------------------------------------
// Registers (issue 5)

#[path = "store/registry.rs"]
mod registry;

// Control records' attachments (issue 6)

#[path = "store/controls.rs"]
mod controls;

// ---------------------------------------------------------------------------------------------
// Dump and restore

/// Fill a store with a bit of everything a node keeps.
async fn populate(store: &Arc<dyn Store>) {
    store.save_catalog(&catalog()).await.unwrap();
    for id in ["KZ840000123456", "GE000000000001", "AZ100000000001"] {
        store.save_party(&party(id)).await.unwrap();
    }
    store
        .save_user(&trader("silkway", "KZ840000123456"))
        .await
        .unwrap();
    store
        .save_user(&User {
            username: "officer.kz".into(),
            role: Role::Officer,
            party: None,
            office_country: Some("KZ".into()),
            risk_analyst: true,
        })
        .await
        .unwrap();
    let at = t("2025-03-10T09:30:00.654321Z");
    store.add_token("silkway", "f00d", at).await.unwrap();
    store.add_token("officer.kz", "beef", at).await.unwrap();
    store
        .save_guarantee(&guarantee(GRN, 1_000_000))
        .await
        .unwrap();
    store
        .save_guarantee(&guarantee("25KZ0000000000002", 500_000))
        .await
        .unwrap();
    for _ in 0..3 {
        store.next_mrn_serial("KZHOR001", 2025).await.unwrap();
    }
    store.next_mrn_serial("GEPTI001", 2024).await.unwrap();
    store
        .audit(&[audit("token.issue", None, at)])
        .await
        .unwrap();
    for (i, op) in [None, Some(LedgerOp::Credit), Some(LedgerOp::Claim)]
        .into_iter()
        .enumerate()
    {
        let at = at + Duration::minutes(i as i64);
        let rec = record(
            &format!("LRN-S{i}"),
            Some(&format!("25KZHOR00100000{i}")),
            MovementState::Accepted,
            at,
        );
        let mut c = change(&rec, None);
        c.messages.push(message(
            "CC015C",
            "application/xml",
            "<CC015C>Кириллица ქართული</CC015C>",
            at,
        ));
        c.audit.push(audit("lodge", Some(rec.id), at));
        store.commit(c).await.unwrap();
        let mut released = next(&rec, MovementState::ReleasedForTransit, at);
        released.movement.time_limit = Some(at + Duration::days(8));
        let mut c = change(&released, Some(1));
        c.ledger.push(reserve(GRN, 10_000 * (i as i64 + 1)));
        c.ledger.push(reserve("25KZ0000000000002", 1_000));
        c.messages
            .push(message("release", "application/json", "{\"at\": 1.50}", at));
        store.commit(c).await.unwrap();
        if let Some(op) = op {
            let closed = next(&released, MovementState::WrittenOff, at + Duration::days(2));
            let mut c = change(&closed, Some(2));
            c.ledger.push(op);
            c.audit.push(audit("close", Some(rec.id), at));
            store.commit(c).await.unwrap();
        }
    }
    registry::populate_registers(store).await;
    controls::populate_controls(store).await;
    let v1 = profile_version("P-0001", 1, false, at);
    store
        .save_risk_profile(&v1, &audit("risk-profile.create", None, at))
        .await
        .unwrap();
    let v2 = profile_version("P-0001", 2, true, at + Duration::minutes(5));
    store
        .save_risk_profile(&v2, &audit("risk-profile.retire", None, at))
        .await
        .unwrap();
}

fn profile_version(id: &str, version: i64, retired: bool, at: DateTime<Utc>) -> ProfileVersion {
    ProfileVersion {
        profile: RiskProfile {
            id: id.into(),
            description: format!("Телефоны {id} v{version}"),
            hs_prefixes: vec!["8517".into()],
            countries_of_dispatch: vec!["CN".into()],
            min_value_per_kg: Some(1.5),
            score: Some(40 + version as u32),
            valid_from: Some("2026-01-01".parse().unwrap()),
            ..RiskProfile::default()
        },
        version,
        retired,
        changed_by: "officer.kz".into(),
        changed_at: at,
    }
}

store_test!(risk_profiles_versioned, risk_profiles_versioned_body);
async fn risk_profiles_versioned_body(store: Arc<dyn Store>) {
    let at = t("2026-02-01T10:00:00.123456Z");
    assert!(store.risk_profiles().await.unwrap().is_empty());
    for (id, n) in [("P-0002", 3), ("P-0001", 1), ("P-0010", 2)] {
        for v in 1..=n {
            let pv = profile_version(id, v, false, at + Duration::minutes(v));
            store
                .save_risk_profile(&pv, &audit("risk-profile.update", None, at))
                .await
                .unwrap();
        }
    }
    // A version that exists already is a conflict, and nothing of it is kept (no audit entry).
    let audits = store.audit_log(None, 100).await.unwrap().len();
    assert!(matches!(
        store
            .save_risk_profile(
                &profile_version("P-0002", 3, true, at),
                &audit("risk-profile.retire", None, at)
            )
            .await,
        Err(StoreError::Conflict)
    ));
    assert_eq!(store.audit_log(None, 100).await.unwrap().len(), audits);
    assert_eq!(audits, 6);
    let current = store.risk_profiles().await.unwrap();
    let ids: Vec<(&str, i64)> = current
        .iter()
        .map(|v| (v.profile.id.as_str(), v.version))
        .collect();
    assert_eq!(ids, [("P-0001", 1), ("P-0002", 3), ("P-0010", 2)]);
    assert_eq!(
        current[1],
        profile_version("P-0002", 3, false, at + Duration::minutes(3))
    );
    let history = store.risk_profile_versions("P-0002").await.unwrap();
    assert_eq!(
        history.iter().map(|v| v.version).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert_eq!(history[0].profile.description, "Телефоны P-0002 v1");
    assert!(store.risk_profile_versions("P-9").await.unwrap().is_empty());
}

/// Populate a store of one backend, dump it, restore into an empty store of the other (or the
/// same), and compare the dumps.
async fn copy_and_compare(from: Arc<dyn Store>, to: Arc<dyn Store>) {
    populate(&from).await;
    let dump = from.dump().await.unwrap();
    assert_eq!(dump.movements.len(), 3);
    assert_eq!(dump.messages.len(), 6);
    assert_eq!(dump.reservations.len(), 6);
    assert_eq!(dump.audit.len(), 9);
    assert_eq!(dump.risk_profiles.len(), 2);
    assert_eq!(
        dump.claims.len(),
        2,
        "the claimed movement's two reservations"
    );
    assert_eq!(dump.registrations.len(), 1);
    assert_eq!(dump.attachments[0].data.len(), 3000);
    assert_eq!(dump.control_attachments[0].data.len(), 5000);
    assert_eq!(dump.contracts.len(), 1);
    assert_eq!(dump.history.len(), 3);
    assert_eq!(dump.notifications.len(), 6);
    assert_eq!(dump.exchange_rates.len(), 1);
    assert_eq!(dump.grn_serials.len(), 1);
    to.restore(&dump).await.unwrap();
    let copy = to.dump().await.unwrap();
    assert_eq!(copy, dump);
    // The copy works as a node: the running totals and serials carry on.
    assert_eq!(to.next_mrn_serial("KZHOR001", 2025).await.unwrap(), 4);
    let g = to.guarantee(GRN).await.unwrap().unwrap();
    assert_eq!(g.running_total_minor, 10_000 + 30_000);
    // Restoring again is refused.
    assert!(matches!(
        to.restore(&dump).await,
        Err(StoreError::NotEmpty(_))
    ));
    assert!(matches!(
        from.restore(&Snapshot::default()).await,
        Err(StoreError::NotEmpty(_))
    ));
}

store_test!(dump_restore_same_backend, dump_restore_same_backend_body);
async fn dump_restore_same_backend_body(store: Arc<dyn Store>) {
    // Into an empty SQLite store (always available).
    let dir = tempfile::tempdir().unwrap();
    copy_and_compare(store, sqlite(&dir).await).await;
}

store_test!(restore_into_non_empty, restore_into_non_empty_body);
async fn restore_into_non_empty_body(store: Arc<dyn Store>) {
    store.restore(&Snapshot::default()).await.unwrap();
    store.save_party(&party("KZ840000123456")).await.unwrap();
    let snapshot = Snapshot {
        parties: vec![party("GE000000000001")],
        ..Snapshot::default()
    };
    match store.restore(&snapshot).await {
        Err(StoreError::NotEmpty(what)) => assert!(what.contains("1 parties"), "{what}"),
        other => panic!("expected NotEmpty, got {other:?}"),
    }
    assert_eq!(store.party("GE000000000001").await.unwrap(), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn copy_sqlite_to_postgres() {
    let Some(db) = PgDb::create().await else {
        eprintln!("{SKIPPED}");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (from, to) = (sqlite(&dir).await, db.open().await);
    let outcome = tokio::spawn(copy_and_compare(from, to)).await;
    db.drop_db().await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn copy_postgres_to_sqlite() {
    let Some(db) = PgDb::create().await else {
        eprintln!("{SKIPPED}");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (from, to) = (db.open().await, sqlite(&dir).await);
    let outcome = tokio::spawn(copy_and_compare(from, to)).await;
    db.drop_db().await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

store_test!(restricted_goods_replaced, restricted_goods_replaced_body);
async fn restricted_goods_replaced_body(store: Arc<dyn Store>) {
    let mut c = catalog();
    c.restricted = vec![RestrictedGoods {
        hs_prefix: "93".into(),
        restriction: Restriction::Prohibited,
        reason: "arms".into(),
        source: "test".into(),
    }];
    store.save_catalog(&c).await.unwrap();
    let new = vec![
        RestrictedGoods {
            hs_prefix: "2402".into(),
            restriction: Restriction::AlwaysControlled,
            reason: "табак".into(),
            source: "administrator".into(),
        },
        RestrictedGoods {
            hs_prefix: "870323".into(),
            restriction: Restriction::IndividualGuarantee,
            reason: "cars".into(),
            source: "administrator".into(),
        },
    ];
    let at = t("2026-02-01T10:00:00Z");
    store
        .set_restricted_goods(&new, &audit("restricted-goods.set", None, at))
        .await
        .unwrap();
    let mut loaded = store.load_catalog().await.unwrap().restricted;
    loaded.sort_by(|a, b| a.hs_prefix.cmp(&b.hs_prefix));
    assert_eq!(loaded, new, "the old entry is gone, the new ones are kept");
    assert_eq!(
        store.load_catalog().await.unwrap().offices.len(),
        c.offices.len()
    );
    assert_eq!(store.audit_log(None, 10).await.unwrap().len(), 1);
}
