//! One function per subcommand; each returns `Err` with a message for the
//! user (exit code 1).

pub mod compare;
pub mod completions;
pub mod demo;
pub mod export;
pub mod import;
pub mod keys;
pub mod merge;
pub mod prisma;
pub mod recover;
pub mod resolve;
pub mod screen;
pub mod simulate;
pub mod status;
