//! KPIs of a replay, as the CATS parallel tests reported them (DOMAIN.md section 10).

use std::collections::BTreeMap;

use serde::Serialize;

use cats_app::App;
use cats_domain::ledger::from_minor;
use cats_domain::movement::Stage;

use super::engine::Outcome;

/// Mean transit time of one route (office of departure → office of arrival).
#[derive(Debug, Clone, Serialize)]
pub struct RouteTime {
    /// `KZHOR001→GEPTI001`.
    pub route: String,
    /// Movements that arrived on it.
    pub movements: usize,
    /// Mean time from release to arrival, in hours.
    pub mean_hours: f64,
}

/// Exposure of one guarantee at the end of the replay.
#[derive(Debug, Clone, Serialize)]
pub struct Exposure {
    /// GRN.
    pub grn: String,
    /// Open reservations and claims (decimal, guarantee currency).
    pub exposure: String,
    /// Reference amount.
    pub reference_amount: String,
    /// ISO 4217 currency.
    pub currency: String,
}

/// Summary figures.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Kpi {
    /// Movements in the file.
    pub movements: usize,
    /// Movements that ended in the expected state.
    pub as_expected: usize,
    /// Released movements.
    pub released: usize,
    /// Released movements that arrived within the time limit.
    pub arrived_in_time: usize,
    /// Transit procedure adherence rate: arrived within the time limit / released (0..1).
    pub adherence_rate: f64,
    /// Control results recorded in the file (and applied).
    pub controls_recorded: usize,
    /// Of those, how many CATS's own risk selection had selected at that office.
    pub controls_cats_would_select: usize,
    /// How many times CATS selected a movement for control at an office (departure, exit, entry, arrival).
    pub cats_selections: usize,
    /// Mean transit time per route.
    pub transit_times: Vec<RouteTime>,
    /// Guarantee exposure at the end.
    pub guarantee_exposure: Vec<Exposure>,
}

/// Compute the KPIs from the node's state after a replay.
pub async fn compute(app: &App, outcomes: &[Outcome]) -> anyhow::Result<Kpi> {
    let mut released = 0;
    let mut in_time = 0;
    let mut controls = 0;
    let mut would = 0;
    let mut selections = 0;
    let mut routes: BTreeMap<String, (usize, f64)> = BTreeMap::new();
    let mut grns = std::collections::BTreeSet::new();
    for o in outcomes {
        let Some(id) = o.movement_id else { continue };
        let Some(record) = app.store().movement(id).await? else {
            continue;
        };
        let m = &record.movement;
        grns.extend(m.guarantees.iter().map(|g| g.grn.clone()));
        selections += m.risk.iter().filter(|s| s.selected).count();
        for c in &m.controls {
            controls += 1;
            let selected_here = m.risk.iter().any(|s| s.selected && s.office == c.office)
                || (c.stage == Stage::Departure && m.risk.first().is_some_and(|s| s.selected));
            if selected_here {
                would += 1;
            }
        }
        if let Some(released_at) = m.released_at {
            released += 1;
            if let (Some(arrived), Some(limit)) = (m.arrived_at, m.time_limit) {
                if arrived <= limit {
                    in_time += 1;
                }
                let hours = (arrived - released_at).num_minutes() as f64 / 60.0;
                let route = format!(
                    "{}→{}",
                    m.office_of_departure,
                    m.arrival_office.as_deref().unwrap_or("?")
                );
                let e = routes.entry(route).or_insert((0, 0.0));
                e.0 += 1;
                e.1 += hours;
            }
        }
    }
    let mut exposure = Vec::new();
    for grn in grns {
        if let Some(g) = app.store().guarantee(&grn).await? {
            exposure.push(Exposure {
                grn,
                exposure: from_minor(g.running_total_minor).to_string(),
                reference_amount: g.reference_amount.to_string(),
                currency: g.currency.clone(),
            });
        }
    }
    Ok(Kpi {
        movements: outcomes.len(),
        as_expected: outcomes.iter().filter(|o| o.ok()).count(),
        released,
        arrived_in_time: in_time,
        adherence_rate: if released == 0 {
            0.0
        } else {
            in_time as f64 / released as f64
        },
        controls_recorded: controls,
        controls_cats_would_select: would,
        cats_selections: selections,
        transit_times: routes
            .into_iter()
            .map(|(route, (n, total))| RouteTime {
                route,
                movements: n,
                mean_hours: total / n as f64,
            })
            .collect(),
        guarantee_exposure: exposure,
    })
}
