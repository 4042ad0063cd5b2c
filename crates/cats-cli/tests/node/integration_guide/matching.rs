//! How a documented answer is compared with the node's: placeholders (`{{name}}` captured the
//! first time and equal afterwards, `{{any …}}` anything), JSON as a subset (every documented
//! field present with its value; an array as long as documented unless it ends with `"…"`), XML
//! as an ordered subset of elements (root, then every documented element with its text), other
//! bodies as a prefix.

use std::collections::BTreeMap;

use serde_json::Value;

/// Values captured from answers, by placeholder name.
pub type Binds = BTreeMap<String, Value>;

/// The text of a captured value as it goes into a request or a string.
pub fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A piece of a template.
#[derive(Debug, Clone, PartialEq)]
enum Seg {
    Lit(String),
    /// A placeholder's name (`None`: `{{any …}}`, matches anything and captures nothing).
    Hole(Option<String>),
}

/// The name inside `{{…}}`: `None` for a wildcard (`any`, `any time`, `…`).
fn hole(name: &str) -> Option<String> {
    let name = name.trim();
    (!(name == "any" || name.starts_with("any ") || name == "…")).then(|| name.to_string())
}

fn segments(template: &str) -> Vec<Seg> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start..].find("}}") else {
            break;
        };
        if start > 0 {
            out.push(Seg::Lit(rest[..start].to_string()));
        }
        out.push(Seg::Hole(hole(&rest[start + 2..start + len])));
        rest = &rest[start + len + 2..];
    }
    if !rest.is_empty() {
        out.push(Seg::Lit(rest.to_string()));
    }
    out
}

/// Whether `template` is exactly one placeholder, and which.
fn only_hole(template: &str) -> Option<Option<String>> {
    match segments(template).as_slice() {
        [Seg::Hole(h)] => Some(h.clone()),
        _ => None,
    }
}

fn match_segs(segs: &[Seg], s: &str, binds: &mut Binds) -> bool {
    let Some((first, rest)) = segs.split_first() else {
        return s.is_empty();
    };
    match first {
        Seg::Lit(l) => s.starts_with(l.as_str()) && match_segs(rest, &s[l.len()..], binds),
        Seg::Hole(Some(name)) if binds.contains_key(name) || day(name).is_some() => {
            let bound = binds
                .get(name)
                .map(text_of)
                .or_else(|| day(name))
                .unwrap_or_default();
            s.starts_with(bound.as_str()) && match_segs(rest, &s[bound.len()..], binds)
        }
        Seg::Hole(name) => {
            let mut ends: Vec<usize> = s.char_indices().map(|(i, _)| i).skip(1).collect();
            ends.push(s.len());
            // A placeholder stands for at least one character.
            for end in ends {
                let mut tried = binds.clone();
                if let Some(n) = name {
                    tried.insert(n.clone(), Value::String(s[..end].to_string()));
                }
                if match_segs(rest, &s[end..], &mut tried) {
                    *binds = tried;
                    return true;
                }
            }
            false
        }
    }
}

/// Whether `actual` is `template` with its placeholders filled (capturing new ones).
pub fn match_text(template: &str, actual: &str, binds: &mut Binds) -> bool {
    match_segs(&segments(template), actual, binds)
}

/// Whether `actual` starts with `template` filled (a trailing placeholder takes the rest).
pub fn match_prefix(template: &str, actual: &str, binds: &mut Binds) -> bool {
    let mut segs = segments(template);
    if !matches!(segs.last(), Some(Seg::Hole(_))) {
        segs.push(Seg::Hole(None));
    }
    match_segs(&segs, actual, binds) || actual == template
}

/// `{{today}}`, `{{today+N}}`: today's date (UTC), or N days ahead.
fn day(name: &str) -> Option<String> {
    let days: i64 = match name.strip_prefix("today")? {
        "" => 0,
        n => n.strip_prefix('+')?.parse().ok()?,
    };
    Some((chrono::Utc::now().date_naive() + chrono::Duration::days(days)).to_string())
}

/// Fill the placeholders of a request: captured values and `fixed` ones (tokens, receivers).
/// Errors: a placeholder nothing gave a value to.
pub fn fill(template: &str, binds: &Binds) -> Result<String, String> {
    let mut out = String::new();
    for seg in segments(template) {
        match seg {
            Seg::Lit(l) => out.push_str(&l),
            Seg::Hole(Some(name)) => match (binds.get(&name), day(&name)) {
                (Some(v), _) => out.push_str(&text_of(v)),
                (None, Some(d)) => out.push_str(&d),
                (None, None) => return Err(format!("{{{{{name}}}}} has no value yet")),
            },
            Seg::Hole(None) => return Err("a request cannot hold {{any}}".into()),
        }
    }
    Ok(out)
}

/// Documented JSON with bare placeholders (`"count": {{any}}`) quoted, so that it parses.
pub fn quote_bare_placeholders(doc: &str) -> String {
    let mut out = String::with_capacity(doc.len());
    let mut in_string = false;
    let mut escaped = false;
    let mut rest = doc;
    while let Some(c) = rest.chars().next() {
        if !in_string && rest.starts_with("{{") {
            if let Some(end) = rest.find("}}") {
                out.push('"');
                out.push_str(&rest[..end + 2]);
                out.push('"');
                rest = &rest[end + 2..];
                continue;
            }
        }
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Compare documented JSON with the node's, at `path` (for the message); the first difference.
pub fn match_json(
    doc: &Value,
    actual: &Value,
    path: &str,
    binds: &mut Binds,
) -> Result<(), String> {
    match (doc, actual) {
        (Value::String(t), a) if only_hole(t).is_some() => match only_hole(t).unwrap() {
            None => Ok(()),
            Some(name) if day(&name).is_some() && !binds.contains_key(&name) => match a {
                Value::String(a) if Some(a) == day(&name).as_ref() => Ok(()),
                a => Err(format!(
                    "{path}: documented {{{{{name}}}}}, the node says {a}"
                )),
            },
            Some(name) => match binds.get(&name) {
                None => {
                    binds.insert(name, a.clone());
                    Ok(())
                }
                Some(b) if b == a || text_of(b) == text_of(a) => Ok(()),
                Some(b) => Err(format!(
                    "{path}: {{{{{name}}}}} is {b} but the node says {a}"
                )),
            },
        },
        (Value::String(t), Value::String(a)) => {
            if match_text(t, a, binds) {
                Ok(())
            } else {
                Err(format!("{path}: documented {t:?}, the node says {a:?}"))
            }
        }
        (Value::Object(d), Value::Object(a)) => {
            for (k, dv) in d {
                let Some(av) = a.get(k) else {
                    return Err(format!("{path}.{k}: documented but missing"));
                };
                match_json(dv, av, &format!("{path}.{k}"), binds)?;
            }
            Ok(())
        }
        (Value::Array(d), Value::Array(a)) => {
            let open = d.last() == Some(&Value::String("…".into()));
            let d = if open { &d[..d.len() - 1] } else { &d[..] };
            if a.len() < d.len() || (!open && a.len() != d.len()) {
                return Err(format!(
                    "{path}: documented {} element(s){}, the node has {}",
                    d.len(),
                    if open { " and more" } else { "" },
                    a.len()
                ));
            }
            for (i, (dv, av)) in d.iter().zip(a).enumerate() {
                match_json(dv, av, &format!("{path}[{i}]"), binds)?;
            }
            Ok(())
        }
        (d, a) if d == a => Ok(()),
        (Value::Number(d), Value::Number(a)) if d.as_f64() == a.as_f64() => Ok(()),
        (d, a) => Err(format!("{path}: documented {d}, the node says {a}")),
    }
}

/// An XML element: name (with prefix), child elements, text (trimmed).
#[derive(Debug, Clone, Default)]
pub struct Element {
    pub name: String,
    pub children: Vec<Element>,
    pub text: String,
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// Parse the XML the node writes and the guide shows (no DTD, no CDATA): the root element.
pub fn parse_xml(text: &str) -> Result<Element, String> {
    let mut stack: Vec<Element> = vec![Element::default()];
    let mut rest = text;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            stack.last_mut().unwrap().text.push_str(&unescape(rest));
            break;
        };
        stack
            .last_mut()
            .unwrap()
            .text
            .push_str(&unescape(&rest[..lt]));
        rest = &rest[lt..];
        let (close, skip) = if rest.starts_with("<!--") {
            ("-->", true)
        } else if rest.starts_with("<?") {
            ("?>", true)
        } else {
            (">", false)
        };
        let end = rest.find(close).ok_or("an unclosed tag")? + close.len();
        let tag = &rest[1..end - 1];
        rest = &rest[end..];
        if skip {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            let done = stack.pop().ok_or("too many end tags")?;
            if done.name != name.trim() {
                return Err(format!("</{}> closes <{}>", name.trim(), done.name));
            }
            let parent = stack.last_mut().ok_or("too many end tags")?;
            parent.children.push(Element {
                text: done.text.trim().to_string(),
                ..done
            });
            continue;
        }
        let empty = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let name = tag
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string();
        if empty {
            stack.last_mut().unwrap().children.push(Element {
                name,
                ..Element::default()
            });
        } else {
            stack.push(Element {
                name,
                ..Element::default()
            });
        }
    }
    let mut doc = stack.pop().ok_or("no document")?;
    if !stack.is_empty() || doc.children.len() != 1 {
        return Err("not one root element, or an element left open".into());
    }
    Ok(doc.children.remove(0))
}

/// Compare a documented XML element with the node's: same name; the documented text, or every
/// documented child in order among the node's children.
pub fn match_xml(
    doc: &Element,
    actual: &Element,
    path: &str,
    binds: &mut Binds,
) -> Result<(), String> {
    let path = format!("{path}/{}", doc.name);
    if doc.name != actual.name {
        return Err(format!("{path}: the node has <{}>", actual.name));
    }
    if doc.children.is_empty() {
        if doc.text.is_empty() || match_text(&doc.text, &actual.text, binds) {
            return Ok(());
        }
        return Err(format!(
            "{path}: documented {:?}, the node says {:?}",
            doc.text, actual.text
        ));
    }
    let mut from = 0;
    for child in &doc.children {
        let mut found = None;
        let mut why = format!("{path}/{}: documented but missing", child.name);
        for (i, candidate) in actual.children.iter().enumerate().skip(from) {
            if candidate.name != child.name {
                continue;
            }
            let mut tried = binds.clone();
            match match_xml(child, candidate, &path, &mut tried) {
                Ok(()) => {
                    *binds = tried;
                    found = Some(i);
                    break;
                }
                Err(e) => why = e,
            }
        }
        from = found.ok_or(why)? + 1;
    }
    Ok(())
}

#[test]
fn templates_capture_and_compare() {
    let mut b = Binds::new();
    assert!(match_text("TAD-{{mrn}}.pdf", "TAD-25KZ1.pdf", &mut b));
    assert_eq!(b["mrn"], "25KZ1");
    assert!(!match_text("TAD-{{mrn}}.pdf", "TAD-25KZ2.pdf", &mut b));
    assert!(match_text("t={{any}},v1={{any hex}}", "t=1,v1=ab", &mut b));
    assert!(match_prefix("%PDF-", "%PDF-1.7 …", &mut b));
    let doc: Value = serde_json::from_str(&quote_bare_placeholders(
        r#"{"n": {{count}}, "a": ["x", "…"], "s": "{{x}}"}"#,
    ))
    .unwrap();
    let mut b = Binds::new();
    match_json(
        &doc,
        &serde_json::json!({"n": 3, "a": ["x", "y"], "s": "q", "extra": 1}),
        "$",
        &mut b,
    )
    .unwrap();
    assert_eq!(
        (b["count"].clone(), b["x"].clone()),
        (serde_json::json!(3), serde_json::json!("q"))
    );
    assert!(match_json(
        &doc,
        &serde_json::json!({"n": 4, "a": ["x"], "s": "q"}),
        "$",
        &mut b
    )
    .is_err());
    let d = parse_xml("<a:R x='1'><!-- c --><B>{{v}}</B><C/><B>2</B></a:R>").unwrap();
    let a = parse_xml("<?xml version=\"1.0\"?><a:R><B>1</B><D>z</D><C/><B>2</B></a:R>").unwrap();
    let mut b = Binds::new();
    match_xml(&d, &a, "", &mut b).unwrap();
    assert_eq!(b["v"], "1");
}
