//! The store test suite: every test runs against SQLite (a temporary file, always) and against
//! PostgreSQL when `CATS_TEST_DATABASE_URL` names a server (an admin URL such as
//! `postgres://postgres@127.0.0.1:5432/postgres`): each test gets a fresh database
//! `cats_test_<random>` there, dropped afterwards. The harness and the fixtures are here; the
//! tests are grouped by area in the submodules under `store/`.

use std::future::Future;
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Duration, Utc};
use serde_json::Value;
use uuid::Uuid;

use cats_app::auth::{Role, User};
use cats_app::store::{
    AuditEntry, Change, Direction, LedgerOp, MovementRecord, NewMessage, Party, Store, StoreError,
};
use cats_domain::declaration::Cc015c;
use cats_domain::ids::{Money, Mrn, ProcedureLetter};
use cats_domain::ledger::{from_minor, Guarantee, GuaranteeStatus};
use cats_domain::movement::MovementState;
use cats_domain::reference::{
    Catalog, Country, Currency, HsEntry, Location, Office, OfficeRole, RestrictedGoods, Restriction,
};
use cats_store::{DbSettings, SqlStore};

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
        let url = SqlStore::create_database(&admin, &name)
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
            SqlStore::connect_postgres(&self.url, &settings)
                .await
                .expect("connect"),
        )
    }

    async fn drop_db(self) {
        SqlStore::drop_database(&self.admin, &self.name)
            .await
            .expect("drop test database");
    }
}

async fn sqlite(dir: &tempfile::TempDir) -> Arc<dyn Store> {
    Arc::new(
        SqlStore::open_sqlite(&dir.path().join("cats.db"))
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

/// The MRN a test names by `tag`: `tag` itself when it is a well-formed MRN, otherwise a
/// well-formed MRN of KZHOR001 derived from it (the same tag gives the same MRN).
fn mrn_for(tag: &str) -> Mrn {
    if let Ok(m) = Mrn::parse(tag) {
        return m;
    }
    let serial = tag.bytes().fold(2166136261u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(16777619)
    }) % 1_000_000;
    let kz = "KZ".parse().unwrap();
    Mrn::allocate(2025, &kz, &format!("HOR001{serial:06}"), ProcedureLetter::J).unwrap()
}

/// A new movement (version 1) of the fixture declaration with this LRN, MRN (see [`mrn_for`])
/// and state.
fn record(lrn: &str, mrn: Option<&str>, state: MovementState, at: DateTime<Utc>) -> MovementRecord {
    let (declaration, value) = fixture();
    let mut movement = cats_domain::rules::facts(declaration)
        .unwrap()
        .movement(state, mrn.map(mrn_for));
    movement.lrn = lrn.parse().unwrap();
    MovementRecord {
        id: Uuid::new_v4(),
        version: 1,
        movement,
        declaration: std::sync::Arc::new(value.clone()),
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
        ice_out: vec![],
        ice_in: None,
        notifications: vec![],
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
        grn: grn.parse().unwrap(),
        holder: "KZ840000123456".parse().unwrap(),
        insurer: "KZ990000000001".parse().unwrap(),
        reference_amount: Money::from_minor_units(reference_minor, "EUR".parse().unwrap()).unwrap(),
        valid_from: "2025-01-01".parse().unwrap(),
        valid_to: "2025-12-31".parse().unwrap(),
        countries: vec![
            "KZ".parse().unwrap(),
            "AZ".parse().unwrap(),
            "GE".parse().unwrap(),
        ],
        status: GuaranteeStatus::Active,
        access_code_hash: cats_domain::ledger::hash_access_code(grn, "1234", &[0; 16]),
        running_total_minor: 0,
        liability_end: None,
    }
}

fn party(id: &str) -> Party {
    Party {
        identification_number: id.parse().unwrap(),
        name: "Khorgos Gateway Logistics LLP".into(),
        kind: "trader".into(),
        status: "AEO".into(),
        country: "KZ".parse().unwrap(),
        active: true,
    }
}

fn trader(username: &str, party: &str) -> User {
    User {
        username: username.into(),
        role: Role::Trader,
        party: Some(party.parse().unwrap()),
        office_country: None,
        risk_analyst: false,
        offices: Vec::new(),
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
            reference.parse().unwrap(),
            Office {
                reference: reference.parse().unwrap(),
                names: [
                    ("en".to_string(), reference.to_string()),
                    ("ru".into(), name.into()),
                ]
                .into(),
                country: country.parse().unwrap(),
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
        "KZ".parse().unwrap(),
        Country {
            code: "KZ".parse().unwrap(),
            names: [("kk".to_string(), "Қазақстан".to_string())].into(),
            participating: true,
            carec: true,
            source: "test".into(),
        },
    );
    c.currencies.insert(
        "EUR".parse().unwrap(),
        Currency {
            code: "EUR".parse().unwrap(),
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
            office_country: Some("KZ".parse().unwrap()),
            risk_analyst: true,
            offices: Vec::new(),
        })
        .await
        .unwrap();
    let at = t("2025-03-10T09:30:00.654321Z");
    let until = at + chrono::Duration::days(90);
    for (hash, user) in [("f00d", "silkway"), ("beef", "officer.kz")] {
        let token = cats_app::store::StoredToken::new(hash, user, "", at, until);
        store.add_token(&token).await.unwrap();
    }
    store
        .save_guarantee(&guarantee(GRN, 1_000_000))
        .await
        .unwrap();
    store
        .save_guarantee(&guarantee("25KZ0000000000022", 500_000))
        .await
        .unwrap();
    for _ in 0..3 {
        store
            .next_mrn_serial(&"KZHOR001".parse().unwrap(), 2025)
            .await
            .unwrap();
    }
    store
        .next_mrn_serial(&"GEPTI001".parse().unwrap(), 2024)
        .await
        .unwrap();
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
        c.ledger.push(reserve("25KZ0000000000022", 1_000));
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

// ---------------------------------------------------------------------------------------------
// The tests, by area

#[path = "store/reference.rs"]
mod reference;

#[path = "store/movements.rs"]
mod movements;

#[path = "store/ledger.rs"]
mod ledger;

#[path = "store/risk.rs"]
mod risk;

#[path = "store/dump.rs"]
mod dump;

// ICE outbox and inbox (issue 12).
#[path = "store/ice.rs"]
mod ice;

// Notifications (issue 13)
#[path = "store/notify.rs"]
mod notify;

// Unmatched arrivals and the HMRC profile's short ids (issue 14)
#[path = "store/unmatched.rs"]
mod unmatched;

// ---------------------------------------------------------------------------------------------
// Registers (issue 5)

#[path = "store/registry.rs"]
mod registry;

// Control records' attachments (issue 6)

#[path = "store/controls.rs"]
mod controls;

// Rows written before identifiers were typed (issue 10)

#[path = "store/legacy.rs"]
mod legacy;

// Helpers of one area that the others use too (through `use super::*`).
use ledger::{commit_with, reserve, GRN};
use risk::profile_version;

// Reports: the node's runs, saved reports, a period of the audit log (issue 17)

#[path = "store/reports.rs"]
mod reports;
