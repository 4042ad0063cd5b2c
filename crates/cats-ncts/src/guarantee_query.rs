//! CC034C (query on guarantees) in, CC037C (response) out.
//!
//! The XSD set 51.8.6 in `../shared` has no `cc034c.xsd` or `cc037c.xsd`, so these two messages are
//! read and written from their structure in the NCTS P5 design document, Appendix Q2 (IE034
//! E_GUA_QUE, IE037 E_GUA_RSP): the same element names, the HMRC JSON shape (root `n1:CC034C`) or
//! XML in namespace `http://ncts.dgtaxud.ec`, with the same hardening as every other message.

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use cats_domain::ids::{Declared, Eori, Grn};

use crate::{check_size_and_utf8, FieldError, Format, Limits};

fn number_or_text<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    struct V;
    impl<'de> serde::de::Visitor<'de> for V {
        type Value = u32;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a whole number")
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<u32, E> {
            u32::try_from(v).map_err(|_| E::custom("number too large"))
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<u32, E> {
            u32::try_from(v).map_err(|_| E::custom("number out of range"))
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<u32, E> {
            v.trim()
                .parse()
                .map_err(|_| E::custom(format!("{v:?} is not a whole number")))
        }
        // quick-xml presents an element's text as a map with the key `$text`.
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<u32, A::Error> {
            let mut found = None;
            while let Some(key) = map.next_key::<String>()? {
                let text: String = map.next_value()?;
                if key == "$text" || key == "$value" {
                    found = Some(text);
                }
            }
            let text = found.ok_or_else(|| serde::de::Error::custom("expected a whole number"))?;
            self.visit_str(&text)
        }
    }
    d.deserialize_any(V)
}

/// REQUESTER of a CC034C: who asks (identification number, role code CL156).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requester {
    /// EORI/TIN of the requester (an..17).
    #[serde(rename = "identificationNumber")]
    pub identification_number: Declared<Eori>,
    /// Role (CL156: 1 holder, 2 guarantor, 3 customs).
    #[serde(rename = "role", deserialize_with = "number_or_text")]
    pub role: u32,
}

/// GUARANTEE QUERY: what is asked (CL054 query identifier).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct GuaranteeQuery {
    /// CL054 query identifier (1 usage, 2 balance …); CATS answers with usage, exposure and balance.
    #[serde(rename = "queryIdentifier", deserialize_with = "number_or_text")]
    pub query_identifier: u32,
}

/// ACCESS CODE group.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessCodeGroup {
    /// The access code (an..4).
    #[serde(rename = "accessCode")]
    pub access_code: String,
}

/// GUARANTEE REFERENCE of a CC034C.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct QueriedGuarantee {
    /// 1..n (R0987).
    #[serde(rename = "sequenceNumber", deserialize_with = "number_or_text")]
    pub sequence_number: u32,
    /// Guarantee reference number (17 characters, ISO 6346 check digit).
    #[serde(rename = "GRN")]
    pub grn: Declared<Grn>,
    /// What is asked.
    #[serde(rename = "GuaranteeQuery")]
    pub query: GuaranteeQuery,
    /// The access code.
    #[serde(rename = "AccessCode")]
    pub access_code: AccessCodeGroup,
}

/// A CC034C query on guarantees.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Cc034c {
    /// Message sender (an..35).
    #[serde(rename = "messageSender")]
    pub message_sender: String,
    /// Message identification (an..35), echoed as `correlationIdentifier` in the CC037C.
    #[serde(rename = "messageIdentification")]
    pub message_identification: String,
    /// Must be `CC034C`.
    #[serde(rename = "messageType")]
    pub message_type: String,
    /// Who asks.
    #[serde(rename = "Requester")]
    pub requester: Requester,
    /// The guarantees asked about (1..99).
    #[serde(rename = "GuaranteeReference")]
    pub guarantee_reference: Vec<QueriedGuarantee>,
}

/// Read a CC034C as XML or JSON. Errors: size over the limit, invalid UTF-8, a DOCTYPE or entity
/// (refused), a wrong root or namespace, a structure that does not fit IE034, or 0 or more than
/// 99 guarantee references.
pub fn read_cc034c(
    bytes: &[u8],
    format: Format,
    limits: &Limits,
) -> Result<Cc034c, Vec<FieldError>> {
    let text = check_size_and_utf8(bytes, limits).map_err(|e| vec![e])?;
    let parsed: Result<Cc034c, String> = match format {
        Format::Json => {
            let value: Value = serde_json::from_str(text)
                .map_err(|e| vec![FieldError::new("/", format!("not JSON: {e}"))])?;
            let body = value
                .get("n1:CC034C")
                .ok_or_else(|| vec![FieldError::new("/", "the root key must be \"n1:CC034C\"")])?;
            serde_json::from_value(body.clone()).map_err(|e| e.to_string())
        }
        Format::Xml => {
            if text.contains("<!DOCTYPE") || text.contains("<!ENTITY") {
                return Err(vec![FieldError::new(
                    "/",
                    "DTDs and entity declarations are refused",
                )]);
            }
            let root_ok = text.contains("<ncts:CC034C")
                && text.contains("xmlns:ncts=\"http://ncts.dgtaxud.ec\"");
            if !root_ok {
                return Err(vec![FieldError::new(
                    "/",
                    "the root must be <ncts:CC034C xmlns:ncts=\"http://ncts.dgtaxud.ec\">",
                )]);
            }
            quick_xml::de::from_str(text).map_err(|e| e.to_string())
        }
    };
    let q = parsed.map_err(|e| {
        vec![FieldError::new(
            "/CC034C",
            format!("not a CC034C (IE034): {e}"),
        )]
    })?;
    let mut errors = Vec::new();
    if q.message_type != "CC034C" {
        errors.push(FieldError::new(
            "/CC034C/messageType",
            format!("must be CC034C, got {}", q.message_type),
        ));
    }
    if q.guarantee_reference.is_empty() || q.guarantee_reference.len() > 99 {
        errors.push(FieldError::new(
            "/CC034C/GuaranteeReference",
            "1 to 99 guarantee references",
        ));
    }
    for (i, g) in q.guarantee_reference.iter().enumerate() {
        if g.sequence_number as usize != i + 1 {
            errors.push(FieldError::new(
                &format!("/CC034C/GuaranteeReference[{}]/sequenceNumber", i + 1),
                format!("must be {} (R0987)", i + 1),
            ));
        }
    }
    if errors.is_empty() {
        Ok(q)
    } else {
        Err(errors)
    }
}

/// Write a value of the HMRC JSON shape (`{"n1:CCnnnC": {...}}`) as NCTS XML without a schema
/// table: object keys in their order become elements, arrays repeat their element, `@` keys become
/// attributes of the root. Used for CC037C, which has no XSD in the 51.8.6 set.
pub fn write_xml_unchecked(value: &Value) -> Result<String, String> {
    let (root, body) = match value {
        Value::Object(m) if m.len() == 1 => m
            .iter()
            .next()
            .map(|(k, v)| (k.clone(), v))
            .ok_or("empty")?,
        _ => return Err("expected {\"n1:CCnnnC\": {...}}".into()),
    };
    let name = root
        .strip_prefix("n1:")
        .ok_or("the root key must start with n1:")?;
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    let io = |e: std::io::Error| e.to_string();
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .map_err(io)?;
    let tag = format!("ncts:{name}");
    let mut start = BytesStart::new(tag.as_str());
    if let Value::Object(m) = body {
        for (k, v) in m {
            if let Some(attr) = k.strip_prefix('@') {
                start.push_attribute((attr, v.as_str().unwrap_or_default()));
            }
        }
    }
    start.push_attribute(("xmlns:ncts", "http://ncts.dgtaxud.ec"));
    w.write_event(Event::Start(start)).map_err(io)?;
    fn children(w: &mut Writer<Vec<u8>>, v: &Value) -> std::io::Result<()> {
        if let Value::Object(m) = v {
            for (k, child) in m {
                if k.starts_with('@') {
                    continue;
                }
                match child {
                    Value::Array(items) => {
                        for item in items {
                            element(w, k, item)?;
                        }
                    }
                    other => element(w, k, other)?,
                }
            }
        }
        Ok(())
    }
    fn element(w: &mut Writer<Vec<u8>>, name: &str, v: &Value) -> std::io::Result<()> {
        match v {
            Value::Null => Ok(()),
            Value::Object(_) => {
                w.write_event(Event::Start(BytesStart::new(name)))?;
                children(w, v)?;
                w.write_event(Event::End(BytesEnd::new(name)))
            }
            Value::String(s) => {
                w.write_event(Event::Start(BytesStart::new(name)))?;
                w.write_event(Event::Text(BytesText::new(s)))?;
                w.write_event(Event::End(BytesEnd::new(name)))
            }
            other => {
                let text = other.to_string();
                w.write_event(Event::Start(BytesStart::new(name)))?;
                w.write_event(Event::Text(BytesText::new(&text)))?;
                w.write_event(Event::End(BytesEnd::new(name)))
            }
        }
    }
    children(&mut w, body).map_err(io)?;
    w.write_event(Event::End(BytesEnd::new(tag.as_str())))
        .map_err(io)?;
    String::from_utf8(w.into_inner()).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const JSON: &str = r#"{"n1:CC034C": {"messageSender": "KZ840000123456", "messageRecipient": "NTA.KZ",
        "preparationDateAndTime": "2025-03-10T09:30:00", "messageIdentification": "Q1", "messageType": "CC034C",
        "Requester": {"identificationNumber": "KZ840000123456", "role": 1},
        "GuaranteeReference": [{"sequenceNumber": 1, "GRN": "25KZ0000SRI000010",
            "GuaranteeQuery": {"queryIdentifier": 1}, "AccessCode": {"accessCode": "1111"}}]}}"#;

    const XML: &str = r#"<ncts:CC034C PhaseID="NCTS5.0" xmlns:ncts="http://ncts.dgtaxud.ec">
  <messageSender>KZ840000123456</messageSender><messageRecipient>NTA.KZ</messageRecipient>
  <preparationDateAndTime>2025-03-10T09:30:00</preparationDateAndTime><messageIdentification>Q1</messageIdentification>
  <messageType>CC034C</messageType>
  <Requester><identificationNumber>KZ840000123456</identificationNumber><role>1</role></Requester>
  <GuaranteeReference><sequenceNumber>1</sequenceNumber><GRN>25KZ0000SRI000010</GRN>
    <GuaranteeQuery><queryIdentifier>1</queryIdentifier></GuaranteeQuery><AccessCode><accessCode>1111</accessCode></AccessCode>
  </GuaranteeReference>
</ncts:CC034C>"#;

    #[test]
    fn json_and_xml_read_alike() {
        let a = read_cc034c(JSON.as_bytes(), Format::Json, &Limits::default()).unwrap();
        let b = read_cc034c(XML.as_bytes(), Format::Xml, &Limits::default()).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.guarantee_reference[0].grn, "25KZ0000SRI000010");
        assert_eq!(a.guarantee_reference[0].access_code.access_code, "1111");
    }

    #[test]
    fn hostile_or_wrong_input_is_refused() {
        let dtd = format!("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>{XML}");
        assert!(read_cc034c(dtd.as_bytes(), Format::Xml, &Limits::default()).is_err());
        let other_root = XML.replace("CC034C", "CC015C");
        assert!(read_cc034c(other_root.as_bytes(), Format::Xml, &Limits::default()).is_err());
        let bad_seq = JSON.replace("\"sequenceNumber\": 1", "\"sequenceNumber\": 2");
        let e = read_cc034c(bad_seq.as_bytes(), Format::Json, &Limits::default()).unwrap_err();
        assert!(e[0].pointer.ends_with("sequenceNumber"));
        assert!(read_cc034c(b"\xff\xfe", Format::Json, &Limits::default()).is_err());
    }

    #[test]
    fn unchecked_writer_nests_and_repeats() {
        let v = serde_json::json!({"n1:CC037C": {"@PhaseID": "NCTS5.0", "messageType": "CC037C",
            "GuaranteeReference": [{"GRN": "A", "Usage": [{"MRN": "M1"}, {"MRN": "M2"}]}]}});
        let xml = write_xml_unchecked(&v).unwrap();
        assert!(
            xml.contains("<ncts:CC037C PhaseID=\"NCTS5.0\" xmlns:ncts=\"http://ncts.dgtaxud.ec\">"),
            "{xml}"
        );
        assert_eq!(xml.matches("<Usage>").count(), 2);
    }
}
