//! Feedback of controls into risk management (issue 6, item 4): the confusion matrix of CATS's
//! selections against the controls done, the "risk assessment and control efficiency" figures,
//! the hit rate of each profile and the control rate of each office. Read by `cats replay` and by
//! `GET /risk/feedback`.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::ids::OfficeRef;
use crate::movement::{Movement, Stage};

/// Confusion matrix over (movement, office) pairs: every office where CATS ran selection or a
/// control was recorded. "Positive" is CATS's selection; "actual" is a recorded control.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Confusion {
    /// Selected by CATS and controlled in the record.
    pub selected_controlled: usize,
    /// Selected by CATS, not controlled in the record.
    pub selected_not_controlled: usize,
    /// Not selected by CATS, controlled in the record.
    pub not_selected_controlled: usize,
    /// Neither.
    pub not_selected_not_controlled: usize,
    /// Movements released although CATS selected them at departure and no control was
    /// recorded, with the officer's reason (`overrideReason` on release): overrides of the
    /// selection, part of `selectedNotControlled`.
    pub overridden: usize,
}

/// The "risk assessment and control efficiency" figures. A control "found something" when its
/// result is B1 (not satisfactory) or it records findings (an A2 with minor discrepancies):
/// [`crate::movement::ControlRecord::found_something`].
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ControlEfficiency {
    /// Offices where CATS ran selection.
    pub assessments: usize,
    /// CATS selections / assessments.
    pub control_rate: f64,
    /// Recorded controls that found something / recorded controls.
    pub hit_rate: f64,
    /// Of the recorded controls CATS had selected, the share that found something.
    pub selected_hit_rate: f64,
    /// Share of all findings that CATS had selected (findings caught).
    pub findings_caught: f64,
    /// Precision of the selection: selected and controlled / selected.
    pub precision: f64,
    /// Recall of the selection: selected and controlled / controlled.
    pub recall: f64,
    /// The KPI: findings caught / control rate (lift over controlling at random; above 1 means
    /// the selection finds more than random controls at the same rate would; 0 without findings).
    pub control_efficiency: f64,
}

/// Hit rate of one profile.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileHits {
    /// Profile id.
    pub profile: String,
    /// Times it fired.
    pub fired: usize,
    /// Controls recorded where it fired.
    pub controls: usize,
    /// Of those, controls that found something (B1, or findings recorded).
    pub findings: usize,
    /// findings / controls (0 without controls).
    pub hit_rate: f64,
}

/// Control rate of one office.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OfficeRate {
    /// Office reference number.
    pub office: OfficeRef,
    /// Selections run there.
    pub assessments: usize,
    /// Of those, selected.
    pub selected: usize,
    /// selected / assessments.
    pub control_rate: f64,
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// One assessed or controlled office of one movement.
#[derive(Debug, Default)]
struct Cell {
    selected: bool,
    profiles: Vec<String>,
    controls: usize,
    findings: usize,
}

/// Tally the confusion matrix, the efficiency figures, the profiles' hit rates and the offices'
/// control rates over movements.
pub fn tally(
    movements: &[&Movement],
) -> (
    Confusion,
    ControlEfficiency,
    Vec<ProfileHits>,
    Vec<OfficeRate>,
) {
    let mut confusion = Confusion::default();
    let mut eff = ControlEfficiency::default();
    let mut profiles: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    let mut offices: BTreeMap<OfficeRef, (usize, usize)> = BTreeMap::new();
    let (mut selections, mut controls, mut findings) = (0, 0, 0);
    let (mut sel_controls, mut sel_findings) = (0, 0);
    for m in movements {
        if m.release_override.is_some() {
            confusion.overridden += 1;
        }
        let mut cells: BTreeMap<OfficeRef, Cell> = BTreeMap::new();
        for s in &m.risk {
            let c = cells.entry(s.office.clone()).or_default();
            c.selected |= s.selected;
            c.profiles.extend(s.profiles.iter().cloned());
            let o = offices.entry(s.office.clone()).or_default();
            o.0 += 1;
            if s.selected {
                o.1 += 1;
                selections += 1;
            }
            eff.assessments += 1;
            for p in &s.profiles {
                profiles.entry(p.clone()).or_default().0 += 1;
            }
        }
        for c in &m.controls {
            // A departure control answers the selection at lodging.
            let office = match (c.stage, m.risk.first()) {
                (Stage::Departure, Some(s)) => s.office.clone(),
                _ => c.office.clone(),
            };
            let cell = cells.entry(office).or_default();
            cell.controls += 1;
            if c.found_something() {
                cell.findings += 1;
            }
        }
        for cell in cells.values() {
            let controlled = cell.controls > 0;
            controls += cell.controls;
            findings += cell.findings;
            match (cell.selected, controlled) {
                (true, true) => {
                    confusion.selected_controlled += 1;
                    sel_controls += cell.controls;
                    sel_findings += cell.findings;
                }
                (true, false) => confusion.selected_not_controlled += 1,
                (false, true) => confusion.not_selected_controlled += 1,
                (false, false) => confusion.not_selected_not_controlled += 1,
            }
            let mut fired = cell.profiles.clone();
            fired.sort();
            fired.dedup();
            for p in fired {
                let e = profiles.entry(p).or_default();
                e.1 += cell.controls;
                e.2 += cell.findings;
            }
        }
    }
    eff.control_rate = ratio(selections, eff.assessments);
    eff.hit_rate = ratio(findings, controls);
    eff.selected_hit_rate = ratio(sel_findings, sel_controls);
    eff.findings_caught = ratio(sel_findings, findings);
    eff.precision = ratio(
        confusion.selected_controlled,
        confusion.selected_controlled + confusion.selected_not_controlled,
    );
    eff.recall = ratio(
        confusion.selected_controlled,
        confusion.selected_controlled + confusion.not_selected_controlled,
    );
    eff.control_efficiency = if eff.control_rate > 0.0 {
        eff.findings_caught / eff.control_rate
    } else {
        0.0
    };
    let profiles = profiles
        .into_iter()
        .map(|(profile, (fired, controls, findings))| ProfileHits {
            profile,
            fired,
            controls,
            findings,
            hit_rate: ratio(findings, controls),
        })
        .collect();
    let offices = offices
        .into_iter()
        .map(|(office, (assessments, selected))| OfficeRate {
            office,
            assessments,
            selected,
            control_rate: ratio(selected, assessments),
        })
        .collect();
    (confusion, eff, profiles, offices)
}
