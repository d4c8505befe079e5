//! Reviewers' decisions side by side: which records each screened, where
//! they agree, the agreement statistics (`agreement`), and the conflicts.
//! `screener compare` prints these reports; the resolve screen walks
//! [`conflicts`] and writes [`carry_agreements`] as consensus decisions.
//!
//! Records are lined up by key across files: a record's duplicate group in
//! one file is joined with its group in the others (any shared key joins
//! them), so two files whose imports linked duplicates differently still
//! compare group to group. In one file, a group is a primary and its
//! duplicates, as everywhere else (`Project::current_decisions`).

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::agreement::{self, Table, Undefined};
use crate::project::{Decision, Project, Stage, Verdict};

/// The verdict categories of the agreement table, in its order. At full
/// text "report not retrieved" counts as exclude in the table (it keeps
/// the record out), and is still a conflict with an exclusion.
pub const CATEGORIES: [&str; 3] = ["include", "exclude", "maybe"];

/// One reviewer's decisions in one project.
#[derive(Clone, Copy)]
pub struct Side<'a> {
    pub project: &'a Project,
    pub reviewer: &'a str,
    /// The file it was read from, for reports (empty for one project).
    pub file: &'a str,
}

/// The category of a verdict in the table (`CATEGORIES`), `None` if
/// undecided.
pub fn category(v: &Verdict) -> Option<usize> {
    match v {
        Verdict::Include => Some(0),
        Verdict::Exclude(_) | Verdict::NotRetrieved => Some(1),
        Verdict::Maybe => Some(2),
        Verdict::Cleared => None,
    }
}

/// Whether two decisions say the same thing for the consensus: the same
/// verdict, whatever the reasons of an exclusion.
pub fn same_verdict(a: &Verdict, b: &Verdict) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

/// The verdict's name in reports.
pub fn verdict_name(v: &Verdict) -> &'static str {
    match v {
        Verdict::Include => "include",
        Verdict::Exclude(_) => "exclude",
        Verdict::Maybe => "maybe",
        Verdict::NotRetrieved => "not_retrieved",
        Verdict::Cleared => "undecided",
    }
}

/// One record (duplicate group) across the sides.
#[derive(Debug, Clone)]
pub struct Unit<'a> {
    /// The primary's key in the first file that holds the record.
    pub key: &'a str,
    pub title: &'a str,
    /// Per side: its file holds the record.
    pub held: Vec<bool>,
    /// Per side: the reviewer's current decision at the stage.
    pub decisions: Vec<Option<&'a Decision>>,
}

/// Lines up the sides' records and current decisions at `stage`, in the
/// import order of the first file, then the records only later files hold.
pub fn align<'a>(sides: &[Side<'a>], stage: Stage) -> Vec<Unit<'a>> {
    let mut projects: Vec<&'a Project> = Vec::new();
    let side_project: Vec<usize> = sides
        .iter()
        .map(|s| {
            projects
                .iter()
                .position(|p| std::ptr::eq(*p, s.project))
                .unwrap_or_else(|| {
                    projects.push(s.project);
                    projects.len() - 1
                })
        })
        .collect();
    // Union-find over every key of every project: a record joins its
    // primary, and the same key in two files is one node.
    let mut ids: HashMap<&'a str, usize> = HashMap::new();
    let mut parent: Vec<usize> = Vec::new();
    let mut id = |k: &'a str, parent: &mut Vec<usize>| -> usize {
        *ids.entry(k).or_insert_with(|| {
            parent.push(parent.len());
            parent.len() - 1
        })
    };
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    let mut record_ids: Vec<Vec<usize>> = Vec::with_capacity(projects.len());
    for p in &projects {
        let mut these = Vec::with_capacity(p.records.len());
        for r in p.records.iter() {
            let a = id(r.key.as_str(), &mut parent);
            these.push(a);
            if let Some(primary) = r.duplicate_of.as_deref() {
                let b = id(primary, &mut parent);
                let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
                if ra != rb {
                    parent[ra.max(rb)] = ra.min(rb);
                }
            }
        }
        record_ids.push(these);
    }
    let mut unit_of: HashMap<usize, usize> = HashMap::new();
    let mut units: Vec<Unit<'a>> = Vec::new();
    for (pi, p) in projects.iter().enumerate() {
        for i in p.primaries_in_import_order() {
            let root = find(&mut parent, record_ids[pi][i]);
            unit_of.entry(root).or_insert_with(|| {
                units.push(Unit {
                    key: p.records[i].key.as_str(),
                    title: p.records[i].title.as_str(),
                    held: vec![false; sides.len()],
                    decisions: vec![None; sides.len()],
                });
                units.len() - 1
            });
        }
    }
    let mut held_by: Vec<Vec<bool>> = vec![vec![false; units.len()]; projects.len()];
    for (pi, these) in record_ids.iter().enumerate() {
        for &rid in these {
            let root = find(&mut parent, rid);
            if let Some(&u) = unit_of.get(&root) {
                held_by[pi][u] = true;
            }
        }
    }
    for (si, side) in sides.iter().enumerate() {
        let pi = side_project[si];
        for u in 0..units.len() {
            units[u].held[si] = held_by[pi][u];
        }
        for (primary, d) in side.project.current_decisions(side.reviewer, stage) {
            let Some(&rid) = ids.get(primary) else {
                continue;
            };
            let root = find(&mut parent, rid);
            let Some(&u) = unit_of.get(&root) else {
                continue;
            };
            // Two groups of this file that another file joined: the later
            // decision counts, as within a group.
            let slot = &mut units[u].decisions[si];
            if slot.is_none_or(|old| d.at > old.at) {
                *slot = Some(d);
            }
        }
    }
    units
}

/// The sides of reviewers of one project.
pub fn in_one<'a>(project: &'a Project, reviewers: &[&'a str]) -> Vec<Side<'a>> {
    reviewers
        .iter()
        .map(|&reviewer| Side {
            project,
            reviewer,
            file: "",
        })
        .collect()
}

/// A record the reviewers decided differently, for the resolve screen: the
/// primary's key and each reviewer's current decision (`None`: that one
/// has not decided it).
#[derive(Debug, Clone, PartialEq)]
pub struct RecordConflict<'a> {
    pub key: &'a str,
    pub title: &'a str,
    /// One per reviewer, in the order they were given.
    pub decisions: Vec<Option<&'a Decision>>,
}

/// Whether the decisions given disagree: at least two reviewers decided and
/// not all of them alike.
fn disagree(decisions: &[Option<&Decision>]) -> bool {
    let mut decided = decisions.iter().flatten();
    let Some(first) = decided.next() else {
        return false;
    };
    decided.any(|d| !same_verdict(&first.verdict, &d.verdict))
}

/// The records `reviewers` of one project decided at `stage` with
/// different verdicts, in import order. With two reviewers, the records
/// both decided differently; with more, any two who decided it differ.
pub fn conflicts<'a>(
    project: &'a Project,
    reviewers: &[&'a str],
    stage: Stage,
) -> Vec<RecordConflict<'a>> {
    align(&in_one(project, reviewers), stage)
        .into_iter()
        .filter(|u| disagree(&u.decisions))
        .map(|u| RecordConflict {
            key: u.key,
            title: u.title,
            decisions: u.decisions,
        })
        .collect()
}

/// The consensus decisions (by reviewer `by`, at time `at`) for every
/// record all `reviewers` of one project decided alike at `stage` and `by`
/// has not decided yet: the shared verdict, the reasons of all for an
/// exclusion, the tags of all. Apply them as one `Change::DecideMany`.
/// Running it again after some are applied adds only the rest.
pub fn carry_agreements(
    project: &Project,
    reviewers: &[&str],
    stage: Stage,
    by: &str,
    at: &str,
) -> Vec<Decision> {
    let mut names = reviewers.to_vec();
    names.push(by);
    align(&in_one(project, &names), stage)
        .into_iter()
        .filter_map(|u| {
            let (consensus, sides) = u.decisions.split_last()?;
            let sides: Vec<&Decision> = sides.iter().copied().collect::<Option<_>>()?;
            let first = sides.first()?;
            if consensus.is_some() || disagree(&u.decisions[..sides.len()]) {
                return None;
            }
            let verdict = match &first.verdict {
                Verdict::Exclude(_) => {
                    Verdict::Exclude(sides.iter().fold(Vec::new(), |acc, d| match &d.verdict {
                        Verdict::Exclude(r) => union(&acc, r),
                        _ => acc,
                    }))
                }
                v => v.clone(),
            };
            Some(Decision {
                record: u.key.to_string(),
                reviewer: by.to_string(),
                stage,
                verdict,
                note: String::new(),
                tags: sides.iter().fold(Vec::new(), |acc, d| union(&acc, &d.tags)),
                at: at.to_string(),
                rule: None,
            })
        })
        .collect()
}

fn union(a: &[String], b: &[String]) -> Vec<String> {
    let mut out = a.to_vec();
    for x in b {
        if !out.contains(x) {
            out.push(x.clone());
        }
    }
    out
}

/// A record named in a report.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RecordRef {
    pub key: String,
    pub title: String,
}

/// One side's decision on a conflicting record.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SideDecision {
    pub verdict: &'static str,
    /// Reason ids of an exclusion.
    pub reasons: Vec<String>,
    pub reason_labels: Vec<String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub note: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    pub at: String,
}

impl SideDecision {
    fn of(d: &Decision, project: &Project) -> SideDecision {
        let reasons = match &d.verdict {
            Verdict::Exclude(r) => r.clone(),
            _ => Vec::new(),
        };
        SideDecision {
            verdict: verdict_name(&d.verdict),
            reason_labels: reasons
                .iter()
                .map(|id| project.reason_label(id).to_string())
                .collect(),
            reasons,
            note: d.note.clone(),
            tags: d.tags.clone(),
            at: d.at.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Conflict {
    pub key: String,
    pub title: String,
    pub a: SideDecision,
    pub b: SideDecision,
}

/// How often an exclusion reason was given by one reviewer where the other
/// did not exclude, or did not name it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ReasonDisagreement {
    pub id: String,
    pub label: String,
    /// `a` excluded for this reason, `b` did not exclude.
    pub excluded_by_a_not_b: usize,
    pub excluded_by_b_not_a: usize,
    /// Both excluded, only one of them for this reason.
    pub both_excluded_one_named_it: usize,
}

/// The 3x3 table of a report: `counts[i][j]` records `rows` put in
/// category i and `columns` in category j.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TableReport {
    pub categories: [&'static str; 3],
    pub rows: String,
    pub columns: String,
    pub counts: Vec<Vec<u64>>,
}

/// `screener compare` for two reviewers (docs/json.md).
#[derive(Debug, Clone, Serialize)]
pub struct PairReport {
    pub reviewers: [String; 2],
    pub files: [String; 2],
    pub stage: &'static str,
    /// Records both files hold (every record in one file).
    pub records: usize,
    pub both_screened: usize,
    pub agreements: u64,
    pub agreement: Option<f64>,
    pub kappa: Option<f64>,
    pub kappa_ci: Option<[f64; 2]>,
    pub kappa_ci_method: &'static str,
    pub kappa_maybe_as_include: Option<f64>,
    pub pabak: Option<f64>,
    pub ac1: Option<f64>,
    /// Per coefficient above that is `null`: why.
    pub undefined: BTreeMap<&'static str, String>,
    pub table: TableReport,
    /// Conflicts between "report not retrieved" and an exclusion: the
    /// table counts both as exclude.
    pub not_retrieved_vs_exclude: usize,
    pub reasons: Vec<ReasonDisagreement>,
    pub conflicts: Vec<Conflict>,
    pub only_screened_by_a: Vec<RecordRef>,
    pub only_screened_by_b: Vec<RecordRef>,
    pub only_in_a: Vec<RecordRef>,
    pub only_in_b: Vec<RecordRef>,
}

fn keep(
    c: agreement::Coefficient,
    name: &'static str,
    undefined: &mut BTreeMap<&'static str, String>,
) -> Option<f64> {
    match c {
        Ok(v) => Some(v),
        Err(Undefined(why)) => {
            undefined.insert(name, why);
            None
        }
    }
}

fn record_ref(u: &Unit) -> RecordRef {
    RecordRef {
        key: u.key.to_string(),
        title: u.title.to_string(),
    }
}

/// The report for sides `i` and `j` of aligned `units`.
pub fn pair_report(sides: &[Side], units: &[Unit], i: usize, j: usize, stage: Stage) -> PairReport {
    let (a, b) = (&sides[i], &sides[j]);
    let mut table = Table::new(3);
    let mut r = PairReport {
        reviewers: [a.reviewer.to_string(), b.reviewer.to_string()],
        files: [a.file.to_string(), b.file.to_string()],
        stage: stage.cli_name(),
        records: 0,
        both_screened: 0,
        agreements: 0,
        agreement: None,
        kappa: None,
        kappa_ci: None,
        kappa_ci_method: agreement::KAPPA_CI_METHOD,
        kappa_maybe_as_include: None,
        pabak: None,
        ac1: None,
        undefined: BTreeMap::new(),
        table: TableReport {
            categories: CATEGORIES,
            rows: a.reviewer.to_string(),
            columns: b.reviewer.to_string(),
            counts: Vec::new(),
        },
        not_retrieved_vs_exclude: 0,
        reasons: Vec::new(),
        conflicts: Vec::new(),
        only_screened_by_a: Vec::new(),
        only_screened_by_b: Vec::new(),
        only_in_a: Vec::new(),
        only_in_b: Vec::new(),
    };
    let mut by_reason: BTreeMap<String, [usize; 3]> = BTreeMap::new();
    for u in units {
        match (u.held[i], u.held[j]) {
            (true, true) => r.records += 1,
            (true, false) => {
                r.only_in_a.push(record_ref(u));
                continue;
            }
            (false, true) => {
                r.only_in_b.push(record_ref(u));
                continue;
            }
            (false, false) => continue,
        }
        let (da, db) = match (u.decisions[i], u.decisions[j]) {
            (Some(x), Some(y)) => (x, y),
            (Some(_), None) => {
                r.only_screened_by_a.push(record_ref(u));
                continue;
            }
            (None, Some(_)) => {
                r.only_screened_by_b.push(record_ref(u));
                continue;
            }
            (None, None) => continue,
        };
        let (Some(ca), Some(cb)) = (category(&da.verdict), category(&db.verdict)) else {
            continue;
        };
        table.counts[ca][cb] += 1;
        let ra: &[String] = match &da.verdict {
            Verdict::Exclude(x) => x,
            _ => &[],
        };
        let rb: &[String] = match &db.verdict {
            Verdict::Exclude(x) => x,
            _ => &[],
        };
        let both_excluded =
            matches!(da.verdict, Verdict::Exclude(_)) && matches!(db.verdict, Verdict::Exclude(_));
        for id in ra.iter().filter(|id| !rb.contains(id)) {
            let e = by_reason.entry(id.clone()).or_default();
            e[if both_excluded { 2 } else { 0 }] += 1;
        }
        for id in rb.iter().filter(|id| !ra.contains(id)) {
            let e = by_reason.entry(id.clone()).or_default();
            e[if both_excluded { 2 } else { 1 }] += 1;
        }
        if !same_verdict(&da.verdict, &db.verdict) {
            if ca == cb {
                r.not_retrieved_vs_exclude += 1;
            }
            r.conflicts.push(Conflict {
                key: u.key.to_string(),
                title: u.title.to_string(),
                a: SideDecision::of(da, a.project),
                b: SideDecision::of(db, b.project),
            });
        }
    }
    r.both_screened = table.n() as usize;
    r.agreements = table.agreements();
    let u = &mut r.undefined;
    r.agreement = keep(agreement::agreement(&table), "agreement", u);
    r.kappa = keep(agreement::cohen_kappa(&table), "kappa", u);
    r.kappa_ci = match agreement::kappa_ci(&table) {
        Ok((lo, hi)) => Some([lo, hi]),
        Err(Undefined(why)) => {
            u.insert("kappa_ci", why);
            None
        }
    };
    let two = table.collapse(&[0, 1, 0], 2);
    r.kappa_maybe_as_include = keep(agreement::cohen_kappa(&two), "kappa_maybe_as_include", u);
    r.pabak = keep(agreement::pabak(&table), "pabak", u);
    r.ac1 = keep(agreement::ac1(&table), "ac1", u);
    r.reasons = by_reason
        .into_iter()
        .map(|(id, [x, y, z])| ReasonDisagreement {
            label: label_in(&[a.project, b.project], &id),
            id,
            excluded_by_a_not_b: x,
            excluded_by_b_not_a: y,
            both_excluded_one_named_it: z,
        })
        .collect();
    r.table.counts = table.counts;
    r
}

/// A reason's label in the first project that knows the id.
fn label_in(projects: &[&Project], id: &str) -> String {
    projects
        .iter()
        .find_map(|p| p.reasons.iter().find(|r| r.id == id))
        .map_or_else(|| id.to_string(), |r| r.label.clone())
}

/// `screener compare` for three or more reviewers: every pair, and Fleiss'
/// kappa over the records all of them screened.
#[derive(Debug, Clone, Serialize)]
pub struct MultiReport {
    pub reviewers: Vec<String>,
    pub files: Vec<String>,
    pub stage: &'static str,
    pub all_screened: usize,
    pub fleiss_kappa: Option<f64>,
    pub undefined: BTreeMap<&'static str, String>,
    pub pairs: Vec<PairReport>,
}

pub fn multi_report(sides: &[Side], stage: Stage) -> MultiReport {
    let units = align(sides, stage);
    let mut pairs = Vec::new();
    for i in 0..sides.len() {
        for j in i + 1..sides.len() {
            pairs.push(pair_report(sides, &units, i, j, stage));
        }
    }
    let subjects: Vec<Vec<u64>> = units
        .iter()
        .filter_map(|u| {
            let mut counts = vec![0u64; 3];
            for d in &u.decisions {
                counts[category(&(*d)?.verdict)?] += 1;
            }
            Some(counts)
        })
        .collect();
    let mut undefined = BTreeMap::new();
    let fleiss_kappa = keep(
        agreement::fleiss_kappa(&subjects),
        "fleiss_kappa",
        &mut undefined,
    );
    MultiReport {
        reviewers: sides.iter().map(|s| s.reviewer.to_string()).collect(),
        files: sides.iter().map(|s| s.file.to_string()).collect(),
        stage: stage.cli_name(),
        all_screened: subjects.len(),
        fleiss_kappa,
        undefined,
        pairs,
    }
}

#[cfg(test)]
mod tests;
