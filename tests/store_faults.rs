//! Faults under the store, on the simulated disk (`store::sim::SimFs`):
//! power loss at every point of a screening session with checkpoints, and
//! a disk that fills up or turns read-only under the screen.

use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event as CtEvent, KeyCode, KeyEvent, KeyModifiers};
use screener::project::{Change, Decision, Project, Stage, Verdict};
use screener::store::sim::SimFs;
use screener::store::writer::{Note, Timing, Writer};
use screener::store::{self, Storage, Store};
use screener::tui::app::App;
use screener::tui::keymap::Keymap;
use screener::tui::run::{Flow, Input, Session};
use screener::tui::view;

const PATH: &str = "/review/p.ron";

fn new_disk(records: usize) -> (SimFs, Project) {
    let fs = SimFs::new();
    let project = screener::synth::project(records, 3);
    fs.put(Path::new(PATH), store::to_ron_string(&project).as_bytes());
    (fs, project)
}

fn decide(project: &Project, i: usize) -> Change {
    Change::Decide(Decision {
        record: project.records[i % project.records.len()].key.clone(),
        reviewer: "alice".into(),
        stage: Stage::TitleAbstract,
        verdict: if i % 3 == 0 {
            Verdict::Exclude(vec!["population".into()])
        } else {
            Verdict::Include
        },
        note: String::new(),
        tags: vec![],
        at: format!("2026-11-26T10:00:{:02}Z", i % 60),
        rule: None,
    })
}

fn fast() -> Timing {
    Timing {
        idle: Duration::ZERO,
        min_interval: Duration::ZERO,
        retry: Duration::from_millis(5),
    }
}

/// Waits for the next note that says whether a change landed, counting
/// checkpoints on the way.
fn next_save(notes: &Receiver<Note>, checkpoints: &mut usize) -> Option<Note> {
    let deadline = Instant::now() + Duration::from_secs(5);
    while let Ok(n) = notes.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
        match n {
            Note::Saved { .. } | Note::SaveFailed(_) => return Some(n),
            Note::Checkpointed { .. } => *checkpoints += 1,
            Note::CheckpointFailed(_) => {}
        }
    }
    None
}

/// One session: `changes` decisions, each waited for, with a checkpoint
/// whenever the writer is idle (idle time zero). The disk dies after `cut`
/// operations. Returns how many changes were reported saved, and how many
/// checkpoints completed.
fn session(fs: &SimFs, project: &Project, changes: usize, cut: Option<u64>) -> (usize, usize) {
    let (opened, store, _) = Store::open_with(Arc::new(fs.clone()), Path::new(PATH)).unwrap();
    if let Some(cut) = cut {
        fs.stop_after(cut);
    }
    let (tx, notes) = mpsc::channel();
    let writer = Writer::start(
        store,
        opened,
        fast(),
        Arc::new(move |n| {
            let _ = tx.send(n);
        }),
    );
    let (mut saved, mut checkpoints) = (0, 0);
    for i in 0..changes {
        writer.persist(decide(project, i));
        match next_save(&notes, &mut checkpoints) {
            Some(Note::Saved { count, .. }) => saved += count,
            // The disk is gone: nothing later can be saved.
            _ => break,
        }
        if i % 2 == 0 {
            // Let this one reach the project file before the next change;
            // the other half of the changes land while a checkpoint runs.
            let deadline = Instant::now() + Duration::from_secs(2);
            while let Ok(n) = notes.recv_timeout(deadline.saturating_duration_since(Instant::now()))
            {
                match n {
                    Note::Checkpointed { .. } => {
                        checkpoints += 1;
                        break;
                    }
                    Note::CheckpointFailed(_) => break,
                    _ => {}
                }
            }
        }
    }
    let finished = writer.finish();
    checkpoints += notes
        .try_iter()
        .filter(|n| matches!(n, Note::Checkpointed { .. }))
        .count();
    let _ = finished;
    (saved, checkpoints)
}

#[test]
fn power_loss_at_any_point_keeps_every_saved_decision() {
    const CHANGES: usize = 8;
    let (fs, project) = new_disk(30);
    let total_ops = {
        let before = fs.ops();
        let (saved, checkpoints) = session(&fs, &project, CHANGES, None);
        assert_eq!(saved, CHANGES);
        // How many changes each checkpoint takes in depends on timing.
        assert!(checkpoints >= 4, "{checkpoints} checkpoints");
        fs.ops() - before
    };
    let all: Vec<Change> = (0..CHANGES).map(|i| decide(&project, i)).collect();
    let mut mid_checkpoint = 0;
    for cut in 0..=total_ops + 5 {
        let (fs, project) = new_disk(30);
        let (saved, _) = session(&fs, &project, CHANGES, Some(cut));
        if fs.exists(&store::tmp_path(Path::new(PATH))) {
            mid_checkpoint += 1;
        }
        fs.power_cut();
        let (found, _) = store::load_with(&fs, Path::new(PATH))
            .unwrap_or_else(|e| panic!("cut after {cut} operations: unreadable: {e}"));
        let found: Vec<Change> = found
            .decisions
            .iter()
            .map(|d| Change::Decide(d.clone()))
            .collect();
        assert!(
            found.len() >= saved,
            "cut after {cut} operations: {saved} saved, {} found",
            found.len()
        );
        assert_eq!(
            found[..],
            all[..found.len()],
            "cut after {cut}: in order, nothing else"
        );
        // The next session on the recovered disk works and keeps them.
        let (again, _) = session(&fs, &project, 1, None);
        assert_eq!(again, 1);
    }
    assert!(
        mid_checkpoint > 5,
        "cuts inside a checkpoint: {mid_checkpoint}"
    );
}

fn key(c: char) -> Input {
    Input::Term(
        CtEvent::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
        Instant::now(),
    )
}

fn render(app: &App) -> String {
    let mut term = Terminal::new(TestBackend::new(100, 24)).unwrap();
    term.draw(|f| view::render(f, app)).unwrap();
    let buffer = term.backend().buffer();
    let width = usize::from(buffer.area.width);
    buffer
        .content
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if (i + 1) % width == 0 {
                format!("{}\n", c.symbol())
            } else {
                c.symbol().to_string()
            }
        })
        .collect()
}

/// The screen with a writer on the simulated disk; notes come back on the
/// returned channel.
fn screen_on(fs: &SimFs, timing: Timing) -> (Session, Receiver<Note>) {
    let (project, store, _) = Store::open_with(Arc::new(fs.clone()), Path::new(PATH)).unwrap();
    let (tx, notes) = mpsc::channel();
    let writer = Writer::start(
        store,
        project.clone(),
        timing,
        Arc::new(move |n| {
            let _ = tx.send(n);
        }),
    );
    let app = App::new(
        project,
        "p.ron".into(),
        "alice".into(),
        Stage::TitleAbstract,
        Keymap::default_map(),
    );
    (Session::new(app, writer), notes)
}

/// Feeds notes to the session until `done` holds.
fn pump(s: &mut Session, notes: &Receiver<Note>, done: impl Fn(&Session) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !done(s) {
        let left = deadline.saturating_duration_since(Instant::now());
        let n = notes.recv_timeout(left).expect("the writer went quiet");
        s.handle(Input::Note(n));
    }
}

#[test]
fn a_full_disk_keeps_the_decision_in_memory_says_so_and_retries() {
    let (fs, _) = new_disk(5);
    let original = fs.contents(Path::new(PATH)).unwrap();
    let (mut s, notes) = screen_on(
        &fs,
        Timing {
            idle: Duration::from_millis(10),
            min_interval: Duration::from_millis(10),
            retry: Duration::from_millis(20),
        },
    );
    fs.set_space(Some(0));
    s.handle(key('i'));
    pump(&mut s, &notes, |s| s.app.save_error().is_some());
    let screen = render(&s.app);
    assert!(screen.contains("NOT SAVED"), "{screen}");
    assert!(screen.contains("No space left on device"), "{screen}");
    assert!(screen.contains("✓ 1 included"), "kept in memory:\n{screen}");
    assert_eq!(s.app.unsaved(), 1);
    // Another decision queues behind it; neither is lost or reordered.
    s.handle(key('m'));
    std::thread::sleep(Duration::from_millis(100));
    while let Ok(n) = notes.try_recv() {
        s.handle(Input::Note(n));
    }
    assert_eq!(s.app.unsaved(), 2);
    assert_eq!(
        fs.contents(Path::new(PATH)).unwrap(),
        original,
        "never truncated"
    );

    // Space again: the retry lands both, and the mark says so.
    fs.set_space(None);
    pump(&mut s, &notes, |s| s.app.unsaved() == 0);
    let screen = render(&s.app);
    assert!(screen.contains("saved ✓"), "{screen}");
    assert!(!screen.contains("NOT SAVED"));
    let summary = s.finish(Path::new(PATH));
    assert_eq!(summary.decisions, 2);
    assert_eq!(summary.unsaved, 0);
    assert!(summary.checkpoint_error.is_none());
    let (p, _) = store::load_with(&fs, Path::new(PATH)).unwrap();
    let verdicts: Vec<&Verdict> = p.decisions.iter().map(|d| &d.verdict).collect();
    assert_eq!(verdicts, [&Verdict::Include, &Verdict::Maybe]);
}

#[test]
fn the_quit_warning_goes_once_a_retried_save_lands() {
    let (fs, _) = new_disk(5);
    let (mut s, notes) = screen_on(&fs, fast());
    fs.set_space(Some(0));
    s.handle(key('i'));
    s.handle(key('m'));
    pump(&mut s, &notes, |s| s.app.save_error().is_some());
    assert_eq!(s.handle(key('q')), Flow::Continue, "the first q warns");
    let screen = render(&s.app);
    assert!(screen.contains("not on disk yet; quit again"), "{screen}");
    fs.set_space(None);
    pump(&mut s, &notes, |s| s.app.unsaved() == 0);
    let screen = render(&s.app);
    assert!(screen.contains("saved ✓"), "{screen}");
    assert!(
        !screen.contains("not on disk yet"),
        "a warning that is no longer true:\n{screen}"
    );
    assert!(screen.contains("Every change is on disk now"), "{screen}");
    // Nothing is armed any more: q quits at once, as with nothing pending.
    assert_eq!(s.handle(key('q')), Flow::Quit);
    let summary = s.finish(Path::new(PATH));
    assert_eq!((summary.decisions, summary.unsaved), (2, 0));
}

#[test]
fn a_read_only_directory_keeps_decisions_in_the_journal_and_the_file_intact() {
    let (fs, _) = new_disk(5);
    let original = fs.contents(Path::new(PATH)).unwrap();
    let (mut s, notes) = screen_on(&fs, fast());
    fs.set_read_only_dir(true);
    s.handle(key('i'));
    // The journal is open already, so the decision is saved; checkpoints
    // (new files, renames) fail and say so, and are retried later.
    let mut failed = false;
    let deadline = Instant::now() + Duration::from_secs(5);
    while !(failed && s.app.unsaved() == 0) && Instant::now() < deadline {
        if let Ok(n) = notes.recv_timeout(Duration::from_millis(50)) {
            failed |= matches!(n, Note::CheckpointFailed(_));
            s.handle(Input::Note(n));
        }
    }
    assert!(failed, "the checkpoint must fail in a read-only directory");
    let screen = render(&s.app);
    assert!(screen.contains("saved ✓"), "{screen}");
    assert!(
        screen.contains("Could not update the project file"),
        "{screen}"
    );
    assert_eq!(fs.contents(Path::new(PATH)).unwrap(), original);
    let summary = s.finish(Path::new(PATH));
    assert!(summary.checkpoint_error.is_some());
    assert_eq!(fs.contents(Path::new(PATH)).unwrap(), original);
    let (p, report) = store::load_with(&fs, Path::new(PATH)).unwrap();
    assert_eq!(report.applied, 1, "the decision is in the journal");
    assert_eq!(p.decisions.len(), 1);
}

#[test]
fn a_full_disk_at_quit_reports_what_was_not_written() {
    let (fs, _) = new_disk(5);
    let (mut s, notes) = screen_on(&fs, fast());
    fs.set_space(Some(0));
    s.handle(key('i'));
    pump(&mut s, &notes, |s| s.app.save_error().is_some());
    let summary = s.finish(Path::new(PATH));
    assert_eq!(summary.unsaved, 1);
    assert_eq!(summary.decisions, 0);
}
