//! A lodged declaration read back for people: the [`LAYOUT`] of the Single Transit Document
//! walked over the declaration's fields, each filled-in group as one block of labelled values
//! (offices with their names, codes with their meaning), in the order of the CC015C.

use std::collections::BTreeMap;

use cats_domain::ids::OfficeRef;
use cats_domain::reference::Catalog;

use super::i18n::Tr;
use super::movements::office_label;
use super::std_form::{rows, Field, Kind, Node, LAYOUT, ROOT};

/// One filled-in group of the declaration.
pub struct Block {
    /// Where it is: the legends from the top, e.g. `House consignment 1 › Goods item 2`.
    pub title: String,
    /// Nesting depth (0 for the top sections).
    pub level: usize,
    /// Its own fields that have a value: label and value.
    pub facts: Vec<(String, String)>,
}

struct Reader<'a> {
    t: &'a Tr,
    catalog: &'a Catalog,
    fields: &'a BTreeMap<String, String>,
    blocks: Vec<Block>,
}

impl Reader<'_> {
    fn value(&self, f: &Field, text: &str) -> String {
        match f.kind {
            Kind::Choice(codes) => codes.iter().find(|(code, _)| *code == text).map_or_else(
                || text.to_string(),
                |(code, key)| format!("{code} – {}", self.t.get(key)),
            ),
            Kind::Office => match text.parse::<OfficeRef>() {
                Ok(o) => office_label(self.catalog, self.t, &o),
                Err(_) => text.to_string(),
            },
            _ => text.to_string(),
        }
    }

    fn group(&mut self, children: &[Node], base: &str, title: String, level: usize) {
        let at = self.blocks.len();
        self.blocks.push(Block {
            title: title.clone(),
            level,
            facts: Vec::new(),
        });
        for node in children {
            match node {
                Node::Field(f) => {
                    let name = format!("{base}/{}", f.path);
                    if let Some(text) = self.fields.get(&name).filter(|v| !v.trim().is_empty()) {
                        let fact = (self.t.get(f.label), self.value(f, text));
                        self.blocks[at].facts.push(fact);
                    }
                }
                Node::Group {
                    path,
                    legend,
                    repeat,
                    children,
                } => {
                    let here = format!("{base}/{path}");
                    let legend = self.t.get(legend);
                    if repeat.is_some() {
                        for i in 1..=rows(self.fields, &here) {
                            let title = format!("{title} › {legend} {i}");
                            self.group(children, &format!("{here}[{i}]"), title, level + 1);
                        }
                    } else {
                        self.group(children, &here, format!("{title} › {legend}"), level + 1);
                    }
                }
            }
        }
    }
}

/// The filled-in groups of a declaration's `fields` (see [`super::std_form::fields_of`]), in
/// order; groups without any value of their own are left out.
pub fn blocks(t: &Tr, catalog: &Catalog, fields: &BTreeMap<String, String>) -> Vec<Block> {
    let mut reader = Reader {
        t,
        catalog,
        fields,
        blocks: Vec::new(),
    };
    for node in LAYOUT {
        if let Node::Group {
            path,
            legend,
            repeat,
            children,
        } = node
        {
            let here = format!("{ROOT}/{path}");
            let legend = t.get(legend);
            if repeat.is_some() {
                for i in 1..=rows(fields, &here) {
                    reader.group(
                        children,
                        &format!("{here}[{i}]"),
                        format!("{legend} {i}"),
                        0,
                    );
                }
            } else {
                reader.group(children, &here, legend, 0);
            }
        }
    }
    reader.blocks.retain(|b| !b.facts.is_empty());
    reader.blocks
}
