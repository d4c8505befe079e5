//! Relevance order in the screen: a background [`Ranker`] for this reviewer
//! at this stage (blind: `Input::from_project` reads only that reviewer's
//! decisions), the ranking in use, and how the queue takes a new one.
//!
//! The ranking in use changes only when the reader moves on (the queue is
//! reordered behind the cursor, never the record shown) or asks; the
//! newest one, which the stopping panel reads, is taken whenever the
//! ranker says one is published. Nothing here waits for training.

use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use super::highlight::Kind;
use crate::project::{Project, Stage, Verdict};
use crate::rank::explain::Explanation;
use crate::rank::features::{self, Kind as TermKind};
use crate::rank::stopping::Stopping;
use crate::rank::{Input, Label, Ranker, Ranking};

/// Where the ranker keeps its cache and whom it wakes: the real loop gives
/// the project's path and a send into its channel; tests, neither.
#[derive(Clone)]
pub struct RankSetup {
    /// The project file (`PROJECT.rank` goes beside it), or `None`.
    pub project_path: Option<PathBuf>,
    /// Called on the ranker's thread after each published ranking.
    pub notify: Arc<dyn Fn() + Send + Sync>,
}

impl Default for RankSetup {
    fn default() -> Self {
        RankSetup {
            project_path: None,
            notify: Arc::new(|| {}),
        }
    }
}

pub struct Relevance {
    /// `Option` only so `Drop` can hand it to another thread.
    ranker: Option<Ranker>,
    /// The records the ranker ranks: those eligible when it started.
    eligible: Vec<usize>,
    /// What orders the queue and explains the record shown.
    in_use: Option<Arc<Ranking>>,
    /// The last one published, for the stopping panel.
    newest: Option<Arc<Ranking>>,
}

impl Relevance {
    pub fn start(
        project: &Project,
        reviewer: &str,
        stage: Stage,
        seed: u64,
        setup: &RankSetup,
    ) -> Relevance {
        let input = input(project, reviewer, stage, seed, setup);
        Relevance {
            eligible: input.eligible.clone(),
            ranker: Some(spawn(input, setup)),
            in_use: None,
            newest: None,
        }
    }

    /// Starts the ranker again when the records eligible at the stage are
    /// no longer those it ranks (a duplicate link split during the
    /// session, maybes sent on to full text): a record that became
    /// eligible is ranked, and its decision learned, without reopening the
    /// screen. The rankings in use stay until the new ranker publishes
    /// (records they do not know come after the ranked ones meanwhile), so
    /// the order never falls back to random. Returns whether it restarted.
    pub fn follow(
        &mut self,
        project: &Project,
        reviewer: &str,
        stage: Stage,
        seed: u64,
        setup: &RankSetup,
    ) -> bool {
        let input = input(project, reviewer, stage, seed, setup);
        if input.eligible == self.eligible {
            return false;
        }
        self.eligible = input.eligible.clone();
        stop_elsewhere(self.ranker.replace(spawn(input, setup)));
        true
    }

    /// A record's decision changed from `before` to `after`: the ranker
    /// learns it (an undo sends the label back, so it un-learns).
    pub fn decided(&self, index: usize, before: Option<&Verdict>, after: Option<&Verdict>) {
        let label = |v: Option<&Verdict>| v.map_or(Label::Undecided, Label::of);
        let (b, a) = (label(before), label(after));
        if b != a {
            if let Some(r) = &self.ranker {
                r.decide(index, a);
            }
        }
    }

    /// Takes the newest published ranking (for the panel); `true` if it
    /// is new.
    pub fn poll(&mut self) -> bool {
        // A ranker that has published nothing yet (one just restarted by
        // `follow`) leaves the last ranking as the newest.
        let Some(latest) = self.ranker.as_ref().and_then(Ranker::latest) else {
            return false;
        };
        let new = self
            .newest
            .as_ref()
            .is_none_or(|b| !Arc::ptr_eq(&latest, b));
        if new {
            self.newest = Some(latest);
        }
        new
    }

    /// Puts the newest ranking in use when it is ready and newer than the
    /// one in use, and returns it; a newest one that cannot rank (an undo
    /// took back the only include or exclude) leaves none in use.
    pub fn take_newest(&mut self) -> Option<Arc<Ranking>> {
        self.poll();
        let newest = self.newest.as_ref()?;
        if !newest.ready {
            self.in_use = None;
            return None;
        }
        if self.in_use.as_ref().is_some_and(|u| Arc::ptr_eq(u, newest)) {
            return None;
        }
        self.in_use = Some(Arc::clone(newest));
        self.in_use.clone()
    }

    pub fn in_use(&self) -> Option<&Ranking> {
        self.in_use.as_deref()
    }

    /// The stopping estimate of the newest ranking.
    pub fn stopping(&self) -> Option<&Stopping> {
        self.newest.as_deref().map(|r| &r.stopping)
    }

    /// Waits (up to `timeout`) until the ranker has learned every decision
    /// sent, then takes that ranking as the newest: what a reviewer who
    /// pauses a moment gets. For the test harness.
    #[cfg(any(test, feature = "testkit"))]
    pub fn settle(&mut self, timeout: std::time::Duration) {
        if let Some(r) = self.ranker.as_ref().and_then(|r| r.wait_current(timeout)) {
            self.newest = Some(r);
        }
    }

    /// What the rule under the header says about the order.
    pub fn describe(&self, includes: usize, excludes: usize) -> String {
        match &self.in_use {
            Some(r) => format!(
                "relevance: learned from {}, {}",
                crate::human::count(r.includes, "include", "includes"),
                crate::human::count(r.excludes, "exclude", "excludes")
            ),
            None if includes == 0 || excludes == 0 => {
                "relevance: random until 1 include and 1 exclude".into()
            }
            None => "relevance: random until the first ranking (from the next record)".into(),
        }
    }
}

impl Drop for Relevance {
    fn drop(&mut self) {
        stop_elsewhere(self.ranker.take());
    }
}

/// What a ranker for `reviewer` at `stage` learns from (their decisions
/// only: blind dual screening), caching beside the project `setup` names.
fn input(project: &Project, reviewer: &str, stage: Stage, seed: u64, setup: &RankSetup) -> Input {
    Input::from_project(
        project,
        setup.project_path.as_deref(),
        reviewer,
        stage,
        seed,
    )
}

/// A ranker on `input` that wakes whom `setup` says.
fn spawn(input: Input, setup: &RankSetup) -> Ranker {
    let notify = Arc::clone(&setup.notify);
    Ranker::start(input, move || notify())
}

/// Dropping a ranker joins its thread, which may be building the features
/// of a large project: neither quitting nor a restart waits for that.
fn stop_elsewhere(ranker: Option<Ranker>) {
    if let Some(r) = ranker {
        let _ = std::thread::Builder::new()
            .name("ranker-stop".into())
            .spawn(move || drop(r));
    }
}

/// `queue` with everything after the first `keep` records rearranged: the
/// decided ones first (in their order), then the undecided ones in
/// `ranked` order, then any the ranking does not know (in their order).
/// `undecided(i)` says whether record `i` is undecided.
pub fn arrange(
    queue: &[usize],
    keep: usize,
    ranked: &[u32],
    undecided: impl Fn(usize) -> bool,
) -> Vec<usize> {
    let keep = keep.min(queue.len());
    let size = queue.iter().copied().max().map_or(0, |m| m + 1);
    // 0: not in the tail, 1: in the tail, 2: placed.
    let mut tail = vec![0u8; size];
    let mut out = Vec::with_capacity(queue.len());
    out.extend_from_slice(&queue[..keep]);
    for &i in &queue[keep..] {
        if undecided(i) {
            tail[i] = 1;
        } else {
            out.push(i);
        }
    }
    for &r in ranked {
        let i = r as usize;
        if tail.get(i) == Some(&1) {
            tail[i] = 2;
            out.push(i);
        }
    }
    out.extend(queue[keep..].iter().copied().filter(|&i| tail[i] == 1));
    out
}

/// Where the explanation's terms stand in `text` (a title, an abstract or
/// one of its sections), found the way the features were made: tokens of
/// two or more word characters, a word pair being two tokens in a row.
pub fn term_marks(e: &Explanation, text: &str) -> Vec<(Range<usize>, Kind)> {
    let kind_of = |t: &str, kind: TermKind| {
        let find = |list: &[crate::rank::explain::TermWeight]| {
            list.iter().any(|w| w.kind == kind && w.text == t)
        };
        if find(&e.up) {
            Some(Kind::RankUp)
        } else if find(&e.down) {
            Some(Kind::RankDown)
        } else {
            None
        }
    };
    let mut marks = Vec::new();
    let mut prev: Option<(usize, String)> = None;
    features::for_each_token(text, |start, end, tok| {
        if let Some(k) = kind_of(tok, TermKind::Word) {
            marks.push((start..end, k));
        }
        if let Some((pstart, ptok)) = &prev {
            if let Some(k) = kind_of(&format!("{ptok} {tok}"), TermKind::Pair) {
                marks.push((*pstart..end, k));
            }
        }
        prev = Some((start, tok.to_string()));
    });
    marks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrange_keeps_the_head_and_puts_decided_before_ranked() {
        // Records 0..6; 1 and 4 decided; the cursor after the first two.
        let queue = [3, 1, 0, 4, 2, 5];
        let undecided = |i: usize| i != 1 && i != 4;
        let got = arrange(&queue, 2, &[5, 2, 3], undecided);
        // 3 is in the kept head already; 0 is unknown to the ranking.
        assert_eq!(got, [3, 1, 4, 5, 2, 0]);
        let all = arrange(&queue, 0, &[5, 2, 3, 0], undecided);
        assert_eq!(all, [1, 4, 5, 2, 3, 0]);
    }
}
