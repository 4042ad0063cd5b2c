//! `cats db copy` and `cats db backup`: moving and keeping a node's data.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

use cats_store::{Database, DbSettings, SqlStore};

/// Copy a whole node from one database to another (SQLite ↔ PostgreSQL). The target must be
/// empty (no movements, parties or users); it is created and migrated if needed. Returns what
/// was copied, in words.
pub async fn copy(from: &str, to: &str, settings: &DbSettings) -> anyhow::Result<String> {
    let here = Path::new(".");
    let source = Database::from_url(Some(from), here)?;
    let target = Database::from_url(Some(to), here)?;
    if source == target {
        bail!("--from and --to are the same database");
    }
    if let Database::Sqlite(path) = &source {
        if !path.exists() {
            bail!("{} does not exist", path.display());
        }
    }
    let source_store = cats_store::open(&source, settings)
        .await
        .with_context(|| format!("opening {}", source.describe()))?;
    let target_store = cats_store::open(&target, settings)
        .await
        .with_context(|| format!("opening {}", target.describe()))?;
    let spinner = indicatif::ProgressBar::new_spinner();
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    spinner.set_message(format!("reading {}", source.describe()));
    let snapshot = source_store.dump().await?;
    spinner.set_message(format!("writing {}", target.describe()));
    target_store
        .restore(&snapshot)
        .await
        .with_context(|| format!("writing {}", target.describe()))?;
    spinner.finish_and_clear();
    Ok(format!(
        "copied {} movements, {} messages, {} guarantees ({} reservations), {} parties, {} users, {} audit entries from {} to {}",
        snapshot.movements.len(),
        snapshot.messages.len(),
        snapshot.guarantees.len(),
        snapshot.reservations.len(),
        snapshot.parties.len(),
        snapshot.users.len(),
        snapshot.audit.len(),
        source.describe(),
        target.describe()
    ))
}

/// Make a consistent backup of a (possibly running) SQLite node to `target`, a new file.
/// For PostgreSQL use `pg_dump` (README, operations).
pub async fn backup(database: &Database, target: &Path) -> anyhow::Result<PathBuf> {
    match database {
        Database::Postgres(_) => bail!(
            "cats db backup is for the SQLite store; back up PostgreSQL with pg_dump (see the README's operations section)"
        ),
        Database::Sqlite(path) => {
            if !path.exists() {
                bail!("{} does not exist", path.display());
            }
            let store = SqlStore::open_sqlite(path).await?;
            store.backup_to(target).await?;
            store.close().await;
            Ok(target.to_path_buf())
        }
    }
}
