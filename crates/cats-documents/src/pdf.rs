//! A page canvas for the PDFs CATS renders: text in DejaVu Sans (Latin, Cyrillic, Georgian),
//! lines, boxes and SVG pictures, placed in points (1/72 inch) from the top-left corner. Pages
//! are laid out first, then written with krilla, which embeds a subset of each font used.

use std::sync::{Arc, OnceLock};

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, TextDirection};
use krilla::Document;
use krilla_svg::{SurfaceExt, SvgSettings};

/// Width of an A4 page, points.
pub const A4_WIDTH: f32 = 595.28;
/// Height of an A4 page, points.
pub const A4_HEIGHT: f32 = 841.89;

/// Why a document could not be written.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// krilla refused the document.
    #[error("the PDF could not be written: {0}")]
    Pdf(String),
    /// A picture was not valid SVG.
    #[error("a chart could not be drawn: {0}")]
    Svg(String),
    /// The spreadsheet could not be written.
    #[error("the spreadsheet could not be written: {0}")]
    Xlsx(String),
    /// The CSV could not be written.
    #[error("the CSV could not be written: {0}")]
    Csv(String),
}

/// Regular or bold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    /// DejaVu Sans.
    Regular,
    /// DejaVu Sans Bold.
    Bold,
}

/// A grey from 0 (black) to 255 (white).
pub type Grey = u8;

#[derive(Debug, Clone)]
enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        weight: Weight,
        grey: Grey,
        text: String,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<Grey>,
        stroke: Option<f32>,
    },
    Line {
        from: (f32, f32),
        to: (f32, f32),
        width: f32,
    },
    Svg {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        tree: Arc<usvg::Tree>,
    },
}

struct Fonts {
    regular: Font,
    bold: Font,
}

fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| Fonts {
        regular: Font::new(dejavu::sans::regular().into(), 0).expect("DejaVu Sans is a font"),
        bold: Font::new(dejavu::sans::bold().into(), 0).expect("DejaVu Sans Bold is a font"),
    })
}

fn face(weight: Weight) -> &'static ttf_parser::Face<'static> {
    static REGULAR: OnceLock<ttf_parser::Face<'static>> = OnceLock::new();
    static BOLD: OnceLock<ttf_parser::Face<'static>> = OnceLock::new();
    match weight {
        Weight::Regular => REGULAR.get_or_init(|| {
            ttf_parser::Face::parse(dejavu::sans::regular(), 0).expect("DejaVu Sans parses")
        }),
        Weight::Bold => BOLD.get_or_init(|| {
            ttf_parser::Face::parse(dejavu::sans::bold(), 0).expect("DejaVu Sans Bold parses")
        }),
    }
}

/// The fonts SVG pictures are drawn with (DejaVu Sans, as `font-family="DejaVu Sans"`).
fn svg_options() -> &'static usvg::Options<'static> {
    static OPTIONS: OnceLock<usvg::Options<'static>> = OnceLock::new();
    OPTIONS.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_font_data(dejavu::sans::regular().to_vec());
        db.load_font_data(dejavu::sans::bold().to_vec());
        db.set_sans_serif_family("DejaVu Sans");
        usvg::Options {
            font_family: "DejaVu Sans".into(),
            fontdb: Arc::new(db),
            ..usvg::Options::default()
        }
    })
}

/// Width of `text` at `size` points, in points.
pub fn text_width(text: &str, size: f32, weight: Weight) -> f32 {
    let f = face(weight);
    let per_unit = size / f32::from(f.units_per_em());
    text.chars()
        .map(|c| {
            f.glyph_index(c)
                .and_then(|g| f.glyph_hor_advance(g))
                .unwrap_or(f.units_per_em() / 2)
        })
        .map(|a| f32::from(a) * per_unit)
        .sum()
}

/// `text` broken into lines no wider than `width` at `size`, at spaces where it can, inside
/// words where one word is too wide.
pub fn wrap(text: &str, size: f32, weight: Weight, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split(' ') {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if text_width(&candidate, size, weight) <= width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // A word wider than the line is cut.
            for c in word.chars() {
                line.push(c);
                if text_width(&line, size, weight) > width {
                    let last = line.pop().unwrap_or(' ');
                    lines.push(std::mem::take(&mut line));
                    line.push(last);
                }
            }
        }
        lines.push(line);
    }
    lines
}

/// `text` cut to fit `width` at `size`, with an ellipsis when cut.
pub fn fit(text: &str, size: f32, weight: Weight, width: f32) -> String {
    if text_width(text, size, weight) <= width {
        return text.to_string();
    }
    let mut out = String::new();
    for c in text.chars() {
        if text_width(&format!("{out}{c}…"), size, weight) > width {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// Pages being laid out.
pub struct Canvas {
    width: f32,
    height: f32,
    pages: Vec<Vec<Op>>,
}

impl Canvas {
    /// A canvas of pages `width` × `height` points, with one empty page.
    pub fn new(width: f32, height: f32) -> Self {
        Self {
            width,
            height,
            pages: vec![Vec::new()],
        }
    }

    /// A4 portrait.
    pub fn a4() -> Self {
        Self::new(A4_WIDTH, A4_HEIGHT)
    }

    /// A4 landscape.
    pub fn a4_landscape() -> Self {
        Self::new(A4_HEIGHT, A4_WIDTH)
    }

    /// Page width, points.
    pub fn width(&self) -> f32 {
        self.width
    }

    /// Page height, points.
    pub fn height(&self) -> f32 {
        self.height
    }

    /// Pages so far.
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// The texts on page `page` (0-based) in drawing order, each with where it starts and how
    /// wide it is: (x, baseline y, width, text), points. Empty for a page that does not exist.
    /// For checking a layout.
    pub fn texts(&self, page: usize) -> Vec<(f32, f32, f32, &str)> {
        self.pages.get(page).map_or_else(Vec::new, |ops| {
            ops.iter()
                .filter_map(|op| match op {
                    Op::Text {
                        x,
                        y,
                        size,
                        weight,
                        text,
                        ..
                    } => Some((*x, *y, text_width(text, *size, *weight), text.as_str())),
                    _ => None,
                })
                .collect()
        })
    }

    /// Start a new page; what follows goes on it.
    pub fn new_page(&mut self) {
        self.pages.push(Vec::new());
    }

    fn push(&mut self, op: Op) {
        self.pages.last_mut().expect("a canvas has a page").push(op);
    }

    /// Text with its baseline at `y`, starting at `x`, in black.
    pub fn text(&mut self, x: f32, y: f32, size: f32, weight: Weight, text: &str) {
        self.text_grey(x, y, size, weight, 0, text);
    }

    /// Text in a grey.
    pub fn text_grey(&mut self, x: f32, y: f32, size: f32, weight: Weight, grey: Grey, text: &str) {
        if text.is_empty() {
            return;
        }
        self.push(Op::Text {
            x,
            y,
            size,
            weight,
            grey,
            text: text.to_string(),
        });
    }

    /// Text ending at `right`.
    pub fn text_right(&mut self, right: f32, y: f32, size: f32, weight: Weight, text: &str) {
        let w = text_width(text, size, weight);
        self.text(right - w, y, size, weight, text);
    }

    /// A filled box.
    pub fn fill(&mut self, x: f32, y: f32, w: f32, h: f32, grey: Grey) {
        self.push(Op::Rect {
            x,
            y,
            w,
            h,
            fill: Some(grey),
            stroke: None,
        });
    }

    /// A box's outline, `width` points wide.
    pub fn frame(&mut self, x: f32, y: f32, w: f32, h: f32, width: f32) {
        self.push(Op::Rect {
            x,
            y,
            w,
            h,
            fill: None,
            stroke: Some(width),
        });
    }

    /// A black line.
    pub fn line(&mut self, from: (f32, f32), to: (f32, f32), width: f32) {
        self.push(Op::Line { from, to, width });
    }

    /// An SVG picture scaled into the box at (`x`, `y`) of `w` × `h`. Text in it is drawn in
    /// DejaVu Sans. Errors: [`DocumentError::Svg`] for SVG that does not parse.
    pub fn svg(&mut self, x: f32, y: f32, w: f32, h: f32, svg: &str) -> Result<(), DocumentError> {
        let tree = usvg::Tree::from_str(svg, svg_options())
            .map_err(|e| DocumentError::Svg(e.to_string()))?;
        self.push(Op::Svg {
            x,
            y,
            w,
            h,
            tree: Arc::new(tree),
        });
        Ok(())
    }

    /// The canvas with `footer(page)` (1-based) centred at the foot of every page, `margin`
    /// points above the bottom edge, in grey.
    pub fn with_footer(mut self, footer: impl Fn(usize) -> String, margin: f32) -> Self {
        let (w, h) = (self.width, self.height);
        for (i, ops) in self.pages.iter_mut().enumerate() {
            let text = footer(i + 1);
            let x = (w - text_width(&text, 8.0, Weight::Regular)) / 2.0;
            ops.push(Op::Text {
                x,
                y: h - margin,
                size: 8.0,
                weight: Weight::Regular,
                grey: 90,
                text,
            });
        }
        self
    }

    /// Write the PDF, with `title` and `language` (BCP 47, `ru`) in its metadata.
    /// Errors: [`DocumentError::Pdf`].
    pub fn finish(self, title: &str, language: &str) -> Result<Vec<u8>, DocumentError> {
        let fonts = fonts();
        let mut doc = Document::new();
        doc.set_metadata(
            Metadata::new()
                .title(title.to_string())
                .language(language.to_string())
                .creator("CATS/ICE".to_string()),
        );
        for ops in &self.pages {
            let settings = PageSettings::from_wh(self.width, self.height)
                .ok_or_else(|| DocumentError::Pdf("page size".into()))?;
            let mut page = doc.start_page_with(settings);
            let mut s = page.surface();
            for op in ops {
                match op {
                    Op::Text {
                        x,
                        y,
                        size,
                        weight,
                        grey,
                        text,
                    } => {
                        s.set_fill(Some(fill(*grey)));
                        let font = match weight {
                            Weight::Regular => fonts.regular.clone(),
                            Weight::Bold => fonts.bold.clone(),
                        };
                        s.draw_text(
                            Point::from_xy(*x, *y),
                            font,
                            *size,
                            text,
                            false,
                            TextDirection::Auto,
                        );
                    }
                    Op::Rect {
                        x,
                        y,
                        w,
                        h,
                        fill: f,
                        stroke,
                    } => {
                        let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) else {
                            continue;
                        };
                        let mut pb = PathBuilder::new();
                        pb.push_rect(rect);
                        let Some(path) = pb.finish() else { continue };
                        s.set_fill(f.map(fill));
                        s.set_stroke(stroke.map(|width| Stroke {
                            width,
                            ..Stroke::default()
                        }));
                        s.draw_path(&path);
                        s.set_stroke(None);
                    }
                    Op::Line { from, to, width } => {
                        let mut pb = PathBuilder::new();
                        pb.move_to(from.0, from.1);
                        pb.line_to(to.0, to.1);
                        let Some(path) = pb.finish() else { continue };
                        s.set_fill(None);
                        s.set_stroke(Some(Stroke {
                            width: *width,
                            ..Stroke::default()
                        }));
                        s.draw_path(&path);
                        s.set_stroke(None);
                    }
                    Op::Svg { x, y, w, h, tree } => {
                        let Some(size) = Size::from_wh(*w, *h) else {
                            continue;
                        };
                        s.push_transform(&Transform::from_translate(*x, *y));
                        s.draw_svg(tree, size, SvgSettings::default());
                        s.pop();
                    }
                }
            }
            s.finish();
            page.finish();
        }
        doc.finish()
            .map_err(|e| DocumentError::Pdf(format!("{e:?}")))
    }
}

fn fill(grey: Grey) -> Fill {
    Fill {
        paint: rgb::Color::new(grey, grey, grey).into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_wrapping_and_fitting() {
        let w = text_width("MRN", 10.0, Weight::Regular);
        assert!(w > 15.0 && w < 30.0, "{w}");
        assert!(text_width("MRN", 10.0, Weight::Bold) > w);
        let lines = wrap("one two three four five six", 10.0, Weight::Regular, 60.0);
        assert!(lines.len() > 1);
        assert!(lines
            .iter()
            .all(|l| text_width(l, 10.0, Weight::Regular) <= 60.0));
        let cut = fit(
            "საქართველოს შემოსავლების სამსახური",
            10.0,
            Weight::Regular,
            80.0,
        );
        assert!(cut.ends_with('…'));
        assert!(text_width(&cut, 10.0, Weight::Regular) <= 80.0);
    }

    #[test]
    fn a_pdf_with_cyrillic_and_georgian_text_is_written() {
        let mut c = Canvas::a4();
        c.text(40.0, 60.0, 12.0, Weight::Bold, "Транзитная декларация");
        c.text(40.0, 80.0, 12.0, Weight::Regular, "სატრანზიტო დეკლარაცია");
        c.frame(30.0, 40.0, 300.0, 60.0, 0.5);
        c.svg(
            40.0,
            120.0,
            200.0,
            100.0,
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><rect width="50" height="80" fill="#333"/><text x="60" y="50" font-size="12">Қазақстан</text></svg>"##,
        )
        .unwrap();
        let pdf = c.finish("test", "ru").unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("DejaVu"), "the font is embedded");
    }
}
