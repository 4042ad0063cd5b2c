//! NCTS R0987 over the typed declaration without building its JSON.
//!
//! R0987 is a rule over every data group that carries a `sequenceNumber`, whatever its depth, so
//! it is checked on the declaration's serialized form. Building that form as a
//! `serde_json::Value` (thousands of nodes for a large declaration, then dropped) took about 4 % of
//! the CPU of a lodging (`perf` of `cats bench lodge`, issue 16). [`check`] instead is a
//! `serde::Serializer` that sees the same keys, arrays and numbers as `serde_json::to_value`, in
//! the same order, and keeps only the JSON pointer it is at (one reused `String`) and the
//! failures. It reports exactly what `super::sequence`'s walk over the `Value` reports, in the same
//! order (`tests/sequence.rs` compares the two).
//!
//! Shapes the declaration does not use (maps, tuples, enum variants with data) are refused with
//! [`Unsupported`], and the caller then walks the `Value` instead.

use std::fmt;

use serde::ser::{self, Impossible, Serialize, SerializeSeq, SerializeStruct};

use super::{fail, RuleFailure};

/// A shape of value this walker does not follow (a map, a tuple, an enum variant with data): walk
/// the `serde_json::Value` instead.
#[derive(Debug)]
pub(super) struct Unsupported(String);

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not followed by the R0987 walker: {}", self.0)
    }
}

impl std::error::Error for Unsupported {}

impl ser::Error for Unsupported {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Unsupported(msg.to_string())
    }
}

/// Check R0987 over `value` serialized as its JSON object rooted at `root` (a JSON pointer such as
/// `/CC015C`), pushing each failure onto `out`. Errors: [`Unsupported`] (then `out` may hold some
/// of the failures; the caller truncates it).
pub(super) fn check<T: Serialize>(
    value: &T,
    root: &str,
    out: &mut Vec<RuleFailure>,
) -> Result<(), Unsupported> {
    let mut path = String::with_capacity(128);
    path.push_str(root);
    value.serialize(At {
        path: &mut path,
        out,
        place: Place::Root,
    })
}

/// Where a value sits in the JSON, which decides what of it R0987 looks at.
#[derive(Clone, Copy)]
enum Place {
    /// The root object: its fields are walked; `path` is its pointer.
    Root,
    /// A field `key` of an object at `path`: an object is walked at `path/key`, an array's items
    /// at `path/key[i]`.
    Field(&'static str),
    /// Item `index` (1-based) of the array `key`, at `path`: an object is checked for its
    /// `sequenceNumber` and walked; anything else is not looked into (as the `Value` walk does
    /// not look into arrays of arrays). Its failure goes at `out[at]`, before those of its
    /// children, as the `Value` walk reports it.
    Item {
        key: &'static str,
        index: usize,
        at: usize,
    },
}

/// The serializer of one value.
struct At<'a> {
    path: &'a mut String,
    out: &'a mut Vec<RuleFailure>,
    place: Place,
}

/// The fields of an object, walked at `path` (restored to `len` when the object ends).
struct Fields<'a> {
    path: &'a mut String,
    out: &'a mut Vec<RuleFailure>,
    len: usize,
    item: Option<(&'static str, usize, usize)>,
}

/// The items of an array at `path` (restored to `len` when the array ends); `key` is `None` for
/// an array that R0987 does not look into.
struct Items<'a> {
    path: &'a mut String,
    out: &'a mut Vec<RuleFailure>,
    len: usize,
    key: Option<&'static str>,
    index: usize,
}

macro_rules! nothing_to_see {
    ($($method:ident($ty:ty)),* $(,)?) => {
        $(fn $method(self, _: $ty) -> Result<(), Unsupported> { Ok(()) })*
    };
}

impl<'a> ser::Serializer for At<'a> {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = Items<'a>;
    type SerializeTuple = Impossible<(), Unsupported>;
    type SerializeTupleStruct = Impossible<(), Unsupported>;
    type SerializeTupleVariant = Impossible<(), Unsupported>;
    type SerializeMap = Impossible<(), Unsupported>;
    type SerializeStruct = Fields<'a>;
    type SerializeStructVariant = Impossible<(), Unsupported>;

    nothing_to_see!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_i128(i128),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_u128(u128),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_char(char),
        serialize_str(&str),
        serialize_bytes(&[u8]),
        serialize_unit_struct(&'static str),
    );

    fn serialize_none(self) -> Result<(), Unsupported> {
        Ok(())
    }

    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<(), Unsupported> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Unsupported> {
        Ok(())
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<(), Unsupported> {
        Ok(())
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        name: &'static str,
        _: u32,
        variant: &'static str,
        _: &T,
    ) -> Result<(), Unsupported> {
        Err(Unsupported(format!("the enum variant {name}::{variant}")))
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Items<'a>, Unsupported> {
        let len = self.path.len();
        let key = match self.place {
            Place::Field(key) => {
                self.path.push('/');
                self.path.push_str(key);
                Some(key)
            }
            Place::Root | Place::Item { .. } => None,
        };
        Ok(Items {
            len,
            path: self.path,
            out: self.out,
            key,
            index: 0,
        })
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Unsupported> {
        Err(Unsupported("a tuple".into()))
    }

    fn serialize_tuple_struct(
        self,
        name: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Unsupported> {
        Err(Unsupported(format!("the tuple struct {name}")))
    }

    fn serialize_tuple_variant(
        self,
        name: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Unsupported> {
        Err(Unsupported(format!("the enum variant {name}::{variant}")))
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Unsupported> {
        Err(Unsupported("a map".into()))
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Fields<'a>, Unsupported> {
        let len = self.path.len();
        let item = match self.place {
            Place::Root => None,
            Place::Field(key) => {
                self.path.push('/');
                self.path.push_str(key);
                None
            }
            Place::Item { key, index, at } => Some((key, index, at)),
        };
        Ok(Fields {
            len,
            path: self.path,
            out: self.out,
            item,
        })
    }

    fn serialize_struct_variant(
        self,
        name: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Unsupported> {
        Err(Unsupported(format!("the enum variant {name}::{variant}")))
    }
}

impl SerializeStruct for Fields<'_> {
    type Ok = ();
    type Error = Unsupported;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        if let (Some((array, index, at)), "sequenceNumber") = (self.item, key) {
            let seq = serde_json::to_value(value).map_err(|e| Unsupported(e.to_string()))?;
            let expected = index as u64;
            if seq.as_u64() != Some(expected) && seq.as_str() != Some(&expected.to_string()) {
                let mut failure = Vec::with_capacity(1);
                fail(
                    &mut failure,
                    "R0987",
                    format!("{}/sequenceNumber", self.path),
                    format!(
                        "sequenceNumber of {array} number {index} is {seq} but must be {expected} (1, 2, 3 … in order)"
                    ),
                );
                self.out.splice(at..at, failure);
            }
        }
        value.serialize(At {
            path: self.path,
            out: self.out,
            place: Place::Field(key),
        })
    }

    fn end(self) -> Result<(), Unsupported> {
        self.path.truncate(self.len);
        Ok(())
    }
}

impl SerializeSeq for Items<'_> {
    type Ok = ();
    type Error = Unsupported;

    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Unsupported> {
        self.index += 1;
        // An array in an array, or at the root: not looked into.
        let Some(key) = self.key else {
            return Ok(());
        };
        let len = self.path.len();
        {
            use fmt::Write as _;
            let _ = write!(self.path, "[{}]", self.index);
        }
        let at = self.out.len();
        let result = value.serialize(At {
            path: self.path,
            out: self.out,
            place: Place::Item {
                key,
                index: self.index,
                at,
            },
        });
        self.path.truncate(len);
        result
    }

    fn end(self) -> Result<(), Unsupported> {
        self.path.truncate(self.len);
        Ok(())
    }
}
