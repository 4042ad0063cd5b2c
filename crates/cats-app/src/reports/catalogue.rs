//! Every standard report by name (issue 17, items 1 and 2): who may see it, and how it is made
//! from the data of the user's scope.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::Serialize;

use cats_domain::reports::cube::{self, Definition, Dimension, Filters, Measure};
use cats_domain::reports::kpi::ice_latency;
use cats_domain::reports::management::{self, Action};
use cats_domain::reports::{Cell, ChartKind, Column, Period, Table};

use super::{fact, movements, movements_in, projections, Scope};
use crate::app::{Actor, App};
use crate::auth::Role;
use crate::error::AppError;
use cats_domain::movement::MovementState;

/// Seconds within which a message counts as delivered in time (communication efficiency).
pub const TARGET_SECONDS: i64 = 60;

/// A standard report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReportName {
    /// Movements by state per office of departure and country.
    ByState,
    /// Movements past their time limit, with their last known position.
    Overdue,
    /// Actions waiting per office (customs).
    Waiting,
    /// Guarantee exposure per insurer and holder.
    Exposure,
    /// Actions per officer (customs).
    WorkloadOfficers,
    /// Actions per office (customs).
    WorkloadOffices,
    /// Movements per period by route, country pair, HS chapter or mode of transport.
    Volumes,
    /// Transit times per route: mean, median, 90th percentile.
    TransitTimes,
    /// Control rates and hit rates per office (customs).
    Controls,
    /// Hit rates per risk profile (customs).
    ProfileHits,
    /// Business-rule rejections by rule id.
    Rejections,
    /// ICE delivery latency per peer node (customs).
    IceLatency,
}

impl ReportName {
    /// Every report, in the order of the reports page: management, then statistical.
    pub const ALL: [ReportName; 12] = [
        Self::ByState,
        Self::Overdue,
        Self::Waiting,
        Self::Exposure,
        Self::WorkloadOfficers,
        Self::WorkloadOffices,
        Self::Volumes,
        Self::TransitTimes,
        Self::Controls,
        Self::ProfileHits,
        Self::Rejections,
        Self::IceLatency,
    ];

    /// The name in URLs (`/reports/transit-times`) and the key of its title (`report-…`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ByState => "by-state",
            Self::Overdue => "overdue",
            Self::Waiting => "waiting",
            Self::Exposure => "exposure",
            Self::WorkloadOfficers => "workload-officers",
            Self::WorkloadOffices => "workload-offices",
            Self::Volumes => "volumes",
            Self::TransitTimes => "transit-times",
            Self::Controls => "controls",
            Self::ProfileHits => "profile-hits",
            Self::Rejections => "rejections",
            Self::IceLatency => "ice-latency",
        }
    }

    /// Parse [`ReportName::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// A management report (else statistical).
    pub fn is_management(self) -> bool {
        matches!(
            self,
            Self::ByState
                | Self::Overdue
                | Self::Waiting
                | Self::Exposure
                | Self::WorkloadOfficers
                | Self::WorkloadOffices
        )
    }

    /// Customs only: what offices and officers do, and risk selection, are never shown to
    /// traders and insurers.
    pub fn customs_only(self) -> bool {
        matches!(
            self,
            Self::Waiting
                | Self::WorkloadOfficers
                | Self::WorkloadOffices
                | Self::Controls
                | Self::ProfileHits
                | Self::IceLatency
        )
    }

    /// Whether a user of `role` may see the report (on its own scope's data).
    pub fn visible_to(self, role: Role) -> bool {
        match role {
            Role::Admin | Role::Officer => true,
            Role::Trader | Role::Insurer => !self.customs_only(),
        }
    }
}

/// What a report is asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// The days covered.
    pub period: Period,
    /// Administrators: one country; officers: their own (or none).
    pub country: Option<cats_domain::ids::CountryCode>,
    /// Volumes: what rows are (route, country pair, HS chapter, mode of transport); default
    /// route.
    pub by: Option<Dimension>,
    /// Volumes: per day, week or month; default month.
    pub per: Option<Dimension>,
}

/// A report made.
#[derive(Debug, Clone, PartialEq)]
pub struct Made {
    /// The report's name (`custom` for a custom report).
    pub name: String,
    /// The period covered.
    pub period: Period,
    /// Whose data: `node`, `country KZ`, `holder KZ…`, `insurer …`.
    pub scope: String,
    /// When made.
    pub made_at: DateTime<Utc>,
    /// The result.
    pub table: Table,
}

/// Whose data a report covers, as the answers name it: `node`, `country KZ`, `holder …`,
/// `insurer …`.
pub fn scope_text(scope: &Scope) -> String {
    match scope {
        Scope::Node(None) => "node".into(),
        Scope::Node(Some(c)) | Scope::Country(c) => format!("country {c}"),
        Scope::Holder(h) => format!("holder {h}"),
        Scope::Insurer(i) => format!("insurer {i}"),
    }
}

/// The volumes report's definition: movements per `per` and `by`.
pub fn volumes(by: Dimension, per: Dimension) -> Definition {
    Definition {
        dimensions: vec![per, by],
        measures: vec![Measure::Movements, Measure::Released, Measure::Arrived],
        filters: Filters::default(),
    }
}

/// The transit-times report's definition.
pub fn transit_times() -> Definition {
    Definition {
        dimensions: vec![Dimension::Route],
        measures: vec![
            Measure::Arrived,
            Measure::ArrivedInTime,
            Measure::AdherenceRate,
            Measure::TransitMeanHours,
            Measure::TransitMedianHours,
            Measure::TransitP90Hours,
        ],
        filters: Filters::default(),
    }
}

/// Make report `name` for `actor` as of `now`. Errors: [`AppError::Forbidden`] for a report or
/// country the user may not see; [`AppError::Invalid`] for a `by` or `per` that does not fit.
pub async fn run(
    app: &App,
    actor: &Actor,
    name: ReportName,
    q: &Query,
    now: DateTime<Utc>,
) -> Result<Made, AppError> {
    let scope = Scope::of(actor, q.country)?;
    if let Some(u) = actor.user() {
        if !name.visible_to(u.role) {
            return Err(AppError::Forbidden(format!(
                "report {} is for customs only",
                name.as_str()
            )));
        }
    }
    let period = q.period;
    let country = Filters {
        country: scope.country(),
        ..Filters::default()
    };
    let table = match name {
        ReportName::ByState => {
            let facts = facts_since(app, &scope, Some(period.start()), false).await?;
            management::by_state(&facts, &period)
        }
        ReportName::Overdue => {
            // Released and not arrived: en route, under enquiry or under recovery.
            let records = movements_in(
                app,
                &scope,
                &[
                    MovementState::ReleasedForTransit,
                    MovementState::UnderEnquiry,
                    MovementState::UnderRecovery,
                ],
            )
            .await?;
            management::overdue(&projections(&records), now)
        }
        ReportName::Waiting => {
            let records = movements_in(
                app,
                &scope,
                &[
                    MovementState::Accepted,
                    MovementState::GuaranteeNotValid,
                    MovementState::UnderControl,
                    MovementState::ReleasedForTransit,
                    MovementState::Arrived,
                    MovementState::Discrepancies,
                    MovementState::UnderEnquiry,
                ],
            )
            .await?;
            let mut t = management::waiting(&projections(&records));
            if let Some(c) = scope.country() {
                t.rows.retain(|r| r[0] == Cell::Text(c.to_string()));
            }
            t
        }
        ReportName::Exposure => {
            let all = app.store().all_guarantees().await?;
            let mine: Vec<_> = all
                .into_iter()
                .filter(|g| match &scope {
                    Scope::Holder(h) => &g.holder == h,
                    Scope::Insurer(i) => &g.insurer == i,
                    Scope::Country(c) | Scope::Node(Some(c)) => g.countries.contains(c),
                    Scope::Node(None) => true,
                })
                .collect();
            management::exposure(&mine)
        }
        ReportName::WorkloadOfficers => {
            let officers: BTreeSet<String> = app
                .store()
                .users()
                .await?
                .into_iter()
                .map(|(u, _)| u)
                .filter(|u| {
                    u.role == Role::Officer
                        && scope.country().is_none_or(|c| u.office_country == Some(c))
                })
                .map(|u| u.username)
                .collect();
            let actions: Vec<Action> = app
                .store()
                .audit_between(period.start(), period.end())
                .await?
                .into_iter()
                .filter(|e| officers.contains(&e.actor))
                .map(|e| Action {
                    officer: e.actor,
                    action: e.action,
                    at: e.at,
                })
                .collect();
            management::workload_officers(&actions, &period)
        }
        ReportName::WorkloadOffices => {
            let records = movements(app, &scope, Some(period.start()), false).await?;
            let mut t = management::workload_offices(&projections(&records), &period);
            if let Some(c) = scope.country() {
                t.rows.retain(|r| r[0] == Cell::Text(c.to_string()));
            }
            t
        }
        ReportName::Volumes => {
            let by = q.by.unwrap_or(Dimension::Route);
            let per = q.per.unwrap_or(Dimension::Month);
            if !per.is_time() || by.is_time() {
                return Err(AppError::Invalid(format!(
                    "volumes are per day, week or month (per={}) by a route, country pair, HS chapter or mode of transport (by={})",
                    per.name(),
                    by.name()
                )));
            }
            let facts = facts_since(app, &scope, Some(period.start()), reads_goods(&[by])).await?;
            let d = Definition {
                filters: country.clone(),
                ..volumes(by, per)
            };
            cube::run(&d, &facts, &period, now)
        }
        ReportName::TransitTimes => {
            let facts = facts_since(app, &scope, Some(period.start()), false).await?;
            let d = Definition {
                filters: country.clone(),
                ..transit_times()
            };
            // Its picture is the time, not the count.
            cube::run(&d, &facts, &period, now).charted(
                ChartKind::Bar,
                "route",
                "transitMedianHours",
            )
        }
        ReportName::Controls | ReportName::ProfileHits => {
            let records = movements(app, &scope, Some(period.start()), false).await?;
            let lodged: Vec<_> = records
                .iter()
                .filter(|r| period.contains(r.created_at))
                .map(|r| &r.movement)
                .collect();
            let (_, _, profiles, offices) = cats_domain::feedback::tally(&lodged);
            if name == ReportName::Controls {
                office_rates(&offices, scope.country())
            } else {
                profile_hits(&profiles)
            }
        }
        ReportName::Rejections => {
            let records = movements(app, &scope, Some(period.start()), false).await?;
            let ids: BTreeSet<uuid::Uuid> = records.iter().map(|r| r.id).collect();
            let rejected: Vec<(DateTime<Utc>, Vec<String>)> = app
                .store()
                .audit_between(period.start(), period.end())
                .await?
                .into_iter()
                .filter(|e| e.action == "lodge" && e.movement_id.is_some_and(|m| ids.contains(&m)))
                .filter_map(|e| {
                    let rules = e.detail.strip_prefix("rejected: ")?;
                    Some((
                        e.at,
                        rules.split(", ").map(|r| r.trim().to_string()).collect(),
                    ))
                })
                .collect();
            management::rejections(&rejected, &period)
        }
        ReportName::IceLatency => {
            let sent = app.store().ice_sent(period.start(), period.end()).await?;
            ice_latency(&sent, &period, TARGET_SECONDS)
        }
    };
    Ok(Made {
        name: name.as_str().into(),
        period,
        scope: scope_text(&scope),
        made_at: now,
        table,
    })
}

/// Run custom `definition` for `actor` over its scope. Errors: as [`run`], and
/// [`AppError::Invalid`] for a definition that does not hold together.
pub async fn custom(
    app: &App,
    actor: &Actor,
    definition: &Definition,
    period: Period,
    now: DateTime<Utc>,
) -> Result<Made, AppError> {
    definition
        .check()
        .map_err(|e| AppError::Invalid(e.to_string()))?;
    let scope = Scope::of(actor, None)?;
    let goods = reads_goods(&definition.dimensions)
        || definition.filters.hs_chapter.is_some()
        || definition.filters.transport_mode.is_some();
    let facts = facts_since(app, &scope, Some(period.start()), goods).await?;
    Ok(Made {
        name: "custom".into(),
        period,
        scope: scope_text(&scope),
        made_at: now,
        table: cube::run(definition, &facts, &period, now),
    })
}

/// Whether grouping by `dimensions` needs the declarations (the HS codes and the mode of
/// transport are read from them).
fn reads_goods(dimensions: &[Dimension]) -> bool {
    dimensions
        .iter()
        .any(|d| matches!(d, Dimension::HsChapter | Dimension::TransportMode))
}

/// The facts of the scope's movements changed since `since` (with what their declarations say
/// of the goods when `declarations`).
pub async fn facts_since(
    app: &App,
    scope: &Scope,
    since: Option<DateTime<Utc>>,
    declarations: bool,
) -> Result<Vec<cube::Fact>, AppError> {
    Ok(movements(app, scope, since, declarations)
        .await?
        .iter()
        .map(fact)
        .collect())
}

fn office_rates(
    offices: &[cats_domain::feedback::OfficeRate],
    country: Option<cats_domain::ids::CountryCode>,
) -> Table {
    let mut t = Table::new(vec![
        Column::text("office"),
        Column::count("assessments"),
        Column::count("selected"),
        Column::rate("controlRate"),
    ]);
    for o in offices
        .iter()
        .filter(|o| country.is_none_or(|c| o.office.country() == c))
    {
        t.rows.push(vec![
            Cell::Text(o.office.to_string()),
            Cell::Count(o.assessments as u64),
            Cell::Count(o.selected as u64),
            Cell::Rate(Some(o.control_rate)),
        ]);
    }
    t.charted(ChartKind::Bar, "office", "controlRate")
}

fn profile_hits(profiles: &[cats_domain::feedback::ProfileHits]) -> Table {
    let mut t = Table::new(vec![
        Column::text("profile"),
        Column::count("fired"),
        Column::count("controls"),
        Column::count("findings"),
        Column::rate("hitRate"),
    ]);
    for p in profiles {
        t.rows.push(vec![
            Cell::Text(p.profile.clone()),
            Cell::Count(p.fired as u64),
            Cell::Count(p.controls as u64),
            Cell::Count(p.findings as u64),
            Cell::Rate((p.controls > 0).then_some(p.hit_rate)),
        ]);
    }
    t.charted(ChartKind::Bar, "profile", "hitRate")
}
