//! Reading database exports into records: decoding, format detection and
//! one parser per format. Parsers never panic and never drop a record
//! silently: every record of the input is either returned or counted in
//! `reported` with a warning that names its line.

pub mod bibtex;
pub mod columns;
pub mod csv;
pub mod decode;
pub mod endnote_xml;
pub mod latex;
pub mod medline;
pub mod ovid;
pub mod pasted;
pub mod pieces;
pub mod ris;
pub(crate) mod tagged;
pub mod wos;

use std::fmt;

use serde::Serialize;

use crate::record::Record;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Ris,
    Medline,
    Pasted,
    Bibtex,
    EndnoteXml,
    /// Web of Science plain text (also `.ciw`, `.isi`, Zoological Record).
    Wos,
    /// Ovid's labelled text export.
    Ovid,
    /// Comma- or semicolon-separated table with a header row.
    Csv,
    /// Tab-separated table with a header row (WoS tab-delimited, RefWorks).
    Tsv,
}

impl Format {
    pub const ALL: [Format; 9] = [
        Format::Ris,
        Format::Medline,
        Format::Pasted,
        Format::Bibtex,
        Format::EndnoteXml,
        Format::Wos,
        Format::Ovid,
        Format::Csv,
        Format::Tsv,
    ];

    /// The name used by `--format`, in the project file and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Format::Ris => "ris",
            Format::Medline => "medline",
            Format::Pasted => "pasted",
            Format::Bibtex => "bibtex",
            Format::EndnoteXml => "endnote-xml",
            Format::Wos => "wos",
            Format::Ovid => "ovid",
            Format::Csv => "csv",
            Format::Tsv => "tsv",
        }
    }

    /// Names `--format` accepts besides [`Format::name`].
    pub const ALIASES: [(&'static str, Format); 8] = [
        ("nbib", Format::Medline),
        ("pubmed", Format::Medline),
        ("bib", Format::Bibtex),
        ("biblatex", Format::Bibtex),
        ("endnote", Format::EndnoteXml),
        ("xml", Format::EndnoteXml),
        ("ciw", Format::Wos),
        ("isi", Format::Wos),
    ];

    pub fn from_name(name: &str) -> Option<Format> {
        let name = name.to_ascii_lowercase();
        Format::ALIASES
            .iter()
            .find(|(alias, _)| *alias == name)
            .map(|&(_, f)| f)
            .or_else(|| Format::ALL.into_iter().find(|f| f.name() == name))
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Something in the input that was not read as it stood.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// 1-based line in the input (0 when it concerns the whole file).
    pub line: usize,
    /// What was wrong.
    pub message: String,
    /// What was done about it.
    pub action: String,
}

impl Warning {
    pub fn new(line: usize, message: impl Into<String>, action: impl Into<String>) -> Warning {
        Warning {
            line,
            message: message.into(),
            action: action.into(),
        }
    }
}

/// The outcome of parsing one file.
#[derive(Debug, Default)]
pub struct Parsed {
    /// Records read, in file order, with the line each started on. Keys and
    /// origins are not set yet.
    pub records: Vec<(usize, Record)>,
    /// Records of the file that could not be read; each has a warning.
    pub reported: usize,
    pub warnings: Vec<Warning>,
    /// The database the file as a whole names when its records do not (a
    /// pasted results page in a publisher's layout), for `database::guess`.
    pub database: Option<String>,
    /// Lines ignored (text outside records); only the first
    /// [`MAX_STRAY`] get a warning each.
    stray: usize,
    /// Lines of the text (as `decode::line_iter` splits them), when the
    /// parser counted them anyway: joining pieces needs it.
    lines: Option<usize>,
    /// A line that belongs with the record before it found none in this
    /// text (RIS: Ovid's lines after `ER` when the records before were
    /// skipped): parsed as a piece, the text depends on the one before.
    detached: bool,
    /// The text's last item may go on past its end (BibTeX: an entry
    /// that did not close cleanly): parsed as a piece, the text depends on
    /// the one after.
    open_end: bool,
}

/// Ignored lines listed one by one; a file read in the wrong format would
/// otherwise give a warning per line.
const MAX_STRAY: usize = 20;

impl Parsed {
    /// Records the file held: read + reported.
    pub fn total(&self) -> usize {
        self.records.len() + self.reported
    }

    /// Adds a record read at `line`, its lists cut to size: a million
    /// records each with a half-empty list of 32 extra fields is half a
    /// gigabyte.
    pub(crate) fn push(&mut self, line: usize, mut record: Record) {
        record.extra.shrink_to_fit();
        record.authors.shrink_to_fit();
        record.keywords.shrink_to_fit();
        self.records.push((line, record));
    }

    /// Adds `record`, read from line `start`, or reports it when it
    /// carries nothing a reviewer could screen: how every record of every
    /// format ends.
    pub(crate) fn keep_or_report(&mut self, start: usize, record: Record) {
        if record.is_empty() {
            self.reported += 1;
            self.report(
                start,
                "record has no title, abstract, authors or identifier",
                "skipped",
            );
        } else {
            self.push(start, record);
        }
    }

    /// A line that belongs to no record, ignored.
    pub(crate) fn stray(&mut self, line: usize, message: impl Into<String>) {
        self.stray += 1;
        if self.stray <= MAX_STRAY {
            self.report(line, message, "ignored");
        }
    }

    fn report(&mut self, line: usize, message: impl Into<String>, action: impl Into<String>) {
        self.warnings.push(Warning::new(line, message, action));
    }
}

/// Why a file could not be read at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnknownFormat {
    /// No byte, or only whitespace (and byte-order marks).
    Empty,
    /// None of the formats' marks.
    NoMarks,
}

impl fmt::Display for UnknownFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == UnknownFormat::Empty {
            return f.write_str(
                "the file is empty (nothing but blank lines): nothing to import; was the export \
                 saved completely?",
            );
        }
        let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
        write!(
            f,
            "could not tell the format from the content (no RIS `TY  - ` line, no MEDLINE \
             `PMID- ` line, no BibTeX `@article{{`, no EndNote `<record>`, no Web of Science \
             `PT`/`FN` line, no Ovid `<1>` header, no `Publication date:` of a pasted results \
             page, no CSV/TSV header row with known column names); name it with --format ({})",
            names.join(", ")
        )
    }
}

impl std::error::Error for UnknownFormat {}

/// Guesses the format from the content: the first lines that say
/// something, in an order that keeps formats apart (a BibTeX abstract may
/// quote `TY  - `; an Ovid record has no tag lines at all).
pub fn detect(text: &str) -> Option<Format> {
    // A table is recognised by its header row at the start; the other
    // formats never begin with one.
    if let Some(format) = csv::detect(text) {
        return Some(format);
    }
    let head_end = text
        .char_indices()
        .nth(200_000)
        .map_or(text.len(), |(i, _)| i);
    let head = &text[..head_end];
    let lines: Vec<&str> = decode::lines(head).into_iter().take(5000).collect();
    let first = lines
        .iter()
        .map(|l| l.trim_start_matches('\u{feff}').trim())
        .find(|l| !l.is_empty())?;
    if first.starts_with("<?xml") || first.starts_with("<xml") || first.starts_with("<records") {
        return head.contains("<record").then_some(Format::EndnoteXml);
    }
    if ovid::looks_like(&lines) {
        return Some(Format::Ovid);
    }
    if wos::looks_like(&lines) {
        return Some(Format::Wos);
    }
    for line in &lines {
        let t = line.trim_start_matches('\u{feff}');
        if t.starts_with("PMID-") {
            return Some(Format::Medline);
        }
        if ris::is_record_start(t) {
            return Some(Format::Ris);
        }
        if bibtex::starts_entry(t) {
            return Some(Format::Bibtex);
        }
        if t.trim_start().starts_with("Publication date:") {
            return Some(Format::Pasted);
        }
    }
    None
}

/// A file's bytes, read by several threads at once when it is large: at
/// 250 MB, copying from the page cache into fresh memory took a quarter
/// of a second on one core.
pub fn read_file(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileExt;
        let file = std::fs::File::open(path)?;
        let len = usize::try_from(file.metadata()?.len()).unwrap_or(usize::MAX);
        let threads = pieces::threads();
        if len >= pieces::MIN_PARALLEL && threads > 1 && file.metadata()?.is_file() {
            let mut bytes = vec![0u8; len];
            huge_pages(&mut bytes);
            let part = len.div_ceil(threads);
            let read = {
                use rayon::prelude::*;
                bytes
                    .par_chunks_mut(part)
                    .enumerate()
                    .all(|(i, chunk)| file.read_exact_at(chunk, (i * part) as u64).is_ok())
            };
            // A file that changed size meanwhile is read again, whole.
            let mut probe = [0u8; 1];
            if read && file.read_at(&mut probe, len as u64).is_ok_and(|n| n == 0) {
                return Ok(bytes);
            }
        }
    }
    std::fs::read(path)
}

/// Asks the kernel to back `buf` (fresh, untouched memory) with huge
/// pages where it can: filling 250 MB of 4 KiB pages is 61,000 page faults,
/// which cost more CPU here than the copy itself (docs/IMPORT.md).
#[cfg(target_os = "linux")]
fn huge_pages(buf: &mut [u8]) {
    // SAFETY: the range is memory this buffer owns; the advice changes only
    // how its pages are backed, never their contents. A failure (no
    // transparent huge pages) leaves ordinary pages, and is ignored.
    // madvise wants a page-aligned start; malloc's large blocks start 16
    // bytes into their first page.
    let skip = buf.as_ptr().align_offset(4096).min(buf.len());
    let buf = &mut buf[skip..];
    let _ = unsafe {
        rustix::mm::madvise(
            buf.as_mut_ptr().cast(),
            buf.len(),
            rustix::mm::Advice::LinuxHugepage,
        )
    };
}

#[cfg(all(unix, not(target_os = "linux")))]
fn huge_pages(_: &mut [u8]) {}

/// Decodes and parses a file's bytes: `format` forces a parser, else the
/// content decides.
pub fn parse(bytes: &[u8], format: Option<Format>) -> Result<(Format, Parsed), UnknownFormat> {
    let decoded = crate::phases::time("decode", || decode::decode(bytes));
    if decoded
        .text
        .trim_start_matches('\u{feff}')
        .trim()
        .is_empty()
    {
        return Err(UnknownFormat::Empty);
    }
    let format = match format {
        Some(f) => f,
        None => {
            crate::phases::time("detect", || detect(&decoded.text)).ok_or(UnknownFormat::NoMarks)?
        }
    };
    let mut parsed = crate::phases::time("parse", || parse_text(&decoded.text, format));
    if let Some(w) = decoded.warning {
        parsed.warnings.insert(
            0,
            Warning::new(0, w, format!("read as {}", decoded.encoding)),
        );
    }
    Ok((format, parsed))
}

/// Parses decoded text as `format`, a large RIS file in pieces on all
/// cores (`pieces`).
pub fn parse_text(text: &str, format: Format) -> Parsed {
    let threads = if text.len() >= pieces::MIN_PARALLEL {
        pieces::threads()
    } else {
        1
    };
    // More pieces than threads, so that a core the machine's other work
    // holds does less of the parsing.
    parse_text_in(text, format, threads * 4, threads)
}

/// [`parse_text`] with `pieces` pieces (at most) on `threads` threads; the
/// result does not depend on either (tests call this on small texts).
pub fn parse_text_in(text: &str, format: Format, pieces: usize, threads: usize) -> Parsed {
    let joined = if threads > 1 {
        parse_in_pieces(text, format, pieces, threads)
    } else {
        None
    };
    let mut parsed = joined.unwrap_or_else(|| parse_whole(text, format));
    // U+2028 and U+2029 (LINE and PARAGRAPH SEPARATOR, from exports that
    // went through JavaScript or Word) are line breaks in prose and a
    // space elsewhere: left as they are, a terminal moves its cursor on
    // them and the screen keeps stale text. One search of the text when
    // there are none.
    if has_separator(text.as_bytes()) {
        for (_, r) in &mut parsed.records {
            normalize_separators(r);
        }
    }
    if parsed.stray > MAX_STRAY {
        let more = parsed.stray - MAX_STRAY;
        parsed.report(
            0,
            format!(
                "{more} more lines outside records, not listed (is this file in the format named?)"
            ),
            "ignored",
        );
    }
    parsed
}

/// Whether `b` holds U+2028 or U+2029: their shared first two bytes
/// found by `memmem`, then the third checked (one pass; two searches for
/// the whole characters took twice as long on the 250 MB benchmark file).
fn has_separator(b: &[u8]) -> bool {
    memchr::memmem::find_iter(b, b"\xE2\x80").any(|i| matches!(b.get(i + 2), Some(0xA8 | 0xA9)))
}

fn is_separator(c: char) -> bool {
    matches!(c, '\u{2028}' | '\u{2029}')
}

/// Line and paragraph separators become `\n` in the abstract, its
/// sections and kept fields, a space in one-line fields.
pub fn normalize_separators(r: &mut Record) {
    // Spaces beside the break were its indentation; kept, they would not
    // survive a round trip through RIS, whose readers trim continuation
    // lines.
    let prose = |s: &mut String| {
        if s.contains(is_separator) {
            let blank = |c: char| c == ' ' || c == '\t';
            let parts: Vec<&str> = s.split(is_separator).collect();
            let last = parts.len() - 1;
            *s = parts
                .iter()
                .enumerate()
                .map(|(i, part)| {
                    let part = if i > 0 {
                        part.trim_start_matches(blank)
                    } else {
                        part
                    };
                    if i < last {
                        part.trim_end_matches(blank)
                    } else {
                        part
                    }
                })
                .collect::<Vec<_>>()
                .join("\n");
        }
    };
    let line = |s: &mut String| {
        if s.contains(is_separator) {
            *s = crate::text::collapse_ws(&s.replace(is_separator, " "));
        }
    };
    prose(&mut r.abstract_text);
    for s in &mut r.sections {
        line(&mut s.label);
        prose(&mut s.text);
    }
    for f in &mut r.extra {
        prose(&mut f.value);
    }
    for s in [
        &mut r.title,
        &mut r.kind,
        &mut r.date,
        &mut r.journal,
        &mut r.volume,
        &mut r.issue,
        &mut r.pages,
        &mut r.doi,
        &mut r.pmid,
        &mut r.issn,
        &mut r.isbn,
        &mut r.url,
    ] {
        line(s);
    }
    r.authors.iter_mut().chain(&mut r.keywords).for_each(line);
}

/// The formats that say where their text may be cut (`pieces`), parsed
/// in pieces; `None` when there is no place to cut or the pieces cannot be
/// joined exactly.
fn parse_in_pieces(text: &str, format: Format, pieces: usize, threads: usize) -> Option<Parsed> {
    let in_pieces = |text: &str, cuts: Vec<usize>, parse: fn(&str) -> Parsed| {
        (!cuts.is_empty())
            .then(|| pieces::parse(text, &cuts, threads, parse))
            .flatten()
    };
    match format {
        Format::Ris => in_pieces(text, ris::cuts(text, pieces), ris::parse),
        Format::Medline => in_pieces(text, medline::cuts(text, pieces), medline::parse),
        Format::Bibtex => {
            // Cut where the parser reads: after bare CRs became LFs.
            let text = decode::bare_cr_to_lf(text);
            in_pieces(&text, bibtex::cuts(&text, pieces), bibtex::parse_piece)
        }
        _ => None,
    }
}

fn parse_whole(text: &str, format: Format) -> Parsed {
    match format {
        Format::Ris => ris::parse(text),
        Format::Medline => medline::parse(text),
        Format::Pasted => pasted::parse(text),
        Format::Bibtex => bibtex::parse(text),
        Format::EndnoteXml => endnote_xml::parse(text),
        Format::Wos => wos::parse(text),
        Format::Ovid => ovid::parse(text),
        Format::Csv => csv::parse(text, None),
        Format::Tsv => csv::parse(text, Some(b'\t')),
    }
}

/// At most `max` characters of `s` for a warning, `…` when cut.
pub(crate) fn short(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s.to_string(),
        Some((cut, _)) => format!("{}…", &s[..cut]),
    }
}

/// Joins wrapped lines of prose into one paragraph, but keeps a break before
/// a line that starts a labelled part (`Methods: …`) of a structured
/// abstract.
pub(crate) fn unwrap_prose(value: &str) -> String {
    if memchr::memchr(b'\n', value.as_bytes()).is_none() {
        // One line (most exports write an abstract so): only trimmed.
        return value.trim().to_string();
    }
    let mut out = String::with_capacity(value.len());
    for line in value.split('\n') {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(if starts_labelled_part(line) {
                '\n'
            } else {
                ' '
            });
        }
        out.push_str(line);
    }
    out
}

fn starts_labelled_part(line: &str) -> bool {
    let Some((head, _)) = line.split_once(": ") else {
        return false;
    };
    let words = head.split_whitespace().count();
    (1..=4).contains(&words)
        && head.chars().next().is_some_and(char::is_uppercase)
        && head
            .chars()
            .all(|c| c.is_alphabetic() || c == ' ' || c == '/' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_cuts_at_characters() {
        assert_eq!(short("abc", 3), "abc");
        assert_eq!(short("äbcd", 2), "äb…");
    }

    #[test]
    fn prose_unwraps_but_keeps_labelled_parts() {
        assert_eq!(
            unwrap_prose("Background: we\nsought to\nassess.\nMethods: We undertook"),
            "Background: we sought to assess.\nMethods: We undertook"
        );
    }

    #[test]
    fn line_and_paragraph_separators_are_normalised() {
        let text = "TY  - JOUR\nTI  - Peer\u{2028}support\nAU  - Doe,\u{2029}J.\n\
                    AB  - First line.\u{2028}Second line.\u{2029}Next paragraph.\nN1  - a \u{2028} b\nER  - \n";
        let p = parse_text(text, Format::Ris);
        let r = &p.records[0].1;
        assert_eq!(r.title, "Peer support");
        assert_eq!(r.authors, ["Doe, J."]);
        assert_eq!(
            r.abstract_text,
            "First line.\nSecond line.\nNext paragraph."
        );
        assert_eq!(r.extra[0].value, "a\nb");
        let csv = "Title,Abstract\n\"A\u{2028}B\",\"x\u{2029}y\"\n";
        let r = &parse_text(csv, Format::Csv).records[0].1;
        assert_eq!(
            (r.title.as_str(), r.abstract_text.as_str()),
            ("A B", "x\ny")
        );
    }

    #[test]
    fn stray_lines_are_listed_up_to_a_point() {
        let text = "not a tag line\n".repeat(30);
        let p = parse_text(&text, Format::Ris);
        assert_eq!(p.warnings.len(), MAX_STRAY + 1);
        assert_eq!(p.warnings[MAX_STRAY].line, 0);
        assert!(p.warnings[MAX_STRAY].message.starts_with("10 more lines"));
    }

    #[test]
    fn a_line_after_a_skipped_record_joins_the_record_before_in_pieces_too() {
        // Found by `ris_records_in_pieces_parse_as_whole`: the `A0` line
        // follows the empty second record, and goes with the first.
        let text = "TY  - JOUR\nN2  - A\nER  - \nTY  - JOUR\nER  - \nA0  - \nTY  - BOOK\nER  - ";
        let whole = parse_text_in(text, Format::Ris, 1, 1);
        assert_eq!(whole.records[0].1.extra.len(), 1);
        for pieces in [2, 3, 7] {
            let cut = parse_text_in(text, Format::Ris, pieces, 2);
            assert_eq!(format!("{:?}", cut.records), format!("{:?}", whole.records));
            assert_eq!(cut.warnings, whole.warnings);
        }
    }

    /// MEDLINE and BibTeX of generated records are cut (not parsed whole
    /// after the pieces failed to join) and give the one-piece result.
    #[test]
    fn medline_and_bibtex_are_parsed_in_pieces() {
        let mut nbib = String::new();
        let mut bib = String::new();
        for i in 0..200 {
            nbib.push_str(&format!(
                "PMID- {i}\r\nTI  - Title {i}\r\n      wrapped\r\nFAU - Doe, J\r\n\r\n"
            ));
            bib.push_str(&format!(
                "@article{{k{i},\n  title = {{Title {{X}} {i}}},\n  year = 2020,\n}}\n% note\n\n"
            ));
        }
        for (text, format) in [(&nbib, Format::Medline), (&bib, Format::Bibtex)] {
            let whole = parse_text_in(text, format, 1, 1);
            assert_eq!(whole.records.len(), 200);
            for pieces in [2, 5, 64] {
                let cut = parse_in_pieces(text, format, pieces, 2).expect("cut and joined");
                assert_eq!(format!("{:?}", cut.records), format!("{:?}", whole.records));
                assert_eq!(cut.warnings, whole.warnings);
            }
        }
        // A brace left open in one piece is read across the cut by the
        // whole parse: the pieces are not joined.
        let broken = bib.replacen("year = 2020,", "note = {open,", 1);
        assert_eq!(bibtex::cuts(&broken, 5).len(), 4);
        assert!(parse_in_pieces(&broken, Format::Bibtex, 5, 2).is_none());
        // Macros hold to the end of the file: no cuts.
        let macros = format!("@STRING{{j = \"J\"}}\n{bib}");
        assert!(bibtex::cuts(&macros, 5).is_empty());
    }

    #[test]
    fn detection() {
        assert_eq!(detect("\u{feff}TY  - JOUR\nER  - \n"), Some(Format::Ris));
        assert_eq!(detect("1.\nTY  - JOUR\n"), Some(Format::Ris));
        assert_eq!(detect("\nPMID- 123\nTI  - x\n"), Some(Format::Medline));
        assert_eq!(
            detect("Search results\nArticle\nPublication date: 1 May 2020\n"),
            Some(Format::Pasted)
        );
        assert_eq!(detect("hello\nworld"), None);
        assert_eq!(
            detect("% Encoding: UTF-8\n\n@Article{k,\n}"),
            Some(Format::Bibtex)
        );
        assert_eq!(
            detect("@article{k,\n abstract = {TY  - JOUR}}"),
            Some(Format::Bibtex)
        );
        assert_eq!(
            detect("<?xml version=\"1.0\"?><xml><records><record>"),
            Some(Format::EndnoteXml)
        );
        assert_eq!(
            detect("FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\n"),
            Some(Format::Wos)
        );
        assert_eq!(detect("<1>\nAuthor\n  Max\n"), Some(Format::Ovid));
        assert_eq!(detect("Record #1 of 2\nTY  -  JOUR\n"), Some(Format::Ris));
    }
}
