//! The replay file: JSON Lines, one recorded movement per line.
//!
//! ```text
//! {"declaration": "<ncts:CC015C …>…</ncts:CC015C>" or {"n1:CC015C": {…}},
//!  "events": [{"at": "2025-03-02T06:10:00Z", "office": "KZAAU001", "action": "release"}, …],
//!  "until": "2025-03-20T00:00:00Z",
//!  "expect": {"state": "WrittenOff"}}
//! ```
//! Actions: `control` (`result` A1|A2|A3|B1, optional `type`, optional `findings` as the API takes
//! them; a B1 without findings gets one finding of kind `other` saying the file recorded none, so
//! that it passes rule CATS024), `release`, `exit`, `entry`,
//! `arrival`, `goods_release`, `cancel`, `incident` (`text`). Optional `lodged_at` overrides the
//! lodging time, which is otherwise the declaration's `preparationDateAndTime` (read as UTC), or one
//! minute before the movement's first event when that comes earlier.

use anyhow::{bail, Context};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

use cats_domain::ids::OfficeRef;
use cats_domain::movement::{
    Action, ControlReport, ControlResultCode, ControlType, Finding, FindingKind,
};

/// One recorded event.
#[derive(Debug, Clone, Deserialize)]
pub struct Event {
    /// When (UTC).
    pub at: DateTime<Utc>,
    /// The acting office (customs office reference number, an8).
    #[serde(default)]
    pub office: String,
    /// Action name.
    pub action: String,
    /// Control result (control only).
    #[serde(default)]
    pub result: Option<String>,
    /// Control type (control only).
    #[serde(default, rename = "type")]
    pub control_type: Option<String>,
    /// Incident text; for a release, the reason for releasing without the control CATS
    /// selected (the override).
    #[serde(default)]
    pub text: Option<String>,
    /// Findings of a control, as the API takes them.
    #[serde(default)]
    pub findings: Vec<Finding>,
}

/// What the file expects at the end.
#[derive(Debug, Clone, Deserialize, Default)]
pub struct Expect {
    /// Final state name.
    #[serde(default)]
    pub state: Option<String>,
}

/// One line of the file.
#[derive(Debug, Clone, Deserialize)]
pub struct Line {
    /// The CC015C: an XML string or the HMRC JSON object.
    pub declaration: Value,
    /// Events in any order (they are sorted by time).
    #[serde(default)]
    pub events: Vec<Event>,
    /// Where the clock ends for this movement.
    #[serde(default)]
    pub until: Option<DateTime<Utc>>,
    /// Expected outcome.
    #[serde(default)]
    pub expect: Expect,
    /// Lodging time, if not the declaration's preparation time.
    #[serde(default)]
    pub lodged_at: Option<DateTime<Utc>>,
}

/// Parse the file. Errors name the line number.
pub fn parse(text: &str) -> anyhow::Result<Vec<Line>> {
    let mut lines = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        if raw.trim().is_empty() {
            continue;
        }
        let line: Line = serde_json::from_str(raw)
            .with_context(|| format!("line {}: not a replay record", n + 1))?;
        lines.push(line);
    }
    Ok(lines)
}

impl Event {
    /// The report of a control event: its findings, or for a B1 without any, one finding of kind
    /// `other` that says the recorded control gave none (rule CATS024 needs one).
    fn report(&self, result: ControlResultCode) -> ControlReport {
        let mut findings = self.findings.clone();
        if result == ControlResultCode::B1 && findings.is_empty() {
            findings.push(Finding {
                kind: FindingKind::Other,
                goods_item: None,
                description: "not satisfactory; the replayed record gives no findings".into(),
                declared: None,
                found: None,
            });
        }
        ControlReport {
            findings,
            ..ControlReport::default()
        }
    }

    /// The domain action of this event. Errors say what is missing or unknown.
    pub fn action(&self) -> anyhow::Result<Action> {
        let office = OfficeRef::parse(&self.office)
            .with_context(|| format!("{}: office {:?}", self.action, self.office))?;
        Ok(match self.action.as_str() {
            "control" => {
                let code = self
                    .result
                    .as_deref()
                    .context("control needs a \"result\" (A1, A2, A3, B1)")?;
                let result = ControlResultCode::parse(code)
                    .with_context(|| format!("unknown control result {code}"))?;
                let control_type = match self.control_type.as_deref() {
                    None => ControlType::default(),
                    Some(t) => ControlType::parse(t)
                        .with_context(|| format!("unknown control type {t}"))?,
                };
                Action::ControlResult {
                    office,
                    result,
                    control_type,
                    report: self.report(result),
                }
            }
            // A recorded release of a movement CATS selected, without a control, is an override:
            // its reason is the event's text, or this.
            "release" => Action::Release {
                office,
                override_reason: Some(
                    self.text
                        .clone()
                        .unwrap_or_else(|| "released as recorded in the replayed data".into()),
                ),
            },
            "exit" => Action::Exit { office },
            "entry" => Action::Entry { office },
            "arrival" => Action::Arrival { office },
            "goods_release" => Action::GoodsRelease { office },
            "cancel" => Action::CancellationDecision {
                office,
                accept: true,
            },
            "incident" => Action::Incident {
                office,
                text: self.text.clone().unwrap_or_default(),
            },
            other => bail!("unknown action {other}"),
        })
    }
}
