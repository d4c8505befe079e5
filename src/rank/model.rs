//! The classifier: a linear support vector machine with squared hinge loss
//! and class weights (the model ASReview LAB's default and scikit-learn's
//! `LinearSVC` fit), trained by dual coordinate descent (Hsieh et al. 2008,
//! "A dual coordinate descent method for large-scale linear SVM", the
//! method of LIBLINEAR).
//!
//! Why this method: each labelled record has one dual variable, and the
//! weights are kept as their sum, so adding a decision adds one variable at
//! zero (still a valid point) and training goes on from where it was; a
//! taken-back decision subtracts its part. A step does coordinate updates
//! until it has visited [`ModelConfig::budget`] non-zero values (an update
//! reads its record's terms and writes them back), the new decisions
//! first, then shuffled passes over all of them that go on from one step
//! to the next; so a retrain costs the same at 10 decisions and at 10,000
//! and on short records and long ones. With few decisions the budget
//! covers many passes and the model is trained to convergence, as
//! LIBLINEAR would; with many, a step leaves it nearly so and the next
//! ones (the ranker keeps stepping until [`Model::converged`]) finish.
//!
//! The intercept is a constant feature of value 1, regularised like the
//! others (LIBLINEAR's `intercept_scaling = 1`).

use std::collections::HashMap;

use super::features::Matrix;

#[derive(Debug, Clone, PartialEq)]
pub struct ModelConfig {
    /// Regularisation: larger fits the decisions more closely.
    pub c: f32,
    /// How much more the includes weigh, in total, than the excludes
    /// (ASReview's "balanced" sample weights with this ratio).
    pub ratio: f32,
    /// Work per retrain in `simulate` (one retrain per decision there):
    /// non-zero values visited (an update visits its record's twice).
    pub budget: usize,
    /// Work per step of the screen's ranker, which keeps stepping until
    /// the model has converged: small, so that a decision waits for at
    /// most one short step and its own step publishes soon.
    pub step_budget: usize,
    /// A pass over all decisions whose largest projected gradient is below
    /// this ends the step early (LIBLINEAR's default tolerance is 0.1 on
    /// its own scale; this is per coordinate).
    pub tol: f32,
}

impl Default for ModelConfig {
    fn default() -> Self {
        ModelConfig {
            c: 0.11,
            ratio: 9.8,
            budget: 2_000_000,
            step_budget: 1_000_000,
            tol: 1e-3,
        }
    }
}

#[derive(Debug, Clone)]
struct Slot {
    row: u32,
    /// +1 include, -1 exclude.
    y: f32,
    alpha: f32,
    /// `x·x + 1` (the intercept's constant feature).
    qii: f32,
}

/// A trained (or training) linear model over one [`Matrix`].
#[derive(Debug, Clone)]
pub struct Model {
    cfg: ModelConfig,
    /// One weight per feature, then the intercept.
    w: Vec<f32>,
    slots: Vec<Slot>,
    slot_of: HashMap<u32, usize>,
    pos: usize,
    neg: usize,
    /// The next updates: new decisions first, then a shuffled pass.
    queue: Vec<u32>,
    rng: u64,
    /// The pass under way (it may span steps): its largest projected
    /// gradient and its updates.
    pass_max: f32,
    pass_len: usize,
    /// A whole pass changed nothing worth changing, and no decision came
    /// since.
    converged: bool,
    /// Coordinate updates in the last step.
    pub last_updates: usize,
    /// Rows whose part of the weights changed since [`Model::take_touched`]
    /// (in the order first changed), and the same as a set.
    touched: Vec<u32>,
    touched_set: std::collections::HashSet<u32>,
    /// The intercept changed since then.
    touched_intercept: bool,
    /// Decisions (and changes of one) since the last training.
    new: usize,
}

impl Model {
    pub fn new(features: usize, cfg: ModelConfig, seed: u64) -> Model {
        Model {
            cfg,
            w: vec![0.0; features + 1],
            slots: Vec::new(),
            slot_of: HashMap::new(),
            pos: 0,
            neg: 0,
            queue: Vec::new(),
            rng: seed,
            pass_max: 0.0,
            pass_len: 0,
            converged: false,
            last_updates: 0,
            touched: Vec::new(),
            touched_set: std::collections::HashSet::new(),
            touched_intercept: false,
            new: 0,
        }
    }

    /// The rows whose term weights changed since the last call (their
    /// terms are the only weights that moved), and whether the intercept
    /// did: what an incremental rescore needs ([`super::score::Scorer`]).
    pub fn take_touched(&mut self) -> (Vec<u32>, bool) {
        self.touched_set.clear();
        let b = std::mem::take(&mut self.touched_intercept);
        (std::mem::take(&mut self.touched), b)
    }

    pub fn config(&self) -> &ModelConfig {
        &self.cfg
    }

    /// Includes and excludes the model learns from.
    pub fn counts(&self) -> (usize, usize) {
        (self.pos, self.neg)
    }

    /// Whether both classes are there: before that, scores mean nothing.
    pub fn ready(&self) -> bool {
        self.pos > 0 && self.neg > 0
    }

    /// Whether more training would change nothing worth changing.
    pub fn converged(&self) -> bool {
        self.converged || self.slots.is_empty()
    }

    pub fn weights(&self) -> &[f32] {
        &self.w[..self.w.len() - 1]
    }

    pub fn intercept(&self) -> f32 {
        self.w[self.w.len() - 1]
    }

    /// Every decided row with its dual variable times its class (`α y`):
    /// a term of one record only has weight `α y x` from that record alone,
    /// so these and the shared terms' weights give any record's score.
    pub fn duals(&self) -> impl Iterator<Item = (u32, f32)> + '_ {
        self.slots.iter().map(|s| (s.row, s.alpha * s.y))
    }

    /// Sets what the reviewer said about `row`: `Some(true)` include,
    /// `Some(false)` exclude, `None` neither (maybe, or taken back).
    pub fn set_label(&mut self, x: &Matrix, row: usize, label: Option<bool>) {
        let row32 = row as u32;
        let slot = self.slot_of.get(&row32).copied();
        let same = match (slot, label) {
            (Some(s), Some(l)) => (self.slots[s].y > 0.0) == l,
            (None, None) => true,
            _ => false,
        };
        if same {
            return;
        }
        // A decision changes the class weights too: only a whole pass
        // after it can show convergence.
        self.converged = false;
        self.pass_max = 0.0;
        self.pass_len = 0;
        if let Some(s) = slot {
            self.remove(x, s);
        }
        let Some(l) = label else {
            return;
        };
        let (_, vals) = x.row(row);
        let qii = vals.iter().map(|v| v * v).sum::<f32>() + 1.0;
        self.slot_of.insert(row32, self.slots.len());
        self.slots.push(Slot {
            row: row32,
            y: if l { 1.0 } else { -1.0 },
            alpha: 0.0,
            qii,
        });
        if l {
            self.pos += 1;
        } else {
            self.neg += 1;
        }
        self.queue.push(row32);
        self.new += 1;
    }

    fn remove(&mut self, x: &Matrix, s: usize) {
        let slot = self.slots.swap_remove(s);
        self.slot_of.remove(&slot.row);
        if let Some(moved) = self.slots.get(s) {
            self.slot_of.insert(moved.row, s);
        }
        if slot.alpha != 0.0 {
            self.axpy(x, slot.row as usize, -slot.alpha * slot.y);
        }
        if slot.y > 0.0 {
            self.pos -= 1;
        } else {
            self.neg -= 1;
        }
    }

    fn axpy(&mut self, x: &Matrix, row: usize, a: f32) {
        if self.touched_set.insert(row as u32) {
            self.touched.push(row as u32);
        }
        self.touched_intercept = true;
        let (ids, vals) = x.row(row);
        for (&i, &v) in ids.iter().zip(vals) {
            self.w[i as usize] += a * v;
        }
        let last = self.w.len() - 1;
        self.w[last] += a;
    }

    /// The diagonal term of each class: `1 / (2 C_i)`, with `C_i` the
    /// class's weight times C. Weights as ASReview's `Balanced(ratio)`
    /// computes them: includes 1, excludes `pos / (ratio * neg)`, scaled
    /// so that the weights sum to the number of decisions.
    fn diagonals(&self) -> (f32, f32) {
        let (p, n) = (self.pos.max(1) as f32, self.neg.max(1) as f32);
        let r = self.cfg.ratio;
        let total = p + n;
        let wp = total / (p * (1.0 + 1.0 / r));
        let wn = total / (n * (r + 1.0));
        (1.0 / (2.0 * self.cfg.c * wp), 1.0 / (2.0 * self.cfg.c * wn))
    }

    /// One retrain step: coordinate updates until the budget's work is
    /// done or the model has converged.
    pub fn train(&mut self, x: &Matrix) {
        self.train_for(x, self.cfg.budget);
    }

    /// One update of each decision made since the last training (they are
    /// first in line), and no more: the screen's step right after a
    /// decision, which touches that record's terms only, so that its
    /// scores can be updated instead of made again. Further steps
    /// ([`Model::train_for`]) go on to convergence.
    pub fn train_new(&mut self, x: &Matrix) {
        let new = std::mem::take(&mut self.new);
        let mut updates = 0;
        for _ in 0..new {
            // A budget of one value: exactly one update.
            self.train_for(x, 1);
            updates += self.last_updates;
        }
        self.last_updates = updates;
    }

    /// [`Model::train`] with another budget (values visited).
    pub fn train_for(&mut self, x: &Matrix, budget: usize) {
        self.new = 0;
        self.last_updates = 0;
        if self.slots.is_empty() || self.converged {
            return;
        }
        let (dpos, dneg) = self.diagonals();
        let mut work = 0usize;
        while work < budget {
            let Some(row) = self.queue.pop() else {
                // A whole pass without a change worth making: converged.
                if self.pass_len >= self.slots.len() && self.pass_max < self.cfg.tol {
                    self.converged = true;
                    break;
                }
                self.refill();
                self.pass_max = 0.0;
                self.pass_len = 0;
                continue;
            };
            let Some(&s) = self.slot_of.get(&row) else {
                continue;
            };
            let pg = self.update(x, s, dpos, dneg);
            self.pass_max = self.pass_max.max(pg);
            self.pass_len += 1;
            self.last_updates += 1;
            work += 2 * x.row(row as usize).0.len() + 1;
        }
    }

    /// A shuffled pass over every decision.
    fn refill(&mut self) {
        self.queue.clear();
        self.queue.extend(self.slots.iter().map(|s| s.row));
        for i in (1..self.queue.len()).rev() {
            let j = (crate::splitmix::next(&mut self.rng) % (i as u64 + 1)) as usize;
            self.queue.swap(i, j);
        }
    }

    /// One coordinate update; returns the size of the projected gradient.
    fn update(&mut self, x: &Matrix, s: usize, dpos: f32, dneg: f32) -> f32 {
        let Slot { row, y, alpha, qii } = self.slots[s];
        let dii = if y > 0.0 { dpos } else { dneg };
        let g = y * self.score_row(x, row as usize) - 1.0 + dii * alpha;
        let pg = if alpha == 0.0 { g.min(0.0) } else { g };
        if pg.abs() < 1e-12 {
            return 0.0;
        }
        let new = (alpha - g / (qii + dii)).max(0.0);
        let delta = new - alpha;
        if delta != 0.0 {
            self.slots[s].alpha = new;
            self.axpy(x, row as usize, delta * y);
        }
        pg.abs()
    }

    /// The model's score of one record (a margin: above 0 leans include).
    pub fn score_row(&self, x: &Matrix, row: usize) -> f32 {
        let (ids, vals) = x.row(row);
        let mut s = self.w[self.w.len() - 1];
        for (&i, &v) in ids.iter().zip(vals) {
            s += self.w[i as usize] * v;
        }
        s
    }

    /// Scores of every record into `out`, on all cores: at 100,000
    /// records this is most of a retrain step. An undecided record's
    /// terms of its own have weight 0 ([`Matrix::build`]), so only its
    /// shared ones are read; a decided record's are all read.
    pub fn score_all(&self, x: &Matrix, out: &mut Vec<f32>) {
        use rayon::prelude::*;
        out.clear();
        out.resize(x.rows(), 0.0);
        let b = self.w[self.w.len() - 1];
        out.par_iter_mut()
            .with_min_len(2048)
            .enumerate()
            .for_each(|(i, s)| {
                let (ids, vals) = x.shared_row(i);
                *s = b + ids
                    .iter()
                    .zip(vals)
                    .map(|(&f, &v)| self.w[f as usize] * v)
                    .sum::<f32>();
            });
        for slot in &self.slots {
            out[slot.row as usize] = self.score_row(x, slot.row as usize);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rank::features::Matrix;

    fn matrix(texts: &[&str]) -> Matrix {
        crate::rank::features::matrix_of_titles(texts)
    }

    /// The dual objective's optimality: every coordinate's projected
    /// gradient is (near) zero.
    fn max_pg(m: &Model, x: &Matrix) -> f32 {
        let (dp, dn) = m.diagonals();
        m.slots
            .iter()
            .map(|s| {
                let d = if s.y > 0.0 { dp } else { dn };
                let g = s.y * m.score_row(x, s.row as usize) - 1.0 + d * s.alpha;
                if s.alpha == 0.0 {
                    g.min(0.0).abs()
                } else {
                    g.abs()
                }
            })
            .fold(0.0, f32::max)
    }

    #[test]
    fn converges_and_keeps_weights_equal_to_the_dual_sum() {
        let x = matrix(&[
            "red apple",
            "green apple",
            "red car",
            "blue car",
            "fast car",
        ]);
        let mut m = Model::new(x.features(), ModelConfig::default(), 1);
        m.set_label(&x, 0, Some(true));
        m.set_label(&x, 2, Some(false));
        m.set_label(&x, 3, Some(false));
        m.train(&x);
        assert!(max_pg(&m, &x) < 1e-3, "{}", max_pg(&m, &x));
        // w = Σ α y x (plus the intercept).
        let mut w = vec![0.0f32; x.features() + 1];
        for s in &m.slots {
            let (ids, vals) = x.row(s.row as usize);
            for (&i, &v) in ids.iter().zip(vals) {
                w[i as usize] += s.alpha * s.y * v;
            }
            w[x.features()] += s.alpha * s.y;
        }
        for (a, b) in w.iter().zip(&m.w) {
            assert!((a - b).abs() < 1e-5);
        }
        assert!(m.score_row(&x, 1) > m.score_row(&x, 4));
    }

    #[test]
    fn scoring_every_record_reads_shared_terms_only_where_that_is_exact() {
        let x = matrix(&[
            "red apple pie",
            "green apple tart",
            "red car wash",
            "blue car park",
            "fast car zoom",
        ]);
        assert!(x.shared_features > 0 && x.shared_features < x.features());
        let mut m = Model::new(x.features(), ModelConfig::default(), 1);
        m.set_label(&x, 0, Some(true));
        m.set_label(&x, 2, Some(false));
        m.train(&x);
        // "pie" (only in the decided record 0) has a weight; "zoom" (only
        // in the undecided record 4) has none.
        let own = |row: usize| {
            let (ids, _) = x.row(row);
            ids[x.shared_row(row).0.len()..].to_vec()
        };
        assert!(own(0).iter().all(|&f| m.w[f as usize] != 0.0));
        assert!(own(4).iter().all(|&f| m.w[f as usize] == 0.0));
        let mut all = Vec::new();
        m.score_all(&x, &mut all);
        for (i, &s) in all.iter().enumerate() {
            assert!((s - m.score_row(&x, i)).abs() < 1e-6, "row {i}");
        }
    }

    #[test]
    fn taking_a_decision_back_is_as_if_it_was_never_made() {
        let x = matrix(&[
            "red apple",
            "green apple",
            "red car",
            "blue car",
            "fast car",
        ]);
        let mut a = Model::new(x.features(), ModelConfig::default(), 1);
        a.set_label(&x, 0, Some(true));
        a.set_label(&x, 2, Some(false));
        a.train(&x);
        a.set_label(&x, 3, Some(false));
        a.train(&x);
        a.set_label(&x, 3, None);
        a.train(&x);
        let mut b = Model::new(x.features(), ModelConfig::default(), 1);
        b.set_label(&x, 0, Some(true));
        b.set_label(&x, 2, Some(false));
        b.train(&x);
        assert_eq!(a.counts(), (1, 1));
        for i in 0..x.rows() {
            assert!((a.score_row(&x, i) - b.score_row(&x, i)).abs() < 1e-3);
        }
    }
}
