//! The one-line text field (mode `input`): a note, tags, a row to jump
//! to, a term, a reason's name, a criterion, a year. It answers the
//! component that opened it with the text and what it was asked for
//! ([`Purpose`]).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::keys::Key;
use crate::project::Stage;
use crate::tui::action::Action;
use crate::tui::component::{Component, Layer};
use crate::tui::ctx::{Answer, Ctx};
use crate::tui::input::LineEditor;
use crate::tui::keymap::Mode;
use crate::tui::theme::Theme;
use crate::tui::view::widgets::{boxed, centered, editor_lines};
use crate::tui::wrap::wrap;

/// What a text field was opened for; the opener acts on the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Purpose {
    Note(usize),
    Tags(usize),
    Jump,
    NewTerm { exclude: bool },
    EditTerm { exclude: bool, index: usize },
    NewReason { stage: Stage, tick: bool },
    RenameReason(String),
    NewCriterion,
    EditCriterion(usize),
    YearBefore,
    YearFrom,
}

#[derive(Debug, Clone)]
pub struct TextInput {
    title: String,
    hint: String,
    editor: LineEditor,
    purpose: Purpose,
}

impl TextInput {
    /// A text field holding `text`, as a layer to open.
    pub fn layer(title: &str, hint: &str, text: &str, purpose: Purpose) -> Layer {
        Layer::Input(TextInput {
            title: title.to_string(),
            hint: hint.to_string(),
            editor: LineEditor::new(text),
            purpose,
        })
    }
}

impl Component for TextInput {
    fn mode(&self) -> Mode {
        Mode::Input
    }

    fn act(&mut self, action: Action, cx: &mut Ctx) {
        match action {
            Action::Cancel => cx.close(),
            Action::Confirm => {
                let text = self.editor.text().trim().to_string();
                cx.answer(Answer::Text(self.purpose.clone(), text));
            }
            _ => {}
        }
    }

    fn key(&mut self, key: Key, _cx: &mut Ctx) {
        self.editor.key(key);
    }

    fn hints(&self) -> &'static [Action] {
        &[Action::Confirm, Action::Cancel]
    }

    fn draw(&self, frame: &mut Frame, _area: Rect, cx: &Ctx) {
        render_input(frame, self, &cx.theme);
    }
}

fn render_input(frame: &mut Frame, ib: &TextInput, t: &Theme) {
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
