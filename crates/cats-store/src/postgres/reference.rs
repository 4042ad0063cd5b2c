//! Reference catalogue persistence. Rows are upserted in batches (`UNNEST` of arrays): a catalogue
//! has thousands of HS codes and locations, and one round trip per row would be slow over a network.

use std::collections::BTreeMap;

use sqlx::{PgConnection, Row};

use cats_app::store::StoreError;
use cats_domain::reference::Catalog;

use super::{backend, pg};

/// Rows per batched statement.
const BATCH: usize = 2_000;

fn json<T: serde::Serialize>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(backend)
}

/// Upsert the catalogue (nothing is deleted).
pub(super) async fn save_catalog(
    conn: &mut PgConnection,
    catalog: &Catalog,
) -> Result<(), StoreError> {
    let mut offices: BTreeMap<String, [String; 3]> = BTreeMap::new();
    for o in catalog.offices.values() {
        let row = [o.reference.clone(), o.country.clone(), json(o)?];
        offices.insert(o.reference.clone(), row);
    }
    upsert(
        conn,
        "INSERT INTO offices (reference, country, data)
         SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[])
         ON CONFLICT (reference) DO UPDATE SET country = EXCLUDED.country, data = EXCLUDED.data",
        offices.into_values().collect(),
    )
    .await?;
    // One row per (kind, code); a later entry replaces an earlier one, as the row-by-row upsert
    // on SQLite does (one statement may not upsert the same row twice).
    let mut facts: BTreeMap<(&str, String), String> = BTreeMap::new();
    for c in catalog.countries.values() {
        facts.insert(("country", c.code.clone()), json(c)?);
    }
    for c in catalog.currencies.values() {
        facts.insert(("currency", c.code.clone()), json(c)?);
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
    upsert(
        conn,
        "INSERT INTO reference_facts (kind, code, data)
         SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[])
         ON CONFLICT (kind, code) DO UPDATE SET data = EXCLUDED.data",
        facts
            .into_iter()
            .map(|((kind, code), data)| [kind.to_string(), code, data])
            .collect(),
    )
    .await
}

/// Run `sql`, taking three text arrays, over `rows` in batches.
async fn upsert(
    conn: &mut PgConnection,
    sql: &str,
    rows: Vec<[String; 3]>,
) -> Result<(), StoreError> {
    for chunk in rows.chunks(BATCH) {
        let mut columns: [Vec<String>; 3] = Default::default();
        for row in chunk {
            for (column, value) in columns.iter_mut().zip(row) {
                column.push(value.clone());
            }
        }
        let [a, b, c] = columns;
        sqlx::query(sql)
            .bind(a)
            .bind(b)
            .bind(c)
            .execute(&mut *conn)
            .await
            .map_err(pg)?;
    }
    Ok(())
}

/// Load the catalogue.
pub(super) async fn load_catalog(conn: &mut PgConnection) -> Result<Catalog, StoreError> {
    let mut catalog = Catalog::default();
    let rows = sqlx::query("SELECT data FROM offices")
        .fetch_all(&mut *conn)
        .await
        .map_err(pg)?;
    for row in rows {
        let o: cats_domain::reference::Office =
            serde_json::from_str(row.get::<&str, _>(0)).map_err(backend)?;
        catalog.offices.insert(o.reference.clone(), o);
    }
    let rows = sqlx::query("SELECT kind, data FROM reference_facts ORDER BY kind, code")
        .fetch_all(&mut *conn)
        .await
        .map_err(pg)?;
    for row in rows {
        let kind: &str = row.get(0);
        let data: &str = row.get(1);
        match kind {
            "country" => {
                let c: cats_domain::reference::Country =
                    serde_json::from_str(data).map_err(backend)?;
                catalog.countries.insert(c.code.clone(), c);
            }
            "currency" => {
                let c: cats_domain::reference::Currency =
                    serde_json::from_str(data).map_err(backend)?;
                catalog.currencies.insert(c.code.clone(), c);
            }
            "hs" => {
                let h: cats_domain::reference::HsEntry =
                    serde_json::from_str(data).map_err(backend)?;
                catalog.hs.insert(h.code.clone(), h);
            }
            "restricted" => {
                catalog
                    .restricted
                    .push(serde_json::from_str(data).map_err(backend)?);
            }
            "location" => {
                let l: cats_domain::reference::Location =
                    serde_json::from_str(data).map_err(backend)?;
                catalog.locations.insert(l.unlocode.clone(), l);
            }
            _ => {}
        }
    }
    Ok(catalog)
}
