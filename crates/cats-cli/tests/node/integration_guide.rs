//! Every example of the integration guide (`docs/manual/en/src/integration/`, issue 18) run
//! against a real node, in the order of the book.
//!
//! The guide's format: an ```` ```http ```` block holding a request (start line, headers, body)
//! followed by an ```` ```http ```` block holding its answer (status line, the headers that
//! matter, body). Placeholders: `{{token USER}}` (a demo user's API token), `{{receiver}}` and
//! `{{unreachable receiver}}` (webhook URLs: a real receiver on 127.0.0.1 this test runs, and a
//! port nothing listens on), `{{today}}` and `{{today+N}}` (dates); in an answer, `{{name}}`
//! captures the value the first time and must be equal afterwards (requests use it), and
//! `{{any …}}` is anything. HTML comments `<!-- guide-test: … -->` tell the test what a reader
//! cannot send: `delivery` (the next block is a webhook delivery the receiver must have got),
//! `verifier SECRET-NAME` (the next block is a verification snippet, run on that delivery),
//! `cli` (the next `sh` block is a `cats` command, the `text` block after it its output), and
//! `days pass N` (the node's time-limit check runs N days ahead, as it would by itself).
//!
//! It fails when an answer's status differs, a documented JSON field is missing or has another
//! value, a documented XML answer's root or elements differ, a snippet does not accept the real
//! delivery or does not refuse a tampered one, the guide has fewer examples than the floor, or
//! an operation traders or insurers may call has no example (listed).
//!
//! For writing the guide: `CATS_GUIDE_DUMP=1` prints every answer the node gives, and
//! `CATS_GUIDE_DIR=DIR` reads the chapters from `DIR` (with `DIR/../SUMMARY.md`) rather than
//! from the manual, which the node embeds (so a draft is tried without rebuilding it).

mod markdown;
mod matching;
mod runner;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Instant;

use serde_json::Value;

use cats_app::notify::RetryPolicy;
use cats_web::notify::Settings;
use cats_web::routes::{operations, Method};

use crate::common::start;
use crate::notify_kit::free_port;
use markdown::Step;
use matching::Binds;
use runner::{receiver, Got, Runner};

/// The guide must hold at least this many examples (requests with their answers, webhook
/// deliveries, snippets and commands run).
const MIN_EXAMPLES: usize = 100;

/// Operations traders or insurers may call that the guide does not show, each with why.
const NOT_IN_GUIDE: &[(&str, &str)] = &[
    // Operators' monitoring: administrators, or any caller on the node's own machine (which is
    // why the authorisation matrix, run on 127.0.0.1, lets everyone in). The operations guide
    // documents it.
    ("GET /metrics", "operators' monitoring (operations guide)"),
];
// Not in the route table, so not checked here: the HMRC CTC Traders API profile under
// `/customs/transits/…` and `/customs/guarantees/…` (docs/hmrc-profile.md; the guide shows one
// example of it), and ICE's peer endpoint `/ice/v1/messages` (nodes only, docs/ice/).

fn method_name(m: Method) -> &'static str {
    match m {
        Method::Get => "GET",
        Method::Post => "POST",
        Method::Put => "PUT",
        Method::Delete => "DELETE",
    }
}

/// The operations (`METHOD /path`) traders or insurers may call: the authorisation matrix's
/// entries naming a trader, an insurer, the owner or everyone, and the route table's `who`
/// naming them (contract and claim steps the matrix probes as officers only).
fn traders_and_insurers_operations() -> BTreeSet<String> {
    let source = include_str!("authz_matrix.rs");
    let table = source
        .split("const MATRIX")
        .nth(1)
        .and_then(|s| s.split("\n];").next())
        .expect("the MATRIX table");
    let literals: Vec<&str> = table.split('"').skip(1).step_by(2).collect();
    let matrix: BTreeMap<&str, &str> = literals
        .chunks(2)
        .filter(|c| c.len() == 2)
        .map(|c| (c[0], c[1]))
        .collect();
    assert!(
        matrix.len() > 50 && matrix.keys().all(|k| k.contains(" /")),
        "authz_matrix.rs's MATRIX no longer reads as (\"METHOD /path\", \"roles\") pairs"
    );
    let words = [
        "trader",
        "insurer",
        "holder",
        "applicant",
        "party",
        "owner",
        "everyone",
        "anyone",
    ];
    operations()
        .iter()
        .filter_map(|(op, _)| {
            let key = format!("{} {}", method_name(op.method), op.path);
            let roles = matrix.get(key.as_str()).copied().unwrap_or_default();
            let in_matrix = roles.split_whitespace().any(|r| {
                ["trader", "insurer", "owner", "all"].contains(&r.trim_start_matches('~'))
            });
            let who = op.who.to_lowercase();
            (in_matrix || words.iter().any(|w| who.contains(w))).then_some(key)
        })
        .collect()
}

/// The route template a request path is an example of: the one with the fewest parameters.
fn template_of(method: &str, path: &str) -> Option<String> {
    operations()
        .iter()
        .filter(|(op, _)| method_name(op.method) == method)
        .filter(|(op, _)| {
            let t: Vec<&str> = op.path.split('/').collect();
            let p: Vec<&str> = path.split('/').collect();
            t.len() == p.len() && t.iter().zip(&p).all(|(t, p)| t.starts_with('{') || t == p)
        })
        .min_by_key(|(op, _)| op.path.matches('{').count())
        .map(|(op, _)| format!("{method} {}", op.path))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_example_of_the_integration_guide_runs_against_a_real_node() {
    let steps = markdown::plan(&markdown::chapters()).unwrap_or_else(|problems| {
        panic!(
            "examples of the guide that are not well made:\n{}",
            problems.join("\n")
        )
    });
    let node = start().await;
    let got: Got = Arc::default();
    let mut binds = Binds::new();
    for (user, token) in &node.tokens {
        binds.insert(format!("token {user}"), Value::String(token.clone()));
    }
    binds.insert(
        "receiver".into(),
        Value::String(receiver(got.clone()).await),
    );
    binds.insert(
        "unreachable receiver".into(),
        Value::String(format!("http://127.0.0.1:{}/cats-hook", free_port())),
    );
    // The delivery worker as `cats serve` runs it; a failed delivery is parked at once (the
    // guide's "after 24 hours"), so that sending it again can be shown.
    let _worker = crate::notify::spawn_worker(
        &node,
        Some(Settings {
            retry: RetryPolicy {
                first: chrono::Duration::milliseconds(200),
                max_interval: chrono::Duration::seconds(1),
                give_up_after: chrono::Duration::zero(),
            },
            ..Settings::default()
        }),
    );
    let mut run = Runner {
        node: &node,
        binds,
        got,
        delivery: None,
        called: Vec::new(),
        ordinal: 0,
        dump: std::env::var("CATS_GUIDE_DUMP").is_ok_and(|v| v == "1"),
        dir: tempfile::tempdir().unwrap(),
    };
    let started = Instant::now();
    let mut failures = Vec::new();
    let mut failed_chapter: Option<String> = None;
    let mut examples = 0;
    for (n, planned) in steps.iter().enumerate() {
        // Later examples of a chapter need the values of the one that failed.
        if failed_chapter.as_ref() == Some(&planned.chapter) {
            continue;
        }
        run.ordinal = n + 1;
        let outcome = match &planned.step {
            Step::Exchange(request, answer) => run.exchange(request, answer).await,
            Step::Delivery(doc) => run.delivery(doc).await,
            Step::Verifier(secret, block) => run.verifier(secret, block),
            Step::Cli(command, output) => run.cli(command, output),
            Step::DaysPass(days) => {
                let now = chrono::Utc::now() + chrono::Duration::days(*days);
                cats_app::act::check_time_limits(&node.app, now)
                    .await
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            }
        };
        if !matches!(planned.step, Step::DaysPass(_)) {
            examples += 1;
        }
        if let Err(e) = outcome {
            failures.push(format!("{}: {e}", planned.at));
            failed_chapter = Some(planned.chapter.clone());
        }
    }
    if run.dump {
        eprintln!("BINDS {}", serde_json::to_string(&run.binds).unwrap());
    }
    assert!(
        failures.is_empty(),
        "examples of the guide that do not hold:\n\n{}",
        failures.join("\n\n")
    );

    // Every operation traders and insurers may call has an example.
    let documented: BTreeSet<String> = run
        .called
        .iter()
        .filter_map(|(m, p)| template_of(m, p))
        .collect();
    for (key, _) in NOT_IN_GUIDE {
        assert!(
            operations()
                .iter()
                .any(|(op, _)| format!("{} {}", method_name(op.method), op.path) == *key),
            "{key} is excluded but is not a route"
        );
    }
    let missing: Vec<String> = traders_and_insurers_operations()
        .into_iter()
        .filter(|k| !documented.contains(k) && !NOT_IN_GUIDE.iter().any(|(n, _)| n == k))
        .collect();
    println!(
        "integration guide: {examples} examples run in {:.1} s; {} operations shown; excluded: {:?}",
        started.elapsed().as_secs_f64(),
        documented.len(),
        NOT_IN_GUIDE.iter().map(|(k, _)| *k).collect::<Vec<_>>()
    );
    assert!(
        missing.is_empty(),
        "operations traders or insurers may call with no example in the integration guide:\n{}",
        missing.join("\n")
    );
    assert!(
        examples >= MIN_EXAMPLES,
        "the integration guide has {examples} examples, fewer than {MIN_EXAMPLES}"
    );
}
