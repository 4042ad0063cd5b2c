//! Reports and the KPI dashboard (issue 17): who sees which data (item 7), the inputs loaded for
//! that scope, and every report by name. The figures themselves are computed in the pure
//! domain (`cats_domain::reports`).

pub mod catalogue;
pub mod kpi;
pub mod runs;
pub mod saved;
pub mod store;

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde_json::Value;

use cats_domain::ids::{CountryCode, Eori, Grn};
use cats_domain::movement::{Movement, MovementState};
use cats_domain::reports::cube::Fact;

use crate::app::{Actor, App};
use crate::auth::Role;
use crate::error::AppError;
use crate::store::{ContractFilter, MovementFilter, MovementRecord};

/// Whose data a report covers, decided by the user's role: traders see their company's
/// movements, insurers the movements their guarantees cover, officers those touching an office
/// of their country, administrators the whole node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Everything on the node (administrators), optionally one country's movements.
    Node(Option<CountryCode>),
    /// Movements touching an office of the country (officers).
    Country(CountryCode),
    /// The company's movements as holder of the transit procedure (traders).
    Holder(Eori),
    /// Movements covered by the insurer's guarantees (insurers).
    Insurer(Eori),
}

impl Scope {
    /// The scope of `actor`, narrowed to `country` where the role allows: an administrator may
    /// pick any country; an officer only its own. Errors: [`AppError::Forbidden`] for another
    /// country, a user without company or country, or the node itself.
    pub fn of(actor: &Actor, country: Option<CountryCode>) -> Result<Self, AppError> {
        let Some(user) = actor.user() else {
            return Ok(Self::Node(country));
        };
        let forbidden = |why: &str| Err(AppError::Forbidden(why.into()));
        match user.role {
            Role::Admin => Ok(Self::Node(country)),
            Role::Officer => match (user.office_country, country) {
                (Some(own), Some(asked)) if own != asked => {
                    forbidden("an officer sees reports on its own country only")
                }
                (Some(own), _) => Ok(Self::Country(own)),
                (None, _) => forbidden("an officer without a country sees no reports"),
            },
            Role::Trader | Role::Insurer if country.is_some() => {
                forbidden("traders and insurers see reports on their own data only")
            }
            Role::Trader => match &user.party {
                Some(p) => Ok(Self::Holder(p.clone())),
                None => forbidden("a trader without a company sees no reports"),
            },
            Role::Insurer => match &user.party {
                Some(p) => Ok(Self::Insurer(p.clone())),
                None => forbidden("an insurer without a company sees no reports"),
            },
        }
    }

    /// Whether the scope is customs' (officers and administrators), which alone sees risk
    /// selection, control efficiency and other offices' work.
    pub fn is_customs(&self) -> bool {
        matches!(self, Self::Node(_) | Self::Country(_))
    }

    /// The country the scope is limited to, if any.
    pub fn country(&self) -> Option<CountryCode> {
        match self {
            Self::Node(c) => *c,
            Self::Country(c) => Some(*c),
            _ => None,
        }
    }

    /// The company of a trader's or insurer's scope.
    pub fn party(&self) -> Option<&Eori> {
        match self {
            Self::Holder(p) | Self::Insurer(p) => Some(p),
            _ => None,
        }
    }
}

/// The GRNs of the insurer's contracts.
async fn insured(app: &App, insurer: &Eori) -> Result<BTreeSet<Grn>, AppError> {
    Ok(app
        .store()
        .contracts(&ContractFilter {
            insurer: Some(insurer.clone()),
            ..ContractFilter::default()
        })
        .await?
        .into_iter()
        .filter_map(|c| c.grn)
        .collect())
}

/// Every movement of the scope changed at or after `since` (all when `None`), each as stored,
/// with its declaration when `declarations` (only reports by HS chapter or mode of transport
/// need it). Read 1,000 at a time, by key.
pub async fn movements(
    app: &App,
    scope: &Scope,
    since: Option<DateTime<Utc>>,
    declarations: bool,
) -> Result<Vec<MovementRecord>, AppError> {
    load(app, scope, since, None, declarations).await
}

/// Every movement of the scope now in one of `states`, each state's list read through its
/// index, without declarations: what reports "as of now" (overdue, actions waiting) need,
/// without the written-off movements that are most of a node's.
pub async fn movements_in(
    app: &App,
    scope: &Scope,
    states: &[MovementState],
) -> Result<Vec<MovementRecord>, AppError> {
    let mut all = Vec::new();
    for state in states {
        all.extend(load(app, scope, None, Some(*state), false).await?);
    }
    Ok(all)
}

/// Movements read in one batch.
const BATCH: i64 = 1_000;

async fn load(
    app: &App,
    scope: &Scope,
    since: Option<DateTime<Utc>>,
    state: Option<MovementState>,
    declarations: bool,
) -> Result<Vec<MovementRecord>, AppError> {
    let filter = MovementFilter {
        state,
        holder: match scope {
            Scope::Holder(h) => Some(h.clone()),
            _ => None,
        },
        office_country: scope.country(),
        updated_since: since,
        ..MovementFilter::default()
    };
    let grns = match scope {
        Scope::Insurer(i) => Some(insured(app, i).await?),
        _ => None,
    };
    let mut all = Vec::new();
    let mut after = None;
    loop {
        let batch = app
            .store()
            .report_batch(&filter, after, declarations, BATCH)
            .await?;
        after = batch.last().map(|r| (r.updated_at, r.id));
        let n = batch.len();
        all.extend(batch.into_iter().filter(|r| {
            grns.as_ref()
                .is_none_or(|g| r.movement.guarantees.iter().any(|u| g.contains(&u.grn)))
        }));
        if n < BATCH as usize {
            break;
        }
    }
    Ok(all)
}

/// The facts reports need of a stored movement: its projection, when it was lodged, the HS
/// codes of its goods items and its border mode of transport, read from the declaration.
pub fn fact(record: &MovementRecord) -> Fact {
    let d: &Value = record.declaration.as_ref();
    // The body of the CC015C (as lodging stores it), or the whole document.
    let d = d.get("n1:CC015C").unwrap_or(d);
    let consignment = &d["Consignment"];
    let mut hs = Vec::new();
    for house in consignment["HouseConsignment"]
        .as_array()
        .into_iter()
        .flatten()
    {
        for item in house["ConsignmentItem"].as_array().into_iter().flatten() {
            if let Some(code) =
                item["Commodity"]["CommodityCode"]["harmonizedSystemSubHeadingCode"].as_str()
            {
                hs.push(code.to_string());
            }
        }
    }
    let mode = match &consignment["modeOfTransportAtTheBorder"] {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    Fact::of(&record.movement, record.created_at, &hs, mode)
}

/// The projections of `records`.
pub fn projections(records: &[MovementRecord]) -> Vec<&Movement> {
    records.iter().map(|r| &r.movement).collect()
}
