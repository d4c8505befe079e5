//! The real loop: terminal events in, `App::step`, effects carried out
//! (journal writes), frame drawn. A change is written and fsynced before the
//! next key is read; a failed write is kept and retried, and the screen says
//! so until it lands.

use std::collections::VecDeque;
use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use ratatui::crossterm::event;

use super::app::{App, Effect, Event, Prefs};
use super::keymap::Keymap;
use super::{event as tui_event, terminal, view};
use crate::project::{Change, Project, Stage};
use crate::store::{JournalReport, Store};

pub struct Summary {
    pub decisions: usize,
    pub checkpoint_error: Option<String>,
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
    (project, mut store, report): (Project, Store, JournalReport),
    reviewer: &str,
    stage: Stage,
    keymap: Keymap,
    prefs: Prefs,
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
    let mut app = App::new(project, name, reviewer.to_string(), stage, keymap).with_prefs(prefs);
    if !report.dropped.is_empty() {
        let (line, why) = &report.dropped[0];
        app.flash = Some(format!(
            "{}: dropped {} unreadable journal line(s), first at line {line}: {why}",
            crate::store::journal_path(path).display(),
            report.dropped.len()
        ));
    }
    let mut unsaved: VecDeque<Change> = VecDeque::new();
    let mut decisions = 0;
    {
        let mut term = terminal::Terminal::enter().context("cannot start the terminal screen")?;
        let size = term.size()?;
        app.step(Event::Resize {
            width: size.width,
            height: size.height,
        });
        loop {
            term.draw(|f| view::render(f, &app))?;
            if !unsaved.is_empty() {
                // Retry what could not be written, at most once a second.
                decisions += write_pending(&mut store, &mut unsaved, &mut app);
                term.draw(|f| view::render(f, &app))?;
                if !event::poll(Duration::from_secs(1))? {
                    continue;
                }
            }
            // Background work (search index, a long search) runs in slices
            // while no key waits, one frame per slice.
            if app.busy() && !event::poll(Duration::ZERO)? {
                app.step(Event::Tick);
                continue;
            }
            let Some(ev) = tui_event::convert(event::read()?) else {
                continue;
            };
            let mut quit = false;
            for effect in app.step(ev) {
                match effect {
                    Effect::Persist(change) => unsaved.push_back(change),
                    Effect::Open(target) => {
                        let said = super::open::carry_out(&target, &project_dir);
                        app.step(Event::Notice(said));
                    }
                    Effect::Quit => quit = true,
                }
            }
            // Written before the next key is read.
            decisions += write_pending(&mut store, &mut unsaved, &mut app);
            if quit {
                break;
            }
        }
    }
    let changed = store.pending() > 0 || !unsaved.is_empty();
    let checkpoint = if changed {
        store.checkpoint(&mut app.project)
    } else {
        Ok(())
    };
    let checkpoint_error = checkpoint.err().map(|e| {
        format!(
            "{}: could not fold the journal into the project file ({e}); \
             your decisions are safe in {} and will be folded in next time",
            path.display(),
            crate::store::journal_path(path).display()
        )
    });
    Ok(Summary {
        decisions,
        checkpoint_error,
    })
}

/// Appends queued changes in order until one fails; returns how many landed.
fn write_pending(store: &mut Store, unsaved: &mut VecDeque<Change>, app: &mut App) -> usize {
    let mut written = 0;
    while let Some(change) = unsaved.front() {
        match store.append(change) {
            Ok(()) => {
                unsaved.pop_front();
                written += 1;
                app.step(Event::Saved);
            }
            Err(e) => {
                app.step(Event::SaveFailed(e.to_string()));
                break;
            }
        }
    }
    written
}
