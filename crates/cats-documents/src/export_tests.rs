use super::*;
use calamine::{Data, Reader, Xlsx};
use cats_domain::reports::{ChartKind, Column};

fn table(rows: usize) -> Table {
    let mut t = Table::new(vec![
        Column::text("route"),
        Column::count("movements"),
        Column::number("transitMeanHours"),
        Column::rate("adherenceRate"),
        Column::time("timeLimit"),
    ])
    .charted(ChartKind::Bar, "route", "movements");
    for i in 0..rows {
        t.rows.push(vec![
            Cell::Text(format!("KZHOR001→GE{i:06}")),
            Cell::Count(i as u64 + 1),
            Cell::Number(Some(10.5 + i as f64)),
            Cell::Rate(if i == 0 { None } else { Some(0.25) }),
            Cell::Time(Some("2026-03-01T08:30:00Z".parse().unwrap())),
        ]);
    }
    t
}

fn labels() -> Labels<'static> {
    Labels {
        title: "Время транзита по маршрутам".into(),
        subtitle: "01.03.2026 – 31.03.2026".into(),
        column: &|k| format!("«{k}»"),
        page: &|x, n| format!("стр. {x} из {n}"),
        empty: "Нет данных".into(),
    }
}

#[test]
fn csv_has_keys_and_plain_values() {
    let text = String::from_utf8(csv(&table(2)).unwrap()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "route,movements,transitMeanHours,adherenceRate,timeLimit"
    );
    assert_eq!(lines[1], "KZHOR001→GE000000,1,10.5,,2026-03-01T08:30:00Z");
    assert_eq!(
        lines[2],
        "KZHOR001→GE000001,2,11.5,0.25,2026-03-01T08:30:00Z"
    );
}

#[test]
fn xlsx_reads_back_with_the_same_values() {
    let t = table(3);
    let bytes = xlsx(&t, &labels()).unwrap();
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    assert_eq!(
        sheet.get_value((0, 0)),
        Some(&Data::String("Время транзита по маршрутам".into()))
    );
    assert_eq!(
        sheet.get_value((3, 1)),
        Some(&Data::String("«movements»".into()))
    );
    assert_eq!(
        sheet.get_value((4, 0)),
        Some(&Data::String("KZHOR001→GE000000".into()))
    );
    assert_eq!(sheet.get_value((5, 1)), Some(&Data::Float(2.0)));
    assert_eq!(sheet.get_value((6, 2)), Some(&Data::Float(12.5)));
    assert_eq!(sheet.get_value((5, 3)), Some(&Data::Float(0.25)));
    assert_eq!(sheet.get_value((4, 3)), None.or(Some(&Data::Empty)));
    match sheet.get_value((4, 4)) {
        Some(Data::DateTime(d)) => {
            // Excel counts days from 1899-12-30.
            let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
            let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
            let expected = (day - epoch).num_days() as f64 + 8.5 / 24.0;
            assert!((d.as_f64() - expected).abs() < 1e-6, "{}", d.as_f64());
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_long_table_goes_over_several_numbered_pages() {
    let t = table(120);
    let svg = crate::chart::svg(
        ChartKind::Bar,
        &t.chart_points(),
        &crate::chart::ChartText::default(),
        crate::chart::WIDTH,
        crate::chart::HEIGHT,
    )
    .unwrap();
    let pdf = pdf(&t, &labels(), Some(&svg), "ru").unwrap();
    // To look at it: CATS_KEEP_DOCS=/tmp cargo test -p cats-documents long_table
    if let Ok(dir) = std::env::var("CATS_KEEP_DOCS") {
        std::fs::write(std::path::Path::new(&dir).join("report-ru.pdf"), &pdf).unwrap();
    }
    assert!(pdf.starts_with(b"%PDF-"));
    let empty = pdf_pages(&super::pdf(&Table::new(vec![]), &labels(), None, "ru").unwrap());
    assert_eq!(empty, 1);
    assert!(pdf_pages(&pdf) >= 4, "{}", pdf_pages(&pdf));
}

/// Pages of a PDF, by its page objects.
fn pdf_pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    text.matches("/Type /Page\n").count()
        + text.matches("/Type /Page/").count()
        + text.matches("/Type /Page ").count()
        + text.matches("/Type/Page\n").count()
        + text.matches("/Type/Page/").count()
}
