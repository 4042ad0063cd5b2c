//! CC917C (XML NACK) and CC906C (functional NACK): the answers, kept in the movement's history,
//! to a message about the movement that could not be taken at all: not well-formed against its
//! XSD (CC917C), or not a message type this endpoint takes (CC906C).

use serde_json::{json, Value};

use super::*;

/// The movement's reference for a NACK header: the MRN when allocated, else the LRN.
fn header(ctx: &OutContext) -> Value {
    let (key, value) = mrn_or_lrn(ctx.movement);
    json!({ key: value })
}

/// XmlErrorCodes (tcl.xsd): 13 missing, 12 incorrect enumeration, 15 not supported in this
/// position, 18 unspecified error / other.
fn xml_error_code(reason: &str) -> &'static str {
    let r = reason.to_lowercase();
    if r.contains("missing") || r.contains("required") {
        "13"
    } else if r.contains("not allowed") || r.contains("unexpected") || r.contains("has no element")
    {
        "15"
    } else if r.contains("one of") || r.contains("code list") {
        "12"
    } else {
        "18"
    }
}

/// CC917C: every structural error of the message as an `XMLError` (line and column are not
/// known after reading: 0).
pub(super) fn xml_nack(ctx: &OutContext) -> Value {
    let errors: Vec<Value> = ctx
        .failures
        .iter()
        .take(9999)
        .map(|f| {
            json!({
                "errorLineNumber": 0,
                "errorColumnNumber": 0,
                "errorPointer": f.pointer,
                "errorCode": xml_error_code(&f.reason),
                "errorText": f.reason,
            })
        })
        .collect();
    json!({ "Header": header(ctx), "XMLError": errors })
}

/// CC906C: the functional errors (CL180 codes) of a message that could not be processed.
pub(super) fn functional_nack(ctx: &OutContext) -> Value {
    let errors: Vec<Value> = ctx
        .failures
        .iter()
        .take(9999)
        .map(|f| {
            json!({
                "errorPointer": f.pointer,
                "errorCode": f.error_code.to_string(),
                "errorReason": f.rule_id,
                "originalAttributeValue": f.reason,
            })
        })
        .collect();
    json!({ "Header": header(ctx), "FunctionalError": errors })
}
