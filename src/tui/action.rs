//! What a key can do. The serde names are the keymap vocabulary
//! (`keymaps/*.ron`) and `describe` is the help text, so the help overlay and
//! `screener keys` are generated from this one enum and the live keymap.

use serde::{Deserialize, Serialize};

use super::keymap::Mode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    // Deciding
    Include,
    /// Opens the reason picker.
    Exclude,
    /// Excludes at once with the reason shown with this number (1-9).
    ExcludeWith(u8),
    Maybe,
    /// Full text only: the report could not be obtained.
    NotRetrieved,
    Undo,
    Redo,
    /// Resolving: takes the decision of the reviewer shown with this
    /// number (1-9) as the consensus.
    TakeSide(u8),
    // Notes and tags
    Note,
    Tags,
    // Moving
    Next,
    Previous,
    FirstUndecided,
    Top,
    Bottom,
    ScrollDown,
    ScrollUp,
    PageDown,
    PageUp,
    /// Goes to a record by its number or key.
    Jump,
    // Searching
    Search,
    NextMatch,
    PreviousMatch,
    // Views
    /// Switches between the record and the list of records.
    List,
    /// Opens the record under the cursor (list).
    OpenRecord,
    /// Shows or hides the inclusion criteria panel.
    Criteria,
    Duplicates,
    /// Opens the record's local PDF, else its DOI or URL.
    Open,
    /// Import order, seeded random, year.
    CycleOrder,
    // Filters and bulk actions (list)
    Filter,
    ClearFilters,
    BulkExclude,
    // Project lists
    EditTerms,
    EditReasons,
    EditCriteria,
    // Reason picker and menus
    /// Toggles the reason shown with this number (1-9).
    ToggleReason(u8),
    /// Picks the menu entry shown with this number (1-9).
    Pick(u8),
    /// Adds a new reason from the picker, then ticks it.
    AddReason,
    Confirm,
    Cancel,
    // Editing lists (terms, reasons, criteria)
    Add,
    Edit,
    Delete,
    MoveUp,
    MoveDown,
    SwitchList,
    ToggleNeedsReason,
    ToggleMaybeToFullText,
    // Duplicate review
    ConfirmDuplicate,
    SplitDuplicate,
    // Other
    Help,
    /// Leaves an overlay or a view.
    Close,
    Quit,
}

/// Groups for the help screen and `screener keys`, in the order shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    Decide,
    Notes,
    Move,
    Search,
    Views,
    List,
    Project,
    Pick,
    Edit,
    Duplicates,
    Other,
}

impl Group {
    pub fn title(self) -> &'static str {
        match self {
            Group::Decide => "Decide",
            Group::Notes => "Notes and tags",
            Group::Move => "Move and scroll",
            Group::Search => "Search",
            Group::Views => "Views",
            Group::List => "Filters and bulk actions",
            Group::Project => "Project lists and settings",
            Group::Pick => "Pick",
            Group::Edit => "Edit",
            Group::Duplicates => "Duplicates",
            Group::Other => "Other",
        }
    }
}

impl Action {
    /// The help text; some actions read differently in some modes.
    pub fn describe(self, mode: Mode) -> String {
        let list_like = matches!(
            mode,
            Mode::List | Mode::Menu | Mode::Terms | Mode::Reasons | Mode::CriteriaEditor
        );
        match self {
            Action::Include => "include".into(),
            Action::Exclude => "exclude: pick reasons, then confirm".into(),
            Action::ExcludeWith(n) => format!("exclude with reason {n} at once"),
            Action::Maybe => "maybe (decide later)".into(),
            Action::NotRetrieved => "report not retrieved (full text)".into(),
            Action::TakeSide(n) => format!("take reviewer {n}'s decision"),
            Action::Undo => "undo (any depth)".into(),
            Action::Redo => "redo what was undone".into(),
            Action::Note => "write a note on the record".into(),
            Action::Tags => "edit the record's tags".into(),
            Action::Next if mode == Mode::Duplicates => "next pair".into(),
            Action::Previous if mode == Mode::Duplicates => "previous pair".into(),
            Action::Next if mode == Mode::Resolve => "next conflict".into(),
            Action::Previous if mode == Mode::Resolve => "previous conflict".into(),
            Action::FirstUndecided if mode == Mode::Resolve => "first unresolved conflict".into(),
            Action::Next => "next record".into(),
            Action::Previous => "previous record".into(),
            Action::FirstUndecided => "first undecided record".into(),
            Action::Top => "first row".into(),
            Action::Bottom => "last row".into(),
            Action::ScrollDown if list_like => "move down".into(),
            Action::ScrollUp if list_like => "move up".into(),
            Action::PageDown if list_like => "a page down".into(),
            Action::PageUp if list_like => "a page up".into(),
            Action::ScrollDown => "scroll down".into(),
            Action::ScrollUp => "scroll up".into(),
            Action::PageDown => "scroll down a page".into(),
            Action::PageUp => "scroll up a page".into(),
            Action::Jump => "go to a record by number or key".into(),
            Action::Search => "search title, abstract, authors".into(),
            Action::NextMatch => "next match".into(),
            Action::PreviousMatch => "previous match".into(),
            Action::List if mode == Mode::List => "back to the record".into(),
            Action::List => "list of records".into(),
            Action::OpenRecord => "open the record".into(),
            Action::Criteria => "show/hide the inclusion criteria".into(),
            Action::Duplicates => "review duplicate pairs".into(),
            Action::Open => "open the PDF, DOI or URL".into(),
            Action::CycleOrder => "order: import, random, year".into(),
            Action::Filter => "add a filter".into(),
            Action::ClearFilters => "clear the filters".into(),
            Action::BulkExclude => "exclude every undecided record shown".into(),
            Action::EditTerms => "edit highlighted terms".into(),
            Action::EditReasons => "edit reasons and settings".into(),
            Action::EditCriteria => "edit the inclusion criteria".into(),
            Action::ToggleReason(n) => format!("toggle reason {n}"),
            Action::Pick(n) => format!("pick entry {n}"),
            Action::AddReason => "add a new reason".into(),
            Action::Confirm if mode == Mode::Search => "keep this match".into(),
            Action::Cancel if mode == Mode::Search => "back to where the search began".into(),
            Action::Confirm => "confirm".into(),
            Action::Cancel => "cancel".into(),
            Action::Add => "add".into(),
            Action::Edit if mode == Mode::Reasons => "rename".into(),
            Action::Edit => "edit".into(),
            Action::Delete if mode == Mode::Reasons => "retire / bring back".into(),
            Action::Delete => "delete".into(),
            Action::MoveUp => "move up the list".into(),
            Action::MoveDown => "move down the list".into(),
            Action::SwitchList if mode == Mode::Reasons => {
                "title/abstract or full-text reasons".into()
            }
            Action::SwitchList => "include or exclude terms".into(),
            Action::ToggleNeedsReason => "setting: an exclusion needs a reason".into(),
            Action::ToggleMaybeToFullText => "setting: maybes go on to full text".into(),
            Action::ConfirmDuplicate => "yes, a duplicate".into(),
            Action::SplitDuplicate => "not a duplicate: split".into(),
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
            Action::NotRetrieved => "not retrieved",
            Action::Undo => "undo",
            Action::Redo => "redo",
            Action::TakeSide(_) => "take",
            Action::Note => "note",
            Action::Tags => "tags",
            Action::Next => "next",
            Action::Previous => "prev",
            Action::Search => "search",
            Action::NextMatch => "next match",
            Action::List => "list",
            Action::OpenRecord => "open",
            Action::Open => "open",
            Action::Filter => "filter",
            Action::BulkExclude => "bulk exclude",
            Action::Help => "help",
            Action::Quit => "quit",
            Action::Confirm => "confirm",
            Action::Cancel => "cancel",
            Action::Close => "close",
            Action::AddReason => "new reason",
            Action::Add => "add",
            Action::Edit => "edit",
            Action::Delete => "delete",
            Action::SwitchList => "switch",
            Action::ConfirmDuplicate => "duplicate",
            Action::SplitDuplicate => "split",
            Action::ToggleReason(_) => "toggle",
            _ => "",
        }
    }

    pub fn group(self) -> Group {
        use Action as A;
        match self {
            A::Include
            | A::Exclude
            | A::ExcludeWith(_)
            | A::Maybe
            | A::NotRetrieved
            | A::Undo
            | A::Redo
            | A::TakeSide(_) => Group::Decide,
            A::Note | A::Tags => Group::Notes,
            A::Next
            | A::Previous
            | A::FirstUndecided
            | A::Top
            | A::Bottom
            | A::ScrollDown
            | A::ScrollUp
            | A::PageDown
            | A::PageUp
            | A::Jump => Group::Move,
            A::Search | A::NextMatch | A::PreviousMatch => Group::Search,
            A::List | A::OpenRecord | A::Criteria | A::Duplicates | A::Open | A::CycleOrder => {
                Group::Views
            }
            A::Filter | A::ClearFilters | A::BulkExclude => Group::List,
            A::EditTerms | A::EditReasons | A::EditCriteria => Group::Project,
            A::ToggleReason(_) | A::Pick(_) | A::AddReason | A::Confirm | A::Cancel => Group::Pick,
            A::Add
            | A::Edit
            | A::Delete
            | A::MoveUp
            | A::MoveDown
            | A::SwitchList
            | A::ToggleNeedsReason
            | A::ToggleMaybeToFullText => Group::Edit,
            A::ConfirmDuplicate | A::SplitDuplicate => Group::Duplicates,
            A::Help | A::Close | A::Quit => Group::Other,
        }
    }

    /// Whether the action means something in `mode`; a keymap binding it
    /// elsewhere is refused.
    pub fn allowed_in(self, mode: Mode) -> bool {
        use Action as A;
        let moving = matches!(
            self,
            A::ScrollDown | A::ScrollUp | A::PageDown | A::PageUp | A::Top | A::Bottom
        );
        // What the record view and the list both do: decide, annotate,
        // find, filter, and open the project's editors.
        let screening_or_list = matches!(
            self,
            A::Include
                | A::Exclude
                | A::ExcludeWith(1..=9)
                | A::Maybe
                | A::NotRetrieved
                | A::Undo
                | A::Redo
                | A::Note
                | A::Tags
                | A::FirstUndecided
                | A::Jump
                | A::Search
                | A::NextMatch
                | A::PreviousMatch
                | A::List
                | A::Duplicates
                | A::Open
                | A::CycleOrder
                | A::Filter
                | A::ClearFilters
                | A::EditTerms
                | A::EditReasons
                | A::EditCriteria
                | A::Help
                | A::Quit
        );
        match mode {
            Mode::Screening => {
                screening_or_list
                    || matches!(
                        self,
                        A::Next
                            | A::Previous
                            | A::ScrollDown
                            | A::ScrollUp
                            | A::PageDown
                            | A::PageUp
                            | A::Criteria
                    )
            }
            Mode::List => {
                screening_or_list
                    || moving
                    || matches!(self, A::OpenRecord | A::BulkExclude | A::Close)
            }
            Mode::ReasonPicker => matches!(
                self,
                A::ToggleReason(1..=9) | A::AddReason | A::Confirm | A::Cancel
            ),
            Mode::Search => matches!(
                self,
                A::Confirm | A::Cancel | A::NextMatch | A::PreviousMatch
            ),
            Mode::Input | Mode::Confirm => matches!(self, A::Confirm | A::Cancel),
            Mode::Menu => {
                moving || matches!(self, A::Pick(1..=9) | A::Confirm | A::Cancel | A::Quit)
            }
            Mode::Terms | Mode::CriteriaEditor => {
                moving
                    || matches!(
                        self,
                        A::Add | A::Edit | A::Delete | A::Close | A::Quit | A::Help
                    )
                    || (mode == Mode::Terms && self == A::SwitchList)
                    || (mode == Mode::CriteriaEditor && matches!(self, A::MoveUp | A::MoveDown))
            }
            Mode::Reasons => {
                moving
                    || matches!(
                        self,
                        A::Add
                            | A::Edit
                            | A::Delete
                            | A::MoveUp
                            | A::MoveDown
                            | A::SwitchList
                            | A::ToggleNeedsReason
                            | A::ToggleMaybeToFullText
                            | A::Close
                            | A::Quit
                            | A::Help
                    )
            }
            Mode::Duplicates => {
                moving
                    || matches!(
                        self,
                        A::ConfirmDuplicate
                            | A::SplitDuplicate
                            | A::Next
                            | A::Previous
                            | A::Close
                            | A::Quit
                            | A::Help
                    )
            }
            Mode::Resolve => matches!(
                self,
                A::TakeSide(1..=9)
                    | A::Include
                    | A::Exclude
                    | A::Maybe
                    | A::NotRetrieved
                    | A::Undo
                    | A::Redo
                    | A::Note
                    | A::Tags
                    | A::Next
                    | A::Previous
                    | A::FirstUndecided
                    | A::ScrollDown
                    | A::ScrollUp
                    | A::PageDown
                    | A::PageUp
                    | A::Help
                    | A::Quit
            ),
            Mode::Help => {
                matches!(self, A::ScrollDown | A::ScrollUp | A::PageDown | A::PageUp)
                    || matches!(self, A::Close | A::Quit)
            }
        }
    }
}
