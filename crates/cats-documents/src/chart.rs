//! Bar and line charts of a report as SVG (plotters), drawn into the pages as they are and into
//! the PDFs through [`crate::Canvas::svg`]. Text is in the caller's language; the font family is
//! `sans-serif` (DejaVu Sans in PDFs).

use cats_domain::reports::ChartKind;
use plotters::prelude::*;

use crate::pdf::DocumentError;

/// Width of a chart, pixels (SVG user units).
pub const WIDTH: u32 = 640;
/// Height of a chart, pixels.
pub const HEIGHT: u32 = 300;

/// The most bars a chart draws; a longer table is charted by its first rows.
pub const MAX_BARS: usize = 25;

/// The words on a chart, in the reader's language.
#[derive(Debug, Clone, Default)]
pub struct ChartText {
    /// Caption above the chart.
    pub title: String,
    /// What the horizontal axis shows (the label column's name).
    pub x_label: String,
    /// What the vertical axis shows (the value column's name, with its unit).
    pub y_label: String,
}

const FONT: &str = "sans-serif";
const BAR: RGBColor = RGBColor(0x1f, 0x5f, 0x8b);

fn cut(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_string()
    } else {
        let mut s: String = label.chars().take(max - 1).collect();
        s.push('…');
        s
    }
}

/// The chart of `points` (label, value), `width` × `height` pixels, as an SVG document; a
/// point without a value is a bar of 0, and no point on a line. An empty series draws the axes
/// alone. Errors: [`DocumentError::Svg`] when plotters fails.
pub fn svg(
    kind: ChartKind,
    points: &[(String, Option<f64>)],
    text: &ChartText,
    width: u32,
    height: u32,
) -> Result<String, DocumentError> {
    let points: Vec<(String, Option<f64>)> = match kind {
        ChartKind::Bar => points.iter().take(MAX_BARS).cloned().collect(),
        ChartKind::Line => points.to_vec(),
    };
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (width, height)).into_drawing_area();
        draw(&root, kind, &points, text).map_err(|e| DocumentError::Svg(e.to_string()))?;
        root.present()
            .map_err(|e| DocumentError::Svg(e.to_string()))?;
    }
    Ok(out)
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    kind: ChartKind,
    points: &[(String, Option<f64>)],
    text: &ChartText,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let n = points.len().max(1);
    let top = points.iter().filter_map(|p| p.1).fold(0.0f64, f64::max);
    let top = if top <= 0.0 { 1.0 } else { top * 1.1 };
    // Horizontal bars are drawn from the bottom up: reversed, the first row is on top.
    let points: Vec<(String, Option<f64>)> = match kind {
        ChartKind::Bar => points.iter().rev().cloned().collect(),
        ChartKind::Line => points.to_vec(),
    };
    let labels: Vec<String> = points.iter().map(|p| cut(&p.0, 20)).collect();
    let label = |x: &SegmentValue<usize>| match x {
        SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => {
            labels.get(*i).cloned().unwrap_or_default()
        }
        SegmentValue::Last => String::new(),
    };
    match kind {
        // Horizontal bars: the categories (routes, offices, rules) read along the left.
        ChartKind::Bar => {
            let mut chart = ChartBuilder::on(root)
                .caption(&text.title, (FONT, 15))
                .margin(10)
                .x_label_area_size(36)
                .y_label_area_size(130)
                .build_cartesian_2d(0f64..top, (0..n).into_segmented())?;
            chart
                .configure_mesh()
                .disable_y_mesh()
                .x_labels(6)
                .light_line_style(TRANSPARENT)
                .y_labels(n)
                .y_label_formatter(&label)
                .x_desc(&text.y_label)
                .axis_desc_style((FONT, 12))
                .label_style((FONT, 10))
                .draw()?;
            chart.draw_series(
                Histogram::horizontal(&chart)
                    .style(BAR.filled())
                    .margin(2)
                    .data(
                        points
                            .iter()
                            .enumerate()
                            .map(|(i, p)| (i, p.1.unwrap_or(0.0))),
                    ),
            )?;
        }
        // A line over time, left to right, with at most eight labels.
        ChartKind::Line => {
            let mut chart = ChartBuilder::on(root)
                .caption(&text.title, (FONT, 15))
                .margin(10)
                .x_label_area_size(40)
                .y_label_area_size(60)
                .build_cartesian_2d((0..n).into_segmented(), 0f64..top)?;
            chart
                .configure_mesh()
                .disable_x_mesh()
                .y_labels(6)
                .light_line_style(TRANSPARENT)
                .x_labels(n.min(8))
                .x_label_formatter(&label)
                .y_desc(&text.y_label)
                .x_desc(&text.x_label)
                .axis_desc_style((FONT, 12))
                .label_style((FONT, 10))
                .draw()?;
            chart.draw_series(
                LineSeries::new(
                    points
                        .iter()
                        .enumerate()
                        .filter_map(|(i, p)| Some((SegmentValue::CenterOf(i), p.1?))),
                    BAR.stroke_width(2),
                )
                .point_size(3),
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_and_lines_with_labels_in_the_readers_language() {
        let text = ChartText {
            title: "Перемещения по маршрутам".into(),
            x_label: "Маршрут".into(),
            y_label: "Перемещения".into(),
        };
        let points = vec![
            ("KZHOR001→GEPTI001".to_string(), Some(3.0)),
            ("AZAST001→GEPTI001".to_string(), Some(1.0)),
        ];
        let bar = svg(ChartKind::Bar, &points, &text, 640, 320).unwrap();
        assert!(bar.starts_with("<svg"));
        assert!(bar.contains("Перемещения по маршрутам"));
        assert!(bar.contains("KZHOR001→GEPTI001"));
        assert!(bar.contains("<rect"));
        let line = svg(ChartKind::Line, &points, &text, 640, 320).unwrap();
        assert!(line.contains("<polyline") || line.contains("<path"));
        let empty = svg(ChartKind::Bar, &[], &text, 640, 320).unwrap();
        assert!(empty.contains("Перемещения"));
        let many: Vec<(String, Option<f64>)> = (0..100)
            .map(|i| (format!("R{i}"), Some(i as f64)))
            .collect();
        let capped = svg(ChartKind::Bar, &many, &text, 640, 320).unwrap();
        assert!(
            capped.contains("\nR0\n") && !capped.contains("\nR25\n") && !capped.contains("\nR99\n")
        );
    }
}
