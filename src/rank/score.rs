//! The scores of the undecided records, kept current as the weights move.
//!
//! A coordinate update moves the weights by `a x_r` (the updated record's
//! terms), so after a retrain step only the terms of the records it
//! updated have new weights, and a record's score moves by its values on
//! those terms times their change: `s_i += Σ_f x_if Δw_f`. Through an
//! index from each shared term to the records holding it (the matrix's
//! columns), a step that updated a few records rescores only the records
//! that share a term with them, and only those terms. When the changed
//! terms hold more values than scoring every open record would read (a
//! step that updated many records, whose terms together cover the common
//! words), every open record is scored instead, on all cores; and so at
//! least every [`FULL_EVERY`] steps, so that rounding cannot build up
//! (the sums are kept in `f64`, and a row's sum is the same whichever way
//! it was reached to about 1e-12).
//!
//! Only the undecided records are scored: a decided record's score is
//! asked for one at a time ([`super::Ranking::score`]) and computed then.
//! Scoring reads shared terms only: a term of one undecided record only
//! has weight 0 (`Matrix::build`).

use rayon::prelude::*;

use super::features::Matrix;
use super::model::Model;

/// Steps between full passes at most.
pub const FULL_EVERY: u32 = 64;

/// How the last [`Scorer::update`] went, for the benchmark.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Pass {
    /// Every open record was scored (not only those sharing a changed
    /// term).
    pub full: bool,
    /// Values read (full) or updated (incremental).
    pub values: usize,
    /// Terms whose weight changed (incremental).
    pub terms: usize,
}

/// See the module documentation.
#[derive(Debug, Clone)]
pub struct Scorer {
    /// Column `f` (a shared term): `rows[off[f]..off[f + 1]]` hold it with
    /// the values `vals[..]`. Built at the first incremental update, so
    /// that the first ranking does not wait for it.
    off: Vec<u32>,
    rows: Vec<u32>,
    vals: Vec<f32>,
    /// The shared terms' weights the scores are of.
    seen: Vec<f32>,
    /// Per row: the sum of value × weight over its shared terms (no
    /// intercept). Up to date for open rows only.
    part: Vec<f64>,
    /// Rows to score (undecided).
    open: Vec<bool>,
    /// Values a full pass reads: the shared terms of the open rows.
    open_values: usize,
    /// `part` was computed at least once.
    fresh: bool,
    since_full: u32,
    /// Scratch: the changed terms of a step, and which are in it.
    mark: Vec<bool>,
    changed: Vec<u32>,
    pub last: Pass,
}

impl Scorer {
    /// Every row open.
    pub fn new(x: &Matrix) -> Scorer {
        let n = x.rows();
        let open_values = (0..n).map(|i| x.shared_row(i).0.len()).sum();
        Scorer {
            off: Vec::new(),
            rows: Vec::new(),
            vals: Vec::new(),
            seen: vec![0.0; x.shared_features],
            part: vec![0.0; n],
            open: vec![true; n],
            open_values,
            fresh: false,
            since_full: 0,
            mark: vec![false; x.shared_features],
            changed: Vec::new(),
            last: Pass::default(),
        }
    }

    /// `row` was decided: no longer scored.
    pub fn close(&mut self, x: &Matrix, row: usize) {
        if let Some(o) = self.open.get_mut(row).filter(|o| **o) {
            *o = false;
            self.open_values -= x.shared_row(row).0.len();
        }
    }

    /// `row` is undecided again: its sum is made again from the weights
    /// the others' are of.
    pub fn reopen(&mut self, x: &Matrix, row: usize) {
        if let Some(o) = self.open.get_mut(row).filter(|o| !**o) {
            *o = true;
            let (ids, vals) = x.shared_row(row);
            self.open_values += ids.len();
            self.part[row] = dot(ids, vals, &self.seen);
        }
    }

    /// The weights changed without [`Scorer::update`] hearing of it: the
    /// next update scores every open row.
    pub fn invalidate(&mut self) {
        self.fresh = false;
    }

    /// Makes every open row's score current with `model`'s weights.
    /// `touched`: the rows whose terms' weights changed since the last
    /// update ([`Model::take_touched`]).
    pub fn update(&mut self, x: &Matrix, model: &Model, touched: &[u32]) {
        let w = &model.weights()[..x.shared_features];
        if !self.fresh || self.since_full + 1 >= FULL_EVERY {
            return self.full(x, w);
        }
        for &r in touched {
            for &f in x.shared_row(r as usize).0 {
                let m = &mut self.mark[f as usize];
                if !*m {
                    *m = true;
                    self.changed.push(f);
                }
            }
        }
        // A term's column is as long as its document frequency.
        let values: usize = self
            .changed
            .iter()
            .map(|&f| x.df[f as usize] as usize)
            .sum();
        if values >= self.open_values {
            for &f in &self.changed {
                self.mark[f as usize] = false;
            }
            self.changed.clear();
            return self.full(x, w);
        }
        self.columns(x);
        let mut terms = 0;
        for &f in &self.changed {
            let f = f as usize;
            self.mark[f] = false;
            let dw = w[f] as f64 - self.seen[f] as f64;
            if dw == 0.0 {
                continue;
            }
            terms += 1;
            self.seen[f] = w[f];
            let (a, b) = (self.off[f] as usize, self.off[f + 1] as usize);
            for (&r, &v) in self.rows[a..b].iter().zip(&self.vals[a..b]) {
                self.part[r as usize] += v as f64 * dw;
            }
        }
        self.changed.clear();
        self.since_full += 1;
        self.last = Pass {
            full: false,
            values,
            terms,
        };
    }

    fn full(&mut self, x: &Matrix, w: &[f32]) {
        let open = &self.open;
        self.part
            .par_iter_mut()
            .with_min_len(2048)
            .enumerate()
            .for_each(|(i, p)| {
                if open[i] {
                    let (ids, vals) = x.shared_row(i);
                    *p = dot(ids, vals, w);
                }
            });
        self.seen.copy_from_slice(w);
        self.fresh = true;
        self.since_full = 0;
        self.last = Pass {
            full: true,
            values: self.open_values,
            terms: 0,
        };
    }

    /// Builds the index of the shared terms' records now (else the first
    /// incremental update does).
    pub fn prepare(&mut self, x: &Matrix) {
        self.columns(x);
    }

    /// Builds the columns of the shared terms, once.
    fn columns(&mut self, x: &Matrix) {
        if !self.off.is_empty() || x.shared_features == 0 {
            return;
        }
        // Counted, not taken from `df`: a matrix read from the cache is
        // checked for ids in range, not for counts that agree.
        let mut count = vec![0u32; x.shared_features];
        for i in 0..x.rows() {
            for &f in x.shared_row(i).0 {
                count[f as usize] += 1;
            }
        }
        let mut off = Vec::with_capacity(x.shared_features + 1);
        let mut at = 0u32;
        off.push(0);
        for d in count {
            at += d;
            off.push(at);
        }
        let total = at as usize;
        let mut next: Vec<u32> = off[..x.shared_features].to_vec();
        let mut rows = vec![0u32; total];
        let mut vals = vec![0f32; total];
        for i in 0..x.rows() {
            let (ids, vs) = x.shared_row(i);
            for (&f, &v) in ids.iter().zip(vs) {
                let k = &mut next[f as usize];
                rows[*k as usize] = i as u32;
                vals[*k as usize] = v;
                *k += 1;
            }
        }
        self.off = off;
        self.rows = rows;
        self.vals = vals;
    }

    /// Every row's score (the intercept added) into `out`; a decided row's
    /// is not its score (see the module documentation).
    pub fn scores(&self, intercept: f32, out: &mut Vec<f32>) {
        let b = intercept as f64;
        out.clear();
        out.extend(self.part.iter().map(|&p| (p + b) as f32));
    }

    /// Bytes of the index (the columns), for the benchmark.
    pub fn heap_bytes(&self) -> usize {
        self.off.capacity() * 4 + self.rows.capacity() * 4 + self.vals.capacity() * 4
    }
}

fn dot(ids: &[u32], vals: &[f32], w: &[f32]) -> f64 {
    ids.iter()
        .zip(vals)
        .map(|(&f, &v)| w[f as usize] as f64 * v as f64)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rank::model::ModelConfig;
    use proptest::prelude::*;

    fn matrix(texts: &[String]) -> Matrix {
        crate::rank::features::matrix_of_titles(texts)
    }

    /// What scoring every open record from scratch gives.
    fn full_scores(x: &Matrix, m: &Model) -> Vec<f32> {
        let mut out = Vec::new();
        m.score_all(x, &mut out);
        out
    }

    static WORDS: [&str; 12] = [
        "apple", "pear", "car", "bus", "red", "blue", "fast", "slow", "trial", "cohort", "heart",
        "lung",
    ];

    fn texts() -> impl Strategy<Value = Vec<String>> {
        prop::collection::vec(
            prop::collection::vec(prop::sample::select(&WORDS[..]), 1..8).prop_map(|w| w.join(" ")),
            4..40,
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Decisions and undos in any order, a small budget per step (so
        /// that the updates are incremental): every open record's score
        /// is what a full rescore gives.
        #[test]
        fn incremental_scores_equal_a_full_rescore(
            texts in texts(),
            steps in prop::collection::vec((any::<prop::sample::Index>(), 0u8..4), 1..40),
            budget in 1usize..400,
        ) {
            let x = matrix(&texts);
            let mut m = Model::new(x.features(), ModelConfig::default(), 1);
            let mut s = Scorer::new(&x);
            let mut open = vec![true; x.rows()];
            let mut out = Vec::new();
            for (row, what) in steps {
                let row = row.index(x.rows());
                let label = match what {
                    0 => Some(true),
                    1 | 2 => Some(false),
                    _ => None,
                };
                m.set_label(&x, row, label);
                if label.is_some() {
                    open[row] = false;
                    s.close(&x, row);
                } else {
                    open[row] = true;
                    s.reopen(&x, row);
                }
                m.train_for(&x, budget);
                let (touched, _) = m.take_touched();
                s.update(&x, &m, &touched);
                s.scores(m.intercept(), &mut out);
                let want = full_scores(&x, &m);
                for i in (0..x.rows()).filter(|&i| open[i]) {
                    prop_assert!((out[i] - want[i]).abs() < 1e-5, "row {i}: {} {}", out[i], want[i]);
                }
            }
        }
    }

    #[test]
    fn a_step_that_changed_few_terms_is_incremental_and_exact() {
        let mut texts: Vec<String> = (0..200)
            .map(|i| format!("{} {} w{i}", WORDS[i % 12], WORDS[(i / 12) % 12]))
            .collect();
        texts.push("zebra okapi".into());
        texts.push("zebra okapi gnu".into());
        let x = matrix(&texts);
        let mut m = Model::new(x.features(), ModelConfig::default(), 1);
        let mut s = Scorer::new(&x);
        for (row, l) in [(0, true), (1, false), (2, false)] {
            m.set_label(&x, row, Some(l));
            s.close(&x, row);
        }
        m.train(&x);
        let (touched, _) = m.take_touched();
        s.update(&x, &m, &touched);
        assert!(s.last.full, "the first update is a full pass");
        // A decision on a record whose shared terms ("zebra", "okapi",
        // "zebra okapi") are in two records each: six values rescored.
        m.set_label(&x, 200, Some(true));
        s.close(&x, 200);
        m.train_for(&x, 1);
        let (touched, _) = m.take_touched();
        assert_eq!(touched, [200]);
        s.update(&x, &m, &touched);
        assert!(!s.last.full);
        assert_eq!((s.last.values, s.last.terms), (6, 3), "{:?}", s.last);
        let mut out = Vec::new();
        s.scores(m.intercept(), &mut out);
        let want = full_scores(&x, &m);
        for i in (3..x.rows()).filter(|&i| i != 200) {
            assert!((out[i] - want[i]).abs() < 1e-6, "row {i}");
        }
        assert!(out[201] > out[150]);
    }
}
