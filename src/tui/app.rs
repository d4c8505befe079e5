//! The screen's state and its one entry point, [`App::step`]: an event in,
//! effects out, no I/O inside. The real loop (`tui::run`) and the test
//! harness (`tui::harness`) drive the same `step`.

use std::collections::HashMap;

use super::action::Action;
use super::keymap::{Keymap, Lookup, Mode};
use super::view;
use crate::keys::Key;
use crate::project::{Change, Decision, Project, Stage, Verdict};
use crate::stats;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Key(Key),
    Resize {
        width: u16,
        height: u16,
    },
    /// The oldest unsaved change is now on disk.
    Saved,
    /// Writing a change failed; it is kept and retried.
    SaveFailed(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Write this change to the journal, then send `Event::Saved`.
    Persist(Change),
    Quit,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    None,
    /// Reason ids ticked so far.
    Reasons {
        selected: Vec<String>,
    },
    Help {
        scroll: u16,
    },
}

/// Decided records per verdict for the current reviewer and stage, kept up
/// to date per decision so the header costs nothing at a million records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub included: usize,
    pub excluded: usize,
    pub maybe: usize,
    pub not_retrieved: usize,
}

impl Counts {
    fn add(&mut self, v: &Verdict, sign: isize) {
        let slot = match v {
            Verdict::Include => &mut self.included,
            Verdict::Exclude(_) => &mut self.excluded,
            Verdict::Maybe => &mut self.maybe,
            Verdict::NotRetrieved => &mut self.not_retrieved,
            Verdict::Cleared => return,
        };
        *slot = slot.saturating_add_signed(sign);
    }

    pub fn decided(&self) -> usize {
        self.included + self.excluded + self.maybe + self.not_retrieved
    }
}

struct Undo {
    record: String,
    position: usize,
    previous: Option<Verdict>,
}

/// Everything the screen shows and remembers.
pub struct App {
    pub project: Project,
    /// The project file's name, for the header.
    pub project_name: String,
    pub reviewer: String,
    pub stage: Stage,
    pub keymap: Keymap,
    /// Indices into `project.records` of the records to screen, in order.
    queue: Vec<usize>,
    position: usize,
    verdicts: HashMap<String, Verdict>,
    counts: Counts,
    pub scroll: u16,
    pub overlay: Overlay,
    pending_keys: Vec<Key>,
    undo: Vec<Undo>,
    unsaved: usize,
    save_error: Option<String>,
    /// Quit was pressed with unsaved changes; a second quit leaves anyway.
    quit_armed: bool,
    /// A one-line message for the footer, cleared by the next key.
    pub flash: Option<String>,
    pub width: u16,
    pub height: u16,
    clock: Box<dyn Fn() -> String>,
}

impl App {
    pub fn new(
        project: Project,
        project_name: String,
        reviewer: String,
        stage: Stage,
        keymap: Keymap,
    ) -> App {
        let queue = stats::eligible(&project, &reviewer, stage);
        let verdicts: HashMap<String, Verdict> = project
            .current_decisions(&reviewer, stage)
            .into_iter()
            .map(|(k, d)| (k.to_string(), d.verdict.clone()))
            .collect();
        let mut counts = Counts::default();
        for &i in &queue {
            if let Some(v) = verdicts.get(&project.records[i].key) {
                counts.add(v, 1);
            }
        }
        let mut app = App {
            project,
            project_name,
            reviewer,
            stage,
            keymap,
            queue,
            position: 0,
            verdicts,
            counts,
            scroll: 0,
            overlay: Overlay::None,
            pending_keys: Vec::new(),
            undo: Vec::new(),
            unsaved: 0,
            save_error: None,
            quit_armed: false,
            flash: None,
            width: 80,
            height: 24,
            clock: Box::new(crate::project::now),
        };
        app.position = app.first_undecided().unwrap_or(0);
        if app.queue.is_empty() {
            app.flash = Some(match stage {
                Stage::TitleAbstract => {
                    "This project has no records yet: add some with `screener import`".into()
                }
                Stage::FullText => {
                    "No records have reached full text yet: include some at title/abstract first"
                        .into()
                }
            });
        } else if app.counts.decided() == app.queue.len() {
            app.flash = Some(format!(
                "All {} records are screened; you can still revise any of them",
                app.queue.len()
            ));
        }
        app
    }

    /// Replaces the clock that stamps decisions (tests use a fixed one).
    pub fn with_clock(mut self, clock: impl Fn() -> String + 'static) -> App {
        self.clock = Box::new(clock);
        self
    }

    pub fn queue_len(&self) -> usize {
        self.queue.len()
    }

    /// 0-based position in the queue.
    pub fn position(&self) -> usize {
        self.position
    }

    pub fn counts(&self) -> Counts {
        self.counts
    }

    /// The record on screen.
    pub fn current(&self) -> Option<&crate::record::Record> {
        self.queue
            .get(self.position)
            .map(|&i| &self.project.records[i])
    }

    pub fn verdict_of(&self, key: &str) -> Option<&Verdict> {
        self.verdicts.get(key)
    }

    /// Changes sent to be saved and not yet confirmed on disk.
    pub fn unsaved(&self) -> usize {
        self.unsaved
    }

    pub fn save_error(&self) -> Option<&str> {
        self.save_error.as_deref()
    }

    pub fn mode(&self) -> Mode {
        match self.overlay {
            Overlay::None => Mode::Screening,
            Overlay::Reasons { .. } => Mode::ReasonPicker,
            Overlay::Help { .. } => Mode::Help,
        }
    }

    /// The reasons the picker offers, numbered from 1 in this order.
    pub fn picker_reasons(&self) -> Vec<&crate::project::Reason> {
        self.project.reasons_for(self.stage).collect()
    }

    fn first_undecided(&self) -> Option<usize> {
        self.queue
            .iter()
            .position(|&i| !self.verdicts.contains_key(&self.project.records[i].key))
    }

    pub fn step(&mut self, event: Event) -> Vec<Effect> {
        match event {
            Event::Resize { width, height } => {
                self.width = width;
                self.height = height;
                self.clamp_scroll();
                Vec::new()
            }
            Event::Saved => {
                self.unsaved = self.unsaved.saturating_sub(1);
                self.save_error = None;
                Vec::new()
            }
            Event::SaveFailed(why) => {
                self.save_error = Some(why);
                Vec::new()
            }
            Event::Key(key) => {
                self.flash = None;
                let armed = std::mem::take(&mut self.quit_armed);
                self.pending_keys.push(key);
                match self.keymap.lookup(self.mode(), &self.pending_keys) {
                    Lookup::Prefix => Vec::new(),
                    Lookup::Action(action) => {
                        self.pending_keys.clear();
                        self.quit_armed = armed && action == Action::Quit;
                        self.act(action)
                    }
                    Lookup::Unbound => {
                        let seq = crate::keys::format_seq(&self.pending_keys);
                        self.pending_keys.clear();
                        if self.mode() == Mode::Screening {
                            let help = self
                                .keymap
                                .key_for(Mode::Screening, Action::Help)
                                .unwrap_or_else(|| "?".into());
                            self.flash =
                                Some(format!("`{seq}` does nothing here; {help} lists the keys"));
                        }
                        Vec::new()
                    }
                }
            }
        }
    }

    fn act(&mut self, action: Action) -> Vec<Effect> {
        match (&mut self.overlay, action) {
            (_, Action::Quit) => {
                if self.unsaved > 0 && !self.quit_armed {
                    self.quit_armed = true;
                    self.flash = Some(format!(
                        "{} decision(s) are not on disk yet; quit again to leave without them",
                        self.unsaved
                    ));
                    return Vec::new();
                }
                vec![Effect::Quit]
            }
            (Overlay::Reasons { selected }, Action::ToggleReason(n)) => {
                let ids: Vec<String> = self
                    .project
                    .reasons_for(self.stage)
                    .map(|r| r.id.clone())
                    .collect();
                if let Some(id) = ids.get(usize::from(n).wrapping_sub(1)) {
                    if let Some(at) = selected.iter().position(|s| s == id) {
                        selected.remove(at);
                    } else {
                        selected.push(id.clone());
                    }
                }
                Vec::new()
            }
            (Overlay::Reasons { selected }, Action::Confirm) => {
                if selected.is_empty() && self.project.settings.exclusion_needs_reason {
                    self.flash =
                        Some("Pick at least one reason (number keys), or esc to cancel".into());
                    return Vec::new();
                }
                // Reasons in the order of the list, not the order ticked.
                let order: Vec<String> = self
                    .project
                    .reasons_for(self.stage)
                    .map(|r| r.id.clone())
                    .collect();
                let mut reasons = std::mem::take(selected);
                reasons.sort_by_key(|id| order.iter().position(|o| o == id));
                self.overlay = Overlay::None;
                self.decide(Verdict::Exclude(reasons))
            }
            (Overlay::Reasons { .. }, Action::Cancel) => {
                self.overlay = Overlay::None;
                Vec::new()
            }
            (Overlay::Help { .. }, Action::Close) => {
                self.overlay = Overlay::None;
                Vec::new()
            }
            (Overlay::Help { scroll }, Action::ScrollDown) => {
                *scroll = scroll.saturating_add(1);
                self.clamp_help_scroll();
                Vec::new()
            }
            (Overlay::Help { scroll }, Action::ScrollUp) => {
                *scroll = scroll.saturating_sub(1);
                Vec::new()
            }
            (Overlay::Help { scroll }, Action::PageDown) => {
                *scroll = scroll.saturating_add(self.height.saturating_sub(4));
                self.clamp_help_scroll();
                Vec::new()
            }
            (Overlay::Help { scroll }, Action::PageUp) => {
                *scroll = scroll.saturating_sub(self.height.saturating_sub(4));
                Vec::new()
            }
            (Overlay::None, a) => self.act_screening(a),
            _ => Vec::new(),
        }
    }

    fn act_screening(&mut self, action: Action) -> Vec<Effect> {
        if self.queue.is_empty() && !matches!(action, Action::Help) {
            return Vec::new();
        }
        match action {
            Action::Include => self.decide(Verdict::Include),
            Action::Maybe => self.decide(Verdict::Maybe),
            Action::Exclude => {
                let selected = match self.current().and_then(|r| self.verdicts.get(&r.key)) {
                    Some(Verdict::Exclude(reasons)) => reasons.clone(),
                    _ => Vec::new(),
                };
                self.overlay = Overlay::Reasons { selected };
                Vec::new()
            }
            Action::Undo => self.undo(),
            Action::Next => {
                if self.position + 1 < self.queue.len() {
                    self.go_to(self.position + 1);
                } else {
                    self.flash = Some(self.end_of_queue_message());
                }
                Vec::new()
            }
            Action::Previous => {
                if self.position > 0 {
                    self.go_to(self.position - 1);
                } else {
                    self.flash = Some("This is the first record".into());
                }
                Vec::new()
            }
            Action::FirstUndecided => {
                match self.first_undecided() {
                    Some(p) => self.go_to(p),
                    None => self.flash = Some("Every record is decided".into()),
                }
                Vec::new()
            }
            Action::ScrollDown => self.scroll_by(1),
            Action::ScrollUp => self.scroll_by(-1),
            Action::PageDown => {
                self.scroll_by(i32::from(self.body_height().saturating_sub(1).max(1)))
            }
            Action::PageUp => {
                self.scroll_by(-i32::from(self.body_height().saturating_sub(1).max(1)))
            }
            Action::Help => {
                self.overlay = Overlay::Help { scroll: 0 };
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    fn end_of_queue_message(&self) -> String {
        let left = self.queue.len() - self.counts.decided();
        if left == 0 {
            format!(
                "End of the list: all {} records are decided",
                self.queue.len()
            )
        } else {
            let key = self
                .keymap
                .key_for(Mode::Screening, Action::FirstUndecided)
                .map(|k| format!(" ({k} goes to the first)"))
                .unwrap_or_default();
            format!("End of the list: {left} still undecided{key}")
        }
    }

    fn go_to(&mut self, position: usize) {
        self.position = position;
        self.scroll = 0;
    }

    fn body_height(&self) -> u16 {
        view::body_area_height(self.height)
    }

    fn scroll_by(&mut self, delta: i32) -> Vec<Effect> {
        let next = (i32::from(self.scroll) + delta).max(0);
        self.scroll = u16::try_from(next).unwrap_or(u16::MAX);
        self.clamp_scroll();
        Vec::new()
    }

    fn clamp_scroll(&mut self) {
        let total = view::record_line_count(self, self.width);
        let max = total.saturating_sub(usize::from(self.body_height()));
        self.scroll = self.scroll.min(u16::try_from(max).unwrap_or(u16::MAX));
    }

    fn clamp_help_scroll(&mut self) {
        let total = view::help_line_count(self);
        let visible = usize::from(view::help_area_height(self.height));
        let max = u16::try_from(total.saturating_sub(visible)).unwrap_or(u16::MAX);
        if let Overlay::Help { scroll } = &mut self.overlay {
            *scroll = (*scroll).min(max);
        }
    }

    /// Records `verdict` for the record on screen and moves on.
    fn decide(&mut self, verdict: Verdict) -> Vec<Effect> {
        let Some(&index) = self.queue.get(self.position) else {
            return Vec::new();
        };
        let key = self.project.records[index].key.clone();
        let previous = self.verdicts.get(&key).cloned();
        self.undo.push(Undo {
            record: key.clone(),
            position: self.position,
            previous,
        });
        let effect = self.record(key, verdict);
        if self.position + 1 < self.queue.len() {
            self.go_to(self.position + 1);
        } else {
            self.flash = Some(self.end_of_queue_message());
        }
        vec![effect]
    }

    fn undo(&mut self) -> Vec<Effect> {
        let Some(u) = self.undo.pop() else {
            self.flash = Some("Nothing to undo".into());
            return Vec::new();
        };
        let restored = u.previous.clone().unwrap_or(Verdict::Cleared);
        self.flash = Some(match &u.previous {
            None => "Undone: the record is undecided again".into(),
            Some(v) => format!("Undone: back to {}", verdict_word(v)),
        });
        let effect = self.record(u.record, restored);
        self.go_to(u.position);
        vec![effect]
    }

    /// Applies a decision in memory and returns the effect that saves it.
    fn record(&mut self, key: String, verdict: Verdict) -> Effect {
        if let Some(old) = self.verdicts.remove(&key) {
            self.counts.add(&old, -1);
        }
        self.counts.add(&verdict, 1);
        if verdict.is_decided() {
            self.verdicts.insert(key.clone(), verdict.clone());
        }
        let change = Change::Decide(Decision {
            record: key,
            reviewer: self.reviewer.clone(),
            stage: self.stage,
            verdict,
            note: String::new(),
            tags: Vec::new(),
            at: (self.clock)(),
        });
        self.project.apply(&change);
        self.unsaved += 1;
        Effect::Persist(change)
    }
}

pub fn verdict_word(v: &Verdict) -> &'static str {
    match v {
        Verdict::Include => "included",
        Verdict::Exclude(_) => "excluded",
        Verdict::Maybe => "maybe",
        Verdict::NotRetrieved => "not retrieved",
        Verdict::Cleared => "undecided",
    }
}
