//! The record model and its content-derived key.
//!
//! A record key is the identity two reviewers' files are compared by, so it
//! depends on the record's content only, never on import order or on which
//! other files were imported. See `docs/ARCHITECTURE.md` ("Record keys").

use std::cell::Cell;

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64;

use crate::text;

/// How the RIS export writes a record's key in a note (`N1`), read back by
/// [`Record::exported_key`].
pub const EXPORTED_KEY_NOTE: &str = "screener key: ";

/// Where a record came from: the index of its source in the project's
/// `sources` and its 1-based position in that file. Sorting by origin gives
/// import order whatever the storage order.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Origin {
    pub source: u32,
    pub position: u32,
}

/// One labelled section of a structured abstract ("Purpose", "Findings", …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    pub label: String,
    pub text: String,
}

/// A field of the input kept verbatim: its tag as the source wrote it
/// (`AD`, `N1`, `MH`, …) and its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Field {
    pub tag: String,
    pub value: String,
}

/// One bibliographic item. Empty strings and lists mean "the source did not
/// say"; they are left out of the project file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Record {
    pub key: String,
    pub origin: Origin,
    /// The primary of this record's duplicate group, when it is not the
    /// primary itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<String>,
    /// Why it is in that group (set with `duplicate_of`; `dedup`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicate_match: Option<crate::dedup::DuplicateMatch>,
    /// Publication type as the source wrote it (`JOUR`, `Journal Article`,
    /// `Book part`).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub kind: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub title: String,
    /// The whole abstract as one text; for a structured abstract the
    /// sections joined as `Label: text` paragraphs.
    #[serde(
        rename = "abstract",
        skip_serializing_if = "String::is_empty",
        deserialize_with = "abstract_or_skip"
    )]
    pub abstract_text: String,
    /// The labelled sections of a structured abstract, when the source
    /// marked them.
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "abstract_or_skip"
    )]
    pub sections: Vec<Section>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// The publication date as the source gave it (`15 June 2012`, `2019 Jan`).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub date: String,
    /// Journal, book or proceedings title.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub journal: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub volume: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub issue: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub pages: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub doi: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub pmid: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub issn: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub isbn: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub url: String,
    /// Every other field of the input, verbatim and in input order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<Field>,
}

thread_local! {
    static ABSTRACTS_SKIPPED: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` with every record deserialized on this thread without its
/// abstract (`abstract_text` and `sections` left empty, their bytes
/// skipped, never allocated): the screen of a large project keeps the
/// abstracts, most of a record's text, on disk and reads one when it is
/// shown (`crate::record_list::Records::full`).
pub fn without_abstracts<R>(f: impl FnOnce() -> R) -> R {
    with_flag(&ABSTRACTS_SKIPPED, f)
}

/// Runs `f` with the thread's `flag` set, cleared after (also when `f`
/// panics): how a serde impl is told, from outside, to leave something
/// out on this thread.
pub(crate) fn with_flag<R>(
    flag: &'static std::thread::LocalKey<Cell<bool>>,
    f: impl FnOnce() -> R,
) -> R {
    struct Reset(&'static std::thread::LocalKey<Cell<bool>>);
    impl Drop for Reset {
        fn drop(&mut self) {
            self.0.with(|s| s.set(false));
        }
    }
    flag.with(|s| s.set(true));
    let _reset = Reset(flag);
    f()
}

fn abstract_or_skip<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    if ABSTRACTS_SKIPPED.with(Cell::get) {
        serde::de::IgnoredAny::deserialize(d)?;
        Ok(T::default())
    } else {
        T::deserialize(d)
    }
}

impl Record {
    pub fn push_extra(&mut self, tag: &str, value: impl Into<String>) {
        self.extra.push(Field {
            tag: tag.to_string(),
            value: value.into(),
        });
    }

    pub fn is_primary(&self) -> bool {
        self.duplicate_of.is_none()
    }

    /// Whether the record carries anything a reviewer could screen.
    pub fn is_empty(&self) -> bool {
        self.title.trim().is_empty()
            && self.abstract_text.trim().is_empty()
            && self.authors.is_empty()
            && self.doi.is_empty()
            && self.pmid.is_empty()
    }

    /// The identity part of the key: normalised DOI, else PMID, else a hash
    /// of normalised title + year + first author's surname, else of the
    /// abstract, else of everything.
    pub fn base_key(&self) -> String {
        if let Some(doi) = text::normalize_doi(&self.doi) {
            return format!("doi:{doi}");
        }
        let pmid = self.pmid.trim();
        if !pmid.is_empty() && pmid.bytes().all(|b| b.is_ascii_digit()) {
            return format!("pmid:{pmid}");
        }
        let title = text::fold(&self.title);
        if !title.is_empty() {
            let first_author = self
                .authors
                .first()
                .map(|a| text::fold(text::surname(a)))
                .unwrap_or_default();
            let year = self.year.map(|y| y.to_string()).unwrap_or_default();
            let material = format!("{title}\u{1f}{year}\u{1f}{first_author}");
            return format!("t:{:016x}", xxh3_64(material.as_bytes()));
        }
        let abstract_text = text::fold(&self.abstract_text);
        if !abstract_text.is_empty() {
            return format!("a:{:016x}", xxh3_64(abstract_text.as_bytes()));
        }
        format!("c:{:016x}", self.content_hash())
    }

    /// A hash of everything the record holds except where it sits in the
    /// project (key, origin, duplicate link). Two records that differ in any
    /// field the source gave differ here.
    pub fn content_hash(&self) -> u64 {
        let mut material = String::with_capacity(
            self.title.len() + self.abstract_text.len() + 64 * (self.extra.len() + 8),
        );
        let mut put = |s: &str| {
            material.push_str(s);
            material.push('\u{1e}');
        };
        put(&self.kind);
        put(&self.title);
        put(&self.abstract_text);
        for s in &self.sections {
            put(&s.label);
            put(&s.text);
        }
        put("\u{1d}");
        for a in &self.authors {
            put(a);
        }
        put("\u{1d}");
        put(&self.year.map(|y| y.to_string()).unwrap_or_default());
        for s in [
            &self.date,
            &self.journal,
            &self.volume,
            &self.issue,
            &self.pages,
            &self.doi,
            &self.pmid,
            &self.issn,
            &self.isbn,
            &self.url,
        ] {
            put(s);
        }
        for k in &self.keywords {
            put(k);
        }
        put("\u{1d}");
        for f in &self.extra {
            put(&f.tag);
            put(&f.value);
        }
        xxh3_64(material.as_bytes())
    }

    /// The full key: base key, then `~` and 8 hex digits of the content hash,
    /// so two different records with the same DOI (a Scopus and a PubMed
    /// copy of one paper) have different keys whichever was imported first.
    pub fn derive_key(&self) -> String {
        format!(
            "{}~{:08x}",
            self.base_key(),
            (self.content_hash() >> 32) as u32
        )
    }

    /// The key screener's own export wrote into this record (RIS
    /// `N1  - screener key: …`, BibTeX `screener-key`), when its identity
    /// part is still this record's [`base_key`](Self::base_key). The
    /// export adds notes and keywords (the decision, tags) that change the
    /// content hash; with this a record exported and imported again keeps
    /// its key, whichever format it was first read from. A record whose
    /// DOI, PMID or title was edited since gets a key from its content.
    pub fn exported_key(&self) -> Option<&str> {
        let written = self.extra.iter().find_map(|f| match f.tag.as_str() {
            "N1" => f.value.strip_prefix(EXPORTED_KEY_NOTE),
            "screener-key" => Some(f.value.as_str()),
            _ => None,
        })?;
        let written = written.trim();
        let base = self.base_key();
        (written.len() > base.len() + 1
            && written.starts_with(base.as_str())
            && written[base.len()..].starts_with('~')
            && !written.contains(char::is_whitespace))
        .then_some(written)
    }

    /// The key a record gets at import: [`exported_key`](Self::exported_key)
    /// where there is one, else [`derive_key`](Self::derive_key).
    pub fn import_key(&self) -> String {
        match self.exported_key() {
            Some(k) => k.to_string(),
            None => self.derive_key(),
        }
    }

    /// The title to show: the title, or a "(no title)" marker with the
    /// abstract's first telling words (after a structured abstract's
    /// heading and a stock opening: `abstracts::stand_in`), so a line is
    /// never empty. A list of records uses `abstracts::distinct_titles`.
    pub fn display_title(&self) -> String {
        let title = text::collapse_ws(&self.title);
        if !title.is_empty() {
            return title;
        }
        crate::abstracts::stand_in(self)
    }

    /// Authors for one line: up to three, then "et al.".
    pub fn short_authors(&self) -> String {
        match self.authors.len() {
            0 => String::new(),
            1..=3 => self.authors.join("; "),
            _ => format!("{}; et al.", self.authors[..3].join("; ")),
        }
    }

    /// Journal with volume, issue and pages, e.g. `Nature Communications 15(1)`.
    pub fn citation(&self) -> String {
        let mut s = self.journal.clone();
        if !self.volume.is_empty() {
            s.push(' ');
            s.push_str(&self.volume);
        }
        if !self.issue.is_empty() {
            s.push_str(&format!("({})", self.issue));
        }
        if !self.pages.is_empty() {
            s.push_str(&format!(":{}", self.pages));
        }
        s.trim().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(title: &str, doi: &str) -> Record {
        Record {
            title: title.into(),
            doi: doi.into(),
            authors: vec!["Repper, Julie".into()],
            year: Some(2012),
            ..Record::default()
        }
    }

    #[test]
    fn keys_prefer_doi_then_pmid_then_title() {
        let r = rec("Peer support", "https://doi.org/10.1108/ABC.123");
        assert!(r.derive_key().starts_with("doi:10.1108/abc.123~"));
        let mut r = rec("Peer support", "");
        r.pmid = "30689646".into();
        assert!(r.derive_key().starts_with("pmid:30689646~"));
        r.pmid.clear();
        assert!(r.derive_key().starts_with("t:"));
        r.title.clear();
        r.abstract_text = "Some abstract".into();
        assert!(r.derive_key().starts_with("a:"));
    }

    #[test]
    fn same_doi_different_content_gives_different_keys() {
        let a = rec("Peer support", "10.1/x");
        let b = rec("Peer support workers", "10.1/x");
        assert_eq!(a.base_key(), b.base_key());
        assert_ne!(a.derive_key(), b.derive_key());
        assert_eq!(a.derive_key(), a.clone().derive_key());
    }

    #[test]
    fn key_ignores_position_and_link() {
        let a = rec("Peer support", "");
        let mut b = a.clone();
        b.origin = Origin {
            source: 3,
            position: 9,
        };
        b.duplicate_of = Some("x".into());
        b.key = "whatever".into();
        assert_eq!(a.derive_key(), b.derive_key());
    }

    #[test]
    fn an_exported_key_is_kept_only_while_it_names_the_record() {
        let original = rec("Peer support", "10.1/x");
        let key = original.derive_key();
        let mut back = original.clone();
        back.push_extra("N1", format!("{EXPORTED_KEY_NOTE}{key}"));
        back.push_extra("N1", "screener decision: include");
        back.keywords.push("screener:include".into());
        assert_ne!(back.derive_key(), key);
        assert_eq!(back.import_key(), key);
        // The DOI was edited since: a new record, a key of its own.
        back.doi = "10.1/y".into();
        assert!(back.import_key().starts_with("doi:10.1/y~"));
        // A note that is not a key, or a key with spaces, is ignored.
        let mut odd = original.clone();
        odd.push_extra("N1", format!("{EXPORTED_KEY_NOTE}doi:10.1/x"));
        assert_eq!(odd.import_key(), odd.derive_key());
        odd.extra[0].value = format!("{EXPORTED_KEY_NOTE}doi:10.1/x~1 2");
        assert_eq!(odd.import_key(), odd.derive_key());
    }

    #[test]
    fn display_title_is_never_empty() {
        let mut r = Record {
            abstract_text: "In April 2010, Nottinghamshire Healthcare NHS trust won funding".into(),
            ..Record::default()
        };
        assert_eq!(
            r.display_title(),
            "(no title) In April 2010, Nottinghamshire Healthcare NHS trust won funding\u{a0}…"
        );
        r.abstract_text.clear();
        assert!(!r.display_title().is_empty());
    }
}
