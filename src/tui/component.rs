//! What every part of the screen is: a [`Component`] reads its keys from
//! one keymap section (`mode`), handles the actions bound there (`act`),
//! and draws itself (`draw`). The views (record, list, duplicate review)
//! live for the whole session; overlays ([`Layer`]) are opened on top of
//! them and stack. `App` routes each event to the top one.

use ratatui::Frame;
use ratatui::layout::Rect;

use super::action::Action;
use super::components::{
    confirm::Confirm, criteria::CriteriaEditor, help::HelpBox, menu::Menu, picker::ReasonPicker,
    reasons::ReasonsEditor, search::SearchBox, terms::TermsEditor, text::TextInput,
};
use super::ctx::{Answer, Ctx};
use super::keymap::Mode;
use crate::keys::Key;

pub trait Component {
    /// The keymap section its keys are looked up in.
    fn mode(&self) -> Mode;

    /// An action bound to a key in `mode()`.
    fn act(&mut self, action: Action, cx: &mut Ctx);

    /// A key bound to nothing in a text mode (`Mode::is_text`): typed.
    fn key(&mut self, _key: Key, _cx: &mut Ctx) {}

    /// The result of a dialog this component opened.
    fn answer(&mut self, _answer: Answer, _cx: &mut Ctx) {}

    /// The mouse wheel turned.
    fn wheel(&mut self, _down: bool, _cx: &mut Ctx) {}

    /// A view is about to be shown (`Command::Show`), coming from `from`;
    /// `false` keeps `from` (the component says why in the footer).
    fn enter(&mut self, _from: super::app::View, _cx: &mut Ctx) -> bool {
        true
    }

    /// The footer's key hints, most important first.
    fn hints(&self) -> &'static [Action];

    /// What the rule under the header says (views only).
    fn status(&self, _cx: &Ctx) -> Option<String> {
        None
    }

    /// Draws into `area`: the body for a view, the whole frame for an
    /// overlay.
    fn draw(&self, frame: &mut Frame, area: Rect, cx: &Ctx);

    /// Draws the footer line instead of the key hints; `false` leaves the
    /// hints.
    fn draw_footer(&self, _frame: &mut Frame, _area: Rect, _cx: &Ctx) -> bool {
        false
    }
}

/// Something drawn over the view that takes the keys while open.
pub enum Layer {
    Picker(ReasonPicker),
    Help(HelpBox),
    Search(Box<SearchBox>),
    Input(TextInput),
    Menu(Menu),
    Confirm(Confirm),
    Terms(TermsEditor),
    Reasons(ReasonsEditor),
    Criteria(CriteriaEditor),
}

impl Layer {
    pub fn component(&self) -> &dyn Component {
        match self {
            Layer::Picker(c) => c,
            Layer::Help(c) => c,
            Layer::Search(c) => c.as_ref(),
            Layer::Input(c) => c,
            Layer::Menu(c) => c,
            Layer::Confirm(c) => c,
            Layer::Terms(c) => c,
            Layer::Reasons(c) => c,
            Layer::Criteria(c) => c,
        }
    }

    pub fn component_mut(&mut self) -> &mut dyn Component {
        match self {
            Layer::Picker(c) => c,
            Layer::Help(c) => c,
            Layer::Search(c) => c.as_mut(),
            Layer::Input(c) => c,
            Layer::Menu(c) => c,
            Layer::Confirm(c) => c,
            Layer::Terms(c) => c,
            Layer::Reasons(c) => c,
            Layer::Criteria(c) => c,
        }
    }
}
