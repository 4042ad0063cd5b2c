//! The Single Transit Document form as data: each field is named by the pointer of its CC015C
//! element (`/CC015C/Consignment/HouseConsignment[1]/ConsignmentItem[2]/Commodity/descriptionOfGoods`),
//! the same pointer the structural validator and the business rules report, so that every error
//! lands beside the field it concerns. Pure: no IO.
//!
//! * [`declaration`] turns the form's fields into the CC015C document (HMRC JSON shape) that the
//!   API's lodging takes; empty fields and empty rows are left out, sequence numbers and goods item
//!   numbers are counted, the message header is filled in.
//! * [`fields_of`] turns a stored declaration back into fields (amendment).
//! * [`add_row`] and [`remove_row`] add and remove a row of a repeated group (house consignment,
//!   goods item, package, seal, office of transit …) without any script.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use cats_ncts::schema::ComplexType;
use cats_ncts::MessageType;

pub use super::std_layout::{Field, Kind, Node, LAYOUT};

/// Root of every field name.
pub const ROOT: &str = "/CC015C";

/// One segment of a pointer: an element name and, for a repeated element, its 1-based index.
fn segment(s: &str) -> (&str, Option<usize>) {
    match s.split_once('[') {
        Some((name, rest)) => (name, rest.trim_end_matches(']').parse().ok()),
        None => (s, None),
    }
}

/// The CC015C document `{"n1:CC015C": {...}}` of the form's fields, ready to lodge as JSON.
///
/// Fields outside `/CC015C`, with an empty value or with a pointer the schema does not know are
/// left out (the structural validator then names what is missing); rows left wholly empty are
/// dropped; then the header (`messageSender` = `holder`, `messageRecipient` = `NTA.` + the
/// country of the office of departure, `preparationDateAndTime` = `prepared`,
/// `messageIdentification` = `message_id`, `messageType`) is set and every repeated row is
/// numbered: `sequenceNumber` 1, 2, 3 …, goods items `goodsItemNumber` within their house
/// consignment and `declarationGoodsItemNumber` across the declaration, and `numberOfSeals`
/// counted.
pub fn declaration(
    fields: &BTreeMap<String, String>,
    holder: &str,
    prepared: &str,
    message_id: &str,
) -> Value {
    let root = MessageType::CC015C.root();
    let mut body = Map::new();
    for (pointer, value) in fields {
        let value = value.trim();
        let Some(rest) = pointer.strip_prefix(ROOT).and_then(|r| r.strip_prefix('/')) else {
            continue;
        };
        if value.is_empty() {
            continue;
        }
        insert(&mut body, root, rest, value);
    }
    prune(&mut body);
    let departure = body
        .get("CustomsOfficeOfDeparture")
        .and_then(|o| o.get("referenceNumber"))
        .and_then(Value::as_str)
        .map(|r| r.chars().take(2).collect::<String>())
        .unwrap_or_default();
    let header = [
        ("messageSender", holder.to_string()),
        ("messageRecipient", format!("NTA.{departure}")),
        ("preparationDateAndTime", prepared.to_string()),
        ("messageIdentification", message_id.to_string()),
        ("messageType", "CC015C".to_string()),
    ];
    for (k, v) in header {
        body.insert(k.into(), Value::String(v));
    }
    let holder_group = body
        .entry("HolderOfTheTransitProcedure")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(h) = holder_group {
        h.insert("identificationNumber".into(), Value::String(holder.into()));
    }
    let mut declared_items = 0;
    number(&mut body, root, &mut declared_items);
    body.insert("@PhaseID".into(), Value::String("NCTS5.0".into()));
    let mut doc = Map::new();
    doc.insert("n1:CC015C".into(), Value::Object(body));
    Value::Object(doc)
}

/// Put `value` at `path` (below `ty`) into `obj`, making arrays for the schema's repeated
/// elements. Unknown elements and malformed indexes are skipped.
fn insert(obj: &mut Map<String, Value>, ty: &ComplexType, path: &str, value: &str) {
    let (head, tail) = match path.split_once('/') {
        Some((h, t)) => (h, Some(t)),
        None => (path, None),
    };
    let (name, index) = segment(head);
    let Some((_, element)) = ty.child(name) else {
        return;
    };
    let slot: &mut Value = if element.is_repeatable() {
        let Some(i) = index.filter(|i| (1..=9999).contains(i)) else {
            return;
        };
        let items = obj.entry(name).or_insert_with(|| Value::Array(Vec::new()));
        let Value::Array(items) = items else { return };
        while items.len() < i {
            items.push(Value::Null);
        }
        &mut items[i - 1]
    } else {
        obj.entry(name).or_insert(Value::Null)
    };
    match (tail, element.complex()) {
        (Some(tail), Some(ct)) => {
            if !slot.is_object() {
                *slot = Value::Object(Map::new());
            }
            if let Value::Object(child) = slot {
                insert(child, ct, tail, value);
            }
        }
        (None, None) => *slot = Value::String(value.to_string()),
        _ => {}
    }
}

/// Drop nulls (rows nobody filled in) and groups left empty.
fn prune(obj: &mut Map<String, Value>) {
    for v in obj.values_mut() {
        match v {
            Value::Object(o) => prune(o),
            Value::Array(items) => {
                for i in items.iter_mut() {
                    if let Value::Object(o) = i {
                        prune(o);
                    }
                }
                items.retain(|i| matches!(i, Value::Object(o) if !o.is_empty()));
            }
            _ => {}
        }
    }
    obj.retain(|_, v| match v {
        Value::Null => false,
        Value::Object(o) => !o.is_empty(),
        Value::Array(a) => !a.is_empty(),
        _ => true,
    });
}

/// Number every repeated row, goods items, and seals.
fn number(obj: &mut Map<String, Value>, ty: &ComplexType, declared_items: &mut usize) {
    for element in ty.children {
        let Some(ct) = element.complex() else {
            continue;
        };
        let Some(v) = obj.get_mut(element.name) else {
            continue;
        };
        match v {
            Value::Array(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    let Value::Object(row) = item else { continue };
                    if element.name == "ConsignmentItem" {
                        *declared_items += 1;
                        row.insert("goodsItemNumber".into(), Value::from(i + 1));
                        row.insert(
                            "declarationGoodsItemNumber".into(),
                            Value::from(*declared_items),
                        );
                    } else if ct.child("sequenceNumber").is_some() {
                        row.insert("sequenceNumber".into(), Value::from(i + 1));
                    }
                    if element.name == "TransportEquipment" {
                        let seals = row.get("Seal").and_then(Value::as_array).map(Vec::len);
                        if let Some(n) = seals {
                            row.insert("numberOfSeals".into(), Value::from(n));
                        }
                    }
                    number(row, ct, declared_items);
                }
            }
            Value::Object(group) => number(group, ct, declared_items),
            _ => {}
        }
    }
}

/// The fields of a declaration (the document or its body): every leaf by its pointer, as text.
pub fn fields_of(declaration: &Value) -> BTreeMap<String, String> {
    let body = declaration.get("n1:CC015C").unwrap_or(declaration);
    let mut out = BTreeMap::new();
    if let Value::Object(obj) = body {
        flatten(obj, ROOT, &mut out);
    }
    out
}

fn flatten(obj: &Map<String, Value>, path: &str, out: &mut BTreeMap<String, String>) {
    for (k, v) in obj {
        if k.starts_with('@') {
            continue;
        }
        let here = format!("{path}/{k}");
        match v {
            Value::Object(o) => flatten(o, &here, out),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let indexed = format!("{here}[{}]", i + 1);
                    match item {
                        Value::Object(o) => flatten(o, &indexed, out),
                        leaf => {
                            out.insert(indexed, text(leaf));
                        }
                    }
                }
            }
            leaf => {
                out.insert(here, text(leaf));
            }
        }
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// How many rows the repeated group at `group` (`/CC015C/Consignment/HouseConsignment`) has in
/// `fields`: the highest index any field names.
pub fn rows(fields: &BTreeMap<String, String>, group: &str) -> usize {
    let prefix = format!("{group}[");
    fields
        .range(prefix.clone()..)
        .take_while(|(k, _)| k.starts_with(&prefix))
        .filter_map(|(k, _)| {
            k[prefix.len()..]
                .split_once(']')
                .and_then(|(n, _)| n.parse::<usize>().ok())
        })
        .max()
        .unwrap_or(0)
}

/// Add an empty row to the repeated group `group` after the rows shown (the form always shows
/// at least one): a field of the new row with no value, so that the row is shown. `first_field` is the path of the row's first field.
pub fn add_row(fields: &mut BTreeMap<String, String>, group: &str, first_field: &str) {
    let n = rows(fields, group).max(1) + 1;
    fields.insert(format!("{group}[{n}]/{first_field}"), String::new());
}

/// Remove row `row` (`/CC015C/Consignment/HouseConsignment[2]`) and number the rows after it
/// one lower, with everything inside them.
pub fn remove_row(fields: &mut BTreeMap<String, String>, row: &str) {
    let Some((group, index)) = row
        .rsplit_once('[')
        .and_then(|(g, i)| Some((g, i.strip_suffix(']')?.parse::<usize>().ok()?)))
    else {
        return;
    };
    let prefix = format!("{group}[");
    let moved: Vec<(String, String)> = fields
        .iter()
        .filter(|(k, _)| k.starts_with(&prefix))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (k, v) in moved {
        let rest = &k[prefix.len()..];
        let Some((n, tail)) = rest.split_once(']') else {
            continue;
        };
        let Ok(n) = n.parse::<usize>() else { continue };
        if n < index {
            continue;
        }
        fields.remove(&k);
        if n > index {
            fields.insert(format!("{group}[{}]{tail}", n - 1), v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (format!("{ROOT}/{k}"), v.to_string()))
            .collect()
    }

    #[test]
    fn rows_are_numbered_and_empty_rows_dropped() {
        let fields = form(&[
            ("TransitOperation/LRN", "L1"),
            ("CustomsOfficeOfDeparture/referenceNumber", "KZHOR001"),
            ("CustomsOfficeOfTransitDeclared[1]/referenceNumber", ""),
            (
                "CustomsOfficeOfTransitDeclared[2]/referenceNumber",
                "AZALA001",
            ),
            (
                "Consignment/HouseConsignment[1]/ConsignmentItem[1]/Commodity/descriptionOfGoods",
                "a",
            ),
            (
                "Consignment/HouseConsignment[1]/ConsignmentItem[2]/Commodity/descriptionOfGoods",
                "b",
            ),
            (
                "Consignment/HouseConsignment[2]/ConsignmentItem[1]/Commodity/descriptionOfGoods",
                "c",
            ),
            ("Consignment/TransportEquipment[1]/Seal[1]/identifier", "S1"),
            ("Consignment/TransportEquipment[1]/Seal[2]/identifier", "S2"),
            ("Unknown/thing", "x"),
        ]);
        let doc = declaration(&fields, "KZ840000123456", "2026-12-06T10:00:00", "M1");
        let body = &doc["n1:CC015C"];
        assert_eq!(body["messageRecipient"], "NTA.KZ");
        assert_eq!(
            body["HolderOfTheTransitProcedure"]["identificationNumber"],
            "KZ840000123456"
        );
        let transit = body["CustomsOfficeOfTransitDeclared"].as_array().unwrap();
        assert_eq!(transit.len(), 1, "the empty row is dropped");
        assert_eq!(transit[0]["sequenceNumber"], 1);
        let houses = body["Consignment"]["HouseConsignment"].as_array().unwrap();
        assert_eq!(houses[1]["sequenceNumber"], 2);
        assert_eq!(houses[1]["ConsignmentItem"][0]["goodsItemNumber"], 1);
        assert_eq!(
            houses[1]["ConsignmentItem"][0]["declarationGoodsItemNumber"],
            3
        );
        assert_eq!(
            body["Consignment"]["TransportEquipment"][0]["numberOfSeals"],
            2
        );
        assert!(body.get("Unknown").is_none());
    }

    #[test]
    fn a_declaration_read_back_gives_the_same_fields() {
        let fields = form(&[
            ("TransitOperation/LRN", "L1"),
            ("CustomsOfficeOfDeparture/referenceNumber", "KZHOR001"),
            (
                "Consignment/HouseConsignment[1]/ConsignmentItem[1]/Packaging[1]/numberOfPackages",
                "20",
            ),
        ]);
        let doc = declaration(&fields, "KZ840000123456", "2026-12-06T10:00:00", "M1");
        let back = fields_of(&doc);
        for (k, v) in &fields {
            assert_eq!(back.get(k), Some(v), "{k}");
        }
        assert_eq!(
            back["/CC015C/Consignment/HouseConsignment[1]/ConsignmentItem[1]/Packaging[1]/sequenceNumber"],
            "1"
        );
    }

    #[test]
    fn removing_a_row_numbers_the_rest_down() {
        let mut fields = form(&[
            ("Consignment/HouseConsignment[1]/grossMass", "1"),
            ("Consignment/HouseConsignment[2]/grossMass", "2"),
            (
                "Consignment/HouseConsignment[2]/ConsignmentItem[1]/Commodity/descriptionOfGoods",
                "b",
            ),
            ("Consignment/HouseConsignment[3]/grossMass", "3"),
        ]);
        remove_row(&mut fields, "/CC015C/Consignment/HouseConsignment[2]");
        assert_eq!(rows(&fields, "/CC015C/Consignment/HouseConsignment"), 2);
        assert_eq!(
            fields["/CC015C/Consignment/HouseConsignment[2]/grossMass"],
            "3"
        );
        assert!(!fields.values().any(|v| v == "b"));
        add_row(
            &mut fields,
            "/CC015C/Consignment/HouseConsignment",
            "grossMass",
        );
        assert_eq!(rows(&fields, "/CC015C/Consignment/HouseConsignment"), 3);
    }
}
