//! Which records an export writes and what it says of each: the decision
//! (of the reviewer a report counts, `Project::report_reviewer`), its
//! stage, reasons as labels, note, tags, the bulk rule, the record's key.
//! The writers (`ris`, `bibtex`, `csv`, `asreview`) put these where each
//! format keeps such things (docs/EXPORT.md).

use std::collections::HashSet;

use crate::project::{Decision, Project, Stage, Verdict};
use crate::record::{EXPORTED_KEY_NOTE, Record};
use crate::stats;

/// What the export says a record's decision is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Include,
    Exclude,
    Maybe,
    NotRetrieved,
    Undecided,
}

impl Outcome {
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Include => "include",
            Outcome::Exclude => "exclude",
            Outcome::Maybe => "maybe",
            Outcome::NotRetrieved => "not retrieved",
            Outcome::Undecided => "undecided",
        }
    }
}

/// Which records `--decision` asks for. `Exclude` takes reports not
/// retrieved too: both left the review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    Include,
    Exclude,
    Maybe,
    Undecided,
    All,
}

impl Which {
    fn takes(self, o: Outcome) -> bool {
        match self {
            Which::All => true,
            Which::Include => o == Outcome::Include,
            Which::Exclude => matches!(o, Outcome::Exclude | Outcome::NotRetrieved),
            Which::Maybe => o == Outcome::Maybe,
            Which::Undecided => o == Outcome::Undecided,
        }
    }
}

/// One record to write, with its group's decision.
pub struct Entry<'a> {
    pub record: &'a Record,
    pub outcome: Outcome,
    /// The stage the decision is of (`None`: undecided at title/abstract).
    pub stage: Option<Stage>,
    pub decision: Option<&'a Decision>,
    /// Reason labels, in the project's order.
    pub reasons: Vec<String>,
}

fn outcome(v: &Verdict) -> Outcome {
    match v {
        Verdict::Include => Outcome::Include,
        Verdict::Exclude(_) => Outcome::Exclude,
        Verdict::Maybe => Outcome::Maybe,
        Verdict::NotRetrieved => Outcome::NotRetrieved,
        Verdict::Cleared => Outcome::Undecided,
    }
}

/// The records to export, in import order: primaries (and, with
/// `with_duplicates`, the records linked to them, each carrying its
/// group's decision) whose decision `which` takes. `stage` `None` means
/// where each record stands in the PRISMA flow: a record that went on to
/// full text has its full-text decision (undecided until it has one), any
/// other its title/abstract decision; so "include" is the studies included
/// in the review. With `Some(FullText)` only the records that went on to
/// full text are considered.
pub fn select<'a>(
    project: &'a Project,
    reviewer: &str,
    stage: Option<Stage>,
    which: Which,
    with_duplicates: bool,
) -> Vec<Entry<'a>> {
    let ta = project.current_decisions(reviewer, Stage::TitleAbstract);
    let ft = project.current_decisions(reviewer, Stage::FullText);
    let at_full_text: HashSet<&str> = stats::eligible(project, reviewer, Stage::FullText)
        .into_iter()
        .map(|i| project.records[i].key.as_str())
        .collect();
    let primary_of = project.primary_of();
    let mut order: Vec<usize> = (0..project.records.len())
        .filter(|&i| with_duplicates || project.records[i].is_primary())
        .collect();
    order.sort_by_key(|&i| project.records[i].origin);
    let mut out = Vec::new();
    for i in order {
        let record = &project.records[i];
        let group = primary_of
            .get(record.key.as_str())
            .copied()
            .unwrap_or(record.key.as_str());
        let forwarded = at_full_text.contains(group);
        let (decision, stage_of) = match stage {
            Some(Stage::TitleAbstract) => (ta.get(group).copied(), Stage::TitleAbstract),
            Some(Stage::FullText) if !forwarded => continue,
            Some(Stage::FullText) => (ft.get(group).copied(), Stage::FullText),
            None if forwarded => (ft.get(group).copied(), Stage::FullText),
            None => (ta.get(group).copied(), Stage::TitleAbstract),
        };
        let o = decision.map_or(Outcome::Undecided, |d| outcome(&d.verdict));
        if !which.takes(o) {
            continue;
        }
        let reasons = match decision.map(|d| &d.verdict) {
            Some(Verdict::Exclude(ids)) => {
                let mut ids: Vec<&String> = ids.iter().collect();
                ids.sort_by_key(|id| {
                    project
                        .reasons
                        .iter()
                        .position(|r| &r.id == *id)
                        .unwrap_or(usize::MAX)
                });
                ids.iter()
                    .map(|id| project.reason_label(id).to_string())
                    .collect()
            }
            _ => Vec::new(),
        };
        out.push(Entry {
            record,
            outcome: o,
            stage: decision.map(|_| stage_of),
            decision,
            reasons,
        });
    }
    out
}

/// What an entry says, as `(name, value)` pairs in a fixed order, empty
/// ones left out: `key`, `decision`, `stage`, `reviewer`, `decided`,
/// `reasons` (labels joined with `; `), `note`, `tags` (joined with `; `),
/// `rule`, `duplicate of`.
pub fn facts(e: &Entry) -> Vec<(&'static str, String)> {
    let mut out = vec![
        ("key", e.record.key.clone()),
        ("decision", e.outcome.name().to_string()),
    ];
    if let Some(stage) = e.stage {
        out.push(("stage", stage.label().to_string()));
    }
    if let Some(d) = e.decision {
        out.push(("reviewer", d.reviewer.clone()));
        out.push(("decided", d.at.clone()));
        if !e.reasons.is_empty() {
            out.push(("reasons", e.reasons.join("; ")));
        }
        if !d.note.trim().is_empty() {
            out.push(("note", d.note.clone()));
        }
        if !d.tags.is_empty() {
            out.push(("tags", d.tags.join("; ")));
        }
        if let Some(rule) = &d.rule {
            out.push(("rule", rule.clone()));
        }
    }
    if let Some(p) = &e.record.duplicate_of {
        out.push(("duplicate of", p.clone()));
    }
    out
}

/// The RIS lines of an entry: a note per fact (`N1  - screener decision:
/// include`; the key as [`EXPORTED_KEY_NOTE`], which the importer reads
/// back), and keywords a reference manager files by: `screener:include`
/// and `screener:tag:NAME` per tag.
pub fn ris_lines(e: &Entry) -> Vec<(&'static str, String)> {
    let mut out: Vec<(&'static str, String)> = facts(e)
        .into_iter()
        .map(|(name, value)| {
            if name == "key" {
                ("N1", format!("{EXPORTED_KEY_NOTE}{value}"))
            } else {
                ("N1", format!("screener {name}: {value}"))
            }
        })
        .collect();
    out.push((
        "KW",
        format!("screener:{}", e.outcome.name().replace(' ', "-")),
    ));
    if let Some(d) = e.decision {
        for t in &d.tags {
            out.push(("KW", format!("screener:tag:{t}")));
        }
    }
    out
}

/// The BibTeX fields of an entry: `screener-key`, `screener-decision`, …
pub fn bibtex_fields(e: &Entry) -> Vec<(&'static str, String)> {
    facts(e)
        .into_iter()
        .map(|(name, value)| {
            let field = match name {
                "key" => "screener-key",
                "decision" => "screener-decision",
                "stage" => "screener-stage",
                "reviewer" => "screener-reviewer",
                "decided" => "screener-decided",
                "reasons" => "screener-reasons",
                "note" => "screener-note",
                "tags" => "screener-tags",
                "rule" => "screener-rule",
                _ => "screener-duplicate-of",
            };
            (field, value)
        })
        .collect()
}
