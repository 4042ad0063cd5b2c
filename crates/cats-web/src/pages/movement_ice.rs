//! What the movement page says of ICE (issue 12): the node of departure of a copy, each
//! guarantee held by another node with where its use stands there, and a release waiting for
//! those nodes.

use cats_domain::ids::Money;
use cats_domain::ledger::from_minor;
use cats_domain::movement::{Movement, RemoteUseStatus};

use super::i18n::Tr;

/// The key suffix of a use of a guarantee held by a peer (`remote-use-…`).
fn remote_status(s: RemoteUseStatus) -> &'static str {
    match s {
        RemoteUseStatus::Requested => "requested",
        RemoteUseStatus::Accepted => "accepted",
        RemoteUseStatus::Refused => "refused",
        RemoteUseStatus::Credited => "credited",
        RemoteUseStatus::Claimed => "claimed",
        RemoteUseStatus::Cancelled => "cancelled",
    }
}

/// The facts (label key, value) the movement page adds for `m` in an ICE network: none on a
/// movement of a stand-alone node.
pub(super) fn facts(t: &Tr, m: &Movement) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if let Some(home) = &m.home {
        out.push((
            "movement-home",
            format!("{home} — {}", t.get("movement-home-note")),
        ));
    }
    for u in &m.remote_guarantees {
        let status = t.get(&format!("remote-use-{}", remote_status(u.status)));
        let amount = match (u.amount_minor, u.currency) {
            (Some(minor), Some(c)) => Money::new(from_minor(minor), c)
                .map(|m| format!(" · {}", t.money(&m)))
                .unwrap_or_default(),
            _ => String::new(),
        };
        let reason = u
            .reason
            .as_ref()
            .map(|r| format!(" · {r}"))
            .unwrap_or_default();
        out.push((
            "movement-remote-guarantee",
            format!("{} · {} · {status}{amount}{reason}", u.grn, u.node),
        ));
    }
    if m.release_pending.is_some() {
        out.push(("movement-release-pending", t.get("movement-release-waits")));
    }
    out
}
