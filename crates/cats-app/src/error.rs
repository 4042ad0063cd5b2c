//! Errors of use cases, each with what the web adapter needs to answer clearly.

use cats_domain::movement::TransitionError;
use cats_domain::registry::StepError;
use serde::Serialize;

use crate::store::StoreError;

/// One problem with a message body: where (XPath-like pointer) and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BodyError {
    /// Pointer to the element, e.g. `/CC015C/TransitOperation/LRN`.
    pub pointer: String,
    /// What is wrong.
    pub reason: String,
}

/// Why a use case did not do what was asked. Nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The body is not a well-formed message of the expected type (HTTP 400).
    #[error("the message is not a well-formed {message_type}: {} error(s)", errors.len())]
    Malformed {
        /// Expected message type.
        message_type: String,
        /// Every problem found.
        errors: Vec<BodyError>,
    },
    /// The message is addressed to a national transit authority this node does not serve
    /// (`messageRecipient` `NTA.xx`): it must go to the node of that country (HTTP 422).
    #[error("messageRecipient {recipient} is not served by this node; it serves {}", served.join(", "))]
    NotServed {
        /// The recipient as addressed.
        recipient: String,
        /// The recipients this node serves (`NTA.KZ` …).
        served: Vec<String>,
    },
    /// The request is invalid for another reason (HTTP 400).
    #[error("{0}")]
    Invalid(String),
    /// The actor may not do this (HTTP 403).
    #[error("{0}")]
    Forbidden(String),
    /// Nothing with this id, or not visible to the actor (HTTP 404).
    #[error("{0} not found")]
    NotFound(String),
    /// The action is refused in the movement's state or at this office (HTTP 409).
    #[error(transparent)]
    Transition(#[from] TransitionError),
    /// A step on a register record is refused in its status, or would break an invariant
    /// (HTTP 409): e.g. approving a rejected application, cancelling a contract with open
    /// liabilities.
    #[error("{0}")]
    Refused(String),
    /// A business rule of the registers refuses the request (HTTP 422, with the rule id): e.g.
    /// an insurer without an active authorised insurer registration offering a guarantee
    /// (CATS023).
    #[error("{rule_id}: {message}")]
    Rule {
        /// Rule id (`CATS007`, `CATS023` …), as in `docs/rules.md`.
        rule_id: String,
        /// Why, in words.
        message: String,
    },
    /// A request breaks rules with ids (HTTP 400, every failure at once): e.g. a control record
    /// without findings for a B1 result (CATS024). Nothing was changed.
    #[error("{what}: {} rule failure(s)", failures.len())]
    Rules {
        /// What was refused (`control-result`).
        what: String,
        /// Every failure, with rule id, NCTS error code, JSON pointer and reason.
        failures: Vec<cats_domain::rules::RuleFailure>,
    },
    /// A peer node this request needs (the node holding a guarantee, ICE) cannot answer now
    /// (HTTP 503); nothing changed, try again later.
    #[error("node {node}, which this request needs, cannot answer now ({reason}); nothing was changed, try again later")]
    PeerUnavailable {
        /// The peer node.
        node: String,
        /// Why.
        reason: String,
    },
    /// The movement kept changing under us (HTTP 409); try again.
    #[error("the movement is being changed by someone else; try again")]
    Busy,
    /// The store failed (HTTP 500).
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<StepError> for AppError {
    fn from(e: StepError) -> Self {
        match e {
            StepError::OutOfSequence { .. } => Self::Refused(e.to_string()),
            StepError::Invalid { .. } => Self::Invalid(e.to_string()),
        }
    }
}
