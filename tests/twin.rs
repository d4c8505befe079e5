//! Two reviewers through the binary: `import --decisions-from`, `compare`,
//! `merge`, and `merge-driver` in a real git repository.

mod common;

use std::path::Path;
use std::process::Command;

use common::git::{git, set_up_driver};
use common::run;
use screener::project::{Change, Decision, Project, Stage, Verdict};
use screener::store;

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/rayyan_three_reviewers.csv"
);
const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/sample-data/scopus_dinosaurs.ris"
);

fn ok(args: &[&str], cwd: &Path) -> String {
    let (code, out, err) = run(args, cwd);
    assert_eq!(code, 0, "screener {args:?}\nstdout: {out}\nstderr: {err}");
    out
}

/// Adds decisions to a project file the way a checkpoint would leave it.
fn decide(path: &Path, reviewer: &str, picks: &[(usize, Verdict)]) {
    let (mut p, _) = store::load(path).unwrap();
    let primaries = p.primaries_in_import_order();
    for (i, v) in picks {
        let record = p.records[primaries[*i]].key.clone();
        p.apply(&Change::Decide(Decision {
            record,
            reviewer: reviewer.into(),
            stage: Stage::TitleAbstract,
            verdict: v.clone(),
            note: String::new(),
            tags: Vec::new(),
            at: screener::project::now(),
            rule: None,
        }));
    }
    store::write_atomic(path, &p).unwrap();
    let _ = std::fs::remove_file(store::bak_path(path));
}

fn load(path: &Path) -> Project {
    store::load(path).unwrap().0
}

#[test]
fn a_rayyan_export_with_three_reviewers_compares_for_any_pair() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = ok(
        &["import", "r.ron", FIXTURE, "--decisions-from", "rayyan"],
        d,
    );
    assert!(
        out.contains("Ana: 3 included, 6 excluded, 1 maybe"),
        "{out}"
    );
    assert!(
        out.contains("rayyan_three_reviewers.csv:10: vote `Perhaps` by Chloe"),
        "{out}"
    );
    for pair in ["Ana,Ben", "Ana,Chloe", "Ben,Chloe"] {
        let text = ok(&["compare", "r.ron", "--reviewers", pair], d);
        assert!(
            text.contains("Cohen's kappa") && text.contains("Fleiss, Cohen & Everitt"),
            "{text}"
        );
        let json: serde_json::Value =
            serde_json::from_str(&ok(&["compare", "r.ron", "--reviewers", pair, "--json"], d))
                .unwrap();
        for key in [
            "both_screened",
            "agreement",
            "kappa",
            "kappa_ci",
            "kappa_maybe_as_include",
            "pabak",
            "ac1",
            "table",
            "conflicts",
        ] {
            assert!(json.get(key).is_some(), "{pair}: no `{key}` in {json}");
        }
        let conflicts = json["conflicts"].as_array().unwrap().len();
        let csv = ok(
            &["compare", "r.ron", "--reviewers", pair, "--format", "csv"],
            d,
        );
        let rows = csv::Reader::from_reader(csv.as_bytes()).records().count();
        assert_eq!(rows, conflicts, "{csv}");
    }
    // Ana and Ben, counted by hand from the fixture: both voted on 9
    // records; they agree on 4 (one include, three excludes).
    let json: serde_json::Value = serde_json::from_str(&ok(
        &["compare", "r.ron", "--reviewers", "Ana,Ben", "--json"],
        d,
    ))
    .unwrap();
    assert_eq!(json["both_screened"], 9);
    assert_eq!(
        json["table"]["counts"],
        serde_json::json!([[1, 1, 1], [1, 3, 1], [1, 0, 0]])
    );
    let three = ok(&["compare", "r.ron", "--reviewers", "Ana,Ben,Chloe"], d);
    assert!(
        three.contains("Fleiss' kappa over the 7 records all 3 screened"),
        "{three}"
    );
    // Several reviewers and none named: an error that lists them.
    let (code, _, err) = run(&["compare", "r.ron"], d);
    assert_eq!(code, 1);
    assert!(
        err.contains("Ana (10 records)") && err.contains("--reviewers"),
        "{err}"
    );
}

#[test]
fn two_reviewers_files_compare_and_merge_without_losing_a_decision() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(&["import", "alice.ron", SAMPLE], d);
    ok(&["import", "bob.ron", SAMPLE], d);
    let ex = || Verdict::Exclude(vec!["population".into()]);
    decide(
        &d.join("alice.ron"),
        "alice",
        &[
            (0, Verdict::Include),
            (1, ex()),
            (2, Verdict::Maybe),
            (3, ex()),
        ],
    );
    decide(
        &d.join("bob.ron"),
        "bob",
        &[
            (0, Verdict::Include),
            (1, Verdict::Include),
            (2, Verdict::Maybe),
            (4, ex()),
        ],
    );
    let text = ok(&["compare", "alice.ron", "bob.ron"], d);
    assert!(
        text.contains("Comparing alice (alice.ron) and bob (bob.ron)"),
        "{text}"
    );
    assert!(
        text.contains("3 screened by both · 1 only by alice · 1 only by bob"),
        "{text}"
    );
    assert!(text.contains("1 conflict\n"), "{text}");
    let out = ok(&["merge", "alice.ron", "bob.ron", "-o", "team.ron"], d);
    assert!(out.contains("team.ron:"), "{out}");
    let team = load(&d.join("team.ron"));
    for f in ["alice.ron", "bob.ron"] {
        for dec in &load(&d.join(f)).decisions {
            assert!(team.decisions.contains(dec), "{f}: {dec:?} lost");
        }
    }
    // The merged file compares with itself as the two files did.
    let again = ok(&["compare", "team.ron", "--reviewers", "alice,bob"], d);
    assert!(again.contains("3 screened by both"), "{again}");
    // Merging again into one of the inputs changes nothing more.
    ok(&["merge", "team.ron", "alice.ron", "-o", "team.ron"], d);
    assert_eq!(load(&d.join("team.ron")).decisions, team.decisions);
    // An existing file that is not an input is not overwritten.
    let (code, _, err) = run(&["merge", "alice.ron", "bob.ron", "-o", "team.ron"], d);
    assert_eq!(code, 1);
    assert!(err.contains("already exists"), "{err}");
    // A file of another review is refused.
    ok(&["import", "other.ron", FIXTURE], d);
    let (code, _, err) = run(&["merge", "alice.ron", "other.ron", "-o", "mixed.ron"], d);
    assert_eq!(code, 1);
    assert!(err.contains("shares no record"), "{err}");
    assert!(!d.join("mixed.ron").exists());
}

#[test]
fn two_clones_pull_each_others_decisions_through_the_merge_driver() {
    if !common::git::available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let [alice, bob] = common::git::review_repo(dir.path(), |lead| {
        ok(&["import", "review.ron", SAMPLE], lead);
    });
    decide(
        &alice.join("review.ron"),
        "alice",
        &[(0, Verdict::Include), (1, Verdict::Maybe)],
    );
    git(&alice, &["commit", "-q", "-am", "alice screened"]);
    git(&alice, &["push", "-q", "origin", "main"]);
    decide(
        &bob.join("review.ron"),
        "bob",
        &[
            (0, Verdict::Exclude(vec!["outcome".into()])),
            (2, Verdict::Include),
        ],
    );
    git(&bob, &["commit", "-q", "-am", "bob screened"]);
    let pulled = git(&bob, &["pull", "-q", "--no-edit", "origin", "main"]);
    assert!(!pulled.contains("CONFLICT"), "{pulled}");
    let text = std::fs::read_to_string(bob.join("review.ron")).unwrap();
    assert!(!text.contains("<<<<<<<"), "{text}");
    let merged = load(&bob.join("review.ron"));
    let alice_has = load(&alice.join("review.ron"));
    for d in alice_has
        .decisions
        .iter()
        .chain(&load(&bob.join("review.ron")).decisions)
    {
        assert!(merged.decisions.contains(d));
    }
    assert_eq!(
        merged
            .current_decisions("alice", Stage::TitleAbstract)
            .len(),
        2
    );
    assert_eq!(
        merged.current_decisions("bob", Stage::TitleAbstract).len(),
        2
    );
    let st = git(&bob, &["status", "--porcelain"]);
    assert!(st.trim().is_empty(), "{st}");
    // Alice pulls the merge back: a fast-forward, the same file.
    git(&bob, &["push", "-q", "origin", "main"]);
    git(&alice, &["pull", "-q", "--no-edit", "origin", "main"]);
    assert_eq!(load(&alice.join("review.ron")), merged);
    // The compare of the merged file works on either clone.
    let cmp = ok(
        &["compare", "review.ron", "--reviewers", "alice,bob"],
        &alice,
    );
    assert!(cmp.contains("1 screened by both"), "{cmp}");
}

#[test]
fn both_sides_changing_the_criteria_is_a_conflict_git_reports() {
    if Command::new("git").arg("--version").output().is_err() {
        eprintln!("notice: no git; skipping");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let repo = root.join("repo");
    std::fs::create_dir(&repo).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    set_up_driver(&repo);
    ok(&["import", "review.ron", SAMPLE], &repo);
    std::fs::write(repo.join(".gitattributes"), "*.ron merge=screener\n").unwrap();
    git(&repo, &["add", ".gitattributes", "review.ron"]);
    git(&repo, &["commit", "-q", "-m", "base"]);
    git(&repo, &["checkout", "-q", "-b", "other"]);
    let set = |criteria: &str, who: &str| {
        let path = repo.join("review.ron");
        let (mut p, _) = store::load(&path).unwrap();
        p.apply(&Change::SetCriteria(criteria.into()));
        store::write_atomic(&path, &p).unwrap();
        let _ = std::fs::remove_file(store::bak_path(&path));
        decide(&path, who, &[(0, Verdict::Include)]);
    };
    set("Adults", "bob");
    git(&repo, &["commit", "-q", "-am", "other"]);
    git(&repo, &["checkout", "-q", "main"]);
    set("Children", "alice");
    git(&repo, &["commit", "-q", "-am", "main"]);
    let out = Command::new("git")
        .args(["merge", "--no-edit", "other"])
        .current_dir(&repo)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.org")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.org")
        .output()
        .unwrap();
    let said =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{said}");
    assert!(
        said.contains("both sides changed the inclusion criteria"),
        "{said}"
    );
    // Everything else is merged; the file reads, with our criteria.
    let p = load(&repo.join("review.ron"));
    assert_eq!(p.criteria, "Children");
    assert_eq!(p.current_decisions("alice", Stage::TitleAbstract).len(), 1);
    assert_eq!(p.current_decisions("bob", Stage::TitleAbstract).len(), 1);
}
