//! Undo and redo, any depth. A step is what one key did to one or more
//! records (a bulk action is one step), kept as before/after states so
//! undo and redo are the same operation in opposite directions.
//!
//! The steps of earlier sessions are rebuilt from the decision history
//! when a screen opens ([`History::replay`]): every entry is journaled, an
//! undo as a new entry that puts records back as they were, so the history
//! holds what is needed to take back the last decisions after a reopen.

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

/// One entry of the decision history, as the screen reads it: the record
/// (its index), the state the entry put it in, and when.
#[derive(Debug, Clone)]
pub struct Entry {
    pub index: usize,
    pub state: RecordState,
    pub at: String,
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

    /// Replays the history's entries in order over `states` (every record
    /// undecided at first; each ends in its latest entry's state) and
    /// rebuilds the steps. Entries that put back exactly the records of the
    /// last step as they were before it are that step's undo (a redo, the
    /// other way round), so an undo of an earlier session is not undone
    /// again. The entries of a bulk action (one rule, one time) are one
    /// step. `label` names a step.
    pub fn replay(
        entries: &[Entry],
        states: &mut [RecordState],
        label: impl Fn(&[(usize, RecordState, RecordState)]) -> String,
    ) -> History {
        let mut h = History::default();
        let mut p = 0;
        while p < entries.len() {
            let undone = reverses(h.undo.last(), &entries[p..], states, false);
            let redone = undone
                .is_none()
                .then(|| reverses(h.redo.last(), &entries[p..], states, true))
                .flatten();
            if let Some(n) = undone.or(redone) {
                if undone.is_some() {
                    h.undo();
                } else {
                    h.redo();
                }
                for e in &entries[p..p + n] {
                    states[e.index] = e.state.clone();
                }
                p += n;
                continue;
            }
            let first = &entries[p];
            let n = match &first.state.rule {
                Some(rule) => entries[p..]
                    .iter()
                    .take_while(|e| e.at == first.at && e.state.rule.as_ref() == Some(rule))
                    .count(),
                None => 1,
            };
            let records: Vec<(usize, RecordState, RecordState)> = entries[p..p + n]
                .iter()
                .map(|e| {
                    let before = std::mem::replace(&mut states[e.index], e.state.clone());
                    (e.index, before, e.state.clone())
                })
                .collect();
            p += n;
            if records.iter().all(|(_, b, a)| b == a) {
                continue;
            }
            let label = label(&records);
            h.push(Step { label, records });
        }
        h
    }
}

/// Whether the entries at the head of `entries` take `step`'s records back
/// to their `before` states (`forward`: on to their `after` states), from
/// where they are now, all at one time; how many entries that takes.
fn reverses(
    step: Option<&Step>,
    entries: &[Entry],
    states: &[RecordState],
    forward: bool,
) -> Option<usize> {
    let step = step?;
    let n = step.records.len();
    let head = entries.get(..n)?;
    let at = &head[0].at;
    let all = step
        .records
        .iter()
        .zip(head)
        .all(|((i, before, after), e)| {
            let (from, to) = if forward {
                (before, after)
            } else {
                (after, before)
            };
            e.index == *i && e.at == *at && states[*i] == *from && e.state == *to
        });
    all.then_some(n)
}

/// How a verdict reads in a sentence: "included", "excluded", …
pub fn verdict_word(v: &Verdict) -> &'static str {
    match v {
        Verdict::Include => "included",
        Verdict::Exclude(_) => "excluded",
        Verdict::Maybe => "maybe",
        Verdict::NotRetrieved => "not retrieved",
        Verdict::Cleared => "undecided",
    }
}

/// The label of a step on one record, named by its record number:
/// "included record #12", "note of record #12".
pub fn label_one(number: usize, before: &RecordState, after: &RecordState) -> String {
    let n = crate::human::fmt_n(number);
    if after.verdict != before.verdict {
        match &after.verdict {
            Some(v) => format!("{} record #{n}", verdict_word(v)),
            None => format!("record #{n} undecided"),
        }
    } else if after.note != before.note {
        format!("note of record #{n}")
    } else {
        format!("tags of record #{n}")
    }
}

/// The label of a bulk step: "excluded 1,204 records (year before 2000)".
pub fn label_bulk(records: usize, verdict: &Verdict, rule: &str) -> String {
    format!(
        "{} {} ({rule})",
        verdict_word(verdict),
        crate::human::count(records, "record", "records")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(v: Option<Verdict>) -> RecordState {
        RecordState {
            verdict: v,
            ..RecordState::default()
        }
    }

    fn entry(index: usize, v: Option<Verdict>, at: &str) -> Entry {
        Entry {
            index,
            state: state(v),
            at: at.into(),
        }
    }

    fn replay(entries: &[Entry], n: usize) -> (History, Vec<RecordState>) {
        let mut states = vec![RecordState::default(); n];
        let h = History::replay(entries, &mut states, |r| format!("{} records", r.len()));
        (h, states)
    }

    #[test]
    fn every_decision_is_a_step_and_the_states_end_at_the_latest() {
        let (mut h, states) = replay(
            &[
                entry(0, Some(Verdict::Include), "t1"),
                entry(1, Some(Verdict::Maybe), "t1"),
                entry(0, Some(Verdict::Exclude(vec![])), "t2"),
            ],
            2,
        );
        assert_eq!(h.undo_depth(), 3);
        assert_eq!(states[0].verdict, Some(Verdict::Exclude(vec![])));
        let last = h.undo().unwrap();
        assert_eq!(last.records[0].1.verdict, Some(Verdict::Include));
    }

    #[test]
    fn an_undo_journaled_earlier_is_read_as_an_undo() {
        // Decide 0 then 1; undo 1 (journaled as 1 undecided again).
        let (mut h, states) = replay(
            &[
                entry(0, Some(Verdict::Include), "t1"),
                entry(1, Some(Verdict::Maybe), "t2"),
                entry(1, None, "t3"),
            ],
            2,
        );
        assert_eq!((h.undo_depth(), h.redo_depth()), (1, 1));
        assert_eq!(states[1], RecordState::default());
        let next = h.undo().unwrap();
        assert_eq!(next.records[0].0, 0, "the next undo takes back record 0");
    }

    #[test]
    fn a_bulk_action_and_its_undo_are_one_step_each() {
        let bulk = |i| Entry {
            index: i,
            state: RecordState {
                verdict: Some(Verdict::Exclude(vec![])),
                rule: Some("year before 2000".into()),
                ..RecordState::default()
            },
            at: "t1".into(),
        };
        let (h, _) = replay(&[bulk(0), bulk(1), bulk(2)], 3);
        assert_eq!(h.undo_depth(), 1);
        let (h, states) = replay(
            &[
                bulk(0),
                bulk(1),
                bulk(2),
                entry(0, None, "t2"),
                entry(1, None, "t2"),
                entry(2, None, "t2"),
            ],
            3,
        );
        assert_eq!((h.undo_depth(), h.redo_depth()), (0, 1));
        assert!(states.iter().all(|s| s.verdict.is_none()));
    }
}
