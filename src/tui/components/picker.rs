//! The reason picker (mode `reason_picker`): the exclusion reasons of the
//! stage, ticked with number keys, a new one added on the fly. It answers
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
use crate::tui::ctx::{Answer, Ctx};
use crate::tui::keymap::Mode;
use crate::tui::theme::Theme;
use crate::tui::view::widgets::{boxed, centered, key_lines};

#[derive(Debug, Clone, Default)]
pub struct ReasonPicker {
    /// Reason ids ticked so far.
    selected: Vec<String>,
    /// Picking reasons for a bulk exclusion rather than one record.
    bulk: bool,
}

impl ReasonPicker {
    pub fn new(selected: Vec<String>, bulk: bool) -> ReasonPicker {
        ReasonPicker { selected, bulk }
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
        match action {
            Action::ToggleReason(n) => {
                if let Some(id) = ids.get(usize::from(n).wrapping_sub(1)) {
                    if let Some(at) = self.selected.iter().position(|s| s == id) {
                        self.selected.remove(at);
                    } else {
                        self.selected.push(id.clone());
                    }
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
                    cx.flash =
                        Some("Pick at least one reason (number keys), or esc to cancel".into());
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
    if !cx.screening.project().settings.exclusion_needs_reason {
        lines.push(Line::styled(
            " (a reason is optional in this project)",
            t.dim,
        ));
    }
    lines.push(Line::default());
    lines.extend(key_lines(
        cx,
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
    let title = match (picker.bulk, cx.screening.stage()) {
        (true, _) => "Bulk exclude: why? (number keys toggle)",
        (false, Stage::TitleAbstract) => "Exclude: why? (number keys toggle)",
        (false, Stage::FullText) => "Exclude at full text: why? (numbers toggle)",
    };
    boxed(frame, area, title, lines, t);
}
