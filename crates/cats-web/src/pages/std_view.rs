//! What the Single Transit Document page shows: the [`std_form::LAYOUT`] walked with the fields
//! typed so far, as a flat list of parts for the template (group openings and closings, fields,
//! "add" and "remove" buttons), each error beside the field or row it concerns, and the lists
//! that office, country and currency fields search.

use std::collections::{BTreeMap, HashSet};

use cats_domain::reference::Catalog;

use super::i18n::Tr;
use super::std_form::{rows, Kind, Node, ROOT};

/// One error of a declaration: the CC015C pointer, and what is wrong (with the rule id when a
/// business rule says so).
#[derive(Debug, Clone)]
pub struct FormError {
    /// Pointer of the element, e.g. `/CC015C/Consignment/grossMass`.
    pub pointer: String,
    /// What is wrong, e.g. `R0021: …`.
    pub message: String,
}

/// One field as shown.
#[derive(Debug)]
pub struct FieldView {
    /// The form field's name: the element's pointer.
    pub name: String,
    /// HTML id.
    pub id: String,
    /// Label.
    pub label: String,
    /// Hint under the label.
    pub hint: Option<String>,
    /// Value typed so far.
    pub value: String,
    /// `text`, `date`, `datetime-local`, `select` or `fixed`.
    pub input: &'static str,
    /// `inputmode` for number fields.
    pub inputmode: &'static str,
    /// Options of a select: code, label, selected.
    pub options: Vec<(String, String, bool)>,
    /// Id of the datalist it searches (`offices`, `countries`, `currencies`), or empty.
    pub list: &'static str,
    /// Errors about it.
    pub errors: Vec<String>,
}

/// One part of the page, in order.
#[derive(Debug)]
pub enum Part {
    /// A group begins (a fieldset with its legend).
    Open {
        /// HTML id (the group's pointer made an id).
        id: String,
        /// Legend, with the row number for a repeated group.
        legend: String,
        /// Nesting depth (0 for the top sections).
        level: usize,
        /// The row's pointer, for its "remove" button (repeated groups only).
        remove: Option<String>,
        /// Errors about the group itself.
        errors: Vec<String>,
    },
    /// A group ends.
    Close,
    /// A field.
    Field(FieldView),
    /// The "add a row" button of a repeated group.
    Add {
        /// The group's pointer (without index) and its first field, `GROUP|FIELD`.
        op: String,
        /// Button text.
        label: String,
    },
}

/// The whole form as shown.
#[derive(Debug)]
pub struct FormView {
    /// The parts in order.
    pub parts: Vec<Part>,
    /// Fields kept but not shown (elements the form has no field for, e.g. from an amended
    /// declaration sent by software): name and value.
    pub hidden: Vec<(String, String)>,
    /// Every error, for the summary at the top: the id it links to and the message.
    pub summary: Vec<(String, String)>,
}

/// The HTML id of a pointer.
pub fn html_id(pointer: &str) -> String {
    let mut id = String::from("f");
    for c in pointer.chars() {
        id.push(if c.is_ascii_alphanumeric() { c } else { '-' });
    }
    id
}

/// The first field path of a group's row (for its "add" button).
fn first_field(children: &[Node]) -> String {
    match children.first() {
        Some(Node::Field(f)) => f.path.to_string(),
        Some(Node::Group {
            path,
            repeat,
            children,
            ..
        }) => {
            let index = if repeat.is_some() { "[1]" } else { "" };
            format!("{path}{index}/{}", first_field(children))
        }
        None => String::new(),
    }
}

struct Walk<'a> {
    t: &'a Tr,
    fields: &'a BTreeMap<String, String>,
    holder: &'a str,
    parts: Vec<Part>,
    shown: HashSet<String>,
}

impl Walk<'_> {
    fn nodes(&mut self, nodes: &[Node], base: &str, level: usize) {
        for node in nodes {
            match node {
                Node::Field(f) => self.field(f, base),
                Node::Group {
                    path,
                    legend,
                    repeat: None,
                    children,
                } => {
                    let here = format!("{base}/{path}");
                    self.parts.push(Part::Open {
                        id: html_id(&here),
                        legend: self.t.get(legend),
                        level,
                        remove: None,
                        errors: Vec::new(),
                    });
                    self.shown.insert(here.clone());
                    self.nodes(children, &here, level + 1);
                    self.parts.push(Part::Close);
                }
                Node::Group {
                    path,
                    legend,
                    repeat: Some(add),
                    children,
                } => {
                    let group = format!("{base}/{path}");
                    let n = rows(self.fields, &group).max(1);
                    for i in 1..=n {
                        let row = format!("{group}[{i}]");
                        self.parts.push(Part::Open {
                            id: html_id(&row),
                            legend: format!("{} {i}", self.t.get(legend)),
                            level,
                            remove: Some(row.clone()),
                            errors: Vec::new(),
                        });
                        self.shown.insert(row.clone());
                        self.nodes(children, &row, level + 1);
                        self.parts.push(Part::Close);
                    }
                    self.parts.push(Part::Add {
                        op: format!("{group}|{}", first_field(children)),
                        label: self.t.get(add),
                    });
                }
            }
        }
    }

    fn field(&mut self, f: &super::std_form::Field, base: &str) {
        let name = format!("{base}/{}", f.path);
        let mut value = self.fields.get(&name).cloned().unwrap_or_default();
        let (input, inputmode, list) = match f.kind {
            Kind::Text => ("text", "", ""),
            Kind::Decimal => ("text", "decimal", ""),
            Kind::Whole => ("text", "numeric", ""),
            Kind::Day => ("date", "", ""),
            Kind::DayTime => ("datetime-local", "", ""),
            Kind::Choice(_) => ("select", "", ""),
            Kind::Office => ("text", "", "offices"),
            Kind::Country => ("text", "", "countries"),
            Kind::Currency => ("text", "", "currencies"),
            Kind::Fixed => ("fixed", "", ""),
        };
        if f.kind == Kind::Fixed {
            value = self.holder.to_string();
        }
        let options = match f.kind {
            Kind::Choice(codes) => codes
                .iter()
                .map(|(code, key)| {
                    let label = if code.is_empty() {
                        self.t.get(key)
                    } else {
                        format!("{code} – {}", self.t.get(key))
                    };
                    (code.to_string(), label, *code == value)
                })
                .collect(),
            _ => Vec::new(),
        };
        self.shown.insert(name.clone());
        self.parts.push(Part::Field(FieldView {
            id: html_id(&name),
            name,
            label: self.t.get(f.label),
            hint: f.hint.map(|h| self.t.get(h)),
            value,
            input,
            inputmode,
            options,
            list,
            errors: Vec::new(),
        }));
    }

    /// Put `message` beside the field named `pointer`, else on the nearest group or field above
    /// it; the id it went to, or `None` when nothing on the page is near.
    fn attach(&mut self, pointer: &str, message: &str) -> Option<String> {
        let mut p = pointer;
        loop {
            for part in self.parts.iter_mut() {
                match part {
                    Part::Field(f) if f.name == p => {
                        f.errors.push(message.to_string());
                        return Some(f.id.clone());
                    }
                    Part::Open { id, errors, .. } if *id == html_id(p) => {
                        errors.push(message.to_string());
                        return Some(id.clone());
                    }
                    _ => {}
                }
            }
            match p.rsplit_once('/') {
                Some((up, _)) if up.len() > ROOT.len() => p = up,
                _ => return None,
            }
        }
    }
}

/// The form of `fields` with `errors` beside what they concern. `holder` is the identification
/// number of the signed-in trader's company, shown as the holder of the transit procedure.
pub fn form_view(
    t: &Tr,
    fields: &BTreeMap<String, String>,
    errors: &[FormError],
    holder: &str,
) -> FormView {
    let mut walk = Walk {
        t,
        fields,
        holder,
        parts: Vec::new(),
        shown: HashSet::new(),
    };
    walk.nodes(super::std_form::LAYOUT, ROOT, 0);
    let mut summary = Vec::new();
    for e in errors {
        let target = walk.attach(&e.pointer, &e.message);
        let link = target.unwrap_or_else(|| "errors".into());
        summary.push((link, format!("{} — {}", e.pointer, e.message)));
    }
    let hidden = fields
        .iter()
        .filter(|(k, v)| !walk.shown.contains(*k) && !v.is_empty() && !counted(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    FormView {
        parts: walk.parts,
        hidden,
        summary,
    }
}

/// Whether CATS counts this element itself when lodging (row numbers, goods item numbers, the
/// number of seals), so that the form need not carry it.
fn counted(pointer: &str) -> bool {
    let last = pointer.rsplit('/').next().unwrap_or_default();
    let parent = pointer
        .rsplit('/')
        .nth(1)
        .unwrap_or_default()
        .split('[')
        .next()
        .unwrap_or_default();
    matches!(last, "sequenceNumber" | "numberOfSeals")
        || (parent == "ConsignmentItem"
            && matches!(last, "goodsItemNumber" | "declarationGoodsItemNumber"))
}

/// The options of the office, country and currency lists: value and label, in the user's
/// language where the reference data has it.
pub struct Lists {
    /// Offices: reference number and "name (country)".
    pub offices: Vec<(String, String)>,
    /// Countries: ISO 3166 code and name.
    pub countries: Vec<(String, String)>,
    /// Currencies: ISO 4217 code and name.
    pub currencies: Vec<(String, String)>,
}

/// The lists the form's searchable fields offer.
pub fn lists(catalog: &Catalog, t: &Tr) -> Lists {
    let lang = t.lang();
    let mut offices: Vec<(String, String)> = catalog
        .offices
        .values()
        .map(|o| {
            let name = o.names.get(lang).map_or_else(|| o.name(), String::as_str);
            (o.reference.to_string(), format!("{name} ({})", o.country))
        })
        .collect();
    offices.sort();
    let mut countries: Vec<(String, String)> = catalog
        .countries
        .values()
        .map(|c| {
            let name = c
                .names
                .get(lang)
                .or_else(|| c.names.get("en"))
                .cloned()
                .unwrap_or_default();
            (c.code.to_string(), name)
        })
        .collect();
    countries.sort();
    let mut currencies: Vec<(String, String)> = catalog
        .currencies
        .values()
        .map(|c| (c.code.to_string(), c.name.clone()))
        .collect();
    currencies.sort();
    Lists {
        offices,
        countries,
        currencies,
    }
}
