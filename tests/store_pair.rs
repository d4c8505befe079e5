//! A project kept as a pair of files (`review.ron` and
//! `review.ron.records`, `store::records`) through the binary: import,
//! screen, reports, a copy, damage and `recover`, and two reviewers
//! through git's merge driver. Projects from 10,000 records are pairs;
//! `SCREENER_RECORDS_FILE_MIN=0` makes the small sample one here.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::git::git;
use common::pty::Term;

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/sample-data/scopus_dinosaurs.ris"
);

/// Runs the binary with every project written as a pair.
fn pair_run(args: &[&str], cwd: &Path) -> (i32, String, String) {
    let out = Command::new(common::pty::binary())
        .args(args)
        .current_dir(cwd)
        .env("SCREENER_CONFIG", cwd.join("no-config"))
        .env("SCREENER_RECORDS_FILE_MIN", "0")
        .output()
        .expect("run screener");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ok(args: &[&str], cwd: &Path) -> String {
    let (code, out, err) = pair_run(args, cwd);
    assert_eq!(code, 0, "screener {args:?}\nstdout: {out}\nstderr: {err}");
    out
}

fn status(dir: &Path, project: &str) -> serde_json::Value {
    serde_json::from_str(&ok(&["status", project, "--json"], dir)).unwrap()
}

#[cfg(unix)]
fn identity(path: &Path) -> (u64, i64, i64) {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(path).unwrap();
    (m.ino(), m.mtime(), m.mtime_nsec())
}

#[cfg(unix)]
#[test]
fn a_pair_imports_screens_and_reports_as_one_file_does_and_screening_leaves_the_records_alone() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(&["import", "review.ron", SAMPLE], d);
    let (code, out, err) = common::run(&["import", "single.ron", SAMPLE], d);
    assert_eq!(code, 0, "{out}{err}");
    let head = std::fs::read_to_string(d.join("review.ron")).unwrap();
    assert!(head.contains("version: 2,"), "{head}");
    assert!(head.contains("records: [],"));
    assert!(head.contains("records_file: Some(("));
    let single = std::fs::read_to_string(d.join("single.ron")).unwrap();
    assert!(single.contains("version: 1,") && !single.contains("records_file"));
    assert!(!d.join("single.ron.records").exists());

    // The same project either way, as every report sees it.
    let (pair, one) = (status(d, "review.ron"), status(d, "single.ron"));
    assert_eq!(pair["records"], 10);
    assert_eq!(pair, one);
    ok(
        &["export", "review.ron", "--format", "ris", "-o", "pair.ris"],
        d,
    );
    ok(
        &["export", "single.ron", "--format", "ris", "-o", "one.ris"],
        d,
    );
    assert_eq!(
        std::fs::read(d.join("pair.ris")).unwrap(),
        std::fs::read(d.join("one.ris")).unwrap()
    );

    // A screening session writes the project file, not the records.
    let records = d.join("review.ron.records");
    let before = (identity(&records), std::fs::read(&records).unwrap());
    let mut t = Term::spawn_env(
        &["screen", "review.ron", "--reviewer", "alice"],
        d,
        100,
        30,
        &[("SCREENER_CHECKPOINT_IDLE_MS", "0")],
    );
    t.wait_for(" left");
    t.keys("i i");
    wait_saved(&t, "✓ 2 included");
    t.keys("q");
    assert_eq!(t.wait_exit(), 0);
    assert_eq!(
        (identity(&records), std::fs::read(&records).unwrap()),
        before,
        "the records file was not written"
    );
    assert!(!d.join("review.ron.records.bak").exists());
    let after: serde_json::Value = serde_json::from_str(&ok(
        &["status", "review.ron", "--json", "--reviewer", "alice"],
        d,
    ))
    .unwrap();
    assert_eq!(after["screened"], 2, "{after}");
    assert_eq!(after["records"], one["records"]);

    // A copy of the pair (and nothing else) opens elsewhere; a copy of the
    // project file alone says what is missing.
    let copy = tempfile::tempdir().unwrap();
    for name in ["review.ron", "review.ron.records"] {
        std::fs::copy(d.join(name), copy.path().join(name)).unwrap();
    }
    let copied = ok(
        &["status", "review.ron", "--reviewer", "alice"],
        copy.path(),
    );
    assert_eq!(
        copied,
        ok(&["status", "review.ron", "--reviewer", "alice"], d)
    );
    std::fs::remove_file(copy.path().join("review.ron.records")).unwrap();
    let (code, _, err) = pair_run(&["status", "review.ron"], copy.path());
    assert_ne!(code, 0);
    assert!(
        err.contains("review.ron.records: is missing")
            && err.contains("a pair of files: copy, move and commit both"),
        "{err}"
    );
}

#[test]
fn a_changed_records_file_is_refused_and_recover_repairs_the_pair() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(&["import", "review.ron", SAMPLE], d);
    let records: usize = status(d, "review.ron")["records"].as_u64().unwrap() as usize;
    let path = d.join("review.ron.records");
    let mut text = std::fs::read_to_string(&path).unwrap();
    let at = text.find("title: \"").unwrap() + 8;
    let first = text[at..].chars().next().unwrap();
    text.replace_range(at..at + first.len_utf8(), &first.to_lowercase().to_string());
    std::fs::write(&path, &text).unwrap();

    let (code, _, err) = pair_run(&["status", "review.ron"], d);
    assert_ne!(code, 0);
    for words in [
        "review.ron.records: is not the records file the project file names",
        "screener recover review.ron",
    ] {
        assert!(err.contains(words), "{words:?} in {err}");
    }
    let shown = ok(&["recover", "review.ron"], d);
    assert!(shown.contains("review.ron.records"), "{shown}");
    ok(&["recover", "review.ron", "--write"], d);
    let after = status(d, "review.ron");
    assert_eq!(
        after["records"].as_u64().unwrap() as usize,
        records,
        "{after}"
    );
    let kept: Vec<PathBuf> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains(".recovered-"))
        .flat_map(|p| std::fs::read_dir(p).unwrap().map(|e| e.unwrap().path()))
        .collect();
    assert!(
        kept.iter().any(|p| p.ends_with("review.ron.records")),
        "the damaged records file was kept: {kept:?}"
    );
}

/// Waits until a whole frame shows `needle` and every change saved.
fn wait_saved(t: &Term, needle: &str) {
    wait_frame(t, needle, true);
}

/// The first whole frame that shows `needle` (and, with `saved`, every
/// change saved).
fn wait_frame(t: &Term, needle: &str, saved: bool) -> String {
    let start = std::time::Instant::now();
    loop {
        let frame = t.last_frame();
        if frame.contains(needle) && (!saved || frame.contains("saved ✓")) {
            return frame;
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(20),
            "no frame showed {needle:?}{}; the last one:\n{frame}",
            if saved { " saved" } else { "" }
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// A screening session of `reviewer`: `keys`, then quit once `shown` is
/// on screen and saved.
fn screen(dir: &Path, reviewer: &str, keys: &str, shown: &str) {
    let mut t = Term::spawn_env(
        &["screen", "review.ron", "--reviewer", reviewer],
        dir,
        100,
        30,
        &[],
    );
    t.wait_for(" left");
    t.keys(keys);
    wait_saved(&t, shown);
    t.keys("q");
    assert_eq!(t.wait_exit(), 0);
}

#[test]
fn two_reviewers_merge_a_pair_through_the_merge_driver() {
    if !common::git::available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let [alice, bob] = common::git::review_repo(dir.path(), |lead| {
        ok(&["import", "review.ron", SAMPLE], lead);
    });
    screen(&alice, "alice", "i m", "? 1 maybe");
    git(&alice, &["commit", "-q", "-am", "alice screened"]);
    git(&alice, &["push", "-q", "origin", "main"]);
    screen(&bob, "bob", "e 1 enter i", "✗ 1 excluded");
    git(&bob, &["commit", "-q", "-am", "bob screened"]);
    let pulled = git(&bob, &["pull", "-q", "--no-edit", "origin", "main"]);
    assert!(!pulled.contains("CONFLICT"), "{pulled}");
    let st = git(&bob, &["status", "--porcelain"]);
    assert!(st.trim().is_empty(), "{st}");
    let merged = status(&bob, "review.ron");
    let by = |who: &str| {
        let v: serde_json::Value = serde_json::from_str(&ok(
            &["status", "review.ron", "--json", "--reviewer", who],
            &bob,
        ))
        .unwrap();
        v["screened"].as_u64().unwrap()
    };
    assert_eq!((by("alice"), by("bob")), (2, 2), "{merged}");
    let head = std::fs::read_to_string(bob.join("review.ron")).unwrap();
    assert!(
        head.contains("records_file: Some(("),
        "still a pair: {head}"
    );
    assert_eq!(
        std::fs::read(bob.join("review.ron.records")).unwrap(),
        std::fs::read(alice.join("review.ron.records")).unwrap()
    );
}

/// The screen of a large pair keeps the abstracts in
/// `review.ron.records.cache` and reads the one shown
/// (`store::abstracts_on_disk`; a small one here, by setting): it shows them,
/// finds a word that is only in an abstract, and when a split duplicate
/// link makes it write the records, writes every abstract.
#[cfg(unix)]
#[test]
fn the_screen_of_a_pair_shows_and_searches_abstracts_it_reads_from_disk_and_writes_them_all() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let sample = std::fs::read_to_string(SAMPLE).unwrap();
    std::fs::write(d.join("a.ris"), &sample).unwrap();
    // The same records again, one title in capitals: ten duplicates.
    std::fs::write(
        d.join("b.ris"),
        sample.replacen("TI  - Global", "TI  - GLOBAL", 1),
    )
    .unwrap();
    ok(&["import", "review.ron", "a.ris", "b.ris"], d);
    assert!(d.join("review.ron.records.cache").exists());
    let records = d.join("review.ron.records");
    let abstracts = |text: &str| text.matches("\n      abstract: \"").count();
    let before = std::fs::read_to_string(&records).unwrap();
    assert_eq!(abstracts(&before), 20);

    let mut t = Term::spawn_env(
        &["screen", "review.ron", "--reviewer", "alice"],
        d,
        100,
        40,
        &[
            ("SCREENER_CHECKPOINT_IDLE_MS", "0"),
            // From 200,000 records by default.
            ("SCREENER_ABSTRACTS_ON_DISK_FROM", "0"),
        ],
    );
    t.wait_for(" left");
    // "Arcillas" is in one abstract, in no title.
    t.keys("/");
    t.type_text("Arcillas");
    t.keys("enter");
    let shown = wait_frame(&t, "Cinctorres (Spain)", false);
    assert!(shown.contains("Arcillas"), "{shown}");
    assert!(!shown.contains("could not be read"), "{shown}");
    // The duplicates side by side, abstracts compared; split the first.
    t.keys("D");
    // The abstract, further down than the title, on both sides.
    let dups = wait_frame(&t, "duplicate review · pair", false);
    assert_eq!(dups.matches("Vallibonavenatrix").count(), 2, "{dups}");
    t.keys("s");
    wait_saved(&t, "Split");
    // The next pair shows; close the review, then quit.
    t.keys("esc q");
    assert_eq!(t.wait_exit(), 0);

    let after = std::fs::read_to_string(&records).unwrap();
    assert_ne!(after, before, "the split link was written");
    assert_eq!(abstracts(&after), 20, "every abstract written");
    assert_eq!(
        after.matches("duplicate_of: Some(").count() + 1,
        before.matches("duplicate_of: Some(").count()
    );
    let st = status(d, "review.ron");
    assert_eq!(st["records"], 20, "{st}");
}
