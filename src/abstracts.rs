//! What a reader sees of an abstract besides its text: the labelled
//! sections of a structured abstract (`BACKGROUND:`, `METHODS:` … as
//! MEDLINE writes them, `Background: …` on lines of their own as RIS and
//! CSV exports do), and, for a record without a title, the words that
//! tell it apart from the others (not the heading, not a stock opening,
//! not the words it shares with another untitled record).

use std::borrow::Cow;

use crate::record::{Record, Section};

/// Headings of structured abstracts written in title case (`Methods:`),
/// which count only at the start of the text or of a line: in capitals
/// any short run of words before a colon is a heading.
const HEADINGS: &[&str] = &[
    "background",
    "introduction",
    "context",
    "purpose",
    "aim",
    "aims",
    "objective",
    "objectives",
    "rationale",
    "hypothesis",
    "design",
    "setting",
    "settings",
    "participants",
    "patients",
    "subjects",
    "population",
    "intervention",
    "interventions",
    "exposure",
    "measurements",
    "main outcome measures",
    "outcomes",
    "method",
    "methods",
    "materials and methods",
    "methods and materials",
    "study design",
    "data sources",
    "study selection",
    "data extraction",
    "data synthesis",
    "search methods",
    "selection criteria",
    "data collection and analysis",
    "results",
    "main results",
    "findings",
    "key findings",
    "conclusion",
    "conclusions",
    "conclusions and relevance",
    "authors' conclusions",
    "interpretation",
    "discussion",
    "limitations",
    "implications",
    "practical implications",
    "social implications",
    "significance",
    "trial registration",
    "funding",
    "design/methodology/approach",
    "research limitations/implications",
    "originality/value",
    "value",
    "approach",
];

/// The sections of a structured abstract, or none when `text` is not one
/// (fewer than two headings). Headings in capitals are shown in sentence
/// case (`MAIN OUTCOME MEASURES` → `Main outcome measures`).
pub fn split(text: &str) -> Vec<Section> {
    let heads = headings(text);
    if heads.len() < 2 {
        return Vec::new();
    }
    let mut sections = Vec::with_capacity(heads.len() + 1);
    let lead = text[..heads[0].0].trim();
    if !lead.is_empty() {
        sections.push(Section {
            label: String::new(),
            text: lead.to_string(),
        });
    }
    for (k, &(start, body)) in heads.iter().enumerate() {
        let end = heads.get(k + 1).map_or(text.len(), |h| h.0);
        let label = text[start..body].trim_end().trim_end_matches(':').trim();
        sections.push(Section {
            label: sentence_case(label),
            text: text[body..end].trim().to_string(),
        });
    }
    sections
}

/// (start of the heading, start of its text) for each heading.
fn headings(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    for colon in memchr::memchr_iter(b':', b) {
        // A heading is followed by a space (or the end of a line) and
        // starts the text, a line, or a sentence.
        if !matches!(b.get(colon + 1), None | Some(b' ' | b'\n')) {
            continue;
        }
        let line_start = text[..colon].rfind('\n').map_or(0, |i| i + 1);
        let sentence_start = text[..colon]
            .rfind(". ")
            .map_or(0, |i| i + 2)
            .max(line_start);
        let candidate = text[sentence_start..colon].trim();
        if candidate.is_empty() || candidate.len() > 45 {
            continue;
        }
        let start = colon - candidate.len();
        let capitals = candidate
            .chars()
            .all(|c| c.is_uppercase() || matches!(c, ' ' | '/' | '-' | '&' | '\''))
            && candidate.chars().filter(|c| c.is_alphabetic()).count() >= 3
            && candidate.split_whitespace().count() <= 5;
        let known =
            start == line_start && HEADINGS.iter().any(|h| h.eq_ignore_ascii_case(candidate));
        if capitals || known {
            let body = colon + 1 + usize::from(b.get(colon + 1) == Some(&b' '));
            out.push((start, body));
        }
    }
    out
}

fn sentence_case(label: &str) -> String {
    if label.chars().any(char::is_lowercase) {
        return label.to_string();
    }
    let lower = label.to_lowercase();
    let mut chars = lower.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

impl Record {
    /// The sections of the abstract: those the source marked (a pasted
    /// results page), else those its headings show (`BACKGROUND: …
    /// METHODS: …`), else none. Computed when asked, so the project file
    /// holds each abstract once.
    pub fn abstract_sections(&self) -> Cow<'_, [Section]> {
        if self.sections.is_empty() {
            Cow::Owned(split(&self.abstract_text))
        } else {
            Cow::Borrowed(&self.sections)
        }
    }

    /// First author's surname and year, to tell records apart in a list:
    /// `Repper 2012`, `Repper`, `2012`, or empty.
    pub fn author_year(&self) -> String {
        let author = self
            .authors
            .first()
            .map(|a| crate::text::surname(a))
            .unwrap_or("");
        match (author.is_empty(), self.year) {
            (false, Some(y)) => format!("{author} {y}"),
            (false, None) => author.to_string(),
            (true, Some(y)) => y.to_string(),
            (true, None) => String::new(),
        }
    }
}

/// Openings that start many abstracts and say nothing about the paper.
const STOCK_OPENINGS: &[&str] = &[
    "the purpose of this paper is to",
    "the purpose of this study is to",
    "the purpose of this study was to",
    "the purpose of this article is to",
    "the purpose of this chapter is to",
    "the aim of this paper is to",
    "the aim of this study is to",
    "the aim of this study was to",
    "the aim of this article is to",
    "this paper aims to",
    "this study aims to",
    "this article aims to",
    "this chapter aims to",
    "in this paper, we",
    "in this paper we",
    "in this study, we",
    "in this study we",
    "in this article, we",
    "in this article we",
    "in this chapter,",
    "in this paper,",
    "in this study,",
    "in this article,",
];

/// How many words a stand-in title shows.
const STAND_IN_WORDS: usize = 12;

/// The words of an untitled record's abstract worth showing: after the
/// first section's heading and a stock opening.
fn telling_words(r: &Record) -> Vec<&str> {
    let text = match r.sections.first() {
        Some(s) => s.text.as_str(),
        None => {
            let heads = headings(&r.abstract_text);
            match heads.first() {
                Some(&(0, body)) => &r.abstract_text[body..],
                _ => r.abstract_text.as_str(),
            }
        }
    };
    let words: Vec<&str> = text.split_whitespace().collect();
    for opening in STOCK_OPENINGS {
        let n = opening.split_whitespace().count();
        if words.len() > n
            && words[..n]
                .iter()
                .zip(opening.split_whitespace())
                .all(|(w, o)| w.eq_ignore_ascii_case(o))
        {
            return words[n..].to_vec();
        }
    }
    words
}

/// The stand-in for a missing title: the abstract's telling words
/// (`(no title) In April 2010, Nottinghamshire … …`), or a marker when
/// there is no abstract either.
pub fn stand_in(r: &Record) -> String {
    let words = telling_words(r);
    if words.is_empty() {
        return "(no title, no abstract)".to_string();
    }
    let shown: Vec<&str> = words.iter().copied().take(STAND_IN_WORDS).collect();
    // A no-break space: the `…` does not wrap onto a line of its own.
    format!("(no title) {}\u{a0}…", shown.join(" "))
}

/// Titles to show for `records` side by side (the list): a record's
/// title, or for one without a title its stand-in starting where its
/// abstract stops sharing words with every other untitled record's, so
/// that two papers whose abstracts open alike (the two Repper and Watson
/// papers of 2012 share their first two sentences) read differently. Pair
/// with [`Record::author_year`].
pub fn distinct_titles(records: &[&Record]) -> Vec<String> {
    let words: Vec<Option<Vec<String>>> = records
        .iter()
        .map(|r| {
            r.title.trim().is_empty().then(|| {
                telling_words(r)
                    .iter()
                    .map(|w| w.to_lowercase())
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    // Sorted, a record shares its longest run of opening words with a
    // neighbour: n log n, not every pair.
    let mut order: Vec<usize> = (0..records.len()).filter(|&i| words[i].is_some()).collect();
    order.sort_by(|&a, &b| words[a].cmp(&words[b]));
    let common = |a: usize, b: usize| -> usize {
        match (&words[a], &words[b]) {
            (Some(x), Some(y)) => x.iter().zip(y).take_while(|(p, q)| p == q).count(),
            _ => 0,
        }
    };
    let mut skip = vec![0usize; records.len()];
    for k in 0..order.len() {
        let before = k.checked_sub(1).map_or(0, |j| common(order[j], order[k]));
        let after = order.get(k + 1).map_or(0, |&j| common(order[k], j));
        skip[order[k]] = before.max(after);
    }
    records
        .iter()
        .enumerate()
        .map(|(i, r)| {
            if words[i].is_none() {
                return r.display_title();
            }
            let all = telling_words(r);
            // Keep a little of what is shared, so the text reads on.
            let from = skip[i].saturating_sub(2);
            if skip[i] == 0 || from >= all.len() {
                return stand_in(r);
            }
            let shown: Vec<&str> = all[from..].iter().copied().take(STAND_IN_WORDS).collect();
            format!("(no title) … {}\u{a0}…", shown.join(" "))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medline_headings_make_sections() {
        let text = "BACKGROUND: Peer support is growing. METHODS: We interviewed 35 peers. \
                    RESULTS: Peers helped. CONCLUSIONS: Keep them.";
        let s = split(text);
        let labels: Vec<&str> = s.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(labels, ["Background", "Methods", "Results", "Conclusions"]);
        assert_eq!(s[1].text, "We interviewed 35 peers.");
        assert_eq!(s[3].text, "Keep them.");
        let r = Record {
            abstract_text: text.into(),
            ..Record::default()
        };
        assert_eq!(r.abstract_sections().len(), 4);
    }

    #[test]
    fn headings_on_lines_of_their_own_and_other_colons() {
        let s = split("Background: we sought to assess.\nMethods: We undertook a trial.");
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].label, "Background");
        assert_eq!(s[1].text, "We undertook a trial.");
        // One heading, or colons in prose, make no sections.
        assert!(split("RESULTS: only one heading here.").is_empty());
        assert!(split("The ratio was 3:1. Note: this is prose: not headings.").is_empty());
        // Text before the first heading is kept as an unlabelled section.
        let s = split("A trial. MAIN OUTCOME MEASURES: mortality. RESULTS: fewer died.");
        assert_eq!(s[0].label, "");
        assert_eq!(s[1].label, "Main outcome measures");
    }

    fn untitled(authors: &[&str], year: i32, abstract_text: &str) -> Record {
        Record {
            authors: authors.iter().map(|a| a.to_string()).collect(),
            year: Some(year),
            abstract_text: abstract_text.into(),
            ..Record::default()
        }
    }

    #[test]
    fn stand_ins_skip_the_heading_the_stock_opening_and_shared_words() {
        let a = untitled(
            &["Julie Repper", "Emma Watson"],
            2012,
            "Purpose: In April 2010, Nottinghamshire Healthcare NHS trust won funding to employ \
             six peer support workers. An earlier paper focuses on the lessons learned.",
        );
        let b = untitled(
            &["Julie Repper", "Emma Watson"],
            2012,
            "Purpose: In April 2010, Nottinghamshire Healthcare NHS trust won funding to employ \
             six peer support workers. The aim of this paper is to communicate the key lessons.",
        );
        let c = untitled(
            &["Simon Lawton-Smith"],
            2013,
            "Purpose: The purpose of this paper is to provide a summary of where peer support sits.",
        );
        assert_eq!(a.author_year(), "Repper 2012");
        assert!(a.display_title().starts_with("(no title) In April 2010"));
        assert!(
            c.display_title()
                .starts_with("(no title) provide a summary")
        );
        let titles = distinct_titles(&[&a, &b, &c]);
        assert_ne!(titles[0], titles[1]);
        assert!(titles[0].contains("An earlier paper"), "{}", titles[0]);
        assert!(titles[1].contains("communicate the key"), "{}", titles[1]);
        assert_eq!(titles[2], c.display_title());
    }
}
