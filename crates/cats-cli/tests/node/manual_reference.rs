//! The manuals' reference pages are complete (issue 18): every movement state, every business
//! rule id and every error code the code defines has its row in `docs/manual/en/src/reference/`
//! and `docs/manual/ru/src/reference/`, and no row names one the code no longer has.
//!
//! The lists come from the code itself: the states from [`MovementState::ALL`] (proved complete
//! by an exhaustive `match` in `cats-domain`), the rules from [`cats_domain::rules::RULES`] and
//! [`cats_domain::movement::CONTROL_RULES`] plus the ids the use cases write into rejections
//! themselves (`rule_id: "R0520"` in `cats-app`), and the error codes from the sources of
//! `cats-web` and `cats-ice` (every `code` an answer is built with, with its HTTP status), the
//! codes axum's own refusals are given after their status, and the NCTS functional error codes
//! (CL180) that `cats-app` writes into CC056C, CC057C and CC906C.
//!
//! A row is a Markdown table line whose first cell is the id in backticks: `` | `CATS001` | ``.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use axum::http::StatusCode;
use cats_domain::movement::{MovementState, CONTROL_RULES};
use cats_domain::rules::RULES;
use cats_web::pages::i18n::Tr;

const LANGS: [&str; 2] = ["en", "ru"];

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn reference_page(lang: &str, name: &str) -> String {
    let path = repo().join(format!("docs/manual/{lang}/src/reference/{name}.md"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The page's table rows by their first cell's id: `` | `X` | … `` → (`X`, the whole line).
fn rows(page: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in page.lines() {
        let Some(rest) = line.trim_start().strip_prefix("| `") else {
            continue;
        };
        let Some(end) = rest.find('`') else { continue };
        let id = rest[..end].to_string();
        assert!(
            out.insert(id.clone(), line.to_string()).is_none(),
            "{id} has two rows"
        );
    }
    out
}

/// The Rust sources under `dir`, each without its `#[cfg(test)]` part, test files left out.
fn sources(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("a source directory") {
            let path = entry.expect("a directory entry").path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if path.is_dir() {
                if name != "tests" {
                    stack.push(path);
                }
            } else if name.ends_with(".rs") && !name.ends_with("tests.rs") {
                let text = std::fs::read_to_string(&path).expect("a source file");
                let text = match text.find("#[cfg(test)]") {
                    Some(at) => text[..at].to_string(),
                    None => text,
                };
                out.push((path, text));
            }
        }
    }
    out
}

/// Every string literal of uppercase letters, digits, `_` and `/` that follows `marker` (spaces
/// and a line break allowed between), with the text before it.
fn literals_after<'a>(text: &'a str, marker: &str) -> Vec<(&'a str, String)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find(marker) {
        let start = from + at + marker.len();
        from = start;
        let rest = text[start..].trim_start();
        let Some(rest) = rest.strip_prefix('"') else {
            continue;
        };
        let Some(end) = rest.find('"') else { continue };
        let word = &rest[..end];
        let upper = word.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && word
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || "_/".contains(c));
        if upper {
            out.push((&text[..start], word.to_string()));
        }
    }
    out
}

/// The HTTP status named `NAME` in the last `StatusCode::NAME` of `before`'s last 400
/// characters (the status an error answer is built with, just before its code).
fn status_before(before: &str) -> Option<u16> {
    let mut cut = before.len().saturating_sub(400);
    while !before.is_char_boundary(cut) {
        cut += 1;
    }
    let window = &before[cut..];
    let at = window.rfind("StatusCode::")?;
    let name: String = window[at + "StatusCode::".len()..]
        .chars()
        .take_while(|c| c.is_ascii_uppercase() || *c == '_')
        .collect();
    Some(status_named(&name))
}

/// `PAYLOAD_TOO_LARGE` → 413, by the canonical reason of every status.
fn status_named(name: &str) -> u16 {
    (100..600)
        .filter_map(|n| StatusCode::from_u16(n).ok())
        .find(|s| {
            s.canonical_reason()
                .is_some_and(|r| r.to_ascii_uppercase().replace([' ', '-'], "_") == name)
        })
        .unwrap_or_else(|| panic!("no HTTP status is named {name}"))
        .as_u16()
}

/// Every error `code` an answer of the API, the HMRC profile or the ICE endpoint is built with,
/// with the HTTP statuses it comes with.
fn error_codes() -> BTreeMap<String, BTreeSet<u16>> {
    let mut codes: BTreeMap<String, BTreeSet<u16>> = BTreeMap::new();
    for krate in ["cats-web", "cats-ice"] {
        for (path, text) in sources(&repo().join("crates").join(krate).join("src")) {
            // json!({"code": "CODE", …}) after its status
            for (before, code) in literals_after(&text, "\"code\":") {
                let status = status_before(before).unwrap_or_else(|| {
                    panic!("{}: no status before the code {code}", path.display())
                });
                codes.entry(code).or_default().insert(status);
            }
            // ApiError::new(StatusCode::X, "CODE", …) on one line or over several
            let mut from = 0;
            while let Some(at) = text[from..].find("StatusCode::") {
                let start = from + at + "StatusCode::".len();
                from = start;
                let name: String = text[start..]
                    .chars()
                    .take_while(|c| c.is_ascii_uppercase() || *c == '_')
                    .collect();
                let rest = text[start + name.len()..].trim_start();
                let Some(rest) = rest.strip_prefix(',') else {
                    continue;
                };
                let rest = rest.trim_start();
                let Some(rest) = rest.strip_prefix('"') else {
                    continue;
                };
                let Some(end) = rest.find('"') else { continue };
                let code = &rest[..end];
                if !code.is_empty()
                    && code
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit())
                {
                    codes
                        .entry(code.to_string())
                        .or_default()
                        .insert(status_named(&name));
                }
            }
        }
    }
    // a body over the limit: the code each API gives `error::rejection_as_json`
    // (`PAYLOAD_TOO_LARGE`, `REQUEST_ENTITY_TOO_LARGE` in the HMRC profile)
    for (_, text) in sources(&repo().join("crates/cats-web/src")) {
        for (at, _) in text.match_indices("rejection_as_json(") {
            let line = text[at..].lines().next().unwrap_or_default();
            if let Some(code) = line.split('"').nth(1) {
                codes.entry(code.to_string()).or_default().insert(413);
            }
        }
    }
    // axum's own refusals are answered with a code named after their status
    // (`error::rejection_as_json`): a wrong method, and a JSON body of the wrong shape
    for (code, status) in [("METHOD_NOT_ALLOWED", 405), ("UNPROCESSABLE_ENTITY", 422)] {
        codes.entry(code.into()).or_default().insert(status);
    }
    codes.retain(|code, _| code != "CARGO_PKG_VERSION");
    codes
}

/// The NCTS functional error codes (CL180) CATS writes into its rejections: the arms of
/// `functional_error_code` in `cats-app`, and 14 (its default: rule violation).
fn functional_error_codes() -> BTreeSet<String> {
    let path = repo().join("crates/cats-app/src/messages/rejections.rs");
    let text = std::fs::read_to_string(&path).expect("rejections.rs");
    let start = text
        .find("fn functional_error_code")
        .expect("functional_error_code in rejections.rs");
    let body = &text[start..start + text[start..].find("\n}").expect("its end")];
    let mut codes: BTreeSet<String> = body
        .lines()
        .filter_map(|l| l.trim().split_once(" => "))
        .filter_map(|(n, _)| n.parse::<u16>().ok())
        .map(|n| n.to_string())
        .collect();
    codes.insert("14".into());
    codes
}

/// Every rule id a user can be shown: the declaration's rules, the control record's, and the
/// ids the use cases write into rejections themselves (`rule_id: "R0520".into()`).
fn rule_ids() -> BTreeMap<String, Option<u16>> {
    let mut ids: BTreeMap<String, Option<u16>> = RULES
        .iter()
        .chain(CONTROL_RULES)
        .map(|r| (r.id.to_string(), Some(r.error_code)))
        .collect();
    for krate in ["cats-domain", "cats-app", "cats-web"] {
        for (_, text) in sources(&repo().join("crates").join(krate).join("src")) {
            for (_, id) in literals_after(&text, "rule_id:") {
                ids.entry(id).or_insert(None);
            }
        }
    }
    ids
}

#[test]
fn every_movement_state_is_described_in_english_and_russian() {
    for lang in LANGS {
        let t = Tr::new(lang);
        let page = rows(&reference_page(lang, "states"));
        for state in MovementState::ALL {
            let name = state.as_str();
            let row = page
                .get(name)
                .unwrap_or_else(|| panic!("{lang}/reference/states.md: no row for {name}"));
            // the state as the pages show it, so that a reader finds it
            let label = t.get(&format!("state-{name}"));
            assert!(
                row.contains(&label),
                "{lang}/reference/states.md: the row of {name} does not give its label “{label}”: {row}"
            );
        }
        for id in page.keys() {
            assert!(
                MovementState::parse(id).is_some(),
                "{lang}/reference/states.md describes {id}, which is not a state"
            );
        }
    }
}

#[test]
fn every_rule_id_is_explained_in_english_and_russian() {
    let ids = rule_ids();
    // the scan of the use cases finds what it must (else it would prove nothing)
    for id in ["R0520", "C0467", "XSD", "TYPE", "N/A", "CATS001", "CATS032"] {
        assert!(ids.contains_key(id), "{id} not found in the code");
    }
    for lang in LANGS {
        let page = rows(&reference_page(lang, "rules"));
        for (id, code) in &ids {
            let row = page
                .get(id)
                .unwrap_or_else(|| panic!("{lang}/reference/rules.md: no row for rule {id}"));
            if let Some(code) = code {
                assert!(
                    row.contains(&format!(" {code} ")) || row.contains(&format!("| {code}")),
                    "{lang}/reference/rules.md: the row of {id} does not give its NCTS error code {code}: {row}"
                );
            }
        }
        for id in page.keys() {
            assert!(
                ids.contains_key(id),
                "{lang}/reference/rules.md explains {id}, which the code does not report"
            );
        }
    }
}

#[test]
fn every_error_code_is_explained_in_english_and_russian() {
    let codes = error_codes();
    for code in [
        "RECIPIENT_NOT_SERVED",
        "RULE_VALIDATION",
        "CONFLICT",
        "UNAUTHORIZED",
        "BUSY",
        "UNKNOWN_PEER",
    ] {
        assert!(codes.contains_key(code), "{code} not found in the code");
    }
    assert_eq!(codes["CONFLICT"], BTreeSet::from([409]));
    assert_eq!(codes["BUSY"], BTreeSet::from([409, 503]));
    let functional = functional_error_codes();
    assert!(functional.contains("92") && functional.contains("12"));
    for lang in LANGS {
        let page = rows(&reference_page(lang, "errors"));
        for (code, statuses) in &codes {
            let row = page
                .get(code)
                .unwrap_or_else(|| panic!("{lang}/reference/errors.md: no row for {code}"));
            for status in statuses {
                assert!(
                    row.contains(&status.to_string()),
                    "{lang}/reference/errors.md: the row of {code} does not give its status {status}: {row}"
                );
            }
        }
        for code in &functional {
            assert!(
                page.contains_key(code),
                "{lang}/reference/errors.md: no row for the NCTS functional error code {code}"
            );
        }
        for id in page.keys() {
            assert!(
                codes.contains_key(id) || functional.contains(id),
                "{lang}/reference/errors.md explains {id}, which the code does not give"
            );
        }
    }
}
