//! Ovid text exports (the "Display"/"Citation + Abstract" text format):
//! each record starts with a `<1>` (or `<1. >`) line, then a label on its
//! own line (`Author`, `Title`, `Source`, `Abstract`, …) and its value on
//! the following indented lines.

use super::{Parsed, unwrap_prose};
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

struct Field {
    label: String,
    lines: Vec<String>,
}

pub fn parse(text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let mut current: Option<(usize, Vec<Field>)> = None;
    for (i, line) in super::decode::line_iter(text).enumerate() {
        let line_no = i + 1;
        if record_number(line).is_some() {
            if let Some((start, fields)) = current.take() {
                finish(&mut parsed, start, fields);
            }
            current = Some((line_no, Vec::new()));
            continue;
        }
        if line.trim().is_empty() {
            continue;
        }
        let Some((_, fields)) = current.as_mut() else {
            parsed.stray(
                line_no,
                format!(
                    "text before the first record: `{}`",
                    line.trim().chars().take(60).collect::<String>()
                ),
            );
            continue;
        };
        if line.starts_with([' ', '\t']) {
            match fields.last_mut() {
                Some(f) => f.lines.push(line.trim().to_string()),
                None => fields.push(Field {
                    label: String::new(),
                    lines: vec![line.trim().to_string()],
                }),
            }
        } else {
            fields.push(Field {
                label: line.trim().to_string(),
                lines: Vec::new(),
            });
        }
    }
    if let Some((start, fields)) = current.take() {
        finish(&mut parsed, start, fields);
    }
    parsed
}

fn finish(parsed: &mut Parsed, start: usize, fields: Vec<Field>) {
    let record = build(fields);
    if record.is_empty() {
        parsed.reported += 1;
        parsed.report(
            start,
            "record has no title, abstract, authors or identifier",
            "skipped",
        );
    } else {
        parsed.push(start, record);
    }
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
fn split_authors(lines: &[String]) -> Vec<String> {
    lines
        .iter()
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

fn build(fields: Vec<Field>) -> Record {
    let mut r = Record::default();
    for f in fields {
        let joined = f.lines.join(" ");
        let v = joined.trim();
        let value_is_empty = v.is_empty() || v == "-";
        let used = match f.label.to_ascii_lowercase().as_str() {
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
                r.abstract_text = unwrap_prose(&text::clean_markup(&f.lines.join("\n")));
                true
            }
            "author" | "authors" | "author name" if r.authors.is_empty() => {
                r.authors = split_authors(&f.lines);
                r.push_extra("raw:Author", f.lines.join("\n"));
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
                    f.lines
                        .iter()
                        .flat_map(|l| l.split(';'))
                        .map(|k| k.trim().trim_end_matches('.').trim())
                        .filter(|k| !k.is_empty())
                        .map(String::from),
                );
                r.push_extra(&format!("raw:{}", f.label), f.lines.join("\n"));
                true
            }
            "url" | "link to the ovid full text or citation" if r.url.is_empty() => {
                r.url = v.to_string();
                true
            }
            _ => false,
        };
        if !used && !value_is_empty {
            r.push_extra(&f.label, f.lines.join("\n"));
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
