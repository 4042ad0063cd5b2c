//! Reports and the KPI dashboard (issue 17) on a real node serving the replayed corridor data:
//! every figure checked against counts computed independently (from `cats replay`'s own
//! outcomes and KPIs, and from the movement list), each role's scope, and every export format
//! read back (CSV, XLSX with calamine, PDF with poppler's `pdftotext` and `pdftoppm`).

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

use cats_domain::risk::RiskPolicy;

use crate::common::{serve, TestDb, TestNode};

pub(crate) const PERIOD: &str = "from=2025-01-01&to=2025-12-31";

fn text_lines() -> Vec<String> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/replay/middle-corridor.jsonl");
    std::fs::read_to_string(path)
        .expect("the corridor data is shipped")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(String::from)
        .collect()
}

pub(crate) async fn replayed() -> (
    TestNode,
    Vec<cats_cli::replay::Outcome>,
    cats_cli::replay::Kpi,
) {
    let db = TestDb::new().await;
    let node = db
        .open(cats_cli::replay::seeded(RiskPolicy::default()))
        .await;
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/replay/middle-corridor.jsonl");
    let text = std::fs::read_to_string(path).expect("the corridor data is shipped");
    let lines = cats_cli::replay::parse(&text).unwrap();
    let outcomes = cats_cli::replay::replay(
        &cats_cli::replay::Nodes::one(node.app.clone()),
        &lines,
        || {},
    )
    .await
    .unwrap();
    let kpi = cats_cli::replay::compute(std::slice::from_ref(&node.app), &outcomes)
        .await
        .unwrap();
    (serve(db, node).await, outcomes, kpi)
}

async fn get(node: &TestNode, user: &str, path: &str) -> reqwest::Response {
    node.client
        .get(format!("{}{path}", node.base))
        .bearer_auth(node.token(user))
        .send()
        .await
        .unwrap()
}

async fn json_of(node: &TestNode, user: &str, path: &str) -> Value {
    let r = get(node, user, path).await;
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    r.json().await.unwrap()
}

fn sum(rows: &Value, key: &str) -> u64 {
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| r[key].as_u64().unwrap_or(0))
        .sum()
}

/// Which of poppler's tools are here; `None` (and a message) when they are not and CI did not
/// ask for them.
fn pdf_tools() -> Option<()> {
    let have = |tool: &str| std::process::Command::new(tool).arg("-v").output().is_ok();
    if have("pdftotext") && have("pdftoppm") {
        return Some(());
    }
    if std::env::var("CATS_REQUIRE_PDF_TOOLS").is_ok_and(|v| v == "1") {
        panic!("pdftotext and pdftoppm (Debian poppler-utils) are required here");
    }
    eprintln!("SKIPPED the PDF checks: pdftotext/pdftoppm (poppler-utils) are not installed");
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_on_the_replayed_corridor_equal_counts_computed_from_the_replay() {
    let (node, outcomes, kpi) = replayed().await;
    let lodged: Vec<_> = outcomes
        .iter()
        .filter(|o| o.movement_id.is_some())
        .collect();

    // Movements by state: per state, the replay's own end states.
    let by_state = json_of(&node, "admin", &format!("/reports/by-state?{PERIOD}")).await;
    let mut expected: BTreeMap<String, u64> = BTreeMap::new();
    for o in &lodged {
        *expected.entry(o.state.clone()).or_default() += 1;
    }
    let mut seen: BTreeMap<String, u64> = BTreeMap::new();
    for r in by_state["rows"].as_array().unwrap() {
        *seen
            .entry(r["state"].as_str().unwrap().to_string())
            .or_default() += r["movements"].as_u64().unwrap();
    }
    assert_eq!(seen, expected);
    assert_eq!(by_state["columns"][3]["label"], "Movements");

    // The KPIs: adherence as `cats replay` computes it, control efficiency as docs/risk.md.
    let k = json_of(&node, "admin", &format!("/reports/kpi?{PERIOD}")).await;
    assert_eq!(k["adherence"]["released"], kpi.released);
    assert_eq!(k["adherence"]["arrivedInTime"], kpi.arrived_in_time);
    assert_eq!(k["adherence"]["enRoute"], 0);
    let rate = k["adherenceRate"].as_f64().unwrap();
    assert!(
        (rate - kpi.adherence_rate).abs() < 1e-9,
        "{rate} {}",
        kpi.adherence_rate
    );
    let eff = k["controlEfficiency"].as_f64().unwrap();
    assert!(
        (eff - kpi.control_efficiency.control_efficiency).abs() < 1e-9,
        "{eff} {}",
        kpi.control_efficiency.control_efficiency
    );
    assert_eq!(
        k["control"]["efficiency"]["assessments"],
        kpi.control_efficiency.assessments
    );
    for key in [
        "adherenceRate",
        "controlEfficiency",
        "communicationEfficiency",
        "downtimeSeconds",
    ] {
        assert!(k.get(key).is_some(), "{key}");
    }
    assert!(!k["trend"].as_array().unwrap().is_empty());

    // Transit times per route: the replay's mean per route.
    let times = json_of(&node, "admin", &format!("/reports/transit-times?{PERIOD}")).await;
    for rt in &kpi.transit_times {
        let row = times["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["route"] == rt.route.as_str())
            .unwrap_or_else(|| panic!("no row for {}", rt.route));
        assert_eq!(row["arrived"], rt.movements, "{}", rt.route);
        let mean = row["transitMeanHours"].as_f64().unwrap();
        assert!(
            (mean - rt.mean_hours).abs() < 0.02,
            "{} {mean} {}",
            rt.route,
            rt.mean_hours
        );
    }

    // Volumes: every lodged movement once per month; per HS chapter at least once.
    let volumes = json_of(
        &node,
        "admin",
        &format!("/reports/volumes?{PERIOD}&by=country-pair&per=month"),
    )
    .await;
    assert_eq!(sum(&volumes["rows"], "movements"), lodged.len() as u64);
    let chapters = json_of(
        &node,
        "admin",
        &format!("/reports/volumes?{PERIOD}&by=hs-chapter&per=month"),
    )
    .await;
    // Each lodged declaration once per HS chapter it carries, counted from its XML.
    let declarations: Vec<String> = text_lines()
        .iter()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["declaration"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    let mut expected_chapters = 0u64;
    for (o, xml) in outcomes.iter().zip(&declarations) {
        if o.movement_id.is_none() {
            continue;
        }
        let mut chapters: Vec<&str> = xml
            .split("<harmonizedSystemSubHeadingCode>")
            .skip(1)
            .map(|s| &s[..2])
            .collect();
        chapters.sort();
        chapters.dedup();
        expected_chapters += chapters.len().max(1) as u64;
    }
    assert_eq!(sum(&chapters["rows"], "movements"), expected_chapters);
    assert!(chapters["rows"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["hsChapter"] != "–"));

    // Rejections by rule: as many lodgings as the replay rejected on business rules.
    let rejected = lodged.iter().filter(|o| o.state == "Rejected").count();
    let rules = json_of(&node, "admin", &format!("/reports/rejections?{PERIOD}")).await;
    let top = rules["rows"][0]["rejections"].as_u64().unwrap_or(0);
    assert!(rejected > 0 && top > 0 && top <= rejected as u64);

    // A trader sees only its own movements: the same count as its movement list.
    let mine = json_of(&node, "silkway", "/movements/departures?count=1").await;
    let own = json_of(&node, "silkway", &format!("/reports/by-state?{PERIOD}")).await;
    assert_eq!(
        sum(&own["rows"], "movements"),
        mine["totalCount"].as_u64().unwrap()
    );
    assert!(sum(&own["rows"], "movements") < lodged.len() as u64);
    // … and nothing of customs.
    for path in [
        "/reports/controls",
        "/reports/waiting",
        "/reports/kpi?country=KZ",
    ] {
        assert_eq!(
            get(&node, "silkway", path).await.status(),
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let trader_kpi = json_of(&node, "silkway", &format!("/reports/kpi?{PERIOD}")).await;
    assert_eq!(trader_kpi["controlEfficiency"], Value::Null);
    assert_eq!(trader_kpi["control"], Value::Null);
    // An officer sees its own country and no other.
    assert_eq!(
        get(
            &node,
            "officer.kz",
            &format!("/reports/kpi?{PERIOD}&country=GE")
        )
        .await
        .status(),
        StatusCode::FORBIDDEN
    );
    // … and of all movements those touching its country: as many as its movement list has.
    let kz = json_of(&node, "officer.kz", &format!("/reports/by-state?{PERIOD}")).await;
    let listed = json_of(&node, "officer.kz", "/movements/departures?count=1").await;
    assert_eq!(
        sum(&kz["rows"], "movements"),
        listed["totalCount"].as_u64().unwrap()
    );
    assert!(sum(&kz["rows"], "movements") < lodged.len() as u64);
    assert_eq!(kz["scope"], "country KZ");
    // Bad input: a clear error naming the field, nothing else.
    let r = get(&node, "admin", "/reports/volumes?from=2025-13-01").await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["errors"][0]["pointer"], "/from");
    assert_eq!(
        get(&node, "admin", "/reports/volumes?per=route")
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        get(&node, "admin", "/reports/kpi?format=doc")
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        get(&node, "admin", "/reports/nothing").await.status(),
        StatusCode::NOT_FOUND
    );

    exports_read_back(&node).await;
    custom_reports_saved_and_shared(&node, lodged.len() as u64).await;
}

async fn bytes(node: &TestNode, user: &str, path: &str, lang: &str) -> (String, Vec<u8>) {
    let r = node
        .client
        .get(format!("{}{path}", node.base))
        .bearer_auth(node.token(user))
        .header("accept-language", lang)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    let ct = r.headers()["content-type"].to_str().unwrap().to_string();
    (ct, r.bytes().await.unwrap().to_vec())
}

async fn exports_read_back(node: &TestNode) {
    let path = format!("/reports/transit-times?{PERIOD}");
    let json = json_of(node, "officer.kz", &path).await;
    let first = &json["rows"][0];

    let (ct, csv) = bytes(node, "officer.kz", &format!("{path}&format=csv"), "en").await;
    assert!(ct.starts_with("text/csv"));
    let csv = String::from_utf8(csv).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "route,arrived,arrivedInTime,adherenceRate,transitMeanHours,transitMedianHours,transitP90Hours"
    );
    assert!(lines.next().unwrap().starts_with(&format!(
        "{},{}",
        first["route"].as_str().unwrap(),
        first["arrived"]
    )));

    let (ct, xlsx) = bytes(node, "officer.kz", &format!("{path}&format=xlsx"), "ru").await;
    assert!(ct.contains("spreadsheetml"));
    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    assert_eq!(
        sheet.get_value((0, 0)),
        Some(&Data::String("Время транзита по маршрутам".into()))
    );
    assert_eq!(
        sheet.get_value((4, 0)),
        Some(&Data::String(first["route"].as_str().unwrap().into()))
    );
    assert_eq!(
        sheet.get_value((4, 1)),
        Some(&Data::Float(first["arrived"].as_f64().unwrap()))
    );
    match (sheet.get_value((4, 4)), first["transitMeanHours"].as_f64()) {
        (Some(Data::Float(x)), Some(y)) => assert!((x - y).abs() < 1e-6),
        (v, y) => panic!("{v:?} {y:?}"),
    }

    let (ct, pdf) = bytes(node, "officer.kz", &format!("{path}&format=pdf"), "ru").await;
    assert_eq!(ct, "application/pdf");
    if pdf_tools().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let text = std::process::Command::new("pdftotext")
        .args(["-layout", file.to_str().unwrap(), "-"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("Время транзита по маршрутам"), "{text}");
    assert!(text.contains(first["route"].as_str().unwrap()), "{text}");
    let png = dir.path().join("report");
    let out = std::process::Command::new("pdftoppm")
        .args(["-r", "60", "-png", "-f", "1", "-l", "1"])
        .arg(&file)
        .arg(&png)
        .output()
        .unwrap();
    assert!(out.status.success());
    let page = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .find(|e| e.path().extension().is_some_and(|x| x == "png"))
        .expect("a page rendered");
    assert!(page.metadata().unwrap().len() > 5_000);
    // To look at them: CATS_KEEP_REPORTS=/tmp/reports cargo test … reports_on_the_replayed
    if let Ok(keep) = std::env::var("CATS_KEEP_REPORTS") {
        std::fs::create_dir_all(&keep).unwrap();
        std::fs::write(Path::new(&keep).join("transit-times-ru.pdf"), &pdf).unwrap();
        let (_, kpi_pdf) = bytes(
            node,
            "admin",
            &format!("/reports/kpi?{PERIOD}&format=pdf"),
            "en",
        )
        .await;
        std::fs::write(Path::new(&keep).join("kpi-en.pdf"), kpi_pdf).unwrap();
    }
}

async fn custom_reports_saved_and_shared(node: &TestNode, lodged: u64) {
    let definition = json!({
        "dimensions": ["country-pair", "hs-chapter"],
        "measures": ["movements", "transit-p90-hours"],
        "filters": {"country": "GE"}
    });
    let r = node
        .client
        .post(format!("{}/reports/custom?{PERIOD}", node.base))
        .bearer_auth(node.token("admin"))
        .json(&definition)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let preview: Value = r.json().await.unwrap();
    assert!(preview["rows"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["countryPair"].as_str().unwrap().contains("GE")));
    let wrong = node
        .client
        .post(format!("{}/reports/custom", node.base))
        .bearer_auth(node.token("admin"))
        .json(&json!({"dimensions": [], "measures": ["movements"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
    let typo = node
        .client
        .post(format!("{}/reports/custom", node.base))
        .bearer_auth(node.token("admin"))
        .json(&json!({"dimensions": ["route"], "measures": ["movements"], "filter": {}}))
        .send()
        .await
        .unwrap();
    assert_eq!(typo.status(), StatusCode::BAD_REQUEST);
    let body: Value = typo.json().await.unwrap();
    assert!(
        body["message"].as_str().unwrap().contains("filter"),
        "{body}"
    );

    // officer.kz saves one for its country; another officer of KZ would see it, officer.ge not.
    let save = |user: &'static str, shared: &'static str| {
        node.client
            .post(format!("{}/reports/saved", node.base))
            .bearer_auth(node.token(user))
            .json(&json!({"name": "Месячные объёмы", "shared": shared,
                "definition": {"dimensions": ["month"], "measures": ["movements"]}}))
            .send()
    };
    let r = save("officer.kz", "country").await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let saved: Value = r.json().await.unwrap();
    let id = saved["id"].as_str().unwrap().to_string();
    assert_eq!(
        save("silkway", "country").await.unwrap().status(),
        StatusCode::BAD_REQUEST
    );
    let run = json_of(node, "officer.kz", &format!("/reports/saved/{id}?{PERIOD}")).await;
    assert!(sum(&run["rows"], "movements") <= lodged);
    assert_eq!(
        get(node, "officer.ge", &format!("/reports/saved/{id}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(node, "silkway", &format!("/reports/saved/{id}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let listed = json_of(node, "officer.kz", "/reports").await;
    assert!(listed["saved"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["id"] == id.as_str()));
    assert!(listed["reports"].as_array().unwrap().len() >= 12);
    let del = node
        .client
        .delete(format!("{}/reports/saved/{id}", node.base))
        .bearer_auth(node.token("officer.kz"))
        .send()
        .await
        .unwrap();
    assert_eq!(del.status(), StatusCode::NO_CONTENT);
}

/// Downtime from the node's own run records: a run that ended without a clean stop and the
/// next start leave a gap; a clean stop and a restart leave another.
#[tokio::test]
async fn downtime_comes_from_the_nodes_own_runs() {
    let node = crate::common::start().await;
    let store = node.app.store();
    let day = Utc::now().date_naive() - Duration::days(2);
    let at = |h: i64| day.and_hms_opt(0, 0, 0).unwrap().and_utc() + Duration::hours(h);
    let (a, b, c) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
    store.run_started(a, at(1), "test").await.unwrap();
    store.run_heartbeat(a, at(5)).await.unwrap(); // then a crash: no clean stop
    store.run_started(b, at(7), "test").await.unwrap(); // 2 h down
    store.run_stopped(b, at(10)).await.unwrap();
    store.run_started(c, at(11), "test").await.unwrap(); // 1 h down
    store.run_stopped(c, at(23)).await.unwrap();
    let k = json_of(&node, "admin", &format!("/reports/kpi?from={day}&to={day}")).await;
    // Observed from the first start (01:00) to the end of the day: down 05–07, 10–11, 23–24.
    assert_eq!(k["downtimeSeconds"], 4 * 3600, "{k}");
    assert_eq!(k["downtime"]["starts"], 3);
    assert_eq!(k["downtime"]["crashes"], 1);
}
