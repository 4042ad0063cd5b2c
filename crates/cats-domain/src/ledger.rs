//! The guarantee ledger: comprehensive guarantees, reservations, credits and claims.
//!
//! DOMAIN.md section 7: at release the amount to be covered is **reserved**; at write-off it is
//! **credited** back; on recovery it becomes a **claim**. Running total = sum of open reservations;
//! available = reference amount − running total, never below zero. Amounts are kept in minor units
//! (cents, `i64`) so that both database backends compare them exactly.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::ids::{CountryCode, CurrencyCode, Eori, Grn, Money};

/// Status of a comprehensive guarantee (insurance contract).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GuaranteeStatus {
    /// Submitted by the insurer, not yet decided.
    Submitted,
    /// Approved by customs, GRN allocated, not yet in force.
    Approved,
    /// In force: may cover movements.
    Active,
    /// Temporarily not usable.
    Suspended,
    /// Withdrawn for good.
    Revoked,
    /// Past its policy period.
    Expired,
    /// Submission refused by customs (never had a GRN).
    Rejected,
}

impl GuaranteeStatus {
    /// The status as stored and shown (`"active"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Approved => "approved",
            Self::Active => "active",
            Self::Suspended => "suspended",
            Self::Revoked => "revoked",
            Self::Expired => "expired",
            Self::Rejected => "rejected",
        }
    }

    /// Parse a stored status.
    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Submitted,
            Self::Approved,
            Self::Active,
            Self::Suspended,
            Self::Revoked,
            Self::Expired,
            Self::Rejected,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

/// A comprehensive guarantee as the rules see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Guarantee {
    /// Guarantee reference number (17 characters, ISO 6346 check digit).
    pub grn: Grn,
    /// Identification number (EORI/TIN) of the holder the guarantee covers.
    pub holder: Eori,
    /// Identification number of the insurer.
    pub insurer: Eori,
    /// Reference amount (insured amount, NCTS n..16,2) in the guarantee's ISO 4217 currency.
    pub reference_amount: Money,
    /// First day of the policy period.
    pub valid_from: NaiveDate,
    /// Last day of the policy period (inclusive).
    pub valid_to: NaiveDate,
    /// ISO 3166 countries where the guarantee is valid.
    pub countries: Vec<CountryCode>,
    /// Status.
    pub status: GuaranteeStatus,
    /// Salted SHA-256 of the access code (see [`hash_access_code`]).
    pub access_code_hash: String,
    /// Sum of open reservations and open claims (the exposure), in minor units of `currency`.
    pub running_total_minor: i64,
    /// When the last liability of an ended (revoked or expired) guarantee closed: from then on
    /// the insurer owes nothing under it. Kept by the ledger, like the running total.
    pub liability_end: Option<DateTime<Utc>>,
}

/// Why a guarantee cannot cover a movement (the store's refusal of a reservation, and the
/// release's CC055C).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unusable {
    /// Not in force (rule CATS018): submitted, approved without access code, suspended,
    /// revoked, expired.
    Status(GuaranteeStatus),
    /// Past its policy period on the day (rule CATS018).
    ExpiredOn(NaiveDate),
    /// Before its policy period on the day (rule CATS018).
    NotValidBefore(NaiveDate),
    /// The amount to be covered cannot be converted or reduced into the guarantee's currency
    /// on the day (rule CATS021).
    Coverage {
        /// What is missing or wrong.
        problem: crate::coverage::CoverError,
        /// The day of the release.
        day: NaiveDate,
    },
}

impl Unusable {
    /// The rule refusing the guarantee: `CATS018` (not usable on the day) or `CATS021` (amount).
    pub fn rule_id(&self) -> &'static str {
        match self {
            Self::Coverage { .. } => "CATS021",
            _ => "CATS018",
        }
    }
}

impl std::fmt::Display for Unusable {
    /// `suspended`, `expired on 2026-12-31`, `not valid before 2027-01-01`, or the coverage
    /// problem with the day.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Status(s) => f.write_str(s.as_str()),
            Self::ExpiredOn(d) => write!(f, "expired on {d}"),
            Self::NotValidBefore(d) => write!(f, "not valid before {d}"),
            Self::Coverage { problem, day } => write!(f, "{problem} ({day})"),
        }
    }
}

impl Guarantee {
    /// ISO 4217 currency of the reference amount (and of the running total).
    pub fn currency(&self) -> CurrencyCode {
        self.reference_amount.currency()
    }

    /// Reference amount in minor units (cents).
    pub fn reference_minor(&self) -> i64 {
        self.reference_amount.to_minor_units()
    }

    /// Available amount in minor units: reference amount − running total (never negative when the
    /// ledger invariant holds).
    pub fn available_minor(&self) -> i64 {
        self.reference_minor() - self.running_total_minor
    }

    /// Whether the guarantee may be used on `day`: active and inside its policy period.
    pub fn valid_on(&self, day: NaiveDate) -> bool {
        self.status == GuaranteeStatus::Active && day >= self.valid_from && day <= self.valid_to
    }

    /// Why the guarantee may not be used on `day` (rule CATS018), or `None` when it may.
    pub fn unusable_on(&self, day: NaiveDate) -> Option<Unusable> {
        if self.status != GuaranteeStatus::Active {
            Some(Unusable::Status(self.status))
        } else if day > self.valid_to {
            Some(Unusable::ExpiredOn(self.valid_to))
        } else if day < self.valid_from {
            Some(Unusable::NotValidBefore(self.valid_from))
        } else {
            None
        }
    }

    /// Whether `code` is this guarantee's access code ([`verify_access_code`]).
    pub fn access_code_matches(&self, code: &str) -> bool {
        verify_access_code(&self.access_code_hash, self.grn.as_str(), code)
    }
}

/// The access code hash of the first versions: hex SHA-256 of `"{grn}:{code}"`. Fewer than 15
/// million codes and a GRN that is not secret make it readable back in seconds, so it is no
/// longer stored: a node wraps it in argon2id when it opens ([`wrap_legacy_access_code_hash`]).
pub fn legacy_access_code_hash(grn: &str, code: &str) -> String {
    let digest = Sha256::digest(format!("{grn}:{code}").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Prefix of a legacy hash wrapped in argon2id: `sha256+` and the PHC string of argon2id over the
/// legacy SHA-256 hex.
pub const WRAPPED_LEGACY_PREFIX: &str = "sha256+";

/// The argon2id hash (RFC 9106, PHC string `$argon2id$v=19$m=19456,t=2,p=1$…`) of the access
/// code `code` of the guarantee `grn`, with this 16-byte salt (the caller draws it at random, so
/// that the domain stays free of IO).
pub fn hash_access_code(grn: &str, code: &str, salt: &[u8; 16]) -> String {
    argon2_phc(format!("{grn}:{code}").as_bytes(), salt)
}

/// A stored legacy SHA-256 hash ([`legacy_access_code_hash`]) wrapped in argon2id, so that a copy
/// of the database no longer reveals the code; needs nothing but the stored hash. Anything else
/// is returned unchanged.
pub fn wrap_legacy_access_code_hash(stored: &str, salt: &[u8; 16]) -> String {
    if is_legacy_access_code_hash(stored) {
        format!(
            "{WRAPPED_LEGACY_PREFIX}{}",
            argon2_phc(stored.as_bytes(), salt)
        )
    } else {
        stored.to_string()
    }
}

/// Whether `stored` is a legacy SHA-256 hash (64 hexadecimal digits), still to be wrapped.
pub fn is_legacy_access_code_hash(stored: &str) -> bool {
    stored.len() == 64 && stored.bytes().all(|b| b.is_ascii_hexdigit())
}

fn argon2_phc(secret: &[u8], salt: &[u8; 16]) -> String {
    use argon2::password_hash::{PasswordHasher, SaltString};
    let salt = SaltString::encode_b64(salt).expect("16 bytes is a valid salt");
    argon2::Argon2::default()
        .hash_password(secret, &salt)
        .expect("argon2id with the default parameters hashes any input")
        .to_string()
}

/// Whether `code` is the access code of `grn` whose stored hash is `stored`: argon2id
/// ([`hash_access_code`]), a wrapped legacy hash, or (until the node wraps it) a legacy SHA-256
/// hash compared in constant time. An empty or malformed hash matches nothing.
///
/// Successful argon2id checks are remembered in this process (as SHA-256 of the stored hash and
/// the code, at most 4,096), so that a guarantee used all day costs one argon2id per code;
/// a wrong code always pays the full cost.
pub fn verify_access_code(stored: &str, grn: &str, code: &str) -> bool {
    if let Some(phc) = stored.strip_prefix(WRAPPED_LEGACY_PREFIX) {
        return argon2_verify(phc, legacy_access_code_hash(grn, code).as_bytes());
    }
    if stored.starts_with("$argon2") {
        return argon2_verify(stored, format!("{grn}:{code}").as_bytes());
    }
    if !is_legacy_access_code_hash(stored) {
        return false;
    }
    let given = legacy_access_code_hash(grn, code);
    stored
        .as_bytes()
        .iter()
        .zip(given.as_bytes())
        .fold(0u8, |acc, (a, b)| acc | (a ^ b))
        == 0
}

fn argon2_verify(phc: &str, secret: &[u8]) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    use std::collections::HashSet;
    use std::sync::{Mutex, OnceLock};
    static VERIFIED: OnceLock<Mutex<HashSet<[u8; 32]>>> = OnceLock::new();
    let mut sha = Sha256::new();
    sha.update(phc.as_bytes());
    sha.update([0]);
    sha.update(secret);
    let memo: [u8; 32] = sha.finalize().into();
    let verified = VERIFIED.get_or_init(Default::default);
    if verified.lock().map(|v| v.contains(&memo)).unwrap_or(false) {
        return true;
    }
    let ok = PasswordHash::new(phc).is_ok_and(|parsed| {
        argon2::Argon2::default()
            .verify_password(secret, &parsed)
            .is_ok()
    });
    if ok {
        if let Ok(mut v) = verified.lock() {
            if v.len() >= 4_096 {
                v.clear();
            }
            v.insert(memo);
        }
    }
    ok
}

/// A decimal amount (2 decimals at most) in minor units (cents). Extra decimals are rounded
/// half away from zero; amounts too large for `i64` saturate at `i64::MAX` (never fits a
/// guarantee). Callers validate the scale first (NCTS `n..16,2`).
pub fn to_minor(amount: Decimal) -> i64 {
    let cents = amount
        .checked_mul(Decimal::ONE_HUNDRED)
        .map(|c| c.round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero));
    cents
        .and_then(|c| i64::try_from(c).ok())
        .unwrap_or(i64::MAX)
}

/// Minor units (cents) back to a decimal amount with 2 decimals.
pub fn from_minor(minor: i64) -> Decimal {
    Decimal::new(minor, 2)
}

/// What happened to a reservation; each is credited or claimed exactly once.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReservationStatus {
    /// Open: counts in the running total.
    Reserved,
    /// Credited back at write-off.
    Credited,
    /// Turned into a claim at recovery.
    Claimed,
}

impl ReservationStatus {
    /// The status as stored (`"reserved"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reserved => "reserved",
            Self::Credited => "credited",
            Self::Claimed => "claimed",
        }
    }
}

/// Whether a reservation of `amount_minor` fits: `running + amount <= reference`.
pub fn fits(reference_minor: i64, running_total_minor: i64, amount_minor: i64) -> bool {
    amount_minor >= 0 && running_total_minor.saturating_add(amount_minor) <= reference_minor
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minor_units_exact() {
        assert_eq!(to_minor(Decimal::new(100000000, 2)), 100000000);
        assert_eq!(from_minor(2500050), Decimal::new(2500050, 2));
        assert_eq!(to_minor("0.01".parse().unwrap()), 1);
    }

    #[test]
    fn fits_never_overdraws() {
        assert!(fits(100, 0, 100));
        assert!(!fits(100, 1, 100));
        assert!(!fits(100, 0, -1));
    }

    #[test]
    fn access_code_hash_checks() {
        let usd = CurrencyCode::parse("USD").unwrap();
        let g = Guarantee {
            grn: Grn::parse("25KZ0000SRI000010").unwrap(),
            holder: Eori::parse("KZ840000123456").unwrap(),
            insurer: Eori::parse("KZ990000765432").unwrap(),
            reference_amount: Money::new(Decimal::new(100000000, 2), usd).unwrap(),
            valid_from: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
            valid_to: NaiveDate::from_ymd_opt(2027, 12, 31).unwrap(),
            countries: vec![CountryCode::parse("KZ").unwrap()],
            status: GuaranteeStatus::Active,
            access_code_hash: hash_access_code("25KZ0000SRI000010", "1111", &[7; 16]),
            running_total_minor: 0,
            liability_end: None,
        };
        assert!(g.access_code_matches("1111"));
        assert_eq!(
            g.unusable_on(NaiveDate::from_ymd_opt(2028, 1, 1).unwrap())
                .map(|u| u.to_string()),
            Some("expired on 2027-12-31".into())
        );
        assert!(!g.access_code_matches("1112"));
        assert!(g.valid_on(NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()));
        assert!(!g.valid_on(NaiveDate::from_ymd_opt(2028, 1, 1).unwrap()));
        assert_eq!(g.available_minor(), 100000000);
    }

    #[test]
    fn access_codes_are_argon2id_and_legacy_hashes_are_wrapped() {
        let grn = "25KZ0000SRI000010";
        let stored = hash_access_code(grn, "1111", &[1; 16]);
        assert!(
            stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{stored}"
        );
        assert!(!stored.contains("1111"));
        assert_ne!(stored, hash_access_code(grn, "1111", &[2; 16]), "salted");
        assert!(verify_access_code(&stored, grn, "1111"));
        assert!(!verify_access_code(&stored, grn, "1112"));
        assert!(!verify_access_code(&stored, "25KZ0000SRI000020", "1111"));
        // A legacy hash matches until wrapped, and after.
        let legacy = legacy_access_code_hash(grn, "2222");
        assert!(verify_access_code(&legacy, grn, "2222"));
        let wrapped = wrap_legacy_access_code_hash(&legacy, &[3; 16]);
        assert!(wrapped.starts_with("sha256+$argon2id$"), "{wrapped}");
        assert!(!wrapped.contains(&legacy));
        assert!(verify_access_code(&wrapped, grn, "2222"));
        assert!(!verify_access_code(&wrapped, grn, "2223"));
        assert_eq!(wrap_legacy_access_code_hash(&stored, &[3; 16]), stored);
        assert!(!verify_access_code("", grn, ""));
        assert!(!verify_access_code("not a hash", grn, "1111"));
    }
}
