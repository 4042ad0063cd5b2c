//! Configuration: a TOML file overlaid by `CATS_*` environment variables and command-line flags.
//!
//! The file is `--config FILE` (or `CATS_CONFIG`), else `DATA_DIR/cats.toml` when it exists:
//!
//! ```toml
//! [database]
//! url = "postgres://cats@db.example:5432/cats"   # absent: SQLite in the data directory
//! max_connections = 10
//! min_connections = 0
//! acquire_timeout_secs = 10
//! idle_timeout_secs = 600
//! statement_timeout_ms = 30000
//! tls_mode = "verify-full"      # disable | prefer | require | verify-ca | verify-full
//! tls_root_cert = "/etc/cats/db-ca.pem"
//! ```
//!
//! Variables: `CATS_DATABASE_URL`, `CATS_DB_MAX_CONNECTIONS`, `CATS_DB_MIN_CONNECTIONS`,
//! `CATS_DB_ACQUIRE_TIMEOUT_SECS`, `CATS_DB_IDLE_TIMEOUT_SECS`, `CATS_DB_STATEMENT_TIMEOUT_MS`,
//! `CATS_DB_TLS_MODE`, `CATS_DB_TLS_ROOT_CERT`. Flags win over variables, variables over the file.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use serde::Deserialize;

use cats_store::{Database, DbSettings, TlsMode};

/// Name of the configuration file looked for in the data directory.
pub const CONFIG_FILE: &str = "cats.toml";

/// The `[database]` table.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSection {
    /// Database URL; absent means SQLite in the data directory.
    pub url: Option<String>,
    /// Pool and connection settings.
    #[serde(flatten)]
    pub settings: DbSettings,
}

/// The configuration file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Database settings.
    #[serde(default)]
    pub database: DatabaseSection,
    /// ICE: this node in a network of national nodes (`cats_ice::network`); absent: stand-alone,
    /// every office hosted here.
    #[serde(default)]
    pub ice: Option<cats_ice::IceSection>,
}

/// Where a node keeps its data, resolved from flags, variables and the file.
#[derive(Debug, Clone)]
pub struct Location {
    /// Data directory (SQLite file, demo tokens, risk policy, configuration).
    pub data_dir: PathBuf,
    /// The database.
    pub database: Database,
    /// Pool and connection settings.
    pub settings: DbSettings,
    /// The `[ice]` table and the directory its paths are relative to.
    pub ice: Option<(cats_ice::IceSection, PathBuf)>,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn env_num<T: std::str::FromStr>(name: &str, target: &mut T) -> anyhow::Result<()> {
    if let Some(v) = env(name) {
        *target = v
            .trim()
            .parse()
            .map_err(|_| anyhow::anyhow!("{name}={v} is not a number"))?;
    }
    Ok(())
}

impl Location {
    /// Resolve the location: `database_url` from the flag or `CATS_DATABASE_URL` (clap reads the
    /// variable), then the file's `url`, then SQLite in `data_dir`.
    pub fn resolve(
        data_dir: &Path,
        database_url: Option<&str>,
        config: Option<&Path>,
    ) -> anyhow::Result<Self> {
        let file = match config {
            Some(path) => Some(path.to_path_buf()),
            None => Some(data_dir.join(CONFIG_FILE)).filter(|p| p.exists()),
        };
        let parsed = match &file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("reading {}", path.display()))?;
                toml::from_str::<ConfigFile>(&text)
                    .with_context(|| format!("configuration {} is not valid", path.display()))?
            }
            None => ConfigFile::default(),
        };
        let mut settings = parsed.database.settings;
        env_num("CATS_DB_MAX_CONNECTIONS", &mut settings.max_connections)?;
        env_num("CATS_DB_MIN_CONNECTIONS", &mut settings.min_connections)?;
        env_num(
            "CATS_DB_ACQUIRE_TIMEOUT_SECS",
            &mut settings.acquire_timeout_secs,
        )?;
        env_num("CATS_DB_IDLE_TIMEOUT_SECS", &mut settings.idle_timeout_secs)?;
        env_num(
            "CATS_DB_STATEMENT_TIMEOUT_MS",
            &mut settings.statement_timeout_ms,
        )?;
        if let Some(mode) = env("CATS_DB_TLS_MODE") {
            settings.tls_mode = match TlsMode::parse(mode.trim()) {
                Some(m) => m,
                None => bail!("CATS_DB_TLS_MODE={mode}: use disable, prefer, require, verify-ca or verify-full"),
            };
        }
        if let Some(cert) = env("CATS_DB_TLS_ROOT_CERT") {
            settings.tls_root_cert = Some(cert);
        }
        if settings.max_connections == 0 {
            bail!("max_connections must be at least 1");
        }
        let url = database_url.map(str::to_string).or(parsed.database.url);
        let database = Database::from_url(url.as_deref(), data_dir)?;
        let base = file
            .as_deref()
            .and_then(Path::parent)
            .map_or_else(|| data_dir.to_path_buf(), Path::to_path_buf);
        Ok(Self {
            data_dir: data_dir.to_path_buf(),
            database,
            settings,
            ice: parsed.ice.map(|section| (section, base)),
        })
    }

    /// The ICE network of the `[ice]` table, if there is one. Errors: the table is wrong or the
    /// node's key cannot be read.
    pub fn network(&self) -> anyhow::Result<Option<cats_ice::Network>> {
        self.ice
            .as_ref()
            .map(|(section, base)| {
                cats_ice::Network::from_section(section, base).context("[ice] in the configuration")
            })
            .transpose()
    }

    /// SQLite in `data_dir` with default settings.
    pub fn sqlite(data_dir: &Path) -> Self {
        Self {
            data_dir: data_dir.to_path_buf(),
            database: Database::Sqlite(data_dir.join(cats_store::SQLITE_FILE)),
            settings: DbSettings::default(),
            ice: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_then_flag() {
        let dir = tempfile::tempdir().unwrap();
        let loc = Location::resolve(dir.path(), None, None).unwrap();
        assert_eq!(loc.database, Database::Sqlite(dir.path().join("cats.db")));
        std::fs::write(
            dir.path().join(CONFIG_FILE),
            "[database]\nurl = \"postgres://cats@db:5432/cats\"\nmax_connections = 32\ntls_mode = \"require\"\n",
        )
        .unwrap();
        let loc = Location::resolve(dir.path(), None, None).unwrap();
        assert_eq!(
            loc.database,
            Database::Postgres("postgres://cats@db:5432/cats".into())
        );
        assert_eq!(loc.settings.max_connections, 32);
        assert_eq!(loc.settings.tls_mode, TlsMode::Require);
        let loc = Location::resolve(dir.path(), Some("sqlite:///tmp/x.db"), None).unwrap();
        assert_eq!(loc.database, Database::Sqlite("/tmp/x.db".into()));
        std::fs::write(dir.path().join(CONFIG_FILE), "[database]\npool = 3\n").unwrap();
        let err = Location::resolve(dir.path(), None, None).unwrap_err();
        assert!(format!("{err:#}").contains("cats.toml"), "{err:#}");
        assert!(Location::resolve(
            dir.path(),
            Some("mysql://x"),
            Some(Path::new("/nonexistent"))
        )
        .is_err());
    }
}
