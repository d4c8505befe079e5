//! screener: the library behind the `screener` binary. Everything here but
//! `tui` is free of terminal code and driven directly by tests.

pub mod abstracts;
pub mod agreement;
pub mod cli;
pub mod commands;
pub mod compare;
pub mod database;
pub mod dedup;
pub mod export;
pub mod human;
pub mod import;
pub mod ingest;
pub mod keys;
pub mod lock;
pub mod merge;
pub mod outfile;
pub mod phases;
pub mod prisma;
pub mod project;
pub mod rank;
pub mod record;
pub mod record_list;
pub mod screening;
pub mod splitmix;
pub mod stats;
pub mod store;
#[cfg(any(test, feature = "testkit"))]
pub mod synth;
#[cfg(any(test, feature = "testkit"))]
pub mod synth_screening;
pub mod tally;
pub mod text;
pub mod tui;
pub mod votes;
