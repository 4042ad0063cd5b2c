//! KPIs of a replay, as the CATS parallel tests reported them (DOMAIN.md section 10).

use std::collections::BTreeMap;

use serde::Serialize;

use cats_app::App;
use cats_domain::feedback::{tally, Confusion, ControlEfficiency, OfficeRate, ProfileHits};
use cats_domain::ids::{CurrencyCode, Grn, OfficeRef};
use cats_domain::ledger::from_minor;
use cats_domain::movement::{Movement, Stage};

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
    /// Guarantee reference number (17 characters, ISO 6346 check digit).
    pub grn: Grn,
    /// Open reservations and claims (decimal, guarantee currency).
    pub exposure: String,
    /// Reference amount.
    pub reference_amount: String,
    /// ISO 4217 currency.
    pub currency: CurrencyCode,
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
    /// CATS's selections beside the recorded controls, per movement and office.
    pub confusion: Confusion,
    /// Risk assessment and control efficiency (issue 6, item 4).
    pub control_efficiency: ControlEfficiency,
    /// Per profile: how often it fired where a control was recorded, and what those found.
    pub profile_hit_rates: Vec<ProfileHits>,
    /// Per office: assessments and CATS selections.
    pub office_control_rates: Vec<OfficeRate>,
    /// Mean transit time per route.
    pub transit_times: Vec<RouteTime>,
    /// Guarantee exposure at the end.
    pub guarantee_exposure: Vec<Exposure>,
    /// For each outcome (same order), the offices where CATS selected the movement.
    #[serde(skip)]
    pub selected: Vec<Vec<OfficeRef>>,
}

/// Compute the KPIs from the node's state after a replay.
/// With several nodes (`apps`), each movement is read at the node that owns it (not a copy), and
/// a guarantee's exposure is the sum of the nodes' reservations on it.
pub async fn compute(apps: &[App], outcomes: &[Outcome]) -> anyhow::Result<Kpi> {
    let mut released = 0;
    let mut in_time = 0;
    let mut controls = 0;
    let mut would = 0;
    let mut selections = 0;
    let mut routes: BTreeMap<String, (usize, f64)> = BTreeMap::new();
    let mut grns = std::collections::BTreeSet::new();
    let mut loaded = Vec::new();
    let mut selected = Vec::new();
    for o in outcomes {
        let mut record = None;
        if let Some(id) = o.movement_id {
            for app in apps {
                if let Some(r) = app.store().movement(id).await? {
                    if r.movement.home.is_none() {
                        record = Some(r);
                        break;
                    }
                }
            }
        }
        let Some(record) = record else {
            selected.push(Vec::new());
            continue;
        };
        let mut offices: Vec<OfficeRef> = Vec::new();
        for s in record.movement.risk.iter().filter(|s| s.selected) {
            if !offices.contains(&s.office) {
                offices.push(s.office.clone());
            }
        }
        selected.push(offices);
        loaded.push(record.movement);
        let m = loaded.last().expect("just pushed");
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
                    m.arrival_office.as_ref().map_or("?", |o| o.as_str())
                );
                let e = routes.entry(route).or_insert((0, 0.0));
                e.0 += 1;
                e.1 += hours;
            }
        }
    }
    let refs: Vec<&Movement> = loaded.iter().collect();
    let (confusion, control_efficiency, profile_hit_rates, office_control_rates) = tally(&refs);
    let mut exposure = Vec::new();
    for grn in grns {
        let mut found = None;
        let mut total = 0;
        for app in apps {
            if let Some(g) = app.store().guarantee(&grn).await? {
                total += g.running_total_minor;
                found.get_or_insert(g);
            }
        }
        if let Some(g) = found {
            exposure.push(Exposure {
                grn,
                exposure: from_minor(total).to_string(),
                reference_amount: g.reference_amount.amount().to_string(),
                currency: g.currency(),
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
        confusion,
        control_efficiency,
        profile_hit_rates,
        office_control_rates,
        transit_times: routes
            .into_iter()
            .map(|(route, (n, total))| RouteTime {
                route,
                movements: n,
                mean_hours: total / n as f64,
            })
            .collect(),
        guarantee_exposure: exposure,
        selected,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use cats_domain::movement::{ControlRecord, ControlResultCode, ControlType, MovementState};
    use cats_domain::risk::Selection;

    fn selection(office: &str, selected: bool, profiles: &[&str]) -> Selection {
        Selection {
            office: office.parse().unwrap(),
            selected,
            control_type: None,
            reasons: Vec::new(),
            profiles: profiles.iter().map(|p| p.to_string()).collect(),
            draw: 0.5,
            rate: 0.1,
            seed: Some(1),
            aeo_factor: None,
            score: 0,
            recognised: None,
        }
    }

    fn control(office: &str, stage: Stage, result: ControlResultCode) -> ControlRecord {
        ControlRecord {
            office: office.parse().unwrap(),
            stage,
            result,
            control_type: ControlType::Physical,
            at: chrono::Utc::now(),
            report: Default::default(),
            officer: None,
            attachments: vec![],
        }
    }

    fn movement(risk: Vec<Selection>, controls: Vec<ControlRecord>) -> Movement {
        let mut m = cats_domain::rules::DeclarationFacts {
            lrn: "L".parse().unwrap(),
            holder: "KZ840000123456".parse().unwrap(),
            office_of_departure: "KZHOR001".parse().unwrap(),
            office_of_destination: "GEPTI001".parse().unwrap(),
            offices_of_transit: vec![],
            offices_of_exit: vec![],
            countries_of_routing: vec![],
            itinerary: vec![],
            guarantees: vec![],
            hs_codes: vec![],
            limit_date: None,
            security: None,
            dispatch_destination: vec![],
            pre_lodged: false,
            country_of_dispatch: None,
            country_of_destination: None,
            gross_mass: Default::default(),
        }
        .movement(
            MovementState::Accepted,
            Some("25KZHOR001000001J8".parse().unwrap()),
        );
        m.risk = risk;
        m.controls = controls;
        m
    }

    /// A fixture whose answer is worked out by hand.
    #[test]
    fn hit_rates_and_matrix_on_a_known_fixture() {
        use ControlResultCode::{A1, B1};
        use Stage::{Departure, EnRoute};
        let ms = [
            // P-1 fires at departure, controlled there, finding.
            movement(
                vec![
                    selection("KZHOR001", true, &["P-1"]),
                    selection("AZAST001", false, &[]),
                ],
                vec![control("KZHOR001", Departure, B1)],
            ),
            // P-1 fires at departure, controlled, nothing found; random selection at Astara, not controlled.
            movement(
                vec![
                    selection("KZHOR001", true, &["P-1"]),
                    selection("AZAST001", true, &[]),
                ],
                vec![control("KZHOR001", Departure, A1)],
            ),
            // Not selected anywhere, controlled en route at Astara: finding.
            movement(
                vec![
                    selection("KZHOR001", false, &[]),
                    selection("AZAST001", false, &[]),
                ],
                vec![control("AZAST001", EnRoute, B1)],
            ),
            // P-2 fires at Astara, controlled: nothing found.
            movement(
                vec![
                    selection("KZHOR001", false, &[]),
                    selection("AZAST001", true, &["P-2"]),
                ],
                vec![control("AZAST001", EnRoute, A1)],
            ),
        ];
        let refs: Vec<&Movement> = ms.iter().collect();
        let (c, e, profiles, offices) = tally(&refs);
        assert_eq!(
            (
                c.selected_controlled,
                c.selected_not_controlled,
                c.not_selected_controlled,
                c.not_selected_not_controlled
            ),
            (3, 1, 1, 3)
        );
        assert_eq!(e.assessments, 8);
        assert_eq!(e.control_rate, 4.0 / 8.0);
        assert_eq!(e.hit_rate, 2.0 / 4.0);
        assert_eq!(e.selected_hit_rate, 1.0 / 3.0);
        assert_eq!(e.findings_caught, 1.0 / 2.0);
        assert_eq!(e.precision, 3.0 / 4.0);
        assert_eq!(e.recall, 3.0 / 4.0);
        assert_eq!(e.control_efficiency, 1.0);
        let p1 = &profiles[0];
        assert_eq!(
            (p1.profile.as_str(), p1.fired, p1.controls, p1.findings),
            ("P-1", 2, 2, 1)
        );
        assert_eq!(p1.hit_rate, 0.5);
        let p2 = &profiles[1];
        assert_eq!(
            (p2.fired, p2.controls, p2.findings, p2.hit_rate),
            (1, 1, 0, 0.0)
        );
        let astara = offices.iter().find(|o| o.office == "AZAST001").unwrap();
        assert_eq!(
            (astara.assessments, astara.selected, astara.control_rate),
            (4, 2, 0.5)
        );
    }

    /// A control "found something" when it is B1 or records findings: an A2 with a minor
    /// discrepancy counts for its profile's hit rate, an A2 without findings does not.
    #[test]
    fn an_a2_with_findings_is_a_hit() {
        use cats_domain::movement::{ControlReport, Finding, FindingKind};
        let mut minor = control("KZHOR001", Stage::Departure, ControlResultCode::A2);
        minor.report = ControlReport {
            findings: vec![Finding {
                kind: FindingKind::Quantity,
                goods_item: Some(1),
                description: "11 packages, 10 declared".into(),
                declared: None,
                found: None,
            }],
            ..ControlReport::default()
        };
        let clean = control("KZHOR001", Stage::Departure, ControlResultCode::A2);
        let ms = [
            movement(vec![selection("KZHOR001", true, &["P-1"])], vec![minor]),
            movement(vec![selection("KZHOR001", true, &["P-1"])], vec![clean]),
        ];
        let refs: Vec<&Movement> = ms.iter().collect();
        let (_, e, profiles, _) = tally(&refs);
        assert_eq!(e.hit_rate, 0.5);
        assert_eq!((profiles[0].controls, profiles[0].findings), (2, 1));
        assert_eq!(profiles[0].hit_rate, 0.5);
    }
}
