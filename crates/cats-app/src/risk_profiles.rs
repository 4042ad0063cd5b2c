//! Risk profiles maintained by risk analysts (issue 6): officers with the risk-analyst permission
//! add, change and retire profiles; every change is a new version, kept with who and when, and
//! written to the audit log in the same transaction. Selection reads the current versions.

use chrono::{DateTime, Utc};
use serde_json::Value;

use cats_domain::ids::{CountryCode, Eori, IdError, OfficeRef};
use cats_domain::risk::{RiskPolicy, RiskProfile};

use crate::app::{Actor, App};
use crate::error::AppError;
use crate::history::audit;
use crate::store::{ProfileVersion, StoreError};

pub(crate) fn analyst(actor: &Actor) -> Result<(), AppError> {
    match actor.user() {
        Some(u) if u.is_risk_analyst() => Ok(()),
        Some(_) => Err(AppError::Forbidden(
            "risk profiles are for officers with the risk-analyst permission".into(),
        )),
        None => Ok(()),
    }
}

/// Whether an identifier criterion's entry parses (the problem when it does not).
type Check = fn(&str) -> Result<(), String>;

/// The identifier criteria of a profile: key, check, and what an entry must be.
const IDENTIFIER_LISTS: [(&str, Check, &str); 6] = [
    (
        "countries_of_dispatch",
        |c| ok(CountryCode::parse(c)),
        "ISO 3166-1 alpha-2",
    ),
    (
        "countries_of_destination",
        |c| ok(CountryCode::parse(c)),
        "ISO 3166-1 alpha-2",
    ),
    (
        "countries_of_routing",
        |c| ok(CountryCode::parse(c)),
        "ISO 3166-1 alpha-2",
    ),
    (
        "office_countries",
        |c| ok(CountryCode::parse(c)),
        "ISO 3166-1 alpha-2",
    ),
    ("holders", |h| ok(Eori::parse(h)), "an EORI/TIN"),
    (
        "offices",
        |o| ok(OfficeRef::parse(o)),
        "a customs office reference",
    ),
];

fn ok<T>(r: Result<T, IdError>) -> Result<(), String> {
    r.map(|_| ()).map_err(|e| e.to_string())
}

/// Read a risk profile as sent (JSON): every criterion that names a country, a holder or an
/// office must parse as one, and the profile must pass [`validate`].
///
/// Errors: [`AppError::Invalid`] with every problem at once (identifiers that do not parse, then
/// the shape of the rest, then the checks of [`validate`]).
pub fn parse(raw: Value) -> Result<RiskProfile, AppError> {
    let mut problems = Vec::new();
    let mut clean = raw;
    if let Some(obj) = clean.as_object_mut() {
        if let Some(Value::String(c)) = obj.get("country") {
            if let Err(e) = ok(CountryCode::parse(c)) {
                problems.push(format!("country {c:?}: ISO 3166-1 alpha-2 ({e})"));
                obj.remove("country");
            }
        }
        for (key, check, what) in IDENTIFIER_LISTS {
            if let Some(Value::Array(list)) = obj.get_mut(key) {
                list.retain(|v| match v.as_str().map(check) {
                    Some(Err(e)) => {
                        let shown = v.as_str().unwrap_or_default();
                        problems.push(format!("{key} {shown:?}: {what} ({e})"));
                        false
                    }
                    _ => true,
                });
            }
        }
    }
    let profile = match serde_json::from_value::<RiskProfile>(clean) {
        Ok(p) => Some(p),
        Err(e) => {
            problems.push(format!("risk profile: {e}"));
            None
        }
    };
    if let Some(p) = &profile {
        if let Err(AppError::Invalid(more)) = validate(p) {
            problems.push(more);
        }
    }
    match profile {
        Some(p) if problems.is_empty() => Ok(p),
        _ => Err(AppError::Invalid(problems.join("; "))),
    }
}

/// Check a profile before it is stored. Errors: [`AppError::Invalid`] with every problem.
pub fn validate(p: &RiskProfile) -> Result<(), AppError> {
    let mut problems = Vec::new();
    let id_ok = (1..=32).contains(&p.id.len())
        && p.id
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-');
    if !id_ok {
        problems.push(format!("id {:?}: 1 to 32 of A-Z, 0-9, '-'", p.id));
    }
    if p.description.trim().is_empty() {
        problems.push("description is empty".to_string());
    }
    for h in p.hs_prefix.iter().chain(&p.hs_prefixes) {
        if !(2..=6).contains(&h.len()) || !h.bytes().all(|b| b.is_ascii_digit()) {
            problems.push(format!("HS prefix {h:?}: 2 to 6 digits"));
        }
    }
    for (name, lo, hi) in [
        ("value per kg", p.min_value_per_kg, p.max_value_per_kg),
        ("mass", p.min_mass_kg, p.max_mass_kg),
    ] {
        if lo.into_iter().chain(hi).any(|x| !x.is_finite() || x < 0.0) {
            problems.push(format!("{name}: bounds are non-negative numbers"));
        }
        if let (Some(lo), Some(hi)) = (lo, hi) {
            if lo >= hi {
                problems.push(format!("{name}: minimum {lo} is not below maximum {hi}"));
            }
        }
    }
    if let (Some(f), Some(t)) = (p.valid_from, p.valid_to) {
        if f > t {
            problems.push(format!("validity: {f} is after {t}"));
        }
    }
    if p.score == Some(0) {
        problems.push("score: at least 1 (leave it out to select with the control type)".into());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(AppError::Invalid(problems.join("; ")))
    }
}

/// The current version of every profile, retired ones included.
pub async fn list(app: &App, actor: &Actor) -> Result<Vec<ProfileVersion>, AppError> {
    analyst(actor)?;
    Ok(app.store().risk_profiles().await?)
}

/// Every version of one profile, oldest first. Errors: 404 when unknown.
pub async fn versions(app: &App, actor: &Actor, id: &str) -> Result<Vec<ProfileVersion>, AppError> {
    analyst(actor)?;
    let v = app.store().risk_profile_versions(id).await?;
    if v.is_empty() {
        return Err(AppError::NotFound(format!("risk profile {id}")));
    }
    Ok(v)
}

async fn save(
    app: &App,
    actor: &Actor,
    v: ProfileVersion,
    action: &str,
) -> Result<ProfileVersion, AppError> {
    let detail = format!(
        "risk profile {} version {}{}",
        v.profile.id,
        v.version,
        if v.retired { " (retired)" } else { "" }
    );
    let entry = audit(actor, action, None, v.changed_at, detail);
    match app.store().save_risk_profile(&v, &entry).await {
        Ok(()) => Ok(v),
        Err(StoreError::Conflict) => Err(AppError::Refused(format!(
            "risk profile {} changed meanwhile (version {} exists); read it again",
            v.profile.id, v.version
        ))),
        Err(e) => Err(e.into()),
    }
}

/// Add a profile (version 1). Errors: 403 unless a risk analyst; 400 invalid; 409 when the id
/// is taken.
pub async fn create(
    app: &App,
    actor: &Actor,
    profile: RiskProfile,
    now: DateTime<Utc>,
) -> Result<ProfileVersion, AppError> {
    analyst(actor)?;
    validate(&profile)?;
    if !app
        .store()
        .risk_profile_versions(&profile.id)
        .await?
        .is_empty()
    {
        return Err(AppError::Refused(format!(
            "risk profile {} exists",
            profile.id
        )));
    }
    let v = ProfileVersion {
        profile,
        version: 1,
        retired: false,
        changed_by: actor.name().to_string(),
        changed_at: now,
    };
    save(app, actor, v, "risk-profile.create").await
}

pub(crate) async fn current(app: &App, id: &str) -> Result<ProfileVersion, AppError> {
    app.store()
        .risk_profile_versions(id)
        .await?
        .pop()
        .ok_or_else(|| AppError::NotFound(format!("risk profile {id}")))
}

fn expect(current: &ProfileVersion, expected: Option<i64>) -> Result<(), AppError> {
    match expected {
        Some(e) if e != current.version => Err(AppError::Refused(format!(
            "risk profile {} is at version {}, not {e}",
            current.profile.id, current.version
        ))),
        _ => Ok(()),
    }
}

/// Change a profile: a new version replacing the criteria and action (a retired profile comes
/// back into force). `expected`: the version the analyst read, if given. Errors: 403, 400
/// (invalid, or the body's id is not the profile's), 404, 409 (the version moved on).
pub async fn update(
    app: &App,
    actor: &Actor,
    id: &str,
    profile: RiskProfile,
    expected: Option<i64>,
    now: DateTime<Utc>,
) -> Result<ProfileVersion, AppError> {
    analyst(actor)?;
    if profile.id != id {
        return Err(AppError::Invalid(format!(
            "the body's id {} is not the profile's id {id}",
            profile.id
        )));
    }
    validate(&profile)?;
    let cur = current(app, id).await?;
    expect(&cur, expected)?;
    let v = ProfileVersion {
        profile,
        version: cur.version + 1,
        retired: false,
        changed_by: actor.name().to_string(),
        changed_at: now,
    };
    save(app, actor, v, "risk-profile.update").await
}

/// Retire a profile: a new version, same criteria, no longer selecting. Errors: 403, 404, 409
/// (already retired, or the version moved on).
pub async fn retire(
    app: &App,
    actor: &Actor,
    id: &str,
    expected: Option<i64>,
    now: DateTime<Utc>,
) -> Result<ProfileVersion, AppError> {
    analyst(actor)?;
    let cur = current(app, id).await?;
    expect(&cur, expected)?;
    if cur.retired {
        return Err(AppError::Refused(format!("risk profile {id} is retired")));
    }
    let v = ProfileVersion {
        profile: cur.profile,
        version: cur.version + 1,
        retired: true,
        changed_by: actor.name().to_string(),
        changed_at: now,
    };
    save(app, actor, v, "risk-profile.retire").await
}

/// Put the profiles of the policy file into an empty profile table, as version 1 by `system`
/// (the demo policy's profiles on a new node). Does nothing when the table has any row.
pub async fn seed(app: &App, policy: &RiskPolicy, now: DateTime<Utc>) -> Result<(), AppError> {
    if !app.store().risk_profiles().await?.is_empty() {
        return Ok(());
    }
    let system = Actor::System("risk-policy".into());
    for p in &policy.profiles {
        let v = ProfileVersion {
            profile: p.clone(),
            version: 1,
            retired: false,
            changed_by: system.name().to_string(),
            changed_at: now,
        };
        match save(app, &system, v, "risk-profile.seed").await {
            Ok(_) | Err(AppError::Refused(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// The policy selection uses now: the node's policy (seed, rates, AEO benefits, threshold) with
/// the current, not retired, profiles of the store; the policy file's profiles when the store has
/// none at all.
pub async fn policy_now(app: &App) -> Result<RiskPolicy, StoreError> {
    let stored = app.store().risk_profiles().await?;
    let mut policy = app.risk_policy().clone();
    if !stored.is_empty() {
        policy.profiles = stored
            .into_iter()
            .filter(|v| !v.retired)
            .map(|v| v.profile)
            .collect();
    }
    Ok(policy)
}

/// Feedback on live data (issue 6, item 4): the confusion matrix, the control-efficiency figures,
/// each profile's hit rate and each office's control rate, over the movements the analyst sees
/// (those touching an office of its country), optionally only those changed since `since`.
pub async fn feedback(
    app: &App,
    actor: &Actor,
    since: Option<DateTime<Utc>>,
) -> Result<Feedback, AppError> {
    analyst(actor)?;
    let mut filter = crate::store::MovementFilter {
        office_country: actor.user().and_then(|u| u.office_country),
        updated_since: since,
        page: 1,
        count: 500,
        ..Default::default()
    };
    let mut movements = Vec::new();
    loop {
        let (page, total) = app.store().movements(&filter).await?;
        let n = page.len();
        movements.extend(page.into_iter().map(|r| r.movement));
        if n == 0 || movements.len() as u64 >= total {
            break;
        }
        filter.page += 1;
    }
    let refs: Vec<&cats_domain::movement::Movement> = movements.iter().collect();
    let (confusion, control_efficiency, profile_hit_rates, office_control_rates) =
        cats_domain::feedback::tally(&refs);
    Ok(Feedback {
        movements: movements.len(),
        confusion,
        control_efficiency,
        profile_hit_rates,
        office_control_rates,
    })
}

/// The figures of [`feedback`].
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Feedback {
    /// Movements counted.
    pub movements: usize,
    /// CATS's selections against the controls done, per (movement, office).
    pub confusion: cats_domain::feedback::Confusion,
    /// Risk assessment and control efficiency.
    pub control_efficiency: cats_domain::feedback::ControlEfficiency,
    /// Per profile.
    pub profile_hit_rates: Vec<cats_domain::feedback::ProfileHits>,
    /// Per office.
    pub office_control_rates: Vec<cats_domain::feedback::OfficeRate>,
}
