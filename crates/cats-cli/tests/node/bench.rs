//! `cats bench` subcommands in smoke mode: each runs on a tiny load and prints its JSON shape
//! (the figures themselves are measured in release builds, `docs/performance.md`; never timed
//! here).

use std::process::Command;

use serde_json::Value;

const CORRIDOR: &str = include_str!("../../../cats-ncts/tests/fixtures/cc015c-corridor.xml");

/// `cats bench ARGS --json` run to its end.
fn run_bench(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_cats"))
        .arg("bench")
        .args(args)
        .arg("--json")
        .env("CATS_LOG", "warn")
        .env_remove("CATS_DATABASE_URL")
        .output()
        .expect("run cats bench")
}

/// `cats bench ARGS --json` that must succeed: its JSON result.
fn bench(args: &[&str]) -> Value {
    let out = run_bench(args);
    assert!(
        out.status.success(),
        "cats bench {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("a JSON result")
}

#[test]
fn validate_reports_throughput_and_each_invalid_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("good.xml"), CORRIDOR).unwrap();
    let bad = CORRIDOR.replace(
        "<grossMass>18450.500</grossMass>",
        "<grossMass>-4</grossMass>",
    );
    std::fs::write(dir.path().join("bad.xml"), bad).unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a message").unwrap();
    let r = bench(&["validate", dir.path().to_str().unwrap(), "--rounds", "3"]);
    assert_eq!(r["files"], 2);
    assert_eq!(r["messages"], 6);
    assert_eq!(
        (r["valid"].as_u64(), r["invalid"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(r["provenByStreaming"], 1);
    assert!(r["messagesPerSecond"].as_f64().unwrap() > 0.0);
    assert!(r["megabytesPerSecond"].as_f64().unwrap() > 0.0);
    assert_eq!(r["invalidFiles"][0]["file"], "bad.xml");
    let first = r["invalidFiles"][0]["first"].as_str().unwrap();
    assert!(
        first.starts_with("/CC015C/Consignment/grossMass: grossMass must be a positive decimal"),
        "{first}"
    );
}

#[test]
fn ceiling_counts_commits() {
    let r = bench(&[
        "ceiling",
        "--commits",
        "40",
        "--concurrency",
        "4",
        "--row-bytes",
        "500",
    ]);
    assert_eq!(r["commits"], 40);
    assert_eq!(r["rowBytes"], 500);
    assert!(r["commitsPerSecond"].as_f64().unwrap() > 0.0);
}

#[test]
fn lodge_as_fast_as_possible_and_at_a_rate() {
    let r = bench(&[
        "lodge",
        "--count",
        "12",
        "--concurrency",
        "3",
        "--ceiling-commits",
        "20",
    ]);
    assert_eq!(
        (r["lodgings"].as_u64(), r["errors"].as_u64()),
        (Some(12), Some(0))
    );
    assert!(r["ratioToCeiling"].as_f64().unwrap() > 0.0);
    assert!(r["latency"]["p99Ms"].as_f64().unwrap() >= r["latency"]["p50Ms"].as_f64().unwrap());
    assert!(r["bytesPerLodging"].as_f64().unwrap() > 1000.0);
    assert!(r["peakResidentMb"].as_f64().unwrap() > 1.0);
    let r = bench(&[
        "lodge",
        "--count",
        "5",
        "--rate",
        "50",
        "--ceiling-commits",
        "0",
    ]);
    assert_eq!(
        (r["lodgings"].as_u64(), r["targetRate"].as_f64()),
        (Some(5), Some(50.0))
    );
    assert!(r["ratioToCeiling"].is_null());
    // Five lodgings planned 20 ms apart take at least 80 ms, whatever the machine.
    assert!(r["seconds"].as_f64().unwrap() >= 0.08);
}

#[test]
fn lifecycle_carries_movements_to_write_off_over_http_and_in_process() {
    for via in [None, Some("--in-process")] {
        let mut args = vec!["lifecycle", "--movements", "4", "--concurrency", "2"];
        args.extend(via);
        let r = bench(&args);
        assert_eq!(r["movements"], 4);
        assert_eq!(r["via"], if via.is_some() { "in-process" } else { "HTTP" });
        assert!(r["movementsPerSecond"].as_f64().unwrap() > 0.0);
        assert!(r["bytesPerMovement"].as_f64().unwrap() > 1000.0);
    }
}

#[test]
fn fill_stores_copies_and_times_the_lists_and_the_start_up() {
    let r = bench(&[
        "fill",
        "--movements",
        "300",
        "--holders",
        "5",
        "--batch",
        "70",
        "--queries",
        "3",
        "--report-runs",
        "3",
    ]);
    assert_eq!(r["movements"], 300);
    // Silk Way is holder 0 of 5: every fifth copy, and the eight templates lodged over HTTP.
    assert_eq!(r["silkwayMovements"], 300 / 5 + 8);
    let names: Vec<&str> = r["queries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"officer's work queue (500 newest)"),
        "{names:?}"
    );
    assert!(names.contains(&"search by MRN"), "{names:?}");
    assert!(
        names.contains(&"KPI dashboard, officer (its country), 30 days"),
        "{names:?}"
    );
    for q in r["queries"].as_array().unwrap() {
        assert_eq!(q["runs"], 3);
        assert!(q["latency"]["maxMs"].as_f64().unwrap() > 0.0, "{q}");
    }
    assert!(r["startupMs"].as_f64().unwrap() > 0.0);
    assert!(r["bytesPerMovement"].as_f64().unwrap() > 0.0);
}

/// `cats bench ARGS --json` that must fail: its standard error.
fn bench_refused(args: &[&str]) -> String {
    let out = run_bench(args);
    assert!(!out.status.success(), "cats bench {args:?} succeeded");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_kept_fill_is_measured_again_warm_and_from_disk() {
    let dir = tempfile::tempdir().unwrap();
    let kept = dir.path().join("kept");
    let kept = kept.to_str().unwrap();
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let empty = empty.to_str().unwrap();
    let refused = bench_refused(&["lists", "--data-dir", empty]);
    assert!(refused.contains("holds no database"), "{refused}");
    let filled = bench(&[
        "fill",
        "--movements",
        "200",
        "--holders",
        "4",
        "--queries",
        "2",
        "--report-runs",
        "0",
        "--keep",
        kept,
    ]);
    assert_eq!(filled["movements"], 200);
    assert!(dir.path().join("kept/cats.db").is_file());
    // A second fill into the same directory would mix two fills: refused, the first kept.
    let refused = bench_refused(&["fill", "--movements", "10", "--keep", kept]);
    assert!(refused.contains("holds a database already"), "{refused}");
    for cold in [false, true] {
        let mut args = vec!["lists", "--data-dir", kept, "--queries", "2"];
        if cold {
            args.push("--cold");
        }
        let r = bench(&args);
        assert_eq!(r["cold"], cold);
        assert!(r["storedBytes"].as_u64().unwrap() > 0, "{r}");
        assert!(r["startupMs"].as_f64().unwrap() > 0.0, "{r}");
        let queries = r["queries"].as_array().unwrap();
        let names: Vec<&str> = queries
            .iter()
            .map(|q| q["name"].as_str().unwrap())
            .collect();
        let filled_names: Vec<&str> = filled["queries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| q["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, filled_names, "the same lists as the fill timed");
        for q in queries {
            assert_eq!(q["runs"], 2, "{q}");
            assert!(q["latency"]["maxMs"].as_f64().unwrap() > 0.0, "{q}");
        }
    }
}

#[test]
fn ice_carries_movements_across_two_nodes_to_write_off() {
    // The command fails unless every movement is written off at the node of departure and the
    // guarantee is back at zero.
    let r = bench(&["ice", "--movements", "6", "--concurrency", "3"]);
    assert_eq!(r["movements"], 6);
    assert_eq!(r["nodes"], serde_json::json!(["KZ", "AZ+GE+TM+UZ"]));
    let ice = &r["ice"];
    assert!(ice["sent"].as_i64().unwrap() >= 6, "{ice}");
    assert_eq!(ice["delivered"], ice["sent"], "{ice}");
    assert_eq!(ice["refused"], 0, "{ice}");
    assert!(r["messagesPerSecond"].as_f64().unwrap() > 0.0);
    assert!(r["propagation"]["maxMs"].as_f64().unwrap() > 0.0);
}
