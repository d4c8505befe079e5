//! The session every component works on: the reviewer's screening (the
//! project, the queue, the history), the screen's settings, the footer's
//! message and save mark, and the out-tray of one step (effects for the
//! loop, commands for `App`). A component gets `&mut Ctx` with each event
//! and never holds another component: it asks `App` for what is not its own
//! through [`Command`]s (open an overlay, answer the one that opened it,
//! switch the view).

use std::collections::VecDeque;

use super::action::Action;
use super::app::{Effect, View};
use super::component::Layer;
use super::keymap::{Keymap, Mode};
use super::theme::Theme;
use super::view;
use crate::human::fmt_n;
use crate::project::{Change, Verdict};
use crate::screening::Screening;
use crate::screening::filter::Filter;
use crate::screening::highlight::Highlighter;
use crate::screening::history::{RecordState, Step, verdict_word};
use crate::screening::rate::{self, Rate};
use crate::screening::search::{Finder, Scan, Tally};

/// What a component asks of `App`, carried out in order after it returns.
pub enum Command {
    /// Opens an overlay on top.
    Open(Layer),
    /// Closes the top overlay.
    Close,
    /// Closes the top overlay and hands its result to the layer under it
    /// (the one that opened it).
    Answer(Answer),
    /// Shows another view under the overlays (the view's `enter` may
    /// refuse, e.g. duplicate review with nothing to review).
    Show(View),
}

/// A dialog's result for the component that opened it.
#[derive(Debug, Clone)]
pub enum Answer {
    /// A text field's text, trimmed, with what it was asked for.
    Text(super::components::text::Purpose, String),
    /// Reasons ticked in the reason picker (in the list's order).
    Reasons { reasons: Vec<String>, bulk: bool },
    /// An entry picked in a menu.
    Pick(super::components::menu::MenuPick),
    /// The bulk action was confirmed.
    Confirmed(super::components::confirm::BulkPlan),
    /// Opening a file that is not a PDF was confirmed.
    OpenConfirmed(super::open::OpenTarget),
}

pub struct Ctx {
    pub screening: Screening,
    /// The project file's name, for the header.
    pub project_name: String,
    pub keymap: Keymap,
    pub theme: Theme,
    pub width: u16,
    pub height: u16,
    /// A one-line message for the footer, cleared by the next key.
    pub flash: Option<String>,
    /// The active search (`/`), for `n`/`N` and highlighting.
    pub search: Option<Finder>,
    /// A search still looking (continued by `Event::Tick`).
    pub(crate) scan: Option<Scan>,
    /// The rows the active search matches, counted by `Event::Tick`s.
    pub(crate) tally: Option<Tally>,
    pub highlighter: Highlighter,
    /// The inclusion criteria shown beside (or above) the record.
    pub show_criteria: bool,
    /// The widest the record's text is wrapped (0: no limit).
    pub reading_width: u16,
    /// The stopping panel shown below the record.
    pub show_stopping: bool,
    pub(crate) rate: Rate,
    unsaved: usize,
    pub(crate) save_error: Option<String>,
    clock: Box<dyn Fn() -> String>,
    effects: Vec<Effect>,
    pub(crate) commands: VecDeque<Command>,
}

impl Ctx {
    pub fn new(screening: Screening, project_name: String, keymap: Keymap) -> Ctx {
        let highlighter = Highlighter::new(&screening.project().highlight);
        let mut cx = Ctx {
            screening,
            project_name,
            keymap,
            theme: Theme::default(),
            width: 80,
            height: 24,
            flash: None,
            search: None,
            scan: None,
            tally: None,
            highlighter,
            show_criteria: false,
            reading_width: super::components::record::DEFAULT_READING_WIDTH,
            show_stopping: false,
            rate: Rate::default(),
            unsaved: 0,
            save_error: None,
            clock: Box::new(crate::project::now),
            effects: Vec::new(),
            commands: VecDeque::new(),
        };
        cx.screening
            .set_window(usize::from(view::list_rows_visible(cx.height)));
        cx
    }

    pub(crate) fn set_clock(&mut self, clock: impl Fn() -> String + 'static) {
        self.clock = Box::new(clock);
    }

    /// The time that stamps a change.
    pub fn now(&self) -> String {
        (self.clock)()
    }

    /// Changes sent to be saved and not yet confirmed on disk.
    pub fn unsaved(&self) -> usize {
        self.unsaved
    }

    pub(crate) fn saved(&mut self) {
        self.unsaved = self.unsaved.saturating_sub(1);
        self.save_error = None;
    }

    // ----- the out-tray -------------------------------------------------------

    pub fn open(&mut self, layer: Layer) {
        self.commands.push_back(Command::Open(layer));
    }

    pub fn close(&mut self) {
        self.commands.push_back(Command::Close);
    }

    pub fn answer(&mut self, answer: Answer) {
        self.commands.push_back(Command::Answer(answer));
    }

    pub fn show(&mut self, view: View) {
        self.commands.push_back(Command::Show(view));
    }

    pub fn effect(&mut self, effect: Effect) {
        self.effects.push(effect);
    }

    pub(crate) fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }

    // ----- changes --------------------------------------------------------------

    /// Applies a project change in memory and sends it to be saved.
    pub fn persist(&mut self, change: Change) {
        self.screening.apply(&change);
        self.sent(change);
    }

    /// A change already applied in memory, sent to be saved.
    fn sent(&mut self, change: Change) {
        self.unsaved += 1;
        self.effects.push(Effect::Persist(change));
    }

    /// Applies a step forward and, when `new`, puts it on the undo stack.
    pub fn apply_step(&mut self, step: Step, new: bool) {
        let at = self.now();
        let change = self.screening.apply_step(step, new, &at);
        self.sent(change);
    }

    /// Decides the record under the cursor. With `advance` (the record
    /// view) the next record follows; otherwise the cursor stays (on the
    /// next row if the decided one left the filtered list). `mode` names
    /// the keys in the message at the end of the rows.
    pub fn decide_current(&mut self, verdict: Verdict, advance: bool, mode: Mode) {
        let s = &self.screening;
        let Some(index) = s.current_index() else {
            return;
        };
        let before = s.state(index).clone();
        let after = RecordState {
            verdict: Some(verdict),
            rule: None,
            ..before.clone()
        };
        let records = vec![(index, before, after)];
        let label = s.step_label(&records);
        self.apply_step(Step { label, records }, true);
        if let Some(t) = rate::seconds(&self.now()) {
            self.rate.decided(t);
        }
        let s = &self.screening;
        let row = s.cursor().row();
        let still_here = s.rows().get(row) == Some(&index);
        if advance && still_here {
            // Between records: the queue may take a newer ranking.
            self.screening.rerank(false);
            let s = &self.screening;
            if row + 1 < s.rows().len() {
                self.screening.go_to(row + 1);
            } else {
                self.flash = Some(self.end_of_rows_message(mode));
            }
        } else if advance && row >= s.rows().len() {
            self.flash = Some(self.end_of_rows_message(mode));
        }
    }

    /// Records a new note or tags on a record (journaled like a decision,
    /// with the verdict unchanged).
    pub fn annotate(&mut self, index: usize, note: Option<String>, tags: Option<Vec<String>>) {
        let before = self.screening.state(index).clone();
        let mut after = before.clone();
        if let Some(n) = note {
            after.note = n;
        }
        if let Some(t) = tags {
            after.tags = t;
        }
        if after == before {
            return;
        }
        let records = vec![(index, before, after)];
        let label = self.screening.step_label(&records);
        self.apply_step(Step { label, records }, true);
    }

    pub fn undo(&mut self) {
        let at = self.now();
        let Some((step, change)) = self.screening.undo(&at) else {
            self.flash = Some("Nothing to undo".into());
            return;
        };
        self.sent(change);
        self.flash = Some(match &step.records[..] {
            [(i, before, after)] if before.verdict != after.verdict => {
                let n = fmt_n(self.screening.number_of(*i));
                match &before.verdict {
                    None => format!("Undone: record #{n} is undecided again"),
                    Some(v) => format!("Undone: record #{n} back to {}", verdict_word(v)),
                }
            }
            _ => format!("Undone: {}", step.label),
        });
        self.return_to(step.records[0].0);
    }

    pub fn redo(&mut self) {
        let at = self.now();
        let Some((step, change)) = self.screening.redo(&at) else {
            self.flash = Some("Nothing to redo".into());
            return;
        };
        self.sent(change);
        self.flash = Some(format!("Redone: {}", step.label));
        self.return_to(step.records[0].0);
    }

    /// Shows a record after undo/redo, saying so if a filter hides it.
    fn return_to(&mut self, index: usize) {
        match self.screening.rows().iter().position(|&i| i == index) {
            Some(row) => self.screening.go_to(row),
            None => {
                if let Some(f) = self.flash.as_mut() {
                    f.push_str(" (the record is hidden by the filter)");
                }
            }
        }
    }

    /// Adds a filter and says how many records it leaves.
    pub fn add_filter(&mut self, f: Filter) {
        let label = f.describe(self.screening.project());
        self.screening.add_filter(f);
        self.flash = Some(format!(
            "Filter: {label} · {} of {} shown",
            fmt_n(self.screening.rows().len()),
            crate::human::count(self.screening.queue().len(), "record", "records")
        ));
    }

    // ----- words for the footer ---------------------------------------------------

    /// The key bound to `action` in `mode`, or a note that none is.
    pub fn key_hint(&self, mode: Mode, action: Action) -> String {
        self.keymap
            .key_for(mode, action)
            .unwrap_or_else(|| format!("({} is unbound)", action.describe(mode)))
    }

    /// What the last row says when there is no next one.
    pub fn end_of_rows_message(&self, mode: Mode) -> String {
        let s = &self.screening;
        let left = s
            .rows()
            .iter()
            .filter(|&&i| s.state(i).verdict.is_none())
            .count();
        if left == 0 {
            match s.rows().len() {
                1 => "End of the list: the one record shown is decided".into(),
                n => format!(
                    "End of the list: all {} records shown are decided",
                    fmt_n(n)
                ),
            }
        } else {
            let key = self
                .keymap
                .key_for(mode, Action::FirstUndecided)
                .map(|k| format!(" ({k} goes to the first)"))
                .unwrap_or_default();
            format!("End of the list: {} still undecided{key}", fmt_n(left))
        }
    }
}

/// Moves an index by `delta` within `0..len`, stopping at the ends.
pub(crate) fn step_index(i: usize, delta: i32, len: usize) -> usize {
    if len == 0 {
        return 0;
    }
    (i as i64 + i64::from(delta)).clamp(0, len as i64 - 1) as usize
}

/// Where a moving action takes the selected entry of a list of `len`
/// (menus, editors, the reason picker); `None` if `action` does not move.
pub(crate) fn moved(selected: usize, action: Action, len: usize) -> Option<usize> {
    Some(match action {
        Action::ScrollDown => step_index(selected, 1, len),
        Action::ScrollUp => step_index(selected, -1, len),
        Action::PageDown => step_index(selected, 5, len),
        Action::PageUp => step_index(selected, -5, len),
        Action::Top => 0,
        Action::Bottom => len.saturating_sub(1),
        _ => return None,
    })
}
