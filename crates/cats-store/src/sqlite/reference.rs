//! Reference catalogue persistence.

use cats_app::store::StoreError;
use cats_domain::reference::Catalog;
use sqlx::Row;

use super::{backend, SqliteStore};

fn json<T: serde::Serialize>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(backend)
}

impl SqliteStore {
    pub(super) async fn save_catalog_impl(&self, catalog: &Catalog) -> Result<(), StoreError> {
        let _w = self.write.lock().await;
        let mut tx = self.pool.begin().await.map_err(backend)?;
        for o in catalog.offices.values() {
            sqlx::query("INSERT INTO offices (reference, country, data) VALUES (?, ?, ?) ON CONFLICT(reference) DO UPDATE SET country = excluded.country, data = excluded.data")
                .bind(&o.reference)
                .bind(&o.country)
                .bind(json(o)?)
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
        }
        let mut facts: Vec<(&str, String, String)> = Vec::new();
        for c in catalog.countries.values() {
            facts.push(("country", c.code.clone(), json(c)?));
        }
        for c in catalog.currencies.values() {
            facts.push(("currency", c.code.clone(), json(c)?));
        }
        for h in catalog.hs.values() {
            facts.push(("hs", h.code.clone(), json(h)?));
        }
        for r in &catalog.restricted {
            facts.push(("restricted", r.hs_prefix.clone(), json(r)?));
        }
        for l in catalog.locations.values() {
            facts.push(("location", l.unlocode.clone(), json(l)?));
        }
        for (kind, code, data) in facts {
            sqlx::query("INSERT INTO reference_facts (kind, code, data) VALUES (?, ?, ?) ON CONFLICT(kind, code) DO UPDATE SET data = excluded.data")
                .bind(kind)
                .bind(code)
                .bind(data)
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
        }
        tx.commit().await.map_err(backend)
    }

    pub(super) async fn load_catalog_impl(&self) -> Result<Catalog, StoreError> {
        let mut catalog = Catalog::default();
        let rows = sqlx::query("SELECT data FROM offices")
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        for row in rows {
            let o: cats_domain::reference::Office =
                serde_json::from_str(row.get::<&str, _>(0)).map_err(backend)?;
            catalog.offices.insert(o.reference.clone(), o);
        }
        let rows = sqlx::query("SELECT kind, data FROM reference_facts ORDER BY kind, code")
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
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
}
