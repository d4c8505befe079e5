//! No parser panics, whatever the bytes (property tests), and real files
//! changed the way files get changed on their way to a reviewer (line
//! endings, BOM, UTF-16, cut short) keep their counts or say what is
//! missing.

mod common;

use proptest::prelude::*;
use screener::import::{self, Format};

/// Lines that look like the formats' own syntax, so that generated inputs
/// reach deep into the parsers instead of stopping at the first line.
fn syntax_line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("TY  - JOUR".to_string()),
        Just("ER  - ".to_string()),
        Just("1.".to_string()),
        Just("Record #1 of 3".to_string()),
        "[A-Z][A-Z0-9](  |\t| )- ?.{0,20}",
        Just("PMID- 123".to_string()),
        "[A-Z]{2,4} ?- .{0,20}",
        "      .{0,20}",
        Just("FN Clarivate Analytics Web of Science".to_string()),
        Just("PT J".to_string()),
        Just("ER".to_string()),
        Just("EF".to_string()),
        "[A-Z][A-Z0-9] .{0,20}",
        "   .{0,10}",
        Just("@article{key,".to_string()),
        Just("@string{a = \"b\"}".to_string()),
        Just("@comment{".to_string()),
        "[a-z ]{1,8} = [{\"]?.{0,20}[}\"]?,?",
        Just("}".to_string()),
        Just("<xml><records><record>".to_string()),
        Just("<titles><title><style face=\"normal\">T</style></title></titles>".to_string()),
        Just("</record>".to_string()),
        Just("<1>".to_string()),
        Just("Author".to_string()),
        "  .{0,20}",
        Just("Article".to_string()),
        Just("Publication date: 1 May 2020".to_string()),
        Just("Abstract".to_string()),
        Just("Details".to_string()),
        "[\\\\{}&<>;#%$~^\"'-]{0,12}",
        ".{0,30}",
    ]
}

fn document() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(syntax_line(), 0..40),
        prop_oneof![Just("\n"), Just("\r\n"), Just("\r")],
    )
        .prop_map(|(lines, eol)| lines.join(eol))
}

fn check_all_formats(bytes: &[u8]) {
    let _ = import::parse(bytes, None);
    for format in Format::ALL {
        let parsed = match import::parse(bytes, Some(format)) {
            Ok((_, parsed)) => parsed,
            // A forced format reads anything but a file with nothing in it.
            Err(e) => {
                assert_eq!(e, import::UnknownFormat::Empty);
                continue;
            }
        };
        // A record not imported is never unexplained (one warning may cover
        // several: the records after a break in an XML file).
        assert!(parsed.reported == 0 || !parsed.warnings.is_empty());
        for (line, _) in &parsed.records {
            assert!(*line >= 1);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn no_panic_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        check_all_formats(&bytes);
    }

    #[test]
    fn no_panic_on_format_like_text(doc in document()) {
        check_all_formats(doc.as_bytes());
        let mut with_bom = vec![0xEF, 0xBB, 0xBF];
        with_bom.extend_from_slice(doc.as_bytes());
        check_all_formats(&with_bom);
        let utf16: Vec<u8> = doc.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        check_all_formats(&utf16);
    }

    #[test]
    fn latex_and_markup_never_panic(s in ".{0,80}", t in "[\\\\{}'\"`^~=.uvHckr a-zA-Z$&;#<>/-]{0,40}") {
        let _ = screener::import::latex::to_unicode(&s);
        let _ = screener::import::latex::to_unicode(&t);
        let _ = screener::text::clean_markup(&s);
        let _ = screener::text::clean_markup(&t);
        prop_assert_eq!(screener::text::has_doi(&s), screener::text::normalize_doi(&s).is_some());
        prop_assert_eq!(screener::text::collapse_ws(&s), s.split_whitespace().collect::<Vec<_>>().join(" "));
    }

    #[test]
    fn doi_check_agrees_with_doi_parsing(s in "[ a-zA-Z0-9./:;,\\[\\]-]{0,30}") {
        prop_assert_eq!(screener::text::has_doi(&s), screener::text::normalize_doi(&s).is_some());
    }
}

/// Files for the mutation tests: one or two per dialect, small enough to
/// parse six times over in a debug build.
const MUTATED: &[&str] = &[
    "ris/cff_scopus.ris",
    "ris/cff_zotero.ris",
    "ris/asreview_ovid_psycinfo.ris",
    "ris/citesource_valid_wos_79.ris",
    "ris/cff_citavi.ris",
    "ris/asreview_rayyan_issue992.ris",
    "nbib/pybibx_mcda_pubmed.txt",
    "nbib/holub_pubmed_balloongui.nbib",
    "bibtex/pybibx_scopus_m.bib",
    "bibtex/jabref_testjabref.bib",
    "bibtex/jabref_utf8_bom.bib",
    "endnote_xml/jabref_label_multititle.xml",
    "wos_txt/synthesisr_wos.ciw",
    "wos_txt/refsplitr_isitop.txt",
    "ovid/jabref_ovid1.txt",
    "ovid/jabref_ovid4.txt",
    "pasted/emerald_search_results_peer_support.txt",
];

fn total(bytes: &[u8]) -> (usize, Vec<import::Warning>) {
    let (_, parsed) = import::parse(bytes, None).unwrap();
    (parsed.total(), parsed.warnings)
}

fn expected(path: &str) -> usize {
    common::expected_counts()
        .into_iter()
        .find(|(p, _)| p == path)
        .map(|(_, n)| n)
        .unwrap_or_else(|| panic!("{path}: no count"))
}

#[test]
fn line_endings_bom_and_utf16_keep_the_counts() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    for path in MUTATED {
        let bytes = std::fs::read(corpus.join(path)).unwrap();
        let n = expected(path);
        let text = String::from_utf8(
            bytes
                .strip_prefix(b"\xEF\xBB\xBF")
                .unwrap_or(&bytes)
                .to_vec(),
        )
        .unwrap_or_else(|_| panic!("{path} is UTF-8"));
        let lf = text.replace("\r\n", "\n");
        let crlf = lf.replace('\n', "\r\n");
        let cr = lf.replace('\n', "\r");
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(lf.as_bytes());
        let mut le = vec![0xFF, 0xFE];
        le.extend(lf.encode_utf16().flat_map(|u| u.to_le_bytes()));
        let mut be = vec![0xFE, 0xFF];
        be.extend(crlf.encode_utf16().flat_map(|u| u.to_be_bytes()));
        let le_no_bom: Vec<u8> = lf.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        for (what, variant) in [
            ("LF", lf.as_bytes().to_vec()),
            ("CRLF", crlf.into_bytes()),
            ("bare CR", cr.into_bytes()),
            ("UTF-8 BOM", bom),
            ("UTF-16LE BOM", le),
            ("UTF-16BE BOM", be),
            ("UTF-16LE no BOM", le_no_bom),
        ] {
            let (got, warnings) = total(&variant);
            assert_eq!(got, n, "{path} as {what}: {warnings:?}");
        }
    }
}

/// A file cut short in the middle of a record: the records before the cut
/// are all there, the cut one is kept or reported, never silently lost,
/// and for formats that end records with a mark the report says so.
#[test]
fn a_file_cut_short_reports_the_cut_record() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    for path in MUTATED {
        let bytes = std::fs::read(corpus.join(path)).unwrap();
        let (_, full) = import::parse(&bytes, None).unwrap();
        let text = std::str::from_utf8(&bytes).unwrap();
        // Cut in the middle of the middle record's text.
        let lines: Vec<usize> = full.records.iter().map(|(l, _)| *l).collect();
        if lines.len() < 2 {
            continue;
        }
        let mid = lines.len() / 2;
        let cut_line = lines[mid] + 1;
        // Line breaks as the importers count them: CRLF, LF or a bare CR.
        let breaks: Vec<usize> = text
            .char_indices()
            .filter(|&(i, c)| c == '\n' || c == '\r' && !text[i + 1..].starts_with('\n'))
            .map(|(i, _)| i)
            .collect();
        let mut cut = breaks.get(cut_line - 1).copied().unwrap_or(text.len());
        // Mid-line, on a character boundary.
        cut = (cut + 7).min(text.len());
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        let (format, parsed) = import::parse(&text.as_bytes()[..cut], None).unwrap();
        let starts_before_cut = lines.iter().filter(|&&l| l <= cut_line).count();
        assert_eq!(
            parsed.total(),
            starts_before_cut,
            "{path} cut at line {cut_line}: {:?}",
            parsed.warnings
        );
        let ends_with_a_mark = matches!(
            format,
            Format::Ris | Format::Wos | Format::Bibtex | Format::EndnoteXml
        );
        if ends_with_a_mark {
            assert!(
                parsed
                    .warnings
                    .iter()
                    .any(|w| w.line >= lines[mid].saturating_sub(1)),
                "{path}: the cut record is not reported: {:?}",
                parsed.warnings
            );
        }
    }
}

/// What a parse gave, comparable: records with their lines, warnings, the
/// count reported.
fn outcome(p: &import::Parsed) -> (String, Vec<import::Warning>, usize) {
    (format!("{:?}", p.records), p.warnings.clone(), p.reported)
}

/// Lines of RIS records, with the quirks the parser handles (tabs, spilled
/// tags, Ovid numbers, continuation lines, stray ends), but no Cochrane
/// `Record #` header, which turns cutting off.
fn ris_line() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Z][A-Z0-9]  - [a-zA-Z ,.]{0,20}",
        "[A-Z][A-Z0-9]\t- [a-z]{0,10}",
        "[a-z]{1,8}   [A-Z][A-Z0-9]  - [a-z]{0,8}",
        "[a-z ]{0,20}",
        Just("ER  - ".to_string()),
        Just("TY  - BOOK".to_string()),
        Just("1.".to_string()),
        Just(String::new()),
    ]
}

/// A large RIS file is parsed in pieces on several threads
/// (`import::pieces`); the result must be the one-piece result, whatever
/// the number of pieces.
fn check_pieces(text: &str) {
    check_pieces_of(text, Format::Ris);
}

fn check_pieces_of(text: &str, format: Format) {
    let whole = outcome(&import::parse_text_in(text, format, 1, 1));
    for pieces in [2, 3, 7, 64] {
        let cut = outcome(&import::parse_text_in(text, format, pieces, 2));
        assert_eq!(cut, whole, "{} in {pieces} pieces", format.name());
    }
}

/// Lines of MEDLINE records with their quirks: wrapped values, tags
/// without a space, lines that are no tag, blank lines of spaces.
fn medline_line() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Z]{2,4} ?- [a-zA-Z ,.]{0,20}",
        Just("PMID- 123".to_string()),
        Just("PMC - PMC1".to_string()),
        "      [a-z ]{0,20}",
        "[a-z ]{0,20}",
        Just("   ".to_string()),
        Just("\u{a0}".to_string()),
        Just(String::new()),
    ]
}

/// Lines of BibTeX entries, broken ones among them: braces left open,
/// `@` lines inside values, comments, a macro now and then.
fn bibtex_line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("@article{key,".to_string()),
        Just("@Book (k2,".to_string()),
        "  [a-z]{1,8} = [{\"][a-zA-Z ,.]{0,20}[}\"],?",
        "  [a-z]{1,8} = \\{[a-z ]{0,10}",
        "[a-z ]{0,20}",
        Just("}".to_string()),
        Just(")".to_string()),
        Just("@comment{x}".to_string()),
        Just("@preamble{".to_string()),
        Just("@string{a = \"b\"}".to_string()),
        Just("@misc".to_string()),
        Just("% a comment @article{".to_string()),
        Just(String::new()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn medline_in_pieces_parses_as_whole(
        records in prop::collection::vec(
            (prop::collection::vec(medline_line(), 0..6), 0..3usize), 1..30),
        eol in prop_oneof![Just("\n"), Just("\r\n"), Just("\r")],
    ) {
        let mut lines = Vec::new();
        for (inner, blanks) in records {
            lines.push("PMID- 1".to_string());
            lines.extend(inner);
            lines.extend(std::iter::repeat_n(String::new(), blanks));
        }
        check_pieces_of(&lines.join(eol), Format::Medline);
    }

    #[test]
    fn bibtex_in_pieces_parses_as_whole(
        entries in prop::collection::vec(
            (prop::collection::vec(bibtex_line(), 0..6), 0..3usize), 1..30),
        eol in prop_oneof![Just("\n"), Just("\r\n"), Just("\r")],
    ) {
        let mut lines = Vec::new();
        for (inner, blanks) in entries {
            lines.push("@article{k,".to_string());
            lines.extend(inner);
            lines.push("}".to_string());
            lines.extend(std::iter::repeat_n(String::new(), blanks));
        }
        check_pieces_of(&lines.join(eol), Format::Bibtex);
    }

    #[test]
    fn any_document_in_pieces_parses_as_whole(doc in document()) {
        check_pieces_of(&doc, Format::Medline);
        check_pieces_of(&doc, Format::Bibtex);
    }
}

/// Real exports joined many times over, so that there are places to cut:
/// every MEDLINE and BibTeX file of the corpus, and screener's own BibTeX
/// export of generated records.
#[test]
fn medline_and_bibtex_files_parse_in_pieces_as_whole() {
    let mut checked = 0;
    if let Some(corpus) = common::corpus() {
        for (dir, format) in [("nbib", Format::Medline), ("bibtex", Format::Bibtex)] {
            for entry in std::fs::read_dir(corpus.join(dir)).unwrap() {
                let path = entry.unwrap().path();
                let bytes = std::fs::read(&path).unwrap();
                let text = import::decode::decode(&bytes).text;
                for text in [text.to_string(), format!("{text}\n\n").repeat(5)] {
                    let whole = outcome(&import::parse_text_in(&text, format, 1, 1));
                    for pieces in [2, 5, 16] {
                        let cut = outcome(&import::parse_text_in(&text, format, pieces, 2));
                        assert_eq!(cut, whole, "{} in {pieces} pieces", path.display());
                    }
                }
                checked += 1;
            }
        }
        assert!(checked > 10, "only {checked} MEDLINE and BibTeX files");
    }
    let generator = screener::synth::Generator::new(7);
    let records: Vec<_> = (0..300).map(|i| generator.record(i)).collect();
    let bib = screener::export::bibtex::write(&records, |_| Format::Ris);
    let whole = import::parse_text_in(&bib, Format::Bibtex, 1, 1);
    assert_eq!(whole.records.len(), 300);
    for pieces in [2, 7, 64] {
        let cut = import::parse_text_in(&bib, Format::Bibtex, pieces, 2);
        assert_eq!(outcome(&cut), outcome(&whole), "{pieces} pieces");
    }
    let mut nbib = String::new();
    for (i, r) in records.iter().enumerate() {
        nbib.push_str(&format!(
            "PMID- {}\nTI  - {}\nAB  - {}\n      {}\nFAU - {}\nDP  - 2020\n\n",
            1000 + i,
            r.title,
            r.abstract_text,
            r.journal,
            r.authors.first().map_or("", String::as_str)
        ));
    }
    let whole = import::parse_text_in(&nbib, Format::Medline, 1, 1);
    assert_eq!(whole.records.len(), 300);
    for pieces in [2, 7, 64] {
        let cut = import::parse_text_in(&nbib, Format::Medline, pieces, 2);
        assert_eq!(outcome(&cut), outcome(&whole), "{pieces} pieces");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn ris_in_pieces_parses_as_whole(doc in document()) {
        check_pieces(&doc);
    }

    #[test]
    fn ris_records_in_pieces_parse_as_whole(
        records in prop::collection::vec(
            (prop::collection::vec(ris_line(), 0..6), 0..3usize), 1..30),
        eol in prop_oneof![Just("\n"), Just("\r\n"), Just("\r")],
    ) {
        // Real-looking records (TY ... ER) with noise inside and blank
        // lines between, so that there are places to cut.
        let mut lines = Vec::new();
        for (inner, blanks) in records {
            lines.push("TY  - JOUR".to_string());
            lines.extend(inner);
            lines.push("ER  - ".to_string());
            lines.extend(std::iter::repeat_n(String::new(), blanks));
        }
        check_pieces(&lines.join(eol));
    }
}

#[test]
fn every_corpus_ris_file_parses_in_pieces_as_whole() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let mut checked = 0;
    for entry in std::fs::read_dir(corpus.join("ris")).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let text = import::decode::decode(&bytes).text;
        if import::detect(&text) != Some(Format::Ris) {
            continue;
        }
        let whole = outcome(&import::parse_text_in(&text, Format::Ris, 1, 1));
        for pieces in [2, 5, 16] {
            let cut = outcome(&import::parse_text_in(&text, Format::Ris, pieces, 2));
            assert_eq!(cut, whole, "{} in {pieces} pieces", path.display());
        }
        checked += 1;
    }
    assert!(checked > 20, "only {checked} RIS files");
}
