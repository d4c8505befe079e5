//! Records as CSV: one row per record under a fixed header (`HEADER`),
//! UTF-8 with a byte-order mark and CRLF line ends so that Excel opens it
//! as it is. Every column name is one the importer maps
//! (`import::columns::COLUMNS`), so an exported file imports back with the
//! same mapped fields; the record key comes first so rows can be matched
//! to the project. Fields kept verbatim from the source (`extra`) are not
//! written.
//!
//! Lists (authors, keywords) are joined with `; `. A list of one item that
//! the importer would split (the keyword `Aged, 80 and over` has a comma;
//! `Tyler VanderWeele` looks like two glued names) gets a trailing `;`,
//! which the importer reads as "this is one item". An item that itself contains `;`
//! cannot come back as one item.

use std::io::{self, Write};

use ::csv::{QuoteStyle, Terminator, WriterBuilder};

use crate::import::columns::{looks_glued, split_authors, split_list};
use crate::record::Record;

/// The columns, in order.
pub const HEADER: [&str; 17] = [
    "Key", "Type", "Title", "Authors", "Year", "Date", "Journal", "Volume", "Issue", "Pages",
    "DOI", "PMID", "ISSN", "ISBN", "Keywords", "URL", "Abstract",
];

/// Writes `records` as CSV to `out`.
pub fn write<W: Write>(mut out: W, records: &[Record]) -> io::Result<()> {
    out.write_all(b"\xEF\xBB\xBF")?;
    let mut w = WriterBuilder::new()
        .terminator(Terminator::CRLF)
        .quote_style(QuoteStyle::Necessary)
        .from_writer(out);
    w.write_record(HEADER)?;
    for r in records {
        w.write_record(row(r))?;
    }
    w.flush()?;
    Ok(())
}

/// The cells of one record, in `HEADER` order.
pub fn row(r: &Record) -> [String; 17] {
    [
        r.key.clone(),
        r.kind.clone(),
        r.title.clone(),
        list_cell(&r.authors, |s| {
            looks_glued(s) || split_authors(s, false) != [s.to_string()]
        }),
        r.year.map(|y| y.to_string()).unwrap_or_default(),
        r.date.clone(),
        r.journal.clone(),
        r.volume.clone(),
        r.issue.clone(),
        r.pages.clone(),
        r.doi.clone(),
        r.pmid.clone(),
        r.issn.clone(),
        r.isbn.clone(),
        list_cell(&r.keywords, |s| split_list(s) != [s.to_string()]),
        r.url.clone(),
        r.abstract_text.clone(),
    ]
}

/// Items joined with `; `; a single item the importer would misread
/// (`would_split`) is closed with `;`.
fn list_cell(items: &[String], would_split: impl Fn(&str) -> bool) -> String {
    match items {
        [one] if would_split(one) => format!("{one};"),
        _ => items.join("; "),
    }
}

/// The decision columns [`write_with`] adds after [`HEADER`].
pub const DECISION_HEADER: [&str; 9] = [
    "Decision",
    "Stage",
    "Reviewer",
    "Decided",
    "Reasons",
    "Note",
    "Tags",
    "Rule",
    "Duplicate of",
];

/// [`write`] with each record's decision (`facts`: the names of
/// `export::decisions::facts`, in [`DECISION_HEADER`]'s order), then a
/// column `field:TAG` per field the sources had beyond the mapped ones
/// (first seen first; a tag a record has twice is joined with a line
/// break), so nothing a record was imported with is left out.
pub fn write_with<W: Write>(
    mut out: W,
    rows: &[(&Record, Vec<(&'static str, String)>)],
) -> io::Result<()> {
    let mut tags: Vec<&str> = Vec::new();
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for (r, _) in rows {
        for f in &r.extra {
            if seen.insert(f.tag.as_str()) {
                tags.push(f.tag.as_str());
            }
        }
    }
    out.write_all(b"\xEF\xBB\xBF")?;
    let mut w = WriterBuilder::new()
        .terminator(Terminator::CRLF)
        .quote_style(QuoteStyle::Necessary)
        .from_writer(out);
    let mut header: Vec<String> = HEADER.iter().map(|s| s.to_string()).collect();
    header.extend(DECISION_HEADER.iter().map(|s| s.to_string()));
    header.extend(tags.iter().map(|t| format!("field:{t}")));
    w.write_record(&header)?;
    for (r, facts) in rows {
        let mut cells: Vec<String> = row(r).into();
        for name in DECISION_HEADER {
            let name = name.to_ascii_lowercase();
            cells.push(
                facts
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default(),
            );
        }
        for tag in &tags {
            let values: Vec<&str> = r
                .extra
                .iter()
                .filter(|f| f.tag == *tag)
                .map(|f| f.value.as_str())
                .collect();
            cells.push(values.join("\n"));
        }
        w.write_record(&cells)?;
    }
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_items_that_would_split_are_closed() {
        let r = Record {
            authors: vec!["Tyler VanderWeele".into()],
            keywords: vec!["Aged, 80 and over".into()],
            ..Record::default()
        };
        let cells = row(&r);
        assert_eq!(cells[3], "Tyler VanderWeele;");
        assert_eq!(cells[14], "Aged, 80 and over;");
        let r = Record {
            authors: vec!["Repper, Julie".into()],
            keywords: vec!["peer support".into()],
            ..Record::default()
        };
        let cells = row(&r);
        assert_eq!(cells[3], "Repper, Julie");
        assert_eq!(cells[14], "peer support");
    }
}
