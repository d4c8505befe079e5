//! What the record view and the list share: both walk the same rows with
//! the same cursor, decide, annotate, search, filter and open the same
//! dialogs, and get the same answers back. Each view handles its own
//! moves first (the record view scrolls a record, the list moves rows) and
//! passes the rest here. The resolve view decides, annotates and moves
//! through its conflicts the same way.

use super::confirm::{BulkPlan, Confirm};
use super::help::HelpBox;
use super::menu;
use super::picker::ReasonPicker;
use super::search::{self, SearchBox};
use super::terms::TermsEditor;
use super::text::{Purpose, TextInput};
use super::{criteria::CriteriaEditor, reasons::ReasonsEditor, record};
use crate::human::fmt_n;
use crate::project::{Stage, Verdict};
use crate::screening::filter::Filter;
use crate::screening::history::{RecordState, Step};
use crate::screening::order::QueueOrder;
use crate::tui::action::Action;
use crate::tui::app::{Effect, View};
use crate::tui::component::Layer;
use crate::tui::ctx::{Answer, Ctx};
use crate::tui::keymap::Mode;
use crate::tui::open;

/// Which view is asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Browse {
    Record,
    List,
    Resolve,
}

impl Browse {
    pub fn mode(self) -> Mode {
        match self {
            Browse::Record => Mode::Screening,
            Browse::List => Mode::List,
            Browse::Resolve => Mode::Resolve,
        }
    }
}

/// Whether `action` can do anything now: with nothing to screen only the
/// project's lists, help and the view switch work; with every row filtered
/// away, deciding says how to clear the filters.
pub fn allowed(action: Action, by: Browse, cx: &mut Ctx) -> bool {
    let s = &cx.screening;
    if s.queue().is_empty()
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
        return false;
    }
    if s.rows().is_empty()
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
        let clear = cx.key_hint(by.mode(), Action::ClearFilters);
        cx.flash = Some(format!("No record is shown: {clear} clears the filters"));
        return false;
    }
    true
}

/// The actions both views handle alike.
pub fn act(action: Action, by: Browse, cx: &mut Ctx) {
    // One record at a time: a decision moves on to the next.
    let advance = by != Browse::List;
    let mode = by.mode();
    match action {
        Action::Include => cx.decide_current(Verdict::Include, advance, mode),
        Action::Maybe => cx.decide_current(Verdict::Maybe, advance, mode),
        Action::NotRetrieved => {
            if cx.screening.stage() == Stage::FullText {
                cx.decide_current(Verdict::NotRetrieved, advance, mode)
            } else {
                cx.flash = Some(
                    "\"Report not retrieved\" is for the full-text stage (--stage full-text)"
                        .into(),
                );
            }
        }
        Action::Exclude => {
            let s = &cx.screening;
            let selected = match s.current_index().and_then(|i| s.state(i).verdict.as_ref()) {
                Some(Verdict::Exclude(reasons)) => reasons.clone(),
                _ => Vec::new(),
            };
            cx.open(Layer::Picker(ReasonPicker::new(selected, false)));
        }
        Action::ExcludeWith(n) => {
            let id = cx
                .screening
                .reasons()
                .get(usize::from(n).wrapping_sub(1))
                .map(|r| r.id.clone());
            match id {
                Some(id) => cx.decide_current(Verdict::Exclude(vec![id]), advance, mode),
                None => cx.flash = Some(format!("There is no reason {n}")),
            }
        }
        Action::Undo => cx.undo(),
        Action::Redo => cx.redo(),
        Action::Note => {
            if let Some(i) = cx.screening.current_index() {
                let note = cx.screening.state(i).note.clone();
                cx.open(TextInput::layer(
                    "Note on this record",
                    "enter saves · esc cancels · an empty note removes it",
                    &note,
                    Purpose::Note(i),
                ));
            }
        }
        Action::Tags => {
            if let Some(i) = cx.screening.current_index() {
                let tags = cx.screening.state(i).tags.join(", ");
                let known = cx.screening.known_tags().join(", ");
                let hint = if known.is_empty() {
                    "comma-separated, e.g. check later, RCT".to_string()
                } else {
                    format!("comma-separated · in use: {known}")
                };
                cx.open(TextInput::layer(
                    "Tags of this record",
                    &hint,
                    &tags,
                    Purpose::Tags(i),
                ));
            }
        }
        Action::Next => {
            let row = cx.screening.cursor().row();
            if row + 1 < cx.screening.rows().len() {
                cx.screening.go_to(row + 1);
            } else {
                cx.flash = Some(cx.end_of_rows_message(mode));
            }
        }
        Action::Previous => {
            let row = cx.screening.cursor().row();
            if row > 0 {
                cx.screening.go_to(row - 1);
            } else {
                cx.flash = Some("This is the first record".into());
            }
        }
        Action::FirstUndecided => match cx.screening.first_undecided() {
            Some(p) => cx.screening.go_to(p),
            None => cx.flash = Some("Every record shown is decided".into()),
        },
        Action::Top => cx.screening.go_to(0),
        Action::Bottom => {
            let last = cx.screening.rows().len().saturating_sub(1);
            cx.screening.go_to(last);
        }
        Action::Jump => cx.open(TextInput::layer(
            "Go to record",
            "a row number, or a record key or DOI",
            "",
            Purpose::Jump,
        )),
        Action::Search => {
            let previous = cx.search.clone();
            let query = previous.as_ref().map(|f| f.query().to_string());
            let origin = cx.screening.cursor().row();
            cx.open(Layer::Search(Box::new(SearchBox::new(origin, previous))));
            if let Some(q) = query {
                cx.flash = Some(format!("Last search: {q}"));
            }
        }
        Action::NextMatch => search::jump_match(cx, true),
        Action::PreviousMatch => search::jump_match(cx, false),
        Action::Criteria => {
            cx.show_criteria = !cx.show_criteria;
            if cx.show_criteria && cx.screening.project().criteria.trim().is_empty() {
                let edit = cx.key_hint(mode, Action::EditCriteria);
                cx.flash = Some(format!("No criteria written yet: {edit} edits them"));
            }
            record::clamp_scroll(cx);
        }
        Action::Duplicates => cx.show(View::Duplicates),
        Action::Open => {
            if let Some(r) = cx.screening.current() {
                let t = open::target(r);
                if t.is_empty() {
                    cx.flash = Some("Nothing to open: the record has no PDF, DOI or URL".into());
                } else {
                    cx.effect(Effect::Open(t));
                }
            }
        }
        Action::CycleOrder => {
            let order = cx.screening.order().next();
            cx.screening.set_order(order);
            cx.flash = Some(match order {
                QueueOrder::Random => format!("Order: random (seed {})", cx.screening.seed()),
                o => format!("Order: {}", o.label()),
            });
        }
        Action::Filter => menu::open_filter_menu(cx),
        Action::ClearFilters => {
            if cx.screening.clear_filters() {
                cx.flash = Some(format!(
                    "Filters cleared: all {} records",
                    fmt_n(cx.screening.rows().len())
                ));
            } else {
                cx.flash = Some("No filter is on".into());
            }
        }
        Action::BulkExclude => start_bulk(cx),
        Action::EditTerms => cx.open(Layer::Terms(TermsEditor::default())),
        Action::EditReasons => {
            let stage = cx.screening.stage();
            cx.open(Layer::Reasons(ReasonsEditor::at(stage)));
        }
        Action::EditCriteria => cx.open(Layer::Criteria(CriteriaEditor::default())),
        Action::Help => cx.open(Layer::Help(HelpBox::default())),
        _ => {}
    }
}

/// The answers of the dialogs both views open.
pub fn answer(answer: Answer, by: Browse, cx: &mut Ctx) {
    match answer {
        Answer::Text(purpose, text) => text_done(purpose, text, by, cx),
        Answer::Reasons { reasons, bulk } => {
            if bulk {
                confirm_bulk(Verdict::Exclude(reasons), cx);
            } else {
                cx.decide_current(Verdict::Exclude(reasons), by != Browse::List, by.mode());
            }
        }
        Answer::Pick(pick) => {
            if let Some(f) = menu::pick(pick, cx) {
                add_filter(f, by, cx);
            }
        }
        Answer::Confirmed(plan) => bulk_exclude(plan, by, cx),
    }
}

fn text_done(purpose: Purpose, text: String, by: Browse, cx: &mut Ctx) {
    match purpose {
        Purpose::Note(i) => cx.annotate(i, Some(text), None),
        Purpose::Tags(i) => {
            let mut tags: Vec<String> = Vec::new();
            for t in text.split(',').map(str::trim).filter(|t| !t.is_empty()) {
                if !tags.iter().any(|x| x == t) {
                    tags.push(t.to_string());
                }
            }
            cx.annotate(i, None, Some(tags));
        }
        Purpose::Jump => jump_to(&text, cx),
        Purpose::YearBefore | Purpose::YearFrom => match text.parse::<i32>() {
            Ok(y) if (1000..=9999).contains(&y) => {
                let f = if purpose == Purpose::YearBefore {
                    Filter::YearBefore(y)
                } else {
                    Filter::YearFrom(y)
                };
                add_filter(f, by, cx);
            }
            _ => cx.flash = Some(format!("\"{text}\" is not a year (e.g. 2000)")),
        },
        _ => {}
    }
}

/// Adds a filter; the list starts again from its first row.
fn add_filter(f: Filter, by: Browse, cx: &mut Ctx) {
    cx.add_filter(f);
    if by == Browse::List {
        cx.screening.go_to(0);
    }
}

fn jump_to(text: &str, cx: &mut Ctx) {
    if text.is_empty() {
        return;
    }
    let shown = cx.screening.rows().len();
    if let Ok(n) = text.replace(',', "").parse::<usize>() {
        if (1..=shown).contains(&n) {
            cx.screening.go_to(n - 1);
        } else {
            cx.flash = Some(format!(
                "There is no row {n}: {} records are shown",
                fmt_n(shown)
            ));
        }
        return;
    }
    match cx.screening.find(text) {
        Some(i) => match cx.screening.rows().iter().position(|&r| r == i) {
            Some(row) => cx.screening.go_to(row),
            None => {
                cx.flash = Some(format!(
                    "{text}: the record is hidden by the filter (or not screened at this stage)"
                ))
            }
        },
        None => cx.flash = Some(format!("{text}: no such row, key or DOI")),
    }
}

// ----- bulk actions -------------------------------------------------------------

fn start_bulk(cx: &mut Ctx) {
    if cx.screening.filters().is_empty() {
        let f = cx.key_hint(Mode::List, Action::Filter);
        cx.flash = Some(format!(
            "Bulk actions work on a filtered list: add a filter first ({f})"
        ));
        return;
    }
    let s = &cx.screening;
    if !s.rows().iter().any(|&i| s.state(i).verdict.is_none()) {
        cx.flash = Some("Every record shown is decided already".into());
        return;
    }
    cx.open(Layer::Picker(ReasonPicker::new(Vec::new(), true)));
}

fn confirm_bulk(verdict: Verdict, cx: &mut Ctx) {
    let s = &cx.screening;
    let records = s.undecided_rows();
    let decided = s.rows().len() - records.len();
    let rule = s.rule();
    let reasons = match &verdict {
        Verdict::Exclude(ids) if !ids.is_empty() => format!(
            " for {}",
            ids.iter()
                .map(|id| s.project().reason_label(id))
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
    cx.open(Layer::Confirm(Confirm::new(
        message,
        BulkPlan {
            records,
            verdict,
            rule,
        },
    )));
}

fn bulk_exclude(plan: BulkPlan, by: Browse, cx: &mut Ctx) {
    let records = plan
        .records
        .iter()
        .map(|&i| {
            let before = cx.screening.state(i).clone();
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
    cx.apply_step(Step { label, records }, true);
    let undo = cx.key_hint(by.mode(), Action::Undo);
    cx.flash = Some(format!(
        "Excluded {} records by rule \"{}\" ({undo} undoes)",
        fmt_n(n),
        plan.rule
    ));
}

/// What the rule under the header says: the order and the filters when
/// not the default.
pub fn status(cx: &Ctx) -> Option<String> {
    let s = &cx.screening;
    let mut parts = Vec::new();
    if s.order() != QueueOrder::Import {
        parts.push(s.order().label().to_string());
    }
    if !s.filters().is_empty() {
        parts.push(format!(
            "filter: {} · {} of {}",
            s.rule(),
            fmt_n(s.rows().len()),
            fmt_n(s.queue().len())
        ));
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// Switching between the record and the list keeps the row.
pub fn switch(by: Browse, cx: &mut Ctx) {
    let to = match by {
        // The record just read sits mid-list, with its neighbours around it.
        Browse::Record => {
            cx.screening.center_window();
            View::List
        }
        Browse::List => {
            let row = cx.screening.cursor().row();
            cx.screening.go_to(row);
            View::Record
        }
        // The resolve screen walks its conflicts one at a time only.
        Browse::Resolve => return,
    };
    cx.show(to);
}
