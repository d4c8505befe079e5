//! The highlighted terms editor (mode `terms`): the project's include and
//! exclude terms side by side, added, edited and deleted in place.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::editor::{self, ListEdit};
use super::record;
use super::text::{Purpose, TextInput};
use crate::project::{Change, Highlight};
use crate::screening::highlight::Highlighter;
use crate::tui::action::Action;
use crate::tui::component::Component;
use crate::tui::ctx::{Answer, Ctx};
use crate::tui::keymap::Mode;
use crate::tui::theme::Theme;
use crate::tui::view::widgets::{editor_area, entry_lines, indented, key_lines};
use crate::tui::wrap::wrap;

#[derive(Debug, Clone, Default)]
pub struct TermsEditor {
    edit: ListEdit,
}

/// The list of `h` an editor's `list` number names (0: include).
fn terms_mut(h: &mut Highlight, exclude: bool) -> &mut Vec<String> {
    if exclude {
        &mut h.exclude
    } else {
        &mut h.include
    }
}

impl Component for TermsEditor {
    fn mode(&self) -> Mode {
        Mode::Terms
    }

    fn act(&mut self, action: Action, cx: &mut Ctx) {
        let mut h = cx.screening.project().highlight.clone();
        let exclude = self.edit.list == 1;
        let items = terms_mut(&mut h, exclude);
        if self.edit.navigate(action, items.len(), cx) {
            return;
        }
        match action {
            Action::Add => {
                let title = if exclude {
                    "New exclude term"
                } else {
                    "New include term"
                };
                cx.open(TextInput::layer(
                    title,
                    "a word, a \"phrase of words\" or a wildcard like child*",
                    "",
                    Purpose::NewTerm { exclude },
                ));
            }
            Action::Edit => {
                if let Some(item) = items.get(self.edit.selected) {
                    cx.open(TextInput::layer(
                        "Edit term",
                        "empty removes it",
                        item,
                        Purpose::EditTerm {
                            exclude,
                            index: self.edit.selected,
                        },
                    ));
                }
            }
            Action::Delete if self.edit.selected < items.len() => {
                items.remove(self.edit.selected);
                self.edit.selected = self.edit.selected.min(items.len().saturating_sub(1));
                set_highlight(h, cx);
            }
            _ => {}
        }
    }

    fn answer(&mut self, answer: Answer, cx: &mut Ctx) {
        let Answer::Text(purpose, text) = answer else {
            return;
        };
        let mut h = cx.screening.project().highlight.clone();
        match purpose {
            Purpose::NewTerm { exclude } => {
                if text.is_empty() {
                    return;
                }
                let list = terms_mut(&mut h, exclude);
                if list.iter().any(|t| t.to_lowercase() == text.to_lowercase()) {
                    cx.flash = Some(format!("\"{text}\" is in the list already"));
                    return;
                }
                list.push(text);
                self.edit.selected = list.len() - 1;
                set_highlight(h, cx);
            }
            Purpose::EditTerm { exclude, index } => {
                editor::replace_or_remove(terms_mut(&mut h, exclude), index, text);
                set_highlight(h, cx);
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
        render_terms(frame, cx, &self.edit, &cx.theme);
    }
}

fn set_highlight(h: Highlight, cx: &mut Ctx) {
    if h == cx.screening.project().highlight {
        return;
    }
    cx.persist(Change::SetHighlight(h));
    cx.highlighter = Highlighter::new(&cx.screening.project().highlight);
    record::clamp_scroll(cx);
}

fn render_terms(frame: &mut Frame, cx: &Ctx, e: &ListEdit, t: &Theme) {
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
        cx,
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
            &cx.screening.project().highlight.include
        } else {
            &cx.screening.project().highlight.exclude
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
