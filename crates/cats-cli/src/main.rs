//! `cats`: the CATS/ICE node and its tools.
//!
//! * `cats serve [--data-dir ./cats-data] [--listen 127.0.0.1:8080]`: run the node (demo data
//!   seeded on first start).
//! * `cats migrate`: create or migrate the database.
//! * `cats token issue USERNAME [--days N]`, `cats token list`, `cats token revoke ID`: API tokens.
//! * `cats reference import --offices ZIP --hs CSV --unlocode CSV…`: load official lists.
//! * `cats replay FILE [--json]`: drive recorded movements through a node and report.
//! * `cats audit verify [--json]`: check the audit log's hash chain.

use cats_cli::config::Location;
use cats_cli::{bench, db, import, node, replay};

mod commands;
use commands::{
    AuditCommand, DbCommand, DemoCommand, IceCommand, ManualCommand, ReferenceCommand,
    TokenCommand, UserCommand,
};

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use chrono::Utc;
use clap::{Args, Parser, Subcommand};

use cats_app::{act, tokens, Actor};
use cats_domain::risk::RiskPolicy;

/// mimalloc instead of glibc's malloc: under load a quarter of the node's cycles went to `malloc`
/// and `free`, and the SQLite writer's thread waited on glibc's arena locks freeing what request
/// threads had allocated (`perf`, docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc options, numbered as in the `mi_option_e` enum of the mimalloc v3 `mimalloc.h` that
/// libmimalloc-sys 0.1 builds: `mi_option_arena_eager_commit` and `mi_option_purge_delay`.
const MI_OPTION_ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// [`lean_allocator`] run by the loader before anything else of the program (an ELF
/// `.init_array` entry), so that the first arena mimalloc makes is already made that way.
#[used]
#[link_section = ".init_array"]
static LEAN_ALLOCATOR_AT_LOAD: extern "C" fn() = {
    extern "C" fn at_load() {
        lean_allocator();
    }
    at_load
};

/// Keep resident memory near what is in use: commit arena memory as it is needed and give freed
/// pages back at once (mimalloc's defaults, eager arena commit and a one-second purge delay,
/// peaked about 50 MB higher under `cats bench lodge`, 183 MB against 135, for no measurable
/// speed).
fn lean_allocator() {
    // SAFETY: mi_option_set only stores an option's value; both options are read on later
    // allocations and frees, and any value is valid for them.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0);
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0);
    }
}

/// CATS/ICE: CAREC Advanced Transit System node.
#[derive(Debug, Parser)]
#[command(name = "cats", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Args, Clone)]
struct DataDir {
    /// Data directory (SQLite database by default, demo tokens, risk policy, cats.toml).
    #[arg(long, env = "CATS_DATA_DIR", default_value = "./cats-data")]
    data_dir: PathBuf,
    /// Database URL: postgres://… for PostgreSQL, sqlite://PATH; default SQLite in the data directory.
    #[arg(long, env = "CATS_DATABASE_URL")]
    database_url: Option<String>,
    /// Configuration file (default DATA_DIR/cats.toml if present).
    #[arg(long, env = "CATS_CONFIG")]
    config: Option<PathBuf>,
}

impl DataDir {
    fn location(&self) -> anyhow::Result<Location> {
        Location::resolve(
            &self.data_dir,
            self.database_url.as_deref(),
            self.config.as_deref(),
        )
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the node: HTTP API on --listen; demo data seeded on first start.
    Serve {
        #[command(flatten)]
        data: DataDir,
        /// Address to listen on.
        #[arg(long, env = "CATS_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Seconds between checks of the time limit for arrival (and of contracts past their
        /// policy period, which expire).
        #[arg(long, default_value_t = 60)]
        time_limit_check_secs: u64,
        /// Serve HTTPS with this certificate chain (PEM); needs --tls-key.
        #[arg(long, env = "CATS_TLS_CERT", requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// The private key (PEM) of --tls-cert.
        #[arg(long, env = "CATS_TLS_KEY", requires = "tls_cert")]
        tls_key: Option<PathBuf>,
    },
    /// Create or migrate the database, then exit.
    Migrate {
        #[command(flatten)]
        data: DataDir,
    },
    /// API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Reference data.
    Reference {
        #[command(subcommand)]
        command: ReferenceCommand,
    },
    /// Replay recorded movements (JSON Lines) through a node and report final states and KPIs.
    Replay(replay::ReplayArgs),
    /// Load generator over HTTP: throughput of lodging and of the full lifecycle on a fresh node.
    Bench(bench::BenchArgs),
    /// The ICE conformance kit: plays a peer node against a node and prints a pass/fail table.
    Conformance(cats_cli::conformance::ConformanceArgs),
    /// Demonstrations on 127.0.0.1.
    Demo {
        #[command(subcommand)]
        command: DemoCommand,
    },
    /// ICE between national nodes: keys and delivery status.
    Ice {
        #[command(subcommand)]
        command: IceCommand,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// The manuals built into this binary.
    Manual {
        #[command(subcommand)]
        command: ManualCommand,
    },
    /// Moving and keeping data.
    Db {
        #[command(subcommand)]
        command: DbCommand,
    },
}

fn main() -> anyhow::Result<()> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?
        .block_on(run())
}

async fn run() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CATS_LOG")
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match cli.command {
        Command::Serve {
            data,
            listen,
            time_limit_check_secs,
            tls_cert,
            tls_key,
        } => {
            let tls = match (tls_cert, tls_key) {
                (Some(cert), Some(key)) => {
                    Some(cats_web::server::tls_config(&cert, &key).map_err(anyhow::Error::msg)?)
                }
                _ => None,
            };
            serve(data, listen, time_limit_check_secs, tls).await
        }
        Command::Migrate { data } => {
            let location = data.location()?;
            node::open_at(&location, RiskPolicy::default()).await?;
            println!("database ready: {}", location.database.describe());
            Ok(())
        }
        Command::Token {
            command:
                TokenCommand::Issue {
                    username,
                    days,
                    label,
                    data,
                },
        } => {
            let node = node::open_at(&data.location()?, RiskPolicy::default()).await?;
            let (token, record) = tokens::issue_for(
                &node.app,
                &Actor::System("cli".into()),
                &username,
                &label,
                days,
                Utc::now(),
            )
            .await?;
            println!("{token}");
            eprintln!(
                "token {} for {username}, valid until {}",
                record.id(),
                record.expiry().to_rfc3339()
            );
            Ok(())
        }
        Command::Token {
            command:
                TokenCommand::List {
                    username,
                    json,
                    data,
                },
        } => {
            let node = node::open_at(&data.location()?, RiskPolicy::default()).await?;
            let list = node.app.store().tokens(username.as_deref()).await?;
            print!("{}", cats_cli::tokens::table(&list, json, Utc::now())?);
            Ok(())
        }
        Command::Token {
            command: TokenCommand::Revoke { id, data },
        } => {
            let node = node::open_at(&data.location()?, RiskPolicy::default()).await?;
            let t =
                tokens::revoke(&node.app, &Actor::System("cli".into()), &id, Utc::now()).await?;
            println!("token {} of {} revoked", t.id(), t.username);
            Ok(())
        }
        Command::Reference {
            command: ReferenceCommand::Import(args),
        } => import::run(args).await,
        Command::Replay(args) => replay::run(args).await,
        Command::Bench(args) => bench::run(args).await,
        Command::Conformance(args) => cats_cli::conformance::main(args).await,
        Command::Demo {
            command:
                DemoCommand::Corridor {
                    dir,
                    base_port,
                    replay,
                },
        } => {
            let nodes = cats_cli::demo::prepare(&dir, [base_port, base_port + 1, base_port + 2])?;
            let exe = std::env::current_exe().context("finding the cats executable")?;
            let mut children = cats_cli::demo::start(&exe, &nodes).await?;
            if let Some(file) = replay {
                let text = std::fs::read_to_string(&file)
                    .with_context(|| format!("reading {}", file.display()))?;
                eprintln!("replaying {} across the nodes …", file.display());
                let (outcomes, kpi, ice) = cats_cli::demo::replay(&nodes, &text).await?;
                println!(
                    "replayed {} movements, {} as expected; {}",
                    outcomes.len(),
                    kpi.as_expected,
                    ice.map_or(String::new(), |f| format!(
                        "{} ICE messages sent, {} delivered, largest lag {} ms",
                        f.sent, f.delivered, f.max_lag_ms
                    ))
                );
            }
            print!("{}", cats_cli::demo::describe(&nodes));
            tokio::signal::ctrl_c().await?;
            for c in &mut children {
                let _ = c.kill();
                let _ = c.wait();
            }
            Ok(())
        }
        Command::Demo {
            command:
                DemoCommand::Training {
                    data_dir,
                    listen,
                    trainees,
                },
        } => {
            let data = DataDir {
                data_dir,
                database_url: None,
                config: None,
            };
            cats_cli::training::prepare(&data.location()?, trainees).await?;
            serve(data, listen, 60, None).await
        }
        Command::User {
            command: UserCommand::Admin { username, data },
        } => {
            let node = node::open_at(&data.location()?, RiskPolicy::default()).await?;
            let (password, token) = node::add_admin(&node.app, &username).await?;
            println!("administrator {username} created (shown once)\npassword for the web pages: {password}\nAPI token: {token}");
            Ok(())
        }
        Command::Manual {
            command: ManualCommand::Export { to },
        } => {
            let count = cats_cli::manual::export(&to)?;
            println!("{count} files of the manuals written to {}", to.display());
            Ok(())
        }
        Command::Ice {
            command: IceCommand::Keygen { dir, node },
        } => {
            print!("{}", cats_cli::ice::keygen(&dir, &node)?);
            Ok(())
        }
        Command::Ice {
            command: IceCommand::Status { data, json },
        } => {
            print!("{}", cats_cli::ice::status(&data.location()?, json).await?);
            Ok(())
        }
        Command::Audit {
            command: AuditCommand::Verify { data, json },
        } => {
            let (report, holds) = cats_cli::audit::verify(&data.location()?, json).await?;
            print!("{report}");
            if !holds {
                std::process::exit(1);
            }
            Ok(())
        }
        Command::Db {
            command: DbCommand::Copy { from, to },
        } => {
            let settings = Location::resolve(std::path::Path::new("."), None, None)?.settings;
            println!("{}", db::copy(&from, &to, &settings).await?);
            Ok(())
        }
        Command::Db {
            command: DbCommand::Backup { to, data },
        } => {
            let path = db::backup(&data.location()?.database, &to).await?;
            println!("backup written to {}", path.display());
            Ok(())
        }
    }
}

async fn serve(
    data: DataDir,
    listen: SocketAddr,
    check_secs: u64,
    tls: Option<cats_web::server::TlsConfig>,
) -> anyhow::Result<()> {
    let limits = cats_web::server::Limits::from_env().map_err(anyhow::Error::msg)?;
    let location = data.location()?;
    let risk = node::risk_policy(&data.data_dir)?;
    tracing::info!(
        draw = "keyed by the node's secret key",
        default_rate = risk.default_rate,
        profiles = risk.profiles.len(),
        "risk policy"
    );
    let node = node::open_at(&location, risk).await?;
    eprintln!("database: {}", location.database.describe());
    if node.seeded {
        let path = node::write_demo_tokens(&node).await?;
        eprintln!(
            "first start: demo data seeded; demo users' API tokens written to {}",
            path.display()
        );
    }
    if node.seeded || node::demo_passwords_missing(&node).await? {
        let path = node::write_demo_passwords(&node).await?;
        eprintln!(
            "demo users' passwords for the web pages written to {}",
            path.display()
        );
    }
    let demo = node.data_dir.join(node::DEMO_PASSWORDS_FILE).exists();
    let (run, run_app) = (node::record_run(&node.app).await?, node.app.clone());
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("listening on {listen}"))?;
    eprintln!(
        "CATS node listening on {}://{} (data in {})",
        if tls.is_some() { "https" } else { "http" },
        listener.local_addr()?,
        node.data_dir.display()
    );
    let app = node.app.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(check_secs.max(1)));
        loop {
            tick.tick().await;
            match act::check_time_limits(&app, Utc::now()).await {
                Ok(moved) if !moved.is_empty() => tracing::info!(
                    count = moved.len(),
                    "movements past their time limit moved to UnderEnquiry"
                ),
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "time-limit check failed"),
            }
            match cats_app::registers::contracts::expire(&app, Utc::now()).await {
                Ok(expired) if !expired.is_empty() => tracing::info!(
                    count = expired.len(),
                    "contracts past their policy period expired"
                ),
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "contract expiry failed"),
            }
        }
    });
    let settings = cats_web::PageSettings {
        demo,
        secure_cookies: std::env::var("CATS_SECURE_COOKIES").is_ok_and(|v| v == "1" || v == "true"),
    };
    let app = node.app.with_sign_in_policy(sign_in_policy()?);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let (app, ice) = match location.network()? {
        Some(network) => {
            eprintln!(
                "ICE node {} hosting {}; {} peer(s)",
                network.topology.node,
                network
                    .topology
                    .hosted
                    .iter()
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                network.peers.len()
            );
            cats_cli::ice::start(app, network, stopped.clone()).await?
        }
        None => (app, None),
    };
    let notify = cats_web::notify::Settings::from_env().map_err(anyhow::Error::msg)?;
    eprintln!(
        "notifications: webhooks; e-mail {}; SMS {}",
        notify
            .smtp_url
            .as_deref()
            .map_or("waiting (no CATS_SMTP_URL)".to_string(), |u| format!(
                "via {}",
                redact(u)
            )),
        notify
            .sms_url
            .as_deref()
            .map_or("waiting (no CATS_SMS_URL)".to_string(), |u| format!(
                "via {}",
                redact(u)
            )),
    );
    let senders = cats_web::notify::Senders::new(notify).map_err(anyhow::Error::msg)?;
    tokio::spawn(cats_web::notify::run(app.clone(), senders, stopped.clone()));
    let mut router = cats_web::router_with(app.clone(), settings);
    if let Some(ice) = ice {
        router = router.merge(ice);
    }
    let router = cats_web::server::harden(router, app, &limits, tls.is_some());
    let shutdown = async move {
        cats_web::server::shutdown_signal().await;
        eprintln!("stopping: no new connections; finishing the requests in flight");
        let _ = stop.send(true);
    };
    cats_web::server::serve(listener, router, tls, &limits, shutdown).await?;
    run.stop(&run_app)
        .await
        .context("recording the clean stop")?;
    eprintln!("stopped");
    Ok(())
}

/// A URL without its user and password, for the log.
fn redact(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => match rest.split_once('@') {
            Some((_, host)) => format!("{scheme}://…@{host}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

/// The sign-in policy: `CATS_SIGN_IN_MAX_FAILURES` failures in a row (default 5) lock an account
/// for `CATS_SIGN_IN_LOCK_MINUTES` (default 15); sessions last `CATS_SESSION_HOURS` (default 12).
fn sign_in_policy() -> anyhow::Result<cats_app::accounts::SignInPolicy> {
    let mut policy = cats_app::accounts::SignInPolicy::default();
    let read = |name: &str| -> anyhow::Result<Option<u32>> {
        match std::env::var(name) {
            Ok(v) => v
                .parse::<u32>()
                .ok()
                .filter(|n| *n > 0)
                .map(Some)
                .with_context(|| format!("{name}={v}: give a whole number above 0")),
            Err(_) => Ok(None),
        }
    };
    if let Some(n) = read("CATS_SIGN_IN_MAX_FAILURES")? {
        policy.max_failures = n;
    }
    if let Some(n) = read("CATS_SIGN_IN_LOCK_MINUTES")? {
        policy.lock = chrono::Duration::minutes(i64::from(n));
    }
    if let Some(n) = read("CATS_SESSION_HOURS")? {
        policy.session = chrono::Duration::hours(i64::from(n));
    }
    Ok(policy)
}
