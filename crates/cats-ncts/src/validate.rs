//! Structural validation of a message in the HMRC JSON shape against the schema tables.
//!
//! Equivalent to validating the XML form against the XSD (cardinalities, facets), plus the JSON
//! shape rules: repeatable elements are arrays, decimals and integers are JSON numbers, other
//! leaves are JSON strings. Every error is reported, not only the first.

use serde_json::{Map, Value};

use crate::facets;
use crate::schema::{Base, ComplexType, Element, MessageType, SimpleType};
use crate::FieldError;

/// Validate `value` as a `message_type` message and return every structural error (empty when
/// the message is structurally valid).
///
/// `value` is either the whole document `{"n1:CC015C": {...}}` or the body `{...}` alone.
/// Pointers are XPath-like as NCTS's errorPointer, 1-based on repeatable elements:
/// `/CC015C/Consignment/HouseConsignment[1]/ConsignmentItem[2]/Commodity/descriptionOfGoods`.
pub fn validate(message_type: MessageType, value: &Value) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let root = format!("/{}", message_type.code());
    match crate::body(message_type, value) {
        Ok(Value::Object(body)) => {
            walk(message_type.root(), body, &root, &mut errors);
            check_message_type(message_type, body, &root, &mut errors);
        }
        Ok(other) => errors.push(FieldError::new(
            &root,
            format!(
                "{} must be a JSON object; got {}",
                message_type.code(),
                kind(other)
            ),
        )),
        Err(e) => errors.push(e),
    }
    errors
}

/// The one check beyond the XSD: `messageType` must name the message's own type (the XSD only
/// requires a code of the MessageTypes list; NCTS refuses a CC007C that says it is a CC015C).
fn check_message_type(
    message_type: MessageType,
    body: &Map<String, Value>,
    root: &str,
    errors: &mut Vec<FieldError>,
) {
    if let Some(Value::String(code)) = body.get("messageType") {
        let code = code.trim();
        let valid_code = errors
            .iter()
            .all(|e| e.pointer != format!("{root}/messageType"));
        if valid_code && code != message_type.code() {
            errors.push(FieldError::new(
                &format!("{root}/messageType"),
                format!(
                    "messageType must be {}, the type of this message; got {code:?}",
                    message_type.code()
                ),
            ));
        }
    }
}

fn walk(ty: &ComplexType, obj: &Map<String, Value>, path: &str, errors: &mut Vec<FieldError>) {
    for attr in ty.attributes {
        let key = format!("@{}", attr.name);
        let pointer = format!("{path}/@{}", attr.name);
        match obj.get(&key) {
            None | Some(Value::Null) if attr.required => {
                errors.push(FieldError::new(
                    &pointer,
                    format!("attribute {} is required but missing", attr.name),
                ));
            }
            None | Some(Value::Null) => {}
            Some(v) => check_leaf(attr.name, attr.simple_type(), v, &pointer, errors),
        }
    }
    for element in ty.children {
        check_element(element, obj.get(element.name), path, errors);
    }
    for key in obj.keys() {
        let known = match key.strip_prefix('@') {
            Some(a) => ty.attributes.iter().any(|x| x.name == a),
            None => ty.child(key).is_some(),
        };
        if !known {
            let what = if key.starts_with('@') {
                "attribute"
            } else {
                "element"
            };
            let parent = path.rsplit('/').next().unwrap_or("");
            let parent = parent.split('[').next().unwrap_or(parent);
            errors.push(FieldError::new(
                &format!("{path}/{key}"),
                format!(
                    "unexpected {what} {key}: {parent} ({}) has no such {what}",
                    ty.name
                ),
            ));
        }
    }
}

fn check_element(
    element: &Element,
    value: Option<&Value>,
    path: &str,
    errors: &mut Vec<FieldError>,
) {
    let name = element.name;
    let occurrences: Vec<&Value> = match value {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) if element.is_repeatable() => items.iter().collect(),
        Some(Value::Array(_)) => {
            errors.push(FieldError::new(
                &format!("{path}/{name}"),
                format!("{name} occurs at most once and must not be a JSON array"),
            ));
            return;
        }
        Some(_) if element.is_repeatable() => {
            errors.push(FieldError::new(
                &format!("{path}/{name}"),
                format!(
                    "{name} is repeatable (up to {}) and must be a JSON array",
                    element.max_occurs
                ),
            ));
            return;
        }
        Some(v) => vec![v],
    };
    let count = occurrences.len();
    if count == 0 && element.min_occurs > 0 {
        errors.push(FieldError::new(
            &format!("{path}/{name}"),
            format!("{name} is required but missing"),
        ));
    } else if count < element.min_occurs as usize {
        errors.push(FieldError::new(
            &format!("{path}/{name}"),
            format!(
                "{name} must occur at least {} times; got {count}",
                element.min_occurs
            ),
        ));
    }
    if count > element.max_occurs as usize {
        errors.push(FieldError::new(
            &format!("{path}/{name}[{}]", element.max_occurs + 1),
            format!(
                "{name} may occur at most {} times; got {count}",
                element.max_occurs
            ),
        ));
    }
    for (i, item) in occurrences.iter().enumerate() {
        let pointer = if element.is_repeatable() {
            format!("{path}/{name}[{}]", i + 1)
        } else {
            format!("{path}/{name}")
        };
        if let Some(st) = element.simple() {
            check_leaf(name, st, item, &pointer, errors);
        } else if let Some(ct) = element.complex() {
            match item {
                Value::Object(obj) => walk(ct, obj, &pointer, errors),
                other => errors.push(FieldError::new(
                    &pointer,
                    format!(
                        "{name} is a group of elements and must be a JSON object; got {}",
                        kind(other)
                    ),
                )),
            }
        }
    }
}

/// Check one leaf value (element or attribute) against its simple type.
fn check_leaf(
    name: &str,
    st: &SimpleType,
    value: &Value,
    pointer: &str,
    errors: &mut Vec<FieldError>,
) {
    let text = match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        other => {
            let expected = if st.base.is_numeric() {
                "a JSON number"
            } else {
                "a JSON string"
            };
            errors.push(FieldError::new(
                pointer,
                format!(
                    "{name} must be {expected} ({}); got {}",
                    st.description,
                    kind(other)
                ),
            ));
            return;
        }
    };
    let normalized = st.base.normalize_whitespace(&text);
    if !facets::is_valid(st, &normalized) {
        errors.push(FieldError::new(
            pointer,
            format!("{name} must be {}; got {}", st.description, shown(value)),
        ));
        return;
    }
    let type_error = match (value, st.base.is_numeric()) {
        (Value::String(_), true) => Some("a JSON number, not a string"),
        (Value::Number(_), false) => Some("a JSON string, not a number"),
        _ => None,
    };
    if let Some(expected) = type_error {
        errors.push(FieldError::new(
            pointer,
            format!(
                "{name} must be {expected} ({}); got {}",
                st.description,
                shown(value)
            ),
        ));
    }
}

/// A short rendering of a value for messages: numbers as is, strings quoted and truncated.
pub(crate) fn shown(value: &Value) -> String {
    match value {
        Value::String(s) => {
            let mut t: String = s.chars().take(60).collect();
            if s.chars().count() > 60 {
                t.push('…');
            }
            format!("{t:?}")
        }
        Value::Number(n) => n.to_string(),
        other => kind(other).to_owned(),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The JSON number text of a decimal or integer leaf written in XML as `text`, when it has one
/// (`+5` and `.5` are valid XSD decimals but not JSON numbers; they are rewritten only for types
/// without patterns, whose verdict does not depend on the spelling).
pub(crate) fn numeric_json_text(st: &SimpleType, text: &str) -> Option<String> {
    if !st.base.is_numeric() {
        return None;
    }
    if facets::is_plain_json_number(text) {
        return Some(text.to_owned());
    }
    if st.patterns.is_empty() && st.base == Base::Decimal {
        return facets::canonical_json_number(text);
    }
    None
}

/// Make the JSON types of the leaves of `body` match the schema where the text is the same:
/// a number at a string leaf becomes its exact text, a string holding a plain decimal at a
/// decimal or integer leaf becomes that number. HMRC's own "valid" JSON samples write sequence
/// numbers as strings; CATS accepts them and always writes numbers.
pub(crate) fn coerce_leaf_types(ty: &ComplexType, body: &mut Map<String, Value>) {
    for element in ty.children {
        let Some(value) = body.get_mut(element.name) else {
            continue;
        };
        let items: Vec<&mut Value> = match value {
            Value::Array(items) => items.iter_mut().collect(),
            v => vec![v],
        };
        for item in items {
            match (element.simple(), element.complex(), item) {
                (Some(st), _, item @ Value::String(_)) if st.base.is_numeric() => {
                    let text = st
                        .base
                        .normalize_whitespace(item.as_str().unwrap_or_default());
                    if facets::is_plain_json_number(&text) {
                        if let Ok(n @ Value::Number(_)) = serde_json::from_str::<Value>(&text) {
                            *item = n;
                        }
                    }
                }
                (Some(st), _, item @ Value::Number(_)) if !st.base.is_numeric() => {
                    *item = Value::String(item.to_string());
                }
                (None, Some(ct), Value::Object(obj)) => coerce_leaf_types(ct, obj),
                _ => {}
            }
        }
    }
}
