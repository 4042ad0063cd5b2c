//! Downtime from the node's own records (issue 17, item 4): every instance records when it
//! started, refreshes a heartbeat while it runs, and records a clean stop. A time when no
//! instance of the node was up is downtime; a run that ended without a clean stop (a crash, a
//! power loss, a kill) shows as one, ending at its last heartbeat.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::Period;

/// One run of one instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// Its last heartbeat (at least its start).
    pub last_seen_at: DateTime<Utc>,
    /// When it stopped cleanly, if it did.
    pub stopped_at: Option<DateTime<Utc>>,
}

/// Seconds between heartbeats of a running instance.
pub const HEARTBEAT_SECONDS: i64 = 30;

impl Run {
    /// When the run ended: its clean stop; else its last heartbeat, or `now` when that heartbeat
    /// is recent (the run is up).
    pub fn end(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        match self.stopped_at {
            Some(s) => s,
            None if (now - self.last_seen_at).num_seconds() <= 2 * HEARTBEAT_SECONDS => now,
            None => self.last_seen_at,
        }
    }

    /// Ended without a clean stop (and is not up now).
    pub fn crashed(&self, now: DateTime<Utc>) -> bool {
        self.stopped_at.is_none() && self.end(now) < now
    }
}

/// Downtime in a period.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Downtime {
    /// Seconds of the period (up to now, from the node's first start) when no instance was up.
    pub downtime_seconds: i64,
    /// Seconds when at least one instance was up.
    pub up_seconds: i64,
    /// Starts in the period.
    pub starts: usize,
    /// Runs in the period that ended without a clean stop.
    pub crashes: usize,
    /// Share of the observed time the node was up, 0..1; `null` before the node first started.
    pub availability: Option<f64>,
}

/// Downtime of the node whose instances ran `runs` (any order), over `period` as of `now`.
/// Time before the node's first start is not counted.
pub fn downtime(runs: &[Run], period: &Period, now: DateTime<Utc>) -> Downtime {
    let mut d = Downtime::default();
    let Some(first) = runs.iter().map(|r| r.started_at).min() else {
        return d;
    };
    let from = period.start().max(first);
    let to = period.end().min(now);
    let mut spans: Vec<(DateTime<Utc>, DateTime<Utc>)> = runs
        .iter()
        .map(|r| (r.started_at.max(from), r.end(now).min(to)))
        .filter(|(a, b)| a < b)
        .collect();
    spans.sort();
    let mut up = 0;
    let mut cursor = from;
    for (a, b) in spans {
        let a = a.max(cursor);
        if b > a {
            up += (b - a).num_seconds();
            cursor = b;
        }
    }
    let observed = (to - from).num_seconds().max(0);
    d.up_seconds = up;
    d.downtime_seconds = observed - up;
    d.starts = runs
        .iter()
        .filter(|r| period.contains(r.started_at))
        .count();
    d.crashes = runs
        .iter()
        .filter(|r| r.crashed(now) && period.contains(r.end(now)))
        .count();
    d.availability = (observed > 0).then(|| up as f64 / observed as f64);
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn run(start: &str, seen: &str, stop: Option<&str>) -> Run {
        Run {
            started_at: t(start),
            last_seen_at: t(seen),
            stopped_at: stop.map(t),
        }
    }

    #[test]
    fn a_crash_and_a_clean_restart_show_as_downtime() {
        let period =
            Period::new("2026-03-01".parse().unwrap(), "2026-03-01".parse().unwrap()).unwrap();
        let runs = [
            // Up from 06:00, crashed after its 08:00 heartbeat.
            run("2026-03-01T06:00:00Z", "2026-03-01T08:00:00Z", None),
            // Restarted at 08:10 (10 min down), stopped cleanly at 12:00.
            run(
                "2026-03-01T08:10:00Z",
                "2026-03-01T11:59:50Z",
                Some("2026-03-01T12:00:00Z"),
            ),
            // A second instance overlapping from 11:00 to 13:00: the node is up until 13:00.
            run(
                "2026-03-01T11:00:00Z",
                "2026-03-01T13:00:00Z",
                Some("2026-03-01T13:00:00Z"),
            ),
            // Up again from 14:00 and running now (heartbeat 10 s ago).
            run("2026-03-01T14:00:00Z", "2026-03-01T15:59:50Z", None),
        ];
        let d = downtime(&runs, &period, t("2026-03-01T16:00:00Z"));
        // Observed 06:00–16:00 = 10 h; down 08:00–08:10 and 13:00–14:00 = 70 min.
        assert_eq!(d.downtime_seconds, 70 * 60);
        assert_eq!(d.up_seconds, 10 * 3600 - 70 * 60);
        assert_eq!((d.starts, d.crashes), (4, 1));
        assert_eq!(
            downtime(&[], &period, t("2026-03-01T16:00:00Z")),
            Downtime::default()
        );
    }
}
