//! `cats demo training`: a node seeded for the training exercises of the manuals
//! (`docs/manual/*/src/training/`, issue 18). On top of the demo data it puts, for each trainee
//! (`--trainees N`, numbered 01 …), six movements of the Silk Way corridor declaration in the
//! states the exercises start from, each with an LRN naming the trainee and the exercise
//! (`TRAIN01-A` …):
//!
//! | LRN | State | For the exercise |
//! |---|---|---|
//! | `TRAINnn-A` | `Accepted` | officer: release it for transit at KZHOR001 |
//! | `TRAINnn-B` | `Accepted`, spirits (HS 2208, always controlled) | officer: decide a control, record its result, release |
//! | `TRAINnn-C` | `ReleasedForTransit` | trader: print the TAD; officer: record the exit at KZAAU001 |
//! | `TRAINnn-D` | `Arrived` at Poti (GEPTI001) | officer: release the goods, which writes the movement off |
//! | `TRAINnn-E` | `WrittenOff` | trader: read the write-off (CC045C) and the guarantee credited back |
//! | `TRAINnn-F` | `Rejected` (rule CATS012, arms) | trader: read the rejection (CC056C) and lodge a corrected declaration |
//!
//! The movements are driven through the node's own use cases by the replay engine, with times
//! relative to now (lodged hours or days ago), so that the pages show them as recent.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::{json, Value};

use cats_app::App;

use crate::config::Location;
use crate::node;
use crate::replay::{self, Nodes, Outcome};

/// The corridor declaration the training movements are made from (holder Silk Way Logistics,
/// departure Khorgos KZHOR001, destination Poti GEPTI001, guarantee 25KZ0000SRI000010).
const DECLARATION: &str = include_str!("../../cats-ncts/tests/fixtures/cc015c-corridor.xml");

/// Name of the file, in the data directory, that says the training movements were seeded.
pub const TRAINING_FILE: &str = "training.txt";

/// Most trainees one training node is seeded for.
pub const MAX_TRAINEES: usize = 40;

/// One movement of the training: its exercise letter, the state it starts in, what it is for.
#[derive(Debug, Clone, Copy)]
pub struct Start {
    /// The letter in its LRN (`A` … `F`).
    pub letter: char,
    /// The state the exercise starts from.
    pub state: &'static str,
    /// What the exercise does with it.
    pub purpose: &'static str,
}

/// The six movements each trainee gets, in order.
pub const STARTS: [Start; 6] = [
    Start {
        letter: 'A',
        state: "Accepted",
        purpose: "officer: release for transit at KZHOR001",
    },
    Start {
        letter: 'B',
        state: "Accepted",
        purpose:
            "officer: spirits, always controlled: decide a control, record its result, release",
    },
    Start {
        letter: 'C',
        state: "ReleasedForTransit",
        purpose: "trader: print the TAD; officer: record the exit at KZAAU001",
    },
    Start {
        letter: 'D',
        state: "Arrived",
        purpose: "officer: release the goods at GEPTI001 (write-off)",
    },
    Start {
        letter: 'E',
        state: "WrittenOff",
        purpose: "trader: read the write-off and the guarantee credited back",
    },
    Start {
        letter: 'F',
        state: "Rejected",
        purpose: "trader: read the rejection (rule CATS012) and lodge a corrected declaration",
    },
];

/// The LRN of trainee `trainee`'s movement `letter` (`TRAIN01-A`).
pub fn lrn(trainee: usize, letter: char) -> String {
    format!("TRAIN{trainee:02}-{letter}")
}

fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The corridor declaration as trainee `trainee`'s movement `letter`, prepared at `at`.
fn declaration(trainee: usize, letter: char, at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let xml = DECLARATION
        .replace(
            "<LRN>KZHOR-2025-000123</LRN>",
            &format!("<LRN>{}</LRN>", lrn(trainee, letter)),
        )
        .replace(
            "<preparationDateAndTime>2025-03-10T09:30:00</preparationDateAndTime>",
            &format!(
                "<preparationDateAndTime>{}</preparationDateAndTime>",
                at.format("%Y-%m-%dT%H:%M:%S")
            ),
        )
        .replace(
            "<arrivalDateAndTimeEstimated>2025-03-15T08:00:00</arrivalDateAndTimeEstimated>",
            &format!(
                "<arrivalDateAndTimeEstimated>{}</arrivalDateAndTimeEstimated>",
                (at + Duration::days(3)).format("%Y-%m-%dT%H:%M:%S")
            ),
        )
        // 5,000 USD each, so that 40 trainees' movements fit Silk Way's guarantee of 1,000,000
        .replace(
            "<amountToBeCovered>25000.00</amountToBeCovered>",
            "<amountToBeCovered>5000.00</amountToBeCovered>",
        )
        .replace(
            "<limitDate>2025-03-24</limitDate>",
            &format!(
                "<limitDate>{}</limitDate>",
                (now + Duration::days(14)).format("%Y-%m-%d")
            ),
        );
    match letter {
        // whisky: HS 2208 is on the restricted goods list as always controlled
        'B' => xml.replacen(
            "<harmonizedSystemSubHeadingCode>850440</harmonizedSystemSubHeadingCode>",
            "<harmonizedSystemSubHeadingCode>220830</harmonizedSystemSubHeadingCode>",
            1,
        ),
        // revolvers and pistols: HS chapter 93 is prohibited under CATS transit (CATS012)
        'F' => xml.replacen(
            "<harmonizedSystemSubHeadingCode>850440</harmonizedSystemSubHeadingCode>",
            "<harmonizedSystemSubHeadingCode>930200</harmonizedSystemSubHeadingCode>",
            1,
        ),
        _ => xml,
    }
}

/// The replay record of one training movement: lodged at `lodged`, then `events`
/// (`(hours after lodging, office, action)`).
fn record(
    trainee: usize,
    start: &Start,
    lodged: DateTime<Utc>,
    events: &[(i64, &str, &str)],
    now: DateTime<Utc>,
) -> Value {
    json!({
        "declaration": declaration(trainee, start.letter, lodged, now),
        "lodged_at": stamp(lodged),
        "events": events.iter().map(|(h, office, action)| json!({
            "at": stamp(lodged + Duration::hours(*h)),
            "office": office,
            "action": action,
        })).collect::<Vec<_>>(),
        "until": stamp(now),
        "expect": {"state": start.state},
    })
}

/// The passages of the corridor from Khorgos to Poti, hours after lodging.
const CORRIDOR: [(i64, &str, &str); 6] = [
    (1, "KZHOR001", "release"),
    (20, "KZAAU001", "exit"),
    (34, "AZALA001", "entry"),
    (40, "AZQAZ001", "exit"),
    (50, "GERBR001", "entry"),
    (60, "GEPTI001", "arrival"),
];

/// The replay file (JSON Lines) of `trainees` trainees' movements, with times before `now`.
pub fn records(trainees: usize, now: DateTime<Utc>) -> String {
    let mut lines = Vec::new();
    for t in 1..=trainees {
        let [a, b, c, d, e, f] = &STARTS;
        lines.push(record(t, a, now - Duration::minutes(40), &[], now));
        lines.push(record(t, b, now - Duration::minutes(30), &[], now));
        lines.push(record(t, c, now - Duration::hours(6), &CORRIDOR[..1], now));
        lines.push(record(t, d, now - Duration::hours(70), &CORRIDOR, now));
        let mut written_off = CORRIDOR.to_vec();
        written_off.push((70, "GEPTI001", "goods_release"));
        lines.push(record(t, e, now - Duration::days(10), &written_off, now));
        lines.push(record(t, f, now - Duration::minutes(20), &[], now));
    }
    lines
        .iter()
        .map(Value::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Seed `trainees` trainees' movements into the node of `app` (which holds the demo data) and
/// write [`TRAINING_FILE`] into `data_dir` listing them. Errors: a movement did not end in the
/// state its exercise starts from (the outcome's notes say why), or `trainees` is 0 or more
/// than [`MAX_TRAINEES`].
pub async fn seed(
    app: &App,
    data_dir: &Path,
    trainees: usize,
    now: DateTime<Utc>,
) -> anyhow::Result<(PathBuf, Vec<Outcome>)> {
    if trainees == 0 || trainees > MAX_TRAINEES {
        bail!("--trainees must be between 1 and {MAX_TRAINEES}, not {trainees}");
    }
    let lines = replay::parse(&records(trainees, now))?;
    let nodes = Nodes::one(app.clone());
    let outcomes = replay::replay(&nodes, &lines, || {}).await?;
    if let Some(bad) = outcomes.iter().find(|o| !o.ok()) {
        bail!(
            "training movement {} ended {} instead of {}: {}",
            bad.lrn,
            bad.state,
            bad.expected.as_deref().unwrap_or("?"),
            bad.notes.join("; ")
        );
    }
    let mut sheet = String::from(
        "# CATS training node: the movements each trainee starts from (docs/manual/en/src/training/).\n# LRN        MRN                  state               for\n",
    );
    for (o, start) in outcomes.iter().zip(STARTS.iter().cycle()) {
        sheet.push_str(&format!(
            "{:<12} {:<20} {:<19} {}\n",
            o.lrn,
            o.mrn.as_ref().map_or("-".to_string(), |m| m.to_string()),
            o.state,
            start.purpose
        ));
    }
    let path = data_dir.join(TRAINING_FILE);
    std::fs::write(&path, sheet).with_context(|| format!("writing {}", path.display()))?;
    Ok((path, outcomes))
}

/// Make the node at `location` a training node, if it is not one yet: open it (the demo data is
/// seeded on first start, with the demo users' tokens and passwords written to the data
/// directory), then [`seed`] the trainees' movements. A node that holds data but no
/// [`TRAINING_FILE`] is refused: the exercises need the movements in their first states. Returns
/// the training file's path.
pub async fn prepare(location: &Location, trainees: usize) -> anyhow::Result<PathBuf> {
    let sheet = location.data_dir.join(TRAINING_FILE);
    if sheet.exists() {
        eprintln!("training node already seeded: {}", sheet.display());
        return Ok(sheet);
    }
    let node = node::open_at(location, node::risk_policy(&location.data_dir)?).await?;
    if !node.seeded {
        bail!(
            "{} holds a node that is not a training node; give `cats demo training` a new --data-dir",
            location.data_dir.display()
        );
    }
    node::write_demo_tokens(&node).await?;
    let passwords = node::write_demo_passwords(&node).await?;
    let (path, outcomes) = seed(&node.app, &location.data_dir, trainees, Utc::now()).await?;
    eprintln!(
        "training node seeded: {} movements for {trainees} trainee(s), listed in {}; demo users' passwords in {}",
        outcomes.len(),
        path.display(),
        passwords.display()
    );
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_trainee_gets_six_movements_with_their_own_lrns() {
        let now = Utc::now();
        let text = records(2, now);
        let lines = replay::parse(&text).unwrap();
        assert_eq!(lines.len(), 12);
        assert!(text.contains("<LRN>TRAIN02-F</LRN>"));
        assert!(text.contains("220830") && text.contains("930200"));
        assert!(
            !text.contains("2025-03-24"),
            "the time limit is in the future"
        );
    }
}
