//! BibTeX and BibLaTeX, tolerant of what real exporters write: Scopus field
//! names with spaces (`funding_text 1`), keys with spaces (`Carmone
//! Jr.1997538`) or none at all, Web of Science `{{double braces}}`, JabRef
//! `%` comments and `@Comment{jabref-meta: …}`, `@string` macros with `#`
//! concatenation, `@preamble`, and entries an exporter broke (an unclosed
//! brace, a missing `=`), which are reported with their line while the
//! rest of the file is read.
//!
//! Why our own parser: `biblatex` 0.12 and `biblib` 0.10 both stop at the
//! first such quirk and return no entries at all for the Scopus and WoS
//! files of the corpus (docs/IMPORT.md has the measurement).
//!
//! Values are turned into display text (LaTeX accents and escapes to
//! Unicode, protective braces and HTML dropped); when that changes a mapped
//! field, the value as written is kept in `extra` as `raw:<field>`.
//! Fields that are not mapped are kept verbatim under their own name.

use std::borrow::Cow;
use std::collections::HashMap;

use super::{Parsed, latex, unwrap_prose};
use crate::record::Record;
use crate::text;

/// Tag in `extra` holding the citation key.
pub const KEY_TAG: &str = "citekey";

struct Cursor<'a> {
    src: &'a str,
    pos: usize,
    line: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.src.as_bytes().get(self.pos).copied()
    }

    fn bump(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.pos += 1;
        if b == b'\n' {
            self.line += 1;
        }
        Some(b)
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.bump();
        }
    }

    /// Moves to `to`, counting the lines passed.
    fn advance_to(&mut self, to: usize) {
        let to = to.min(self.src.len());
        self.line += self.src.as_bytes()[self.pos..to]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.pos = to;
    }

    /// Whether an entry starts at `at`: `@`, a name, then `{` or `(`.
    fn entry_starts_at(&self, at: usize) -> bool {
        entry_starts_at(self.src.as_bytes(), at)
    }

    /// The next line that starts (after blanks) with an entry, from `pos`.
    fn next_entry_line(&self) -> Option<usize> {
        let b = self.src.as_bytes();
        let mut i = self.pos;
        while i < b.len() {
            let nl = memchr(b'\n', &b[i..]).map_or(b.len(), |p| i + p);
            if let Some(p) = b[i..nl].iter().position(|c| !c.is_ascii_whitespace()) {
                if self.entry_starts_at(i + p) {
                    return Some(i + p);
                }
            }
            i = nl + 1;
        }
        None
    }
}

/// Whether an entry starts at `at` of `b`: `@`, a name, then `{` or `(`.
fn entry_starts_at(b: &[u8], at: usize) -> bool {
    if b.get(at) != Some(&b'@') {
        return false;
    }
    let mut i = at + 1;
    while b
        .get(i)
        .is_some_and(|c| c.is_ascii_whitespace() && *c != b'\n')
    {
        i += 1;
    }
    let name_start = i;
    while b
        .get(i)
        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
    {
        i += 1;
    }
    if i == name_start {
        return false;
    }
    while b.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
        i += 1;
    }
    matches!(b.get(i), Some(b'{') | Some(b'('))
}

/// Up to `pieces - 1` places to cut `text` (bare CRs already turned into
/// LFs, as `parse` reads it) so that the pieces parse, one by one, to what
/// the whole text parses to: each is an `@` that starts an entry at the
/// start of a line. Whether the whole text's parse is between entries
/// there (and not inside a value a brace left open) only the pieces can
/// tell: a piece whose parse reported anything makes the join give up
/// (`parse_piece`), and the text is then parsed whole. None in
/// files with `@string` macros, which hold from where they are defined to
/// the end of the file.
pub(crate) fn cuts(text: &str, pieces: usize) -> Vec<usize> {
    let b = text.as_bytes();
    if pieces < 2 || defines_macros(b) {
        return Vec::new();
    }
    super::pieces::cuts_before(b, pieces, b"\n@", |start| entry_starts_at(b, start))
}

/// Whether `b` holds an `@string` (any case, blanks allowed after the `@`).
fn defines_macros(b: &[u8]) -> bool {
    memchr::memchr_iter(b'@', b).any(|at| {
        let rest = &b[at + 1..];
        let blanks = rest.iter().take_while(|c| c.is_ascii_whitespace()).count();
        rest[blanks..]
            .get(..6)
            .is_some_and(|name| name.eq_ignore_ascii_case(b"string"))
    })
}

/// [`parse`] of a piece of a file (`cuts`): anything reported (an entry
/// broken, or cut off by the piece's end) may concern an entry that goes
/// on in the next piece, and its message may name a line counted from the
/// piece's start; the text is then parsed whole.
pub(crate) fn parse_piece(text: &str) -> Parsed {
    let mut parsed = parse(text);
    if parsed.reported > 0 || !parsed.warnings.is_empty() {
        parsed.open_end = true;
        parsed.detached = true;
    }
    parsed
}

fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&b| b == needle)
}

/// Whether a line starts a BibTeX entry (`@article{`, `@STRING (`).
pub fn starts_entry(line: &str) -> bool {
    let t = line.trim_start();
    let Some(rest) = t.strip_prefix('@') else {
        return false;
    };
    let name_len = rest
        .bytes()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == b'_')
        .count();
    name_len > 0 && rest[name_len..].trim_start().starts_with(['{', '('])
}

/// A field as read: its name as written and its value with the outer
/// delimiters removed (inner braces kept), macros resolved.
struct RawField<'a> {
    name: &'a str,
    /// Borrowed from the file when the value is one part (the usual case).
    value: Cow<'a, str>,
}

struct Entry<'a> {
    kind: String,
    key: String,
    fields: Vec<RawField<'a>>,
}

/// Why an entry could not be read, and where.
struct Broken {
    line: usize,
    message: String,
}

pub fn parse(text: &str) -> Parsed {
    let normalized = super::decode::bare_cr_to_lf(text);
    let text: &str = &normalized;
    let mut parsed = Parsed::default();
    let mut cur = Cursor {
        src: text,
        pos: 0,
        line: 1,
    };
    let mut macros: HashMap<String, String> = HashMap::new();
    parsed
        .records
        .reserve(memchr::memchr_iter(b'@', text.as_bytes()).count());
    // Text outside entries is a comment in BibTeX; only an `@` at the start
    // of a line (or right after an entry) begins an entry, so an e-mail
    // address in a comment does not.
    let mut at_line_start = true;
    while let Some(b) = cur.peek() {
        if b == b'\n' {
            cur.bump();
            at_line_start = true;
            continue;
        }
        if b.is_ascii_whitespace() {
            cur.bump();
            continue;
        }
        if b == b'@' && at_line_start && cur.entry_starts_at(cur.pos) {
            let start_line = cur.line;
            let end_pos = read_item(&mut cur, &mut macros, &mut parsed, start_line);
            cur.advance_to(end_pos);
            at_line_start = true;
            continue;
        }
        if b == b'@' && at_line_start {
            let line_text = rest_of_line(text, cur.pos);
            let name: String = line_text[1..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            if !name.is_empty() && !is_special(&name.to_ascii_lowercase()) {
                parsed.reported += 1;
                parsed.report(
                    cur.line,
                    format!("`@{name}` is not followed by `{{` or `(`"),
                    "skipped the entry",
                );
            }
        }
        // Comment text: skip the rest of the line.
        let nl = memchr(b'\n', &text.as_bytes()[cur.pos..]).map_or(text.len(), |p| cur.pos + p);
        cur.advance_to(nl);
        at_line_start = false;
    }
    parsed
}

fn rest_of_line(text: &str, pos: usize) -> &str {
    let end = text[pos..].find('\n').map_or(text.len(), |p| pos + p);
    &text[pos..end]
}

fn is_special(kind: &str) -> bool {
    matches!(kind, "comment" | "preamble" | "string")
}

/// Reads the item starting at the `@` under the cursor; returns the byte
/// position after it (after the broken part, for a broken entry).
fn read_item(
    cur: &mut Cursor,
    macros: &mut HashMap<String, String>,
    parsed: &mut Parsed,
    start_line: usize,
) -> usize {
    cur.bump(); // '@'
    cur.skip_ws();
    let kind_start = cur.pos;
    while cur
        .peek()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
    {
        cur.bump();
    }
    let kind = cur.src[kind_start..cur.pos].to_string();
    cur.skip_ws();
    let open = cur.bump().unwrap_or(b'{');
    let close = if open == b'(' { b')' } else { b'}' };
    let lower = kind.to_ascii_lowercase();
    if lower == "comment" || lower == "preamble" {
        match skip_balanced(cur, close) {
            Ok(()) => return cur.pos,
            Err(b) => {
                parsed.report(
                    start_line,
                    format!("`@{kind}` is not closed ({})", b.message),
                    "skipped to the next entry",
                );
                return cur.next_entry_line().unwrap_or(cur.src.len());
            }
        }
    }
    if lower == "string" {
        match read_fields(cur, close, macros) {
            Ok(fields) => {
                for f in fields {
                    macros.insert(f.name.to_ascii_lowercase(), f.value.into_owned());
                }
                return cur.pos;
            }
            Err(b) => {
                parsed.report(
                    b.line,
                    format!("`@string` could not be read: {}", b.message),
                    "skipped it; fields using it keep the macro's name",
                );
                return cur.next_entry_line().unwrap_or(cur.src.len());
            }
        }
    }
    let key = read_key(cur, close);
    match read_fields(cur, close, macros) {
        Ok(fields) => {
            let entry = Entry { kind, key, fields };
            finish(parsed, start_line, entry);
            cur.pos
        }
        Err(b) => {
            parsed.reported += 1;
            let key_note = if key.is_empty() {
                String::new()
            } else {
                format!(" `{key}`")
            };
            parsed.report(
                start_line,
                format!(
                    "entry @{kind}{key_note} is malformed: {} (line {})",
                    b.message, b.line
                ),
                "skipped the entry; fix it and import the file again to add it",
            );
            cur.next_entry_line().unwrap_or(cur.src.len())
        }
    }
}

/// The citation key: everything up to the first comma, unless a field
/// comes first (`@article{title = …`: no key).
fn read_key(cur: &mut Cursor, close: u8) -> String {
    let b = cur.src.as_bytes();
    let start = cur.pos;
    let mut i = start;
    while i < b.len() {
        match b[i] {
            b',' => {
                let key = cur.src[start..i].trim().to_string();
                cur.advance_to(i + 1);
                return key;
            }
            b'=' | b'{' | b'"' | b'\n' => break,
            c if c == close => {
                let key = cur.src[start..i].trim().to_string();
                cur.advance_to(i);
                return key;
            }
            _ => i += 1,
        }
    }
    // A key alone on its line without a comma, or no key: fields follow.
    if b.get(i) == Some(&b'\n') {
        let candidate = cur.src[start..i].trim();
        if !candidate.is_empty() && !candidate.contains('=') {
            cur.advance_to(i);
            return candidate.to_string();
        }
    }
    String::new()
}

/// Skips a balanced `{…}` or `(…)` body whose opening is already read.
fn skip_balanced(cur: &mut Cursor, close: u8) -> Result<(), Broken> {
    let start_line = cur.line;
    let mut depth = 0usize;
    while let Some(b) = cur.bump() {
        match b {
            b'{' => depth += 1,
            b'}' if depth > 0 => depth -= 1,
            c if c == close && depth == 0 => return Ok(()),
            _ => {}
        }
    }
    Err(Broken {
        line: start_line,
        message: "the file ends inside it".into(),
    })
}

/// Reads `name = value` pairs up to the entry's closing delimiter.
fn read_fields<'a>(
    cur: &mut Cursor<'a>,
    close: u8,
    macros: &HashMap<String, String>,
) -> Result<Vec<RawField<'a>>, Broken> {
    let mut fields = Vec::new();
    loop {
        cur.skip_ws();
        match cur.peek() {
            None => {
                return Err(Broken {
                    line: cur.line,
                    message: format!("the file ends before the closing `{}`", close as char),
                });
            }
            Some(c) if c == close => {
                cur.bump();
                return Ok(fields);
            }
            Some(b',') => {
                cur.bump();
                continue;
            }
            Some(b'@') if cur.entry_starts_at(cur.pos) => {
                return Err(Broken {
                    line: cur.line,
                    message: format!(
                        "the next entry starts before this one's closing `{}` \
                         (a `{{` left open?)",
                        close as char
                    ),
                });
            }
            _ => {}
        }
        let name_line = cur.line;
        let b = cur.src.as_bytes();
        let start = cur.pos;
        let mut i = start;
        while i < b.len() && !matches!(b[i], b'=' | b',' | b'{' | b'}' | b'"' | b'\n' | b'(' | b')')
        {
            i += 1;
        }
        let name = cur.src[start..i].trim();
        if b.get(i) != Some(&b'=') || name.is_empty() {
            let shown: String = cur.src[start..i].trim().chars().take(40).collect();
            return Err(Broken {
                line: name_line,
                message: if shown.is_empty() {
                    format!(
                        "expected a field name, found `{}`",
                        b.get(i)
                            .map_or("end of file".to_string(), |c| (*c as char).to_string())
                    )
                } else {
                    format!("expected `=` after `{shown}`")
                },
            });
        }
        cur.advance_to(i + 1);
        let value = read_value(cur, close, macros)?;
        fields.push(RawField { name, value });
    }
}

/// A value: parts (`{…}`, `"…"`, a number or a macro name) joined by `#`.
fn read_value<'a>(
    cur: &mut Cursor<'a>,
    close: u8,
    macros: &HashMap<String, String>,
) -> Result<Cow<'a, str>, Broken> {
    let mut value: Cow<'a, str> = Cow::Borrowed("");
    let mut parts = 0usize;
    loop {
        cur.skip_ws();
        let part_line = cur.line;
        match cur.peek() {
            Some(b'{') => {
                cur.bump();
                let start = cur.pos;
                let mut depth = 0usize;
                loop {
                    // An entry starting on a new line inside a value means a
                    // brace was never closed.
                    if cur.peek() == Some(b'\n') {
                        let mut j = cur.pos + 1;
                        let b = cur.src.as_bytes();
                        while b.get(j).is_some_and(|c| *c == b' ' || *c == b'\t') {
                            j += 1;
                        }
                        if cur.entry_starts_at(j) {
                            return Err(Broken {
                                line: part_line,
                                message: "a `{` in this value is never closed".into(),
                            });
                        }
                    }
                    match cur.bump() {
                        None => {
                            return Err(Broken {
                                line: part_line,
                                message: "a `{` in this value is never closed".into(),
                            });
                        }
                        // `\{` and `\}` are literal braces (WoS writes
                        // `(199907)8:4\{.}`); BibTeX itself would count them.
                        Some(b'\\') => {
                            if matches!(cur.peek(), Some(b'{') | Some(b'}')) {
                                cur.bump();
                            }
                        }
                        Some(b'{') => depth += 1,
                        Some(b'}') if depth == 0 => break,
                        Some(b'}') => depth -= 1,
                        _ => {}
                    }
                }
                add_part(
                    &mut value,
                    &mut parts,
                    Cow::Borrowed(&cur.src[start..cur.pos - 1]),
                );
            }
            Some(b'"') => {
                cur.bump();
                let start = cur.pos;
                let mut depth = 0usize;
                loop {
                    match cur.bump() {
                        None => {
                            return Err(Broken {
                                line: part_line,
                                message: "a `\"` in this value is never closed".into(),
                            });
                        }
                        Some(b'\\') => {
                            if matches!(cur.peek(), Some(b'{') | Some(b'}') | Some(b'"')) {
                                cur.bump();
                            }
                        }
                        Some(b'{') => depth += 1,
                        Some(b'}') => depth = depth.saturating_sub(1),
                        Some(b'"') if depth == 0 => break,
                        _ => {}
                    }
                }
                add_part(
                    &mut value,
                    &mut parts,
                    Cow::Borrowed(&cur.src[start..cur.pos - 1]),
                );
            }
            Some(c) if c.is_ascii_alphanumeric() || c == b'_' || c == b'-' || c == b'.' => {
                let start = cur.pos;
                while cur.peek().is_some_and(|c| {
                    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b':' | b'+')
                }) {
                    cur.bump();
                }
                let word = &cur.src[start..cur.pos];
                if word.bytes().all(|c| c.is_ascii_digit()) {
                    add_part(&mut value, &mut parts, Cow::Borrowed(word));
                } else if let Some(m) = macros.get(&word.to_ascii_lowercase()) {
                    add_part(&mut value, &mut parts, Cow::Owned(m.clone()));
                } else if let Some(month) = month_name(word) {
                    add_part(&mut value, &mut parts, Cow::Borrowed(month));
                } else {
                    // An undefined macro: BibTeX warns and uses nothing;
                    // keeping the name loses less.
                    add_part(&mut value, &mut parts, Cow::Borrowed(word));
                }
            }
            Some(c) if c == close || c == b',' => {
                // `title = ,`: an empty value.
                return Ok(value);
            }
            other => {
                return Err(Broken {
                    line: part_line,
                    message: format!(
                        "expected a value, found {}",
                        other.map_or("the end of the file".to_string(), |c| format!(
                            "`{}`",
                            c as char
                        ))
                    ),
                });
            }
        }
        cur.skip_ws();
        if cur.peek() == Some(b'#') {
            cur.bump();
            continue;
        }
        return Ok(value);
    }
}

/// Joins a part of a `#`-concatenated value; one part stays borrowed.
fn add_part<'a>(value: &mut Cow<'a, str>, parts: &mut usize, piece: Cow<'a, str>) {
    if *parts == 0 {
        *value = piece;
    } else {
        value.to_mut().push_str(&piece);
    }
    *parts += 1;
}

fn month_name(word: &str) -> Option<&'static str> {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let lower = word.to_ascii_lowercase();
    MONTHS
        .iter()
        .find(|m| m[..3].eq_ignore_ascii_case(&lower) && lower.len() == 3)
        .copied()
}

fn finish(parsed: &mut Parsed, line: usize, entry: Entry) {
    parsed.keep_or_report(line, build(entry));
}

/// Display text of a BibTeX value.
pub fn display(raw: &str) -> String {
    let plain = latex::to_unicode(raw);
    text::collapse_ws(&text::clean_markup(&plain))
}

/// Splits `A and B and {C and D}` at ` and ` outside braces.
fn split_names(raw: &str) -> Vec<&str> {
    let b = raw.as_bytes();
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'{' => depth += 1,
            b'}' => depth = depth.saturating_sub(1),
            c if depth == 0
                && c.is_ascii_whitespace()
                && b.len() >= i + 5
                && b[i + 1..i + 4].eq_ignore_ascii_case(b"and")
                && b[i + 4].is_ascii_whitespace() =>
            {
                out.push(raw[start..i].trim());
                i += 5;
                start = i;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out.push(raw[start..].trim());
    out.retain(|s| !s.is_empty());
    out
}

fn build(entry: Entry) -> Record {
    let mut r = Record {
        kind: entry.kind,
        ..Record::default()
    };
    if !entry.key.is_empty() {
        r.push_extra(KEY_TAG, entry.key);
    }
    let mut raws: Vec<(String, String)> = Vec::new();
    // Names in lower case, borrowed when they already are (Scopus, Zotero).
    let lower: Vec<Cow<str>> = entry
        .fields
        .iter()
        .map(|f| {
            if f.name.bytes().any(|b| b.is_ascii_uppercase()) {
                Cow::Owned(f.name.to_ascii_lowercase())
            } else {
                Cow::Borrowed(f.name)
            }
        })
        .collect();
    let first = |names: &[&str]| names.iter().find_map(|n| lower.iter().position(|l| l == n));
    let title_at = first(&["title"]);
    let abstract_at = first(&["abstract"]);
    let journal_at = first(&["journal", "journaltitle", "booktitle"]);
    let year_at = entry
        .fields
        .iter()
        .zip(&lower)
        .position(|(f, l)| l == "year" && text::year_in(&f.value).is_some());
    let date_at = first(&["date"]);
    let doi_at = first(&["doi"]);
    let pmid_at = first(&["pmid"]).or_else(|| {
        let eprint_type = first(&["eprinttype"])?;
        entry.fields[eprint_type]
            .value
            .eq_ignore_ascii_case("pubmed")
            .then(|| first(&["eprint"]))?
    });
    for (i, (f, l)) in entry.fields.into_iter().zip(&lower).enumerate() {
        let raw = f.value;
        // The display value of a mapped field, or `None` when the field is
        // not mapped (or already filled by an earlier one).
        let shown: Option<String> = match l.as_ref() {
            _ if Some(i) == title_at => {
                r.title = display(&raw);
                Some(r.title.clone())
            }
            _ if Some(i) == abstract_at => {
                let plain = latex::to_unicode(&raw);
                r.abstract_text = unwrap_prose(&text::clean_markup(&plain));
                Some(r.abstract_text.clone())
            }
            "author" if r.authors.is_empty() => {
                r.authors = split_names(&raw).into_iter().map(display).collect();
                Some(r.authors.join(" and "))
            }
            _ if Some(i) == journal_at => {
                r.journal = display(&raw);
                Some(r.journal.clone())
            }
            "volume" if r.volume.is_empty() => {
                r.volume = display(&raw);
                Some(r.volume.clone())
            }
            "number" | "issue" if r.issue.is_empty() => {
                r.issue = display(&raw);
                Some(r.issue.clone())
            }
            "pages" if r.pages.is_empty() => {
                r.pages = display(&raw.replace("--", "-"));
                Some(r.pages.clone())
            }
            _ if Some(i) == doi_at => {
                r.doi = display(&raw).replace(' ', "");
                Some(r.doi.clone())
            }
            _ if Some(i) == pmid_at => {
                r.pmid = display(&raw);
                Some(r.pmid.clone())
            }
            "issn" if r.issn.is_empty() => {
                r.issn = display(&raw);
                Some(r.issn.clone())
            }
            "isbn" if r.isbn.is_empty() => {
                r.isbn = display(&raw);
                Some(r.isbn.clone())
            }
            "keywords" | "keyword" | "author_keywords" | "author-keywords" => {
                let shown = display(&raw);
                let sep = if shown.contains(';') { ';' } else { ',' };
                r.keywords.extend(
                    shown
                        .split(sep)
                        .map(str::trim)
                        .filter(|k| !k.is_empty())
                        .map(String::from),
                );
                // The split loses how the list was written: always keep it.
                Some(String::new())
            }
            "url" if r.url.is_empty() => {
                r.url = raw.trim().to_string();
                Some(r.url.clone())
            }
            _ if Some(i) == date_at => {
                r.date = raw.trim().to_string();
                if r.year.is_none() {
                    r.year = text::year_in(&raw);
                }
                Some(r.date.clone())
            }
            _ if Some(i) == year_at => {
                r.year = text::year_in(&raw);
                r.year.map(|y| y.to_string())
            }
            _ => None,
        };
        match shown {
            Some(shown) => {
                if shown != raw {
                    raws.push((format!("raw:{}", f.name), raw.into_owned()));
                }
            }
            None => r.push_extra(f.name, raw),
        }
    }
    // A collection or proceedings volume is named by its `booktitle`.
    let journal_is_booktitle = journal_at.is_some_and(|i| lower[i] == "booktitle");
    if r.title.is_empty() && journal_is_booktitle {
        r.title = r.journal.clone();
    }
    // In a fixed order, so that a written and re-read entry is equal
    // whatever order its fields came in.
    raws.sort_by(|a, b| a.0.cmp(&b.0));
    for (tag, value) in raws {
        r.push_extra(&tag, value);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quirks_of_real_exporters() {
        let text = "% Encoding: UTF-8\n\
            @String{jn = {Journal of } # \"Tests\"}\n\
            @ARTICLE{Carmone Jr.1997538,\n\
            \tauthor = {Carmone Jr., Frank J. and M{\\\"u}ller, Anna and {Barnes and Noble}},\n\
            \ttitle = {{ELECTRE-SCORE}: a {\\'e}tude},\n\
            \tjournal = jn,\n\
            \tyear = {1997},\n\
            \tmonth = jul,\n\
            \tpages = {538--540},\n\
            \tfunding_text 1 = {We thank {NSF}.},\n\
            \tfunding_text 2={Again},\n\
            \tdoi = {10.1000/x\\_y},\n\
            \tauthor_keywords = {alpha; beta},\n\
            }\n\n\
            @Comment{jabref-meta: databaseType:bibtex;}\n\
            @preamble{\"\\newcommand{\\noopsort}[1]{}\"}\n\
            @article{ WOS:000719584000015,\n\
            Title = {{A title}},\n\
            Year = {{2022}},\n\
            Early Access Date = {{NOV 2021}},\n\
            }\n";
        let p = parse(text);
        assert_eq!(p.total(), 2, "{:?}", p.warnings);
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        let (line, r) = &p.records[0];
        assert_eq!(*line, 3);
        assert_eq!(r.kind, "ARTICLE");
        assert_eq!(
            r.authors,
            ["Carmone Jr., Frank J.", "Müller, Anna", "Barnes and Noble"]
        );
        assert_eq!(r.title, "ELECTRE-SCORE: a étude");
        assert_eq!(r.journal, "Journal of Tests");
        assert_eq!(r.year, Some(1997));
        assert_eq!(r.pages, "538-540");
        assert_eq!(r.doi, "10.1000/x_y");
        assert_eq!(r.keywords, ["alpha", "beta"]);
        let extra = |t: &str| {
            r.extra
                .iter()
                .find(|f| f.tag == t)
                .map(|f| f.value.as_str())
        };
        assert_eq!(extra(KEY_TAG), Some("Carmone Jr.1997538"));
        assert_eq!(extra("funding_text 1"), Some("We thank {NSF}."));
        assert_eq!(extra("month"), Some("July"));
        assert_eq!(extra("raw:title"), Some("{ELECTRE-SCORE}: a {\\'e}tude"));
        let (line, r) = &p.records[1];
        assert_eq!(*line, 18);
        assert_eq!(r.title, "A title");
        assert_eq!(r.year, Some(2022));
        assert_eq!(
            r.extra
                .iter()
                .find(|f| f.tag == "Early Access Date")
                .map(|f| f.value.as_str()),
            Some("{NOV 2021}")
        );
    }

    #[test]
    fn broken_entries_are_reported_and_the_rest_is_read() {
        let text = "@article{a1,\n title = {Unclosed {brace},\n year = 2001,\n}\n\
                    @article{a2,\n title = {Fine},\n}\n\
                    @article{a3,\n title {no equals},\n}\n\
                    @misc{,\n title = {No key}\n}\n\
                    @book{a5\n title = {Key without comma},\n}\n\
                    @article{a6,\n title = {Cut short";
        let p = parse(text);
        let titles: Vec<&str> = p.records.iter().map(|(_, r)| r.title.as_str()).collect();
        assert_eq!(titles, ["Fine", "No key", "Key without comma"]);
        assert_eq!(p.reported, 3, "{:?}", p.warnings);
        let lines: Vec<usize> = p.warnings.iter().map(|w| w.line).collect();
        assert_eq!(lines, [1, 8, 17], "{:?}", p.warnings);
        assert!(p.warnings[0].message.contains("`a1`"));
        assert!(p.warnings[1].message.contains("expected `=` after `title`"));
    }

    #[test]
    fn escaped_braces_do_not_count() {
        // pybibx_wos.bib: WoS writes `\{` inside cited references.
        let text = "@inproceedings{ WOS:1,\nTitle = {{A}},\n\
                    Cited-References = {{Ulungu E.L., 1999, DOI 10.1002/(SICI)8:4\\{.}},\n}\n\
                    @article{ WOS:2,\nTitle = {{B}},\n}\n";
        let p = parse(text);
        assert_eq!(p.total(), 2, "{:?}", p.warnings);
        assert_eq!(p.reported, 0);
        assert_eq!(p.records[0].1.title, "A");
    }

    #[test]
    fn names_split_outside_braces() {
        assert_eq!(split_names("A and B AND C"), ["A", "B", "C"]);
        assert_eq!(split_names("{A and B} and C"), ["{A and B}", "C"]);
        assert_eq!(
            split_names("Anderson, K. and Sandy, L."),
            ["Anderson, K.", "Sandy, L."]
        );
    }
}
