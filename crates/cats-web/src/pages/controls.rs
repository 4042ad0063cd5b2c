//! The control records of a movement as the movement page shows them: office, local time,
//! result, kind of control, findings, seals checked and replaced, remarks, and (for officers)
//! the photos and documents attached, with the form to attach more.

use cats_app::auth::{Role, User};
use cats_app::store::MovementRecord;
use cats_domain::movement::{FindingKind, SealCondition};
use cats_domain::reference::Catalog;

use super::i18n::Tr;
use super::movements::office_label;

/// One control record.
pub struct ControlRow {
    /// Number, from 1, in the order recorded (as in the API's paths).
    pub number: usize,
    /// Office, labelled.
    pub office: String,
    /// When, in the office's time zone.
    pub when: String,
    /// Result with its meaning (A1 satisfactory …).
    pub result: String,
    /// Kind of control.
    pub kind: String,
    /// Each finding in words.
    pub findings: Vec<String>,
    /// Seals checked and replaced, in words.
    pub seals: Vec<String>,
    /// Remarks.
    pub remarks: String,
    /// Attachments (officers only): download link, file name, size in bytes.
    pub attachments: Vec<(String, String, u64)>,
    /// Whether the visitor may attach to it (an officer of the control office's country).
    pub may_attach: bool,
}

/// The words for a finding kind (`finding-mass` …).
pub fn finding_kinds(t: &Tr) -> Vec<(&'static str, String)> {
    use FindingKind as K;
    [
        K::GoodsNotAsDeclared,
        K::Quantity,
        K::Mass,
        K::CommodityCode,
        K::UndeclaredGoods,
        K::MissingGoods,
        K::Seals,
        K::Documents,
        K::Transport,
        K::ProhibitedOrRestricted,
        K::Other,
    ]
    .into_iter()
    .map(|k| (k.as_str(), t.get(&format!("finding-{}", k.as_str()))))
    .collect()
}

fn condition(t: &Tr, c: SealCondition) -> String {
    t.get(match c {
        SealCondition::Intact => "seal-intact",
        SealCondition::Broken => "seal-broken",
        SealCondition::Missing => "seal-missing",
    })
}

/// The control records of `record` as `user` may see them.
pub fn control_rows(
    t: &Tr,
    catalog: &Catalog,
    record: &MovementRecord,
    user: &User,
) -> Vec<ControlRow> {
    let officer = user.role == Role::Officer;
    record
        .movement
        .controls
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let number = i + 1;
            let zone = catalog.zone_of(&c.office);
            let findings = c
                .report
                .findings
                .iter()
                .map(|f| {
                    let mut text = format!(
                        "{}: {}",
                        t.get(&format!("finding-{}", f.kind.as_str())),
                        f.description
                    );
                    if let (Some(d), Some(found)) = (&f.declared, &f.found) {
                        text.push_str(&format!(" ({d} → {found})"));
                    }
                    if let Some(item) = f.goods_item {
                        text.push_str(&format!(" · {}", t.arg("finding-item", "item", item)));
                    }
                    text
                })
                .collect();
            let mut seals: Vec<String> = Vec::new();
            if let Some(s) = &c.report.seals {
                seals.extend(
                    s.checked
                        .iter()
                        .map(|o| format!("{}: {}", o.identifier, condition(t, o.condition))),
                );
                seals.extend(s.replaced.iter().map(|r| {
                    t.arg2(
                        "seal-replaced",
                        ("old", &r.identifier),
                        ("new", &r.new_identifier),
                    )
                }));
            }
            let base = format!("/ui/movements/{}/controls/{number}/attachments", record.id);
            ControlRow {
                number,
                office: office_label(catalog, t, &c.office),
                when: t.time(c.at, zone),
                result: t.get(&format!("result-{}", c.result.as_str())),
                kind: t.get(&format!("control-{}", c.control_type.as_str())),
                findings,
                seals,
                remarks: c.report.remarks.clone().unwrap_or_default(),
                attachments: if officer {
                    c.attachments
                        .iter()
                        .map(|a| (format!("{base}/{}", a.id), a.filename.clone(), a.size))
                        .collect()
                } else {
                    Vec::new()
                },
                may_attach: officer && user.office_country == Some(c.office.country()),
            }
        })
        .collect()
}
