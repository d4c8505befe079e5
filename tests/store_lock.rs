//! `PROJECT.lock` with the real binary: a second screen and an import are
//! refused while a screen is open, naming who holds it; after a kill -9 the
//! next screen takes over.

mod common;

use std::path::Path;

use common::pty::Term;
use common::run;
use screener::commands::demo::SAMPLES;

fn project(dir: &Path) {
    let (_, bytes) = SAMPLES[0];
    std::fs::write(dir.join("scopus.ris"), bytes).unwrap();
    let (code, out, err) = run(&["import", "p.ron", "scopus.ris"], dir);
    assert_eq!(code, 0, "{out}{err}");
}

fn host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_default()
}

#[test]
fn a_second_writer_is_refused_and_told_who_holds_the_project() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    project(d);
    let mut t = Term::spawn(&["screen", "p.ron", "--reviewer", "alice"], d, 80, 24);
    t.wait_for("1/10");
    t.keys("i");
    t.wait_for("2/10");
    let before = std::fs::read(d.join("p.ron")).unwrap();

    let (code, _, err) = run(&["screen", "p.ron", "--reviewer", "bob"], d);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("p.ron: the project is open in `screener screen`"),
        "{err}"
    );
    assert!(err.contains(&format!("pid {}", t.pid())), "{err}");
    assert!(err.contains(&format!("on host {}", host())), "{err}");
    assert!(err.contains("since 20"), "{err}");

    // An import would rewrite the file under the screen: refused too.
    let (_, bytes) = SAMPLES[1];
    std::fs::write(d.join("more.ris"), bytes).unwrap();
    let (code, _, err) = run(&["import", "p.ron", "more.ris"], d);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("open in `screener screen`"), "{err}");
    assert_eq!(std::fs::read(d.join("p.ron")).unwrap(), before);

    // Reading is fine meanwhile, and sees the saved decision.
    t.wait_for("saved ✓");
    let (code, out, err) = run(&["status", "p.ron", "--reviewer", "alice", "--json"], d);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\"included\":1"), "{out}");

    t.keys("q");
    assert_eq!(t.wait_exit(), 0);
    assert!(!d.join("p.ron.lock").exists(), "released on quit");
    let (code, out, err) = run(&["import", "p.ron", "more.ris"], d);
    assert_eq!(code, 0, "{out}{err}");
    let (_, out, _) = run(&["status", "p.ron", "--reviewer", "alice", "--json"], d);
    assert!(
        out.contains("\"included\":1"),
        "the import kept the decision: {out}"
    );
}

#[test]
fn a_lock_left_by_kill_9_is_taken_over() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    project(d);
    let mut t = Term::spawn(&["screen", "p.ron", "--reviewer", "alice"], d, 80, 24);
    t.wait_for("1/10");
    let dead = t.pid();
    t.kill9();
    let left = std::fs::read_to_string(d.join("p.ron.lock")).unwrap();
    assert!(left.contains(&format!("pid:{dead}")), "{left}");

    // Also an import can take it over.
    let mut t = Term::spawn(&["screen", "p.ron", "--reviewer", "alice"], d, 80, 24);
    let screen = t.wait_for("Took over the lock");
    assert!(screen.contains(&format!("pid {dead}")), "{screen}");
    t.kill9();
    let (_, bytes) = SAMPLES[1];
    std::fs::write(d.join("more.ris"), bytes).unwrap();
    let (code, out, err) = run(&["import", "p.ron", "more.ris"], d);
    assert_eq!(code, 0, "{out}{err}");
    assert!(!d.join("p.ron.lock").exists());
}

#[test]
fn a_copy_of_a_project_open_elsewhere_says_what_its_lock_file_means() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    project(d);
    let mut t = Term::spawn(&["screen", "p.ron", "--reviewer", "alice"], d, 80, 24);
    t.wait_for("1/10");
    // The folder copied while the screen is open, lock file and all.
    let copy = tempfile::tempdir().unwrap();
    for name in ["p.ron", "p.ron.lock"] {
        std::fs::copy(d.join(name), copy.path().join(name)).unwrap();
    }
    let mut c = Term::spawn(
        &["screen", "p.ron", "--reviewer", "alice"],
        copy.path(),
        250,
        24,
    );
    let screen = c.wait_for("Took over the lock");
    assert!(
        screen.contains(&format!("pid {} (`screener screen`", t.pid()))
            && screen.contains("which still runs but holds another file's lock")
            && screen.contains("this looks like a copy"),
        "{screen}"
    );
    assert!(!screen.contains("no longer running"), "{screen}");
    c.keys("q");
    assert_eq!(c.wait_exit(), 0);
    t.keys("q");
    assert_eq!(t.wait_exit(), 0);
}
