//! The key reference over the screen (mode `help`), generated from the
//! live keymap, scrolled.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::tui::action::Action;
use crate::tui::component::Component;
use crate::tui::ctx::Ctx;
use crate::tui::help;
use crate::tui::keymap::Mode;
use crate::tui::theme::Theme;
use crate::tui::view::widgets::{boxed, editor_area};

#[derive(Debug, Clone, Default)]
pub struct HelpBox {
    scroll: u16,
}

impl Component for HelpBox {
    fn mode(&self) -> Mode {
        Mode::Help
    }

    fn act(&mut self, action: Action, cx: &mut Ctx) {
        let page = help_area_height(cx.height).saturating_sub(1).max(1);
        match action {
            Action::Close | Action::Quit => cx.close(),
            Action::ScrollDown => self.scroll = self.scroll.saturating_add(1),
            Action::ScrollUp => self.scroll = self.scroll.saturating_sub(1),
            Action::PageDown => self.scroll = self.scroll.saturating_add(page),
            Action::PageUp => self.scroll = self.scroll.saturating_sub(page),
            _ => {}
        }
        self.clamp(cx);
    }

    fn wheel(&mut self, down: bool, cx: &mut Ctx) {
        self.scroll = if down {
            self.scroll.saturating_add(3)
        } else {
            self.scroll.saturating_sub(3)
        };
        self.clamp(cx);
    }

    fn hints(&self) -> &'static [Action] {
        &[Action::Close]
    }

    fn draw(&self, frame: &mut Frame, _area: Rect, cx: &Ctx) {
        render_help(frame, cx, self.scroll, &cx.theme);
    }
}

impl HelpBox {
    /// Stops scrolling at the last line.
    fn clamp(&mut self, cx: &Ctx) {
        let total = help_lines(cx, &cx.theme).len();
        let visible = usize::from(help_area_height(cx.height));
        let max = u16::try_from(total.saturating_sub(visible)).unwrap_or(u16::MAX);
        self.scroll = self.scroll.min(max);
    }
}

/// The help text, generated from the live keymap.
fn help_lines(cx: &Ctx, t: &Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for section in help::sections(&cx.keymap) {
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

/// Lines of help on screen: all but the footer, less the box's borders.
pub fn help_area_height(height: u16) -> u16 {
    height.saturating_sub(4)
}

fn render_help(frame: &mut Frame, cx: &Ctx, scroll: u16, t: &Theme) {
    let area = editor_area(frame);
    let visible = usize::from(area.height.saturating_sub(2));
    let all = help_lines(cx, t);
    let below = all.len().saturating_sub(usize::from(scroll) + visible);
    let mut lines: Vec<Line> = all
        .into_iter()
        .skip(usize::from(scroll))
        .take(visible)
        .collect();
    // The last line gives way to a cue while more lies below it.
    if below > 0 && visible > 1 {
        lines.pop();
        let key = cx.key_hint(Mode::Help, Action::PageDown);
        lines.push(Line::styled(
            format!(
                " ↓ {} more below ({key})",
                crate::human::count(below + 1, "line", "lines")
            ),
            t.dim,
        ));
    }
    boxed(frame, area, "Keys (from the active keymap)", lines, t);
}
