//! Importers on real exports from the shared corpus: exact counts (kept in
//! tests/corpus_counts.tsv, found without the importer) and what a reviewer
//! sees of the records.

mod common;

use screener::import::{self, Format};
use screener::ingest::{Input, import_files};
use screener::project::Project;

/// Records of corpus files that are reported, not imported, each checked
/// by hand: (path, count, what the warning must say).
const REPORTED: &[(&str, usize, &str)] = &[
    // `<1333>` holds only `Publication Type: Journal` and a `Source` line.
    (
        "ovid/jabref_ovid1.txt",
        1,
        "no title, abstract, authors or identifier",
    ),
];

/// The format each corpus folder holds.
fn folder_format(path: &str) -> Option<Format> {
    Some(match path.split('/').next()? {
        "ris" => Format::Ris,
        "nbib" => Format::Medline,
        "bibtex" => Format::Bibtex,
        "endnote_xml" => Format::EndnoteXml,
        "wos_txt" => Format::Wos,
        "ovid" => Format::Ovid,
        "pasted" => Format::Pasted,
        "wos_tab" => Format::Tsv,
        _ => return None,
    })
}

/// Conformance: for every file with a known count, records in the file =
/// imported + reported, through the same path as `screener import`; every
/// reported record has a warning saying why; the format is detected from
/// the content.
#[test]
fn counts_are_exact_and_nothing_is_lost() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    for (path, expected) in common::expected_counts() {
        let bytes = std::fs::read(corpus.join(&path)).unwrap_or_else(|e| panic!("{path}: {e}"));
        let mut project = Project::new();
        let report = import_files(
            &mut project,
            &[Input {
                path: path.clone(),
                bytes: &bytes,
                format: None,
                database: None,
            }],
        )
        .unwrap_or_else(|e| panic!("{path}: {e}"));
        let file = &report.files[0];
        assert_eq!(file.records, expected, "{path}: records in the file");
        assert_eq!(file.imported + file.reported, expected, "{path}");
        assert_eq!(project.records.len(), file.imported, "{path}");
        let (want, why) = REPORTED
            .iter()
            .find(|(p, _, _)| *p == path)
            .map_or((common::expected_reported(&path), ""), |&(_, n, why)| {
                (n, why)
            });
        assert_eq!(file.reported, want, "{path}: {:?}", file.warnings);
        let skipped: Vec<_> = file
            .warnings
            .iter()
            .filter(|w| w.action.starts_with("skipped"))
            .collect();
        assert_eq!(skipped.len(), want, "{path}: {:?}", file.warnings);
        assert!(
            skipped
                .iter()
                .all(|w| w.message.contains(why) && w.line > 0)
        );
        if let Some(format) = folder_format(&path) {
            assert_eq!(file.format, format.name(), "{path}: detected format");
        }
        // Everything imported carries something to screen.
        for r in &project.records {
            assert!(!r.display_title().is_empty(), "{path}: {r:?}");
        }
    }
}

/// Every non-CSV corpus file has a row in corpus_counts.tsv: a new file
/// cannot slip in without a count found by hand.
#[test]
fn every_corpus_file_has_a_count() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let known: Vec<String> = common::expected_counts()
        .into_iter()
        .map(|(p, _)| p)
        .collect();
    for dir in [
        "ris",
        "nbib",
        "bibtex",
        "endnote_xml",
        "wos_txt",
        "ovid",
        "pasted",
    ] {
        for entry in std::fs::read_dir(corpus.join(dir)).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            let path = format!("{dir}/{name}");
            assert!(
                known.contains(&path),
                "{path} has no row in tests/corpus_counts.tsv"
            );
        }
    }
}

#[test]
fn ris_fields_map_and_extras_are_kept() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let bytes = std::fs::read(corpus.join("ris/cff_scopus.ris")).unwrap();
    let (_, parsed) = import::parse(&bytes, None).unwrap();
    let r = &parsed.records[0].1;
    assert_eq!(
        r.title,
        "Global latitudinal gradients and the evolution of body size in dinosaurs and mammals"
    );
    assert_eq!(r.authors.len(), 8);
    assert_eq!(r.authors[0], "Wilson, L.N.");
    assert_eq!(r.year, Some(2024));
    assert_eq!(r.journal, "Nature Communications");
    assert_eq!((r.volume.as_str(), r.issue.as_str()), ("15", "1"));
    assert_eq!(r.doi, "10.1038/s41467-024-46843-2");
    assert!(
        r.abstract_text
            .starts_with("Global climate patterns fundamentally shape")
    );
    assert!(r.keywords.contains(&"Dinosaurs".to_string()));
    // Affiliations are not modelled but kept verbatim.
    assert_eq!(r.extra.iter().filter(|f| f.tag == "AD").count(), 7);
}

#[test]
fn medline_fields_map() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let bytes = std::fs::read(corpus.join("nbib/revtools_restoration_pubmed.nbib")).unwrap();
    let (_, parsed) = import::parse(&bytes, None).unwrap();
    let r = &parsed.records[0].1;
    assert_eq!(r.pmid, "30689646");
    assert_eq!(
        r.title,
        "Ecosystem services changes between 2000 and 2015 in the Loess Plateau, China: A response to ecological restoration."
    );
    assert_eq!(r.doi, "10.1371/journal.pone.0209483");
    assert_eq!(r.authors[0], "Wu, Dan");
    assert_eq!(r.year, Some(2019));
    assert!(
        r.abstract_text
            .contains("one of the most severe soil and water loss areas in the world.")
    );
    assert!(!r.abstract_text.contains('\n'));
}

#[test]
fn pasted_page_gives_ten_full_records() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let bytes =
        std::fs::read(corpus.join("pasted/emerald_search_results_peer_support.txt")).unwrap();
    let (format, parsed) = import::parse(&bytes, None).unwrap();
    assert_eq!(format, Format::Pasted);
    let recs: Vec<_> = parsed.records.iter().map(|(_, r)| r).collect();
    assert_eq!(recs.len(), 10);
    // One result (Jackson and Fong, 2017) has no `Details` on the page: it
    // goes straight from its abstract to the next result. It is kept, with
    // a warning, and only it lacks journal and ISSN.
    let without_details: Vec<_> = parsed
        .warnings
        .iter()
        .filter(|w| w.message.contains("no `Details`"))
        .collect();
    assert_eq!(without_details.len(), 1, "{:?}", parsed.warnings);
    for r in &recs {
        assert!(!r.authors.is_empty(), "{r:?}");
        assert!(!r.date.is_empty() && r.year.is_some(), "{r:?}");
        // The Details block's `Type: Research Article` refines `Article`
        // (Jackson and Fong, without Details, stay `Article`).
        assert!(
            ["Research Article", "Article", "Book part"].contains(&r.kind.as_str()),
            "{}",
            r.kind
        );
        if r.authors[0] == "Fay Jackson" {
            assert!(r.journal.is_empty() && r.issn.is_empty());
            assert_eq!(r.year, Some(2017));
        } else {
            assert!(!r.journal.is_empty(), "journal or book: {r:?}");
            assert!(!r.issn.is_empty() || !r.isbn.is_empty(), "{r:?}");
        }
        assert!(r.title.is_empty());
        assert!(r.display_title().starts_with("(no title) "));
        assert!(!r.abstract_text.is_empty());
    }
    let first = recs[0];
    assert_eq!(first.authors, vec!["Julie Repper", "Emma Watson"]);
    assert_eq!(first.date, "15 June 2012");
    assert_eq!(
        first.journal,
        "The Journal of Mental Health Training, Education and Practice"
    );
    assert_eq!((first.volume.as_str(), first.issue.as_str()), ("7", "2"));
    assert_eq!(first.issn, "1755-6228");
    let labels: Vec<&str> = first.sections.iter().map(|s| s.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "Purpose",
            "Design/methodology/approach",
            "Findings",
            "Originality/value"
        ]
    );
    assert!(
        first.sections[2]
            .text
            .starts_with("The six peers worked with 83 clients")
    );
    assert!(first.abstract_text.starts_with("Purpose: In April 2010"));

    let book = recs.iter().find(|r| r.kind == "Book part").unwrap();
    assert_eq!(book.isbn, "978-1-80382-429-1");
    assert_eq!(
        book.journal,
        "Trauma-Responsive Organisations: The Trauma Ecology Model"
    );

    let four_authors = recs.iter().find(|r| r.authors.len() == 4).unwrap();
    assert_eq!(four_authors.authors[3], "Prunella Howell-Jay");
    assert_eq!(
        recs.iter()
            .filter(|r| r
                .sections
                .iter()
                .any(|s| s.label == "Research limitations/implications"))
            .count(),
        3
    );

    // The two 2012 papers by the same authors in the same issue stay two.
    let repper: Vec<_> = recs
        .iter()
        .filter(|r| r.authors.first().is_some_and(|a| a == "Julie Repper"))
        .collect();
    assert_eq!(repper.len(), 2);
    assert_eq!(repper[0].volume, repper[1].volume);
    assert_ne!(repper[0].derive_key(), repper[1].derive_key());
    let mut project = Project::new();
    let report = import_files(
        &mut project,
        &[Input {
            path: "emerald.txt".into(),
            bytes: &bytes,
            format: None,
            database: None,
        }],
    )
    .unwrap();
    assert_eq!(report.files[0].imported, 10);
    assert_eq!(report.duplicates, 0);
}

/// `--format` accepts exactly the names the importer knows.
#[test]
fn format_flag_and_format_names_agree() {
    use clap::CommandFactory;
    let cmd = screener::cli::Cli::command();
    let import = cmd.find_subcommand("import").expect("import subcommand");
    let arg = import
        .get_arguments()
        .find(|a| a.get_id() == "format")
        .expect("--format");
    let accepted: Vec<String> = arg
        .get_possible_values()
        .iter()
        .map(|v| v.get_name().to_string())
        .collect();
    for name in &accepted {
        assert!(Format::from_name(name).is_some(), "--format {name}");
    }
    for format in Format::ALL {
        assert!(accepted.iter().any(|a| a == format.name()), "{format}");
    }
    for (alias, _) in Format::ALIASES {
        assert!(accepted.iter().any(|a| a == alias), "{alias}");
    }
}

/// The database a file came from, guessed from its records (PRISMA counts
/// per database). Expected from the files' own lines: every record of
/// cff_webofscience.ris has `AN  - WOS:`; the Dimensions file's 246 records
/// link to app.dimensions.ai, the Lens file's 49 to lens.org (17 of them
/// also to PubMed); the GreenFILE file's links say `db=8gh`; the
/// restoration files are one search in Scopus (`DB  - Scopus`), PubMed
/// (`OWN - NLM`) and WoS (a `.ciw`); issue 1099's seven records link three
/// to Scopus, three to Lens and one nowhere, so no database is named.
#[test]
fn the_database_is_guessed_from_the_records() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let cases = [
        ("ris/cff_webofscience.ris", "Web of Science"),
        ("ris/citesource_dimensions_246.ris", "Dimensions"),
        ("ris/citesource_gambling_lens_49.ris", "Lens"),
        ("ris/citesource_greenfile_processed.ris", "GreenFILE"),
        ("ris/revtools_restoration_scopus.ris", "Scopus"),
        ("nbib/revtools_restoration_pubmed.nbib", "PubMed"),
        ("wos_txt/revtools_restoration_wos.ciw", "Web of Science"),
        ("ris/asreview_scopus_issue1099.ris", ""),
        // Emerald's layout: every article's structured abstract has
        // `Design/methodology/approach` and `Originality/value`.
        (
            "pasted/emerald_search_results_peer_support.txt",
            "Emerald Insight",
        ),
    ];
    for (path, want) in cases {
        let bytes = std::fs::read(corpus.join(path)).unwrap();
        let mut project = Project::new();
        let input = Input {
            path: path.into(),
            bytes: &bytes,
            format: None,
            database: None,
        };
        let report = import_files(&mut project, &[input]).unwrap();
        assert_eq!(report.files[0].database, want, "{path}");
        assert_eq!(project.sources[0].database, want, "{path}");
    }
}

fn screener(args: &[&std::ffi::OsStr]) -> (bool, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_screener"))
        .args(args)
        .output()
        .expect("run screener");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The report's words match its counts: a warning about a record that was
/// kept does not come with "0 reported"; a file imported again is said to
/// be skipped, without a `:0` line or the first import's warnings again.
#[test]
fn import_report_words_match_its_counts() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("two.ris");
    std::fs::write(
        &file,
        "TY  - JOUR\nTI  - One\nTY  - JOUR\nTI  - Two\nER  - \n",
    )
    .unwrap();
    let project = dir.path().join("p.ron");
    let (ok, first, _) = screener(&["import".as_ref(), project.as_os_str(), file.as_os_str()]);
    assert!(ok, "{first}");
    assert!(first.contains("2 records, all imported"), "{first}");
    assert!(!first.contains("reported"), "{first}");
    assert!(first.contains("two.ris:1: record has no `ER"), "{first}");
    let (ok, again, _) = screener(&["import".as_ref(), project.as_os_str(), file.as_os_str()]);
    assert!(ok, "{again}");
    assert!(again.contains("skipped: the same file"), "{again}");
    assert!(
        again.contains("its 2 records are in the project already"),
        "{again}"
    );
    assert!(!again.contains(":0:"), "{again}");
    assert!(!again.contains("no `ER"), "{again}");
    assert!(!again.contains("reported"), "{again}");

    let empty = dir.path().join("empty.ris");
    std::fs::write(&empty, "\n  \n").unwrap();
    let (ok, _, err) = screener(&["import".as_ref(), project.as_os_str(), empty.as_os_str()]);
    assert!(!ok);
    assert!(err.contains("empty.ris: the file is empty"), "{err}");
    assert!(!err.contains("could not tell the format"), "{err}");
}
