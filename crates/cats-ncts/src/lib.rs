//! NCTS Phase 5 messages for CATS/ICE: hardened XML and JSON reading, structural validation
//! against the official XSD 51.8.6 structure, XML and JSON writing, and the typed CC015C.
//!
//! One path for both formats: a message is read into a [`serde_json::Value`] in the HMRC CTC
//! Traders API JSON shape (`{"n1:CC015C": {"@PhaseID": "NCTS5.0", "messageSender": ..., ...}}`:
//! child keys are the XML element names, repeatable elements are always arrays, decimals and
//! integers are JSON numbers with their exact text), validated against the schema tables of
//! [`schema`], and written back as XML or JSON from that value.
//!
//! ```no_run
//! use cats_ncts::{read, write, Format, Limits, MessageType};
//! # let bytes: &[u8] = b"";
//! let value = read(bytes, Format::Xml, MessageType::CC015C, &Limits::default())?;
//! let json = write(MessageType::CC015C, &value, Format::Json).expect("valid value");
//! # Ok::<(), Vec<cats_ncts::FieldError>>(())
//! ```

#![warn(missing_docs)]

use serde_json::Value;

mod facets;
mod guarantee_query;
pub mod schema;
mod stream;
mod validate;
mod write;
mod xml_read;

pub use cats_domain::declaration::Cc015c;
pub use guarantee_query::{
    read_cc034c, write_xml_unchecked, AccessCodeGroup, Cc034c, GuaranteeQuery, QueriedGuarantee,
    Requester,
};
pub use schema::{MessageType, UnknownMessageType};
pub use validate::validate;
pub use write::{write_json, write_xml, WriteError};
pub use xml_read::read_xml;

/// The two serialisations of an NCTS P5 message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// NCTS P5 XML: root `<ncts:CCnnnC PhaseID="NCTS5.0" xmlns:ncts="http://ncts.dgtaxud.ec">`.
    Xml,
    /// The HMRC CTC Traders API JSON: root key `"n1:CCnnnC"`.
    Json,
}

/// Limits applied while reading a message, before anything else is done with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Maximum size of the body in bytes (default 4 MiB).
    pub max_bytes: usize,
    /// Maximum element nesting depth, the root being depth 1 (default 32; CC015C needs 7).
    pub max_depth: usize,
    /// Maximum number of elements (XML) or of objects and leaves (JSON) (default 200,000).
    pub max_elements: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 4 * 1024 * 1024,
            max_depth: 32,
            max_elements: 200_000,
        }
    }
}

/// One error found in a message, in the shape NCTS reports functional errors (errorPointer and
/// a reason); a rejection (CC056C) lists all of them.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, thiserror::Error,
)]
#[error("{pointer}: {reason}")]
pub struct FieldError {
    /// XPath-like pointer, 1-based on repeatable elements, e.g.
    /// `/CC015C/Consignment/HouseConsignment[1]/ConsignmentItem[2]/Commodity/descriptionOfGoods`;
    /// `/` for problems with the document as a whole (not XML, not JSON, too large, DOCTYPE...).
    pub pointer: String,
    /// Readable reason, e.g. `grossMass must be a positive decimal with at most 16 digits, 6
    /// after the point; got -4`.
    pub reason: String,
}

impl FieldError {
    /// A field error at `pointer`.
    pub fn new(pointer: &str, reason: impl Into<String>) -> Self {
        FieldError {
            pointer: pointer.to_owned(),
            reason: reason.into(),
        }
    }
}

/// Check the size limit and UTF-8, and drop a UTF-8 byte order mark.
pub(crate) fn check_size_and_utf8<'a>(
    bytes: &'a [u8],
    limits: &Limits,
) -> Result<&'a str, FieldError> {
    if bytes.len() > limits.max_bytes {
        return Err(FieldError::new(
            "/",
            format!(
                "the message is {} bytes; the limit is {} bytes",
                bytes.len(),
                limits.max_bytes
            ),
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        FieldError::new(
            "/",
            format!(
                "the message is not valid UTF-8 (at byte {})",
                e.valid_up_to()
            ),
        )
    })?;
    Ok(text.strip_prefix('\u{FEFF}').unwrap_or(text))
}

/// The only key of `value` if it is an object with exactly one key that looks like a root
/// (`n1:...`).
pub(crate) fn single_root_key(value: &Value) -> Option<&str> {
    match value {
        Value::Object(map) if map.len() == 1 => map
            .keys()
            .next()
            .map(String::as_str)
            .filter(|k| k.starts_with("n1:")),
        _ => None,
    }
}

/// The body of a message value: the document `{"n1:CCnnnC": body}` is unwrapped (its root key
/// must be `message_type`'s), any other value is taken as the body itself.
pub(crate) fn body(message_type: MessageType, value: &Value) -> Result<&Value, FieldError> {
    match single_root_key(value) {
        Some(key) if key == message_type.json_root_key() => Ok(&value[key]),
        Some(key) => Err(FieldError::new(
            "/",
            format!(
                "the root key must be \"{}\"; got \"{key}\"",
                message_type.json_root_key()
            ),
        )),
        None => Ok(value),
    }
}

/// Read a JSON message in the HMRC shape: size limit, UTF-8, well-formed JSON, exactly one root
/// key equal to `n1:CCnnnC` of `expected`, nesting depth and element count within `limits`.
///
/// Leaf types are aligned with the schema where the text is unchanged: a decimal or integer
/// given as a JSON string (`"sequenceNumber": "1"`, as in HMRC's own samples) becomes a number,
/// a code given as a number (`"security": 0`) becomes a string. Returns the whole document; it
/// does not validate the structure ([`read`] does).
pub fn read_json(
    bytes: &[u8],
    expected: MessageType,
    limits: &Limits,
) -> Result<Value, Vec<FieldError>> {
    let text = check_size_and_utf8(bytes, limits).map_err(|e| vec![e])?;
    let value: Value = serde_json::from_str(text).map_err(|e| {
        vec![FieldError::new(
            "/",
            format!("the message is not well-formed JSON: {e}"),
        )]
    })?;
    let root_key = expected.json_root_key();
    let ok = matches!(&value, Value::Object(map) if map.len() == 1 && map.contains_key(&root_key));
    if !ok {
        let found = match &value {
            Value::Object(map) => map
                .keys()
                .map(|k| format!("\"{k}\""))
                .collect::<Vec<_>>()
                .join(", "),
            _ => "no object".to_owned(),
        };
        return Err(vec![FieldError::new(
            "/",
            format!(
                "the message must be an object with the single key \"{root_key}\"; got {found}"
            ),
        )]);
    }
    let mut count = 0usize;
    check_json_shape(&value[&root_key], 1, limits, &mut count).map_err(|e| vec![e])?;
    let mut value = value;
    if let Some(Value::Object(body)) = value.get_mut(&root_key) {
        validate::coerce_leaf_types(expected.root(), body);
    }
    Ok(value)
}

fn check_json_shape(
    value: &Value,
    depth: usize,
    limits: &Limits,
    count: &mut usize,
) -> Result<(), FieldError> {
    match value {
        Value::Array(items) => items
            .iter()
            .try_for_each(|v| check_json_shape(v, depth, limits, count)),
        Value::Object(map) => {
            if depth > limits.max_depth {
                return Err(FieldError::new(
                    "/",
                    format!("objects nested deeper than {} levels", limits.max_depth),
                ));
            }
            bump(count, limits)?;
            map.values()
                .try_for_each(|v| check_json_shape(v, depth + 1, limits, count))
        }
        _ => bump(count, limits),
    }
}

fn bump(count: &mut usize, limits: &Limits) -> Result<(), FieldError> {
    *count += 1;
    if *count > limits.max_elements {
        return Err(FieldError::new(
            "/",
            format!(
                "the message has more than {} elements, the limit",
                limits.max_elements
            ),
        ));
    }
    Ok(())
}

/// Read and structurally validate a message: [`read_xml`] or [`read_json`], then [`validate`].
///
/// Returns the document in the HMRC JSON shape `{"n1:CCnnnC": {...}}`, or every error found
/// (a body that is not XML/JSON at all gives one error with pointer `/`).
pub fn read(
    bytes: &[u8],
    format: Format,
    expected: MessageType,
    limits: &Limits,
) -> Result<Value, Vec<FieldError>> {
    if format == Format::Xml {
        // Proven valid on the way in, and built in the same pass.
        if let Some(value) = stream::read_proven(bytes, expected, limits) {
            return Ok(value);
        }
    }
    read_full(bytes, format, expected, limits)
}

/// The full reading (tree or JSON, then the validation of the value), which finds every error.
fn read_full(
    bytes: &[u8],
    format: Format,
    expected: MessageType,
    limits: &Limits,
) -> Result<Value, Vec<FieldError>> {
    let (value, mut errors) = match format {
        Format::Xml => xml_read::read_xml_lenient(bytes, expected, limits)?,
        Format::Json => (read_json(bytes, expected, limits)?, Vec::new()),
    };
    errors.extend(validate(expected, &value));
    if errors.is_empty() {
        Ok(value)
    } else {
        Err(errors)
    }
}

/// Structurally validate an XML message without keeping it: the verdict and the errors of
/// [`read`] (every error, each with its pointer), for a caller that needs only those.
///
/// A message is first streamed against the schema tables with no tree and no JSON value; only
/// one that this does not prove valid (an error, or an unusual but legal spelling) goes through
/// the full reading, which reports each error. About twice as fast as [`read`] on valid
/// messages, which builds the value too (`cargo bench -p cats-cli --bench core -- CC015C`).
pub fn validate_xml(
    bytes: &[u8],
    expected: MessageType,
    limits: &Limits,
) -> Result<(), Vec<FieldError>> {
    if stream::is_proven_valid(bytes, expected, limits) {
        return Ok(());
    }
    read_full(bytes, Format::Xml, expected, limits).map(|_| ())
}

/// True when the streaming check proves `bytes` a structurally valid `expected` XML message
/// (no tree, no JSON value); false when it is invalid **or** only the full reading can tell (a
/// default namespace, an attribute on a child element, an entity between elements, a decimal
/// spelled `+5`). Never true for a message [`read`] refuses. [`validate_xml`] and [`read`] use
/// it first.
pub fn proves_valid(bytes: &[u8], expected: MessageType, limits: &Limits) -> bool {
    stream::is_proven_valid(bytes, expected, limits)
}

/// Write a message value (the document or its body) as XML ([`write_xml`]) or JSON
/// ([`write_json`]), UTF-8 encoded.
pub fn write(
    message_type: MessageType,
    value: &Value,
    format: Format,
) -> Result<Vec<u8>, WriteError> {
    match format {
        Format::Xml => write_xml(message_type, value).map(String::into_bytes),
        Format::Json => Ok(write_json(message_type, value).into_bytes()),
    }
}

/// Read, validate and type a CC015C declaration (default [`Limits`]): returns the typed
/// declaration and the document value `{"n1:CC015C": {...}}` to store and re-emit.
pub fn parse_cc015c(bytes: &[u8], format: Format) -> Result<(Cc015c, Value), Vec<FieldError>> {
    let value = read(bytes, format, MessageType::CC015C, &Limits::default())?;
    let declaration = cc015c_from_value(&value)?;
    Ok((declaration, value))
}

/// Type an already validated CC015C value (the document or its body) as [`Cc015c`].
pub fn cc015c_from_value(value: &Value) -> Result<Cc015c, Vec<FieldError>> {
    let body = body(MessageType::CC015C, value).map_err(|e| vec![e])?;
    <Cc015c as serde::Deserialize>::deserialize(body).map_err(|e| {
        vec![FieldError::new(
            "/CC015C",
            format!("the declaration does not fit the CC015C structure: {e}"),
        )]
    })
}
