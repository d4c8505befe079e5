//! One reviewer screening one stage: the queue (every record to screen,
//! in the chosen order), the rows the filters let through, where the
//! reviewer is in them, this reviewer's state of each record, the counts
//! per verdict and the undo history. Blind: only this reviewer's entries at
//! this stage are read, and nothing else here reads `project.decisions`.
//!
//! Every change to a record goes through [`Screening::record`], which
//! returns the one `Change` that saves it; the caller persists it.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::filter::{self, Filter};
use super::history::{self, Entry, History, RecordState, Step};
use super::order::{self, QueueOrder};
use super::relevance::{self, RankSetup, Relevance};
use super::search::{Finder, SearchIndex};
use crate::dedup::{self, Completed};
use crate::project::{Change, Decision, Project, Reason, Stage, Verdict};
use crate::record::Record;
use crate::stats;

/// Record index by key. Keys are content hashes already, and nobody
/// chooses them to collide, so a fast hash serves (SipHash's defence
/// against crafted keys costs time at every opening).
pub type KeyIndex = HashMap<String, usize, xxhash_rust::xxh3::Xxh3DefaultBuilder>;

/// Decided records per verdict in the queue, kept up to date per decision
/// so the screen's header costs nothing at a million records.
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

/// Where the reviewer is: a row, the stretch of rows a list shows around
/// it, and how far down the record on that row is scrolled. A list and a
/// record view over the same rows share it, so switching keeps the place.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cursor {
    row: usize,
    top: usize,
    window: usize,
    line: u16,
}

impl Cursor {
    /// The row (an index into the rows).
    pub fn row(&self) -> usize {
        self.row
    }

    /// The first row a list shows.
    pub fn top(&self) -> usize {
        self.top
    }

    /// The first line of the record shown; back to 0 when the cursor goes
    /// to a row or the rows are filtered again.
    pub fn line(&self) -> u16 {
        self.line
    }

    /// Keeps `row` within the `window` rows from `top`.
    fn follow(&mut self) {
        let h = self.window.max(1);
        if self.row < self.top {
            self.top = self.row;
        } else if self.row >= self.top + h {
            self.top = self.row + 1 - h;
        }
    }
}

/// One reviewer's screening of one stage of a project.
pub struct Screening {
    project: Project,
    reviewer: String,
    stage: Stage,
    order: QueueOrder,
    seed: u64,
    /// Indices into `project.records` of the records to screen, in order.
    queue: Vec<usize>,
    /// The records the queue is limited to (the conflicts a resolver
    /// walks), else every record eligible at the stage.
    only: Option<Vec<usize>>,
    /// Position of each record (by index) in the queue; `u32::MAX` if not
    /// in it.
    queue_pos: Vec<u32>,
    /// `queue` narrowed by `filters`.
    rows: Vec<usize>,
    cursor: Cursor,
    filters: Vec<Filter>,
    /// Which records match the `Matching` filter's query, by record index.
    matching: Option<(String, Vec<bool>)>,
    /// This reviewer's state of each record at this stage, by record index.
    states: Vec<RecordState>,
    key_index: KeyIndex,
    /// Whether other records are linked to this one as duplicates.
    has_duplicates: Vec<bool>,
    /// Per record, `stats::group_batches` of its group.
    group_batch: Vec<u32>,
    /// The list's titles of untitled records, by record index
    /// (`list_title`); emptied when a split changes the links.
    list_titles: std::sync::OnceLock<HashMap<usize, String>>,
    counts: Counts,
    /// Lowercased text of every record, built in slices (`index_more`).
    search_index: SearchIndex,
    history: History,
    /// Per record, its place in import order from 1 (`number_of`).
    number: Vec<u32>,
    /// The ranker, once relevance order or the stopping panel asked for it.
    relevance: Option<Relevance>,
    rank_setup: RankSetup,
}

impl Screening {
    /// Opens the queue at `stage` for `reviewer`, in import order, the
    /// cursor on the first undecided record.
    pub fn new(project: Project, reviewer: String, stage: Stage) -> Screening {
        let n = project.records.len();
        let mut key_index = KeyIndex::with_capacity_and_hasher(n, Default::default());
        key_index.extend(
            project
                .records
                .iter()
                .enumerate()
                .map(|(i, r)| (r.key.clone(), i)),
        );
        let number = import_numbers(&project);
        // The latest entry per duplicate group counts, `Cleared` ones
        // included (they carry notes on undecided records); on the way,
        // the undo history of earlier sessions.
        let entries: Vec<Entry> = project
            .entries(&reviewer, stage)
            .filter_map(|(key, d)| {
                let &index = key_index.get(key)?;
                let state = RecordState {
                    verdict: d.verdict.is_decided().then(|| d.verdict.clone()),
                    note: d.note.clone(),
                    tags: d.tags.clone(),
                    rule: d.rule.clone(),
                };
                Some(Entry {
                    index,
                    state,
                    at: d.at.clone(),
                })
            })
            .collect();
        let mut states = vec![RecordState::default(); n];
        let history = History::replay(&entries, &mut states, |records| {
            step_label(records, |i| number[i] as usize)
        });
        drop(entries);
        let mut has_duplicates = vec![false; n];
        for r in project.records.iter() {
            if let Some(&p) = r.duplicate_of.as_ref().and_then(|k| key_index.get(k)) {
                has_duplicates[p] = true;
            }
        }
        let group_batch = stats::group_batches(&project, |k| key_index.get(k).copied());
        let seed = order::seed_for(&reviewer);
        let mut s = Screening {
            project,
            reviewer,
            stage,
            order: QueueOrder::Import,
            seed,
            queue: Vec::new(),
            only: None,
            queue_pos: Vec::new(),
            rows: Vec::new(),
            cursor: Cursor::default(),
            filters: Vec::new(),
            matching: None,
            states,
            key_index,
            has_duplicates,
            group_batch,
            list_titles: std::sync::OnceLock::new(),
            counts: Counts::default(),
            search_index: SearchIndex::default(),
            history,
            number,
            relevance: None,
            rank_setup: RankSetup::default(),
        };
        s.rebuild_queue(None);
        s.go_to(s.first_undecided().unwrap_or(0));
        s
    }

    /// The same screening limited to the records with these keys (unknown
    /// keys are skipped), the cursor on the first undecided one.
    pub fn only(mut self, keys: &[&str]) -> Screening {
        let only = keys.iter().filter_map(|k| self.index_of(k)).collect();
        self.only = Some(only);
        self.rebuild_queue(None);
        self.go_to(self.first_undecided().unwrap_or(0));
        self
    }

    // ----- what it holds ----------------------------------------------------

    pub fn project(&self) -> &Project {
        &self.project
    }

    /// The project, leaving an empty one (for a release off the screen's
    /// thread at exit).
    pub fn take_project(&mut self) -> Project {
        std::mem::take(&mut self.project)
    }

    pub fn reviewer(&self) -> &str {
        &self.reviewer
    }

    pub fn stage(&self) -> Stage {
        self.stage
    }

    /// Records to screen at this stage (the whole queue, not the rows).
    pub fn queue(&self) -> &[usize] {
        &self.queue
    }

    /// Records shown: the queue narrowed by the filters.
    pub fn rows(&self) -> &[usize] {
        &self.rows
    }

    pub fn cursor(&self) -> Cursor {
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

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn history(&self) -> &History {
        &self.history
    }

    /// The record index under the cursor.
    pub fn current_index(&self) -> Option<usize> {
        self.rows.get(self.cursor.row).copied()
    }

    /// The record under the cursor.
    pub fn current(&self) -> Option<&Record> {
        self.current_index().map(|i| &self.project.records[i])
    }

    /// The record's number: its place in import order, from 1. Unlike the
    /// row number it does not change with filters or order.
    pub fn number_of(&self, index: usize) -> usize {
        self.number.get(index).map_or(0, |&n| n as usize)
    }

    /// The record with this number.
    pub fn with_number(&self, number: usize) -> Option<usize> {
        self.number.iter().position(|&n| n as usize == number)
    }

    /// The label of a step on these records, for the footer.
    pub fn step_label(&self, records: &[(usize, RecordState, RecordState)]) -> String {
        step_label(records, |i| self.number_of(i))
    }

    pub fn state(&self, index: usize) -> &RecordState {
        &self.states[index]
    }

    pub fn index_of(&self, key: &str) -> Option<usize> {
        self.key_index.get(key).copied()
    }

    pub fn verdict_of(&self, key: &str) -> Option<&Verdict> {
        self.states[self.index_of(key)?].verdict.as_ref()
    }

    /// The import batch a record's duplicate group first appeared in (a
    /// re-run copy of a paper screened months ago is not new).
    pub fn batch_of(&self, index: usize) -> u32 {
        self.group_batch.get(index).copied().unwrap_or(0)
    }

    /// The exclusion reasons offered at this stage, numbered from 1 in
    /// this order.
    pub fn reasons(&self) -> Vec<&Reason> {
        self.project.reasons_for(self.stage).collect()
    }

    pub fn first_undecided(&self) -> Option<usize> {
        self.rows
            .iter()
            .position(|&i| self.states[i].verdict.is_none())
    }

    /// The undecided records among the rows, in row order.
    pub fn undecided_rows(&self) -> Vec<usize> {
        self.rows
            .iter()
            .copied()
            .filter(|&i| self.states[i].verdict.is_none())
            .collect()
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

    /// Languages of the records in the queue with how many records give
    /// each.
    pub fn languages(&self) -> BTreeMap<String, usize> {
        let mut langs: BTreeMap<String, usize> = BTreeMap::new();
        for &i in &self.queue {
            if let Some(l) = filter::language(&self.project.records[i]) {
                *langs.entry(l.to_string()).or_default() += 1;
            }
        }
        langs
    }

    /// The rule a bulk action on the rows records: the filters described.
    pub fn rule(&self) -> String {
        filter::rule(&self.filters, &self.project)
    }

    /// A record in the queue by key, key prefix or DOI.
    pub fn find(&self, text: &str) -> Option<usize> {
        let doi = crate::text::normalize_doi(text);
        self.index_of(text).or_else(|| {
            self.queue.iter().copied().find(|&i| {
                let r = &self.project.records[i];
                r.key.starts_with(text)
                    || (doi.is_some() && crate::text::normalize_doi(&r.doi) == doi)
            })
        })
    }

    /// The records linked to record `index` as its copies, in key order
    /// (none when it is not a primary).
    pub fn copies(&self, index: usize) -> Vec<&Record> {
        self.copy_indices(index)
            .into_iter()
            .map(|i| &self.project.records[i])
            .collect()
    }

    /// Where [`Screening::copies`] are in the project's records.
    pub fn copy_indices(&self, index: usize) -> Vec<usize> {
        if !self.has_duplicates.get(index).copied().unwrap_or(false) {
            return Vec::new();
        }
        dedup::copy_indices(&self.project.records, &self.project.records[index])
    }

    /// Record `index` as the screen shows it, whole (its abstract read from
    /// disk when the project keeps it there): a title, DOI, PMID or
    /// abstract it lacks taken from a copy (`dedup::complete`).
    pub fn completed(&self, index: usize) -> Completed {
        self.completed_from(index, &self.copy_indices(index))
    }

    /// [`Screening::completed`] with its copies' places found already
    /// ([`Screening::copy_indices`]: a pass over every record).
    pub fn completed_from(&self, index: usize, copies: &[usize]) -> Completed {
        let records = &self.project.records;
        let copies: Vec<_> = copies.iter().map(|&i| records.shown(i)).collect();
        let copies: Vec<&Record> = copies.iter().map(|c| &**c).collect();
        dedup::complete(&records.shown(index), &copies)
    }

    /// The list's title of record `index`: its title; for an untitled
    /// primary, the title of its first titled copy in key order (as the
    /// record view shows it, `dedup::complete`); else a stand-in that tells
    /// it apart from the other untitled records
    /// (`abstracts::distinct_titles`). Computed once for all records when
    /// first asked, so a row costs a look-up.
    pub fn list_title(&self, index: usize) -> String {
        let titles = self.list_titles.get_or_init(|| {
            let records = &self.project.records;
            let untitled: Vec<usize> = (0..records.len())
                .filter(|&i| records[i].title.trim().is_empty())
                .collect();
            let mut borrowed: HashMap<&str, &Record> = HashMap::new();
            for r in records.iter().filter(|r| !r.title.trim().is_empty()) {
                if let Some(primary) = r.duplicate_of.as_deref() {
                    let best = borrowed.entry(primary).or_insert(r);
                    if r.key < best.key {
                        *best = r;
                    }
                }
            }
            let stand_ins: Vec<&Record> = untitled.iter().map(|&i| &records[i]).collect();
            untitled
                .iter()
                .zip(crate::abstracts::distinct_titles(&stand_ins))
                .map(
                    |(&i, stand_in)| match borrowed.get(records[i].key.as_str()) {
                        Some(copy) => (i, copy.display_title()),
                        None => (i, stand_in),
                    },
                )
                .collect()
        });
        match titles.get(&index) {
            Some(t) => t.clone(),
            None => self.project.records[index].display_title(),
        }
    }

    /// `(primary, duplicate)` record indices of the duplicate links no
    /// reviewer has confirmed or split yet, in import order.
    pub fn duplicate_pairs(&self) -> Vec<(usize, usize)> {
        let reviewed: HashSet<(&str, &str)> = self
            .project
            .duplicate_reviews
            .iter()
            .map(|d| (d.record.as_str(), d.of.as_str()))
            .collect();
        let mut pairs: Vec<(usize, usize)> = self
            .project
            .records
            .iter()
            .enumerate()
            .filter_map(|(d, r)| {
                let of = r.duplicate_of.as_deref()?;
                let &p = self.key_index.get(of)?;
                (!reviewed.contains(&(r.key.as_str(), of))).then_some((p, d))
            })
            .collect();
        pairs.sort_by_key(|&(p, d)| {
            (
                self.project.records[p].origin,
                self.project.records[d].origin,
            )
        });
        pairs
    }

    // ----- the cursor -----------------------------------------------------------

    /// Moves the cursor to a row (the last one if past it), at the top of
    /// its record.
    pub fn go_to(&mut self, row: usize) {
        self.cursor.row = row.min(self.rows.len().saturating_sub(1));
        self.cursor.line = 0;
        self.cursor.follow();
    }

    /// How many rows a list shows (the screen's height decides).
    pub fn set_window(&mut self, rows: usize) {
        self.cursor.window = rows;
        self.cursor.follow();
    }

    /// Puts the cursor's row mid-list, with its neighbours around it.
    pub fn center_window(&mut self) {
        let h = self.cursor.window;
        let max = self.rows.len().saturating_sub(h);
        self.cursor.top = self.cursor.row.saturating_sub(h / 2).min(max);
        self.cursor.line = 0;
        self.cursor.follow();
    }

    /// Scrolls the record on the cursor's row to `line` (the view clamps).
    pub fn set_line(&mut self, line: u16) {
        self.cursor.line = line;
    }

    // ----- queue, filters, rows ------------------------------------------------

    /// A new queue order (rebuilt at once, the cursor on the first
    /// undecided record).
    pub fn set_order(&mut self, order: QueueOrder) {
        self.order = order;
        if order == QueueOrder::Relevance {
            self.start_ranking();
            if let Some(r) = self.relevance.as_mut() {
                r.take_newest();
            }
        }
        self.rebuild_queue(None);
    }

    // ----- relevance ------------------------------------------------------------

    /// Where the ranker caches and whom it wakes (before it starts).
    pub fn set_rank_setup(&mut self, setup: RankSetup) {
        self.rank_setup = setup;
    }

    /// Starts the ranker for this reviewer at this stage, if not running.
    pub fn start_ranking(&mut self) {
        if self.relevance.is_none() {
            self.relevance = Some(Relevance::start(
                &self.project,
                &self.reviewer,
                self.stage,
                self.seed,
                &self.rank_setup,
            ));
        }
    }

    pub fn relevance(&self) -> Option<&Relevance> {
        self.relevance.as_ref()
    }

    /// The ranker published a ranking: take it for the panel (the queue
    /// waits for the reader to move). `true` if it was new.
    pub fn poll_ranking(&mut self) -> bool {
        self.relevance.as_mut().is_some_and(Relevance::poll)
    }

    /// Waits until the ranker has learned every decision (tests).
    #[cfg(any(test, feature = "testkit"))]
    pub fn settle_ranking(&mut self, timeout: std::time::Duration) {
        if let Some(r) = self.relevance.as_mut() {
            r.settle(timeout);
        }
    }

    /// In relevance order, puts the newest ranking in use and reorders the
    /// records after the cursor by it; the records up to the cursor stay
    /// where they are. Called when the reader moves on. With `whole` (the
    /// reader asked, and the cursor moves next) every undecided record is
    /// reordered, the decided ones first.
    pub fn rerank(&mut self, whole: bool) {
        if self.order != QueueOrder::Relevance {
            return;
        }
        let Some(ranking) = self.relevance.as_mut().and_then(Relevance::take_newest) else {
            return;
        };
        let keep = self
            .current_index()
            .filter(|_| !whole)
            .and_then(|i| self.queue_pos.get(i))
            .map_or(0, |&p| p as usize + 1);
        let states = &self.states;
        let queue = relevance::arrange(&self.queue, keep, &ranking.order, |i| {
            states[i].verdict.is_none()
        });
        self.set_queue(queue);
        let current = self.current_index();
        self.refilter(current);
    }

    fn set_queue(&mut self, queue: Vec<usize>) {
        let mut queue_pos = vec![u32::MAX; self.project.records.len()];
        for (p, &i) in queue.iter().enumerate() {
            queue_pos[i] = u32::try_from(p).unwrap_or(u32::MAX);
        }
        self.queue_pos = queue_pos;
        self.queue = queue;
    }

    /// The seed of the random order.
    pub fn set_seed(&mut self, seed: u64) {
        self.seed = seed;
    }

    /// Recomputes the queue (after a split, a settings change or a new
    /// order), the counts and the rows; keeps the cursor on `keep` (else on
    /// the record it was on).
    pub fn rebuild_queue(&mut self, keep: Option<usize>) {
        let keep = keep.or_else(|| self.current_index());
        if let Some(r) = self.relevance.as_mut() {
            r.follow(
                &self.project,
                &self.reviewer,
                self.stage,
                self.seed,
                &self.rank_setup,
            );
        }
        let mut queue = match &self.only {
            Some(only) => only.clone(),
            None => stats::eligible(&self.project, &self.reviewer, self.stage),
        };
        order::arrange(&self.project, &mut queue, self.order, self.seed);
        if let Some(ranking) = self
            .relevance
            .as_ref()
            .and_then(Relevance::in_use)
            .filter(|_| self.order == QueueOrder::Relevance)
        {
            let states = &self.states;
            queue = relevance::arrange(&queue, 0, &ranking.order, |i| states[i].verdict.is_none());
        }
        let mut counts = Counts::default();
        for &i in &queue {
            counts.add(self.states[i].verdict.as_ref(), 1);
        }
        self.counts = counts;
        self.set_queue(queue);
        self.refilter(keep);
    }

    /// Recomputes `rows` from the queue and filters, keeping the cursor on
    /// `keep` when it is still shown, else at the same row number.
    pub fn refilter(&mut self, keep: Option<usize>) {
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
        self.cursor.row = at
            .unwrap_or(self.cursor.row)
            .min(self.rows.len().saturating_sub(1));
        self.cursor.line = 0;
        self.cursor.follow();
    }

    /// Adds a filter (replacing one of its kind) and filters the rows.
    pub fn add_filter(&mut self, f: Filter) {
        filter::add(&mut self.filters, f);
        self.refilter(None);
    }

    /// Removes every filter, the cursor staying on its record; `false` if
    /// there was none.
    pub fn clear_filters(&mut self) -> bool {
        if self.filters.is_empty() {
            return false;
        }
        self.filters.clear();
        let keep = self.current_index();
        self.refilter(keep);
        true
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
        // On all cores: this runs at once, not in slices, and with the
        // abstracts read from disk a record takes about 1 µs.
        let all: Vec<usize> = (0..self.project.records.len()).collect();
        let set = crate::import::pieces::map(&all, |&i| {
            finder.as_ref().is_none_or(|f| f.matches(index, i))
        });
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
                if p < self.cursor.row {
                    self.cursor.row -= 1;
                }
            }
            (None, true) => {
                let Some(&qp) = self.queue_pos.get(i) else {
                    return;
                };
                if qp == u32::MAX {
                    return;
                }
                let queue_pos = &self.queue_pos;
                let at = self
                    .rows
                    .partition_point(|&r| queue_pos.get(r).copied().unwrap_or(u32::MAX) < qp);
                self.rows.insert(at, i);
                if at <= self.cursor.row && self.rows.len() > 1 {
                    self.cursor.row += 1;
                }
            }
            _ => {}
        }
        self.cursor.row = self.cursor.row.min(self.rows.len().saturating_sub(1));
        self.cursor.follow();
    }

    // ----- changes --------------------------------------------------------------

    /// Applies a project change that is not a decision (terms, reasons,
    /// criteria, settings, a duplicate review) in memory. The queue is the
    /// caller's to rebuild where the change affects it.
    pub fn apply(&mut self, change: &Change) {
        self.project.apply(change);
    }

    /// Puts records into the given states (stamped `at`) and returns the
    /// one change that saves them all.
    pub fn record(&mut self, states: &[(usize, RecordState)], at: &str) -> Change {
        let mut decisions = Vec::with_capacity(states.len());
        for (index, state) in states {
            let old = std::mem::replace(&mut self.states[*index], state.clone());
            if let Some(r) = &self.relevance {
                r.decided(*index, old.verdict.as_ref(), state.verdict.as_ref());
            }
            self.counts.add(old.verdict.as_ref(), -1);
            self.counts.add(state.verdict.as_ref(), 1);
            decisions.push(Decision {
                record: self.project.records[*index].key.clone(),
                reviewer: self.reviewer.clone(),
                stage: self.stage,
                verdict: state.verdict.clone().unwrap_or(Verdict::Cleared),
                note: state.note.clone(),
                tags: state.tags.clone(),
                at: at.to_string(),
                rule: state.rule.clone(),
            });
        }
        let change = if decisions.len() == 1 {
            Change::Decide(decisions.remove(0))
        } else {
            Change::DecideMany(decisions)
        };
        self.project.apply(&change);
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
        change
    }

    /// Applies a step forward (its `after` states) and, when `new`, puts it
    /// on the undo stack.
    pub fn apply_step(&mut self, step: Step, new: bool, at: &str) -> Change {
        let states: Vec<(usize, RecordState)> = step
            .records
            .iter()
            .map(|(i, _, after)| (*i, after.clone()))
            .collect();
        let change = self.record(&states, at);
        if new {
            self.history.push(step);
        }
        change
    }

    /// Takes back the last step: its records return to their `before`
    /// states. `None` when there is nothing to undo.
    pub fn undo(&mut self, at: &str) -> Option<(Step, Change)> {
        let step = self.history.undo().cloned()?;
        let states: Vec<(usize, RecordState)> = step
            .records
            .iter()
            .map(|(i, before, _)| (*i, before.clone()))
            .collect();
        let change = self.record(&states, at);
        Some((step, change))
    }

    /// Does the last undone step again.
    pub fn redo(&mut self, at: &str) -> Option<(Step, Change)> {
        let step = self.history.redo().cloned()?;
        let change = self.apply_step(step.clone(), false, at);
        Some((step, change))
    }

    /// After a duplicate link to `primary` was split: whether records are
    /// still linked to it, and the queue (the split record is screened
    /// now).
    pub fn split_done(&mut self, primary: usize) {
        let key = &self.project.records[primary].key;
        self.has_duplicates[primary] = self
            .project
            .records
            .iter()
            .any(|r| r.duplicate_of.as_deref() == Some(key));
        self.list_titles = std::sync::OnceLock::new();
        self.rebuild_queue(None);
    }

    // ----- the search index -------------------------------------------------------

    pub fn search_index(&self) -> &SearchIndex {
        &self.search_index
    }

    /// Whether every record is in the search index.
    pub fn indexed(&self) -> bool {
        self.search_index.built() >= self.project.records.len()
    }

    /// Adds up to `count` more records to the search index; `true` once all
    /// are in.
    pub fn index_more(&mut self, count: usize) -> bool {
        self.search_index
            .extend_records(&self.project.records, count)
    }

    /// The search index, finished now if the slices have not finished it.
    pub fn ensure_index(&mut self) {
        let n = self.project.records.len();
        self.search_index.extend_records(&self.project.records, n);
    }
}

/// Each record's place in import order (source, then position), from 1.
fn import_numbers(project: &Project) -> Vec<u32> {
    let mut order: Vec<usize> = (0..project.records.len()).collect();
    order.sort_by_key(|&i| project.records[i].origin);
    let mut number = vec![0; order.len()];
    for (n, &i) in order.iter().enumerate() {
        number[i] = u32::try_from(n + 1).unwrap_or(u32::MAX);
    }
    number
}

/// A step's label: one record by its number, or a bulk action by its rule.
fn step_label(
    records: &[(usize, RecordState, RecordState)],
    number: impl Fn(usize) -> usize,
) -> String {
    match records {
        [(i, before, after)] => history::label_one(number(*i), before, after),
        [(_, _, after), ..] => {
            let verdict = after.verdict.clone().unwrap_or(Verdict::Cleared);
            history::label_bulk(records.len(), &verdict, after.rule.as_deref().unwrap_or(""))
        }
        [] => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Origin;

    fn screening(n: usize) -> Screening {
        let mut p = Project::new();
        for i in 0..n {
            p.records.push(Record {
                key: format!("t:{i:02}"),
                origin: Origin {
                    source: 0,
                    position: i as u32 + 1,
                },
                title: format!("Record {i}"),
                doi: format!("10.1000/R{i}"),
                ..Record::default()
            });
        }
        Screening::new(p, "alice".into(), Stage::TitleAbstract)
    }

    fn decide(s: &mut Screening, verdict: Verdict) -> Change {
        let i = s.current_index().unwrap();
        let before = s.state(i).clone();
        let after = RecordState {
            verdict: Some(verdict),
            ..before.clone()
        };
        let step = Step {
            label: "test".into(),
            records: vec![(i, before, after)],
        };
        s.apply_step(step, true, "2026-01-01T00:00:00Z")
    }

    #[test]
    fn a_decision_leaves_a_filtered_list_and_undo_brings_it_back() {
        let mut s = screening(5);
        s.add_filter(Filter::Undecided);
        s.go_to(2);
        let change = decide(&mut s, Verdict::Include);
        let Change::Decide(d) = change else {
            panic!("one record, one Decide");
        };
        assert_eq!((d.record.as_str(), d.reviewer.as_str()), ("t:02", "alice"));
        assert_eq!(s.rows(), [0, 1, 3, 4], "the decided record left");
        assert_eq!(s.current_index(), Some(3), "the next one took its row");
        assert_eq!(s.counts().included, 1);
        assert_eq!(s.project().decisions.len(), 1, "applied to the project");
        let (_, change) = s.undo("2026-01-01T00:00:01Z").unwrap();
        let Change::Decide(d) = change else {
            panic!("an undo is journaled as a new entry");
        };
        assert_eq!(d.verdict, Verdict::Cleared);
        assert_eq!(s.rows(), [0, 1, 2, 3, 4], "back in its place");
        assert_eq!(s.current_index(), Some(3), "the cursor stays on its record");
        assert_eq!(s.counts().decided(), 0);
        assert!(s.undo("later").is_none(), "nothing more to undo");
        assert!(s.redo("later").is_some());
        assert_eq!(s.counts().included, 1);
    }

    #[test]
    fn clearing_the_filters_keeps_the_record_under_the_cursor() {
        let mut s = screening(10);
        for row in [0, 2, 3] {
            s.go_to(row);
            decide(&mut s, Verdict::Include);
        }
        s.add_filter(Filter::Undecided);
        assert_eq!(s.rows(), [1, 4, 5, 6, 7, 8, 9]);
        s.go_to(3);
        assert_eq!(s.current_index(), Some(6));
        assert!(s.clear_filters());
        assert_eq!(s.rows().len(), 10);
        assert_eq!(s.current_index(), Some(6), "the same record, at its row");
        assert_eq!(s.cursor().row(), 6);
    }

    #[test]
    fn the_list_window_follows_the_cursor_and_centres_on_request() {
        let mut s = screening(20);
        s.set_window(5);
        s.go_to(12);
        assert_eq!((s.cursor().row(), s.cursor().top()), (12, 8));
        s.go_to(10);
        assert_eq!(s.cursor().top(), 8, "still visible: the window stays");
        s.go_to(3);
        assert_eq!(s.cursor().top(), 3);
        s.go_to(99);
        assert_eq!(s.cursor().row(), 19, "past the end: the last row");
        s.go_to(10);
        s.center_window();
        assert_eq!(s.cursor().top(), 8);
        s.set_line(7);
        s.go_to(11);
        assert_eq!(s.cursor().line(), 0, "a new row starts at its top");
    }

    #[test]
    fn a_record_is_found_by_key_key_prefix_or_doi() {
        let s = screening(3);
        assert_eq!(s.find("t:01"), Some(1));
        assert_eq!(s.find("t:0"), Some(0), "the first in the queue");
        assert_eq!(s.find("https://doi.org/10.1000/r2"), Some(2));
        assert_eq!(s.find("nothing"), None);
    }

    #[test]
    fn a_bulk_step_is_one_change_and_one_undo() {
        let mut s = screening(80);
        s.add_filter(Filter::Undecided);
        let records: Vec<_> = s
            .undecided_rows()
            .into_iter()
            .map(|i| {
                let before = s.state(i).clone();
                let after = RecordState {
                    verdict: Some(Verdict::Exclude(Vec::new())),
                    rule: Some(s.rule()),
                    ..before.clone()
                };
                (i, before, after)
            })
            .collect();
        let step = Step {
            label: "bulk".into(),
            records,
        };
        let Change::DecideMany(ds) = s.apply_step(step, true, "now") else {
            panic!("a bulk action is one journal line");
        };
        assert_eq!(ds.len(), 80);
        assert_eq!(ds[0].rule.as_deref(), Some("undecided"));
        assert!(s.rows().is_empty(), "more than 64 records: refiltered");
        s.undo("later");
        assert_eq!(s.rows().len(), 80);
        assert_eq!(s.counts().decided(), 0);
    }
}
