//! The real loop: terminal events and the writer's notes in, `App::step`,
//! changes handed to the background writer (`store::writer`), frame drawn.
//! A key never waits for the disk: the footer shows "saving…" until the
//! writer's fsync returns and "saved ✓" after; a failed write is kept,
//! shown as NOT SAVED and retried by the writer.
//!
//! `SCREENER_TRACE=FILE` writes per-key timings (key to frame, key to
//! saved), checkpoint times and the peak memory to FILE at exit, for the
//! scale benchmark (`docs/PERFORMANCE.md`).

use std::collections::VecDeque;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::{Duration, Instant};

use anyhow::Context;
use ratatui::crossterm::event as ct;

use super::action::Action;
use super::app::{App, Effect, Event, Prefs};
use super::keymap::{Keymap, Lookup};
use super::{event as tui_event, terminal, view};
use crate::project::{Project, Stage};
use crate::screening::resolve::Panel;
use crate::store::writer::{Note, Timing, Writer};
use crate::store::{JournalReport, Store};

pub struct Summary {
    /// Changes written to disk this session.
    pub decisions: usize,
    /// Changes the disk never took (the reviewer chose to quit anyway).
    pub unsaved: usize,
    pub checkpoint_error: Option<String>,
    /// The signal that ended the session (`tui::signals`), if one did.
    pub signal: Option<i32>,
    /// Records decided of the records in the queue, at the end.
    pub done: (usize, usize),
}

/// What the loop waits for.
pub enum Input {
    Term(ct::Event, Instant),
    TermError(String),
    Note(Note),
    /// SIGTERM, SIGINT or SIGHUP (`tui::signals`): quit as `q` would.
    Signal(i32),
}

/// Screens the project opened as `(project, store, report)` from `path`.
pub fn run(
    path: &Path,
    opened: (Project, Store, JournalReport),
    reviewer: &str,
    stage: Stage,
    keymap: Keymap,
) -> anyhow::Result<Summary> {
    run_with(path, opened, reviewer, stage, keymap, Prefs::default())
}

/// `run` with session choices (theme, queue order).
pub fn run_with(
    path: &Path,
    opened: (Project, Store, JournalReport),
    reviewer: &str,
    stage: Stage,
    keymap: Keymap,
    prefs: Prefs,
) -> anyhow::Result<Summary> {
    run_app(path, opened, |project, name| {
        App::new(project, name, reviewer.to_string(), stage, keymap).with_prefs(prefs)
    })
}

/// The resolve screen (`screener resolve`): `resolver` writes the
/// consensus on the conflicts of `panel`.
pub fn run_resolve(
    path: &Path,
    opened: (Project, Store, JournalReport),
    resolver: &str,
    stage: Stage,
    keymap: Keymap,
    prefs: Prefs,
    (panel, carried): (Panel, usize),
) -> anyhow::Result<Summary> {
    run_app(path, opened, |project, name| {
        App::resolving(
            project,
            name,
            resolver.to_string(),
            stage,
            keymap,
            panel,
            carried,
        )
        .with_prefs(prefs)
    })
}

/// The session on an opened project, with the app `make` builds from the
/// project and the file's name.
fn run_app(
    path: &Path,
    (project, store, report): (Project, Store, JournalReport),
    make: impl FnOnce(Project, String) -> App,
) -> anyhow::Result<Summary> {
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let project_dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let (tx, rx) = mpsc::channel();
    let signal_tx = tx.clone();
    let watch = super::signals::Watch::start(move |s| {
        let _ = signal_tx.send(Input::Signal(s));
    })
    .context("cannot watch for signals")?;
    let mut app = crate::phases::time("App::new", || make(project, name));
    let flash = opening_message(path, &report, &store).or(app.take_flash());
    app.set_flash(flash);
    let notes = tx.clone();
    let writer_phase = crate::phases::start("writer start");
    let writer = Writer::start(
        store,
        app.project().clone(),
        Timing::from_env(),
        Arc::new(move |n| {
            let _ = notes.send(Input::Note(n));
        }),
    );
    drop(writer_phase);
    let mut session = Session::new(app, writer);
    session.project_dir = project_dir;
    session.trace = std::env::var_os("SCREENER_TRACE").map(PathBuf::from);
    let result = session.screen(tx, &rx);
    watch.arm();
    let records = session.app.project().records.len();
    if records > 50_000 && session.saved > 0 {
        // Not `eprintln!`: after SIGHUP the terminal is gone, and a failed
        // print must not stop the checkpoint.
        let _ = writeln!(
            std::io::stderr(),
            "{}: writing the project file ({} records)…",
            path.display(),
            crate::human::fmt_n(records)
        );
    }
    let done = (session.app.counts().decided(), session.app.queue_len());
    let mut summary = session.finish(path);
    summary.done = done;
    crate::store::release(session.app.take_project());
    summary.signal = watch.received();
    drop(watch);
    if summary.signal.is_none() {
        // A hung-up terminal also fails its reads; the signal says why.
        result?;
    }
    Ok(summary)
}

/// Startup notices for the footer: a dropped journal tail, a migration, a
/// lock taken over from a process that died.
fn opening_message(path: &Path, report: &JournalReport, store: &Store) -> Option<String> {
    if let Some((line, why)) = report.dropped.first() {
        let kept = report
            .rejected_to
            .as_ref()
            .map_or_else(String::new, |k| format!(", kept in {}", k.display()));
        return Some(format!(
            "{}: {} unreadable journal line(s), first at line {line}: {why}{kept}; \
             `screener recover` shows what they held",
            crate::store::journal_path(path).display(),
            report.dropped.len()
        ));
    }
    if let Some(m) = &report.checksum {
        return Some(m.short());
    }
    if let Some(v) = report.migrated_from {
        return Some(format!(
            "Upgraded the project file from version {v}; the old one is {}",
            crate::store::bak_path(path).display()
        ));
    }
    let dead = store.lock().and_then(|l| l.taken_over.as_ref())?;
    Some(crate::lock::takeover_note(dead))
}

/// The loop's state apart from the terminal: the app, the writer and the
/// bookkeeping of what is in flight.
pub struct Session {
    pub app: App,
    writer: Option<Writer>,
    /// Changes reported on disk.
    pub saved: usize,
    /// For each change in flight, the index of the key that made it (with
    /// a trace only, like `keys`).
    inflight: VecDeque<usize>,
    keys: Vec<KeyTiming>,
    checkpoints: Vec<Duration>,
    /// CPU time of this thread when the first frame was drawn: the cost of
    /// opening, whatever else the machine is doing.
    open_cpu: Option<Duration>,
    trace: Option<PathBuf>,
    /// Where relative file paths of records (a PDF in `L1`) are resolved.
    project_dir: PathBuf,
}

struct KeyTiming {
    received: Instant,
    frame: Option<Instant>,
    saved: Option<Instant>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Quit,
}

impl Session {
    pub fn new(app: App, writer: Writer) -> Session {
        Session {
            app,
            writer: Some(writer),
            saved: 0,
            inflight: VecDeque::new(),
            keys: Vec::new(),
            checkpoints: Vec::new(),
            open_cpu: None,
            trace: None,
            project_dir: PathBuf::from("."),
        }
    }

    fn screen(&mut self, tx: Sender<Input>, rx: &Receiver<Input>) -> anyhow::Result<()> {
        let mut term = terminal::Terminal::enter().context("cannot start the terminal screen")?;
        let size = term.size()?;
        self.app.step(Event::Resize {
            width: size.width,
            height: size.height,
        });
        let stop = Arc::new(AtomicBool::new(false));
        let input = {
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || read_terminal(&tx, &stop))
        };
        let result = self.event_loop(&mut term, rx);
        stop.store(true, Ordering::Relaxed);
        // It stops within one poll, so no key meant for the shell is read
        // after the screen; on a terminal that hung up, crossterm's poll
        // never returns, and the thread is left behind.
        let waited = Instant::now();
        while !input.is_finished() && waited.elapsed() < Duration::from_millis(500) {
            std::thread::sleep(Duration::from_millis(5));
        }
        if input.is_finished() {
            let _ = input.join();
        }
        result
    }

    fn event_loop(
        &mut self,
        term: &mut terminal::Terminal,
        rx: &Receiver<Input>,
    ) -> anyhow::Result<()> {
        term.draw(|f| view::render(f, &self.app))?;
        self.open_cpu = thread_cpu();
        let mut deferred: VecDeque<Input> = VecDeque::new();
        loop {
            let first = match deferred.pop_front() {
                Some(i) => i,
                None if self.app.busy() => match rx.try_recv() {
                    Ok(i) => i,
                    Err(_) => {
                        // Background work (search index, a long search)
                        // runs in slices while no key waits, one frame per
                        // slice.
                        self.app.step(Event::Tick);
                        term.draw(|f| view::render(f, &self.app))?;
                        continue;
                    }
                },
                None => rx.recv().context("the terminal input stopped")?,
            };
            let mut batch = vec![first];
            batch.extend(deferred.drain(..));
            batch.extend(rx.try_iter());
            let mut quit = false;
            let keys_before = self.keys.len();
            let mut inputs = batch.into_iter();
            for input in inputs.by_ref() {
                if let Input::Term(ct::Event::Key(k), _) = &input {
                    if self.is_quit_key(k) {
                        // Let changes in flight land first, so "quit" does
                        // not warn about a write that is a millisecond away.
                        self.settle(rx, &mut deferred, Duration::from_secs(3));
                    }
                }
                if let Input::TermError(e) = input {
                    anyhow::bail!("cannot read the terminal: {e}");
                }
                if self.handle(input) == Flow::Quit {
                    quit = true;
                    break;
                }
            }
            deferred.extend(inputs);
            term.draw(|f| view::render(f, &self.app))?;
            let now = Instant::now();
            for k in &mut self.keys[keys_before..] {
                k.frame = Some(now);
            }
            if quit {
                return Ok(());
            }
        }
    }

    fn is_quit_key(&self, k: &ct::KeyEvent) -> bool {
        if self.app.unsaved() == 0 || self.app.save_error().is_some() {
            return false;
        }
        let Some(Event::Key(key)) = tui_event::convert(ct::Event::Key(*k)) else {
            return false;
        };
        matches!(
            self.app.keymap().lookup(self.app.mode(), &[key]),
            Lookup::Action(Action::Quit)
        )
    }

    /// Waits up to `limit` for the writer to report every change in flight,
    /// keeping other input for later.
    fn settle(&mut self, rx: &Receiver<Input>, deferred: &mut VecDeque<Input>, limit: Duration) {
        let deadline = Instant::now() + limit;
        while self.app.unsaved() > 0 && self.app.save_error().is_none() {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(Input::Note(n)) => {
                    self.handle(Input::Note(n));
                }
                Ok(other) => deferred.push_back(other),
                Err(_) => return,
            }
        }
    }

    /// One input through the app; changes go to the writer.
    pub fn handle(&mut self, input: Input) -> Flow {
        match input {
            Input::Term(ev, received) => {
                let Some(ev) = tui_event::convert(ev) else {
                    return Flow::Continue;
                };
                // Timings are kept only for a trace: a session of a day's
                // keys would otherwise grow a list nobody reads.
                let timed = self.trace.is_some();
                if timed && matches!(ev, Event::Key(_)) {
                    self.keys.push(KeyTiming {
                        received,
                        frame: None,
                        saved: None,
                    });
                }
                let mut flow = Flow::Continue;
                for effect in self.app.step(ev) {
                    match effect {
                        Effect::Persist(change) => {
                            if timed {
                                self.inflight.push_back(self.keys.len().saturating_sub(1));
                            }
                            if let Some(w) = &self.writer {
                                w.persist(change);
                            }
                        }
                        Effect::Open(target) => {
                            let said = super::open::carry_out(&target, &self.project_dir);
                            self.app.step(Event::Notice(said));
                        }
                        Effect::Quit => flow = Flow::Quit,
                    }
                }
                flow
            }
            Input::TermError(_) | Input::Signal(_) => Flow::Quit,
            Input::Note(note) => {
                self.note(note);
                Flow::Continue
            }
        }
    }

    fn note(&mut self, note: Note) {
        match note {
            Note::Saved { count, .. } => {
                let now = Instant::now();
                for _ in 0..count {
                    self.app.step(Event::Saved);
                    if let Some(k) = self.inflight.pop_front() {
                        if let Some(t) = self.keys.get_mut(k) {
                            t.saved = Some(now);
                        }
                    }
                }
                self.saved += count;
            }
            Note::SaveFailed(e) => {
                self.app.step(Event::SaveFailed(e));
            }
            Note::Checkpointed { took, .. } => self.checkpoints.push(took),
            Note::CheckpointFailed(e) => {
                self.app.step(Event::Notice(format!(
                    "Could not update the project file ({e}); your decisions are safe in the \
                     journal, trying again later"
                )));
            }
        }
    }

    /// Stops the writer (last checkpoint), writes the trace, and sums up.
    pub fn finish(&mut self, path: &Path) -> Summary {
        let finished = self.writer.take().map(Writer::finish);
        let (unsaved, checkpoint) = finished.map_or((0, None), |f| (f.unsaved, f.checkpoint));
        if let Some(Ok(took)) = checkpoint {
            self.checkpoints.push(took);
        }
        if let Some(trace) = &self.trace {
            if let Err(e) = self.write_trace(trace) {
                let _ = writeln!(
                    std::io::stderr(),
                    "warning: {}: cannot write the trace: {e}",
                    trace.display()
                );
            }
        }
        Summary {
            decisions: self.saved,
            unsaved,
            checkpoint_error: match checkpoint {
                Some(Err(e)) => Some(format!(
                    "{}: could not fold the journal into the project file ({e}); \
                     your decisions are safe in {} and will be folded in next time",
                    path.display(),
                    crate::store::journal_path(path).display()
                )),
                _ => None,
            },
            signal: None,
            done: (0, 0),
        }
    }

    fn write_trace(&self, path: &Path) -> std::io::Result<()> {
        let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
        let us = |a: Instant, b: Option<Instant>| {
            b.map_or_else(
                || "-".to_string(),
                |b| b.duration_since(a).as_micros().to_string(),
            )
        };
        for k in &self.keys {
            writeln!(
                out,
                "key {} {}",
                us(k.received, k.frame),
                us(k.received, k.saved)
            )?;
        }
        for c in &self.checkpoints {
            writeln!(out, "checkpoint {}", c.as_micros())?;
        }
        if let Some(cpu) = self.open_cpu {
            writeln!(out, "open_cpu {}", cpu.as_micros())?;
        }
        if let Some(kb) = peak_rss_kb() {
            writeln!(out, "peak_rss_kb {kb}")?;
        }
        out.flush()
    }
}

/// The input thread: terminal events into the loop's channel, with the time
/// they were read.
fn read_terminal(tx: &Sender<Input>, stop: &AtomicBool) {
    while !stop.load(Ordering::Relaxed) {
        match ct::poll(Duration::from_millis(50)) {
            Ok(false) => {}
            Ok(true) => match ct::read() {
                Ok(ev) => {
                    if tx.send(Input::Term(ev, Instant::now())).is_err() {
                        return;
                    }
                }
                Err(e) => {
                    let _ = tx.send(Input::TermError(e.to_string()));
                    return;
                }
            },
            Err(e) => {
                let _ = tx.send(Input::TermError(e.to_string()));
                return;
            }
        }
    }
}

/// CPU time this thread has used (Linux `schedstat`).
fn thread_cpu() -> Option<Duration> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns = text.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

/// The process's peak resident memory (Linux `VmHWM`).
pub fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Record;
    use ct::{KeyCode, KeyEvent, KeyModifiers};

    fn key(c: char) -> Input {
        Input::Term(
            ct::Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
            Instant::now(),
        )
    }

    #[test]
    fn key_timings_are_kept_for_a_trace_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.ron");
        let mut project = Project::new();
        for n in 0..3 {
            project.records.push(Record {
                key: format!("t:{n}"),
                title: format!("Record {n}"),
                ..Record::default()
            });
        }
        let store = Store::create(&path, &project).unwrap();
        let writer = Writer::start(store, project.clone(), Timing::from_env(), Arc::new(|_| {}));
        let app = App::new(
            project,
            "p.ron".into(),
            "alice".into(),
            Stage::TitleAbstract,
            Keymap::default_map(),
        );
        let mut session = Session::new(app, writer);
        for c in ['i', 'i', 'j'] {
            session.handle(key(c));
        }
        assert_eq!(session.app.counts().included, 2, "the keys did their work");
        assert!(session.keys.is_empty() && session.inflight.is_empty());
        session.trace = Some(dir.path().join("trace"));
        session.handle(key('m'));
        assert_eq!(session.keys.len(), 1);
        assert_eq!(session.inflight.len(), 1, "the decision is in flight");
        session.finish(&path);
    }
}
