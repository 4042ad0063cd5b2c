//! The tamper-evident audit log (issue 15): each entry carries the hash of the one before it, so
//! that an entry edited, removed or inserted in the database breaks the chain, and
//! `cats audit verify` ([`verify`]) names the first entry that does not match.
//!
//! An entry's hash is the hex SHA-256 of the previous entry's hash (or [`GENESIS`] for the
//! first) and of its content ([`entry_hash`]). The store seals each entry as it appends it, in
//! the appending transaction, one writer at a time. What the chain cannot show on its own is a
//! cut of the newest entries: [`Verification::head`] is the hash to record elsewhere (a ticket,
//! a printed report) and compare later.

use async_trait::async_trait;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::store::{AuditEntry, StoreError};

/// The "previous hash" of the first entry: 64 zeros.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The hash of `entry` after the entry whose hash is `prev`: hex SHA-256 of `prev`, the time in
/// microseconds since 1970 (the stores' precision), the actor, the action, the movement's id
/// (or nothing) and the detail, each preceded by its length in bytes so that no two contents
/// read alike.
pub fn entry_hash(prev: &str, entry: &AuditEntry) -> String {
    let micros = entry.at.timestamp_micros().to_string();
    let movement = entry.movement_id.map(|m| m.to_string()).unwrap_or_default();
    let mut sha = Sha256::new();
    for part in [
        prev,
        micros.as_str(),
        entry.actor.as_str(),
        entry.action.as_str(),
        movement.as_str(),
        entry.detail.as_str(),
    ] {
        sha.update((part.len() as u64).to_be_bytes());
        sha.update(part.as_bytes());
    }
    hex::encode(sha.finalize())
}

/// An audit entry as stored, with its place in the chain.
#[derive(Debug, Clone, PartialEq)]
pub struct SealedEntry {
    /// Its row id: the order of the chain.
    pub id: i64,
    /// What it says.
    pub entry: AuditEntry,
    /// The hash of the entry before it, as stored (`None`: never sealed).
    pub prev_hash: Option<String>,
    /// Its own hash, as stored (`None`: never sealed).
    pub hash: Option<String>,
}

/// Why the chain breaks at an entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Break {
    /// Its content does not give its stored hash: it was edited.
    Edited {
        /// Row id.
        id: i64,
    },
    /// Its previous hash is not the hash of the entry before it: an entry before it was
    /// removed or inserted, or the chain was rewritten from here.
    Unlinked {
        /// Row id.
        id: i64,
    },
    /// It carries no hash although entries before it do.
    Unsealed {
        /// Row id.
        id: i64,
    },
}

impl Break {
    /// The row id of the entry where the chain breaks.
    pub fn id(&self) -> i64 {
        match self {
            Self::Edited { id } | Self::Unlinked { id } | Self::Unsealed { id } => *id,
        }
    }
}

impl std::fmt::Display for Break {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Edited { id } => write!(f, "entry {id} was edited: its content does not give its hash"),
            Self::Unlinked { id } => write!(f, "entry {id} does not follow the entry before it: an entry was removed or inserted before it"),
            Self::Unsealed { id } => write!(f, "entry {id} carries no hash"),
        }
    }
}

/// The outcome of walking the chain.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Verification {
    /// Entries walked.
    pub entries: u64,
    /// The hash of the last entry that matched (record it to detect a later cut of the log).
    pub head: String,
    /// The first entry that does not match, with the entry as stored; `None`: the chain holds.
    pub first_break: Option<Break>,
    /// The broken entry as stored (when, who, what), for the report.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub broken_entry: Option<AuditEntry>,
}

/// Walks a chain page by page, oldest first.
#[derive(Debug, Clone)]
pub struct Walker {
    prev: String,
    entries: u64,
}

impl Default for Walker {
    fn default() -> Self {
        Self {
            prev: GENESIS.to_string(),
            entries: 0,
        }
    }
}

impl Walker {
    /// Check the next entries (in id order); the first break, if any.
    pub fn check(&mut self, page: &[SealedEntry]) -> Option<(Break, AuditEntry)> {
        for e in page {
            self.entries += 1;
            let (Some(prev), Some(hash)) = (&e.prev_hash, &e.hash) else {
                return Some((Break::Unsealed { id: e.id }, e.entry.clone()));
            };
            if *prev != self.prev {
                return Some((Break::Unlinked { id: e.id }, e.entry.clone()));
            }
            if entry_hash(prev, &e.entry) != *hash {
                return Some((Break::Edited { id: e.id }, e.entry.clone()));
            }
            self.prev = hash.clone();
        }
        None
    }

    /// The outcome so far, with `broken` as the first break.
    pub fn finish(self, broken: Option<(Break, AuditEntry)>) -> Verification {
        let (first_break, broken_entry) = broken.map_or((None, None), |(b, e)| (Some(b), Some(e)));
        Verification {
            entries: self.entries,
            head: self.prev,
            first_break,
            broken_entry,
        }
    }
}

/// Where the sealed audit log is read from.
#[async_trait]
pub trait AuditChainStore {
    /// At most `limit` entries with an id above `after`, in id order.
    async fn audit_chain(&self, after: i64, limit: u32) -> Result<Vec<SealedEntry>, StoreError>;
    /// How many entries the log has.
    async fn audit_count(&self) -> Result<u64, StoreError>;
}

/// Walk the whole audit log of `store`, `progress` called with the entries walked so far.
pub async fn verify<S: AuditChainStore + ?Sized>(
    store: &S,
    mut progress: impl FnMut(u64),
) -> Result<Verification, StoreError> {
    let mut walker = Walker::default();
    let mut after = 0;
    loop {
        let page = store.audit_chain(after, 1_000).await?;
        let Some(last) = page.last() else {
            return Ok(walker.finish(None));
        };
        after = last.id;
        if let Some(b) = walker.check(&page) {
            return Ok(walker.finish(Some(b)));
        }
        progress(walker.entries);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn chain(n: i64) -> Vec<SealedEntry> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|id| {
                let entry = AuditEntry {
                    at: Utc.timestamp_micros(1_700_000_000_000_000 + id).unwrap(),
                    actor: "officer.kz".into(),
                    action: "release".into(),
                    movement_id: None,
                    detail: format!("entry {id}"),
                };
                let hash = entry_hash(&prev, &entry);
                let e = SealedEntry {
                    id,
                    entry,
                    prev_hash: Some(prev.clone()),
                    hash: Some(hash.clone()),
                };
                prev = hash;
                e
            })
            .collect()
    }

    fn walk(entries: &[SealedEntry]) -> Verification {
        let mut w = Walker::default();
        let b = w.check(entries);
        w.finish(b)
    }

    #[test]
    fn an_intact_chain_holds_and_every_tamper_is_named() {
        let good = chain(5);
        let v = walk(&good);
        assert_eq!((v.entries, v.first_break), (5, None));
        assert_eq!(Some(v.head), good[4].hash.clone());

        let mut edited = good.clone();
        edited[2].entry.detail.push('!');
        assert_eq!(walk(&edited).first_break, Some(Break::Edited { id: 3 }));

        let mut removed = good.clone();
        removed.remove(1);
        assert_eq!(walk(&removed).first_break, Some(Break::Unlinked { id: 3 }));

        let mut unsealed = good.clone();
        unsealed[3].hash = None;
        assert_eq!(walk(&unsealed).first_break, Some(Break::Unsealed { id: 4 }));

        // Fields are length-prefixed: moving a character between two fields changes the hash.
        let mut a = good[0].entry.clone();
        a.actor = "officer.k".into();
        a.action = "zrelease".into();
        assert_ne!(entry_hash(GENESIS, &a), entry_hash(GENESIS, &good[0].entry));
    }
}
