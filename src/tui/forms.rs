//! The parts of `App` behind overlays and side views: text fields (notes,
//! tags, jump, names), menus (filters), the bulk confirmation, the list
//! editors (highlight terms, reasons and settings, criteria) and duplicate
//! review. Every project change goes out as a `Change` through `persist`.

use super::action::Action;
use super::app::{
    App, BulkPlan, ConfirmBox, Effect, ListEdit, Menu, MenuPick, Overlay, Picker, Purpose, View,
    step_index,
};
use super::keymap::Mode;
use crate::human::fmt_n;
use crate::project::{Change, DuplicateReview, Reason, Stage, Verdict};
use crate::screening::filter::{self, Filter};
use crate::screening::highlight::Highlighter;
use crate::screening::history::{RecordState, Step};

impl App {
    /// Applies a project change in memory and returns the effect that saves
    /// it.
    pub(crate) fn persist(&mut self, change: Change) -> Effect {
        self.project.apply(&change);
        self.bump_unsaved();
        Effect::Persist(change)
    }

    // ----- text fields ------------------------------------------------------

    pub(crate) fn act_input(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Cancel => {
                self.overlays.pop();
                Vec::new()
            }
            Action::Confirm => {
                let Some(Overlay::Input(ib)) = self.overlays.pop() else {
                    return Vec::new();
                };
                let text = ib.editor.text().trim().to_string();
                self.input_done(ib.purpose, text)
            }
            _ => Vec::new(),
        }
    }

    fn input_done(&mut self, purpose: Purpose, text: String) -> Vec<Effect> {
        match purpose {
            Purpose::Note(i) => self.annotate(i, Some(text), None),
            Purpose::Tags(i) => {
                let mut tags: Vec<String> = Vec::new();
                for t in text.split(',').map(str::trim).filter(|t| !t.is_empty()) {
                    if !tags.iter().any(|x| x == t) {
                        tags.push(t.to_string());
                    }
                }
                self.annotate(i, None, Some(tags))
            }
            Purpose::Jump => {
                self.jump_to(&text);
                Vec::new()
            }
            Purpose::NewTerm { exclude } => {
                if text.is_empty() {
                    return Vec::new();
                }
                let mut h = self.project.highlight.clone();
                let list = if exclude {
                    &mut h.exclude
                } else {
                    &mut h.include
                };
                if list.iter().any(|t| t.to_lowercase() == text.to_lowercase()) {
                    self.flash = Some(format!("\"{text}\" is in the list already"));
                    return Vec::new();
                }
                list.push(text);
                let len = list.len();
                if let Some(Overlay::Terms(e)) = self.overlays.last_mut() {
                    e.selected = len - 1;
                }
                self.set_highlight(h)
            }
            Purpose::EditTerm { exclude, index } => {
                let mut h = self.project.highlight.clone();
                let list = if exclude {
                    &mut h.exclude
                } else {
                    &mut h.include
                };
                if index < list.len() {
                    if text.is_empty() {
                        list.remove(index);
                    } else {
                        list[index] = text;
                    }
                }
                self.set_highlight(h)
            }
            Purpose::NewReason { stage, tick } => self.add_reason(stage, &text, tick),
            Purpose::RenameReason(id) => {
                if text.is_empty() {
                    self.flash = Some("A reason needs a name; nothing changed".into());
                    return Vec::new();
                }
                vec![self.persist(Change::RenameReason { id, label: text })]
            }
            Purpose::NewCriterion => {
                if text.is_empty() {
                    return Vec::new();
                }
                let mut lines = self.criteria_lines();
                lines.push(text);
                let len = lines.len();
                if let Some(Overlay::Criteria(e)) = self.overlays.last_mut() {
                    e.selected = len - 1;
                }
                self.set_criteria(lines)
            }
            Purpose::EditCriterion(index) => {
                let mut lines = self.criteria_lines();
                if index < lines.len() {
                    if text.is_empty() {
                        lines.remove(index);
                    } else {
                        lines[index] = text;
                    }
                }
                self.set_criteria(lines)
            }
            Purpose::YearBefore | Purpose::YearFrom => {
                match text.parse::<i32>() {
                    Ok(y) if (1000..=9999).contains(&y) => {
                        self.add_filter(if purpose == Purpose::YearBefore {
                            Filter::YearBefore(y)
                        } else {
                            Filter::YearFrom(y)
                        })
                    }
                    _ => self.flash = Some(format!("\"{text}\" is not a year (e.g. 2000)")),
                }
                Vec::new()
            }
        }
    }

    fn jump_to(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        if let Ok(n) = text.replace(',', "").parse::<usize>() {
            if (1..=self.rows.len()).contains(&n) {
                self.go_to(n - 1);
            } else {
                self.flash = Some(format!(
                    "There is no row {n}: {} records are shown",
                    fmt_n(self.rows.len())
                ));
            }
            return;
        }
        let doi = crate::text::normalize_doi(text);
        let wanted = self.key_index.get(text).copied().or_else(|| {
            self.queue.iter().copied().find(|&i| {
                let r = &self.project.records[i];
                r.key.starts_with(text)
                    || (doi.is_some() && crate::text::normalize_doi(&r.doi) == doi)
            })
        });
        match wanted {
            Some(i) => match self.rows.iter().position(|&r| r == i) {
                Some(row) => self.go_to(row),
                None => {
                    self.flash = Some(format!(
                        "{text}: the record is hidden by the filter (or not screened at this stage)"
                    ))
                }
            },
            None => self.flash = Some(format!("{text}: no such row, key or DOI")),
        }
    }

    fn set_highlight(&mut self, h: crate::project::Highlight) -> Vec<Effect> {
        if h == self.project.highlight {
            return Vec::new();
        }
        let effect = self.persist(Change::SetHighlight(h));
        self.highlighter = Highlighter::new(&self.project.highlight);
        self.clamp_scroll();
        vec![effect]
    }

    fn criteria_lines(&self) -> Vec<String> {
        self.project
            .criteria
            .lines()
            .map(str::to_string)
            .filter(|l| !l.trim().is_empty())
            .collect()
    }

    fn set_criteria(&mut self, lines: Vec<String>) -> Vec<Effect> {
        let text = lines.join("\n");
        if text == self.project.criteria {
            return Vec::new();
        }
        let effect = self.persist(Change::SetCriteria(text));
        self.clamp_scroll();
        vec![effect]
    }

    fn add_reason(&mut self, stage: Stage, label: &str, tick: bool) -> Vec<Effect> {
        if label.is_empty() {
            return Vec::new();
        }
        let existing = self
            .project
            .reasons
            .iter()
            .find(|r| r.stage == stage && !r.retired && r.label.eq_ignore_ascii_case(label))
            .map(|r| r.id.clone());
        let (id, effects) = match existing {
            Some(id) => {
                self.flash = Some(format!("\"{label}\" is a reason already"));
                (id, Vec::new())
            }
            None => {
                let id = self.project.new_reason_id(label, stage);
                let effect = self.persist(Change::AddReason(Reason {
                    id: id.clone(),
                    label: label.to_string(),
                    stage,
                    retired: false,
                }));
                self.flash = Some(format!("Reason \"{label}\" added to the project"));
                (id, vec![effect])
            }
        };
        match self.overlays.last_mut() {
            Some(Overlay::Reasons(p)) if tick && !p.selected.contains(&id) => p.selected.push(id),
            Some(Overlay::ReasonsEditor(e)) => {
                e.selected = self
                    .project
                    .reasons
                    .iter()
                    .filter(|r| r.stage == stage)
                    .count()
                    .saturating_sub(1);
            }
            _ => {}
        }
        effects
    }

    // ----- menus --------------------------------------------------------------

    pub(crate) fn open_filter_menu(&mut self) {
        let c = self.counts();
        let undecided = self.queue_len() - c.decided().min(self.queue_len());
        let mut items = vec![
            (
                format!("Undecided ({})", fmt_n(undecided)),
                MenuPick::Filter(Filter::Undecided),
            ),
            (
                format!("Included ({})", fmt_n(c.included)),
                MenuPick::Filter(Filter::Included),
            ),
            (
                format!("Excluded ({})", fmt_n(c.excluded)),
                MenuPick::Filter(Filter::Excluded),
            ),
            (
                format!("Maybe ({})", fmt_n(c.maybe)),
                MenuPick::Filter(Filter::Maybe),
            ),
        ];
        if self.stage == Stage::FullText {
            items.push((
                format!("Not retrieved ({})", fmt_n(c.not_retrieved)),
                MenuPick::Filter(Filter::NotRetrieved),
            ));
        }
        items.extend([
            ("Excluded for a reason…".to_string(), MenuPick::Reasons),
            ("Tagged…".to_string(), MenuPick::Tags),
            (
                "With duplicates".to_string(),
                MenuPick::Filter(Filter::Duplicates),
            ),
            ("New since a batch…".to_string(), MenuPick::Batches),
            ("Year before…".to_string(), MenuPick::YearBefore),
            ("Year from…".to_string(), MenuPick::YearFrom),
            ("Language…".to_string(), MenuPick::Languages),
        ]);
        if let Some(f) = &self.search {
            items.push((
                format!("Matching the search \"{}\"", f.query()),
                MenuPick::Filter(Filter::Matching(f.query().to_string())),
            ));
        }
        self.overlays.push(Overlay::Menu(Menu {
            title: "Show only records…".into(),
            items,
            selected: 0,
        }));
    }

    pub(crate) fn act_menu(&mut self, action: Action) -> Vec<Effect> {
        let Some(Overlay::Menu(m)) = self.overlays.last_mut() else {
            return Vec::new();
        };
        let len = m.items.len();
        match action {
            Action::ScrollDown => m.selected = step_index(m.selected, 1, len),
            Action::ScrollUp => m.selected = step_index(m.selected, -1, len),
            Action::PageDown => m.selected = step_index(m.selected, 5, len),
            Action::PageUp => m.selected = step_index(m.selected, -5, len),
            Action::Top => m.selected = 0,
            Action::Bottom => m.selected = len.saturating_sub(1),
            Action::Cancel | Action::Quit => {
                self.overlays.pop();
            }
            Action::Pick(n) if usize::from(n) <= len => {
                m.selected = usize::from(n) - 1;
                return self.act_menu(Action::Confirm);
            }
            Action::Confirm => {
                let Some((_, pick)) = m.items.get(m.selected).cloned() else {
                    return Vec::new();
                };
                self.overlays.pop();
                self.menu_pick(pick);
            }
            _ => {}
        }
        Vec::new()
    }

    fn submenu(&mut self, title: &str, items: Vec<(String, MenuPick)>, empty: &str) {
        if items.is_empty() {
            self.flash = Some(empty.to_string());
        } else {
            self.overlays.push(Overlay::Menu(Menu {
                title: title.to_string(),
                items,
                selected: 0,
            }));
        }
    }

    fn menu_pick(&mut self, pick: MenuPick) {
        match pick {
            MenuPick::Filter(f) => self.add_filter(f),
            MenuPick::Reasons => {
                let items = self
                    .project
                    .reasons
                    .iter()
                    .filter(|r| r.stage == self.stage)
                    .map(|r| {
                        (
                            r.label.clone(),
                            MenuPick::Filter(Filter::Reason(r.id.clone())),
                        )
                    })
                    .collect();
                self.submenu("Excluded for…", items, "No reasons at this stage");
            }
            MenuPick::Tags => {
                let items = self
                    .known_tags()
                    .into_iter()
                    .map(|t| (t.clone(), MenuPick::Filter(Filter::Tag(t))))
                    .collect();
                let tags = self.key_hint(Mode::Screening, Action::Tags);
                self.submenu(
                    "Tagged…",
                    items,
                    &format!("No record has a tag yet ({tags} tags one)"),
                );
            }
            MenuPick::Batches => {
                let mut batches: Vec<u32> = self.project.sources.iter().map(|s| s.batch).collect();
                batches.sort_unstable();
                batches.dedup();
                let items = batches
                    .into_iter()
                    .map(|b| {
                        let files: Vec<String> = self
                            .project
                            .sources
                            .iter()
                            .filter(|s| s.batch == b)
                            .map(|s| file_name(&s.path))
                            .collect();
                        (
                            format!("batch {b} or later ({})", files.join(", ")),
                            MenuPick::Filter(Filter::NewSince(b)),
                        )
                    })
                    .collect();
                self.submenu("Imported in…", items, "Nothing has been imported");
            }
            MenuPick::Languages => {
                let mut langs: std::collections::BTreeMap<String, usize> = Default::default();
                for &i in &self.queue {
                    if let Some(l) = filter::language(&self.project.records[i]) {
                        *langs.entry(l.to_string()).or_default() += 1;
                    }
                }
                let items = langs
                    .into_iter()
                    .map(|(l, n)| {
                        (
                            format!("{l} ({})", fmt_n(n)),
                            MenuPick::Filter(Filter::Language(l)),
                        )
                    })
                    .collect();
                self.submenu(
                    "Language…",
                    items,
                    "No record gives its language (RIS/MEDLINE LA field)",
                );
            }
            MenuPick::YearBefore => self.open_input(
                "Year before…",
                "records published before this year (e.g. 2000)",
                "",
                Purpose::YearBefore,
            ),
            MenuPick::YearFrom => self.open_input(
                "Year from…",
                "records published this year or later",
                "",
                Purpose::YearFrom,
            ),
        }
    }

    // ----- bulk actions ---------------------------------------------------------

    pub(crate) fn start_bulk(&mut self) {
        if self.filters.is_empty() {
            let f = self.key_hint(Mode::List, Action::Filter);
            self.flash = Some(format!(
                "Bulk actions work on a filtered list: add a filter first ({f})"
            ));
            return;
        }
        if !self.rows.iter().any(|&i| self.state(i).verdict.is_none()) {
            self.flash = Some("Every record shown is decided already".into());
            return;
        }
        self.overlays.push(Overlay::Reasons(Picker {
            selected: Vec::new(),
            bulk: true,
        }));
    }

    pub(crate) fn confirm_bulk(&mut self, verdict: Verdict) {
        let records: Vec<usize> = self
            .rows
            .iter()
            .copied()
            .filter(|&i| self.state(i).verdict.is_none())
            .collect();
        let decided = self.rows.len() - records.len();
        let rule = filter::rule(&self.filters, &self.project);
        let reasons = match &verdict {
            Verdict::Exclude(ids) if !ids.is_empty() => format!(
                " for {}",
                ids.iter()
                    .map(|id| self.project.reason_label(id))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            _ => String::new(),
        };
        let mut message = format!(
            "Exclude {} undecided record(s) shown{reasons}?\nRule recorded: {rule}",
            fmt_n(records.len())
        );
        if decided > 0 {
            message.push_str(&format!(
                "\n{} record(s) shown are decided already and stay as they are.",
                fmt_n(decided)
            ));
        }
        self.overlays.push(Overlay::Confirm(ConfirmBox {
            message,
            plan: BulkPlan {
                records,
                verdict,
                rule,
            },
        }));
    }

    pub(crate) fn act_confirm(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Confirm => {
                let Some(Overlay::Confirm(c)) = self.overlays.pop() else {
                    return Vec::new();
                };
                let plan = c.plan;
                let records = plan
                    .records
                    .iter()
                    .map(|&i| {
                        let before = self.state(i).clone();
                        let after = RecordState {
                            verdict: Some(plan.verdict.clone()),
                            rule: Some(plan.rule.clone()),
                            ..before.clone()
                        };
                        (i, before, after)
                    })
                    .collect::<Vec<_>>();
                let n = records.len();
                let label = format!("excluded {} records ({})", fmt_n(n), plan.rule);
                let effects = self.apply_step(Step { label, records }, true);
                let undo = self.key_hint(self.mode(), Action::Undo);
                self.flash = Some(format!(
                    "Excluded {} records by rule \"{}\" ({undo} undoes)",
                    fmt_n(n),
                    plan.rule
                ));
                effects
            }
            Action::Cancel => {
                self.overlays.pop();
                self.flash = Some("Nothing changed".into());
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    // ----- list editors ---------------------------------------------------------

    /// The entries of the list being edited, as shown.
    pub fn editor_items(&self, overlay: &Overlay) -> Vec<String> {
        match overlay {
            Overlay::Terms(e) => {
                let h = &self.project.highlight;
                if e.list == 0 {
                    h.include.clone()
                } else {
                    h.exclude.clone()
                }
            }
            Overlay::ReasonsEditor(e) => self
                .reasons_at(editor_stage(e))
                .map(|r| r.label.clone())
                .collect(),
            Overlay::Criteria(_) => self.criteria_lines(),
            _ => Vec::new(),
        }
    }

    fn reasons_at(&self, stage: Stage) -> impl Iterator<Item = &Reason> {
        self.project
            .reasons
            .iter()
            .filter(move |r| r.stage == stage)
    }

    pub(crate) fn act_editor(&mut self, action: Action) -> Vec<Effect> {
        let Some(top) = self.overlays.last().cloned() else {
            return Vec::new();
        };
        let e = match &top {
            Overlay::Terms(e) | Overlay::ReasonsEditor(e) | Overlay::Criteria(e) => e.clone(),
            _ => return Vec::new(),
        };
        let len = self.editor_items(&top).len();
        let set_selected = |app: &mut App, selected: usize, list: usize| {
            if let Some(Overlay::Terms(x) | Overlay::ReasonsEditor(x) | Overlay::Criteria(x)) =
                app.overlays.last_mut()
            {
                *x = ListEdit { list, selected };
            }
        };
        match action {
            Action::ScrollDown => set_selected(self, step_index(e.selected, 1, len), e.list),
            Action::ScrollUp => set_selected(self, step_index(e.selected, -1, len), e.list),
            Action::PageDown => set_selected(self, step_index(e.selected, 5, len), e.list),
            Action::PageUp => set_selected(self, step_index(e.selected, -5, len), e.list),
            Action::Top => set_selected(self, 0, e.list),
            Action::Bottom => set_selected(self, len.saturating_sub(1), e.list),
            Action::SwitchList => set_selected(self, 0, 1 - e.list.min(1)),
            Action::Close => {
                self.overlays.pop();
            }
            Action::Help => self.overlays.push(Overlay::Help { scroll: 0 }),
            _ => {}
        }
        let selected_item = self.editor_items(&top).get(e.selected).cloned();
        match (&top, action) {
            (Overlay::Terms(_), Action::Add) => {
                let (title, exclude) = if e.list == 0 {
                    ("New include term", false)
                } else {
                    ("New exclude term", true)
                };
                self.open_input(
                    title,
                    "a word, a \"phrase of words\" or a wildcard like child*",
                    "",
                    Purpose::NewTerm { exclude },
                );
            }
            (Overlay::Terms(_), Action::Edit) => {
                if let Some(item) = selected_item {
                    self.open_input(
                        "Edit term",
                        "empty removes it",
                        &item,
                        Purpose::EditTerm {
                            exclude: e.list == 1,
                            index: e.selected,
                        },
                    );
                }
            }
            (Overlay::Terms(_), Action::Delete) => {
                let mut h = self.project.highlight.clone();
                let list = if e.list == 0 {
                    &mut h.include
                } else {
                    &mut h.exclude
                };
                if e.selected < list.len() {
                    list.remove(e.selected);
                    let len = list.len();
                    set_selected(self, e.selected.min(len.saturating_sub(1)), e.list);
                    return self.set_highlight(h);
                }
            }
            (Overlay::Criteria(_), Action::Add) => self.open_input(
                "New criterion",
                "one line, e.g. P: adults with type 2 diabetes",
                "",
                Purpose::NewCriterion,
            ),
            (Overlay::Criteria(_), Action::Edit) => {
                if let Some(item) = selected_item {
                    self.open_input(
                        "Edit criterion",
                        "empty removes it",
                        &item,
                        Purpose::EditCriterion(e.selected),
                    );
                }
            }
            (Overlay::Criteria(_), Action::Delete) => {
                let mut lines = self.criteria_lines();
                if e.selected < lines.len() {
                    lines.remove(e.selected);
                    set_selected(self, e.selected.min(lines.len().saturating_sub(1)), 0);
                    return self.set_criteria(lines);
                }
            }
            (Overlay::Criteria(_), Action::MoveUp | Action::MoveDown) => {
                let mut lines = self.criteria_lines();
                let to = step_index(
                    e.selected,
                    if action == Action::MoveUp { -1 } else { 1 },
                    lines.len(),
                );
                if to != e.selected {
                    lines.swap(e.selected, to);
                    set_selected(self, to, 0);
                    return self.set_criteria(lines);
                }
            }
            (Overlay::ReasonsEditor(_), _) => return self.act_reasons_editor(action, &e),
            _ => {}
        }
        Vec::new()
    }

    fn act_reasons_editor(&mut self, action: Action, e: &ListEdit) -> Vec<Effect> {
        let stage = editor_stage(e);
        let here: Vec<Reason> = self.reasons_at(stage).cloned().collect();
        let selected = here.get(e.selected).cloned();
        match action {
            Action::Add => {
                self.open_input(
                    match stage {
                        Stage::TitleAbstract => "New title/abstract reason",
                        Stage::FullText => "New full-text reason",
                    },
                    "its name; the id is made from it and never reused",
                    "",
                    Purpose::NewReason { stage, tick: false },
                );
                Vec::new()
            }
            Action::Edit => {
                if let Some(r) = selected {
                    self.open_input(
                        "Rename reason",
                        &format!("id {} stays the same", r.id),
                        &r.label,
                        Purpose::RenameReason(r.id),
                    );
                }
                Vec::new()
            }
            Action::Delete => match selected {
                Some(r) => {
                    self.flash = Some(if r.retired {
                        format!("\"{}\" is back in the picker", r.label)
                    } else {
                        format!(
                            "\"{}\" is retired: no longer offered; past exclusions keep it",
                            r.label
                        )
                    });
                    vec![self.persist(Change::RetireReason {
                        id: r.id,
                        retired: !r.retired,
                    })]
                }
                None => Vec::new(),
            },
            Action::MoveUp | Action::MoveDown => {
                let up = action == Action::MoveUp;
                let Some(r) = selected else {
                    return Vec::new();
                };
                let neighbour = if up {
                    e.selected.checked_sub(1).and_then(|j| here.get(j))
                } else {
                    here.get(e.selected + 1)
                };
                let Some(n) = neighbour else {
                    return Vec::new();
                };
                let Some(index) = self.project.reasons.iter().position(|x| x.id == n.id) else {
                    return Vec::new();
                };
                let effect = self.persist(Change::MoveReason { id: r.id, index });
                if let Some(Overlay::ReasonsEditor(x)) = self.overlays.last_mut() {
                    x.selected = if up { e.selected - 1 } else { e.selected + 1 };
                }
                vec![effect]
            }
            Action::ToggleNeedsReason | Action::ToggleMaybeToFullText => {
                let mut s = self.project.settings.clone();
                if action == Action::ToggleNeedsReason {
                    s.exclusion_needs_reason = !s.exclusion_needs_reason;
                } else {
                    s.maybe_to_full_text = !s.maybe_to_full_text;
                }
                let effect = self.persist(Change::SetSettings(s));
                if action == Action::ToggleMaybeToFullText && self.stage == Stage::FullText {
                    self.rebuild_queue(None);
                }
                vec![effect]
            }
            _ => Vec::new(),
        }
    }

    // ----- duplicate review -------------------------------------------------------

    pub(crate) fn open_duplicates(&mut self) {
        let reviewed: std::collections::HashSet<(&str, &str)> = self
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
        if pairs.is_empty() {
            self.flash = Some(format!(
                "No duplicate links left to review ({} reviewed)",
                fmt_n(self.project.duplicate_reviews.len())
            ));
            return;
        }
        let here = self.current_index();
        let index = pairs
            .iter()
            .position(|&(p, d)| Some(p) == here || Some(d) == here)
            .unwrap_or(0);
        self.dup.return_view = self.view;
        self.dup.pairs = pairs;
        self.dup.index = index;
        self.dup.scroll = 0;
        self.view = View::Duplicates;
    }

    pub(crate) fn act_duplicates(&mut self, action: Action) -> Vec<Effect> {
        let len = self.dup.pairs.len();
        match action {
            Action::Next | Action::Previous => {
                let d = if action == Action::Next { 1 } else { -1 };
                self.dup.index = step_index(self.dup.index, d, len);
                self.dup.scroll = 0;
            }
            Action::ScrollDown => self.dup.scroll = self.dup.scroll.saturating_add(1),
            Action::ScrollUp => self.dup.scroll = self.dup.scroll.saturating_sub(1),
            Action::PageDown => self.dup.scroll = self.dup.scroll.saturating_add(10),
            Action::PageUp => self.dup.scroll = self.dup.scroll.saturating_sub(10),
            Action::Close => self.view = self.dup.return_view,
            Action::Help => self.overlays.push(Overlay::Help { scroll: 0 }),
            Action::ConfirmDuplicate | Action::SplitDuplicate => {
                let Some(&(p, d)) = self.dup.pairs.get(self.dup.index) else {
                    return Vec::new();
                };
                let split = action == Action::SplitDuplicate;
                let review = DuplicateReview {
                    record: self.project.records[d].key.clone(),
                    of: self.project.records[p].key.clone(),
                    split,
                    reviewer: self.reviewer.clone(),
                    at: self.now(),
                };
                let effect = self.persist(Change::ReviewDuplicate(review));
                self.dup.pairs.remove(self.dup.index);
                if split {
                    self.has_duplicates[p] =
                        self.project.records.iter().any(|r| {
                            r.duplicate_of.as_deref() == Some(&self.project.records[p].key)
                        });
                    self.rebuild_queue(None);
                    self.flash = Some(
                        "Split: the record is its own primary now, undecided, in the queue".into(),
                    );
                } else {
                    self.flash = Some("Confirmed as a duplicate".into());
                }
                self.dup.index = self.dup.index.min(self.dup.pairs.len().saturating_sub(1));
                self.dup.scroll = 0;
                if self.dup.pairs.is_empty() {
                    self.view = self.dup.return_view;
                    self.flash = Some("Every duplicate pair is reviewed".into());
                }
                return vec![effect];
            }
            _ => {}
        }
        Vec::new()
    }
}

fn editor_stage(e: &ListEdit) -> Stage {
    if e.list == 0 {
        Stage::TitleAbstract
    } else {
        Stage::FullText
    }
}

pub(crate) fn file_name(path: &str) -> String {
    std::path::Path::new(path)
        .file_name()
        .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned())
}
