//! RIS, as written by Scopus, Web of Science, PubMed via Zotero/EndNote,
//! Embase, Ovid, EBSCO, Covidence, Rayyan and the rest.
//!
//! A record runs from `TY  - ` to `ER  - `. A line that is not a tag line
//! continues the previous field (EndNote wraps abstracts and lists keywords
//! one per line). Tags are two characters, then spaces or a tab, a dash and
//! the value; exporters disagree on the spaces, so one or more are accepted
//! for tags RIS defines, and only the canonical two spaces for others (an
//! abstract line such as `US - based` must stay text).
//!
//! Also read: Ovid's `1.` numbering lines and the `NL` and "Link to the
//! Ovid Full Text" lines it writes after `ER` (kept with the record before
//! them); the Cochrane Library's `Record #3 of 120` headers (a header ends
//! the record before it, `ER` or not); a tab between tag and dash; records
//! separated by bare CRs.

use std::borrow::Cow;

use super::tagged::{Field, Fields, short};
use super::{Parsed, unwrap_prose};
use crate::record::Record;
use crate::text;

/// Tags of the RIS specification and common exporter extensions.
const KNOWN_TAGS: &[&str] = &[
    "TY", "ER", "ID", "T1", "TI", "T2", "T3", "CT", "BT", "AU", "A1", "A2", "A3", "A4", "ED", "PY",
    "Y1", "Y2", "DA", "AB", "N1", "N2", "KW", "RP", "JF", "JO", "JA", "J1", "J2", "VL", "IS", "SP",
    "EP", "CY", "PB", "SN", "AD", "AV", "M1", "M2", "M3", "U1", "U2", "U3", "U4", "U5", "UR", "L1",
    "L2", "L3", "L4", "DO", "DB", "DP", "AN", "C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "CA",
    "CN", "ET", "LA", "LB", "NV", "OP", "RI", "RN", "SE", "ST", "TA", "TT", "Y3",
];

const fn tag_index(a: u8, b: u8) -> usize {
    let second = if b.is_ascii_digit() {
        (b - b'0') as usize + 26
    } else {
        (b - b'A') as usize
    };
    (a - b'A') as usize * 36 + second
}

/// `KNOWN_TAGS` as a lookup table: this test runs on every line.
const KNOWN: [bool; 26 * 36] = {
    let mut table = [false; 26 * 36];
    let mut i = 0;
    while i < KNOWN_TAGS.len() {
        let b = KNOWN_TAGS[i].as_bytes();
        table[tag_index(b[0], b[1])] = true;
        i += 1;
    }
    table
};

/// Splits a tag line into (tag, value).
pub fn tag_line(line: &str) -> Option<(&str, &str)> {
    let b = line.as_bytes();
    // The canonical `XX  - ` form, nearly every line of every export: no
    // gap to measure, no spacing rule to apply.
    if b.len() >= 5
        && b[0].is_ascii_uppercase()
        && (b[1].is_ascii_uppercase() || b[1].is_ascii_digit())
        && &b[2..5] == b"  -"
    {
        let value = &line[5..];
        let value = value.strip_prefix([' ', '\t']).unwrap_or(value);
        return Some((&line[..2], value.trim_end()));
    }
    let line = line.trim_start_matches('\u{feff}');
    let b = line.as_bytes();
    if b.len() < 3
        || !b[0].is_ascii_uppercase()
        || !(b[1].is_ascii_uppercase() || b[1].is_ascii_digit())
    {
        return None;
    }
    let tag = &line[..2];
    let rest = &line[2..];
    let gap = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    let after_gap = &rest[gap..];
    let value = after_gap.strip_prefix('-')?;
    let canonical = &rest[..gap] == "  ";
    let known = KNOWN[tag_index(b[0], b[1])];
    if gap == 0 || gap > 4 || !(canonical || known) {
        return None;
    }
    // `TY  -JOUR` happens; `AB  - text` is the norm.
    let value = value.strip_prefix([' ', '\t']).unwrap_or(value);
    if !value.is_empty() && !canonical && !value.starts_with(|c: char| !c.is_whitespace()) {
        return None;
    }
    Some((tag, value.trim_end()))
}

pub fn is_record_start(line: &str) -> bool {
    matches!(tag_line(line), Some(("TY", _)))
}

/// Up to `pieces - 1` places to cut `text` so that the pieces parse, one
/// by one, to what the whole text parses to: each is the start of a
/// `TY  - ` line whose previous non-blank line is an `ER` line. Nothing of
/// the parser's state crosses such a place: the record before it has
/// ended, and blank lines and a `TY` line do the same whatever came
/// before. None in files with Cochrane `Record #` headers, which count
/// records across the whole file.
pub(crate) fn cuts(text: &str, pieces: usize) -> Vec<usize> {
    let bytes = text.as_bytes();
    if pieces < 2 || memchr::memmem::find(bytes, b"Record #").is_some() {
        return Vec::new();
    }
    super::pieces::cuts_before(bytes, pieces, b"\nTY  - ", |start| follows_er(text, start))
}

/// Whether the last non-blank line before the line starting at `start`
/// is an `ER` line (lines as `decode::line_iter` splits them).
fn follows_er(text: &str, start: usize) -> bool {
    let mut end = start;
    loop {
        let head = &text[..end];
        let Some(head) = head
            .strip_suffix("\r\n")
            .or_else(|| head.strip_suffix('\n'))
            .or_else(|| head.strip_suffix('\r'))
        else {
            return false;
        };
        let from = memchr::memrchr2(b'\n', b'\r', head.as_bytes()).map_or(0, |i| i + 1);
        let line = &head[from..];
        if !line.trim().is_empty() {
            return matches!(tag_line(line), Some(("ER", _)));
        }
        if from == 0 {
            return false;
        }
        end = from;
    }
}

/// Ovid numbers records with a line like `1.` before `TY`.
fn is_ovid_number(line: &str) -> bool {
    let t = line.trim();
    t.strip_suffix('.')
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// A second tag inside a value (`…     U2  - L20`): where the value ends,
/// and the tag and value that follow. Only after a run of at least three
/// spaces and in the canonical `XX  - ` form, so prose keeps its dashes.
fn spilled_tag(value: &str) -> Option<(usize, &str, &str)> {
    // A spilled tag is written `XX  -`: without that, no search for runs
    // of spaces (which ran on every line of every abstract).
    let b = value.as_bytes();
    if !memchr::memchr_iter(b'-', b).any(|i| i >= 2 && &b[i - 2..i] == b"  ") {
        return None;
    }
    let mut from = 0;
    while let Some(i) = memchr::memmem::find(&value.as_bytes()[from..], b"   ").map(|i| from + i) {
        let rest = value[i..].trim_start_matches(' ');
        let start = value.len() - rest.len();
        if let Some((tag, next)) = tag_line(rest) {
            if rest.get(2..5) == Some("  -") {
                return Some((i, tag, next));
            }
        }
        from = start.max(i + 1);
    }
    None
}

/// `Record #3 of 120`, the Cochrane Library's header: (3, 120).
fn cochrane_header(line: &str) -> Option<(usize, usize)> {
    let rest = line.trim().strip_prefix("Record #")?;
    let (n, m) = rest.split_once(" of ")?;
    Some((n.trim().parse().ok()?, m.trim().parse().ok()?))
}

/// Ovid's `Link to the Ovid Full Text or citation: URL` after `ER`.
const OVID_LINK: &str = "Link to the Ovid Full Text or citation";

pub fn parse(text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let mut records = Fields::new();
    // Whether the open record began without a `TY` line (tag lines found
    // outside a record): it is reported, not read, when it ends.
    let mut headless = false;
    parsed.records.reserve(expected_records(text));
    // Whether the last record ended with `ER` and nothing started since:
    // lines then belong to it (Ovid's `NL` and link lines).
    let mut after_er = false;
    let mut announced: Option<usize> = None;
    let mut lines = 0;
    // Ends the open record: read, or reported when it had no `TY`.
    let close = |records: &mut Fields<'_>, parsed: &mut Parsed, headless: &mut bool| {
        if std::mem::take(headless) {
            records.close_unread(
                parsed,
                "record has no `TY  - ` line: its fields begin outside any record".into(),
            )
        } else {
            records.close(parsed, |f| build(f))
        }
    };
    for (i, line) in super::decode::line_iter(text).enumerate() {
        let line_no = i + 1;
        lines = line_no;
        let line = match line.as_bytes().first() {
            Some(&b) if b < 0x20 && b != b'\t' => without_control_bytes(&mut parsed, line_no, line),
            _ => line,
        };
        match tag_line(line) {
            Some(("TY", value)) => {
                if let Some(start) = records.start() {
                    if !headless {
                        parsed.report(
                            start,
                            "record has no `ER  - ` line before the next `TY`",
                            "ended the record at the next TY",
                        );
                    }
                    close(&mut records, &mut parsed, &mut headless);
                }
                after_er = false;
                records.open(line_no);
                records.push("TY", value);
            }
            Some(("ER", _)) => {
                if close(&mut records, &mut parsed, &mut headless).is_some() {
                    after_er = true;
                } else {
                    parsed.stray(line_no, "`ER` without a record");
                }
            }
            Some((tag, value)) => match records.fields() {
                Some(fields) => {
                    // Rayyan writes several tags on one line, five spaces apart:
                    // `UR  - https://…     U2  - L2029880245`.
                    let mut tag = tag;
                    let mut value = value;
                    while let Some((cut, next_tag, next_value)) = spilled_tag(value) {
                        fields.push(Field {
                            tag,
                            value: Cow::Borrowed(value[..cut].trim_end()),
                        });
                        (tag, value) = (next_tag, next_value);
                    }
                    fields.push(Field {
                        tag,
                        value: Cow::Borrowed(value),
                    });
                }
                None if after_er => keep_after_er(&mut parsed, tag, value),
                None => {
                    // Fields of a record whose `TY` line could not be read
                    // (bytes before it, a file joined to another): one
                    // record, reported with its first line, not lines
                    // ignored one by one.
                    headless = true;
                    records.open(line_no);
                    records.push(tag, value);
                }
            },
            None => {
                let t = line.trim();
                if t.is_empty() {
                    continue;
                }
                if let Some((_, of)) = cochrane_header(t) {
                    close(&mut records, &mut parsed, &mut headless);
                    announced = Some(of);
                    after_er = false;
                    continue;
                }
                if records.continue_last(t, '\n') {
                    continue;
                }
                if is_ovid_number(t) {
                    after_er = false;
                } else if after_er && t.starts_with(OVID_LINK) {
                    let url = t[OVID_LINK.len()..].trim_start_matches(':').trim();
                    keep_after_er(&mut parsed, OVID_LINK, url);
                } else if !records.is_open() {
                    // Text between records: what follows it is no longer
                    // the last record's.
                    after_er = false;
                    parsed.stray(
                        line_no,
                        format!("text outside a record: `{}`", short(t, 60)),
                    );
                }
            }
        }
    }
    parsed.lines = Some(lines);
    if let Some(start) = records.start() {
        if announced.is_none() && !headless {
            parsed.report(
                start,
                "last record has no `ER  - ` line (file cut short?)",
                "kept the record as read",
            );
        }
        close(&mut records, &mut parsed, &mut headless);
    }
    if let Some(of) = announced {
        if of != parsed.total() {
            parsed.report(
                0,
                format!(
                    "the `Record # of {of}` headers announce {of} records, the file holds {}",
                    parsed.total()
                ),
                "read the records that are there (file cut short, or several exports joined?)",
            );
        }
    }
    parsed
}

/// A line that starts with control bytes (NUL padding left by a tool that
/// joined files, before a `TY` line): read without them, and said so.
fn without_control_bytes<'a>(parsed: &mut Parsed, line_no: usize, line: &'a str) -> &'a str {
    let rest = line.trim_start_matches(|c: char| c.is_ascii_control() && c != '\t');
    let n = line.len() - rest.len();
    let what = if line.as_bytes()[..n].iter().all(|&b| b == 0) {
        "NUL"
    } else {
        "control"
    };
    parsed.report(
        line_no,
        format!("{n} {what} byte(s) at the start of the line"),
        "removed them and read the rest of the line",
    );
    rest
}

/// Room for every record at once, so that the vector never doubles (a
/// moment with two copies of it): `ER` lines counted in the first
/// megabyte, scaled to the whole text, with a margin. Room that stays
/// unused costs address space, not memory. Counting them in the whole
/// text took 3% of the parse.
fn expected_records(text: &str) -> usize {
    const SAMPLE: usize = 1 << 20;
    let b = text.as_bytes();
    let sample = &b[..b.len().min(SAMPLE)];
    let seen = memchr::memmem::find_iter(sample, b"\nER  -").count() + 1;
    if sample.len() == b.len() {
        return seen;
    }
    // A quarter more than the sample's density promises.
    seen.saturating_mul(b.len() / sample.len() + 1) / 4 * 5
}

/// A line after a record's `ER` (Ovid writes `NL` and its link there):
/// kept with that record.
fn keep_after_er(parsed: &mut Parsed, tag: &str, value: &str) {
    match parsed.records.last_mut() {
        Some((_, r)) => r.push_extra(tag, value),
        // The record it follows was skipped, and there is none before it
        // here: in a piece of a file, the piece before may have one.
        None => parsed.detached = true,
    }
}

/// A two-letter tag as one number, so that a field's tag is matched in
/// one comparison.
const fn code(tag: &str) -> u16 {
    let b = tag.as_bytes();
    if b.len() == 2 {
        u16::from_le_bytes([b[0], b[1]])
    } else {
        0
    }
}

/// Where the fields that fill a record's own slots are: the first of each
/// tag that can, found in one pass over the fields (a record has about
/// thirty; asking for each tag in turn walked them twenty times).
#[derive(Default)]
struct Slots {
    title: Option<usize>,
    abstract_at: Option<usize>,
    journal: Option<usize>,
    doi: Option<usize>,
    url: Option<usize>,
    sp: Option<usize>,
    ep: Option<usize>,
    date: Option<usize>,
    year: Option<(usize, i32)>,
    authors: usize,
    keywords: usize,
}

impl Slots {
    fn of(fields: &[Field<'_>]) -> Slots {
        fn first(slot: &mut Option<usize>, i: usize) {
            if slot.is_none() {
                *slot = Some(i);
            }
        }
        let (mut ti, mut t1, mut ab, mut n2) = (None, None, None, None);
        // The full journal name first: JF, T2, JO, J2, JA, J1.
        let mut journal = [None; 6];
        let (mut da, mut py, mut y1) = (None, None, None);
        let mut years: [Option<(usize, i32)>; 3] = [None; 3];
        let mut s = Slots::default();
        for (i, f) in fields.iter().enumerate() {
            let dated = |slot: usize, years: &mut [Option<(usize, i32)>; 3]| {
                if years[slot].is_none() {
                    years[slot] = text::year_in(&f.value).map(|y| (i, y));
                }
            };
            const TI: u16 = code("TI");
            const T1: u16 = code("T1");
            const AB: u16 = code("AB");
            const N2: u16 = code("N2");
            const JF: u16 = code("JF");
            const T2: u16 = code("T2");
            const JO: u16 = code("JO");
            const J2: u16 = code("J2");
            const JA: u16 = code("JA");
            const J1: u16 = code("J1");
            const DO: u16 = code("DO");
            const UR: u16 = code("UR");
            const SP: u16 = code("SP");
            const EP: u16 = code("EP");
            const DA: u16 = code("DA");
            const PY: u16 = code("PY");
            const Y1: u16 = code("Y1");
            const AU: u16 = code("AU");
            const A1: u16 = code("A1");
            const KW: u16 = code("KW");
            match code(f.tag) {
                TI => first(&mut ti, i),
                T1 => first(&mut t1, i),
                AB => first(&mut ab, i),
                N2 => first(&mut n2, i),
                JF => first(&mut journal[0], i),
                T2 => first(&mut journal[1], i),
                JO => first(&mut journal[2], i),
                J2 => first(&mut journal[3], i),
                JA => first(&mut journal[4], i),
                J1 => first(&mut journal[5], i),
                DO if s.doi.is_none() && text::has_doi(&f.value) => s.doi = Some(i),
                UR => first(&mut s.url, i),
                SP => first(&mut s.sp, i),
                EP => first(&mut s.ep, i),
                PY => {
                    first(&mut py, i);
                    dated(0, &mut years);
                }
                Y1 => {
                    first(&mut y1, i);
                    dated(1, &mut years);
                }
                DA => {
                    first(&mut da, i);
                    dated(2, &mut years);
                }
                AU | A1 => s.authors += 1,
                KW => s.keywords += 1,
                _ => {}
            }
        }
        s.title = ti.or(t1);
        s.abstract_at = ab.or(n2);
        s.journal = journal.into_iter().flatten().next();
        s.date = da.or(py).or(y1);
        s.year = years.into_iter().flatten().next();
        s
    }
}

fn build(fields: &[Field<'_>]) -> Record {
    let mut r = Record::default();
    let at = Slots::of(fields);
    r.authors.reserve_exact(at.authors);
    r.keywords.reserve(at.keywords);
    // Source values the reader cleaned; kept after the other fields so that
    // their place does not depend on where the source put the field.
    let mut raws: Vec<(&str, &str)> = Vec::new();
    for (i, f) in fields.iter().enumerate() {
        let v = f.value.trim();
        if text::is_missing(v) {
            // `IS  - nan` from a pandas round trip: not a value, kept verbatim.
            r.push_extra(f.tag, f.value.to_string());
            continue;
        }
        let here = Some(i);
        // The slots' tags are all different, and different from the tags
        // matched by name below, so the order of these tests is free.
        let used = if here == at.title {
            let clean = text::clean_markup(v);
            r.title = text::collapse_ws(&clean);
            if matches!(clean, Cow::Owned(_)) {
                raws.push((f.tag, v));
            }
            true
        } else if here == at.abstract_at {
            let clean = text::clean_markup(v);
            r.abstract_text = unwrap_prose(&clean);
            if matches!(clean, Cow::Owned(_)) {
                raws.push((f.tag, v));
            }
            true
        } else if here == at.journal {
            r.journal = text::collapse_ws(v);
            true
        } else if here == at.sp {
            let ep = at.ep.map_or("", |e| fields[e].value.trim());
            r.pages = if !ep.is_empty() && !v.contains('-') {
                format!("{v}-{ep}")
            } else {
                v.to_string()
            };
            true
        } else if here == at.ep && at.sp.is_some() {
            true
        } else if here == at.doi {
            r.doi = v.to_string();
            true
        } else if here == at.url {
            r.url = v.to_string();
            true
        } else {
            const TY: u16 = code("TY");
            const AU: u16 = code("AU");
            const A1: u16 = code("A1");
            const VL: u16 = code("VL");
            const IS: u16 = code("IS");
            const SN: u16 = code("SN");
            const KW: u16 = code("KW");
            match code(f.tag) {
                TY if r.kind.is_empty() => {
                    r.kind = v.to_string();
                    true
                }
                AU | A1 => {
                    if memchr::memchr(b'\n', v.as_bytes()).is_none() {
                        // One name (a line of its own, as most exports write).
                        if !v.is_empty() {
                            r.authors.push(v.to_string());
                        }
                    } else {
                        r.authors.extend(
                            v.split('\n')
                                .map(str::trim)
                                .filter(|a| !a.is_empty())
                                .map(String::from),
                        );
                    }
                    true
                }
                VL if r.volume.is_empty() => {
                    r.volume = v.to_string();
                    true
                }
                IS if r.issue.is_empty() => {
                    r.issue = v.to_string();
                    true
                }
                SN if r.issn.is_empty() && r.isbn.is_empty() => {
                    // EndNote puts a print and an electronic ISSN on two lines.
                    let v = text::collapse_ws(v);
                    if looks_like_isbn(&v) {
                        r.isbn = v;
                    } else {
                        r.issn = v;
                    }
                    true
                }
                KW => {
                    let sep = if v.contains('\n') { '\n' } else { ';' };
                    // A keyword is a label: no-break spaces and runs of spaces
                    // inside it are single spaces.
                    r.keywords.extend(
                        v.split(sep)
                            .map(text::collapse_ws)
                            .filter(|k| !k.is_empty()),
                    );
                    true
                }
                _ => false,
            }
        };
        if here == at.date {
            r.date = v.to_string();
        }
        if let Some((y, year)) = at.year {
            if y == i {
                r.year = Some(year);
            }
        }
        if !used && here != at.date {
            r.push_extra(f.tag, f.value.clone().into_owned());
        }
    }
    for (tag, v) in raws {
        r.push_extra(&format!("raw:{tag}"), v);
    }
    if r.pmid.is_empty() {
        r.pmid = pmid_of(&r);
    }
    if r.doi.is_empty() {
        r.doi = doi_from_links(&r);
    }
    r
}

/// Ovid (ERIC, PsycINFO) gives no `DO` but a `https://dx.doi.org/…` link.
pub(crate) fn doi_from_links(r: &Record) -> String {
    std::iter::once(r.url.as_str())
        .chain(
            r.extra
                .iter()
                .filter(|f| matches!(f.tag.as_str(), "UR" | "L1" | "L2" | "L3" | "LK"))
                .map(|f| f.value.as_str()),
        )
        .filter(|u| u.contains("doi.org/10."))
        .find_map(text::normalize_doi)
        .unwrap_or_default()
}

/// PubMed records re-exported as RIS carry the PMID in `AN` (with `DB` or
/// `DP` naming PubMed/MEDLINE) or in a PubMed URL.
pub(crate) fn pmid_of(r: &Record) -> String {
    let says_pubmed = r.extra.iter().any(|f| {
        matches!(f.tag.as_str(), "DB" | "DP")
            && (f.value.contains("PubMed") || f.value.contains("MEDLINE"))
    });
    if says_pubmed {
        if let Some(an) = r.extra.iter().find(|f| f.tag == "AN") {
            let an = an.value.trim();
            if !an.is_empty() && an.len() <= 9 && an.bytes().all(|b| b.is_ascii_digit()) {
                return an.to_string();
            }
        }
    }
    for url in std::iter::once(r.url.as_str()).chain(
        r.extra
            .iter()
            .filter(|f| matches!(f.tag.as_str(), "UR" | "L2"))
            .map(|f| f.value.as_str()),
    ) {
        // Most URLs are not PubMed's: one cheap byte search rules them out.
        if memchr::memmem::find(url.as_bytes(), b"ncbi.nlm.nih.gov").is_none() {
            continue;
        }
        if let Some(pos) = url
            .find("pubmed.ncbi.nlm.nih.gov/")
            .map(|p| p + 24)
            .or_else(|| url.find("ncbi.nlm.nih.gov/pubmed/").map(|p| p + 24))
        {
            let id: String = url[pos..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            if !id.is_empty() {
                return id;
            }
        }
    }
    String::new()
}

/// ISBNs have 10 or 13 digits, ISSNs 8; `SN` may hold several
/// (`0-521-46674-1\0-521-46128-6`), the first decides.
pub(crate) fn looks_like_isbn(v: &str) -> bool {
    let first = v
        .split(|c: char| c.is_whitespace() || matches!(c, '\\' | '/' | ';' | ','))
        .find(|t| !t.is_empty())
        .unwrap_or("");
    let digits = first
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == 'X' || *c == 'x')
        .count();
    digits == 10 || digits == 13
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_spilled_onto_one_line_are_split() {
        let text = "TY  - JOUR\nTI  - T\nUR  - https://x.org/a     U2  - L20\n\
                    DO  - 10.1/abc     LK  - https://link\nAB  - A dash  - stays\nER  - \n";
        let p = parse(text);
        let r = &p.records[0].1;
        assert_eq!(r.url, "https://x.org/a");
        assert_eq!(r.doi, "10.1/abc");
        assert!(r.extra.iter().any(|f| f.tag == "U2" && f.value == "L20"));
        assert!(
            r.extra
                .iter()
                .any(|f| f.tag == "LK" && f.value == "https://link")
        );
        assert_eq!(r.abstract_text, "A dash  - stays");
    }

    #[test]
    fn tag_lines() {
        assert_eq!(tag_line("TY  - JOUR"), Some(("TY", "JOUR")));
        assert_eq!(tag_line("ER  -"), Some(("ER", "")));
        assert_eq!(tag_line("ER  - "), Some(("ER", "")));
        assert_eq!(tag_line("AB\t- text"), Some(("AB", "text")));
        assert_eq!(tag_line("TI - one space"), Some(("TI", "one space")));
        assert_eq!(tag_line("US - based study"), None);
        assert_eq!(tag_line("Humans"), None);
        assert_eq!(tag_line("\u{feff}TY  - JOUR"), Some(("TY", "JOUR")));
    }

    #[test]
    fn a_small_file_with_quirks() {
        let text = "1.\nTY  - JOUR\nTI  - A title\nAU  - Doe, J.\nAU  - Roe, K.\n\
                    AB  - First line\nwrapped here\nKW  - alpha\nbeta\nPY  - 2019///\n\
                    DO  - 10.1/ABC\nSP  - 5\nEP  - 9\nN1  - Export Date: 1 May\nER  - \n\
                    TY  - JOUR\nER  - \nTY  - BOOK\nTI  - Second\n";
        let p = parse(text);
        assert_eq!(p.records.len(), 2);
        assert_eq!(p.reported, 1);
        assert_eq!(p.total(), 3);
        let (line, r) = &p.records[0];
        assert_eq!(*line, 2);
        assert_eq!(r.title, "A title");
        assert_eq!(r.authors, vec!["Doe, J.", "Roe, K."]);
        assert_eq!(r.abstract_text, "First line wrapped here");
        assert_eq!(r.keywords, vec!["alpha", "beta"]);
        assert_eq!(r.year, Some(2019));
        assert_eq!(r.pages, "5-9");
        assert_eq!(r.extra.len(), 1);
        assert_eq!(r.extra[0].tag, "N1");
        assert!(
            p.warnings
                .iter()
                .any(|w| w.line == 16 && w.action == "skipped")
        );
        assert!(
            p.warnings
                .iter()
                .any(|w| w.line == 18 && w.message.contains("no `ER"))
        );
    }

    #[test]
    fn isbn_or_issn() {
        assert!(looks_like_isbn("0-521-46674-1\\0-521-46128-6"));
        assert!(looks_like_isbn("978-9984-9997-6-0"));
        assert!(looks_like_isbn("0521466741"));
        assert!(!looks_like_isbn("1939-1676 0891-6640"));
        assert!(!looks_like_isbn("0048-9697"));
        assert!(!looks_like_isbn(""));
    }

    #[test]
    fn cochrane_headers_end_records() {
        let text = "Record #1 of 3\nTY  -  JOUR\nTI  - One\n\nRecord #2 of 3\nTY  - JOUR\n\
                    TI  - Two\nER  - \n";
        let p = parse(text);
        assert_eq!(p.total(), 2);
        assert_eq!(p.records[0].1.kind, "JOUR");
        // The headers promised 3.
        assert_eq!(p.warnings.len(), 1, "{:?}", p.warnings);
        assert!(p.warnings[0].message.contains("announce 3"));
    }

    #[test]
    fn ovid_lines_after_er_stay_with_their_record() {
        let text = "1.\nTY  - JOUR\nTI  - A\nL1  - https://dx.doi.org/10.1/ABC\nER  - \n\
                    NL  - Clin Psychol\n\nLink to the Ovid Full Text or citation: http://ovid/x\n\n\
                    2.\nTY  - JOUR\nTI  - B\nER  - \n";
        let p = parse(text);
        assert_eq!(p.total(), 2);
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        let r = &p.records[0].1;
        assert!(
            r.extra
                .iter()
                .any(|f| f.tag == "NL" && f.value == "Clin Psychol")
        );
        assert!(
            r.extra
                .iter()
                .any(|f| f.tag == OVID_LINK && f.value == "http://ovid/x")
        );
        // No `DO`: the DOI comes from the doi.org link.
        assert_eq!(r.doi, "10.1/abc");
        assert!(p.records[1].1.extra.is_empty());
    }

    #[test]
    fn markup_is_cleaned_and_the_source_kept() {
        let text = "TY  - JOUR\nTI  - Fire in <i>Pinus</i> & ouml;\nAB  - El Ni&ntilde;o\n\
                    and CO<sub>2</sub>\nER  - \n";
        let p = parse(text);
        let r = &p.records[0].1;
        assert_eq!(r.title, "Fire in Pinus ö");
        assert_eq!(r.abstract_text, "El Niño and CO2");
        let raw = |t: &str| {
            r.extra
                .iter()
                .find(|f| f.tag == t)
                .map(|f| f.value.as_str())
        };
        assert_eq!(raw("raw:TI"), Some("Fire in <i>Pinus</i> & ouml;"));
        assert_eq!(raw("raw:AB"), Some("El Ni&ntilde;o\nand CO<sub>2</sub>"));
    }

    #[test]
    fn nul_bytes_before_a_ty_line_are_removed_and_said() {
        // Two files joined by a tool that padded the first with NULs.
        let text =
            "TY  - JOUR\nTI  - One\nER  - \n\0\0\0\0TY  - JOUR\nTI  - Two\nAU  - Doe, J.\nER  - \n";
        let p = parse(text);
        assert_eq!((p.records.len(), p.reported), (2, 0), "{:?}", p.warnings);
        assert_eq!(p.records[1].0, 4);
        assert_eq!(p.records[1].1.title, "Two");
        assert_eq!(p.warnings.len(), 1, "{:?}", p.warnings);
        assert_eq!(p.warnings[0].line, 4);
        assert!(p.warnings[0].message.contains("4 NUL byte(s)"));
    }

    #[test]
    fn a_record_that_cannot_start_is_reported_not_lost() {
        // Bytes before the `TY` that are not control bytes: the record's
        // `TY` cannot be read, its fields are one record, reported.
        let text = "TY  - JOUR\nTI  - One\nER  - \n\nxx TY  - JOUR\nTI  - Two\nAU  - Doe, J.\nER  - \n\
                    TY  - JOUR\nTI  - Three\nER  - \n";
        let p = parse(text);
        assert_eq!(
            (p.records.len(), p.reported, p.total()),
            (2, 1, 3),
            "{:?}",
            p.warnings
        );
        let skipped: Vec<_> = p
            .warnings
            .iter()
            .filter(|w| w.action == "skipped")
            .collect();
        assert_eq!(skipped.len(), 1);
        assert_eq!(skipped[0].line, 6);
        assert!(skipped[0].message.contains("no `TY"));
        // The first record keeps only its own fields.
        assert!(
            p.records[0].1.extra.is_empty(),
            "{:?}",
            p.records[0].1.extra
        );
    }

    #[test]
    fn bare_cr_and_tab_separators() {
        let p = parse("TY\t- JOUR\rTI  - A\rER  - \rTY  - JOUR\rTI  - B\rER  - ");
        assert_eq!(p.total(), 2);
        assert!(p.warnings.is_empty());
    }
}
