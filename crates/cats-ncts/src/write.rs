//! Writing NCTS P5 messages from the HMRC JSON shape: XML in `xs:sequence` order with the
//! `ncts:CCnnnC` root, or JSON under the `n1:CCnnnC` key with keys in schema order.

use std::fmt::Write as _;

use serde_json::{Map, Value};

use crate::schema::{ComplexType, Element, MessageType, NCTS_NAMESPACE, PHASE_ID};

/// Why a value cannot be written as a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WriteError {
    /// The document's root key is not the message type's (`n1:CC015C` expected).
    #[error("the root key must be {expected}; got {found}")]
    RootMismatch {
        /// The expected root key, e.g. `n1:CC015C`.
        expected: String,
        /// The root key found.
        found: String,
    },
    /// The value at `pointer` has a shape the message cannot carry (unknown element, an object
    /// where a leaf is expected, a character XML 1.0 forbids, ...).
    #[error("{pointer}: {reason}")]
    Unwritable {
        /// XPath-like pointer, e.g. `/CC015C/Consignment/grossMass`.
        pointer: String,
        /// Readable reason.
        reason: String,
    },
}

fn unwritable(pointer: &str, reason: impl Into<String>) -> WriteError {
    WriteError::Unwritable {
        pointer: pointer.to_owned(),
        reason: reason.into(),
    }
}

fn body(message_type: MessageType, value: &Value) -> Result<&Map<String, Value>, WriteError> {
    let root = format!("/{}", message_type.code());
    match crate::body(message_type, value) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(unwritable(&root, "the message body must be a JSON object")),
        Err(e) => Err(match crate::single_root_key(value) {
            Some(found) => WriteError::RootMismatch {
                expected: message_type.json_root_key(),
                found: found.to_owned(),
            },
            None => unwritable(&e.pointer, e.reason),
        }),
    }
}

/// Write `value` (the document `{"n1:CC015C": {...}}` or its body) as NCTS P5 XML: an XML
/// declaration, the root `<ncts:CCnnnC PhaseID="..." xmlns:ncts="http://ncts.dgtaxud.ec">` (the
/// value's `@PhaseID`, or `NCTS5.0`), unqualified children in `xs:sequence` order, indented.
///
/// Values are written as given (no facet checks: run [`crate::validate`] first); numbers keep
/// their exact text. Errors: unknown elements or attributes, wrong shapes, characters XML 1.0
/// cannot carry.
pub fn write_xml(message_type: MessageType, value: &Value) -> Result<String, WriteError> {
    let body = body(message_type, value)?;
    let ty = message_type.root();
    let code = message_type.code();
    let path = format!("/{code}");
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = write!(out, "<ncts:{code}");
    let mut wrote_phase = false;
    for attr in ty.attributes {
        match body.get(&format!("@{}", attr.name)) {
            None | Some(Value::Null) => {}
            Some(v) => {
                let text = scalar_text(v, &format!("{path}/@{}", attr.name))?;
                let _ = write!(out, " {}=\"{}\"", attr.name, escape(&text, true, &path)?);
                wrote_phase |= attr.name == "PhaseID";
            }
        }
    }
    if !wrote_phase {
        let _ = write!(out, " PhaseID=\"{PHASE_ID}\"");
    }
    let _ = writeln!(out, " xmlns:ncts=\"{NCTS_NAMESPACE}\">");
    write_children(&mut out, ty, body, &path, 1)?;
    let _ = writeln!(out, "</ncts:{code}>");
    Ok(out)
}

fn write_children(
    out: &mut String,
    ty: &ComplexType,
    obj: &Map<String, Value>,
    path: &str,
    depth: usize,
) -> Result<(), WriteError> {
    for key in obj.keys() {
        let known = match key.strip_prefix('@') {
            Some(a) => depth == 1 && ty.attributes.iter().any(|x| x.name == a),
            None => ty.child(key).is_some(),
        };
        if !known {
            return Err(unwritable(
                &format!("{path}/{key}"),
                format!(
                    "{} ({}) has no element or attribute {key}",
                    last(path),
                    ty.name
                ),
            ));
        }
    }
    for element in ty.children {
        match obj.get(element.name) {
            None | Some(Value::Null) => {}
            Some(Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    write_element(
                        out,
                        element,
                        item,
                        &format!("{path}/{}[{}]", element.name, i + 1),
                        depth,
                    )?;
                }
            }
            Some(item) => write_element(
                out,
                element,
                item,
                &format!("{path}/{}", element.name),
                depth,
            )?,
        }
    }
    Ok(())
}

fn write_element(
    out: &mut String,
    element: &Element,
    value: &Value,
    pointer: &str,
    depth: usize,
) -> Result<(), WriteError> {
    let indent = "  ".repeat(depth);
    let name = element.name;
    if let Some(ct) = element.complex() {
        let Value::Object(obj) = value else {
            return Err(unwritable(
                pointer,
                format!("{name} is a group of elements and must be a JSON object"),
            ));
        };
        let _ = writeln!(out, "{indent}<{name}>");
        write_children(out, ct, obj, pointer, depth + 1)?;
        let _ = writeln!(out, "{indent}</{name}>");
    } else {
        let text = scalar_text(value, pointer)?;
        let _ = writeln!(
            out,
            "{indent}<{name}>{}</{name}>",
            escape(&text, false, pointer)?
        );
    }
    Ok(())
}

fn scalar_text(value: &Value, pointer: &str) -> Result<String, WriteError> {
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        _ => Err(unwritable(
            pointer,
            format!("{} must be a JSON string or number", last(pointer)),
        )),
    }
}

fn last(path: &str) -> &str {
    let seg = path.rsplit('/').next().unwrap_or(path);
    seg.split('[').next().unwrap_or(seg)
}

/// Escape text for element content (or an attribute value), refusing characters XML 1.0 forbids.
fn escape(text: &str, attribute: bool, pointer: &str) -> Result<String, WriteError> {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' if attribute => {
                let _ = write!(out, "&#{};", u32::from(c));
            }
            '\u{0}'..='\u{8}'
            | '\u{B}'
            | '\u{C}'
            | '\u{E}'..='\u{1F}'
            | '\u{FFFE}'
            | '\u{FFFF}' => {
                return Err(unwritable(
                    pointer,
                    format!(
                        "the character U+{:04X} cannot be written in XML 1.0",
                        u32::from(c)
                    ),
                ));
            }
            c => out.push(c),
        }
    }
    Ok(out)
}

/// Write `value` (the document or its body) as the HMRC JSON form: `{"n1:CCnnnC": {...}}` with
/// `@PhaseID` first (`NCTS5.0` when absent) and the keys of every group in schema order; keys the
/// schema does not know are kept, after the known ones. Compact JSON, numbers exact.
pub fn write_json(message_type: MessageType, value: &Value) -> String {
    let body = crate::body(message_type, value).unwrap_or(value);
    let mut ordered = match body {
        Value::Object(obj) => reorder(message_type.root(), obj),
        other => other.clone(),
    };
    if let Value::Object(obj) = &mut ordered {
        if !obj.contains_key("@PhaseID") {
            obj.shift_insert(0, "@PhaseID".to_owned(), Value::String(PHASE_ID.to_owned()));
        }
    }
    let mut doc = Map::new();
    doc.insert(message_type.json_root_key(), ordered);
    Value::Object(doc).to_string()
}

fn reorder(ty: &ComplexType, obj: &Map<String, Value>) -> Value {
    let mut out = Map::new();
    for (k, v) in obj.iter().filter(|(k, _)| k.starts_with('@')) {
        out.insert(k.clone(), v.clone());
    }
    for element in ty.children {
        let Some(v) = obj.get(element.name) else {
            continue;
        };
        let v = match (element.complex(), v) {
            (Some(ct), Value::Object(o)) => reorder(ct, o),
            (Some(ct), Value::Array(items)) => Value::Array(
                items
                    .iter()
                    .map(|i| match i {
                        Value::Object(o) => reorder(ct, o),
                        other => other.clone(),
                    })
                    .collect(),
            ),
            _ => v.clone(),
        };
        out.insert(element.name.to_owned(), v);
    }
    for (k, v) in obj {
        if !out.contains_key(k) {
            out.insert(k.clone(), v.clone());
        }
    }
    Value::Object(out)
}
