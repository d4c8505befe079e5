//! The real binary in a pseudo-terminal with the vim keymap: a search, a
//! note, a decision and its undo, resizes (larger, too small, back), the
//! mouse wheel, opening a record's DOI, the list, quit; then the project
//! file holds what the screen said was saved.

mod common;

use std::os::unix::fs::PermissionsExt;

use common::pty::Term;
use common::run;
use screener::commands::demo::SAMPLES;

#[test]
fn a_vim_session_with_search_note_undo_resize_wheel_and_open() {
    let dir = tempfile::tempdir().unwrap();
    let (name, bytes) = SAMPLES[0];
    std::fs::write(dir.path().join(name), bytes).unwrap();
    let (code, out, err) = run(&["import", "p.ron", name], dir.path());
    assert_eq!(code, 0, "{out}{err}");
    // An opener that writes down what it was asked to open.
    let opener = dir.path().join("opener.sh");
    std::fs::write(&opener, "#!/bin/sh\necho \"$1\" >> opened.txt\n").unwrap();
    std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut t = Term::spawn_env(
        &["screen", "p.ron", "--reviewer", "alice", "--keymap", "vim"],
        dir.path(),
        80,
        24,
        &[("SCREENER_OPENER", opener.to_str().unwrap())],
    );
    t.wait_for("1/10");
    assert!(t.mouse_captured(), "the wheel needs mouse reports");

    // Incremental search: records 4, 7 and 8 of scopus_dinosaurs.ris say
    // "spinosaurid" (awk counting ER lines, matching case-insensitively).
    t.keys("/");
    t.type_text("spinosaurid");
    t.wait_for("4/10");
    t.keys("enter");
    t.wait_for("Isolated tooth reveals hidden spinosaurid");

    // A note, journaled without a decision.
    t.keys("a");
    t.wait_for("Note on this record");
    t.type_text("check the tooth");
    t.keys("enter");
    t.wait_for("Note: check the tooth");

    // Include moves on; undo comes back, the note stays.
    t.keys("i");
    t.wait_for("5/10");
    t.wait_for("✓ 1 included");
    t.keys("u");
    t.wait_for("Undone: record #4 is undecided again");
    let screen = t.wait_for("4/10");
    assert!(screen.contains("✓ 0 included"), "{screen}");
    assert!(screen.contains("Note: check the tooth"));
    // Saving is asynchronous: the mark comes when the journal's fsync returns.
    t.wait_for("saved ✓");

    // Resize larger, too small, and back; the record stays.
    t.resize(120, 30);
    // From 100 columns the progress bar has 16 cells instead of 8.
    let screen = t.wait_for(&"░".repeat(16));
    let header = screen.lines().next().unwrap().trim_end().to_string();
    assert!(
        header.len() > 100,
        "the header spans the wider terminal: {header}"
    );
    t.resize(50, 12);
    t.wait_for("Terminal too small (50x12)");
    t.resize(80, 24);
    let screen = t.wait_for("4/10");
    assert!(screen.contains("Isolated tooth reveals hidden spinosaurid"));

    // The wheel scrolls the abstract.
    let before = t.contents();
    for _ in 0..3 {
        t.wheel(true, 10, 10);
    }
    let start = std::time::Instant::now();
    while t.contents().lines().nth(3) == before.lines().nth(3) {
        assert!(start.elapsed().as_secs() < 10, "the wheel did not scroll");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }

    // Open: the record's DOI goes to the opener.
    t.keys("g x");
    t.wait_for("Opening https://doi.org/");
    let start = std::time::Instant::now();
    let opened = loop {
        if let Ok(s) = std::fs::read_to_string(dir.path().join("opened.txt")) {
            break s;
        }
        assert!(start.elapsed().as_secs() < 10, "the opener never ran");
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert!(opened.starts_with("https://doi.org/10."), "{opened}");

    // n: the next match; the list; quit.
    t.keys("n");
    t.wait_for("7/10");
    t.keys("tab");
    t.wait_for("reasons");
    t.keys("q");
    assert_eq!(t.wait_exit(), 0);
    assert!(!t.alternate_screen(), "the terminal is restored");
    assert!(!t.mouse_captured(), "mouse reports are turned off again");

    let project = std::fs::read_to_string(dir.path().join("p.ron")).unwrap();
    assert!(
        project.contains("note: \"check the tooth\""),
        "the note is on disk"
    );
    let (code, out, _) = run(
        &["status", "p.ron", "--reviewer", "alice", "--json"],
        dir.path(),
    );
    assert_eq!(code, 0);
    let s: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(s["screened"], 0, "the include was undone: {s}");
}
