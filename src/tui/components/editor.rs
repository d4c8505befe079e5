//! What the three list editors (terms, reasons, criteria) share: a
//! selected entry in one of two lists, and the keys that move it, switch
//! the list, close the editor or open the help.

use super::help::HelpBox;
use crate::tui::action::Action;
use crate::tui::component::Layer;
use crate::tui::ctx::{Ctx, step_index};

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
        match action {
            Action::ScrollDown => self.selected = step_index(self.selected, 1, len),
            Action::ScrollUp => self.selected = step_index(self.selected, -1, len),
            Action::PageDown => self.selected = step_index(self.selected, 5, len),
            Action::PageUp => self.selected = step_index(self.selected, -5, len),
            Action::Top => self.selected = 0,
            Action::Bottom => self.selected = len.saturating_sub(1),
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
