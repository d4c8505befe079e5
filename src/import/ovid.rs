//! Ovid text exports (the "Display"/"Citation + Abstract" text format):
//! each record starts with a `<1>` (or `<1. >`) line, then a label on its
//! own line (`Author`, `Title`, `Source`, `Abstract`, …) and its value on
//! the following indented lines.

use super::Parsed;
use super::tagged::{Field, Fields, set_abstract, short};
use crate::record::Record;
use crate::text;

/// `<12>`, `<12. >`, `<12.>` → 12.
pub fn record_number(line: &str) -> Option<u64> {
    let t = line.trim();
    let inner = t.strip_prefix('<')?.strip_suffix('>')?;
    let inner = inner.trim().trim_end_matches('.').trim();
    (!inner.is_empty() && inner.len() <= 9 && inner.bytes().all(|b| b.is_ascii_digit()))
        .then(|| inner.parse().ok())
        .flatten()
}

pub fn looks_like(lines: &[&str]) -> bool {
    let mut it = lines
        .iter()
        .map(|l| l.trim_start_matches('\u{feff}'))
        .filter(|l| !l.trim().is_empty());
    // The first thing in the file is a record number, then a label.
    matches!(it.next(), Some(l) if record_number(l).is_some())
        && matches!(it.next(), Some(l) if !l.starts_with(' ') && l.len() < 60)
}

pub fn parse(text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let mut records = Fields::new();
    for (i, line) in super::decode::line_iter(text).enumerate() {
        let line_no = i + 1;
        if record_number(line).is_some() {
            records.close(&mut parsed, build);
            records.open(line_no);
            continue;
        }
        if line.trim().is_empty() {
            continue;
        }
        if !records.is_open() {
            parsed.stray(
                line_no,
                format!("text before the first record: `{}`", short(line.trim(), 60)),
            );
            continue;
        }
        // A label on a line of its own, its value on the indented lines
        // after it (one per line).
        if !line.starts_with([' ', '\t']) {
            records.push(line.trim(), "");
        } else if !records.continue_last(line.trim(), '\n') {
            records.push("", line.trim());
        }
    }
    records.close(&mut parsed, build);
    parsed
}

/// `Ecohydrology.   8(6):1048-1064, September 2015.` → journal, volume,
/// issue, pages, date.
fn parse_source(s: &str, r: &mut Record) {
    let (journal, rest) = match s.find(".  ") {
        Some(p) => (&s[..p], s[p + 1..].trim()),
        None => (s.trim_end_matches('.'), ""),
    };
    r.journal = journal.trim().to_string();
    let rest = rest.trim_end_matches('.');
    let (citation, date) = match rest.split_once(", ") {
        Some((c, d)) => (c.trim(), d.trim()),
        None => (rest, ""),
    };
    if let Some((vol_issue, pages)) = citation.split_once(':') {
        r.pages = pages.trim().to_string();
        match vol_issue.split_once('(') {
            Some((v, i)) => {
                r.volume = v.trim().trim_start_matches("Vol").trim().to_string();
                r.issue = i.trim_end_matches(')').trim().to_string();
            }
            None => r.volume = vol_issue.trim().to_string(),
        }
    }
    if !date.is_empty() {
        r.date = date.to_string();
    }
    if r.year.is_none() {
        // The date, not the pages (`1048-1064` reads as years).
        r.year = text::year_in(date).or_else(|| text::year_in(citation));
    }
}

/// `Holstiege, Jakob 1;  Mathes, Tim 2` → names without affiliation marks.
fn split_authors(lines: &str) -> Vec<String> {
    lines
        .split('\n')
        .flat_map(|l| l.split(';'))
        .flat_map(|part| part.split("  "))
        .map(|a| {
            a.trim()
                .trim_end_matches(|c: char| c.is_ascii_digit() || c == ',' || c == ' ')
                .trim()
                .to_string()
        })
        .filter(|a| !a.is_empty())
        .collect()
}

/// LWW titles end in the article type: `….[Review]`.
fn strip_type_suffix(title: &str) -> &str {
    match title.rfind(".[") {
        Some(p) if title.ends_with(']') && title.len() - p < 40 => &title[..=p],
        _ => title,
    }
}

fn build(fields: &mut Vec<Field<'_>>) -> Record {
    let mut r = Record::default();
    for f in fields.drain(..) {
        // The value's lines as one line (`.  ` in a source stays: it
        // separates the journal from the citation).
        let joined = f.value.replace('\n', " ");
        let v = joined.trim();
        let value_is_empty = v.is_empty() || v == "-";
        let used = match f.tag.to_ascii_lowercase().as_str() {
            _ if value_is_empty => false,
            "title" | "article title" if r.title.is_empty() => {
                let clean = text::collapse_ws(&text::clean_markup(strip_type_suffix(v)));
                if clean != v {
                    r.push_extra("raw:Title", v);
                }
                r.title = clean;
                true
            }
            "abstract" if r.abstract_text.is_empty() => {
                set_abstract(&mut r, "Abstract", &f.value);
                true
            }
            "author" | "authors" | "author name" if r.authors.is_empty() => {
                r.authors = split_authors(&f.value);
                r.push_extra("raw:Author", f.value.to_string());
                true
            }
            "source" if r.journal.is_empty() => {
                parse_source(v, &mut r);
                r.push_extra("raw:Source", v);
                true
            }
            "journal name" | "journal title" if r.journal.is_empty() => {
                r.journal = v.to_string();
                true
            }
            "doi number" | "digital object identifier" | "doi" if r.doi.is_empty() => {
                r.doi = v.to_string();
                true
            }
            "unique identifier" | "pubmed id" | "pmid" if r.pmid.is_empty() => {
                r.pmid = v.trim_end_matches('.').to_string();
                true
            }
            "issn" | "international standard serial number" if r.issn.is_empty() => {
                r.issn = v.to_string();
                true
            }
            "isbn" | "international standard book number" if r.isbn.is_empty() => {
                r.isbn = v.to_string();
                true
            }
            "publication type" | "document type" if r.kind.is_empty() => {
                r.kind = v.trim_end_matches('.').to_string();
                true
            }
            "year of publication" | "publication year" => {
                r.year = text::year_in(v);
                r.year.is_some_and(|y| y.to_string() == v)
            }
            "author keywords"
            | "keywords"
            | "keyword heading"
            | "mesh subject headings"
            | "subject headings" => {
                r.keywords.extend(
                    f.value
                        .split('\n')
                        .flat_map(|l| l.split(';'))
                        .map(|k| k.trim().trim_end_matches('.').trim())
                        .filter(|k| !k.is_empty())
                        .map(String::from),
                );
                r.push_extra(&format!("raw:{}", f.tag), f.value.to_string());
                true
            }
            "url" | "link to the ovid full text or citation" if r.url.is_empty() => {
                r.url = v.to_string();
                true
            }
            _ => false,
        };
        if !used && !value_is_empty {
            r.push_extra(f.tag, f.value);
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_labels_and_sources() {
        assert_eq!(record_number("<1>"), Some(1));
        assert_eq!(record_number("<12. >  "), Some(12));
        assert_eq!(record_number("<a>"), None);
        let text = "<8>\nScore\n  *****\nAuthor\n  Holstiege, Jakob 1;  Mathes, Tim 2\nTitle\n  \
                    Effects of support.[Review]\nSource\n  Ecohydrology.   8(6):1048-1064, September 2015.\n\
                    Abstract\n  Lorem ipsum\nDOI Number\n  10.1/x\n<9. >\nTitle\n  Second\n";
        let p = parse(text);
        assert_eq!(p.total(), 2);
        let r = &p.records[0].1;
        assert_eq!(r.authors, ["Holstiege, Jakob", "Mathes, Tim"]);
        assert_eq!(r.title, "Effects of support.");
        assert_eq!(r.journal, "Ecohydrology");
        assert_eq!(
            (r.volume.as_str(), r.issue.as_str(), r.pages.as_str()),
            ("8", "6", "1048-1064")
        );
        assert_eq!(r.year, Some(2015));
        assert_eq!(r.doi, "10.1/x");
        assert!(
            r.extra
                .iter()
                .any(|f| f.tag == "Score" && f.value == "*****")
        );
        assert_eq!(p.records[1].0, 14);
    }
}
