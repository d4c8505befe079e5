//! The screen's details a reviewer runs into over a long session (issue
//! 10, "The screen"): every reason reachable in the picker, the cursor kept
//! when filters are cleared, undo that names the record and survives a
//! reopen, stable record numbers, the search's match count, the help's
//! "more below" cue, plurals, and a stand-in title's `…` kept on its line.

mod common;

use common::screen::{app, decisions, demo_project};
use screener::project::{Project, Reason, Stage, Verdict};
use screener::record::{Origin, Record};
use screener::tui::harness::Harness;

/// The project as the journal would leave it: the harness's changes
/// applied to the project it started from.
fn reopened(start: &Project, h: &Harness) -> Project {
    let mut p = start.clone();
    for c in &h.persisted {
        p.apply(c);
    }
    p
}

#[test]
fn the_picker_reaches_a_tenth_and_a_twelfth_reason() {
    let mut p = demo_project();
    for n in 9..=12 {
        p.reasons.push(Reason {
            id: format!("extra-{n}"),
            label: format!("Extra reason {n}"),
            stage: Stage::TitleAbstract,
            retired: false,
        });
    }
    let mut h = Harness::new(app(p), 80, 24);
    h.keys("e");
    let screen = h.screen();
    assert!(screen.contains("[ ] Population"), "{screen}");
    // Down to the tenth (nine moves), toggle; to the last, toggle.
    h.keys("down down down down down down down down down space");
    let screen = h.screen();
    assert!(screen.contains("[x] Extra reason 10"), "{screen}");
    h.keys("end space enter");
    let d = decisions(&h);
    assert_eq!(
        d[0].verdict,
        Verdict::Exclude(vec!["extra-10".into(), "extra-12".into()])
    );
    // A list taller than the terminal scrolls with the highlight.
    let mut h = Harness::new(app(h.app.take_project()), 80, 15);
    h.keys("e end");
    let screen = h.screen();
    assert!(screen.contains("Extra reason 12"), "{screen}");
    assert!(
        screen.contains("↑"),
        "a cue that more lies above:\n{screen}"
    );
    h.keys("home");
    assert!(h.screen().contains("Population"));
}

#[test]
fn clearing_the_filters_keeps_the_record_under_the_cursor() {
    let mut h = Harness::new(app(demo_project()), 120, 40);
    // Decide the first three, list the undecided, go to the fifth of them.
    h.keys("i i i l f 1 down down down down");
    let before = h.app.current().unwrap().key.clone();
    assert_eq!(h.app.position(), 4);
    h.keys("F");
    assert!(h.screen().contains("Filters cleared"));
    assert_eq!(h.app.current().unwrap().key, before);
    assert_eq!(h.app.position(), 7, "the same record, at its row");
}

#[test]
fn undo_names_the_record_and_survives_a_reopen() {
    let start = demo_project();
    let mut h = Harness::new(app(start.clone()), 80, 24);
    h.keys("i right m");
    h.keys("u");
    let screen = h.screen();
    assert!(
        screen.contains("Undone: record #3 is undecided again"),
        "{screen}"
    );
    h.keys("ctrl-r");
    assert!(h.screen().contains("Redone: maybe record #3"));
    // Two decisions and an undo journaled; reopen.
    h.keys("u");
    let mut h = Harness::new(app(reopened(&start, &h)), 80, 24);
    assert_eq!(h.app.counts().decided(), 1);
    h.keys("u");
    let screen = h.screen();
    assert!(
        screen.contains("Undone: record #1 is undecided again"),
        "the earlier session's undo is not undone again:\n{screen}"
    );
    assert_eq!(h.app.counts().decided(), 0);
    h.keys("u");
    assert!(h.screen().contains("Nothing to undo"));
    h.keys("ctrl-r");
    assert_eq!(h.app.counts().included, 1, "and redo after a reopen");
}

#[test]
fn a_bulk_exclusion_is_undone_as_one_step_after_a_reopen() {
    let start = demo_project();
    let mut h = Harness::new(app(start.clone()), 120, 40);
    // Every undecided record, excluded in bulk for the first reason.
    h.keys("l f 1 B 1 enter y");
    let excluded = h.app.counts().excluded;
    assert!(excluded > 1, "{}", h.screen());
    let mut h = Harness::new(app(reopened(&start, &h)), 120, 40);
    h.keys("u");
    let screen = h.screen();
    assert!(
        screen.contains(&format!("Undone: excluded {excluded} records")),
        "{screen}"
    );
    assert_eq!(h.app.counts().excluded, 0);
}

#[test]
fn the_record_number_stays_when_the_row_number_changes() {
    let mut h = Harness::new(app(demo_project()), 80, 24);
    h.keys("right right right");
    let screen = h.screen();
    assert!(screen.contains("#4 · 4/33"), "{screen}");
    // Decided records leave a filtered list: the row changes, the number not.
    h.keys("left left left i i i l f 1");
    let screen = h.screen();
    let first = screen
        .lines()
        .skip(3)
        .find(|l| l.contains("#4 "))
        .unwrap_or_else(|| panic!("no #4 row:\n{screen}"));
    assert!(first.trim_start().starts_with("1 "), "{first}");
    h.keys("enter");
    assert!(h.screen().contains("#4 · 1/30"));
    // Jump by record number.
    h.keys("F g # 2 0 enter");
    assert!(h.screen().contains("#20 · 20/33"), "{}", h.screen());
}

#[test]
fn search_says_which_match_of_how_many() {
    let mut h = Harness::new(app(demo_project()), 120, 40);
    h.keys("/ d i n o s a u r");
    let screen = h.screen();
    let line = screen.lines().last().unwrap();
    assert!(line.contains("match 1 of "), "{line}");
    let total: usize = line
        .split("match 1 of ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{line}"));
    assert!(total >= 2, "{line}");
    h.keys("enter n");
    assert!(
        h.screen()
            .contains(&format!("\"dinosaur\": match 2 of {total}"))
    );
}

#[test]
fn help_shows_more_below_until_its_end() {
    let mut h = Harness::new(app(demo_project()), 80, 24);
    h.keys("?");
    let screen = h.screen();
    assert!(screen.contains("more below (pagedown)"), "{screen}");
    for _ in 0..40 {
        h.keys("pagedown");
    }
    assert!(!h.screen().contains("more below"));
}

#[test]
fn counts_agree_with_their_nouns() {
    let mut h = Harness::new(app(demo_project()), 120, 40);
    // One undecided record in a filtered list, excluded in bulk.
    h.keys("l f 1");
    let shown = h.app.rows().len();
    assert!(shown > 1, "{}", h.screen());
    for _ in 1..shown {
        h.keys("i");
    }
    assert_eq!(h.app.rows().len(), 1);
    h.keys("B 1 enter");
    let screen = h.screen();
    assert!(
        screen.contains("Exclude 1 undecided record shown"),
        "{screen}"
    );
    h.keys("y");
    let screen = h.screen();
    assert!(screen.contains("Excluded 1 record by rule"), "{screen}");
}

fn untitled(n: u32, text: &str) -> Record {
    Record {
        key: format!("a:{n:04}"),
        origin: Origin {
            source: 0,
            position: n,
        },
        abstract_text: text.into(),
        ..Record::default()
    }
}

#[test]
fn a_stand_in_titles_ellipsis_stays_on_its_line_at_80_columns() {
    let mut p = Project::new();
    // "(no title) " and twelve words fill the 78 columns a record's line
    // has at 80 exactly: " …" does not fit after them.
    let words = "alpha bravo delta gamma omega sigma theta kappa lamda zetas rhoss x \
                 and more words that follow";
    p.records.push(untitled(1, words));
    assert_eq!(
        p.records[0]
            .display_title()
            .split('…')
            .next()
            .unwrap()
            .trim_end()
            .chars()
            .count(),
        78
    );
    let mut h = Harness::new(app(p), 80, 24);
    let screen = h.screen();
    let lines: Vec<&str> = screen.lines().collect();
    assert!(
        !lines.iter().any(|l| l.trim() == "…"),
        "a line of only `…`:\n{screen}"
    );
}
