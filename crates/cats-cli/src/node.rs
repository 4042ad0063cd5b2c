//! Opening a node: the data directory, the SQLite store, and the demo data seeded on first start.

use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::Utc;

use crate::config::Location;
use cats_app::auth::{Role, User};
use cats_app::store::{Party, Store};
use cats_app::{tokens, Actor, App};
use cats_domain::ledger::{hash_access_code, Guarantee, GuaranteeStatus};
use cats_domain::risk::RiskPolicy;
use cats_reference::{DemoData, PartyKind, UserRole};

/// File in the data directory where the demo users' tokens are written on first start.
pub const DEMO_TOKENS_FILE: &str = "demo-tokens.txt";

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
    if empty {
        let catalog = cats_reference::shipped_catalog()?;
        store.save_catalog(&catalog).await?;
        seed_demo(store.as_ref(), &cats_reference::demo_data()?).await?;
    }
    let app = App::new(store, risk).await?;
    Ok(Node {
        app,
        data_dir: data_dir.to_path_buf(),
        seeded: empty,
    })
}

/// Store the demo parties, users and guarantees.
pub async fn seed_demo(store: &dyn Store, demo: &DemoData) -> anyhow::Result<()> {
    for p in &demo.parties {
        store
            .save_party(&Party {
                identification_number: p.identification_number.clone(),
                name: p.name.clone(),
                kind: match p.kind {
                    PartyKind::Trader => "trader",
                    PartyKind::Insurer => "insurer",
                }
                .into(),
                status: p.status.clone(),
                country: p.country.clone(),
                active: true,
            })
            .await?;
    }
    let party_id = |key: &Option<String>| -> Option<String> {
        key.as_ref()
            .and_then(|k| demo.party(k))
            .map(|p| p.identification_number.clone())
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
                office_country: u.offices_country.clone(),
            })
            .await?;
    }
    for g in &demo.guarantees {
        let holder = demo.party(&g.holder).context("demo guarantee holder")?;
        let insurer = demo.party(&g.insurer).context("demo guarantee insurer")?;
        store
            .save_guarantee(&Guarantee {
                grn: g.grn.clone(),
                holder: holder.identification_number.clone(),
                insurer: insurer.identification_number.clone(),
                reference_amount: g.reference_amount,
                currency: g.currency.clone(),
                valid_from: g.valid_from,
                valid_to: g.valid_to,
                countries: g.countries.clone(),
                status: GuaranteeStatus::Active,
                access_code_hash: hash_access_code(&g.grn, &g.access_code),
                running_total_minor: 0,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_risk_policy_parses() {
        let dir = tempfile::tempdir().unwrap();
        let policy = risk_policy(dir.path()).unwrap();
        assert_eq!(policy.seed, 2025);
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
