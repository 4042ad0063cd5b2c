//! Hardened reading: DTD/XXE, entity expansion, limits, encodings, root element and key.

use cats_ncts::{read, read_xml, FieldError, Format, Limits, MessageType};
use serde_json::Value;

use super::{has, CORRIDOR_JSON, CORRIDOR_XML};

fn is_refused(result: Result<Value, Vec<FieldError>>, reason_part: &str) {
    match result {
        Ok(_) => panic!("accepted; expected a refusal mentioning {reason_part:?}"),
        Err(errors) => {
            assert_eq!(errors.len(), 1, "{errors:#?}");
            assert_eq!(errors[0].pointer, "/");
            assert!(
                errors[0].reason.contains(reason_part),
                "{:?} does not mention {reason_part:?}",
                errors[0].reason
            );
        }
    }
}

fn xml_read(text: &str) -> Result<Value, Vec<FieldError>> {
    read(
        text.as_bytes(),
        Format::Xml,
        MessageType::CC015C,
        &Limits::default(),
    )
}

#[test]
fn xxe_and_dtd_are_refused() {
    let xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n\
               <ncts:CC015C xmlns:ncts=\"http://ncts.dgtaxud.ec\"><messageSender>&xxe;</messageSender></ncts:CC015C>";
    is_refused(xml_read(xxe), "DOCTYPE");
    let dtd = "<!DOCTYPE ncts:CC015C SYSTEM \"http://example.com/x.dtd\"><ncts:CC015C xmlns:ncts=\"http://ncts.dgtaxud.ec\"/>";
    is_refused(xml_read(dtd), "DOCTYPE");
    // An entity reference without any declaration is not expanded either.
    let undeclared = CORRIDOR_XML.replace("KZHOR-2025-000123", "&xxe;");
    is_refused(xml_read(&undeclared), "not well-formed");
}

#[test]
fn billion_laughs_is_refused() {
    let mut doc =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n");
    for i in 1..=9 {
        let prev = if i == 1 {
            "lol".to_owned()
        } else {
            format!("lol{}", i - 1)
        };
        doc.push_str(&format!(
            "<!ENTITY lol{i} \"{}\">\n",
            format!("&{prev};").repeat(10)
        ));
    }
    doc.push_str("]>\n<ncts:CC015C xmlns:ncts=\"http://ncts.dgtaxud.ec\"><messageSender>&lol9;</messageSender></ncts:CC015C>");
    is_refused(xml_read(&doc), "DOCTYPE");
}

#[test]
fn limits_are_enforced() {
    let deep = format!(
        "<ncts:CC015C xmlns:ncts=\"http://ncts.dgtaxud.ec\">{}{}</ncts:CC015C>",
        "<a>".repeat(40),
        "</a>".repeat(40)
    );
    is_refused(xml_read(&deep), "nested deeper than 32");
    let tight = |f: fn(&mut Limits)| {
        let mut l = Limits::default();
        f(&mut l);
        l
    };
    let few = tight(|l| l.max_elements = 50);
    is_refused(
        read(
            CORRIDOR_XML.as_bytes(),
            Format::Xml,
            MessageType::CC015C,
            &few,
        ),
        "more than 50 elements",
    );
    is_refused(
        read(
            CORRIDOR_JSON.as_bytes(),
            Format::Json,
            MessageType::CC015C,
            &few,
        ),
        "more than 50 elements",
    );
    let shallow = tight(|l| l.max_depth = 4);
    is_refused(
        read(
            CORRIDOR_XML.as_bytes(),
            Format::Xml,
            MessageType::CC015C,
            &shallow,
        ),
        "nested deeper than 4",
    );
    is_refused(
        read(
            CORRIDOR_JSON.as_bytes(),
            Format::Json,
            MessageType::CC015C,
            &shallow,
        ),
        "nested deeper than 4",
    );
    let small = tight(|l| l.max_bytes = 1000);
    is_refused(
        read(
            CORRIDOR_XML.as_bytes(),
            Format::Xml,
            MessageType::CC015C,
            &small,
        ),
        "the limit is 1000 bytes",
    );
    is_refused(
        read(
            CORRIDOR_JSON.as_bytes(),
            Format::Json,
            MessageType::CC015C,
            &small,
        ),
        "the limit is 1000 bytes",
    );
    // The defaults leave room for a real declaration.
    assert_eq!(
        Limits::default(),
        Limits {
            max_bytes: 4 << 20,
            max_depth: 32,
            max_elements: 200_000
        }
    );
}

#[test]
fn invalid_utf8_and_other_encodings_are_refused() {
    let mut bytes = CORRIDOR_XML.as_bytes().to_vec();
    let at = CORRIDOR_XML.find("Khorgos Gateway").unwrap();
    bytes[at] = 0xFF;
    is_refused(
        read(&bytes, Format::Xml, MessageType::CC015C, &Limits::default()),
        "not valid UTF-8",
    );
    let mut json = CORRIDOR_JSON.as_bytes().to_vec();
    json[CORRIDOR_JSON.find("Khorgos Gateway").unwrap()] = 0xC3;
    is_refused(
        read(&json, Format::Json, MessageType::CC015C, &Limits::default()),
        "not valid UTF-8",
    );
    let xml11 = CORRIDOR_XML.replace("version=\"1.0\"", "version=\"1.1\"");
    is_refused(xml_read(&xml11), "only XML 1.0");
    let latin1 = CORRIDOR_XML.replace("encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\"");
    is_refused(xml_read(&latin1), "only UTF-8");
    let control = CORRIDOR_XML.replace("Khorgos Gateway", "Khorgos\u{1}Gateway");
    is_refused(xml_read(&control), "U+0001");
}

#[test]
fn root_element_namespace_and_json_root_key_are_checked() {
    is_refused(
        xml_read("not xml at all"),
        "not well-formed XML: text outside the root element",
    );
    is_refused(
        xml_read("<ncts:CC015C xmlns:ncts=\"http://ncts.dgtaxud.ec\"><b></ncts:CC015C>"),
        "not well-formed XML",
    );
    is_refused(xml_read(""), "no root element");
    let other = CORRIDOR_XML.replace("ncts:CC015C", "ncts:CC013C");
    is_refused(xml_read(&other), "the root element must be CC015C");
    let no_ns = CORRIDOR_XML.replace(
        " xmlns:ncts=\"http://ncts.dgtaxud.ec\"",
        " xmlns:ncts=\"urn:other\"",
    );
    is_refused(xml_read(&no_ns), "in the namespace urn:other");
    let qualified = CORRIDOR_XML.replace(
        "<messageRecipient>NTA.KZ</messageRecipient>",
        "<ncts:messageRecipient>NTA.KZ</ncts:messageRecipient>",
    );
    let errors = read_xml(
        qualified.as_bytes(),
        MessageType::CC015C,
        &Limits::default(),
    )
    .unwrap_err();
    assert!(
        has(&errors, "/CC015C/messageRecipient", "must be unqualified"),
        "{errors:#?}"
    );
    let json = CORRIDOR_JSON.replacen("n1:CC015C", "n1:CC013C", 1);
    is_refused(
        read(
            json.as_bytes(),
            Format::Json,
            MessageType::CC015C,
            &Limits::default(),
        ),
        "\"n1:CC015C\"",
    );
    is_refused(
        read(
            b"{\"n1:CC015C\": {}} }",
            Format::Json,
            MessageType::CC015C,
            &Limits::default(),
        ),
        "not well-formed JSON",
    );
    is_refused(
        read(
            b"[1]",
            Format::Json,
            MessageType::CC015C,
            &Limits::default(),
        ),
        "single key",
    );
}
