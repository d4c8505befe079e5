//! [`Ranker`]: the relevance order for one reviewer at one stage, kept
//! current on a background thread.
//!
//! The screen builds one when it opens ([`Input::from_project`] reads only
//! that reviewer's decisions: blind dual screening), calls
//! [`Ranker::decide`] after every decision and undo (a send on a channel,
//! never a wait), and takes [`Ranker::latest`] when it moves to the next
//! record: an `Arc` to the last finished [`Ranking`], so the order changes
//! between records and never under the reader's eyes. The thread builds the
//! features (reusing `PROJECT.rank`), trains, scores every eligible record,
//! sorts the undecided ones and publishes, then sleeps until the next
//! decision; while the model has not converged it keeps refining.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, TryRecvError};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::cache;
use super::explain::Explanation;
use super::features::{FeatureConfig, Matrix, Terms};
use super::model::{Model, ModelConfig};
use super::query::{Query, Queue};
use super::score::Scorer;
use super::stopping::{self, Stopping};
use crate::project::{Project, Stage, Verdict};
use crate::record::Record;
use crate::record_list::Records;

/// What a decision tells the ranking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label {
    Include,
    Exclude,
    /// Counts as neither for the model, as relevant for the stopping
    /// estimate.
    Maybe,
    /// No decision (never made, or taken back).
    Undecided,
}

impl Label {
    pub fn of(verdict: &Verdict) -> Label {
        match verdict {
            Verdict::Include => Label::Include,
            Verdict::Exclude(_) | Verdict::NotRetrieved => Label::Exclude,
            Verdict::Maybe => Label::Maybe,
            Verdict::Cleared => Label::Undecided,
        }
    }

    fn class(self) -> Option<bool> {
        match self {
            Label::Include => Some(true),
            Label::Exclude => Some(false),
            Label::Maybe | Label::Undecided => None,
        }
    }

    fn relevant(self) -> bool {
        matches!(self, Label::Include | Label::Maybe)
    }
}

/// Everything the ranking starts from.
#[derive(Debug, Clone)]
pub struct Input {
    /// The project's records (shared, not copied).
    pub records: Records,
    /// Indices of the records to rank: the screen's queue.
    pub eligible: Vec<usize>,
    /// This reviewer's current decisions at this stage, in the order they
    /// were first made.
    pub decided: Vec<(usize, Label)>,
    /// `PROJECT.rank`, or `None` for no cache.
    pub cache: Option<PathBuf>,
    pub seed: u64,
    pub features: FeatureConfig,
    pub model: ModelConfig,
}

impl Input {
    /// The input for `reviewer` at `stage`: only that reviewer's decisions.
    /// `path` is the project file (the cache goes beside it).
    pub fn from_project(
        project: &Project,
        path: Option<&Path>,
        reviewer: &str,
        stage: Stage,
        seed: u64,
    ) -> Input {
        let (eligible, decided) = super::decided_in_order(project, reviewer, stage);
        Input {
            records: project.records.clone(),
            eligible,
            decided: decided
                .into_iter()
                .map(|(i, d)| (i, Label::of(&d.verdict)))
                .collect(),
            cache: path.map(cache::rank_path),
            seed,
            features: FeatureConfig::default(),
            model: ModelConfig::default(),
        }
    }
}

/// How long the work behind a ranking took.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Timing {
    /// Building the features (once; reading the cache included).
    pub features_ms: f64,
    /// Of which: reading the cache and tokenizing what it lacked, and
    /// building the TF-IDF matrix.
    pub terms_ms: f64,
    pub matrix_ms: f64,
    /// The matrix was read from the cache (`matrix_ms` is reading it).
    pub matrix_cached: bool,
    /// Records tokenized (the others came from the cache).
    pub tokenized: usize,
    /// Features (distinct terms kept) and non-zero values of the matrix.
    pub features: usize,
    pub nonzeros: usize,
    /// The last retrain step: training, scoring every record, sorting.
    pub step_ms: f64,
    /// Of which: training, scoring every record, ordering the undecided
    /// ones (what the benchmark breaks the step into).
    pub train_ms: f64,
    pub score_ms: f64,
    pub order_ms: f64,
    /// The stopping estimate (made again after a decision only), and
    /// copying what the ranking shares with the screen (the weights).
    pub stopping_ms: f64,
    pub publish_ms: f64,
    /// Coordinate updates in that step.
    pub updates: usize,
    /// The scoring of that step read every open record (else only those
    /// sharing a term whose weight changed), and the values it read.
    pub full_score: bool,
    pub score_values: usize,
    /// Bytes of the scoring's index of terms to records (0 until built).
    pub index_bytes: usize,
    /// The model has converged: no more steps until the next decision.
    pub converged: bool,
}

/// One finished ranking: immutable, shared with the screen.
#[derive(Debug)]
pub struct Ranking {
    /// Decisions sent with [`Ranker::decide`] that it has learned from.
    pub generation: u64,
    /// Both an include and an exclude are known: the order is the model's.
    /// Before that the order is seeded random, and the header should say so.
    pub ready: bool,
    pub includes: usize,
    pub excludes: usize,
    /// The undecided eligible records (record indices), best first.
    pub order: Vec<u32>,
    pub stopping: Stopping,
    pub timing: Timing,
    features: Arc<Features>,
    /// Weights of the shared terms (those of two or more records).
    weights: Arc<Vec<f32>>,
    intercept: f32,
    /// `α y` per decided row: a term of that record only weighs `α y x`
    /// (a term of an undecided record only weighs 0). Copying these
    /// instead of every weight keeps a step's publishing cheap: most
    /// terms are word pairs of one record.
    duals: Arc<HashMap<u32, f32>>,
}

impl Ranking {
    /// The model's score of a record (a margin: above 0 leans include), if
    /// it is ranked and the model is ready. Computed when asked: the
    /// ranker scores the undecided records only.
    pub fn score(&self, record: usize) -> Option<f32> {
        let row = self.features.row_of(record)?;
        if !self.ready {
            return None;
        }
        let (_, vals) = self.features.matrix.row(row);
        let w = self.row_weights(row);
        Some(self.intercept + w.iter().zip(vals).map(|(w, v)| w * v).sum::<f32>())
    }

    /// The weight of each of `row`'s terms, in the row's order.
    fn row_weights(&self, row: usize) -> Vec<f32> {
        let x = &self.features.matrix;
        let (ids, vals) = x.row(row);
        let ay = self.duals.get(&(row as u32)).copied().unwrap_or(0.0);
        ids.iter()
            .zip(vals)
            .map(|(&f, &v)| match self.weights.get(f as usize) {
                Some(&w) => w,
                None => ay * v,
            })
            .collect()
    }

    /// The terms that moved the score of `record` (its index) most: up to
    /// `n` that pushed it up and `n` that pushed it down.
    pub fn explain(&self, record: &Record, index: usize, n: usize) -> Option<Explanation> {
        let row = self.features.row_of(index)?;
        if !self.ready {
            return None;
        }
        Some(Explanation::new(
            record,
            &self.features.cfg,
            &self.features.matrix,
            row,
            &self.row_weights(row),
            self.intercept,
            n,
        ))
    }
}

/// The features of the eligible records.
#[derive(Debug)]
struct Features {
    cfg: FeatureConfig,
    matrix: Matrix,
    /// Record index of each row, and the row of each record index.
    records: Vec<u32>,
    rows: HashMap<u32, u32>,
}

impl Features {
    fn row_of(&self, record: usize) -> Option<usize> {
        self.rows.get(&(record as u32)).map(|&r| r as usize)
    }
}

enum Msg {
    Decide(u64, usize, Label),
    Stop,
}

struct Shared {
    latest: Mutex<Option<Arc<Ranking>>>,
    published: Condvar,
}

/// See the module documentation.
pub struct Ranker {
    tx: Sender<Msg>,
    shared: Arc<Shared>,
    sent: AtomicU64,
    worker: Option<JoinHandle<()>>,
}

impl Ranker {
    /// Starts the background thread. `notify` is called (on that thread)
    /// after each new ranking is published, e.g. to wake the screen's
    /// event loop; it must not block.
    pub fn start(input: Input, notify: impl Fn() + Send + 'static) -> Ranker {
        let (tx, rx) = mpsc::channel();
        let shared = Arc::new(Shared {
            latest: Mutex::new(None),
            published: Condvar::new(),
        });
        let worker_shared = Arc::clone(&shared);
        let worker = std::thread::Builder::new()
            .name("ranker".into())
            .spawn(move || run(input, rx, worker_shared, notify))
            .ok();
        Ranker {
            tx,
            shared,
            sent: AtomicU64::new(0),
            worker,
        }
    }

    /// A decision (or an undo: the label it goes back to) on the record
    /// with index `record`. Returns at once.
    pub fn decide(&self, record: usize, label: Label) {
        let seq = self.sent.fetch_add(1, Ordering::Relaxed) + 1;
        let _ = self.tx.send(Msg::Decide(seq, record, label));
    }

    /// The last finished ranking, if there is one yet. Never waits for
    /// training: the lock is held only to swap a pointer.
    pub fn latest(&self) -> Option<Arc<Ranking>> {
        self.shared.latest.lock().map(|g| g.clone()).unwrap_or(None)
    }

    /// Waits (up to `timeout`) for a ranking that has learned from every
    /// decision sent so far and converged on them: the ranker's last step
    /// until the next decision, the ranking a reviewer who paused would
    /// get. For tests and the command line, not the screen.
    pub fn wait_current(&self, timeout: Duration) -> Option<Arc<Ranking>> {
        self.wait_for(timeout, true)
    }

    /// Waits (up to `timeout`) for the first ranking that has learned from
    /// every decision sent so far, converged or not: the step right after
    /// a decision (one update of it), which the benchmark times.
    pub fn wait_learned(&self, timeout: Duration) -> Option<Arc<Ranking>> {
        self.wait_for(timeout, false)
    }

    fn wait_for(&self, timeout: Duration, converged: bool) -> Option<Arc<Ranking>> {
        let want = self.sent.load(Ordering::Relaxed);
        let deadline = Instant::now() + timeout;
        let mut guard = self.shared.latest.lock().ok()?;
        loop {
            if let Some(r) = guard
                .as_ref()
                .filter(|r| r.generation >= want && (r.timing.converged || !converged))
            {
                return Some(Arc::clone(r));
            }
            let now = Instant::now();
            if now >= deadline {
                return None;
            }
            guard = self
                .shared
                .published
                .wait_timeout(guard, deadline - now)
                .ok()?
                .0;
        }
    }
}

impl Drop for Ranker {
    fn drop(&mut self) {
        let _ = self.tx.send(Msg::Stop);
        if let Some(w) = self.worker.take() {
            let _ = w.join();
        }
    }
}

/// Record `i` whole (its abstract read from disk where the screen keeps
/// it there); without its abstract if that cannot be read, which only
/// weakens its ranking.
fn whole(records: &Records, i: usize) -> std::borrow::Cow<'_, Record> {
    records
        .full(i)
        .unwrap_or(std::borrow::Cow::Borrowed(&records[i]))
}

/// Every eligible record's terms (in the order of `hashes`, their text
/// hashes), from the cache where its text is the same, tokenized
/// otherwise; how many were tokenized; and what the cache had for records
/// not ranked now that are still in the project (the other stage's), to
/// be written back with them.
fn load_terms(input: &Input, hashes: &[u64]) -> (Vec<Terms>, usize, Vec<(u64, Terms)>) {
    let records = &input.records;
    let mut cached = input
        .cache
        .as_deref()
        .and_then(|p| cache::read_file(p).ok())
        .and_then(|b| cache::decode(&input.features, &b))
        .unwrap_or_default();
    let missing: Vec<usize> = (0..input.eligible.len())
        .filter(|&k| !cached.contains_key(&hashes[k]))
        .collect();
    let fresh = crate::import::pieces::map_with(&missing, Vec::new, |scratch, &k| {
        Terms::of(&whole(records, input.eligible[k]), &input.features, scratch)
    });
    let mut fresh = fresh.into_iter();
    let mut terms: Vec<Terms> = Vec::with_capacity(input.eligible.len());
    let mut next_missing = missing.iter().peekable();
    // Moved out of the cache, not copied (tens of megabytes at 100,000
    // records); a text met twice is copied from its first record.
    let mut first_at: HashMap<u64, usize> = HashMap::new();
    for (k, h) in hashes.iter().enumerate() {
        if next_missing.peek() == Some(&&k) {
            next_missing.next();
            terms.push(fresh.next().unwrap_or_default());
        } else if let Some(t) = cached.remove(h) {
            first_at.insert(*h, k);
            terms.push(t);
        } else {
            let again = first_at.get(h).map(|&j| terms[j].clone());
            terms.push(again.unwrap_or_default());
        }
    }
    let mut others = Vec::new();
    if !cached.is_empty() {
        let in_project: std::collections::HashSet<u64> = (0..records.len())
            .map(|i| cache::text_hash(&whole(records, i)))
            .collect();
        others.extend(cached.into_iter().filter(|(h, _)| in_project.contains(h)));
    }
    (terms, missing.len(), others)
}

/// Rewrites the cache: the terms of the ranked records and of the others
/// kept, and the matrix just built. A cache that cannot be written costs
/// time next open, nothing else.
fn write_cache(
    path: &Path,
    cfg: &FeatureConfig,
    hashes: &[u64],
    terms: &[Terms],
    others: &[(u64, Terms)],
    matrix: (u64, &Matrix),
) {
    let mut all_h = hashes.to_vec();
    all_h.extend(others.iter().map(|(h, _)| *h));
    let mut all_t: Vec<&Terms> = terms.iter().collect();
    all_t.extend(others.iter().map(|(_, t)| t));
    let _ = cache::write_file_with(path, |w| {
        cache::encode_to(w, cfg, &all_h, &all_t, Some(matrix))
    });
}

struct Worker {
    features: Arc<Features>,
    model: Model,
    scorer: Scorer,
    queue: Queue,
    /// Current label per row.
    labels: Vec<Label>,
    /// Rows decided, in the order first decided (for the stopping test).
    sequence: Vec<u32>,
    generation: u64,
    timing: Timing,
    scores: Vec<f32>,
    /// The stopping estimate of the decisions as they are (`None`: to be
    /// made again); refining steps do not change it.
    stopping: Option<Stopping>,
    published: bool,
}

fn run(input: Input, rx: Receiver<Msg>, shared: Arc<Shared>, notify: impl Fn()) {
    let t = Instant::now();
    let ms = |t: Instant| t.elapsed().as_secs_f64() * 1e3;
    let records = &input.records;
    let hashes: Vec<u64> =
        crate::import::pieces::map(&input.eligible, |&i| cache::text_hash(&whole(records, i)));
    let key = cache::matrix_key(&input.features, &hashes);
    // The matrix built last time, if it was built of exactly these
    // records; else their terms (cached or tokenized) and a new matrix,
    // written to the cache once the first ranking is out.
    let read = input
        .cache
        .as_deref()
        .and_then(|p| cache::read_matrix(p, &input.features, key));
    let (matrix, mut pending, tokenized, terms_ms, matrix_ms) = match read {
        Some(m) => (m, None, 0, 0.0, ms(t)),
        None => {
            let (terms, tokenized, others) = load_terms(&input, &hashes);
            let terms_ms = ms(t);
            let m = Matrix::build(&terms, &input.features);
            let matrix_ms = ms(t) - terms_ms;
            (m, Some((terms, others)), tokenized, terms_ms, matrix_ms)
        }
    };
    let matrix_cached = pending.is_none();
    let records: Vec<u32> = input.eligible.iter().map(|&i| i as u32).collect();
    let rows = records
        .iter()
        .enumerate()
        .map(|(r, &i)| (i, r as u32))
        .collect();
    let features = Arc::new(Features {
        cfg: input.features.clone(),
        matrix,
        records,
        rows,
    });
    let n = features.records.len();
    let mut w = Worker {
        model: Model::new(features.matrix.features(), input.model.clone(), input.seed),
        scorer: Scorer::new(&features.matrix),
        queue: Queue::new(n, Query::Max, input.seed),
        labels: vec![Label::Undecided; n],
        sequence: Vec::new(),
        generation: 0,
        timing: Timing {
            features_ms: 0.0,
            terms_ms,
            matrix_ms,
            matrix_cached,
            tokenized,
            features: features.matrix.features(),
            nonzeros: features.matrix.ids.len(),
            ..Timing::default()
        },
        scores: Vec::with_capacity(n),
        stopping: None,
        published: false,
        features,
    };
    for &(record, label) in &input.decided {
        w.set(record, label);
    }
    w.timing.features_ms = t.elapsed().as_secs_f64() * 1e3;
    let mut dirty = true;
    let mut decided = false;
    loop {
        // Wait for a decision only when there is nothing left to refine.
        let first = if dirty {
            match rx.try_recv() {
                Ok(m) => Some(m),
                Err(TryRecvError::Empty) => None,
                Err(TryRecvError::Disconnected) => return,
            }
        } else {
            match rx.recv_timeout(Duration::from_secs(3600)) {
                Ok(m) => Some(m),
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        };
        for msg in first.into_iter().chain(rx.try_iter()) {
            match msg {
                Msg::Stop => return,
                Msg::Decide(seq, record, label) => {
                    w.set(record, label);
                    w.generation = w.generation.max(seq);
                    dirty = true;
                    decided = true;
                }
            }
        }
        if !dirty {
            continue;
        }
        let ranking = w.step(std::mem::take(&mut decided));
        // Until the model has converged, keep refining without waiting.
        dirty = !w.model.converged();
        if let Ok(mut g) = shared.latest.lock() {
            *g = Some(Arc::new(ranking));
        }
        shared.published.notify_all();
        notify();
        if let Some((terms, others)) = pending.take() {
            if let Some(path) = &input.cache {
                let x = &w.features.matrix;
                write_cache(path, &input.features, &hashes, &terms, &others, (key, x));
            }
        }
        // Idle until the next decision: the time to index the terms'
        // records for the incremental scoring, rather than in the first
        // ranking's wait.
        if !dirty {
            w.scorer.prepare(&w.features.matrix);
        }
    }
}

impl Worker {
    fn set(&mut self, record: usize, label: Label) {
        let Some(row) = self.features.row_of(record) else {
            return;
        };
        let old = self.labels[row];
        if old == label {
            return;
        }
        self.labels[row] = label;
        self.stopping = None;
        let x = &self.features.matrix;
        self.model.set_label(x, row, label.class());
        match (old, label) {
            (_, Label::Undecided) => {
                self.queue.put_back(row);
                self.scorer.reopen(x, row);
                self.sequence.retain(|&r| r as usize != row);
            }
            (Label::Undecided, _) => {
                self.queue.take(row);
                self.scorer.close(x, row);
                self.sequence.push(row as u32);
            }
            _ => {}
        }
    }

    /// `decided`: a decision (or an undo) came since the last step.
    fn step(&mut self, decided: bool) -> Ranking {
        let t = Instant::now();
        let ms = |t: Instant| t.elapsed().as_secs_f64() * 1e3;
        let x = &self.features.matrix;
        // The first ranking learns from the saved decisions with the
        // larger budget: it is the one put in use at the next record.
        // After a decision, a step updates only what it changed (one
        // update of the decided record: its terms' weights move, so only
        // the records sharing them are rescored) and publishes; the steps
        // after it, each of a small budget, go on to convergence.
        if !self.published {
            self.model.train_for(x, self.model.config().budget);
        } else if decided {
            self.model.train_new(x);
        } else {
            self.model.train_for(x, self.model.config().step_budget);
        }
        self.published = true;
        self.timing.train_ms = ms(t);
        let ready = self.model.ready();
        let (touched, _) = self.model.take_touched();
        if ready {
            self.scorer.update(x, &self.model, &touched);
            self.scorer.scores(self.model.intercept(), &mut self.scores);
        } else {
            // Seeded random order: every score equal, the queue's random
            // tie-breaker decides. The scorer missed these weight changes.
            self.scorer.invalidate();
            self.scores.clear();
            self.scores.resize(x.rows(), 0.0);
        }
        self.timing.full_score = self.scorer.last.full;
        self.timing.score_values = self.scorer.last.values;
        self.timing.index_bytes = self.scorer.heap_bytes();
        self.timing.score_ms = ms(t) - self.timing.train_ms;
        let order = self
            .queue
            .ranked(&self.scores)
            .into_iter()
            .map(|r| self.features.records[r as usize])
            .collect();
        self.timing.order_ms = ms(t) - self.timing.train_ms - self.timing.score_ms;
        let before_stopping = ms(t);
        let stopping = match &self.stopping {
            Some(s) => s.clone(),
            None => {
                let relevant: Vec<bool> = self
                    .sequence
                    .iter()
                    .map(|&r| self.labels[r as usize].relevant())
                    .collect();
                let s = stopping::estimate(&relevant, x.rows(), 0.95, 0.95);
                self.stopping = Some(s.clone());
                s
            }
        };
        self.timing.stopping_ms = ms(t) - before_stopping;
        let weights = self.model.weights()[..x.shared_features].to_vec();
        let duals = self.model.duals().collect();
        self.timing.step_ms = ms(t);
        self.timing.publish_ms = self.timing.step_ms - before_stopping - self.timing.stopping_ms;
        self.timing.updates = self.model.last_updates;
        self.timing.converged = self.model.converged();
        let (includes, excludes) = self.model.counts();
        Ranking {
            generation: self.generation,
            ready,
            includes,
            excludes,
            order,
            stopping,
            timing: self.timing,
            features: Arc::clone(&self.features),
            weights: Arc::new(weights),
            intercept: self.model.intercept(),
            duals: Arc::new(duals),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(records: &Records, eligible: Vec<usize>, cache: &Path) -> Input {
        let decided = vec![(eligible[0], Label::Include), (eligible[1], Label::Exclude)];
        Input {
            records: records.clone(),
            eligible,
            decided,
            cache: Some(cache.to_path_buf()),
            seed: 1,
            features: FeatureConfig::default(),
            model: ModelConfig::default(),
        }
    }

    fn first(input: Input) -> Arc<Ranking> {
        let r = Ranker::start(input, || {});
        let got = r.wait_current(Duration::from_secs(60)).expect("a ranking");
        drop(r); // the cache is written once the first ranking is out
        got
    }

    #[test]
    fn reopening_with_the_same_records_reads_the_matrix_and_ranks_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.ron.rank");
        let records = crate::synth::project(300, 7).records;
        let all: Vec<usize> = (0..300).collect();
        let a = first(input(&records, all.clone(), &path));
        assert!(!a.timing.matrix_cached);
        let b = first(input(&records, all.clone(), &path));
        assert!(b.timing.matrix_cached, "{:?}", b.timing);
        assert_eq!(b.timing.tokenized, 0);
        assert_eq!(a.order, b.order);
        for &i in &a.order {
            assert_eq!(a.score(i as usize), b.score(i as usize));
        }
        // Fewer records to rank (another stage's queue): the matrix is
        // built again, from the cached terms, and kept for them.
        let fewer: Vec<usize> = (0..250).collect();
        let c = first(input(&records, fewer.clone(), &path));
        assert!(!c.timing.matrix_cached);
        assert_eq!(c.timing.tokenized, 0);
        assert!(first(input(&records, fewer, &path)).timing.matrix_cached);
        // A record's text changed: tokenized again, the matrix rebuilt.
        let mut changed = records.clone();
        changed[5].title.push_str(" zebra");
        let d = first(input(&changed, all.clone(), &path));
        assert!(!d.timing.matrix_cached);
        assert_eq!(d.timing.tokenized, 1);
        // A torn cache is not read, and is written whole again.
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
        let e = first(input(&changed, all.clone(), &path));
        assert!(!e.timing.matrix_cached);
        assert_eq!(e.timing.tokenized, 300);
        assert_eq!(e.order, d.order);
        assert!(first(input(&changed, all, &path)).timing.matrix_cached);
    }

    #[test]
    fn a_decided_record_is_scored_when_asked_as_a_full_rescore_scores_it() {
        let dir = tempfile::tempdir().unwrap();
        let records = crate::synth::project(200, 3).records;
        let mut inp = input(&records, (0..200).collect(), &dir.path().join("p.rank"));
        inp.decided.extend((2..40).map(|i| {
            let l = if i % 5 == 0 {
                Label::Include
            } else {
                Label::Exclude
            };
            (i, l)
        }));
        let r = Ranker::start(inp, || {});
        r.decide(50, Label::Include);
        r.decide(51, Label::Maybe);
        let got = r.wait_current(Duration::from_secs(60)).expect("ranking");
        let x = &got.features.matrix;
        let mut w = got.weights.as_ref().clone();
        w.resize(x.features(), 0.0);
        w.push(got.intercept);
        for (row, ay) in got.duals.iter() {
            let (ids, vals) = x.row(*row as usize);
            for (&f, &v) in ids.iter().zip(vals) {
                if f as usize >= x.shared_features {
                    w[f as usize] = ay * v;
                }
            }
        }
        for i in [0usize, 1, 5, 10, 50, 51, 120] {
            let (ids, vals) = x.row(i);
            let want = got.intercept
                + ids
                    .iter()
                    .zip(vals)
                    .map(|(&f, &v)| w[f as usize] * v)
                    .sum::<f32>();
            let have = got.score(i).unwrap();
            assert!((have - want).abs() < 1e-5, "record {i}: {have} {want}");
        }
        // An undecided record's ranked score is the same number.
        let top = got.order[0] as usize;
        let e = got.explain(&records[top], top, 5).unwrap();
        assert!((e.score - got.score(top).unwrap()).abs() < 1e-5);
    }
}
