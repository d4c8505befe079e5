//! Pieces the overlays are drawn from: a centred box, a bordered box with a
//! title, key hints from the live keymap, a text field with its cursor,
//! a list with its selected entry.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::truncate;
use crate::tui::action::Action;
use crate::tui::ctx::Ctx;
use crate::tui::input::LineEditor;
use crate::tui::keymap::Mode;
use crate::tui::theme::Theme;
use crate::tui::wrap::wrap;

pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

pub fn boxed(frame: &mut Frame, area: Rect, title: &str, lines: Vec<Line>, t: &Theme) {
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .title(Span::styled(format!(" {title} "), t.bold)),
        ),
        area,
    );
}

/// `key label · key label` from the live keymap.
pub fn key_line(cx: &Ctx, mode: Mode, actions: &[(Action, &str)], t: &Theme) -> Line<'static> {
    let mut spans = vec![Span::raw(" ")];
    for (i, (a, label)) in actions.iter().enumerate() {
        let Some(k) = cx.keymap.key_for(mode, *a) else {
            continue;
        };
        if i > 0 && spans.len() > 1 {
            spans.push(Span::styled(" · ", t.dim));
        }
        spans.push(Span::styled(k, t.key));
        spans.push(Span::raw(format!(" {label}")));
    }
    Line::from(spans)
}

/// `key_line` wrapped to `width` columns.
pub fn key_lines(
    cx: &Ctx,
    mode: Mode,
    actions: &[(Action, &str)],
    t: &Theme,
    width: usize,
) -> Vec<Line<'static>> {
    let line = key_line(cx, mode, actions, t);
    let runs: Vec<(&str, Style)> = line
        .spans
        .iter()
        .skip(1)
        .map(|s| (s.content.as_ref(), s.style))
        .collect();
    indented(wrap(&runs, width.saturating_sub(1).max(1)))
}

/// Lines with one space before each (wrapping drops leading spaces).
pub fn indented(mut lines: Vec<Line<'static>>) -> Vec<Line<'static>> {
    for l in &mut lines {
        l.spans.insert(0, Span::raw(" "));
    }
    lines
}

/// Lines of `editor` wrapped to `width`, the cursor drawn in reverse video.
pub fn editor_lines(editor: &LineEditor, width: usize, t: &Theme) -> Vec<Line<'static>> {
    let text = editor.text();
    let at = editor.cursor();
    let under = text[at..].chars().next();
    let (cursor_text, after_start) = match under {
        Some(c) => (c.to_string(), at + c.len_utf8()),
        None => (" ".to_string(), at),
    };
    let cursor_style = t.selected;
    wrap(
        &[
            (&text[..at], Style::default()),
            (&cursor_text, cursor_style),
            (&text[after_start..], Style::default()),
        ],
        width.max(1),
    )
}

pub fn pad_to(s: &str, width: usize) -> String {
    format!("{s}{}", " ".repeat(width.saturating_sub(s.width())))
}

/// The box of a list editor or the help: the whole screen above the
/// footer, so nothing of the record shows at its sides and a short
/// terminal still has room for the list.
pub fn editor_area(frame: &Frame) -> Rect {
    let a = frame.area();
    Rect {
        height: a.height.saturating_sub(2),
        ..a
    }
}

/// Entries of a list with the selected one reversed, scrolled so it shows.
pub fn entry_lines(
    items: &[String],
    selected: Option<usize>,
    width: usize,
    visible: usize,
    t: &Theme,
    style_of: &dyn Fn(usize) -> Style,
    prefix_of: &dyn Fn(usize) -> String,
) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let first = selected.map_or(0, |s| s.saturating_sub(visible.saturating_sub(1)));
    for (i, item) in items.iter().enumerate().skip(first).take(visible) {
        let base = if Some(i) == selected {
            t.selected
        } else {
            Style::default()
        };
        let prefix = prefix_of(i);
        let room = width.saturating_sub(prefix.width() + 1);
        out.push(Line::from(vec![
            Span::styled(format!(" {prefix}"), base.patch(t.key)),
            Span::styled(pad_to(&truncate(item, room), room), base.patch(style_of(i))),
        ]));
    }
    out
}
