//! `cats bench validate DIR`: structural validation of every XML file in DIR on one thread,
//! parsing included, `--rounds` times over, with [`cats_ncts::validate_xml`] (the node's own
//! check: the streaming proof, and the full reading with every error for the rest). The same
//! files then go through `xmllint --schema` and the JDK's validator
//! (`tools/bench/peers.sh DIR`) for the comparison in `docs/performance.md`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context};
use clap::Args;
use serde::Serialize;

use cats_ncts::{Limits, MessageType};

use super::report::{self, thousands};

/// Arguments of `cats bench validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Directory of NCTS P5 XML messages (`*.xml`); each file's type is its root element's name.
    dir: PathBuf,
    /// Times to validate every file (the verdicts come from the first round).
    #[arg(long, default_value_t = 50)]
    rounds: usize,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

/// The result of `cats bench validate`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Validated {
    files: usize,
    bytes: usize,
    rounds: usize,
    valid: usize,
    invalid: usize,
    /// Files the streaming check alone proved valid (the others took the full reading).
    proven_by_streaming: usize,
    messages: usize,
    seconds: f64,
    messages_per_second: f64,
    megabytes_per_second: f64,
    /// Each invalid file with its first error, so that verdicts can be compared with peers'.
    invalid_files: Vec<InvalidFile>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct InvalidFile {
    file: String,
    errors: usize,
    first: String,
}

/// The message type named by the root element of `bytes` (`<ncts:CC015C …>` → CC015C).
fn root_type(bytes: &[u8]) -> Option<MessageType> {
    let text = std::str::from_utf8(bytes).ok()?;
    let mut rest = text;
    loop {
        let at = rest.find('<')?;
        rest = &rest[at + 1..];
        if rest.starts_with('?') || rest.starts_with('!') {
            continue;
        }
        let name: String = rest
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
            .collect();
        let local = name.rsplit(':').next()?;
        return MessageType::from_code(local);
    }
}

fn xml_files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "xml"))
        .collect();
    files.sort();
    Ok(files)
}

/// Run `cats bench validate`.
pub fn run(args: ValidateArgs) -> anyhow::Result<()> {
    if args.rounds == 0 {
        bail!("--rounds must be at least 1");
    }
    let mut messages = Vec::new();
    for path in xml_files(&args.dir)? {
        let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        let Some(mt) = root_type(&bytes) else {
            eprintln!(
                "skipped {}: its root element is not an NCTS P5 message with a schema",
                path.display()
            );
            continue;
        };
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        messages.push((name.unwrap_or_default(), bytes, mt));
    }
    if messages.is_empty() {
        bail!("{} holds no NCTS P5 XML message", args.dir.display());
    }
    let limits = Limits::default();
    let mut invalid_files = Vec::new();
    let mut proven = 0;
    for (name, bytes, mt) in &messages {
        proven += usize::from(cats_ncts::proves_valid(bytes, *mt, &limits));
        if let Err(errors) = cats_ncts::validate_xml(bytes, *mt, &limits) {
            invalid_files.push(InvalidFile {
                file: name.clone(),
                errors: errors.len(),
                first: errors.first().map(ToString::to_string).unwrap_or_default(),
            });
        }
    }
    let bytes: usize = messages.iter().map(|(_, b, _)| b.len()).sum();
    let bar = report::bar(args.rounds, "rounds");
    let started = Instant::now();
    let mut valid_seen = 0usize;
    for _ in 0..args.rounds {
        for (_, message, mt) in &messages {
            valid_seen += usize::from(cats_ncts::validate_xml(message, *mt, &limits).is_ok());
        }
        bar.inc(1);
    }
    let seconds = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let count = messages.len() * args.rounds;
    let valid = messages.len() - invalid_files.len();
    if valid_seen != valid * args.rounds {
        bail!("a verdict changed between rounds");
    }
    let result = Validated {
        files: messages.len(),
        bytes,
        rounds: args.rounds,
        valid,
        invalid: invalid_files.len(),
        proven_by_streaming: proven,
        messages: count,
        seconds,
        messages_per_second: count as f64 / seconds,
        megabytes_per_second: (bytes * args.rounds) as f64 / 1e6 / seconds,
        invalid_files,
    };
    let rows = [
        (
            "files",
            format!(
                "{} ({} KB), {} valid, {} invalid, {} proven by streaming",
                result.files,
                thousands(bytes as f64 / 1000.0),
                result.valid,
                result.invalid,
                result.proven_by_streaming
            ),
        ),
        (
            "validated",
            format!(
                "{} messages in {:.2} s, one thread",
                thousands(count as f64),
                seconds
            ),
        ),
        (
            "throughput",
            format!(
                "{} messages/s, {:.1} MB/s",
                thousands(result.messages_per_second),
                result.megabytes_per_second
            ),
        ),
    ];
    report::print(
        args.json,
        &format!("structural validation of {}", args.dir.display()),
        &rows,
        &result,
    );
    if !args.json {
        for f in &result.invalid_files {
            println!(
                "  invalid {}: {} error(s), first {}",
                f.file, f.errors, f.first
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_element_names_the_type() {
        let xml = b"<?xml version=\"1.0\"?><!-- c --><ncts:CC015C xmlns:ncts=\"x\"/>";
        assert_eq!(root_type(xml), Some(MessageType::CC015C));
        assert_eq!(root_type(b"<CC007C>"), Some(MessageType::CC007C));
        assert_eq!(root_type(b"<html>"), None);
    }
}
