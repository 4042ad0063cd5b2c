//! Hardened NCTS P5 XML reading: quick-xml events into a small tree, then into the HMRC JSON
//! shape using the schema tables (arrays for repeatable elements, numbers for decimals and
//! integers, exact decimal text).
//!
//! Refused outright: DOCTYPE/DTD (so no entity declarations, no external entities, no entity
//! expansion), undeclared entities, invalid UTF-8 or other declared encodings, characters XML 1.0
//! forbids, documents above [`Limits`]. Reported as field errors: elements out of `xs:sequence`
//! order, repeated single elements, namespace-qualified children, attributes on children, text in
//! groups and elements in leaves.

use std::collections::HashMap;

use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;
use serde_json::{Map, Value};

use crate::schema::{ComplexType, MessageType, SimpleType, NCTS_NAMESPACE};
use crate::validate::numeric_json_text;
use crate::{FieldError, Limits};

const XSI_NAMESPACE: &[u8] = b"http://www.w3.org/2001/XMLSchema-instance";

/// Read an NCTS P5 XML message into the HMRC JSON shape `{"n1:CCnnnC": {...}}`.
///
/// Checks well-formedness, the hardening rules and limits, the root element (name `expected`,
/// namespace `http://ncts.dgtaxud.ec`) and the element order of every `xs:sequence`. It does not
/// check cardinalities or values: [`crate::read`] adds [`crate::validate`] for that.
pub fn read_xml(
    bytes: &[u8],
    expected: MessageType,
    limits: &Limits,
) -> Result<Value, Vec<FieldError>> {
    let (value, errors) = read_xml_lenient(bytes, expected, limits)?;
    if errors.is_empty() {
        Ok(value)
    } else {
        Err(errors)
    }
}

/// Like [`read_xml`], but returns the value together with the non-fatal errors (order, shape),
/// so that the caller can add the validation errors and report everything at once.
pub(crate) fn read_xml_lenient(
    bytes: &[u8],
    expected: MessageType,
    limits: &Limits,
) -> Result<(Value, Vec<FieldError>), Vec<FieldError>> {
    let mut errors = Vec::new();
    let root = parse_tree(bytes, expected, limits, &mut errors).map_err(|e| vec![e])?;
    let path = format!("/{}", expected.code());
    let mut body = Map::new();
    for (name, value) in &root.attributes {
        body.insert(format!("@{name}"), Value::String(value.clone()));
    }
    body.extend(convert_group(&root, expected.root(), &path, &mut errors));
    let mut doc = Map::new();
    doc.insert(expected.json_root_key(), Value::Object(body));
    Ok((Value::Object(doc), errors))
}

/// The namespace of a resolved name: `None` when unqualified (an unknown prefix is an error of
/// quick-xml's resolver and is reported as a namespace named after the prefix).
fn namespace_of(ns: &ResolveResult) -> Option<String> {
    match ns {
        ResolveResult::Unbound => None,
        ResolveResult::Bound(n) => Some(String::from_utf8_lossy(n.as_ref()).into_owned()),
        ResolveResult::Unknown(prefix) => Some(format!(
            "(undeclared prefix {})",
            String::from_utf8_lossy(prefix)
        )),
    }
}

/// One element of the parsed document.
struct Node {
    name: String,
    attributes: Vec<(String, String)>,
    children: Vec<Node>,
    text: String,
}

impl Node {
    fn new(name: String) -> Self {
        Node {
            name,
            attributes: Vec::new(),
            children: Vec::new(),
            text: String::new(),
        }
    }
}

fn fatal(reason: impl Into<String>) -> FieldError {
    FieldError::new("/", reason)
}

fn position(text: &str, offset: u64) -> String {
    let offset = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = offset
        - before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1)
        + 1;
    format!("line {line}, column {column}")
}

/// Characters XML 1.0 does not allow anywhere in a document.
pub(crate) fn is_forbidden_char(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
}

fn check_chars(text: &str, what: &str) -> Result<(), FieldError> {
    match text.chars().find(|&c| is_forbidden_char(c)) {
        Some(c) => Err(fatal(format!(
            "{what} contains the character U+{:04X}, which XML 1.0 forbids",
            u32::from(c)
        ))),
        None => Ok(()),
    }
}

fn utf8<'a>(bytes: &'a [u8], what: &str) -> Result<&'a str, FieldError> {
    std::str::from_utf8(bytes).map_err(|_| fatal(format!("{what} is not valid UTF-8")))
}

/// Check size and encoding, then build the element tree; the first fatal problem is returned.
fn parse_tree(
    bytes: &[u8],
    expected: MessageType,
    limits: &Limits,
    errors: &mut Vec<FieldError>,
) -> Result<Node, FieldError> {
    let text = crate::check_size_and_utf8(bytes, limits)?;
    if let Some((offset, c)) = text.char_indices().find(|&(_, c)| is_forbidden_char(c)) {
        return Err(fatal(format!(
            "the document contains the character U+{:04X} at {}, which XML 1.0 forbids",
            u32::from(c),
            position(text, offset as u64)
        )));
    }
    let mut reader = NsReader::from_str(text);
    {
        let config = reader.config_mut();
        config.expand_empty_elements = true;
        config.check_end_names = true;
        config.trim_text(false);
    }
    let mut stack: Vec<Node> = Vec::new();
    let mut root: Option<Node> = None;
    let mut count = 0usize;
    loop {
        let offset = reader.buffer_position();
        let (ns, event) = match reader.read_resolved_event() {
            Ok((ns, event)) => (namespace_of(&ns), event),
            Err(e) => {
                return Err(fatal(format!(
                    "not well-formed XML at {}: {e}",
                    position(text, reader.error_position())
                )));
            }
        };
        match event {
            Event::Decl(decl) => {
                if let Ok(version) = decl.version() {
                    if version.as_ref() != b"1.0" {
                        return Err(fatal(format!(
                            "only XML 1.0 is accepted; the XML declaration says version=\"{}\"",
                            String::from_utf8_lossy(&version)
                        )));
                    }
                }
                if let Some(Ok(encoding)) = decl.encoding() {
                    if !encoding.eq_ignore_ascii_case(b"UTF-8") {
                        return Err(fatal(format!(
                            "only UTF-8 is accepted; the XML declaration says encoding=\"{}\"",
                            String::from_utf8_lossy(&encoding)
                        )));
                    }
                }
            }
            Event::DocType(_) => {
                return Err(fatal(format!(
                    "a DOCTYPE (DTD) declaration at {} is not allowed: NCTS messages never have one, \
                     and entity declarations are refused",
                    position(text, offset)
                )));
            }
            Event::PI(_) | Event::Comment(_) => {}
            Event::Start(start) => {
                if root.is_some() {
                    return Err(fatal(format!(
                        "not well-formed XML: a second root element at {}",
                        position(text, offset)
                    )));
                }
                count += 1;
                if count > limits.max_elements {
                    return Err(fatal(format!(
                        "the message has more than {} elements, the limit",
                        limits.max_elements
                    )));
                }
                if stack.len() >= limits.max_depth {
                    return Err(fatal(format!(
                        "elements nested deeper than {} levels at {}",
                        limits.max_depth,
                        position(text, offset)
                    )));
                }
                let local = utf8(start.local_name().into_inner(), "an element name")?.to_owned();
                let mut node = Node::new(local.clone());
                let is_root = stack.is_empty();
                let path = element_path(&stack, &local);
                if is_root {
                    if local != expected.code() || ns.as_deref() != Some(NCTS_NAMESPACE) {
                        return Err(fatal(format!(
                            "the root element must be {} in the namespace {NCTS_NAMESPACE}; got {} {}",
                            expected.code(),
                            utf8(start.name().into_inner(), "the root element name")?,
                            match &ns {
                                Some(n) => format!("in the namespace {n}"),
                                None => "without a namespace".to_owned(),
                            }
                        )));
                    }
                } else if ns.is_some() {
                    errors.push(FieldError::new(&path, format!("{local} must be unqualified (no namespace prefix or default namespace)")));
                }
                for attr in start.attributes() {
                    let attr = attr.map_err(|e| {
                        fatal(format!(
                            "not well-formed XML at {}: {e}",
                            position(text, offset)
                        ))
                    })?;
                    if attr.key.as_namespace_binding().is_some() {
                        continue;
                    }
                    let (attr_ns, attr_local) = reader.resolve_attribute(attr.key);
                    let name = utf8(attr_local.into_inner(), "an attribute name")?.to_owned();
                    let value = attr.unescape_value().map_err(|e| {
                        fatal(format!(
                            "not well-formed XML at {}: {e}",
                            position(text, offset)
                        ))
                    })?;
                    check_chars(&value, "an attribute value")?;
                    match attr_ns {
                        ResolveResult::Bound(n) if n.as_ref() == XSI_NAMESPACE => {}
                        ResolveResult::Unbound if is_root => {
                            node.attributes.push((name, value.into_owned()))
                        }
                        _ => errors.push(FieldError::new(
                            &format!("{path}/@{name}"),
                            format!("unexpected attribute {name} on {local}"),
                        )),
                    }
                }
                stack.push(node);
            }
            Event::End(_) => {
                let node = stack
                    .pop()
                    .ok_or_else(|| fatal("not well-formed XML: unbalanced end tag"))?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => root = Some(node),
                }
            }
            Event::Empty(_) => {
                return Err(fatal("internal: empty elements are expanded by the reader"))
            }
            Event::Text(t) => {
                let s = t.unescape().map_err(|e| {
                    fatal(format!(
                        "not well-formed XML at {}: {e}",
                        position(text, offset)
                    ))
                })?;
                check_chars(&s, "a character reference")?;
                match stack.last_mut() {
                    Some(top) => top.text.push_str(&s),
                    None if s.trim().is_empty() => {}
                    None => {
                        return Err(fatal(format!(
                            "not well-formed XML: text outside the root element at {}",
                            position(text, offset)
                        )))
                    }
                }
            }
            Event::CData(c) => {
                let s = utf8(&c, "a CDATA section")?;
                match stack.last_mut() {
                    Some(top) => top.text.push_str(s),
                    None => {
                        return Err(fatal(format!(
                            "not well-formed XML: CDATA outside the root element at {}",
                            position(text, offset)
                        )))
                    }
                }
            }
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err(fatal(
            "not well-formed XML: the document ends before its root element is closed",
        ));
    }
    root.ok_or_else(|| fatal("not well-formed XML: the document has no root element"))
}

/// A pointer for an element being opened (without indexes: used for namespace/attribute errors).
fn element_path(stack: &[Node], local: &str) -> String {
    let mut path = String::new();
    for n in stack {
        path.push('/');
        path.push_str(&n.name);
    }
    path.push('/');
    path.push_str(local);
    path
}

fn convert_group(
    node: &Node,
    ty: &ComplexType,
    path: &str,
    errors: &mut Vec<FieldError>,
) -> Map<String, Value> {
    if !node.text.trim().is_empty() {
        errors.push(FieldError::new(
            path,
            format!(
                "{} is a group of elements and must not contain text",
                node.name
            ),
        ));
    }
    let mut map = Map::new();
    let mut last: Option<(usize, &str)> = None;
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for child in &node.children {
        let n = counts.entry(child.name.as_str()).or_default();
        *n += 1;
        let Some((pos, element)) = ty.child(&child.name) else {
            // Unknown element: keep it so that validation reports it as unexpected.
            insert_generic(&mut map, child);
            continue;
        };
        let pointer = if element.is_repeatable() {
            format!("{path}/{}[{n}]", child.name)
        } else {
            format!("{path}/{}", child.name)
        };
        match last {
            Some((last_pos, last_name)) if pos < last_pos => errors.push(FieldError::new(
                &pointer,
                format!(
                    "{} is out of order: it must come before {last_name}",
                    child.name
                ),
            )),
            _ => last = Some((pos, element.name)),
        }
        let value = match (element.simple(), element.complex()) {
            (Some(st), _) => leaf_value(child, st, &pointer, errors),
            (None, Some(ct)) => Value::Object(convert_group(child, ct, &pointer, errors)),
            (None, None) => unreachable!("an element is a leaf or a group"),
        };
        if element.is_repeatable() {
            if let Value::Array(items) = map
                .entry(element.name)
                .or_insert_with(|| Value::Array(Vec::new()))
            {
                items.push(value);
            }
        } else if map.contains_key(element.name) {
            errors.push(FieldError::new(
                &pointer,
                format!("{} may occur at most once; got it again", child.name),
            ));
        } else {
            map.insert(element.name.to_owned(), value);
        }
    }
    map
}

fn leaf_value(node: &Node, st: &SimpleType, pointer: &str, errors: &mut Vec<FieldError>) -> Value {
    if !node.children.is_empty() {
        errors.push(FieldError::new(
            pointer,
            format!(
                "{} is a simple value and must not contain elements",
                node.name
            ),
        ));
    }
    let text = st.base.normalize_whitespace(&node.text);
    if let Some(number) = numeric_json_text(st, &text) {
        if let Ok(v @ Value::Number(_)) = serde_json::from_str::<Value>(&number) {
            return v;
        }
    }
    Value::String(text)
}

/// Convert an element the schema does not know, generically (repeated names become arrays).
fn generic(node: &Node) -> Value {
    if node.children.is_empty() {
        return Value::String(node.text.clone());
    }
    let mut map = Map::new();
    for child in &node.children {
        insert_generic(&mut map, child);
    }
    Value::Object(map)
}

fn insert_generic(map: &mut Map<String, Value>, child: &Node) {
    let value = generic(child);
    match map.get_mut(&child.name) {
        None => {
            map.insert(child.name.clone(), value);
        }
        Some(Value::Array(items)) => items.push(value),
        Some(existing) => {
            let first = existing.take();
            *existing = Value::Array(vec![first, value]);
        }
    }
}
