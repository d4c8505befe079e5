//! Records to BibTeX. A record read from BibTeX comes back as it was read:
//! its entry type and key, each mapped field with the value as the source
//! wrote it (`raw:title`) where the reader changed it for display, then
//! every other field in input order. Text that BibTeX would misread
//! (`&`, `%`, `~`, `--`, unbalanced braces) is escaped; Unicode is written
//! as it is (BibLaTeX and BibTeX 0.99d+ with UTF-8 read it).

use std::collections::HashSet;
use std::fmt::Write;

use crate::import::Format;
use crate::import::bibtex::{KEY_TAG, display};
use crate::record::Record;
use crate::text;

/// The BibTeX text of `records`; `format_of` tells the format each record
/// was read from. Keys are made unique within the file; a record without
/// one gets `Surname2012`.
pub fn write(records: &[Record], format_of: impl Fn(&Record) -> Format) -> String {
    write_with(records.iter().map(|r| (r, Vec::new())), format_of)
}

/// [`write`], with fields `(name, value)` added to each entry (the
/// export's `screener-*` decision fields); values are escaped.
pub fn write_with<'a>(
    records: impl IntoIterator<Item = (&'a Record, Vec<(&'static str, String)>)>,
    format_of: impl Fn(&Record) -> Format,
) -> String {
    let mut out = String::new();
    let mut used: HashSet<String> = HashSet::new();
    for (r, added) in records {
        write_record(
            &mut out,
            r,
            format_of(r) == Format::Bibtex,
            &mut used,
            &added,
        );
    }
    out
}

/// Field names the reader maps: a field of another format with such a
/// name (EndNote's `pages` is mapped, but a WoS `TI`…) is renamed so it is
/// not read as one.
const MAPPED: &[&str] = &[
    "title",
    "author",
    "journal",
    "journaltitle",
    "booktitle",
    "date",
    "year",
    "volume",
    "number",
    "issue",
    "pages",
    "doi",
    "pmid",
    "eprint",
    "eprinttype",
    "issn",
    "isbn",
    "url",
    "keywords",
    "keyword",
    "author_keywords",
    "author-keywords",
    "abstract",
];

/// BibTeX entry type for a record's kind (`JOUR` → `article`).
pub fn entry_type(kind: &str) -> String {
    let k = kind.trim();
    let lower = k.to_ascii_lowercase();
    let t = match lower.as_str() {
        "jour" | "journal article" | "j" | "research article" | "review" | "ejour" => "article",
        "book" | "b" | "ebook" => "book",
        "chap" | "book section" | "book part" | "book chapter" | "echap" => "incollection",
        "cpaper" | "conf" | "conference paper" | "proceedings paper" | "p" => "inproceedings",
        "thes" | "thesis" => "phdthesis",
        "rprt" | "report" => "techreport",
        _ if !k.is_empty()
            && k.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') =>
        {
            return k.to_string();
        }
        _ => "misc",
    };
    t.to_string()
}

/// A key from the first author's surname and the year, as JabRef makes
/// them (`Repper2012`), unique among `used`.
fn make_key(r: &Record, used: &mut HashSet<String>) -> String {
    let surname: String = r
        .authors
        .first()
        .map(|a| text::surname(a))
        .unwrap_or("anon")
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect();
    let base = format!(
        "{}{}",
        if surname.is_empty() { "anon" } else { &surname },
        r.year.map(|y| y.to_string()).unwrap_or_default()
    );
    let mut key = base.clone();
    let mut n = 0u8;
    while used.contains(&key) {
        key = format!("{base}{}", (b'a' + n % 26) as char);
        if n >= 25 {
            key = format!("{base}-{n}");
        }
        n = n.saturating_add(1);
    }
    key
}

/// Escapes text for a braced BibTeX value so that the reader shows it as
/// it is. Text the reader would show unchanged is written unchanged.
pub fn escape(s: &str) -> String {
    if display(s) == text::collapse_ws(s) && braces_balanced(s) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '&' | '%' | '$' | '#' | '_' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            '\\' => out.push_str("\\textbackslash{}"),
            '-' if chars.peek() == Some(&'-') => out.push_str("-{}"),
            _ => out.push(c),
        }
    }
    out
}

fn braces_balanced(s: &str) -> bool {
    let mut depth = 0i64;
    let mut prev = ' ';
    for c in s.chars() {
        match c {
            '{' if prev != '\\' => depth += 1,
            '}' if prev != '\\' => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            _ => {}
        }
        prev = c;
    }
    depth == 0
}

/// The source's own value for a mapped BibTeX field, when the reader
/// changed it (`raw:title`), with the field name as written. Only records
/// read from BibTeX have these (another format's `raw:Title` is not
/// BibTeX).
fn raw<'a>(r: &'a Record, names: &[&str], bibtex_origin: bool) -> Option<(&'a str, &'a str)> {
    if !bibtex_origin {
        return None;
    }
    r.extra.iter().find_map(|f| {
        let name = f.tag.strip_prefix("raw:")?;
        names
            .iter()
            .any(|n| n.eq_ignore_ascii_case(name))
            .then_some((name, f.value.as_str()))
    })
}

fn field(out: &mut String, name: &str, value: &str) {
    let _ = writeln!(out, "  {name} = {{{value}}},");
}

fn write_record(
    out: &mut String,
    r: &Record,
    bibtex_origin: bool,
    used: &mut HashSet<String>,
    added: &[(&str, String)],
) {
    let key = match r.extra.iter().find(|f| f.tag == KEY_TAG) {
        Some(f) => f.value.clone(),
        None => make_key(r, used),
    };
    used.insert(key.clone());
    let kind = if bibtex_origin
        && !r.kind.is_empty()
        && r.kind
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        r.kind.clone()
    } else {
        entry_type(&r.kind)
    };
    let _ = writeln!(out, "@{kind}{{{key},");
    let put = |names: &[&str], shown: &str, out: &mut String| match raw(r, names, bibtex_origin) {
        Some((name, value)) => field(out, name, value),
        None if !shown.is_empty() => field(out, names[0], &escape(shown)),
        None => {}
    };
    put(&["title"], &r.title, out);
    let authors = r
        .authors
        .iter()
        .map(|a| escape(a))
        .collect::<Vec<_>>()
        .join(" and ");
    put(&["author"], &authors, out);
    put(&["journal", "journaltitle", "booktitle"], &r.journal, out);
    if raw(r, &["date"], bibtex_origin).is_none() && !r.date.is_empty() {
        field(out, "date", &escape(&r.date));
    } else {
        put(&["date"], "", out);
    }
    let year = r.year.map(|y| y.to_string()).unwrap_or_default();
    if text::year_in(&r.date) != r.year || raw(r, &["year"], bibtex_origin).is_some() {
        put(&["year"], &year, out);
    }
    put(&["volume"], &r.volume, out);
    put(&["number", "issue"], &r.issue, out);
    put(&["pages"], &r.pages, out);
    put(&["doi"], &r.doi, out);
    put(&["pmid", "eprint"], &r.pmid, out);
    put(&["issn"], &r.issn, out);
    put(&["isbn"], &r.isbn, out);
    // URLs are verbatim in BibLaTeX: never escaped.
    match raw(r, &["url"], bibtex_origin) {
        Some((name, value)) => field(out, name, value),
        None if !r.url.is_empty() => field(out, "url", &r.url),
        None => {}
    }
    // Keywords: the lists as the source wrote them, else one list.
    let keyword_lists: Vec<_> = r
        .extra
        .iter()
        .filter(|_| bibtex_origin)
        .filter_map(|f| {
            let name = f.tag.strip_prefix("raw:")?;
            matches!(
                name.to_ascii_lowercase().as_str(),
                "keywords" | "keyword" | "author_keywords" | "author-keywords"
            )
            .then_some((name, f.value.as_str()))
        })
        .collect();
    if keyword_lists.is_empty() && !r.keywords.is_empty() {
        field(out, "keywords", &escape(&r.keywords.join("; ")));
    }
    for (name, value) in keyword_lists {
        field(out, name, value);
    }
    put(&["abstract"], &r.abstract_text, out);
    for f in &r.extra {
        if f.tag.starts_with("raw:") || f.tag == KEY_TAG {
            continue;
        }
        let mut name: String = f
            .tag
            .chars()
            .map(|c| {
                if matches!(c, '=' | ',' | '{' | '}' | '"' | '(' | ')' | '\n') {
                    '_'
                } else {
                    c
                }
            })
            .collect();
        if !bibtex_origin && MAPPED.contains(&name.to_ascii_lowercase().as_str()) {
            name = format!("source-{name}");
        }
        let value = if braces_balanced(&f.value) {
            f.value.clone()
        } else {
            escape(&f.value)
        };
        field(out, &name, &value);
    }
    for (name, value) in added {
        field(out, name, &escape(value));
    }
    out.push_str("}\n\n");
}
