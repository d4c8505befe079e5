//! What a key can do. The serde names are the keymap vocabulary
//! (`keymaps/*.ron`) and `describe` is the help text, so the help overlay and
//! `screener keys` are generated from this one enum and the live keymap.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    // Deciding
    Include,
    /// Opens the reason picker.
    Exclude,
    Maybe,
    Undo,
    // Moving
    Next,
    Previous,
    FirstUndecided,
    ScrollDown,
    ScrollUp,
    PageDown,
    PageUp,
    // Reason picker
    /// Toggles the reason shown with this number (1-9).
    ToggleReason(u8),
    Confirm,
    Cancel,
    // Other
    Help,
    /// Leaves an overlay (help).
    Close,
    Quit,
}

/// Groups for the help screen, in the order shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    Decide,
    Move,
    Reasons,
    Other,
}

impl Group {
    pub fn title(self) -> &'static str {
        match self {
            Group::Decide => "Decide",
            Group::Move => "Move and scroll",
            Group::Reasons => "Reasons",
            Group::Other => "Other",
        }
    }
}

impl Action {
    pub fn describe(self) -> String {
        match self {
            Action::Include => "include the record".into(),
            Action::Exclude => "exclude: pick reasons, then confirm".into(),
            Action::Maybe => "maybe (decide later)".into(),
            Action::Undo => "undo the last decision".into(),
            Action::Next => "next record".into(),
            Action::Previous => "previous record".into(),
            Action::FirstUndecided => "first undecided record".into(),
            Action::ScrollDown => "scroll down".into(),
            Action::ScrollUp => "scroll up".into(),
            Action::PageDown => "scroll down a page".into(),
            Action::PageUp => "scroll up a page".into(),
            Action::ToggleReason(n) => format!("toggle reason {n}"),
            Action::Confirm => "confirm".into(),
            Action::Cancel => "cancel".into(),
            Action::Help => "this help".into(),
            Action::Close => "close".into(),
            Action::Quit => "save and quit".into(),
        }
    }

    /// The short word of the footer.
    pub fn short(self) -> &'static str {
        match self {
            Action::Include => "include",
            Action::Exclude => "exclude",
            Action::Maybe => "maybe",
            Action::Undo => "undo",
            Action::Next => "next",
            Action::Previous => "prev",
            Action::Help => "help",
            Action::Quit => "quit",
            Action::Confirm => "confirm",
            Action::Cancel => "cancel",
            Action::Close => "close",
            Action::ToggleReason(_) => "toggle",
            _ => "",
        }
    }

    pub fn group(self) -> Group {
        match self {
            Action::Include | Action::Exclude | Action::Maybe | Action::Undo => Group::Decide,
            Action::Next
            | Action::Previous
            | Action::FirstUndecided
            | Action::ScrollDown
            | Action::ScrollUp
            | Action::PageDown
            | Action::PageUp => Group::Move,
            Action::ToggleReason(_) | Action::Confirm | Action::Cancel => Group::Reasons,
            Action::Help | Action::Close | Action::Quit => Group::Other,
        }
    }
}
