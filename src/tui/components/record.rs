//! The record view (mode `screening`): one record wrapped to the width,
//! with highlighted terms, this reviewer's decision, tags and note, and the
//! inclusion criteria panel beside it (wide terminals) or above it (narrow
//! ones). It scrolls the record; everything else it shares with the list
//! (`browse`).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::browse::{self, Browse};
use crate::dedup::Completed;
use crate::project::{Project, Verdict};
use crate::rank::explain::Explanation;
use crate::record::Record;
use crate::screening::highlight;
use crate::screening::history::{RecordState, verdict_word};
use crate::screening::order::QueueOrder;
use crate::screening::relevance;
use crate::tui::action::Action;
use crate::tui::component::Component;
use crate::tui::ctx::{Answer, Ctx};
use crate::tui::keymap::Mode;
use crate::tui::theme::Theme;
use crate::tui::view::{self, body_rect, marked_runs, marks_in, source_name};
use crate::tui::wrap::wrap;

#[derive(Debug, Default)]
pub struct RecordView;

impl Component for RecordView {
    fn mode(&self) -> Mode {
        Mode::Screening
    }

    fn act(&mut self, action: Action, cx: &mut Ctx) {
        if !browse::allowed(action, Browse::Record, cx) {
            return;
        }
        let page = i32::from(view::body_area_height(cx.height).saturating_sub(1).max(1));
        match action {
            Action::ScrollDown => scroll_by(cx, 1),
            Action::ScrollUp => scroll_by(cx, -1),
            Action::PageDown => scroll_by(cx, page),
            Action::PageUp => scroll_by(cx, -page),
            Action::List | Action::Close => browse::switch(Browse::Record, cx),
            _ => browse::act(action, Browse::Record, cx),
        }
    }

    fn answer(&mut self, answer: Answer, cx: &mut Ctx) {
        browse::answer(answer, Browse::Record, cx);
    }

    fn wheel(&mut self, down: bool, cx: &mut Ctx) {
        scroll_by(cx, if down { 3 } else { -3 });
    }

    fn hints(&self) -> &'static [Action] {
        &[
            Action::Include,
            Action::Exclude,
            Action::Maybe,
            Action::Undo,
            Action::Help,
            Action::Quit,
            Action::Search,
            Action::List,
            Action::Note,
            Action::Tags,
        ]
    }

    fn status(&self, cx: &Ctx) -> Option<String> {
        browse::status(cx)
    }

    fn draw(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        render(frame, cx, &cx.theme, area);
    }
}

/// Scrolls the record by `delta` lines, stopping at its last line.
pub fn scroll_by(cx: &mut Ctx, delta: i32) {
    let next = (i32::from(cx.screening.cursor().line()) + delta).max(0);
    cx.screening
        .set_line(u16::try_from(next).unwrap_or(u16::MAX));
    clamp_scroll(cx);
}

/// Keeps the record's scroll within its lines (after a resize, or a change
/// of what is shown beside it).
pub fn clamp_scroll(cx: &mut Ctx) {
    let total = record_line_count(cx);
    let visible = usize::from(record_area(cx).height);
    let max = total.saturating_sub(visible);
    let line = cx
        .screening
        .cursor()
        .line()
        .min(u16::try_from(max).unwrap_or(u16::MAX));
    cx.screening.set_line(line);
}

/// From this width the criteria panel sits beside the record.
const SIDE_PANEL_MIN_WIDTH: u16 = 100;

/// The stopping panel's place at the bottom of the body, and the rest.
fn split_stopping(cx: &Ctx, body: Rect) -> (Rect, Option<Rect>) {
    if !cx.show_stopping {
        return (body, None);
    }
    let lines = stopping_lines(cx, body.width.saturating_sub(2), &cx.theme).len() as u16;
    // The record keeps its title and a few lines.
    let panel_h = (lines + 1)
        .min(body.height.saturating_sub(5))
        .max(2)
        .min(body.height);
    let rest = Rect {
        height: body.height.saturating_sub(panel_h),
        ..body
    };
    let panel = Rect {
        y: body.y + rest.height,
        height: panel_h,
        ..body
    };
    (rest, Some(panel))
}

/// Where the record and the criteria panel go in the body (less the
/// stopping panel).
fn split(cx: &Ctx, body: Rect) -> (Rect, Option<Rect>) {
    let body = split_stopping(cx, body).0;
    if !cx.show_criteria {
        return (body, None);
    }
    if body.width >= SIDE_PANEL_MIN_WIDTH {
        let panel_w = (body.width / 3).min(48);
        let record = Rect {
            width: body.width.saturating_sub(panel_w),
            ..body
        };
        let panel = Rect {
            x: body.x + body.width - panel_w,
            width: panel_w,
            ..body
        };
        (record, Some(panel))
    } else {
        let lines = criteria_lines(cx, body.width.saturating_sub(2), &cx.theme).len() as u16;
        let panel_h = (lines + 2).min(body.height / 3).max(3).min(body.height);
        let panel = Rect {
            height: panel_h,
            ..body
        };
        let record = Rect {
            y: body.y + panel_h,
            height: body.height.saturating_sub(panel_h),
            ..body
        };
        (record, Some(panel))
    }
}

/// How wide the record's text runs at most by default, in columns: long
/// lines are hard to read, and readers cap them at about this.
pub const DEFAULT_READING_WIDTH: u16 = 90;

/// The area the record is drawn in, for exact scrolling.
pub fn record_area(cx: &Ctx) -> Rect {
    let body = body_rect(Rect::new(0, 0, cx.width, cx.height));
    reading_column(cx, split(cx, body).0)
}

/// `area` narrowed to the reading width (text plus its one-column margins),
/// centred.
fn reading_column(cx: &Ctx, area: Rect) -> Rect {
    if cx.reading_width == 0 {
        return area;
    }
    let width = area.width.min(cx.reading_width.saturating_add(2));
    Rect {
        x: area.x + (area.width - width) / 2,
        width,
        ..area
    }
}

/// How many lines the record on screen takes.
pub fn record_line_count(cx: &Ctx) -> usize {
    let area = record_area(cx);
    record_lines(cx, area.width, &cx.theme).len()
}

fn criteria_lines(cx: &Ctx, width: u16, t: &Theme) -> Vec<Line<'static>> {
    let text = cx.screening.project().criteria.trim();
    if text.is_empty() {
        return vec![Line::styled("(no criteria written yet)", t.dim)];
    }
    let mut out = Vec::new();
    for line in text.lines() {
        let marks = marks_in(cx, line, true);
        out.extend(wrap(
            &marked_runs(line, Style::default(), &marks, t),
            usize::from(width).max(1),
        ));
    }
    out
}

/// The stopping panel: what `rank::stopping` says now, its assumptions,
/// and a warning when the session's order breaks them.
fn stopping_lines(cx: &Ctx, width: u16, t: &Theme) -> Vec<Line<'static>> {
    let w = usize::from(width).max(1);
    let s = &cx.screening;
    let mut out = Vec::new();
    match s.relevance().and_then(|r| r.stopping()) {
        Some(st) => out.extend(wrap(&[(&st.summary(), Style::default())], w)),
        None => out.push(Line::styled(
            "Estimating… (reading the records; this takes a moment once)",
            t.dim,
        )),
    }
    if matches!(s.order(), QueueOrder::Import | QueueOrder::Year) {
        let key = cx.key_hint(Mode::Screening, Action::CycleOrder);
        let warn = format!(
            "This session is in {}: the estimate holds only for records screened in relevance or \
             random order ({key} changes the order).",
            s.order().label()
        );
        out.extend(wrap(&[(&warn, t.maybe)], w));
    }
    let assumptions = format!("Assumes: {}", crate::rank::stopping::ASSUMPTIONS);
    out.extend(wrap(&[(&assumptions, t.dim)], w));
    out
}

fn render(frame: &mut Frame, cx: &Ctx, t: &Theme, body: Rect) {
    if let Some(p) = split_stopping(cx, body).1 {
        let block = Block::default()
            .borders(Borders::TOP)
            .border_style(t.dim)
            .title(Span::styled(" When to stop ", t.bold));
        let inner = block.inner(p);
        let lines: Vec<Line> = stopping_lines(cx, inner.width.saturating_sub(2), t)
            .into_iter()
            .map(|mut l| {
                l.spans.insert(0, Span::raw(" "));
                l
            })
            .collect();
        frame.render_widget(Paragraph::new(lines).block(block), p);
    }
    let (area, panel) = split(cx, body);
    let area = reading_column(cx, area);
    let lines = record_lines(cx, area.width, t);
    let visible: Vec<Line> = lines
        .into_iter()
        .skip(usize::from(cx.screening.cursor().line()))
        .take(usize::from(area.height))
        .collect();
    frame.render_widget(Paragraph::new(visible), area);
    if let Some(p) = panel {
        let side = p.width < body.width;
        let block = Block::default()
            .borders(if side { Borders::LEFT } else { Borders::BOTTOM })
            .border_style(t.dim)
            .title(Span::styled(" Inclusion criteria ", t.bold));
        let inner = block.inner(p);
        let lines = criteria_lines(cx, inner.width.saturating_sub(1), t);
        let lines: Vec<Line> = lines
            .into_iter()
            .map(|mut l| {
                l.spans.insert(0, Span::raw(" "));
                l
            })
            .collect();
        frame.render_widget(Paragraph::new(lines).block(block), p);
    }
}

/// The reviewer's terms and the search in `text`, and the terms behind
/// the record's score.
fn marks_with(
    cx: &Ctx,
    text: &str,
    e: Option<&Explanation>,
) -> Vec<(std::ops::Range<usize>, highlight::Kind)> {
    let mut m = marks_in(cx, text, true);
    if let Some(e) = e {
        m.extend(relevance::term_marks(e, text));
        m = highlight::paint(text.len(), m);
    }
    m
}

/// Terms shown (and marked) each way.
const EXPLAINED_TERMS: usize = 5;

/// Why the record shown scored what it did: in relevance order, once the
/// ranking in use has learned from an include and an exclude.
fn explanation(cx: &Ctx, index: usize) -> Option<Explanation> {
    let s = &cx.screening;
    if s.order() != QueueOrder::Relevance {
        return None;
    }
    let ranking = s.relevance()?.in_use()?;
    ranking.explain(&s.project().records.shown(index), index, EXPLAINED_TERMS)
}

/// "Relevance +0.42 (leans include) · ▲ beta blockers +0.031, … · ▼ rats -0.020, …".
fn explanation_runs(e: &Explanation, t: &Theme) -> Vec<(String, Style)> {
    let lean = if e.score > 0.0 {
        "leans include"
    } else {
        "leans exclude"
    };
    let mut runs = vec![(format!("Relevance {:+.2} ({lean})", e.score), t.bold)];
    for (arrow, terms, style) in [("▲", &e.up, t.term_up), ("▼", &e.down, t.term_down)] {
        if terms.is_empty() {
            continue;
        }
        runs.push((format!(" · {arrow} "), t.dim));
        for (n, term) in terms.iter().enumerate() {
            if n > 0 {
                runs.push((", ".into(), t.dim));
            }
            runs.push((term.text.clone(), style));
            runs.push((format!(" {:+.3}", term.weight), t.dim));
        }
    }
    runs
}

fn record_lines(cx: &Ctx, width: u16, t: &Theme) -> Vec<Line<'static>> {
    let s = &cx.screening;
    let Some(index) = s.current_index() else {
        let msg = if s.queue().is_empty() {
            " Nothing to screen here."
        } else {
            " No record matches the filters."
        };
        return vec![Line::styled(msg, t.dim)];
    };
    let project = s.project();
    let w = usize::from(width.saturating_sub(2)).max(1);
    let mut out: Vec<Line<'static>> = Vec::new();
    let shown = shown(cx, index);
    head_lines(cx, &shown, w, t, &mut out);
    let state = s.state(index);
    if let Some(v) = &state.verdict {
        let mut text = format!("Your decision: {}", verdict_text(v, project));
        if let Some(rule) = &state.rule {
            text.push_str(&format!(" · bulk rule: {rule}"));
        }
        push_wrapped(&[(&text, verdict_style(v, t))], w, &mut out);
    }
    tags_and_note(state, w, t, &mut out);
    out.push(Line::default());
    text_lines(cx, &shown, w, t, &mut out);
    out
}

/// A decision's tags and note, each on its lines when there is one.
pub(crate) fn tags_and_note(
    state: &RecordState,
    w: usize,
    t: &Theme,
    out: &mut Vec<Line<'static>>,
) {
    if !state.tags.is_empty() {
        let tags = state.tags.join(", ");
        push_wrapped(&[("Tags: ", t.dim), (&tags, t.key)], w, out);
    }
    if !state.note.is_empty() {
        push_wrapped(
            &[("Note: ", t.dim), (&state.note, Style::default())],
            w,
            out,
        );
    }
}

/// Styled runs wrapped to `w` columns, each line indented by one.
pub(crate) fn push_wrapped(runs: &[(&str, Style)], w: usize, out: &mut Vec<Line<'static>>) {
    for mut line in wrap(runs, w) {
        line.spans.insert(0, Span::raw(" "));
        out.push(line);
    }
}

/// A verdict in words with its reasons: "excluded (population, outcome)".
pub(crate) fn verdict_text(v: &Verdict, project: &Project) -> String {
    let mut text = verdict_word(v).to_string();
    if let Verdict::Exclude(reasons) = v {
        if !reasons.is_empty() {
            let labels: Vec<&str> = reasons.iter().map(|id| project.reason_label(id)).collect();
            text.push_str(&format!(" ({})", labels.join(", ")));
        }
    }
    text
}

pub(crate) fn verdict_style(v: &Verdict, t: &Theme) -> Style {
    match v {
        Verdict::Include => t.include,
        Verdict::Exclude(_) => t.exclude,
        _ => t.maybe,
    }
}

/// What the record view and the resolve screen show of record `index`,
/// worked out once per frame: the record completed from its linked copies
/// (a missing title or DOI taken from one) and, in relevance order, why it
/// scored what it did.
pub(crate) struct Shown<'a> {
    copies: Vec<&'a Record>,
    completed: Completed,
    explanation: Option<Explanation>,
}

pub(crate) fn shown(cx: &Ctx, index: usize) -> Shown<'_> {
    // One pass over the records finds the copies for both.
    let places = cx.screening.copy_indices(index);
    let records = &cx.screening.project().records;
    let copies = places.iter().map(|&i| &records[i]).collect();
    let completed = cx.screening.completed_from(index, &places);
    Shown {
        copies,
        completed,
        explanation: explanation(cx, index),
    }
}

/// The record's title, authors and citation line (year, journal, type,
/// database), its copies and its score, highlighted, wrapped to `w`
/// columns.
pub(crate) fn head_lines(
    cx: &Ctx,
    shown: &Shown,
    w: usize,
    t: &Theme,
    out: &mut Vec<Line<'static>>,
) {
    let project = cx.screening.project();
    let Shown {
        copies,
        completed,
        explanation,
    } = shown;
    let r = &completed.record;
    let title = r.display_title();
    if r.title.trim().is_empty() {
        let rest = title
            .strip_prefix("(no title)")
            .unwrap_or(&title)
            .to_string();
        push_wrapped(&[("(no title)", t.maybe), (&rest, t.dim)], w, out);
    } else {
        let marks = marks_with(cx, &title, explanation.as_ref());
        push_wrapped(&marked_runs(&title, t.bold, &marks, t), w, out);
    }
    let authors = r.short_authors();
    if !authors.is_empty() {
        let marks = marks_in(cx, &authors, false);
        push_wrapped(&marked_runs(&authors, Style::default(), &marks, t), w, out);
    }
    let mut meta: Vec<String> = Vec::new();
    if let Some(y) = r.year {
        meta.push(y.to_string());
    }
    let citation = r.citation();
    if !citation.is_empty() {
        meta.push(citation);
    }
    if !r.kind.is_empty() {
        meta.push(r.kind.clone());
    }
    let source = source_name(project, r);
    if !source.is_empty() {
        meta.push(source);
    }
    push_wrapped(&[(&meta.join(" · "), t.dim)], w, out);
    if !copies.is_empty() {
        let line = copies_line(project, copies, completed);
        push_wrapped(&[(&line, t.dim)], w, out);
    }
    if let Some(e) = explanation {
        let runs = explanation_runs(e, t);
        let runs: Vec<(&str, Style)> = runs.iter().map(|(s, st)| (s.as_str(), *st)).collect();
        push_wrapped(&runs, w, out);
    }
}

/// The record's abstract (by section where it has them) and keywords,
/// highlighted, wrapped to `w` columns.
pub(crate) fn text_lines(
    cx: &Ctx,
    shown: &Shown,
    w: usize,
    t: &Theme,
    out: &mut Vec<Line<'static>>,
) {
    let r = &shown.completed.record;
    let explanation = &shown.explanation;
    let sections = r.abstract_sections();
    if !sections.is_empty() {
        for (i, s) in sections.iter().enumerate() {
            if i > 0 {
                out.push(Line::default());
            }
            if !s.label.is_empty() {
                push_wrapped(&[(&s.label, t.bold)], w, out);
            }
            let marks = marks_with(cx, &s.text, explanation.as_ref());
            push_wrapped(&marked_runs(&s.text, Style::default(), &marks, t), w, out);
        }
    } else if r.abstract_text.trim().is_empty() {
        push_wrapped(&[("(no abstract)", t.dim)], w, out);
    } else {
        let marks = marks_with(cx, &r.abstract_text, explanation.as_ref());
        push_wrapped(
            &marked_runs(&r.abstract_text, Style::default(), &marks, t),
            w,
            out,
        );
    }
    if !r.keywords.is_empty() {
        out.push(Line::default());
        let kw = format!("Keywords: {}", r.keywords.join("; "));
        push_wrapped(&[(&kw, t.dim)], w, out);
    }
}

/// What a primary's copies add: how many, from where, and which of its
/// fields were taken from one (`2 linked copies (Scopus, page.txt) · title
/// and DOI 10.1/x from a copy`).
fn copies_line(project: &Project, copies: &[&Record], completed: &Completed) -> String {
    let mut sources: Vec<String> = Vec::new();
    for c in copies {
        let name = source_name(project, c);
        if !name.is_empty() && !sources.contains(&name) {
            sources.push(name);
        }
    }
    let mut line = crate::human::count(copies.len(), "linked copy", "linked copies");
    if !sources.is_empty() {
        line.push_str(&format!(" ({})", sources.join(", ")));
    }
    let r = &completed.record;
    let taken: Vec<String> = completed
        .borrowed
        .iter()
        .map(|b| match b.field {
            "doi" => format!("DOI {}", r.doi.trim()),
            "pmid" => format!("PMID {}", r.pmid.trim()),
            other => other.to_string(),
        })
        .collect();
    if !taken.is_empty() {
        line.push_str(&format!(" · {} taken from a copy", join_and(&taken)));
    }
    line
}

/// `a`, `a and b`, `a, b and c`.
fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}
