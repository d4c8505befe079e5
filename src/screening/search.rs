//! Case-insensitive search over a record's title, abstract and authors.
//!
//! Which records match is answered from [`SearchIndex`]: every record's
//! text lowercased once, in one block, built on the first search. A search
//! walks the records from the cursor and stops at the first match, each
//! record checked with a SIMD substring search (`memchr::memmem`). Where a
//! match sits in the text on screen (for highlighting) is found in the
//! original text by [`Finder::find_all`]: ASCII queries through
//! aho-corasick's ASCII-case-insensitive searcher, others by comparing
//! lowercased characters. `docs/ARCHITECTURE.md` ("Search") has the numbers
//! that decided this.

use std::ops::Range;

use aho_corasick::AhoCorasick;

use crate::record::Record;
use crate::record_list::Records;

#[derive(Debug, Clone)]
pub struct Finder {
    query: String,
    /// The query lowercased, for the non-ASCII path.
    needle: Vec<char>,
    ascii: Option<AhoCorasick>,
    /// The lowercased query, searched for in a [`SearchIndex`].
    folded: memchr::memmem::Finder<'static>,
}

/// Every record's title, authors and abstract, lowercased, one after the
/// other in one string (fields end in `\n` so no match spans two).
///
/// When the records' abstracts are on disk (`Records::abstracts_on_disk`),
/// the index holds titles and authors only, and a record whose title and
/// authors do not match has its abstract read and searched: the folded
/// abstracts would take about as much memory as the abstracts the list
/// left on disk.
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    text: String,
    /// Where each record (by index in the project) starts; one more entry
    /// for the end.
    starts: Vec<usize>,
    /// The records, when their abstracts are read from disk.
    abstracts: Option<Records>,
}

/// `s` lowercased (as `char::to_lowercase` does it) onto `out`, then `\n`.
/// ASCII runs are copied and lowercased in bulk: most abstracts hold a
/// character or two beyond ASCII (`–`, `±`, `µ`), and lowercasing them
/// whole character by character made indexing 100k records take 2 s of
/// slices that keys had to wait behind.
fn push_folded(out: &mut String, s: &str) {
    let mut rest = s;
    loop {
        let ascii = rest
            .bytes()
            .position(|b| !b.is_ascii())
            .unwrap_or(rest.len());
        let start = out.len();
        out.push_str(&rest[..ascii]);
        out[start..].make_ascii_lowercase();
        rest = &rest[ascii..];
        let Some(c) = rest.chars().next() else {
            break;
        };
        out.extend(c.to_lowercase());
        rest = &rest[c.len_utf8()..];
    }
    out.push('\n');
}

impl SearchIndex {
    /// The whole index at once.
    pub fn build(records: &[Record]) -> SearchIndex {
        let mut index = SearchIndex::default();
        index.extend(records, records.len());
        index
    }

    /// Records indexed so far (they are indexed in project order).
    pub fn built(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    /// Indexes up to `count` more records; `true` once all are in.
    pub fn extend(&mut self, records: &[Record], count: usize) -> bool {
        if self.starts.is_empty() {
            // Sized from the first records: a pass over all of them would
            // make the first slice long (at 1M records, a tenth of a second
            // a key would wait for).
            let sample = &records[..records.len().min(1_000)];
            let sampled: usize = sample
                .iter()
                .map(|r| {
                    r.title.len()
                        + r.abstract_text.len()
                        + r.authors.iter().map(|a| a.len() + 1).sum::<usize>()
                        + 2
                })
                .sum();
            let size = sampled / sample.len().max(1) * records.len();
            self.text.reserve(size + size / 16);
            self.starts.reserve(records.len() + 1);
            self.starts.push(0);
        }
        let from = self.built();
        let to = (from + count).min(records.len());
        for r in &records[from..to] {
            push_folded(&mut self.text, &r.title);
            for a in &r.authors {
                push_folded(&mut self.text, a);
            }
            push_folded(&mut self.text, &r.abstract_text);
            self.starts.push(self.text.len());
        }
        to == records.len()
    }

    /// [`SearchIndex::extend`] for the project's records, reading their
    /// abstracts from disk if that is where they are.
    pub fn extend_records(&mut self, records: &Records, count: usize) -> bool {
        if !records.abstracts_on_disk() {
            self.abstracts = None;
        } else if !self
            .abstracts
            .as_ref()
            .is_some_and(|a| a.shares_with(records))
        {
            // Kept up to date (a split duplicate link copies the list), so
            // an older list is not held on to.
            self.abstracts = Some(records.clone());
        }
        self.extend(records, count)
    }

    /// Whether the query of `finder` is in record `index`'s abstract, read
    /// from disk (`false` when the index holds the abstracts, or one
    /// cannot be read).
    fn abstract_matches(&self, finder: &Finder, index: usize) -> bool {
        self.abstracts
            .as_ref()
            .and_then(|r| r.abstract_of(index).ok())
            .is_some_and(|a| finder.is_match(&a))
    }

    fn record(&self, index: usize) -> &[u8] {
        match (self.starts.get(index), self.starts.get(index + 1)) {
            (Some(&a), Some(&b)) => &self.text.as_bytes()[a..b],
            _ => &[],
        }
    }
}

impl Finder {
    /// `None` for an empty (or all-space) query.
    pub fn new(query: &str) -> Option<Finder> {
        if query.trim().is_empty() {
            return None;
        }
        let ascii = if query.is_ascii() {
            AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build([query])
                .ok()
        } else {
            None
        };
        let lowered: String = query.chars().flat_map(char::to_lowercase).collect();
        Some(Finder {
            query: query.to_string(),
            needle: lowered.chars().collect(),
            ascii,
            folded: memchr::memmem::Finder::new(lowered.as_bytes()).into_owned(),
        })
    }

    pub fn query(&self) -> &str {
        &self.query
    }

    pub fn is_match(&self, hay: &str) -> bool {
        match &self.ascii {
            Some(ac) => ac.is_match(hay),
            None => self.slow_find(hay, true).next().is_some(),
        }
    }

    /// Every match in `hay`, as byte ranges, not overlapping.
    pub fn find_all(&self, hay: &str) -> Vec<Range<usize>> {
        match &self.ascii {
            Some(ac) => ac.find_iter(hay).map(|m| m.range()).collect(),
            None => self.slow_find(hay, false).collect(),
        }
    }

    /// Matches found by comparing lowercased characters one by one.
    fn slow_find<'a>(
        &'a self,
        hay: &'a str,
        first_only: bool,
    ) -> impl Iterator<Item = Range<usize>> + 'a {
        let mut from = 0usize;
        let mut done = false;
        std::iter::from_fn(move || {
            if done {
                return None;
            }
            for (i, _) in hay[from..].char_indices() {
                let start = from + i;
                if let Some(end) = self.match_at(hay, start) {
                    from = end.max(start + 1);
                    while !hay.is_char_boundary(from) {
                        from += 1;
                    }
                    if first_only {
                        done = true;
                    }
                    return Some(start..end);
                }
            }
            done = true;
            None
        })
    }

    /// The end of a match starting at byte `start`, if there is one.
    fn match_at(&self, hay: &str, start: usize) -> Option<usize> {
        let mut want = self.needle.iter();
        let mut next = want.next();
        for (i, c) in hay[start..].char_indices() {
            for lc in c.to_lowercase() {
                match next {
                    Some(&w) if w == lc => next = want.next(),
                    Some(_) => return None,
                    None => return Some(start + i + c.len_utf8()),
                }
            }
            if next.is_none() {
                return Some(start + i + c.len_utf8());
            }
        }
        None
    }

    /// Whether record `index` of the index's project matches.
    pub fn matches(&self, index: &SearchIndex, record: usize) -> bool {
        self.folded.find(index.record(record)).is_some() || index.abstract_matches(self, record)
    }

    /// Whether the record's title, abstract or an author matches (without
    /// an index).
    pub fn record_matches(&self, r: &Record) -> bool {
        self.is_match(&r.title)
            || self.is_match(&r.abstract_text)
            || r.authors.iter().any(|a| self.is_match(a))
    }
}

/// A search walking the rows from a row onwards (or backwards), wrapping,
/// a slice at a time: a query found in no record at 100k records costs
/// tens of milliseconds, and in slices the screen draws frames meanwhile.
#[derive(Debug, Clone)]
pub struct Scan {
    pub finder: Finder,
    /// The row it counts from.
    pub origin: usize,
    /// Next offset from `origin` to check, and one past the last.
    pub next: usize,
    pub end: usize,
    /// How many rows there were when it began: if that changes, it stops.
    pub rows: usize,
    pub forward: bool,
    /// The query being typed (incremental search), or `None` for a jump to
    /// the next or previous match.
    pub typing: Option<String>,
}

/// What a slice of a [`Scan`] came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// A match this many rows from the origin (see [`Scan::row`]).
    Found(usize),
    /// No row matches.
    Missed,
    /// Not finished: run it again.
    Going,
    /// The rows changed under it (a decision, a filter); it is dropped.
    Stale,
}

impl Scan {
    /// The row `d` steps from the origin, in the scan's direction, of `n`.
    pub fn row(&self, d: usize, n: usize) -> usize {
        if self.forward {
            (self.origin + d) % n
        } else {
            (self.origin + n - d % n) % n
        }
    }

    /// Checks up to `budget` more of `rows` (record indices in `index`).
    pub fn run(&mut self, index: &SearchIndex, rows: &[usize], budget: usize) -> Progress {
        let n = rows.len();
        if n == 0 || self.rows != n {
            return Progress::Stale;
        }
        let stop = self.next.saturating_add(budget).min(self.end);
        let found = (self.next..stop).find(|&d| self.finder.matches(index, rows[self.row(d, n)]));
        match found {
            Some(d) => Progress::Found(d),
            None if stop >= self.end => Progress::Missed,
            None => {
                self.next = stop;
                Progress::Going
            }
        }
    }
}

/// Which rows match a search, counted in slices after the search has
/// found its first match, so the screen can say "match 3 of 57".
#[derive(Debug, Clone)]
pub struct Tally {
    finder: Finder,
    /// How many rows there were when it began: if that changes, it counts
    /// again.
    rows: usize,
    next: usize,
    /// The matching rows so far, in order.
    hits: Vec<usize>,
}

impl Tally {
    pub fn new(finder: Finder) -> Tally {
        Tally {
            finder,
            rows: 0,
            next: 0,
            hits: Vec::new(),
        }
    }

    pub fn query(&self) -> &str {
        self.finder.query()
    }

    /// Whether every row has been checked.
    pub fn done(&self, rows: &[usize]) -> bool {
        self.rows == rows.len() && self.next >= rows.len()
    }

    /// Checks up to `budget` more of `rows`; starts again if the rows
    /// changed in number (a decision in a filtered list, a filter).
    pub fn run(&mut self, index: &SearchIndex, rows: &[usize], budget: usize) {
        if self.rows != rows.len() {
            self.rows = rows.len();
            self.next = 0;
            self.hits.clear();
        }
        let stop = self.next.saturating_add(budget).min(rows.len());
        let finder = &self.finder;
        self.hits
            .extend((self.next..stop).filter(|&r| finder.matches(index, rows[r])));
        self.next = stop;
    }

    /// Matching rows counted so far.
    pub fn count(&self) -> usize {
        self.hits.len()
    }

    /// Which match (from 1) the row is, if it matches and has been counted.
    pub fn ordinal(&self, row: usize) -> Option<usize> {
        self.hits.binary_search(&row).ok().map(|k| k + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_word_only_in_an_abstract_on_disk_is_found() {
        let records: Vec<Record> = [("Heart", "lung and liver"), ("Kidney", "bone")]
            .iter()
            .map(|(t, a)| Record {
                key: (*t).into(),
                title: (*t).into(),
                abstract_text: (*a).into(),
                ..Record::default()
            })
            .collect();
        let lazy = crate::record_list::tests::abstracts_apart(records);
        let mut index = SearchIndex::default();
        assert!(index.extend_records(&lazy, 2));
        let hits = |q: &str| -> Vec<usize> {
            let f = Finder::new(q).unwrap();
            (0..2).filter(|&i| f.matches(&index, i)).collect()
        };
        assert_eq!(hits("LIVER"), [0], "in the abstract only");
        assert_eq!(hits("kidney"), [1], "in the title");
        assert_eq!(hits("spleen"), Vec::<usize>::new());
        assert!(index.text.len() < 20, "no abstract in the index");
    }

    #[test]
    fn a_tally_counts_the_matching_rows_in_slices() {
        let records: Vec<Record> = ["heart", "lung", "heart and lung", "liver"]
            .iter()
            .map(|t| Record {
                title: (*t).into(),
                ..Record::default()
            })
            .collect();
        let index = SearchIndex::build(&records);
        let rows = [3, 2, 1, 0];
        let mut t = Tally::new(Finder::new("LUNG").unwrap());
        t.run(&index, &rows, 2);
        assert!(!t.done(&rows));
        assert_eq!(t.count(), 1);
        t.run(&index, &rows, 2);
        assert!(t.done(&rows));
        assert_eq!(t.count(), 2);
        assert_eq!(
            (t.ordinal(1), t.ordinal(2), t.ordinal(0)),
            (Some(1), Some(2), None)
        );
        t.run(&index, &rows[..3], 10);
        assert_eq!(t.count(), 2, "fewer rows: counted again");
        assert!(t.done(&rows[..3]));
    }

    fn all(q: &str, hay: &str) -> Vec<String> {
        Finder::new(q)
            .unwrap()
            .find_all(hay)
            .into_iter()
            .map(|r| hay[r].to_string())
            .collect()
    }

    #[test]
    fn ascii_and_unicode_queries_ignore_case() {
        assert_eq!(
            all("restor", "Restoration and RESTORING"),
            ["Restor", "RESTOR"]
        );
        assert_eq!(all("ÉCO", "éco-système, Écologie"), ["éco", "Éco"]);
        assert_eq!(all("生態", "森林の生態系"), ["生態"]);
        assert!(Finder::new("  ").is_none());
        assert!(!Finder::new("zz").unwrap().is_match("abc"));
    }

    #[test]
    fn the_index_answers_like_the_records() {
        let records: Vec<Record> = [
            ("Forest RESTORATION", "Soil and wäter", vec!["Müller, K."]),
            ("Image restoration", "", vec![]),
            ("", "Ökologie des Waldes", vec!["Smith, J.", "Ng, A."]),
        ]
        .into_iter()
        .map(|(t, a, au)| Record {
            title: t.into(),
            abstract_text: a.into(),
            authors: au.into_iter().map(String::from).collect(),
            ..Record::default()
        })
        .collect();
        let index = SearchIndex::build(&records);
        for q in [
            "restor",
            "WÄTER",
            "müller",
            "ökologie",
            "smith",
            "ng, a",
            "zzz",
            "restoration soil",
        ] {
            let f = Finder::new(q).unwrap();
            for (i, r) in records.iter().enumerate() {
                assert_eq!(
                    f.matches(&index, i),
                    f.record_matches(r),
                    "{q} in record {i}"
                );
            }
        }
        assert!(
            !Finder::new("x").unwrap().matches(&index, 99),
            "out of range: no match"
        );
    }

    #[test]
    fn a_scan_in_slices_finds_what_one_pass_finds_and_wraps() {
        let records: Vec<Record> = ["alpha", "beta", "gamma", "beta two", "delta"]
            .iter()
            .map(|t| Record {
                title: t.to_string(),
                ..Record::default()
            })
            .collect();
        let index = SearchIndex::build(&records);
        let rows: Vec<usize> = (0..records.len()).collect();
        let scan = |origin, forward| Scan {
            finder: Finder::new("beta").unwrap(),
            origin,
            next: 1,
            end: rows.len() + 1,
            rows: rows.len(),
            forward,
            typing: None,
        };
        // One row a slice: "Going" until the match, at the same place.
        let mut s = scan(1, true);
        let mut slices = 0;
        let found = loop {
            slices += 1;
            match s.run(&index, &rows, 1) {
                Progress::Going => continue,
                other => break other,
            }
        };
        assert_eq!(found, Progress::Found(2));
        assert_eq!(s.row(2, rows.len()), 3, "the next \"beta\" after row 1");
        assert_eq!(slices, 2);
        // From row 3 forward it wraps round to row 1.
        let mut s = scan(3, true);
        let Progress::Found(d) = s.run(&index, &rows, usize::MAX) else {
            panic!("found");
        };
        assert_eq!(s.row(d, rows.len()), 1);
        // Backwards from row 1 it wraps to row 3.
        let mut s = scan(1, false);
        let Progress::Found(d) = s.run(&index, &rows, usize::MAX) else {
            panic!("found");
        };
        assert_eq!(s.row(d, rows.len()), 3);
        // Rows that changed under it stop it.
        let mut s = scan(0, true);
        assert_eq!(s.run(&index, &rows[..4], 10), Progress::Stale);
        let mut s = Scan {
            finder: Finder::new("zeta").unwrap(),
            ..scan(0, true)
        };
        assert_eq!(s.run(&index, &rows, usize::MAX), Progress::Missed);
    }

    proptest! {
        #[test]
        fn folding_in_ascii_runs_is_lowercasing_char_by_char(s in "[a-zA-Z ]{0,8}(\\PC{0,3}[A-Z ]{0,5}){0,4}") {
            let mut fast = String::new();
            push_folded(&mut fast, &s);
            let slow: String = s.chars().flat_map(char::to_lowercase).chain(['\n']).collect();
            prop_assert_eq!(fast, slow);
        }

        #[test]
        fn never_panics_and_ranges_are_char_boundaries(q in "\\PC{1,6}", hay in "\\PC{0,60}") {
            if let Some(f) = Finder::new(&q) {
                for r in f.find_all(&hay) {
                    prop_assert!(hay.is_char_boundary(r.start) && hay.is_char_boundary(r.end));
                    prop_assert!(r.start < r.end);
                }
                let _ = f.is_match(&hay);
            }
        }

        #[test]
        fn the_index_agrees_with_the_text(q in "\\PC{1,4}", title in "\\PC{0,30}", abs in "\\PC{0,30}") {
            let r = Record { title, abstract_text: abs, ..Record::default() };
            let index = SearchIndex::build(std::slice::from_ref(&r));
            if let Some(f) = Finder::new(&q) {
                if f.record_matches(&r) {
                    prop_assert!(f.matches(&index, 0));
                }
            }
        }

        #[test]
        fn agrees_with_lowercase_contains(q in "[a-zA-Z]{1,3}", hay in "[a-zA-Z ]{0,40}") {
            let f = Finder::new(&q).unwrap();
            prop_assert_eq!(f.is_match(&hay), hay.to_lowercase().contains(&q.to_lowercase()));
        }
    }
}
