//! CSV/TSV import: every table in the shared corpus (counts kept in
//! tests/corpus_counts_tabular.tsv, found without the importer), what each
//! exporter's columns become, one small input per quirk, mutations of the
//! real files, and arbitrary input.

mod common;

use proptest::prelude::*;
use screener::import::{self, Format, Parsed, decode};
use screener::record::Record;

const TABLE_DIRS: [&str; 3] = ["csv/", "wos_tab/", "labeled/"];

fn parse(bytes: &[u8]) -> (Format, Parsed) {
    import::parse(bytes, None).unwrap_or_else(|e| panic!("{e}"))
}

fn parse_str(text: &str) -> Parsed {
    let (format, parsed) = parse(text.as_bytes());
    assert!(matches!(format, Format::Csv | Format::Tsv), "{format}");
    parsed
}

fn tables() -> Vec<(String, usize)> {
    common::expected_counts()
        .into_iter()
        .filter(|(p, _)| TABLE_DIRS.iter().any(|d| p.starts_with(d)))
        .collect()
}

fn read(path: &str) -> Option<Vec<u8>> {
    let corpus = common::corpus()?;
    Some(std::fs::read(corpus.join(path)).unwrap_or_else(|e| panic!("{path}: {e}")))
}

fn record<'a>(parsed: &'a Parsed, title_start: &str) -> &'a Record {
    parsed
        .records
        .iter()
        .map(|(_, r)| r)
        .find(|r| r.title.starts_with(title_start))
        .unwrap_or_else(|| panic!("no record titled `{title_start}…`"))
}

fn extra<'a>(r: &'a Record, tag: &str) -> Option<&'a str> {
    r.extra
        .iter()
        .find(|f| f.tag == tag)
        .map(|f| f.value.as_str())
}

/// The fields the mapping fills, for comparisons.
fn mapped(r: &Record) -> impl PartialEq + std::fmt::Debug + use<> {
    (
        [
            r.kind.clone(),
            r.title.clone(),
            r.abstract_text.clone(),
            r.date.clone(),
            r.journal.clone(),
            r.volume.clone(),
            r.issue.clone(),
            r.pages.clone(),
        ],
        [
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

fn file_lines(text: &str) -> usize {
    decode::lines(text).len()
}

// ---------------------------------------------------------------- corpus

#[test]
fn every_table_in_the_corpus_is_counted_here() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let listed: Vec<String> = tables().into_iter().map(|(p, _)| p).collect();
    for dir in TABLE_DIRS {
        for entry in std::fs::read_dir(corpus.join(dir)).unwrap() {
            let name = format!("{dir}{}", entry.unwrap().file_name().to_string_lossy());
            assert!(listed.contains(&name), "{name} has no expected count");
        }
    }
}

#[test]
fn counts_are_exact_and_rows_keep_their_file_lines() {
    let Some(_) = common::corpus() else {
        return;
    };
    for (path, expected) in tables() {
        let bytes = read(&path).unwrap();
        let (format, parsed) = parse(&bytes);
        let tab = path.ends_with(".tsv") || path.ends_with(".txt");
        assert_eq!(
            format,
            if tab { Format::Tsv } else { Format::Csv },
            "{path}"
        );
        assert_eq!(parsed.total(), expected, "{path}: records in the file");
        assert_eq!(
            parsed.reported,
            common::expected_reported(&path),
            "{path}: {:?}",
            parsed.warnings
        );
        let text = decode::decode(&bytes).text;
        let lines = decode::lines(&text);
        let mut previous = 0;
        for (line, r) in &parsed.records {
            assert!(*line > previous, "{path}: rows out of order at {line}");
            previous = *line;
            // The line a row starts on is where its first cell is.
            assert!(!lines[line - 1].trim().is_empty(), "{path}:{line} is blank");
            assert!(!r.display_title().is_empty());
        }
        for w in &parsed.warnings {
            assert!(w.line <= lines.len(), "{path}: warning line {}", w.line);
        }
    }
}

#[test]
fn no_other_corpus_file_is_taken_for_a_table() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let mut checked = 0;
    for dir in std::fs::read_dir(&corpus).unwrap() {
        let dir = dir.unwrap().path();
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        if !dir.is_dir() || TABLE_DIRS.contains(&format!("{name}/").as_str()) {
            continue;
        }
        for file in std::fs::read_dir(&dir).unwrap() {
            let file = file.unwrap().path();
            let bytes = std::fs::read(&file).unwrap();
            let text = decode::decode(&bytes).text;
            assert_eq!(import::csv::detect(&text), None, "{}", file.display());
            checked += 1;
        }
    }
    assert!(checked > 20, "only {checked} non-table files seen");
}

#[test]
fn scopus_columns_map_like_its_ris() {
    let Some(bytes) = read("csv/cff_scopus.csv") else {
        return;
    };
    let (_, p) = parse(&bytes);
    let r = record(&p, "Global latitudinal gradients");
    assert_eq!(r.authors.len(), 8);
    assert_eq!(r.authors[0], "Wilson L.N.");
    assert_eq!(r.year, Some(2024));
    assert_eq!(r.journal, "Nature Communications");
    assert_eq!((r.volume.as_str(), r.issue.as_str()), ("15", "1"));
    assert_eq!(r.doi, "10.1038/s41467-024-46843-2");
    assert_eq!(r.pmid, "38580657");
    assert_eq!(r.kind, "Article");
    assert!(
        r.abstract_text
            .starts_with("Global climate patterns fundamentally shape")
    );
    assert!(r.keywords.contains(&"Dinosaurs".to_string()));
    // Not mapped, kept under the header: the database name in `Source`
    // (Scopus has `Source title` for the journal), full names, EID.
    assert_eq!(extra(r, "Source"), Some("Scopus"));
    assert_eq!(extra(r, "EID"), Some("2-s2.0-85189760133"));
    assert!(
        extra(r, "Author full names")
            .unwrap()
            .starts_with("Wilson, Lauren N.")
    );
    assert_eq!(extra(r, "Art. No."), Some("2864"));
}

#[test]
fn embase_preamble_is_skipped_with_a_warning() {
    let Some(bytes) = read("csv/cff_embase.csv") else {
        return;
    };
    let (_, p) = parse(&bytes);
    assert_eq!(p.warnings[0].line, 1);
    assert!(
        p.warnings[0].message.contains("SEARCH QUERY"),
        "{:?}",
        p.warnings
    );
    assert_eq!(p.records[0].0, 5, "first row is on line 5 (header on 4)");
    let r = &p.records[0].1;
    assert_eq!(r.authors, ["Yang Z.", "Jiang B.", "Xu J.", "McNamara M.E."]);
    assert_eq!(r.pmid, "38773066");
    assert_eq!(r.journal, "Nature Communications");
    assert_eq!(r.date, "1 Dec 2024");
    assert_eq!(r.issn, "2041-1723 (electronic)");
    assert_eq!(extra(r, "PUI"), Some("L2029880245"));
}

#[test]
fn cinahl_excel_protected_cells_are_unwrapped() {
    let Some(bytes) = read("csv/cff_cinahl.csv") else {
        return;
    };
    let (_, p) = parse(&bytes);
    let r = record(&p, "Osteohistological insight");
    assert_eq!(r.issn, "19326203");
    assert_eq!(r.date, "4/3/2024");
    assert_eq!(r.year, Some(2024));
    assert_eq!(r.authors.len(), 5);
    assert_eq!(r.authors[0], "Curry Rogers, Kristina");
    assert_eq!(extra(r, "Page Count"), Some("60"));
    assert!(p.records.iter().all(|(_, r)| !r.issn.contains('=')));
}

#[test]
fn each_exporter_separates_authors_its_own_way() {
    let Some(_) = common::corpus() else {
        return;
    };
    let first = |path: &str| {
        let (_, p) = parse(sample(path).unwrap().as_bytes());
        p.records[0].1.clone()
    };
    assert_eq!(
        first("csv/cff_cochrane.csv").authors[..2],
        ["Bywater, T", "Hutchings, J"]
    );
    assert_eq!(first("csv/cff_cochrane.csv").pmid, "21314913");
    assert_eq!(
        first("csv/cff_pubmed.csv").authors,
        ["Griffin DK", "Larkin DM", "O'Connor RE"]
    );
    assert_eq!(
        first("csv/cff_rayyan.csv").authors,
        ["Yang, Z.", "Jiang, B.", "Xu, J.", "McNamara, M.E."]
    );
    assert_eq!(
        first("csv/cff_abstrackr.csv").authors,
        [
            "Longrich, N.R.",
            "Pereda-Suberbiola, X.",
            "Bardet, N.",
            "Jalil, N.-E."
        ]
    );
    assert_eq!(
        first("csv/cff_googlescholar.csv").authors,
        ["Barrett, Paul M", "Willis, Katherine J"]
    );
    assert_eq!(
        first("csv/ieee_litstudy.csv").authors,
        ["P. Kogge", "J. Shalf"]
    );
    assert_eq!(first("csv/ieee_litstudy.csv").pages, "16-26");
    assert_eq!(
        first("csv/openalex_bibliometrix_sample.csv").authors,
        ["Massimo Aria", "Corrado Cuccurullo"]
    );
    assert_eq!(
        first("labeled/asysd_labelled_dedup_test_set.csv").authors,
        ["Adeli K.", "Lewis G. F."]
    );
    let vds = first("labeled/srdatasets_vandeschoot2017_included1.csv");
    assert_eq!(vds.authors.len(), 8);
    assert_eq!(vds.authors[7], "Von Känel, R.");
    let refworks = first("csv/cff_refworks.tsv");
    assert_eq!(
        refworks.authors[..2],
        ["van den Hoven", "Smits, Maarten L. J."]
    );
    let wos = first("wos_tab/wosfile_tab_win_utf8.txt");
    assert_eq!(wos.authors, ["Owen-Smith, J", "Powell, WW"]);
    assert_eq!(wos.pages, "5-21");
    assert_eq!(wos.doi, "10.1287/orsc.1030.0054");
    assert_eq!(wos.issn, "1047-7039");
    assert_eq!(wos.journal, "ORGANIZATION SCIENCE");
    assert_eq!(extra(&wos, "UT"), Some("WOS:000220015600001"));
}

#[test]
fn springer_glued_names_are_split() {
    let Some(bytes) = read("csv/springer_litstudy.csv") else {
        return;
    };
    let (_, p) = parse(&bytes);
    let authors: Vec<&Vec<String>> = p.records.iter().map(|(_, r)| &r.authors).collect();
    assert_eq!(*authors[0], ["Araz R. Aliev", "Nigar T. Ismayilova"]);
    assert!(
        authors
            .iter()
            .any(|a| a.contains(&"Dr. Martine De Cock".to_string()))
    );
    assert!(
        authors
            .iter()
            .any(|a| **a == ["C. Navya", "H. A. Sanjay", "Sanket Salvi"])
    );
    assert!(authors.iter().any(|a| **a == ["Umali Saidi"]));
    assert_eq!(p.records[0].1.doi, "10.1007/978-3-030-92127-9_33");
}

#[test]
fn identifiers_lose_their_resolver_and_keep_what_was_cut() {
    let Some(_) = common::corpus() else {
        return;
    };
    let (_, p) = parse(&read("csv/cff_openalex.csv").unwrap());
    let r = &p.records[0].1;
    assert_eq!(r.doi, "10.1016/j.cretres.2023.105752");
    assert_eq!(r.journal, "Cretaceous Research");
    assert_eq!(r.pages, "105752");
    assert_eq!(r.authors.len(), 5);
    // Rayyan lets RIS lines spill into cells: the DOI and URL are cut at
    // the spill, the whole cell stays under its header.
    let (_, p) = parse(&read("csv/cff_rayyan.csv").unwrap());
    let r = &p.records[0].1;
    assert_eq!(r.doi, "10.1038/s41467-024-48400-3");
    assert!(extra(r, "doi").unwrap().contains("LK  - https://"));
    assert!(!r.url.contains(' '));
    assert!(extra(r, "url").unwrap().ends_with("U2  - L2029880245"));
    // SYNERGY: DOI and PMID given as URLs; the OpenAlex id is the URL.
    let (_, p) = parse(&read("labeled/synergy_Donners_2021_ids.csv").unwrap());
    let r = p
        .records
        .iter()
        .map(|(_, r)| r)
        .find(|r| r.doi == "10.1056/nejmoa1703068")
        .unwrap();
    assert_eq!(r.pmid, "29171814");
    assert_eq!(r.url, "https://openalex.org/W2734287351");
    assert_eq!(extra(r, "label_included"), Some("1"));
    // Zotero keeps the PMID in `Extra`.
    let (_, p) = parse(sample("csv/zotero_asysd_export.csv").unwrap().as_bytes());
    assert_eq!(p.records[0].1.pmid, "35319117");
    assert!(
        extra(&p.records[0].1, "Extra")
            .unwrap()
            .contains("PMID: 35319117")
    );
}

#[test]
fn synergy_rows_without_identifier_are_reported_in_one_warning() {
    let Some(bytes) = read("labeled/synergy_Donners_2021_ids.csv") else {
        return;
    };
    let (_, p) = parse(&bytes);
    let w: Vec<_> = p
        .warnings
        .iter()
        .filter(|w| {
            w.message
                .contains("no title, abstract, authors, DOI, PMID or URL")
        })
        .collect();
    // One warning per record left out, each naming its own line.
    assert_eq!(w.len(), 157, "{:?}", p.warnings);
    let lines: Vec<usize> = w.iter().map(|w| w.line).collect();
    assert_eq!(&lines[..4], &[17, 18, 19, 21]);
    assert!(w[0].message.contains("label_included=0"));
}

#[test]
fn abstrackr_heading_and_short_rows_are_warned() {
    let Some(bytes) = read("csv/cff_abstrackr.csv") else {
        return;
    };
    let (_, p) = parse(&bytes);
    assert_eq!(p.records.len(), 10);
    let heading = p.warnings.iter().find(|w| w.line == 36).unwrap();
    assert!(
        heading
            .message
            .contains("citations that are not yet labeled by anyone")
    );
    let short = p
        .warnings
        .iter()
        .find(|w| w.message.contains("row has 8 of 17 columns"))
        .unwrap();
    assert!(short.message.contains("4 rows"), "{}", short.message);
    // `pubmed id` 0 means none: no PMID, the cell kept.
    assert!(p.records.iter().all(|(_, r)| r.pmid.is_empty()));
    assert_eq!(extra(&p.records[0].1, "pubmed id"), Some("0"));
    // Two columns are named `labeled_at`; in row 1 only the second has a
    // value, and it is kept under that name.
    let labeled: Vec<&str> = p.records[0]
        .1
        .extra
        .iter()
        .filter(|f| f.tag == "labeled_at")
        .map(|f| f.value.as_str())
        .collect();
    assert_eq!(labeled, ["2024-08-15 08:42:23"]);
}

#[test]
fn latin1_file_is_read_with_a_warning() {
    let Some(bytes) = read("labeled/asysd_labelled_dedup_test_set.csv") else {
        return;
    };
    // The first bad byte is on line 4: the first 50 kB (to a line end) do.
    let end = 50_000 + bytes[50_000..].iter().position(|&b| b == b'\n').unwrap();
    let (_, p) = parse(&bytes[..end]);
    assert_eq!(p.warnings[0].line, 0);
    assert!(
        p.warnings[0].message.contains("windows-1252"),
        "{:?}",
        p.warnings[0]
    );
    // The file holds only 0xA9: the copyright sign, not Š.
    let text: String = p
        .records
        .iter()
        .map(|(_, r)| r.abstract_text.as_str())
        .collect();
    assert!(text.contains("© 2008 Lippincott"));
    assert!(!text.contains('Š'));
}

// ---------------------------------------------------------------- quirks

#[test]
fn preamble_lines_before_the_header() {
    let p = parse_str(
        "\"SEARCH QUERY\",\"peer support\"\n-----\n\nTitle,Authors,Year\nA study,\"Doe, J.\",2001\n",
    );
    assert_eq!(p.records.len(), 1);
    assert_eq!(p.records[0].0, 5);
    assert_eq!(p.warnings.len(), 1);
    assert_eq!(p.warnings[0].line, 1);
    assert!(
        p.warnings[0]
            .message
            .starts_with("2 line(s) before the header")
    );
}

#[test]
fn excel_protected_cells() {
    let p = parse_str(
        "Title,ISSN,Publication Date,Accession Number\nA,=\"0012345X\",=\"4/3/2024\",=\"007\"\n",
    );
    let r = &p.records[0].1;
    assert_eq!(r.issn, "0012345X");
    assert_eq!(r.date, "4/3/2024");
    assert_eq!(r.year, Some(2024));
    // Unmapped cells too are read as the value inside.
    assert_eq!(extra(r, "Accession Number"), Some("007"));
}

#[test]
fn semicolons_of_a_european_excel() {
    let p = parse_str("Title;Authors;Year;Abstract\r\n\"A, b\";Doe, J.;2001;x, y, z\r\n");
    let r = &p.records[0].1;
    assert_eq!(r.title, "A, b");
    assert_eq!(r.authors, ["Doe, J."]);
    assert_eq!(r.abstract_text, "x, y, z");
    // Excel's `sep=` hint line.
    let p = parse_str("sep=;\nTitle;Year\nA;2001\n");
    assert_eq!(p.records[0].1.title, "A");
    assert_eq!(p.records[0].0, 3);
}

#[test]
fn utf16_and_boms() {
    let text = "Title\tAuthors\tYear\nÉtude\tDoe, J\t2001\n";
    let plain = parse_str(text);
    let encodings: Vec<Vec<u8>> = vec![
        [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
        [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect(),
        text.encode_utf16().flat_map(u16::to_le_bytes).collect(),
        [0xFE, 0xFF]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
            .collect(),
        text.encode_utf16().flat_map(u16::to_be_bytes).collect(),
    ];
    for bytes in encodings {
        let (format, p) = parse(&bytes);
        assert_eq!(format, Format::Tsv);
        assert_eq!(p.records.len(), 1);
        assert_eq!(mapped(&p.records[0].1), mapped(&plain.records[0].1));
        assert_eq!(p.records[0].1.title, "Étude");
    }
}

#[test]
fn cells_with_line_breaks_and_file_lines() {
    let text = "Title,Abstract,Year\r\n\"One\",\"first\r\nsecond\r\n\r\nthird\",2001\r\n\r\nTwo,\"x\",2002\rThree,y,2003";
    let p = parse_str(text);
    let lines: Vec<usize> = p.records.iter().map(|(l, _)| *l).collect();
    assert_eq!(lines, [2, 7, 8]);
    // A blank line inside a cell stays a paragraph break.
    assert_eq!(p.records[0].1.abstract_text, "first second\n\nthird");
}

#[test]
fn ragged_rows() {
    let text = "Title,Authors,Year,DOI\nShort,\"Doe, J.\"\nLong,x,2001,10.1/a,surplus\nTrailing,x,2002,10.1/b,\nFine,x,2003,10.1/c\n";
    let p = parse_str(text);
    assert_eq!(p.records.len(), 4);
    let short = p.warnings.iter().find(|w| w.line == 2).unwrap();
    assert_eq!(short.message, "row has 2 of 4 columns");
    let long = p.warnings.iter().find(|w| w.line == 3).unwrap();
    assert!(long.message.starts_with("row has 5 cells, the header 4"));
    assert_eq!(extra(&p.records[1].1, "column 5"), Some("surplus"));
    // An empty cell past the header (WoS ends rows with a tab) is no problem.
    assert_eq!(p.warnings.len(), 2, "{:?}", p.warnings);
}

#[test]
fn wos_tab_files_do_not_quote() {
    let text = "PT\tAU\tTI\tSO\tPY\tUT\nJ\tDoe, J\t\"Fake news\" and facts\tX\t2001\tWOS:1\n\
                J\tRoe, K\t\"Unclosed quote\tY\t2002\tWOS:2\nJ\tPoe, E\tThird\tZ\t2003\tWOS:3\n";
    let p = parse_str(text);
    let titles: Vec<&str> = p.records.iter().map(|(_, r)| r.title.as_str()).collect();
    assert_eq!(
        titles,
        ["\"Fake news\" and facts", "\"Unclosed quote", "Third"]
    );
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
}

#[test]
fn empty_rows_are_reported_with_their_lines() {
    let p = parse_str("Title,Year\nA,2001\n,\n\"\",\nB,2002\n,\n");
    assert_eq!(p.records.len(), 2);
    assert_eq!(p.reported, 3);
    assert_eq!(p.total(), 5);
    let lines: Vec<usize> = p.warnings.iter().map(|w| w.line).collect();
    assert_eq!(lines, [3, 4, 6], "{:?}", p.warnings);
}

#[test]
fn a_file_cut_inside_a_quoted_cell() {
    let p = parse_str("Title,Abstract,Year\nA,\"whole\",2001\nB,\"cut her");
    assert_eq!(p.total(), 2);
    let w = p
        .warnings
        .iter()
        .find(|w| w.message.contains("never closed"))
        .unwrap();
    assert_eq!(w.line, 3);
    assert_eq!(p.records[1].1.abstract_text, "cut her");
}

#[test]
fn a_cut_last_line_with_one_cell_is_still_a_record() {
    let p = parse_str("Title,Abstract,Year\nA,x,2001\nSection heading\nB,y,2002\nC is cut");
    let titles: Vec<&str> = p.records.iter().map(|(_, r)| r.title.as_str()).collect();
    assert_eq!(titles, ["A", "B", "C is cut"]);
    assert!(
        p.warnings
            .iter()
            .any(|w| w.line == 3 && w.message.contains("Section heading"))
    );
}

#[test]
fn forced_format_reads_unknown_columns() {
    let text = "alpha,beta\n1,2\n";
    assert!(import::parse(text.as_bytes(), None).is_err());
    let (_, p) = import::parse(text.as_bytes(), Some(Format::Csv)).unwrap();
    assert_eq!(p.total(), 1);
    assert_eq!(p.reported, 1);
    assert!(p.warnings[0].message.contains("no known column name"));
    let (_, p) = import::parse(b"Title\tYear\nA, b\t2001\n", Some(Format::Tsv)).unwrap();
    assert_eq!(p.records[0].1.title, "A, b");
}

#[test]
fn detection_is_not_fooled() {
    for text in [
        "TY  - JOUR\nTI  - Title, Authors, Year\nER  - \n",
        "PMID- 123\nTI  - Title, abstract\n",
        "Search results\nTitle, authors and abstract, year of the review\nArticle\nPublication date: 1 May 2020\n",
        "Title,Authors\nsome prose, with a comma, and more, and more, commas, here, there, again\nno commas here\nnone\nnone\n",
    ] {
        assert_ne!(import::csv::detect(text), Some(Format::Csv), "{text}");
    }
    assert_eq!(import::detect("Title,Year\nA,2001\n"), Some(Format::Csv));
    assert_eq!(
        import::detect("PT\tAU\tTI\tSO\tPY\tUT\nJ\tDoe\tX\tY\t2001\tWOS:1\n"),
        Some(Format::Tsv)
    );
}

// ------------------------------------------------------------- mutations

/// About how much of a large file the mutation tests use: they parse each
/// file many times in a debug build, and the first rows of a large export
/// have its quirks.
const MAX_SAMPLE: usize = 300_000;

/// The decoded text of a corpus file, cut after its last whole row within
/// `MAX_SAMPLE` bytes.
fn sample(path: &str) -> Option<String> {
    let bytes = read(path)?;
    let text = decode::decode(&bytes).text.into_owned();
    if text.len() <= MAX_SAMPLE {
        return Some(text);
    }
    let mut end = MAX_SAMPLE;
    while !text.is_char_boundary(end) {
        end += 1;
    }
    let (_, p) = parse(&text.as_bytes()[..end]);
    // The last row read may be cut: end before it.
    let last = p.records.last()?.0;
    let start = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .nth(last - 1)?;
    Some(text[..start].to_string())
}

/// Each mutation of a real file: the same records on the same lines.
#[test]
fn mutations_keep_records_and_lines() {
    let Some(_) = common::corpus() else {
        return;
    };
    for (path, _) in tables() {
        let text = sample(&path).unwrap();
        let (_, base) = parse(text.as_bytes());
        let lf = text.replace("\r\n", "\n");
        let mutations: Vec<(&str, Vec<u8>)> = vec![
            ("CRLF to LF", lf.clone().into_bytes()),
            ("LF to CRLF", lf.replace('\n', "\r\n").into_bytes()),
            ("bare CR", lf.replace('\n', "\r").into_bytes()),
            (
                "BOM added",
                [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
            ),
            (
                "UTF-16LE with BOM",
                [0xFF, 0xFE]
                    .into_iter()
                    .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
                    .collect(),
            ),
            (
                "UTF-16BE",
                text.encode_utf16().flat_map(u16::to_be_bytes).collect(),
            ),
        ];
        for (name, mutated) in mutations {
            let (_, p) = parse(&mutated);
            assert_eq!(p.total(), base.total(), "{path}, {name}");
            assert_eq!(p.reported, base.reported, "{path}, {name}");
            let lines = |p: &Parsed| p.records.iter().map(|(l, _)| *l).collect::<Vec<_>>();
            assert_eq!(lines(&p), lines(&base), "{path}, {name}");
            for ((_, a), (_, b)) in p.records.iter().zip(&base.records) {
                // Line breaks inside cells change with the mutation; what a
                // reviewer sees does not.
                assert_eq!(a.title, b.title, "{path}, {name}");
                assert_eq!(a.authors, b.authors, "{path}, {name}");
                assert_eq!(a.doi, b.doi, "{path}, {name}");
                assert_eq!(a.year, b.year, "{path}, {name}");
            }
        }
    }
}

/// An Excel re-save: semicolons, CRLF, BOM, every cell quoted. Rows are
/// rewritten with the `csv` crate, which here serves as an independent
/// reader and writer.
#[test]
fn excel_resave_keeps_the_records() {
    let Some(_) = common::corpus() else {
        return;
    };
    for (path, _) in tables() {
        if path.contains("cff_embase") {
            continue; // the preamble is not one table
        }
        let text = sample(&path).unwrap();
        let (_, base) = parse(text.as_bytes());
        let tab = path.ends_with(".tsv") || path.ends_with(".txt");
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(if tab { b'\t' } else { b',' })
            .from_reader(text.as_bytes());
        let mut out = b"\xEF\xBB\xBF".to_vec();
        {
            let mut w = csv::WriterBuilder::new()
                .delimiter(b';')
                .terminator(csv::Terminator::CRLF)
                .quote_style(csv::QuoteStyle::Always)
                .flexible(true)
                .from_writer(&mut out);
            for row in rdr.records() {
                w.write_record(&row.unwrap()).unwrap();
            }
        }
        let (format, p) = parse(&out);
        assert_eq!(format, Format::Csv, "{path}");
        assert_eq!(p.total(), base.total(), "{path}");
        for ((_, a), (_, b)) in p.records.iter().zip(&base.records) {
            assert_eq!(mapped(a), mapped(b), "{path}");
        }
    }
}

/// Where a row starts after its first delimiter, outside quotes.
fn after_first_delimiter(row: &[u8], delimiter: u8) -> Option<usize> {
    let mut quoted = false;
    for (i, &b) in row.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            _ if b == delimiter && !quoted => return Some(i + 1),
            _ => {}
        }
    }
    None
}

/// Cutting a file inside a row keeps every row before it, counts the cut
/// row, and says that the row is short or its quote never closed.
#[test]
fn truncation_keeps_the_rows_before_and_reports_the_cut_one() {
    let Some(_) = common::corpus() else {
        return;
    };
    for (path, _) in tables() {
        let text = sample(&path).unwrap();
        let (_, base) = parse(text.as_bytes());
        if base.records.len() < 2 {
            continue;
        }
        let k = base.records.len() / 2;
        let line = base.records[k].0;
        let starts: Vec<usize> = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let row_start = starts[line - 1];
        let tab = path.ends_with(".tsv") || path.ends_with(".txt");
        let Some(offset) = after_first_delimiter(
            &text.as_bytes()[row_start..],
            if tab { b'\t' } else { b',' },
        ) else {
            continue;
        };
        let mut cut = row_start + offset + 2;
        while !text.is_char_boundary(cut) {
            cut += 1;
        }
        let (_, p) = parse(&text.as_bytes()[..cut]);
        let (_, before) = parse(&text.as_bytes()[..row_start]);
        assert_eq!(
            p.total(),
            before.total() + 1,
            "{path}: cut in the row on line {line}"
        );
        assert!(p.records.len() >= k, "{path}");
        for ((la, a), (lb, b)) in p.records[..k].iter().zip(&base.records[..k]) {
            assert_eq!(la, lb, "{path}");
            assert_eq!(mapped(a), mapped(b), "{path}");
        }
        assert!(
            p.warnings.iter().any(|w| w.line >= line
                && (w.message.contains("columns") || w.message.contains("never closed"))),
            "{path}: the cut row on line {line} has no warning: {:?}",
            p.warnings
        );
    }
}

// ---------------------------------------------------------- no panics

fn csvish() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("\"".to_string()),
            Just(",".to_string()),
            Just(";".to_string()),
            Just("\t".to_string()),
            Just("\n".to_string()),
            Just("\r".to_string()),
            Just("=\"".to_string()),
            Just("Title".to_string()),
            Just("Authors".to_string()),
            Just("DOI".to_string()),
            Just("sep=".to_string()),
            Just("10.1/x".to_string()),
            Just("\u{feff}".to_string()),
            "[a-zé ]{0,6}",
        ],
        0..60,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        for format in [None, Some(Format::Csv), Some(Format::Tsv)] {
            if let Ok((_, p)) = import::parse(&bytes, format) {
                let _ = p.total();
            }
        }
    }

    #[test]
    fn csv_like_text_never_panics_and_lines_stay_in_the_file(text in csvish()) {
        let n = file_lines(&text);
        for format in [None, Some(Format::Csv), Some(Format::Tsv)] {
            if let Ok((_, p)) = import::parse(text.as_bytes(), format) {
                let mut previous = 0;
                for (line, _) in &p.records {
                    prop_assert!(*line > previous && *line <= n.max(1));
                    previous = *line;
                }
                for w in &p.warnings {
                    prop_assert!(w.line <= n.max(1));
                }
            }
        }
    }
}

// ------------------------------------------------------------------ docs

/// The column mapping table of docs/IMPORT-CSV.md, rendered from
/// `columns::COLUMNS`: one row per field, names in priority order.
fn mapping_table() -> String {
    use screener::import::columns::{COLUMNS, Strength};
    let mut targets = Vec::new();
    for (_, target, _) in COLUMNS {
        if !targets.contains(target) {
            targets.push(*target);
        }
    }
    let mut out = String::from("| field | header names, best first |\n|---|---|\n");
    for target in targets {
        let names: Vec<String> = COLUMNS
            .iter()
            .filter(|(_, t, _)| *t == target)
            .map(|(name, _, strength)| match strength {
                Strength::Strong => format!("`{name}`"),
                Strength::Weak => format!("`{name}` (weak)"),
                Strength::WosTag => format!("`{name}` (WoS tag)"),
            })
            .collect();
        out.push_str(&format!("| {target:?} | {} |\n", names.join(", ")));
    }
    out
}

#[test]
fn the_documented_mapping_table_is_the_one_in_the_code() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/IMPORT-CSV.md"))
        .expect("docs/IMPORT-CSV.md");
    let start = doc.find("<!-- columns -->").expect("start marker") + "<!-- columns -->\n".len();
    let end = doc.find("<!-- /columns -->").expect("end marker");
    let expected = mapping_table();
    assert!(
        doc[start..end] == expected,
        "docs/IMPORT-CSV.md has an old column table; put this between the markers:\n{expected}"
    );
}

/// Issue 10: a Scopus CSV whose rows carry one cell more than the header
/// (an unnamed cell after `Funding Text 1`; BOM, CRLF, line breaks inside
/// cells; written for this test in Scopus's layout, since the corpus has
/// none). Recognised without `--format`, each row realigned from the right
/// end (`Source` is `Scopus`, `EID` is `2-s2.0-…`), said once for the file.
#[test]
fn scopus_rows_with_an_unnamed_extra_cell_are_realigned() {
    let bytes = std::fs::read("tests/fixtures/scopus_extra_cell.csv").unwrap();
    let (format, p) = parse(&bytes);
    assert_eq!(format, Format::Csv);
    assert_eq!((p.records.len(), p.reported), (4, 0), "{:?}", p.warnings);
    assert_eq!(p.warnings.len(), 1, "{:?}", p.warnings);
    let w = &p.warnings[0];
    assert!(w.message.contains("after `Funding Text 1`"), "{w:?}");
    assert!(w.message.contains("one cell more than the header"), "{w:?}");
    assert!(w.message.contains("3 rows: lines 2, 4, 6"), "{w:?}");
    assert!(w.action.starts_with("realigned"), "{w:?}");
    for (i, (_, r)) in p.records.iter().enumerate() {
        let n = i + 1;
        assert_eq!(
            extra(r, "EID"),
            Some(format!("2-s2.0-8486000000{n}").as_str()),
            "{r:?}"
        );
        assert_eq!(extra(r, "Source"), Some("Scopus"));
        assert_eq!(extra(r, "Language of Original Document"), Some("English"));
        assert_eq!(
            extra(r, "Abbreviated Source Title"),
            Some("J. Ment. Health Train. Educ. Pract.")
        );
        assert!(
            extra(r, "References").is_some_and(|v| v.starts_with("Davidson")),
            "{r:?}"
        );
        assert!(extra(r, "Correspondence Address").is_some_and(|v| v.starts_with("Repper")));
        assert!(
            !r.extra.iter().any(|f| f.tag.starts_with("column")),
            "{r:?}"
        );
        assert!(!r.title.is_empty());
    }
    let pmids: Vec<&str> = p.records.iter().map(|(_, r)| r.pmid.as_str()).collect();
    assert_eq!(pmids, ["23000001", "23000002", "", "23000004"]);
    let second = &p.records[1].1;
    assert_eq!(
        extra(second, "Funding Text (unnamed)"),
        Some("Second funding text: the Health Foundation")
    );
    assert_eq!(
        extra(&p.records[0].1, "Funding Text 1"),
        Some("Funded by the Regional Innovation Fund")
    );
}
