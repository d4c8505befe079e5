//! The CSV writer (`export::csv`) against the CSV reader: records written
//! and read back keep every mapped field.

mod common;

use proptest::prelude::*;
use screener::export;
use screener::import::{self, Format};
use screener::record::Record;
use screener::text::normalize_doi;

fn write(records: &[Record]) -> Vec<u8> {
    let mut out = Vec::new();
    export::csv::write(&mut out, records).expect("write to memory");
    out
}

fn read_back(bytes: &[u8]) -> Vec<Record> {
    let (format, parsed) = import::parse(bytes, None).expect("the export is detected");
    assert_eq!(format, Format::Csv);
    assert_eq!(parsed.reported, 0, "{:?}", parsed.warnings);
    parsed.records.into_iter().map(|(_, r)| r).collect()
}

/// The fields the writer carries, for comparison.
fn mapped(r: &Record) -> impl PartialEq + std::fmt::Debug + use<> {
    (
        [
            r.kind.clone(),
            r.title.clone(),
            r.abstract_text.clone(),
            // One-line fields: a CSV cell's runs of spaces are read as one.
            screener::text::collapse_ws(&r.date),
            r.journal.clone(),
            r.volume.clone(),
            r.issue.clone(),
            r.pages.clone(),
            r.doi.clone(),
            r.pmid.clone(),
            r.issn.clone(),
            r.isbn.clone(),
            r.url.clone(),
        ],
        r.year,
        r.authors.clone(),
        r.keywords.clone(),
    )
}

#[test]
fn every_table_of_the_corpus_round_trips() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let mut compared = 0;
    for (path, _) in common::expected_counts() {
        if !["csv/", "wos_tab/", "labeled/"]
            .iter()
            .any(|d| path.starts_with(d))
        {
            continue;
        }
        let bytes = std::fs::read(corpus.join(&path)).unwrap();
        let (_, parsed) = import::parse(&bytes, None).unwrap();
        let records: Vec<Record> = parsed.records.into_iter().map(|(_, r)| r).collect();
        let written = write(&records);
        let back = read_back(&written);
        assert_eq!(back.len(), records.len(), "{path}");
        for (a, b) in records.iter().zip(&back) {
            assert_eq!(mapped(b), mapped(a), "{path}");
            compared += 1;
        }
    }
    assert!(compared > 10_000, "{compared}");
}

/// Records of the other formats in the corpus too: what RIS, MEDLINE and
/// the pasted page give comes back from CSV unchanged (the DOI compared
/// normalised, as the CSV reader drops a resolver prefix).
#[test]
fn records_of_other_formats_round_trip() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let mut compared = 0;
    for (path, _) in common::expected_counts() {
        if !["ris/", "nbib/", "pasted/"]
            .iter()
            .any(|d| path.starts_with(d))
        {
            continue;
        }
        let bytes = std::fs::read(corpus.join(&path)).unwrap();
        let (_, parsed) = import::parse(&bytes, None).unwrap();
        let mut records: Vec<Record> = parsed.records.into_iter().map(|(_, r)| r).collect();
        let back = read_back(&write(&records));
        assert_eq!(back.len(), records.len(), "{path}");
        for (a, b) in records.iter_mut().zip(&back) {
            assert_eq!(normalize_doi(&a.doi), normalize_doi(&b.doi), "{path}");
            a.doi = b.doi.clone();
            assert_eq!(mapped(b), mapped(a), "{path}");
            compared += 1;
        }
    }
    assert!(compared >= 500, "{compared}");
}

#[test]
fn the_header_is_fixed_and_every_column_maps() {
    let written = write(&[]);
    let text = String::from_utf8(written).unwrap();
    assert!(text.starts_with('\u{feff}'));
    assert_eq!(
        text.trim_start_matches('\u{feff}').trim_end(),
        export::csv::HEADER.join(",")
    );
    let plan = import::columns::Plan::new(&export::csv::HEADER);
    // All but `Key` are mapped fields.
    assert_eq!(plan.mapped(), export::csv::HEADER.len() - 1);
}

fn text() -> impl Strategy<Value = String> {
    // Words with quotes, commas, semicolons, accents and line breaks: what
    // CSV quoting has to carry.
    proptest::collection::vec("[A-Za-zé0-9\",;.:()'/-]{1,8}", 1..8).prop_map(|w| w.join(" "))
}

fn item() -> impl Strategy<Value = String> {
    // List items cannot contain `;`, the list separator.
    proptest::collection::vec("[A-Za-zé0-9\",.'()|-]{1,8}", 1..4).prop_map(|w| w.join(" "))
}

prop_compose! {
    fn a_record()(
        title in text(),
        abstract_text in proptest::option::of(proptest::collection::vec(text(), 1..4)),
        authors in proptest::collection::vec(item(), 0..5),
        keywords in proptest::collection::vec(item(), 0..5),
        year in proptest::option::of(1900i32..2030),
        journal in text(),
        pages in "[0-9]{0,4}(-[0-9]{1,4})?",
        doi in proptest::option::of("10\\.[0-9]{4}/[a-z0-9.()_-]{0,11}[a-z0-9]"),
        pmid in proptest::option::of("[1-9][0-9]{0,7}"),
        url in proptest::option::of("https://example\\.org/[a-z0-9]{1,8}"),
    ) -> Record {
        Record {
            // Never a bare missing-value marker (`NA`): the reader skips those.
            title: format!("T {title}"),
            abstract_text: abstract_text.map(|p| p.join("\nMethods: ")).unwrap_or_default(),
            authors,
            keywords,
            year,
            journal,
            pages,
            doi: doi.unwrap_or_default(),
            pmid: pmid.unwrap_or_default(),
            url: url.unwrap_or_default(),
            ..Record::default()
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// A record read from CSV is in the reader's normal form (whitespace
    /// collapsed, lists split and trimmed); written again, it reads back
    /// the same.
    #[test]
    fn written_records_read_back_equal(records in proptest::collection::vec(a_record(), 1..6)) {
        let once = read_back(&write(&records));
        prop_assert_eq!(once.len(), records.len());
        let twice = read_back(&write(&once));
        for (a, b) in once.iter().zip(&twice) {
            prop_assert_eq!(mapped(a), mapped(b));
        }
        // What was already in normal form comes back unchanged.
        for (r, a) in records.iter().zip(&once) {
            prop_assert_eq!(&a.doi, &r.doi);
            prop_assert_eq!(&a.pmid, &r.pmid);
            prop_assert_eq!(&a.url, &r.url);
            prop_assert_eq!(a.year, r.year);
            prop_assert_eq!(&a.pages, &r.pages);
        }
    }
}
