//! Relevance ranking: the undecided records ordered by how likely the
//! reviewer is to include them, learned from that reviewer's decisions
//! (`docs/RANKING.md`). No terminal code: the screen drives it through
//! [`Ranker`], `screener simulate` through [`simulate`], `status` reads
//! [`stopping`].
//!
//! - [`features`]: TF-IDF over words and word pairs (hashed terms).
//! - [`model`]: a class-weighted linear SVM trained by dual coordinate
//!   descent, a bounded number of updates per retrain.
//! - [`query`]: which undecided record comes next.
//! - [`explain`]: the terms behind a score.
//! - [`stopping`]: the Callaghan & Müller-Hansen stopping estimate.
//! - [`metrics`]: WSS, RRF (ASReview insights' definitions).
//! - [`cache`]: `PROJECT.rank`, the terms of every record.

pub mod cache;
pub mod explain;
pub mod features;
pub mod metrics;
pub mod model;
pub mod query;
pub mod ranker;
pub mod simulate;
pub mod stopping;

pub use ranker::{Input, Label, Ranker, Ranking};
