use super::*;

fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// A movement lodged at `lodged`, from `from` to `to`, released and arrived after the given hours
/// (a time limit of 72 hours after release).
fn fact(
    lodged: &str,
    from: &str,
    to: &str,
    released: Option<i64>,
    arrived: Option<i64>,
    hs: &[&str],
) -> Fact {
    let lodged_at = t(lodged);
    let released_at = released.map(|h| lodged_at + chrono::Duration::hours(h));
    Fact {
        mrn: None,
        state: if arrived.is_some() {
            MovementState::Arrived
        } else if released.is_some() {
            MovementState::ReleasedForTransit
        } else {
            MovementState::Accepted
        },
        holder: "KZ840000123456".parse().unwrap(),
        office_of_departure: from.parse().unwrap(),
        office_of_destination: to.parse().unwrap(),
        arrival_office: None,
        lodged_at,
        released_at,
        arrived_at: arrived.map(|h| lodged_at + chrono::Duration::hours(h)),
        time_limit: released_at.map(|r| r + chrono::Duration::hours(72)),
        hs_chapters: hs.iter().map(|s| s.to_string()).collect(),
        transport_mode: Some("3".into()),
        controls: 0,
        findings: 0,
    }
}

fn fixture() -> Vec<Fact> {
    vec![
        // KZ→GE, 10 h and 30 h in transit, one late (80 h, limit 72 h after release at 1 h).
        fact(
            "2026-03-01T08:00:00Z",
            "KZHOR001",
            "GEPTI001",
            Some(1),
            Some(11),
            &["84", "85"],
        ),
        fact(
            "2026-03-02T08:00:00Z",
            "KZHOR001",
            "GEPTI001",
            Some(1),
            Some(31),
            &["84"],
        ),
        fact(
            "2026-03-20T08:00:00Z",
            "KZHOR001",
            "GEPTI001",
            Some(1),
            Some(81),
            &["85"],
        ),
        // KZ→AZ: released, never arrived, long past its limit: overdue.
        fact(
            "2026-03-03T08:00:00Z",
            "KZHOR001",
            "AZAST001",
            Some(2),
            None,
            &["10"],
        ),
        // Not released.
        fact(
            "2026-04-01T08:00:00Z",
            "GEPTI001",
            "AZAST001",
            None,
            None,
            &[],
        ),
        // Outside the period.
        fact(
            "2025-12-31T23:59:59Z",
            "KZHOR001",
            "GEPTI001",
            Some(1),
            Some(2),
            &["84"],
        ),
    ]
}

fn period() -> Period {
    Period::new("2026-01-01".parse().unwrap(), "2026-06-30".parse().unwrap()).unwrap()
}

fn now() -> DateTime<Utc> {
    t("2026-12-01T00:00:00Z")
}

#[test]
fn transit_times_per_route_on_a_known_fixture() {
    let d = Definition {
        dimensions: vec![Dimension::Route],
        measures: vec![
            Measure::Movements,
            Measure::Arrived,
            Measure::ArrivedInTime,
            Measure::Overdue,
            Measure::AdherenceRate,
            Measure::TransitMeanHours,
            Measure::TransitMedianHours,
            Measure::TransitP90Hours,
        ],
        filters: Filters::default(),
    };
    let table = run(&d, &fixture(), &period(), now());
    assert_eq!(table.rows.len(), 3);
    // Rows sorted by route: GEPTI001→AZAST001, KZHOR001→AZAST001, KZHOR001→GEPTI001.
    let ge = 2;
    assert_eq!(
        table.cell(ge, "route"),
        Some(&Cell::Text("KZHOR001→GEPTI001".into()))
    );
    assert_eq!(table.cell(ge, "movements"), Some(&Cell::Count(3)));
    assert_eq!(table.cell(ge, "arrivedInTime"), Some(&Cell::Count(2)));
    assert_eq!(
        table.cell(ge, "adherenceRate"),
        Some(&Cell::Rate(Some(2.0 / 3.0)))
    );
    // Transit hours 10, 30, 80.
    assert_eq!(
        table.cell(ge, "transitMeanHours"),
        Some(&Cell::Number(Some(40.0)))
    );
    assert_eq!(
        table.cell(ge, "transitMedianHours"),
        Some(&Cell::Number(Some(30.0)))
    );
    assert_eq!(
        table.cell(ge, "transitP90Hours"),
        Some(&Cell::Number(Some(80.0)))
    );
    assert_eq!(table.cell(1, "overdue"), Some(&Cell::Count(1)));
    assert_eq!(table.cell(1, "adherenceRate"), Some(&Cell::Rate(Some(0.0))));
    assert_eq!(table.cell(0, "adherenceRate"), Some(&Cell::Rate(None)));
    assert_eq!(table.chart.unwrap().kind, ChartKind::Bar);
}

#[test]
fn volumes_per_month_and_hs_chapter_count_a_movement_in_each_chapter() {
    let d = Definition {
        dimensions: vec![Dimension::Month, Dimension::HsChapter],
        measures: vec![Measure::Movements],
        filters: Filters::default(),
    };
    let table = run(&d, &fixture(), &period(), now());
    let rows: Vec<(String, String, u64)> = table
        .rows
        .iter()
        .map(|r| match (&r[0], &r[1], &r[2]) {
            (Cell::Text(m), Cell::Text(c), Cell::Count(n)) => (m.clone(), c.clone(), *n),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("2026-03".into(), "10".into(), 1),
            ("2026-03".into(), "84".into(), 2),
            ("2026-03".into(), "85".into(), 2),
            ("2026-04".into(), "–".into(), 1),
        ]
    );
    assert_eq!(table.chart.unwrap().kind, ChartKind::Line);
}

#[test]
fn filters_by_country_office_and_chapter() {
    let base = Definition {
        dimensions: vec![Dimension::CountryPair],
        measures: vec![Measure::Movements],
        filters: Filters::default(),
    };
    let count = |filters: Filters| -> u64 {
        let d = Definition {
            filters,
            ..base.clone()
        };
        run(&d, &fixture(), &period(), now())
            .rows
            .iter()
            .map(|r| match r[1] {
                Cell::Count(n) => n,
                _ => 0,
            })
            .sum()
    };
    assert_eq!(count(Filters::default()), 5);
    assert_eq!(
        count(Filters {
            country: Some("AZ".parse().unwrap()),
            ..Filters::default()
        }),
        2
    );
    assert_eq!(
        count(Filters {
            office: Some("GEPTI001".parse().unwrap()),
            ..Filters::default()
        }),
        4
    );
    assert_eq!(
        count(Filters {
            hs_chapter: Some("85".into()),
            ..Filters::default()
        }),
        2
    );
    assert_eq!(
        count(Filters {
            state: Some(MovementState::Accepted),
            ..Filters::default()
        }),
        1
    );
}

#[test]
fn definitions_are_checked_and_names_round_trip() {
    let mut d = Definition {
        dimensions: vec![],
        measures: vec![Measure::Movements],
        filters: Filters::default(),
    };
    assert_eq!(d.check(), Err(DefinitionError::Dimensions(0)));
    d.dimensions = vec![Dimension::Route, Dimension::Route];
    assert_eq!(d.check(), Err(DefinitionError::Repeated("route")));
    d.dimensions = vec![Dimension::Route];
    d.measures.clear();
    assert_eq!(d.check(), Err(DefinitionError::NoMeasure));
    for x in Dimension::ALL {
        assert_eq!(Dimension::parse(x.name()), Some(x));
    }
    for x in Measure::ALL {
        assert_eq!(Measure::parse(x.name()), Some(x));
    }
    let json = serde_json::to_value(Definition {
        dimensions: vec![Dimension::HsChapter],
        measures: vec![Measure::TransitP90Hours],
        filters: Filters::default(),
    })
    .unwrap();
    assert_eq!(
        json,
        serde_json::json!({"dimensions": ["hs-chapter"], "measures": ["transit-p90-hours"], "filters": {}})
    );
}
