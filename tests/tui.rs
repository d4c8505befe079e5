//! The screen, driven by key strings through `App::step` and rendered into
//! ratatui's TestBackend. Snapshots show the screens; the assertions check
//! what matters in them.

use screener::commands::demo::build_demo_project;
use screener::project::{Change, Stage, Verdict};
use screener::store;
use screener::tui::app::App;
use screener::tui::harness::Harness;
use screener::tui::keymap::{Keymap, Mode};

fn demo_app() -> App {
    let dir = tempfile::tempdir().unwrap();
    let path = build_demo_project(dir.path()).unwrap();
    let (project, _) = store::load(&path).unwrap();
    App::new(
        project,
        "demo.ron".into(),
        "alice".into(),
        Stage::TitleAbstract,
        Keymap::default_map(),
    )
    .with_clock(|| "2026-11-26T10:00:00Z".to_string())
}

fn harness() -> Harness {
    Harness::new(demo_app(), 80, 24)
}

#[test]
fn main_screen() {
    let mut h = harness();
    let screen = h.screen();
    insta::assert_snapshot!("main_80x24", screen);
    let lines: Vec<&str> = screen.lines().collect();
    assert!(lines[0].contains("screener · demo.ron · alice · title/abstract"));
    assert!(lines[0].contains("1/33"), "{}", lines[0]);
    assert!(lines[1].contains("✓ 0 included  ✗ 0 excluded  ? 0 maybe · 33 left"));
    assert!(lines[3].starts_with(" Global latitudinal gradients"));
    assert!(lines[5].contains("Wilson, L.N.; Gardner, J.D.; Wilson, J.P.; et al."));
    assert!(lines[6].contains("2024 · Nature Communications 15(1)"));
    let footer = lines[23];
    assert!(footer.contains("saved ✓"));
    for hint in [
        "i include",
        "e exclude",
        "m maybe",
        "u undo",
        "? help",
        "q quit",
    ] {
        assert!(footer.contains(hint), "{footer}");
    }
}

#[test]
fn reason_picker_and_exclusion() {
    let mut h = harness();
    h.keys("i e");
    let screen = h.screen();
    insta::assert_snapshot!("reason_picker_80x24", screen);
    assert!(screen.contains("Exclude: why?"));
    assert!(screen.contains(" 1 [ ] Population"));
    assert!(screen.contains(" 8 [ ] Other"));
    h.keys("2 5");
    let screen = h.screen();
    assert!(screen.contains(" 2 [x] Intervention/exposure"), "{screen}");
    assert!(screen.contains(" 5 [x] Study design"));
    h.keys("2 enter");
    let screen = h.screen();
    assert!(
        screen.contains("✓ 1 included  ✗ 1 excluded  ? 0 maybe · 31 left"),
        "{screen}"
    );
    assert!(screen.contains("3/33"));
    assert_eq!(h.persisted.len(), 2);
    match &h.persisted[1] {
        Change::Decide(d) => {
            assert_eq!(d.verdict, Verdict::Exclude(vec!["study-design".into()]));
            assert_eq!(d.reviewer, "alice");
            assert_eq!(d.at, "2026-11-26T10:00:00Z");
        }
    }
    // Going back shows the decision with its reason.
    h.keys("left");
    assert!(
        h.screen()
            .contains("Your decision: excluded (Study design)")
    );
}

#[test]
fn an_exclusion_needs_a_reason_and_esc_cancels() {
    let mut h = harness();
    h.keys("e enter");
    let screen = h.screen();
    assert!(screen.contains("Pick at least one reason"), "{screen}");
    assert_eq!(h.app.mode(), Mode::ReasonPicker);
    h.keys("esc");
    assert_eq!(h.app.mode(), Mode::Screening);
    assert!(h.persisted.is_empty());
    assert!(h.screen().contains("1/33"));
}

#[test]
fn help_lists_every_binding_of_the_live_keymap() {
    let mut h = harness();
    h.keys("?");
    let first_page = h.screen();
    insta::assert_snapshot!("help_80x24", first_page);
    assert!(first_page.contains("Keys (from the active keymap)"));
    // Scroll through the whole help and collect what it shows.
    let mut seen = first_page.clone();
    for _ in 0..10 {
        h.keys("pagedown");
        seen.push_str(&h.screen());
    }
    let keymap = Keymap::default_map();
    for mode in Mode::ALL {
        assert!(seen.contains(mode.title()), "{}", mode.title());
        for (action, keys) in keymap.bindings(mode) {
            let line = format!("{:<16} {}", keys.join(", "), action.describe());
            assert!(seen.contains(&line), "help lacks `{line}`");
        }
    }
    h.keys("esc");
    assert_eq!(h.app.mode(), Mode::Screening);
}

#[test]
fn undo_takes_back_the_last_decision() {
    let mut h = harness();
    h.keys("i m u");
    assert_eq!(
        h.app.position(),
        1,
        "back on the record of the undone decision"
    );
    assert!(h.screen().contains("✓ 1 included  ✗ 0 excluded  ? 0 maybe"));
    h.keys("u");
    assert_eq!(h.app.position(), 0);
    let screen = h.screen();
    assert!(
        screen.contains("✓ 0 included  ✗ 0 excluded  ? 0 maybe · 33 left"),
        "{screen}"
    );
    assert!(screen.contains("Undone: the record is undecided again"));
    let verdicts: Vec<Verdict> = h
        .persisted
        .iter()
        .map(|Change::Decide(d)| d.verdict.clone())
        .collect();
    assert_eq!(
        verdicts,
        [
            Verdict::Include,
            Verdict::Maybe,
            Verdict::Cleared,
            Verdict::Cleared
        ]
    );
    h.keys("u");
    assert!(h.screen().contains("Nothing to undo"));
}

#[test]
fn a_page_without_titles_shows_a_marker_never_an_empty_line() {
    let mut h = harness();
    // The pasted page is the last source: its records end the queue.
    for _ in 0..30 {
        h.keys("right");
    }
    let screen = h.screen();
    insta::assert_snapshot!("no_title_80x24", screen);
    let title_line = screen.lines().nth(3).unwrap();
    assert!(
        title_line.starts_with(" (no title) Paleo-colour scientists have"),
        "{title_line}"
    );
    assert!(screen.contains("Juan J. Negro; Clive Finlayson; Ismael Galván"));
}

#[test]
fn scrolling_stops_at_the_end_of_the_record() {
    let mut h = harness();
    h.resize(80, 12);
    for _ in 0..200 {
        h.keys("down");
    }
    let screen = h.screen();
    // The record ends with its keywords; the last body line shows them.
    let body: Vec<&str> = screen.lines().skip(3).take(7).collect();
    assert!(
        body.last().unwrap().trim_start().starts_with("Keywords:")
            || body.iter().any(|l| l.contains("Keywords:")),
        "{screen}"
    );
    let scroll = h.app.scroll;
    h.keys("down");
    assert_eq!(h.app.scroll, scroll, "no scrolling past the end");
    h.keys("pageup pageup pageup pageup pageup pageup pageup pageup pageup pageup");
    assert_eq!(h.app.scroll, 0);
}

#[test]
fn a_tiny_terminal_gets_a_notice_not_a_panic() {
    let mut h = harness();
    h.resize(30, 8);
    assert!(h.screen().contains("Terminal too small"));
    h.keys("i down e 1 enter");
    h.resize(80, 24);
    assert!(h.screen().contains("✓ 1 included  ✗ 1 excluded"));
}

#[test]
fn reopening_resumes_at_the_first_undecided_record() {
    let mut h = harness();
    h.keys("i i m");
    let project = h.app.project.clone();
    let app = App::new(
        project,
        "demo.ron".into(),
        "alice".into(),
        Stage::TitleAbstract,
        Keymap::default_map(),
    );
    assert_eq!(app.position(), 3);
    // Another reviewer's decisions are not this reviewer's.
    let app = App::new(
        h.app.project.clone(),
        "demo.ron".into(),
        "bob".into(),
        Stage::TitleAbstract,
        Keymap::default_map(),
    );
    assert_eq!(app.position(), 0);
    assert_eq!(app.counts().decided(), 0);
}
