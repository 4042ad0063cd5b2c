//! API tokens' operations (issue 15), part of the one route table.

use axum::routing::{delete, get, post, MethodRouter};
use cats_app::App;

use super::{schema_of, Body, Method, Operation};
use crate::handlers::tokens as t;

/// The tokens' operations with their handlers.
pub fn operations() -> Vec<(Operation, MethodRouter<App>)> {
    vec![
        (
            op!(Get "/tokens", "tokens", "everyone with a token", true, Body::None,
            "The caller's API tokens, newest first (an administrator's: every user's, or ?user=NAME's): id, username, label, state (active, expired, revoked), createdAt, expiresAt, lastUsedAt, revokedAt. Never the tokens themselves.",
            [(200, "count, tokens")]).json(schema_of::<t::TokenList>),
            get(t::list),
        ),
        (
            op!(Post "/tokens", "tokens", "everyone with a token", true, Body::Schema(schema_of::<t::NewToken>),
            "A new token for the caller, valid `days` days (1 to 730; default the node's CATS_TOKEN_DAYS, else 90), with a label. The token is in this answer only.",
            [(201, "the token's view with `token`"), (400, "days or label refused")]).json(schema_of::<t::TokenView>),
            post(t::issue),
        ),
        (
            op!(Delete "/tokens/{id}", "tokens", "the token's owner, admin", true, Body::None,
            "Revoke a token at once (on every instance); audited.",
            [(200, "the token as it now is"), (404, "unknown, or another user's"), (409, "already revoked")]).json(schema_of::<t::TokenView>),
            delete(t::revoke),
        ),
    ]
}
