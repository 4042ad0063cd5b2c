//! `cats manual export --to DIR`: the manuals built into the binary (`cats-help`), written out
//! as static sites (`DIR/en/`, `DIR/ru/`) for a web server other than the node.

use std::path::Path;

use anyhow::Context;

/// Write every file of both manuals under `dir` (`en/index.html` …); the number of files.
/// Errors: a directory or file cannot be written.
pub fn export(dir: &Path) -> anyhow::Result<usize> {
    for (name, bytes) in cats_help::FILES {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(cats_help::FILES.len())
}
