//! Resolving reviewers' conflicts into a consensus (`screener resolve`):
//! whose decisions are compared, the agreements carried over, and the
//! conflicts with every reviewer's decision, which the screen walks. The
//! consensus itself is an ordinary reviewer's screening (a [`Screening`]
//! limited to the conflicts), so its decisions are journaled, undone and
//! counted like any other.
//!
//! [`Screening`]: super::Screening

use std::collections::HashMap;

use crate::compare;
use crate::human;
use crate::project::{CONSENSUS, Change, Decision, Project, Stage};

/// Whose decisions are resolved: the names `given` (two or more), else the
/// two reviewers who screened (the resolver and `consensus` left out). A
/// project with fewer, or with more and none chosen, is refused with what
/// to do, naming the reviewers and what each decided.
pub fn reviewers(
    project: &Project,
    given: &[String],
    resolver: &str,
) -> Result<Vec<String>, String> {
    let all = project.reviewers();
    if resolver != CONSENSUS && all.get(resolver).is_some_and(|&n| n > 0) {
        // The consensus would become this reviewer's latest decisions and
        // change what is being compared.
        return Err(format!(
            "--as {resolver}: {resolver} screened this project; the consensus needs a name of \
             its own (default `{CONSENSUS}`) so that {resolver}'s decisions stay as they are"
        ));
    }
    let others: Vec<(&str, usize)> = all
        .iter()
        .filter(|(r, _)| **r != resolver && **r != CONSENSUS)
        .map(|(r, n)| (*r, *n))
        .collect();
    let list = |v: &[(&str, usize)]| {
        v.iter()
            .map(|(r, n)| format!("{r} ({})", human::count(*n, "record", "records")))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !given.is_empty() {
        let mut names: Vec<String> = Vec::new();
        for name in given.iter().map(|g| g.trim()).filter(|g| !g.is_empty()) {
            if names.iter().any(|n| n == name) {
                continue;
            }
            if name == resolver {
                return Err(format!(
                    "{name} is the one resolving (--as); --reviewers names whose decisions \
                     are compared"
                ));
            }
            if !all.contains_key(name) {
                return Err(format!(
                    "the project has no decisions by {name}; its reviewers: {}",
                    list(&others)
                ));
            }
            names.push(name.to_string());
        }
        if names.len() < 2 {
            return Err(
                "--reviewers needs two or more different names, e.g. --reviewers alice,bob".into(),
            );
        }
        return Ok(names);
    }
    match others.len() {
        0 => Err(
            "nothing to compare: the project holds no reviewer's decisions yet; each reviewer \
             screens with `screener screen PROJECT --reviewer NAME`"
                .into(),
        ),
        1 => Err(format!(
            "nothing to compare: only {} has screened this project; a second reviewer \
             screens with `screener screen PROJECT --reviewer NAME`, or join two reviewers' \
             files first with `screener merge A B -o OUT`",
            list(&others)
        )),
        2 => Ok(others.iter().map(|(r, _)| r.to_string()).collect()),
        n => Err(format!(
            "the project holds decisions by {n} reviewers: {}; choose whose conflicts to \
             resolve with --reviewers A,B (two or more)",
            list(&others)
        )),
    }
}

/// The agreements of `reviewers` that `by` has not decided yet, as one
/// change (`compare::carry_agreements`); `None` when there are none.
pub fn carry(
    project: &Project,
    reviewers: &[String],
    stage: Stage,
    by: &str,
    at: &str,
) -> Option<Change> {
    let names: Vec<&str> = reviewers.iter().map(String::as_str).collect();
    let carried = compare::carry_agreements(project, &names, stage, by, at);
    (!carried.is_empty()).then_some(Change::DecideMany(carried))
}

/// One record the reviewers decided differently.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    /// The duplicate group's primary key.
    pub key: String,
    /// One per reviewer, in the panel's order (`None`: not decided).
    pub decisions: Vec<Option<Decision>>,
}

/// The reviewers and their conflicts, in import order.
#[derive(Debug, Clone, Default)]
pub struct Panel {
    reviewers: Vec<String>,
    conflicts: Vec<Conflict>,
    by_key: HashMap<String, usize>,
}

impl Panel {
    /// The conflicts among `reviewers` at `stage` (`compare::conflicts`).
    /// They do not change while the consensus is written: the screen reads
    /// them once.
    pub fn new(project: &Project, reviewers: &[String], stage: Stage) -> Panel {
        let names: Vec<&str> = reviewers.iter().map(String::as_str).collect();
        let conflicts: Vec<Conflict> = compare::conflicts(project, &names, stage)
            .into_iter()
            .map(|c| Conflict {
                key: c.key.to_string(),
                decisions: c.decisions.into_iter().map(|d| d.cloned()).collect(),
            })
            .collect();
        let by_key = conflicts
            .iter()
            .enumerate()
            .map(|(i, c)| (c.key.clone(), i))
            .collect();
        Panel {
            reviewers: reviewers.to_vec(),
            conflicts,
            by_key,
        }
    }

    pub fn reviewers(&self) -> &[String] {
        &self.reviewers
    }

    pub fn conflicts(&self) -> &[Conflict] {
        &self.conflicts
    }

    pub fn len(&self) -> usize {
        self.conflicts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.conflicts.is_empty()
    }

    /// The keys of the conflicting records, in order.
    pub fn keys(&self) -> Vec<&str> {
        self.conflicts.iter().map(|c| c.key.as_str()).collect()
    }

    /// Every reviewer's decision on the record with this key, if it is a
    /// conflict.
    pub fn sides(&self, key: &str) -> Option<&[Option<Decision>]> {
        let &i = self.by_key.get(key)?;
        Some(&self.conflicts[i].decisions)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::Verdict;
    use crate::record::Record;

    fn project(decisions: &[(&str, &str, Verdict)]) -> Project {
        let mut p = Project::new();
        for key in ["a", "b", "c"] {
            p.records.push(Record {
                key: key.into(),
                title: format!("Record {key}"),
                ..Record::default()
            });
        }
        for (key, who, v) in decisions {
            p.apply(&Change::Decide(Decision {
                record: key.to_string(),
                reviewer: who.to_string(),
                stage: Stage::TitleAbstract,
                verdict: v.clone(),
                note: String::new(),
                tags: Vec::new(),
                at: "2026-01-01T00:00:00Z".into(),
                rule: None,
            }));
        }
        p
    }

    #[test]
    fn the_two_who_screened_are_chosen_and_others_are_refused_by_name() {
        let mut p = project(&[
            ("a", "alice", Verdict::Include),
            ("b", "alice", Verdict::Include),
            ("a", "bob", Verdict::Maybe),
            ("a", CONSENSUS, Verdict::Include),
        ]);
        assert_eq!(reviewers(&p, &[], CONSENSUS).unwrap(), ["alice", "bob"]);
        p = project(&[("a", "alice", Verdict::Include)]);
        let e = reviewers(&p, &[], CONSENSUS).unwrap_err();
        assert!(
            e.starts_with("nothing to compare: only alice (1 record)"),
            "{e}"
        );
        p = project(&[
            ("a", "alice", Verdict::Include),
            ("a", "bob", Verdict::Include),
            ("b", "carol", Verdict::Include),
            ("c", "carol", Verdict::Include),
        ]);
        let e = reviewers(&p, &[], CONSENSUS).unwrap_err();
        assert!(
            e.contains("3 reviewers: alice (1 record), bob (1 record), carol (2 records)"),
            "{e}"
        );
        let names = ["carol".to_string(), "alice".to_string()];
        assert_eq!(
            reviewers(&p, &names, CONSENSUS).unwrap(),
            ["carol", "alice"]
        );
        let e = reviewers(&p, &["alice".into(), "dave".into()], CONSENSUS).unwrap_err();
        assert!(e.contains("no decisions by dave"), "{e}");
        let e = reviewers(&p, &["alice".into(), "alice".into()], CONSENSUS).unwrap_err();
        assert!(e.contains("two or more"), "{e}");
        let e = reviewers(&p, &["alice".into(), "bob".into()], "bob").unwrap_err();
        assert!(e.contains("--as bob: bob screened this project"), "{e}");
        let e = reviewers(&p, &[], "carol").unwrap_err();
        assert!(e.contains("--as carol: carol screened"), "{e}");
        let e = reviewers(&p, &[], "lead").unwrap_err();
        assert!(e.contains("3 reviewers"), "{e}");
    }

    #[test]
    fn the_panel_holds_every_side_of_each_conflict() {
        let p = project(&[
            ("a", "alice", Verdict::Include),
            ("a", "bob", Verdict::Exclude(vec!["outcome".into()])),
            ("b", "alice", Verdict::Maybe),
            ("b", "bob", Verdict::Maybe),
        ]);
        let names = ["alice".to_string(), "bob".to_string()];
        let panel = Panel::new(&p, &names, Stage::TitleAbstract);
        assert_eq!(panel.keys(), ["a"]);
        let sides = panel.sides("a").unwrap();
        assert_eq!(
            sides[1].as_ref().unwrap().verdict,
            Verdict::Exclude(vec!["outcome".into()])
        );
        assert!(panel.sides("b").is_none());
        let Some(Change::DecideMany(carried)) =
            carry(&p, &names, Stage::TitleAbstract, CONSENSUS, "now")
        else {
            panic!("b is an agreement");
        };
        assert_eq!(carried.len(), 1);
        assert_eq!(
            (carried[0].record.as_str(), &carried[0].verdict),
            ("b", &Verdict::Maybe)
        );
    }
}
