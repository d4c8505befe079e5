//! Counts over a project: the numbers of `screener status` and the screen's
//! header.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::project::{Project, Stage, Verdict};
use crate::record::Record;

/// The records screened at `stage`: every primary at title/abstract; at full
/// text, the primaries this reviewer included (and, when the project says
/// so, marked maybe) at title/abstract. In import order.
pub fn eligible(project: &Project, reviewer: &str, stage: Stage) -> Vec<usize> {
    let primaries = project.primaries_in_import_order();
    match stage {
        Stage::TitleAbstract => primaries,
        Stage::FullText => {
            let ta = project.current_decisions(reviewer, Stage::TitleAbstract);
            let with_maybe = project.settings.maybe_to_full_text;
            primaries
                .into_iter()
                .filter(|&i| {
                    ta.get(project.records[i].key.as_str())
                        .is_some_and(|d| match d.verdict {
                            Verdict::Include => true,
                            Verdict::Maybe => with_maybe,
                            _ => false,
                        })
                })
                .collect()
        }
    }
}

/// Per record (by index), the batch (`Source.batch`, one per run of
/// `import`) its duplicate group first appeared in: the earliest batch of
/// any of its members. A search re-run that brings another copy of a paper
/// screened months ago does not make the paper new. `index_of` finds a
/// record by key (the screen passes the index it keeps anyway).
pub fn group_batches(project: &Project, index_of: impl Fn(&str) -> Option<usize>) -> Vec<u32> {
    let records = &project.records;
    let mut first: Vec<u32> = records
        .iter()
        .map(|r| {
            project
                .sources
                .get(r.origin.source as usize)
                .map_or(0, |s| s.batch)
        })
        .collect();
    let primary: Vec<Option<usize>> = records
        .iter()
        .map(|r| r.duplicate_of.as_deref().and_then(&index_of))
        .collect();
    for (i, p) in primary.iter().enumerate() {
        if let Some(p) = *p {
            first[p] = first[p].min(first[i]);
        }
    }
    for (i, p) in primary.iter().enumerate() {
        if let Some(p) = *p {
            first[i] = first[p];
        }
    }
    first
}

/// "New since batch N": the primaries (indices, import order) of the
/// groups that first appeared in batch `batch` or later, for the screen's
/// filter after a search is re-run.
pub fn new_since(project: &Project, batch: u32) -> Vec<usize> {
    let index: HashMap<&str, usize> = project
        .records
        .iter()
        .enumerate()
        .map(|(i, r)| (r.key.as_str(), i))
        .collect();
    let first = group_batches(project, |k| index.get(k).copied());
    project
        .primaries_in_import_order()
        .into_iter()
        .filter(|&i| first[i] >= batch)
        .collect()
}

/// `screener status --json`: see `docs/json.md`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Status {
    pub reviewer: String,
    pub stage: &'static str,
    /// All records in the project, duplicates included.
    pub records: usize,
    /// Records linked as duplicates of another (not screened).
    pub duplicates: usize,
    /// Records to screen at this stage (primaries; at full text, those
    /// passed on from title/abstract).
    pub eligible: usize,
    pub screened: usize,
    pub included: usize,
    pub excluded: usize,
    pub maybe: usize,
    pub not_retrieved: usize,
    pub undecided: usize,
    /// Exclusions per reason id (an exclusion with two reasons counts for
    /// both).
    pub reasons: BTreeMap<String, usize>,
}

pub fn status(project: &Project, reviewer: &str, stage: Stage) -> Status {
    status_where(project, reviewer, stage, |_| true)
}

/// [`status`] over the records `keep` accepts (one source's, one
/// database's): `records`, `duplicates` and the decisions counted are
/// theirs.
pub fn status_where(
    project: &Project,
    reviewer: &str,
    stage: Stage,
    keep: impl Fn(&Record) -> bool,
) -> Status {
    let current = project.current_decisions(reviewer, stage);
    let eligible: Vec<usize> = eligible(project, reviewer, stage)
        .into_iter()
        .filter(|&i| keep(&project.records[i]))
        .collect();
    let kept = || project.records.iter().filter(|r| keep(r));
    let mut s = Status {
        reviewer: reviewer.to_string(),
        stage: stage.cli_name(),
        records: kept().count(),
        duplicates: kept().filter(|r| !r.is_primary()).count(),
        eligible: eligible.len(),
        ..Status::default()
    };
    for i in eligible {
        match current
            .get(project.records[i].key.as_str())
            .map(|d| &d.verdict)
        {
            None | Some(Verdict::Cleared) => s.undecided += 1,
            Some(Verdict::Include) => s.included += 1,
            Some(Verdict::Maybe) => s.maybe += 1,
            Some(Verdict::NotRetrieved) => s.not_retrieved += 1,
            Some(Verdict::Exclude(reasons)) => {
                s.excluded += 1;
                for r in reasons {
                    *s.reasons.entry(r.clone()).or_insert(0) += 1;
                }
            }
        }
    }
    s.screened = s.eligible - s.undecided;
    s
}
