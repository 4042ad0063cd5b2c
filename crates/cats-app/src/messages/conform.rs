//! Shaping a message to its XSD type with the schema tables.

use serde_json::{json, Map, Value};

use cats_ncts::schema::{ComplexType, Element, SimpleType};

/// Shape `obj` as the complex type `ty` (an object of the HMRC JSON shape): the elements of
/// `ty` in sequence order, each leaf fitted to its simple type ([`fit_leaf`]), each group shaped
/// in turn; keys `ty` does not have are dropped, the root's `@` attributes kept. A group that
/// misses a required element is dropped from its parent (the parent is then incomplete in turn
/// when the group was required); the remaining occurrences of a repeated group are renumbered
/// when one was dropped (R0987). Returns the shaped object and whether it has every required
/// element.
pub(super) fn conform(ty: &ComplexType, obj: &Map<String, Value>) -> (Map<String, Value>, bool) {
    let mut out = Map::new();
    for attr in ty.attributes {
        let key = format!("@{}", attr.name);
        if let Some(v) = obj.get(&key) {
            out.insert(key, v.clone());
        }
    }
    let mut complete = true;
    for element in ty.children {
        let shaped = match obj.get(element.name) {
            None | Some(Value::Null) => None,
            Some(v) => shape(element, v),
        };
        match shaped {
            Some(v) => {
                out.insert(element.name.to_string(), v);
            }
            None if element.min_occurs > 0 => complete = false,
            None => {}
        }
    }
    (out, complete)
}

/// One element's value shaped to its declaration (see [`conform`]); `None` when nothing valid
/// is left.
pub(super) fn shape(element: &Element, value: &Value) -> Option<Value> {
    let items: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        single => vec![single],
    };
    let max = usize::try_from(element.max_occurs).unwrap_or(usize::MAX);
    if let Some(st) = element.simple() {
        let mut leaves: Vec<Value> = items.into_iter().filter_map(|v| fit_leaf(st, v)).collect();
        leaves.truncate(max);
        return if element.is_repeatable() {
            (!leaves.is_empty()).then_some(Value::Array(leaves))
        } else {
            leaves.into_iter().next()
        };
    }
    let ct = element.complex()?;
    let given = items.len();
    let mut groups: Vec<Map<String, Value>> = items
        .into_iter()
        .filter_map(|v| match v {
            Value::Object(o) => {
                let (shaped, complete) = conform(ct, o);
                complete.then_some(shaped)
            }
            _ => None,
        })
        .collect();
    if !element.is_repeatable() {
        return groups.into_iter().next().map(Value::Object);
    }
    groups.truncate(max);
    if groups.len() < given {
        for (i, g) in groups.iter_mut().enumerate() {
            if g.contains_key("sequenceNumber") {
                g.insert("sequenceNumber".into(), json!(i + 1));
            }
        }
    }
    (!groups.is_empty()).then(|| Value::Array(groups.into_iter().map(Value::Object).collect()))
}

/// A leaf fitted to its simple type: decimals and integers as JSON numbers, other leaves as
/// strings without control characters, whitespace normalised as the type's base says, trimmed
/// and cut to the maximum length. `None` for an empty text.
pub(super) fn fit_leaf(st: &SimpleType, value: &Value) -> Option<Value> {
    let text = match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    if st.base.is_numeric() {
        if value.is_number() {
            return Some(value.clone());
        }
        let t = text.trim();
        return match serde_json::from_str::<Value>(t) {
            Ok(n @ Value::Number(_)) => Some(n),
            _ => (!t.is_empty()).then(|| Value::String(t.to_string())),
        };
    }
    let cleaned: String = text
        .chars()
        .filter(|c| !matches!(c, '\u{FFFE}' | '\u{FFFF}'))
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut t = st.base.normalize_whitespace(&cleaned).trim().to_string();
    if let Some(max) = st.max_length.or(st.length) {
        let max = usize::try_from(max).unwrap_or(usize::MAX);
        if t.chars().count() > max {
            t = t
                .chars()
                .take(max)
                .collect::<String>()
                .trim_end()
                .to_string();
        }
    }
    (!t.is_empty()).then_some(Value::String(t))
}
