//! Records to RIS. A record read from RIS comes back as it was read: the
//! mapped fields under the tags the RIS reader takes them from, the value
//! as the source wrote it where the reader cleaned it (`raw:TI`), then
//! every other field in input order. The fields of records read from other
//! formats go into `N1` notes as `tag: value` (their tags mean other
//! things: MEDLINE's `IS` is the ISSN, RIS's the issue), so nothing is
//! dropped and nothing is misread.

use std::fmt::Write;

use crate::import::Format;
use crate::record::Record;
use crate::text;

/// The RIS text of `records`; `format_of` tells the format each record was
/// read from (the project's source of the record).
pub fn write(records: &[Record], format_of: impl Fn(&Record) -> Format) -> String {
    write_with(records.iter().map(|r| (r, Vec::new())), format_of)
}

/// [`write`], with lines `(tag, value)` added to each record before its
/// `ER` (the export's decision notes and keywords).
pub fn write_with<'a>(
    records: impl IntoIterator<Item = (&'a Record, Vec<(&'static str, String)>)>,
    format_of: impl Fn(&Record) -> Format,
) -> String {
    let mut out = String::new();
    for (r, added) in records {
        write_record(&mut out, r, format_of(r) == Format::Ris, &added);
    }
    out
}

fn is_ris_tag(tag: &str) -> bool {
    let b = tag.as_bytes();
    b.len() == 2
        && b[0].is_ascii_uppercase()
        && (b[1].is_ascii_uppercase() || b[1].is_ascii_digit())
}

/// The source's own tag and value for a mapped field, when the reader
/// changed the value.
fn raw<'a>(r: &'a Record, tags: &[&'a str], ris_origin: bool) -> Option<(&'a str, &'a str)> {
    if !ris_origin {
        return None;
    }
    r.extra.iter().find_map(|f| {
        let t = f.tag.strip_prefix("raw:")?;
        tags.contains(&t).then_some((t, f.value.as_str()))
    })
}

fn line(out: &mut String, tag: &str, value: &str) {
    let mut parts = value.split('\n');
    let _ = writeln!(out, "{tag}  - {}", parts.next().unwrap_or(""));
    // Continuation lines; one that looks like a tag line would be read as
    // one, so it is indented.
    for p in parts {
        if crate::import::ris::tag_line(p).is_some() || p.trim().is_empty() {
            let _ = writeln!(out, " {p}");
        } else {
            let _ = writeln!(out, "{p}");
        }
    }
}

/// RIS reference type for a record's kind (`article` → `JOUR`).
pub fn ris_type(kind: &str) -> String {
    let k = kind.trim();
    if (2..=6).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_uppercase()) {
        return k.to_string();
    }
    let lower = k.to_ascii_lowercase();
    let t = match lower.as_str() {
        "article" | "journal article" | "j" | "research article" | "review" => "JOUR",
        "book" | "b" | "collection" => "BOOK",
        "incollection" | "inbook" | "book section" | "book part" | "book chapter" => "CHAP",
        "inproceedings"
        | "conference"
        | "conference paper"
        | "proceedings paper"
        | "p"
        | "conference proceedings" => "CPAPER",
        "proceedings" => "CONF",
        "phdthesis" | "mastersthesis" | "thesis" => "THES",
        "techreport" | "report" => "RPRT",
        "" => "GEN",
        _ => "GEN",
    };
    t.to_string()
}

fn write_record(out: &mut String, r: &Record, ris_origin: bool, added: &[(&str, String)]) {
    line(out, "TY", &ris_type(&r.kind));
    if !r.title.is_empty() {
        let (tag, value) = raw(r, &["TI", "T1"], ris_origin).unwrap_or(("TI", &r.title));
        line(out, tag, value);
    }
    for a in &r.authors {
        line(out, "AU", a);
    }
    let year_in_extra = ris_origin
        && r.extra
            .iter()
            .any(|f| matches!(f.tag.as_str(), "PY" | "Y1"));
    if !r.date.is_empty() {
        line(out, "DA", &r.date);
    }
    if let Some(y) = r.year {
        if !year_in_extra && text::year_in(&r.date) != Some(y) {
            line(out, "PY", &y.to_string());
        }
    }
    if !r.journal.is_empty() {
        line(out, "T2", &r.journal);
    }
    for (tag, v) in [("VL", &r.volume), ("IS", &r.issue), ("SP", &r.pages)] {
        if !v.is_empty() {
            line(out, tag, v);
        }
    }
    // A DOI the reader took from a doi.org link comes back from the link.
    let doi_from_link = ris_origin
        && r.extra.iter().all(|f| f.tag != "DO")
        && crate::import::ris::doi_from_links(r) == r.doi;
    if !r.doi.is_empty() && !doi_from_link {
        line(out, "DO", &r.doi);
    }
    if !r.issn.is_empty() {
        line(out, "SN", &r.issn);
    } else if !r.isbn.is_empty() {
        line(out, "SN", &r.isbn);
    }
    for k in &r.keywords {
        line(out, "KW", k);
    }
    if !r.url.is_empty() {
        line(out, "UR", &r.url);
    }
    if !r.abstract_text.is_empty() {
        let (tag, value) = raw(r, &["AB", "N2"], ris_origin).unwrap_or(("AB", &r.abstract_text));
        line(out, tag, value);
    }
    // A PMID the RIS reader finds again (in `AN` or a PubMed link) is not
    // written twice.
    let pmid_found_again = ris_origin && crate::import::ris::pmid_of(r) == r.pmid;
    if !r.pmid.is_empty() && !pmid_found_again {
        line(out, "AN", &r.pmid);
        line(out, "DB", "PubMed");
    }
    let mut ovid_link = None;
    for f in &r.extra {
        if f.tag.starts_with("raw:") {
            continue;
        }
        if f.tag == OVID_LINK && ris_origin {
            ovid_link = Some(&f.value);
            continue;
        }
        if ris_origin && is_ris_tag(&f.tag) && f.tag != "TY" && f.tag != "ER" {
            line(out, &f.tag, &f.value);
        } else {
            line(out, "N1", &format!("{}: {}", f.tag, f.value));
        }
    }
    for (tag, value) in added {
        line(out, tag, value);
    }
    out.push_str("ER  - \n");
    if let Some(link) = ovid_link {
        let _ = writeln!(out, "{OVID_LINK}: {link}");
    }
    out.push('\n');
}

/// Ovid writes this line after a record's `ER`; the reader keeps it.
const OVID_LINK: &str = "Link to the Ovid Full Text or citation";
