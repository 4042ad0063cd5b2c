//! Reports and key performance indicators (issue 17), computed from the node's own data with no
//! IO: management reports (movements by state, overdue movements, actions waiting, guarantee
//! exposure, workload), statistical and custom reports over movement facts ([`cube`]), and the
//! four KPIs the CATS pilots were judged on ([`kpi`], [`uptime`]). The use cases in `cats-app`
//! load the inputs for the user's scope; the adapters render a [`Table`] as JSON, CSV, XLSX or PDF.

pub mod cube;
pub mod kpi;
pub mod management;
pub mod stats;
pub mod table;
pub mod uptime;

pub use table::{Cell, Chart, ChartKind, Column, ColumnKind, Table};

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The longest period a report covers: ten years of days.
pub const MAX_PERIOD_DAYS: i64 = 3_660;

/// A period of whole days in UTC, `from` to `to`, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    /// First day.
    pub from: NaiveDate,
    /// Last day (included).
    pub to: NaiveDate,
}

/// Why a period was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    /// `to` is before `from`.
    #[error("the period ends ({to}) before it starts ({from})")]
    Reversed {
        /// First day asked.
        from: NaiveDate,
        /// Last day asked.
        to: NaiveDate,
    },
    /// More than [`MAX_PERIOD_DAYS`] days.
    #[error("the period is {days} days long; at most {MAX_PERIOD_DAYS}")]
    TooLong {
        /// Days asked.
        days: i64,
    },
}

impl Period {
    /// A period from `from` to `to` (both included). Errors: [`PeriodError`].
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Self, PeriodError> {
        if to < from {
            return Err(PeriodError::Reversed { from, to });
        }
        let days = (to - from).num_days() + 1;
        if days > MAX_PERIOD_DAYS {
            return Err(PeriodError::TooLong { days });
        }
        Ok(Self { from, to })
    }

    /// The `days` days that end with `today`.
    pub fn last_days(today: NaiveDate, days: u64) -> Self {
        let from = today
            .checked_sub_days(Days::new(days.saturating_sub(1)))
            .unwrap_or(today);
        Self { from, to: today }
    }

    /// The first instant of the period (midnight UTC of `from`).
    pub fn start(&self) -> DateTime<Utc> {
        self.from.and_time(chrono::NaiveTime::MIN).and_utc()
    }

    /// The first instant after the period (midnight UTC after `to`).
    pub fn end(&self) -> DateTime<Utc> {
        self.to
            .checked_add_days(Days::new(1))
            .unwrap_or(self.to)
            .and_time(chrono::NaiveTime::MIN)
            .and_utc()
    }

    /// Whether `at` falls in the period.
    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        at >= self.start() && at < self.end()
    }

    /// Seconds from the period's start to its end, or to `now` when it is earlier.
    pub fn seconds_until(&self, now: DateTime<Utc>) -> i64 {
        (self.end().min(now) - self.start()).num_seconds().max(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_period_includes_both_days_and_refuses_nonsense() {
        let p = Period::new(day("2026-01-01"), day("2026-01-31")).unwrap();
        assert!(p.contains("2026-01-31T23:59:59Z".parse().unwrap()));
        assert!(!p.contains("2026-02-01T00:00:00Z".parse().unwrap()));
        assert!(p.contains("2026-01-01T00:00:00Z".parse().unwrap()));
        assert_eq!(
            Period::new(day("2026-02-01"), day("2026-01-01")),
            Err(PeriodError::Reversed {
                from: day("2026-02-01"),
                to: day("2026-01-01")
            })
        );
        assert!(matches!(
            Period::new(day("2000-01-01"), day("2026-01-01")),
            Err(PeriodError::TooLong { .. })
        ));
        assert_eq!(
            Period::last_days(day("2026-12-07"), 7).from,
            day("2026-12-01")
        );
    }
}
