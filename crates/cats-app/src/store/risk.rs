//! Risk profiles as stored: every change is a new version (issue 6).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use cats_domain::risk::RiskProfile;

/// One version of a risk profile. Versions of a profile are numbered from 1; the highest is the
/// current one. A retired profile's last version has `retired` set and no longer selects.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileVersion {
    /// The profile (its `id` is the profile's id).
    pub profile: RiskProfile,
    /// Version number, from 1.
    pub version: i64,
    /// Whether this version retires the profile.
    pub retired: bool,
    /// Who made the change (username, or `system` for the seeded demo profiles).
    pub changed_by: String,
    /// When (UTC).
    pub changed_at: DateTime<Utc>,
}
