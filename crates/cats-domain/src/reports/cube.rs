//! Statistical and custom reports: facts about movements grouped by dimensions and summed up by
//! measures (issue 17, items 2 and 3). A movement belongs to a period when it was lodged in it.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Utc};
use serde::{Deserialize, Serialize};

use super::stats::{rate, summary};
use super::table::{Cell, ChartKind, Column, Table};
use super::Period;
use crate::ids::{CountryCode, Eori, Mrn, OfficeRef};
use crate::movement::{Movement, MovementState};

/// What a report needs to know about one movement.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    /// MRN (`None` for a rejected declaration).
    pub mrn: Option<Mrn>,
    /// State now.
    pub state: MovementState,
    /// Holder of the transit procedure.
    pub holder: Eori,
    /// Office of departure.
    pub office_of_departure: OfficeRef,
    /// Office of destination as declared.
    pub office_of_destination: OfficeRef,
    /// Office where arrival was notified, if any.
    pub arrival_office: Option<OfficeRef>,
    /// When lodged (UTC).
    pub lodged_at: DateTime<Utc>,
    /// Release for transit.
    pub released_at: Option<DateTime<Utc>>,
    /// Arrival notified.
    pub arrived_at: Option<DateTime<Utc>>,
    /// Time limit for arrival, set at release.
    pub time_limit: Option<DateTime<Utc>>,
    /// HS chapters (first two digits of the commodity codes), each once, sorted.
    pub hs_chapters: Vec<String>,
    /// Mode of transport at the border (NCTS code list CL018: `1` sea, `2` rail, `3` road …).
    pub transport_mode: Option<String>,
    /// Control results recorded.
    pub controls: usize,
    /// Of those, how many found something (B1, or findings recorded).
    pub findings: usize,
}

impl Fact {
    /// The facts of a movement lodged at `lodged_at`, carrying goods of the commodity codes
    /// `hs_codes` (any length; the first two digits are the chapter) and declared with border
    /// transport mode `transport_mode`.
    pub fn of(
        m: &Movement,
        lodged_at: DateTime<Utc>,
        hs_codes: &[String],
        transport_mode: Option<String>,
    ) -> Self {
        let mut hs_chapters: Vec<String> = hs_codes
            .iter()
            .filter(|c| c.len() >= 2 && c.is_char_boundary(2))
            .map(|c| c[..2].to_string())
            .collect();
        hs_chapters.sort();
        hs_chapters.dedup();
        Self {
            mrn: m.mrn.clone(),
            state: m.state,
            holder: m.holder.clone(),
            office_of_departure: m.office_of_departure.clone(),
            office_of_destination: m.office_of_destination.clone(),
            arrival_office: m.arrival_office.clone(),
            lodged_at,
            released_at: m.released_at,
            arrived_at: m.arrived_at,
            time_limit: m.time_limit,
            hs_chapters,
            transport_mode,
            controls: m.controls.len(),
            findings: m.controls.iter().filter(|c| c.found_something()).count(),
        }
    }

    /// Released, not arrived, and past its time limit at `now`.
    pub fn overdue(&self, now: DateTime<Utc>) -> bool {
        self.released_at.is_some()
            && self.arrived_at.is_none()
            && self.time_limit.is_some_and(|l| l < now)
    }

    /// Transit time from release to arrival, in hours.
    pub fn transit_hours(&self) -> Option<f64> {
        match (self.released_at, self.arrived_at) {
            (Some(r), Some(a)) => Some((a - r).num_seconds() as f64 / 3600.0),
            _ => None,
        }
    }

    /// Where the goods ended (the arrival office) or are going (the office of destination).
    pub fn end_office(&self) -> &OfficeRef {
        self.arrival_office
            .as_ref()
            .unwrap_or(&self.office_of_destination)
    }
}

/// What rows are grouped by.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Dimension {
    /// Office of departure.
    OfficeOfDeparture,
    /// Office of destination (the office of arrival once arrived).
    OfficeOfDestination,
    /// Country of the office of departure.
    CountryOfDeparture,
    /// Country of the office of destination (or arrival).
    CountryOfDestination,
    /// `KZHOR001→GEPTI001`: office of departure to office of destination (or arrival).
    Route,
    /// `KZ→GE`: country of departure to country of destination.
    CountryPair,
    /// HS chapter (2 digits); a movement counts once in each chapter it carries.
    HsChapter,
    /// Mode of transport at the border (CL018).
    TransportMode,
    /// State now.
    State,
    /// Holder of the transit procedure.
    Holder,
    /// Day lodged (`2026-12-07`).
    Day,
    /// ISO week lodged (`2026-W49`).
    Week,
    /// Month lodged (`2026-12`).
    Month,
}

impl Dimension {
    /// Every dimension, in the order of the report builder.
    pub const ALL: [Dimension; 13] = [
        Self::Month,
        Self::Week,
        Self::Day,
        Self::Route,
        Self::CountryPair,
        Self::OfficeOfDeparture,
        Self::OfficeOfDestination,
        Self::CountryOfDeparture,
        Self::CountryOfDestination,
        Self::HsChapter,
        Self::TransportMode,
        Self::State,
        Self::Holder,
    ];

    /// The column key (also the JSON name, camelCase).
    pub fn key(self) -> &'static str {
        match self {
            Self::OfficeOfDeparture => "officeOfDeparture",
            Self::OfficeOfDestination => "officeOfDestination",
            Self::CountryOfDeparture => "countryOfDeparture",
            Self::CountryOfDestination => "countryOfDestination",
            Self::Route => "route",
            Self::CountryPair => "countryPair",
            Self::HsChapter => "hsChapter",
            Self::TransportMode => "transportMode",
            Self::State => "state",
            Self::Holder => "holder",
            Self::Day => "day",
            Self::Week => "week",
            Self::Month => "month",
        }
    }

    /// The name in URLs and saved definitions (kebab-case).
    pub fn name(self) -> &'static str {
        match self {
            Self::OfficeOfDeparture => "office-of-departure",
            Self::OfficeOfDestination => "office-of-destination",
            Self::CountryOfDeparture => "country-of-departure",
            Self::CountryOfDestination => "country-of-destination",
            Self::Route => "route",
            Self::CountryPair => "country-pair",
            Self::HsChapter => "hs-chapter",
            Self::TransportMode => "transport-mode",
            Self::State => "state",
            Self::Holder => "holder",
            Self::Day => "day",
            Self::Week => "week",
            Self::Month => "month",
        }
    }

    /// Parse [`Dimension::name`].
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.name() == name)
    }

    /// Whether the dimension is time (a line chart reads best).
    pub fn is_time(self) -> bool {
        matches!(self, Self::Day | Self::Week | Self::Month)
    }

    fn values(self, f: &Fact) -> Vec<String> {
        let one = |s: String| vec![s];
        match self {
            Self::OfficeOfDeparture => one(f.office_of_departure.to_string()),
            Self::OfficeOfDestination => one(f.end_office().to_string()),
            Self::CountryOfDeparture => one(f.office_of_departure.country().to_string()),
            Self::CountryOfDestination => one(f.end_office().country().to_string()),
            Self::Route => one(format!("{}→{}", f.office_of_departure, f.end_office())),
            Self::CountryPair => one(format!(
                "{}→{}",
                f.office_of_departure.country(),
                f.end_office().country()
            )),
            Self::HsChapter if f.hs_chapters.is_empty() => one("–".into()),
            Self::HsChapter => f.hs_chapters.clone(),
            Self::TransportMode => one(f.transport_mode.clone().unwrap_or_else(|| "–".into())),
            Self::State => one(f.state.as_str().to_string()),
            Self::Holder => one(f.holder.to_string()),
            Self::Day => one(f.lodged_at.format("%Y-%m-%d").to_string()),
            Self::Week => {
                let w = f.lodged_at.iso_week();
                one(format!("{}-W{:02}", w.year(), w.week()))
            }
            Self::Month => one(f.lodged_at.format("%Y-%m").to_string()),
        }
    }
}

/// What is summed up per row.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Measure {
    /// Movements lodged.
    Movements,
    /// Of those, released for transit.
    Released,
    /// Arrived (arrival notified).
    Arrived,
    /// Arrived by the time limit.
    ArrivedInTime,
    /// Released, not arrived, past the time limit.
    Overdue,
    /// Transit procedure adherence: arrived in time / (arrived + overdue).
    AdherenceRate,
    /// Control results recorded.
    Controls,
    /// Controls that found something.
    Findings,
    /// Findings / controls.
    HitRate,
    /// Mean transit time, release to arrival, hours.
    TransitMeanHours,
    /// Median transit time, hours.
    TransitMedianHours,
    /// 90th percentile of transit time (nearest rank), hours.
    TransitP90Hours,
}

impl Measure {
    /// Every measure, in the order of the report builder.
    pub const ALL: [Measure; 12] = [
        Self::Movements,
        Self::Released,
        Self::Arrived,
        Self::ArrivedInTime,
        Self::Overdue,
        Self::AdherenceRate,
        Self::Controls,
        Self::Findings,
        Self::HitRate,
        Self::TransitMeanHours,
        Self::TransitMedianHours,
        Self::TransitP90Hours,
    ];

    /// The column key (camelCase).
    pub fn key(self) -> &'static str {
        match self {
            Self::Movements => "movements",
            Self::Released => "released",
            Self::Arrived => "arrived",
            Self::ArrivedInTime => "arrivedInTime",
            Self::Overdue => "overdue",
            Self::AdherenceRate => "adherenceRate",
            Self::Controls => "controls",
            Self::Findings => "findings",
            Self::HitRate => "hitRate",
            Self::TransitMeanHours => "transitMeanHours",
            Self::TransitMedianHours => "transitMedianHours",
            Self::TransitP90Hours => "transitP90Hours",
        }
    }

    /// The name in URLs and saved definitions (kebab-case).
    pub fn name(self) -> &'static str {
        match self {
            Self::Movements => "movements",
            Self::Released => "released",
            Self::Arrived => "arrived",
            Self::ArrivedInTime => "arrived-in-time",
            Self::Overdue => "overdue",
            Self::AdherenceRate => "adherence-rate",
            Self::Controls => "controls",
            Self::Findings => "findings",
            Self::HitRate => "hit-rate",
            Self::TransitMeanHours => "transit-mean-hours",
            Self::TransitMedianHours => "transit-median-hours",
            Self::TransitP90Hours => "transit-p90-hours",
        }
    }

    /// Parse [`Measure::name`].
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.name() == name)
    }

    fn column(self) -> Column {
        match self {
            Self::AdherenceRate | Self::HitRate => Column::rate(self.key()),
            Self::TransitMeanHours | Self::TransitMedianHours | Self::TransitP90Hours => {
                Column::number(self.key())
            }
            _ => Column::count(self.key()),
        }
    }
}

/// Which movements count.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Filters {
    /// Only movements departing from or going to this country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub country: Option<CountryCode>,
    /// Only movements departing from or going to this office.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub office: Option<OfficeRef>,
    /// Only movements in this state now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<MovementState>,
    /// Only movements carrying goods of this HS chapter (2 digits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hs_chapter: Option<String>,
    /// Only movements with this mode of transport at the border (CL018).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transport_mode: Option<String>,
}

impl Filters {
    /// Whether fact `f` passes every filter set.
    pub fn admit(&self, f: &Fact) -> bool {
        let end = f.end_office();
        self.country.as_ref().is_none_or(|c| {
            f.office_of_departure.country() == *c
                || end.country() == *c
                || f.office_of_destination.country() == *c
        }) && self.office.as_ref().is_none_or(|o| {
            f.office_of_departure == *o || end == o || f.office_of_destination == *o
        }) && self.state.is_none_or(|s| f.state == s)
            && self
                .hs_chapter
                .as_ref()
                .is_none_or(|c| f.hs_chapters.contains(c))
            && self
                .transport_mode
                .as_ref()
                .is_none_or(|t| f.transport_mode.as_ref() == Some(t))
    }
}

/// A report's definition: grouped by `dimensions`, with one column per measure.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Definition {
    /// One to three dimensions, in column order.
    pub dimensions: Vec<Dimension>,
    /// One to twelve measures, in column order.
    pub measures: Vec<Measure>,
    /// Filters.
    #[serde(default)]
    pub filters: Filters,
}

/// Why a definition was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DefinitionError {
    /// No dimension, or more than three.
    #[error("a report has one to three dimensions, not {0}")]
    Dimensions(usize),
    /// No measure.
    #[error("a report has at least one measure")]
    NoMeasure,
    /// A dimension or measure given twice.
    #[error("{0} is given twice")]
    Repeated(&'static str),
}

impl Definition {
    /// Check the definition's shape. Errors: [`DefinitionError`].
    pub fn check(&self) -> Result<(), DefinitionError> {
        if self.dimensions.is_empty() || self.dimensions.len() > 3 {
            return Err(DefinitionError::Dimensions(self.dimensions.len()));
        }
        if self.measures.is_empty() {
            return Err(DefinitionError::NoMeasure);
        }
        for (i, d) in self.dimensions.iter().enumerate() {
            if self.dimensions[..i].contains(d) {
                return Err(DefinitionError::Repeated(d.name()));
            }
        }
        for (i, m) in self.measures.iter().enumerate() {
            if self.measures[..i].contains(m) {
                return Err(DefinitionError::Repeated(m.name()));
            }
        }
        Ok(())
    }
}

#[derive(Default)]
struct Acc {
    movements: usize,
    released: usize,
    arrived: usize,
    in_time: usize,
    overdue: usize,
    controls: usize,
    findings: usize,
    hours: Vec<f64>,
}

/// Run definition `d` over `facts` lodged in `period`, `now` deciding what is overdue. Rows are
/// sorted by their dimension values (time in order); the chart draws the first measure against
/// the first dimension (a line over time, bars otherwise).
pub fn run(d: &Definition, facts: &[Fact], period: &Period, now: DateTime<Utc>) -> Table {
    let mut groups: BTreeMap<Vec<String>, Acc> = BTreeMap::new();
    for f in facts
        .iter()
        .filter(|f| period.contains(f.lodged_at) && d.filters.admit(f))
    {
        let mut keys: Vec<Vec<String>> = vec![Vec::new()];
        for dim in &d.dimensions {
            let values = dim.values(f);
            keys = keys
                .into_iter()
                .flat_map(|k| {
                    values.iter().map(move |v| {
                        let mut k = k.clone();
                        k.push(v.clone());
                        k
                    })
                })
                .collect();
        }
        for key in keys {
            let a = groups.entry(key).or_default();
            a.movements += 1;
            a.released += usize::from(f.released_at.is_some());
            if let Some(arrived) = f.arrived_at {
                a.arrived += 1;
                if f.time_limit.is_none_or(|l| arrived <= l) {
                    a.in_time += 1;
                }
            }
            a.overdue += usize::from(f.overdue(now));
            a.controls += f.controls;
            a.findings += f.findings;
            a.hours.extend(f.transit_hours());
        }
    }
    let mut columns: Vec<Column> = d.dimensions.iter().map(|x| Column::text(x.key())).collect();
    columns.extend(d.measures.iter().map(|m| m.column()));
    let mut table = Table::new(columns);
    for (key, a) in groups {
        let s = summary(&a.hours);
        let mut row: Vec<Cell> = key.into_iter().map(Cell::Text).collect();
        row.extend(d.measures.iter().map(|m| match m {
            Measure::Movements => Cell::Count(a.movements as u64),
            Measure::Released => Cell::Count(a.released as u64),
            Measure::Arrived => Cell::Count(a.arrived as u64),
            Measure::ArrivedInTime => Cell::Count(a.in_time as u64),
            Measure::Overdue => Cell::Count(a.overdue as u64),
            Measure::AdherenceRate => Cell::Rate(rate(a.in_time, a.arrived + a.overdue)),
            Measure::Controls => Cell::Count(a.controls as u64),
            Measure::Findings => Cell::Count(a.findings as u64),
            Measure::HitRate => Cell::Rate(rate(a.findings, a.controls)),
            Measure::TransitMeanHours => Cell::Number(s.mean),
            Measure::TransitMedianHours => Cell::Number(s.median),
            Measure::TransitP90Hours => Cell::Number(s.p90),
        }));
        table.rows.push(row);
    }
    let kind = if d.dimensions[0].is_time() {
        ChartKind::Line
    } else {
        ChartKind::Bar
    };
    let (label, value) = (d.dimensions[0].key(), d.measures[0].key());
    match (d.dimensions.len(), d.measures[0].column().kind) {
        (1, _) => table.charted(kind, label, value),
        // Over several dimensions only a count adds up per value of the first one.
        (_, super::table::ColumnKind::Count) => table.charted_total(kind, label, value),
        _ => table,
    }
}

#[cfg(test)]
#[path = "cube_tests.rs"]
mod tests;
