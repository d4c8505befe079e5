//! When to stop screening: how many relevant records may still be among
//! the unscreened ones, by the statistical stopping criterion of Callaghan
//! & Müller-Hansen (2020), "Statistical stopping criteria for automated
//! screening in systematic reviews", Systematic Reviews 9:273,
//! doi:10.1186/s13643-020-01521-4 — the criterion their `buscar` packages
//! implement as `calculate_h0` with `bias = 1`.
//!
//! The idea: the last `i` records screened are treated as a sample drawn
//! from a population made of those `i` and every record not yet screened.
//! If recall were below the target, that population would hold at least
//! `K` relevant records (`K` follows from the relevant records found so
//! far); the hypergeometric distribution gives the probability of finding
//! as few relevant records as were found in the sample. Taking the
//! smallest such probability over every `i` (every "urn" of most recent
//! records) gives a p-value for "recall is below the target"; below
//! `1 - confidence`, the target is reached with that confidence.
//!
//! The assumption that makes this valid: each record screened was at least
//! as likely to be relevant as a record drawn at random from those left,
//! which holds when records are screened in relevance order (the model puts
//! likely includes first) or in random order, and not in import or year
//! order. And the decisions are taken as right. A maybe counts as relevant
//! (it goes on to full text), so the estimate is about records not to
//! exclude.

use crate::project::{Project, Stage, Verdict};

/// What the criterion says now.
#[derive(Debug, Clone, PartialEq)]
pub struct Stopping {
    /// Records screened (include, exclude or maybe) and eligible.
    pub screened: usize,
    pub eligible: usize,
    /// Includes and maybes among the screened.
    pub relevant: usize,
    /// Records screened since the last include or maybe (all of them when
    /// there is none).
    pub since_last_relevant: usize,
    pub target: f64,
    pub confidence: f64,
    /// Nothing to estimate yet, and why (then the fields below are `None`).
    pub not_yet: Option<&'static str>,
    /// p-value of "recall is below the target".
    pub p_value: Option<f64>,
    /// At most this many relevant records are left unscreened, with the
    /// confidence.
    pub remaining_max: Option<usize>,
    /// The recall that can be claimed with the confidence:
    /// `relevant / (relevant + remaining_max)`.
    pub recall_claim: Option<f64>,
    /// Records that, screened next and all excluded, would bring the
    /// p-value under `1 - confidence`; `None` when the target is reached
    /// or only screening everything would.
    pub more_needed: Option<usize>,
}

impl Stopping {
    pub fn reached(&self) -> bool {
        self.p_value.is_some_and(|p| p < 1.0 - self.confidence)
    }

    /// One line for `status` and the screen's panel.
    pub fn summary(&self) -> String {
        use crate::human::fmt_n;
        let left = self.eligible - self.screened;
        let head = format!(
            "{} screened since the last include",
            fmt_n(self.since_last_relevant)
        );
        if let Some(why) = self.not_yet {
            return format!("{head} · stopping estimate: {why}");
        }
        let pct = |x: f64| format!("{:.0}%", 100.0 * x);
        let p = self.p_value.unwrap_or(1.0);
        let rmax = self.remaining_max.unwrap_or(left);
        let claim = self.recall_claim.unwrap_or(0.0);
        if self.reached() {
            format!(
                "{head} · recall ≥ {} with {} confidence (p = {p:.3}): at most {} relevant left \
                 among {} unscreened",
                pct(self.target),
                pct(self.confidence),
                fmt_n(rmax),
                fmt_n(left)
            )
        } else {
            let next = match self.more_needed {
                Some(m) => format!(
                    "about {} more without an include would reach {}",
                    fmt_n(m),
                    pct(self.target)
                ),
                None => "only screening every record would reach it".to_string(),
            };
            format!(
                "{head} · not yet {} recall (p = {p:.2}): up to {} relevant may be left ({} \
                 confidence; recall ≥ {} claimable); {next}",
                pct(self.target),
                fmt_n(rmax),
                pct(self.confidence),
                pct(claim)
            )
        }
    }
}

/// The assumptions behind [`Stopping`], in words, for the screen's panel
/// and the docs.
pub const ASSUMPTIONS: &str = "Callaghan & Müller-Hansen (2020) hypergeometric stopping test: \
valid if records were screened in relevance (or random) order, so that each one screened was at \
least as likely to be relevant as any left; not valid for import or year order. Decisions are \
taken as right; a maybe counts as relevant.";

/// The criterion over `labels` (relevant or not, in the order screened) out
/// of `eligible` records.
pub fn estimate(labels: &[bool], eligible: usize, target: f64, confidence: f64) -> Stopping {
    let screened = labels.len().min(eligible);
    let labels = &labels[..screened];
    let relevant = labels.iter().filter(|&&l| l).count();
    let since_last_relevant = labels.iter().rev().take_while(|&&l| !l).count();
    let mut s = Stopping {
        screened,
        eligible,
        relevant,
        since_last_relevant,
        target,
        confidence,
        not_yet: None,
        p_value: None,
        remaining_max: None,
        recall_claim: None,
        more_needed: None,
    };
    if relevant == 0 {
        s.not_yet = Some(if screened == 0 {
            "nothing screened yet"
        } else {
            "no include yet; screen on in relevance order"
        });
        return s;
    }
    let alpha = 1.0 - confidence;
    let left = eligible - screened;
    let urns = Urns::new(labels, eligible);
    let m = missed_for(relevant, target);
    let p = urns.p(m, 0);
    s.p_value = Some(p);
    // The fewest left relevant records "at least m + 1 left" can be
    // rejected for: p falls as m grows.
    let (mut lo, mut hi) = (0usize, left);
    if urns.p(hi, 0) >= alpha {
        lo = hi;
    } else {
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if urns.p(mid, 0) < alpha {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
    }
    s.remaining_max = Some(lo);
    s.recall_claim = Some(relevant as f64 / (relevant + lo) as f64);
    if p >= alpha && left > 0 {
        // Excluded records screened next: each urn keeps its relevant
        // count and population and grows, so p falls with their number.
        if urns.p(m, left) < alpha {
            let (mut lo, mut hi) = (1usize, left);
            while lo < hi {
                let mid = lo + (hi - lo) / 2;
                if urns.p(m, mid) < alpha {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            s.more_needed = Some(lo);
        }
    }
    s
}

/// Relevant records that would have to be left for recall to be below
/// `target` when `found` were found, minus one: recall < target ⇔
/// left ≥ floor(found / target − found + 1) (buscar's `k_hat` less the
/// urn's own relevant records).
fn missed_for(found: usize, target: f64) -> usize {
    let k = (found as f64 / target - found as f64 + 1.0).floor();
    (k.max(1.0) as usize) - 1
}

/// The urns of most recent records, computed once and tested for many
/// hypotheses. Only the urns that end just before a relevant record (and
/// the whole sequence) are kept: growing an urn by an excluded record
/// lowers its p-value (the new draw is a non-relevant record added to the
/// population and to the sample, which can only shift the count of
/// relevant records drawn upward), so within a run of exclusions the
/// longest urn has the smallest p. That makes a test cost one term per
/// relevant record instead of one per record screened.
struct Urns {
    /// (size, relevant in it) of the urns that matter.
    urns: Vec<(usize, usize)>,
    /// Whether the most recent record is relevant (then an urn of only
    /// extra exclusions, see [`Urns::p`], ends a run).
    last_relevant: bool,
    left: usize,
}

impl Urns {
    fn new(labels: &[bool], eligible: usize) -> Urns {
        let rev: Vec<bool> = labels.iter().rev().copied().collect();
        let mut urns = Vec::new();
        let mut k = 0;
        for i in 0..rev.len() {
            k += rev[i] as usize;
            if i + 1 == rev.len() || rev[i + 1] {
                urns.push((i + 1, k));
            }
        }
        Urns {
            urns,
            last_relevant: rev.first().copied().unwrap_or(false),
            left: eligible - labels.len(),
        }
    }

    /// p-value of "more than `m` relevant records are left", if `extra`
    /// more records were screened next and excluded: the smallest over the
    /// urns of P(X ≤ k) for X hypergeometric with the urn and the records
    /// left as population, `k + m + 1` relevant in it, the urn's size drawn.
    fn p(&self, m: usize, extra: usize) -> f64 {
        let left = self.left - extra.min(self.left);
        let mut best = 1.0f64;
        if extra > 0 && self.last_relevant {
            best = best.min(hypergeom_cdf(0, extra + left, m + 1, extra));
        }
        for &(size, k) in &self.urns {
            let draws = size + extra;
            best = best.min(hypergeom_cdf(k, draws + left, k + m + 1, draws));
            if best == 0.0 {
                break;
            }
        }
        best
    }
}

/// P(X ≤ k) for X hypergeometric: `draws` drawn without replacement from
/// `population` holding `successes` (scipy's `hypergeom.cdf(k, M=population,
/// n=successes, N=draws)`). More successes than the population holds makes
/// the event impossible under the hypothesis, so 0.
pub fn hypergeom_cdf(k: usize, population: usize, successes: usize, draws: usize) -> f64 {
    if successes > population {
        return 0.0;
    }
    let draws = draws.min(population);
    let lo = (draws + successes).saturating_sub(population);
    let hi = draws.min(successes);
    if k < lo {
        return 0.0;
    }
    if k >= hi {
        return 1.0;
    }
    // Sum the smaller tail, starting from the mode's side that is cheaper:
    // terms by the ratio recurrence from the lowest x.
    let ln = |x: usize| {
        ln_choose(successes, x) + ln_choose(population - successes, draws - x)
            - ln_choose(population, draws)
    };
    let lower_terms = k - lo + 1;
    let upper_terms = hi - k;
    if lower_terms <= upper_terms {
        let mut term = ln(lo).exp();
        let mut sum = term;
        for x in lo..k {
            // x >= lo makes population + x >= successes + draws.
            let failures_left = (population + x + 1 - successes - draws) as f64;
            term *= (successes - x) as f64 * (draws - x) as f64 / ((x + 1) as f64 * failures_left);
            sum += term;
        }
        sum.min(1.0)
    } else {
        let mut term = ln(hi).exp();
        let mut sum = term;
        let mut x = hi;
        while x > k + 1 {
            let failures_left = (population + x - successes - draws) as f64;
            term *=
                x as f64 * failures_left / ((successes - x + 1) as f64 * (draws - x + 1) as f64);
            sum += term;
            x -= 1;
        }
        (1.0 - sum).max(0.0)
    }
}

fn ln_choose(n: usize, k: usize) -> f64 {
    ln_factorial(n) - ln_factorial(k) - ln_factorial(n - k)
}

fn ln_factorial(n: usize) -> f64 {
    if n < 64 {
        return (2..=n).map(|i| (i as f64).ln()).sum();
    }
    // Stirling's series: the error is below 1e-16 relative from 64 on.
    let x = n as f64;
    x * x.ln() - x + 0.5 * (2.0 * std::f64::consts::PI * x).ln() + 1.0 / (12.0 * x)
        - 1.0 / (360.0 * x.powi(3))
        + 1.0 / (1260.0 * x.powi(5))
}

/// The reviewer's screening at `stage` as the criterion reads it: the
/// records decided (include, exclude, maybe, not retrieved), relevant or
/// not, in the order they were first decided, and how many are eligible.
pub fn sequence(project: &Project, reviewer: &str, stage: Stage) -> (Vec<bool>, usize) {
    let (eligible, decided) = super::decided_in_order(project, reviewer, stage);
    let relevant = decided
        .into_iter()
        .map(|(_, d)| matches!(d.verdict, Verdict::Include | Verdict::Maybe))
        .collect();
    (relevant, eligible.len())
}

/// The stopping line of `status`: [`Stopping::summary`] at 95% recall and
/// 95% confidence.
pub fn status_line(project: &Project, reviewer: &str, stage: Stage) -> String {
    let (labels, eligible) = sequence(project, reviewer, stage);
    estimate(&labels, eligible, 0.95, 0.95).summary()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Reference values from scipy 1.x: scipy.stats.hypergeom.cdf(k, M, n, N)
    // (M population, n successes, N draws).
    #[test]
    fn hypergeom_cdf_matches_scipy() {
        let cases: [(usize, usize, usize, usize, f64); 9] = [
            (0, 100, 5, 10, 0.583_752_366_926_151_8),
            (1, 100, 5, 10, 0.923_143_277_929_728_6),
            (2, 50, 10, 20, 0.139_038_657_380_906_95),
            (0, 1000, 3, 500, 0.124_624_624_624_624_62),
            (0, 2000, 40, 300, 0.001_400_980_331_196_170_8),
            (12, 10_000, 500, 300, 0.257_439_774_520_519),
            (5, 60, 30, 20, 0.006_349_473_145_896_315),
            (8, 20, 12, 15, 0.306_501_547_987_616_03),
            (10, 20, 12, 15, 0.942_208_462_332_301_4),
        ];
        for (k, m, n, draws, want) in cases {
            let got = hypergeom_cdf(k, m, n, draws);
            assert!(
                (got - want).abs() < 1e-9 * want.max(1e-3),
                "cdf({k}; {m}, {n}, {draws}) = {got}, scipy {want}"
            );
        }
        assert_eq!(hypergeom_cdf(3, 10, 20, 5), 0.0);
        assert_eq!(hypergeom_cdf(5, 100, 5, 10), 1.0);
    }

    /// 1,000 records; 40 relevant found among the first 200 (every fifth),
    /// then only exclusions, `screened` in all.
    fn screening(screened: usize) -> Vec<bool> {
        (0..screened).map(|i| i < 200 && i % 5 == 0).collect()
    }

    // The same p as buscar's calculate_h0 (bias 1; rapid-screening's
    // minimal example), run in Python with scipy on these sequences.
    #[test]
    fn p_value_matches_buscar() {
        for (screened, want) in [
            (300, 0.659_606_119_364_513_2),
            (500, 0.239_968_330_692_756_58),
            (700, 0.051_625_318_592_331_65),
            (800, 0.015_219_567_111_662_672),
            (900, 0.001_873_765_800_179_575_5),
        ] {
            let s = estimate(&screening(screened), 1000, 0.95, 0.95);
            let p = s.p_value.unwrap();
            assert!((p - want).abs() < 1e-9, "{screened}: {p} vs {want}");
            assert_eq!(s.reached(), want < 0.05);
        }
        let s = estimate(&screening(500), 1000, 0.95, 0.95);
        assert_eq!(s.relevant, 40);
        assert_eq!(s.since_last_relevant, 304);
        // Screening the records `more_needed` says, all excluded, gets
        // there; one fewer does not (700 is not enough, 800 is).
        let more = s.more_needed.unwrap();
        assert!((200..300).contains(&more), "{more}");
        assert!(estimate(&screening(500 + more), 1000, 0.95, 0.95).reached());
        assert!(!estimate(&screening(499 + more), 1000, 0.95, 0.95).reached());
    }

    #[test]
    fn the_bound_on_what_is_left_agrees_with_the_test() {
        let labels = screening(800);
        let s = estimate(&labels, 1000, 0.95, 0.95);
        let u = s.remaining_max.unwrap();
        // "more than u left" is rejected, "more than u - 1 left" is not.
        let urns = Urns::new(&labels, 1000);
        assert!(urns.p(u, 0) < 0.05);
        assert!(u == 0 || urns.p(u - 1, 0) >= 0.05);
        // Recall 95% reached means at most floor(40/0.95 - 40) = 2 left.
        assert!(u <= 2);
        assert!((s.recall_claim.unwrap() - 40.0 / (40 + u) as f64).abs() < 1e-12);
    }

    #[test]
    fn says_what_to_do_without_an_include() {
        let s = estimate(&[false; 30], 100, 0.95, 0.95);
        assert!(s.not_yet.is_some());
        assert!(s.summary().contains("no include yet"));
        assert_eq!(s.since_last_relevant, 30);
        assert!(
            estimate(&[], 100, 0.95, 0.95)
                .summary()
                .contains("nothing screened")
        );
    }

    /// P(X ≤ k) by summing exact probabilities (binomials in f64).
    fn brute_cdf(k: usize, population: usize, successes: usize, draws: usize) -> f64 {
        fn choose(n: usize, k: usize) -> f64 {
            if k > n {
                return 0.0;
            }
            (0..k).fold(1.0, |acc, i| acc * (n - i) as f64 / (i + 1) as f64)
        }
        let total = choose(population, draws);
        (0..=k.min(draws))
            .map(|x| {
                if draws - x > population - successes {
                    0.0
                } else {
                    choose(successes, x) * choose(population - successes, draws - x)
                }
            })
            .sum::<f64>()
            / total
    }

    /// buscar's computation: every urn, no pruning.
    fn all_urns_p(labels: &[bool], eligible: usize, m: usize) -> f64 {
        let left = eligible - labels.len();
        let mut k = 0;
        let mut best = 1.0f64;
        for (i, &l) in labels.iter().rev().enumerate() {
            k += l as usize;
            best = best.min(hypergeom_cdf(k, i + 1 + left, k + m + 1, i + 1));
        }
        best
    }

    proptest::proptest! {
        #[test]
        fn cdf_is_a_probability_and_exact_on_small_cases(
            population in 1usize..60,
            s in 0usize..60,
            d in 0usize..60,
            k in 0usize..60,
        ) {
            let successes = s % (population + 1);
            let draws = d % (population + 1);
            let got = hypergeom_cdf(k, population, successes, draws);
            proptest::prop_assert!((0.0..=1.0).contains(&got));
            let want = brute_cdf(k, population, successes, draws);
            proptest::prop_assert!((got - want).abs() < 1e-9, "{} vs {}", got, want);
        }

        #[test]
        fn pruned_urns_give_buscars_p(
            labels in proptest::collection::vec(proptest::bool::weighted(0.15), 1..300),
            extra in 0usize..300,
            m in 0usize..20,
        ) {
            let eligible = labels.len() + extra;
            let urns = Urns::new(&labels, eligible);
            let got = urns.p(m, 0);
            let want = all_urns_p(&labels, eligible, m);
            proptest::prop_assert!((got - want).abs() < 1e-12, "{} vs {}", got, want);
            // And p with extra exclusions is p of the longer sequence.
            let more = extra / 2;
            let mut longer = labels.clone();
            longer.extend(std::iter::repeat_n(false, more));
            let want = all_urns_p(&longer, eligible, m);
            proptest::prop_assert!((urns.p(m, more) - want).abs() < 1e-12);
            let s = estimate(&labels, eligible, 0.95, 0.95);
            proptest::prop_assert!(s.since_last_relevant <= s.screened);
        }
    }
}
