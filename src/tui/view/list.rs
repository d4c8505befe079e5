//! The list view: a table of the records shown (row number, status, note
//! mark, reasons, title, year, source). Only the rows on screen are built,
//! so it costs the same at 100 records as at 100,000.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::{marked_runs, marks_in, truncate};
use crate::human::fmt_n;
use crate::project::Verdict;
use crate::tui::app::App;
use crate::tui::forms::file_name;
use crate::tui::theme::Theme;

struct Widths {
    number: usize,
    reasons: usize,
    title: usize,
    source: usize,
}

fn widths(app: &App, width: u16) -> Widths {
    let width = usize::from(width);
    let number = fmt_n(app.rows().len().max(1)).len();
    let reasons = if width >= 110 {
        22
    } else if width >= 80 {
        14
    } else {
        10
    };
    let source = if width >= 110 { 14 } else { 9 };
    // number, space, status (2), space, reasons, space, title, space, year (4), space, source
    let fixed = 1 + number + 1 + 2 + 1 + reasons + 1 + 1 + 4 + 1 + source;
    Widths {
        number,
        reasons,
        title: width.saturating_sub(fixed).max(8),
        source,
    }
}

fn pad(s: &str, width: usize) -> String {
    let s = truncate(s, width);
    let gap = width.saturating_sub(s.width());
    format!("{s}{}", " ".repeat(gap))
}

pub fn render(frame: &mut Frame, app: &App, t: &Theme, body: Rect) {
    let w = widths(app, body.width);
    let mut lines: Vec<Line> = Vec::with_capacity(usize::from(body.height));
    lines.push(Line::styled(
        format!(
            " {:>nw$} {} {} {} {} {}",
            "#",
            pad("", 2),
            pad("reasons", w.reasons),
            pad("title", w.title),
            pad("year", 4),
            pad("source", w.source),
            nw = w.number
        ),
        t.header,
    ));
    if app.rows().is_empty() {
        lines.push(Line::styled(" No record matches the filters.", t.dim));
    }
    let visible = usize::from(body.height.saturating_sub(1));
    for (row, &index) in app
        .rows()
        .iter()
        .enumerate()
        .skip(app.list_offset)
        .take(visible)
    {
        let r = &app.project.records[index];
        let s = app.state(index);
        let (mark, mark_style) = match &s.verdict {
            None => ("·", t.dim),
            Some(Verdict::Include) => ("✓", t.include),
            Some(Verdict::Exclude(_)) => ("✗", t.exclude),
            Some(Verdict::Maybe) => ("?", t.maybe),
            Some(Verdict::NotRetrieved) => ("∅", t.maybe),
            Some(Verdict::Cleared) => ("·", t.dim),
        };
        let noted = if s.note.is_empty() && s.tags.is_empty() {
            " "
        } else {
            "✎"
        };
        let reasons = match &s.verdict {
            Some(Verdict::Exclude(ids)) => ids
                .iter()
                .map(|id| app.project.reason_label(id))
                .collect::<Vec<_>>()
                .join(", "),
            _ => String::new(),
        };
        let source = app
            .project
            .sources
            .get(r.origin.source as usize)
            .map(|s| {
                if s.database.is_empty() {
                    file_name(&s.path)
                } else {
                    s.database.clone()
                }
            })
            .unwrap_or_default();
        let year = r.year.map(|y| y.to_string()).unwrap_or_default();
        let title = r.display_title();
        let title = title.replace('\n', " ");
        let selected = row == app.position();
        let base = if selected {
            t.selected
        } else {
            Style::default()
        };
        let mut spans = vec![
            Span::styled(
                format!(" {:>nw$} ", fmt_n(row + 1), nw = w.number),
                base.patch(t.dim),
            ),
            Span::styled(mark, base.patch(mark_style)),
            Span::styled(format!("{noted} "), base),
            Span::styled(pad(&reasons, w.reasons), base.patch(t.exclude)),
            Span::styled(" ", base),
        ];
        spans.extend(title_spans(app, &title, w.title, base, t));
        spans.push(Span::styled(format!(" {} ", pad(&year, 4)), base));
        spans.push(Span::styled(pad(&source, w.source), base.patch(t.dim)));
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), body);
}

/// The title cut to `width` columns with its highlighted terms.
fn title_spans(app: &App, title: &str, width: usize, base: Style, t: &Theme) -> Vec<Span<'static>> {
    let cut = truncate(title, width);
    let marks = marks_in(app, &cut, true);
    let mut spans: Vec<Span<'static>> = marked_runs(&cut, base, &marks, t)
        .into_iter()
        .map(|(s, st)| Span::styled(s.to_string(), st))
        .collect();
    let used = cut.width();
    if used < width {
        spans.push(Span::styled(" ".repeat(width - used), base));
    }
    spans
}
