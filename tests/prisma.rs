//! PRISMA counts: the identities hold on real corpus files screened by a
//! simulated team and on generated projects, agree with `status`, and the
//! PRISMA2020 template keeps the template's rows and columns.

mod common;

use proptest::prelude::*;
use screener::ingest::{Input, import_files};
use screener::prisma::{self, Prisma};
use screener::project::{CONSENSUS, Change, Decision, Project, Settings, Stage, Verdict};
use screener::record::Record;
use screener::stats;

/// What `status` says must be what PRISMA says, box by box.
fn agrees_with_status(project: &Project, reviewer: &str, p: &Prisma) {
    let ta = stats::status(project, reviewer, Stage::TitleAbstract);
    let ft = stats::status(project, reviewer, Stage::FullText);
    assert_eq!(p.identified, ta.records);
    assert_eq!(p.duplicates, ta.duplicates);
    assert_eq!(p.identified - p.duplicates, ta.eligible);
    // Status counts bulk exclusions as exclusions; PRISMA moves them to
    // "removed for other reasons".
    assert_eq!(p.excluded + p.other, ta.excluded, "{p:?}");
    let maybe_forward = if p.maybe_to_full_text { ta.maybe } else { 0 };
    assert_eq!(p.sought, ta.included + maybe_forward + ta.not_retrieved);
    assert_eq!(p.pending_screening, ta.undecided + ta.maybe - maybe_forward);
    assert_eq!(p.sought, ft.eligible + ta.not_retrieved, "{p:?}");
    if p.full_text_started {
        assert_eq!(p.included, Some(ft.included));
        assert_eq!(p.reports_excluded, Some(ft.excluded));
        assert_eq!(p.pending_assessment, Some(ft.maybe));
        // Not retrieved at full text, plus any marked so at title/abstract.
        assert_eq!(p.not_retrieved, Some(ft.not_retrieved + ta.not_retrieved));
        assert_eq!(p.assessed, Some(ft.included + ft.excluded + ft.maybe));
    } else {
        assert_eq!(ft.screened, 0);
        assert_eq!(p.pending_retrieval, p.sought);
    }
}

#[test]
fn identities_hold_on_corpus_files_screened_by_a_team() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let mut checked = 0;
    for (path, _) in common::expected_counts() {
        let Ok(bytes) = std::fs::read(corpus.join(&path)) else {
            continue;
        };
        let mut project = Project::new();
        if import_files(
            &mut project,
            &[Input {
                path: path.clone(),
                bytes: &bytes,
                format: None,
                database: None,
            }],
        )
        .is_err()
        {
            continue;
        }
        for maybe_forward in [true, false] {
            let mut project = project.clone();
            project.settings.maybe_to_full_text = maybe_forward;
            for c in screener::synth_screening::two_reviewers(&project, checked as u64) {
                project.apply(&c);
            }
            for reviewer in ["alice", "bob", CONSENSUS] {
                let p = prisma::compute(&project, reviewer);
                p.check()
                    .unwrap_or_else(|e| panic!("{path} ({reviewer}): {e}"));
                agrees_with_status(&project, reviewer, &p);
            }
        }
        checked += 1;
    }
    assert!(checked >= 100, "only {checked} corpus files checked");
}

/// Three database exports of one search, with the duplicates between them.
#[test]
fn per_database_counts_and_duplicates_of_a_three_file_search() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let files = [
        ("ris/citesource_gambling_scopus_255.ris", "Scopus"),
        ("ris/citesource_gambling_pubmed_176.ris", "PubMed"),
        ("ris/citesource_gambling_psycinfo_124.ris", "APA PsycInfo"),
    ];
    let bytes: Vec<Vec<u8>> = files
        .iter()
        .map(|(f, _)| std::fs::read(corpus.join(f)).unwrap())
        .collect();
    let inputs: Vec<Input> = files
        .iter()
        .zip(&bytes)
        .map(|((f, db), b)| Input {
            path: f.to_string(),
            bytes: b,
            format: None,
            database: Some(db.to_string()),
        })
        .collect();
    let mut project = Project::new();
    import_files(&mut project, &inputs).unwrap();
    let p = prisma::compute(&project, "nobody");
    p.check().unwrap();
    let dbs: Vec<(&str, usize)> = p.databases.iter().map(|d| (d.name.as_str(), d.n)).collect();
    assert_eq!(
        dbs,
        [("Scopus", 255), ("PubMed", 176), ("APA PsycInfo", 124)]
    );
    assert_eq!(p.identified, 555);
    assert!(p.duplicates > 200, "{}", p.duplicates);
    // Nothing decided: everything after deduplication waits, and the later
    // boxes have not started.
    assert!(!p.title_abstract_started);
    assert_eq!(p.pending_screening, 555 - p.duplicates);
    assert_eq!((p.screened, p.sought), (0, 0));
    assert_eq!(p.assessed, None);
    assert_eq!(p.included, None);
}

fn record(i: usize) -> Record {
    Record {
        key: format!("k{i:03}"),
        title: format!("Record {i}"),
        origin: screener::record::Origin {
            source: (i % 3) as u32,
            position: i as u32,
        },
        ..Record::default()
    }
}

fn source(i: usize) -> screener::project::Source {
    screener::project::Source {
        path: format!("file{i}.ris"),
        format: "ris".into(),
        database: ["Scopus", "ClinicalTrials.gov", ""][i].into(),
        imported_at: "2026-01-01T00:00:00Z".into(),
        records: 0,
        imported: 0,
        reported: 0,
        batch: 1,
        content_hash: String::new(),
    }
}

fn verdict_strategy() -> impl Strategy<Value = Verdict> {
    prop_oneof![
        Just(Verdict::Include),
        Just(Verdict::Maybe),
        Just(Verdict::NotRetrieved),
        Just(Verdict::Cleared),
        proptest::collection::vec(
            prop_oneof![
                Just("population".to_string()),
                Just("outcome".to_string()),
                Just("ft-population".to_string()),
                Just("ft-other".to_string()),
                Just("retired-or-unknown".to_string()),
            ],
            0..3
        )
        .prop_map(Verdict::Exclude),
    ]
}

#[derive(Debug, Clone)]
struct Step {
    record: usize,
    reviewer: usize,
    full_text: bool,
    verdict: Verdict,
    rule: bool,
}

fn step_strategy(n: usize) -> impl Strategy<Value = Step> {
    (
        0..n,
        0..3usize,
        any::<bool>(),
        verdict_strategy(),
        prop::bool::weighted(0.1),
    )
        .prop_map(|(record, reviewer, full_text, verdict, rule)| Step {
            record,
            reviewer,
            full_text,
            verdict,
            rule,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Any project (duplicates, decisions at both stages by several
    /// reviewers, changes of mind, undos, bulk rules, decisions on
    /// duplicates and on records that do not exist, either setting):
    /// the boxes add up and agree with `status`.
    #[test]
    fn identities_hold_on_generated_projects(
        n in 1usize..40,
        links in proptest::collection::vec((0usize..40, 0usize..40), 0..15),
        steps in proptest::collection::vec(step_strategy(45), 0..120),
        maybe_forward in any::<bool>(),
    ) {
        let mut project = Project::new();
        project.settings = Settings { maybe_to_full_text: maybe_forward, ..Settings::default() };
        project.sources = (0..3).map(source).collect();
        project.records = (0..n).map(record).collect();
        // A record links to a primary with a smaller index (groups are
        // stars around their primary, as dedup makes them).
        for (a, b) in links {
            let (a, b) = (a % n, b % n);
            if a > b && project.records[b].is_primary() {
                let primary = project.records[b].key.clone();
                let linked_to_a = project.records.iter().any(|r| r.duplicate_of.as_deref() == Some(project.records[a].key.as_str()));
                if !linked_to_a {
                    project.records[a].duplicate_of = Some(primary);
                }
            }
        }
        let reviewers = ["alice", "bob", CONSENSUS];
        for (t, s) in steps.iter().enumerate() {
            project.apply(&Change::Decide(Decision {
                record: format!("k{:03}", s.record),
                reviewer: reviewers[s.reviewer].into(),
                stage: if s.full_text { Stage::FullText } else { Stage::TitleAbstract },
                verdict: s.verdict.clone(),
                note: String::new(),
                tags: Vec::new(),
                at: format!("2026-01-01T00:{:02}:{:02}Z", t / 60, t % 60),
                rule: s.rule.then(|| "year before 2000".to_string()),
            }));
        }
        for reviewer in reviewers {
            let p = prisma::compute(&project, reviewer);
            prop_assert!(p.check().is_ok(), "{:?}: {:?}", p.check(), p);
            agrees_with_status(&project, reviewer, &p);
            // The diagram and the template are made from the same numbers.
            let csv = prisma::template::render(&p);
            prop_assert!(csv.contains("records_screened,node9,box4,"), "{}", csv);
            let svg = prisma::svg::render(&p);
            let shown = format!("Records excluded (n\u{a0}=\u{a0}{})", p.excluded);
            prop_assert!(svg.contains(&shown), "{} not in the SVG", shown);
        }
    }
}

/// The PRISMA2020 template as shipped beside the repository (when it is
/// there) is the one built in, and our output keeps its every column and
/// row, changing only `n`.
#[test]
fn prisma2020_keeps_the_template_and_fills_n() {
    let shipped = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/reference/PRISMA2020_template.csv");
    if let Ok(text) = std::fs::read_to_string(&shipped) {
        assert_eq!(text, prisma::template::template());
    }
    let mut project = Project::new();
    project.sources = (0..3).map(source).collect();
    project.records = (0..12).map(record).collect();
    project.records[11].duplicate_of = Some("k000".into());
    let decide = |p: &mut Project, i: usize, stage, verdict| {
        p.apply(&Change::Decide(Decision {
            record: format!("k{i:03}"),
            reviewer: "alice".into(),
            stage,
            verdict,
            note: String::new(),
            tags: Vec::new(),
            at: "2026-01-01T00:00:00Z".into(),
            rule: None,
        }))
    };
    for i in 0..6 {
        decide(&mut project, i, Stage::TitleAbstract, Verdict::Include);
    }
    decide(
        &mut project,
        6,
        Stage::TitleAbstract,
        Verdict::Exclude(vec!["population".into()]),
    );
    decide(&mut project, 0, Stage::FullText, Verdict::Include);
    decide(
        &mut project,
        1,
        Stage::FullText,
        Verdict::Exclude(vec!["ft-population".into(), "ft-outcome".into()]),
    );
    decide(
        &mut project,
        2,
        Stage::FullText,
        Verdict::Exclude(vec!["ft-outcome".into()]),
    );
    decide(&mut project, 3, Stage::FullText, Verdict::Exclude(vec![]));
    decide(&mut project, 4, Stage::FullText, Verdict::NotRetrieved);
    project
        .reasons
        .iter_mut()
        .find(|r| r.id == "ft-outcome")
        .unwrap()
        .label = "Outcome; not reported, or unclear".into();
    let p = prisma::compute(&project, "alice");
    p.check().unwrap();
    let out = prisma::template::render(&p);
    let read = |text: &str| -> Vec<Vec<String>> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect()
    };
    let template = read(prisma::template::template());
    let ours = read(&out);
    assert_eq!(template.len(), ours.len());
    let n_col = template[0].iter().position(|c| c == "n").unwrap();
    for (t, o) in template.iter().zip(&ours) {
        assert_eq!(t.len(), o.len());
        for (c, (a, b)) in t.iter().zip(o).enumerate() {
            if c != n_col {
                assert_eq!(a, b, "column {c} of row {}", t[0]);
            }
        }
    }
    let n = |data: &str| -> String { ours.iter().find(|r| r[0] == data).unwrap()[n_col].clone() };
    assert_eq!(n("database_results"), "8");
    assert_eq!(n("register_results"), "4");
    assert_eq!(n("duplicates"), "1");
    assert_eq!(n("records_screened"), "7");
    assert_eq!(n("records_excluded"), "1");
    assert_eq!(n("dbr_sought_reports"), "6");
    assert_eq!(n("dbr_notretrieved_reports"), "1");
    assert_eq!(n("dbr_assessed"), "4");
    // One per report, under its first reason in the project's order; a
    // label's `;` and `,` would split the app's list.
    assert_eq!(
        n("dbr_excluded"),
        "Population, 1; Outcome / not reported / or unclear, 1; No reason given, 1"
    );
    assert_eq!(n("new_studies"), "1");
    assert_eq!(n("total_studies"), "1");
    assert_eq!(n("previous_studies"), "0");

    // Before any full-text decision those boxes are NA, not 0.
    let mut early = project.clone();
    early.decisions.retain(|d| d.stage == Stage::TitleAbstract);
    let p = prisma::compute(&early, "alice");
    let ours = read(&prisma::template::render(&p));
    let n = |data: &str| ours.iter().find(|r| r[0] == data).unwrap()[n_col].clone();
    assert_eq!(n("dbr_assessed"), "NA");
    assert_eq!(n("dbr_excluded"), "NA");
    assert_eq!(n("new_studies"), "NA");
    assert_eq!(n("dbr_sought_reports"), "6");
}
