//! Undo and redo, any depth. A step is what one key did to one or more
//! records (a bulk action is one step), kept as before/after states so
//! undo and redo are the same operation in opposite directions.

use crate::project::Verdict;

/// What this reviewer has said about one record at this stage.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordState {
    /// `None`: undecided.
    pub verdict: Option<Verdict>,
    pub note: String,
    pub tags: Vec<String>,
    /// The rule of the bulk action that decided it.
    pub rule: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Step {
    /// For the footer: "undone: excluded 1,204 records (year before 2000)".
    pub label: String,
    /// `(record index, before, after)`.
    pub records: Vec<(usize, RecordState, RecordState)>,
}

#[derive(Debug, Default)]
pub struct History {
    undo: Vec<Step>,
    redo: Vec<Step>,
}

impl History {
    /// A new step; what was undone can no longer be redone.
    pub fn push(&mut self, step: Step) {
        self.undo.push(step);
        self.redo.clear();
    }

    /// The step to take back; the caller applies its `before` states.
    pub fn undo(&mut self) -> Option<&Step> {
        let step = self.undo.pop()?;
        self.redo.push(step);
        self.redo.last()
    }

    /// The step to do again; the caller applies its `after` states.
    pub fn redo(&mut self) -> Option<&Step> {
        let step = self.redo.pop()?;
        self.undo.push(step);
        self.undo.last()
    }

    pub fn undo_depth(&self) -> usize {
        self.undo.len()
    }

    pub fn redo_depth(&self) -> usize {
        self.redo.len()
    }
}
