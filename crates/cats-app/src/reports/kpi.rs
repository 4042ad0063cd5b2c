//! The KPI dashboard (issue 17, item 4): the four KPIs the CATS pilots were judged on, computed
//! from the data over a period and a country, each with its inputs, and their trend.

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use serde::Serialize;

use cats_domain::feedback::{tally, Confusion, ControlEfficiency};
use cats_domain::ids::CountryCode;
use cats_domain::reports::cube::Fact;
use cats_domain::reports::kpi::{adherence, communication, Adherence, Communication};
use cats_domain::reports::uptime::{downtime, Downtime};
use cats_domain::reports::Period;

use super::catalogue::TARGET_SECONDS;
use super::{fact, movements, Scope};
use crate::app::{Actor, App};
use crate::error::AppError;

/// Risk assessment and control efficiency as `docs/risk.md` defines it, with its confusion
/// matrix (customs only).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ControlInputs {
    /// Movements lodged in the period that were assessed.
    pub movements: usize,
    /// Selections against controls, per movement and office.
    pub confusion: Confusion,
    /// Rates and the efficiency (findings caught / control rate).
    pub efficiency: ControlEfficiency,
}

/// The four KPIs at one point of the trend.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TrendPoint {
    /// First day of the step.
    pub from: NaiveDate,
    /// Last day of the step.
    pub to: NaiveDate,
    /// Transit procedure adherence (0..1), if anything was judged.
    pub adherence_rate: Option<f64>,
    /// Control efficiency, if anything was assessed (customs only).
    pub control_efficiency: Option<f64>,
    /// Communication efficiency (0..1), if anything was sent.
    pub communication_efficiency: Option<f64>,
    /// Seconds down.
    pub downtime_seconds: i64,
}

/// The KPI dashboard's figures (`GET /reports/kpi`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Kpi {
    /// First day (UTC).
    pub from: NaiveDate,
    /// Last day (UTC, included).
    pub to: NaiveDate,
    /// The country asked for, if any (ISO 3166-1 alpha-2).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub country: Option<CountryCode>,
    /// Whose data: `node`, `country KZ`, `holder …`, `insurer …`.
    pub scope: String,
    /// Transit procedure adherence rate (0..1): arrived by the time limit among the movements
    /// released in the period whose outcome is known; `null` when none is.
    pub adherence_rate: Option<f64>,
    /// Risk assessment and control efficiency: findings caught / control rate (1 = no better
    /// than controlling at random); `null` for traders and insurers, or nothing assessed.
    pub control_efficiency: Option<f64>,
    /// Communication efficiency (0..1): messages acknowledged within the target time among
    /// those sent (ICE to peer nodes, webhooks to traders); `null` when nothing was sent.
    pub communication_efficiency: Option<f64>,
    /// Seconds of the period when no instance of the node was up.
    pub downtime_seconds: i64,
    /// The inputs of adherence.
    pub adherence: Adherence,
    /// The inputs of control efficiency (customs only).
    pub control: Option<ControlInputs>,
    /// The inputs of communication efficiency.
    pub communication: Communication,
    /// The inputs of downtime.
    pub downtime: Downtime,
    /// The KPIs per day, week or month of the period.
    pub trend: Vec<TrendPoint>,
}

/// The steps of the trend: days up to 31 days, weeks up to 26 weeks, else months.
pub fn steps(period: &Period) -> Vec<Period> {
    let days = (period.to - period.from).num_days() + 1;
    let mut out = Vec::new();
    let mut from = period.from;
    while from <= period.to {
        let end = if days <= 31 {
            from
        } else if days <= 26 * 7 {
            from.checked_add_days(Days::new(6)).unwrap_or(period.to)
        } else {
            let next = if from.month() == 12 {
                NaiveDate::from_ymd_opt(from.year() + 1, 1, 1)
            } else {
                NaiveDate::from_ymd_opt(from.year(), from.month() + 1, 1)
            };
            next.and_then(|n| n.pred_opt()).unwrap_or(period.to)
        };
        let to = end.min(period.to);
        out.push(Period { from, to });
        match to.succ_opt() {
            Some(next) => from = next,
            None => break,
        }
    }
    out
}

struct Inputs {
    facts: Vec<Fact>,
    records: Vec<crate::store::MovementRecord>,
    sent: Vec<cats_domain::reports::kpi::Sent>,
    runs: Vec<cats_domain::reports::uptime::Run>,
}

fn compute(
    inputs: &Inputs,
    period: &Period,
    customs: bool,
    now: DateTime<Utc>,
) -> (Adherence, Option<ControlInputs>, Communication, Downtime) {
    let a = adherence(&inputs.facts, period, now);
    let control = customs.then(|| {
        let lodged: Vec<_> = inputs
            .records
            .iter()
            .filter(|r| period.contains(r.created_at) && !r.movement.risk.is_empty())
            .map(|r| &r.movement)
            .collect();
        let (confusion, efficiency, _, _) = tally(&lodged);
        ControlInputs {
            movements: lodged.len(),
            confusion,
            efficiency,
        }
    });
    let c = communication(&inputs.sent, period, TARGET_SECONDS);
    let d = downtime(&inputs.runs, period, now);
    (a, control, c, d)
}

fn efficiency(c: &Option<ControlInputs>) -> Option<f64> {
    c.as_ref()
        .filter(|c| c.efficiency.assessments > 0)
        .map(|c| c.efficiency.control_efficiency)
}

/// The KPIs over `period` for `actor`'s scope, narrowed to `country` (administrators any,
/// officers their own), as of `now`. Errors: [`AppError::Forbidden`] as [`Scope::of`].
pub async fn kpi(
    app: &App,
    actor: &Actor,
    period: Period,
    country: Option<CountryCode>,
    now: DateTime<Utc>,
) -> Result<Kpi, AppError> {
    let scope = Scope::of(actor, country)?;
    let records = movements(app, &scope, Some(period.start()), false).await?;
    let facts = records.iter().map(fact).collect();
    let mut sent = Vec::new();
    if scope.is_customs() {
        sent.extend(app.store().ice_sent(period.start(), period.end()).await?);
    }
    sent.extend(
        app.store()
            .push_sent(scope.party(), period.start(), period.end())
            .await?,
    );
    let runs = app.store().runs(period.start()).await?;
    let inputs = Inputs {
        facts,
        records,
        sent,
        runs,
    };
    let customs = scope.is_customs();
    let (a, control, c, d) = compute(&inputs, &period, customs, now);
    let trend = steps(&period)
        .into_iter()
        .filter(|p| p.start() <= now)
        .map(|p| {
            let (a, control, c, d) = compute(&inputs, &p, customs, now);
            TrendPoint {
                from: p.from,
                to: p.to,
                adherence_rate: a.rate,
                control_efficiency: efficiency(&control),
                communication_efficiency: c.rate,
                downtime_seconds: d.downtime_seconds,
            }
        })
        .collect();
    Ok(Kpi {
        from: period.from,
        to: period.to,
        country: scope.country(),
        scope: super::catalogue::scope_text(&scope),
        adherence_rate: a.rate,
        control_efficiency: efficiency(&control),
        communication_efficiency: c.rate,
        downtime_seconds: d.downtime_seconds,
        adherence: a,
        control,
        communication: c,
        downtime: d,
        trend,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trend_steps_are_days_weeks_or_months() {
        let p = |a: &str, b: &str| Period::new(a.parse().unwrap(), b.parse().unwrap()).unwrap();
        assert_eq!(steps(&p("2026-03-01", "2026-03-07")).len(), 7);
        let weeks = steps(&p("2026-01-01", "2026-03-31"));
        assert_eq!(weeks.len(), 13);
        assert_eq!(weeks[12].to, "2026-03-31".parse().unwrap());
        let months = steps(&p("2025-12-15", "2026-12-07"));
        assert_eq!(months.len(), 13);
        assert_eq!(months[0].to, "2025-12-31".parse().unwrap());
        assert_eq!(months[1].from, "2026-01-01".parse().unwrap());
        assert_eq!(months[12].to, "2026-12-07".parse().unwrap());
    }
}
