//! Reading a message in whose type is one of those an endpoint accepts: the root (XML element
//! or JSON key) names the type; `cats_ncts::read` then checks the namespace, the structure and
//! every value against the XSD of that type.

use serde_json::Value;

use cats_ncts::{Format, Limits, MessageType};

use crate::error::{AppError, BodyError};

/// A message in, read and structurally valid.
#[derive(Debug, Clone)]
pub struct Incoming {
    /// Its type, one of those the endpoint accepts.
    pub message_type: MessageType,
    /// The document in the HMRC JSON shape (`{"n1:CC013C": {...}}`).
    pub value: Value,
    /// The body exactly as received.
    pub raw: String,
    /// XML or JSON, as received.
    pub format: Format,
}

impl Incoming {
    /// The message body (the content of `n1:CCnnnC`).
    pub fn body(&self) -> &Value {
        self.value
            .get(self.message_type.json_root_key())
            .unwrap_or(&Value::Null)
    }

    /// A leaf of the body by JSON pointer (`/TransitOperation/MRN`), as text.
    pub fn text(&self, pointer: &str) -> Option<&str> {
        self.body().pointer(pointer).and_then(Value::as_str)
    }

    /// Its messageIdentification (the correlationIdentifier of the answers).
    pub fn identification(&self) -> &str {
        self.text("/messageIdentification").unwrap_or_default()
    }

    /// `application/xml` or `application/json`, as received.
    pub fn content_type(&self) -> &'static str {
        crate::amend::content_type(self.format)
    }
}

fn codes(accepted: &[MessageType]) -> String {
    accepted
        .iter()
        .map(|m| m.code())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The local name of the root element of an XML document, when it can be found by skipping the
/// XML declaration, processing instructions, comments and whitespace. `None` otherwise (a
/// DOCTYPE, not XML): the reader then reports the problem.
fn xml_root(text: &str) -> Option<&str> {
    let mut rest = text.trim_start_matches('\u{FEFF}');
    loop {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix("<?") {
            rest = &r[r.find("?>")? + 2..];
        } else if let Some(r) = rest.strip_prefix("<!--") {
            rest = &r[r.find("-->")? + 3..];
        } else if let Some(r) = rest.strip_prefix('<') {
            let end = r
                .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .unwrap_or(r.len());
            let name = &r[..end];
            let local = name.rsplit(':').next().unwrap_or(name);
            return (!local.is_empty() && !local.starts_with('!')).then_some(local);
        } else {
            return None;
        }
    }
}

fn malformed(message_type: &str, errors: Vec<cats_ncts::FieldError>) -> AppError {
    AppError::Malformed {
        message_type: message_type.into(),
        errors: errors
            .into_iter()
            .map(|e| BodyError {
                pointer: e.pointer,
                reason: e.reason,
            })
            .collect(),
    }
}

/// Read a message of one of the `accepted` types (default [`Limits`]).
///
/// Errors (HTTP 400): a message of another type, or a root that is not an NCTS message, is
/// refused naming the accepted types; a wrong namespace, a body that is not XML/JSON or is not
/// well-formed, and every structural error of the message are [`AppError::Malformed`].
pub fn read_message(
    bytes: &[u8],
    format: Format,
    accepted: &[MessageType],
) -> Result<Incoming, AppError> {
    let first = accepted[0];
    let refuse = |found: &str| {
        AppError::Invalid(format!(
            "this endpoint accepts {}; got {found}",
            codes(accepted)
        ))
    };
    let text = std::str::from_utf8(bytes).ok();
    let found: Option<String> = match format {
        Format::Xml => text.and_then(xml_root).map(str::to_string),
        Format::Json => match text.and_then(|t| serde_json::from_str::<Value>(t).ok()) {
            Some(Value::Object(map)) => {
                let keys: Vec<&String> = map.keys().collect();
                match keys.as_slice() {
                    [key] => match key.strip_prefix("n1:") {
                        Some(code) => Some(code.to_string()),
                        None => {
                            return Err(refuse(&format!(
                                "the root key \"{key}\" (expected n1:CCnnnC)"
                            )))
                        }
                    },
                    _ => {
                        return Err(refuse(&format!(
                            "an object with the keys {} (expected the single key n1:CCnnnC)",
                            keys.iter()
                                .map(|k| format!("\"{k}\""))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )))
                    }
                }
            }
            Some(_) => return Err(refuse("JSON that is not an object")),
            None => None,
        },
    };
    let message_type = match found {
        // Not XML/JSON, or no root found: the reader of the first type says why.
        None => first,
        Some(code) => match accepted.iter().find(|m| m.code() == code) {
            Some(m) => *m,
            None => {
                let what = match MessageType::from_code(&code) {
                    Some(m) => format!("a {code} ({})", m.title()),
                    None if code.len() == 6 && code.starts_with("CC") => {
                        format!("a {code}, which this node does not take here")
                    }
                    None => format!("the root {code}, which is not an NCTS P5 message"),
                };
                return Err(refuse(&what));
            }
        },
    };
    let value = cats_ncts::read(bytes, format, message_type, &Limits::default())
        .map_err(|errors| malformed(message_type.code(), errors))?;
    Ok(Incoming {
        message_type,
        value,
        raw: String::from_utf8_lossy(bytes).into_owned(),
        format,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_root_after_the_prolog() {
        let xml = "\u{FEFF}<?xml version=\"1.0\"?>\n<!-- a -->\n<ncts:CC013C PhaseID=\"NCTS5.0\">";
        assert_eq!(xml_root(xml), Some("CC013C"));
        assert_eq!(xml_root("<CC014C/>"), Some("CC014C"));
        assert_eq!(xml_root("<!DOCTYPE x><x/>"), None);
        assert_eq!(xml_root("{}"), None);
    }

    #[test]
    fn refuses_other_types_naming_the_accepted_ones() {
        let accepted = [MessageType::CC013C, MessageType::CC014C];
        let xml = b"<ncts:CC015C xmlns:ncts=\"http://ncts.dgtaxud.ec\"/>";
        match read_message(xml, Format::Xml, &accepted) {
            Err(AppError::Invalid(m)) => {
                assert!(m.contains("accepts CC013C, CC014C; got a CC015C"), "{m}")
            }
            other => panic!("{other:?}"),
        }
        match read_message(br#"{"n1:CC007C": {}}"#, Format::Json, &accepted) {
            Err(AppError::Invalid(m)) => assert!(m.contains("got a CC007C"), "{m}"),
            other => panic!("{other:?}"),
        }
        match read_message(br#"{"CC013C": {}}"#, Format::Json, &accepted) {
            Err(AppError::Invalid(m)) => assert!(m.contains("root key"), "{m}"),
            other => panic!("{other:?}"),
        }
        // Right root, wrong namespace: the reader says so.
        let xml = b"<x:CC013C xmlns:x=\"http://example.com\"/>";
        match read_message(xml, Format::Xml, &accepted) {
            Err(AppError::Malformed { errors, .. }) => {
                assert!(errors[0].reason.contains("namespace"), "{errors:?}")
            }
            other => panic!("{other:?}"),
        }
        match read_message(b"not xml", Format::Xml, &accepted) {
            Err(AppError::Malformed { message_type, .. }) => assert_eq!(message_type, "CC013C"),
            other => panic!("{other:?}"),
        }
    }
}
