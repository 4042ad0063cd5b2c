//! Tests of risk selection: profiles, random rate, recognition.
use super::*;
use crate::ids::{CountryCode, ProcedureLetter};
use crate::reference::RestrictedGoods;

/// The MRN the tests select (any well-formed one).
const M: &str = "25KZHOR001000001J8";

fn office(s: &str) -> OfficeRef {
    s.parse().unwrap()
}

fn mrn(s: &str) -> Mrn {
    s.parse().unwrap()
}

fn facts(hs: &[&str], countries: &[&str]) -> RiskFacts {
    RiskFacts {
        hs_codes: hs.iter().map(|s| s.parse().unwrap()).collect(),
        countries: countries.iter().map(|s| s.parse().unwrap()).collect(),
        ..RiskFacts::of_holder("KZ840000123456".parse().unwrap())
    }
}

#[test]
fn draw_is_reproducible_and_in_range() {
    let seven = DrawKey::from_seed(7);
    let a = draw(&seven, &mrn(M), &office("KZHOR001"));
    assert_eq!(a, draw(&seven, &mrn(M), &office("KZHOR001")));
    assert_ne!(
        a,
        draw(&DrawKey::from_seed(8), &mrn(M), &office("KZHOR001"))
    );
    assert_ne!(a, draw(&seven, &mrn(M), &office("KZDOS001")));
    assert!((0.0..1.0).contains(&a));
    let secret = DrawKey::from_bytes([42; 32]);
    assert_ne!(a, draw(&secret, &mrn(M), &office("KZHOR001")));
    assert_eq!(format!("{secret:?}"), "DrawKey(…)");
}

#[test]
fn random_rate_holds_over_many_draws() {
    let policy = RiskPolicy {
        default_rate: 0.1,
        ..RiskPolicy::default()
    };
    let catalog = Catalog::default();
    let kz = CountryCode::parse("KZ").unwrap();
    let n = 10_000;
    let hits = (0..n)
        .filter(|i| {
            select(
                &policy,
                &catalog,
                &office("KZHOR001"),
                &Mrn::allocate(2025, &kz, &format!("HOR001{i:06}"), ProcedureLetter::J).unwrap(),
                &facts(&[], &[]),
            )
            .selected
        })
        .count();
    let share = hits as f64 / n as f64;
    // Tolerance: 0.01 is more than 3 standard deviations of a binomial share at n = 10,000
    // and p = 0.1 (sqrt(0.1 × 0.9 / 10,000) = 0.003).
    assert!((share - 0.1).abs() < 0.01, "share {share}");
}

#[test]
fn restricted_and_profiles_fire() {
    let mut catalog = Catalog::default();
    catalog.restricted.push(RestrictedGoods {
        hs_prefix: "2402".into(),
        restriction: Restriction::AlwaysControlled,
        reason: "tobacco".into(),
        source: "test".into(),
    });
    let policy = RiskPolicy {
        default_rate: 0.0,
        profiles: vec![RiskProfile {
            id: "P-1".into(),
            description: "phones from CN".into(),
            hs_prefix: Some("8517".into()),
            country: Some("CN".parse().unwrap()),
            control_type: ControlType::Scanning,
            ..RiskProfile::default()
        }],
        ..RiskPolicy::default()
    };
    let s = select(
        &policy,
        &catalog,
        &office("KZXYZ001"),
        &mrn(M),
        &facts(&["240220"], &["KZ"]),
    );
    assert!(s.selected);
    assert_eq!(s.control_type, Some(ControlType::Physical));
    let s = select(
        &policy,
        &catalog,
        &office("KZXYZ001"),
        &mrn(M),
        &facts(&["851762"], &["CN"]),
    );
    assert_eq!(s.profiles, ["P-1"]);
    assert_eq!(s.control_type, Some(ControlType::Scanning));
    let s = select(
        &policy,
        &catalog,
        &office("KZXYZ001"),
        &mrn(M),
        &facts(&["851762"], &["TR"]),
    );
    assert!(!s.selected);
}

#[test]
fn aeo_holders_get_a_lower_random_rate() {
    let policy = RiskPolicy {
        default_rate: 0.2,
        aeo: AeoBenefits {
            reserve_share: "0.5".parse().unwrap(),
            random_rate_factor: 0.25,
        },
        ..RiskPolicy::default()
    };
    let catalog = Catalog::default();
    let mut f = facts(&[], &[]);
    let plain = select(&policy, &catalog, &office("KZXYZ001"), &mrn(M), &f);
    assert_eq!((plain.rate, plain.aeo_factor), (0.2, None));
    f.aeo = true;
    let aeo = select(&policy, &catalog, &office("KZXYZ001"), &mrn(M), &f);
    assert_eq!((aeo.rate, aeo.aeo_factor), (0.05, Some(0.25)));
    assert_eq!(policy.aeo.share_for(true), Some("0.5".parse().unwrap()));
    assert_eq!(policy.aeo.share_for(false), None);
    assert_eq!(AeoBenefits::default().factor_for(true), None);
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn control(office: &str, result: ControlResultCode) -> ControlRecord {
    ControlRecord {
        office: office.parse().unwrap(),
        stage: crate::movement::Stage::Departure,
        result,
        control_type: ControlType::Physical,
        at: chrono::Utc::now(),
        report: Default::default(),
        officer: None,
        attachments: vec![],
    }
}

#[test]
fn recognition_skips_a_random_repeat_control_unless_a_local_profile_fires() {
    // Rate 1: the draw always selects.
    let mut policy = RiskPolicy {
        default_rate: 1.0,
        ..RiskPolicy::default()
    };
    let catalog = Catalog::default();
    let f = facts(&["851762"], &["CN", "KZ", "AZ"]);
    let done = [control("KZHOR001", ControlResultCode::A1)];
    let s = select_recognising(&policy, &catalog, &office("AZAST001"), &mrn(M), &f, &done);
    assert!(!s.selected);
    assert_eq!(s.recognised.as_ref().unwrap().office, "KZHOR001");
    assert!(s.reasons[0].contains("recognised"), "{:?}", s.reasons);
    // Nothing recognised without an upstream control, or after an unsatisfactory one.
    assert!(select_recognising(&policy, &catalog, &office("AZAST001"), &mrn(M), &f, &[]).selected);
    let bad = [control("KZHOR001", ControlResultCode::B1)];
    let s = select_recognising(&policy, &catalog, &office("AZAST001"), &mrn(M), &f, &bad);
    assert!(s.selected && s.recognised.is_none());
    // A control at the same office is not "upstream".
    let here = [control("AZAST001", ControlResultCode::A1)];
    assert!(
        select_recognising(&policy, &catalog, &office("AZAST001"), &mrn(M), &f, &here).selected
    );
    // A local profile fires: selected although the upstream control was satisfactory.
    policy.profiles.push(RiskProfile {
        id: "P-AZ".into(),
        description: "phones at Astara".into(),
        hs_prefixes: vec!["8517".into()],
        offices: vec!["AZAST001".parse().unwrap()],
        ..RiskProfile::default()
    });
    let s = select_recognising(&policy, &catalog, &office("AZAST001"), &mrn(M), &f, &done);
    assert!(s.selected && s.recognised.is_none());
    assert_eq!(s.profiles, ["P-AZ"]);
}

#[test]
fn scores_add_up_to_the_threshold() {
    let profile = |id: &str, hs: &str, score| RiskProfile {
        id: id.into(),
        description: id.into(),
        hs_prefixes: vec![hs.into()],
        score: Some(score),
        control_type: ControlType::Scanning,
        ..RiskProfile::default()
    };
    let policy = RiskPolicy {
        default_rate: 0.0,
        score_threshold: 100,
        profiles: vec![profile("S-1", "85", 60), profile("S-2", "8517", 50)],
        ..RiskPolicy::default()
    };
    let catalog = Catalog::default();
    let s = select(
        &policy,
        &catalog,
        &office("KZXYZ001"),
        &mrn(M),
        &facts(&["851000"], &[]),
    );
    assert_eq!((s.selected, s.score, s.profiles.len()), (false, 60, 1));
    let s = select(
        &policy,
        &catalog,
        &office("KZXYZ001"),
        &mrn(M),
        &facts(&["851762"], &[]),
    );
    assert_eq!((s.selected, s.score), (true, 110));
    assert_eq!(s.control_type, Some(ControlType::Scanning));
}

#[test]
fn validity_window_and_office_countries() {
    let p = RiskProfile {
        id: "P".into(),
        valid_from: Some(day("2026-01-01")),
        valid_to: Some(day("2026-06-30")),
        office_countries: vec!["AZ".parse().unwrap()],
        ..RiskProfile::default()
    };
    let mut f = facts(&["010121"], &[]);
    f.day = Some(day("2026-03-01"));
    assert!(profile_fires(&p, &f, &office("AZAST001")));
    assert!(!profile_fires(&p, &f, &office("KZHOR001")));
    f.day = Some(day("2026-07-01"));
    assert!(!profile_fires(&p, &f, &office("AZAST001")));
    f.day = Some(day("2025-12-31"));
    assert!(!profile_fires(&p, &f, &office("AZAST001")));
}

#[test]
fn old_policy_files_still_load() {
    let text = include_str!("../../../../data/risk/default-policy.json");
    let policy: RiskPolicy = serde_json::from_str(text).unwrap();
    assert_eq!(policy.score_threshold, 100);
    assert_eq!(policy.profiles[0].hs_prefix.as_deref(), Some("8517"));
}

mod props {
    use super::*;
    use proptest::prelude::*;

    const HS: [&str; 4] = ["851762", "870323", "240220", "010121"];
    const COUNTRIES: [&str; 5] = ["CN", "KZ", "AZ", "GE", "TR"];
    const HOLDERS: [&str; 3] = ["KZ000000000001", "CN000000000002", "GE000000000003"];

    fn any_facts() -> impl Strategy<Value = RiskFacts> {
        (
            proptest::sample::subsequence(HS.to_vec(), 1..=3),
            proptest::sample::select(COUNTRIES.to_vec()),
            proptest::sample::select(COUNTRIES.to_vec()),
            proptest::sample::subsequence(COUNTRIES.to_vec(), 0..=3),
            proptest::sample::select(HOLDERS.to_vec()),
            any::<bool>(),
            1.0f64..50_000.0,
            0.1f64..500.0,
        )
            .prop_map(|(hs, dis, des, routing, holder, aeo, mass, vpk)| {
                let mut countries: Vec<CountryCode> =
                    vec![dis.parse().unwrap(), des.parse().unwrap()];
                countries.extend(routing.iter().map(|c| c.parse::<CountryCode>().unwrap()));
                RiskFacts {
                    hs_codes: hs.iter().map(|s| s.parse().unwrap()).collect(),
                    countries,
                    aeo,
                    country_of_dispatch: Some(dis.parse().unwrap()),
                    country_of_destination: Some(des.parse().unwrap()),
                    countries_of_routing: routing.iter().map(|c| c.parse().unwrap()).collect(),
                    holder: holder.parse().unwrap(),
                    gross_mass_kg: Some(mass),
                    value_per_kg: Some(vpk),
                    day: Some(day("2026-03-01")),
                }
            })
    }

    fn any_profile() -> impl Strategy<Value = RiskProfile> {
        fn list<T>(xs: &'static [&'static str]) -> impl Strategy<Value = Vec<T>>
        where
            T: std::str::FromStr + std::fmt::Debug + Clone,
            T::Err: std::fmt::Debug,
        {
            proptest::sample::subsequence(xs.to_vec(), 0..=2).prop_map(|v| {
                v.into_iter()
                    .map(|s| s.parse().unwrap())
                    .collect::<Vec<_>>()
            })
        }
        let hs_prefix = proptest::sample::select(vec!["85", "8517", "87", "24", "01", "9999"]);
        (
            (
                proptest::option::of(hs_prefix.clone()),
                proptest::sample::subsequence(vec!["85", "8703", "2402", "0101"], 0..=2),
                list(&COUNTRIES),
                list(&COUNTRIES),
                list(&COUNTRIES),
                list(&HOLDERS),
                proptest::option::of(any::<bool>()),
            ),
            (
                proptest::option::of(0.0f64..300.0),
                proptest::option::of(0.0f64..300.0),
                proptest::option::of(0.0f64..30_000.0),
                proptest::option::of(0.0f64..60_000.0),
                proptest::option::of(any::<bool>()),
            ),
        )
            .prop_map(
                |((hp, hps, dis, des, rou, hol, aeo), (v0, v1, m0, m1, r))| RiskProfile {
                    id: "P".into(),
                    description: "generated".into(),
                    hs_prefix: hp.map(String::from),
                    hs_prefixes: hps.into_iter().map(String::from).collect(),
                    countries_of_dispatch: dis,
                    countries_of_destination: des,
                    countries_of_routing: rou,
                    holders: hol,
                    aeo,
                    min_value_per_kg: v0,
                    max_value_per_kg: v1,
                    min_mass_kg: m0,
                    max_mass_kg: m1,
                    restricted_goods: r,
                    ..RiskProfile::default()
                },
            )
    }

    fn tobacco() -> Catalog {
        let mut catalog = Catalog::default();
        catalog.restricted.push(RestrictedGoods {
            hs_prefix: "2402".into(),
            restriction: Restriction::AlwaysControlled,
            reason: "tobacco".into(),
            source: "test".into(),
        });
        catalog
    }

    /// Every criterion the profile sets, checked one by one against the facts.
    fn every_criterion_matches(p: &RiskProfile, f: &RiskFacts) -> bool {
        let hs = |pre: &str| f.hs_codes.iter().any(|c| c.as_str().starts_with(pre));
        let one_of = |list: &[CountryCode], v: &Option<CountryCode>| {
            list.is_empty() || v.as_ref().is_some_and(|v| list.contains(v))
        };
        let range = |v: Option<f64>, lo: Option<f64>, hi: Option<f64>| {
            let v = v.unwrap();
            lo.is_none_or(|lo| v >= lo) && hi.is_none_or(|hi| v < hi)
        };
        let restricted = f.hs_codes.iter().any(|c| c.as_str().starts_with("2402"));
        p.hs_prefix.as_deref().is_none_or(hs)
            && (p.hs_prefixes.is_empty() || p.hs_prefixes.iter().any(|x| hs(x)))
            && one_of(&p.countries_of_dispatch, &f.country_of_dispatch)
            && one_of(&p.countries_of_destination, &f.country_of_destination)
            && (p.countries_of_routing.is_empty()
                || f.countries_of_routing
                    .iter()
                    .any(|c| p.countries_of_routing.contains(c)))
            && (p.holders.is_empty() || p.holders.contains(&f.holder))
            && p.aeo.is_none_or(|a| a == f.aeo)
            && range(f.value_per_kg, p.min_value_per_kg, p.max_value_per_kg)
            && range(f.gross_mass_kg, p.min_mass_kg, p.max_mass_kg)
            && p.restricted_goods.is_none_or(|r| r == restricted)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// A profile fires on a declaration if and only if every criterion it sets matches.
        #[test]
        fn fires_only_on_matching_declarations(p in any_profile(), f in any_facts()) {
            let fires = profile_fires_with(&p, &f, &office("KZHOR001"), &tobacco());
            prop_assert_eq!(fires, every_criterion_matches(&p, &f));
        }

        /// A profile cut to the declaration's own facts fires; changing one criterion to a
        /// value the declaration does not have stops it.
        #[test]
        fn a_profile_made_from_the_declaration_fires(f in any_facts(), which in 0usize..6) {
            let mut p = RiskProfile {
                id: "P".into(),
                hs_prefixes: vec![f.hs_codes[0].heading().to_string()],
                countries_of_dispatch: vec![f.country_of_dispatch.unwrap()],
                countries_of_destination: vec![f.country_of_destination.unwrap()],
                holders: vec![f.holder.clone()],
                aeo: Some(f.aeo),
                min_mass_kg: f.gross_mass_kg,
                max_value_per_kg: f.value_per_kg.map(|v| v + 1.0),
                ..RiskProfile::default()
            };
            prop_assert!(profile_fires_with(&p, &f, &office("KZHOR001"), &tobacco()));
            match which {
                0 => p.hs_prefixes = vec!["9999".into()],
                1 => p.countries_of_dispatch = vec!["BR".parse().unwrap()],
                2 => p.countries_of_destination = vec!["BR".parse().unwrap()],
                3 => p.holders = vec!["BR0".parse().unwrap()],
                4 => p.aeo = Some(!f.aeo),
                _ => p.min_mass_kg = f.gross_mass_kg.map(|m| m + 1.0),
            }
            prop_assert!(!profile_fires_with(&p, &f, &office("KZHOR001"), &tobacco()));
        }

        /// Outside its offices or its validity window a profile never fires.
        #[test]
        fn never_fires_elsewhere_or_out_of_time(p in any_profile(), f in any_facts()) {
            let mut here = p.clone();
            here.offices = vec!["AZAST001".parse().unwrap()];
            prop_assert!(!profile_fires_with(&here, &f, &office("KZHOR001"), &tobacco()));
            let mut expired = p;
            expired.valid_to = Some(day("2026-02-28"));
            prop_assert!(!profile_fires_with(&expired, &f, &office("KZHOR001"), &tobacco()));
        }
    }
}
