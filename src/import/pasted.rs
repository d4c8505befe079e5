//! A publisher's search-results page copied from the browser as text (the
//! layout of Emerald Insight): per item a type line (`Article`, `Book
//! part`), `Publication date: …`, the authors, a truncated snippet, maybe a
//! download count, `Abstract` with labelled sections (`Purpose`,
//! `Findings`, …), `Details` (journal with volume and issue, or the book;
//! `Type:`, `ISSN:`/`ISBN:`), `Keywords`. The page copied in the corpus
//! carries no titles; when the copy has them (a line between the type and
//! the date) they are read, and any number of results and item types
//! (`Case study`, `Conference paper`, …) are taken.

use super::Parsed;
use crate::record::{Record, Section};
use crate::text;

/// Section headings of structured abstracts as publishers print them.
const LABELS: &[&str] = &[
    "Purpose",
    "Design/methodology/approach",
    "Findings",
    "Research limitations/implications",
    "Practical implications",
    "Social implications",
    "Originality/value",
    "Background",
    "Objective",
    "Objectives",
    "Aim",
    "Aims",
    "Methods",
    "Method",
    "Results",
    "Conclusions",
    "Conclusion",
    "Introduction",
    "Discussion",
    "Limitations",
    "Implications",
    "Value",
    "Context",
    "Approach",
];

struct Line<'a> {
    no: usize,
    text: &'a str,
}

pub fn parse(text: &str) -> Parsed {
    let lines: Vec<Line> = super::decode::lines(text)
        .into_iter()
        .enumerate()
        .map(|(i, t)| Line {
            no: i + 1,
            text: t.trim(),
        })
        .filter(|l| !l.text.is_empty())
        .collect();
    // A result starts at its type line: right before `Publication date:`,
    // or two lines before it with the title between.
    let mut starts: Vec<usize> = Vec::new();
    let mut previous_date: Option<usize> = None;
    for d in 0..lines.len() {
        if !lines[d].text.starts_with("Publication date:") {
            continue;
        }
        let floor = previous_date.map_or(0, |p| p + 1);
        let start = if d >= floor + 2
            && is_item_type(lines[d - 2].text)
            && !is_item_type(lines[d - 1].text)
        {
            Some(d - 2)
        } else if d > floor {
            Some(d - 1)
        } else {
            None
        };
        if let Some(start) = start {
            starts.push(start);
        }
        previous_date = Some(d);
    }
    let mut parsed = Parsed {
        database: publisher(text),
        ..Parsed::default()
    };
    let first = starts.first().copied().unwrap_or(lines.len());
    for l in &lines[..first] {
        if !is_page_furniture(l.text) {
            parsed.stray(
                l.no,
                format!("text before the first result: `{}`", short(l.text)),
            );
        }
    }
    for (n, &start) in starts.iter().enumerate() {
        let end = starts.get(n + 1).copied().unwrap_or(lines.len());
        let block = &lines[start..end];
        match build(block, &mut parsed) {
            Some(record) => parsed.records.push((block[0].no, record)),
            None => {
                parsed.reported += 1;
                parsed.report(
                    block[0].no,
                    "result has no authors, abstract or snippet",
                    "skipped",
                );
            }
        }
    }
    parsed
}

fn short(s: &str) -> String {
    super::short(s, 60)
}

/// The publisher whose results page this is, from its links or its
/// layout: Emerald Insight's pages link to `emerald.com/insight` and give
/// every article Emerald's structured abstract (`Design/methodology/
/// approach` and `Originality/value` are headings no other publisher
/// prescribes).
fn publisher(text: &str) -> Option<String> {
    let emerald = ["emerald.com", "emeraldinsight.com", "Emerald Publishing"]
        .iter()
        .any(|mark| text.contains(mark))
        || text.contains("\nDesign/methodology/approach") && text.contains("\nOriginality/value");
    emerald.then(|| "Emerald Insight".to_string())
}

/// Headers and counters of a results page (`Search results`, `1 – 10 of
/// over 67000`) that are not part of any result.
fn is_page_furniture(s: &str) -> bool {
    const LINKS: &[&str] = &[
        "search results",
        "next",
        "previous",
        "next page",
        "previous page",
        "load more",
        "show more",
        "back to top",
    ];
    LINKS.iter().any(|l| l.eq_ignore_ascii_case(s))
        || s.split_whitespace()
            .next()
            .is_some_and(|w| w.parse::<u64>().is_ok())
            && s.contains(" of ")
}

/// Item types publishers print above a result.
const ITEM_TYPES: &[&str] = &[
    "article",
    "journal article",
    "research article",
    "review article",
    "book part",
    "book chapter",
    "chapter",
    "book",
    "case study",
    "conference paper",
    "conference proceedings",
    "review",
    "book review",
    "editorial",
    "report",
    "thesis",
    "dataset",
    "preprint",
    "letter",
    "commentary",
    "viewpoint",
    "news",
    "other",
];

fn is_item_type(s: &str) -> bool {
    ITEM_TYPES.iter().any(|t| t.eq_ignore_ascii_case(s))
}

fn is_label(s: &str) -> bool {
    LABELS.iter().any(|l| l.eq_ignore_ascii_case(s))
}

fn build(block: &[Line], parsed: &mut Parsed) -> Option<Record> {
    let mut r = Record {
        kind: block[0].text.to_string(),
        ..Record::default()
    };
    let date_at = block
        .iter()
        .position(|l| l.text.starts_with("Publication date:"))
        .unwrap_or(1)
        .max(1);
    let title: Vec<&str> = block[1..date_at].iter().map(|l| l.text).collect();
    r.title = text::collapse_ws(&text::clean_markup(&title.join(" ")));
    let date = block
        .get(date_at)
        .map_or("", |l| l.text)
        .trim_start_matches("Publication date:")
        .trim();
    r.date = date.to_string();
    r.year = text::year_in(date);
    let mut i = date_at + 1;
    // Authors, then the snippet; a page may lack authors (editorials).
    let abstract_at = block.iter().position(|l| l.text == "Abstract");
    let details_at = block.iter().position(|l| l.text == "Details");
    let head_end = abstract_at.or(details_at).unwrap_or(block.len());
    let mut snippet = String::new();
    while i < head_end {
        let t = block[i].text;
        if t.bytes().all(|b| b.is_ascii_digit()) {
            r.push_extra("Downloads", t);
        } else if r.authors.is_empty() && snippet.is_empty() && looks_like_authors(t) {
            r.authors = split_authors(t);
        } else if snippet.is_empty() {
            snippet = t.to_string();
        } else {
            snippet.push(' ');
            snippet.push_str(t);
        }
        i += 1;
    }
    if let Some(a) = abstract_at {
        let body_end = details_at.filter(|&d| d > a).unwrap_or(block.len());
        let mut current: Option<Section> = None;
        for l in &block[a + 1..body_end] {
            if is_label(l.text) {
                if let Some(s) = current.take() {
                    r.sections.push(s);
                }
                current = Some(Section {
                    label: l.text.to_string(),
                    text: String::new(),
                });
            } else {
                let s = current.get_or_insert_with(|| Section {
                    label: String::new(),
                    text: String::new(),
                });
                if !s.text.is_empty() {
                    s.text.push('\n');
                }
                s.text.push_str(l.text);
            }
        }
        if let Some(s) = current.take() {
            r.sections.push(s);
        }
    }
    for s in r.sections.iter().filter(|s| s.text.is_empty()) {
        parsed.report(
            block[0].no,
            format!("abstract heading `{}` without text", s.label),
            "kept the heading",
        );
    }
    if r.sections.len() == 1 && r.sections[0].label.is_empty() {
        r.abstract_text = r.sections.remove(0).text;
    } else {
        r.abstract_text = r
            .sections
            .iter()
            .map(|s| {
                if s.label.is_empty() {
                    s.text.clone()
                } else {
                    format!("{}: {}", s.label, s.text)
                }
            })
            .collect::<Vec<_>>()
            .join("\n\n");
    }
    if !snippet.is_empty() {
        if r.abstract_text.is_empty() {
            r.abstract_text = snippet.clone();
            parsed.report(
                block[0].no,
                "only the search-result snippet is on the page, no abstract",
                "kept the snippet as the abstract (it may be cut short)",
            );
        }
        r.push_extra("Snippet", snippet);
    }
    if details_at.is_none() {
        parsed.report(
            block[0].no,
            "result has no `Details` part (journal, volume, ISSN/ISBN): the page ends it early",
            "kept the result without them",
        );
    }
    if let Some(d) = details_at {
        let mut in_keywords = false;
        for (k, l) in block[d + 1..].iter().enumerate() {
            let t = l.text;
            if is_page_furniture(t) {
                // The page's own lines after the last result (`1 – 10 of
                // over 67000`, `Next`) belong to no result.
                continue;
            } else if t == "Keywords" {
                in_keywords = true;
            } else if in_keywords {
                r.keywords.extend(
                    t.split([';', ','])
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(String::from),
                );
            } else if let Some((label, value)) = t
                .split_once(": ")
                .filter(|(l, _)| !l.is_empty() && l.len() <= 20 && !l.contains(','))
            {
                let value = value.trim();
                match label {
                    "ISSN" => r.issn = value.to_string(),
                    "ISBN" => r.isbn = value.to_string(),
                    "DOI" => r.doi = value.to_string(),
                    // `Type: Research Article` says more than the item's
                    // `Article` line; `Type: Book` of a `Book part` names
                    // the book, not the part.
                    "Type" if refines(value, &r.kind) => {
                        let item = std::mem::replace(&mut r.kind, value.to_string());
                        r.push_extra("Item type", item);
                    }
                    _ => r.push_extra(label, value),
                }
            } else if k == 0 {
                parse_venue(t, &mut r);
            } else {
                r.push_extra("Details", t);
            }
        }
    }
    (!r.authors.is_empty() || !r.abstract_text.is_empty()).then_some(r)
}

/// Whether a Details `Type:` names the item more precisely than its type
/// line: every word of the type line is in it.
fn refines(detail: &str, item: &str) -> bool {
    let detail = detail.to_lowercase();
    !item.is_empty()
        && detail != item.to_lowercase()
        && item
            .to_lowercase()
            .split_whitespace()
            .all(|w| detail.split_whitespace().any(|d| d == w))
}

/// `The Journal of …, vol. 7 no. 2` or a book title. An article not yet
/// in an issue is `vol. ahead-of-print no. ahead-of-print`: said once.
fn parse_venue(t: &str, r: &mut Record) {
    match t.rsplit_once(", vol. ") {
        Some((journal, rest)) => {
            r.journal = journal.trim().to_string();
            match rest.split_once(" no. ") {
                Some((vol, issue)) => {
                    r.volume = vol.trim().to_string();
                    let issue = issue.trim();
                    if issue != r.volume || issue.bytes().all(|b| b.is_ascii_digit()) {
                        r.issue = issue.to_string();
                    }
                }
                None => r.volume = rest.trim().to_string(),
            }
        }
        None => r.journal = t.to_string(),
    }
}

/// Names are short, capitalised and separated by commas and `and`; a
/// snippet is a sentence.
fn looks_like_authors(t: &str) -> bool {
    if t.ends_with('…') || t.ends_with('.') || t.len() > 200 {
        return false;
    }
    split_authors(t).iter().all(|name| {
        let words: Vec<&str> = name.split_whitespace().collect();
        (1..=5).contains(&words.len())
            && words
                .iter()
                .all(|w| w.chars().next().is_some_and(|c| c.is_uppercase()) || is_particle(w))
    })
}

fn is_particle(w: &str) -> bool {
    matches!(
        w,
        "van" | "von" | "de" | "der" | "den" | "da" | "di" | "del" | "la" | "le" | "du"
    )
}

fn split_authors(t: &str) -> Vec<String> {
    t.split(", ")
        .flat_map(|part| part.split(" and "))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn author_lines_and_snippets() {
        assert!(looks_like_authors("Julie Repper and Emma Watson"));
        assert!(looks_like_authors(
            "Liza Hopkins, Glenda Pedwell, Katie Wilson and Prunella Howell-Jay"
        ));
        assert!(!looks_like_authors(
            "Peer support work is increasingly becoming part of the delivery of health…"
        ));
        assert_eq!(split_authors("A B, C D and E F"), vec!["A B", "C D", "E F"]);
    }

    #[test]
    fn pages_with_titles_and_other_item_types() {
        let text = "Search results\n\n1 – 3 of 3\nCase study\nRecovery colleges: a <i>case</i>\n\
                    Publication date: 2 May 2019\n\nAnna Smith and Bo Li\n\nShort snippet…\n\n\
                    Abstract\n\nPurpose\n\nTo see.\n\nDetails\n\nJournal of Tests, vol. 3 no. 1\n\
                    ISSN: 1234-5678\n\nKeywords\n\nPeer support; Recovery\n\n\
                    Article\nPublication date: 1 June 2020\n\nCo Author\n\nAbstract\n\nNo labels here.\n\n\
                    Details\n\nOther Journal, vol. 1 no. 2\nDOI: 10.1108/x\n\n\
                    Conference paper\nWhat peers do\nPublication date: 2021\n\nDee Ee\n\nAbstract\n\nText.\n";
        let p = parse(text);
        assert_eq!(p.total(), 3, "{:?}", p.warnings);
        let r: Vec<&Record> = p.records.iter().map(|(_, r)| r).collect();
        assert_eq!(r[0].kind, "Case study");
        assert_eq!(r[0].title, "Recovery colleges: a case");
        assert_eq!(r[0].authors, ["Anna Smith", "Bo Li"]);
        assert_eq!(r[0].keywords, ["Peer support", "Recovery"]);
        assert_eq!(r[0].sections[0].label, "Purpose");
        assert_eq!(r[1].title, "");
        assert_eq!(r[1].doi, "10.1108/x");
        assert_eq!(r[1].abstract_text, "No labels here.");
        assert_eq!(r[2].kind, "Conference paper");
        assert_eq!(r[2].title, "What peers do");
        assert_eq!(r[2].year, Some(2021));
    }

    #[test]
    fn venue() {
        let mut r = Record::default();
        parse_venue(
            "Mental Health and Social Inclusion, vol. ahead-of-print no. ahead-of-print",
            &mut r,
        );
        assert_eq!(r.journal, "Mental Health and Social Inclusion");
        assert_eq!(r.volume, "ahead-of-print");
        assert_eq!(r.issue, "");
        assert_eq!(
            r.citation(),
            "Mental Health and Social Inclusion ahead-of-print"
        );
        let mut r = Record::default();
        parse_venue("J, vol. 7 no. 7", &mut r);
        assert_eq!(r.citation(), "J 7(7)");
    }

    #[test]
    fn the_page_footer_is_no_keyword_and_details_are_fields() {
        let text = "Search results\n1 – 10 of over 67000\nArticle\nPublication date: 1 June 2020\n\n\
                    Co Author\n\nAbstract\n\nPurpose\n\nText.\n\nDesign/methodology/approach\n\nMore.\n\n\
                    Originality/value\n\nNew.\n\nDetails\n\nOther Journal, vol. ahead-of-print no. ahead-of-print\n\
                    Type: Research Article\nISSN: 2042-8308\n\nKeywords\n\nPeer support\nRecovery\n\n\
                    1 – 10 of over 67000\nNext\n";
        let p = parse(text);
        assert_eq!(p.total(), 1, "{:?}", p.warnings);
        let r = &p.records[0].1;
        assert_eq!(r.keywords, ["Peer support", "Recovery"]);
        assert_eq!(r.kind, "Research Article");
        assert!(
            r.extra
                .iter()
                .any(|f| f.tag == "Item type" && f.value == "Article")
        );
        assert_eq!(r.issn, "2042-8308");
        assert_eq!(r.citation(), "Other Journal ahead-of-print");
        assert_eq!(p.database.as_deref(), Some("Emerald Insight"));
        // A book part's `Type: Book` names the book: kept, not the type.
        assert!(!refines("Book", "Book part"));
        assert!(refines("Research Article", "Article"));
    }
}
