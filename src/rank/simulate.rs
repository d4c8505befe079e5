//! Replaying a review whose labels are known (`screener simulate`): from
//! one include and one exclude, the model ranks, the best-ranked record is
//! "screened" (its known label becomes a decision), the model retrains,
//! until the last relevant record is found; then the metrics of
//! [`super::metrics`] over the order. This is what ASReview's `asreview
//! simulate` does, step for step, so the two can be compared on the same
//! prior pairs (`docs/RANKING.md`).

use std::time::Instant;

use super::features::{FeatureConfig, Matrix, terms_of};
use super::metrics;
use super::model::{Model, ModelConfig};
use super::query::{Query, Queue};
use super::score::Scorer;
use crate::import;
use crate::record::Record;

/// A labelled set read from a file.
#[derive(Debug, Clone)]
pub struct Labeled {
    pub records: Vec<Record>,
    /// Relevant (included) or not, per record.
    pub labels: Vec<bool>,
    /// The column the labels came from.
    pub column: String,
    /// Rows the importer could not read (left out; a warning says which).
    pub reported: usize,
    pub warnings: Vec<import::Warning>,
}

/// Label columns, in the order ASReview looks for them.
const LABEL_COLUMNS: [&str; 8] = [
    "label_included",
    "included",
    "final_included",
    "label",
    "included_label",
    "included_final",
    "included_flag",
    "include",
];

/// Reads a labelled table (ASReview's CSV: `title`, `abstract`, …,
/// `label_included`) through the project's importer, so columns map as
/// they do for `screener import`. `name` names the file in messages.
pub fn read_labeled(bytes: &[u8], name: &str) -> Result<Labeled, String> {
    let (_, parsed) = import::parse(bytes, None).map_err(|e| format!("{name}: {e}"))?;
    let column = LABEL_COLUMNS
        .iter()
        .find(|c| {
            parsed
                .records
                .iter()
                .any(|(_, r)| r.extra.iter().any(|f| f.tag.trim().eq_ignore_ascii_case(c)))
        })
        .ok_or_else(|| {
            format!(
                "{name}: no label column ({}): simulate needs the known decision of every record, \
                 e.g. a column `label_included` with 1 (relevant) or 0",
                LABEL_COLUMNS.join(", ")
            )
        })?
        .to_string();
    let mut records = Vec::with_capacity(parsed.records.len());
    let mut labels = Vec::with_capacity(parsed.records.len());
    for (line, r) in parsed.records {
        let value = r
            .extra
            .iter()
            .find(|f| f.tag.trim().eq_ignore_ascii_case(&column))
            .map(|f| f.value.trim().to_ascii_lowercase());
        let label = match value.as_deref() {
            Some("1" | "1.0" | "true" | "yes" | "y" | "included" | "include") => true,
            Some("0" | "0.0" | "-1" | "false" | "no" | "n" | "excluded" | "exclude") => false,
            Some(other) => {
                return Err(format!(
                    "{name}:{line}: `{column}` is `{other}`; simulate needs 1 (relevant) or 0 \
                     for every record"
                ));
            }
            None => {
                return Err(format!(
                    "{name}:{line}: no `{column}` value; simulate needs the known decision of \
                     every record (fill it in, or drop the row)"
                ));
            }
        };
        records.push(r);
        labels.push(label);
    }
    let relevant = labels.iter().filter(|&&l| l).count();
    if relevant == 0 || relevant == labels.len() {
        return Err(format!(
            "{name}: {} of {} records are relevant; simulate needs both relevant and \
             irrelevant records",
            relevant,
            labels.len()
        ));
    }
    Ok(Labeled {
        records,
        labels,
        column,
        reported: parsed.reported,
        warnings: parsed.warnings,
    })
}

/// Everything a simulation can vary.
#[derive(Debug, Clone)]
pub struct Options {
    pub features: FeatureConfig,
    pub model: ModelConfig,
    pub query: Query,
    /// Stop a run once this share of the relevant records is found (1.0:
    /// the last one, as `simulate` does; the tuning harness stops at 0.95,
    /// where WSS@95 is known, to save time).
    pub stop_recall: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            features: FeatureConfig::default(),
            model: ModelConfig::default(),
            query: Query::default(),
            stop_recall: 1.0,
        }
    }
}

/// One replay from one prior pair.
#[derive(Debug, Clone)]
pub struct Run {
    /// 0-based rows of the prior include and exclude.
    pub prior: (usize, usize),
    /// Relevance of the records in the order they were screened after the
    /// priors, padded with `false` to all records but the priors.
    pub order: Vec<bool>,
    /// 0-based rows in the order they were screened after the priors (only
    /// those screened: `order` without its padding).
    pub rows: Vec<usize>,
    pub wss95: f64,
    pub wss100: f64,
    pub rrf10: f64,
    /// Milliseconds of each retrain step (train, score every record, pick
    /// the next).
    pub retrain_ms: Vec<f64>,
    /// Coordinate updates over all steps.
    pub updates: usize,
}

#[derive(Debug, Clone)]
pub struct Report {
    pub records: usize,
    pub relevant: usize,
    /// Milliseconds to build the features (tokenize, TF-IDF).
    pub features_ms: f64,
    pub runs: Vec<Run>,
}

impl Report {
    fn mean(&self, f: impl Fn(&Run) -> f64) -> f64 {
        self.runs.iter().map(f).sum::<f64>() / self.runs.len().max(1) as f64
    }
    pub fn wss95(&self) -> f64 {
        self.mean(|r| r.wss95)
    }
    pub fn wss100(&self) -> f64 {
        self.mean(|r| r.wss100)
    }
    pub fn rrf10(&self) -> f64 {
        self.mean(|r| r.rrf10)
    }
    pub fn retrain_ms_mean(&self) -> f64 {
        let (sum, n) = self.runs.iter().fold((0.0, 0usize), |(s, n), r| {
            (s + r.retrain_ms.iter().sum::<f64>(), n + r.retrain_ms.len())
        });
        sum / n.max(1) as f64
    }
    pub fn retrain_ms_max(&self) -> f64 {
        self.runs
            .iter()
            .flat_map(|r| r.retrain_ms.iter().copied())
            .fold(0.0, f64::max)
    }
    /// Features plus the first retrain step, averaged over the runs: the
    /// wait before the first ranking.
    pub fn first_ranking_ms(&self) -> f64 {
        self.features_ms + self.mean(|r| r.retrain_ms.first().copied().unwrap_or(0.0))
    }
}

/// `runs` prior pairs drawn with `seed`: the includes and the excludes
/// each shuffled, and the k-th pair their k-th (cycling through a class
/// when it has fewer records than runs), so that ten runs start from ten
/// different includes where there are ten.
pub fn prior_pairs(labels: &[bool], seed: u64, runs: usize) -> Vec<(usize, usize)> {
    let mut state = seed;
    let mut shuffled = |want: bool| {
        let mut v: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] == want).collect();
        for i in (1..v.len()).rev() {
            let j = (crate::splitmix::next(&mut state) % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
        v
    };
    let inc = shuffled(true);
    let exc = shuffled(false);
    if inc.is_empty() || exc.is_empty() {
        return Vec::new();
    }
    (0..runs)
        .map(|k| (inc[k % inc.len()], exc[k % exc.len()]))
        .collect()
}

/// Builds the features of `records` once and replays every prior pair.
pub fn simulate(
    records: &[Record],
    labels: &[bool],
    priors: &[(usize, usize)],
    opts: &Options,
    seed: u64,
) -> Report {
    let t = Instant::now();
    let rows = terms_of(records, &opts.features);
    let x = Matrix::build(&rows, &opts.features);
    drop(rows);
    let features_ms = t.elapsed().as_secs_f64() * 1e3;
    let runs = priors
        .iter()
        .enumerate()
        .map(|(k, &p)| replay(&x, labels, p, opts, seed.wrapping_add(k as u64)))
        .collect();
    Report {
        records: records.len(),
        relevant: labels.iter().filter(|&&l| l).count(),
        features_ms,
        runs,
    }
}

/// One replay on prepared features.
pub fn replay(
    x: &Matrix,
    labels: &[bool],
    prior: (usize, usize),
    opts: &Options,
    seed: u64,
) -> Run {
    let n = labels.len();
    let mut model = Model::new(x.features(), opts.model.clone(), seed);
    let mut queue = Queue::new(n, opts.query, seed);
    // The screen's scoring: only the undecided records, updated by the
    // change of the weights where that reads less.
    let mut scorer = Scorer::new(x);
    for (row, l) in [(prior.0, true), (prior.1, false)] {
        model.set_label(x, row, Some(l));
        queue.take(row);
        scorer.close(x, row);
    }
    let relevant = labels.iter().filter(|&&l| l).count();
    let mut found = usize::from(labels[prior.0]);
    // Found at least `stop_recall` of the relevant records: done.
    let enough = ((opts.stop_recall * relevant as f64).ceil() as usize).clamp(1, relevant);
    let mut updates = 0;
    let mut order = Vec::with_capacity(n);
    let mut rows = Vec::with_capacity(n);
    let mut retrain_ms = Vec::new();
    let mut scores = Vec::with_capacity(n);
    while found < enough {
        let t = Instant::now();
        model.train(x);
        updates += model.last_updates;
        let (touched, _) = model.take_touched();
        scorer.update(x, &model, &touched);
        scorer.scores(model.intercept(), &mut scores);
        let Some(next) = queue.next(&scores) else {
            break;
        };
        retrain_ms.push(t.elapsed().as_secs_f64() * 1e3);
        queue.take(next);
        scorer.close(x, next);
        model.set_label(x, next, Some(labels[next]));
        order.push(labels[next]);
        rows.push(next);
        if labels[next] {
            found += 1;
        }
    }
    let priors = 1 + usize::from(prior.0 != prior.1);
    // A run stopped early: the relevant records not found go last, so
    // that the metrics count them (WSS up to the recall reached is exact).
    let missing = relevant - found;
    order.resize(n - priors - missing, false);
    order.resize(n - priors, true);
    Run {
        prior,
        wss95: metrics::wss(&order, 0.95),
        wss100: metrics::wss(&order, 1.0),
        rrf10: metrics::rrf(&order, 0.10),
        order,
        rows,
        retrain_ms,
        updates,
    }
}
