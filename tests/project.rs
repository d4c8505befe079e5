//! The project file: round trip, and keys that do not depend on import order.

mod common;

use std::collections::BTreeMap;

use screener::commands::demo::SAMPLES;
use screener::ingest::{Input, import_files};
use screener::project::{Change, Decision, Project, Stage, Verdict};
use screener::store;

fn inputs<'a>(files: &'a [(String, Vec<u8>)]) -> Vec<Input<'a>> {
    files
        .iter()
        .map(|(path, bytes)| Input {
            path: path.clone(),
            bytes,
            format: None,
            database: None,
        })
        .collect()
}

/// The sample data, plus two corpus files of one search that share DOIs
/// when the corpus is there.
fn files() -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = SAMPLES
        .iter()
        .map(|(name, bytes)| (name.to_string(), bytes.to_vec()))
        .collect();
    if let Some(corpus) = common::corpus() {
        for p in [
            "ris/revtools_restoration_scopus.ris",
            "nbib/revtools_restoration_pubmed.nbib",
            "pasted/emerald_search_results_peer_support.txt",
        ] {
            files.push((p.to_string(), std::fs::read(corpus.join(p)).unwrap()));
        }
    }
    files
}

#[test]
fn write_then_read_gives_the_same_project() {
    let files = files();
    let mut project = Project::new();
    import_files(&mut project, &inputs(&files)).unwrap();
    let key = project.records[3].key.clone();
    project.apply(&Change::Decide(Decision {
        record: key,
        reviewer: "ana \"quoted\"".into(),
        stage: Stage::TitleAbstract,
        verdict: Verdict::Exclude(vec!["population".into(), "language".into()]),
        note: "two lines\nand ünïcödé, 日本語, \\ backslash".into(),
        tags: vec!["check later".into()],
        at: "2026-11-26T10:00:00Z".into(),
        rule: None,
    }));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("review.ron");
    store::write_atomic(&path, &project).unwrap();
    let (read, report) = store::load(&path).unwrap();
    assert_eq!(report.applied, 0);
    assert_eq!(read, project);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("(\n  version: 1,\n"), "{}", &text[..40]);
    // Diff-friendly: one field per line, so a decision is a few lines.
    assert!(text.contains("\n      verdict: exclude([\"population\", \"language\"]),\n"));
}

/// Content of each record by key, leaving out where it sits (origin).
fn by_key(project: &Project) -> BTreeMap<String, String> {
    project
        .records
        .iter()
        .map(|r| {
            let mut r = r.clone();
            r.origin = Default::default();
            (r.key.clone(), format!("{r:?}"))
        })
        .collect()
}

#[test]
fn keys_do_not_depend_on_import_order() {
    let files = files();
    let mut forward = Project::new();
    import_files(&mut forward, &inputs(&files)).unwrap();

    // The same files in the opposite order, one import each.
    let mut backward = Project::new();
    for f in files.iter().rev() {
        import_files(&mut backward, &inputs(std::slice::from_ref(f))).unwrap();
    }
    assert_eq!(forward.records.len(), backward.records.len());
    let (a, b) = (by_key(&forward), by_key(&backward));
    assert_eq!(a.len(), forward.records.len(), "keys are unique");
    assert_eq!(a, b, "same keys, same records, same duplicate links");
    if common::corpus().is_some() {
        // Scopus and PubMed copies of one paper share a DOI but not a key.
        let dups = forward.records.iter().filter(|r| !r.is_primary()).count();
        assert_eq!(dups, 81, "the 81 DOIs the Scopus and PubMed files share");
    }
}

#[test]
fn importing_a_file_twice_adds_nothing_and_says_so() {
    let files = files();
    let mut project = Project::new();
    import_files(&mut project, &inputs(&files[..1])).unwrap();
    let n = project.records.len();
    let report = import_files(&mut project, &inputs(&files[..1])).unwrap();
    assert_eq!(project.records.len(), n);
    let f = &report.files[0];
    assert_eq!(f.imported, 0);
    assert_eq!(f.reported, n);
    assert_eq!(f.records, f.imported + f.reported);
    assert_eq!(f.warnings.len(), 1, "{:?}", f.warnings);
    assert!(
        f.warnings[0]
            .message
            .contains("the same file (byte for byte) was imported before"),
        "{:?}",
        f.warnings
    );
    // No second source: PRISMA must not count its records twice.
    assert_eq!(project.sources.len(), 1);
    assert_eq!(f.database, project.sources[0].database);
}

#[test]
fn a_file_named_twice_in_one_import_is_read_once() {
    let files = files();
    let mut project = Project::new();
    let same = [files[0].clone(), files[0].clone()];
    let twice = inputs(&same);
    let report = import_files(&mut project, &twice).unwrap();
    assert_eq!(report.files[0].imported, project.records.len());
    assert_eq!(report.files[1].imported, 0);
    assert_eq!(report.files[1].reported, report.files[1].records);
    assert!(
        report.files[1].warnings[0]
            .message
            .contains("in this import")
    );
    assert_eq!(report.files[1].database, report.files[0].database);
    assert_eq!(project.sources.len(), 1);
}

#[test]
fn a_record_identical_to_one_of_another_file_is_kept_and_linked() {
    // The same reference in two different files (two tools' exports of one
    // library overlap): both kept, under two keys, one a duplicate.
    let one = "TY  - JOUR\nTI  - Shared paper\nPY  - 2020\nDO  - 10.1000/same\nER  - \n";
    let other = format!("{one}\nTY  - JOUR\nTI  - Only here\nPY  - 2021\nER  - \n");
    let files = [
        ("a.ris".to_string(), one.as_bytes().to_vec()),
        ("b.ris".to_string(), other.into_bytes()),
    ];
    let mut project = Project::new();
    import_files(&mut project, &inputs(&files[..1])).unwrap();
    let report = import_files(&mut project, &inputs(&files[1..])).unwrap();
    let f = &report.files[0];
    assert_eq!((f.records, f.imported, f.reported), (2, 2, 0));
    assert!(f.warnings.is_empty(), "{:?}", f.warnings);
    assert_eq!(f.duplicates_of_project, 1);
    assert_eq!(project.records.len(), 3);
    let shared: Vec<_> = project
        .records
        .iter()
        .filter(|r| r.title == "Shared paper")
        .collect();
    assert_eq!(shared.len(), 2);
    assert_ne!(shared[0].key, shared[1].key);
    assert_eq!(shared[1].key, format!("{}~2", shared[0].key));
    assert_eq!(
        shared[1].duplicate_of.as_deref(),
        Some(shared[0].key.as_str())
    );
}
