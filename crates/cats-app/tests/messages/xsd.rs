//! Every case is valid NCTS in both forms, and `xmllint` accepts its XML against the XSD.

use super::*;

use std::process::Command;

/// xmllint's verdict on the XML in `file` against the message type's XSD (`Err` with its
/// output when it refuses), or `None` (with a printed note) when it cannot run.
fn xmllint(mt: MessageType, file: &Path) -> Option<Result<(), String>> {
    let shared = shared()?;
    let xsd = shared.join("ncts/xsd-p5").join(mt.xsd_file());
    let out = Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(&xsd)
        .arg(file)
        .output();
    let Ok(out) = out else {
        eprintln!("skipped: xmllint is not installed (apt-get install libxml2-utils)");
        return None;
    };
    Some(if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    })
}

fn file_name(case: &Case) -> String {
    case.name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

#[test]
fn every_outgoing_message_is_valid_ncts() {
    let (_, d) = declaration();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("outgoing-messages");
    std::fs::create_dir_all(&dir).expect("temporary directory");
    if shared().is_none() {
        eprintln!("skipped xmllint: ../shared is absent");
    }
    let mut problems = Vec::new();
    let mut linted = 0;
    for (i, case) in cases().into_iter().enumerate() {
        let value = build_case(&case, &d);
        let mt = MessageType::from_code(case.message_type).expect("an NCTS message type");
        let errors = cats_ncts::validate(mt, &value);
        if !errors.is_empty() {
            problems.push(format!("{}: {errors:#?}\n{value:#}", case.name));
            continue;
        }
        // JSON form, as written for the API.
        let json = cats_ncts::write(mt, &value, Format::Json).expect("JSON");
        let reread: Value = serde_json::from_slice(&json).expect("JSON is JSON");
        let errors = cats_ncts::validate(mt, &reread);
        if !errors.is_empty() {
            problems.push(format!("{} (JSON form): {errors:#?}", case.name));
        }
        // XML form, checked against the XSD.
        let xml = match cats_ncts::write(mt, &value, Format::Xml) {
            Ok(xml) => xml,
            Err(e) => {
                problems.push(format!("{}: not writable as XML: {e}", case.name));
                continue;
            }
        };
        let errors = cats_ncts::read(&xml, Format::Xml, mt, &cats_ncts::Limits::default())
            .err()
            .unwrap_or_default();
        if !errors.is_empty() {
            problems.push(format!("{} (XML read back): {errors:#?}", case.name));
        }
        let file = dir.join(format!("{i:02}-{}.xml", file_name(&case)));
        std::fs::write(&file, &xml).expect("write the XML");
        match xmllint(mt, &file) {
            Some(Ok(())) => linted += 1,
            Some(Err(out)) => problems.push(format!(
                "{}: xmllint refuses {}:\n{out}",
                case.name,
                file.display()
            )),
            None => {}
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
    if shared().is_some() {
        eprintln!("xmllint accepted {linted} messages (in {})", dir.display());
    }
}
