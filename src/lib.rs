//! screener: the library behind the `screener` binary. Everything here but
//! `tui` is free of terminal code and driven directly by tests.

pub mod cli;
pub mod commands;
pub mod database;
pub mod dedup;
pub mod export;
pub mod human;
pub mod import;
pub mod ingest;
pub mod keys;
pub mod lock;
pub mod phases;
pub mod project;
pub mod record;
pub mod record_list;
pub mod screening;
pub mod splitmix;
pub mod stats;
pub mod store;
#[cfg(any(test, feature = "testkit"))]
pub mod synth;
pub mod text;
pub mod tui;
