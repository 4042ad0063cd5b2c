use super::*;
use crate::movement::{Passage, PassageKind};
use crate::rules::DeclarationFacts;

fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// The goods entering Azerbaijan at Astara on 3 March.
fn entry_at_astara() -> Passage {
    Passage {
        office: "AZAST001".parse().unwrap(),
        kind: PassageKind::Entry,
        at: t("2026-03-03T10:00:00Z"),
        declared: true,
    }
}

fn movement(state: MovementState, from: &str, to: &str, transit: &[&str]) -> Movement {
    DeclarationFacts {
        lrn: "L".parse().unwrap(),
        holder: "KZ840000123456".parse().unwrap(),
        office_of_departure: from.parse().unwrap(),
        office_of_destination: to.parse().unwrap(),
        offices_of_transit: transit.iter().map(|o| o.parse().unwrap()).collect(),
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
    .movement(state, Some("25KZHOR001000001J8".parse().unwrap()))
}

fn released(at: &str, limit: &str) -> Movement {
    let mut m = movement(
        MovementState::ReleasedForTransit,
        "KZHOR001",
        "GEPTI001",
        &["AZAST001", "GEPOT001"],
    );
    m.released_at = Some(t(at));
    m.time_limit = Some(t(limit));
    m
}

#[test]
fn overdue_movements_with_their_last_known_position() {
    let mut passed = released("2026-03-01T00:00:00Z", "2026-03-09T00:00:00Z");
    passed.passages.push(entry_at_astara());
    let never_seen = released("2026-03-02T00:00:00Z", "2026-03-08T00:00:00Z");
    let in_time = released("2026-03-05T00:00:00Z", "2026-03-13T00:00:00Z");
    let mut arrived = released("2026-03-01T00:00:00Z", "2026-03-02T00:00:00Z");
    arrived.arrived_at = Some(t("2026-03-04T00:00:00Z"));
    let ms = [&passed, &never_seen, &in_time, &arrived];
    let table = overdue(&ms, t("2026-03-11T00:00:00Z"));
    assert_eq!(table.rows.len(), 2);
    // Most overdue first: the one whose limit was 03-08 (3 days), then 03-09 (2 days).
    assert_eq!(table.cell(0, "daysOverdue"), Some(&Cell::Number(Some(3.0))));
    assert_eq!(
        table.cell(0, "lastOffice"),
        Some(&Cell::Text("KZHOR001".into()))
    );
    assert_eq!(
        table.cell(1, "lastOffice"),
        Some(&Cell::Text("AZAST001".into()))
    );
    assert_eq!(
        table.cell(1, "lastSeenAt"),
        Some(&Cell::Time(Some(t("2026-03-03T10:00:00Z"))))
    );
}

#[test]
fn actions_waiting_per_office() {
    let mut passed = released("2026-03-01T00:00:00Z", "2026-03-09T00:00:00Z");
    passed.passages.push(entry_at_astara());
    let accepted = movement(MovementState::Accepted, "KZHOR001", "GEPTI001", &[]);
    let mut cancel = movement(MovementState::Accepted, "KZHOR001", "GEPTI001", &[]);
    cancel.cancellation_requested = true;
    let mut arrived = movement(MovementState::Arrived, "KZHOR001", "GEPTI001", &[]);
    arrived.arrival_office = Some("GEPOT001".parse().unwrap());
    let ms = [&passed, &accepted, &cancel, &arrived];
    let table = waiting(&ms);
    let rows: Vec<String> = table
        .rows
        .iter()
        .map(|r| format!("{} {} {}", r[1].plain(), r[2].plain(), r[3].plain()))
        .collect();
    assert_eq!(
        rows,
        vec![
            "GEPOT001 expect-goods 1",
            "GEPOT001 release-goods 1",
            "GEPTI001 expect-goods 1",
            "KZHOR001 decide-cancellation 1",
            "KZHOR001 decide-release-or-control 2",
        ]
    );
}

#[test]
fn rejections_by_rule_count_a_lodging_once_per_rule() {
    let p = Period::new("2026-03-01".parse().unwrap(), "2026-03-31".parse().unwrap()).unwrap();
    let r = |at: &str, rules: &[&str]| (t(at), rules.iter().map(|s| s.to_string()).collect());
    let table = rejections(
        &[
            r("2026-03-01T00:00:00Z", &["R0100", "CATS005", "R0100"]),
            r("2026-03-02T00:00:00Z", &["R0100"]),
            r("2026-04-02T00:00:00Z", &["R0100"]),
        ],
        &p,
    );
    assert_eq!(table.rows[0][0], Cell::Text("R0100".into()));
    assert_eq!(table.rows[0][1], Cell::Count(2));
    assert_eq!(table.rows[0][2], Cell::Rate(Some(1.0)));
    assert_eq!(table.rows[1][1], Cell::Count(1));
    assert_eq!(table.rows[1][2], Cell::Rate(Some(0.5)));
}

#[test]
fn workload_per_office_and_officer() {
    let p = Period::new("2026-03-01".parse().unwrap(), "2026-03-31".parse().unwrap()).unwrap();
    let mut m = released("2026-03-01T00:00:00Z", "2026-03-09T00:00:00Z");
    m.passages.push(entry_at_astara());
    m.arrival_office = Some("GEPTI001".parse().unwrap());
    m.arrived_at = Some(t("2026-04-01T00:00:00Z"));
    let table = workload_offices(&[&m], &p);
    assert_eq!(table.rows.len(), 2);
    assert_eq!(
        table.cell(0, "office"),
        Some(&Cell::Text("AZAST001".into()))
    );
    assert_eq!(table.cell(0, "passages"), Some(&Cell::Count(1)));
    assert_eq!(table.cell(1, "releases"), Some(&Cell::Count(1)));
    let a = |officer: &str, action: &str, at: &str| Action {
        officer: officer.into(),
        action: action.into(),
        at: t(at),
    };
    let table = workload_officers(
        &[
            a("officer.kz", "release", "2026-03-01T00:00:00Z"),
            a("officer.kz", "release", "2026-03-02T00:00:00Z"),
            a("officer.az", "entry", "2026-03-02T00:00:00Z"),
            a("officer.az", "entry", "2026-02-02T00:00:00Z"),
        ],
        &p,
    );
    assert_eq!(table.rows.len(), 2);
    assert_eq!(table.cell(1, "actions"), Some(&Cell::Count(2)));
    assert_eq!(table.cell(0, "actions"), Some(&Cell::Count(1)));
}
