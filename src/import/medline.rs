//! PubMed MEDLINE / `.nbib`: `TAG - value` with the tag padded to four
//! characters, continuation lines indented by six spaces, records separated
//! by blank lines and starting at `PMID-`.

use super::Parsed;
use super::tagged::{Field, Fields, set_abstract, set_title, short};
use crate::record::Record;
use crate::text;

/// Splits `FAU - Wu, Dan` into (`FAU`, `Wu, Dan`). Hand-edited files also
/// have `PMID-22664220` and `TI-` (no space): a line at the left margin is
/// never a continuation, so these are read as tags too.
fn tag_line(line: &str) -> Option<(&str, &str)> {
    let b = line.as_bytes();
    if b.len() < 3 || !b[0].is_ascii_uppercase() {
        return None;
    }
    let dash = line.find('-')?;
    if !(2..=5).contains(&dash) {
        return None;
    }
    let tag = line[..dash].trim_end();
    if tag.len() < 2
        || !tag
            .bytes()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        return None;
    }
    let value = &line[dash + 1..];
    if !value.is_empty() && !value.starts_with(' ') && dash != 4 {
        return None;
    }
    Some((tag, value.trim()))
}

/// Whether a line holds only whitespace, deciding at the first byte that
/// is not a space for the lines that hold text (every line but one per
/// record): `str::trim` cost 6% of the parse here.
fn is_blank(line: &str) -> bool {
    match line.bytes().find(|&b| b != b' ') {
        None => true,
        Some(b) if b.is_ascii() && !b.is_ascii_whitespace() && b != 0x0b => false,
        Some(_) => line.trim().is_empty(),
    }
}

/// Up to `pieces - 1` places to cut `text` so that the pieces parse, one
/// by one, to what the whole text parses to: each is the start of a line
/// that follows a blank line. A blank line ends the record before it, and
/// nothing else of the parser's state crosses it (lines outside records
/// after the first piece make the join give up: their warnings are
/// counted across the file).
pub(crate) fn cuts(text: &str, pieces: usize) -> Vec<usize> {
    let b = text.as_bytes();
    if pieces < 2 {
        return Vec::new();
    }
    let mut cuts = Vec::with_capacity(pieces - 1);
    let mut from = 0;
    for k in 1..pieces {
        let at = (b.len() / pieces * k).max(from);
        match memchr::memchr_iter(b'\n', &b[at..])
            .map(|i| at + i + 1)
            .find(|&start| start < b.len() && follows_blank(b, start))
        {
            Some(start) => {
                cuts.push(start);
                from = start + 1;
            }
            None => break,
        }
    }
    cuts
}

/// Whether the line before `start` (which follows a `\n`) is blank, as
/// `decode::line_iter` splits lines: a bare CR inside it would make it two
/// lines, and is not taken.
fn follows_blank(b: &[u8], start: usize) -> bool {
    let end = start - 1;
    let from = memchr::memrchr(b'\n', &b[..end]).map_or(0, |i| i + 1);
    let line = &b[from..end];
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    memchr::memchr(b'\r', line).is_none() && std::str::from_utf8(line).is_ok_and(is_blank)
}

pub fn parse(text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let mut records = Fields::new();
    parsed
        .records
        .reserve(memchr::memmem::find_iter(text.as_bytes(), b"PMID-").count());
    for (i, line) in super::decode::line_iter(text).enumerate() {
        let line_no = i + 1;
        if is_blank(line) {
            records.close(&mut parsed, build);
            continue;
        }
        let continuation = line.starts_with(' ') || line.starts_with('\t');
        match (continuation, tag_line(line)) {
            (false, Some((tag, value))) => {
                // A blank line separates records, and a record may begin
                // with any tag (PubMed Central writes `PMC - ` first); a
                // second `PMID` without a blank line starts the next one.
                if tag == "PMID"
                    && records
                        .fields()
                        .is_some_and(|f| f.iter().any(|f| f.tag == "PMID"))
                {
                    records.close(&mut parsed, build);
                }
                if !records.is_open() {
                    records.open(line_no);
                }
                records.push(tag, value);
            }
            _ => {
                // MEDLINE wraps at a fixed width: a line break means nothing.
                if !records.continue_last(line.trim(), ' ') {
                    parsed.stray(
                        line_no,
                        format!("text outside a record: `{}`", short(line.trim(), 60)),
                    );
                }
            }
        }
    }
    records.close(&mut parsed, build);
    parsed
}

/// The record of `fields`, which it empties (their values move into it).
fn build(fields: &mut Vec<Field<'_>>) -> Record {
    let mut r = Record::default();
    let has_fau = fields.iter().any(|f| f.tag == "FAU");
    let first = |tag: &str| fields.iter().position(|f| f.tag == tag);
    let journal_at = first("JT").or_else(|| first("TA")).or_else(|| first("BTI"));
    let doi_at = fields.iter().position(|f| {
        matches!(f.tag, "LID" | "AID")
            && f.value.ends_with("[doi]")
            && text::normalize_doi(&f.value).is_some()
    });
    for (i, f) in fields.drain(..).enumerate() {
        let v = f.value.trim();
        let used = match f.tag {
            _ if v.is_empty() => false,
            "PMID" if r.pmid.is_empty() => {
                r.pmid = v.to_string();
                true
            }
            "TI" if r.title.is_empty() => {
                set_title(&mut r, "TI", v);
                true
            }
            "AB" if r.abstract_text.is_empty() => {
                set_abstract(&mut r, "AB", v);
                true
            }
            "FAU" => {
                r.authors.push(v.to_string());
                true
            }
            "AU" if !has_fau => {
                r.authors.push(v.to_string());
                true
            }
            "DP" if r.date.is_empty() => {
                r.date = v.to_string();
                r.year = text::year_in(v);
                true
            }
            _ if Some(i) == journal_at => {
                r.journal = v.to_string();
                true
            }
            "VI" if r.volume.is_empty() => {
                r.volume = v.to_string();
                true
            }
            "IP" if r.issue.is_empty() => {
                r.issue = v.to_string();
                true
            }
            "PG" if r.pages.is_empty() => {
                r.pages = v.to_string();
                true
            }
            _ if Some(i) == doi_at => {
                r.doi = text::normalize_doi(v).unwrap_or_default();
                true
            }
            "IS" if r.issn.is_empty() => {
                r.issn = v.to_string();
                true
            }
            "ISBN" if r.isbn.is_empty() => {
                r.isbn = v.to_string();
                true
            }
            "MH" | "OT" => {
                r.keywords.push(v.to_string());
                true
            }
            "PT" if r.kind.is_empty() => {
                r.kind = v.to_string();
                true
            }
            _ => false,
        };
        if !used {
            r.push_extra(f.tag, f.value.into_owned());
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_lines() {
        for line in ["", "   ", "\t", " \u{a0} ", "\u{b}", "\u{c} "] {
            assert!(is_blank(line), "{line:?}");
        }
        for line in ["x", "      wrapped", " \u{a0}é", "PMID- 1"] {
            assert!(!is_blank(line), "{line:?}");
        }
    }

    #[test]
    fn reads_wrapped_fields_and_prefers_full_names() {
        let text = "PMID- 30689646\nOWN - NLM\nTI  - Ecosystem services: A\n      response.\n\
                    AB  - The Loess\n      Plateau.\nFAU - Wu, Dan\nAU  - Wu D\nDP  - 2019\n\
                    LID - e0209483\nLID - 10.1371/journal.pone.0209483 [doi]\nMH  - China\n\n\
                    PMID- 2\nTI  - Second\n";
        let p = parse(text);
        assert_eq!(p.total(), 2);
        let r = &p.records[0].1;
        assert_eq!(r.pmid, "30689646");
        assert_eq!(r.title, "Ecosystem services: A response.");
        assert_eq!(r.abstract_text, "The Loess Plateau.");
        assert_eq!(r.authors, vec!["Wu, Dan"]);
        assert_eq!(r.doi, "10.1371/journal.pone.0209483");
        assert_eq!(r.year, Some(2019));
        assert!(r.extra.iter().any(|f| f.tag == "AU" && f.value == "Wu D"));
        assert!(
            r.extra
                .iter()
                .any(|f| f.tag == "LID" && f.value == "e0209483")
        );
        assert_eq!(p.records[1].0, 14);
    }

    #[test]
    fn pubmed_central_records_begin_with_their_pmc_line() {
        // PubMed Central's MEDLINE export: `PMC - ` before `PMID- `.
        let text = "\nPMC - PMC7000001\nPMID- 31000001\nTI  - One\n\nPMC - PMC7000002\n\
                    PMID- 31000002\nTI  - Two\nAB  - Text.\n\nPMC - PMC7000003\nPMID- 31000003\n\
                    TI  - Three\n";
        let p = parse(text);
        assert_eq!((p.records.len(), p.reported), (3, 0), "{:?}", p.warnings);
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        let r = &p.records[1];
        assert_eq!(r.0, 6);
        assert_eq!(r.1.pmid, "31000002");
        assert!(
            r.1.extra
                .iter()
                .any(|f| f.tag == "PMC" && f.value == "PMC7000002")
        );
        // Two records with no blank line between them are still two.
        let p = parse("PMID- 1\nTI  - A\nPMID- 2\nTI  - B\n");
        assert_eq!(p.records.len(), 2);
    }

    #[test]
    fn hand_edited_tags_and_blocks_without_pmid() {
        // From JabRef's MedlinePlainImporterTestMultipleEntries.txt, which
        // JabRef's own test reads as 7 entries.
        let text = "PMID- 1\nTI  - One\n\nstray text\n\nPMC -22664230\nTI-\nFAU -\n\
                    JT  - Test Journal\nAB  - new abstract\n\nPMID-22664220\nPT  - Technical Report\n";
        let p = parse(text);
        assert_eq!(p.total(), 3, "{:?}", p.warnings);
        assert_eq!(p.reported, 0);
        assert_eq!(p.records[1].1.abstract_text, "new abstract");
        assert!(p.records[1].1.authors.is_empty());
        assert_eq!(p.records[2].1.pmid, "22664220");
        assert_eq!(p.warnings.len(), 1);
        assert_eq!(p.warnings[0].line, 4);
    }
}
