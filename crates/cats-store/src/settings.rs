//! Database connection settings, from the configuration file and `CATS_*` variables.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// TLS mode of the PostgreSQL connection (libpq's `sslmode` names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TlsMode {
    /// No TLS.
    Disable,
    /// TLS if the server offers it (default).
    #[default]
    Prefer,
    /// TLS required, certificate not verified.
    Require,
    /// TLS required, certificate verified against the CA.
    VerifyCa,
    /// TLS required, certificate and host name verified.
    VerifyFull,
}

impl TlsMode {
    /// Parse `disable`, `prefer`, `require`, `verify-ca` or `verify-full`.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "disable" => Self::Disable,
            "prefer" => Self::Prefer,
            "require" => Self::Require,
            "verify-ca" => Self::VerifyCa,
            "verify-full" => Self::VerifyFull,
            _ => return None,
        })
    }
}

/// Pool and connection settings. Defaults suit one node on a small server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DbSettings {
    /// Largest number of pooled connections (default 10; SQLite uses at most 8).
    pub max_connections: u32,
    /// Connections kept open when idle (default 0).
    pub min_connections: u32,
    /// Seconds to wait for a free connection before failing a request (default 10).
    pub acquire_timeout_secs: u64,
    /// Seconds after which an idle connection is closed (default 600).
    pub idle_timeout_secs: u64,
    /// Milliseconds a single SQL statement may run on PostgreSQL (default 30000; 0 = no limit).
    pub statement_timeout_ms: u64,
    /// TLS mode of the PostgreSQL connection (default `prefer`; a `sslmode` in the URL wins).
    pub tls_mode: TlsMode,
    /// CA certificate file for `verify-ca` and `verify-full`.
    pub tls_root_cert: Option<String>,
}

impl Default for DbSettings {
    fn default() -> Self {
        Self {
            max_connections: 10,
            min_connections: 0,
            acquire_timeout_secs: 10,
            idle_timeout_secs: 600,
            statement_timeout_ms: 30_000,
            tls_mode: TlsMode::Prefer,
            tls_root_cert: None,
        }
    }
}

impl DbSettings {
    /// Acquire timeout as a duration.
    pub fn acquire_timeout(&self) -> Duration {
        Duration::from_secs(self.acquire_timeout_secs)
    }

    /// Idle timeout as a duration.
    pub fn idle_timeout(&self) -> Duration {
        Duration::from_secs(self.idle_timeout_secs)
    }
}
