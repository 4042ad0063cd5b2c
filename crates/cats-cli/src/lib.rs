//! The `cats` binary's library: opening a node with its demo data, importing reference lists, and
//! the replay of recorded movements. `src/main.rs` is the command line over it; the integration
//! tests drive the same functions.

#![warn(missing_docs)]

pub mod audit;
pub mod bench;
pub mod config;
pub mod conformance;
pub mod db;
pub mod demo;
pub mod ice;
pub mod import;
pub mod manual;
pub mod node;
pub mod replay;
pub mod tokens;
pub mod training;
