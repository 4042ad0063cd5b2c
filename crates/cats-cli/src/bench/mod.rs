//! `cats bench`: what this build does on this machine. Each measurement shows a progress bar on
//! standard error and prints a table, or with `--json` one JSON object, on standard output.
//! `docs/performance.md` gives the figures and the commands that reproduce them.
//!
//! * `cats bench` (no subcommand): lodgings then their lifecycles over HTTP, as since issue 3;
//! * `validate DIR`: structural validation of every XML file in DIR, one thread;
//! * `ceiling`: one-row commits per second, the storage limit of any lodging rate;
//! * `lodge`: lodgings over HTTP, as fast as possible or at `--rate`, with the ceiling beside;
//! * `lifecycle`: whole movements, lodging to write-off, over HTTP or `--in-process`;
//! * `fill`: a database of `--movements` movements, then its lists, queues and start-up
//!   (`--keep DIR` keeps it);
//! * `lists --data-dir DIR [--cold]`: the lists and queues again on a kept database, warm or
//!   each run from disk;
//! * `ice`: whole movements across two nodes exchanging over ICE on 127.0.0.1.

mod ceiling;
mod classic;
mod fill;
mod fresh;
mod ice;
mod lifecycle;
mod lists;
mod lodge;
mod report;
mod validate;

use clap::{Args, Subcommand};

pub use report::Latencies;

/// Where a measurement runs and how it is printed (the subcommands that start a node).
#[derive(Debug, Args)]
pub struct Common {
    /// Database URL of an EMPTY PostgreSQL database; default a SQLite file in a temporary directory.
    #[arg(long)]
    pub database_url: Option<String>,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `cats bench`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct BenchArgs {
    #[command(subcommand)]
    command: Option<BenchCommand>,
    #[command(flatten)]
    classic: classic::ClassicArgs,
}

#[derive(Debug, Subcommand)]
enum BenchCommand {
    /// Structural validation of every XML file in a directory (one thread, parsing included).
    Validate(validate::ValidateArgs),
    /// One-row commits per second through the node's own database setup: the storage ceiling.
    Ceiling(ceiling::CeilingArgs),
    /// Lodgings (CC015C XML) over HTTP on a fresh node; throughput, latency, ratio to the ceiling.
    Lodge(lodge::LodgeArgs),
    /// Whole movements (lodging … write-off) with guarantee accounting, over HTTP or in-process.
    Lifecycle(lifecycle::LifecycleArgs),
    /// A database of many movements (default a million), then list and queue latencies and the
    /// node's start-up on it.
    Fill(fill::FillArgs),
    /// The lists and queues of `fill` again, on the database `fill --keep DIR` kept: warm, or
    /// `--cold` (each run from disk).
    Lists(lists::ListsArgs),
    /// Whole movements across two nodes on 127.0.0.1 exchanging over ICE: messages per second,
    /// propagation latency.
    Ice(ice::IceArgs),
}

/// Run `cats bench`.
pub async fn run(args: BenchArgs) -> anyhow::Result<()> {
    match args.command {
        None => classic::run(args.classic).await,
        Some(BenchCommand::Validate(a)) => validate::run(a),
        Some(BenchCommand::Ceiling(a)) => ceiling::run(a).await,
        Some(BenchCommand::Lodge(a)) => lodge::run(a).await,
        Some(BenchCommand::Lifecycle(a)) => lifecycle::run(a).await,
        Some(BenchCommand::Fill(a)) => fill::run(a).await,
        Some(BenchCommand::Lists(a)) => lists::run(a).await,
        Some(BenchCommand::Ice(a)) => ice::run(a).await,
    }
}
