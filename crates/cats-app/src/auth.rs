//! Who is acting: users, roles, tokens and what each may see and do (DOMAIN.md section 2).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use cats_domain::ids::{CountryCode, Eori, OfficeRef};
use cats_domain::movement::Movement;
use cats_domain::reference::Catalog;

/// A user's role.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Holder of the transit procedure (AEO or authorised trader): its own movements only.
    Trader,
    /// Authorised insurer: its own contracts and the movements they cover.
    Insurer,
    /// Customs officer: acts at the offices of its scope.
    Officer,
    /// Administrator: users and reference data, nothing else.
    Admin,
}

impl Role {
    /// The role as stored (`"officer"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Trader => "trader",
            Self::Insurer => "insurer",
            Self::Officer => "officer",
            Self::Admin => "admin",
        }
    }

    /// Parse a stored role.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Trader, Self::Insurer, Self::Officer, Self::Admin]
            .into_iter()
            .find(|r| r.as_str() == s)
    }
}

/// A user of the node.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// Login name, e.g. `silkway`, `officer.kz`.
    pub username: String,
    /// Role.
    pub role: Role,
    /// Identification number (EORI/TIN) of the user's company, for traders and insurers.
    pub party: Option<Eori>,
    /// ISO 3166 country whose offices an officer acts at (all offices of that country).
    pub office_country: Option<CountryCode>,
    /// Risk-analyst permission (officers only): maintains the risk profiles (issue 6).
    #[serde(default)]
    pub risk_analyst: bool,
    /// The offices of its country an officer acts at (customs office reference numbers, an8);
    /// empty: every office of the country.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub offices: Vec<OfficeRef>,
}

impl User {
    /// Whether this user may see the movement: its holder, or an officer of a country one of
    /// whose offices is on the movement's route.
    pub fn can_see(&self, movement: &Movement) -> bool {
        match self.role {
            Role::Trader => self.party.as_ref() == Some(&movement.holder),
            Role::Officer => match self.office_country {
                Some(country) => movement.offices().iter().any(|o| o.country() == country),
                None => false,
            },
            Role::Insurer | Role::Admin => false,
        }
    }

    /// Whether this user maintains risk profiles: an officer with the risk-analyst permission.
    pub fn is_risk_analyst(&self) -> bool {
        self.role == Role::Officer && self.risk_analyst
    }

    /// Whether an officer may act at `office`: an office of its country known to the node, and
    /// one of its offices when its scope names some.
    pub fn acts_at(&self, office: &OfficeRef, catalog: &Catalog) -> bool {
        self.role == Role::Officer
            && catalog
                .office(office)
                .is_some_and(|o| Some(o.country) == self.office_country)
            && (self.offices.is_empty() || self.offices.contains(office))
    }

    /// Whether the user is a trader or insurer of company `party`.
    pub fn is_of(&self, party: &Eori) -> bool {
        self.party.as_ref() == Some(party)
    }
}

/// Hash of an API token as stored: hex SHA-256. Tokens are 256-bit random values, so a fast hash is
/// enough; the plain token is shown once, when issued.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A new random API token: `cats_` followed by 64 hex digits (256 bits from the OS RNG).
pub fn new_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("cats_{}", hex::encode(bytes))
}
