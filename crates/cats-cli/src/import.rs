//! `cats reference import`: load the official lists into the node's reference data.

use std::path::PathBuf;

use clap::Args;

use cats_domain::risk::RiskPolicy;

use crate::node;

/// What to import.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// EU customs office list (CS/RD2 XML export in a zip), e.g. ../shared/reference/col/COL-Generic-20241105.zip.
    #[arg(long)]
    offices: Option<PathBuf>,
    /// HS nomenclature CSV (columns section,hscode,description,parent,level).
    #[arg(long)]
    hs: Option<PathBuf>,
    /// UN/LOCODE CSV of one country; repeat for several.
    #[arg(long)]
    unlocode: Vec<PathBuf>,
    /// Data directory.
    #[arg(long, env = "CATS_DATA_DIR", default_value = "./cats-data")]
    data_dir: PathBuf,
    /// Database URL (postgres://… or sqlite://PATH); default SQLite in the data directory.
    #[arg(long, env = "CATS_DATABASE_URL")]
    database_url: Option<String>,
    /// Configuration file (default DATA_DIR/cats.toml if present).
    #[arg(long, env = "CATS_CONFIG")]
    config: Option<PathBuf>,
}

/// Run the import and print what was added.
pub async fn run(args: ImportArgs) -> anyhow::Result<()> {
    if args.offices.is_none() && args.hs.is_none() && args.unlocode.is_empty() {
        anyhow::bail!("nothing to import: give --offices ZIP, --hs CSV and/or --unlocode CSV");
    }
    let location = crate::config::Location::resolve(
        &args.data_dir,
        args.database_url.as_deref(),
        args.config.as_deref(),
    )?;
    let node = node::open_at(&location, RiskPolicy::default()).await?;
    let mut catalog = (*node.app.catalog()).clone();
    let spinner = indicatif::ProgressBar::new_spinner();
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    if let Some(path) = &args.offices {
        spinner.set_message(format!("reading {}", path.display()));
        let offices = cats_reference::import_customs_office_list(path)?;
        let n = offices.len();
        let counts = cats_reference::merge_offices(&mut catalog, offices);
        spinner.println(format!(
            "customs offices: {n} read, {} added, {} kept (demo offices win)",
            counts.added, counts.kept_existing
        ));
    }
    if let Some(path) = &args.hs {
        spinner.set_message(format!("reading {}", path.display()));
        let entries = cats_reference::import_hs_csv(path)?;
        let n = entries.len();
        let counts = cats_reference::merge_hs(&mut catalog, entries);
        spinner.println(format!(
            "HS entries: {n} read, {} added, {} kept",
            counts.added, counts.kept_existing
        ));
    }
    for path in &args.unlocode {
        spinner.set_message(format!("reading {}", path.display()));
        let locations = cats_reference::import_unlocode_csv(path)?;
        let n = locations.len();
        let counts = cats_reference::merge_locations(&mut catalog, locations);
        spinner.println(format!(
            "UN/LOCODE {}: {n} read, {} added, {} kept",
            path.display(),
            counts.added,
            counts.kept_existing
        ));
    }
    spinner.set_message("saving");
    node.app.store().save_catalog(&catalog).await?;
    let entry = cats_app::history::audit(
        &cats_app::Actor::System("cli".into()),
        "reference.import",
        None,
        chrono::Utc::now(),
        format!(
            "imported: offices {:?}, hs {:?}, unlocode {:?}",
            args.offices, args.hs, args.unlocode
        ),
    );
    node.app.store().audit(&[entry]).await?;
    spinner.finish_and_clear();
    println!("reference data saved in {}", node.data_dir.display());
    Ok(())
}
