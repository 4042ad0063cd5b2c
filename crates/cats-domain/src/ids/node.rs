//! ICE node identifiers.

use super::{string_id, IdError, IdKind};

/// The identifier of a national CATS node in an ICE network: 1 to 32 characters, uppercase
/// letters A-Z, digits, `+`, `-` and `_`, e.g. `KZ`, `AZ`, `KZ+TM` (one node hosting two
/// countries). Chosen by the network's members; it names the sender and the recipient of every
/// ICE envelope (`docs/ice/README.md`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(String);

impl NodeId {
    /// Longest node id, in characters.
    pub const MAX_LEN: usize = 32;

    /// Parses a node id. Errors: empty, longer than [`Self::MAX_LEN`], or a character outside
    /// `A-Z 0-9 + - _` ([`IdError::InvalidCharacter`], with its 1-based position).
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let kind = IdKind::NodeId;
        let actual = s.chars().count();
        if actual == 0 {
            return Err(IdError::Empty { kind });
        }
        if actual > Self::MAX_LEN {
            return Err(IdError::TooLong {
                kind,
                max: Self::MAX_LEN,
                actual,
            });
        }
        if let Some((index, found)) = s
            .chars()
            .enumerate()
            .find(|(_, c)| !(c.is_ascii_uppercase() || c.is_ascii_digit() || "+-_".contains(*c)))
        {
            return Err(IdError::InvalidCharacter {
                kind,
                position: index + 1,
                found,
                expected: "an uppercase letter A-Z, a digit, '+', '-' or '_'",
            });
        }
        Ok(Self(s.to_owned()))
    }

    /// The id as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_id!(NodeId);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_country_nodes_and_groups() {
        for s in ["KZ", "AZ", "KZ+TM", "GE-TEST_2"] {
            assert_eq!(NodeId::parse(s).unwrap().as_str(), s);
        }
    }

    #[test]
    fn refuses_empty_long_and_lower_case() {
        assert!(matches!(NodeId::parse(""), Err(IdError::Empty { .. })));
        assert!(matches!(
            NodeId::parse(&"K".repeat(33)),
            Err(IdError::TooLong { .. })
        ));
        assert!(matches!(
            NodeId::parse("kz"),
            Err(IdError::InvalidCharacter { position: 1, .. })
        ));
        assert!(matches!(
            NodeId::parse("KZ TM"),
            Err(IdError::InvalidCharacter { position: 3, .. })
        ));
    }
}
