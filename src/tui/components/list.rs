//! The list view (mode `list`): a table of the records shown (row number,
//! record number, status, note mark, reasons, title, first author and year, source). Its keys move rows
//! rather than scroll a record; everything else it shares with the record
//! view (`browse`). Only the rows on screen are built, so it costs the
//! same at 100 records as at 100,000.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::browse::{self, Browse};
use crate::human::fmt_n;
use crate::project::Verdict;
use crate::record::Record;
use crate::tui::action::Action;
use crate::tui::app::View;
use crate::tui::component::Component;
use crate::tui::ctx::{Answer, Ctx};
use crate::tui::keymap::Mode;
use crate::tui::theme::Theme;
use crate::tui::view::{self, marked_runs, marks_in, source_name, truncate};

#[derive(Debug, Default)]
pub struct ListView;

impl Component for ListView {
    fn mode(&self) -> Mode {
        Mode::List
    }

    fn act(&mut self, action: Action, cx: &mut Ctx) {
        if !browse::allowed(action, Browse::List, cx) {
            return;
        }
        let page = i64::from(view::list_rows_visible(cx.height).saturating_sub(1).max(1));
        match action {
            Action::ScrollDown => move_rows(cx, 1),
            Action::ScrollUp => move_rows(cx, -1),
            Action::PageDown => move_rows(cx, page),
            Action::PageUp => move_rows(cx, -page),
            Action::List | Action::Close => browse::switch(Browse::List, cx),
            Action::OpenRecord => {
                cx.screening.set_line(0);
                cx.show(View::Record);
            }
            _ => browse::act(action, Browse::List, cx),
        }
    }

    fn answer(&mut self, answer: Answer, cx: &mut Ctx) {
        browse::answer(answer, Browse::List, cx);
    }

    fn wheel(&mut self, down: bool, cx: &mut Ctx) {
        move_rows(cx, if down { 3 } else { -3 });
    }

    fn hints(&self) -> &'static [Action] {
        &[
            Action::OpenRecord,
            Action::Filter,
            Action::BulkExclude,
            Action::Help,
            Action::List,
            Action::Search,
            Action::Include,
            Action::Exclude,
        ]
    }

    fn status(&self, cx: &Ctx) -> Option<String> {
        browse::status(cx)
    }

    fn draw(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        render(frame, cx, &cx.theme, area);
    }
}

fn move_rows(cx: &mut Ctx, delta: i64) {
    let row = (cx.screening.cursor().row() as i64 + delta).max(0) as usize;
    cx.screening.go_to(row);
}

struct Widths {
    number: usize,
    /// The record number (`#12`): its place in import order.
    record: usize,
    reasons: usize,
    title: usize,
    author: usize,
    source: usize,
}

fn widths(cx: &Ctx, width: u16) -> Widths {
    let width = usize::from(width);
    let number = fmt_n(cx.screening.rows().len().max(1)).len().max(3);
    let record = 1 + fmt_n(cx.screening.project().records.len().max(1)).len();
    let reasons = if width >= 110 {
        22
    } else if width >= 80 {
        14
    } else {
        10
    };
    let source = if width >= 110 { 14 } else { 9 };
    let author = if width >= 110 { 18 } else { 12 };
    // number, space, record, space, status (2), space, reasons, space, title, space, author,
    // space, source
    let fixed = 1 + number + 1 + record + 1 + 2 + 1 + reasons + 1 + 1 + author + 1 + source;
    Widths {
        number,
        record,
        reasons,
        title: width.saturating_sub(fixed).max(8),
        author,
        source,
    }
}

fn pad(s: &str, width: usize) -> String {
    let s = truncate(s, width);
    let gap = width.saturating_sub(s.width());
    format!("{s}{}", " ".repeat(gap))
}

fn render(frame: &mut Frame, cx: &Ctx, t: &Theme, body: Rect) {
    let s = &cx.screening;
    let project = s.project();
    let w = widths(cx, body.width);
    let mut lines: Vec<Line> = Vec::with_capacity(usize::from(body.height));
    lines.push(Line::styled(
        format!(
            " {:>nw$} {:>rw$} {} {} {} {} {}",
            "row",
            "#",
            pad("", 2),
            pad("reasons", w.reasons),
            pad("title", w.title),
            pad("author, year", w.author),
            pad("source", w.source),
            nw = w.number,
            rw = w.record
        ),
        t.header,
    ));
    if s.rows().is_empty() {
        lines.push(Line::styled(" No record matches the filters.", t.dim));
    }
    let visible = usize::from(body.height.saturating_sub(1));
    for (row, &index) in s
        .rows()
        .iter()
        .enumerate()
        .skip(s.cursor().top())
        .take(visible)
    {
        let r = &project.records[index];
        let state = s.state(index);
        let (mark, mark_style) = match &state.verdict {
            None => ("·", t.dim),
            Some(Verdict::Include) => ("✓", t.include),
            Some(Verdict::Exclude(_)) => ("✗", t.exclude),
            Some(Verdict::Maybe) => ("?", t.maybe),
            Some(Verdict::NotRetrieved) => ("∅", t.maybe),
            Some(Verdict::Cleared) => ("·", t.dim),
        };
        let noted = if state.note.is_empty() && state.tags.is_empty() {
            " "
        } else {
            "✎"
        };
        let reasons = match &state.verdict {
            Some(Verdict::Exclude(ids)) => ids
                .iter()
                .map(|id| project.reason_label(id))
                .collect::<Vec<_>>()
                .join(", "),
            _ => String::new(),
        };
        let source = source_name(project, r);
        let author = author_year(r, w.author);
        let title = s.list_title(index).replace('\n', " ");
        let selected = row == s.cursor().row();
        let base = if selected {
            t.selected
        } else {
            Style::default()
        };
        let mut spans = vec![
            Span::styled(
                format!(
                    " {:>nw$} {:>rw$} ",
                    fmt_n(row + 1),
                    format!("#{}", fmt_n(s.number_of(index))),
                    nw = w.number,
                    rw = w.record
                ),
                base.patch(t.dim),
            ),
            Span::styled(mark, base.patch(mark_style)),
            Span::styled(format!("{noted} "), base),
            Span::styled(pad(&reasons, w.reasons), base.patch(t.exclude)),
            Span::styled(" ", base),
        ];
        spans.extend(title_spans(cx, &title, w.title, base, t));
        spans.push(Span::styled(format!(" {} ", pad(&author, w.author)), base));
        spans.push(Span::styled(pad(&source, w.source), base.patch(t.dim)));
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), body);
}

/// First author and year in `width` columns; a long surname is cut, not
/// the year, which tells records apart as much.
fn author_year(r: &Record, width: usize) -> String {
    let text = r.author_year();
    if text.width() <= width {
        return text;
    }
    match (r.year, text.rsplit_once(' ')) {
        (Some(y), Some((author, year))) if year == y.to_string() => {
            let room = width.saturating_sub(year.width() + 1);
            format!("{} {year}", truncate(author, room))
        }
        _ => truncate(&text, width),
    }
}

/// The title cut to `width` columns with its highlighted terms.
fn title_spans(cx: &Ctx, title: &str, width: usize, base: Style, t: &Theme) -> Vec<Span<'static>> {
    let cut = truncate(title, width);
    let marks = marks_in(cx, &cut, true);
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
