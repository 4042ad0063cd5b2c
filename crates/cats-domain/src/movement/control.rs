//! Control result codes and control types (NCTS P5 code list CL198 "ControlResultCode").

use serde::{Deserialize, Serialize};

/// Control result code (NCTS P5 CL198): A1 satisfactory, A2 considered satisfactory, A3 seals
/// OK, B1 not satisfactory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ControlResultCode {
    /// Satisfactory.
    A1,
    /// Considered satisfactory.
    A2,
    /// Seals OK.
    A3,
    /// Not satisfactory.
    B1,
}

impl ControlResultCode {
    /// Parse `A1`, `A2`, `A3` or `B1`.
    pub fn parse(code: &str) -> Option<Self> {
        Some(match code {
            "A1" => Self::A1,
            "A2" => Self::A2,
            "A3" => Self::A3,
            "B1" => Self::B1,
            _ => return None,
        })
    }

    /// The code as written in messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::A1 => "A1",
            Self::A2 => "A2",
            Self::A3 => "A3",
            Self::B1 => "B1",
        }
    }

    /// Whether the result lets the goods go on (A1, A2, A3).
    pub fn is_satisfactory(self) -> bool {
        !matches!(self, Self::B1)
    }
}

/// Kind of control (DOMAIN.md section 8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ControlType {
    /// Check of the documents only.
    #[default]
    Documentary,
    /// Physical examination of the goods.
    Physical,
    /// Non-intrusive inspection (X-ray scanning).
    Scanning,
    /// Check of the seals.
    Seals,
}

impl ControlType {
    /// Parse `documentary`, `physical`, `scanning` or `seals`.
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "documentary" => Self::Documentary,
            "physical" => Self::Physical,
            "scanning" => Self::Scanning,
            "seals" => Self::Seals,
            _ => return None,
        })
    }

    /// The name as written in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Documentary => "documentary",
            Self::Physical => "physical",
            Self::Scanning => "scanning",
            Self::Seals => "seals",
        }
    }
}
