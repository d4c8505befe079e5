//! The screen, driven by key strings through `App::step` and rendered into
//! ratatui's TestBackend. Every mode is snapshotted at 80x24 and 120x40;
//! the assertions check what matters in each (highlighted spans by their
//! cell styles, the saved marker, the progress numbers, what was
//! journaled).

mod common;

use std::cell::Cell;
use std::rc::Rc;

use common::screen::{CLOCK, decisions, demo_project};
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier, Style};
use screener::commands::demo::SAMPLES;
use screener::ingest::{Input, import_files};
use screener::project::{Change, Decision, Project, Stage, Verdict};
use screener::tui::app::{App, Event, View};
use screener::tui::harness::Harness;
use screener::tui::keymap::{Keymap, Mode};
use screener::tui::theme::{Theme, ThemeKind};

fn app_with(project: Project, reviewer: &str, stage: Stage, keymap: Keymap) -> App {
    App::new(project, "demo.ron".into(), reviewer.into(), stage, keymap)
        .with_clock(|| CLOCK.to_string())
}

fn demo_app() -> App {
    app_with(
        demo_project(),
        "alice",
        Stage::TitleAbstract,
        Keymap::default_map(),
    )
}

fn harness() -> Harness {
    Harness::new(demo_app(), 80, 24)
}

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

/// Drives a fresh demo screen at both sizes, snapshots each as
/// `{name}_{w}x{h}`, and returns the harnesses for assertions.
fn at_both_sizes(name: &str, make: impl Fn() -> App, drive: impl Fn(&mut Harness)) -> Vec<Harness> {
    SIZES
        .iter()
        .map(|&(w, h)| {
            let mut harness = Harness::new(make(), w, h);
            drive(&mut harness);
            let screen = harness.screen();
            insta::assert_snapshot!(format!("{name}_{w}x{h}"), screen);
            harness
        })
        .collect()
}

/// The styles of the cells showing `needle` on the first row that has it,
/// at or below `from_row`. A wide character's second cell is skipped, as a
/// terminal shows it.
fn styles_of(buf: &Buffer, needle: &str, from_row: u16) -> Vec<Style> {
    use unicode_width::UnicodeWidthStr;
    let n = needle.chars().count();
    for y in from_row..buf.area.height {
        let mut cells: Vec<(String, u16)> = Vec::new();
        let mut x = 0;
        while x < buf.area.width {
            let sym = buf[(x, y)].symbol().to_string();
            let w = sym.width().max(1) as u16;
            cells.push((sym, x));
            x += w;
        }
        for start in 0..cells.len().saturating_sub(n - 1) {
            let s: String = cells[start..start + n]
                .iter()
                .map(|(c, _)| c.as_str())
                .collect();
            if s == needle {
                return cells[start..start + n]
                    .iter()
                    .map(|&(_, x)| buf[(x, y)].style())
                    .collect();
            }
        }
    }
    panic!("`{needle}` is not on screen");
}

// ----- the main screen, progress, saved marker, rate ----------------------

#[test]
fn main_screen() {
    for mut h in at_both_sizes("main", demo_app, |_| {}) {
        let screen = h.screen();
        let lines: Vec<&str> = screen.lines().collect();
        assert!(lines[0].contains("screener · demo.ron · alice · title/abstract"));
        assert!(lines[0].contains("1/33"), "{}", lines[0]);
        assert!(lines[0].contains(" 0%"), "{}", lines[0]);
        assert!(lines[1].contains("✓ 0 included  ✗ 0 excluded  ? 0 maybe · 33 left"));
        assert!(
            lines[3]
                .trim_start()
                .starts_with("Global latitudinal gradients")
        );
        assert!(screen.contains("Wilson, L.N.; Gardner, J.D.; Wilson, J.P.; et al."));
        assert!(screen.contains("2024 · Nature Communications 15(1)"));
        let footer = lines.last().unwrap();
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
}

#[test]
fn progress_numbers_and_the_saved_marker() {
    let mut h = harness();
    h.keys("i m e 1 enter");
    let screen = h.screen();
    let header = screen.lines().next().unwrap();
    // 3 of 33 decided: 9%, and 3*8/33 = 0 full cells of the 8-cell bar.
    assert!(header.contains("4/33  ░░░░░░░░ 9%"), "{header}");
    assert!(screen.contains("✓ 1 included  ✗ 1 excluded  ? 1 maybe · 30 left"));
    assert!(screen.lines().last().unwrap().contains("saved ✓"));
    // A decision whose write has not been confirmed is not "saved".
    let effects = h.app.step(Event::Key(screener::keys::Key::char('i')));
    assert_eq!(effects.len(), 1);
    let footer = h.screen().lines().last().unwrap().to_string();
    assert!(footer.contains("saving… (1)"), "{footer}");
    assert!(!footer.contains("saved ✓"));
    h.app.step(Event::SaveFailed("disk full".into()));
    let buf = h.buffer();
    let footer = h.screen().lines().last().unwrap().to_string();
    assert!(
        footer.contains("NOT SAVED (disk full); retrying"),
        "{footer}"
    );
    let warn = styles_of(&buf, "NOT SAVED", 23);
    assert!(warn[0].add_modifier.contains(Modifier::REVERSED));
    h.app.step(Event::Saved);
    assert!(h.screen().lines().last().unwrap().contains("saved ✓"));
    // Eight of 33 decided fill one cell of the bar at 80 columns.
    h.keys("i i i i");
    let header = h.screen().lines().next().unwrap().to_string();
    assert!(header.contains("9/33  ▓░░░░░░░ 24%"), "{header}");
}

#[test]
fn rate_and_eta_follow_the_clock() {
    let t = Rc::new(Cell::new(0u64));
    let clock = Rc::clone(&t);
    let app = demo_app().with_clock(move || {
        humantime::format_rfc3339_seconds(
            std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_800_000_000 + clock.get()),
        )
        .to_string()
    });
    let mut h = Harness::new(app, 80, 24);
    assert!(h.screen().lines().nth(1).unwrap().contains("–/h"));
    for at in [0, 20, 40, 60] {
        t.set(at);
        h.keys("i");
    }
    // 4 decisions in 60 s of screening: 240 an hour; 29 left take 7¼ min.
    let line = h.screen().lines().nth(1).unwrap().to_string();
    assert!(line.contains("29 left · 240/h · ETA 7m"), "{line}");
}

// ----- highlighting ---------------------------------------------------------

fn with_terms(h: &mut Harness) {
    h.keys("H a");
    type_text(h, "dinosaur*");
    h.keys("enter tab a");
    type_text(h, "body size");
    h.keys("enter");
}

#[test]
fn highlight_terms_are_edited_on_screen_stored_and_styled() {
    let hs = at_both_sizes("terms_editor", demo_app, with_terms);
    for mut h in hs {
        let screen = h.screen();
        assert!(screen.contains("Include terms"), "{screen}");
        assert!(screen.contains("dinosaur*"));
        assert!(screen.contains("body size"));
        assert_eq!(h.app.mode(), Mode::Terms);
        // Both edits were journaled, the last holding both lists.
        let last = h.persisted.last().unwrap();
        match last {
            Change::SetHighlight(hl) => {
                assert_eq!(hl.include, ["dinosaur*"]);
                assert_eq!(hl.exclude, ["body size"]);
            }
            other => panic!("{other:?}"),
        }
        h.keys("esc");
        let buf = h.buffer();
        let t = Theme::default();
        // Title (row 3): "… body size in dinosaurs and mammals".
        for s in styles_of(&buf, "dinosaurs", 3) {
            assert_eq!(s.fg, Some(Color::Green), "include term style");
            assert!(s.add_modifier.contains(Modifier::BOLD));
        }
        for s in styles_of(&buf, "body size", 3) {
            assert_eq!(s.fg, t.term_exclude.fg, "exclude term style");
            assert!(s.add_modifier.contains(Modifier::UNDERLINED));
        }
        // Words next to them are plain title text.
        let plain = styles_of(&buf, "gradients", 3)[0];
        assert_ne!(plain.fg, Some(Color::Green));
        assert!(!plain.add_modifier.contains(Modifier::UNDERLINED));
    }
}

#[test]
fn no_color_keeps_include_and_exclude_apart_by_bold_reverse_and_underline() {
    let mut app = demo_app();
    app.set_theme(Theme::new(ThemeKind::Default, true));
    let mut h = Harness::new(app, 80, 24);
    with_terms(&mut h);
    h.keys("esc");
    let buf = h.buffer();
    for cell in buf.content.iter() {
        assert_eq!(cell.fg, Color::Reset, "NO_COLOR: no colour anywhere");
        assert_eq!(cell.bg, Color::Reset);
    }
    let inc = styles_of(&buf, "dinosaurs", 3)[0];
    let exc = styles_of(&buf, "body size", 3)[0];
    assert!(
        inc.add_modifier
            .contains(Modifier::BOLD | Modifier::REVERSED)
    );
    assert!(!inc.add_modifier.contains(Modifier::UNDERLINED));
    assert!(exc.add_modifier.contains(Modifier::UNDERLINED));
    assert!(!exc.add_modifier.contains(Modifier::REVERSED));
    // The abstract has them too, in the same styles (row 8 on).
    let inc_body = styles_of(&buf, "dinosaurs", 8)[0];
    assert!(inc_body.add_modifier.contains(Modifier::REVERSED));
}

#[test]
fn high_contrast_theme_uses_backgrounds() {
    let mut app = demo_app();
    app.set_theme(Theme::new(ThemeKind::HighContrast, false));
    let mut h = Harness::new(app, 80, 24);
    with_terms(&mut h);
    h.keys("esc");
    let buf = h.buffer();
    assert_eq!(
        styles_of(&buf, "dinosaurs", 3)[0].bg,
        Some(Color::LightGreen)
    );
    assert_eq!(styles_of(&buf, "body size", 3)[0].bg, Some(Color::LightRed));
}

#[test]
fn high_contrast_secondary_text_is_readable_on_light_and_dark_backgrounds() {
    let mut app = demo_app();
    app.set_theme(Theme::new(ThemeKind::HighContrast, false));
    let mut h = Harness::new(app, 80, 24);
    let buf = h.buffer();
    // The record's details line is secondary text: the terminal's own
    // foreground (never white, which vanishes on a light background),
    // not dimmed.
    for style in styles_of(&buf, "2024 · Nature Communications", 3) {
        assert!(
            matches!(style.fg, None | Some(Color::Reset)),
            "secondary text in {:?}",
            style.fg
        );
        assert!(!style.add_modifier.contains(Modifier::DIM));
    }
    // Nothing on screen is drawn white or pale on the terminal's background.
    for cell in buf.content.iter() {
        if cell.bg == Color::Reset {
            assert!(
                !matches!(
                    cell.fg,
                    Color::White
                        | Color::Gray
                        | Color::LightYellow
                        | Color::LightGreen
                        | Color::LightCyan
                        | Color::LightRed
                        | Color::LightBlue
                        | Color::LightMagenta
                ),
                "`{}` drawn {:?} on the terminal's background",
                cell.symbol(),
                cell.fg
            );
        }
    }
}

// ----- reasons ----------------------------------------------------------------

#[test]
fn reason_picker_and_exclusion() {
    let hs = at_both_sizes("reason_picker", demo_app, |h| {
        h.keys("i e");
    });
    for mut h in hs {
        let screen = h.screen();
        assert!(screen.contains("Exclude: why?"));
        assert!(screen.contains(" 1 [ ] Population"));
        assert!(screen.contains(" 8 [ ] Other"));
        h.keys("2 5");
        let screen = h.screen();
        assert!(screen.contains(" 2 [x] Intervention/exposure"), "{screen}");
        assert!(screen.contains(" 5 [x] Study design"));
        h.keys("2 enter");
        let screen = h.screen();
        assert!(screen.contains("✓ 1 included  ✗ 1 excluded  ? 0 maybe · 31 left"));
        assert!(screen.contains("3/33"));
        let d = decisions(&h);
        assert_eq!(d.len(), 2);
        assert_eq!(d[1].verdict, Verdict::Exclude(vec!["study-design".into()]));
        assert_eq!(d[1].reviewer, "alice");
        assert_eq!(d[1].at, CLOCK);
        h.keys("left");
        assert!(
            h.screen()
                .contains("Your decision: excluded (Study design)")
        );
    }
}

#[test]
fn number_keys_exclude_at_once_and_several_reasons_are_kept_in_list_order() {
    let mut h = harness();
    h.keys("4");
    assert_eq!(
        decisions(&h)[0].verdict,
        Verdict::Exclude(vec!["outcome".into()])
    );
    assert_eq!(h.app.position(), 1);
    h.keys("e 7 1 enter");
    assert_eq!(
        decisions(&h)[1].verdict,
        Verdict::Exclude(vec!["population".into(), "language".into()])
    );
}

#[test]
fn an_exclusion_needs_a_reason_unless_the_setting_is_off() {
    let mut h = harness();
    h.keys("e enter");
    assert!(h.screen().contains("Pick at least one reason"));
    assert_eq!(h.app.mode(), Mode::ReasonPicker);
    h.keys("esc");
    assert_eq!(h.app.mode(), Mode::Screening);
    assert!(h.persisted.is_empty());
    // Turn the setting off in the reasons editor.
    h.keys("R x esc");
    match h.persisted.last().unwrap() {
        Change::SetSettings(s) => assert!(!s.exclusion_needs_reason),
        other => panic!("{other:?}"),
    }
    h.keys("e enter");
    assert_eq!(decisions(&h)[0].verdict, Verdict::Exclude(vec![]));
}

fn type_text(h: &mut Harness, text: &str) {
    for c in text.chars() {
        let k = if c == ' ' {
            "space".to_string()
        } else {
            c.to_string()
        };
        h.keys(&k);
    }
}

#[test]
fn a_reason_added_on_the_fly_is_saved_ticked_and_used() {
    let mut h = harness();
    h.keys("e a");
    assert_eq!(h.app.mode(), Mode::Input);
    type_text(&mut h, "Not a dinosaur");
    h.keys("enter");
    assert_eq!(h.app.mode(), Mode::ReasonPicker);
    let screen = h.screen();
    assert!(screen.contains(" 9 [x] Not a dinosaur"), "{screen}");
    match &h.persisted[0] {
        Change::AddReason(r) => {
            assert_eq!(r.id, "not-a-dinosaur");
            assert_eq!(r.stage, Stage::TitleAbstract);
        }
        other => panic!("{other:?}"),
    }
    h.keys("enter");
    assert_eq!(
        decisions(&h)[0].verdict,
        Verdict::Exclude(vec!["not-a-dinosaur".into()])
    );
}

#[test]
fn reasons_are_renamed_reordered_retired_with_stable_ids() {
    let hs = at_both_sizes("reasons_editor", demo_app, |h| {
        h.keys("R");
    });
    for mut h in hs {
        let screen = h.screen();
        assert!(screen.contains("title/abstract reasons"), "{screen}");
        assert!(screen.contains("Population  [population]"));
        assert!(screen.contains("[x] an exclusion needs a reason"));
        // Rename the first, keeping its id.
        h.keys("enter ctrl-u");
        type_text(&mut h, "Wrong population");
        h.keys("enter");
        assert!(matches!(
            &h.persisted[0],
            Change::RenameReason { id, label } if id == "population" && label == "Wrong population"
        ));
        // Move it down one: it is now number 2 in the picker.
        h.keys("]");
        assert!(matches!(&h.persisted[1], Change::MoveReason { id, .. } if id == "population"));
        // Retire it: the picker no longer offers it, its id is not reused.
        h.keys("d");
        assert!(matches!(
            &h.persisted[2],
            Change::RetireReason { id, retired: true } if id == "population"
        ));
        h.keys("a");
        type_text(&mut h, "Population");
        h.keys("enter");
        assert!(matches!(&h.persisted[3], Change::AddReason(r) if r.id == "population-2"));
        h.keys("esc e");
        let screen = h.screen();
        assert!(screen.contains(" 1 [ ] Intervention/exposure"), "{screen}");
        assert!(!screen.contains("Wrong population"));
        assert!(screen.contains("[ ] Population"));
        h.keys("esc");
        // Full-text reasons are their own list (tab).
        h.keys("R tab");
        assert!(h.screen().contains("full text reasons"));
        assert!(h.screen().contains("[ft-population]"));
    }
}

// ----- notes and tags ------------------------------------------------------------

#[test]
fn notes_and_tags_are_journaled_without_a_verdict_and_kept_with_one() {
    let hs = at_both_sizes("note_input", demo_app, |h| {
        h.keys("c");
        type_text(h, "check the body mass data");
    });
    for mut h in hs {
        assert_eq!(h.app.mode(), Mode::Input);
        assert!(h.screen().contains("Note on this record"));
        h.keys("enter t");
        type_text(&mut h, "check later, mass, check later");
        h.keys("enter");
        let d = decisions(&h);
        assert_eq!(d.len(), 2, "a note and tags, each journaled");
        assert_eq!(d[0].verdict, Verdict::Cleared, "still undecided");
        assert_eq!(d[0].note, "check the body mass data");
        assert_eq!(d[1].tags, ["check later", "mass"], "trimmed, no repeats");
        let screen = h.screen();
        assert!(screen.contains("Tags: check later, mass"));
        assert!(screen.contains("Note: check the body mass data"));
        // Deciding keeps the note and tags on the decision.
        h.keys("i");
        let d = decisions(&h);
        assert_eq!(d[2].verdict, Verdict::Include);
        assert_eq!(d[2].note, "check the body mass data");
        assert_eq!(d[2].tags, ["check later", "mass"]);
        // Undo takes back the decision, not the note.
        h.keys("u");
        assert!(h.screen().contains("Note: check the body mass data"));
        assert_eq!(decisions(&h)[3].verdict, Verdict::Cleared);
        assert_eq!(decisions(&h)[3].note, "check the body mass data");
    }
}

#[test]
fn filter_by_tag() {
    let mut h = harness();
    h.keys("t");
    type_text(&mut h, "mass");
    h.keys("enter right right t");
    type_text(&mut h, "mass");
    h.keys("enter right t");
    type_text(&mut h, "other");
    h.keys("enter");
    // Filter menu: entry 6 is "Tagged…", then the tags sorted.
    h.keys("f 6");
    let screen = h.screen();
    assert!(screen.contains("Tagged…"), "{screen}");
    assert!(screen.contains("1 mass"));
    assert!(screen.contains("2 other"));
    h.keys("1");
    assert_eq!(h.app.rows().len(), 2);
    assert!(h.screen().contains("filter: tagged mass · 2 of 33"));
}

// ----- undo and redo -------------------------------------------------------------

#[test]
fn undo_and_redo_to_any_depth() {
    let mut h = harness();
    h.keys("i m e 3 enter i");
    assert_eq!(h.app.counts().decided(), 4);
    h.keys("u u u u");
    assert_eq!(h.app.counts().decided(), 0);
    assert_eq!(h.app.position(), 0);
    assert!(h.screen().contains("Undone: record #1 is undecided again"));
    h.keys("u");
    assert!(h.screen().contains("Nothing to undo"));
    h.keys("ctrl-r ctrl-r ctrl-r");
    let c = h.app.counts();
    assert_eq!((c.included, c.maybe, c.excluded), (1, 1, 1));
    assert_eq!(h.app.position(), 2, "on the record redone last");
    // A new decision ends what can be redone.
    h.keys("right right m U");
    assert!(h.screen().contains("Nothing to redo"));
    let verdicts: Vec<Verdict> = decisions(&h).into_iter().map(|d| d.verdict).collect();
    assert_eq!(
        verdicts,
        [
            Verdict::Include,
            Verdict::Maybe,
            Verdict::Exclude(vec!["comparator".into()]),
            Verdict::Include,
            Verdict::Cleared,
            Verdict::Cleared,
            Verdict::Cleared,
            Verdict::Cleared,
            Verdict::Include,
            Verdict::Maybe,
            Verdict::Exclude(vec!["comparator".into()]),
            Verdict::Maybe,
        ]
    );
}

#[test]
fn undo_brings_back_the_previous_verdict_when_one_is_changed() {
    let mut h = harness();
    h.keys("i left e 2 enter left");
    assert!(
        h.screen()
            .contains("Your decision: excluded (Intervention/exposure)")
    );
    h.keys("u");
    assert!(h.screen().contains("Undone: record #1 back to included"));
    assert!(h.screen().contains("Your decision: included"));
}

// ----- the list -------------------------------------------------------------------

#[test]
fn list_view_shows_status_reasons_title_year_source() {
    let hs = at_both_sizes("list", demo_app, |h| {
        h.keys("i e 5 enter m t");
        type_text(h, "x");
        h.keys("enter l");
    });
    for mut h in hs {
        assert_eq!(h.app.mode(), Mode::List);
        let screen = h.screen();
        let rows: Vec<&str> = screen.lines().skip(4).collect();
        assert!(rows[0].contains("1 ✓"), "{}", rows[0]);
        assert!(rows[1].contains("2 ✗  Study design"), "{}", rows[1]);
        assert!(rows[2].contains("3 ?"), "{}", rows[2]);
        assert!(rows[3].contains("4 ·✎"), "note/tag mark: {}", rows[3]);
        assert!(rows[0].contains("2024"));
        assert!(rows[0].contains("Scopus"), "the source's database");
        assert!(screen.lines().nth(3).unwrap().contains("reasons"));
        // The cursor row is drawn reversed.
        let buf = h.buffer();
        let y = 4 + 3;
        assert!(
            buf[(2, y)]
                .style()
                .add_modifier
                .contains(Modifier::REVERSED)
        );
        // Change a past decision from the list: the cursor stays.
        h.keys("up up up 3");
        assert_eq!(h.app.position(), 0);
        assert!(h.screen().lines().nth(4).unwrap().contains("✗  Comparator"));
        // Enter opens the record, tab goes back.
        h.keys("down enter");
        assert_eq!(h.app.view(), View::Record);
        assert!(
            h.screen()
                .contains("Your decision: excluded (Study design)")
        );
        h.keys("tab");
        assert_eq!(h.app.view(), View::List);
    }
}

#[test]
fn the_list_scrolls_and_jumps() {
    let mut h = harness();
    h.keys("l end");
    assert_eq!(h.app.position(), 32);
    let screen = h.screen();
    assert!(screen.contains(" 33 "), "{screen}");
    assert!(!screen.contains("\n   1 "), "row 1 scrolled away");
    h.keys("home pagedown");
    assert_eq!(h.app.position(), 17, "a page is the visible rows less one");
    h.keys("g 1 2 enter");
    assert_eq!(h.app.position(), 11);
    h.keys("g 9 9 enter");
    assert!(h.screen().contains("There is no row 99"));
    // A record key works too.
    let key = h.app.project().records[h.app.rows()[20]].key.clone();
    h.keys("g");
    type_text(&mut h, &key);
    h.keys("enter");
    assert_eq!(h.app.position(), 20);
    // The wheel moves the cursor three rows.
    h.app.step(Event::Wheel { down: true });
    assert_eq!(h.app.position(), 23);
}

#[test]
fn the_list_window_follows_every_move_of_an_undo() {
    let mut h = harness();
    // A filtered list: the decided record leaves it, the undo puts it back
    // above the cursor (which moves down a row with it) and then goes to it.
    h.keys("l f 1 g 6 enter i g 1 8 enter");
    assert_eq!(h.app.position(), 17);
    assert!(h.screen().contains("\n   1 "), "rows 1-18 shown");
    h.keys("u");
    assert_eq!(h.app.position(), 5, "on the record taken back");
    let screen = h.screen();
    assert!(
        !screen.contains("\n   1 ") && screen.contains("\n   2 "),
        "the window moved down a row with the cursor and stayed: {screen}"
    );
}

// ----- search ----------------------------------------------------------------------

#[test]
fn incremental_search_with_next_and_previous_match() {
    let hs = at_both_sizes("search", demo_app, |h| {
        h.keys("/");
        type_text(h, "spino");
    });
    for mut h in hs {
        assert_eq!(h.app.mode(), Mode::Search);
        // Record 4 is the first whose title/abstract/authors say "spino".
        assert_eq!(h.app.position(), 3);
        let screen = h.screen();
        assert!(screen.contains("/ spino"), "{screen}");
        assert!(screen.contains("spinosaurid"));
        let buf = h.buffer();
        let t = Theme::default();
        assert_eq!(styles_of(&buf, "spino", 3)[0].bg, t.term_search.bg);
        // Found independently: records whose text holds "spino", in order.
        let expected: Vec<usize> = h
            .app
            .rows()
            .iter()
            .enumerate()
            .filter(|(_, i)| {
                let r = &h.app.project().records[**i];
                format!("{} {} {}", r.title, r.abstract_text, r.authors.join(" "))
                    .to_lowercase()
                    .contains("spino")
            })
            .map(|(row, _)| row)
            .collect();
        assert_eq!(expected[0], 3);
        h.keys("enter n");
        assert_eq!(h.app.position(), expected[1], "the next match");
        h.keys("N");
        assert_eq!(h.app.position(), 3);
        // A longer query that matches nothing stays put and says so.
        h.keys("/");
        type_text(&mut h, "spinozzz");
        assert!(h.screen().contains("No record shown matches \"spinozzz\""));
        h.keys("esc");
        assert_eq!(h.app.position(), 3, "esc goes back to where it began");
        assert_eq!(h.app.mode(), Mode::Screening);
    }
}

#[test]
fn search_covers_authors_and_abstracts_and_ignores_case() {
    let mut h = harness();
    h.keys("/");
    type_text(&mut h, "GARDNER");
    h.keys("enter");
    assert_eq!(h.app.position(), 0, "an author of record 1");
    h.keys("/");
    type_text(&mut h, "paleo-colour");
    h.keys("enter");
    let screen = h.screen();
    assert!(screen.contains("Paleo-colour"), "{screen}");
    // An empty search clears the highlighting.
    assert!(h.app.search().is_some());
    h.keys("/ enter");
    assert!(h.app.search().is_none());
    assert!(h.screen().contains("Search cleared"));
}

#[test]
fn the_list_opens_with_the_current_record_mid_screen() {
    let mut h = harness();
    h.keys("g 2 5 enter l");
    let screen = h.screen();
    let rows: Vec<&str> = screen.lines().skip(4).take(18).collect();
    let at = rows
        .iter()
        .position(|r| r.trim_start().starts_with("25 "))
        .unwrap_or_else(|| panic!("row 25 not shown:\n{screen}"));
    assert!(
        (6..=12).contains(&at),
        "row 25 is on screen line {at} of 18"
    );
}

// ----- filters and bulk actions --------------------------------------------------------

#[test]
fn filter_menu_and_status_filters() {
    let hs = at_both_sizes("filter_menu", demo_app, |h| {
        h.keys("i i m l f");
    });
    for mut h in hs {
        let screen = h.screen();
        assert_eq!(h.app.mode(), Mode::Menu);
        assert!(screen.contains("Undecided (30)"), "{screen}");
        assert!(screen.contains("Included (2)"));
        h.keys("1");
        assert_eq!(h.app.rows().len(), 30);
        assert!(h.screen().contains("filter: undecided · 30 of 33"));
        // Deciding in the filtered list moves the next undecided row up.
        h.keys("i");
        assert_eq!(h.app.rows().len(), 29);
        h.keys("f 2");
        assert!(
            h.screen().contains("filter: included · 3 of 33"),
            "one status at a time"
        );
        h.keys("F");
        assert_eq!(h.app.rows().len(), 33);
    }
}

#[test]
fn new_since_a_batch() {
    let mut project = Project::new();
    for (name, bytes) in &SAMPLES[..2] {
        let input = Input {
            path: name.to_string(),
            bytes,
            format: None,
            database: None,
        };
        import_files(&mut project, &[input]).unwrap();
    }
    // scopus_dinosaurs.ris holds 10 records (grep -c '^ER' gives 10), the
    // PsycINFO file 10 as well (grep -c '^ER').
    let app = app_with(
        project,
        "alice",
        Stage::TitleAbstract,
        Keymap::default_map(),
    );
    let mut h = Harness::new(app, 80, 24);
    assert_eq!(h.app.queue_len(), 20);
    h.keys("f 8");
    assert!(h.screen().contains("batch 2 or later (psycinfo_ovid.ris)"));
    h.keys("2");
    assert_eq!(h.app.rows().len(), 10);
    assert!(h.screen().contains("imported in batch 2 or later"));
}

#[test]
fn bulk_exclusion_records_the_rule_and_undoes_as_one_step() {
    let hs = at_both_sizes("bulk_confirm", demo_app, |h| {
        // The first record is decided by hand; the bulk leaves it alone.
        h.keys("i l / c h i l d enter f");
        h.keys("end enter B 6 enter");
    });
    for mut h in hs {
        assert_eq!(h.app.mode(), Mode::Confirm);
        let screen = h.screen();
        assert!(screen.contains("for Publication type?"), "{screen}");
        assert!(screen.contains("Rule recorded: matching \"child\""));
        let shown = h.app.rows().len();
        h.keys("y");
        let bulk: Vec<Decision> = match h.persisted.last().unwrap() {
            Change::DecideMany(ds) => ds.clone(),
            other => panic!("one change for the whole bulk action: {other:?}"),
        };
        assert_eq!(bulk.len(), shown);
        for d in &bulk {
            assert_eq!(d.rule.as_deref(), Some("matching \"child\""));
            assert_eq!(d.verdict, Verdict::Exclude(vec!["publication-type".into()]));
        }
        assert_eq!(h.app.counts().excluded, shown);
        h.keys("enter");
        assert!(h.screen().contains("bulk rule: matching \"child\""));
        h.keys("tab u");
        assert_eq!(h.app.counts().excluded, 0, "one undo takes back the bulk");
        assert!(matches!(h.persisted.last().unwrap(), Change::DecideMany(ds) if ds.len() == shown));
        h.keys("U");
        assert_eq!(h.app.counts().excluded, shown);
    }
}

#[test]
fn bulk_needs_a_filter() {
    let mut h = harness();
    h.keys("l B");
    assert!(h.screen().contains("Bulk actions work on a filtered list"));
    assert_eq!(h.app.mode(), Mode::List);
}

// ----- criteria, order, open, full text --------------------------------------------------

#[test]
fn criteria_are_edited_and_shown_in_a_panel() {
    let hs = at_both_sizes("criteria", demo_app, |h| {
        h.keys("E a");
        type_text(h, "P: non-avian dinosaurs");
        h.keys("enter a");
        type_text(h, "O: body size");
        h.keys("enter esc C");
    });
    for mut h in hs {
        match h.persisted.last().unwrap() {
            Change::SetCriteria(c) => assert_eq!(c, "P: non-avian dinosaurs\nO: body size"),
            other => panic!("{other:?}"),
        }
        let screen = h.screen();
        assert!(screen.contains("Inclusion criteria"), "{screen}");
        assert!(screen.contains("P: non-avian dinosaurs"));
        h.keys("C");
        assert!(!h.screen().contains("P: non-avian dinosaurs"));
    }
}

#[test]
fn criteria_editor_snapshot() {
    at_both_sizes("criteria_editor", demo_app, |h| {
        h.keys("E a");
        type_text(h, "P: non-avian dinosaurs");
        h.keys("enter");
    });
}

#[test]
fn queue_orders_and_seeded_random_order_is_stable() {
    let mut h = harness();
    h.keys("O");
    assert!(h.screen().contains("Order: random"));
    let first: Vec<usize> = h.app.rows().to_vec();
    let mut again = harness();
    again.keys("O");
    assert_eq!(
        again.app.rows(),
        &first[..],
        "same reviewer, same seed, same order"
    );
    let mut sorted = first.clone();
    sorted.sort();
    assert_ne!(first, sorted);
    h.keys("O");
    let years: Vec<Option<i32>> = h
        .app
        .rows()
        .iter()
        .map(|&i| h.app.project().records[i].year)
        .collect();
    let mut expected = years.clone();
    expected.sort_by_key(|y| std::cmp::Reverse(y.unwrap_or(i32::MIN)));
    assert_eq!(years, expected, "newest first");
    h.keys("O");
    assert!(
        h.screen()
            .contains("Order: relevance: random until 1 include and 1 exclude"),
        "{}",
        h.screen()
    );
    h.keys("O");
    assert!(h.screen().contains("Order: import order"));
}

#[test]
fn open_asks_for_the_doi_or_says_there_is_nothing() {
    let mut h = harness();
    h.keys("o");
    assert_eq!(h.opened.len(), 1);
    assert_eq!(
        h.opened[0].urls[0],
        format!(
            "https://doi.org/{}",
            screener::text::normalize_doi(&h.app.current().unwrap().doi).unwrap()
        )
    );
    // The pasted page's records have no DOI or URL.
    h.keys("g 3 3 enter o");
    assert_eq!(h.opened.len(), 1);
    assert!(h.screen().contains("Nothing to open"));
}

/// The demo with the first record's file link set to `file` (and its DOI
/// kept or removed).
fn with_file_link(file: &str, keep_doi: bool) -> Harness {
    let mut project = demo_project();
    let r = &mut project.records[0];
    r.extra.push(screener::record::Field {
        tag: "L1".into(),
        value: file.into(),
    });
    if !keep_doi {
        r.doi.clear();
        r.url.clear();
        r.extra
            .retain(|f| !matches!(f.tag.as_str(), "UR" | "L2" | "LK"));
    }
    Harness::new(
        app_with(
            project,
            "alice",
            Stage::TitleAbstract,
            Keymap::default_map(),
        ),
        80,
        24,
    )
}

#[test]
fn a_file_link_that_is_not_a_pdf_is_opened_only_after_asking() {
    for file in ["/etc/passwd", "../../x.desktop"] {
        let mut h = with_file_link(file, false);
        h.keys("o");
        assert!(h.opened.is_empty(), "{file} went to the opener unasked");
        assert_eq!(h.app.mode(), Mode::Confirm);
        let screen = h.screen();
        assert!(
            screen.contains(&format!("Open {file} with the system")),
            "{screen}"
        );
        assert!(screen.contains("It is not a PDF"), "{screen}");
        h.keys("n");
        assert!(h.opened.is_empty());
        assert_eq!(h.app.mode(), Mode::Screening);
        h.keys("o y");
        assert_eq!(h.opened.len(), 1);
        assert_eq!(h.opened[0].files, [file]);
        assert!(h.opened[0].urls.is_empty());
    }
    // Beside a DOI, such a file is left out and the DOI opens unasked.
    let mut h = with_file_link("/etc/passwd", true);
    h.keys("o");
    assert_eq!(h.app.mode(), Mode::Screening);
    assert!(h.opened[0].files.is_empty());
    assert!(h.opened[0].urls[0].starts_with("https://doi.org/"));
    // A PDF and web links open unasked.
    for file in ["papers/Smith 2020.PDF", "https://example.org/x.html"] {
        let mut h = with_file_link(file, false);
        h.keys("o");
        assert_eq!(h.app.mode(), Mode::Screening, "{file}");
        assert_eq!(h.opened.len(), 1, "{file}");
    }
}

fn full_text_app() -> App {
    let mut h = harness();
    h.keys("i m e 1 enter i");
    app_with(
        h.app.project().clone(),
        "alice",
        Stage::FullText,
        Keymap::default_map(),
    )
}

#[test]
fn full_text_stage_screens_includes_and_maybes_with_its_own_reasons() {
    let hs = at_both_sizes("full_text", full_text_app, |_| {});
    for mut h in hs {
        let screen = h.screen();
        assert!(screen.contains("full text"), "{screen}");
        assert!(screen.contains("1/3"), "two includes and a maybe");
        h.keys("r");
        assert_eq!(decisions(&h)[0].verdict, Verdict::NotRetrieved);
        assert_eq!(decisions(&h)[0].stage, Stage::FullText);
        assert!(h.screen().contains("∅ 1 not retrieved"));
        h.keys("e 1 enter");
        assert_eq!(
            decisions(&h)[1].verdict,
            Verdict::Exclude(vec!["ft-population".into()])
        );
        // Maybes stay out when the setting says so.
        h.keys("R M esc");
        assert_eq!(h.app.queue_len(), 2);
    }
    let mut h = harness();
    h.keys("r");
    assert!(h.screen().contains("is for the full-text stage"));
    assert!(h.persisted.is_empty());
}

// ----- duplicates ----------------------------------------------------------------------

fn with_duplicate() -> App {
    let mut project = demo_project();
    let mut copy = project.records[1].clone();
    copy.key = format!("{}~copy", copy.key);
    copy.duplicate_of = Some(project.records[1].key.clone());
    copy.origin.source = 1;
    copy.origin.position = 99;
    copy.title = copy.title.to_uppercase();
    project.records.push(copy);
    app_with(
        project,
        "alice",
        Stage::TitleAbstract,
        Keymap::default_map(),
    )
}

#[test]
fn duplicate_review_side_by_side_confirm_or_split() {
    let hs = at_both_sizes("duplicates", with_duplicate, |h| {
        h.keys("D");
    });
    for mut h in hs {
        assert_eq!(h.app.mode(), Mode::Duplicates);
        let screen = h.screen();
        assert!(screen.contains("Primary"), "{screen}");
        assert!(screen.contains("Linked as its duplicate"));
        assert!(screen.contains("same DOI"));
        assert!(screen.contains("pair 1 of 1"));
        assert!(
            screen.contains("Source ≠"),
            "the copy came from another source"
        );
        assert_eq!(h.app.queue_len(), 33);
        h.keys("s");
        let review = match h.persisted.last().unwrap() {
            Change::ReviewDuplicate(r) => r.clone(),
            other => panic!("{other:?}"),
        };
        assert!(review.split);
        assert_eq!(review.reviewer, "alice");
        assert_eq!(h.app.queue_len(), 34, "the split record is screened too");
        assert_eq!(h.app.view(), View::Record);
        let split = h.app.project().records.last().unwrap();
        assert!(split.duplicate_of.is_none());
        assert!(h.app.verdict_of(&split.key).is_none(), "undecided");
        h.keys("D");
        assert!(
            h.screen()
                .contains("No duplicate links left to review (1 reviewed)")
        );
    }
    let mut h = Harness::new(with_duplicate(), 80, 24);
    h.keys("D y");
    assert!(matches!(h.persisted.last().unwrap(), Change::ReviewDuplicate(r) if !r.split));
    assert_eq!(h.app.queue_len(), 33);
}

// ----- blind ------------------------------------------------------------------------------

#[test]
fn another_reviewers_decisions_notes_and_tags_never_show() {
    let mut bob = Harness::new(
        app_with(
            demo_project(),
            "bob",
            Stage::TitleAbstract,
            Keymap::default_map(),
        ),
        80,
        24,
    );
    bob.keys("c");
    type_text(&mut bob, "BOBNOTE");
    bob.keys("enter t");
    type_text(&mut bob, "bobtag");
    bob.keys("enter i e 1 enter m");
    let project = bob.app.project().clone();
    let mut h = Harness::new(
        app_with(
            project,
            "alice",
            Stage::TitleAbstract,
            Keymap::default_map(),
        ),
        120,
        40,
    );
    assert_eq!(h.app.counts().decided(), 0);
    let mut seen = String::new();
    for keys in [
        "",
        "l",
        "l f",
        "esc f 6",
        "esc esc tab",
        "/ b o b",
        "esc H",
        "esc R",
        "esc E",
        "esc D",
        "?",
        "esc l",
    ] {
        if !keys.is_empty() {
            h.keys(keys);
        }
        seen.push_str(&h.screen());
    }
    assert!(!seen.contains("BOBNOTE"), "{seen}");
    assert!(!seen.contains("bobtag"));
    assert!(!seen.contains("Your decision"));
    let mut list = Harness::new(
        app_with(
            bob.app.project().clone(),
            "alice",
            Stage::TitleAbstract,
            Keymap::default_map(),
        ),
        80,
        24,
    );
    list.keys("l");
    let rows: Vec<String> = list
        .screen()
        .lines()
        .skip(4)
        .take(3)
        .map(String::from)
        .collect();
    for (n, row) in rows.iter().enumerate() {
        assert!(
            row.contains(&format!("{} · ", n + 1)),
            "undecided for alice: {row}"
        );
    }
}

// ----- help, sizes, CJK, wheel, keymaps ---------------------------------------------------

#[test]
fn help_lists_every_binding_of_the_live_keymap() {
    let hs = at_both_sizes("help", demo_app, |h| {
        h.keys("?");
    });
    for mut h in hs {
        let first_page = h.screen();
        assert!(first_page.contains("Keys (from the active keymap)"));
        let mut seen = first_page.clone();
        for _ in 0..40 {
            h.keys("pagedown");
            seen.push_str(&h.screen());
        }
        let keymap = Keymap::default_map();
        for section in screener::tui::help::sections(&keymap) {
            assert!(
                seen.contains(section.mode.title()),
                "{}",
                section.mode.title()
            );
            for (group, entries) in section.groups {
                assert!(seen.contains(group.title()));
                for e in entries {
                    let line = format!("{:<16} {}", e.keys, e.description);
                    assert!(seen.contains(&line), "help lacks `{line}`");
                }
            }
        }
        h.keys("esc");
        assert_eq!(h.app.mode(), Mode::Screening);
    }
}

#[test]
fn scrolling_stops_at_the_end_of_the_record() {
    let mut h = harness();
    h.resize(60, 15);
    for _ in 0..20 {
        h.keys("pagedown");
    }
    let screen = h.screen();
    let body: Vec<&str> = screen.lines().skip(3).take(10).collect();
    assert!(body.iter().any(|l| l.contains("Keywords:")), "{screen}");
    let scroll = h.app.scroll();
    h.keys("down");
    assert_eq!(h.app.scroll(), scroll, "no scrolling past the end");
    h.app.step(Event::Wheel { down: false });
    assert_eq!(h.app.scroll(), scroll - 3, "the wheel scrolls three lines");
    for _ in 0..20 {
        h.keys("pageup");
    }
    assert_eq!(h.app.scroll(), 0);
}

#[test]
fn below_60x15_a_notice_and_every_mode_survives_any_size() {
    let mut h = harness();
    for (w, hh) in [(59, 15), (60, 14), (20, 5), (1, 1)] {
        h.resize(w, hh);
        let s = h.screen();
        assert!(s.contains("Terminal too small") || w < 18, "{w}x{hh}: {s}");
    }
    h.resize(60, 15);
    assert!(h.screen().contains("1/33"));
    // Every mode at every size from tiny to wide draws without panicking.
    let modes = [
        "", "e", "?", "/ x", "c", "f", "H", "R", "E", "C", "l", "l f 9", "l B",
    ];
    for keys in modes {
        let mut h = Harness::new(with_duplicate(), 80, 24);
        if !keys.is_empty() {
            h.keys(keys);
        }
        for w in [1u16, 30, 59, 60, 61, 200] {
            for hh in [1u16, 14, 15, 40] {
                h.resize(w, hh);
                h.screen();
            }
        }
    }
    let mut h = Harness::new(with_duplicate(), 80, 24);
    h.keys("D");
    for w in [1u16, 30, 60, 61, 150] {
        h.resize(w, 15);
        h.screen();
    }
}

const CJK_RIS: &str = "TY  - JOUR\r\nTI  - 森林生態系の回復に関する研究：日本の里山における長期観察と評価\r\nAU  - 山田, 太郎\r\nAU  - Kim, Min-jun\r\nPY  - 2021\r\nJO  - 生態学雑誌\r\nAB  - 本研究では、里山の森林生態系の回復過程を十年間にわたり観察した。植生の回復は地域によって大きく異なり、管理の方法が重要であることが示された。😀 絵文字と café と cafe\u{301} も正しく折り返される。English words mixed in: restoration of forests, reviewed.\r\nER  - \r\n";

fn cjk_app() -> App {
    let mut project = Project::new();
    let input = Input {
        path: "cjk.ris".into(),
        bytes: CJK_RIS.as_bytes(),
        format: None,
        database: Some("J-STAGE".into()),
    };
    import_files(&mut project, &[input]).unwrap();
    project.highlight.include = vec!["回復".into(), "restor*".into()];
    project.highlight.exclude = vec!["review*".into()];
    app_with(
        project,
        "alice",
        Stage::TitleAbstract,
        Keymap::default_map(),
    )
}

#[test]
fn cjk_emoji_and_combining_marks_wrap_by_display_width() {
    let mut h = Harness::new(cjk_app(), 80, 24);
    let screen = h.screen();
    insta::assert_snapshot!("cjk_80x24", screen);
    use unicode_width::UnicodeWidthStr;
    for line in screen.lines() {
        assert!(line.width() <= 80, "too wide: {line}");
    }
    assert!(screen.contains("森林生態系の回復に関する研究"), "{screen}");
    assert!(screen.contains("😀"));
    assert!(screen.contains("cafe\u{301}"));
    let buf = h.buffer();
    assert_eq!(styles_of(&buf, "回復", 3)[0].fg, Some(Color::Green));
    assert!(
        styles_of(&buf, "reviewed", 3)[0]
            .add_modifier
            .contains(Modifier::UNDERLINED)
    );
    // Narrow: still within the width, nothing lost.
    h.resize(60, 15);
    let narrow = h.screen();
    for line in narrow.lines() {
        assert!(line.width() <= 60, "too wide: {line}");
    }
    for _ in 0..10 {
        h.keys("down");
    }
    assert!(h.screen().contains("reviewed"));
}

#[test]
fn the_vim_keymap_drives_the_same_screen() {
    let app = app_with(
        demo_project(),
        "alice",
        Stage::TitleAbstract,
        Keymap::load("vim", None).unwrap(),
    );
    let mut h = Harness::new(app, 80, 24);
    h.keys("i x 2 enter j j k g g");
    assert_eq!(h.app.position(), 2, "g g: the first undecided record");
    h.keys("a");
    type_text(&mut h, "vim note");
    h.keys("enter u");
    assert!(h.screen().contains("Undone: note"));
    h.keys("/");
    type_text(&mut h, "spino");
    h.keys("enter n tab G");
    assert_eq!(h.app.view(), View::List);
    assert_eq!(h.app.position(), 32);
}

#[test]
fn reopening_resumes_at_the_first_undecided_record() {
    let mut h = harness();
    h.keys("i i m");
    let project = h.app.project().clone();
    let app = app_with(
        project,
        "alice",
        Stage::TitleAbstract,
        Keymap::default_map(),
    );
    assert_eq!(app.position(), 3);
    let app = app_with(
        h.app.project().clone(),
        "bob",
        Stage::TitleAbstract,
        Keymap::default_map(),
    );
    assert_eq!(app.position(), 0);
    assert_eq!(app.counts().decided(), 0);
}

#[test]
fn a_note_on_an_undecided_record_is_there_after_reopening() {
    let mut h = harness();
    h.keys("c");
    type_text(&mut h, "ask about the cohort");
    h.keys("enter i u");
    let app = app_with(
        h.app.project().clone(),
        "alice",
        Stage::TitleAbstract,
        Keymap::default_map(),
    );
    assert_eq!(app.counts().decided(), 0, "the undo left it undecided");
    assert_eq!(app.position(), 0);
    let mut reopened = Harness::new(app, 80, 24);
    assert!(
        reopened.screen().contains("Note: ask about the cohort"),
        "the Cleared entry carries the note"
    );
}

#[test]
fn a_page_without_titles_shows_a_marker_never_an_empty_line() {
    let mut h = harness();
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
}

#[test]
fn too_small_snapshot() {
    let mut h = harness();
    h.resize(50, 12);
    let screen = h.screen();
    insta::assert_snapshot!("too_small_50x12", screen);
    assert!(
        screen
            .replace('\n', " ")
            .contains("screener needs at least 60x15")
    );
}

#[test]
fn a_long_search_runs_in_slices_and_the_screen_stays_live() {
    // 20,000 small records: more than one slice of a scan.
    let mut project = Project::new();
    for i in 0..20_000u32 {
        project.records.push(screener::record::Record {
            key: format!("k{i}"),
            origin: screener::record::Origin {
                source: 0,
                position: i + 1,
            },
            title: format!("Record number {i} about forests"),
            abstract_text: "Plain words only.".into(),
            ..Default::default()
        });
    }
    project.records[15_000].title.push_str(" and a unicorn");
    let mut app = app_with(
        project,
        "alice",
        Stage::TitleAbstract,
        Keymap::default_map(),
    );
    app.step(Event::Resize {
        width: 80,
        height: 24,
    });
    // The search index builds in idle slices after start.
    assert!(app.busy());
    let mut slices = 0;
    while app.busy() {
        app.step(Event::Tick);
        slices += 1;
    }
    assert!(slices > 1, "the index is built in more than one slice");
    let mut h = Harness::new(app, 80, 24);
    // Type without idling: the search for "unicorn" stops after a slice.
    for k in ["/", "u", "n", "i", "c", "o", "r", "n"] {
        h.app
            .step(Event::Key(screener::keys::parse_key(k).unwrap()));
    }
    assert!(h.app.busy(), "the scan is not finished in one slice");
    let line = h.screen().lines().last().unwrap().to_string();
    assert!(line.contains("searching… "), "{line}");
    while h.app.busy() {
        h.app.step(Event::Tick);
    }
    assert_eq!(h.app.position(), 15_000);
    assert!(h.screen().contains("and a unicorn"));
    // esc while a search is under way stops it and goes back.
    h.keys("enter");
    h.app
        .step(Event::Key(screener::keys::parse_key("/").unwrap()));
    for k in ["z", "z", "z"] {
        h.app
            .step(Event::Key(screener::keys::parse_key(k).unwrap()));
    }
    assert!(h.app.busy());
    h.app
        .step(Event::Key(screener::keys::parse_key("esc").unwrap()));
    assert!(!h.app.busy());
    assert_eq!(h.app.position(), 15_000);
}

#[test]
fn bulk_exclusion_by_language() {
    let mut h = harness();
    // Filter menu: "Language…" is the 12th entry (title/abstract stage).
    h.keys("l f end");
    h.keys("enter");
    let screen = h.screen();
    // The three RIS samples have 10 `LA  - English` lines each (grep -c);
    // the pasted page gives no language.
    assert!(screen.contains("English (30)"), "{screen}");
    h.keys("1 B 7 enter");
    assert!(h.screen().contains("Rule recorded: language English"));
    h.keys("y");
    let bulk = decisions(&h);
    assert_eq!(bulk.len(), 30);
    assert_eq!(h.app.counts().excluded, 30);
    assert_eq!(
        h.app.queue_len() - h.app.counts().decided(),
        3,
        "the pasted three"
    );
    assert!(
        bulk.iter()
            .all(|d| d.rule.as_deref() == Some("language English")
                && d.verdict == Verdict::Exclude(vec!["language".into()]))
    );
}
