//! Whether two records are the same item, and why: the pairwise rule of
//! duplicate detection. Everything here looks at two `Sig`s only, so the
//! outcome cannot depend on import order or on other records.

use super::MatchRule;
use super::sig::Sig;

/// Least title similarity for a title match (1 − edit distance / length of
/// the longer folded title). Measured on the ASySD set (docs/DEDUP.md).
pub const TITLE_MIN: f64 = 0.90;
/// Between `TITLE_MIN` and this, a title match also needs one positive
/// agreement (same year, first page or volume).
pub const TITLE_SURE: f64 = 0.96;
/// Two records with one DOI but titles this far apart are two items
/// sharing a DOI (conference abstracts under their supplement's DOI), when
/// their pages or authors say so too.
pub const ID_TITLE_FLOOR: f64 = 0.60;
/// Least similarity of the abstracts' heads for records without a usable
/// title.
pub const ABSTRACT_MIN: f64 = 0.90;
/// Least similarity of two abstracts' heads that counts as "the same
/// text" when an identifier already says so.
pub const ABSTRACT_AGREE: f64 = 0.70;

/// `Some((rule, score in thousandths))` when `a` and `b` are one item.
pub fn judge(a: &Sig, b: &Sig) -> Option<(MatchRule, u16)> {
    if a.notice != b.notice {
        return None;
    }
    if differ(a.doi, b.doi) || differ(a.pmid, b.pmid) {
        return None;
    }
    let same_doi = a.doi.is_some() && a.doi == b.doi;
    let same_pmid = a.pmid.is_some() && a.pmid == b.pmid;
    let both_titled = !a.title.is_empty() && !b.title.is_empty();
    let page_conflict = a.page != 0 && b.page != 0 && a.page != b.page;
    // Most candidate pairs are two papers that share the start of a title;
    // the checks on numbers come first, they cost no memory access.
    if !(same_doi || same_pmid)
        && (page_conflict
            || (a.volume != 0 && b.volume != 0 && a.volume != b.volume)
            || a.year.zip(b.year).is_some_and(|(x, y)| (x - y).abs() > 1)
            || (both_titled && a.numbers != b.numbers))
    {
        return None;
    }
    let authors = authors_agree(a, b);
    if same_doi || same_pmid {
        let rule = if same_doi {
            MatchRule::Doi
        } else {
            MatchRule::Pmid
        };
        // One DOI on two different items happens: conference abstracts
        // under their supplement's DOI, two abstracts of one author on
        // consecutive pages. Titles far apart or pages that differ need
        // the abstracts (or, without them, authors and pages) to agree.
        let titles_differ = both_titled && similarity(&a.title, &b.title, ID_TITLE_FLOOR).is_none();
        if titles_differ || page_conflict {
            match abstracts_agree(a, b) {
                Some(false) => return None,
                Some(true) => {}
                None if titles_differ && (page_conflict || authors != Some(true)) => return None,
                None => {}
            }
        }
        return Some((rule, 1000));
    }
    if authors == Some(false) {
        return None;
    }
    let corroborated = a.year.is_some() && a.year == b.year
        || a.page != 0 && a.page == b.page
        || a.volume != 0 && a.volume == b.volume;
    if both_titled {
        let score = similarity(&a.title, &b.title, TITLE_MIN)?;
        if a.generic || b.generic {
            // A short title names many papers: the abstract or the place
            // of publication must say it is this one.
            let abstracts =
                (!a.abstract_head.is_empty() && !b.abstract_head.is_empty()).then(|| {
                    similarity(&a.abstract_head, &b.abstract_head, ABSTRACT_MIN)
                        .filter(|_| !numbers_differ(&a.abstract_head, &b.abstract_head))
                });

            let placed = a.page != 0 && a.page == b.page && a.year == b.year;
            return match abstracts {
                Some(Some(_)) if score == 1000 => Some((MatchRule::Title, score)),
                Some(_) => None,
                None if placed && score == 1000 => Some((MatchRule::Title, score)),
                None => None,
            };
        }
        if f64::from(score) / 1000.0 < TITLE_SURE && !corroborated {
            return None;
        }
        // One title in two journals is two publications (a conference
        // abstract and its paper, one abstract at two meetings), unless the
        // pages say the journal names are two spellings of one.
        let same_page = a.page != 0 && a.page == b.page;
        if !same_page && journals_agree(&a.record.journal, &b.record.journal) == Some(false) {
            return None;
        }
        return Some((MatchRule::Title, score));
    }
    // Without titles on both sides, the abstract decides, with the authors
    // or the year agreeing: two papers by the same authors in one issue
    // have different abstracts.
    if !(authors == Some(true) || corroborated) {
        return None;
    }
    if a.title.is_empty() && b.title.is_empty() {
        return same_abstract(&a.abstract_head, &b.abstract_head)
            .map(|score| (MatchRule::Abstract, score));
    }
    // One has a title, the other not (a pasted page beside a database
    // export): the abstracts must begin alike.
    same_abstract(&a.abstract_head(), &b.abstract_head()).map(|score| (MatchRule::Abstract, score))
}

/// The similarity of two abstracts' folded heads when they are one text:
/// long enough to tell, at least `ABSTRACT_MIN` alike, and no number of
/// one replaced by another number in the other. Abstracts of a series of
/// trials or reports by one team can differ in nothing but the trial's
/// number, a sample size or a percentage, which the edit distance barely
/// sees; the title rule already treats differing numbers as two papers.
fn same_abstract(x: &str, y: &str) -> Option<u16> {
    if x.len() < 40 || y.len() < 40 || numbers_differ(x, y) {
        return None;
    }
    similarity(x, y, ABSTRACT_MIN)
}

/// Whether each of two folded abstract heads holds a number the other
/// does not: a number changed, not one added (a copy may carry an extra
/// `(n = 35)` or lose a number cut off at the end of its head).
pub(super) fn numbers_differ(x: &str, y: &str) -> bool {
    let (nx, ny) = (numbers(x), numbers(y));
    nx.iter().any(|n| !ny.contains(n)) && ny.iter().any(|n| !nx.contains(n))
}

/// The digit runs of a folded head, without leading zeros; a run that
/// touches the end of a head cut at its length is left out (it may be cut).
fn numbers(head: &str) -> Vec<&str> {
    let cut = head.len() + 4 >= super::sig::ABSTRACT_HEAD;
    let b = head.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if cut && i == b.len() {
            break;
        }
        let run = head[start..i].trim_start_matches('0');
        out.push(if run.is_empty() { "0" } else { run });
    }
    out
}

/// Whether two journal names can be one journal: the words of one are, in
/// order, abbreviations of words of the other (`Curr Opin Lipidol`,
/// `Current Opinion in Lipidology`; `Proc Natl Acad Sci U S A`), or one is
/// the other's initials (`BMJ`). `None` when one is empty.
pub fn journals_agree(a: &str, b: &str) -> Option<bool> {
    const SKIP: &[&str] = &[
        "of", "the", "and", "in", "for", "on", "de", "la", "le", "des", "du", "und", "der", "fur",
        "y", "e",
    ];
    let words = |s: &str| -> Vec<String> {
        super::fold_tokens(s)
            .into_iter()
            .filter(|w| !SKIP.contains(&w.as_str()))
            .collect()
    };
    let (x, y) = (words(a), words(b));
    if x.is_empty() || y.is_empty() {
        return None;
    }
    let (short, long) = if x.len() <= y.len() {
        (&x, &y)
    } else {
        (&y, &x)
    };
    if short.len() == 1 && long.len() > 1 {
        let initials: String = long.iter().filter_map(|w| w.chars().next()).collect();
        if short[0] == initials {
            return Some(true);
        }
    }
    let mut at = 0;
    for t in short {
        match long[at..]
            .iter()
            .position(|u| abbreviates(t, u) || abbreviates(u, t))
        {
            Some(p) => at += p + 1,
            None => return Some(false),
        }
    }
    Some(true)
}

/// `t` is `u` shortened: same first letter, `t`'s letters in order in `u`.
fn abbreviates(t: &str, u: &str) -> bool {
    if t.as_bytes().first() != u.as_bytes().first() {
        return false;
    }
    let mut rest = u.chars();
    t.chars().all(|c| rest.any(|d| d == c))
}

/// Whether the abstracts' heads are alike, `None` when one has none.
/// Looser than `ABSTRACT_MIN`: databases label and trim abstracts
/// differently, and this only has to tell two different texts apart.
fn abstracts_agree(a: &Sig, b: &Sig) -> Option<bool> {
    let (x, y) = (a.abstract_head(), b.abstract_head());
    if x.len() < 40 || y.len() < 40 {
        return None;
    }
    Some(similarity(&x, &y, ABSTRACT_AGREE).is_some())
}

fn differ(a: Option<u64>, b: Option<u64>) -> bool {
    matches!((a, b), (Some(x), Some(y)) if x != y)
}

/// `Some(true)` when the first author of one is among the other's authors,
/// `Some(false)` when both name authors and none of that holds, `None` when
/// one has no authors.
fn authors_agree(a: &Sig, b: &Sig) -> Option<bool> {
    let (fa, fb) = (a.authors().next()?, b.authors().next()?);
    Some(
        same_surname(fa, fb)
            || b.authors().any(|x| same_surname(fa, x))
            || a.authors().any(|x| same_surname(fb, x)),
    )
}

/// Surnames as databases spell them: `vanderberg`/`berg`,
/// `kimmitsuyama`/`kim`, one typo in a long name.
pub(super) fn same_surname(x: &str, y: &str) -> bool {
    if x == y {
        return true;
    }
    let (short, long) = if x.len() <= y.len() { (x, y) } else { (y, x) };
    if short.len() >= 3 && (long.starts_with(short) || long.ends_with(short)) {
        return true;
    }
    short.len() >= 5 && bounded_levenshtein(x.as_bytes(), y.as_bytes(), 1).is_some()
}

/// Similarity in thousandths (1000 = equal): 1 − edit distance / length of
/// the longer, or `None` when below `min`. Cost grows with the length times
/// the distance allowed, not with the square of the length.
pub fn similarity(a: &str, b: &str, min: f64) -> Option<u16> {
    let longest = a.len().max(b.len());
    if longest == 0 {
        return None;
    }
    let k = ((1.0 - min) * longest as f64 + 1e-9).floor() as usize;
    let d = bounded_levenshtein(a.as_bytes(), b.as_bytes(), k)?;
    Some((1000 - d * 1000 / longest) as u16)
}

/// Levenshtein distance when it is at most `k`, else `None`; only the band
/// of width `2k + 1` around the diagonal is computed.
pub fn bounded_levenshtein(a: &[u8], b: &[u8], k: usize) -> Option<usize> {
    let (a, b) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if b.len() - a.len() > k {
        return None;
    }
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[prefix..], &b[prefix..]);
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (a, b) = (&a[..a.len() - suffix], &b[..b.len() - suffix]);
    let (n, m) = (a.len(), b.len());
    if n == 0 {
        return (m <= k).then_some(m);
    }
    let inf = k + 1;
    let mut prev = vec![inf; m + 1];
    let mut cur = vec![inf; m + 1];
    for (j, p) in prev.iter_mut().enumerate().take(k.min(m) + 1) {
        *p = j;
    }
    for i in 1..=n {
        let lo = i.saturating_sub(k).max(1);
        let hi = (i + k).min(m);
        if lo > hi {
            return None;
        }
        cur[lo - 1] = if lo == 1 && i <= k { i } else { inf };
        let mut row_min = cur[lo - 1];
        for j in lo..=hi {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let v = (prev[j - 1] + cost).min(prev[j] + 1).min(cur[j - 1] + 1);
            cur[j] = v.min(inf);
            row_min = row_min.min(cur[j]);
        }
        if hi < m {
            cur[hi + 1] = inf;
        }
        if row_min > k {
            return None;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    (prev[m] <= k).then_some(prev[m])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn levenshtein(a: &[u8], b: &[u8]) -> usize {
        let mut prev: Vec<usize> = (0..=b.len()).collect();
        for i in 1..=a.len() {
            let mut cur = vec![i; b.len() + 1];
            for j in 1..=b.len() {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                cur[j] = (prev[j - 1] + cost).min(prev[j] + 1).min(cur[j - 1] + 1);
            }
            prev = cur;
        }
        prev[b.len()]
    }

    proptest! {
        #[test]
        fn banded_distance_is_the_distance(a in "[abc]{0,30}", b in "[abc]{0,30}", k in 0usize..12) {
            let full = levenshtein(a.as_bytes(), b.as_bytes());
            let banded = bounded_levenshtein(a.as_bytes(), b.as_bytes(), k);
            prop_assert_eq!(banded, (full <= k).then_some(full));
        }
    }

    #[test]
    fn similarity_in_thousandths() {
        assert_eq!(similarity("abcdefghij", "abcdefghij", 0.9), Some(1000));
        assert_eq!(similarity("abcdefghij", "abcdefghix", 0.9), Some(900));
        assert_eq!(similarity("abcdefghij", "abcdefgxyz", 0.9), None);
        assert_eq!(similarity("", "", 0.9), None);
    }

    #[test]
    fn journal_spellings() {
        let agree = |a, b| journals_agree(a, b);
        assert_eq!(
            agree("Curr Opin Lipidol", "Current Opinion in Lipidology"),
            Some(true)
        );
        assert_eq!(
            agree(
                "Proc Natl Acad Sci U S A",
                "Proceedings of the National Academy of Sciences of the United States of America"
            ),
            Some(true)
        );
        assert_eq!(agree("BMJ", "British Medical Journal"), Some(true));
        assert_eq!(
            agree("FASEB J", "FASEB Journal. Conference: Experimental Biology"),
            Some(true)
        );
        assert_eq!(agree("Diabetes", "FASEB Journal"), Some(false));
        assert_eq!(agree("Diabetes", ""), None);
    }

    #[test]
    fn numbers_changed_not_added() {
        assert!(numbers_differ("peersupportintrial0", "peersupportintrial1"));
        assert!(numbers_differ("of120patients45", "of150patients45"));
        assert!(!numbers_differ("of120patients", "of120patientsn35"));
        assert!(!numbers_differ("p005", "p05"));
        assert!(!numbers_differ("nonumbers", "none"));
    }

    #[test]
    fn surnames_as_databases_spell_them() {
        assert!(same_surname("vanderberg", "berg"));
        assert!(same_surname("ortsater", "oertsater"));
        assert!(!same_surname("wang", "wong"));
        assert!(!same_surname("li", "lin"));
    }
}
