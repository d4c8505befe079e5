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
use crate::project::{Project, Verdict};
use crate::tui::action::Action;
use crate::tui::component::Component;
use crate::tui::ctx::{Answer, Ctx, verdict_word};
use crate::tui::keymap::Mode;
use crate::tui::theme::Theme;
use crate::tui::view::{self, body_rect, file_name, marked_runs, marks_in};
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

/// Where the record and the criteria panel go in the body.
fn split(cx: &Ctx, body: Rect) -> (Rect, Option<Rect>) {
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

/// The area the record is drawn in, for exact scrolling.
pub fn record_area(cx: &Ctx) -> Rect {
    let body = body_rect(Rect::new(0, 0, cx.width, cx.height));
    split(cx, body).0
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

fn render(frame: &mut Frame, cx: &Ctx, t: &Theme, body: Rect) {
    let (area, panel) = split(cx, body);
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
    head_lines(cx, index, w, t, &mut out);
    let state = s.state(index);
    if let Some(v) = &state.verdict {
        let mut text = format!("Your decision: {}", verdict_text(v, project));
        if let Some(rule) = &state.rule {
            text.push_str(&format!(" · bulk rule: {rule}"));
        }
        push_wrapped(&[(&text, verdict_style(v, t))], w, &mut out);
    }
    if !state.tags.is_empty() {
        let tags = state.tags.join(", ");
        push_wrapped(&[("Tags: ", t.dim), (&tags, t.key)], w, &mut out);
    }
    if !state.note.is_empty() {
        push_wrapped(
            &[("Note: ", t.dim), (&state.note, Style::default())],
            w,
            &mut out,
        );
    }
    out.push(Line::default());
    text_lines(cx, index, w, t, &mut out);
    out
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

/// Record `index`'s title, authors and citation line (year, journal,
/// type, database), highlighted, wrapped to `w` columns.
pub(crate) fn head_lines(
    cx: &Ctx,
    index: usize,
    w: usize,
    t: &Theme,
    out: &mut Vec<Line<'static>>,
) {
    let project = cx.screening.project();
    let r = &project.records[index];
    let title = r.display_title();
    if r.title.trim().is_empty() {
        let rest = title
            .strip_prefix("(no title)")
            .unwrap_or(&title)
            .to_string();
        push_wrapped(&[("(no title)", t.maybe), (&rest, t.dim)], w, out);
    } else {
        let marks = marks_in(cx, &title, true);
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
    if let Some(src) = project.sources.get(r.origin.source as usize) {
        meta.push(if src.database.is_empty() {
            file_name(&src.path)
        } else {
            src.database.clone()
        });
    }
    push_wrapped(&[(&meta.join(" · "), t.dim)], w, out);
}

/// Record `index`'s abstract (by section where it has them) and keywords,
/// highlighted, wrapped to `w` columns.
pub(crate) fn text_lines(
    cx: &Ctx,
    index: usize,
    w: usize,
    t: &Theme,
    out: &mut Vec<Line<'static>>,
) {
    let r = &cx.screening.project().records[index];
    if !r.sections.is_empty() {
        for (i, s) in r.sections.iter().enumerate() {
            if i > 0 {
                out.push(Line::default());
            }
            if !s.label.is_empty() {
                push_wrapped(&[(&s.label, t.bold)], w, out);
            }
            let marks = marks_in(cx, &s.text, true);
            push_wrapped(&marked_runs(&s.text, Style::default(), &marks, t), w, out);
        }
    } else if r.abstract_text.trim().is_empty() {
        push_wrapped(&[("(no abstract)", t.dim)], w, out);
    } else {
        let marks = marks_in(cx, &r.abstract_text, true);
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
