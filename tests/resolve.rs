//! `screener resolve`: the resolve screen through the in-process harness
//! (snapshots at 80x24 and 120x40, keys taking sides, overriding, notes,
//! undo), and the binary in a pseudo-terminal: carried agreements,
//! conflicts resolved, kill -9, reopened at the first unresolved one, and
//! `status --reviewer consensus` adding up; the refusals of the command.

mod common;

use common::pty::Term;
use common::run;
use screener::commands::demo::{SAMPLES, build_demo_project};
use screener::project::{CONSENSUS, Change, Decision, Project, Stage, Verdict};
use screener::screening::resolve::{self, Panel};
use screener::store;
use screener::tui::app::App;
use screener::tui::harness::Harness;
use screener::tui::keymap::{Keymap, Mode};

const CLOCK: &str = "2026-11-26T10:00:00Z";

fn ex(ids: &[&str]) -> Verdict {
    Verdict::Exclude(ids.iter().map(|s| s.to_string()).collect())
}

fn decision(key: &str, who: &str, verdict: Verdict, note: &str, tags: &[&str]) -> Decision {
    Decision {
        record: key.into(),
        reviewer: who.into(),
        stage: Stage::TitleAbstract,
        verdict,
        note: note.into(),
        tags: tags.iter().map(|s| s.to_string()).collect(),
        at: "2026-11-20T09:00:00Z".into(),
        rule: None,
    }
}

/// Alice and Bob on the first six records: three conflicts (1st, 3rd,
/// 5th), two agreements (2nd, 4th), one record only Alice decided.
fn two_reviewers(p: &mut Project) {
    let keys: Vec<String> = p
        .primaries_in_import_order()
        .into_iter()
        .take(6)
        .map(|i| p.records[i].key.clone())
        .collect();
    let k = |i: usize| keys[i].as_str();
    let ds = vec![
        decision(k(0), "alice", Verdict::Include, "", &[]),
        decision(k(0), "bob", ex(&["population"]), "adults only", &[]),
        decision(k(1), "alice", Verdict::Include, "", &[]),
        decision(k(1), "bob", Verdict::Include, "", &["RCT"]),
        decision(k(2), "alice", Verdict::Maybe, "unclear design", &[]),
        decision(k(2), "bob", ex(&["study-design"]), "", &[]),
        decision(k(3), "alice", ex(&["outcome"]), "", &[]),
        decision(k(3), "bob", ex(&["population"]), "", &[]),
        decision(k(4), "alice", ex(&["language"]), "", &[]),
        decision(k(4), "bob", Verdict::Include, "", &["check"]),
        decision(k(5), "alice", Verdict::Include, "", &[]),
    ];
    p.apply(&Change::DecideMany(ds));
}

fn resolve_app() -> App {
    let dir = tempfile::tempdir().unwrap();
    let path = build_demo_project(dir.path()).unwrap();
    let mut p = store::load(&path).unwrap().0;
    two_reviewers(&mut p);
    let reviewers = resolve::reviewers(&p, &[], CONSENSUS).unwrap();
    let change = resolve::carry(&p, &reviewers, Stage::TitleAbstract, CONSENSUS, CLOCK).unwrap();
    let Change::DecideMany(carried) = &change else {
        panic!("one change for every agreement");
    };
    let carried = carried.len();
    p.apply(&change);
    let panel = Panel::new(&p, &reviewers, Stage::TitleAbstract);
    App::resolving(
        p,
        "demo.ron".into(),
        CONSENSUS.into(),
        Stage::TitleAbstract,
        Keymap::default_map(),
        panel,
        carried,
    )
    .with_clock(|| CLOCK.to_string())
}

#[test]
fn the_resolve_screen_shows_every_side_and_takes_one() {
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        let mut hs = Harness::new(resolve_app(), w, h);
        assert_eq!(hs.app.mode(), Mode::Resolve);
        let screen = hs.screen();
        insta::assert_snapshot!(format!("resolve_{w}x{h}"), screen);
        let lines: Vec<&str> = screen.lines().collect();
        assert!(
            lines[0].contains("demo.ron · consensus · title/abstract"),
            "{}",
            lines[0]
        );
        assert!(lines[0].contains("1/3"), "three conflicts: {}", lines[0]);
        assert!(
            lines[2].contains("Resolving alice × bob · 0 of 3 conflicts resolved"),
            "{}",
            lines[2]
        );
        // Both sides on one row, each with the key that takes it.
        let names = lines.iter().find(|l| l.contains("[1] alice")).unwrap();
        assert!(names.contains("[2] bob"), "side by side: {names}");
        let row = lines
            .iter()
            .position(|l| l.trim_start().starts_with("included"))
            .unwrap();
        let verdicts = lines[row];
        assert!(verdicts.contains("excluded (Population)"), "{verdicts}");
        assert!(screen.contains("Note: adults only"));
        assert!(screen.contains("consensus: not resolved yet"));
        // The agreements carried over, said once.
        assert!(
            lines[h as usize - 2].contains("Carried 2 agreements over as consensus decisions"),
            "{}",
            lines[h as usize - 2]
        );
        let footer = lines.last().unwrap();
        assert!(footer.contains("1 alice  2 bob  i include"), "{footer}");
        // The verdicts in their colours.
        let buf = hs.buffer();
        let t = &hs.app.ctx().theme;
        let row = row as u16;
        let cell = |needle: &str| {
            let line = &lines[row as usize];
            let x = line.find(needle).unwrap();
            let col = line[..x].chars().count() as u16;
            buf[(col, row)].style()
        };
        assert_eq!(cell("included").fg, t.include.fg);
        assert_eq!(cell("excluded").fg, t.exclude.fg);
    }
}

#[test]
fn taking_sides_overriding_notes_and_undo_are_consensus_decisions() {
    let mut h = Harness::new(resolve_app(), 80, 24);
    // Bob's side of the first conflict: his verdict with his reason.
    h.keys("2");
    assert!(
        h.app
            .flash()
            .unwrap()
            .contains("Took bob's decision: excluded (Population)")
    );
    assert_eq!(h.app.position(), 1, "on to the next conflict");
    // An override: exclude with a reason of the resolver's own.
    h.keys("e 5 enter");
    // A note on the last, then Alice's side.
    h.keys("c");
    for c in "agreed on a call".chars() {
        h.keys(&if c == ' ' {
            "space".to_string()
        } else {
            c.to_string()
        });
    }
    h.keys("enter 1");
    let screen = h.screen();
    assert!(
        screen.contains("Resolving alice × bob · 3 of 3 conflicts resolved"),
        "{screen}"
    );
    assert!(
        h.app
            .flash()
            .unwrap()
            .contains("All 3 conflicts are resolved; q saves and quits"),
        "{:?}",
        h.app.flash()
    );
    let ds: Vec<Decision> = h
        .persisted
        .iter()
        .flat_map(|c| match c {
            Change::Decide(d) => vec![d.clone()],
            Change::DecideMany(ds) => ds.clone(),
            _ => Vec::new(),
        })
        .collect();
    assert!(ds.iter().all(|d| d.reviewer == CONSENSUS && d.at == CLOCK));
    let verdicts: Vec<&Verdict> = ds.iter().map(|d| &d.verdict).collect();
    assert_eq!(
        verdicts,
        [
            &ex(&["population"]),
            &ex(&["study-design"]),
            &Verdict::Cleared,
            &ex(&["language"]),
        ],
        "bob's side, the override, the note (undecided yet), alice's side"
    );
    assert_eq!(
        ds[3].note, "agreed on a call",
        "the note stays with the verdict"
    );
    // Reopened (a new session on the same decisions): the place is the
    // first unresolved conflict, and the footer says how far it got.
    let again = App::resolving(
        h.app.project().clone(),
        "demo.ron".into(),
        CONSENSUS.into(),
        Stage::TitleAbstract,
        Keymap::default_map(),
        h.app.resolve_panel().clone(),
        0,
    );
    assert_eq!(
        again.flash(),
        Some("All 3 conflicts are resolved; you can still revise any of them")
    );
    // Undo takes the last back and returns to it.
    h.keys("u");
    assert_eq!(h.app.position(), 2);
    assert!(h.screen().contains("2 of 3 conflicts resolved"));
    let again = App::resolving(
        h.app.project().clone(),
        "demo.ron".into(),
        CONSENSUS.into(),
        Stage::TitleAbstract,
        Keymap::default_map(),
        h.app.resolve_panel().clone(),
        0,
    );
    assert_eq!(
        again.flash(),
        Some("2 of 3 conflicts resolved already: here is the first unresolved")
    );
    assert_eq!(again.position(), 2);
    // Alice and Bob themselves are untouched.
    let p = h.app.project();
    assert_eq!(p.current_decisions("alice", Stage::TitleAbstract).len(), 6);
    assert_eq!(p.current_decisions("bob", Stage::TitleAbstract).len(), 5);
}

#[test]
fn screening_stays_blind_to_the_other_reviewer() {
    let dir = tempfile::tempdir().unwrap();
    let path = build_demo_project(dir.path()).unwrap();
    let mut p = store::load(&path).unwrap().0;
    two_reviewers(&mut p);
    let app = App::new(
        p,
        "demo.ron".into(),
        "alice".into(),
        Stage::TitleAbstract,
        Keymap::default_map(),
    );
    let mut h = Harness::new(app, 120, 40);
    // Back to the first record, the one Bob excluded with a note.
    h.keys("left left left left left left");
    let screen = h.screen();
    assert!(screen.contains("Your decision: included"), "{screen}");
    assert!(
        !screen.contains("adults only") && !screen.contains("Population"),
        "{screen}"
    );
}

// ----- the binary -------------------------------------------------------------

/// A project of the first sample file with Alice's and Bob's decisions.
fn project_on_disk(dir: &std::path::Path) {
    let (name, bytes) = SAMPLES[0];
    std::fs::write(dir.join(name), bytes).unwrap();
    let (code, out, err) = run(&["import", "p.ron", name], dir);
    assert_eq!(code, 0, "{out}{err}");
    let path = dir.join("p.ron");
    let mut p = store::load(&path).unwrap().0;
    two_reviewers(&mut p);
    store::write_atomic(&path, &p).unwrap();
}

fn status(dir: &std::path::Path) -> serde_json::Value {
    let (code, out, err) = run(&["status", "p.ron", "--reviewer", CONSENSUS, "--json"], dir);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

#[test]
fn a_session_killed_and_reopened_keeps_its_decisions_and_place() {
    let dir = tempfile::tempdir().unwrap();
    project_on_disk(dir.path());
    let mut t = Term::spawn(&["resolve", "p.ron"], dir.path(), 100, 30);
    t.wait_for("0 of 3 conflicts resolved");
    t.wait_for("Carried 2 agreements over");
    t.keys("2");
    t.wait_for("1 of 3 conflicts resolved");
    t.keys("e 5 enter");
    t.wait_for("2 of 3 conflicts resolved");
    t.wait_for("saved ✓");
    t.kill9();

    // The agreements and both resolutions are in the journal.
    let s = status(dir.path());
    assert_eq!(
        (s["included"].as_u64(), s["excluded"].as_u64()),
        (Some(1), Some(3)),
        "{s}"
    );

    let mut t = Term::spawn(&["resolve", "p.ron"], dir.path(), 100, 30);
    let screen = t.wait_for("2 of 3 conflicts resolved");
    assert!(screen.contains("3/3"), "at the first unresolved: {screen}");
    assert!(
        !screen.contains("Carried"),
        "nothing carried this time: {screen}"
    );
    // The earlier ones show their consensus.
    t.keys("left");
    t.wait_for("consensus: excluded (Study design)");
    t.keys("right m");
    t.wait_for("All 3 conflicts are resolved");
    t.keys("q");
    assert_eq!(t.wait_exit(), 0);

    let s = status(dir.path());
    let n = |k: &str| s[k].as_u64().unwrap();
    assert_eq!((n("included"), n("excluded"), n("maybe")), (1, 3, 1), "{s}");
    assert_eq!(
        n("records"),
        n("included") + n("excluded") + n("maybe") + n("undecided"),
        "{s}"
    );
    // PRISMA counts the consensus by default.
    let (code, out, err) = run(&["prisma", "p.ron", "--json"], dir.path());
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(CONSENSUS), "{out}");

    // Everything resolved: the next run says so, and there is nothing to carry.
    let mut t = Term::spawn(&["resolve", "p.ron"], dir.path(), 100, 30);
    t.wait_for("All 3 conflicts are resolved; you can still revise");
    t.keys("q");
    assert_eq!(t.wait_exit(), 0);
}

#[test]
fn nothing_to_compare_is_refused_and_no_conflicts_is_said() {
    let dir = tempfile::tempdir().unwrap();
    let (name, bytes) = SAMPLES[0];
    std::fs::write(dir.path().join(name), bytes).unwrap();
    let (code, _, err) = run(&["import", "p.ron", name], dir.path());
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(&["resolve", "p.ron"], dir.path());
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("p.ron: nothing to compare"), "{err}");

    let path = dir.path().join("p.ron");
    let mut p = store::load(&path).unwrap().0;
    let key = p.records[0].key.clone();
    p.apply(&Change::Decide(decision(
        &key,
        "alice",
        Verdict::Include,
        "",
        &[],
    )));
    store::write_atomic(&path, &p).unwrap();
    let (code, _, err) = run(&["resolve", "p.ron"], dir.path());
    assert_eq!(code, 1);
    assert!(err.contains("only alice (1 record) has screened"), "{err}");

    p.apply(&Change::Decide(decision(
        &key,
        "bob",
        Verdict::Include,
        "",
        &[],
    )));
    let other = p.records[1].key.clone();
    p.apply(&Change::Decide(decision(
        &other,
        "carol",
        Verdict::Maybe,
        "",
        &[],
    )));
    store::write_atomic(&path, &p).unwrap();
    let (code, _, err) = run(&["resolve", "p.ron"], dir.path());
    assert_eq!(code, 1);
    assert!(
        err.contains("3 reviewers: alice (1 record), bob (1 record), carol (1 record)"),
        "{err}"
    );

    let (code, out, err) = run(
        &["resolve", "p.ron", "--reviewers", "alice,bob"],
        dir.path(),
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("no conflicts between alice and bob at title/abstract; 1 agreement carried over as consensus decisions"),
        "{out}"
    );
    let s = status(dir.path());
    assert_eq!(s["included"].as_u64(), Some(1), "{s}");
}
