//! `cats audit verify`: walk the audit log's hash chain (issue 15) and name the first entry that
//! does not match.

use cats_app::audit::Verification;

use crate::config::Location;

/// Verify the audit log of the node at `location`, with a progress bar on stderr. The report:
/// text, or JSON (`entries`, `head`, `firstBreak` {`kind`, `id`}, `brokenEntry`) with `json`.
/// Returns the report and whether the chain holds.
pub async fn verify(location: &Location, json: bool) -> anyhow::Result<(String, bool)> {
    let store = cats_store::open(&location.database, &location.settings).await?;
    let total = store.audit_count().await?;
    let bar = indicatif::ProgressBar::new(total);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} audit entries")
            .expect("template"),
    );
    let v = cats_app::audit::verify(store.as_ref(), |n| bar.set_position(n)).await?;
    bar.finish_and_clear();
    let holds = v.first_break.is_none();
    let report = if json {
        serde_json::to_string_pretty(&v)? + "\n"
    } else {
        text(&v)
    };
    Ok((report, holds))
}

fn text(v: &Verification) -> String {
    match (&v.first_break, &v.broken_entry) {
        (Some(b), Some(e)) => format!(
            "audit log BROKEN after {} entries: {b}\n  entry {}: {} {} {} {}\n  last good hash: {}\n",
            v.entries.saturating_sub(1),
            b.id(),
            e.at.to_rfc3339(),
            e.actor,
            e.action,
            e.detail,
            v.head
        ),
        _ => format!(
            "audit log intact: {} entries, head hash {}\n",
            v.entries, v.head
        ),
    }
}
