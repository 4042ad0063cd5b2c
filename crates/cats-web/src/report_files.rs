//! A report made (`cats_app::reports`) as the answer asked for with `?format=`: JSON (default),
//! CSV, XLSX or PDF, labelled in the reader's language (issue 17, item 5). JSON and CSV keep the
//! stable keys and raw values (states as `ReleasedForTransit`, rates 0..1); XLSX, PDF and the
//! pages show labels, translated states and actions, and percentages.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use cats_app::reports::catalogue::Made;
use cats_app::reports::kpi::Kpi;
use cats_documents::chart::{self, ChartText};
use cats_documents::export::{self, Labels};
use cats_domain::reports::{Cell, ChartKind, Column, Table};

use crate::error::ApiError;
use crate::pages::i18n::Tr;

/// What a report is answered as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `application/json`.
    Json,
    /// `text/csv`.
    Csv,
    /// Office Open XML spreadsheet.
    Xlsx,
    /// `application/pdf`.
    Pdf,
}

impl Format {
    /// `?format=json|csv|xlsx|pdf` (none: JSON). Errors: `400 BAD_REQUEST` naming the choices.
    pub fn parse(asked: Option<&str>) -> Result<Self, ApiError> {
        match asked.unwrap_or("json") {
            "json" => Ok(Self::Json),
            "csv" => Ok(Self::Csv),
            "xlsx" => Ok(Self::Xlsx),
            "pdf" => Ok(Self::Pdf),
            other => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                format!("format={other}: give json, csv, xlsx or pdf"),
            )),
        }
    }
}

/// A column's label in the reader's language.
pub fn column_label(t: &Tr, key: &str) -> String {
    t.get(&format!("report-col-{key}"))
}

/// A report's title in the reader's language (`custom`: the custom report's).
pub fn title(t: &Tr, name: &str) -> String {
    t.get(&format!("report-{name}"))
}

/// Whose data a report covers (`node`, `country KZ`, `holder …`, `insurer …` as the use case
/// names it), in the reader's language.
pub fn scope_text(t: &Tr, scope: &str) -> String {
    match scope.split_once(' ') {
        Some((kind @ ("country" | "holder" | "insurer"), id)) => {
            t.arg(&format!("report-scope-{kind}"), "id", id)
        }
        _ => t.get("report-scope-node"),
    }
}

/// The line under a report's title: its period, whose data, when made.
pub fn subtitle(t: &Tr, made: &Made) -> String {
    t.args(
        "report-subtitle",
        &[
            ("from", made.period.from.to_string()),
            ("to", made.period.to.to_string()),
            ("scope", scope_text(t, &made.scope)),
            (
                "made",
                made.made_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            ),
        ],
    )
}

/// The table as people read it: states and actions translated.
pub fn for_people(t: &Tr, table: &Table) -> Table {
    let mut shown = table.clone();
    for (i, c) in table.columns.iter().enumerate() {
        let prefix = match c.key {
            "state" => "state-",
            "action" => "report-action-",
            _ => continue,
        };
        for row in &mut shown.rows {
            if let Some(Cell::Text(v)) = row.get_mut(i) {
                let key = format!("{prefix}{v}");
                let label = t.get(&key);
                if label != key {
                    *v = label;
                }
            }
        }
    }
    shown
}

/// A cell as the reader reads it: numbers with the language's decimal separator, rates as
/// percentages, times in UTC, a dash for none.
pub fn display(t: &Tr, cell: &Cell) -> String {
    match cell {
        Cell::Text(s) => s.clone(),
        Cell::Count(n) => n.to_string(),
        Cell::Number(Some(x)) => t.number(*x, 2),
        Cell::Rate(Some(x)) => t.percent(*x),
        Cell::Time(Some(at)) => at.format("%Y-%m-%d %H:%M UTC").to_string(),
        Cell::Number(None) | Cell::Rate(None) | Cell::Time(None) => "–".into(),
    }
}

/// The table's chart as SVG in the reader's language, when it has one.
pub fn chart_svg(t: &Tr, table: &Table, caption: &str) -> Option<String> {
    let c = table.chart?;
    let text = ChartText {
        title: caption.to_string(),
        x_label: column_label(t, table.columns[c.label].key),
        y_label: column_label(t, table.columns[c.value].key),
    };
    chart::svg(
        c.kind,
        &table.chart_points(),
        &text,
        chart::WIDTH,
        chart::HEIGHT,
    )
    .ok()
}

/// The JSON answer of a report: its name, title, period, scope, columns with their labels,
/// rows keyed by column, and its chart.
pub fn made_json(t: &Tr, made: &Made, caption: &str) -> Value {
    json!({
        "name": made.name,
        "title": caption,
        "from": made.period.from,
        "to": made.period.to,
        "scope": made.scope,
        "madeAt": made.made_at,
        "columns": made.table.columns.iter().map(|c| json!({
            "key": c.key, "kind": c.kind, "label": column_label(t, c.key)
        })).collect::<Vec<_>>(),
        "rows": made.table.json_rows(),
        "chart": made.table.chart.map(|c| json!({
            "kind": c.kind,
            "label": made.table.columns[c.label].key,
            "value": made.table.columns[c.value].key,
        })),
    })
}

fn file(content_type: &str, filename: String, data: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        data,
    )
        .into_response()
}

fn failed(e: cats_documents::DocumentError) -> Response {
    tracing::error!(error = %e, "report export failed");
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "INTERNAL_SERVER_ERROR",
        "the report could not be written in that format",
    )
    .into_response()
}

/// Answer `table` (titled `caption`, under `sub`) as `format`; `base` names the file.
fn table_response(
    t: &Tr,
    table: &Table,
    caption: &str,
    sub: String,
    format: Format,
    base: &str,
    json_body: impl FnOnce() -> Value,
) -> Response {
    let label = |k: &str| column_label(t, k);
    let page = |x: usize, n: usize| {
        t.args(
            "report-page",
            &[("page", x.to_string()), ("pages", n.to_string())],
        )
    };
    let labels = Labels {
        title: caption.to_string(),
        subtitle: sub,
        column: &label,
        page: &page,
        empty: t.get("report-empty"),
    };
    let shown = for_people(t, table);
    match format {
        Format::Json => axum::Json(json_body()).into_response(),
        Format::Csv => match export::csv(table) {
            Ok(b) => file("text/csv; charset=utf-8", format!("{base}.csv"), b),
            Err(e) => failed(e),
        },
        Format::Xlsx => match export::xlsx(&shown, &labels) {
            Ok(b) => file(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                format!("{base}.xlsx"),
                b,
            ),
            Err(e) => failed(e),
        },
        Format::Pdf => {
            let svg = chart_svg(t, &shown, caption);
            match export::pdf(&shown, &labels, svg.as_deref(), t.lang()) {
                Ok(b) => file("application/pdf", format!("{base}.pdf"), b),
                Err(e) => failed(e),
            }
        }
    }
}

/// A report as `format`.
pub fn respond(t: &Tr, made: &Made, caption: &str, format: Format) -> Response {
    let base = format!(
        "report-{}-{}-{}",
        made.name, made.period.from, made.period.to
    );
    table_response(
        t,
        &made.table,
        caption,
        subtitle(t, made),
        format,
        &base,
        || made_json(t, made, caption),
    )
}

/// The KPIs' trend as a table: one row per day, week or month.
pub fn kpi_table(k: &Kpi) -> Table {
    let mut table = Table::new(vec![
        Column::text("from"),
        Column::text("to"),
        Column::rate("adherenceRate"),
        Column::number("controlEfficiency"),
        Column::rate("communicationEfficiency"),
        Column::count("downtimeSeconds"),
    ])
    .charted(ChartKind::Line, "from", "adherenceRate");
    for p in &k.trend {
        table.rows.push(vec![
            Cell::Text(p.from.to_string()),
            Cell::Text(p.to.to_string()),
            Cell::Rate(p.adherence_rate),
            Cell::Number(p.control_efficiency),
            Cell::Rate(p.communication_efficiency),
            Cell::Count(p.downtime_seconds.max(0) as u64),
        ]);
    }
    table
}

/// The four KPIs in one line, in the reader's language.
pub fn kpi_headline(t: &Tr, k: &Kpi) -> String {
    let pct = |x: Option<f64>| x.map_or("–".to_string(), |x| t.percent(x));
    t.args(
        "kpi-headline",
        &[
            ("adherence", pct(k.adherence_rate)),
            (
                "control",
                k.control_efficiency
                    .map_or("–".to_string(), |x| t.number(x, 2)),
            ),
            ("communication", pct(k.communication_efficiency)),
            ("downtime", k.downtime_seconds.to_string()),
        ],
    )
}

/// The KPI dashboard's figures as `format`: JSON is the figures with their inputs and trend;
/// CSV, XLSX and PDF are the trend, with the four KPIs in the heading.
pub fn kpi_response(t: &Tr, k: &Kpi, format: Format) -> Response {
    let caption = t.get("kpi-title");
    let sub = format!(
        "{} – {} · {} · {}",
        k.from,
        k.to,
        scope_text(t, &k.scope),
        kpi_headline(t, k)
    );
    let base = format!("kpi-{}-{}", k.from, k.to);
    let table = kpi_table(k);
    table_response(t, &table, &caption, sub, format, &base, || {
        serde_json::to_value(k).unwrap_or(Value::Null)
    })
}
