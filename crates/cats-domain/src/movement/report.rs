//! The control record: what an officer found at a control (findings, the seals checked or
//! replaced, remarks) and the rules a record must satisfy before it is kept (`CATS024` to
//! `CATS031`), and the documents a control decision asks for (`CATS032`); listed in
//! [`CONTROL_RULES`] and `docs/rules.md`.
//!
//! NCTS P5 carries a control's outcome as a result code (CL198: A1, A2, A3, B1) with a text, and
//! the state of the seals as a flag (CC044C `stateOfSeals`: 0 not OK, 1 OK). CATS keeps
//! the record behind the code: each finding with its kind and the goods item it concerns, each
//! seal by its identifier (`SealType05/identifier`, an..20) with the condition it was found in,
//! and the seals put in place of broken ones. Photos and documents are attached afterwards
//! ([`ControlAttachment`]). Nothing here does IO.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{ControlRecord, ControlResultCode};
use crate::declaration::Cc015c;
use crate::rules::{Rule, RuleFailure};

/// Longest text of a finding or of the remarks, in characters (NCTS free texts are an..512).
pub const MAX_TEXT: usize = 512;

/// Most findings, seals checked and seals replaced in one record (NCTS groups of seals are
/// 0..99).
pub const MAX_ENTRIES: usize = 99;

/// Longest seal identifier (NCTS `SealType05/identifier`, an..20).
pub const MAX_SEAL_ID: usize = 20;

/// What a control found (CATS's own classification; NCTS has no code list for it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum FindingKind {
    /// The goods are not those described (nature, description).
    GoodsNotAsDeclared,
    /// Number of packages or quantity differs.
    Quantity,
    /// Gross or net mass (kg) differs.
    Mass,
    /// The HS code declared is wrong.
    CommodityCode,
    /// Goods found that were not declared.
    UndeclaredGoods,
    /// Declared goods not found.
    MissingGoods,
    /// Seals broken, missing or not as declared.
    Seals,
    /// Documents missing, wrong or not matching the goods.
    Documents,
    /// Means of transport or transport equipment not as declared.
    Transport,
    /// Goods prohibited or restricted.
    ProhibitedOrRestricted,
    /// Anything else, said in the description.
    Other,
}

impl FindingKind {
    /// The name as written in the API (`mass`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::GoodsNotAsDeclared => "goods_not_as_declared",
            Self::Quantity => "quantity",
            Self::Mass => "mass",
            Self::CommodityCode => "commodity_code",
            Self::UndeclaredGoods => "undeclared_goods",
            Self::MissingGoods => "missing_goods",
            Self::Seals => "seals",
            Self::Documents => "documents",
            Self::Transport => "transport",
            Self::ProhibitedOrRestricted => "prohibited_or_restricted",
            Self::Other => "other",
        }
    }
}

/// One finding of a control.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Finding {
    /// What kind of discrepancy.
    pub kind: FindingKind,
    /// The goods item concerned: its `declarationGoodsItemNumber` (1..1999) in the CC015C.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goods_item: Option<u32>,
    /// What was found, 1 to 512 characters.
    pub description: String,
    /// What the declaration says (e.g. `1200 kg`), if the officer gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declared: Option<String>,
    /// What was found instead (e.g. `1450 kg`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub found: Option<String>,
}

/// Condition a seal was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum SealCondition {
    /// In place and unbroken (NCTS stateOfSeals 1).
    Intact,
    /// In place but broken or tampered with (stateOfSeals 0).
    Broken,
    /// Not there (stateOfSeals 0).
    Missing,
}

/// A seal checked at the control.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SealObservation {
    /// Seal identifier, as in place on the movement.
    pub identifier: String,
    /// Intact, broken or missing.
    pub condition: SealCondition,
}

/// A seal replaced at the control: `new_identifier` now stands where `identifier` stood (same
/// transport equipment).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SealReplacement {
    /// The seal taken off (in place on the movement).
    pub identifier: String,
    /// The seal affixed instead (an..20).
    pub new_identifier: String,
}

/// The seals part of a control record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SealsCheck {
    /// Seals checked, each with its condition.
    #[serde(default)]
    pub checked: Vec<SealObservation>,
    /// Seals replaced by new ones.
    #[serde(default)]
    pub replaced: Vec<SealReplacement>,
}

impl SealsCheck {
    /// Whether a seal was found broken or missing.
    pub fn any_not_intact(&self) -> bool {
        self.checked
            .iter()
            .any(|s| s.condition != SealCondition::Intact)
    }
}

/// A document the office asks the holder to present with its control decision (CC060C
/// `RequestedDocument`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestedDocument {
    /// Document type, 4 characters of the NCTS document type code list (CL213), e.g. `N380`
    /// commercial invoice, `N730` road consignment note.
    pub document_type: String,
    /// What is asked for, at most 512 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// What the officer reports with a control result: findings, seals, remarks. All optional; the
/// rules of [`check_report`] say which are needed with which result code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ControlReport {
    /// Findings, in the officer's order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
    /// Seals checked or replaced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seals: Option<SealsCheck>,
    /// Free remarks (an..512).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remarks: Option<String>,
}

/// A photo or document attached to a control record. The bytes are kept by the store; the
/// record keeps what identifies them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ControlAttachment {
    /// Attachment id.
    pub id: Uuid,
    /// File name, made safe for a `Content-Disposition` header.
    pub filename: String,
    /// Media type (`image/jpeg`, `application/pdf` …).
    pub content_type: String,
    /// Size in bytes.
    pub size: u64,
    /// Hex SHA-256 of the bytes.
    pub sha256: String,
    /// When uploaded (UTC).
    pub uploaded_at: DateTime<Utc>,
    /// Username of the officer who uploaded it.
    pub uploaded_by: String,
}

/// What a control record is checked against: the seals in place on the movement and the goods
/// items of its declaration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ControlContext {
    /// Seal identifiers in place: declared, with every replacement recorded so far applied.
    pub seals_in_place: Vec<String>,
    /// The `declarationGoodsItemNumber`s of the declaration.
    pub goods_items: BTreeSet<u32>,
}

impl ControlContext {
    /// The context of a movement with this declaration and these control records.
    pub fn of(declaration: &Cc015c, controls: &[ControlRecord]) -> Self {
        let declared: Vec<String> = declaration
            .consignment
            .transport_equipment
            .iter()
            .flat_map(|e| e.seal.iter().map(|s| s.identifier.clone()))
            .collect();
        let goods_items = declaration
            .consignment
            .house_consignment
            .iter()
            .flat_map(|h| h.consignment_item.iter())
            .map(|i| i.declaration_goods_item_number)
            .collect();
        Self {
            seals_in_place: seals_in_place(&declared, controls),
            goods_items,
        }
    }
}

/// The seals in place after the controls recorded: each declared seal followed through its
/// replacements ([`seal_now`]).
pub fn seals_in_place(declared: &[String], controls: &[ControlRecord]) -> Vec<String> {
    declared.iter().map(|s| seal_now(s, controls)).collect()
}

/// The seal that stands where seal `declared` stood, after the replacements recorded at the
/// controls, control after control in the order they were recorded (the replacements of one
/// control at once, so that two seals may trade places); `declared` itself when none replaced it.
pub fn seal_now(declared: &str, controls: &[ControlRecord]) -> String {
    controls
        .iter()
        .filter_map(|c| c.report.seals.as_ref())
        .fold(declared.to_string(), |now, seals| {
            match seals.replaced.iter().find(|r| r.identifier == now) {
                Some(r) => r.new_identifier.clone(),
                None => now,
            }
        })
}

/// The rules a control record must satisfy, in the order [`check_report`] runs them.
#[rustfmt::skip]
pub const CONTROL_RULES: &[Rule] = &[
    Rule { id: "CATS024", error_code: 13, text: "A control result B1 (not satisfactory) records at least one finding." },
    Rule { id: "CATS025", error_code: 15, text: "A control result A1 (satisfactory) records no finding; minor discrepancies are A2 (considered satisfactory)." },
    Rule { id: "CATS026", error_code: 13, text: "A control result A3 (seals OK) records a seal check in which at least one seal was checked and every seal checked is intact." },
    Rule { id: "CATS027", error_code: 14, text: "Every seal checked or replaced is a seal in place on the movement (declared in TransportEquipment/Seal or affixed at an earlier control), named once." },
    Rule { id: "CATS028", error_code: 14, text: "A seal found broken or missing makes the result A2 or B1 and is recorded as a finding of kind seals." },
    Rule { id: "CATS029", error_code: 14, text: "A new seal's identifier has 1 to 20 characters (NCTS SealType05, an..20), differs from every other seal in place and is given once." },
    Rule { id: "CATS030", error_code: 14, text: "A finding has a description of 1 to 512 characters, and its goods item, when given, is a declarationGoodsItemNumber of the declaration." },
    Rule { id: "CATS031", error_code: 14, text: "A control record has at most 99 findings, 99 seals checked and 99 seals replaced, and remarks of at most 512 characters." },
    Rule { id: "CATS032", error_code: 14, text: "A control decision asks for at most 99 documents, each with a document type of 4 letters or digits (NCTS CL213, an4) and a description of at most 512 characters." },
];

/// Check the documents a control decision asks for (rule CATS032), every failure with a JSON
/// pointer into the request (`/requestedDocuments/0/documentType`); empty when they may be kept.
pub fn check_decision(requested: &[RequestedDocument]) -> Vec<RuleFailure> {
    let mut out = Vec::new();
    if requested.len() > MAX_ENTRIES {
        fail(
            &mut out,
            "CATS032",
            "/requestedDocuments".into(),
            format!("at most {MAX_ENTRIES} documents, here {}", requested.len()),
        );
    }
    for (i, d) in requested.iter().enumerate() {
        let t = &d.document_type;
        if t.len() != 4 || !t.bytes().all(|b| b.is_ascii_alphanumeric()) {
            fail(
                &mut out,
                "CATS032",
                format!("/requestedDocuments/{i}/documentType"),
                format!("document type {t:?} is not 4 letters or digits (CL213, e.g. N380)"),
            );
        }
        if d.description
            .as_deref()
            .is_some_and(|x| x.chars().count() > MAX_TEXT)
        {
            fail(
                &mut out,
                "CATS032",
                format!("/requestedDocuments/{i}/description"),
                format!("a description has at most {MAX_TEXT} characters"),
            );
        }
    }
    out
}

fn fail(out: &mut Vec<RuleFailure>, id: &str, pointer: String, reason: String) {
    let error_code = CONTROL_RULES
        .iter()
        .find(|r| r.id == id)
        .map_or(14, |r| r.error_code);
    out.push(RuleFailure {
        rule_id: id.to_string(),
        error_code,
        pointer,
        reason,
    });
}

fn text_ok(s: &str) -> bool {
    let n = s.trim().chars().count();
    n > 0 && s.chars().count() <= MAX_TEXT
}

/// Check a control report given with `result` against the movement's `context`. Returns every
/// failure (never only the first), each with its rule id (`CATS024` to `CATS031`) and a JSON
/// pointer (RFC 6901) into the request body (`/findings/0/description`); empty when the record
/// may be kept.
pub fn check_report(
    report: &ControlReport,
    result: ControlResultCode,
    context: &ControlContext,
) -> Vec<RuleFailure> {
    let mut out = Vec::new();
    let findings = &report.findings;
    match result {
        ControlResultCode::B1 if findings.is_empty() => fail(
            &mut out,
            "CATS024",
            "/findings".into(),
            "a not satisfactory control (B1) says what was found: give at least one finding".into(),
        ),
        ControlResultCode::A1 if !findings.is_empty() => fail(
            &mut out,
            "CATS025",
            "/findings".into(),
            format!(
                "a satisfactory control (A1) has no findings, this one {}; use A2 (considered satisfactory) for minor discrepancies",
                findings.len()
            ),
        ),
        _ => {}
    }
    let seals = report.seals.clone().unwrap_or_default();
    if result == ControlResultCode::A3 && (seals.checked.is_empty() || seals.any_not_intact()) {
        fail(
            &mut out,
            "CATS026",
            "/seals/checked".into(),
            "result A3 (seals OK) needs the seals checked, every one intact".into(),
        );
    }
    check_seals(&seals, result, findings, context, &mut out);
    for (i, f) in findings.iter().enumerate() {
        if !text_ok(&f.description) {
            fail(
                &mut out,
                "CATS030",
                format!("/findings/{i}/description"),
                format!("a finding's description has 1 to {MAX_TEXT} characters"),
            );
        }
        for (name, value) in [("declared", &f.declared), ("found", &f.found)] {
            if value.as_deref().is_some_and(|v| !text_ok(v)) {
                fail(
                    &mut out,
                    "CATS030",
                    format!("/findings/{i}/{name}"),
                    format!("{name} has 1 to {MAX_TEXT} characters when given"),
                );
            }
        }
        if let Some(item) = f.goods_item {
            if !context.goods_items.contains(&item) {
                fail(
                    &mut out,
                    "CATS030",
                    format!("/findings/{i}/goodsItem"),
                    format!(
                        "goods item {item} is not a declarationGoodsItemNumber of the declaration (it has {})",
                        describe_items(&context.goods_items)
                    ),
                );
            }
        }
    }
    for (name, n) in [
        ("/findings", findings.len()),
        ("/seals/checked", seals.checked.len()),
        ("/seals/replaced", seals.replaced.len()),
    ] {
        if n > MAX_ENTRIES {
            fail(
                &mut out,
                "CATS031",
                name.into(),
                format!("at most {MAX_ENTRIES} entries, here {n}"),
            );
        }
    }
    if let Some(r) = &report.remarks {
        if r.chars().count() > MAX_TEXT {
            fail(
                &mut out,
                "CATS031",
                "/remarks".into(),
                format!("remarks have at most {MAX_TEXT} characters"),
            );
        }
    }
    out
}

fn describe_items(items: &BTreeSet<u32>) -> String {
    match (items.first(), items.last()) {
        (Some(a), Some(b)) if a == b => format!("item {a}"),
        (Some(a), Some(b)) => format!("items {a} to {b}"),
        _ => "no items".into(),
    }
}

/// CATS027 over the seals of one list (`checked` or `replaced`): each is in place, and named once.
fn in_place_once<'a>(
    out: &mut Vec<RuleFailure>,
    context: &ControlContext,
    list: &str,
    ids: impl Iterator<Item = &'a str>,
) {
    let mut seen = BTreeSet::new();
    for (i, id) in ids.enumerate() {
        let reason = if !context.seals_in_place.iter().any(|s| s == id) {
            let place = if context.seals_in_place.is_empty() {
                "the movement has no seals".to_string()
            } else {
                format!("seals in place: {}", context.seals_in_place.join(", "))
            };
            format!("seal {id:?} is not in place on the movement ({place})")
        } else if !seen.insert(id) {
            format!("seal {id} is {list} twice")
        } else {
            continue;
        };
        fail(
            out,
            "CATS027",
            format!("/seals/{list}/{i}/identifier"),
            reason,
        );
    }
}

fn check_seals(
    seals: &SealsCheck,
    result: ControlResultCode,
    findings: &[Finding],
    context: &ControlContext,
    out: &mut Vec<RuleFailure>,
) {
    let in_place = |id: &str| context.seals_in_place.iter().any(|s| s == id);
    let checked = seals.checked.iter().map(|s| s.identifier.as_str());
    in_place_once(out, context, "checked", checked);
    let taken_off = seals.replaced.iter().map(|r| r.identifier.as_str());
    in_place_once(out, context, "replaced", taken_off);
    let mut new_ids = BTreeSet::new();
    for (i, r) in seals.replaced.iter().enumerate() {
        let n = r.new_identifier.chars().count();
        let printable = r.new_identifier.chars().all(|c| c.is_ascii_graphic());
        if n == 0 || n > MAX_SEAL_ID || !printable {
            fail(
                out,
                "CATS029",
                format!("/seals/replaced/{i}/newIdentifier"),
                format!(
                    "a seal identifier has 1 to {MAX_SEAL_ID} printable characters without spaces"
                ),
            );
        } else if !new_ids.insert(r.new_identifier.as_str())
            || (in_place(&r.new_identifier)
                && !seals
                    .replaced
                    .iter()
                    .any(|o| o.identifier == r.new_identifier))
        {
            fail(
                out,
                "CATS029",
                format!("/seals/replaced/{i}/newIdentifier"),
                format!(
                    "seal {} is already in place or given twice",
                    r.new_identifier
                ),
            );
        }
    }
    if seals.any_not_intact() {
        let result_ok = matches!(result, ControlResultCode::A2 | ControlResultCode::B1);
        let recorded = findings.iter().any(|f| f.kind == FindingKind::Seals);
        if !result_ok || !recorded {
            fail(
                out,
                "CATS028",
                "/seals/checked".into(),
                format!(
                    "a seal was found broken or missing: the result is A2 or B1 (here {}) with a finding of kind seals{}",
                    result.as_str(),
                    if recorded { "" } else { " (none given)" }
                ),
            );
        }
    }
}

impl ControlRecord {
    /// Whether the control found something: result B1, or findings recorded (an A2 with minor
    /// discrepancies). The hit rate of risk profiles counts these.
    pub fn found_something(&self) -> bool {
        self.result == ControlResultCode::B1 || !self.report.findings.is_empty()
    }

    /// One line for the holder and for the next offices: result, type, office, day and the
    /// findings, at most 512 characters (NCTS free texts are an..512).
    pub fn summary(&self) -> String {
        let mut text = format!(
            "control result {} at {} on {} after a {} control",
            self.result.as_str(),
            self.office,
            self.at.format("%Y-%m-%d"),
            self.control_type.as_str()
        );
        for f in &self.report.findings {
            text.push_str("; ");
            text.push_str(f.kind.as_str());
            if let Some(item) = f.goods_item {
                text.push_str(&format!(" (item {item})"));
            }
            text.push_str(": ");
            text.push_str(f.description.trim());
            if let (Some(d), Some(found)) = (&f.declared, &f.found) {
                text.push_str(&format!(" (declared {d}, found {found})"));
            }
        }
        if let Some(s) = &self.report.seals {
            for r in &s.replaced {
                text.push_str(&format!(
                    "; seal {} replaced by {}",
                    r.identifier, r.new_identifier
                ));
            }
        }
        if text.chars().count() > MAX_TEXT {
            text = text.chars().take(MAX_TEXT - 1).collect();
            text.push('…');
        }
        text
    }
}

#[cfg(test)]
#[path = "report_tests.rs"]
mod tests;
