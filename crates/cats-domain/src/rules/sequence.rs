//! Sequence numbers (NCTS R0987) and item numbers (CATS009), checked over every data group.

use serde_json::Value;

use super::{fail, RuleFailure};
use crate::declaration::Cc015c;

/// R0987 over the declaration's JSON `Value`: what `super::sequence_walk` checks without building
/// it, kept for the shapes that walker refuses and as the reference it is tested against.
pub(super) fn sequence_numbers_in_value(d: &Cc015c, out: &mut Vec<RuleFailure>) {
    if let Ok(value) = serde_json::to_value(d) {
        walk(&value, "/CC015C", out);
    }
}

/// Walk every array of data groups carrying `sequenceNumber` and check they run 1..n.
fn walk(value: &Value, pointer: &str, out: &mut Vec<RuleFailure>) {
    let Value::Object(map) = value else { return };
    for (key, child) in map {
        match child {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let here = format!("{pointer}/{key}[{}]", i + 1);
                    if let Some(seq) = item.get("sequenceNumber") {
                        let expected = (i + 1) as u64;
                        if seq.as_u64() != Some(expected)
                            && seq.as_str() != Some(&expected.to_string())
                        {
                            fail(
                                out,
                                "R0987",
                                format!("{here}/sequenceNumber"),
                                format!(
                                    "sequenceNumber of {key} number {} is {seq} but must be {expected} (1, 2, 3 … in order)",
                                    i + 1
                                ),
                            );
                        }
                    }
                    walk(item, &here, out);
                }
            }
            Value::Object(_) => walk(child, &format!("{pointer}/{key}"), out),
            _ => {}
        }
    }
}

pub(super) fn check(d: &Cc015c, out: &mut Vec<RuleFailure>) {
    let before = out.len();
    if super::sequence_walk::check(d, "/CC015C", out).is_err() {
        out.truncate(before);
        sequence_numbers_in_value(d, out);
    }
    let mut declaration_item = 0u32;
    for (h, house) in d.consignment.house_consignment.iter().enumerate() {
        for (i, item) in house.consignment_item.iter().enumerate() {
            declaration_item += 1;
            let here = format!(
                "/CC015C/Consignment/HouseConsignment[{}]/ConsignmentItem[{}]",
                h + 1,
                i + 1
            );
            if item.goods_item_number != (i + 1) as u32 {
                fail(
                    out,
                    "CATS009",
                    format!("{here}/goodsItemNumber"),
                    format!(
                        "goodsItemNumber is {} but must be {} (1..n within the house consignment)",
                        item.goods_item_number,
                        i + 1
                    ),
                );
            }
            if item.declaration_goods_item_number != declaration_item {
                fail(
                    out,
                    "CATS009",
                    format!("{here}/declarationGoodsItemNumber"),
                    format!(
                        "declarationGoodsItemNumber is {} but must be {declaration_item} (1..n over the declaration)",
                        item.declaration_goods_item_number
                    ),
                );
            }
        }
    }
}
