//! Agreement between raters, as reviewers and journals ask for it: percent
//! agreement, Cohen's kappa with its confidence interval, PABAK, Gwet's AC1
//! and Fleiss' kappa. Pure arithmetic over counts; `compare` builds the
//! counts from decisions.
//!
//! A coefficient that cannot be computed (no record, or no variation at
//! all, where kappa is 0/0) is an [`Undefined`] with the reason, never NaN,
//! 0 or 1. The formulas and the published examples they are checked
//! against are in `docs/TWO-REVIEWERS.md`.

use std::fmt;

/// How the kappa's confidence interval is computed, as reports name it.
pub const KAPPA_CI_METHOD: &str =
    "95% CI from the large-sample standard error of Fleiss, Cohen & Everitt (1969)";

/// The normal quantile of a two-sided 95% interval.
const Z_95: f64 = 1.959_963_984_540_054;

/// Why a coefficient has no value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undefined(pub String);

impl fmt::Display for Undefined {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub type Coefficient = Result<f64, Undefined>;

fn no_records() -> Undefined {
    Undefined("no record was rated by both".into())
}

/// A square table of counts: `counts[i][j]` subjects that the first rater
/// put in category `i` and the second in category `j`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub counts: Vec<Vec<u64>>,
}

impl Table {
    /// An empty `k` x `k` table.
    pub fn new(k: usize) -> Table {
        Table {
            counts: vec![vec![0; k]; k],
        }
    }

    pub fn from_rows(rows: &[&[u64]]) -> Table {
        Table {
            counts: rows.iter().map(|r| r.to_vec()).collect(),
        }
    }

    pub fn k(&self) -> usize {
        self.counts.len()
    }

    pub fn n(&self) -> u64 {
        self.counts.iter().flatten().sum()
    }

    pub fn agreements(&self) -> u64 {
        (0..self.k()).map(|i| self.counts[i][i]).sum()
    }

    fn rows(&self) -> Vec<f64> {
        self.counts
            .iter()
            .map(|r| r.iter().sum::<u64>() as f64)
            .collect()
    }

    fn cols(&self) -> Vec<f64> {
        (0..self.k())
            .map(|j| self.counts.iter().map(|r| r[j]).sum::<u64>() as f64)
            .collect()
    }

    /// The table with categories merged: `into[i]` is the new category of
    /// old category `i` (maybe counted as include, say).
    pub fn collapse(&self, into: &[usize], k: usize) -> Table {
        let mut t = Table::new(k);
        for (i, row) in self.counts.iter().enumerate() {
            for (j, &c) in row.iter().enumerate() {
                t.counts[into[i]][into[j]] += c;
            }
        }
        t
    }
}

/// Observed proportion of agreement.
pub fn agreement(t: &Table) -> Coefficient {
    let n = t.n();
    if n == 0 {
        return Err(no_records());
    }
    Ok(t.agreements() as f64 / n as f64)
}

/// Expected agreement by chance from the two raters' own marginals.
fn chance(t: &Table) -> f64 {
    let n = t.n() as f64;
    t.rows()
        .iter()
        .zip(t.cols())
        .map(|(r, c)| r * c)
        .sum::<f64>()
        / (n * n)
}

/// Cohen's (1960) kappa: (po - pe) / (1 - pe).
pub fn cohen_kappa(t: &Table) -> Coefficient {
    let n = t.n();
    if n == 0 {
        return Err(no_records());
    }
    let po = t.agreements() as f64 / n as f64;
    let pe = chance(t);
    if 1.0 - pe < 1e-12 {
        return Err(Undefined(
            "no variation: both raters put every record in one and the same category, \
             so chance agreement is 100% and kappa is 0/0"
                .into(),
        ));
    }
    Ok((po - pe) / (1.0 - pe))
}

/// The large-sample standard error of kappa of Fleiss, Cohen & Everitt
/// (1969), for confidence intervals (not the one under kappa = 0):
///
/// se = sqrt( sum_i p_ii [1 - (p_i. + p_.i)(1 - k)]^2
///          + (1 - k)^2 sum_{i != j} p_ij (p_.i + p_j.)^2
///          - [k - pe (1 - k)]^2 ) / ((1 - pe) sqrt(n))
pub fn kappa_se(t: &Table) -> Coefficient {
    let kappa = cohen_kappa(t)?;
    let n = t.n() as f64;
    let rows: Vec<f64> = t.rows().iter().map(|r| r / n).collect();
    let cols: Vec<f64> = t.cols().iter().map(|c| c / n).collect();
    let pe = chance(t);
    let mut a = 0.0;
    let mut b = 0.0;
    for i in 0..t.k() {
        for j in 0..t.k() {
            let p = t.counts[i][j] as f64 / n;
            if i == j {
                a += p * (1.0 - (rows[i] + cols[i]) * (1.0 - kappa)).powi(2);
            } else {
                b += p * (cols[i] + rows[j]).powi(2);
            }
        }
    }
    let c = (kappa - pe * (1.0 - kappa)).powi(2);
    // Rounding can leave a tiny negative where the variance is 0 (perfect
    // agreement).
    let var = (a + (1.0 - kappa).powi(2) * b - c).max(0.0);
    Ok(var.sqrt() / ((1.0 - pe) * n.sqrt()))
}

/// Kappa's 95% confidence interval (see [`KAPPA_CI_METHOD`]), kept within
/// [-1, 1].
pub fn kappa_ci(t: &Table) -> Result<(f64, f64), Undefined> {
    let kappa = cohen_kappa(t)?;
    let se = kappa_se(t)?;
    Ok(((kappa - Z_95 * se).max(-1.0), (kappa + Z_95 * se).min(1.0)))
}

/// Prevalence- and bias-adjusted kappa (Byrt, Bishop & Carlin 1993):
/// (k po - 1) / (k - 1) over the table's `k` categories; the same as
/// Brennan & Prediger's (1981) coefficient.
pub fn pabak(t: &Table) -> Coefficient {
    let po = agreement(t)?;
    let k = t.k() as f64;
    Ok((k * po - 1.0) / (k - 1.0))
}

/// Gwet's (2008) AC1: (po - pe) / (1 - pe) with
/// pe = sum_k pi_k (1 - pi_k) / (K - 1), pi_k the mean of the two raters'
/// shares of category k. Defined whenever a record was rated by both.
pub fn ac1(t: &Table) -> Coefficient {
    let po = agreement(t)?;
    let n = t.n() as f64;
    let k = t.k() as f64;
    let pe = t
        .rows()
        .iter()
        .zip(t.cols())
        .map(|(r, c)| {
            let pi = (r + c) / (2.0 * n);
            pi * (1.0 - pi)
        })
        .sum::<f64>()
        / (k - 1.0);
    Ok((po - pe) / (1.0 - pe))
}

/// Fleiss' (1971) kappa for several raters: `subjects[i][j]` raters who put
/// subject i in category j, every subject rated by the same number of
/// raters (at least two).
pub fn fleiss_kappa(subjects: &[Vec<u64>]) -> Coefficient {
    let Some(first) = subjects.first() else {
        return Err(Undefined("no record was rated by every rater".into()));
    };
    let m: u64 = first.iter().sum();
    if m < 2 {
        return Err(Undefined("fewer than two raters".into()));
    }
    if subjects.iter().any(|s| s.iter().sum::<u64>() != m) {
        return Err(Undefined(
            "the records were not all rated by the same number of raters".into(),
        ));
    }
    let big_n = subjects.len() as f64;
    let m = m as f64;
    let k = first.len();
    let mut totals = vec![0.0; k];
    let mut p_bar = 0.0;
    for s in subjects {
        let mut sq = 0.0;
        for (j, &c) in s.iter().enumerate() {
            totals[j] += c as f64;
            sq += (c * c) as f64;
        }
        p_bar += (sq - m) / (m * (m - 1.0));
    }
    p_bar /= big_n;
    let pe: f64 = totals
        .iter()
        .map(|t| {
            let p = t / (big_n * m);
            p * p
        })
        .sum();
    if 1.0 - pe < 1e-12 {
        return Err(Undefined(
            "no variation: every rating is in one and the same category, \
             so chance agreement is 100% and kappa is 0/0"
                .into(),
        ));
    }
    Ok((p_bar - pe) / (1.0 - pe))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, places: i32) -> bool {
        (a - b).abs() < 0.5 * 10f64.powi(-places)
    }

    #[track_caller]
    fn assert_close(got: f64, want: f64, places: i32) {
        assert!(close(got, want, places), "got {got}, want {want}");
    }

    /// SAS/STAT User's Guide, PROC FREQ, "Getting Started: Agreement Study"
    /// (skin condition rated by two dermatologists): simple kappa 0.3449,
    /// ASE 0.0724, 95% confidence limits 0.2030 and 0.4868. SAS documents
    /// its ASE as that of Fleiss, Cohen & Everitt (1969).
    #[test]
    fn kappa_and_its_interval_match_the_sas_agreement_study() {
        let t = Table::from_rows(&[
            &[10, 4, 1, 0],
            &[5, 10, 12, 2],
            &[2, 4, 12, 5],
            &[0, 2, 6, 13],
        ]);
        assert_close(cohen_kappa(&t).unwrap(), 0.3449, 4);
        assert_close(kappa_se(&t).unwrap(), 0.0724, 4);
        let (lo, hi) = kappa_ci(&t).unwrap();
        assert_close(lo, 0.2030, 4);
        assert_close(hi, 0.4868, 4);
    }

    /// A second SAS PROC FREQ printout, reproduced in statsmodels'
    /// `stats/tests/test_inter_rater.py` (`table10`): kappa 0.4842,
    /// ASE 0.1380, 95% limits 0.2137 and 0.7547.
    #[test]
    fn kappa_and_its_interval_match_a_second_sas_printout() {
        let t = Table::from_rows(&[&[0, 4, 1], &[0, 8, 0], &[0, 1, 5]]);
        assert_close(cohen_kappa(&t).unwrap(), 0.4842, 4);
        assert_close(kappa_se(&t).unwrap(), 0.1380, 4);
        let (lo, hi) = kappa_ci(&t).unwrap();
        assert_close(lo, 0.2137, 4);
        assert_close(hi, 0.7547, 4);
    }

    /// Gwet, K. L. (2014), Handbook of Inter-Rater Reliability, 4th ed.:
    /// 100 pregnancies classified by two abstractors (Ectopic, AIU, NIU):
    /// Cohen's kappa 0.796, Gwet's AC1 0.849, Brennan-Prediger 0.835 (which
    /// is PABAK for nominal categories). The same values are in the tests
    /// of Gwet's irrCAC package (`cont3x3abstractors`).
    #[test]
    fn kappa_ac1_and_pabak_match_gwets_abstractors_example() {
        let t = Table::from_rows(&[&[13, 0, 0], &[0, 20, 7], &[0, 4, 56]]);
        assert_close(cohen_kappa(&t).unwrap(), 0.796, 3);
        assert_close(ac1(&t).unwrap(), 0.849, 3);
        assert_close(pabak(&t).unwrap(), 0.835, 3);
        assert_close(agreement(&t).unwrap(), 0.89, 6);
    }

    /// Gwet (2014): 223 psychiatric patients, clinical vs research
    /// diagnosis (irrCAC `cont4x4diagnosis`): kappa 0.432, AC1 0.456,
    /// Brennan-Prediger 0.450.
    #[test]
    fn kappa_ac1_and_pabak_match_gwets_diagnosis_example() {
        let t = Table::from_rows(&[
            &[40, 4, 4, 17],
            &[6, 25, 2, 13],
            &[4, 1, 21, 12],
            &[15, 5, 9, 45],
        ]);
        assert_close(cohen_kappa(&t).unwrap(), 0.432, 3);
        assert_close(ac1(&t).unwrap(), 0.456, 3);
        assert_close(pabak(&t).unwrap(), 0.450, 3);
    }

    /// Fleiss, J. L. (1971), Measuring nominal scale agreement among many
    /// raters, Psychological Bulletin 76(5):378-382: 30 patients, 6
    /// psychiatrists each, 5 diagnoses; kappa = 0.430 (R irr's
    /// `kappam.fleiss(diagnoses)` gives 0.4302445).
    #[test]
    fn fleiss_kappa_matches_fleiss_1971() {
        let diagnoses: [[u8; 6]; 30] = [
            [4, 4, 4, 4, 4, 4],
            [2, 2, 2, 5, 5, 5],
            [2, 3, 3, 3, 3, 5],
            [5, 5, 5, 5, 5, 5],
            [2, 2, 2, 4, 4, 4],
            [1, 1, 3, 3, 3, 3],
            [3, 3, 3, 3, 5, 5],
            [1, 1, 3, 3, 3, 4],
            [1, 1, 4, 4, 4, 4],
            [5, 5, 5, 5, 5, 5],
            [1, 4, 4, 4, 4, 4],
            [1, 2, 4, 4, 4, 4],
            [2, 2, 2, 3, 3, 3],
            [1, 4, 4, 4, 4, 4],
            [2, 2, 4, 4, 4, 5],
            [3, 3, 3, 3, 3, 5],
            [1, 1, 1, 4, 5, 5],
            [1, 1, 1, 1, 1, 2],
            [2, 2, 4, 4, 4, 4],
            [1, 3, 3, 5, 5, 5],
            [5, 5, 5, 5, 5, 5],
            [2, 4, 4, 4, 4, 4],
            [2, 2, 4, 5, 5, 5],
            [1, 1, 4, 4, 4, 4],
            [1, 4, 4, 4, 4, 5],
            [2, 2, 2, 2, 2, 4],
            [1, 1, 1, 1, 5, 5],
            [2, 2, 4, 4, 4, 4],
            [1, 3, 3, 3, 3, 3],
            [5, 5, 5, 5, 5, 5],
        ];
        let subjects: Vec<Vec<u64>> = diagnoses
            .iter()
            .map(|row| {
                let mut c = vec![0u64; 5];
                for &d in row {
                    c[d as usize - 1] += 1;
                }
                c
            })
            .collect();
        assert_close(fleiss_kappa(&subjects).unwrap(), 0.4302445, 7);
    }

    /// Cross-check on arbitrary 3x3 tables (negative kappas, empty cells)
    /// against statsmodels 0.15 `cohens_kappa(t).kappa` and `.std_kappa`
    /// (run by hand in a virtualenv outside the repository).
    #[test]
    fn kappa_and_se_agree_with_statsmodels_on_arbitrary_tables() {
        let cases: [([[u64; 3]; 3], f64, f64); 4] = [
            (
                [[14, 9, 10], [13, 8, 11], [12, 3, 0]],
                -0.1159211159,
                0.0686454361,
            ),
            (
                [[4, 4, 13], [13, 0, 7], [12, 1, 11]],
                -0.1724386724,
                0.0729689903,
            ),
            (
                [[1, 7, 12], [4, 5, 4], [10, 3, 14]],
                -0.045751634,
                0.089207592,
            ),
            (
                [[6, 7, 7], [8, 8, 7], [14, 12, 11]],
                -0.0246856078,
                0.0757787868,
            ),
        ];
        for (rows, kappa, se) in cases {
            let t = Table::from_rows(&[&rows[0], &rows[1], &rows[2]]);
            assert_close(cohen_kappa(&t).unwrap(), kappa, 9);
            assert_close(kappa_se(&t).unwrap(), se, 9);
        }
    }

    #[test]
    fn fleiss_kappa_of_two_raters_is_scotts_pi() {
        // Two raters: Fleiss' kappa reduces to Scott's pi, (po - pe) / (1 - pe)
        // with pe from the pooled marginals. 10 records: 4 both yes, 4 both
        // no, 2 split: po = 0.8, pooled yes = 10/20, pe = 0.5, pi = 0.6.
        let mut subjects = vec![vec![2, 0]; 4];
        subjects.extend(vec![vec![0, 2]; 4]);
        subjects.extend(vec![vec![1, 1]; 2]);
        assert_close(fleiss_kappa(&subjects).unwrap(), 0.6, 9);
    }

    #[test]
    fn perfect_agreement_with_variation_is_one_with_a_zero_width_interval() {
        let t = Table::from_rows(&[&[5, 0, 0], &[0, 7, 0], &[0, 0, 2]]);
        assert_close(cohen_kappa(&t).unwrap(), 1.0, 12);
        assert_eq!(kappa_ci(&t).unwrap(), (1.0, 1.0));
        assert_close(pabak(&t).unwrap(), 1.0, 12);
        assert_close(ac1(&t).unwrap(), 1.0, 12);
    }

    #[test]
    fn no_variation_leaves_kappa_undefined_with_the_reason() {
        // Both include everything.
        let t = Table::from_rows(&[&[9, 0, 0], &[0, 0, 0], &[0, 0, 0]]);
        let why = cohen_kappa(&t).unwrap_err();
        assert!(why.0.contains("no variation"), "{why}");
        assert!(kappa_ci(&t).is_err());
        // The coefficients that do not divide by chance agreement stay defined.
        assert_close(pabak(&t).unwrap(), 1.0, 12);
        assert_close(ac1(&t).unwrap(), 1.0, 12);
        // Maybes only: the same.
        let t = Table::from_rows(&[&[0, 0, 0], &[0, 0, 0], &[0, 0, 4]]);
        assert!(cohen_kappa(&t).is_err());
    }

    #[test]
    fn one_rater_including_everything_gives_kappa_zero_not_undefined() {
        // A includes all 10; B includes 6 and excludes 4: po = pe = 0.6.
        let t = Table::from_rows(&[&[6, 4, 0], &[0, 0, 0], &[0, 0, 0]]);
        assert_close(cohen_kappa(&t).unwrap(), 0.0, 12);
        assert_close(agreement(&t).unwrap(), 0.6, 12);
    }

    #[test]
    fn a_single_record_is_undefined_when_agreed_and_zero_when_not() {
        let agreed = Table::from_rows(&[&[1, 0], &[0, 0]]);
        assert!(cohen_kappa(&agreed).is_err());
        let split = Table::from_rows(&[&[0, 1], &[0, 0]]);
        assert_close(cohen_kappa(&split).unwrap(), 0.0, 12);
        assert_close(agreement(&split).unwrap(), 0.0, 12);
    }

    #[test]
    fn no_records_leaves_everything_undefined() {
        let t = Table::new(3);
        assert!(agreement(&t).is_err());
        assert!(cohen_kappa(&t).is_err());
        assert!(pabak(&t).is_err());
        assert!(ac1(&t).is_err());
        assert!(fleiss_kappa(&[]).is_err());
    }

    #[test]
    fn collapsing_maybe_into_include_adds_its_rows_and_columns() {
        // include, exclude, maybe → include (0), exclude (1).
        let t = Table::from_rows(&[&[3, 1, 2], &[0, 5, 1], &[1, 0, 1]]);
        let c = t.collapse(&[0, 1, 0], 2);
        assert_eq!(c, Table::from_rows(&[&[7, 1], &[1, 5]]));
        assert_eq!(c.n(), t.n());
    }

    #[test]
    fn coefficients_stay_in_range_on_every_small_table() {
        // Every 2x2 table with up to 4 records in a cell.
        for a in 0..5u64 {
            for b in 0..5 {
                for c in 0..5 {
                    for d in 0..5 {
                        let t = Table::from_rows(&[&[a, b], &[c, d]]);
                        for v in [cohen_kappa(&t), pabak(&t), ac1(&t)].into_iter().flatten() {
                            assert!(
                                v.is_finite() && (-1.0..=1.0 + 1e-12).contains(&v),
                                "{t:?}: {v}"
                            );
                        }
                        if let Ok((lo, hi)) = kappa_ci(&t) {
                            let k = cohen_kappa(&t).unwrap();
                            assert!(lo <= k + 1e-12 && k <= hi + 1e-12, "{t:?}");
                        }
                    }
                }
            }
        }
    }
}
