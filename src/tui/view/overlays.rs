//! Everything drawn over the view: the reason picker, help, text fields,
//! menus, the bulk confirmation and the list editors, plus the search line
//! that replaces the footer while typing a search.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::truncate;
use crate::human::fmt_n;
use crate::project::Stage;
use crate::tui::action::Action;
use crate::tui::app::{App, ConfirmBox, InputBox, ListEdit, Menu, Overlay, Picker, SearchBox};
use crate::tui::help;
use crate::tui::input::LineEditor;
use crate::tui::keymap::Mode;
use crate::tui::theme::Theme;
use crate::tui::wrap::wrap;

pub fn render(frame: &mut Frame, app: &App, overlay: &Overlay, t: &Theme) {
    match overlay {
        Overlay::Reasons(p) => render_picker(frame, app, p, t),
        Overlay::Help { scroll } => render_help(frame, app, *scroll, t),
        Overlay::Search(_) => {}
        Overlay::Input(ib) => render_input(frame, ib, t),
        Overlay::Menu(m) => render_menu(frame, app, m, t),
        Overlay::Confirm(c) => render_confirm(frame, app, c, t),
        Overlay::Terms(e) => render_terms(frame, app, e, t),
        Overlay::ReasonsEditor(e) => render_reasons_editor(frame, app, e, t),
        Overlay::Criteria(e) => render_criteria(frame, app, overlay, e, t),
    }
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

fn boxed(frame: &mut Frame, area: Rect, title: &str, lines: Vec<Line>, t: &Theme) {
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
fn key_line(app: &App, mode: Mode, actions: &[(Action, &str)], t: &Theme) -> Line<'static> {
    let mut spans = vec![Span::raw(" ")];
    for (i, (a, label)) in actions.iter().enumerate() {
        let Some(k) = app.keymap.key_for(mode, *a) else {
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
fn key_lines(
    app: &App,
    mode: Mode,
    actions: &[(Action, &str)],
    t: &Theme,
    width: usize,
) -> Vec<Line<'static>> {
    let line = key_line(app, mode, actions, t);
    let runs: Vec<(&str, Style)> = line
        .spans
        .iter()
        .skip(1)
        .map(|s| (s.content.as_ref(), s.style))
        .collect();
    indented(wrap(&runs, width.saturating_sub(1).max(1)))
}

/// Lines with one space before each (wrapping drops leading spaces).
fn indented(mut lines: Vec<Line<'static>>) -> Vec<Line<'static>> {
    for l in &mut lines {
        l.spans.insert(0, Span::raw(" "));
    }
    lines
}

/// Lines of `editor` wrapped to `width`, the cursor drawn in reverse video.
fn editor_lines(editor: &LineEditor, width: usize, t: &Theme) -> Vec<Line<'static>> {
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

fn render_picker(frame: &mut Frame, app: &App, picker: &Picker, t: &Theme) {
    let reasons = app.picker_reasons();
    let mut lines: Vec<Line> = Vec::new();
    for (i, r) in reasons.iter().enumerate() {
        let ticked = picker.selected.contains(&r.id);
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
    if !app.project.settings.exclusion_needs_reason {
        lines.push(Line::styled(
            " (a reason is optional in this project)",
            t.dim,
        ));
    }
    lines.push(Line::default());
    lines.extend(key_lines(
        app,
        Mode::ReasonPicker,
        &[
            (Action::Confirm, "confirm"),
            (Action::AddReason, "new reason"),
            (Action::Cancel, "cancel"),
        ],
        t,
        48,
    ));
    let height = lines.len() as u16 + 2;
    let area = centered(frame.area(), 50, height);
    let title = match (picker.bulk, app.stage) {
        (true, _) => "Bulk exclude: why? (number keys toggle)",
        (false, Stage::TitleAbstract) => "Exclude: why? (number keys toggle)",
        (false, Stage::FullText) => "Exclude at full text: why? (numbers toggle)",
    };
    boxed(frame, area, title, lines, t);
}

/// The help text, generated from the live keymap.
fn help_lines(app: &App, t: &Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for section in help::sections(&app.keymap) {
        if !lines.is_empty() {
            lines.push(Line::default());
        }
        lines.push(Line::styled(format!(" {}", section.mode.title()), t.bold));
        for (group, entries) in &section.groups {
            lines.push(Line::styled(format!("  {}", group.title()), t.dim));
            for e in entries {
                lines.push(Line::from(vec![
                    Span::styled(format!("   {:<16}", e.keys), t.key),
                    Span::raw(format!(" {}", e.description)),
                ]));
            }
        }
    }
    lines
}

pub fn help_line_count(app: &App) -> usize {
    help_lines(app, &app.theme).len()
}

/// Lines of help on screen: all but the footer, less the box's borders.
pub fn help_area_height(height: u16) -> u16 {
    height.saturating_sub(4)
}

fn render_help(frame: &mut Frame, app: &App, scroll: u16, t: &Theme) {
    let area = editor_area(frame);
    let lines: Vec<Line> = help_lines(app, t)
        .into_iter()
        .skip(usize::from(scroll))
        .collect();
    boxed(frame, area, "Keys (from the active keymap)", lines, t);
}

pub fn render_search_line(frame: &mut Frame, app: &App, sb: &SearchBox, t: &Theme, area: Rect) {
    let prompt = Span::styled(" / ", t.key);
    let status = match &sb.scanned {
        _ if sb.editor.text().trim().is_empty() => "type to search title, abstract, authors".into(),
        _ if app.scan_progress().is_some() => {
            let (done, of) = app.scan_progress().unwrap_or((0, 1));
            format!("searching… {}%", done * 100 / of.max(1))
        }
        Some((_, Some(_))) => format!("row {}", fmt_n(app.position() + 1)),
        Some((_, None)) => "no match".to_string(),
        None => String::new(),
    };
    let hint = key_line(
        app,
        Mode::Search,
        &[(Action::Confirm, "keep"), (Action::Cancel, "back")],
        t,
    );
    let hint_w: usize = hint.spans.iter().map(|s| s.content.width()).sum();
    let room = usize::from(area.width).saturating_sub(3 + status.width() + 3 + hint_w);
    let mut spans = vec![prompt];
    let shown = tail_of(&sb.editor, room.max(4));
    if let Some(first) = editor_lines(&shown, usize::MAX / 2, t).into_iter().next() {
        spans.extend(first.spans);
    }
    spans.push(Span::styled(format!("  {status} "), t.dim));
    spans.extend(hint.spans);
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The end of a long query, so what is being typed stays visible.
fn tail_of(editor: &LineEditor, room: usize) -> LineEditor {
    let text = editor.text();
    if text.width() < room {
        return editor.clone();
    }
    let mut start = 0;
    for (i, _) in text.char_indices() {
        if text[i..].width() < room.saturating_sub(1) {
            start = i;
            break;
        }
    }
    let cursor = editor.cursor().saturating_sub(start);
    LineEditor::with_cursor(&format!("…{}", &text[start..]), cursor + '…'.len_utf8())
}

fn render_input(frame: &mut Frame, ib: &InputBox, t: &Theme) {
    let area = frame.area();
    let width = area.width.saturating_sub(6).min(76);
    let inner_w = usize::from(width.saturating_sub(4));
    let mut lines: Vec<Line> = Vec::new();
    for mut l in editor_lines(&ib.editor, inner_w, t) {
        l.spans.insert(0, Span::raw(" "));
        lines.push(l);
    }
    lines.push(Line::default());
    for mut l in wrap(&[(&ib.hint, t.dim)], inner_w) {
        l.spans.insert(0, Span::raw(" "));
        lines.push(l);
    }
    let max_h = area.height.saturating_sub(2);
    let height = (lines.len() as u16 + 2).min(max_h);
    let rect = centered(area, width, height);
    boxed(frame, rect, &ib.title, lines, t);
}

fn render_menu(frame: &mut Frame, app: &App, m: &Menu, t: &Theme) {
    let area = frame.area();
    let width = area.width.saturating_sub(6).min(60);
    let inner_w = usize::from(width.saturating_sub(2));
    let visible = usize::from(area.height.saturating_sub(6)).max(1);
    let first = m.selected.saturating_sub(visible.saturating_sub(1));
    let mut lines: Vec<Line> = Vec::new();
    for (i, (label, _)) in m.items.iter().enumerate().skip(first).take(visible) {
        let number = if i < 9 {
            format!(" {} ", i + 1)
        } else {
            "   ".into()
        };
        let base = if i == m.selected {
            t.selected
        } else {
            Style::default()
        };
        let text = pad_to(
            &truncate(label, inner_w.saturating_sub(4)),
            inner_w.saturating_sub(3),
        );
        lines.push(Line::from(vec![
            Span::styled(number, base.patch(t.key)),
            Span::styled(text, base),
        ]));
    }
    lines.push(Line::default());
    lines.push(key_line(
        app,
        Mode::Menu,
        &[(Action::Confirm, "pick"), (Action::Cancel, "cancel")],
        t,
    ));
    let height = lines.len() as u16 + 2;
    boxed(frame, centered(area, width, height), &m.title, lines, t);
}

fn pad_to(s: &str, width: usize) -> String {
    format!("{s}{}", " ".repeat(width.saturating_sub(s.width())))
}

fn render_confirm(frame: &mut Frame, app: &App, c: &ConfirmBox, t: &Theme) {
    let area = frame.area();
    let width = area.width.saturating_sub(6).min(70);
    let inner_w = usize::from(width.saturating_sub(4));
    let mut lines: Vec<Line> = Vec::new();
    for para in c.message.lines() {
        for mut l in wrap(&[(para, Style::default())], inner_w) {
            l.spans.insert(0, Span::raw(" "));
            lines.push(l);
        }
    }
    lines.push(Line::default());
    lines.push(key_line(
        app,
        Mode::Confirm,
        &[(Action::Confirm, "yes"), (Action::Cancel, "no")],
        t,
    ));
    let height = lines.len() as u16 + 2;
    boxed(
        frame,
        centered(area, width, height),
        "Bulk action",
        lines,
        t,
    );
}

/// The box of a list editor or the help: the whole screen above the
/// footer, so nothing of the record shows at its sides and a short
/// terminal still has room for the list.
fn editor_area(frame: &Frame) -> Rect {
    let a = frame.area();
    Rect {
        height: a.height.saturating_sub(2),
        ..a
    }
}

/// Entries of a list with the selected one reversed, scrolled so it shows.
fn entry_lines(
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

fn render_terms(frame: &mut Frame, app: &App, e: &ListEdit, t: &Theme) {
    let area = editor_area(frame);
    frame.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(" Highlighted terms (this project) ", t.bold));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let mut foot = indented(wrap(
        &[(
            "words, \"phrases of words\", child* wildcards; any case",
            t.dim,
        )],
        usize::from(inner.width.saturating_sub(1)),
    ));
    foot.extend(key_lines(
        app,
        Mode::Terms,
        &[
            (Action::Add, "add"),
            (Action::Edit, "edit"),
            (Action::Delete, "delete"),
            (Action::SwitchList, "include/exclude"),
            (Action::Close, "close"),
        ],
        t,
        usize::from(inner.width),
    ));
    let foot_h = (foot.len() as u16).min(inner.height.saturating_sub(2));
    let list_h = inner.height - foot_h;
    let visible = usize::from(list_h.saturating_sub(1)).max(1);
    let half = inner.width / 2;
    for (list, title, style) in [
        (0usize, "Include terms", t.term_include),
        (1usize, "Exclude terms", t.term_exclude),
    ] {
        let items = if list == 0 {
            &app.project.highlight.include
        } else {
            &app.project.highlight.exclude
        };
        let col = Rect {
            x: inner.x + if list == 0 { 0 } else { half },
            width: if list == 0 { half } else { inner.width - half },
            height: list_h,
            ..inner
        };
        let active = e.list == list;
        let mut lines = vec![Line::from(Span::styled(
            format!(" {title}{}", if active { " ◂" } else { "" }),
            if active { t.header } else { t.dim },
        ))];
        if items.is_empty() {
            lines.push(Line::styled(" (none)", t.dim));
        }
        lines.extend(entry_lines(
            items,
            active.then_some(e.selected),
            usize::from(col.width),
            visible,
            t,
            &|_| style,
            &|_| String::new(),
        ));
        frame.render_widget(Paragraph::new(lines), col);
    }
    let foot_area = Rect {
        y: inner.y + list_h,
        height: foot_h,
        ..inner
    };
    frame.render_widget(Paragraph::new(foot), foot_area);
}

fn render_reasons_editor(frame: &mut Frame, app: &App, e: &ListEdit, t: &Theme) {
    let area = editor_area(frame);
    let inner_w = usize::from(area.width.saturating_sub(2));
    let stage = if e.list == 0 {
        Stage::TitleAbstract
    } else {
        Stage::FullText
    };
    let reasons: Vec<&crate::project::Reason> = app
        .project
        .reasons
        .iter()
        .filter(|r| r.stage == stage)
        .collect();
    let labels: Vec<String> = reasons
        .iter()
        .map(|r| {
            if r.retired {
                format!("{} (retired)  [{}]", r.label, r.id)
            } else {
                format!("{}  [{}]", r.label, r.id)
            }
        })
        .collect();
    let mut number = 0;
    let numbers: Vec<String> = reasons
        .iter()
        .map(|r| {
            if r.retired {
                "   ".into()
            } else {
                number += 1;
                if number <= 9 {
                    format!("{number}  ")
                } else {
                    "   ".into()
                }
            }
        })
        .collect();
    let retired: Vec<bool> = reasons.iter().map(|r| r.retired).collect();
    let s = &app.project.settings;
    let check = |b: bool| if b { "[x]" } else { "[ ]" };
    let needs = app
        .keymap
        .key_for(Mode::Reasons, Action::ToggleNeedsReason)
        .unwrap_or_default();
    let maybe = app
        .keymap
        .key_for(Mode::Reasons, Action::ToggleMaybeToFullText)
        .unwrap_or_default();
    let mut foot = indented(wrap(
        &[
            (&needs, t.key),
            (
                &format!(
                    " {} an exclusion needs a reason   ",
                    check(s.exclusion_needs_reason)
                ),
                Style::default(),
            ),
            (&maybe, t.key),
            (
                &format!(" {} maybes go on to full text", check(s.maybe_to_full_text)),
                Style::default(),
            ),
        ],
        inner_w.saturating_sub(1),
    ));
    foot.extend(key_lines(
        app,
        Mode::Reasons,
        &[
            (Action::Add, "add"),
            (Action::Edit, "rename"),
            (Action::Delete, "retire"),
            (Action::MoveUp, "up"),
            (Action::MoveDown, "down"),
            (Action::SwitchList, "other stage"),
            (Action::Close, "close"),
        ],
        t,
        inner_w,
    ));
    let inner_h = usize::from(area.height.saturating_sub(2));
    let visible = inner_h.saturating_sub(1 + foot.len()).max(1);
    let mut lines = vec![Line::styled(
        format!(" {} reasons", stage.label()),
        t.header,
    )];
    let shown = entry_lines(
        &labels,
        Some(e.selected),
        inner_w,
        visible,
        t,
        &|i| if retired[i] { t.dim } else { Style::default() },
        &|i| numbers[i].clone(),
    );
    let pad = visible.saturating_sub(shown.len());
    lines.extend(shown);
    lines.extend(std::iter::repeat_n(Line::default(), pad));
    lines.extend(foot);
    boxed(
        frame,
        area,
        "Exclusion reasons and settings (this project)",
        lines,
        t,
    );
}

fn render_criteria(frame: &mut Frame, app: &App, overlay: &Overlay, e: &ListEdit, t: &Theme) {
    let area = editor_area(frame);
    let inner_w = usize::from(area.width.saturating_sub(2));
    let items = app.editor_items(overlay);
    let foot = key_lines(
        app,
        Mode::CriteriaEditor,
        &[
            (Action::Add, "add"),
            (Action::Edit, "edit"),
            (Action::Delete, "delete"),
            (Action::MoveUp, "up"),
            (Action::MoveDown, "down"),
            (Action::Close, "close"),
        ],
        t,
        inner_w,
    );
    let inner_h = usize::from(area.height.saturating_sub(2));
    let visible = inner_h.saturating_sub(1 + foot.len()).max(1);
    let mut lines = vec![Line::styled(
        " One line per criterion, shown beside the record",
        t.dim,
    )];
    let mut shown = if items.is_empty() {
        vec![Line::styled(" (none yet)", t.dim)]
    } else {
        Vec::new()
    };
    shown.extend(entry_lines(
        &items,
        Some(e.selected),
        inner_w,
        visible,
        t,
        &|_| Style::default(),
        &|i| format!("{:>2} ", i + 1),
    ));
    let pad = visible.saturating_sub(shown.len());
    lines.extend(shown);
    lines.extend(std::iter::repeat_n(Line::default(), pad));
    lines.extend(foot);
    boxed(frame, area, "Inclusion criteria (this project)", lines, t);
}
