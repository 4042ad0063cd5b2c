//! The streaming check ([`cats_ncts::proves_valid`]) is never more lenient than the full
//! reading: on every HMRC sample, the corridor fixture, the 323 replay declarations and a
//! thousand mutations of the corridor declaration, "proven valid" implies `read` accepts, and
//! the value built in the streaming pass is the full reading's. It must also prove the ordinary
//! messages, or it would speed nothing up.

use std::path::Path;

use cats_ncts::{
    proves_valid, read, read_xml, validate, validate_xml, write_xml, Format, Limits, MessageType,
};

use super::{shared, CORRIDOR_XML};

/// The full reading's verdict, without the streaming check: the tree reading (order, shape)
/// then the validation of the value (occurrences, facets). `read` itself takes the stream's
/// answer when it proves a message, so it cannot be the reference here.
fn full_verdict(bytes: &[u8], mt: MessageType) -> bool {
    read_xml(bytes, mt, &Limits::default()).is_ok_and(|value| validate(mt, &value).is_empty())
}

/// Fails when the streaming check proves valid what the full reading refuses, and returns
/// whether it proved the message.
fn agrees(bytes: &[u8], mt: MessageType, what: &str) -> bool {
    let proven = proves_valid(bytes, mt, &Limits::default());
    let full = full_verdict(bytes, mt);
    assert!(
        !proven || full,
        "{what}: proven valid by the stream, refused by the full reading: {:?}\n{}",
        read_xml(bytes, mt, &Limits::default()).map(|v| validate(mt, &v)),
        String::from_utf8_lossy(bytes)
    );
    assert_eq!(
        validate_xml(bytes, mt, &Limits::default()).is_ok(),
        full,
        "{what}: validate_xml and read disagree"
    );
    if proven {
        // Built in the streaming pass, the value is the one the full reading builds.
        assert_eq!(
            read(bytes, Format::Xml, mt, &Limits::default()).ok(),
            read_xml(bytes, mt, &Limits::default()).ok(),
            "{what}: the streaming value differs"
        );
    }
    proven
}

#[test]
fn the_corridor_declaration_and_its_rewrite_are_proven() {
    let mt = MessageType::CC015C;
    assert!(agrees(CORRIDOR_XML.as_bytes(), mt, "corridor"));
    let value = read(CORRIDOR_XML.as_bytes(), Format::Xml, mt, &Limits::default()).unwrap();
    let rewritten = write_xml(mt, &value).unwrap();
    assert!(agrees(rewritten.as_bytes(), mt, "corridor rewritten"));
}

#[test]
fn every_replay_declaration_is_proven() {
    let path = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/replay/middle-corridor.jsonl"
    ));
    let text = std::fs::read_to_string(path).expect("the replay data set is in the repository");
    let mut n = 0;
    for (i, line) in text.lines().enumerate() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let xml = v["declaration"].as_str().unwrap();
        assert!(
            agrees(
                xml.as_bytes(),
                MessageType::CC015C,
                &format!("replay line {}", i + 1)
            ),
            "replay line {} is not proven valid",
            i + 1
        );
        n += 1;
    }
    assert_eq!(n, 323);
}

#[test]
fn the_hmrc_samples_never_get_a_more_lenient_verdict() {
    let Some(shared) = shared() else {
        return eprintln!("skipped: ../shared is absent");
    };
    let (mut proven, mut valid) = (0, 0);
    for entry in std::fs::read_dir(shared.join("ncts/samples-p5")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.ends_with(".xml") {
            continue;
        }
        let mt = name
            .get(..6)
            .and_then(|c| MessageType::from_code(&c.to_uppercase()))
            .unwrap_or(MessageType::CC015C);
        let bytes = std::fs::read(&path).unwrap();
        valid += usize::from(full_verdict(&bytes, mt));
        proven += usize::from(agrees(&bytes, mt, &name));
    }
    eprintln!("{proven} of {valid} valid samples proven by the stream");
    assert!(proven > 0 && valid > 0);
}

/// Every element tag of the declaration: (start of `<Name>`, end of `</Name>`, name).
fn elements(xml: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut open: Vec<(usize, String)> = Vec::new();
    let mut i = 0;
    while let Some(lt) = xml[i..].find('<').map(|p| p + i) {
        let gt = xml[lt..].find('>').map(|p| p + lt).unwrap();
        let tag = &xml[lt + 1..gt];
        if let Some(name) = tag.strip_prefix('/') {
            let (start, n) = open.pop().unwrap();
            assert_eq!(n, name);
            if !name.contains(':') {
                out.push((start, gt + 1, n));
            }
        } else if !tag.starts_with('?') && !tag.starts_with('!') {
            let name = tag.split_whitespace().next().unwrap().to_owned();
            open.push((lt, name));
        }
        i = gt + 1;
    }
    out
}

/// Mutations of one element: what a careless or hostile sender might do to it.
fn mutations(xml: &str, start: usize, end: usize, name: &str) -> Vec<String> {
    let whole = &xml[start..end];
    let open_end = start + name.len() + 2;
    let inner = &xml[open_end..end - name.len() - 3];
    let replace = |with: &str| format!("{}{with}{}", &xml[..start], &xml[end..]);
    let with_inner = |inner: &str| replace(&format!("<{name}>{inner}</{name}>"));
    let mut out = vec![
        replace(""),
        replace(&format!("{whole}{whole}")),
        replace(&format!("{whole}<!-- c -->")),
        replace(&format!("<{name} a=\"1\">{inner}</{name}>")),
        replace(&format!(
            "<{name} xmlns=\"http://ncts.dgtaxud.ec\">{inner}</{name}>"
        )),
        replace(&format!("<ncts:{name}>{inner}</ncts:{name}>")),
        replace(&format!("<x:{name} xmlns:x=\"urn:x\">{inner}</x:{name}>")),
        replace(&format!("{whole}<Unknown>1</Unknown>")),
        replace(&format!("<Unknown>1</Unknown>{whole}")),
        with_inner(""),
        with_inner(&format!(" {inner} ")),
        with_inner(&format!("{inner}\u{a0}")),
        with_inner(&format!("<![CDATA[{inner}]]>")),
        with_inner(&format!("{inner}&amp;")),
        with_inner(&format!("&#x41;{inner}")),
        with_inner(&format!("&#x1;{inner}")),
        with_inner(&format!("{inner}<b>1</b>")),
        with_inner(&inner.repeat(40)),
        with_inner("+5"),
        with_inner("5.000000001"),
        with_inner("-1"),
        with_inner("0"),
        with_inner("2025-02-30"),
        with_inner("2025-02-28T24:00:00"),
        with_inner("XX"),
        with_inner(&inner.to_lowercase()),
    ];
    if !inner.contains('<') {
        out.push(with_inner(&format!("{inner}<!--c-->{inner}")));
        out.push(with_inner(&format!("\n\t{inner}\n")));
        out.push(with_inner(&inner.replace(' ', "  ")));
    }
    // The element moved before its previous sibling (sequence order).
    if let Some(prev) = xml[..start].rfind("\n  ") {
        out.push(format!(
            "{}{whole}{}{}",
            &xml[..prev + 1],
            &xml[prev + 1..start],
            &xml[end..]
        ));
    }
    out
}

#[test]
fn a_thousand_mutations_never_get_a_more_lenient_verdict() {
    let mt = MessageType::CC015C;
    let mut cases = 0;
    let mut proven = 0;
    for (start, end, name) in elements(CORRIDOR_XML) {
        for (k, mutated) in mutations(CORRIDOR_XML, start, end, &name)
            .into_iter()
            .enumerate()
        {
            cases += 1;
            proven += usize::from(agrees(
                mutated.as_bytes(),
                mt,
                &format!("{name} mutation {k}"),
            ));
        }
    }
    // Root-level and document-level mutations.
    let root_cases = [
        CORRIDOR_XML.replace(" PhaseID=\"NCTS5.0\"", ""),
        CORRIDOR_XML.replace("PhaseID=\"NCTS5.0\"", "PhaseID=\"NCTS4.0\""),
        CORRIDOR_XML.replace("PhaseID=\"NCTS5.0\"", "PhaseID=\" NCTS5.0 \""),
        CORRIDOR_XML.replace("PhaseID=\"NCTS5.0\"", "PhaseID=\"NCTS5.0\" Other=\"1\""),
        CORRIDOR_XML.replace(
            "PhaseID=\"NCTS5.0\"",
            "PhaseID=\"NCTS5.0\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"x\"",
        ),
        CORRIDOR_XML.replace("PhaseID=\"NCTS5.0\"", "PhaseID=\"NCTS5.0\" y:z=\"1\" xmlns:y=\"urn:y\""),
        CORRIDOR_XML.replace("xmlns:ncts=\"http://ncts.dgtaxud.ec\"", "xmlns:ncts=\"http://other\""),
        // Namespace declarations are compared as written, as the full reading's resolver does.
        CORRIDOR_XML.replace("xmlns:ncts=\"http://", "xmlns:ncts=\"&#x68;ttp://"),
        CORRIDOR_XML.replace("PhaseID=\"NCTS5.0\"", "PhaseID=\"NCTS5.0\" xmlns:xmlns=\"urn:x\""),
        CORRIDOR_XML.replace(
            "PhaseID=\"NCTS5.0\"",
            "PhaseID=\"NCTS5.0\" xmlns:x=\"http://www.w3.org/XML/1998/namespace\"",
        ),
        CORRIDOR_XML.replace(
            "PhaseID=\"NCTS5.0\"",
            "PhaseID=\"NCTS5.0\" xmlns:xml=\"urn:not-xml\"",
        ),
        CORRIDOR_XML.replace(
            "PhaseID=\"NCTS5.0\"",
            "PhaseID=\"NCTS5.0\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-&#x69;nstance\" xsi:schemaLocation=\"x\"",
        ),
        CORRIDOR_XML.replace("ncts:CC015C", "CC015C"),
        CORRIDOR_XML.replace("ncts:CC015C", "ncts:CC014C"),
        CORRIDOR_XML.replace("version=\"1.0\"", "version=\"1.1\""),
        CORRIDOR_XML.replace("encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\""),
        CORRIDOR_XML.replace("<messageType>CC015C", "<messageType>CC007C"),
        format!("{CORRIDOR_XML}<again/>"),
        format!("{CORRIDOR_XML}text"),
        CORRIDOR_XML.replace("</ncts:CC015C>", ""),
        format!("\u{feff}{CORRIDOR_XML}"),
    ];
    for (k, mutated) in root_cases.iter().enumerate() {
        cases += 1;
        proven += usize::from(agrees(
            mutated.as_bytes(),
            mt,
            &format!("root mutation {k}"),
        ));
    }
    let tight = Limits {
        max_depth: 4,
        ..Limits::default()
    };
    assert!(!proves_valid(CORRIDOR_XML.as_bytes(), mt, &tight));
    eprintln!("{cases} mutations, {proven} of them proven valid");
    assert!(cases >= 1000, "only {cases} mutations");
}
