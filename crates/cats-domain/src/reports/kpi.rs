//! The four KPIs the CATS pilots were judged on (issue 17, item 4), computed from the data:
//! transit procedure adherence, risk assessment and control efficiency (`crate::feedback`),
//! communication efficiency, and downtime ([`super::uptime`]).

use chrono::{DateTime, Utc};
use serde::Serialize;

use std::collections::BTreeMap;

use super::cube::Fact;
use super::stats::{rate, summary, Summary};
use super::table::{Cell, ChartKind, Column, Table};
use super::Period;
use crate::ids::NodeId;

/// Transit procedure adherence over the movements released in a period: of those whose outcome
/// is known (arrived, or past the time limit without arrival), the share that arrived by the
/// time limit. Movements still within their time limit are counted but not judged. Over
/// historical data (a replay), where every time limit has passed, this is the rate `cats replay`
/// reports: arrived in time / released.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Adherence {
    /// Movements released for transit in the period.
    pub released: usize,
    /// Of those, arrived by the time limit.
    pub arrived_in_time: usize,
    /// Arrived after the time limit.
    pub arrived_late: usize,
    /// Not arrived, past the time limit.
    pub overdue: usize,
    /// Not arrived, still within the time limit (not judged).
    pub en_route: usize,
    /// `arrivedInTime / (arrivedInTime + arrivedLate + overdue)`, 0..1; `null` with nothing to
    /// judge.
    pub rate: Option<f64>,
}

/// Adherence over `facts` released in `period`, as of `now`.
pub fn adherence(facts: &[Fact], period: &Period, now: DateTime<Utc>) -> Adherence {
    let mut a = Adherence::default();
    for f in facts {
        let Some(released) = f.released_at else {
            continue;
        };
        if !period.contains(released) {
            continue;
        }
        a.released += 1;
        match (f.arrived_at, f.time_limit) {
            (Some(arrived), Some(limit)) if arrived > limit => a.arrived_late += 1,
            (Some(_), _) => a.arrived_in_time += 1,
            (None, Some(limit)) if limit < now => a.overdue += 1,
            (None, _) => a.en_route += 1,
        }
    }
    a.rate = rate(
        a.arrived_in_time,
        a.arrived_in_time + a.arrived_late + a.overdue,
    );
    a
}

/// Where a message went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// To a peer node over ICE (a CD message), acknowledged by the peer's signed receipt.
    Ice,
    /// To a trader's or insurer's system by webhook (a CC message's notification),
    /// acknowledged by a 2xx answer.
    Push,
}

/// One message sent, for communication efficiency.
#[derive(Debug, Clone, PartialEq)]
pub struct Sent {
    /// ICE or push.
    pub channel: Channel,
    /// The peer node, for ICE.
    pub peer: Option<NodeId>,
    /// NCTS message type (`CD001C`) or event type.
    pub message_type: String,
    /// When written to the outbox.
    pub created_at: DateTime<Utc>,
    /// When acknowledged, if it was.
    pub acknowledged_at: Option<DateTime<Utc>>,
}

/// Anticipated records: the anticipated arrival (CD001C, AAR), transit (CD050C, ATR) and exit
/// (CD160C) records sent to the next offices' nodes when a movement is released.
pub const ANTICIPATED_RECORDS: [&str; 3] = ["CD001C", "CD050C", "CD160C"];

/// Communication efficiency over the messages written in a period: the share acknowledged
/// within the target time, and how long the anticipated records took to reach the next offices.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Communication {
    /// The target: acknowledged within this many seconds.
    pub target_seconds: i64,
    /// Messages written in the period (ICE and push).
    pub messages: usize,
    /// Acknowledged within the target.
    pub within_target: usize,
    /// Acknowledged, later than the target.
    pub late: usize,
    /// Not acknowledged (yet, or refused, or given up).
    pub unacknowledged: usize,
    /// ICE messages to peer nodes, and of those within the target.
    pub ice_messages: usize,
    /// ICE messages acknowledged within the target.
    pub ice_within_target: usize,
    /// Webhook deliveries, and of those within the target.
    pub push_messages: usize,
    /// Webhook deliveries acknowledged within the target.
    pub push_within_target: usize,
    /// Seconds from writing to acknowledgement of the anticipated records (AAR, ATR, exit).
    pub anticipated_records_seconds: Summary,
    /// `withinTarget / messages`, 0..1; `null` when nothing was sent.
    pub rate: Option<f64>,
}

/// Communication efficiency of `sent` written in `period`, against `target_seconds`.
pub fn communication(sent: &[Sent], period: &Period, target_seconds: i64) -> Communication {
    let mut c = Communication {
        target_seconds,
        ..Communication::default()
    };
    let mut anticipated = Vec::new();
    for s in sent.iter().filter(|s| period.contains(s.created_at)) {
        c.messages += 1;
        let took = s
            .acknowledged_at
            .map(|a| (a - s.created_at).num_milliseconds());
        let within = took.is_some_and(|ms| ms <= target_seconds * 1000);
        match took {
            Some(_) if within => c.within_target += 1,
            Some(_) => c.late += 1,
            None => c.unacknowledged += 1,
        }
        match s.channel {
            Channel::Ice => {
                c.ice_messages += 1;
                c.ice_within_target += usize::from(within);
                if let Some(ms) = took {
                    if ANTICIPATED_RECORDS.contains(&s.message_type.as_str()) {
                        anticipated.push(ms as f64 / 1000.0);
                    }
                }
            }
            Channel::Push => {
                c.push_messages += 1;
                c.push_within_target += usize::from(within);
            }
        }
    }
    c.anticipated_records_seconds = summary(&anticipated);
    c.rate = rate(c.within_target, c.messages);
    c
}

/// ICE delivery per peer node over the messages written in `period`: sent, acknowledged, within
/// `target_seconds`, and the time to acknowledgement (mean, median, 90th percentile, longest).
pub fn ice_latency(sent: &[Sent], period: &Period, target_seconds: i64) -> Table {
    #[derive(Default)]
    struct Acc {
        sent: u64,
        acknowledged: u64,
        within: u64,
        seconds: Vec<f64>,
    }
    let mut acc: BTreeMap<String, Acc> = BTreeMap::new();
    for s in sent
        .iter()
        .filter(|s| s.channel == Channel::Ice && period.contains(s.created_at))
    {
        let a = acc
            .entry(s.peer.as_ref().map(|p| p.to_string()).unwrap_or_default())
            .or_default();
        a.sent += 1;
        if let Some(at) = s.acknowledged_at {
            let secs = (at - s.created_at).num_milliseconds() as f64 / 1000.0;
            a.acknowledged += 1;
            a.within += u64::from(secs <= target_seconds as f64);
            a.seconds.push(secs);
        }
    }
    let mut t = Table::new(vec![
        Column::text("peer"),
        Column::count("sent"),
        Column::count("acknowledged"),
        Column::count("withinTarget"),
        Column::rate("withinTargetRate"),
        Column::number("meanSeconds"),
        Column::number("medianSeconds"),
        Column::number("p90Seconds"),
        Column::number("maxSeconds"),
    ]);
    for (peer, a) in acc {
        let s = summary(&a.seconds);
        t.rows.push(vec![
            Cell::Text(peer),
            Cell::Count(a.sent),
            Cell::Count(a.acknowledged),
            Cell::Count(a.within),
            Cell::Rate(rate(a.within as usize, a.sent as usize)),
            Cell::Number(s.mean),
            Cell::Number(s.median),
            Cell::Number(s.p90),
            Cell::Number(s.max),
        ]);
    }
    t.charted(ChartKind::Bar, "peer", "p90Seconds")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::movement::MovementState;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn period() -> Period {
        Period::new("2026-03-01".parse().unwrap(), "2026-03-31".parse().unwrap()).unwrap()
    }

    fn released(at: &str, arrived: Option<&str>) -> Fact {
        let r = t(at);
        Fact {
            mrn: None,
            state: MovementState::ReleasedForTransit,
            holder: "KZ840000123456".parse().unwrap(),
            office_of_departure: "KZHOR001".parse().unwrap(),
            office_of_destination: "GEPTI001".parse().unwrap(),
            arrival_office: None,
            lodged_at: r,
            released_at: Some(r),
            arrived_at: arrived.map(t),
            time_limit: Some(r + chrono::Duration::days(8)),
            hs_chapters: vec![],
            transport_mode: None,
            controls: 0,
            findings: 0,
        }
    }

    #[test]
    fn adherence_judges_only_known_outcomes() {
        let facts = [
            released("2026-03-01T00:00:00Z", Some("2026-03-05T00:00:00Z")), // in time
            released("2026-03-02T00:00:00Z", Some("2026-03-20T00:00:00Z")), // late
            released("2026-03-03T00:00:00Z", None),                         // overdue at now
            released("2026-03-30T00:00:00Z", None),                         // en route at now
            released("2026-04-01T00:00:00Z", Some("2026-04-02T00:00:00Z")), // outside
        ];
        let a = adherence(&facts, &period(), t("2026-04-03T00:00:00Z"));
        assert_eq!(
            (
                a.released,
                a.arrived_in_time,
                a.arrived_late,
                a.overdue,
                a.en_route
            ),
            (4, 1, 1, 1, 1)
        );
        assert_eq!(a.rate, Some(1.0 / 3.0));
        assert_eq!(
            adherence(&[], &period(), t("2026-04-03T00:00:00Z")).rate,
            None
        );
    }

    #[test]
    fn communication_counts_acknowledgements_within_the_target() {
        let s = |channel, ty: &str, at: &str, ack: Option<&str>| Sent {
            channel,
            peer: (channel == Channel::Ice).then(|| "GE".parse().unwrap()),
            message_type: ty.into(),
            created_at: t(at),
            acknowledged_at: ack.map(t),
        };
        let sent = [
            s(
                Channel::Ice,
                "CD001C",
                "2026-03-01T00:00:00Z",
                Some("2026-03-01T00:00:02Z"),
            ),
            s(
                Channel::Ice,
                "CD050C",
                "2026-03-01T00:00:00Z",
                Some("2026-03-01T00:02:00Z"),
            ),
            s(Channel::Ice, "CD118C", "2026-03-01T00:00:00Z", None),
            s(
                Channel::Push,
                "movement.released",
                "2026-03-01T00:00:00Z",
                Some("2026-03-01T00:00:01Z"),
            ),
            s(
                Channel::Push,
                "movement.released",
                "2026-02-28T00:00:00Z",
                Some("2026-02-28T00:00:01Z"),
            ),
        ];
        let c = communication(&sent, &period(), 60);
        assert_eq!(
            (c.messages, c.within_target, c.late, c.unacknowledged),
            (4, 2, 1, 1)
        );
        assert_eq!(
            (
                c.ice_messages,
                c.ice_within_target,
                c.push_messages,
                c.push_within_target
            ),
            (3, 1, 1, 1)
        );
        assert_eq!(c.rate, Some(0.5));
        assert_eq!(c.anticipated_records_seconds.count, 2);
        assert_eq!(c.anticipated_records_seconds.median, Some(61.0));
        assert_eq!(communication(&[], &period(), 60).rate, None);
        let per_peer = ice_latency(&sent, &period(), 60);
        assert_eq!(per_peer.rows.len(), 1);
        assert_eq!(per_peer.cell(0, "sent"), Some(&Cell::Count(3)));
        assert_eq!(per_peer.cell(0, "acknowledged"), Some(&Cell::Count(2)));
        assert_eq!(
            per_peer.cell(0, "medianSeconds"),
            Some(&Cell::Number(Some(61.0)))
        );
        assert_eq!(
            per_peer.cell(0, "maxSeconds"),
            Some(&Cell::Number(Some(120.0)))
        );
    }
}
