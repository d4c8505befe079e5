//! Case-insensitive search over a record's title, abstract and authors.
//!
//! Nothing is precomputed: a search walks the records from the cursor and
//! stops at the first match, so its cost is the distance to that match.
//! An ASCII query (nearly all of them) runs through aho-corasick's
//! ASCII-case-insensitive searcher straight over the stored text, without
//! folding or copying it; other queries compare lowercased characters.
//! `docs/ARCHITECTURE.md` ("Search") has the numbers that decided this.

use std::ops::Range;

use aho_corasick::AhoCorasick;

use crate::record::Record;

#[derive(Debug, Clone)]
pub struct Finder {
    query: String,
    /// The query lowercased, for the non-ASCII path.
    needle: Vec<char>,
    ascii: Option<AhoCorasick>,
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
        Some(Finder {
            query: query.to_string(),
            needle: query.chars().flat_map(char::to_lowercase).collect(),
            ascii,
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

    /// Whether the record's title, abstract or an author matches.
    pub fn record_matches(&self, r: &Record) -> bool {
        self.is_match(&r.title)
            || self.is_match(&r.abstract_text)
            || r.authors.iter().any(|a| self.is_match(a))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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

    proptest! {
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
        fn agrees_with_lowercase_contains(q in "[a-zA-Z]{1,3}", hay in "[a-zA-Z ]{0,40}") {
            let f = Finder::new(&q).unwrap();
            prop_assert_eq!(f.is_match(&hay), hay.to_lowercase().contains(&q.to_lowercase()));
        }
    }
}
