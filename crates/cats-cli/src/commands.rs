//! The `cats` subcommands other than `serve`: their arguments (clap).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Subcommand;

use cats_cli::import;

use crate::DataDir;

#[derive(Debug, Subcommand)]
pub(crate) enum DbCommand {
    /// Copy a whole node from one database to another (SQLite ↔ PostgreSQL); the target must be empty.
    Copy {
        /// Source: postgres://… or sqlite://PATH.
        #[arg(long)]
        from: String,
        /// Target: postgres://… or sqlite://PATH.
        #[arg(long)]
        to: String,
    },
    /// Consistent backup of a (running) SQLite node to a new file.
    Backup {
        /// The backup file to create.
        #[arg(long)]
        to: PathBuf,
        #[command(flatten)]
        data: DataDir,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum DemoCommand {
    /// Three ICE nodes (KZ, AZ, GE), each with its own database, key and web interface, peers of
    /// each other; runs until Ctrl-C.
    Corridor {
        /// Directory for the three nodes' data (kept between runs).
        #[arg(long, default_value = "./cats-corridor")]
        dir: PathBuf,
        /// Port of the first node; the others take the next two.
        #[arg(long, default_value_t = 8081)]
        base_port: u16,
        /// Replay these recorded movements (JSON Lines, e.g.
        /// data/replay/middle-corridor.jsonl) across the nodes once they are up.
        #[arg(long)]
        replay: Option<PathBuf>,
    },
    /// A node for the manuals' training exercises: the demo data and, per trainee, six
    /// movements in the states the exercises start from (listed in DATA_DIR/training.txt).
    Training {
        /// Data directory of the training node (seeded on first start).
        #[arg(long, default_value = "./cats-training")]
        data_dir: PathBuf,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// How many trainees (1 to 40): each gets its own movements TRAINnn-A … TRAINnn-F.
        #[arg(long, default_value_t = 1)]
        trainees: usize,
    },
}

/// The manuals (`/help` on a running node).
#[derive(Debug, Subcommand)]
pub(crate) enum ManualCommand {
    /// Write the built manuals (English and Russian sites) into DIR, for another web server.
    Export {
        /// Directory to write `en/` and `ru/` into.
        #[arg(long)]
        to: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum IceCommand {
    /// Make this node's Ed25519 key pair and a self-signed certificate (for a test network) in
    /// DIR, and print the configuration lines for it and its peers.
    Keygen {
        /// Directory for node.key, node.pub and node.crt.
        #[arg(long)]
        dir: PathBuf,
        /// This node's id (e.g. KZ).
        #[arg(long)]
        node: String,
    },
    /// Peers, and what the outbox and inbox hold per peer (pending, delivered, retries, lag).
    Status {
        #[command(flatten)]
        data: DataDir,
        /// JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum AuditCommand {
    /// Walk the audit log's hash chain and name the first entry that does not match (edited,
    /// removed or inserted in the database); exits 1 when the chain is broken.
    Verify {
        #[command(flatten)]
        data: DataDir,
        /// JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum TokenCommand {
    /// Print a new API token for USERNAME (shown once; kept hashed).
    Issue {
        /// User name, e.g. silkway or officer.kz.
        username: String,
        /// Days it is valid (1 to 730; default CATS_TOKEN_DAYS, else 90).
        #[arg(long)]
        days: Option<i64>,
        /// What it is for (e.g. "ERP of Silk Way").
        #[arg(long, default_value = "")]
        label: String,
        #[command(flatten)]
        data: DataDir,
    },
    /// List tokens (of USERNAME, or everyone's): id, user, label, issued, expires, last used,
    /// revoked.
    List {
        /// Only this user's.
        username: Option<String>,
        /// JSON instead of a table.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        data: DataDir,
    },
    /// Revoke the token with this id (16 hexadecimal digits, from `cats token list`).
    Revoke {
        /// The token's id.
        id: String,
        #[command(flatten)]
        data: DataDir,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum ReferenceCommand {
    /// Import official lists into the node's reference data.
    Import(import::ImportArgs),
}

/// Accounts from the command line.
#[derive(Debug, Subcommand)]
pub(crate) enum UserCommand {
    /// Create an administrator (the first one of a node started with CATS_DEMO_DATA=0) and print
    /// its password for the web pages and its first API token, each shown once.
    Admin {
        /// User name: 3 to 64 of a-z, 0-9, '.', '-', '_'.
        username: String,
        #[command(flatten)]
        data: DataDir,
    },
}
