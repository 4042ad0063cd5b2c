//! `cats token list`: the tokens as a table or JSON (never the tokens themselves).

use chrono::{DateTime, Utc};

use cats_app::store::StoredToken;

/// `list` as an aligned table, or as JSON (`[{id, username, label, state, createdAt,
/// expiresAt, lastUsedAt, revokedAt}]`).
pub fn table(list: &[StoredToken], json: bool, now: DateTime<Utc>) -> anyhow::Result<String> {
    let day = |t: Option<DateTime<Utc>>| {
        t.map_or("-".to_string(), |t| t.format("%Y-%m-%d %H:%M").to_string())
    };
    if json {
        let rows: Vec<_> = list
            .iter()
            .map(|t| {
                serde_json::json!({
                    "id": t.id(), "username": t.username, "label": t.label,
                    "state": t.state(now), "createdAt": t.created_at,
                    "expiresAt": t.expiry(), "lastUsedAt": t.last_used_at,
                    "revokedAt": t.revoked_at,
                })
            })
            .collect();
        return Ok(serde_json::to_string_pretty(&rows)? + "\n");
    }
    let mut out = format!(
        "{:<16}  {:<12}  {:<8}  {:<16}  {:<16}  {:<16}  {}\n",
        "id", "user", "state", "issued", "expires", "last used", "label"
    );
    for t in list {
        out.push_str(&format!(
            "{:<16}  {:<12}  {:<8}  {:<16}  {:<16}  {:<16}  {}\n",
            t.id(),
            t.username,
            t.state(now),
            day(Some(t.created_at)),
            day(Some(t.expiry())),
            day(t.last_used_at),
            t.label
        ));
    }
    Ok(out)
}
