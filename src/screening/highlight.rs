//! Finding the project's include and exclude terms in a text: words,
//! phrases ("mental health") and wildcards (`child*`, `*ology`, `wom*n`),
//! case-insensitive, matched on whole words. Text and terms are cut into
//! words the same way; a wide (CJK) character is a word of its own, so a
//! CJK term matches as a run of characters without spaces.

use std::ops::Range;

use unicode_width::UnicodeWidthChar;

use crate::project::Highlight;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A term that pushed the relevance score up (`screening::relevance`).
    RankUp,
    /// A term that pushed it down.
    RankDown,
    Include,
    Exclude,
    /// The text being searched for (`/`).
    Search,
}

/// One term, as its words in lowercase (a word may hold `*`).
#[derive(Debug, Clone)]
struct Term {
    words: Vec<Vec<char>>,
    kind: Kind,
}

/// The compiled term lists of a project.
#[derive(Debug, Clone, Default)]
pub struct Highlighter {
    terms: Vec<Term>,
}

/// A char that belongs to a word (combining marks stay with their letter).
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
        || matches!(c as u32,
            0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

fn is_wide(c: char) -> bool {
    c.width().unwrap_or(0) >= 2
}

/// The words of `text` as byte ranges. `star` makes `*` a word char (for
/// terms).
fn words(text: &str, star: bool) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        let wordy = is_word_char(c) || (star && c == '*');
        if wordy && is_wide(c) {
            if let Some(s) = start.take() {
                out.push(s..i);
            }
            out.push(i..i + c.len_utf8());
        } else if wordy {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            out.push(s..i);
        }
    }
    if let Some(s) = start {
        out.push(s..text.len());
    }
    out
}

fn lower(s: &str) -> Vec<char> {
    s.chars().flat_map(char::to_lowercase).collect()
}

/// `pattern` (with `*` for any run of characters) against a whole word.
fn glob(pattern: &[char], word: &[char]) -> bool {
    // Iterative wildcard match with backtracking to the last star.
    let (mut p, mut w) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while w < word.len() {
        if p < pattern.len() && pattern[p] != '*' && pattern[p] == word[w] {
            p += 1;
            w += 1;
        } else if p < pattern.len() && pattern[p] == '*' {
            star = Some((p, w));
            p += 1;
        } else if let Some((sp, sw)) = star {
            p = sp + 1;
            w = sw + 1;
            star = Some((sp, sw + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

impl Highlighter {
    pub fn new(h: &Highlight) -> Highlighter {
        let mut terms = Vec::new();
        for (list, kind) in [(&h.include, Kind::Include), (&h.exclude, Kind::Exclude)] {
            for t in list {
                let words: Vec<Vec<char>> = words(t, true)
                    .into_iter()
                    .map(|r| lower(&t[r]))
                    .filter(|w| w.iter().any(|&c| c != '*'))
                    .collect();
                if !words.is_empty() {
                    terms.push(Term { words, kind });
                }
            }
        }
        Highlighter { terms }
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// The stretches of `text` that match a term, sorted and not
    /// overlapping. Where an include and an exclude term overlap, the
    /// exclude term is shown.
    pub fn find(&self, text: &str) -> Vec<(Range<usize>, Kind)> {
        if self.terms.is_empty() || text.is_empty() {
            return Vec::new();
        }
        let spans = words(text, false);
        let lowered: Vec<Vec<char>> = spans.iter().map(|r| lower(&text[r.clone()])).collect();
        let mut marks: Vec<(Range<usize>, Kind)> = Vec::new();
        for i in 0..spans.len() {
            for term in &self.terms {
                let n = term.words.len();
                if i + n > spans.len() {
                    continue;
                }
                if term
                    .words
                    .iter()
                    .zip(&lowered[i..i + n])
                    .all(|(p, w)| glob(p, w))
                {
                    marks.push((spans[i].start..spans[i + n - 1].end, term.kind));
                }
            }
        }
        paint(text.len(), marks)
    }
}

/// Flattens possibly overlapping marks into sorted, disjoint ones; later
/// kinds in `Kind` order win (the reviewer's terms over the ranking's,
/// exclude over include, search over all).
pub fn paint(len: usize, mut marks: Vec<(Range<usize>, Kind)>) -> Vec<(Range<usize>, Kind)> {
    if marks.is_empty() {
        return marks;
    }
    let rank = |k: Kind| match k {
        Kind::RankUp => 1u8,
        Kind::RankDown => 2,
        Kind::Include => 3,
        Kind::Exclude => 4,
        Kind::Search => 5,
    };
    let mut cells = vec![0u8; len];
    marks.sort_by_key(|(_, k)| rank(*k));
    for (r, k) in &marks {
        for c in &mut cells[r.start.min(len)..r.end.min(len)] {
            *c = (*c).max(rank(*k));
        }
    }
    let kind_of = |v: u8| match v {
        1 => Some(Kind::RankUp),
        2 => Some(Kind::RankDown),
        3 => Some(Kind::Include),
        4 => Some(Kind::Exclude),
        5 => Some(Kind::Search),
        _ => None,
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < len {
        let v = cells[i];
        let mut j = i + 1;
        while j < len && cells[j] == v {
            j += 1;
        }
        if let Some(k) = kind_of(v) {
            out.push((i..j, k));
        }
        i = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn found(include: &[&str], exclude: &[&str], text: &str) -> Vec<(String, Kind)> {
        let h = Highlighter::new(&Highlight {
            include: include.iter().map(|s| s.to_string()).collect(),
            exclude: exclude.iter().map(|s| s.to_string()).collect(),
        });
        h.find(text)
            .into_iter()
            .map(|(r, k)| (text[r].to_string(), k))
            .collect()
    }

    #[test]
    fn words_phrases_and_wildcards_case_insensitive() {
        let text = "Children and child care: a Review of CHILDHOOD mental  health reviews.";
        assert_eq!(
            found(&["child*", "mental health"], &["review"], text),
            vec![
                ("Children".into(), Kind::Include),
                ("child".into(), Kind::Include),
                ("Review".into(), Kind::Exclude),
                ("CHILDHOOD".into(), Kind::Include),
                ("mental  health".into(), Kind::Include),
            ],
            "`review` is a whole word: `reviews` is not marked"
        );
        assert_eq!(
            found(&["*ology", "wom*n"], &[], "Biology of women and a woman"),
            vec![
                ("Biology".into(), Kind::Include),
                ("women".into(), Kind::Include),
                ("woman".into(), Kind::Include)
            ]
        );
    }

    #[test]
    fn exclude_wins_where_terms_overlap() {
        assert_eq!(
            found(&["systematic review"], &["review"], "a systematic review"),
            vec![
                ("systematic ".into(), Kind::Include),
                ("review".into(), Kind::Exclude)
            ]
        );
    }

    #[test]
    fn accents_cjk_and_combining_marks() {
        assert_eq!(
            found(&["café"], &[], "Le CAFÉ et le cafe\u{301}"),
            vec![("CAFÉ".into(), Kind::Include)],
            "precomposed and decomposed forms are different words"
        );
        assert_eq!(
            found(&["cafe\u{301}"], &[], "le cafe\u{301} noir"),
            vec![("cafe\u{301}".into(), Kind::Include)]
        );
        assert_eq!(
            found(
                &["生態"],
                &["レビュー"],
                "森林の生態系の回復に関するレビュー"
            ),
            vec![
                ("生態".into(), Kind::Include),
                ("レビュー".into(), Kind::Exclude)
            ]
        );
    }

    #[test]
    fn empty_and_star_only_terms_match_nothing() {
        assert!(found(&["", "*", "  "], &["***"], "anything at all").is_empty());
    }

    proptest! {
        #[test]
        fn never_panics_and_spans_are_char_boundaries(
            text in "\\PC{0,80}",
            terms in proptest::collection::vec("[a-zé日*\\- ]{0,8}", 0..4),
        ) {
            let h = Highlighter::new(&Highlight { include: terms.clone(), exclude: terms });
            let marks = h.find(&text);
            let mut last = 0;
            for (r, _) in marks {
                prop_assert!(r.start >= last && r.start < r.end && r.end <= text.len());
                prop_assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
                last = r.end;
            }
        }
    }
}
