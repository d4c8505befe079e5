//! The reason picker (mode `reason_picker`): the exclusion reasons of the
//! stage, ticked with number keys (the first nine) or by moving the
//! highlight to any of them and toggling it, a new one added on the fly;
//! a long list scrolls with the highlight. It answers
//! the view that opened it with the reasons ticked (for one record or, in
//! bulk, for every undecided record shown).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::reasons;
use super::text::{Purpose, TextInput};
use crate::project::Stage;
use crate::tui::action::Action;
use crate::tui::component::Component;
use crate::tui::ctx::{Answer, Ctx, moved};
use crate::tui::keymap::Mode;
use crate::tui::theme::Theme;
use crate::tui::view::widgets::{boxed, centered, key_lines};

#[derive(Debug, Clone, Default)]
pub struct ReasonPicker {
    /// Reason ids ticked so far.
    selected: Vec<String>,
    /// Picking reasons for a bulk exclusion rather than one record.
    bulk: bool,
    /// The highlighted reason (an index into the stage's reasons).
    at: usize,
}

impl ReasonPicker {
    pub fn new(selected: Vec<String>, bulk: bool) -> ReasonPicker {
        ReasonPicker {
            selected,
            bulk,
            at: 0,
        }
    }

    fn toggle(&mut self, id: &str) {
        if let Some(at) = self.selected.iter().position(|s| s == id) {
            self.selected.remove(at);
        } else {
            self.selected.push(id.to_string());
        }
    }
}

impl Component for ReasonPicker {
    fn mode(&self) -> Mode {
        Mode::ReasonPicker
    }

    fn act(&mut self, action: Action, cx: &mut Ctx) {
        let ids: Vec<String> = cx
            .screening
            .reasons()
            .iter()
            .map(|r| r.id.clone())
            .collect();
        if let Some(to) = moved(self.at, action, ids.len()) {
            self.at = to;
            return;
        }
        match action {
            Action::ToggleReason(n) => {
                let i = usize::from(n).wrapping_sub(1);
                if let Some(id) = ids.get(i) {
                    self.toggle(id);
                    self.at = i;
                }
            }
            Action::Toggle => {
                if let Some(id) = ids.get(self.at) {
                    self.toggle(id);
                }
            }
            Action::AddReason => {
                let stage = cx.screening.stage();
                cx.open(TextInput::layer(
                    "New exclusion reason",
                    "its name; it is added to the project's list and ticked",
                    "",
                    Purpose::NewReason { stage, tick: true },
                ));
            }
            Action::Confirm => {
                if self.selected.is_empty()
                    && cx.screening.project().settings.exclusion_needs_reason
                {
                    let toggle = cx.key_hint(Mode::ReasonPicker, Action::Toggle);
                    let cancel = cx.key_hint(Mode::ReasonPicker, Action::Cancel);
                    cx.flash = Some(format!(
                        "Pick at least one reason (number keys or {toggle}), or {cancel} to cancel"
                    ));
                    return;
                }
                // Reasons in the order of the list, not the order ticked.
                let mut reasons = std::mem::take(&mut self.selected);
                reasons.sort_by_key(|id| ids.iter().position(|o| o == id));
                cx.answer(Answer::Reasons {
                    reasons,
                    bulk: self.bulk,
                });
            }
            Action::Cancel => cx.close(),
            _ => {}
        }
    }

    fn answer(&mut self, answer: Answer, cx: &mut Ctx) {
        if let Answer::Text(Purpose::NewReason { stage, tick }, label) = answer {
            if let Some(id) = reasons::add_reason(stage, &label, cx) {
                if let Some(i) = cx.screening.reasons().iter().position(|r| r.id == id) {
                    self.at = i;
                }
                if tick && !self.selected.contains(&id) {
                    self.selected.push(id);
                }
            }
        }
    }

    fn hints(&self) -> &'static [Action] {
        &[Action::Confirm, Action::AddReason, Action::Cancel]
    }

    fn draw(&self, frame: &mut Frame, _area: Rect, cx: &Ctx) {
        render_picker(frame, cx, self, &cx.theme);
    }
}

fn render_picker(frame: &mut Frame, cx: &Ctx, picker: &ReasonPicker, t: &Theme) {
    let reasons = cx.screening.reasons();
    let mut foot: Vec<Line> = Vec::new();
    if !cx.screening.project().settings.exclusion_needs_reason {
        foot.push(Line::styled(
            " (a reason is optional in this project)",
            t.dim,
        ));
    }
    foot.push(Line::default());
    foot.extend(key_lines(
        cx,
        Mode::ReasonPicker,
        &[
            (Action::Toggle, "toggle"),
            (Action::Confirm, "confirm"),
            (Action::AddReason, "new reason"),
            (Action::Cancel, "cancel"),
        ],
        t,
        48,
    ));
    // A list longer than the screen scrolls with the highlight.
    let room = usize::from(frame.area().height.saturating_sub(4))
        .saturating_sub(foot.len())
        .max(1);
    let visible = reasons.len().min(room);
    let first = picker
        .at
        .saturating_sub(visible.saturating_sub(1))
        .min(reasons.len().saturating_sub(visible));
    let mut lines: Vec<Line> = Vec::new();
    for (i, r) in reasons.iter().enumerate().skip(first).take(visible) {
        let ticked = picker.selected.contains(&r.id);
        let number = if i < 9 {
            format!("{}", i + 1)
        } else {
            " ".into()
        };
        let base = if i == picker.at {
            t.selected
        } else {
            Style::default()
        };
        let more = if i == first && first > 0 {
            "↑"
        } else if i + 1 == first + visible && i + 1 < reasons.len() {
            "↓"
        } else {
            " "
        };
        lines.push(Line::from(vec![
            Span::styled(more, t.dim),
            Span::styled(format!("{number} "), t.key),
            Span::styled(
                if ticked { "[x] " } else { "[ ] " },
                base.patch(if ticked { t.exclude } else { Style::default() }),
            ),
            Span::styled(
                r.label.clone(),
                base.patch(if ticked { t.bold } else { Style::default() }),
            ),
        ]));
    }
    lines.extend(foot);
    let height = lines.len() as u16 + 2;
    let area = centered(frame.area(), 50, height);
    let title = match (picker.bulk, cx.screening.stage()) {
        (true, _) => "Bulk exclude: why?",
        (false, Stage::TitleAbstract) => "Exclude: why?",
        (false, Stage::FullText) => "Exclude at full text: why?",
    };
    boxed(frame, area, title, lines, t);
}
