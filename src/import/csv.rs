//! CSV and TSV exports (Scopus, WoS tab-delimited, Embase, CINAHL,
//! Cochrane, Lens, OpenAlex, IEEE, Springer, Zotero, Google Scholar,
//! PubMed, Covidence, Rayyan, Abstrackr, RefWorks, ASReview, …): finds the
//! delimiter and the header row from the content, reads the rows with the
//! `csv` crate and hands each to the column mapping (`columns`).
//!
//! A record is a data row with at least one non-empty cell. A row whose
//! cells are all empty, or that has nothing to screen or match (no title,
//! abstract, authors, DOI, PMID or URL: SYNERGY's rows of papers it could
//! not identify), is reported with the file line where it starts. Lines
//! before the header (Embase's search summary) and a line with a single
//! cell and no delimiter in a many-column file (Abstrackr's "citations that
//! are not yet labeled by anyone") are not records; each gets a warning.

use ::csv::{ReaderBuilder, StringRecord};

use super::columns::{self, Plan};
use super::{Format, Parsed, Warning, ris};
use crate::record::Record;

/// Delimiters tried, in order of preference on a tie.
const DELIMITERS: [u8; 3] = [b',', b';', b'\t'];

/// How much of the start of a file the sniffer reads: enough for a
/// preamble, the header and a few dozen rows of long abstracts.
const SNIFF_BYTES: usize = 256 * 1024;
/// Rows before the header that the sniffer accepts as a preamble.
const MAX_PREAMBLE_ROWS: usize = 10;
/// Data rows sampled to check the delimiter and to see how authors are
/// separated.
const SAMPLE_ROWS: usize = 100;

/// Where the table starts and how it is delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub delimiter: u8,
    /// Byte offset of the first row (past an Excel `sep=` line).
    body: usize,
    /// Rows of the body before the header row.
    header_index: usize,
    /// Header cells the mapping table recognised.
    pub mapped: usize,
    /// Whether `"` quotes cells. Web of Science tab-delimited files never
    /// quote, and a title that starts with `"` must not swallow the rows
    /// after it.
    quoting: bool,
}

/// The format of a file whose start is a bibliographic table: a header row
/// with at least two column names of the mapping table, and data rows
/// that fit it.
pub fn detect(text: &str) -> Option<Format> {
    let layout = sniff(text, None).filter(|l| l.mapped >= 2)?;
    Some(if layout.delimiter == b'\t' {
        Format::Tsv
    } else {
        Format::Csv
    })
}

/// `sep=;` on the first line: Excel's hint for the delimiter.
fn excel_sep_line(text: &str) -> Option<(u8, usize)> {
    let end = text.find(['\n', '\r']).unwrap_or(text.len());
    let line = text[..end].trim().trim_matches('"');
    let rest = line.strip_prefix("sep=")?;
    let &[d] = rest.as_bytes() else { return None };
    let mut body = end;
    if text[body..].starts_with("\r\n") {
        body += 2;
    } else if body < text.len() {
        body += 1;
    }
    Some((d, body))
}

fn prefix_at_char_boundary(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

fn reader(bytes: &[u8], delimiter: u8, quoting: bool) -> ::csv::Reader<&[u8]> {
    ReaderBuilder::new()
        .delimiter(delimiter)
        .quoting(quoting)
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(bytes)
}

/// Whether a row is as wide as the header, or one wider with an empty last
/// cell (WoS ends each row with a tab).
fn fits_exactly(row: &StringRecord, width: usize) -> bool {
    let n = row.len();
    n == width || (n == width + 1 && row.get(width).is_some_and(|c| c.trim().is_empty()))
}

/// Scopus CSV rows that carry more cells than the header names: an
/// extra, often empty cell right after `Funding Text 1` (a second funding
/// text the header does not name). The columns after it line up from the
/// right end, where Scopus always writes `Source` (`Scopus`) and `EID`
/// (`2-s2.0-…`), which is how such a row is recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Shift {
    /// Where the extra cells are: after the last `Funding Text N` column,
    /// else (unknown) right before `Source`/`EID`.
    at: usize,
    after_funding: bool,
    source: Option<usize>,
    eid: Option<usize>,
}

impl Shift {
    fn of(header: &[&str]) -> Option<Shift> {
        let find = |name: &str| {
            header
                .iter()
                .position(|h| columns::normalize_header(h) == name)
        };
        let (source, eid) = (find("source"), find("eid"));
        let anchor = source.into_iter().chain(eid).min()?;
        let funding = header
            .iter()
            .rposition(|h| columns::normalize_header(h).starts_with("funding text"));
        Some(Shift {
            at: funding.map_or(anchor, |f| f + 1),
            after_funding: funding.is_some(),
            source,
            eid,
        })
    }

    /// How many cells the row has beyond the header, when they are such
    /// extra cells: the right end then lines up and the left does not.
    fn extra(&self, row: &StringRecord, width: usize) -> Option<usize> {
        let k = row
            .len()
            .checked_sub(width)
            .filter(|k| (1..=3).contains(k))?;
        let scopus = |i: usize| row.get(i).is_some_and(|c| c.trim() == "Scopus");
        let eid = |i: usize| row.get(i).is_some_and(|c| c.trim().starts_with("2-s2.0-"));
        let right =
            self.source.is_none_or(|i| scopus(i + k)) && self.eid.is_none_or(|i| eid(i + k));
        let left = self.source.is_some_and(scopus) || self.eid.is_some_and(eid);
        (right && !left).then_some(k)
    }

    /// The row with its extra cells taken out, and those cells.
    fn realign(&self, row: &StringRecord, k: usize) -> (StringRecord, Vec<String>) {
        let cells: Vec<&str> = row.iter().collect();
        let mut out = StringRecord::with_capacity(row.as_slice().len(), cells.len() - k);
        out.extend(cells[..self.at].iter().chain(&cells[self.at + k..]));
        (
            out,
            cells[self.at..self.at + k]
                .iter()
                .map(|c| c.to_string())
                .collect(),
        )
    }
}

/// Whether a row fits a header of `width` columns: exactly, or narrower
/// with the trailing cells left out (Abstrackr).
fn fits(row: &StringRecord, width: usize) -> bool {
    fits_exactly(row, width) || (row.len() >= 2 && row.len() < width)
}

/// Finds the delimiter and the header row. With `forced` the delimiter is
/// given; without a recognisable header the first row is taken as the
/// header (only when a format was forced: `detect` needs a header).
pub fn sniff(text: &str, forced: Option<u8>) -> Option<Layout> {
    let (sep, body) = match excel_sep_line(text) {
        Some((d, body)) => (Some(d), body),
        None => (None, 0),
    };
    let sample = prefix_at_char_boundary(&text[body..], SNIFF_BYTES);
    let cut = sample.len() < text.len() - body;
    let candidates: Vec<u8> = match forced.or(sep) {
        Some(d) => vec![d],
        None => DELIMITERS.to_vec(),
    };
    let mut best: Option<(Layout, usize)> = None;
    for d in candidates {
        let mut rows: Vec<StringRecord> = reader(sample.as_bytes(), d, true)
            .into_records()
            .take(MAX_PREAMBLE_ROWS + SAMPLE_ROWS)
            .map_while(Result::ok)
            .collect();
        if cut && rows.len() > 1 {
            // The sample may end inside the last row.
            rows.pop();
        }
        let Some(header_index) = rows.iter().take(MAX_PREAMBLE_ROWS).position(|row| {
            row.len() >= 2
                && row.iter().all(|c| c.len() <= 120)
                && Plan::new(&row.iter().collect::<Vec<_>>()).mapped() >= 2
        }) else {
            continue;
        };
        let preamble_is_tagged = rows[..header_index].iter().any(|row| {
            let first = row.get(0).unwrap_or("");
            ris::tag_line(first).is_some() || first.starts_with("PMID-")
        });
        if preamble_is_tagged {
            continue;
        }
        let header = &rows[header_index];
        let plan = Plan::new(&header.iter().collect::<Vec<_>>());
        let data = &rows[header_index + 1..];
        // One-cell lines (headings, or rows with no delimiter) say nothing
        // about the delimiter, but a table is not made of them.
        let multi = data.iter().filter(|r| r.len() > 1).count();
        let cells: Vec<&str> = header.iter().collect();
        let shift = Shift::of(&cells);
        let shifted = |r: &StringRecord| shift.is_some_and(|s| s.extra(r, header.len()).is_some());
        let exact = data
            .iter()
            .filter(|r| fits_exactly(r, header.len()) || shifted(r))
            .count();
        let fitting = data
            .iter()
            .filter(|r| fits(r, header.len()) || shifted(r))
            .count();
        // A "header" whose rows do not fit it is prose or another format
        // (a BibTeX `@comment{… author;false;title;false;year …}` line).
        let table_like =
            multi > 0 && fitting * 4 >= multi * 3 && exact * 2 >= multi && multi * 2 >= data.len();
        if !data.is_empty() && !table_like {
            continue;
        }
        let layout = Layout {
            delimiter: d,
            body,
            header_index,
            mapped: plan.mapped(),
            quoting: !(d == b'\t' && columns::is_wos_header(&cells)),
        };
        let score = layout.mapped * 1000 + exact;
        if best.as_ref().is_none_or(|(_, s)| score > *s) {
            best = Some((layout, score));
        }
    }
    if let Some((layout, _)) = best {
        return Some(layout);
    }
    let delimiter = forced.or(sep)?;
    Some(Layout {
        delimiter,
        body,
        header_index: 0,
        mapped: 0,
        quoting: true,
    })
}

/// For a forced format with no recognisable header: the delimiter that
/// splits the first line into the most cells.
fn widest_delimiter(text: &str) -> u8 {
    let sample = prefix_at_char_boundary(text, SNIFF_BYTES);
    DELIMITERS
        .iter()
        .copied()
        .max_by_key(|&d| {
            let width = reader(sample.as_bytes(), d, true)
                .into_records()
                .next()
                .and_then(Result::ok)
                .map_or(0, |r| r.len());
            // Prefer the earlier delimiter on a tie.
            (
                width,
                std::cmp::Reverse(DELIMITERS.iter().position(|&x| x == d)),
            )
        })
        .unwrap_or(b',')
}

/// Turns byte offsets into 1-based line numbers, counting `\r\n`, `\n` and
/// a bare `\r` as one line break each (as `decode::lines` does). Offsets
/// must not decrease.
struct LineIndex<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: usize,
    has_cr: bool,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        LineIndex {
            bytes,
            pos: 0,
            line: 1,
            has_cr: bytes.contains(&b'\r'),
        }
    }

    fn line_at(&mut self, offset: usize) -> usize {
        let offset = offset.clamp(self.pos, self.bytes.len());
        let seg = &self.bytes[self.pos..offset];
        if self.has_cr {
            for (i, &b) in seg.iter().enumerate() {
                let at = self.pos + i;
                if b == b'\n' || (b == b'\r' && self.bytes.get(at + 1) != Some(&b'\n')) {
                    self.line += 1;
                }
            }
        } else {
            // Counting in u8 lanes, 255 bytes at a time, vectorises;
            // `filter().count()` goes byte by byte.
            self.line += seg
                .chunks(255)
                .map(|c| usize::from(c.iter().fold(0u8, |n, &b| n + u8::from(b == b'\n'))))
                .sum::<usize>();
        }
        self.pos = offset;
        self.line
    }
}

/// Whether reading from `s` (the start of a row) ends inside a quoted cell,
/// and if so the offset of the quote that opened it.
fn open_quote(s: &[u8], delimiter: u8) -> Option<usize> {
    let mut opened: Option<usize> = None;
    let mut field_start = true;
    let mut i = 0;
    while i < s.len() {
        let b = s[i];
        if opened.is_some() {
            if b == b'"' {
                if s.get(i + 1) == Some(&b'"') {
                    i += 2;
                    continue;
                }
                opened = None;
            }
        } else if b == b'"' && field_start {
            opened = Some(i);
        } else {
            field_start = b == delimiter || b == b'\n' || b == b'\r';
            i += 1;
            continue;
        }
        field_start = false;
        i += 1;
    }
    opened
}

/// Warnings about rows with the same problem, merged into one that lists
/// their lines (1,339 SYNERGY rows without an identifier, or 500 empty
/// rows an Excel re-save left at the end, are one warning each).
#[derive(Default)]
struct Groups {
    groups: Vec<Group>,
}

struct Group {
    lines: Vec<usize>,
    message: String,
    action: &'static str,
}

/// Line ranges listed in a merged warning before it says "and N more".
const MAX_RANGES: usize = 20;

impl Groups {
    fn push(&mut self, line: usize, message: String, action: &'static str) {
        // Few distinct problems per file: a linear search is enough.
        match self
            .groups
            .iter_mut()
            .find(|g| g.message == message && g.action == action)
        {
            Some(g) => g.lines.push(line),
            None => self.groups.push(Group {
                lines: vec![line],
                message,
                action,
            }),
        }
    }

    fn into_warnings(self, out: &mut Vec<Warning>) {
        for g in self.groups {
            // Every record left out keeps a warning of its own naming its
            // line (no silent loss, and scripts can list them); only
            // problems with records that were read are merged.
            if g.action.starts_with("skipped") {
                for &line in &g.lines {
                    out.push(Warning::new(line, g.message.clone(), g.action));
                }
                continue;
            }
            let message = if g.lines.len() == 1 {
                g.message
            } else {
                format!(
                    "{} ({} rows: lines {})",
                    g.message,
                    g.lines.len(),
                    line_ranges(&g.lines)
                )
            };
            out.push(Warning::new(g.lines[0], message, g.action));
        }
    }
}

/// `3-5, 9, 12-13`, at most `MAX_RANGES` of them.
fn line_ranges(lines: &[usize]) -> String {
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for &l in lines {
        match ranges.last_mut() {
            Some((_, end)) if *end + 1 == l => *end = l,
            _ => ranges.push((l, l)),
        }
    }
    let shown: Vec<String> = ranges
        .iter()
        .take(MAX_RANGES)
        .map(|&(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            }
        })
        .collect();
    let mut s = shown.join(", ");
    if ranges.len() > MAX_RANGES {
        let more: usize = ranges[MAX_RANGES..].iter().map(|(a, b)| b - a + 1).sum();
        s.push_str(&format!(
            ", and {more} more up to line {}",
            ranges.last().map_or(0, |r| r.1)
        ));
    }
    s
}

fn shorten(s: &str, max: usize) -> String {
    let s = s.trim();
    if s.chars().count() <= max {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(max).collect::<String>())
    }
}

/// Parses a CSV/TSV text. `delimiter` forces one (`--format tsv`);
/// otherwise it is sniffed.
pub fn parse(text: &str, delimiter: Option<u8>) -> Parsed {
    let mut parsed = Parsed::default();
    let layout = match sniff(text, delimiter) {
        Some(l) => l,
        None => {
            let body = excel_sep_line(text).map_or(0, |(_, b)| b);
            Layout {
                delimiter: widest_delimiter(&text[body..]),
                body,
                header_index: 0,
                mapped: 0,
                quoting: true,
            }
        }
    };
    let body = &text[layout.body..];
    let mut lines = LineIndex::new(text);
    let mut rdr = reader(body.as_bytes(), layout.delimiter, layout.quoting);
    let mut row = StringRecord::new();
    let mut index = 0usize;
    let mut preamble: Vec<(usize, String)> = Vec::new();
    let mut table: Option<Table> = None;
    let mut last_start = 0usize;
    loop {
        let start = rdr.position().byte() as usize;
        match rdr.read_record(&mut row) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                // Input is a `str`, so the reader has no UTF-8 or I/O error
                // to give; should one come, say so rather than stop quietly.
                parsed.report(
                    lines.line_at(layout.body + start),
                    format!("unreadable row: {e}"),
                    "stopped reading the file here",
                );
                break;
            }
        }
        // The reader's position is the end of the previous row; blank lines
        // between rows are skipped by it.
        let skipped = body.as_bytes()[start.min(body.len())..]
            .iter()
            .take_while(|&&b| b == b'\n' || b == b'\r')
            .count();
        last_start = start + skipped;
        let line = lines.line_at(layout.body + last_start);
        match (&mut table, index.cmp(&layout.header_index)) {
            (_, std::cmp::Ordering::Less) => {
                preamble.push((line, row.iter().collect::<Vec<_>>().join(", ")));
            }
            (None, _) => {
                let plan = Plan::new(&row.iter().collect::<Vec<_>>());
                if plan.mapped() == 0 {
                    parsed.report(
                        line,
                        "no known column name in the header row (title, authors, abstract, DOI, …)",
                        "every column kept under its header; rows with nothing to screen are reported",
                    );
                }
                let shift = Shift::of(&row.iter().collect::<Vec<_>>());
                table = Some(Table::new(
                    plan,
                    shift,
                    rdr.position().byte() as usize,
                    body.len(),
                ));
            }
            (Some(t), _) => t.push(&mut parsed, line, &row, rdr.position().byte() as usize),
        }
        index += 1;
    }
    if let Some(t) = table {
        t.finish(&mut parsed);
    }
    if let Some((first_line, first_text)) = preamble.first() {
        parsed.warnings.push(Warning::new(
            *first_line,
            format!(
                "{} line(s) before the header row are not records (`{}`)",
                preamble.len(),
                shorten(first_text, 60)
            ),
            "ignored (a database's search summary or title lines)",
        ));
    }
    let unclosed = layout
        .quoting
        .then(|| {
            open_quote(
                &body.as_bytes()[last_start.min(body.len())..],
                layout.delimiter,
            )
        })
        .flatten();
    if let Some(at) = unclosed {
        let mut index = LineIndex::new(text);
        let opened = index.line_at(layout.body + last_start + at);
        let end = index.line_at(text.len());
        parsed.report(
            opened,
            format!(
                "a quoted cell opened on this line is never closed: the file ends inside it \
                 (cut short, or a stray `\"` made lines {opened}-{end} one cell)"
            ),
            "kept the last row as read; check the file around this line",
        );
    }
    parsed.warnings.sort_by_key(|w| w.line);
    parsed
}

/// The rows after the header: sampled first (to see how authors are
/// separated), then mapped one by one.
struct Table {
    plan: Plan,
    /// The first rows, until `SAMPLE_ROWS` have been seen.
    sample: Vec<(usize, StringRecord)>,
    sampled: bool,
    /// A one-cell row: a heading if another row follows, else a row the
    /// file was cut in.
    held: Option<(usize, StringRecord)>,
    groups: Groups,
    shift: Option<Shift>,
    /// Byte offsets of the first data row and of the end of the body, to
    /// size the record list from the sample.
    data_start: usize,
    body_len: usize,
}

impl Table {
    fn new(plan: Plan, shift: Option<Shift>, data_start: usize, body_len: usize) -> Table {
        Table {
            plan,
            shift,
            sample: Vec::new(),
            sampled: false,
            held: None,
            groups: Groups::default(),
            data_start,
            body_len,
        }
    }

    /// Takes the row that ends at byte `end` of the body.
    fn push(&mut self, parsed: &mut Parsed, line: usize, row: &StringRecord, end: usize) {
        if self.sampled {
            self.take(parsed, line, row);
            return;
        }
        self.sample.push((line, row.clone()));
        if self.sample.len() == SAMPLE_ROWS {
            // Growing a list of a million records by doubling would hold
            // two copies at once for a moment; size it from the sample.
            let per_row = (end.saturating_sub(self.data_start) / SAMPLE_ROWS).max(1);
            parsed
                .records
                .reserve(self.body_len.saturating_sub(self.data_start) / per_row * 21 / 20);
            self.end_sample(parsed);
        }
    }

    fn end_sample(&mut self, parsed: &mut Parsed) {
        self.sampled = true;
        self.decide_glued();
        for (line, row) in std::mem::take(&mut self.sample) {
            self.take(parsed, line, &row);
        }
    }

    fn finish(mut self, parsed: &mut Parsed) {
        if !self.sampled {
            self.end_sample(parsed);
        }
        if let Some((line, row)) = self.held.take() {
            self.map(parsed, line, &row);
        }
        self.groups.into_warnings(&mut parsed.warnings);
    }

    /// Decides from the sample whether the authors column glues names
    /// together with no separator (SpringerLink).
    fn decide_glued(&mut self) {
        let Some(&col) = self.plan.author_columns().first() else {
            return;
        };
        let cells: Vec<&str> = self
            .sample
            .iter()
            .filter_map(|(_, r)| r.get(col))
            .filter(|c| !c.trim().is_empty())
            .collect();
        let separated = cells
            .iter()
            .any(|c| c.contains([';', ',', '|']) || c.contains(" and "));
        let glued = cells.iter().filter(|c| columns::looks_glued(c)).count();
        self.plan.glued_authors = !separated && glued > 0 && glued * 5 >= cells.len();
    }

    fn take(&mut self, parsed: &mut Parsed, line: usize, row: &StringRecord) {
        if let Some((held_line, held)) = self.held.take() {
            self.groups.push(
                held_line,
                format!(
                    "a line with one cell and no delimiter is not a record: `{}`",
                    shorten(held.get(0).unwrap_or(""), 60)
                ),
                "ignored (a heading or comment line)",
            );
        }
        let one_cell = row.len() == 1 && !row.get(0).unwrap_or("").trim().is_empty();
        if one_cell && self.plan.width() >= 3 {
            self.held = Some((line, row.clone()));
            return;
        }
        self.map(parsed, line, row);
    }

    fn map(&mut self, parsed: &mut Parsed, line: usize, row: &StringRecord) {
        let width = self.plan.width();
        let has_content = row.iter().any(|c| !columns::unprotect(c).trim().is_empty());
        if !has_content {
            parsed.reported += 1;
            self.groups.push(
                line,
                "empty row (only delimiters)".to_string(),
                "skipped (nothing to import)",
            );
            return;
        }
        if let Some((shift, k)) = self.shift.and_then(|s| s.extra(row, width).map(|k| (s, k))) {
            let (row, extra) = shift.realign(row, k);
            let after = if shift.after_funding {
                format!("after `{}`", self.plan.tag(shift.at - 1))
            } else {
                format!("somewhere before `{}`", self.plan.tag(shift.at))
            };
            let more = match k {
                1 => "one cell".to_string(),
                k => format!("{k} cells"),
            };
            self.groups.push(
                line,
                format!(
                    "row has {more} more than the header, {after} (Scopus writes a second \
                     funding text the header does not name)"
                ),
                "realigned: the cells after it moved back so that `Source` (Scopus) and `EID` \
                 (2-s2.0-…) line up; the extra cell kept as `Funding Text (unnamed)`",
            );
            let mut record = self.plan.build(&row);
            for cell in extra.iter().filter(|c| !c.trim().is_empty()) {
                record.push_extra("Funding Text (unnamed)", cell.trim());
            }
            self.keep(parsed, line, record);
            return;
        }
        let beyond = row
            .iter()
            .skip(width)
            .filter(|c| !c.trim().is_empty())
            .count();
        if beyond > 0 {
            self.groups.push(
                line,
                format!(
                    "row has {} cells, the header {}: a delimiter inside an unquoted cell?",
                    row.len(),
                    width
                ),
                "kept the cells beyond the header as `column N` fields; the others may be shifted",
            );
        } else if row.len() < width {
            self.groups.push(
                line,
                format!("row has {} of {} columns", row.len(), width),
                "read the missing ones as empty",
            );
        }
        let record = self.plan.build(row);
        self.keep(parsed, line, record);
    }

    /// Adds a row's record, or reports it when it has nothing to screen.
    fn keep(&mut self, parsed: &mut Parsed, line: usize, record: Record) {
        if record.is_empty() && record.url.is_empty() {
            parsed.reported += 1;
            let cells: Vec<String> = record
                .extra
                .iter()
                .take(4)
                .map(|f| format!("{}={}", f.tag, shorten(&f.value, 20)))
                .collect();
            let only = if cells.is_empty() {
                "missing-value markers such as NA".to_string()
            } else {
                cells.join(", ")
            };
            self.groups.push(
                line,
                format!("row has no title, abstract, authors, DOI, PMID or URL (only {only})"),
                "skipped (nothing to screen or match)",
            );
            return;
        }
        parsed.records.push((line, record));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(p: &Parsed) -> Vec<usize> {
        p.records.iter().map(|(l, _)| *l).collect()
    }

    #[test]
    fn line_index_counts_every_kind_of_break() {
        let text = "a\r\nb\rc\nd";
        let mut ix = LineIndex::new(text);
        assert_eq!(ix.line_at(0), 1);
        assert_eq!(ix.line_at(3), 2);
        assert_eq!(ix.line_at(5), 3);
        assert_eq!(ix.line_at(7), 4);
    }

    #[test]
    fn open_quotes() {
        assert_eq!(open_quote(b"a,\"b\"\"c\",d\n", b','), None);
        assert_eq!(open_quote(b"a,\"b\nc", b','), Some(2));
        assert_eq!(open_quote(b"a,=\"b\",5\" disk\n", b','), None);
    }

    #[test]
    fn rows_start_on_their_file_line() {
        let text = "Title,Abstract,Year\n\"One\",\"multi\nline\nabstract\",2001\n\nTwo,x,2002\r\nThree,y,2003";
        let p = parse(text, None);
        assert_eq!(lines_of(&p), [2, 6, 7]);
        assert_eq!(p.records[0].1.abstract_text, "multi line abstract");
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    }
}
