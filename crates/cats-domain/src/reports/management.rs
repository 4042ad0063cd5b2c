//! Management reports (issue 17, item 1): movements by state, overdue movements with their last
//! known position, actions waiting per office, guarantee exposure per insurer and holder, and the
//! workload per officer and per office.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::cube::Fact;
use super::stats::rate;
use super::table::{Cell, ChartKind, Column, Table};
use super::Period;
use crate::ids::{CurrencyCode, Eori, OfficeRef};
use crate::ledger::{from_minor, Guarantee};
use crate::movement::{Movement, MovementState};

/// Movements by state per office of departure (and its country), lodged in `period`.
pub fn by_state(facts: &[Fact], period: &Period) -> Table {
    let mut counts: BTreeMap<(String, String, &'static str), u64> = BTreeMap::new();
    for f in facts.iter().filter(|f| period.contains(f.lodged_at)) {
        *counts
            .entry((
                f.office_of_departure.country().to_string(),
                f.office_of_departure.to_string(),
                f.state.as_str(),
            ))
            .or_default() += 1;
    }
    let mut t = Table::new(vec![
        Column::text("country"),
        Column::text("office"),
        Column::text("state"),
        Column::count("movements"),
    ]);
    for ((country, office, state), n) in counts {
        t.rows.push(vec![
            Cell::Text(country),
            Cell::Text(office),
            Cell::Text(state.into()),
            Cell::Count(n),
        ]);
    }
    t.charted_total(ChartKind::Bar, "state", "movements")
}

/// Where a movement was last seen: its last passage at an office of exit or transit, else its
/// office of departure at release.
pub fn last_position(m: &Movement) -> (OfficeRef, Option<DateTime<Utc>>) {
    match m.passages.last() {
        Some(p) => (p.office.clone(), Some(p.at)),
        None => (m.office_of_departure.clone(), m.released_at),
    }
}

/// Movements past their time limit at `now` without arrival, most overdue first, with their
/// last known position.
pub fn overdue(movements: &[&Movement], now: DateTime<Utc>) -> Table {
    let mut rows: Vec<(DateTime<Utc>, Vec<Cell>)> = Vec::new();
    for m in movements {
        let Some(limit) = m.time_limit else { continue };
        if m.released_at.is_none() || m.arrived_at.is_some() || limit >= now {
            continue;
        }
        let (office, at) = last_position(m);
        rows.push((
            limit,
            vec![
                Cell::Text(m.mrn.as_ref().map(|x| x.to_string()).unwrap_or_default()),
                Cell::Text(m.holder.to_string()),
                Cell::Text(m.office_of_departure.to_string()),
                Cell::Text(m.office_of_destination.to_string()),
                Cell::Text(m.state.as_str().into()),
                Cell::Time(Some(limit)),
                Cell::Number(Some((now - limit).num_minutes() as f64 / 1440.0)),
                Cell::Text(office.to_string()),
                Cell::Time(at),
            ],
        ));
    }
    rows.sort_by_key(|(limit, _)| *limit);
    let mut t = Table::new(vec![
        Column::text("mrn"),
        Column::text("holder"),
        Column::text("officeOfDeparture"),
        Column::text("officeOfDestination"),
        Column::text("state"),
        Column::time("timeLimit"),
        Column::number("daysOverdue"),
        Column::text("lastOffice"),
        Column::time("lastSeenAt"),
    ]);
    t.rows = rows.into_iter().map(|(_, r)| r).collect();
    t.charted(ChartKind::Bar, "mrn", "daysOverdue")
}

/// What an office has to do about a movement.
pub const ACTIONS: [&str; 7] = [
    "decide-release-or-control",
    "record-control-result",
    "expect-goods",
    "release-goods",
    "resolve-discrepancies",
    "run-enquiry",
    "decide-cancellation",
];

/// Actions waiting per office now: declarations to release or control, control results to
/// record, goods expected at offices of transit, exit and destination not yet passed, goods to
/// release at destination, discrepancies to resolve, enquiries to run, cancellations to decide.
pub fn waiting(movements: &[&Movement]) -> Table {
    let mut counts: BTreeMap<(OfficeRef, &'static str), u64> = BTreeMap::new();
    let mut add = |o: &OfficeRef, action: &'static str| {
        *counts.entry((o.clone(), action)).or_default() += 1;
    };
    for m in movements {
        let dep = &m.office_of_departure;
        match m.state {
            MovementState::Accepted if !m.awaiting_presentation => {
                add(dep, ACTIONS[0]);
            }
            MovementState::UnderControl => add(dep, ACTIONS[1]),
            MovementState::ReleasedForTransit => {
                for o in m.offices_of_transit.iter().chain(&m.offices_of_exit) {
                    if !m.passages.iter().any(|p| &p.office == o) {
                        add(o, ACTIONS[2]);
                    }
                }
                add(&m.office_of_destination, ACTIONS[2]);
            }
            MovementState::Arrived => add(
                m.arrival_office
                    .as_ref()
                    .unwrap_or(&m.office_of_destination),
                ACTIONS[3],
            ),
            MovementState::Discrepancies => add(dep, ACTIONS[4]),
            MovementState::UnderEnquiry => add(dep, ACTIONS[5]),
            _ => {}
        }
        for p in &m.pending_controls {
            add(&p.office, ACTIONS[1]);
        }
        if m.cancellation_requested {
            add(dep, ACTIONS[6]);
        }
    }
    let mut t = Table::new(vec![
        Column::text("country"),
        Column::text("office"),
        Column::text("action"),
        Column::count("movements"),
    ]);
    for ((office, action), n) in counts {
        t.rows.push(vec![
            Cell::Text(office.country().to_string()),
            Cell::Text(office.to_string()),
            Cell::Text(action.into()),
            Cell::Count(n),
        ]);
    }
    t.charted_total(ChartKind::Bar, "office", "movements")
}

/// Guarantee exposure per insurer, holder and currency: guarantees, the sum of their reference
/// amounts, of their running totals (open reservations and claims), what is left, and the share
/// used.
pub fn exposure(guarantees: &[Guarantee]) -> Table {
    #[derive(Default)]
    struct Acc {
        count: u64,
        reference: rust_decimal::Decimal,
        used: rust_decimal::Decimal,
    }
    let mut acc: BTreeMap<(Eori, Eori, CurrencyCode), Acc> = BTreeMap::new();
    for g in guarantees {
        let a = acc
            .entry((g.insurer.clone(), g.holder.clone(), g.currency()))
            .or_default();
        a.count += 1;
        a.reference += g.reference_amount.amount();
        a.used += from_minor(g.running_total_minor);
    }
    let mut t = Table::new(vec![
        Column::text("insurer"),
        Column::text("holder"),
        Column::text("currency"),
        Column::count("guarantees"),
        Column::number("referenceAmount"),
        Column::number("exposure"),
        Column::number("available"),
        Column::rate("usedShare"),
    ]);
    use rust_decimal::prelude::ToPrimitive;
    for ((insurer, holder, currency), a) in acc {
        let f = |d: rust_decimal::Decimal| Cell::Number(d.to_f64());
        let share = if a.reference.is_zero() {
            None
        } else {
            (a.used / a.reference).to_f64()
        };
        t.rows.push(vec![
            Cell::Text(insurer.to_string()),
            Cell::Text(holder.to_string()),
            Cell::Text(currency.to_string()),
            Cell::Count(a.count),
            f(a.reference),
            f(a.used),
            f(a.reference - a.used),
            Cell::Rate(share),
        ]);
    }
    t.charted(ChartKind::Bar, "holder", "exposure")
}

/// One officer's recorded action.
#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    /// The officer's username.
    pub officer: String,
    /// What was done (`release`, `control.result` …).
    pub action: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// Workload per officer: actions recorded in `period`, by kind.
pub fn workload_officers(actions: &[Action], period: &Period) -> Table {
    let mut counts: BTreeMap<(&str, &str), u64> = BTreeMap::new();
    for a in actions.iter().filter(|a| period.contains(a.at)) {
        *counts.entry((&a.officer, &a.action)).or_default() += 1;
    }
    let mut t = Table::new(vec![
        Column::text("officer"),
        Column::text("action"),
        Column::count("actions"),
    ]);
    for ((officer, action), n) in counts {
        t.rows.push(vec![
            Cell::Text(officer.into()),
            Cell::Text(action.into()),
            Cell::Count(n),
        ]);
    }
    t.charted_total(ChartKind::Bar, "officer", "actions")
}

/// Workload per office in `period`: releases at the office of departure, control results,
/// passages at offices of exit and transit, arrivals at destination; and the share of releases
/// that followed a control.
pub fn workload_offices(movements: &[&Movement], period: &Period) -> Table {
    #[derive(Default)]
    struct Acc {
        releases: usize,
        controls: usize,
        passages: usize,
        arrivals: usize,
    }
    let mut acc: BTreeMap<OfficeRef, Acc> = BTreeMap::new();
    for m in movements {
        if m.released_at.is_some_and(|t| period.contains(t)) {
            acc.entry(m.office_of_departure.clone())
                .or_default()
                .releases += 1;
        }
        for c in m.controls.iter().filter(|c| period.contains(c.at)) {
            acc.entry(c.office.clone()).or_default().controls += 1;
        }
        for p in m.passages.iter().filter(|p| period.contains(p.at)) {
            acc.entry(p.office.clone()).or_default().passages += 1;
        }
        if let (Some(o), Some(at)) = (&m.arrival_office, m.arrived_at) {
            if period.contains(at) {
                acc.entry(o.clone()).or_default().arrivals += 1;
            }
        }
    }
    let mut t = Table::new(vec![
        Column::text("country"),
        Column::text("office"),
        Column::count("releases"),
        Column::count("controls"),
        Column::count("passages"),
        Column::count("arrivals"),
        Column::count("actions"),
        Column::rate("controlShare"),
    ]);
    for (office, a) in acc {
        let total = a.releases + a.controls + a.passages + a.arrivals;
        t.rows.push(vec![
            Cell::Text(office.country().to_string()),
            Cell::Text(office.to_string()),
            Cell::Count(a.releases as u64),
            Cell::Count(a.controls as u64),
            Cell::Count(a.passages as u64),
            Cell::Count(a.arrivals as u64),
            Cell::Count(total as u64),
            Cell::Rate(rate(a.controls, total)),
        ]);
    }
    t.charted(ChartKind::Bar, "office", "actions")
}

/// Business-rule rejections in `period` by rule id: `rejections` holds, per rejected lodging,
/// when and the rule ids that failed (a lodging counts once per rule).
pub fn rejections(rejections: &[(DateTime<Utc>, Vec<String>)], period: &Period) -> Table {
    let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
    let mut lodgings = 0u64;
    for (_, rules) in rejections.iter().filter(|(at, _)| period.contains(*at)) {
        lodgings += 1;
        let mut seen: Vec<&str> = rules.iter().map(String::as_str).collect();
        seen.sort();
        seen.dedup();
        for r in seen {
            *counts.entry(r).or_default() += 1;
        }
    }
    let mut t = Table::new(vec![
        Column::text("ruleId"),
        Column::count("rejections"),
        Column::rate("share"),
    ]);
    let mut rows: Vec<(&str, u64)> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    for (rule, n) in rows {
        t.rows.push(vec![
            Cell::Text(rule.into()),
            Cell::Count(n),
            Cell::Rate(rate(n as usize, lodgings as usize)),
        ]);
    }
    t.charted(ChartKind::Bar, "ruleId", "rejections")
}

#[cfg(test)]
#[path = "management_tests.rs"]
mod tests;
