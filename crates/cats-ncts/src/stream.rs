//! Streaming structural validation of NCTS P5 XML: the reader's events are checked against the
//! schema tables as they arrive, with no element tree, no JSON value and no allocation per
//! element (one stack of open groups, one vector of occurrence counters, one text buffer).
//!
//! It answers one question: is this message *proven* valid? `true` only when every rule of the
//! full path ([`crate::xml_read`] then [`crate::validate`]) holds; `false` whenever anything is
//! wrong **or unusual** (a default namespace, an attribute on a child, an entity in a group, a
//! decimal spelled `+5`). A `false` is never shown to anyone: the caller then runs the full path,
//! which finds and reports every error with its pointer, or accepts the unusual but valid message.
//! So the verdicts are the full path's by construction, provided this check is never more lenient
//! than it (tested on every sample, fixture and mutation in `tests/ncts/stream.rs`).
//!
//! The same pass can build the message in the HMRC JSON shape ([`read_proven`]), identical to
//! what the full reading makes of it, so that a valid declaration is read once.

use std::borrow::Cow;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use serde_json::{Map, Number, Value};

use crate::facets;
use crate::schema::{Base, ComplexType, Content, Element, MessageType, SimpleType, NCTS_NAMESPACE};
use crate::Limits;

const XSI_NAMESPACE: &[u8] = b"http://www.w3.org/2001/XMLSchema-instance";
const XML_NAMESPACE: &[u8] = b"http://www.w3.org/XML/1998/namespace";
const XMLNS_NAMESPACE: &[u8] = b"http://www.w3.org/2000/xmlns/";

/// An open group: its type, the sequence position of its last child, and where its occurrence
/// counters start in the shared counter vector.
struct Group {
    ty: &'static ComplexType,
    /// The element this group is (none for the root).
    element: Option<&'static Element>,
    last: usize,
    counts_at: usize,
    /// Its children so far, when building.
    map: Map<String, Value>,
}

/// An open leaf: its type, and whether it is the root's `messageType` (which must name the
/// message's own type, as in [`crate::validate`]).
struct Leaf {
    element: &'static Element,
    st: &'static SimpleType,
    is_message_type: bool,
}

/// True when `bytes` is a structurally valid `expected` message within `limits`, by the rules of
/// [`crate::read`]; false when it is not, or when only the full path can tell.
pub(crate) fn is_proven_valid(bytes: &[u8], expected: MessageType, limits: &Limits) -> bool {
    walk(bytes, expected, limits, false).is_some()
}

/// The message `{"n1:CCnnnC": {...}}` when `bytes` is proven valid (as [`is_proven_valid`]),
/// built in the same pass; exactly the value the full reading ([`crate::read`]) returns.
pub(crate) fn read_proven(bytes: &[u8], expected: MessageType, limits: &Limits) -> Option<Value> {
    walk(bytes, expected, limits, true)
}

/// The streaming check; builds the value when `build` (otherwise returns `Null` for "proven").
fn walk(bytes: &[u8], expected: MessageType, limits: &Limits, build: bool) -> Option<Value> {
    let Ok(text) = crate::check_size_and_utf8(bytes, limits) else {
        return None;
    };
    if has_forbidden_char(text.as_bytes()) {
        return None;
    }
    let mut reader = Reader::from_str(text);
    {
        let config = reader.config_mut();
        config.expand_empty_elements = true;
        config.check_end_names = true;
        config.trim_text(false);
    }
    let mut groups: Vec<Group> = Vec::with_capacity(limits.max_depth.min(16));
    let mut counts: Vec<u32> = Vec::with_capacity(256);
    let mut leaf: Option<Leaf> = None;
    let mut leaf_text = String::new();
    let mut elements = 0usize;
    let mut root_closed = false;
    let mut document: Option<Value> = None;
    loop {
        let Ok(event) = reader.read_event() else {
            return None;
        };
        match event {
            Event::Decl(decl) => {
                let version_ok = decl.version().is_ok_and(|v| v.as_ref() == b"1.0");
                let encoding_ok = match decl.encoding() {
                    None => true,
                    Some(Ok(e)) => e.eq_ignore_ascii_case(b"UTF-8"),
                    Some(Err(_)) => false,
                };
                if !version_ok || !encoding_ok {
                    return None;
                }
            }
            Event::DocType(_) | Event::Empty(_) => return None,
            Event::PI(_) | Event::Comment(_) => {}
            Event::Start(start) => {
                elements += 1;
                let depth = groups.len() + usize::from(leaf.is_some());
                if root_closed
                    || leaf.is_some()
                    || elements > limits.max_elements
                    || depth >= limits.max_depth
                {
                    return None;
                }
                let Some(group) = groups.last_mut() else {
                    let mut attributes = Map::new();
                    if !root_is_valid(&start, expected, &mut attributes) {
                        return None;
                    }
                    open_group(&mut groups, &mut counts, expected.root(), None);
                    if build {
                        groups[0].map = attributes;
                    }
                    continue;
                };
                let name = start.name().into_inner();
                if name.contains(&b':')
                    || !start.attributes_raw().iter().all(u8::is_ascii_whitespace)
                {
                    return None;
                }
                let children = group.ty.children;
                let Some(offset) = children[group.last..]
                    .iter()
                    .position(|e| e.name.as_bytes() == name)
                else {
                    return None; // unknown, or out of sequence order
                };
                let position = group.last + offset;
                let element = &children[position];
                let count = &mut counts[group.counts_at + position];
                *count += 1;
                if *count > element.max_occurs {
                    return None;
                }
                group.last = position;
                let is_root_child = groups.len() == 1;
                match element.content {
                    Content::Simple(_) => {
                        leaf = element.simple().map(|st| Leaf {
                            element,
                            st,
                            is_message_type: is_root_child && element.name == "messageType",
                        });
                        leaf_text.clear();
                    }
                    Content::Complex(_) => {
                        let ty = element
                            .complex()
                            .expect("a group element has a complex type");
                        open_group(&mut groups, &mut counts, ty, Some(element));
                    }
                }
            }
            Event::End(_) => {
                if let Some(open) = leaf.take() {
                    let text = normalized(open.st.base, &leaf_text);
                    if !leaf_is_valid(&open, &text, expected) {
                        return None;
                    }
                    if build {
                        let value = leaf_value(open.st, text)?;
                        insert(&mut groups.last_mut()?.map, open.element, value);
                    }
                    continue;
                }
                let mut group = groups.pop()?;
                let all_present = group
                    .ty
                    .children
                    .iter()
                    .zip(&counts[group.counts_at..])
                    .all(|(e, &n)| n >= e.min_occurs);
                if !all_present {
                    return None;
                }
                counts.truncate(group.counts_at);
                root_closed = groups.is_empty();
                match (groups.last_mut(), group.element) {
                    (Some(parent), Some(element)) if build => {
                        insert(&mut parent.map, element, Value::Object(group.map));
                    }
                    (None, _) if build => {
                        let mut doc = Map::new();
                        doc.insert(
                            expected.json_root_key(),
                            Value::Object(std::mem::take(&mut group.map)),
                        );
                        document = Some(Value::Object(doc));
                    }
                    _ => {}
                }
            }
            Event::Text(t) => {
                let raw: &[u8] = &t;
                if leaf.is_none() {
                    // Between elements only XML whitespace; anything else is for the full path.
                    if !raw
                        .iter()
                        .all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
                    {
                        return None;
                    }
                } else if raw.contains(&b'&') {
                    let Ok(unescaped) = t.unescape() else {
                        return None;
                    };
                    if unescaped.chars().any(crate::xml_read::is_forbidden_char) {
                        return None;
                    }
                    leaf_text.push_str(&unescaped);
                } else {
                    // The document is valid UTF-8 and events split it at markup boundaries.
                    let Ok(s) = std::str::from_utf8(raw) else {
                        return None;
                    };
                    leaf_text.push_str(s);
                }
            }
            Event::CData(c) => {
                let (Some(_), Ok(s)) = (&leaf, std::str::from_utf8(&c)) else {
                    return None;
                };
                leaf_text.push_str(s);
            }
            Event::Eof => break,
        }
    }
    if !(root_closed && groups.is_empty() && leaf.is_none()) {
        return None;
    }
    if build {
        document
    } else {
        Some(Value::Null)
    }
}

fn open_group(
    groups: &mut Vec<Group>,
    counts: &mut Vec<u32>,
    ty: &'static ComplexType,
    element: Option<&'static Element>,
) {
    let counts_at = counts.len();
    counts.resize(counts_at + ty.children.len(), 0);
    groups.push(Group {
        ty,
        element,
        last: 0,
        counts_at,
        map: Map::new(),
    });
}

/// Add a child's value to its group as the full reading does: a repeatable element's values in
/// an array, in document order.
fn insert(map: &mut Map<String, Value>, element: &Element, value: Value) {
    if element.is_repeatable() {
        if let Value::Array(items) = map
            .entry(element.name)
            .or_insert_with(|| Value::Array(Vec::new()))
        {
            items.push(value);
        }
    } else {
        map.insert(element.name.to_owned(), value);
    }
}

/// A proven leaf's value: a JSON number with its exact text for decimals and integers (proven
/// plain), a string otherwise.
fn leaf_value(st: &SimpleType, text: Cow<'_, str>) -> Option<Value> {
    if st.base.is_numeric() {
        text.parse::<Number>().ok().map(Value::Number)
    } else {
        Some(Value::String(text.into_owned()))
    }
}

/// The root: `prefix:CCnnnC` with the prefix bound on the root to the NCTS namespace, no default
/// namespace, `xsi:` attributes only under a prefix bound to XML Schema instance, every other
/// attribute one of the type's (valid, the required ones present).
fn root_is_valid(
    start: &BytesStart<'_>,
    expected: MessageType,
    attributes: &mut Map<String, Value>,
) -> bool {
    let qname = start.name();
    let Some(prefix) = qname.prefix() else {
        return false;
    };
    if qname.local_name().into_inner() != expected.code().as_bytes() {
        return false;
    }
    let ty = expected.root();
    let mut bound_to_ncts = false;
    let mut xsi_prefix: Option<Vec<u8>> = None;
    let mut prefixed: Vec<Vec<u8>> = Vec::new();
    let mut seen = 0u64;
    for attr in start.attributes() {
        let Ok(attr) = attr else {
            return false;
        };
        let key = attr.key.into_inner();
        let Ok(value) = attr.unescape_value() else {
            return false;
        };
        if value.chars().any(crate::xml_read::is_forbidden_char) {
            return false;
        }
        if key == b"xmlns" {
            return false;
        }
        if let Some(declared) = key.strip_prefix(b"xmlns:") {
            // As the full reading's namespace resolver: the raw (unescaped) value, and no
            // binding of the reserved prefixes or namespaces (it refuses those documents).
            let raw: &[u8] = &attr.value;
            if matches!(declared, b"xml" | b"xmlns")
                || raw == XML_NAMESPACE
                || raw == XMLNS_NAMESPACE
            {
                return false;
            }
            if declared == prefix.into_inner() {
                bound_to_ncts = raw == NCTS_NAMESPACE.as_bytes();
            }
            if raw == XSI_NAMESPACE {
                xsi_prefix = Some(declared.to_vec());
            }
            continue;
        }
        if let Some(colon) = key.iter().position(|&b| b == b':') {
            prefixed.push(key[..colon].to_vec());
            continue;
        }
        let Some((index, attribute)) = ty
            .attributes
            .iter()
            .enumerate()
            .find(|(_, a)| a.name.as_bytes() == key)
        else {
            return false;
        };
        let st = attribute.simple_type();
        if st.base.is_numeric() || !facets::is_valid(st, &normalized(st.base, &value)) {
            return false;
        }
        seen |= 1 << index.min(63);
        attributes.insert(
            format!("@{}", attribute.name),
            Value::String(value.into_owned()),
        );
    }
    let all_required = ty
        .attributes
        .iter()
        .enumerate()
        .all(|(i, a)| !a.required || seen & (1 << i) != 0);
    bound_to_ncts
        && all_required
        && prefixed
            .iter()
            .all(|p| xsi_prefix.as_deref() == Some(p.as_slice()))
}

fn leaf_is_valid(leaf: &Leaf, text: &str, expected: MessageType) -> bool {
    let st = leaf.st;
    facets::is_valid(st, text)
        && (!st.base.is_numeric() || facets::is_plain_json_number(text))
        && (!leaf.is_message_type || text.trim() == expected.code())
}

/// [`Base::normalize_whitespace`] without a copy when the text is already normal (the usual
/// case).
pub(crate) fn normalized(base: Base, text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let already = match base {
        Base::String => true,
        Base::NormalizedString => !bytes.iter().any(|b| matches!(b, b'\t' | b'\n' | b'\r')),
        _ => {
            !bytes.iter().any(|b| matches!(b, b'\t' | b'\n' | b'\r'))
                && bytes.first() != Some(&b' ')
                && bytes.last() != Some(&b' ')
                && !bytes.windows(2).any(|w| w == b"  ")
        }
    };
    if already {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(base.normalize_whitespace(text))
    }
}

/// Characters XML 1.0 forbids, found on the bytes: C0 controls other than tab, line feed and
/// carriage return, and U+FFFE, U+FFFF (UTF-8 `EF BF BE`, `EF BF BF`).
fn has_forbidden_char(bytes: &[u8]) -> bool {
    bytes.iter().enumerate().any(|(i, &b)| {
        (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'))
            || (b == 0xEF
                && bytes.get(i + 1) == Some(&0xBF)
                && matches!(bytes.get(i + 2), Some(0xBE | 0xBF)))
    })
}
