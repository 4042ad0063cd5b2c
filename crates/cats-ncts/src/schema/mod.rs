//! The NCTS P5 message structures as static tables, generated from the official XSD 51.8.6.
//!
//! Each message type has a root [`ComplexType`]: an `xs:sequence` of [`Element`]s, each either a
//! leaf of a [`SimpleType`] (with its facets: base type, patterns, lengths, digits, range,
//! enumeration) or a group of another complex type. The tables are produced by
//! `tools/xsd2schema.py` into `generated.rs`; nothing here is written by hand except the shapes.

use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use regex::Regex;

#[rustfmt::skip]
mod generated;

pub use generated::XSD_VERSION;

/// The XML namespace of every NCTS P5 message root (`xmlns:ncts="http://ncts.dgtaxud.ec"`).
pub const NCTS_NAMESPACE: &str = "http://ncts.dgtaxud.ec";

/// The `PhaseID` attribute value CATS writes on every message root.
pub const PHASE_ID: &str = "NCTS5.0";

/// Built-in XML Schema type a [`SimpleType`] is derived from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base {
    /// `xs:token`: whitespace collapsed; a JSON string.
    Token,
    /// `xs:normalizedString`: tabs and newlines become spaces; a JSON string.
    NormalizedString,
    /// `xs:string`: whitespace preserved; a JSON string.
    String,
    /// `xs:decimal`: a JSON number, kept exact (never converted to `f64`).
    Decimal,
    /// `xs:integer`: a JSON number.
    Integer,
    /// `xs:date` (`YYYY-MM-DD` in NCTS); a JSON string.
    Date,
    /// `xs:dateTime` (`YYYY-MM-DDThh:mm:ss` in NCTS, no time zone); a JSON string.
    DateTime,
}

impl Base {
    /// True for the types written as JSON numbers in the HMRC JSON form (decimal, integer).
    pub fn is_numeric(self) -> bool {
        matches!(self, Base::Decimal | Base::Integer)
    }

    /// Apply the type's XML Schema whitespace rule (preserve, replace or collapse) to `text`.
    pub fn normalize_whitespace(self, text: &str) -> String {
        match self {
            Base::String => text.to_owned(),
            Base::NormalizedString => text.replace(['\t', '\n', '\r'], " "),
            _ => text
                .split([' ', '\t', '\n', '\r'])
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" "),
        }
    }
}

/// One `xs:pattern` of the XSDs, with its anchored translation for the `regex` crate.
#[derive(Debug)]
pub struct Pattern {
    /// The pattern as written in the XSD (XML Schema regular expression syntax).
    pub xsd: &'static str,
    /// The same pattern in `regex` crate syntax, anchored (`^(?:...)$`).
    pub regex: &'static str,
}

/// A named XSD simple type with its facets combined along the restriction chain.
#[derive(Debug)]
pub struct SimpleType {
    /// XSD type name, e.g. `GrossMassContentType01`.
    pub name: &'static str,
    /// The built-in type at the bottom of the restriction chain.
    pub base: Base,
    /// Pattern indexes: every inner slice (one derivation step) must have a matching pattern.
    pub patterns: &'static [&'static [u16]],
    /// `xs:length` in characters.
    pub length: Option<u32>,
    /// `xs:minLength` in characters.
    pub min_length: Option<u32>,
    /// `xs:maxLength` in characters.
    pub max_length: Option<u32>,
    /// `xs:totalDigits` (significant digits of a decimal).
    pub total_digits: Option<u32>,
    /// `xs:fractionDigits` (digits after the decimal point).
    pub fraction_digits: Option<u32>,
    /// `xs:minInclusive` (integers only in NCTS P5).
    pub min_inclusive: Option<i64>,
    /// `xs:maxInclusive` (integers only in NCTS P5).
    pub max_inclusive: Option<i64>,
    /// `xs:enumeration` values (code lists of `tcl.xsd`); empty when the type has none.
    pub enumeration: &'static [&'static str],
    /// Readable description used in validation messages, e.g. "a positive decimal with at
    /// most 16 digits, 6 after the point".
    pub description: &'static str,
}

/// Defaults for the generated rows (`..ST`).
pub(crate) const ST: SimpleType = SimpleType {
    name: "",
    base: Base::Token,
    patterns: &[],
    length: None,
    min_length: None,
    max_length: None,
    total_digits: None,
    fraction_digits: None,
    min_inclusive: None,
    max_inclusive: None,
    enumeration: &[],
    description: "",
};

impl SimpleType {
    /// The patterns of this type, grouped by derivation step (OR inside a group, AND across).
    pub fn pattern_groups(&self) -> impl Iterator<Item = Vec<&'static Pattern>> + '_ {
        self.patterns.iter().map(|g| {
            g.iter()
                .map(|&i| &generated::PATTERNS[usize::from(i)])
                .collect()
        })
    }
}

/// What an element contains.
#[derive(Debug, Clone, Copy)]
pub enum Content {
    /// A leaf: index into the simple type table.
    Simple(u16),
    /// A group: index into the complex type table.
    Complex(u16),
}

/// One `xs:element` of a sequence.
#[derive(Debug)]
pub struct Element {
    /// Element name as in the XML and as the JSON key, e.g. `HouseConsignment`.
    pub name: &'static str,
    /// `minOccurs`.
    pub min_occurs: u32,
    /// `maxOccurs` (`u32::MAX` for unbounded; NCTS P5 has none).
    pub max_occurs: u32,
    /// Leaf or group.
    pub content: Content,
}

impl Element {
    pub(crate) const fn leaf(
        name: &'static str,
        min_occurs: u32,
        max_occurs: u32,
        simple: u16,
    ) -> Self {
        Element {
            name,
            min_occurs,
            max_occurs,
            content: Content::Simple(simple),
        }
    }

    pub(crate) const fn group(
        name: &'static str,
        min_occurs: u32,
        max_occurs: u32,
        complex: u16,
    ) -> Self {
        Element {
            name,
            min_occurs,
            max_occurs,
            content: Content::Complex(complex),
        }
    }

    /// True when the element may occur more than once: an array in JSON, indexed in pointers.
    pub fn is_repeatable(&self) -> bool {
        self.max_occurs > 1
    }

    /// The simple type of a leaf element.
    pub fn simple(&self) -> Option<&'static SimpleType> {
        match self.content {
            Content::Simple(i) => Some(&generated::SIMPLE[usize::from(i)]),
            Content::Complex(_) => None,
        }
    }

    /// The complex type of a group element.
    pub fn complex(&self) -> Option<&'static ComplexType> {
        match self.content {
            Content::Complex(i) => Some(&generated::COMPLEX[usize::from(i)]),
            Content::Simple(_) => None,
        }
    }
}

/// An attribute of a complex type (only the message roots have one: `PhaseID`).
#[derive(Debug)]
pub struct Attribute {
    /// Attribute name; in JSON the key is `@` + name.
    pub name: &'static str,
    /// Index into the simple type table.
    pub simple: u16,
    /// `use="required"`.
    pub required: bool,
}

impl Attribute {
    /// The attribute's simple type.
    pub fn simple_type(&self) -> &'static SimpleType {
        &generated::SIMPLE[usize::from(self.simple)]
    }
}

/// A named XSD complex type: attributes and an `xs:sequence` of elements.
#[derive(Debug)]
pub struct ComplexType {
    /// XSD type name, e.g. `ConsignmentType20`.
    pub name: &'static str,
    /// Attributes (message roots only).
    pub attributes: &'static [Attribute],
    /// The sequence, in XSD order.
    pub children: &'static [Element],
}

impl ComplexType {
    /// The child element named `name` and its position in the sequence.
    pub fn child(&self, name: &str) -> Option<(usize, &'static Element)> {
        self.children
            .iter()
            .enumerate()
            .find(|(_, e)| e.name == name)
    }
}

/// One message type's table row.
#[derive(Debug)]
pub(crate) struct MessageSchema {
    pub(crate) code: &'static str,
    pub(crate) root: u16,
    pub(crate) xsd: &'static str,
    pub(crate) title: &'static str,
}

/// An NCTS P5 message type with a schema table, e.g. [`MessageType::CC015C`].
///
/// Parse one from its code with `"CC015C".parse::<MessageType>()`; the constants are generated
/// from the XSD folder (CC034C and CC037C have no XSD in 51.8.6 and are absent).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct MessageType(u16);

impl MessageType {
    fn row(self) -> &'static MessageSchema {
        &generated::MESSAGES[usize::from(self.0)]
    }

    /// The message code, e.g. `"CC015C"`.
    pub fn code(self) -> &'static str {
        self.row().code
    }

    /// The title from the XSD header, e.g. `"IE015 E_DEC_DAT: Declaration data"`.
    pub fn title(self) -> &'static str {
        self.row().title
    }

    /// The XSD file name, e.g. `"cc015c.xsd"`.
    pub fn xsd_file(self) -> &'static str {
        self.row().xsd
    }

    /// The root key of the HMRC JSON form, e.g. `"n1:CC015C"`.
    pub fn json_root_key(self) -> String {
        format!("n1:{}", self.code())
    }

    /// The root complex type (the message header group expanded in place).
    pub fn root(self) -> &'static ComplexType {
        &generated::COMPLEX[usize::from(self.row().root)]
    }

    /// Every message type with a table, in generation order.
    pub fn all() -> impl Iterator<Item = MessageType> {
        (0..generated::MESSAGES.len()).map(|i| MessageType(i as u16))
    }

    /// The message type for a code such as `"CC015C"` (case-sensitive).
    pub fn from_code(code: &str) -> Option<MessageType> {
        MessageType::all().find(|m| m.code() == code)
    }
}

impl fmt::Debug for MessageType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Display for MessageType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Error of [`MessageType::from_str`]: the code has no schema table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown NCTS P5 message type {0:?}")]
pub struct UnknownMessageType(pub String);

impl FromStr for MessageType {
    type Err = UnknownMessageType;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        MessageType::from_code(s).ok_or_else(|| UnknownMessageType(s.to_owned()))
    }
}

/// The compiled regular expression of pattern `index`; all patterns compile on first use.
pub(crate) fn pattern_regex(index: u16) -> &'static Regex {
    static COMPILED: OnceLock<Vec<Regex>> = OnceLock::new();
    let all = COMPILED.get_or_init(|| {
        generated::PATTERNS
            .iter()
            .map(|p| Regex::new(p.regex).expect("generated pattern is a valid regex"))
            .collect()
    });
    &all[usize::from(index)]
}
