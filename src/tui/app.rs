//! The screen's one entry point, [`App::step`]: an event in, effects out,
//! no I/O inside. The real loop (`tui::run`) and the test harness
//! (`tui::harness`) drive the same `step`.
//!
//! `App` keeps the session ([`Ctx`]: the project, the queue, the history,
//! the changes not yet on disk), the views and the stack of overlays, and
//! routes each event to the component on top; what a component asks of
//! the rest ([`Command`]) is carried out after it returns.

use super::action::Action;
use super::component::{Component, Layer};
use super::components::dups::DupReview;
use super::components::list::ListView;
use super::components::record::{self, RecordView};
use super::components::resolve::{self, ResolveView};
use super::components::search;
use super::ctx::{Command, Ctx};
use super::keymap::{Keymap, Lookup, Mode};
use super::open::OpenTarget;
use super::theme::Theme;
use super::view;
use crate::keys::Key;
use crate::project::{Change, Project, Stage, Verdict};
use crate::record::Record;
use crate::screening::order::QueueOrder;
use crate::screening::rate;
use crate::screening::resolve::Panel;
use crate::screening::search::Finder;
use crate::screening::{Counts, Screening};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Key(Key),
    Resize {
        width: u16,
        height: u16,
    },
    /// The mouse wheel turned.
    Wheel {
        down: bool,
    },
    /// Nothing else to do: a slice of background work (`App::busy`).
    Tick,
    /// The oldest unsaved change is now on disk.
    Saved,
    /// Writing a change failed; it is kept and retried.
    SaveFailed(String),
    /// A message for the footer from the loop (e.g. what `Open` did).
    Notice(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Write this change to the journal, then send `Event::Saved`.
    Persist(Change),
    /// Open a file or link with the system opener, then send
    /// `Event::Notice` saying what happened.
    Open(OpenTarget),
    Quit,
}

/// The screen under the overlays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum View {
    #[default]
    Record,
    List,
    Duplicates,
    /// `screener resolve`: the conflicts, one at a time.
    Resolve,
}

/// Session choices that are not part of the project.
#[derive(Debug, Clone, Default)]
pub struct Prefs {
    pub theme: Theme,
    pub order: QueueOrder,
    /// `None`: a seed fixed per reviewer name.
    pub seed: Option<u64>,
}

/// The views, one component each, alive for the whole session.
#[derive(Default)]
struct Views {
    shown: View,
    record: RecordView,
    list: ListView,
    dups: DupReview,
    resolve: ResolveView,
}

impl Views {
    fn get(&self, v: View) -> &dyn Component {
        match v {
            View::Record => &self.record,
            View::List => &self.list,
            View::Duplicates => &self.dups,
            View::Resolve => &self.resolve,
        }
    }

    fn get_mut(&mut self, v: View) -> &mut dyn Component {
        match v {
            View::Record => &mut self.record,
            View::List => &mut self.list,
            View::Duplicates => &mut self.dups,
            View::Resolve => &mut self.resolve,
        }
    }
}

/// The component that takes the keys: the top overlay, else the view.
fn top<'a>(layers: &'a mut [Layer], views: &'a mut Views) -> &'a mut dyn Component {
    match layers.last_mut() {
        Some(layer) => layer.component_mut(),
        None => {
            let v = views.shown;
            views.get_mut(v)
        }
    }
}

pub struct App {
    cx: Ctx,
    views: Views,
    /// Overlays, bottom first (the reason picker can open a text field).
    layers: Vec<Layer>,
    pending_keys: Vec<Key>,
    /// Quit was pressed with unsaved changes; a second quit leaves anyway.
    quit_armed: bool,
}

impl App {
    pub fn new(
        project: Project,
        project_name: String,
        reviewer: String,
        stage: Stage,
        keymap: Keymap,
    ) -> App {
        let screening = Screening::new(project, reviewer, stage);
        let mut cx = Ctx::new(screening, project_name, keymap);
        let s = &cx.screening;
        if s.queue().is_empty() {
            cx.flash = Some(match stage {
                Stage::TitleAbstract => {
                    "This project has no records yet: add some with `screener import`".into()
                }
                Stage::FullText => {
                    "No records have reached full text yet: include some at title/abstract first"
                        .into()
                }
            });
        } else if s.counts().decided() == s.queue().len() {
            cx.flash = Some(format!(
                "All {} records are screened; you can still revise any of them",
                s.queue().len()
            ));
        }
        App::with_views(cx, Views::default())
    }

    /// The resolve screen: `resolver` writes the consensus on the conflicts
    /// of `panel`, starting at the first unresolved; `carried` agreements
    /// were just carried over (said once in the footer).
    pub fn resolving(
        project: Project,
        project_name: String,
        resolver: String,
        stage: Stage,
        keymap: Keymap,
        panel: Panel,
        carried: usize,
    ) -> App {
        let screening = Screening::new(project, resolver, stage).only(&panel.keys());
        let mut cx = Ctx::new(screening, project_name, keymap);
        cx.flash = resolve::opening_message(&cx, carried);
        let views = Views {
            shown: View::Resolve,
            resolve: ResolveView::new(panel),
            ..Views::default()
        };
        App::with_views(cx, views)
    }

    fn with_views(cx: Ctx, views: Views) -> App {
        App {
            cx,
            views,
            layers: Vec::new(),
            pending_keys: Vec::new(),
            quit_armed: false,
        }
    }

    /// Replaces the clock that stamps decisions (tests use a fixed one).
    pub fn with_clock(mut self, clock: impl Fn() -> String + 'static) -> App {
        self.cx.set_clock(clock);
        self
    }

    /// Theme and queue order for this session.
    pub fn with_prefs(mut self, prefs: Prefs) -> App {
        self.cx.theme = prefs.theme;
        let s = &mut self.cx.screening;
        if let Some(seed) = prefs.seed {
            s.set_seed(seed);
        }
        if prefs.order != s.order() {
            s.set_order(prefs.order);
            s.go_to(s.first_undecided().unwrap_or(0));
        }
        self
    }

    // ----- what the view, the loop and the tests read ----------------------

    /// The session the components share.
    pub fn ctx(&self) -> &Ctx {
        &self.cx
    }

    pub fn screening(&self) -> &Screening {
        &self.cx.screening
    }

    pub fn project(&self) -> &Project {
        self.cx.screening.project()
    }

    /// The project, leaving an empty one (the loop releases it off the
    /// screen's thread at exit).
    pub fn take_project(&mut self) -> Project {
        self.cx.screening.take_project()
    }

    pub fn keymap(&self) -> &Keymap {
        &self.cx.keymap
    }

    pub fn set_theme(&mut self, theme: Theme) {
        self.cx.theme = theme;
    }

    /// The footer's message.
    pub fn flash(&self) -> Option<&str> {
        self.cx.flash.as_deref()
    }

    /// Replaces the footer's message (the loop's opening notices).
    pub fn set_flash(&mut self, flash: Option<String>) {
        self.cx.flash = flash;
    }

    pub fn take_flash(&mut self) -> Option<String> {
        self.cx.flash.take()
    }

    pub fn view(&self) -> View {
        self.views.shown
    }

    /// The view's component (under the overlays).
    /// The conflicts of the resolve screen (empty elsewhere).
    pub fn resolve_panel(&self) -> &Panel {
        self.views.resolve.panel()
    }

    pub fn view_component(&self) -> &dyn Component {
        self.views.get(self.views.shown)
    }

    /// The overlays, bottom first.
    pub fn layers(&self) -> &[Layer] {
        &self.layers
    }

    /// The component that takes the keys.
    pub fn top(&self) -> &dyn Component {
        match self.layers.last() {
            Some(layer) => layer.component(),
            None => self.view_component(),
        }
    }

    pub fn mode(&self) -> Mode {
        self.top().mode()
    }

    /// Records to screen at this stage (the whole queue, not the rows).
    pub fn queue_len(&self) -> usize {
        self.cx.screening.queue().len()
    }

    /// Records shown: the queue narrowed by the filters.
    pub fn rows(&self) -> &[usize] {
        self.cx.screening.rows()
    }

    /// 0-based position of the cursor in `rows`.
    pub fn position(&self) -> usize {
        self.cx.screening.cursor().row()
    }

    /// How far the record on screen is scrolled, in lines.
    pub fn scroll(&self) -> u16 {
        self.cx.screening.cursor().line()
    }

    pub fn counts(&self) -> Counts {
        self.cx.screening.counts()
    }

    /// The record on screen.
    pub fn current(&self) -> Option<&Record> {
        self.cx.screening.current()
    }

    pub fn verdict_of(&self, key: &str) -> Option<&Verdict> {
        self.cx.screening.verdict_of(key)
    }

    /// The import batch a record's duplicate group first appeared in.
    pub fn batch_of(&self, index: usize) -> u32 {
        self.cx.screening.batch_of(index)
    }

    /// The active search, for `n`/`N` and highlighting.
    pub fn search(&self) -> Option<&Finder> {
        self.cx.search.as_ref()
    }

    /// Changes sent to be saved and not yet confirmed on disk.
    pub fn unsaved(&self) -> usize {
        self.cx.unsaved()
    }

    pub fn save_error(&self) -> Option<&str> {
        self.cx.save_error.as_deref()
    }

    /// Whether work is left for `Event::Tick`s (the search index being
    /// built, a search under way); the loop sends ticks while no key waits.
    pub fn busy(&self) -> bool {
        search::busy(&self.cx)
    }

    /// How far a search under way has got, for the footer: `(done, of)`.
    pub fn scan_progress(&self) -> Option<(usize, usize)> {
        search::scan_progress(&self.cx)
    }

    // ----- events -----------------------------------------------------------

    pub fn step(&mut self, event: Event) -> Vec<Effect> {
        let cx = &mut self.cx;
        match event {
            Event::Resize { width, height } => {
                cx.width = width;
                cx.height = height;
                match self.views.shown {
                    View::Resolve => self.views.resolve.clamp(cx),
                    _ => record::clamp_scroll(cx),
                }
                cx.screening
                    .set_window(usize::from(view::list_rows_visible(height)));
            }
            Event::Saved => cx.saved(),
            Event::SaveFailed(why) => cx.save_error = Some(why),
            Event::Tick => {
                let top = match self.layers.last_mut() {
                    Some(Layer::Search(sb)) => Some(sb.as_mut()),
                    _ => None,
                };
                search::tick(cx, top);
            }
            Event::Notice(msg) => cx.flash = Some(msg),
            Event::Wheel { down } => top(&mut self.layers, &mut self.views).wheel(down, cx),
            Event::Key(key) => self.key(key),
        }
        self.run_commands();
        self.cx.take_effects()
    }

    fn key(&mut self, key: Key) {
        if let Some(t) = rate::seconds(&self.cx.now()) {
            self.cx.rate.start(t);
        }
        self.cx.flash = None;
        let armed = std::mem::take(&mut self.quit_armed);
        let mode = self.mode();
        self.pending_keys.push(key);
        match self.cx.keymap.lookup(mode, &self.pending_keys) {
            Lookup::Prefix => {}
            Lookup::Action(action) => {
                self.pending_keys.clear();
                self.quit_armed = armed && action == Action::Quit;
                if action == Action::Quit && !matches!(mode, Mode::Help | Mode::Menu) {
                    self.quit();
                } else {
                    top(&mut self.layers, &mut self.views).act(action, &mut self.cx);
                }
            }
            Lookup::Unbound => {
                let keys = std::mem::take(&mut self.pending_keys);
                if mode.is_text() && keys.len() == 1 {
                    top(&mut self.layers, &mut self.views).key(keys[0], &mut self.cx);
                } else if matches!(mode, Mode::Screening | Mode::List | Mode::Resolve) {
                    let seq = crate::keys::format_seq(&keys);
                    let help = self
                        .cx
                        .keymap
                        .key_for(mode, Action::Help)
                        .unwrap_or_else(|| "?".into());
                    self.cx.flash =
                        Some(format!("`{seq}` does nothing here; {help} lists the keys"));
                }
            }
        }
    }

    fn quit(&mut self) {
        if self.cx.unsaved() > 0 && !self.quit_armed {
            self.quit_armed = true;
            self.cx.flash = Some(format!(
                "{} change(s) are not on disk yet; quit again to leave without them",
                self.cx.unsaved()
            ));
            return;
        }
        self.cx.effect(Effect::Quit);
    }

    /// Carries out what the components asked for, in order (an answer may
    /// ask for more).
    fn run_commands(&mut self) {
        while let Some(command) = self.cx.commands.pop_front() {
            match command {
                Command::Open(layer) => self.layers.push(layer),
                Command::Close => {
                    self.layers.pop();
                }
                Command::Answer(answer) => {
                    self.layers.pop();
                    top(&mut self.layers, &mut self.views).answer(answer, &mut self.cx);
                }
                Command::Show(to) => {
                    let from = self.views.shown;
                    if self.views.get_mut(to).enter(from, &mut self.cx) {
                        self.views.shown = to;
                    }
                }
            }
        }
    }
}
