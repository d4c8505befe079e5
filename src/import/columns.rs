//! The column mapping of CSV/TSV exports: which header names mean which
//! record field, and how a cell becomes that field (authors split by
//! whatever separator the exporter used, DOIs without resolver prefix,
//! PMIDs out of URLs). One table serves every exporter; `docs/IMPORT-CSV.md`
//! shows it. A column the table does not name, and a mapped cell that
//! could not be taken whole, stay in `Record::extra` under the column's
//! header, so nothing a file held is lost.

use csv::StringRecord;

use super::unwrap_prose;
use crate::record::{Field, Record};
use crate::text;

/// The record field a column fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Kind,
    Title,
    Abstract,
    Authors,
    Year,
    Date,
    Journal,
    Volume,
    Issue,
    Pages,
    FirstPage,
    LastPage,
    Doi,
    Pmid,
    Issn,
    Isbn,
    Keywords,
    Url,
    /// A free-text column that may mention `PMID: n` (Zotero's `Extra`): the
    /// cell stays in `extra`, the PMID is taken when no PMID column gave one.
    PmidInText,
}

const TARGETS: usize = Target::PmidInText as usize + 1;

/// When a table entry applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strength {
    /// Whenever the header has the name.
    Strong,
    /// Only when no `Strong` column of the same target is in the header: a
    /// generic name (`Source`, `type`, `number`) that means the field in one
    /// exporter and something else in another (Scopus' `Source` is the
    /// database, Cochrane's is the journal).
    Weak,
    /// A Web of Science field tag, matched case-sensitively and only in a
    /// header made of such tags (an `ID` column elsewhere is not WoS'
    /// Keywords Plus).
    WosTag,
}

use Strength::{Strong, Weak, WosTag};
use Target::*;

/// Header names (compared after `normalize_header`: lowercase, `_` as a
/// space, runs of spaces collapsed) and the field they fill. Within one
/// target, earlier entries win: each row takes the first column in this
/// order that has a usable value, and the others stay in `extra`.
pub const COLUMNS: &[(&str, Target, Strength)] = &[
    // Publication type as the source wrote it.
    ("document type", Kind, Strong),     // Scopus
    ("publication type", Kind, Strong),  // Embase, Cochrane, Lens
    ("item type", Kind, Strong),         // Zotero
    ("reference type", Kind, Strong),    // RefWorks
    ("type of reference", Kind, Strong), // rispy/ASReview
    ("content type", Kind, Strong),      // Springer
    ("doctype", Kind, Strong),           // CINAHL
    ("type", Kind, Weak),                // OpenAlex
    ("DT", Kind, WosTag),
    ("PT", Kind, WosTag),
    ("title", Title, Strong),
    ("article title", Title, Strong),  // CINAHL
    ("document title", Title, Strong), // IEEE
    ("item title", Title, Strong),     // Springer
    ("title primary", Title, Strong),  // RefWorks
    ("primary title", Title, Strong),
    ("display name", Title, Weak), // OpenAlex
    ("TI", Title, WosTag),
    ("abstract", Abstract, Strong),
    ("abstract note", Abstract, Strong), // Zotero
    ("AB", Abstract, WosTag),
    ("authors", Authors, Strong),
    ("author", Authors, Strong),           // Zotero, CINAHL, ASySD
    ("author names", Authors, Strong),     // Embase
    ("author(s)", Authors, Strong),        // Cochrane
    ("author/s", Authors, Strong),         // Lens
    ("authors, primary", Authors, Strong), // RefWorks
    ("authorships.author.display name", Authors, Strong), // OpenAlex
    ("first author", Authors, Weak),       // PubMed (has `Authors` too)
    ("authorships.raw author name", Authors, Weak),
    ("AU", Authors, WosTag),
    ("AF", Authors, WosTag),
    ("year", Year, Strong),
    ("publication year", Year, Strong),
    ("published year", Year, Strong), // Covidence
    ("pub year", Year, Strong),       // RefWorks
    ("PY", Year, WosTag),
    ("date", Date, Strong),                // Zotero, rispy
    ("publication date", Date, Strong),    // CINAHL, OpenAlex
    ("date of publication", Date, Strong), // Embase
    ("date published", Date, Strong),      // Lens
    ("pub date free from", Date, Strong),  // RefWorks
    ("issue date", Date, Strong),          // IEEE
    ("PD", Date, WosTag),
    ("source title", Journal, Strong), // Scopus, Embase, Lens
    ("journal", Journal, Strong),
    ("journal title", Journal, Strong),     // CINAHL
    ("publication title", Journal, Strong), // Zotero, IEEE, Springer
    ("journal/book", Journal, Strong),      // PubMed
    ("publication", Journal, Strong),       // Google Scholar
    ("periodical full", Journal, Strong),   // RefWorks
    ("secondary title", Journal, Strong),   // rispy/ASReview (T2)
    ("primary location.source.display name", Journal, Strong), // OpenAlex
    ("source", Journal, Weak),              // Cochrane, older Embase
    ("periodical abbrev", Journal, Weak),
    ("abbreviated source title", Journal, Weak),
    ("journal abbreviation", Journal, Weak),
    ("SO", Journal, WosTag),
    ("volume", Volume, Strong),
    ("journal volume", Volume, Strong), // Springer
    ("biblio.volume", Volume, Strong),  // OpenAlex
    ("VL", Volume, WosTag),
    ("issue", Issue, Strong),
    ("issue number", Issue, Strong),  // Lens
    ("journal issue", Issue, Strong), // Springer
    ("biblio.issue", Issue, Strong),
    ("number", Issue, Weak), // Google Scholar, ASySD, rispy
    ("IS", Issue, WosTag),
    ("pages", Pages, Strong),
    ("page start", FirstPage, Strong), // Scopus
    ("start page", FirstPage, Strong), // IEEE, Lens, RefWorks, rispy
    ("first page", FirstPage, Strong), // CINAHL, Embase
    ("biblio.first page", FirstPage, Strong),
    ("BP", FirstPage, WosTag),
    ("page end", LastPage, Strong),
    ("end page", LastPage, Strong),
    ("last page", LastPage, Strong),
    ("biblio.last page", LastPage, Strong),
    ("other pages", LastPage, Weak), // RefWorks
    ("EP", LastPage, WosTag),
    ("doi", Doi, Strong),
    ("item doi", Doi, Strong), // Springer
    ("ids.doi", Doi, Strong),
    ("DI", Doi, WosTag),
    ("pmid", Pmid, Strong),
    ("pubmed id", Pmid, Strong),    // Scopus, Cochrane, Abstrackr, Rayyan
    ("pubmedid", Pmid, Strong),     // ASReview datasets
    ("medline pmid", Pmid, Strong), // Embase
    ("ids.pmid", Pmid, Strong),
    ("PM", Pmid, WosTag),
    ("extra", PmidInText, Strong), // Zotero: `PMID: 123` among notes
    ("issn", Issn, Strong),
    ("issns", Issn, Strong),     // Lens
    ("issn/isbn", Issn, Strong), // RefWorks
    ("eissn", Issn, Strong),
    ("primary location.source.issn l", Issn, Strong),
    ("SN", Issn, WosTag),
    ("EI", Issn, WosTag),
    ("isbn", Isbn, Strong),
    ("isbns", Isbn, Strong), // IEEE
    ("BN", Isbn, WosTag),
    ("keywords", Keywords, Strong),
    ("author keywords", Keywords, Strong), // Scopus, IEEE, Embase
    ("index keywords", Keywords, Strong),  // Scopus
    ("manual tags", Keywords, Strong),     // Zotero
    ("automatic tags", Keywords, Strong),  // Zotero
    ("keywords.display name", Keywords, Strong), // OpenAlex
    ("DE", Keywords, WosTag),
    ("ID", Keywords, WosTag),
    ("url", Url, Strong),
    ("link", Url, Strong),           // Scopus
    ("links", Url, Strong),          // RefWorks
    ("pdf link", Url, Strong),       // IEEE
    ("plink", Url, Strong),          // CINAHL
    ("full text link", Url, Strong), // Embase
    ("external url", Url, Strong),   // Lens
    ("openalex id", Url, Weak),      // SYNERGY
    ("primary location.landing page url", Url, Weak),
];

/// The form header names are compared in.
pub fn normalize_header(h: &str) -> String {
    let h = bare(h);
    let mut out = String::with_capacity(h.len());
    for word in h.split(|c: char| c.is_whitespace() || c == '_') {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

/// A header cell without surrounding spaces or a byte-order mark (a file
/// converted twice can keep one after its own).
fn bare(h: &str) -> &str {
    h.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
}

/// Web of Science tab-delimited files name their columns by two-letter
/// field tags (`PT`, `AU`, `TI`, …).
pub fn is_wos_header(headers: &[&str]) -> bool {
    let tags = headers
        .iter()
        .filter(|h| {
            let h = bare(h);
            h.len() == 2
                && h.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        })
        .count();
    tags >= 5 && tags * 10 >= headers.len() * 8
}

/// The mapping of one header row: what each column fills, and per target the
/// columns that may fill it, best first.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Per column: the tag it keeps in `extra` (the header as written, or
    /// `column N` when the header cell is empty) and its target.
    columns: Vec<(String, Option<Target>)>,
    candidates: Vec<Vec<usize>>,
    /// Authors written one after another with no separator
    /// (`Araz R. AlievNigar T. Ismayilova`, SpringerLink).
    pub glued_authors: bool,
}

impl Plan {
    pub fn new(headers: &[&str]) -> Plan {
        let wos = is_wos_header(headers);
        let normalized: Vec<String> = headers.iter().map(|h| normalize_header(h)).collect();
        let entry_of = |i: usize| -> Option<(usize, Target, Strength)> {
            COLUMNS
                .iter()
                .enumerate()
                .find(|(_, (name, _, strength))| match strength {
                    WosTag => wos && bare(headers[i]) == *name,
                    _ => normalized[i] == *name,
                })
                .map(|(rank, &(_, target, strength))| (rank, target, strength))
        };
        let entries: Vec<Option<(usize, Target, Strength)>> =
            (0..headers.len()).map(entry_of).collect();
        let has_strong = |t: Target| {
            entries
                .iter()
                .flatten()
                .any(|&(_, target, s)| target == t && s != Weak)
        };
        let mut columns = Vec::with_capacity(headers.len());
        let mut ranked: Vec<Vec<(usize, usize)>> = vec![Vec::new(); TARGETS];
        for (i, entry) in entries.iter().enumerate() {
            let header = bare(headers[i]);
            let tag = if header.is_empty() {
                format!("column {}", i + 1)
            } else {
                header.to_string()
            };
            let target = match *entry {
                Some((_, t, Weak)) if has_strong(t) => None,
                Some((rank, t, _)) => {
                    ranked[t as usize].push((rank, i));
                    Some(t)
                }
                None => None,
            };
            columns.push((tag, target));
        }
        let candidates = ranked
            .into_iter()
            .map(|mut v| {
                v.sort_unstable();
                v.into_iter().map(|(_, i)| i).collect()
            })
            .collect();
        Plan {
            columns,
            candidates,
            glued_authors: false,
        }
    }

    /// How many columns the table recognised: what tells a bibliographic
    /// header from any other line.
    pub fn mapped(&self) -> usize {
        self.columns.iter().filter(|(_, t)| t.is_some()).count()
    }

    pub fn width(&self) -> usize {
        self.columns.len()
    }

    pub fn tag(&self, column: usize) -> String {
        self.columns
            .get(column)
            .map_or_else(|| format!("column {}", column + 1), |(t, _)| t.clone())
    }

    /// The columns that fill authors, best first.
    pub fn author_columns(&self) -> &[usize] {
        &self.candidates[Authors as usize]
    }

    /// The record of one row. Cells beyond the header are kept as
    /// `column N`.
    pub fn build(&self, row: &StringRecord) -> Record {
        let cells: Vec<&str> = row.iter().map(unprotect).collect();
        let cell = |i: usize| cells.get(i).copied().unwrap_or("");
        let mut winner = [usize::MAX; TARGETS];
        for (t, cands) in self.candidates.iter().enumerate() {
            if let Some(&i) = cands.iter().find(|&&i| usable(TARGET_OF[t], cell(i))) {
                winner[t] = i;
            }
        }
        let wins = |t: Target, i: usize| winner[t as usize] == i;
        let mut r = Record::default();
        // Most of a wide export is unmapped: size `extra` once.
        let unmapped = (0..row.len())
            .filter(|&i| {
                self.columns.get(i).is_none_or(|c| c.1.is_none()) && !cell(i).trim().is_empty()
            })
            .count();
        r.extra.reserve_exact(unmapped);
        let (mut first_page, mut last_page) = ("", "");
        let mut pmid_text = "";
        for i in 0..row.len() {
            let raw = cell(i);
            if raw.trim().is_empty() {
                continue;
            }
            let target = self.columns.get(i).and_then(|(_, t)| *t);
            let keep_raw = match target {
                None => true,
                Some(_) if is_missing(raw) => false,
                Some(Keywords) => {
                    r.keywords.extend(split_list(raw));
                    false
                }
                Some(PmidInText) => {
                    pmid_text = raw;
                    true
                }
                Some(t) if !wins(t, i) => true,
                Some(t) => self.fill(&mut r, t, raw, &mut first_page, &mut last_page),
            };
            if keep_raw {
                r.extra.push(Field {
                    tag: self.tag(i),
                    value: raw.to_string(),
                });
            }
        }
        if r.pages.is_empty() {
            r.pages = match (first_page.trim(), last_page.trim()) {
                (f, "") => f.to_string(),
                ("", l) => l.to_string(),
                (f, l) if f == l || f.contains('-') => f.to_string(),
                (f, l) => format!("{f}-{l}"),
            };
        }
        if r.year.is_none() {
            r.year = text::year_in(&r.date);
        }
        if r.pmid.is_empty() {
            r.pmid = pmid_in_text(pmid_text).unwrap_or_default();
        }
        r
    }

    /// Puts a winning cell into its field; returns whether the raw cell must
    /// also stay in `extra` (it held more than the field took).
    fn fill<'a>(
        &self,
        r: &mut Record,
        t: Target,
        raw: &'a str,
        first_page: &mut &'a str,
        last_page: &mut &'a str,
    ) -> bool {
        let v = raw.trim();
        match t {
            Kind => r.kind = squash(v),
            Title => r.title = squash(v),
            Abstract => r.abstract_text = paragraphs(v),
            Authors => r.authors = split_authors(v, self.glued_authors),
            Year => {
                r.year = text::year_in(v);
                return r.year.is_none_or(|y| y.to_string() != v);
            }
            Date => r.date = squash(v),
            Journal => r.journal = squash(v),
            Volume => r.volume = v.to_string(),
            Issue => r.issue = v.to_string(),
            Pages => r.pages = v.to_string(),
            FirstPage => *first_page = v,
            LastPage => *last_page = v,
            Doi => {
                let (doi, whole) = clean_doi(v);
                r.doi = doi;
                return !whole;
            }
            Pmid => {
                let (pmid, whole) = clean_pmid(v);
                r.pmid = pmid;
                return !whole;
            }
            Issn | Isbn => {
                let value = squash(v);
                let slot = match (t, looks_like_isbn(v), looks_like_issn(v)) {
                    (Issn, true, false) => &mut r.isbn,
                    (Isbn, false, true) => &mut r.issn,
                    (Issn, _, _) => &mut r.issn,
                    _ => &mut r.isbn,
                };
                if !slot.is_empty() {
                    return true;
                }
                *slot = value;
            }
            Url => {
                // Rayyan lets RIS lines spill into the cell: `https://… U2  - L20`.
                // Cut only there: WoS URLs such as `<Go to ISI>://WOS:…` hold
                // spaces of their own.
                let url = ris_spill_at(v).map_or(v, |cut| v[..cut].trim_end());
                r.url = url.to_string();
                return url != v;
            }
            Keywords | PmidInText => return true,
        }
        false
    }
}

const TARGET_OF: [Target; TARGETS] = [
    Kind, Title, Abstract, Authors, Year, Date, Journal, Volume, Issue, Pages, FirstPage, LastPage,
    Doi, Pmid, Issn, Isbn, Keywords, Url, PmidInText,
];

/// Whether a cell can fill its target: not empty, not a missing-value
/// marker, and of the right shape where the field has one.
fn usable(t: Target, cell: &str) -> bool {
    let v = cell.trim();
    if v.is_empty() || is_missing(v) {
        return false;
    }
    match t {
        Abstract => !is_placeholder_abstract(v),
        Year => text::year_in(v).is_some(),
        Doi => !clean_doi(v).0.is_empty(),
        Pmid => !clean_pmid(v).0.is_empty(),
        _ => true,
    }
}

/// EBSCO and others write cells as `="0123"` so that Excel keeps leading
/// zeros; the value is what is inside.
pub fn unprotect(cell: &str) -> &str {
    let t = cell.trim();
    match t.strip_prefix("=\"").and_then(|s| s.strip_suffix('"')) {
        Some(inner) if !inner.contains('"') || inner.contains("\"\"") => inner,
        _ => cell,
    }
}

use crate::text::is_missing;

fn is_placeholder_abstract(v: &str) -> bool {
    let v = v.trim().trim_matches(['[', ']', '.']);
    [
        "no abstract available",
        "abstract not available",
        "no abstract",
    ]
    .iter()
    .any(|p| v.eq_ignore_ascii_case(p))
}

/// An abstract cell: a line break inside a cell is the writer's, so blank
/// lines stay paragraph breaks; single breaks are unwrapped except before
/// a labelled part (`Methods: …`), as in the other formats.
fn paragraphs(v: &str) -> String {
    if !v.contains(['\n', '\r']) {
        return v.trim().to_string();
    }
    let v = v.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(v.len());
    let mut paragraph = String::new();
    for line in v.split('\n').chain(std::iter::once("")) {
        if line.trim().is_empty() {
            if !paragraph.is_empty() {
                if !out.is_empty() {
                    out.push_str("\n\n");
                }
                out.push_str(&unwrap_prose(&paragraph));
                paragraph.clear();
            }
        } else {
            if !paragraph.is_empty() {
                paragraph.push('\n');
            }
            paragraph.push_str(line);
        }
    }
    out
}

/// Runs of whitespace (line breaks included) as one space, ends trimmed;
/// one allocation, as this runs on every mapped cell.
pub fn squash(s: &str) -> String {
    let s = s.trim();
    // Most cells are already single-spaced: copy them as they are.
    let b = s.as_bytes();
    let plain = !b.iter().enumerate().any(|(i, &c)| {
        matches!(c, b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
            || (c == b' ' && b.get(i + 1) == Some(&b' '))
            || c >= 0x80
    });
    if plain {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            space = true;
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    out
}

/// Whether `s` starts with `prefix`, ASCII case ignored.
fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// The DOI in a cell, without resolver prefix, case kept, and whether that
/// was all the cell held (else the cell is kept in `extra` as well).
pub fn clean_doi(v: &str) -> (String, bool) {
    let t = v.trim();
    let Some(start) = t.find("10.") else {
        return (String::new(), false);
    };
    let rest = &t[start..];
    let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
    let doi = rest[..end].trim_end_matches(['.', ',', ';']);
    // `10.<registrant digits and dots>/<suffix>`, as `text::normalize_doi`
    // accepts, without its allocations (this runs twice on every row).
    let valid = doi.split_once('/').is_some_and(|(prefix, suffix)| {
        prefix.len() > 3
            && !suffix.is_empty()
            && prefix[3..].bytes().all(|b| b.is_ascii_digit() || b == b'.')
    });
    if !valid {
        return (String::new(), false);
    }
    let prefix = t[..start].trim();
    let known_prefix = [
        "",
        "doi:",
        "doi",
        "https://doi.org/",
        "http://doi.org/",
        "https://dx.doi.org/",
        "http://dx.doi.org/",
        "https://www.doi.org/",
    ]
    .iter()
    .any(|p| prefix.eq_ignore_ascii_case(p));
    let whole = known_prefix && rest[end..].trim().is_empty();
    (doi.to_string(), whole)
}

/// The PMID in a cell (`30922926`, `PUBMED 21314913`,
/// `https://pubmed.ncbi.nlm.nih.gov/25657356`), and whether that was all
/// the cell held.
pub fn clean_pmid(v: &str) -> (String, bool) {
    let mut t = v.trim();
    for prefix in [
        "https://pubmed.ncbi.nlm.nih.gov/",
        "http://pubmed.ncbi.nlm.nih.gov/",
        "https://www.ncbi.nlm.nih.gov/pubmed/",
        "http://www.ncbi.nlm.nih.gov/pubmed/",
        "pmid:",
        "pmid",
        "pubmed",
        "medline",
    ] {
        if starts_with_ignore_case(t, prefix) {
            t = t[prefix.len()..].trim();
            break;
        }
    }
    let t = t.trim_end_matches('/');
    let ok = !t.is_empty()
        && t.len() <= 9
        && t.bytes().all(|b| b.is_ascii_digit())
        && t.bytes().any(|b| b != b'0');
    if ok {
        (t.to_string(), true)
    } else {
        (String::new(), false)
    }
}

/// `PMID: 35319117` inside a free-text cell.
fn pmid_in_text(v: &str) -> Option<String> {
    let at = v.find("PMID:")?;
    let digits: String = v[at + 5..]
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    (!digits.is_empty() && digits.len() <= 9).then_some(digits)
}

fn first_token(v: &str) -> &str {
    v.split(|c: char| c.is_whitespace() || c == ';' || c == ',')
        .find(|s| !s.is_empty())
        .unwrap_or("")
}

fn id_digits(token: &str) -> usize {
    token
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == 'X' || *c == 'x')
        .count()
}

fn looks_like_isbn(v: &str) -> bool {
    matches!(id_digits(first_token(v)), 10 | 13)
}

fn looks_like_issn(v: &str) -> bool {
    id_digits(first_token(v)) == 8
}

/// A cell written as a Python list (`['Abbas, C. C.', 'Schmid, J. P.']`),
/// as pandas writes list-valued columns.
fn python_list(s: &str) -> Option<Vec<String>> {
    let inner = s.strip_prefix('[')?.strip_suffix(']')?.trim();
    if inner.is_empty() {
        return Some(Vec::new());
    }
    let mut items = Vec::new();
    let mut chars = inner.chars().peekable();
    loop {
        let quote = chars.next()?;
        if quote != '\'' && quote != '"' {
            return None;
        }
        let mut item = String::new();
        loop {
            match chars.next()? {
                '\\' => item.push(chars.next()?),
                c if c == quote => break,
                c => item.push(c),
            }
        }
        items.push(item);
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        match chars.next() {
            None => return Some(items),
            Some(',') => {
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
            }
            Some(_) => return None,
        }
    }
}

/// Splits on the word `and` between whitespace (`Yang, Z. and Jiang, B.`,
/// Rayyan and Abstrackr).
fn split_on_and(s: &str) -> Option<Vec<&str>> {
    let bytes = s.as_bytes();
    let mut parts = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while let Some(pos) = s[i..].find("and") {
        let at = i + pos;
        let before = at > 0 && bytes[at - 1].is_ascii_whitespace();
        let after = bytes.get(at + 3).is_some_and(u8::is_ascii_whitespace);
        if before && after {
            parts.push(&s[start..at]);
            start = at + 3;
        }
        i = at + 3;
    }
    if parts.is_empty() {
        return None;
    }
    parts.push(&s[start..]);
    Some(parts)
}

/// Initials such as `DK`, `M.E.`, `J.-P.`.
fn is_initials(token: &str) -> bool {
    let letters = token.chars().filter(|c| c.is_alphabetic()).count();
    (1..=4).contains(&letters)
        && token
            .chars()
            .all(|c| c.is_uppercase() || c == '.' || c == '-')
}

/// `Yang Z., Jiang B.` (Embase), `Griffin DK, Larkin DM` (PubMed),
/// `P. Kogge, J. Shalf`: a comma list of names with initials, as opposed
/// to one `Surname, Given` name.
fn is_comma_list(s: &str) -> bool {
    let mut pieces = 0;
    for piece in s.split(',') {
        let tokens: Vec<&str> = piece.split_whitespace().collect();
        let (Some(first), Some(last)) = (tokens.first(), tokens.last()) else {
            return false;
        };
        if tokens.len() < 2 || !(is_initials(first) || is_initials(last)) {
            return false;
        }
        pieces += 1;
    }
    pieces >= 2
}

/// Prefixes after which a capital letter does not start a new name.
const NAME_PREFIXES: &[&str] = &[
    "Mc", "Mac", "De", "Di", "Da", "Du", "La", "Le", "Van", "Von", "Fitz",
];

/// Where a new name starts inside glued text: a lowercase letter then a
/// capital (`AlievNigar`), not after a name prefix (`McNamara`).
fn glued_splits(s: &str) -> Vec<usize> {
    let mut splits = Vec::new();
    let mut word_start = 0;
    let mut prev: Option<char> = None;
    for (i, c) in s.char_indices() {
        if c.is_whitespace() {
            word_start = i + c.len_utf8();
        } else if c.is_uppercase()
            && prev.is_some_and(char::is_lowercase)
            && !NAME_PREFIXES.contains(&&s[word_start..i])
        {
            splits.push(i);
            word_start = i;
        }
        prev = Some(c);
    }
    splits
}

/// Whether a cell holds names glued together (`Araz R. AlievNigar T.
/// Ismayilova`); decided per column from a sample of cells.
pub fn looks_glued(cell: &str) -> bool {
    !cell.contains([';', ',', '|'])
        && split_on_and(cell).is_none()
        && !glued_splits(cell).is_empty()
}

/// Splits one authors cell into names. Exporters differ: `;` (Scopus,
/// Cochrane, WoS, IEEE, Lens, Zotero, RefWorks), `|` (OpenAlex), ` and `
/// (Rayyan, Abstrackr), `,` between `Surname Initials` names (Embase,
/// PubMed), a Python list (rispy via pandas), names glued with no
/// separator (SpringerLink; ASySD's `Adeli K.Lewis G. F.`).
pub fn split_authors(cell: &str, glued: bool) -> Vec<String> {
    let s = cell.trim();
    if s.is_empty() || is_missing(s) {
        return Vec::new();
    }
    if let Some(items) = python_list(s) {
        return items.iter().filter_map(|a| clean_name(a)).collect();
    }
    let owned;
    let parts: Vec<&str> = if s.contains(';') {
        s.split(';').collect()
    } else if s.contains('|') {
        s.split('|').collect()
    } else if let Some(parts) = split_on_and(s) {
        parts
    } else if s.contains('\n') {
        s.lines().collect()
    } else if s.contains(',') && is_comma_list(s) {
        // PubMed ends its list with a full stop: `…, O'Connor RE.`
        owned = if s.ends_with('.') && s.matches('.').count() == 1 {
            s[..s.len() - 1].to_string()
        } else {
            s.to_string()
        };
        owned.split(',').collect()
    } else if glued {
        let mut parts = Vec::new();
        let mut start = 0;
        for at in glued_splits(s) {
            parts.push(&s[start..at]);
            start = at;
        }
        parts.push(&s[start..]);
        parts
    } else {
        vec![s]
    };
    let mut names = Vec::with_capacity(parts.len());
    // Names an exporter separated with `;` or `|` are taken as given:
    // `V.Chinnappa, Reddy B.` is one (oddly written) name, not two.
    let separated = s.contains(';') || s.contains('|');
    for part in parts {
        if separated {
            names.extend(clean_name(part));
        } else {
            split_dotted_glue(part, |name| names.extend(clean_name(name)));
        }
    }
    names
}

/// `Adeli K.Lewis G. F.`: a full stop then a capitalised word with no space
/// starts the next name.
fn split_dotted_glue<'a>(s: &'a str, mut each: impl FnMut(&'a str)) {
    let b = s.as_bytes();
    let mut start = 0;
    for i in 0..b.len().saturating_sub(2) {
        if b[i] == b'.' && b[i + 1].is_ascii_uppercase() && b[i + 2].is_ascii_lowercase() {
            each(&s[start..=i]);
            start = i + 1;
        }
    }
    each(&s[start..]);
}

fn clean_name(name: &str) -> Option<String> {
    let name = name.trim();
    let plain = !name.is_empty()
        && !name.contains(['\n', '\r', '\t', ';'])
        && !name.contains("  ")
        && !name.ends_with(',')
        && !is_missing(name)
        && name.match_indices(',').all(|(i, _)| {
            name.as_bytes().get(i + 1) == Some(&b' ') && i > 0 && name.as_bytes()[i - 1] != b' '
        })
        && !name.ends_with(",null");
    if plain {
        return Some(name.to_string());
    }
    let name = squash(name).replace(" ,", ",");
    // RefWorks writes a missing given name as `null`.
    let name = name.strip_suffix(",null").unwrap_or(&name).trim();
    let name = name.trim_end_matches([',', ';']).trim();
    if name.is_empty() || is_missing(name) {
        return None;
    }
    // RefWorks writes `Smits,Maarten L. J.`.
    Some(name.replace(", ", ",").replace(',', ", "))
}

/// Splits a keywords cell: `;` (most), `|` (OpenAlex), one per line, a
/// Python list, or commas outside parentheses (Abstrackr, older Embase:
/// `colonic duplication cyst (diagnosis, surgery), colonoscopy`).
pub fn split_list(cell: &str) -> Vec<String> {
    let s = cell.trim();
    if s.starts_with('[') {
        if let Some(items) = python_list(s) {
            return items
                .iter()
                .map(|k| squash(k))
                .filter(|k| !k.is_empty())
                .collect();
        }
    }
    let mut out = Vec::new();
    let mut put = |k: &str| {
        let k = squash(k);
        if !k.is_empty() {
            out.push(k);
        }
    };
    if s.contains(';') {
        s.split(';').for_each(&mut put);
    } else if s.contains('|') {
        s.split('|').for_each(&mut put);
    } else if s.contains('\n') {
        s.lines().for_each(&mut put);
    } else {
        split_outside_parens(s).into_iter().for_each(&mut put);
    }
    out
}

fn split_outside_parens(s: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            ',' if depth <= 0 => {
                parts.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn authors(s: &str) -> Vec<String> {
        split_authors(s, false)
    }

    #[test]
    fn headers_normalise() {
        assert_eq!(
            normalize_header("\u{feff} Publication_Year "),
            "publication year"
        );
        assert_eq!(
            normalize_header("primary_location.source.display_name"),
            "primary location.source.display name"
        );
    }

    #[test]
    fn author_separators_of_each_exporter() {
        assert_eq!(
            authors("Wilson L.N.; Gardner J.D."),
            ["Wilson L.N.", "Gardner J.D."]
        );
        assert_eq!(
            authors("Barrett, Paul M; Willis, Katherine J; "),
            ["Barrett, Paul M", "Willis, Katherine J"]
        );
        assert_eq!(
            authors("Massimo Aria|Corrado Cuccurullo"),
            ["Massimo Aria", "Corrado Cuccurullo"]
        );
        assert_eq!(
            authors("Yang, Z. and Jiang, B. and Xu, J."),
            ["Yang, Z.", "Jiang, B.", "Xu, J."]
        );
        assert_eq!(
            authors("Longrich, N.R.\n and Pereda-Suberbiola, X.\n"),
            ["Longrich, N.R.", "Pereda-Suberbiola, X."]
        );
        assert_eq!(
            authors("Yang Z., Jiang B., McNamara M.E."),
            ["Yang Z.", "Jiang B.", "McNamara M.E."]
        );
        assert_eq!(
            authors("Griffin DK, Larkin DM, O'Connor RE."),
            ["Griffin DK", "Larkin DM", "O'Connor RE"]
        );
        assert_eq!(authors("P. Kogge, J. Shalf"), ["P. Kogge", "J. Shalf"]);
        assert_eq!(
            authors("['Abbas, C. C.', 'Von K\\'nel, R.']"),
            ["Abbas, C. C.", "Von K'nel, R."]
        );
        assert_eq!(authors("Adeli K.Lewis G. F."), ["Adeli K.", "Lewis G. F."]);
        assert_eq!(
            authors("van den Hoven,null;Smits,Maarten L. J."),
            ["van den Hoven", "Smits, Maarten L. J."]
        );
        assert_eq!(
            authors("Appenzeller-Herzog , C.; Ewald H."),
            ["Appenzeller-Herzog, C.", "Ewald H."]
        );
        // One name, written `Surname, Given`: not split.
        assert_eq!(authors("Krumholz, H M"), ["Krumholz, H M"]);
        assert_eq!(
            authors("Curry Rogers, Kristina"),
            ["Curry Rogers, Kristina"]
        );
        assert_eq!(authors("van der Berg, A. B."), ["van der Berg, A. B."]);
        assert_eq!(authors("Verges B."), ["Verges B."]);
        assert!(authors("NA").is_empty());
    }

    #[test]
    fn glued_names_split_only_when_the_column_is_glued() {
        let cell = "Prof. Rafik A. AlievDr. Martine De CockJohn McNamara";
        assert!(looks_glued(cell));
        assert_eq!(
            split_authors(cell, true),
            [
                "Prof. Rafik A. Aliev",
                "Dr. Martine De Cock",
                "John McNamara"
            ]
        );
        assert_eq!(
            split_authors("Tyler VanderWeele", false),
            ["Tyler VanderWeele"]
        );
        assert!(!looks_glued("Wilson L.N.; Gardner J.D."));
    }

    #[test]
    fn identifiers() {
        assert_eq!(
            clean_doi("https://doi.org/10.1038/S41467-024-46843-2"),
            ("10.1038/S41467-024-46843-2".into(), true)
        );
        assert_eq!(
            clean_doi("10.1038/x     LK  - https://example.org"),
            ("10.1038/x".into(), false)
        );
        assert_eq!(clean_doi("not a doi"), (String::new(), false));
        assert_eq!(clean_pmid("PUBMED 21314913"), ("21314913".into(), true));
        assert_eq!(
            clean_pmid("https://pubmed.ncbi.nlm.nih.gov/25657356"),
            ("25657356".into(), true)
        );
        assert_eq!(clean_pmid("0"), (String::new(), false));
        assert_eq!(
            pmid_in_text("Place: England PMID: 516334"),
            Some("516334".into())
        );
        assert!(looks_like_issn("0957-9672 (Print)\r\n0957-9672"));
        assert!(looks_like_isbn("978-1-80382-429-1"));
    }

    #[test]
    fn excel_protected_cells() {
        assert_eq!(unprotect("=\"19326203\""), "19326203");
        assert_eq!(unprotect("=\"4/3/2024\""), "4/3/2024");
        assert_eq!(unprotect("=SUM(A1)"), "=SUM(A1)");
        assert_eq!(unprotect("plain"), "plain");
    }

    #[test]
    fn abstracts_keep_paragraphs() {
        assert_eq!(
            paragraphs("Abstract:\r\nWe provide\r\nan  overview "),
            "Abstract: We provide an  overview"
        );
        assert_eq!(
            paragraphs("One\nline.\n\n \nTwo.\nMethods: x"),
            "One line.\n\nTwo.\nMethods: x"
        );
    }

    #[test]
    fn keyword_lists() {
        assert_eq!(split_list("a; b ;c"), ["a", "b", "c"]);
        assert_eq!(
            split_list("phosphate,Africa,animal"),
            ["phosphate", "Africa", "animal"]
        );
        assert_eq!(
            split_list("article, cyst (diagnosis, surgery), colonoscopy"),
            ["article", "cyst (diagnosis, surgery)", "colonoscopy"]
        );
        assert_eq!(split_list("Archipelago|Aptian"), ["Archipelago", "Aptian"]);
    }

    #[test]
    fn a_row_maps_and_keeps_the_rest() {
        let plan = Plan::new(&[
            "Title",
            "Year",
            "Source title",
            "Source",
            "DOI",
            "Cited by",
            "Page start",
            "Page end",
        ]);
        let row = StringRecord::from(vec![
            " A  title ",
            "2019 Jan",
            "Nature",
            "Scopus",
            "https://doi.org/10.1/x",
            "3",
            "5",
            "9",
        ]);
        let r = plan.build(&row);
        assert_eq!(r.title, "A title");
        assert_eq!(r.year, Some(2019));
        assert_eq!(r.journal, "Nature");
        assert_eq!(r.doi, "10.1/x");
        assert_eq!(r.pages, "5-9");
        let extra: Vec<(&str, &str)> = r
            .extra
            .iter()
            .map(|f| (f.tag.as_str(), f.value.as_str()))
            .collect();
        // `Source` is weak: Scopus' `Source title` is there, so it stays as is.
        assert_eq!(
            extra,
            [
                ("Year", "2019 Jan"),
                ("Source", "Scopus"),
                ("Cited by", "3")
            ]
        );
    }

    #[test]
    fn wos_tags_only_in_a_wos_header() {
        let wos = Plan::new(&["\u{feff}PT", "AU", "TI", "SO", "PY", "DI", "ID"]);
        assert_eq!(wos.mapped(), 7);
        let other = Plan::new(&["ID", "Title", "AU"]);
        assert_eq!(other.mapped(), 1);
    }
}

/// Where an RIS tag line (`U2  - …`) spilled into a cell starts, if it does.
fn ris_spill_at(v: &str) -> Option<usize> {
    v.match_indices("  - ").find_map(|(i, _)| {
        let tag = v.get(i.checked_sub(2)?..i)?;
        let before = v[..i - 2].chars().next_back();
        (tag.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            && before.is_some_and(char::is_whitespace))
        .then_some(i - 2)
    })
}

#[cfg(test)]
mod url_tests {
    use super::ris_spill_at;

    #[test]
    fn ris_spill_is_cut_but_spaces_in_urls_are_kept() {
        let v = "https://x.org/a U2  - L20";
        assert_eq!(
            ris_spill_at(v).map(|i| v[..i].trim_end()),
            Some("https://x.org/a")
        );
        assert_eq!(ris_spill_at("<Go to ISI>://WOS:000298449100001"), None);
    }
}
