//! Opening a node: the data directory, the SQLite store, and the demo data seeded on first start.

use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::Utc;

use crate::config::Location;
use cats_app::auth::{Role, User};
use cats_app::store::{GuaranteeOp, HistoryEvent, Party, RegistryChange, Store, Versioned};
use cats_app::{tokens, Actor, App};
use cats_domain::ids::{CountryCode, CurrencyCode, Eori, Grn, Money};
use cats_domain::ledger::{Guarantee, GuaranteeStatus};
use cats_domain::registry::{Contact, Contract, Register, Registration, RegistrationStatus};
use cats_domain::risk::RiskPolicy;
use cats_reference::{DemoData, PartyKind, UserRole};

/// File in the data directory where the demo users' tokens are written on first start.
pub const DEMO_TOKENS_FILE: &str = "demo-tokens.txt";

/// File in the data directory where the demo users' passwords for the web pages are written on
/// first start (`USER PASSWORD` per line).
pub const DEMO_PASSWORDS_FILE: &str = "demo-passwords.txt";

/// File in the data directory that, when present, replaces the default risk policy.
pub const RISK_POLICY_FILE: &str = "risk-policy.json";

/// The default risk policy shipped with CATS (`data/risk/default-policy.json`).
pub const DEFAULT_RISK_POLICY: &str = include_str!("../../../data/risk/default-policy.json");

/// The node's risk policy: `DATA_DIR/risk-policy.json` if present, else the shipped default.
/// Errors name the file when it cannot be read or parsed.
pub fn risk_policy(data_dir: &Path) -> anyhow::Result<RiskPolicy> {
    let path = data_dir.join(RISK_POLICY_FILE);
    let (text, origin) = if path.exists() {
        (
            std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?,
            path.display().to_string(),
        )
    } else {
        (
            DEFAULT_RISK_POLICY.to_string(),
            "data/risk/default-policy.json".to_string(),
        )
    };
    serde_json::from_str(&text).with_context(|| format!("risk policy {origin} is not valid"))
}

/// An open node.
pub struct Node {
    /// The application.
    pub app: App,
    /// The data directory.
    pub data_dir: PathBuf,
    /// Whether the demo data was seeded by this open (first start).
    pub seeded: bool,
}

/// Open the node in `data_dir` on its SQLite database (created if missing), migrating it; seed the
/// shipped reference data and the demo data when the database has no offices yet.
pub async fn open(data_dir: &Path, risk: RiskPolicy) -> anyhow::Result<Node> {
    open_at(&Location::sqlite(data_dir), risk).await
}

/// Open the node at `location` (SQLite file or PostgreSQL), migrating the database; seed the
/// shipped reference data and the demo data when the database has no offices yet.
pub async fn open_at(location: &Location, risk: RiskPolicy) -> anyhow::Result<Node> {
    let data_dir = &location.data_dir;
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("creating data directory {}", data_dir.display()))?;
    let store = cats_store::open(&location.database, &location.settings)
        .await
        .with_context(|| format!("opening {}", location.database.describe()))?;
    let empty = store.load_catalog().await?.offices.is_empty();
    let demo = empty && demo_data_wanted()?;
    if empty {
        let catalog = cats_reference::shipped_catalog()?;
        store.save_catalog(&catalog).await?;
        if demo {
            seed_demo(store.as_ref(), &cats_reference::demo_data()?).await?;
        }
    }
    let mut app = App::new(store, risk).await?;
    if let Ok(days) = std::env::var("CATS_TOKEN_DAYS") {
        let days: i64 = days
            .trim()
            .parse()
            .ok()
            .filter(|d| (1..=cats_app::tokens::MAX_DAYS).contains(d))
            .with_context(|| format!("CATS_TOKEN_DAYS={days}: give 1 to 730 days"))?;
        app = app.with_token_days(days);
    }
    // The policy file's profiles go into the database once, on a node that has none (issue 6);
    // from then on risk analysts maintain them through the API.
    cats_app::risk_profiles::seed(&app, &app.risk_policy().clone(), chrono::Utc::now()).await?;
    Ok(Node {
        app,
        data_dir: data_dir.to_path_buf(),
        seeded: demo,
    })
}

/// Whether a new database gets the demo data: `CATS_DEMO_DATA` absent or `1` (the default, so
/// that `cats serve` on a fresh machine shows a working node), `0` for production (the shipped
/// reference data only; the first administrator comes from `cats user admin`). Errors: any other
/// value.
pub fn demo_data_wanted() -> anyhow::Result<bool> {
    match std::env::var("CATS_DEMO_DATA")
        .ok()
        .as_deref()
        .map(str::trim)
    {
        None | Some("") | Some("1") | Some("true") => Ok(true),
        Some("0") | Some("false") => Ok(false),
        Some(other) => anyhow::bail!("CATS_DEMO_DATA={other}: give 1 (demo data) or 0 (none)"),
    }
}

/// Create an administrator `username` (the first one of a node without the demo data) with a new
/// password for the web pages; returns the password and the user's first API token, each shown
/// once. Errors: the name is taken or not a valid user name (3 to 64 of `a-z 0-9 . - _`).
pub async fn add_admin(app: &App, username: &str) -> anyhow::Result<(String, String)> {
    // Whoever runs the program on the node's data acts as its administrator: the audit log
    // records the account as created by `cli`.
    let actor = Actor::User(User {
        username: "cli".into(),
        role: Role::Admin,
        party: None,
        office_country: None,
        risk_analyst: false,
        offices: Vec::new(),
    });
    let new = cats_app::registers::users::NewUser {
        username: username.to_string(),
        role: Role::Admin,
        party: None,
        office_country: None,
        risk_analyst: false,
        offices: Vec::new(),
    };
    let (_, token) = cats_app::registers::users::create(app, &actor, new, Utc::now()).await?;
    let password = cats_app::accounts::new_password();
    cats_app::accounts::set_password(app, &actor, username, &password, Utc::now()).await?;
    Ok((password, token))
}

/// First and last day of the demo parties' approved registrations (the demo guarantees' policy
/// period), so that the replay data of 2025 and today's lodgings are both covered.
pub const DEMO_VALIDITY: (&str, &str) = ("2025-01-01", "2027-12-31");

fn seed_event(subject: &str, id: uuid::Uuid, status: &str, detail: String) -> HistoryEvent {
    HistoryEvent {
        subject: subject.into(),
        subject_id: id,
        at: Utc::now(),
        actor: "demo-seed".into(),
        action: "seed".into(),
        status: status.into(),
        detail,
    }
}

/// Store the demo parties with an approved registration each (their status: AEO, authorised
/// trader, authorised insurer), the users, and the demo guarantees as active insurance contracts.
pub async fn seed_demo(store: &dyn Store, demo: &DemoData) -> anyhow::Result<()> {
    let now = Utc::now();
    let (from, to) = (DEMO_VALIDITY.0.parse()?, DEMO_VALIDITY.1.parse()?);
    for p in &demo.parties {
        let id = Eori::parse(&p.identification_number)
            .with_context(|| format!("demo party {}: identification number", p.id))?;
        let country = CountryCode::parse(&p.country)
            .with_context(|| format!("demo party {}: country", p.id))?;
        let party = Party {
            identification_number: id.clone(),
            name: p.name.clone(),
            kind: match p.kind {
                PartyKind::Trader => "trader",
                PartyKind::Insurer => "insurer",
            }
            .into(),
            status: p.status.clone(),
            country,
            active: true,
        };
        let register = Register::from_label(&p.status)
            .with_context(|| format!("demo party {}: status {}", p.id, p.status))?;
        let registration = Registration {
            id: uuid::Uuid::new_v4(),
            version: 1,
            party: id,
            register,
            name: p.name.clone(),
            address: format!("{} (demo address)", p.country),
            country,
            contact: Contact {
                name: format!("{} compliance desk", p.name),
                email: format!("compliance@{}.example", p.id),
                phone: String::new(),
            },
            status: RegistrationStatus::Approved,
            valid_from: Some(from),
            valid_to: Some(to),
            reason: None,
            decided_by: Some("demo-seed".into()),
            submitted_at: now,
            updated_at: now,
        };
        let detail = format!(
            "demo data: {} approved, valid {from} to {to}",
            register.label()
        );
        store
            .commit_registry(RegistryChange {
                party: Some(party),
                events: vec![seed_event(
                    "registration",
                    registration.id,
                    "approved",
                    detail,
                )],
                registration: Some(Versioned {
                    record: registration,
                    expected: None,
                }),
                ..RegistryChange::default()
            })
            .await?;
    }
    let party_id = |key: &Option<String>| -> Option<Eori> {
        key.as_ref()
            .and_then(|k| demo.party(k))
            .and_then(|p| Eori::parse(&p.identification_number).ok())
    };
    for u in &demo.users {
        store
            .save_user(&User {
                username: u.username.clone(),
                role: match u.role {
                    UserRole::Trader => Role::Trader,
                    UserRole::Insurer => Role::Insurer,
                    UserRole::Officer => Role::Officer,
                    UserRole::Admin => Role::Admin,
                },
                party: party_id(&u.party),
                office_country: u
                    .offices_country
                    .as_deref()
                    .map(CountryCode::parse)
                    .transpose()
                    .with_context(|| format!("demo user {}: country", u.username))?,
                risk_analyst: u.risk_analyst,
                offices: Vec::new(),
            })
            .await?;
        // Demo users' notifications go to USER@demo.cats.local (issue 13).
        store
            .set_contact(
                &u.username,
                &cats_app::notify::store::Contact {
                    email: Some(format!("{}@demo.cats.local", u.username)),
                    phone: None,
                },
            )
            .await?;
    }
    for g in &demo.guarantees {
        let holder = demo.party(&g.holder).context("demo guarantee holder")?;
        let insurer = demo.party(&g.insurer).context("demo guarantee insurer")?;
        let bad = |what: &str| format!("demo guarantee {}: {what}", g.grn);
        let currency = CurrencyCode::parse(&g.currency).with_context(|| bad("currency"))?;
        let contract = Contract {
            id: uuid::Uuid::new_v4(),
            version: 1,
            grn: Some(Grn::parse(&g.grn).with_context(|| bad("GRN"))?),
            policy_number: format!("DEMO-{}", g.grn),
            insurer: Eori::parse(&insurer.identification_number).with_context(|| bad("insurer"))?,
            holder: Eori::parse(&holder.identification_number).with_context(|| bad("holder"))?,
            reference_amount: Money::new(g.reference_amount, currency)
                .with_context(|| bad("reference amount"))?,
            valid_from: g.valid_from,
            valid_to: g.valid_to,
            countries: g
                .countries
                .iter()
                .map(|c| CountryCode::parse(c))
                .collect::<Result<_, _>>()
                .with_context(|| bad("countries"))?,
            indemnity: "the insurer pays a customs demand within 30 days (demo contract)".into(),
            status: GuaranteeStatus::Active,
            reason: None,
            office: None,
            decided_by: Some("demo-seed".into()),
            submitted_at: now,
            updated_at: now,
        };
        let guarantee = Guarantee {
            access_code_hash: cats_app::secrets::new_access_code_hash(&g.grn, &g.access_code),
            ..contract.guarantee("").context("demo contract GRN")?
        };
        let detail = format!("demo data: contract in force, GRN {}", g.grn);
        store
            .commit_registry(RegistryChange {
                events: vec![seed_event("contract", contract.id, "active", detail)],
                contract: Some(Versioned {
                    record: contract,
                    expected: None,
                }),
                guarantee: Some(GuaranteeOp::Create(guarantee)),
                ..RegistryChange::default()
            })
            .await?;
    }
    Ok(())
}

/// Issue a token for every demo user and write them, one `username token` per line, to
/// `DATA_DIR/demo-tokens.txt`. For the demo only: real users get tokens with `cats token issue`.
pub async fn write_demo_tokens(node: &Node) -> anyhow::Result<PathBuf> {
    let demo = cats_reference::demo_data()?;
    let actor = Actor::System("demo-seed".into());
    let mut lines = String::new();
    for u in &demo.users {
        let token = tokens::issue(&node.app, &actor, &u.username, Utc::now()).await?;
        lines.push_str(&format!("{} {}\n", u.username, token));
    }
    let path = node.data_dir.join(DEMO_TOKENS_FILE);
    std::fs::write(&path, lines).with_context(|| format!("writing {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(path)
}

/// Give every demo user a new random password for the web pages, and return them
/// (`(username, password)`, in the demo data's order). For the demo and the tests only.
pub async fn set_demo_passwords(app: &cats_app::App) -> anyhow::Result<Vec<(String, String)>> {
    let demo = cats_reference::demo_data()?;
    let actor = Actor::System("demo-seed".into());
    let mut out = Vec::new();
    for u in &demo.users {
        let password = cats_app::accounts::new_password();
        cats_app::accounts::set_password(app, &actor, &u.username, &password, Utc::now()).await?;
        out.push((u.username.clone(), password));
    }
    Ok(out)
}

/// Whether the demo users still need passwords: the demo data is there (its first user exists)
/// and none of them has a sign-in account yet (a node seeded before the web pages existed).
pub async fn demo_passwords_missing(node: &Node) -> anyhow::Result<bool> {
    let demo = cats_reference::demo_data()?;
    let Some(first) = demo.users.first() else {
        return Ok(false);
    };
    let store = node.app.store();
    Ok(store.user(&first.username).await?.is_some()
        && store.account(&first.username).await?.is_none())
}

/// Set the demo users' passwords ([`set_demo_passwords`]) and write them, one
/// `username password` per line, to `DATA_DIR/demo-passwords.txt` (mode 600).
pub async fn write_demo_passwords(node: &Node) -> anyhow::Result<PathBuf> {
    let mut lines = String::new();
    for (user, password) in set_demo_passwords(&node.app).await? {
        lines.push_str(&format!("{user} {password}\n"));
    }
    let path = node.data_dir.join(DEMO_PASSWORDS_FILE);
    std::fs::write(&path, lines).with_context(|| format!("writing {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(path)
}

/// Record this run's start and keep its heartbeat while the process lives (issue 17: the KPI
/// dashboard's downtime comes from these records; a crash shows as a run without a clean stop).
pub async fn record_run(app: &App) -> anyhow::Result<cats_app::reports::runs::NodeRun> {
    use cats_app::reports::runs::{NodeRun, HEARTBEAT_SECONDS};
    let run = NodeRun::start(app)
        .await
        .context("recording the node's start")?;
    let beat = app.clone();
    tokio::spawn(async move {
        let mut tick =
            tokio::time::interval(std::time::Duration::from_secs(HEARTBEAT_SECONDS as u64));
        tick.tick().await;
        loop {
            tick.tick().await;
            if let Err(e) = run.heartbeat(&beat).await {
                tracing::warn!(error = %e, "could not record the node's heartbeat");
            }
        }
    });
    Ok(run)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_risk_policy_parses() {
        let dir = tempfile::tempdir().unwrap();
        let policy = risk_policy(dir.path()).unwrap();
        assert_eq!(policy.seed, 2025);
        assert_eq!(policy.aeo.share_for(true), Some("0.50".parse().unwrap()));
        assert_eq!(policy.aeo.factor_for(true), Some(0.5));
        assert!(policy
            .profiles
            .iter()
            .any(|p| p.hs_prefix.as_deref() == Some("8517")));
        std::fs::write(
            dir.path().join(RISK_POLICY_FILE),
            r#"{"seed": 7, "default_rate": 0.5}"#,
        )
        .unwrap();
        let own = risk_policy(dir.path()).unwrap();
        assert_eq!(
            (own.seed, own.default_rate, own.profiles.len()),
            (7, 0.5, 0)
        );
        std::fs::write(dir.path().join(RISK_POLICY_FILE), "{").unwrap();
        let err = risk_policy(dir.path()).unwrap_err();
        assert!(format!("{err:#}").contains("risk-policy.json"), "{err:#}");
    }
}
