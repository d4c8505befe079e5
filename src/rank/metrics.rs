//! How well a screening order finds the relevant records, computed exactly
//! as ASReview's `asreview-insights` package computes them (version 1.x,
//! `algorithms.py` and `metrics.py`), so that numbers from `screener
//! simulate` and from `asreview metrics` can sit in one table.
//!
//! `labels` is the order the records were screened in after the prior
//! records, as relevant (`true`) or not, padded with `false` up to the
//! number of records minus the priors (the records never screened, as
//! insights pads them).

/// Work saved over sampling at `recall` (WSS@95: `recall = 0.95`), as a
/// fraction of the records: how many records earlier than screening in
/// random order the order reached that recall. insights' definition: the
/// random order finds the k-th relevant record at the first position where
/// `round(j * relevant / (records - 1))` reaches k (numpy's `linspace` and
/// `round`, halves to even); the recall level is the largest `k / relevant`
/// not above `recall`.
pub fn wss(labels: &[bool], recall: f64) -> f64 {
    let n = labels.len();
    let pos = labels.iter().filter(|&&l| l).count();
    if n == 0 || pos == 0 {
        return 0.0;
    }
    // Which k: the last k with k / pos <= recall (numpy searchsorted, right).
    let below = (1..=pos)
        .filter(|&k| k as f64 / pos as f64 <= recall)
        .count();
    // Python's y[i - 1] with i = 0 is the last element.
    let k = if below == 0 { pos } else { below };
    let found_at = first_reaching(
        labels.iter().scan(0usize, |c, &l| {
            *c += l as usize;
            Some(*c)
        }),
        k,
    );
    let step = if n > 1 {
        pos as f64 / (n - 1) as f64
    } else {
        0.0
    };
    let random_at = first_reaching(
        (0..n).map(|j| {
            if j + 1 == n && n > 1 {
                pos
            } else {
                (j as f64 * step).round_ties_even() as usize
            }
        }),
        k,
    );
    (random_at as f64 - found_at as f64) / n as f64
}

/// The index of the first value of a non-decreasing sequence that is at
/// least `k` (numpy's `searchsorted`, left); its length if none is.
fn first_reaching(seq: impl Iterator<Item = usize>, k: usize) -> usize {
    let mut len = 0;
    for (i, v) in seq.enumerate() {
        if v >= k {
            return i;
        }
        len = i + 1;
    }
    len
}

/// Relevant records found after screening `fraction` of the records
/// (RRF@10: `fraction = 0.10`), as a fraction of the relevant ones:
/// insights' `recall` at that intercept (the last screening position `i`
/// with `i / records <= fraction`).
pub fn rrf(labels: &[bool], fraction: f64) -> f64 {
    let n = labels.len();
    let pos = labels.iter().filter(|&&l| l).count();
    if n == 0 || pos == 0 {
        return 0.0;
    }
    let screened = (1..=n).filter(|&i| i as f64 / n as f64 <= fraction).count();
    let found = labels[..screened].iter().filter(|&&l| l).count();
    found as f64 / pos as f64
}

/// The recall curve at the given fractions of records screened.
pub fn recall_at(labels: &[bool], fractions: &[f64]) -> Vec<f64> {
    fractions.iter().map(|&f| rrf(labels, f)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(s: &str) -> Vec<bool> {
        s.bytes().map(|b| b == b'1').collect()
    }

    // Expected values computed by hand from insights' definitions (and
    // checked with asreviewcontrib.insights.metrics._wss / _recall in a
    // virtualenv: same numbers).
    #[test]
    fn wss_by_hand() {
        // 10 records, 2 relevant, found at positions 0 and 2.
        // random: round(j * 2/9) for j = 0..9: 0 0 0 1 1 1 1 2 2 2.
        // k for 0.95: 1 (1/2 <= 0.95, 2/2 > 0.95). Found at 0; random at 3.
        let labels = l("1010000000");
        assert!((wss(&labels, 0.95) - 0.3).abs() < 1e-12);
        // WSS@100: k = 2, found at 2, random at 7: 0.5.
        assert!((wss(&labels, 1.0) - 0.5).abs() < 1e-12);
        // A bad order: relevant last. k = 2 found at 9, random at 7: -0.2.
        assert!((wss(&l("0000000011"), 1.0) + 0.2).abs() < 1e-12);
        // One relevant record: k/pos = 1 > 0.95, so Python's y[-1] (k = 1);
        // random: round(0, 1/3, 2/3) = 0 0 1, found at 1, random at 2.
        assert!((wss(&l("0100"), 0.95) - 0.25).abs() < 1e-12);
        // Halves round to even: 5 records, 2 relevant, step 0.5:
        // round(0, .5, 1, 1.5, 2) = 0 0 1 2 2; k = 1 at 2.
        assert!((wss(&l("10001"), 0.95) - 2.0 / 5.0).abs() < 1e-12);
    }

    #[test]
    fn rrf_by_hand() {
        // 20 records; 10% = 2 screened; 3 relevant, 1 in the first two.
        let mut labels = l("01000000000000000011");
        assert!((rrf(&labels, 0.10) - 1.0 / 3.0).abs() < 1e-12);
        labels[0] = true;
        labels[19] = false;
        assert!((rrf(&labels, 0.10) - 2.0 / 3.0).abs() < 1e-12);
        // 15 records: 10% is 1.5, so one record counts.
        assert!((rrf(&l("011000000000000"), 0.10) - 0.0).abs() < 1e-12);
        assert_eq!(recall_at(&l("1001"), &[0.25, 0.5, 1.0]), [0.5, 0.5, 1.0]);
    }
}
