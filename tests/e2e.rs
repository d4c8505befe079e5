//! The real binary in a pseudo-terminal: start, decide, quit, reopen, and
//! kill -9; `status --json` reads what the screen saved.

mod common;

use common::pty::Term;
use common::run;
use screener::commands::demo::SAMPLES;

fn project_with_sample(dir: &std::path::Path) {
    let (_, bytes) = SAMPLES[0];
    std::fs::write(dir.join("scopus.ris"), bytes).unwrap();
    let (code, out, err) = run(&["import", "p.ron", "scopus.ris"], dir);
    assert_eq!(code, 0, "{out}{err}");
}

fn status(dir: &std::path::Path) -> serde_json::Value {
    let (code, out, err) = run(&["status", "p.ron", "--reviewer", "alice", "--json"], dir);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

#[test]
fn decide_three_quit_reopen() {
    let dir = tempfile::tempdir().unwrap();
    project_with_sample(dir.path());
    let mut t = Term::spawn(
        &["screen", "p.ron", "--reviewer", "alice"],
        dir.path(),
        80,
        24,
    );
    t.wait_for("1/10");
    t.keys("i");
    t.wait_for("2/10");
    t.keys("e");
    t.wait_for("Exclude: why?");
    t.keys("1 4 enter");
    t.wait_for("3/10");
    t.keys("m");
    t.wait_for("4/10");
    // The journal write is asynchronous: the mark turns to saved when the
    // fsync returns.
    let screen = t.wait_for("saved ✓");
    assert!(
        screen.contains("✓ 1 included  ✗ 1 excluded  ? 1 maybe · 7 left"),
        "{screen}"
    );
    t.keys("q");
    assert_eq!(t.wait_exit(), 0);
    assert!(!t.alternate_screen(), "the terminal is restored");

    let s = status(dir.path());
    assert_eq!(s["screened"], 3);
    assert_eq!(s["included"], 1);
    assert_eq!(s["excluded"], 1);
    assert_eq!(s["maybe"], 1);
    assert_eq!(s["undecided"], 7);
    assert_eq!(s["reasons"]["population"], 1);
    assert_eq!(s["reasons"]["outcome"], 1);

    // Reopening resumes at the first undecided record, with the same counts.
    let mut t = Term::spawn(
        &["screen", "p.ron", "--reviewer", "alice"],
        dir.path(),
        80,
        24,
    );
    let screen = t.wait_for("4/10");
    assert!(
        screen.contains("✓ 1 included  ✗ 1 excluded  ? 1 maybe · 7 left"),
        "{screen}"
    );
    t.keys("left");
    t.wait_for("Your decision: maybe");
    t.keys("q");
    assert_eq!(t.wait_exit(), 0);
    assert_eq!(status(dir.path())["screened"], 3);
}

#[test]
fn a_decision_marked_saved_survives_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    project_with_sample(dir.path());
    let mut t = Term::spawn(
        &["screen", "p.ron", "--reviewer", "alice"],
        dir.path(),
        80,
        24,
    );
    t.wait_for("1/10");
    t.keys("i i");
    t.wait_for("3/10");
    t.wait_for("saved ✓");
    t.kill9();
    let s = status(dir.path());
    assert_eq!(s["included"], 2, "{s}");
    // And the screen opens again where it left off.
    let mut t = Term::spawn(
        &["screen", "p.ron", "--reviewer", "alice"],
        dir.path(),
        80,
        24,
    );
    t.wait_for("3/10");
    t.keys("q");
    assert_eq!(t.wait_exit(), 0);
}

#[test]
fn bad_input_gives_a_clear_error_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(&["screen", "missing.ron"], dir.path());
    assert_eq!(code, 1);
    assert!(err.contains("missing.ron: no such project file"), "{err}");

    std::fs::write(dir.path().join("bad.ron"), "(version: 1, records: [").unwrap();
    let (code, _, err) = run(&["status", "bad.ron"], dir.path());
    assert_eq!(code, 1);
    assert!(err.contains("bad.ron:1:"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("bad.ron")).unwrap(),
        "(version: 1, records: ["
    );

    std::fs::write(dir.path().join("notes.txt"), "hello\nworld\n").unwrap();
    let (code, _, err) = run(&["import", "p.ron", "notes.txt"], dir.path());
    assert_eq!(code, 1);
    assert!(
        err.contains("notes.txt: could not tell the format"),
        "{err}"
    );
    assert!(
        !dir.path().join("p.ron").exists(),
        "no project is created from nothing"
    );

    std::fs::write(dir.path().join("km.ron"), "(screening: {\"i\": explode})").unwrap();
    project_with_sample(dir.path());
    let (code, _, err) = run(&["screen", "p.ron", "--keymap", "km.ron"], dir.path());
    assert_eq!(code, 1);
    assert!(err.contains("km.ron:1:"), "{err}");

    let (code, _, _) = run(&["status"], dir.path());
    assert_eq!(code, 2, "usage errors exit 2");
}

#[test]
fn import_json_follows_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in SAMPLES {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    let names: Vec<&str> = SAMPLES.iter().map(|(n, _)| *n).collect();
    let mut args = vec!["import", "p.ron", "--json"];
    args.extend(&names);
    let (code, out, err) = run(&args, dir.path());
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), 4);
    for f in files {
        for key in [
            "path",
            "format",
            "records",
            "imported",
            "reported",
            "with_title",
            "with_abstract",
            "with_doi",
            "duplicates",
            "warnings",
        ] {
            assert!(f.get(key).is_some(), "missing {key} in {f}");
        }
        assert_eq!(
            f["records"].as_u64().unwrap(),
            f["imported"].as_u64().unwrap() + f["reported"].as_u64().unwrap()
        );
    }
    assert_eq!(files[0]["format"], "ris");
    assert_eq!(files[3]["format"], "pasted");
    assert_eq!(files[3]["records"], 3);
    assert_eq!(files[3]["with_title"], 0);
    assert_eq!(v["records_added"], 33);
    assert_eq!(v["total_records"], 33);
    assert!(v.get("duplicates").is_some());
}
