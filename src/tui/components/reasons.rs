//! The exclusion reasons editor (mode `reasons`): the reasons of each
//! stage, added, renamed, retired and moved (ids stay), and the two
//! settings that go with them.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;

use super::editor::ListEdit;
use super::text::{Purpose, TextInput};
use crate::project::{Change, Reason, Stage};
use crate::tui::action::Action;
use crate::tui::component::Component;
use crate::tui::ctx::{Answer, Ctx};
use crate::tui::keymap::Mode;
use crate::tui::theme::Theme;
use crate::tui::view::widgets::{boxed, editor_area, entry_lines, indented, key_lines};
use crate::tui::wrap::wrap;

#[derive(Debug, Clone, Default)]
pub struct ReasonsEditor {
    edit: ListEdit,
}

impl ReasonsEditor {
    /// Opens on the reasons of `stage`.
    pub fn at(stage: Stage) -> ReasonsEditor {
        ReasonsEditor {
            edit: ListEdit {
                list: usize::from(stage == Stage::FullText),
                selected: 0,
            },
        }
    }

    fn stage(&self) -> Stage {
        if self.edit.list == 0 {
            Stage::TitleAbstract
        } else {
            Stage::FullText
        }
    }
}

/// The reasons of one stage, retired ones included, in the project's order.
fn reasons_at(cx: &Ctx, stage: Stage) -> Vec<Reason> {
    cx.screening
        .project()
        .reasons
        .iter()
        .filter(|r| r.stage == stage)
        .cloned()
        .collect()
}

/// Adds a reason called `label` at `stage`, unless one by that name is
/// there; `None` for an empty name, else the reason's id.
pub fn add_reason(stage: Stage, label: &str, cx: &mut Ctx) -> Option<String> {
    if label.is_empty() {
        return None;
    }
    let project = cx.screening.project();
    let existing = project
        .reasons
        .iter()
        .find(|r| r.stage == stage && !r.retired && r.label.eq_ignore_ascii_case(label))
        .map(|r| r.id.clone());
    Some(match existing {
        Some(id) => {
            cx.flash = Some(format!("\"{label}\" is a reason already"));
            id
        }
        None => {
            let id = project.new_reason_id(label, stage);
            cx.persist(Change::AddReason(Reason {
                id: id.clone(),
                label: label.to_string(),
                stage,
                retired: false,
            }));
            cx.flash = Some(format!("Reason \"{label}\" added to the project"));
            id
        }
    })
}

impl Component for ReasonsEditor {
    fn mode(&self) -> Mode {
        Mode::Reasons
    }

    fn act(&mut self, action: Action, cx: &mut Ctx) {
        let stage = self.stage();
        let here = reasons_at(cx, stage);
        if self.edit.navigate(action, here.len(), cx) {
            return;
        }
        let selected = here.get(self.edit.selected).cloned();
        match action {
            Action::Add => cx.open(TextInput::layer(
                match stage {
                    Stage::TitleAbstract => "New title/abstract reason",
                    Stage::FullText => "New full-text reason",
                },
                "its name; the id is made from it and never reused",
                "",
                Purpose::NewReason { stage, tick: false },
            )),
            Action::Edit => {
                if let Some(r) = selected {
                    cx.open(TextInput::layer(
                        "Rename reason",
                        &format!("id {} stays the same", r.id),
                        &r.label,
                        Purpose::RenameReason(r.id),
                    ));
                }
            }
            Action::Delete => {
                if let Some(r) = selected {
                    cx.flash = Some(if r.retired {
                        format!("\"{}\" is back in the picker", r.label)
                    } else {
                        format!(
                            "\"{}\" is retired: no longer offered; past exclusions keep it",
                            r.label
                        )
                    });
                    cx.persist(Change::RetireReason {
                        id: r.id,
                        retired: !r.retired,
                    });
                }
            }
            Action::MoveUp | Action::MoveDown => {
                let up = action == Action::MoveUp;
                let Some(r) = selected else {
                    return;
                };
                let at = self.edit.selected;
                let neighbour = if up {
                    at.checked_sub(1).and_then(|j| here.get(j))
                } else {
                    here.get(at + 1)
                };
                let Some(n) = neighbour else {
                    return;
                };
                let project = cx.screening.project();
                let Some(index) = project.reasons.iter().position(|x| x.id == n.id) else {
                    return;
                };
                cx.persist(Change::MoveReason { id: r.id, index });
                self.edit.selected = if up { at - 1 } else { at + 1 };
            }
            Action::ToggleNeedsReason | Action::ToggleMaybeToFullText => {
                let mut s = cx.screening.project().settings.clone();
                if action == Action::ToggleNeedsReason {
                    s.exclusion_needs_reason = !s.exclusion_needs_reason;
                } else {
                    s.maybe_to_full_text = !s.maybe_to_full_text;
                }
                cx.persist(Change::SetSettings(s));
                if action == Action::ToggleMaybeToFullText
                    && cx.screening.stage() == Stage::FullText
                {
                    cx.screening.rebuild_queue(None);
                }
            }
            _ => {}
        }
    }

    fn answer(&mut self, answer: Answer, cx: &mut Ctx) {
        match answer {
            Answer::Text(Purpose::NewReason { stage, .. }, label) => {
                let added = add_reason(stage, &label, cx);
                if added.is_some() {
                    self.edit.selected = reasons_at(cx, stage).len().saturating_sub(1);
                }
            }
            Answer::Text(Purpose::RenameReason(id), label) => {
                if label.is_empty() {
                    cx.flash = Some("A reason needs a name; nothing changed".into());
                } else {
                    cx.persist(Change::RenameReason { id, label });
                }
            }
            _ => {}
        }
    }

    fn hints(&self) -> &'static [Action] {
        &[
            Action::Add,
            Action::Edit,
            Action::Delete,
            Action::SwitchList,
            Action::Close,
        ]
    }

    fn draw(&self, frame: &mut Frame, _area: Rect, cx: &Ctx) {
        render_reasons_editor(frame, cx, &self.edit, &cx.theme);
    }
}

fn render_reasons_editor(frame: &mut Frame, cx: &Ctx, e: &ListEdit, t: &Theme) {
    let area = editor_area(frame);
    let inner_w = usize::from(area.width.saturating_sub(2));
    let stage = if e.list == 0 {
        Stage::TitleAbstract
    } else {
        Stage::FullText
    };
    let reasons: Vec<&crate::project::Reason> = cx
        .screening
        .project()
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
    let s = &cx.screening.project().settings;
    let check = |b: bool| if b { "[x]" } else { "[ ]" };
    let needs = cx
        .keymap
        .key_for(Mode::Reasons, Action::ToggleNeedsReason)
        .unwrap_or_default();
    let maybe = cx
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
        cx,
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
