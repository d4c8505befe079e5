//! The inclusion criteria editor (mode `criteria`): one criterion a line,
//! added, edited, deleted and moved; shown beside the record.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;

use super::editor::{self, ListEdit};
use super::record;
use super::text::{Purpose, TextInput};
use crate::project::{Change, Project};
use crate::tui::action::Action;
use crate::tui::component::Component;
use crate::tui::ctx::{Answer, Ctx, step_index};
use crate::tui::keymap::Mode;
use crate::tui::theme::Theme;
use crate::tui::view::widgets::{boxed, editor_area, entry_lines, key_lines};

#[derive(Debug, Clone, Default)]
pub struct CriteriaEditor {
    edit: ListEdit,
}

/// The criteria, one a line, blank lines left out.
fn criteria_lines(project: &Project) -> Vec<String> {
    project
        .criteria
        .lines()
        .map(str::to_string)
        .filter(|l| !l.trim().is_empty())
        .collect()
}

impl Component for CriteriaEditor {
    fn mode(&self) -> Mode {
        Mode::CriteriaEditor
    }

    fn act(&mut self, action: Action, cx: &mut Ctx) {
        let mut lines = criteria_lines(cx.screening.project());
        if self.edit.navigate(action, lines.len(), cx) {
            return;
        }
        let selected = self.edit.selected;
        match action {
            Action::Add => cx.open(TextInput::layer(
                "New criterion",
                "one line, e.g. P: adults with type 2 diabetes",
                "",
                Purpose::NewCriterion,
            )),
            Action::Edit => {
                if let Some(item) = lines.get(selected) {
                    cx.open(TextInput::layer(
                        "Edit criterion",
                        "empty removes it",
                        item,
                        Purpose::EditCriterion(selected),
                    ));
                }
            }
            Action::Delete if selected < lines.len() => {
                lines.remove(selected);
                self.edit = ListEdit {
                    list: 0,
                    selected: selected.min(lines.len().saturating_sub(1)),
                };
                set_criteria(lines, cx);
            }
            Action::MoveUp | Action::MoveDown => {
                let delta = if action == Action::MoveUp { -1 } else { 1 };
                let to = step_index(selected, delta, lines.len());
                if to != selected {
                    lines.swap(selected, to);
                    self.edit = ListEdit {
                        list: 0,
                        selected: to,
                    };
                    set_criteria(lines, cx);
                }
            }
            _ => {}
        }
    }

    fn answer(&mut self, answer: Answer, cx: &mut Ctx) {
        let Answer::Text(purpose, text) = answer else {
            return;
        };
        let mut lines = criteria_lines(cx.screening.project());
        match purpose {
            Purpose::NewCriterion => {
                if text.is_empty() {
                    return;
                }
                lines.push(text);
                self.edit.selected = lines.len() - 1;
                set_criteria(lines, cx);
            }
            Purpose::EditCriterion(index) => {
                editor::replace_or_remove(&mut lines, index, text);
                set_criteria(lines, cx);
            }
            _ => {}
        }
    }

    fn hints(&self) -> &'static [Action] {
        &[Action::Add, Action::Edit, Action::Delete, Action::Close]
    }

    fn draw(&self, frame: &mut Frame, _area: Rect, cx: &Ctx) {
        render_criteria(frame, cx, &self.edit, &cx.theme);
    }
}

fn set_criteria(lines: Vec<String>, cx: &mut Ctx) {
    let text = lines.join("\n");
    if text == cx.screening.project().criteria {
        return;
    }
    cx.persist(Change::SetCriteria(text));
    record::clamp_scroll(cx);
}

fn render_criteria(frame: &mut Frame, cx: &Ctx, e: &ListEdit, t: &Theme) {
    let area = editor_area(frame);
    let inner_w = usize::from(area.width.saturating_sub(2));
    let items = criteria_lines(cx.screening.project());
    let foot = key_lines(
        cx,
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
