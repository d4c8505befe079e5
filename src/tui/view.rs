//! Pure render functions: `App` in, a frame out. Layout constants live here
//! and `App` asks through `record_line_count`/`body_area_height` so scrolling
//! stops exactly at the last line.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::app::{App, Overlay, verdict_word};
use super::keymap::Mode;
use super::wrap::wrap;
use crate::project::Verdict;
use crate::tui::action::{Action, Group};

/// Rows above the record (two header lines and a rule) and below it (a rule
/// and the footer).
const HEADER_ROWS: u16 = 3;
const FOOTER_ROWS: u16 = 2;
/// Below this the layout cannot show a record; a notice is drawn instead.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 10;

pub fn body_area_height(height: u16) -> u16 {
    height.saturating_sub(HEADER_ROWS + FOOTER_ROWS)
}

pub fn help_area_height(height: u16) -> u16 {
    height.saturating_sub(4)
}

struct Theme {
    bold: Style,
    dim: Style,
    include: Style,
    exclude: Style,
    maybe: Style,
    warn: Style,
    ok: Style,
    key: Style,
}

fn theme() -> Theme {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let fg = |c: Color| {
        if no_color {
            Style::default()
        } else {
            Style::default().fg(c)
        }
    };
    Theme {
        bold: Style::default().add_modifier(Modifier::BOLD),
        dim: Style::default().add_modifier(Modifier::DIM),
        include: fg(Color::Green).add_modifier(Modifier::BOLD),
        exclude: fg(Color::Red).add_modifier(Modifier::BOLD),
        maybe: fg(Color::Yellow).add_modifier(Modifier::BOLD),
        warn: fg(Color::Red).add_modifier(Modifier::BOLD | Modifier::REVERSED),
        ok: fg(Color::Green),
        key: fg(Color::Cyan).add_modifier(Modifier::BOLD),
    }
}

/// Thousands separated by commas: 2,310.
pub fn fmt_n(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub fn render(frame: &mut Frame, app: &App) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let msg = format!(
            "Terminal too small ({}x{}); screener needs {MIN_WIDTH}x{MIN_HEIGHT}",
            area.width, area.height
        );
        frame.render_widget(
            Paragraph::new(wrap(&[(&msg, Style::default())], usize::from(area.width))),
            area,
        );
        return;
    }
    let t = theme();
    render_header(frame, app, &t, Rect { height: 2, ..area });
    rule(frame, area.x, area.y + 2, area.width, None, &t);
    let body = Rect {
        x: area.x,
        y: area.y + HEADER_ROWS,
        width: area.width,
        height: body_area_height(area.height),
    };
    let lines = record_lines(app, area.width, &t);
    let visible: Vec<Line> = lines
        .into_iter()
        .skip(usize::from(app.scroll))
        .take(usize::from(body.height))
        .collect();
    frame.render_widget(Paragraph::new(visible), body);
    let bottom = area.y + area.height - FOOTER_ROWS;
    rule(frame, area.x, bottom, area.width, app.flash.as_deref(), &t);
    render_footer(
        frame,
        app,
        &t,
        Rect {
            y: bottom + 1,
            height: 1,
            ..area
        },
    );
    match &app.overlay {
        Overlay::None => {}
        Overlay::Reasons { selected } => render_reasons(frame, app, selected, &t),
        Overlay::Help { scroll } => render_help(frame, app, *scroll, &t),
    }
}

fn rule(frame: &mut Frame, x: u16, y: u16, width: u16, text: Option<&str>, t: &Theme) {
    let line = match text {
        None => Line::styled("─".repeat(usize::from(width)), t.dim),
        Some(msg) => {
            let msg = format!(" {msg} ");
            let used = msg.width() + 2;
            Line::from(vec![
                Span::styled("──", t.dim),
                Span::styled(msg, t.bold),
                Span::styled("─".repeat(usize::from(width).saturating_sub(used)), t.dim),
            ])
        }
    };
    frame.render_widget(
        Paragraph::new(line),
        Rect {
            x,
            y,
            width,
            height: 1,
        },
    );
}

fn render_header(frame: &mut Frame, app: &App, t: &Theme, area: Rect) {
    let n = app.queue_len();
    let counts = app.counts();
    let decided = counts.decided();
    let percent = (decided * 100).checked_div(n).unwrap_or(0);
    let bar_cells = 8;
    let filled = (decided * bar_cells).checked_div(n).unwrap_or(0);
    let right = format!(
        "{}/{}  {}{} {percent}% ",
        fmt_n(if n == 0 { 0 } else { app.position() + 1 }),
        fmt_n(n),
        "▓".repeat(filled),
        "░".repeat(bar_cells - filled),
    );
    let left = format!(
        " screener · {} · {} · {}",
        app.project_name,
        app.reviewer,
        app.stage.label()
    );
    let gap = usize::from(area.width).saturating_sub(left.width() + right.width());
    let line1 = Line::from(vec![
        Span::styled(left, t.bold),
        Span::raw(" ".repeat(gap.max(1))),
        Span::raw(right),
    ]);
    let mut parts = vec![
        Span::raw(" "),
        Span::styled(format!("✓ {} included", fmt_n(counts.included)), t.include),
        Span::raw("  "),
        Span::styled(format!("✗ {} excluded", fmt_n(counts.excluded)), t.exclude),
        Span::raw("  "),
        Span::styled(format!("? {} maybe", fmt_n(counts.maybe)), t.maybe),
    ];
    if counts.not_retrieved > 0 {
        parts.push(Span::raw(format!(
            "  ∅ {} not retrieved",
            fmt_n(counts.not_retrieved)
        )));
    }
    parts.push(Span::raw(format!(" · {} left", fmt_n(n - decided.min(n)))));
    frame.render_widget(Paragraph::new(vec![line1, Line::from(parts)]), area);
}

/// How many lines the record on screen takes at this width.
pub fn record_line_count(app: &App, width: u16) -> usize {
    record_lines(app, width, &theme()).len()
}

fn record_lines(app: &App, width: u16, t: &Theme) -> Vec<Line<'static>> {
    let Some(r) = app.current() else {
        return vec![Line::styled(" Nothing to screen here.", t.dim)];
    };
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
        push(&[(&title, t.bold)], &mut out);
    }
    let authors = r.short_authors();
    if !authors.is_empty() {
        push(&[(&authors, Style::default())], &mut out);
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
    if let Some(v) = app.verdict_of(&r.key) {
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
        push(&[(&text, style)], &mut out);
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
            push(&[(&s.text, Style::default())], &mut out);
        }
    } else if r.abstract_text.trim().is_empty() {
        push(&[("(no abstract)", t.dim)], &mut out);
    } else {
        push(&[(&r.abstract_text, Style::default())], &mut out);
    }
    if !r.keywords.is_empty() {
        out.push(Line::default());
        let kw = format!("Keywords: {}", r.keywords.join("; "));
        push(&[(&kw, t.dim)], &mut out);
    }
    out
}

fn file_name(path: &str) -> String {
    std::path::Path::new(path)
        .file_name()
        .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned())
}

fn render_footer(frame: &mut Frame, app: &App, t: &Theme, area: Rect) {
    let mark = if let Some(err) = app.save_error() {
        Span::styled(format!(" NOT SAVED ({err}); retrying "), t.warn)
    } else if app.unsaved() > 0 {
        Span::styled(format!(" saving… ({}) ", app.unsaved()), t.maybe)
    } else {
        Span::styled(" saved ✓ ", t.ok)
    };
    let mode = app.mode();
    let hints: &[Action] = match mode {
        Mode::Screening => &[
            Action::Include,
            Action::Exclude,
            Action::Maybe,
            Action::Undo,
            Action::Help,
            Action::Quit,
        ],
        Mode::ReasonPicker => &[Action::Confirm, Action::Cancel],
        Mode::Help => &[Action::Close],
    };
    let mut spans = vec![mark, Span::raw("  ")];
    for &a in hints {
        if let Some(k) = app.keymap.key_for(mode, a) {
            spans.push(Span::styled(k, t.key));
            spans.push(Span::raw(format!(" {}  ", a.short())));
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

fn render_reasons(frame: &mut Frame, app: &App, selected: &[String], t: &Theme) {
    let reasons = app.picker_reasons();
    let mut lines: Vec<Line> = Vec::new();
    for (i, r) in reasons.iter().enumerate() {
        let ticked = selected.contains(&r.id);
        let number = if i < 9 {
            format!("{}", i + 1)
        } else {
            " ".into()
        };
        lines.push(Line::from(vec![
            Span::styled(format!(" {number} "), t.key),
            Span::styled(
                if ticked { "[x] " } else { "[ ] " },
                if ticked { t.exclude } else { Style::default() },
            ),
            Span::styled(
                r.label.clone(),
                if ticked { t.bold } else { Style::default() },
            ),
        ]));
    }
    lines.push(Line::default());
    let confirm = app
        .keymap
        .key_for(Mode::ReasonPicker, Action::Confirm)
        .unwrap_or_default();
    let cancel = app
        .keymap
        .key_for(Mode::ReasonPicker, Action::Cancel)
        .unwrap_or_default();
    lines.push(Line::from(vec![
        Span::styled(format!(" {confirm}"), t.key),
        Span::raw(" confirm · "),
        Span::styled(cancel, t.key),
        Span::raw(" cancel"),
    ]));
    let height = lines.len() as u16 + 2;
    let area = centered(frame.area(), 46, height);
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" Exclude: why? (number keys toggle) "),
        ),
        area,
    );
}

/// The help text, generated from the live keymap.
fn help_lines(app: &App, t: &Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for mode in Mode::ALL {
        let bindings = app.keymap.bindings(mode);
        if bindings.is_empty() {
            continue;
        }
        if !lines.is_empty() {
            lines.push(Line::default());
        }
        lines.push(Line::styled(format!(" {}", mode.title()), t.bold));
        let mut group: Option<Group> = None;
        for (action, keys) in bindings {
            if mode == Mode::Screening && group != Some(action.group()) {
                group = Some(action.group());
                lines.push(Line::styled(format!("  {}", action.group().title()), t.dim));
            }
            let keys = keys.join(", ");
            lines.push(Line::from(vec![
                Span::styled(format!("   {keys:<16}"), t.key),
                Span::raw(format!(" {}", action.describe())),
            ]));
        }
    }
    lines
}

pub fn help_line_count(app: &App) -> usize {
    help_lines(app, &theme()).len()
}

fn render_help(frame: &mut Frame, app: &App, scroll: u16, t: &Theme) {
    let area = frame.area();
    let area = Rect {
        x: area.x + 2,
        y: area.y + 1,
        width: area.width.saturating_sub(4),
        height: area.height.saturating_sub(2),
    };
    let lines: Vec<Line> = help_lines(app, t)
        .into_iter()
        .skip(usize::from(scroll))
        .collect();
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" Keys (from the active keymap) "),
        ),
        area,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands() {
        assert_eq!(fmt_n(0), "0");
        assert_eq!(fmt_n(999), "999");
        assert_eq!(fmt_n(2310), "2,310");
        assert_eq!(fmt_n(1_000_000), "1,000,000");
    }
}
