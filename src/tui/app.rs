//! The screen's state and its one entry point, [`App::step`]: an event in,
//! effects out, no I/O inside. The real loop (`tui::run`) and the test
//! harness (`tui::harness`) drive the same `step`.
//!
//! The records on screen are `rows`: the queue (every record to screen at
//! this stage, in the chosen order) narrowed by the active filters. The
//! record view and the list share `rows` and `cursor`, so switching views
//! keeps the place. Only this reviewer's decisions at this stage are read
//! (blind screening). Forms, menus, editors and duplicate review are in
//! `tui::forms`.

use std::collections::HashMap;

use super::action::Action;
use super::input::LineEditor;
use super::keymap::{Keymap, Lookup, Mode};
use super::open::{self, OpenTarget};
use super::theme::Theme;
use super::view;
use crate::keys::Key;
use crate::project::{Change, Decision, Project, Stage, Verdict};
use crate::screening::filter::{self, Filter};
use crate::screening::highlight::Highlighter;
use crate::screening::history::{History, RecordState, Step};
use crate::screening::order::{self, QueueOrder};
use crate::screening::rate::{self, Rate};
use crate::screening::search::{Finder, SearchIndex};
use crate::stats;

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

/// The screen under any overlay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum View {
    #[default]
    Record,
    List,
    Duplicates,
}

/// Something drawn over the view that takes the keys while open. Overlays
/// stack (the reason picker can open a text field for a new reason).
#[derive(Debug, Clone)]
pub enum Overlay {
    Reasons(Picker),
    Help { scroll: u16 },
    Search(Box<SearchBox>),
    Input(InputBox),
    Menu(Menu),
    Confirm(ConfirmBox),
    Terms(ListEdit),
    ReasonsEditor(ListEdit),
    Criteria(ListEdit),
}

#[derive(Debug, Clone, Default)]
pub struct Picker {
    /// Reason ids ticked so far.
    pub selected: Vec<String>,
    /// Picking reasons for a bulk exclusion rather than one record.
    pub bulk: bool,
}

#[derive(Debug, Clone)]
pub struct SearchBox {
    pub editor: LineEditor,
    /// The cursor when the search began (esc goes back there).
    pub origin: usize,
    /// The query of the last scan and where it matched, counted in rows
    /// from `origin` (wrapping): a longer query can only match there or
    /// later, so typing does not rescan what it already passed.
    pub(crate) scanned: Option<(String, Option<usize>)>,
    pub(crate) previous: Option<Finder>,
}

#[derive(Debug, Clone)]
pub struct InputBox {
    pub title: String,
    pub hint: String,
    pub editor: LineEditor,
    pub(crate) purpose: Purpose,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Purpose {
    Note(usize),
    Tags(usize),
    Jump,
    NewTerm { exclude: bool },
    EditTerm { exclude: bool, index: usize },
    NewReason { stage: Stage, tick: bool },
    RenameReason(String),
    NewCriterion,
    EditCriterion(usize),
    YearBefore,
    YearFrom,
}

#[derive(Debug, Clone)]
pub struct Menu {
    pub title: String,
    pub items: Vec<(String, MenuPick)>,
    pub selected: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MenuPick {
    Filter(Filter),
    Reasons,
    Tags,
    Batches,
    Languages,
    YearBefore,
    YearFrom,
}

#[derive(Debug, Clone)]
pub struct ConfirmBox {
    pub message: String,
    pub(crate) plan: BulkPlan,
}

#[derive(Debug, Clone)]
pub(crate) struct BulkPlan {
    pub records: Vec<usize>,
    pub verdict: Verdict,
    pub rule: String,
}

/// A list being edited (terms, reasons, criteria): which of two lists
/// (include/exclude terms, title-abstract/full-text reasons) and the
/// selected entry.
#[derive(Debug, Clone, Default)]
pub struct ListEdit {
    pub list: usize,
    pub selected: usize,
}

/// Duplicate pairs left to review and where the reviewer is.
#[derive(Debug, Clone, Default)]
pub struct DupReview {
    /// `(primary, duplicate)` record indices.
    pub pairs: Vec<(usize, usize)>,
    pub index: usize,
    pub scroll: u16,
    /// Where esc goes back to.
    pub return_view: View,
}

/// Rows a search checks per step: at 100k records of ~1.4 kB each about
/// 10 MB of text, a few milliseconds, so a search that finds nothing for
/// long still draws a frame (with its progress) between slices.
const SCAN_CHUNK: usize = 6_000;
/// Records added to the search index per idle tick, at most…
const INDEX_CHUNK: usize = 1_000;
/// … in steps of this many…
const INDEX_STEP: usize = 100;
/// … while the tick has taken less than this.
const INDEX_SLICE: std::time::Duration = std::time::Duration::from_millis(3);

/// A search under way over the rows.
#[derive(Debug, Clone)]
struct Scan {
    finder: Finder,
    /// The row it counts from.
    origin: usize,
    /// Next offset from `origin` to check, and one past the last.
    next: usize,
    end: usize,
    /// `rows.len()` when it began: if the rows change, it stops.
    rows: usize,
    forward: bool,
    /// The query being typed (incremental search), or `None` for `n`/`N`.
    typing: Option<String>,
}

impl Scan {
    fn row(&self, d: usize, n: usize) -> usize {
        if self.forward {
            (self.origin + d) % n
        } else {
            (self.origin + n - d % n) % n
        }
    }
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
    fn add(&mut self, v: Option<&Verdict>, sign: isize) {
        let slot = match v {
            Some(Verdict::Include) => &mut self.included,
            Some(Verdict::Exclude(_)) => &mut self.excluded,
            Some(Verdict::Maybe) => &mut self.maybe,
            Some(Verdict::NotRetrieved) => &mut self.not_retrieved,
            Some(Verdict::Cleared) | None => return,
        };
        *slot = slot.saturating_add_signed(sign);
    }

    pub fn decided(&self) -> usize {
        self.included + self.excluded + self.maybe + self.not_retrieved
    }
}

/// Session choices that are not part of the project.
#[derive(Debug, Clone, Default)]
pub struct Prefs {
    pub theme: Theme,
    pub order: QueueOrder,
    /// `None`: a seed fixed per reviewer name.
    pub seed: Option<u64>,
}

/// Everything the screen shows and remembers.
pub struct App {
    pub project: Project,
    /// The project file's name, for the header.
    pub project_name: String,
    pub reviewer: String,
    pub stage: Stage,
    pub keymap: Keymap,
    pub theme: Theme,
    pub view: View,
    pub overlays: Vec<Overlay>,
    pub(crate) order: QueueOrder,
    pub(crate) seed: u64,
    /// Indices into `project.records` of the records to screen, in order.
    pub(crate) queue: Vec<usize>,
    /// `queue` narrowed by `filters`.
    pub(crate) rows: Vec<usize>,
    pub(crate) cursor: usize,
    /// First row drawn by the list.
    pub list_offset: usize,
    pub(crate) filters: Vec<Filter>,
    /// Which records match the `Matching` filter's query, by record index.
    matching: Option<(String, Vec<bool>)>,
    /// Position of each record (by index) in the queue; `u32::MAX` if not
    /// in it.
    queue_pos: Vec<u32>,
    /// Lowercased text of every record, built on the first search.
    search_index: SearchIndex,
    /// A search still looking (continued by `Event::Tick`).
    scan: Option<Scan>,
    /// This reviewer's state of each record at this stage, by record index.
    pub(crate) states: Vec<RecordState>,
    pub(crate) key_index: KeyIndex,
    /// Whether other records are linked to this one as duplicates.
    pub(crate) has_duplicates: Vec<bool>,
    /// Per record, `stats::group_batches` of its group.
    group_batch: Vec<u32>,
    counts: Counts,
    /// The active search (`/`), for `n`/`N` and highlighting.
    pub search: Option<Finder>,
    pub highlighter: Highlighter,
    pub(crate) history: History,
    rate: Rate,
    pub show_criteria: bool,
    pub scroll: u16,
    pub dup: DupReview,
    pending_keys: Vec<Key>,
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

/// Record index by key. Keys are content hashes already, and nobody
/// chooses them to collide, so a fast hash serves (SipHash's defence
/// against crafted keys costs time at every opening).
pub(crate) type KeyIndex = HashMap<String, usize, xxhash_rust::xxh3::Xxh3DefaultBuilder>;

impl App {
    pub fn new(
        project: Project,
        project_name: String,
        reviewer: String,
        stage: Stage,
        keymap: Keymap,
    ) -> App {
        let n = project.records.len();
        let mut key_index = KeyIndex::with_capacity_and_hasher(n, Default::default());
        key_index.extend(
            project
                .records
                .iter()
                .enumerate()
                .map(|(i, r)| (r.key.clone(), i)),
        );
        // Blind: only this reviewer's entries at this stage are read, the
        // latest per duplicate group, `Cleared` ones included (they carry
        // notes on undecided records).
        let mut states = vec![RecordState::default(); n];
        for (key, d) in project.latest_entries(&reviewer, stage) {
            if let Some(&i) = key_index.get(key) {
                states[i] = RecordState {
                    verdict: d.verdict.is_decided().then(|| d.verdict.clone()),
                    note: d.note.clone(),
                    tags: d.tags.clone(),
                    rule: d.rule.clone(),
                };
            }
        }
        let mut has_duplicates = vec![false; n];
        for r in project.records.iter() {
            if let Some(&p) = r.duplicate_of.as_ref().and_then(|k| key_index.get(k)) {
                has_duplicates[p] = true;
            }
        }
        let group_batch = crate::stats::group_batches(&project, |k| key_index.get(k).copied());
        let highlighter = Highlighter::new(&project.highlight);
        let seed = order::seed_for(&reviewer);
        let mut app = App {
            project,
            project_name,
            reviewer,
            stage,
            keymap,
            theme: Theme::default(),
            view: View::Record,
            overlays: Vec::new(),
            order: QueueOrder::Import,
            seed,
            queue: Vec::new(),
            rows: Vec::new(),
            cursor: 0,
            list_offset: 0,
            filters: Vec::new(),
            matching: None,
            queue_pos: Vec::new(),
            search_index: SearchIndex::default(),
            scan: None,
            states,
            key_index,
            has_duplicates,
            group_batch,
            counts: Counts::default(),
            search: None,
            highlighter,
            history: History::default(),
            rate: Rate::default(),
            show_criteria: false,
            scroll: 0,
            dup: DupReview::default(),
            pending_keys: Vec::new(),
            unsaved: 0,
            save_error: None,
            quit_armed: false,
            flash: None,
            width: 80,
            height: 24,
            clock: Box::new(crate::project::now),
        };
        app.rebuild_queue(None);
        app.cursor = app.first_undecided().unwrap_or(0);
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

    /// Theme and queue order for this session.
    pub fn with_prefs(mut self, prefs: Prefs) -> App {
        self.theme = prefs.theme;
        if let Some(seed) = prefs.seed {
            self.seed = seed;
        }
        if prefs.order != self.order {
            self.order = prefs.order;
            self.rebuild_queue(None);
            self.cursor = self.first_undecided().unwrap_or(0);
        }
        self
    }

    pub(crate) fn bump_unsaved(&mut self) {
        self.unsaved += 1;
    }

    pub(crate) fn now(&self) -> String {
        (self.clock)()
    }

    // ----- what the view reads -------------------------------------------

    /// Records to screen at this stage (the whole queue, not the filtered
    /// rows).
    pub fn queue_len(&self) -> usize {
        self.queue.len()
    }

    /// Records shown: the queue narrowed by the filters.
    pub fn rows(&self) -> &[usize] {
        &self.rows
    }

    /// 0-based position of the cursor in `rows`.
    pub fn position(&self) -> usize {
        self.cursor
    }

    pub fn counts(&self) -> Counts {
        self.counts
    }

    pub fn filters(&self) -> &[Filter] {
        &self.filters
    }

    pub fn order(&self) -> QueueOrder {
        self.order
    }

    pub fn rate(&self) -> &Rate {
        &self.rate
    }

    pub fn history(&self) -> &History {
        &self.history
    }

    /// The record index under the cursor.
    pub fn current_index(&self) -> Option<usize> {
        self.rows.get(self.cursor).copied()
    }

    /// The record on screen.
    pub fn current(&self) -> Option<&crate::record::Record> {
        self.current_index().map(|i| &self.project.records[i])
    }

    pub fn state(&self, index: usize) -> &RecordState {
        &self.states[index]
    }

    pub fn verdict_of(&self, key: &str) -> Option<&Verdict> {
        let &i = self.key_index.get(key)?;
        self.states[i].verdict.as_ref()
    }

    /// The import batch a record's duplicate group first appeared in (a
    /// re-run copy of a paper screened months ago is not new).
    pub fn batch_of(&self, index: usize) -> u32 {
        self.group_batch.get(index).copied().unwrap_or(0)
    }

    /// Changes sent to be saved and not yet confirmed on disk.
    pub fn unsaved(&self) -> usize {
        self.unsaved
    }

    pub fn save_error(&self) -> Option<&str> {
        self.save_error.as_deref()
    }

    pub fn mode(&self) -> Mode {
        match self.overlays.last() {
            Some(Overlay::Reasons(_)) => Mode::ReasonPicker,
            Some(Overlay::Help { .. }) => Mode::Help,
            Some(Overlay::Search(_)) => Mode::Search,
            Some(Overlay::Input(_)) => Mode::Input,
            Some(Overlay::Menu(_)) => Mode::Menu,
            Some(Overlay::Confirm(_)) => Mode::Confirm,
            Some(Overlay::Terms(_)) => Mode::Terms,
            Some(Overlay::ReasonsEditor(_)) => Mode::Reasons,
            Some(Overlay::Criteria(_)) => Mode::CriteriaEditor,
            None => match self.view {
                View::Record => Mode::Screening,
                View::List => Mode::List,
                View::Duplicates => Mode::Duplicates,
            },
        }
    }

    /// The reasons the picker offers, numbered from 1 in this order.
    pub fn picker_reasons(&self) -> Vec<&crate::project::Reason> {
        self.project.reasons_for(self.stage).collect()
    }

    pub(crate) fn first_undecided(&self) -> Option<usize> {
        self.rows
            .iter()
            .position(|&i| self.states[i].verdict.is_none())
    }

    pub(crate) fn key_hint(&self, mode: Mode, action: Action) -> String {
        self.keymap
            .key_for(mode, action)
            .unwrap_or_else(|| format!("({} is unbound)", action.describe(mode)))
    }

    // ----- queue, filters, rows ------------------------------------------

    /// Recomputes the queue (after a split, a settings change or a new
    /// order), the counts and the rows; keeps the cursor on `keep` (else on
    /// the record it was on).
    pub(crate) fn rebuild_queue(&mut self, keep: Option<usize>) {
        let keep = keep.or_else(|| self.current_index());
        let mut queue = stats::eligible(&self.project, &self.reviewer, self.stage);
        order::arrange(&self.project, &mut queue, self.order, self.seed);
        let mut counts = Counts::default();
        for &i in &queue {
            counts.add(self.states[i].verdict.as_ref(), 1);
        }
        self.counts = counts;
        let mut queue_pos = vec![u32::MAX; self.project.records.len()];
        for (p, &i) in queue.iter().enumerate() {
            queue_pos[i] = u32::try_from(p).unwrap_or(u32::MAX);
        }
        self.queue_pos = queue_pos;
        self.queue = queue;
        self.refilter(keep);
    }

    /// Recomputes `rows` from the queue and filters, keeping the cursor on
    /// `keep` when it is still shown, else at the same row number.
    pub(crate) fn refilter(&mut self, keep: Option<usize>) {
        if self.filters.is_empty() {
            self.rows.clone_from(&self.queue);
        } else {
            self.prepare_matching();
            let rows: Vec<usize> = self
                .queue
                .iter()
                .copied()
                .filter(|&i| self.passes_filters(i))
                .collect();
            self.rows = rows;
        }
        let at = keep.and_then(|k| self.rows.iter().position(|&i| i == k));
        self.cursor = at
            .unwrap_or(self.cursor)
            .min(self.rows.len().saturating_sub(1));
        self.scroll = 0;
        self.keep_cursor_visible();
    }

    /// Computes once per query which records the `Matching` filter lets
    /// through.
    fn prepare_matching(&mut self) {
        let Some(Filter::Matching(q)) = self
            .filters
            .iter()
            .find(|f| matches!(f, Filter::Matching(_)))
        else {
            return;
        };
        if self.matching.as_ref().is_some_and(|(mq, _)| mq == q) {
            return;
        }
        let q = q.clone();
        let finder = Finder::new(&q);
        self.ensure_index();
        let index = &self.search_index;
        let set: Vec<bool> = (0..self.project.records.len())
            .map(|i| finder.as_ref().is_none_or(|f| f.matches(index, i)))
            .collect();
        self.matching = Some((q, set));
    }

    fn passes_filters(&self, i: usize) -> bool {
        let r = &self.project.records[i];
        let s = &self.states[i];
        let batch = self.batch_of(i);
        let matching = self.matching.as_ref().map(|(_, m)| m);
        self.filters.iter().all(|f| match f {
            Filter::Matching(_) => matching.is_none_or(|m| m.get(i).copied().unwrap_or(false)),
            _ => f.passes(r, s, batch, self.has_duplicates[i]),
        })
    }

    /// After record `i` changed: takes it out of the rows or puts it back in
    /// its place, without refiltering the whole queue. The cursor stays on
    /// its record; if that record left, the next one takes its row.
    fn update_row(&mut self, i: usize) {
        let pos = self.rows.iter().position(|&r| r == i);
        match (pos, self.passes_filters(i)) {
            (Some(p), false) => {
                self.rows.remove(p);
                if p < self.cursor {
                    self.cursor -= 1;
                }
            }
            (None, true) => {
                let Some(&qp) = self.queue_pos.get(i) else {
                    return;
                };
                if qp == u32::MAX {
                    return;
                }
                let at = self
                    .rows
                    .partition_point(|&r| self.queue_pos.get(r).copied().unwrap_or(u32::MAX) < qp);
                self.rows.insert(at, i);
                if at <= self.cursor && self.rows.len() > 1 {
                    self.cursor += 1;
                }
            }
            _ => {}
        }
        self.cursor = self.cursor.min(self.rows.len().saturating_sub(1));
        self.keep_cursor_visible();
    }

    pub(crate) fn add_filter(&mut self, f: Filter) {
        let label = f.describe(&self.project);
        filter::add(&mut self.filters, f);
        self.refilter(None);
        self.flash = Some(format!(
            "Filter: {label} · {} of {} records shown",
            crate::human::fmt_n(self.rows.len()),
            crate::human::fmt_n(self.queue.len())
        ));
        if self.view == View::List {
            self.cursor = 0;
            self.list_offset = 0;
        }
    }

    /// Moves the cursor to a row.
    pub(crate) fn go_to(&mut self, row: usize) {
        self.cursor = row.min(self.rows.len().saturating_sub(1));
        self.scroll = 0;
        self.keep_cursor_visible();
    }

    /// Keeps the list's cursor row on screen.
    pub(crate) fn keep_cursor_visible(&mut self) {
        let h = usize::from(view::list_rows_visible(self.height)).max(1);
        if self.cursor < self.list_offset {
            self.list_offset = self.cursor;
        } else if self.cursor >= self.list_offset + h {
            self.list_offset = self.cursor + 1 - h;
        }
    }

    // ----- events ---------------------------------------------------------

    pub fn step(&mut self, event: Event) -> Vec<Effect> {
        match event {
            Event::Resize { width, height } => {
                self.width = width;
                self.height = height;
                self.clamp_scroll();
                self.keep_cursor_visible();
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
            Event::Tick => {
                self.tick();
                Vec::new()
            }
            Event::Notice(msg) => {
                self.flash = Some(msg);
                Vec::new()
            }
            Event::Wheel { down } => {
                self.wheel(down);
                Vec::new()
            }
            Event::Key(key) => {
                if let Some(t) = rate::seconds(&self.now()) {
                    self.rate.start(t);
                }
                self.flash = None;
                let armed = std::mem::take(&mut self.quit_armed);
                let mode = self.mode();
                self.pending_keys.push(key);
                match self.keymap.lookup(mode, &self.pending_keys) {
                    Lookup::Prefix => Vec::new(),
                    Lookup::Action(action) => {
                        self.pending_keys.clear();
                        self.quit_armed = armed && action == Action::Quit;
                        self.act(action)
                    }
                    Lookup::Unbound => {
                        let keys = std::mem::take(&mut self.pending_keys);
                        if mode.is_text() && keys.len() == 1 {
                            self.edit_text(keys[0]);
                        } else if matches!(mode, Mode::Screening | Mode::List) {
                            let seq = crate::keys::format_seq(&keys);
                            let help = self
                                .keymap
                                .key_for(mode, Action::Help)
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

    fn wheel(&mut self, down: bool) {
        let d: i32 = if down { 3 } else { -3 };
        match self.overlays.last_mut() {
            Some(Overlay::Help { scroll }) => {
                *scroll = if down {
                    scroll.saturating_add(3)
                } else {
                    scroll.saturating_sub(3)
                };
                self.clamp_help_scroll();
            }
            Some(Overlay::Menu(m)) => {
                m.selected = step_index(m.selected, d.signum(), m.items.len());
            }
            Some(_) => {}
            None => match self.view {
                View::Record => {
                    self.scroll_by(d);
                }
                View::List => {
                    let row = (self.cursor as i64 + i64::from(d)).max(0) as usize;
                    self.go_to(row);
                }
                View::Duplicates => {
                    self.dup.scroll = if down {
                        self.dup.scroll.saturating_add(3)
                    } else {
                        self.dup.scroll.saturating_sub(3)
                    };
                }
            },
        }
    }

    fn act(&mut self, action: Action) -> Vec<Effect> {
        if action == Action::Quit && !matches!(self.mode(), Mode::Help | Mode::Menu) {
            return self.quit();
        }
        match self.mode() {
            Mode::Screening | Mode::List => self.act_view(action),
            Mode::ReasonPicker => self.act_picker(action),
            Mode::Help => self.act_help(action),
            Mode::Search => self.act_search(action),
            Mode::Input => self.act_input(action),
            Mode::Menu => self.act_menu(action),
            Mode::Confirm => self.act_confirm(action),
            Mode::Terms | Mode::Reasons | Mode::CriteriaEditor => self.act_editor(action),
            Mode::Duplicates => self.act_duplicates(action),
        }
    }

    fn quit(&mut self) -> Vec<Effect> {
        if self.unsaved > 0 && !self.quit_armed {
            self.quit_armed = true;
            self.flash = Some(format!(
                "{} change(s) are not on disk yet; quit again to leave without them",
                self.unsaved
            ));
            return Vec::new();
        }
        vec![Effect::Quit]
    }

    fn act_help(&mut self, action: Action) -> Vec<Effect> {
        let page = view::help_area_height(self.height).saturating_sub(1).max(1);
        if let Some(Overlay::Help { scroll }) = self.overlays.last_mut() {
            match action {
                Action::Close | Action::Quit => {
                    self.overlays.pop();
                }
                Action::ScrollDown => *scroll = scroll.saturating_add(1),
                Action::ScrollUp => *scroll = scroll.saturating_sub(1),
                Action::PageDown => *scroll = scroll.saturating_add(page),
                Action::PageUp => *scroll = scroll.saturating_sub(page),
                _ => {}
            }
        }
        self.clamp_help_scroll();
        Vec::new()
    }

    /// Actions of the record view and the list.
    fn act_view(&mut self, action: Action) -> Vec<Effect> {
        let list = self.view == View::List;
        if self.queue.is_empty()
            && !matches!(
                action,
                Action::Help
                    | Action::EditTerms
                    | Action::EditReasons
                    | Action::EditCriteria
                    | Action::Criteria
                    | Action::List
                    | Action::Close
            )
        {
            return Vec::new();
        }
        if self.rows.is_empty()
            && matches!(
                action,
                Action::Include
                    | Action::Exclude
                    | Action::ExcludeWith(_)
                    | Action::Maybe
                    | Action::NotRetrieved
                    | Action::Note
                    | Action::Tags
                    | Action::Open
            )
        {
            let clear = self.key_hint(self.mode(), Action::ClearFilters);
            self.flash = Some(format!("No record is shown: {clear} clears the filters"));
            return Vec::new();
        }
        match action {
            Action::Include => self.decide_current(Verdict::Include),
            Action::Maybe => self.decide_current(Verdict::Maybe),
            Action::NotRetrieved => {
                if self.stage == Stage::FullText {
                    self.decide_current(Verdict::NotRetrieved)
                } else {
                    self.flash = Some(
                        "\"Report not retrieved\" is for the full-text stage (--stage full-text)"
                            .into(),
                    );
                    Vec::new()
                }
            }
            Action::Exclude => {
                let selected = match self
                    .current_index()
                    .and_then(|i| self.states[i].verdict.as_ref())
                {
                    Some(Verdict::Exclude(reasons)) => reasons.clone(),
                    _ => Vec::new(),
                };
                self.overlays.push(Overlay::Reasons(Picker {
                    selected,
                    bulk: false,
                }));
                Vec::new()
            }
            Action::ExcludeWith(n) => {
                let id = self
                    .picker_reasons()
                    .get(usize::from(n).wrapping_sub(1))
                    .map(|r| r.id.clone());
                match id {
                    Some(id) => self.decide_current(Verdict::Exclude(vec![id])),
                    None => {
                        self.flash = Some(format!("There is no reason {n}"));
                        Vec::new()
                    }
                }
            }
            Action::Undo => self.undo(),
            Action::Redo => self.redo(),
            Action::Note => {
                if let Some(i) = self.current_index() {
                    let note = self.states[i].note.clone();
                    self.open_input(
                        "Note on this record",
                        "enter saves · esc cancels · an empty note removes it",
                        &note,
                        Purpose::Note(i),
                    );
                }
                Vec::new()
            }
            Action::Tags => {
                if let Some(i) = self.current_index() {
                    let tags = self.states[i].tags.join(", ");
                    let known = self.known_tags().join(", ");
                    let hint = if known.is_empty() {
                        "comma-separated, e.g. check later, RCT".to_string()
                    } else {
                        format!("comma-separated · in use: {known}")
                    };
                    self.open_input("Tags of this record", &hint, &tags, Purpose::Tags(i));
                }
                Vec::new()
            }
            Action::Next => {
                if self.cursor + 1 < self.rows.len() {
                    self.go_to(self.cursor + 1);
                } else {
                    self.flash = Some(self.end_of_rows_message());
                }
                Vec::new()
            }
            Action::Previous => {
                if self.cursor > 0 {
                    self.go_to(self.cursor - 1);
                } else {
                    self.flash = Some("This is the first record".into());
                }
                Vec::new()
            }
            Action::FirstUndecided => {
                match self.first_undecided() {
                    Some(p) => self.go_to(p),
                    None => self.flash = Some("Every record shown is decided".into()),
                }
                Vec::new()
            }
            Action::ScrollDown if list => self.move_rows(1),
            Action::ScrollUp if list => self.move_rows(-1),
            Action::PageDown if list => self.move_rows(i64::from(self.list_page())),
            Action::PageUp if list => self.move_rows(-i64::from(self.list_page())),
            Action::Top => {
                self.go_to(0);
                Vec::new()
            }
            Action::Bottom => {
                self.go_to(self.rows.len().saturating_sub(1));
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
            Action::Jump => {
                self.open_input(
                    "Go to record",
                    "a row number, or a record key or DOI",
                    "",
                    Purpose::Jump,
                );
                Vec::new()
            }
            Action::Search => {
                let previous = self.search.clone();
                let query = previous.as_ref().map(|f| f.query().to_string());
                self.overlays.push(Overlay::Search(Box::new(SearchBox {
                    editor: LineEditor::new(""),
                    origin: self.cursor,
                    scanned: None,
                    previous,
                })));
                if let Some(q) = query {
                    self.flash = Some(format!("Last search: {q}"));
                }
                Vec::new()
            }
            Action::NextMatch => {
                self.jump_match(true);
                Vec::new()
            }
            Action::PreviousMatch => {
                self.jump_match(false);
                Vec::new()
            }
            Action::List | Action::Close => {
                self.view = if list { View::Record } else { View::List };
                self.scroll = 0;
                if !list {
                    // The record just read sits mid-screen, with its
                    // neighbours around it.
                    let h = usize::from(view::list_rows_visible(self.height));
                    let max = self.rows.len().saturating_sub(h);
                    self.list_offset = self.cursor.saturating_sub(h / 2).min(max);
                }
                self.keep_cursor_visible();
                Vec::new()
            }
            Action::OpenRecord => {
                self.view = View::Record;
                self.scroll = 0;
                Vec::new()
            }
            Action::Criteria => {
                self.show_criteria = !self.show_criteria;
                if self.show_criteria && self.project.criteria.trim().is_empty() {
                    let edit = self.key_hint(self.mode(), Action::EditCriteria);
                    self.flash = Some(format!("No criteria written yet: {edit} edits them"));
                }
                self.clamp_scroll();
                Vec::new()
            }
            Action::Duplicates => {
                self.open_duplicates();
                Vec::new()
            }
            Action::Open => match self.current() {
                Some(r) => {
                    let t = open::target(r);
                    if t.is_empty() {
                        self.flash =
                            Some("Nothing to open: the record has no PDF, DOI or URL".into());
                        Vec::new()
                    } else {
                        vec![Effect::Open(t)]
                    }
                }
                None => Vec::new(),
            },
            Action::CycleOrder => {
                self.order = self.order.next();
                self.rebuild_queue(None);
                self.flash = Some(match self.order {
                    QueueOrder::Random => format!("Order: random (seed {})", self.seed),
                    o => format!("Order: {}", o.label()),
                });
                Vec::new()
            }
            Action::Filter => {
                self.open_filter_menu();
                Vec::new()
            }
            Action::ClearFilters => {
                if self.filters.is_empty() {
                    self.flash = Some("No filter is on".into());
                } else {
                    self.filters.clear();
                    self.refilter(None);
                    self.flash = Some(format!(
                        "Filters cleared: all {} records",
                        crate::human::fmt_n(self.rows.len())
                    ));
                }
                Vec::new()
            }
            Action::BulkExclude => {
                self.start_bulk();
                Vec::new()
            }
            Action::EditTerms => {
                self.overlays.push(Overlay::Terms(ListEdit::default()));
                Vec::new()
            }
            Action::EditReasons => {
                let list = usize::from(self.stage == Stage::FullText);
                self.overlays
                    .push(Overlay::ReasonsEditor(ListEdit { list, selected: 0 }));
                Vec::new()
            }
            Action::EditCriteria => {
                self.overlays.push(Overlay::Criteria(ListEdit::default()));
                Vec::new()
            }
            Action::Help => {
                self.overlays.push(Overlay::Help { scroll: 0 });
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    fn list_page(&self) -> u16 {
        view::list_rows_visible(self.height)
            .saturating_sub(1)
            .max(1)
    }

    fn move_rows(&mut self, delta: i64) -> Vec<Effect> {
        let row = (self.cursor as i64 + delta).max(0) as usize;
        self.go_to(row);
        Vec::new()
    }

    fn end_of_rows_message(&self) -> String {
        let left = self
            .rows
            .iter()
            .filter(|&&i| self.states[i].verdict.is_none())
            .count();
        if left == 0 {
            format!(
                "End of the list: all {} records shown are decided",
                crate::human::fmt_n(self.rows.len())
            )
        } else {
            let key = self
                .keymap
                .key_for(self.mode(), Action::FirstUndecided)
                .map(|k| format!(" ({k} goes to the first)"))
                .unwrap_or_default();
            format!(
                "End of the list: {} still undecided{key}",
                crate::human::fmt_n(left)
            )
        }
    }

    fn body_height(&self) -> u16 {
        view::body_area_height(self.height)
    }

    pub(crate) fn scroll_by(&mut self, delta: i32) -> Vec<Effect> {
        let next = (i32::from(self.scroll) + delta).max(0);
        self.scroll = u16::try_from(next).unwrap_or(u16::MAX);
        self.clamp_scroll();
        Vec::new()
    }

    pub(crate) fn clamp_scroll(&mut self) {
        let total = view::record_line_count(self, self.width);
        let visible = usize::from(view::record_area(self).height);
        let max = total.saturating_sub(visible);
        self.scroll = self.scroll.min(u16::try_from(max).unwrap_or(u16::MAX));
    }

    fn clamp_help_scroll(&mut self) {
        let total = view::help_line_count(self);
        let visible = usize::from(view::help_area_height(self.height));
        let max = u16::try_from(total.saturating_sub(visible)).unwrap_or(u16::MAX);
        if let Some(Overlay::Help { scroll }) = self.overlays.last_mut() {
            *scroll = (*scroll).min(max);
        }
    }

    // ----- the reason picker ----------------------------------------------

    fn act_picker(&mut self, action: Action) -> Vec<Effect> {
        let ids: Vec<String> = self.picker_reasons().iter().map(|r| r.id.clone()).collect();
        let needs_reason = self.project.settings.exclusion_needs_reason;
        let Some(Overlay::Reasons(picker)) = self.overlays.last_mut() else {
            return Vec::new();
        };
        match action {
            Action::ToggleReason(n) => {
                if let Some(id) = ids.get(usize::from(n).wrapping_sub(1)) {
                    if let Some(at) = picker.selected.iter().position(|s| s == id) {
                        picker.selected.remove(at);
                    } else {
                        picker.selected.push(id.clone());
                    }
                }
                Vec::new()
            }
            Action::AddReason => {
                let stage = self.stage;
                self.open_input(
                    "New exclusion reason",
                    "its name; it is added to the project's list and ticked",
                    "",
                    Purpose::NewReason { stage, tick: true },
                );
                Vec::new()
            }
            Action::Confirm => {
                if picker.selected.is_empty() && needs_reason {
                    self.flash =
                        Some("Pick at least one reason (number keys), or esc to cancel".into());
                    return Vec::new();
                }
                // Reasons in the order of the list, not the order ticked.
                let mut reasons = std::mem::take(&mut picker.selected);
                reasons.sort_by_key(|id| ids.iter().position(|o| o == id));
                let bulk = picker.bulk;
                self.overlays.pop();
                if bulk {
                    self.confirm_bulk(Verdict::Exclude(reasons));
                    Vec::new()
                } else {
                    self.decide_current(Verdict::Exclude(reasons))
                }
            }
            Action::Cancel => {
                self.overlays.pop();
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    // ----- decisions, notes, undo ----------------------------------------

    /// Decides the record under the cursor. In the record view the next
    /// record follows; in the list the cursor stays (on the next row if
    /// the decided one left the filtered list).
    fn decide_current(&mut self, verdict: Verdict) -> Vec<Effect> {
        let Some(index) = self.current_index() else {
            return Vec::new();
        };
        let before = self.states[index].clone();
        let after = RecordState {
            verdict: Some(verdict.clone()),
            rule: None,
            ..before.clone()
        };
        let label = format!("{} record {}", verdict_word(&verdict), self.cursor + 1);
        let effects = self.apply_step(
            Step {
                label,
                records: vec![(index, before, after)],
            },
            true,
        );
        if let Some(t) = rate::seconds(&self.now()) {
            self.rate.decided(t);
        }
        let still_here = self.rows.get(self.cursor) == Some(&index);
        if self.view == View::Record && still_here {
            if self.cursor + 1 < self.rows.len() {
                self.go_to(self.cursor + 1);
            } else {
                self.flash = Some(self.end_of_rows_message());
            }
        } else if self.view == View::Record && self.cursor >= self.rows.len() {
            self.flash = Some(self.end_of_rows_message());
        }
        effects
    }

    /// Records a new note or tags on a record (journaled like a decision,
    /// with the verdict unchanged).
    pub(crate) fn annotate(
        &mut self,
        index: usize,
        note: Option<String>,
        tags: Option<Vec<String>>,
    ) -> Vec<Effect> {
        let before = self.states[index].clone();
        let mut after = before.clone();
        if let Some(n) = note {
            after.note = n;
        }
        if let Some(t) = tags {
            after.tags = t;
        }
        if after == before {
            return Vec::new();
        }
        let what = if after.note != before.note {
            "note"
        } else {
            "tags"
        };
        self.apply_step(
            Step {
                label: format!("{what} of record {}", self.cursor + 1),
                records: vec![(index, before, after)],
            },
            true,
        )
    }

    /// Applies a step forward (its `after` states) and, when `new`, puts it
    /// on the undo stack.
    pub(crate) fn apply_step(&mut self, step: Step, new: bool) -> Vec<Effect> {
        let states: Vec<(usize, RecordState)> = step
            .records
            .iter()
            .map(|(i, _, after)| (*i, after.clone()))
            .collect();
        let effect = self.set_states(&states);
        if new {
            self.history.push(step);
        }
        vec![effect]
    }

    /// Puts records into the given states in memory and returns the one
    /// change that saves them all.
    fn set_states(&mut self, states: &[(usize, RecordState)]) -> Effect {
        let at = self.now();
        let mut decisions = Vec::with_capacity(states.len());
        for (index, state) in states {
            let old = std::mem::replace(&mut self.states[*index], state.clone());
            self.counts.add(old.verdict.as_ref(), -1);
            self.counts.add(state.verdict.as_ref(), 1);
            decisions.push(Decision {
                record: self.project.records[*index].key.clone(),
                reviewer: self.reviewer.clone(),
                stage: self.stage,
                verdict: state.verdict.clone().unwrap_or(Verdict::Cleared),
                note: state.note.clone(),
                tags: state.tags.clone(),
                at: at.clone(),
                rule: state.rule.clone(),
            });
        }
        let change = if decisions.len() == 1 {
            Change::Decide(decisions.remove(0))
        } else {
            Change::DecideMany(decisions)
        };
        self.project.apply(&change);
        self.unsaved += 1;
        if !self.filters.is_empty() {
            // A few records: move just those; a bulk action: refilter.
            if states.len() <= 64 {
                for (index, _) in states {
                    self.update_row(*index);
                }
            } else {
                let keep = self.current_index();
                self.refilter(keep);
            }
        }
        Effect::Persist(change)
    }

    fn undo(&mut self) -> Vec<Effect> {
        let Some(step) = self.history.undo().cloned() else {
            self.flash = Some("Nothing to undo".into());
            return Vec::new();
        };
        let states: Vec<(usize, RecordState)> = step
            .records
            .iter()
            .map(|(i, before, _)| (*i, before.clone()))
            .collect();
        let effect = self.set_states(&states);
        let annotation = step.label.starts_with("note") || step.label.starts_with("tags");
        self.flash = Some(match &step.records[..] {
            [(_, before, _)] if !annotation => match &before.verdict {
                None => "Undone: the record is undecided again".into(),
                Some(v) => format!("Undone: back to {}", verdict_word(v)),
            },
            _ => format!("Undone: {}", step.label),
        });
        self.return_to(step.records[0].0);
        vec![effect]
    }

    fn redo(&mut self) -> Vec<Effect> {
        let Some(step) = self.history.redo().cloned() else {
            self.flash = Some("Nothing to redo".into());
            return Vec::new();
        };
        let effects = self.apply_step(step.clone(), false);
        self.flash = Some(format!("Redone: {}", step.label));
        self.return_to(step.records[0].0);
        effects
    }

    /// Shows a record after undo/redo, saying so if a filter hides it.
    fn return_to(&mut self, index: usize) {
        match self.rows.iter().position(|&i| i == index) {
            Some(row) => self.go_to(row),
            None => {
                if let Some(f) = self.flash.as_mut() {
                    f.push_str(" (the record is hidden by the filter)");
                }
            }
        }
    }

    /// Tags this reviewer uses, sorted.
    pub fn known_tags(&self) -> Vec<String> {
        let mut tags: Vec<String> = self
            .queue
            .iter()
            .flat_map(|&i| self.states[i].tags.iter().cloned())
            .collect();
        tags.sort();
        tags.dedup();
        tags
    }

    // ----- search -----------------------------------------------------------

    fn act_search(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Confirm => {
                // A scan still under way finishes first: enter means "here".
                if self.scan.as_ref().is_some_and(|s| s.typing.is_some()) {
                    self.run_scan(usize::MAX);
                }
                if let Some(Overlay::Search(sb)) = self.overlays.pop() {
                    // An empty search clears the highlighting of the last.
                    self.search = Finder::new(sb.editor.text());
                    if self.search.is_none() && sb.previous.is_some() {
                        self.flash = Some("Search cleared".into());
                    }
                }
            }
            Action::Cancel => {
                self.scan = None;
                if let Some(Overlay::Search(sb)) = self.overlays.pop() {
                    self.search = sb.previous;
                    self.go_to(sb.origin);
                }
            }
            Action::NextMatch | Action::PreviousMatch => {
                if let Some(Overlay::Search(sb)) = self.overlays.last() {
                    self.search = Finder::new(sb.editor.text());
                }
                self.jump_match(action == Action::NextMatch);
            }
            _ => {}
        }
        Vec::new()
    }

    fn edit_text(&mut self, key: Key) {
        let edited = match self.overlays.last_mut() {
            Some(Overlay::Input(ib)) => {
                ib.editor.key(key);
                false
            }
            Some(Overlay::Search(sb)) => sb.editor.key(key),
            _ => false,
        };
        // Only the search reacts to each key typed.
        if edited {
            self.incremental_search();
        }
    }

    /// Whether work is left for `Event::Tick`s (the search index being
    /// built, a search under way); the loop sends ticks while no key waits.
    pub fn busy(&self) -> bool {
        self.scan.is_some() || self.search_index.built() < self.project.records.len()
    }

    /// Background work in slices small enough for a frame each.
    fn tick(&mut self) {
        if self.scan.is_some() {
            self.run_scan(SCAN_CHUNK);
        } else {
            // At most INDEX_CHUNK records, and fewer when they are long:
            // a key that arrives meanwhile waits for the slice to end.
            let until = std::time::Instant::now() + INDEX_SLICE;
            for _ in 0..INDEX_CHUNK / INDEX_STEP {
                let done = self.search_index.extend(&self.project.records, INDEX_STEP);
                if done || std::time::Instant::now() >= until {
                    break;
                }
            }
        }
    }

    /// The search index, finished now if the ticks have not finished it.
    fn ensure_index(&mut self) {
        let n = self.project.records.len();
        self.search_index.extend(&self.project.records, n);
    }

    /// While typing: the first match at or after where the search began.
    fn incremental_search(&mut self) {
        let Some(Overlay::Search(sb)) = self.overlays.last() else {
            return;
        };
        let query = sb.editor.text().to_string();
        let origin = sb.origin;
        self.scan = None;
        let Some(finder) = Finder::new(&query) else {
            self.search = None;
            self.go_to(origin);
            return;
        };
        // A longer query matches only where the shorter one did.
        let from = match &sb.scanned {
            Some((q, found)) if query.to_lowercase().starts_with(&q.to_lowercase()) => *found,
            _ => Some(0),
        };
        self.search = Some(finder.clone());
        match from {
            None => self.scan_done(
                Scan {
                    finder,
                    origin,
                    next: 0,
                    end: 0,
                    rows: self.rows.len(),
                    forward: true,
                    typing: Some(query),
                },
                None,
            ),
            Some(from) => {
                self.scan = Some(Scan {
                    finder,
                    origin,
                    next: from,
                    end: self.rows.len(),
                    rows: self.rows.len(),
                    forward: true,
                    typing: Some(query),
                });
                self.run_scan(SCAN_CHUNK);
            }
        }
    }

    /// `n` / `N`: the next or previous record (wrapping) that matches.
    fn jump_match(&mut self, forward: bool) {
        let Some(finder) = self.search.clone() else {
            let search = self.key_hint(Mode::Screening, Action::Search);
            self.flash = Some(format!("No search yet: {search} starts one"));
            return;
        };
        let n = self.rows.len();
        if n == 0 {
            return;
        }
        self.scan = Some(Scan {
            finder,
            origin: self.cursor,
            next: 1,
            end: n + 1,
            rows: n,
            forward,
            typing: None,
        });
        self.run_scan(SCAN_CHUNK);
    }

    /// Checks up to `budget` more rows of the scan under way.
    fn run_scan(&mut self, budget: usize) {
        self.ensure_index();
        let Some(mut scan) = self.scan.take() else {
            return;
        };
        let n = self.rows.len();
        if n == 0 || scan.rows != n {
            // The rows changed under the scan (a decision, a filter).
            return;
        }
        let stop = scan.next.saturating_add(budget).min(scan.end);
        let (index, rows) = (&self.search_index, &self.rows);
        let found = (scan.next..stop).find(|&d| scan.finder.matches(index, rows[scan.row(d, n)]));
        match found {
            Some(d) => self.scan_done(scan, Some(d)),
            None if stop >= scan.end => self.scan_done(scan, None),
            None => {
                scan.next = stop;
                self.scan = Some(scan);
            }
        }
    }

    fn scan_done(&mut self, scan: Scan, found: Option<usize>) {
        let n = self.rows.len().max(1);
        if let Some(query) = &scan.typing {
            if let Some(Overlay::Search(sb)) = self.overlays.last_mut() {
                sb.scanned = Some((query.clone(), found));
            }
            match found {
                Some(d) => self.go_to(scan.row(d, n)),
                None => {
                    self.go_to(scan.origin);
                    self.flash = Some(format!("No record shown matches \"{query}\""));
                }
            }
            return;
        }
        match found {
            Some(d) => {
                let row = scan.row(d, n);
                let wrapped = if scan.forward {
                    row <= scan.origin
                } else {
                    row >= scan.origin
                };
                self.go_to(row);
                if wrapped && n > 1 {
                    self.flash = Some(format!(
                        "\"{}\": search wrapped around",
                        scan.finder.query()
                    ));
                }
            }
            None => {
                self.flash = Some(format!(
                    "No record shown matches \"{}\"",
                    scan.finder.query()
                ));
            }
        }
    }

    /// How far a search under way has got, for the footer: `(done, of)`.
    pub fn scan_progress(&self) -> Option<(usize, usize)> {
        self.scan.as_ref().map(|s| (s.next, s.end))
    }

    pub(crate) fn open_input(&mut self, title: &str, hint: &str, text: &str, purpose: Purpose) {
        self.overlays.push(Overlay::Input(InputBox {
            title: title.to_string(),
            hint: hint.to_string(),
            editor: LineEditor::new(text),
            purpose,
        }));
    }
}

/// Moves an index by `delta` within `0..len`, stopping at the ends.
pub(crate) fn step_index(i: usize, delta: i32, len: usize) -> usize {
    if len == 0 {
        return 0;
    }
    (i as i64 + i64::from(delta)).clamp(0, len as i64 - 1) as usize
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
