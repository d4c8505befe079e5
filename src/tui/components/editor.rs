//! What the three list editors (terms, reasons, criteria) share: a
//! selected entry in one of two lists, and the keys that move it, switch
//! the list, close the editor or open the help, and how an edited entry
//! is put back.

use super::help::HelpBox;
use crate::tui::action::Action;
use crate::tui::component::Layer;
use crate::tui::ctx::{Ctx, moved};

/// Which of two lists (include/exclude terms, title-abstract/full-text
/// reasons) and the selected entry.
#[derive(Debug, Clone, Copy, Default)]
pub struct ListEdit {
    pub list: usize,
    pub selected: usize,
}

impl ListEdit {
    /// The keys every editor shares, over a list of `len` entries; `false`
    /// if `action` is not one of them.
    pub fn navigate(&mut self, action: Action, len: usize, cx: &mut Ctx) -> bool {
        if let Some(to) = moved(self.selected, action, len) {
            self.selected = to;
            return true;
        }
        match action {
            Action::SwitchList => {
                self.list = 1 - self.list.min(1);
                self.selected = 0;
            }
            Action::Close => cx.close(),
            Action::Help => cx.open(Layer::Help(HelpBox::default())),
            _ => return false,
        }
        true
    }
}

/// An entry edited in a text field: replaced by the text, or removed when
/// the text was emptied.
pub fn replace_or_remove(list: &mut Vec<String>, index: usize, text: String) {
    if index < list.len() {
        if text.is_empty() {
            list.remove(index);
        } else {
            list[index] = text;
        }
    }
}
