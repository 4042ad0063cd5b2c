//! The TAD's goods items: a table (item, description, commodity code, packages, gross and net
//! mass in kg) continued over as many pages as needed, its head repeated on each.

use crate::pdf::{wrap, Weight};

use super::{Form, Label, LABEL_LINE, LABEL_SIZE, MARGIN, PAD};

/// The goods table: text size and line height, points.
const CELL_SIZE: f32 = 8.0;
const CELL_LINE: f32 = 10.0;

impl Form<'_> {
    /// The goods items table, its header repeated on every page it continues on.
    pub(super) fn goods(&mut self) {
        let inner = self.inner();
        // Item, description, HS code, packages, gross mass, net mass.
        let fixed = [32.0, 0.0, 56.0, 128.0, 56.0, 56.0];
        let mut widths = fixed;
        widths[1] = inner - fixed.iter().sum::<f32>();
        let heads = [
            Label::ColItem,
            Label::ColDescription,
            Label::ColHs,
            Label::ColPackages,
            Label::ColGross,
            Label::ColNet,
        ]
        .map(|l| self.t(l));
        let head_lines: Vec<Vec<String>> = heads
            .iter()
            .zip(widths)
            .map(|(h, w)| wrap(h, LABEL_SIZE, Weight::Bold, w - 2.0 * PAD))
            .collect();
        let head_h = head_lines.iter().map(Vec::len).max().unwrap_or(1) as f32 * LABEL_LINE + 5.0;
        let title = self.t(Label::Goods);
        let rows: Vec<[Vec<String>; 6]> = self
            .tad
            .items
            .iter()
            .map(|item| {
                let packages: Vec<String> = item
                    .packages
                    .iter()
                    .flat_map(|p| {
                        let mut text = match p.number {
                            Some(n) => format!("{n} × {}", p.kind),
                            None => p.kind.clone(),
                        };
                        if let Some(marks) = &p.marks {
                            text.push_str(&format!(" · {marks}"));
                        }
                        wrap(&text, CELL_SIZE, Weight::Regular, widths[3] - 2.0 * PAD)
                    })
                    .collect();
                let cell = |text: &str, i: usize| {
                    wrap(text, CELL_SIZE, Weight::Regular, widths[i] - 2.0 * PAD)
                };
                [
                    vec![item.number.to_string()],
                    cell(&item.description, 1),
                    item.hs_code
                        .as_deref()
                        .map(|h| cell(h, 2))
                        .unwrap_or_default(),
                    packages,
                    item.gross_mass_kg.iter().cloned().collect(),
                    item.net_mass_kg.iter().cloned().collect(),
                ]
            })
            .collect();
        let row_h = |r: &[Vec<String>; 6]| {
            r.iter().map(Vec::len).max().unwrap_or(1).max(1) as f32 * CELL_LINE + 4.0
        };
        // The heading, the table's head and its first row stay together.
        let first = rows.first().map_or(CELL_LINE + 4.0, row_h);
        if self.y + 18.0 + head_h + first > self.bottom() {
            self.page_break();
        }
        self.y += 6.0;
        self.c
            .text(MARGIN, self.y + 9.0, 10.0, Weight::Bold, &title);
        self.y += 14.0;
        let mut top = self.y;
        self.table_head(&widths, &head_lines, head_h);
        for (n, r) in rows.iter().enumerate() {
            let h = row_h(r);
            if self.y + h > self.bottom() {
                self.table_frame(&widths, top);
                self.page_break();
                top = self.y;
                self.table_head(&widths, &head_lines, head_h);
            }
            if n % 2 == 1 {
                self.c.fill(MARGIN, self.y, inner, h, 244);
            }
            let mut x = MARGIN;
            for (i, lines) in r.iter().enumerate() {
                for (j, line) in lines.iter().enumerate() {
                    let baseline = self.y + 2.0 + CELL_SIZE + j as f32 * CELL_LINE;
                    if i >= 4 {
                        self.c.text_right(
                            x + widths[i] - PAD,
                            baseline,
                            CELL_SIZE,
                            Weight::Regular,
                            line,
                        );
                    } else {
                        let weight = if i == 0 {
                            Weight::Bold
                        } else {
                            Weight::Regular
                        };
                        self.c.text(x + PAD, baseline, CELL_SIZE, weight, line);
                    }
                }
                x += widths[i];
            }
            self.y += h;
        }
        self.table_frame(&widths, top);
    }

    fn table_head(&mut self, widths: &[f32; 6], lines: &[Vec<String>], h: f32) {
        self.c.fill(MARGIN, self.y, self.inner(), h, 228);
        let mut x = MARGIN;
        for (i, head) in lines.iter().enumerate() {
            for (j, line) in head.iter().enumerate() {
                let baseline = self.y + 2.5 + LABEL_SIZE + j as f32 * LABEL_LINE;
                if i >= 4 {
                    self.c.text_right(
                        x + widths[i] - PAD,
                        baseline,
                        LABEL_SIZE,
                        Weight::Bold,
                        line,
                    );
                } else {
                    self.c
                        .text(x + PAD, baseline, LABEL_SIZE, Weight::Bold, line);
                }
            }
            x += widths[i];
        }
        self.y += h;
    }

    /// The table's outline and column rules from `top` down to where the rows end.
    fn table_frame(&mut self, widths: &[f32; 6], top: f32) {
        self.c.frame(MARGIN, top, self.inner(), self.y - top, 0.6);
        let mut x = MARGIN;
        for w in &widths[..5] {
            x += w;
            self.c.line((x, top), (x, self.y), 0.3);
        }
    }
}
