//! Integration tests of the whole node: a real SQLite file in a temporary directory, the real HTTP
//! server on 127.0.0.1 with a free port, and the replay.

mod api;
mod arrivals;
mod browser;
mod browser_flow;
mod cli;
mod common;
mod concurrency;
mod conformance;
mod controls;
mod copy;
mod ice;
mod ice_destination;
mod ice_guarantee;
mod ice_kit;
mod ice_pages;
mod ice_route;
mod ice_security;
mod instances;
mod lifecycle;
mod messages_in;
mod ncts;
mod openapi;
mod pages;
mod pages_customs;
mod pages_declare;
mod pages_registers;
mod pages_scope;
mod pages_work;
mod registers;
mod registers_kit;
mod registers_rules;
mod replay;
mod risk;
