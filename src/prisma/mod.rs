//! PRISMA 2020 flow-diagram counts and the forms they are written in:
//! an outline for people, CSV and JSON for scripts, the PRISMA2020 R
//! package's data template, an SVG figure and a Mermaid chart. Nothing here
//! reads or writes files (`commands::prisma` does).

pub mod counts;
pub mod mermaid;
pub mod metrics;
mod metrics_table;
pub mod outline;
pub mod svg;
pub mod template;

pub use counts::{Named, Prisma, compute};

use crate::human::fmt_n;

/// `n = 1,234`, or `not started` for a stage no decision has reached.
pub fn n_text(n: Option<usize>) -> String {
    match n {
        Some(n) => format!("n = {}", fmt_n(n)),
        None => "not started".to_string(),
    }
}
