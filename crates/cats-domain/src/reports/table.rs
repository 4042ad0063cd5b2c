//! A report's result: named columns and rows of typed cells, with the chart that shows it best.
//! Every export (JSON, CSV, XLSX, PDF) and every page renders this one shape.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};

/// What a column holds, which decides how it is written and whether it can be charted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ColumnKind {
    /// Text: an office, a route, a state, an MRN.
    Text,
    /// A whole number of things (movements, messages, actions).
    Count,
    /// A number with a unit given by the column (hours, seconds, an amount in its currency).
    Number,
    /// A share from 0 to 1 (JSON and CSV), shown as a percentage on pages and in XLSX and PDF.
    Rate,
    /// An instant (RFC 3339, UTC).
    Time,
}

/// One column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Column {
    /// Stable name: the field of each row in JSON, the CSV header, and the message key
    /// `report-col-{key}` of its label in every language.
    pub key: &'static str,
    /// What it holds.
    pub kind: ColumnKind,
}

impl Column {
    /// A text column.
    pub const fn text(key: &'static str) -> Self {
        Self {
            key,
            kind: ColumnKind::Text,
        }
    }
    /// A count column.
    pub const fn count(key: &'static str) -> Self {
        Self {
            key,
            kind: ColumnKind::Count,
        }
    }
    /// A number column.
    pub const fn number(key: &'static str) -> Self {
        Self {
            key,
            kind: ColumnKind::Number,
        }
    }
    /// A rate column (0..1).
    pub const fn rate(key: &'static str) -> Self {
        Self {
            key,
            kind: ColumnKind::Rate,
        }
    }
    /// A time column.
    pub const fn time(key: &'static str) -> Self {
        Self {
            key,
            kind: ColumnKind::Time,
        }
    }
}

/// One value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text.
    Text(String),
    /// A count.
    Count(u64),
    /// A number, or none (no sample).
    Number(Option<f64>),
    /// A rate (0..1), or none (nothing to divide by).
    Rate(Option<f64>),
    /// An instant, or none.
    Time(Option<DateTime<Utc>>),
}

impl Cell {
    /// The value as JSON: text, number, RFC 3339 time, or `null`.
    pub fn to_json(&self) -> Value {
        match self {
            Cell::Text(s) => Value::String(s.clone()),
            Cell::Count(n) => Value::from(*n),
            Cell::Number(x) | Cell::Rate(x) => x
                .and_then(|x| serde_json::Number::from_f64(round(x, 6)))
                .map_or(Value::Null, Value::Number),
            Cell::Time(t) => t.map_or(Value::Null, |t| {
                Value::String(t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            }),
        }
    }

    /// The value as plain text for CSV: rates as a fraction, numbers with up to 2 decimals,
    /// nothing for none.
    pub fn plain(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Count(n) => n.to_string(),
            Cell::Number(x) => x.map_or(String::new(), |x| format!("{}", round(x, 2))),
            Cell::Rate(x) => x.map_or(String::new(), |x| format!("{}", round(x, 4))),
            Cell::Time(t) => t.map_or(String::new(), |t| {
                t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            }),
        }
    }

    /// The value as a number, for charts: counts, numbers and rates; `None` for text, times,
    /// and a number or rate without a value.
    pub fn value(&self) -> Option<f64> {
        match self {
            Cell::Count(n) => Some(*n as f64),
            Cell::Number(x) | Cell::Rate(x) => *x,
            _ => None,
        }
    }
}

/// `x` rounded to `places` decimals.
pub fn round(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}

/// How a report is best pictured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ChartKind {
    /// Bars, one per row (categories).
    Bar,
    /// A line through the rows in order (a time series).
    Line,
}

/// The chart of a table: which column labels the rows and which one is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Chart {
    /// Bar or line.
    pub kind: ChartKind,
    /// Index of the column whose text labels each bar or point.
    pub label: usize,
    /// Index of the numeric column drawn.
    pub value: usize,
    /// Rows with the same label are one bar or point, their values added up (a count over
    /// several dimensions, charted by the first).
    pub total: bool,
}

/// A report's result.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// Columns, in order.
    pub columns: Vec<Column>,
    /// Rows; each has one cell per column.
    pub rows: Vec<Vec<Cell>>,
    /// The chart, when the table has one.
    pub chart: Option<Chart>,
}

impl Table {
    /// An empty table with these columns.
    pub fn new(columns: Vec<Column>) -> Self {
        Self {
            columns,
            rows: Vec::new(),
            chart: None,
        }
    }

    /// The table with a chart of `value` labelled by `label` (column keys). Unknown keys leave
    /// it without a chart.
    pub fn charted(mut self, kind: ChartKind, label: &str, value: &str) -> Self {
        let find = |k: &str| self.columns.iter().position(|c| c.key == k);
        self.chart = match (find(label), find(value)) {
            (Some(label), Some(value)) => Some(Chart {
                kind,
                label,
                value,
                total: false,
            }),
            _ => None,
        };
        self
    }

    /// As [`Table::charted`], the rows with the same label added up into one bar or point
    /// (in the order their labels first appear).
    pub fn charted_total(self, kind: ChartKind, label: &str, value: &str) -> Self {
        let mut t = self.charted(kind, label, value);
        if let Some(c) = t.chart.as_mut() {
            c.total = true;
        }
        t
    }

    /// The rows as JSON objects keyed by column key.
    pub fn json_rows(&self) -> Vec<Value> {
        self.rows
            .iter()
            .map(|row| {
                let mut m = Map::new();
                for (c, cell) in self.columns.iter().zip(row) {
                    m.insert(c.key.to_string(), cell.to_json());
                }
                Value::Object(m)
            })
            .collect()
    }

    /// The value of column `key` in row `row`, if both exist.
    pub fn cell(&self, row: usize, key: &str) -> Option<&Cell> {
        let i = self.columns.iter().position(|c| c.key == key)?;
        self.rows.get(row)?.get(i)
    }

    /// The chart's points: (label, value) per row, in order; no value where the cell has none.
    pub fn chart_points(&self) -> Vec<(String, Option<f64>)> {
        let Some(chart) = self.chart else {
            return Vec::new();
        };
        let points = self.rows.iter().map(|r| {
            (
                r.get(chart.label).map(Cell::plain).unwrap_or_default(),
                r.get(chart.value).and_then(Cell::value),
            )
        });
        if !chart.total {
            return points.collect();
        }
        let mut totals: Vec<(String, Option<f64>)> = Vec::new();
        for (label, value) in points {
            match totals.iter_mut().find(|(l, _)| *l == label) {
                Some((_, v)) => *v = Some(v.unwrap_or(0.0) + value.unwrap_or(0.0)),
                None => totals.push((label, Some(value.unwrap_or(0.0)))),
            }
        }
        totals
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_as_json_and_chart_points() {
        let mut t = Table::new(vec![
            Column::text("office"),
            Column::count("movements"),
            Column::rate("controlRate"),
        ])
        .charted(ChartKind::Bar, "office", "movements");
        t.rows.push(vec![
            Cell::Text("KZHOR001".into()),
            Cell::Count(3),
            Cell::Rate(Some(1.0 / 3.0)),
        ]);
        t.rows.push(vec![
            Cell::Text("GEPTI001".into()),
            Cell::Count(0),
            Cell::Rate(None),
        ]);
        assert_eq!(
            t.json_rows()[0],
            serde_json::json!({"office": "KZHOR001", "movements": 3, "controlRate": 0.333333})
        );
        assert_eq!(t.json_rows()[1]["controlRate"], Value::Null);
        assert_eq!(
            t.chart_points(),
            vec![
                ("KZHOR001".into(), Some(3.0)),
                ("GEPTI001".into(), Some(0.0))
            ]
        );
        assert_eq!(t.cell(1, "office"), Some(&Cell::Text("GEPTI001".into())));
        t.rows.push(vec![
            Cell::Text("KZHOR001".into()),
            Cell::Count(4),
            Cell::Rate(None),
        ]);
        let totals = t
            .clone()
            .charted_total(ChartKind::Bar, "office", "movements");
        assert_eq!(
            totals.chart_points(),
            vec![
                ("KZHOR001".into(), Some(7.0)),
                ("GEPTI001".into(), Some(0.0))
            ]
        );
        assert_eq!(Cell::Rate(Some(0.123456)).plain(), "0.1235");
        assert!(Table::new(vec![])
            .charted(ChartKind::Bar, "x", "y")
            .chart
            .is_none());
    }
}
