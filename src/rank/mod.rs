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
//! - [`score`]: the undecided records' scores, updated by the change of
//!   the weights.
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
pub mod score;
pub mod simulate;
pub mod stopping;

pub use ranker::{Input, Label, Ranker, Ranking};

use std::collections::HashMap;

use crate::project::{Decision, Project, Stage};

/// The records `reviewer` must screen at `stage` (`stats::eligible`), and
/// those of them already decided with their current decision, in the order
/// they were first decided (a record decided again keeps its first place):
/// what the model learns from and what the stopping estimate reads.
pub fn decided_in_order<'a>(
    project: &'a Project,
    reviewer: &str,
    stage: Stage,
) -> (Vec<usize>, Vec<(usize, &'a Decision)>) {
    let eligible = crate::stats::eligible(project, reviewer, stage);
    let current = project.current_decisions(reviewer, stage);
    let primary_of = project.primary_of();
    let mut first: HashMap<&str, usize> = HashMap::new();
    for (i, d) in project.decisions.iter().enumerate() {
        if d.reviewer == reviewer && d.stage == stage && d.verdict.is_decided() {
            let key = primary_of
                .get(d.record.as_str())
                .copied()
                .unwrap_or(d.record.as_str());
            first.entry(key).or_insert(i);
        }
    }
    let mut decided: Vec<(usize, usize, &Decision)> = eligible
        .iter()
        .filter_map(|&i| {
            let key = project.records[i].key.as_str();
            let d = *current.get(key)?;
            Some((first.get(key).copied().unwrap_or(usize::MAX), i, d))
        })
        .collect();
    decided.sort_by_key(|&(at, _, _)| at);
    let decided = decided.into_iter().map(|(_, i, d)| (i, d)).collect();
    (eligible, decided)
}
