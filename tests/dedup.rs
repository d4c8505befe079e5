//! Duplicate groups on real exports and across imports: the restoration
//! searches agree with their DOI overlap, a re-run search is deduplicated
//! against the project, decisions survive a change of primary, and the
//! import report says where each duplicate's first copy is.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use screener::dedup::MatchRule;
use screener::import;
use screener::ingest::{ImportReport, Input, import_files};
use screener::project::{Change, Decision, Project, Stage, Verdict};
use screener::record::Record;
use screener::stats;
use screener::text;
use screener::tui::app::App;
use screener::tui::keymap::Keymap;

fn import(project: &mut Project, files: &[(&str, &[u8])]) -> ImportReport {
    let inputs: Vec<Input> = files
        .iter()
        .map(|(path, bytes)| Input {
            path: path.to_string(),
            bytes,
            format: None,
            database: None,
        })
        .collect();
    import_files(project, &inputs).expect("import")
}

/// DOIs as the files write them, read without the importer: RIS `DO  - `,
/// MEDLINE `LID`/`AID - … [doi]`, WoS `DI `; lowercased.
fn raw_dois(path: &str, bytes: &[u8]) -> BTreeSet<String> {
    let text = String::from_utf8_lossy(bytes);
    text.lines()
        .filter_map(|l| {
            if path.ends_with(".ris") {
                l.strip_prefix("DO  - ")
            } else if path.ends_with(".nbib") {
                l.strip_prefix("LID - ")
                    .or_else(|| l.strip_prefix("AID - "))
                    .and_then(|v| v.strip_suffix(" [doi]"))
            } else {
                l.strip_prefix("DI ")
            }
        })
        .map(|d| d.trim().to_lowercase())
        .collect()
}

/// Group of every record: the primary's key.
fn group_of(r: &Record) -> &str {
    r.duplicate_of.as_deref().unwrap_or(&r.key)
}

const RESTORATION: [&str; 3] = [
    "ris/revtools_restoration_scopus.ris",
    "nbib/revtools_restoration_pubmed.nbib",
    "wos_txt/revtools_restoration_wos.ciw",
];

/// The files of one search in several databases, imported together: every
/// DOI they share puts its records in one group, no group holds two DOIs,
/// and for each pair of databases the groups spanning both whose records
/// carry DOIs are exactly the shared DOIs.
fn check_restoration(files: &[(&str, Vec<u8>)], overlap: &BTreeMap<(usize, usize), usize>) {
    let mut project = Project::new();
    let refs: Vec<(&str, &[u8])> = files.iter().map(|(p, b)| (*p, b.as_slice())).collect();
    import(&mut project, &refs);
    let dois: Vec<BTreeSet<String>> = files.iter().map(|(p, b)| raw_dois(p, b)).collect();

    let mut groups: HashMap<&str, Vec<&Record>> = HashMap::new();
    for r in &project.records {
        groups.entry(group_of(r)).or_default().push(r);
    }
    for members in groups.values() {
        let in_group: BTreeSet<String> = members
            .iter()
            .filter_map(|r| text::normalize_doi(&r.doi))
            .collect();
        assert!(in_group.len() <= 1, "two DOIs in one group: {in_group:?}");
    }
    let mut doi_group: HashMap<String, BTreeSet<&str>> = HashMap::new();
    for r in &project.records {
        if let Some(d) = text::normalize_doi(&r.doi) {
            doi_group.entry(d).or_default().insert(group_of(r));
        }
    }
    for (&(a, b), &expected) in overlap {
        let shared: Vec<&String> = dois[a].intersection(&dois[b]).collect();
        // The independent count matches MANIFEST.tsv.
        assert_eq!(shared.len(), expected, "{} ∩ {}", files[a].0, files[b].0);
        for d in &shared {
            let g = &doi_group[d.as_str()];
            assert_eq!(g.len(), 1, "DOI {d} is split over groups {g:?}");
        }
        // Groups spanning both files in which both sides carry a DOI: one
        // per shared DOI, no more.
        let spanning = groups
            .values()
            .filter(|m| {
                let side = |s: usize| {
                    m.iter()
                        .any(|r| r.origin.source as usize == s && !r.doi.is_empty())
                };
                side(a) && side(b)
            })
            .count();
        assert_eq!(spanning, expected, "{} and {}", files[a].0, files[b].0);
    }
    // Title matches across files join only records of which one has no DOI;
    // list them so a change in what is matched shows in the test output.
    for members in groups.values().filter(|m| m.len() > 1) {
        for r in members {
            if let Some(m) = r
                .duplicate_match
                .as_ref()
                .filter(|m| m.rule != MatchRule::Doi)
            {
                eprintln!("linked by {:?} {}: {}", m.rule, m.score, r.display_title());
            }
        }
    }
    // The same groups whatever the order of the files.
    let mut reversed = Project::new();
    let rev: Vec<(&str, &[u8])> = refs.iter().rev().copied().collect();
    import(&mut reversed, &rev);
    let links = |p: &Project| -> BTreeMap<String, Option<String>> {
        p.records
            .iter()
            .map(|r| (r.key.clone(), r.duplicate_of.clone()))
            .collect()
    };
    assert_eq!(links(&project), links(&reversed));
}

#[test]
fn restoration_scopus_and_pubmed_agree_with_their_doi_overlap() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let files: Vec<(&str, Vec<u8>)> = RESTORATION[..2]
        .iter()
        .map(|p| (*p, std::fs::read(corpus.join(p)).unwrap()))
        .collect();
    // MANIFEST.tsv: 81 DOIs shared by the Scopus and the PubMed export.
    check_restoration(&files, &BTreeMap::from([((0, 1), 81)]));
    // The import report says so too: the PubMed copies duplicate Scopus.
    let mut project = Project::new();
    let report = import(
        &mut project,
        &[(files[0].0, &files[0].1), (files[1].0, &files[1].1)],
    );
    assert_eq!(report.files[1].duplicates_of_other_files, 81);
    assert_eq!(report.duplicates, 81);
}

/// The three restoration searches together (Scopus RIS, PubMed nbib, WoS
/// plain text): groups agree with the DOIs the files share.
#[test]
fn restoration_with_wos_agrees_with_doi_overlap() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let files: Vec<(&str, Vec<u8>)> = RESTORATION
        .iter()
        .map(|p| (*p, std::fs::read(corpus.join(p)).unwrap()))
        .collect();
    let (_, parsed) = import::parse(&files[2].1, None).unwrap();
    assert!(!parsed.records.is_empty(), "{} reads", RESTORATION[2]);
    // MANIFEST.tsv: Scopus/PubMed 81, Scopus/WoS 62, PubMed/WoS 25.
    check_restoration(
        &files,
        &BTreeMap::from([((0, 1), 81), ((0, 2), 62), ((1, 2), 25)]),
    );
}

fn ris(records: &[(&str, &str, &str)]) -> Vec<u8> {
    // (title, doi, year); authors and journal shared.
    let mut out = String::new();
    for (title, doi, year) in records {
        out.push_str("TY  - JOUR\n");
        out.push_str(&format!("TI  - {title}\n"));
        out.push_str("AU  - Jeppesen, Erik\nAU  - Sondergaard, Martin\n");
        out.push_str(&format!("PY  - {year}\n"));
        out.push_str("JO  - Freshwater Biology\n");
        if !doi.is_empty() {
            out.push_str(&format!("DO  - {doi}\n"));
        }
        out.push_str("ER  - \n\n");
    }
    out.into_bytes()
}

const LAKES: &str = "Lake restoration by biomanipulation: twenty years of Danish experience";
const RIVERS: &str = "River restoration and the recovery of macroinvertebrate communities";
const WETLANDS: &str = "Wetland creation on former arable land: effects on nutrient retention";

#[test]
fn report_says_where_each_duplicate_was_first() {
    let mut project = Project::new();
    // First run: a duplicate within the first file, and one of it in the
    // second file.
    let first = ris(&[
        (LAKES, "", "2007"),
        (&format!("{LAKES}."), "", "2007"),
        (RIVERS, "", "2010"),
    ]);
    let second = ris(&[(&LAKES.to_uppercase(), "", "2007"), (WETLANDS, "", "2012")]);
    let report = import(&mut project, &[("a.ris", &first), ("b.ris", &second)]);
    let counts = |r: &ImportReport, i: usize| {
        let f = &r.files[i];
        (
            f.duplicates,
            f.duplicates_within_file,
            f.duplicates_of_other_files,
            f.duplicates_of_project,
        )
    };
    assert_eq!(counts(&report, 0), (1, 1, 0, 0));
    assert_eq!(counts(&report, 1), (1, 0, 1, 0));
    assert_eq!(report.duplicates, 2);
    assert_eq!(report.duplicates_by_rule.get("title"), Some(&2));
    // A later run: a copy of something already there.
    let third = ris(&[(RIVERS, "10.1111/fwb.1", "2010")]);
    let report = import(&mut project, &[("c.ris", &third)]);
    assert_eq!(counts(&report, 0), (1, 0, 0, 1));
    assert_eq!(report.duplicates, 3);
    let json = serde_json::to_value(&report).unwrap();
    for key in [
        "duplicates",
        "duplicates_within_file",
        "duplicates_of_other_files",
        "duplicates_of_project",
    ] {
        assert!(json["files"][0][key].is_u64(), "{key}");
    }
    assert!(json["duplicates_by_rule"].is_object());
}

fn decide(project: &mut Project, record: &str, verdict: Verdict, at: &str) {
    project.apply(&Change::Decide(Decision {
        record: record.into(),
        reviewer: "ana".into(),
        stage: Stage::TitleAbstract,
        verdict,
        note: String::new(),
        tags: Vec::new(),
        at: at.into(),
        rule: None,
    }));
}

#[test]
fn decisions_follow_the_group_when_a_rerun_brings_a_smaller_key() {
    let mut project = Project::new();
    // Batch 1: the paper without a DOI (key `t:…`), and another paper.
    let first = ris(&[(LAKES, "", "2007"), (RIVERS, "", "2010")]);
    import(&mut project, &[("scopus-2024.ris", &first)]);
    let old = project.records[0].key.clone();
    assert!(old.starts_with("t:"), "{old}");
    decide(&mut project, &old, Verdict::Include, "2024-01-01T10:00:00Z");

    // Batch 2, months later: the same paper now with a DOI (key `doi:…`,
    // smaller than `t:…`), and a paper not seen before.
    let rerun = ris(&[(LAKES, "10.1111/fwb.2007", "2007"), (WETLANDS, "", "2012")]);
    let report = import(&mut project, &[("scopus-2025.ris", &rerun)]);
    assert_eq!(report.files[0].duplicates_of_project, 1);
    let new = project
        .records
        .iter()
        .find(|r| r.key.starts_with("doi:"))
        .unwrap()
        .key
        .clone();
    assert!(new < old);
    // The primary changed…
    let old_record = project.records.iter().find(|r| r.key == old).unwrap();
    assert_eq!(old_record.duplicate_of.as_deref(), Some(new.as_str()));
    // …and the decision made on the old primary counts for the group.
    let current = project.current_decisions("ana", Stage::TitleAbstract);
    assert_eq!(current[new.as_str()].verdict, Verdict::Include);
    let status = stats::status(&project, "ana", Stage::TitleAbstract);
    assert_eq!(
        (status.records, status.duplicates, status.eligible),
        (4, 1, 3)
    );
    assert_eq!((status.included, status.undecided), (1, 2));
    // The screen's queue holds the new primary, shown as decided, and
    // starts at the first undecided record.
    let app = App::new(
        project.clone(),
        "p.ron".into(),
        "ana".into(),
        Stage::TitleAbstract,
        Keymap::default_map(),
    );
    assert_eq!(app.queue_len(), 3);
    assert_eq!(app.verdict_of(&new), Some(&Verdict::Include));
    assert_eq!(app.counts().included, 1);
    assert_ne!(app.current().map(|r| r.key.as_str()), Some(new.as_str()));
    // The screen's "new since batch 2" filter agrees: the new primary's
    // group first appeared in batch 1.
    let at = project.records.iter().position(|r| r.key == new).unwrap();
    assert_eq!(app.batch_of(at), 1);

    // "New since batch 2": only the paper never seen before; the re-run
    // copy of a screened paper is not new.
    let new_since: Vec<&str> = stats::new_since(&project, 2)
        .into_iter()
        .map(|i| project.records[i].title.as_str())
        .collect();
    assert_eq!(new_since, [WETLANDS]);
    assert_eq!(stats::new_since(&project, 1).len(), 3);
    assert!(stats::new_since(&project, 3).is_empty());

    // A later decision on the new primary wins over the old one.
    decide(
        &mut project,
        &new,
        Verdict::Exclude(vec!["population".into()]),
        "2025-03-01T10:00:00Z",
    );
    let status = stats::status(&project, "ana", Stage::TitleAbstract);
    assert_eq!((status.included, status.excluded), (0, 1));
    // Taking it back leaves the group undecided.
    decide(&mut project, &new, Verdict::Cleared, "2025-03-01T10:01:00Z");
    let status = stats::status(&project, "ana", Stage::TitleAbstract);
    assert_eq!(
        (status.included, status.excluded, status.undecided),
        (0, 0, 3)
    );
}

#[test]
fn a_rerun_of_the_same_export_adds_nothing() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let path = RESTORATION[0];
    let bytes = std::fs::read(corpus.join(path)).unwrap();
    let mut project = Project::new();
    import(&mut project, &[(path, &bytes)]);
    let before = project.records.len();
    let report = import(&mut project, &[(path, &bytes)]);
    // Every record is identical to one already there: reported, not added.
    assert_eq!(report.records_added, 0);
    assert_eq!(report.files[0].reported, before);
    assert_eq!(project.records.len(), before);
}

#[test]
fn a_split_link_stays_split_at_later_imports_until_confirmed() {
    let mut project = Project::new();
    let a = ris(&[(LAKES, "10.1111/fwb.2007", "2007")]);
    let b = ris(&[(LAKES, "", "2007")]);
    import(&mut project, &[("scopus.ris", &a), ("wos.ris", &b)]);
    let dup = project
        .records
        .iter()
        .find(|r| r.duplicate_of.is_some())
        .expect("the two copies are linked")
        .clone();
    let primary = dup.duplicate_of.clone().unwrap();
    let review = |split: bool| {
        Change::ReviewDuplicate(screener::project::DuplicateReview {
            record: dup.key.clone(),
            of: primary.clone(),
            split,
            reviewer: "ana".into(),
            at: "2026-11-26T10:00:00Z".into(),
        })
    };
    project.apply(&review(true));
    let linked = |p: &Project| {
        p.records
            .iter()
            .filter(|r| r.duplicate_of.is_some())
            .count()
    };
    assert_eq!(linked(&project), 0);

    // A re-run months later adds a third copy and an unrelated paper: the
    // reviewer's split holds; the third copy joins one side only.
    let c = ris(&[(LAKES, "10.1111/fwb.2007", "2007"), (WETLANDS, "", "2012")]);
    let mut c = c;
    c.extend_from_slice(b"\n");
    import(&mut project, &[("rerun.ris", &c)]);
    let by_key: HashMap<&str, Option<&str>> = project
        .records
        .iter()
        .map(|r| (r.key.as_str(), r.duplicate_of.as_deref()))
        .collect();
    let group = |k: &str| by_key[k].unwrap_or(k).to_string();
    assert_ne!(group(&dup.key), group(&primary), "split pair kept apart");

    // Confirming the link afterwards lets the next import join them again.
    project.apply(&review(false));
    import(
        &mut project,
        &[(
            "empty.ris",
            b"TY  - JOUR\nTI  - Something else entirely\nER  - \n",
        )],
    );
    let by_key: HashMap<&str, Option<&str>> = project
        .records
        .iter()
        .map(|r| (r.key.as_str(), r.duplicate_of.as_deref()))
        .collect();
    let group = |k: &str| by_key[k].unwrap_or(k).to_string();
    assert_eq!(group(&dup.key), group(&primary));
}

fn untitled(authors: &[&str], abstract_text: &str) -> Record {
    let mut r = Record {
        authors: authors.iter().map(|a| a.to_string()).collect(),
        year: Some(2020),
        abstract_text: abstract_text.to_string(),
        ..Record::default()
    };
    r.key = r.derive_key();
    r
}

/// Issue 10: six untitled results of one year by the same two authors,
/// short abstracts the same but for the trial's number, are six papers.
/// A copy of one of them (names written the other way round) is still
/// found, and the same abstract by other authors is another paper.
#[test]
fn the_abstract_rule_keeps_numbered_papers_apart_and_needs_compatible_authors() {
    let text = |k: usize| {
        format!(
            "Peer support workers in community mental health teams improved the recovery of \
             clients, as the evaluation of the programme showed in trial {k}."
        )
    };
    let mut records: Vec<Record> = (0..6)
        .map(|k| untitled(&["Repper, Julie", "Watson, Emma"], &text(k)))
        .collect();
    assert_eq!(screener::dedup::link_duplicates(&mut records), 0);
    // Sample sizes and percentages the same way.
    let mut sizes = vec![
        untitled(
            &["Repper, Julie"],
            "We recruited 120 peer support workers across the region, and 45% of them stayed for a year.",
        ),
        untitled(
            &["Repper, Julie"],
            "We recruited 150 peer support workers across the region, and 45% of them stayed for a year.",
        ),
        untitled(
            &["Repper, Julie"],
            "We recruited 120 peer support workers across the region, and 54% of them stayed for a year.",
        ),
    ];
    assert_eq!(screener::dedup::link_duplicates(&mut sizes), 0);

    records.push(untitled(&["Julie Repper", "Emma Watson"], &text(3)));
    records.push(untitled(&["Smith, Adam", "Jones, Bea"], &text(3)));
    let linked = screener::dedup::link_duplicates(&mut records);
    assert_eq!(
        linked,
        1,
        "{:?}",
        records.iter().map(|r| &r.duplicate_of).collect::<Vec<_>>()
    );
    let copy = &records[6];
    let original = &records[3];
    let (primary, other) = if copy.duplicate_of.is_some() {
        (original, copy)
    } else {
        (copy, original)
    };
    assert_eq!(other.duplicate_of.as_deref(), Some(primary.key.as_str()));
    assert_eq!(
        other.duplicate_match.as_ref().unwrap().rule,
        MatchRule::Abstract
    );
    assert!(records[7].duplicate_of.is_none());
}
