//! The operations guide (`docs/manual/en/src/operations/`, issue 18) against the code: its
//! configuration reference lists every setting the program reads and nothing else, its TOML is
//! what the program accepts, its command reference gives every command and option of `cats`, and
//! every example marked `<!-- ops-example … -->` runs as written
//! with the `cats` binary of this build (nodes started, backed up, monitored, peered).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn guide(chapter: &str) -> String {
    std::fs::read_to_string(repo().join("docs/manual/en/src/operations").join(chapter))
        .unwrap_or_else(|e| panic!("{chapter}: {e}"))
}

/// Every `CATS_…` name in `text`.
fn variables(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(at) = rest.find("CATS_") {
        let name: String = rest[at..]
            .chars()
            .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_')
            .collect();
        rest = &rest[at + name.len()..];
        if name.len() > "CATS_".len() && !name.ends_with('_') {
            out.insert(name);
        }
    }
    out
}

fn rust_sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Variables the program's sources name that only tests read (kept out of the reference).
const TEST_ONLY: [&str; 3] = [
    "CATS_TEST_DATABASE_URL", // the PostgreSQL server the store's own tests use
    "CATS_KEEP_DOCS",         // keep the documents' unit tests' PDFs for looking at them
    "CATS_KEEP_TAD",          // keep the TAD's unit tests' PDFs
];

/// The fenced blocks of `lang` in `markdown`, each with the line before its opening fence.
fn blocks<'a>(markdown: &'a str, lang: &str) -> Vec<(&'a str, String)> {
    let mut out = Vec::new();
    let mut lines = markdown.lines().peekable();
    let mut previous = "";
    while let Some(line) = lines.next() {
        if line.trim_start() == format!("```{lang}") {
            let mut body = String::new();
            for l in lines.by_ref() {
                if l.trim_start().starts_with("```") {
                    break;
                }
                body.push_str(l);
                body.push('\n');
            }
            out.push((previous, body));
        }
        if !line.trim().is_empty() {
            previous = line;
        }
    }
    out
}

/// The field names a table of the configuration file knows, from serde's refusal of an unknown
/// one ("unknown field `…`, expected one of `a`, `b` …").
fn fields<T: serde::de::DeserializeOwned>(required: &str) -> BTreeSet<String> {
    let text = format!("{required}zz_not_a_field = 1\n");
    let err = match toml::from_str::<T>(&text) {
        Ok(_) => panic!("an unknown field is refused"),
        Err(e) => e.to_string(),
    };
    let expected = err
        .split("expected")
        .nth(1)
        .unwrap_or_else(|| panic!("serde names the fields: {err}"));
    expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

#[test]
fn the_configuration_reference_lists_every_setting_the_program_reads_and_no_other() {
    let page = guide("configuration.md");
    let documented = variables(&page);
    let mut files = Vec::new();
    rust_sources(&repo().join("crates"), &mut files);
    let mut read = BTreeSet::new();
    for f in files
        .iter()
        .filter(|f| f.components().any(|c| c.as_os_str() == "src"))
    {
        let text = std::fs::read_to_string(f).unwrap();
        for name in variables(&text) {
            if text.contains(&format!("\"{name}\"")) {
                read.insert(name);
            }
        }
    }
    for name in TEST_ONLY {
        assert!(read.remove(name), "{name} is still named in the sources");
    }
    let missing: Vec<_> = read.difference(&documented).collect();
    assert!(
        missing.is_empty(),
        "read by the program, not in configuration.md: {missing:?}"
    );
    let stale: Vec<_> = documented.difference(&read).collect();
    assert!(
        stale.is_empty(),
        "in configuration.md, not read by the program: {stale:?}"
    );
    assert!(read.len() > 30, "the sources were read: {read:?}");

    // The file: the page's example is what the program accepts (an unknown key is refused) …
    let toml_blocks = blocks(&page, "toml");
    let (_, example) = toml_blocks.first().expect("the file's example");
    let parsed: cats_cli::config::ConfigFile =
        toml::from_str(example).unwrap_or_else(|e| panic!("the example is refused: {e}"));
    let ice = parsed.ice.expect("the example has [ice]");
    assert_eq!(ice.peers.len(), 1);
    // … and names every key the program knows.
    let value: toml::Table = toml::from_str(example).unwrap();
    let keys = |table: &toml::Table| table.keys().cloned().collect::<BTreeSet<_>>();
    let database = keys(value["database"].as_table().unwrap());
    let mut known = fields::<cats_store::DbSettings>("");
    known.insert("url".into());
    assert_eq!(database, known, "[database]");
    let ice_table = value["ice"].as_table().unwrap();
    let mut ice_keys = keys(ice_table);
    ice_keys.insert("peers".into());
    assert_eq!(
        ice_keys,
        fields::<cats_ice::IceSection>("node = \"KZ\"\ncountries = []\nkey = \"k\"\n"),
        "[ice]"
    );
    let peer = ice_table["peers"].as_array().unwrap()[0]
        .as_table()
        .unwrap();
    assert_eq!(
        keys(peer),
        fields::<cats_ice::network::PeerSection>(
            "node = \"AZ\"\ncountries = []\nurl = \"u\"\npublic_key = \"k\"\n"
        ),
        "[[ice.peers]]"
    );
    assert_eq!(
        keys(&value),
        fields::<cats_cli::config::ConfigFile>(""),
        "tables"
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn every_marked_example_of_the_operations_guide_runs_as_written() {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_cats"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let summary = std::fs::read_to_string(repo().join("docs/manual/en/src/SUMMARY.md")).unwrap();
    let chapters: Vec<&str> = summary
        .lines()
        .filter_map(|l| l.split("](operations/").nth(1))
        .filter_map(|l| l.split(')').next())
        .collect();
    assert!(chapters.len() >= 8, "{chapters:?}");
    let mut ran = 0;
    for chapter in chapters {
        let text = guide(chapter);
        // the examples of one chapter follow each other in one directory
        let dir = tempfile::tempdir().unwrap();
        for (before, script) in blocks(&text, "sh") {
            if !before.starts_with("<!-- ops-example") {
                continue;
            }
            let out = Command::new("timeout")
                .arg("180")
                .arg("bash")
                .arg("-c")
                .arg(format!("set -euo pipefail\n{script}"))
                .current_dir(dir.path())
                .env("PATH", &path)
                .env("PORT", free_port().to_string())
                .env("PORT2", free_port().to_string())
                .env("CATS_LOG", "warn")
                .env_remove("CATS_DATABASE_URL")
                .env_remove("CATS_DATA_DIR")
                .env_remove("CATS_CONFIG")
                .output()
                .expect("bash");
            assert!(
                out.status.success(),
                "operations/{chapter}: the example\n{script}\nexited {}:\n{}\n{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            ran += 1;
        }
    }
    assert!(ran >= 5, "the guide's examples ran: {ran}");
}

/// The subcommands and long options `cats ARGS --help` lists (without `help`, `--help`,
/// `--version`).
fn help_of(bin: &Path, args: &[String]) -> (Vec<String>, BTreeSet<String>) {
    let out = Command::new(bin)
        .args(args)
        .arg("--help")
        .output()
        .expect("cats --help");
    assert!(out.status.success(), "cats {args:?} --help");
    let text = String::from_utf8(out.stdout).unwrap();
    let mut commands = Vec::new();
    let mut options = BTreeSet::new();
    let mut in_commands = false;
    for line in text.lines() {
        if line.starts_with("Commands:") {
            in_commands = true;
            continue;
        }
        if !line.starts_with(' ') {
            in_commands = false;
        }
        let word = line.split_whitespace().next().unwrap_or_default();
        if in_commands && !word.is_empty() && word != "help" {
            commands.push(word.to_string());
        }
        let trimmed = line.trim_start();
        if trimmed.starts_with('-') {
            let option = trimmed
                .split_whitespace()
                .map(|t| t.trim_end_matches(','))
                .find(|t| t.starts_with("--"));
            if let Some(o) = option.filter(|o| !matches!(*o, "--help" | "--version")) {
                options.insert(o.to_string());
            }
        }
    }
    (commands, options)
}

/// The part of the command reference about `command` (`cats bench lodge`): the `###` section
/// whose heading names it, or the table row that starts with it.
fn reference_of<'a>(page: &'a str, command: &str) -> Option<&'a str> {
    let tag = format!("`{command}`");
    for section in page.split("\n### ").skip(1) {
        if section.lines().next().is_some_and(|h| h.contains(&tag)) {
            return Some(section);
        }
    }
    let row = format!("| `{command}");
    page.lines()
        .find(|l| l.starts_with(&row) && matches!(l[row.len()..].chars().next(), Some('`' | ' ')))
}

#[test]
fn the_command_reference_gives_every_command_with_every_option() {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_cats"));
    let page = guide("commands.md");
    let mut todo: Vec<Vec<String>> = vec![Vec::new()];
    let mut checked = 0;
    let mut missing = Vec::new();
    while let Some(path) = todo.pop() {
        let (commands, options) = help_of(&bin, &path);
        // the root and the groups (`cats token`) have nothing of their own to document
        let group = !commands.is_empty() && options.is_empty();
        for c in commands {
            let mut next = path.clone();
            next.push(c);
            todo.push(next);
        }
        if path.is_empty() || group {
            continue;
        }
        let name = format!("cats {}", path.join(" "));
        let Some(text) = reference_of(&page, &name) else {
            missing.push(format!("{name}: no section or row"));
            continue;
        };
        for option in options {
            if !text.contains(&format!("`{option}")) && !text.contains(&format!("{option}`")) {
                missing.push(format!("{name} {option}"));
            }
        }
        checked += 1;
    }
    assert!(
        missing.is_empty(),
        "not in operations/commands.md: {missing:#?}"
    );
    assert!(checked >= 20, "commands checked: {checked}");
}
