//! Errors of use cases, each with what the web adapter needs to answer clearly.

use cats_domain::movement::TransitionError;
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
    /// The movement kept changing under us (HTTP 409); try again.
    #[error("the movement is being changed by someone else; try again")]
    Busy,
    /// The store failed (HTTP 500).
    #[error(transparent)]
    Store(#[from] StoreError),
}
