//! The HMRC sample corpus in `../shared/ncts/samples-p5`: CATS's structural verdict against
//! xmllint's, and XML round trips. Skipped (with a note) when `../shared` or xmllint is absent.

use std::path::{Path, PathBuf};

use cats_ncts::{read, read_json, write_xml, Format, Limits, MessageType};
use serde_json::{json, Value};

use super::{lint_accepts, read_ok, shared, xmllint, CORRIDOR_XML};

#[test]
fn sample_xml_round_trips() {
    let Some(shared) = shared() else {
        return eprintln!("skipped: ../shared is absent");
    };
    for entry in sorted_dir(&shared.join("ncts/samples-p5")) {
        let name = entry.file_name().unwrap().to_string_lossy().into_owned();
        let Some(mt) = message_type_of(&name) else {
            continue;
        };
        if !name.ends_with(".xml") {
            continue;
        }
        let bytes = std::fs::read(&entry).unwrap();
        let Ok(mut value) = read(&bytes, Format::Xml, mt, &Limits::default()) else {
            continue;
        };
        // The writer always puts PhaseID on the root (NCTS5.0 when the source had none).
        let body = value
            .get_mut(mt.json_root_key())
            .and_then(Value::as_object_mut)
            .unwrap();
        if !body.contains_key("@PhaseID") {
            body.shift_insert(0, "@PhaseID".into(), json!("NCTS5.0"));
        }
        let xml = write_xml(mt, &value).expect("writable");
        assert_eq!(read_ok(xml.as_bytes(), Format::Xml, mt), value, "{name}");
        assert!(lint_accepts(mt, xml.as_bytes()), "{name} rewritten");
    }
}

fn sorted_dir(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

fn message_type_of(file_name: &str) -> Option<MessageType> {
    MessageType::from_code(&file_name.get(..6)?.to_uppercase())
}

#[test]
fn sample_corpus_verdicts_match_xmllint() {
    let Some(shared) = shared() else {
        return eprintln!("skipped: ../shared is absent");
    };
    if xmllint(MessageType::CC015C, CORRIDOR_XML.as_bytes()).is_none() {
        return;
    }
    let mut mismatches = Vec::new();
    let mut checked = 0;
    for path in sorted_dir(&shared.join("ncts/samples-p5")) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        // Files not named after a message type (invalid-with-extra-braces.json) claim CC015C.
        let mt = message_type_of(&name).unwrap_or(MessageType::CC015C);
        if name.ends_with(".xml") {
            let ours = read(&bytes, Format::Xml, mt, &Limits::default());
            let theirs = xmllint(mt, &bytes).unwrap();
            if ours.is_ok() != theirs {
                mismatches.push(format!("{name}: xmllint valid={theirs}, CATS {ours:?}"));
            }
        } else if name.ends_with(".json") {
            let ours = read(&bytes, Format::Json, mt, &Limits::default());
            let Some(xml) = read_json(&bytes, mt, &Limits::default())
                .ok()
                .and_then(|v| write_xml(mt, &v).ok())
            else {
                // Not JSON at all, or a shape XML cannot carry: must be refused.
                if ours.is_ok() {
                    mismatches.push(format!("{name}: CATS accepts a body that has no XML form"));
                }
                continue;
            };
            let theirs = xmllint(mt, xml.as_bytes()).unwrap();
            // The one check beyond the XSD: messageType must be the message's own type.
            let message_type_only = ours.as_ref().err().is_some_and(|e| {
                e.iter()
                    .all(|e| e.reason.contains("the type of this message"))
            });
            if ours.is_ok() != theirs && !(theirs && message_type_only) {
                mismatches.push(format!(
                    "{name}: xmllint on the XML form valid={theirs}, CATS {ours:?}"
                ));
            }
            // Named invalid by HMRC but structurally valid: business-rule failures (unknown
            // recipient, office, LRN), left to the business rules.
            let business_only = [
                "invalid-recipient",
                "invalid-ref-office",
                "invalid-reference-arrival",
                "invalid-lrn",
                "invalid-reference-departure",
            ];
            let named_invalid =
                !name.contains("-valid") && !business_only.iter().any(|b| name.contains(b));
            if named_invalid && ours.is_ok() {
                mismatches.push(format!("{name}: named invalid but accepted"));
            }
        }
        checked += 1;
    }
    assert!(checked > 40, "only {checked} samples");
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
