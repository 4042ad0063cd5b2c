//! Criterion benchmarks of the node's core work, without storage or HTTP:
//! identifiers, the CC015C (streaming proof, full reading, typing) for a small declaration and for
//! the largest allowed (999 goods items), the business rules, one state transition, the guarantee
//! availability check, and one ICE envelope signed and verified.
//!
//! `cargo bench -p cats-cli --bench core` (a report per benchmark in `target/criterion`);
//! `cargo test -p cats-cli --benches` runs each once, as CI does. `docs/performance.md` has the
//! figures.

use std::collections::{HashMap, HashSet};
use std::hint::black_box;

use chrono::{NaiveDate, TimeZone, Utc};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

use cats_domain::ids::{Eori, Grn, Lrn, Mrn, OfficeRef, ProcedureLetter};
use cats_domain::ledger::{self, Guarantee, GuaranteeStatus};
use cats_domain::movement::{decide, Action, MovementState};
use cats_domain::rules::{self, HolderRegistration, RuleContext};
use cats_ncts::{Format, Limits, MessageType};

const CORRIDOR: &str = include_str!("../../cats-ncts/tests/fixtures/cc015c-corridor.xml");

/// The corridor declaration with its two goods items replaced by `items` copies of the first
/// (numbered 1 to `items`), so that it stays structurally valid up to the XSD's 999.
fn large_declaration(items: usize) -> String {
    let first = CORRIDOR.find("      <ConsignmentItem>").expect("an item");
    let end = CORRIDOR
        .rfind("    </HouseConsignment>")
        .expect("a house consignment");
    let item_end = CORRIDOR[first..]
        .find("</ConsignmentItem>\n")
        .expect("item end")
        + first;
    let item = &CORRIDOR[first..item_end + "</ConsignmentItem>\n".len()];
    let mut out = String::from(&CORRIDOR[..first]);
    for i in 1..=items {
        out.push_str(
            &item
                .replace("<goodsItemNumber>1<", &format!("<goodsItemNumber>{i}<"))
                .replace(
                    "<declarationGoodsItemNumber>1<",
                    &format!("<declarationGoodsItemNumber>{i}<"),
                ),
        );
    }
    out.push_str(&CORRIDOR[end..]);
    out
}

fn identifiers(c: &mut Criterion) {
    let mut g = c.benchmark_group("identifiers");
    g.bench_function("MRN parse and check digit", |b| {
        b.iter(|| black_box("24GB000246J8NY33L7").parse::<Mrn>())
    });
    g.bench_function("GRN parse and check digit", |b| {
        b.iter(|| black_box("25KZ0000SRI000010").parse::<Grn>())
    });
    g.bench_function("LRN parse", |b| {
        b.iter(|| black_box("KZHOR-2025-000123").parse::<Lrn>())
    });
    g.bench_function("office reference parse", |b| {
        b.iter(|| black_box("KZHOR001").parse::<OfficeRef>())
    });
    g.bench_function("EORI parse", |b| {
        b.iter(|| black_box("KZ840000123456").parse::<Eori>())
    });
    let kz = "KZ".parse().expect("a country");
    g.bench_function("MRN allocate (ISO 6346 check digit)", |b| {
        b.iter(|| Mrn::allocate(2025, &kz, black_box("HOR001000001"), ProcedureLetter::J))
    });
    g.finish();
}

fn declarations(c: &mut Criterion) {
    let limits = Limits::default();
    let mt = MessageType::CC015C;
    for (name, xml) in [
        ("small (1 house consignment, 2 items)", CORRIDOR.to_string()),
        ("largest (999 items)", large_declaration(999)),
    ] {
        let bytes = xml.as_bytes();
        assert!(
            cats_ncts::proves_valid(bytes, mt, &limits),
            "{name} is valid"
        );
        let mut g = c.benchmark_group(format!("CC015C {name}"));
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        if bytes.len() > 100_000 {
            g.sample_size(20);
        }
        g.bench_function("streaming proof (proves_valid)", |b| {
            b.iter(|| cats_ncts::proves_valid(black_box(bytes), mt, &limits))
        });
        g.bench_function("structural validation (validate_xml)", |b| {
            b.iter(|| cats_ncts::validate_xml(black_box(bytes), mt, &limits))
        });
        g.bench_function("read to the JSON shape (read)", |b| {
            b.iter(|| cats_ncts::read(black_box(bytes), Format::Xml, mt, &limits))
        });
        g.bench_function("read, validate and type (parse_cc015c)", |b| {
            b.iter(|| cats_ncts::parse_cc015c(black_box(bytes), Format::Xml))
        });
        let env = Env::new();
        g.bench_function("read, validate, type and check every rule", |b| {
            b.iter(|| {
                let (d, _) = cats_ncts::parse_cc015c(black_box(bytes), Format::Xml).expect("valid");
                let facts = rules::facts(&d).expect("typed");
                (rules::check_declaration(&d, &env.ctx()), facts)
            })
        });
        g.finish();
    }
}

/// What the rules read besides the declaration: the shipped catalogue, Silk Way registered as
/// an AEO, its guarantee with nothing reserved.
struct Env {
    catalog: cats_domain::reference::Catalog,
    guarantees: HashMap<Grn, Guarantee>,
    rates: HashMap<
        (
            cats_domain::ids::CurrencyCode,
            cats_domain::ids::CurrencyCode,
        ),
        rust_decimal::Decimal,
    >,
    insurers: HashSet<Eori>,
}

impl Env {
    fn new() -> Self {
        let catalog = cats_reference::shipped_catalog().expect("the shipped catalogue");
        let grn: Grn = "25KZ0000SRI000010".parse().expect("a GRN");
        let insurer: Eori = "KZ990000765432".parse().expect("an EORI");
        let guarantee = Guarantee {
            grn: grn.clone(),
            holder: "KZ840000123456".parse().expect("an EORI"),
            insurer: insurer.clone(),
            reference_amount: cats_domain::ids::Money::new(
                "1000000.00".parse().expect("a decimal"),
                "USD".parse().expect("a currency"),
            )
            .expect("money"),
            valid_from: NaiveDate::from_ymd_opt(2025, 1, 1).expect("a day"),
            valid_to: NaiveDate::from_ymd_opt(2027, 12, 31).expect("a day"),
            countries: ["KZ", "AZ", "GE"]
                .map(|c| c.parse().expect("a country"))
                .to_vec(),
            status: GuaranteeStatus::Active,
            access_code_hash: ledger::legacy_access_code_hash("25KZ0000SRI000010", "1111"),
            running_total_minor: 0,
            liability_end: None,
        };
        Env {
            catalog,
            guarantees: HashMap::from([(grn, guarantee)]),
            rates: HashMap::new(),
            insurers: HashSet::from([insurer]),
        }
    }

    fn ctx(&self) -> RuleContext<'_> {
        RuleContext {
            catalog: &self.catalog,
            today: NaiveDate::from_ymd_opt(2025, 3, 10).expect("a day"),
            holder: Some(HolderRegistration {
                identification_number: "KZ840000123456".parse().expect("an EORI"),
                kind: "trader".into(),
                active: true,
                aeo: true,
            }),
            guarantees: &self.guarantees,
            lrn_in_use: false,
            rates: &self.rates,
            active_insurers: &self.insurers,
            aeo_share: None,
        }
    }
}

fn domain(c: &mut Criterion) {
    let env = Env::new();
    let (d, _) = cats_ncts::parse_cc015c(CORRIDOR.as_bytes(), Format::Xml).expect("valid");
    let mut g = c.benchmark_group("domain");
    g.bench_function("business rules of the small declaration", |b| {
        b.iter(|| rules::check_declaration(black_box(&d), &env.ctx()))
    });
    g.bench_function("guarantee availability (CATS022 shortfalls)", |b| {
        b.iter(|| rules::shortfalls_with(black_box(&d), &env.ctx()))
    });
    g.bench_function("guarantee reservation fits (ledger::fits)", |b| {
        b.iter(|| {
            ledger::fits(
                black_box(100_000_000),
                black_box(99_000_000),
                black_box(100_000),
            )
        })
    });
    let facts = rules::facts(&d).expect("typed");
    let kz = "KZ".parse().expect("a country");
    let mrn = Mrn::allocate(2025, &kz, "HOR001000001", ProcedureLetter::J).expect("an MRN");
    let movement = facts.movement(MovementState::Accepted, Some(mrn));
    let release = Action::Release {
        office: "KZHOR001".parse().expect("an office"),
        override_reason: None,
    };
    let now = Utc
        .with_ymd_and_hms(2025, 3, 10, 10, 0, 0)
        .single()
        .expect("a time");
    assert!(decide(&movement, &release, now, &env.catalog).is_ok());
    g.bench_function("one state transition (release for transit)", |b| {
        b.iter(|| decide(black_box(&movement), &release, now, &env.catalog))
    });
    g.finish();
}

fn ice(c: &mut Criterion) {
    let key = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
    let verifying = key.verifying_key();
    let body = CORRIDOR.as_bytes();
    let now = Utc::now();
    let mut g = c.benchmark_group("ICE envelope");
    g.throughput(Throughput::Bytes(body.len() as u64));
    g.bench_function("sign and verify (Ed25519, 8 KB body)", |b| {
        b.iter(|| {
            let header = cats_ice::envelope::sign(&key, now.timestamp(), black_box(body));
            cats_ice::envelope::verify(&header, body, &verifying, now, chrono::Duration::minutes(5))
        })
    });
    g.finish();
}

criterion_group!(benches, identifiers, declarations, domain, ice);
criterion_main!(benches);
