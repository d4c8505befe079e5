//! Screening logic with no terminal in it: which records a reviewer
//! screens and in what order, the filters that narrow them, undo history,
//! search, highlighted terms, the screening rate, and resolving reviewers'
//! conflicts into a consensus. The screen (`tui`) draws and drives it;
//! reports and other front ends can use the same pieces.

pub mod filter;
pub mod highlight;
pub mod history;
pub mod order;
pub mod queue;
pub mod rate;
pub mod resolve;
pub mod search;

pub use queue::{Counts, Cursor, Screening};
