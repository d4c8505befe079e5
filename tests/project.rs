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
    assert!(
        f.warnings
            .iter()
            .all(|w| w.message.contains("already in the project"))
    );
}
