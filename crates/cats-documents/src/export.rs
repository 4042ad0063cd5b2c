//! A report's [`Table`] as CSV, XLSX and PDF (issue 17, item 5).
//!
//! - CSV: UTF-8, comma-separated, a header of column keys (stable for scripts), rates as
//!   fractions (0..1), times in RFC 3339 UTC.
//! - XLSX: one sheet with the title, the period line, labelled columns, typed cells (counts and
//!   numbers as numbers, rates as percentages, times as dates), an autofilter, frozen headings,
//!   and a native column or line chart when the report has one.
//! - PDF: A4 landscape with the title, the period line, the chart, and the table over as many
//!   pages as it needs (headings repeated, "page x / n").

use cats_domain::reports::{Cell, ChartKind, ColumnKind, Table};
use rust_xlsxwriter::{Chart, ChartType, ExcelDateTime, Format, Workbook};

use crate::pdf::{fit, text_width, wrap, Canvas, DocumentError, Weight};

/// The words of an export, in the reader's language.
pub struct Labels<'a> {
    /// The report's name.
    pub title: String,
    /// The line under it: period, scope, when made.
    pub subtitle: String,
    /// A column's label from its key.
    pub column: &'a dyn Fn(&str) -> String,
    /// "page {x} / {n}" with the numbers filled in.
    pub page: &'a dyn Fn(usize, usize) -> String,
    /// Said when the table has no rows.
    pub empty: String,
}

/// The table as CSV. Errors: [`DocumentError::Csv`].
pub fn csv(table: &Table) -> Result<Vec<u8>, DocumentError> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let err = |e: ::csv::Error| DocumentError::Csv(e.to_string());
    w.write_record(table.columns.iter().map(|c| c.key))
        .map_err(err)?;
    for row in &table.rows {
        w.write_record(row.iter().map(Cell::plain)).map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| DocumentError::Csv(e.to_string()))
}

/// A cell as a reader sees it: rates as percentages, numbers with two decimals.
pub fn display(cell: &Cell) -> String {
    match cell {
        Cell::Rate(Some(x)) => format!("{:.1} %", x * 100.0),
        Cell::Number(Some(x)) => format!("{x:.2}"),
        Cell::Time(Some(t)) => t.format("%Y-%m-%d %H:%M UTC").to_string(),
        Cell::Rate(None) | Cell::Number(None) | Cell::Time(None) => "–".into(),
        other => other.plain(),
    }
}

/// The first sheet's name: the title without the characters Excel refuses, at most 31 long.
fn sheet_name(title: &str) -> String {
    let clean: String = title
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(31)
        .collect();
    if clean.trim().is_empty() {
        "Report".into()
    } else {
        clean
    }
}

/// The table as an XLSX workbook. Errors: [`DocumentError::Xlsx`].
pub fn xlsx(table: &Table, labels: &Labels) -> Result<Vec<u8>, DocumentError> {
    let x = |e: rust_xlsxwriter::XlsxError| DocumentError::Xlsx(e.to_string());
    let mut wb = Workbook::new();
    let name = sheet_name(&labels.title);
    let ws = wb.add_worksheet();
    ws.set_name(&name).map_err(x)?;
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_font_size(14);
    let head = Format::new()
        .set_bold()
        .set_background_color("#DDE6EE")
        .set_border_bottom(rust_xlsxwriter::FormatBorder::Thin);
    let number = Format::new().set_num_format("#,##0.00");
    let percent = Format::new().set_num_format("0.0%");
    let time = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    ws.write_string_with_format(0, 0, &labels.title, &title)
        .map_err(x)?;
    ws.write_string(1, 0, &labels.subtitle).map_err(x)?;
    const HEAD: u32 = 3;
    for (c, col) in table.columns.iter().enumerate() {
        let c = c as u16;
        let label = (labels.column)(col.key);
        ws.write_string_with_format(HEAD, c, &label, &head)
            .map_err(x)?;
        let width = table
            .rows
            .iter()
            .map(|r| display(&r[c as usize]).chars().count())
            .chain([label.chars().count()])
            .max()
            .unwrap_or(8)
            .clamp(8, 48);
        ws.set_column_width(c, width as f64 + 2.0).map_err(x)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        let r = HEAD + 1 + r as u32;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(s) => ws.write_string(r, c, s).map(|_| ()),
                Cell::Count(n) => ws.write_number(r, c, *n as f64).map(|_| ()),
                Cell::Number(Some(v)) => ws.write_number_with_format(r, c, *v, &number).map(|_| ()),
                Cell::Rate(Some(v)) => ws.write_number_with_format(r, c, *v, &percent).map(|_| ()),
                Cell::Time(Some(t)) => {
                    let dt =
                        ExcelDateTime::parse_from_str(&t.format("%Y-%m-%dT%H:%M:%S").to_string())
                            .map_err(x)?;
                    ws.write_datetime_with_format(r, c, &dt, &time).map(|_| ())
                }
                Cell::Number(None) | Cell::Rate(None) | Cell::Time(None) => Ok(()),
            }
            .map_err(x)?;
        }
    }
    let last = HEAD + table.rows.len() as u32;
    if !table.columns.is_empty() {
        ws.autofilter(HEAD, 0, last.max(HEAD), table.columns.len() as u16 - 1)
            .map_err(x)?;
        ws.set_freeze_panes(HEAD + 1, 0).map_err(x)?;
    }
    if table.rows.is_empty() {
        ws.write_string_with_format(HEAD + 1, 0, &labels.empty, &bold)
            .map_err(x)?;
    }
    if let (Some(ch), false) = (table.chart, table.rows.is_empty()) {
        let mut chart = Chart::new(match ch.kind {
            ChartKind::Bar => ChartType::Column,
            ChartKind::Line => ChartType::Line,
        });
        let rows = last.min(HEAD + crate::chart::MAX_BARS as u32);
        chart
            .add_series()
            .set_categories((
                name.as_str(),
                HEAD + 1,
                ch.label as u16,
                rows,
                ch.label as u16,
            ))
            .set_values((
                name.as_str(),
                HEAD + 1,
                ch.value as u16,
                rows,
                ch.value as u16,
            ))
            .set_name((labels.column)(table.columns[ch.value].key).as_str());
        chart.title().set_name(&labels.title);
        chart.legend().set_hidden();
        ws.insert_chart(HEAD, table.columns.len() as u16 + 1, &chart)
            .map_err(x)?;
    }
    wb.save_to_buffer().map_err(x)
}

/// The table as a PDF, with `chart_svg` (from [`crate::chart::svg`]) above it when given, in
/// `language` (BCP 47). Errors: [`DocumentError`].
pub fn pdf(
    table: &Table,
    labels: &Labels,
    chart_svg: Option<&str>,
    language: &str,
) -> Result<Vec<u8>, DocumentError> {
    const MARGIN: f32 = 36.0;
    const SIZE: f32 = 8.5;
    const ROW: f32 = 13.0;
    let mut c = Canvas::a4_landscape();
    let (w, h) = (c.width(), c.height());
    let inner = w - 2.0 * MARGIN;
    c.text(MARGIN, MARGIN + 14.0, 16.0, Weight::Bold, &labels.title);
    c.text_grey(
        MARGIN,
        MARGIN + 30.0,
        9.0,
        Weight::Regular,
        80,
        &labels.subtitle,
    );
    let mut y = MARGIN + 44.0;
    if let Some(svg) = chart_svg {
        // The chart is drawn at 640 × 300 (crate::chart::svg); kept at that shape.
        let (cw, ch) = (560.0, 262.5);
        c.svg(MARGIN, y, cw, ch, svg)?;
        y += ch + 12.0;
    }
    // Column widths: each column's widest value (of the first 200 rows), its heading taking
    // at most two lines; shrunk in proportion when the table is wider than the page.
    let widths: Vec<f32> = {
        let natural: Vec<f32> = table
            .columns
            .iter()
            .enumerate()
            .map(|(i, col)| {
                let label = (labels.column)(col.key);
                let head = text_width(&label, SIZE, Weight::Bold);
                // A heading breaks between words, never inside one.
                let word = label
                    .split(' ')
                    .map(|w| text_width(w, SIZE, Weight::Bold))
                    .fold(0.0, f32::max);
                let body = table
                    .rows
                    .iter()
                    .take(200)
                    .map(|r| text_width(&display(&r[i]), SIZE, Weight::Regular))
                    .fold(0.0, f32::max);
                body.max((head / 2.0).min(110.0))
                    .max(head.min(70.0))
                    .max(word)
                    .clamp(30.0, 240.0)
                    + 8.0
            })
            .collect();
        let total: f32 = natural.iter().sum();
        let scale = if total > inner { inner / total } else { 1.0 };
        natural.iter().map(|x| x * scale).collect()
    };
    let header = |c: &mut Canvas, y: f32| {
        let lines: Vec<Vec<String>> = table
            .columns
            .iter()
            .enumerate()
            .map(|(i, col)| {
                let mut l = wrap(
                    &(labels.column)(col.key),
                    SIZE,
                    Weight::Bold,
                    widths[i] - 6.0,
                );
                if l.len() > 2 {
                    let rest = l[1..].join(" ");
                    l.truncate(1);
                    l.push(fit(&rest, SIZE, Weight::Bold, widths[i] - 6.0));
                }
                l
            })
            .collect();
        let height = lines.iter().map(Vec::len).max().unwrap_or(1) as f32 * (SIZE + 2.0) + 6.0;
        c.fill(MARGIN, y, inner, height, 225);
        let mut x = MARGIN;
        for (i, col) in table.columns.iter().enumerate() {
            for (n, line) in lines[i].iter().enumerate() {
                let base = y + SIZE + 3.0 + n as f32 * (SIZE + 2.0);
                if col.kind == ColumnKind::Text {
                    c.text(x + 3.0, base, SIZE, Weight::Bold, line);
                } else {
                    c.text_right(x + widths[i] - 3.0, base, SIZE, Weight::Bold, line);
                }
            }
            x += widths[i];
        }
        y + height + 2.0
    };
    y = header(&mut c, y);
    if table.rows.is_empty() {
        c.text(MARGIN + 3.0, y + ROW, SIZE, Weight::Regular, &labels.empty);
    }
    for (n, row) in table.rows.iter().enumerate() {
        if y + ROW > h - MARGIN - 16.0 {
            c.new_page();
            y = header(&mut c, MARGIN);
        }
        if n % 2 == 1 {
            c.fill(MARGIN, y + 2.0, inner, ROW, 245);
        }
        let mut x = MARGIN;
        for (i, cell) in row.iter().enumerate() {
            let text = fit(&display(cell), SIZE, Weight::Regular, widths[i] - 6.0);
            if table.columns[i].kind == ColumnKind::Text {
                c.text(x + 3.0, y + ROW - 1.0, SIZE, Weight::Regular, &text);
            } else {
                c.text_right(
                    x + widths[i] - 3.0,
                    y + ROW - 1.0,
                    SIZE,
                    Weight::Regular,
                    &text,
                );
            }
            x += widths[i];
        }
        y += ROW;
    }
    let pages = c.page_count();
    c.with_footer(|page| (labels.page)(page, pages), MARGIN)
        .finish(&labels.title, language)
}

#[cfg(test)]
#[path = "export_tests.rs"]
mod tests;
