//! The TAD's pages: the title and the MRN barcode box, rows of boxed fields (a small grey label
//! above the value), the goods items as a table continued over as many pages as needed, and
//! the page numbers. Points from the top-left corner of an A4 page.

use crate::pdf::{fit, text_width, wrap, Canvas, DocumentError, Weight};

use super::{mrn_barcode, Label, Tad, TadLabels, TadMeans, TadOffice, TadParty};

#[path = "tad_goods.rs"]
mod goods;

/// Page margin, points.
const MARGIN: f32 = 28.0;
/// Space kept free at the foot of every page for the page number, points.
const FOOT: f32 = 30.0;
/// Where the page number's baseline is, above the bottom edge, points.
const FOOT_BASELINE: f32 = 16.0;
/// A field's label: size and line height, points.
const LABEL_SIZE: f32 = 6.5;
const LABEL_LINE: f32 = 8.0;
/// A field's value: size and line height, points.
const VALUE_SIZE: f32 = 8.5;
const VALUE_LINE: f32 = 10.5;
/// Space inside a box, points.
const PAD: f32 = 3.5;
/// Grey of labels (0 black, 255 white).
const LABEL_GREY: u8 = 85;
/// The barcode: module width and bar height, points; quiet zone, modules.
const MODULE: f32 = 0.9;
const BAR_HEIGHT: f32 = 34.0;
const QUIET: usize = 10;
/// Where the content of a continuation page starts, below its header.
const CONTINUED_TOP: f32 = MARGIN + 24.0;

/// The runs of bars in barcode `modules` (1 a bar): each as (first module, modules wide).
pub fn bars(modules: &[u8]) -> Vec<(usize, usize)> {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for (i, m) in modules.iter().enumerate() {
        if *m == 0 {
            continue;
        }
        match runs.last_mut() {
            Some((start, len)) if *start + *len == i => *len += 1,
            _ => runs.push((i, 1)),
        }
    }
    runs
}

/// One line of a field's value.
struct Line {
    text: String,
    weight: Weight,
}

fn plain(text: impl Into<String>) -> Line {
    Line {
        text: text.into(),
        weight: Weight::Regular,
    }
}

fn bold(text: impl Into<String>) -> Line {
    Line {
        text: text.into(),
        weight: Weight::Bold,
    }
}

/// A boxed field: its share of the row's width, its label, its value's lines. A field
/// without lines is left out of its row (no empty boxes).
struct Field {
    share: f32,
    label: String,
    lines: Vec<Line>,
}

/// The pages being laid out, and where the next row goes.
struct Form<'a> {
    c: Canvas,
    y: f32,
    tad: &'a Tad,
    labels: &'a TadLabels<'a>,
}

impl Form<'_> {
    fn t(&self, label: Label) -> String {
        (self.labels.text)(label)
    }

    fn field(&self, share: f32, label: Label, lines: Vec<Line>) -> Field {
        Field {
            share,
            label: self.t(label),
            lines,
        }
    }

    fn inner(&self) -> f32 {
        self.c.width() - 2.0 * MARGIN
    }

    fn bottom(&self) -> f32 {
        self.c.height() - FOOT
    }

    /// A new page, headed by the title and the MRN.
    fn page_break(&mut self) {
        self.c.new_page();
        let head = format!(
            "{} · MRN {} ({})",
            self.t(Label::Title),
            self.tad.mrn,
            self.t(Label::Continued)
        );
        let head = fit(&head, 9.0, Weight::Bold, self.inner());
        self.c.text(MARGIN, MARGIN + 10.0, 9.0, Weight::Bold, &head);
        self.c.line(
            (MARGIN, MARGIN + 15.0),
            (MARGIN + self.inner(), MARGIN + 15.0),
            0.6,
        );
        self.y = CONTINUED_TOP;
    }

    /// The first page's head: the title on the left, the MRN box with its barcode on the right.
    fn head(&mut self) -> Result<(), DocumentError> {
        let modules = mrn_barcode(&self.tad.mrn)?;
        let box_w = (modules.len() + 2 * QUIET) as f32 * MODULE + 2.0 * PAD + 12.0;
        let box_h = PAD + LABEL_LINE + BAR_HEIGHT + 17.0;
        let box_x = MARGIN + self.inner() - box_w;
        let top = MARGIN;
        self.c.frame(box_x, top, box_w, box_h, 0.8);
        self.c.text_grey(
            box_x + PAD,
            top + PAD + LABEL_SIZE,
            LABEL_SIZE,
            Weight::Regular,
            LABEL_GREY,
            &self.t(Label::Mrn),
        );
        let bars_x = box_x + (box_w - modules.len() as f32 * MODULE) / 2.0;
        let bars_y = top + PAD + LABEL_LINE;
        for (start, len) in bars(&modules) {
            self.c.fill(
                bars_x + start as f32 * MODULE,
                bars_y,
                len as f32 * MODULE,
                BAR_HEIGHT,
                0,
            );
        }
        let mrn = self.tad.mrn.as_str();
        let w = text_width(mrn, 11.0, Weight::Bold);
        self.c.text(
            box_x + (box_w - w) / 2.0,
            bars_y + BAR_HEIGHT + 12.5,
            11.0,
            Weight::Bold,
            mrn,
        );
        // The title, wrapped beside the box.
        let room = box_x - MARGIN - 12.0;
        let mut y = top + 15.0;
        for line in wrap(&self.t(Label::Title), 15.0, Weight::Bold, room) {
            self.c.text(MARGIN, y, 15.0, Weight::Bold, &line);
            y += 18.0;
        }
        for line in wrap(&self.t(Label::Subtitle), 8.0, Weight::Regular, room) {
            self.c
                .text_grey(MARGIN, y - 2.0, 8.0, Weight::Regular, 70, &line);
            y += 10.0;
        }
        self.y = (y - 6.0).max(top + box_h) + 8.0;
        Ok(())
    }

    /// A row of boxed fields across the page. A row taller than what is left of the page goes
    /// to the next page; one taller than a whole page continues there.
    fn row(&mut self, fields: Vec<Field>) {
        let fields: Vec<Field> = fields.into_iter().filter(|f| !f.lines.is_empty()).collect();
        if fields.is_empty() {
            return;
        }
        let total: f32 = fields.iter().map(|f| f.share).sum();
        let inner = self.inner();
        let mut x = MARGIN;
        let mut cells = Vec::new();
        for f in &fields {
            let w = inner * f.share / total;
            let room = w - 2.0 * PAD;
            let label = wrap(&f.label, LABEL_SIZE, Weight::Regular, room);
            let lines: Vec<(String, Weight)> = f
                .lines
                .iter()
                .flat_map(|l| {
                    wrap(&l.text, VALUE_SIZE, l.weight, room)
                        .into_iter()
                        .map(move |t| (t, l.weight))
                })
                .collect();
            cells.push((x, w, label, lines));
            x += w;
        }
        let label_h = cells.iter().map(|c| c.2.len()).max().unwrap_or(1) as f32 * LABEL_LINE;
        let head = PAD + label_h + 1.0;
        let max_lines = cells.iter().map(|c| c.3.len()).max().unwrap_or(1);
        let bottom = self.bottom();
        let capacity = |top: f32| ((bottom - top - head - PAD) / VALUE_LINE).floor();
        let fresh = capacity(CONTINUED_TOP).max(1.0) as usize;
        let mut start = 0;
        while start < max_lines {
            let remaining = max_lines - start;
            let here = capacity(self.y).max(0.0) as usize;
            if remaining > here && (remaining <= fresh || here < 3) && self.y > CONTINUED_TOP {
                self.page_break();
                continue;
            }
            let n = remaining.min(here.max(1));
            let h = head + n as f32 * VALUE_LINE + PAD;
            for (x, w, label, lines) in &cells {
                self.c.frame(*x, self.y, *w, h, 0.6);
                for (i, l) in label.iter().enumerate() {
                    self.c.text_grey(
                        x + PAD,
                        self.y + PAD + LABEL_SIZE + i as f32 * LABEL_LINE,
                        LABEL_SIZE,
                        Weight::Regular,
                        LABEL_GREY,
                        l,
                    );
                }
                for (j, (text, weight)) in lines.iter().skip(start).take(n).enumerate() {
                    self.c.text(
                        x + PAD,
                        self.y + head + VALUE_SIZE + j as f32 * VALUE_LINE,
                        VALUE_SIZE,
                        *weight,
                        text,
                    );
                }
            }
            self.y += h;
            start += n;
            if start < max_lines {
                self.page_break();
            }
        }
    }

    fn office_lines(&self, o: &TadOffice) -> Vec<Line> {
        let mut lines = vec![bold(o.reference.as_str())];
        lines.extend(o.name.as_ref().map(plain));
        lines
    }

    fn offices_lines(&self, offices: &[TadOffice]) -> Vec<Line> {
        offices
            .iter()
            .map(|o| match &o.name {
                Some(name) => plain(format!("{} {name}", o.reference)),
                None => plain(o.reference.as_str()),
            })
            .collect()
    }

    fn party_lines(&self, p: Option<&TadParty>) -> Vec<Line> {
        let Some(p) = p.filter(|p| !p.is_empty()) else {
            return Vec::new();
        };
        let mut lines = Vec::new();
        lines.extend(p.name.as_ref().map(bold));
        if let Some(id) = &p.id {
            lines.push(plain(format!("{}: {id}", self.t(Label::IdNumber))));
        }
        lines.extend(p.address.iter().map(plain));
        lines
    }

    fn means_lines(&self, means: &[TadMeans]) -> Vec<Line> {
        means
            .iter()
            .map(|m| {
                let parts: Vec<&str> =
                    [&m.type_of_identification, &m.identification, &m.nationality]
                        .into_iter()
                        .flatten()
                        .map(String::as_str)
                        .collect();
                plain(parts.join(" · "))
            })
            .filter(|l| !l.text.is_empty())
            .collect()
    }

    fn day(&self, day: Option<chrono::NaiveDate>) -> Vec<Line> {
        day.map(|d| vec![plain((self.labels.day)(d))])
            .unwrap_or_default()
    }

    /// Every boxed field of the declaration, row by row.
    fn fields(&mut self) {
        let tad = self.tad;
        let labels = self.labels;
        let t = |l: Label| (labels.text)(l);
        let mut declaration_type = tad.declaration_type.clone();
        if let Some(a) = &tad.additional_declaration_type {
            declaration_type.push_str(&format!(" {a}"));
        }
        let row = vec![
            self.field(3.0, Label::Lrn, vec![plain(&tad.lrn)]),
            self.field(2.0, Label::DeclarationType, vec![bold(declaration_type)]),
            self.field(2.5, Label::AcceptanceDate, self.day(tad.acceptance_date)),
            self.field(2.5, Label::ReleaseDate, self.day(tad.release_date)),
        ];
        self.row(row);
        let row = vec![
            self.field(
                1.0,
                Label::OfficeOfDeparture,
                self.office_lines(&tad.office_of_departure),
            ),
            self.field(
                1.0,
                Label::OfficeOfDestination,
                self.office_lines(&tad.office_of_destination),
            ),
        ];
        self.row(row);
        let row = vec![
            self.field(
                1.0,
                Label::OfficesOfTransit,
                self.offices_lines(&tad.offices_of_transit),
            ),
            self.field(
                1.0,
                Label::OfficesOfExit,
                self.offices_lines(&tad.offices_of_exit),
            ),
        ];
        self.row(row);
        let row = vec![
            self.field(1.0, Label::Holder, self.party_lines(Some(&tad.holder))),
            self.field(
                1.0,
                Label::Representative,
                self.party_lines(tad.representative.as_ref()),
            ),
        ];
        self.row(row);
        let row = vec![
            self.field(
                1.0,
                Label::Consignor,
                self.party_lines(tad.consignor.as_ref()),
            ),
            self.field(
                1.0,
                Label::Consignee,
                self.party_lines(tad.consignee.as_ref()),
            ),
        ];
        self.row(row);
        let country = |c: &super::TadCountry| match &c.name {
            Some(name) => format!("{} {name}", c.code),
            None => c.code.clone(),
        };
        let routing = tad
            .countries_of_routing
            .iter()
            .map(|c| c.code.as_str())
            .collect::<Vec<_>>()
            .join(" → ");
        let row = vec![
            self.field(
                1.0,
                Label::CountryOfDispatch,
                tad.country_of_dispatch
                    .iter()
                    .map(|c| plain(country(c)))
                    .collect(),
            ),
            self.field(
                1.0,
                Label::CountryOfDestination,
                tad.country_of_destination
                    .iter()
                    .map(|c| plain(country(c)))
                    .collect(),
            ),
            self.field(
                1.0,
                Label::CountriesOfRouting,
                if routing.is_empty() {
                    Vec::new()
                } else {
                    vec![plain(routing)]
                },
            ),
            self.field(
                1.0,
                Label::TimeLimit,
                tad.time_limit
                    .map(|d| vec![bold((self.labels.day)(d))])
                    .unwrap_or_default(),
            ),
        ];
        self.row(row);
        let guarantees = tad
            .guarantees
            .iter()
            .map(|g| {
                let reference = g
                    .grn
                    .as_ref()
                    .map(|grn| format!("GRN {grn}"))
                    .or_else(|| g.other_reference.clone())
                    .unwrap_or_default();
                plain(format!(
                    "{} {} · {reference}",
                    t(Label::GuaranteeType),
                    g.guarantee_type
                ))
            })
            .collect();
        let control = tad
            .control_result
            .iter()
            .flat_map(|c| {
                let meaning = Label::result(&c.code).map(&t);
                let mut lines = vec![bold(match meaning {
                    Some(m) => format!("{} {m}", c.code),
                    None => c.code.clone(),
                })];
                lines.extend(
                    c.controlled_by
                        .as_ref()
                        .map(|o| plain(format!("{}: {o}", t(Label::ControlledBy)))),
                );
                lines
            })
            .collect();
        let row = vec![
            self.field(1.0, Label::Guarantee, guarantees),
            self.field(1.0, Label::ControlResult, control),
        ];
        self.row(row);
        let mode = |label: Label, code: &Option<String>| {
            code.as_ref().map(|c| {
                let name = Label::mode(c).map(&t);
                plain(match name {
                    Some(n) => format!("{}: {c} {n}", t(label)),
                    None => format!("{}: {c}", t(label)),
                })
            })
        };
        let modes = [
            mode(Label::Inland, &tad.inland_mode),
            mode(Label::AtBorder, &tad.border_mode),
        ]
        .into_iter()
        .flatten()
        .collect();
        let row = vec![
            self.field(
                1.0,
                Label::TransportAtDeparture,
                self.means_lines(&tad.departure_transport),
            ),
            self.field(
                1.0,
                Label::TransportAtBorder,
                self.means_lines(&tad.border_transport),
            ),
            self.field(1.0, Label::ModesOfTransport, modes),
        ];
        self.row(row);
        let equipment = tad
            .equipment
            .iter()
            .map(|e| {
                let container = e.container.as_deref().unwrap_or("—");
                if e.seals.is_empty() {
                    plain(container)
                } else {
                    plain(format!(
                        "{container} · {} ({}): {}",
                        t(Label::Seals),
                        e.seals.len(),
                        e.seals.join(", ")
                    ))
                }
            })
            .collect();
        let containers = tad
            .container_indicator
            .map(|c| vec![plain(t(if c { Label::Yes } else { Label::No }))])
            .unwrap_or_default();
        let row = vec![
            self.field(3.0, Label::Equipment, equipment),
            self.field(1.0, Label::Containers, containers),
        ];
        self.row(row);
        let documents = tad
            .documents
            .iter()
            .map(|d| plain(format!("{} {}", d.kind, d.reference)))
            .collect();
        let row = vec![self.field(1.0, Label::Documents, documents)];
        self.row(row);
        let row = vec![
            self.field(1.0, Label::Items, vec![bold(tad.items.len().to_string())]),
            self.field(
                1.0,
                Label::Packages,
                vec![bold(tad.total_packages().to_string())],
            ),
            self.field(
                1.0,
                Label::GrossMass,
                tad.gross_mass_kg.iter().map(bold).collect(),
            ),
        ];
        self.row(row);
    }
}

/// The TAD on A4 pages, numbered `labels.page(x, n)` at the foot of each.
pub(super) fn lay_out(tad: &Tad, labels: &TadLabels) -> Result<Canvas, DocumentError> {
    let mut form = Form {
        c: Canvas::a4(),
        y: MARGIN,
        tad,
        labels,
    };
    form.head()?;
    form.fields();
    form.goods();
    let pages = form.c.page_count();
    // "MRN" as NCTS names it in every language (the label in the MRN box may say more).
    let mrn = format!("MRN {}", tad.mrn);
    Ok(form.c.with_footer(
        |page| format!("{mrn} · {}", (labels.page)(page, pages)),
        FOOT_BASELINE,
    ))
}
