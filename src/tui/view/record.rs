//! The record view: one record wrapped to the width, with highlighted
//! terms, this reviewer's decision, tags and note, and the inclusion
//! criteria panel beside it (wide terminals) or above it (narrow ones).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::{body_rect, marked_runs, marks_in};
use crate::project::Verdict;
use crate::tui::app::{App, verdict_word};
use crate::tui::forms::file_name;
use crate::tui::theme::Theme;
use crate::tui::wrap::wrap;

/// From this width the criteria panel sits beside the record.
const SIDE_PANEL_MIN_WIDTH: u16 = 100;

/// Where the record and the criteria panel go in the body.
fn split(app: &App, body: Rect) -> (Rect, Option<Rect>) {
    if !app.show_criteria {
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
        let lines = criteria_lines(app, body.width.saturating_sub(2), &app.theme).len() as u16;
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
pub fn record_area(app: &App) -> Rect {
    let body = body_rect(Rect::new(0, 0, app.width, app.height));
    split(app, body).0
}

/// How many lines the record on screen takes.
pub fn record_line_count(app: &App, _width: u16) -> usize {
    let area = record_area(app);
    record_lines(app, area.width, &app.theme).len()
}

fn criteria_lines(app: &App, width: u16, t: &Theme) -> Vec<Line<'static>> {
    let text = app.project.criteria.trim();
    if text.is_empty() {
        return vec![Line::styled("(no criteria written yet)", t.dim)];
    }
    let mut out = Vec::new();
    for line in text.lines() {
        let marks = marks_in(app, line, true);
        out.extend(wrap(
            &marked_runs(line, Style::default(), &marks, t),
            usize::from(width).max(1),
        ));
    }
    out
}

pub fn render(frame: &mut Frame, app: &App, t: &Theme, body: Rect) {
    let (area, panel) = split(app, body);
    let lines = record_lines(app, area.width, t);
    let visible: Vec<Line> = lines
        .into_iter()
        .skip(usize::from(app.scroll))
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
        let lines = criteria_lines(app, inner.width.saturating_sub(1), t);
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

pub(crate) fn record_lines(app: &App, width: u16, t: &Theme) -> Vec<Line<'static>> {
    let Some(index) = app.current_index() else {
        let msg = if app.queue_len() == 0 {
            " Nothing to screen here."
        } else {
            " No record matches the filters."
        };
        return vec![Line::styled(msg, t.dim)];
    };
    let r = &app.project.records[index];
    let w = usize::from(width.saturating_sub(2)).max(1);
    let mut out: Vec<Line<'static>> = Vec::new();
    let push = |runs: &[(&str, Style)], out: &mut Vec<Line<'static>>| {
        for mut line in wrap(runs, w) {
            line.spans.insert(0, Span::raw(" "));
            out.push(line);
        }
    };
    let title = r.display_title();
    if r.title.trim().is_empty() {
        let rest = title
            .strip_prefix("(no title)")
            .unwrap_or(&title)
            .to_string();
        push(&[("(no title)", t.maybe), (&rest, t.dim)], &mut out);
    } else {
        let marks = marks_in(app, &title, true);
        push(&marked_runs(&title, t.bold, &marks, t), &mut out);
    }
    let authors = r.short_authors();
    if !authors.is_empty() {
        let marks = marks_in(app, &authors, false);
        push(
            &marked_runs(&authors, Style::default(), &marks, t),
            &mut out,
        );
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
    if let Some(src) = app.project.sources.get(r.origin.source as usize) {
        meta.push(if src.database.is_empty() {
            file_name(&src.path)
        } else {
            src.database.clone()
        });
    }
    push(&[(&meta.join(" · "), t.dim)], &mut out);
    let state = app.state(index);
    if let Some(v) = &state.verdict {
        let style = match v {
            Verdict::Include => t.include,
            Verdict::Exclude(_) => t.exclude,
            _ => t.maybe,
        };
        let mut text = format!("Your decision: {}", verdict_word(v));
        if let Verdict::Exclude(reasons) = v {
            if !reasons.is_empty() {
                let labels: Vec<&str> = reasons
                    .iter()
                    .map(|id| app.project.reason_label(id))
                    .collect();
                text.push_str(&format!(" ({})", labels.join(", ")));
            }
        }
        if let Some(rule) = &state.rule {
            text.push_str(&format!(" · bulk rule: {rule}"));
        }
        push(&[(&text, style)], &mut out);
    }
    if !state.tags.is_empty() {
        let tags = state.tags.join(", ");
        push(&[("Tags: ", t.dim), (&tags, t.key)], &mut out);
    }
    if !state.note.is_empty() {
        push(
            &[("Note: ", t.dim), (&state.note, Style::default())],
            &mut out,
        );
    }
    out.push(Line::default());
    if !r.sections.is_empty() {
        for (i, s) in r.sections.iter().enumerate() {
            if i > 0 {
                out.push(Line::default());
            }
            if !s.label.is_empty() {
                push(&[(&s.label, t.bold)], &mut out);
            }
            let marks = marks_in(app, &s.text, true);
            push(&marked_runs(&s.text, Style::default(), &marks, t), &mut out);
        }
    } else if r.abstract_text.trim().is_empty() {
        push(&[("(no abstract)", t.dim)], &mut out);
    } else {
        let marks = marks_in(app, &r.abstract_text, true);
        push(
            &marked_runs(&r.abstract_text, Style::default(), &marks, t),
            &mut out,
        );
    }
    if !r.keywords.is_empty() {
        out.push(Line::default());
        let kw = format!("Keywords: {}", r.keywords.join("; "));
        push(&[(&kw, t.dim)], &mut out);
    }
    out
}
