//! The NCTS rule table (`docs/ncts-rules.md`) covers every rule and condition id that Appendix Q2
//! attaches to the CC015C, and the rule pages list every rule of `RULES`.
//!
//! The ids are read from the text of the spec (`../shared/ncts/spec/`, beside the repository) by
//! the same method as `tools/ncts-rules/extract.py`, re-implemented here without regular
//! expressions. Without the spec the coverage test prints `SKIPPED` and passes.

use std::collections::BTreeSet;

use cats_domain::rules::RULES;

const SPEC: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/ncts/spec/DDNTA_APP_Q2-5.15.2-v2.00-SfA.txt"
);
const NCTS_RULES: &str = include_str!("../../../docs/ncts-rules.md");
const RULES_PAGE: &str = include_str!("../../../docs/rules.md");

/// `B1234`, `C0411`, `E1104`, `G0006`, `R0987`, `S…`, `T…`: a class letter and four digits.
fn is_rule_id(token: &str) -> bool {
    let b = token.as_bytes();
    b.len() == 5 && b"BCEGRST".contains(&b[0]) && b[1..].iter().all(u8::is_ascii_digit)
}

/// The lines of the IE015 message structure: from its title to the next message's section (the
/// page headers of the IE015 pages repeat "Message Structure for: IE015" and are passed over).
fn ie015_section(spec: &str) -> Vec<&str> {
    let lines: Vec<&str> = spec.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.starts_with("IE015 (CC015C)"))
        .expect("the spec has the IE015 (CC015C) message structure");
    let end = (start + 1..lines.len())
        .find(|&i| {
            let l = lines[i].trim_end();
            l.starts_with("2. Message Structure for: IE") && !l.ends_with("IE015")
        })
        .expect("a message section follows IE015");
    lines[start + 1..end].to_vec()
}

/// Every rule, condition and guideline id of the IE015 section, sorted.
fn ids(spec: &str) -> BTreeSet<String> {
    ie015_section(spec)
        .iter()
        .flat_map(|line| line.split(|c: char| !c.is_ascii_alphanumeric()))
        .filter(|token| is_rule_id(token))
        .map(str::to_string)
        .collect()
}

/// The ids in the first column of the tables of `docs/ncts-rules.md`.
fn table_ids() -> BTreeSet<String> {
    NCTS_RULES
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .filter(|id| is_rule_id(id))
        .map(str::to_string)
        .collect()
}

#[test]
fn the_table_lists_every_cc015c_rule_id_of_appendix_q2() {
    let Ok(spec) = std::fs::read_to_string(SPEC) else {
        println!("SKIPPED: {SPEC} is absent (the shared material lies beside the repository)");
        return;
    };
    let ids = ids(&spec);
    // the extraction itself works: the ids CATS started from are there, and many more
    for known in [
        "C0411", "R0987", "R0994", "R0983", "R0223", "G0006", "B1965", "E1104",
    ] {
        assert!(
            ids.contains(known),
            "{known} not extracted from the IE015 section"
        );
    }
    assert!(ids.len() > 150, "only {} ids extracted", ids.len());
    let table = table_ids();
    let missing: Vec<&String> = ids.difference(&table).collect();
    assert!(
        missing.is_empty(),
        "docs/ncts-rules.md misses {missing:?} ({} ids in the spec)",
        ids.len()
    );
    let foreign: Vec<&String> = table.difference(&ids).collect();
    assert!(
        foreign.is_empty(),
        "docs/ncts-rules.md lists ids that are not CC015C ids of Appendix Q2: {foreign:?}"
    );
}

#[test]
fn every_ncts_rule_of_rules_is_listed_as_implemented() {
    for rule in RULES.iter().filter(|r| is_rule_id(r.id)) {
        assert!(
            NCTS_RULES.contains(&format!("CATS rule `{}` (", rule.id)),
            "docs/ncts-rules.md does not list {} as a CATS rule",
            rule.id
        );
    }
}

#[test]
fn the_rules_page_lists_every_rule() {
    for rule in RULES {
        assert!(
            RULES_PAGE.contains(&format!("| `{}` |", rule.id)),
            "docs/rules.md misses {}",
            rule.id
        );
    }
}

#[test]
fn the_id_scanner_reads_tokens_as_the_extractor_does() {
    assert!(is_rule_id("C0411") && is_rule_id("B2400") && is_rule_id("S0001"));
    assert!(!is_rule_id("CL008") && !is_rule_id("C041") && !is_rule_id("X0411"));
    let section = "x\nIE015 (CC015C) DECLARATION DATA\n---GUARANTEE 9x R\n------GUARANTEE REFERENCE 99x D C0085\n\tGRN D an..24 C0086\nG0002\nPage 59 of\n2. Message Structure for: IE015\n\tCurrency O a3 CL048 B1898\n2. Message Structure for: IE017\nR9999\n";
    let found: Vec<String> = ids(section).into_iter().collect();
    assert_eq!(found, ["B1898", "C0085", "C0086", "G0002"]);
}
