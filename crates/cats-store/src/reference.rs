//! Reference catalogue persistence: offices and the other reference facts (countries,
//! currencies, HS entries, the restricted goods list, locations), each row a JSON document.

use std::collections::BTreeMap;

use cats_app::store::StoreError;
use cats_domain::reference::{Catalog, Country, Currency, HsEntry, Location, Office};

use crate::sql::{Backend, Db, Sql};

fn json<T: serde::Serialize>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|e| StoreError::backend("writing reference data as JSON", e))
}

fn parse<T: serde::de::DeserializeOwned>(kind: &str, data: &str) -> Result<T, StoreError> {
    serde_json::from_str(data).map_err(|e| StoreError::backend(format!("stored {kind}"), e))
}

/// Upsert the catalogue (nothing is deleted). One row per office and per (kind, code); a later
/// entry of the catalogue replaces an earlier one. PostgreSQL takes the rows in batches
/// (`crate::postgres::upsert_reference`: thousands of HS codes and locations, and one round trip
/// per row would be slow over a network); SQLite, in-process, row by row.
pub(crate) async fn save_catalog(db: &mut Db<'_>, catalog: &Catalog) -> Result<(), StoreError> {
    let mut offices: BTreeMap<String, [String; 3]> = BTreeMap::new();
    for o in catalog.offices.values() {
        let row = [o.reference.to_string(), o.country.to_string(), json(o)?];
        offices.insert(o.reference.to_string(), row);
    }
    let mut facts: BTreeMap<(&str, String), String> = BTreeMap::new();
    for c in catalog.countries.values() {
        facts.insert(("country", c.code.to_string()), json(c)?);
    }
    for c in catalog.currencies.values() {
        facts.insert(("currency", c.code.to_string()), json(c)?);
    }
    for h in catalog.hs.values() {
        facts.insert(("hs", h.code.clone()), json(h)?);
    }
    for r in &catalog.restricted {
        facts.insert(("restricted", r.hs_prefix.clone()), json(r)?);
    }
    for l in catalog.locations.values() {
        facts.insert(("location", l.unlocode.clone()), json(l)?);
    }
    let offices: Vec<[String; 3]> = offices.into_values().collect();
    let facts: Vec<[String; 3]> = facts
        .into_iter()
        .map(|((kind, code), data)| [kind.to_string(), code, data])
        .collect();
    if db.backend() == Backend::Postgres {
        return crate::postgres::upsert_reference(db, &offices, &facts).await;
    }
    for [reference, country, data] in &offices {
        Sql::new(
            "INSERT INTO offices (reference, country, data) VALUES ($1, $2, $3)
             ON CONFLICT (reference) DO UPDATE SET country = EXCLUDED.country, data = EXCLUDED.data",
        )
        .bind(reference)
        .bind(country)
        .bind(data)
        .execute(db)
        .await?;
    }
    for [kind, code, data] in &facts {
        Sql::new(
            "INSERT INTO reference_facts (kind, code, data) VALUES ($1, $2, $3)
             ON CONFLICT (kind, code) DO UPDATE SET data = EXCLUDED.data",
        )
        .bind(kind)
        .bind(code)
        .bind(data)
        .execute(db)
        .await?;
    }
    Ok(())
}

/// Load the catalogue.
pub(crate) async fn load_catalog(db: &mut Db<'_>) -> Result<Catalog, StoreError> {
    let mut catalog = Catalog::default();
    for row in Sql::new("SELECT data FROM offices").fetch_all(db).await? {
        let o: Office = parse("office", &row.text("data")?)?;
        catalog.offices.insert(o.reference.clone(), o);
    }
    let rows = Sql::new("SELECT kind, data FROM reference_facts ORDER BY kind, code")
        .fetch_all(db)
        .await?;
    for row in rows {
        let kind = row.text("kind")?;
        let data = row.text("data")?;
        match kind.as_str() {
            "country" => {
                let c: Country = parse(&kind, &data)?;
                catalog.countries.insert(c.code, c);
            }
            "currency" => {
                let c: Currency = parse(&kind, &data)?;
                catalog.currencies.insert(c.code, c);
            }
            "hs" => {
                let h: HsEntry = parse(&kind, &data)?;
                catalog.hs.insert(h.code.clone(), h);
            }
            "restricted" => catalog.restricted.push(parse(&kind, &data)?),
            "location" => {
                let l: Location = parse(&kind, &data)?;
                catalog.locations.insert(l.unlocode.clone(), l);
            }
            _ => {}
        }
    }
    Ok(catalog)
}
