//! EndNote XML (`<xml><records><record>…`), as EndNote, Zotero, Bookends
//! and Mendeley write it: values bare or wrapped in `<style face=…>` runs
//! (several runs make one value), everything on one line or pretty-printed.
//!
//! Every element with text becomes a field named by its path inside the
//! record (`titles/title`, `contributors/authors/author`); the known ones
//! are mapped, the others kept verbatim in `extra` under that path.

use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

use super::{Parsed, unwrap_prose};
use crate::record::Record;
use crate::text;

struct Field {
    path: String,
    value: String,
}

/// One record being read.
struct Open {
    line: usize,
    kind: String,
    fields: Vec<Field>,
}

pub fn parse(text: &str) -> Parsed {
    let normalized = super::decode::bare_cr_to_lf(text);
    let text: &str = &normalized;
    let mut parsed = Parsed::default();
    let mut reader = Reader::from_str(text);
    // Whitespace inside values is kept; values are trimmed when mapped.
    reader.config_mut().trim_text(false);
    let mut stack: Vec<String> = Vec::new();
    // Index in `stack` of the open `<record>`.
    let mut record_depth: Option<usize> = None;
    let mut open: Option<Open> = None;
    let mut buf = String::new();
    let mut line_counter = LineCounter::new(text);
    loop {
        let event = reader.read_event();
        let pos = reader.buffer_position() as usize;
        match event {
            Ok(Event::Start(e)) => {
                let name = local_name(&e);
                if name == "style" {
                    continue;
                }
                flush(&mut open, &stack, record_depth, &mut buf);
                if name == "record" && record_depth.is_none() {
                    record_depth = Some(stack.len());
                    open = Some(Open {
                        line: line_counter.line_at(pos),
                        kind: String::new(),
                        fields: Vec::new(),
                    });
                } else if name == "ref-type" {
                    if let Some(o) = open.as_mut() {
                        o.kind = attribute(&e, "name").unwrap_or_default();
                    }
                }
                stack.push(name);
            }
            Ok(Event::Empty(_)) => {}
            Ok(Event::End(e)) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if name == "style" {
                    continue;
                }
                flush(&mut open, &stack, record_depth, &mut buf);
                stack.pop();
                if name == "record" && record_depth == Some(stack.len()) {
                    record_depth = None;
                    if let Some(o) = open.take() {
                        finish(&mut parsed, o);
                    }
                }
            }
            Ok(Event::Text(t)) => {
                if open.is_some() {
                    buf.push_str(&t.xml_content().unwrap_or_default());
                }
            }
            Ok(Event::CData(t)) => {
                if open.is_some() {
                    buf.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Ok(Event::GeneralRef(r)) => {
                if open.is_some() {
                    match r.resolve_char_ref() {
                        Ok(Some(c)) => buf.push(c),
                        _ => {
                            let name = r.decode().unwrap_or_default();
                            match name.as_ref() {
                                "amp" => buf.push('&'),
                                "lt" => buf.push('<'),
                                "gt" => buf.push('>'),
                                "quot" => buf.push('"'),
                                "apos" => buf.push('\''),
                                other => {
                                    buf.push('&');
                                    buf.push_str(other);
                                    buf.push(';');
                                }
                            }
                        }
                    }
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => {
                let at = reader.error_position() as usize;
                let line = line_counter.line_at(at);
                let rest = text.get(at..).unwrap_or("");
                let unread = rest.matches("<record>").count() + usize::from(open.is_some());
                parsed.reported += unread;
                parsed.report(
                    line,
                    format!("the XML is broken here ({e})"),
                    format!(
                        "kept the {} records before it; {unread} records after it \
                         (counted by their `<record>` tags) are not imported",
                        parsed.records.len()
                    ),
                );
                return parsed;
            }
        }
    }
    if open.is_some() {
        parsed.reported += 1;
        parsed.report(
            line_counter.line_at(text.len()),
            "the file ends inside a `<record>` (cut short?)",
            "skipped that record",
        );
    }
    parsed
}

fn local_name(e: &BytesStart) -> String {
    String::from_utf8_lossy(e.local_name().as_ref()).into_owned()
}

fn attribute(e: &BytesStart, name: &str) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        (a.key.local_name().as_ref() == name.as_bytes())
            .then(|| a.unescape_value().ok().map(|v| v.into_owned()))
            .flatten()
    })
}

/// Ends the text gathered for the element on top of the stack.
fn flush(open: &mut Option<Open>, stack: &[String], record_depth: Option<usize>, buf: &mut String) {
    let (Some(o), Some(depth)) = (open.as_mut(), record_depth) else {
        buf.clear();
        return;
    };
    if buf.trim().is_empty() || stack.len() <= depth + 1 {
        buf.clear();
        return;
    }
    o.fields.push(Field {
        path: stack[depth + 1..].join("/"),
        value: std::mem::take(buf),
    });
}

/// Byte offset to line, for offsets that only grow.
struct LineCounter<'a> {
    text: &'a str,
    pos: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        LineCounter {
            text,
            pos: 0,
            line: 1,
        }
    }

    fn line_at(&mut self, at: usize) -> usize {
        let at = at.min(self.text.len());
        if at > self.pos {
            self.line += self.text.as_bytes()[self.pos..at]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            self.pos = at;
        }
        self.line
    }
}

fn finish(parsed: &mut Parsed, o: Open) {
    let line = o.line;
    parsed.keep_or_report(line, build(o));
}

fn build(o: Open) -> Record {
    let mut r = Record {
        kind: o.kind,
        ..Record::default()
    };
    let first = |path: &str| o.fields.iter().position(|f| f.path == path);
    let journal_at = first("periodical/full-title")
        .or_else(|| first("titles/secondary-title"))
        .or_else(|| first("periodical/abbr-1"));
    let doi_at = o.fields.iter().position(|f| {
        f.path == "electronic-resource-num" && text::normalize_doi(&f.value).is_some()
    });
    for (i, f) in o.fields.into_iter().enumerate() {
        let v = f.value.trim();
        let one_line = text::collapse_ws(v);
        let shown: Option<String> = match f.path.as_str() {
            "titles/title" if r.title.is_empty() => {
                r.title = text::collapse_ws(&text::clean_markup(v));
                Some(r.title.clone())
            }
            "abstract" if r.abstract_text.is_empty() => {
                r.abstract_text = unwrap_prose(&text::clean_markup(v));
                Some(r.abstract_text.clone())
            }
            "contributors/authors/author" => {
                r.authors.push(one_line.clone());
                Some(one_line.clone())
            }
            _ if Some(i) == journal_at => {
                r.journal = text::collapse_ws(&text::clean_markup(v));
                Some(r.journal.clone())
            }
            "volume" if r.volume.is_empty() => {
                r.volume = one_line.clone();
                Some(one_line.clone())
            }
            "number" | "issue" if r.issue.is_empty() => {
                r.issue = one_line.clone();
                Some(one_line.clone())
            }
            "pages" if r.pages.is_empty() => {
                r.pages = one_line.clone();
                Some(one_line.clone())
            }
            _ if Some(i) == doi_at => {
                r.doi = one_line.clone();
                Some(one_line.clone())
            }
            "isbn" if r.issn.is_empty() && r.isbn.is_empty() => {
                // EndNote keeps ISSN and ISBN in one field.
                if super::ris::looks_like_isbn(&one_line) {
                    r.isbn = one_line.clone();
                } else {
                    r.issn = one_line.clone();
                }
                Some(one_line.clone())
            }
            "keywords/keyword" => {
                r.keywords.push(one_line.clone());
                Some(one_line.clone())
            }
            "urls/related-urls/url" | "urls/web-urls/url" if r.url.is_empty() => {
                r.url = one_line.clone();
                Some(one_line.clone())
            }
            "dates/year" if r.year.is_none() => {
                r.year = text::year_in(v);
                // Kept in `extra` too when it is more than a year.
                r.year
                    .filter(|y| y.to_string() == one_line)
                    .map(|_| one_line.clone())
            }
            "dates/pub-dates/date" if r.date.is_empty() => {
                r.date = one_line.clone();
                Some(one_line.clone())
            }
            _ => None,
        };
        match shown {
            // Markup taken out of a mapped value: keep what the file said.
            Some(_) if text::clean_markup(v) != v => {
                r.push_extra(&format!("raw:{}", f.path), untab(&f.value))
            }
            Some(_) => {}
            None => r.push_extra(&f.path, untab(&f.value)),
        }
    }
    if r.pmid.is_empty() {
        r.pmid = pmid_of(&r);
    }
    if r.pmid.is_empty() {
        // A PubMed link as the record's URL.
        r.pmid = super::ris::pmid_of(&r);
    }
    r
}

/// A value without the indentation of pretty-printed XML: lines trimmed,
/// blank lines dropped (the line breaks themselves are kept).
fn untab(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for line in value.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(line);
    }
    out
}

/// PubMed records carry the PMID as accession number with the database
/// named PubMed/MEDLINE.
fn pmid_of(r: &Record) -> String {
    let says_pubmed = r.extra.iter().any(|f| {
        matches!(
            f.tag.as_str(),
            "remote-database-provider" | "remote-database-name"
        ) && (f.value.contains("PubMed") || f.value.contains("MEDLINE") || f.value.contains("NLM"))
    });
    if !says_pubmed {
        return String::new();
    }
    r.extra
        .iter()
        .find(|f| f.tag == "accession-num")
        .map(|f| f.value.trim())
        .filter(|v| !v.is_empty() && v.len() <= 9 && v.bytes().all(|b| b.is_ascii_digit()))
        .unwrap_or_default()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styled_and_bare_values() {
        let text = r#"<?xml version="1.0" encoding="UTF-8"?>
<xml><records><record><ref-type name="Journal Article">17</ref-type>
<contributors><authors><author><style face="normal" size="100%">Ahmad, AS</style></author>
<author>Roe, K</author></authors></contributors>
<titles><title><style face="normal">Trends in </style><style face="italic">cancer</style></title>
<secondary-title>J Tests</secondary-title></titles>
<keywords><keyword><style face="normal"/></keyword><keyword>Dogs</keyword></keywords>
<dates><year>2022</year></dates><electronic-resource-num>10.1/x</electronic-resource-num>
<abstract>Line one&#xA;line &amp; two</abstract><custom1>kept</custom1>
<accession-num>123</accession-num><remote-database-provider>NLM</remote-database-provider>
</record><record><titles><title>Second</title></titles></record></records></xml>"#;
        let p = parse(text);
        assert_eq!(p.total(), 2, "{:?}", p.warnings);
        let r = &p.records[0].1;
        assert_eq!(r.kind, "Journal Article");
        assert_eq!(r.authors, ["Ahmad, AS", "Roe, K"]);
        assert_eq!(r.title, "Trends in cancer");
        assert_eq!(r.journal, "J Tests");
        assert_eq!(r.keywords, ["Dogs"]);
        assert_eq!(r.year, Some(2022));
        assert_eq!(r.doi, "10.1/x");
        assert_eq!(r.abstract_text, "Line one line & two");
        assert_eq!(r.pmid, "123");
        assert!(
            r.extra
                .iter()
                .any(|f| f.tag == "custom1" && f.value == "kept")
        );
        assert_eq!(p.records[1].0, 11);
        assert_eq!(p.records[0].0, 2);
    }

    #[test]
    fn broken_xml_reports_the_rest() {
        let text = "<xml><records><record><titles><title>A</title></titles></record>\n\
                    <record><titles><title>B</oops></titles></record>\n\
                    <record><titles><title>C</title></titles></record></records></xml>";
        let p = parse(text);
        assert_eq!(p.records.len(), 1);
        assert_eq!(p.reported, 2, "{:?}", p.warnings);
        assert_eq!(p.total(), 3);
        assert_eq!(p.warnings[0].line, 2);
    }
}
