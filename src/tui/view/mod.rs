//! The frame around the components: `App` in, a frame out. The header
//! (project, progress, counts, rate), the rules, the footer (save mark and
//! the top component's key hints), then the view and the overlays draw
//! themselves (`Component::draw`). Layout constants live here, so the
//! components scroll by exactly what is shown. Only what is on screen is
//! built: the list draws its visible rows, the record view wraps one record.

pub mod widgets;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::app::App;
use super::component::Component;
use super::ctx::Ctx;
use super::theme::Theme;
use super::wrap::wrap;
use crate::human::fmt_n;
use crate::screening::highlight::{self, Kind};

/// Rows above the body (two header lines and a rule) and below it (a rule
/// and the footer).
const HEADER_ROWS: u16 = 3;
const FOOTER_ROWS: u16 = 2;
/// Below this the layout cannot show a record; a notice is drawn instead.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 15;

pub fn body_area_height(height: u16) -> u16 {
    height.saturating_sub(HEADER_ROWS + FOOTER_ROWS)
}

/// Rows of records the list shows (the body less its column header).
pub fn list_rows_visible(height: u16) -> u16 {
    body_area_height(height).saturating_sub(1)
}

/// `s` cut to `width` columns, with `…` when cut.
pub fn truncate(s: &str, width: usize) -> String {
    if s.width() <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for g in unicode_segmentation::UnicodeSegmentation::graphemes(s, true) {
        let w = g.width();
        if used + w + 1 > width {
            break;
        }
        out.push_str(g);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// The last part of a path, for a file named on screen.
pub fn file_name(path: &str) -> String {
    std::path::Path::new(path)
        .file_name()
        .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned())
}

/// Where a record came from, for a column or a line: the source's
/// database, else its file name.
pub fn source_name(project: &crate::project::Project, r: &crate::record::Record) -> String {
    project
        .sources
        .get(r.origin.source as usize)
        .map(|s| {
            if s.database.is_empty() {
                file_name(&s.path)
            } else {
                s.database.clone()
            }
        })
        .unwrap_or_default()
}

pub(crate) fn body_rect(area: Rect) -> Rect {
    Rect {
        x: area.x,
        y: area.y + HEADER_ROWS,
        width: area.width,
        height: body_area_height(area.height),
    }
}

pub fn render(frame: &mut Frame, app: &App) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let msg = format!(
            "Terminal too small ({}x{}): screener needs at least {MIN_WIDTH}x{MIN_HEIGHT}. \
             Enlarge the window; nothing is lost meanwhile.",
            area.width, area.height
        );
        frame.render_widget(
            Paragraph::new(wrap(&[(&msg, Style::default())], usize::from(area.width))),
            area,
        );
        return;
    }
    let cx = app.ctx();
    let t = &cx.theme;
    let view = app.view_component();
    render_header(frame, cx, t, Rect { height: 2, ..area });
    rule(
        frame,
        area.x,
        area.y + 2,
        area.width,
        view.status(cx).as_deref(),
        t,
    );
    view.draw(frame, body_rect(area), cx);
    let bottom = area.y + area.height - FOOTER_ROWS;
    rule(frame, area.x, bottom, area.width, cx.flash.as_deref(), t);
    let footer = Rect {
        y: bottom + 1,
        height: 1,
        ..area
    };
    let top = app.top();
    if !top.draw_footer(frame, footer, cx) {
        render_footer(frame, cx, top, t, footer);
    }
    for layer in app.layers() {
        layer.component().draw(frame, area, cx);
    }
    settle_clusters(frame.buffer_mut());
}

/// Whether terminals disagree on how wide `g` is: emoji joined by ZWJ
/// (👩‍👩‍👧), flags (pairs of regional indicators, tag sequences), skin
/// tones and emoji presentation selectors. One that cannot join them (tmux)
/// draws every part, wider than the two columns it takes here; another
/// draws a flag's letters in a column each.
fn is_composite(g: &str) -> bool {
    g.chars().nth(1).is_some()
        && g.chars().any(|c| {
            matches!(c,
                '\u{200D}' | '\u{FE0F}'
                | '\u{1F1E6}'..='\u{1F1FF}'
                | '\u{1F3FB}'..='\u{1F3FF}'
                | '\u{E0020}'..='\u{E007F}')
        })
}

/// Makes a frame safe to diff when it holds composite emoji (`is_composite`)
/// that the terminal may draw wider or narrower than the two columns they
/// are given here: the cells they cover get a mark no drawn cell has, so
/// whatever the terminal left there is redrawn by the next frame, and the
/// rest of their row is always redrawn, so what the terminal drew past
/// them is overwritten at once. Each cluster still goes out whole.
fn settle_clusters(buf: &mut ratatui::buffer::Buffer) {
    use ratatui::buffer::CellDiffOption;
    let area = buf.area;
    for y in area.top()..area.bottom() {
        let mut x = area.left();
        let mut redraw = false;
        while x < area.right() {
            let cell = &mut buf[(x, y)];
            if redraw {
                cell.set_diff_option(CellDiffOption::AlwaysUpdate);
            }
            let symbol = cell.symbol();
            if symbol.len() == 1 {
                x += 1;
                continue;
            }
            let width = u16::try_from(symbol.width()).unwrap_or(1).max(1);
            if is_composite(symbol) {
                redraw = true;
                for covered in x + 1..(x + width).min(area.right()) {
                    buf[(covered, y)].set_symbol("");
                }
            }
            x += width;
        }
    }
}

fn rule(frame: &mut Frame, x: u16, y: u16, width: u16, text: Option<&str>, t: &Theme) {
    let line = match text {
        None => Line::styled("─".repeat(usize::from(width)), t.dim),
        Some(msg) => {
            let msg = format!(" {} ", truncate(msg, usize::from(width).saturating_sub(6)));
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

fn render_header(frame: &mut Frame, cx: &Ctx, t: &Theme, area: Rect) {
    let s = &cx.screening;
    let n = s.queue().len();
    let shown = s.rows().len();
    let counts = s.counts();
    let decided = counts.decided().min(n);
    let percent = (decided * 100).checked_div(n).unwrap_or(0);
    let bar_cells = if area.width >= 100 { 16 } else { 8 };
    let filled = (decided * bar_cells).checked_div(n).unwrap_or(0);
    // The row number, and the record's own number that no filter or order
    // changes.
    let position = match s.current_index() {
        None => format!("0/{}", fmt_n(shown)),
        Some(i) => format!(
            "#{} · {}/{}",
            fmt_n(s.number_of(i)),
            fmt_n(s.cursor().row() + 1),
            fmt_n(shown)
        ),
    };
    let right = format!(
        "{position}  {}{} {percent}% ",
        "▓".repeat(filled),
        "░".repeat(bar_cells - filled),
    );
    let left = format!(
        " screener · {} · {} · {}",
        cx.project_name,
        s.reviewer(),
        s.stage().label()
    );
    let room = usize::from(area.width).saturating_sub(right.width() + 1);
    let left = truncate(&left, room);
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
    let left_n = n - decided;
    parts.push(Span::raw(format!(" · {} left", fmt_n(left_n))));
    let rate = match cx.rate.per_hour() {
        Some(r) => {
            let eta = cx
                .rate
                .eta(left_n)
                .map(|e| format!(" · ETA {e}"))
                .unwrap_or_default();
            format!(" · {}/h{eta}", fmt_n(r.round() as usize))
        }
        None => " · –/h".to_string(),
    };
    let used: usize = parts.iter().map(|s| s.content.width()).sum();
    if used + rate.width() <= usize::from(area.width) {
        parts.push(Span::styled(rate, t.dim));
    }
    frame.render_widget(Paragraph::new(vec![line1, Line::from(parts)]), area);
}

/// The marker of a saved decision: "saved ✓" once every change is on disk.
pub fn saved_mark(cx: &Ctx, t: &Theme) -> Span<'static> {
    if let Some(err) = &cx.save_error {
        Span::styled(format!(" NOT SAVED ({err}); retrying "), t.warn)
    } else if cx.unsaved() > 0 {
        Span::styled(format!(" saving… ({}) ", cx.unsaved()), t.maybe)
    } else {
        Span::styled(" saved ✓ ", t.ok)
    }
}

fn render_footer(frame: &mut Frame, cx: &Ctx, top: &dyn Component, t: &Theme, area: Rect) {
    let mode = top.mode();
    let mut spans = vec![saved_mark(cx, t), Span::raw(" ")];
    let mut used: usize = spans.iter().map(|s| s.content.width()).sum();
    for &a in top.hints() {
        if let Some(k) = cx.keymap.key_for(mode, a) {
            let word = format!(" {}  ", a.short());
            if used + k.width() + word.width() > usize::from(area.width) {
                break;
            }
            used += k.width() + word.width();
            spans.push(Span::styled(k, t.key));
            spans.push(Span::raw(word));
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Runs of `text` styled with `base`, with highlighted stretches patched
/// with their styles.
pub(crate) fn marked_runs<'a>(
    text: &'a str,
    base: Style,
    marks: &[(std::ops::Range<usize>, Kind)],
    t: &Theme,
) -> Vec<(&'a str, Style)> {
    let mut out = Vec::new();
    let mut at = 0;
    for (r, k) in marks {
        if r.start > at {
            out.push((&text[at..r.start], base));
        }
        let style = match k {
            Kind::Include => t.term_include,
            Kind::Exclude => t.term_exclude,
            Kind::Search => t.term_search,
            Kind::RankUp => t.term_up,
            Kind::RankDown => t.term_down,
        };
        out.push((&text[r.clone()], base.patch(style)));
        at = r.end;
    }
    if at < text.len() {
        out.push((&text[at..], base));
    }
    if out.is_empty() {
        out.push((text, base));
    }
    out
}

/// Include/exclude terms and the search, found in `text`.
pub(crate) fn marks_in(cx: &Ctx, text: &str, terms: bool) -> Vec<(std::ops::Range<usize>, Kind)> {
    let mut marks = if terms {
        cx.highlighter.find(text)
    } else {
        Vec::new()
    };
    if let Some(f) = &cx.search {
        marks.extend(f.find_all(text).into_iter().map(|r| (r, Kind::Search)));
        marks = highlight::paint(text.len(), marks);
    }
    marks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_by_display_width() {
        assert_eq!(truncate("abcdef", 10), "abcdef");
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("日本語テキスト", 7), "日本語…");
    }
}
