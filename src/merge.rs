//! Joining copies of one review (`screener merge`, and the git merge
//! driver): records matched by key, every decision of every file kept with
//! its reviewer, reasons matched by id. `docs/TWO-REVIEWERS.md` says what happens
//! to each part of a project and why.
//!
//! [`merge`] is a join: the result does not depend on the order of the
//! files or on how they are grouped, and merging a file with itself gives
//! it back. Histories (decisions, duplicate reviews) and ordered lists
//! (sources, reasons, terms, records) are merged by [`merge_sequences`],
//! which keeps the order every file agrees on and interleaves the rest by
//! time, so a reviewer's own history stays in the order it was made.
//! [`merge3`] is the git driver's three-way merge: the same join, but a
//! value that one side changed from the common ancestor takes that side's
//! value, and a value both changed differently is a conflict.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::hash::Hash;

use serde::Serialize;

use crate::human::count;
use crate::project::{
    Decision, DuplicateReview, Highlight, Project, Reason, Settings, Source, VERSION, Verdict,
};
use crate::record::Record;

/// One project to merge and the name reports give it.
#[derive(Clone, Copy)]
pub struct Input<'a> {
    pub name: &'a str,
    pub project: &'a Project,
}

/// What a merge did, for `screener merge` (docs/json.md).
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct MergeReport {
    pub files: Vec<FileSummary>,
    pub records: usize,
    pub decisions: usize,
    /// Decisions in the history per reviewer.
    pub reviewers: BTreeMap<String, usize>,
    /// Duplicate links were recomputed because the files' records or links
    /// differed.
    pub relinked: bool,
    /// What differed and how it was settled (a reason id with two labels,
    /// different criteria, …).
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FileSummary {
    pub path: String,
    pub records: usize,
    pub decisions: usize,
    /// Records no other file holds.
    pub records_only_here: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MergeError {
    /// Fewer than two files, or a file that shares no record with the
    /// others: not copies of one review.
    NotOneReview(String),
    /// Three-way: both sides changed the same value differently.
    Conflicts(Vec<String>),
}

impl fmt::Display for MergeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MergeError::NotOneReview(why) => f.write_str(why),
            MergeError::Conflicts(c) => write!(f, "{}", c.join("; ")),
        }
    }
}

impl std::error::Error for MergeError {}

/// Merges sequences that are copies of one history extended in different
/// ways. An element is identified by its value and its occurrence number
/// in its sequence (the second identical entry of a history is another
/// entry). The result keeps every element once and the relative order of
/// any two that a sequence holds both of; elements no sequence orders are
/// interleaved by `cmp` (which must be a total order consistent with `Eq`).
/// Sequences that order two elements differently cannot all be kept; the
/// element `cmp` puts first goes first then.
pub fn merge_sequences<'a, T: Eq + Hash + ?Sized>(
    chains: &[Vec<&'a T>],
    cmp: impl Fn(&T, &T) -> Ordering,
) -> Vec<&'a T> {
    let mut node_of: HashMap<(&'a T, usize), usize> = HashMap::new();
    let mut nodes: Vec<&'a T> = Vec::new();
    // Per node: (chain, index) where it sits.
    let mut places: Vec<Vec<(usize, usize)>> = Vec::new();
    let mut seqs: Vec<Vec<usize>> = Vec::with_capacity(chains.len());
    for (c, chain) in chains.iter().enumerate() {
        let mut seen: HashMap<&'a T, usize> = HashMap::new();
        let mut seq = Vec::with_capacity(chain.len());
        for (i, &x) in chain.iter().enumerate() {
            let occ = seen.entry(x).or_insert(0);
            let node = *node_of.entry((x, *occ)).or_insert_with(|| {
                nodes.push(x);
                places.push(Vec::new());
                nodes.len() - 1
            });
            *occ += 1;
            places[node].push((c, i));
            seq.push(node);
        }
        seqs.push(seq);
    }
    let mut done = vec![false; nodes.len()];
    let mut at = vec![0usize; seqs.len()];
    let mut out = Vec::with_capacity(nodes.len());
    loop {
        let mut best: Option<usize> = None;
        let mut best_any: Option<usize> = None;
        for (c, seq) in seqs.iter().enumerate() {
            while at[c] < seq.len() && done[seq[at[c]]] {
                at[c] += 1;
            }
            let Some(&head) = seq.get(at[c]) else {
                continue;
            };
            let better =
                |b: Option<usize>| b.is_none_or(|b| cmp(nodes[head], nodes[b]) == Ordering::Less);
            if better(best_any) {
                best_any = Some(head);
            }
            let ready = places[head].iter().all(|&(c2, i)| at[c2] == i);
            if ready && better(best) {
                best = Some(head);
            }
        }
        // No head is first in every sequence that holds it: the sequences
        // disagree on an order; take the smallest head.
        let Some(next) = best.or(best_any) else {
            break;
        };
        done[next] = true;
        out.push(nodes[next]);
    }
    out
}

/// The order histories are interleaved in: time, then the entry's content.
fn decision_order(a: &Decision, b: &Decision) -> Ordering {
    fn rank(v: &Verdict) -> u8 {
        match v {
            Verdict::Include => 0,
            Verdict::Exclude(_) => 1,
            Verdict::Maybe => 2,
            Verdict::NotRetrieved => 3,
            Verdict::Cleared => 4,
        }
    }
    let reasons = |v: &Verdict| match v {
        Verdict::Exclude(r) => r.clone(),
        _ => Vec::new(),
    };
    (&a.at, &a.reviewer, a.stage, &a.record, rank(&a.verdict))
        .cmp(&(&b.at, &b.reviewer, b.stage, &b.record, rank(&b.verdict)))
        .then_with(|| reasons(&a.verdict).cmp(&reasons(&b.verdict)))
        .then_with(|| (&a.note, &a.tags, &a.rule).cmp(&(&b.note, &b.tags, &b.rule)))
}

fn review_order(a: &DuplicateReview, b: &DuplicateReview) -> Ordering {
    (&a.at, &a.reviewer, &a.record, &a.of, a.split).cmp(&(
        &b.at,
        &b.reviewer,
        &b.record,
        &b.of,
        b.split,
    ))
}

/// What identifies an imported file across projects: the hash of its
/// bytes, or (for sources imported before hashes were kept) its path and
/// time.
fn source_id(s: &Source) -> String {
    if s.content_hash.is_empty() {
        format!("{}@{}", s.path, s.imported_at)
    } else {
        s.content_hash.clone()
    }
}

/// The record without where it sits (origin, duplicate links), to tell
/// whether two files hold the same record under one key.
fn same_content(a: &Record, b: &Record) -> bool {
    let strip = |r: &Record| Record {
        origin: Default::default(),
        duplicate_of: None,
        duplicate_match: None,
        ..r.clone()
    };
    strip(a) == strip(b)
}

/// Joins the projects (see the module doc). Refuses fewer than two, and
/// files that share no record with the others.
pub fn merge(inputs: &[Input]) -> Result<(Project, MergeReport), MergeError> {
    check_one_review(inputs)?;
    let mut report = MergeReport::default();
    let mut out = Project::new();
    out.version = VERSION;
    out.created = inputs
        .iter()
        .map(|i| i.project.created.clone())
        .min()
        .unwrap_or_default();
    out.journal_seq = inputs
        .iter()
        .map(|i| i.project.journal_seq)
        .max()
        .unwrap_or(0);
    out.settings = merge_settings(inputs, &mut report.warnings);
    out.criteria = merge_criteria(inputs, &mut report.warnings);
    out.highlight = Highlight {
        include: merge_terms(inputs.iter().map(|i| &i.project.highlight.include)),
        exclude: merge_terms(inputs.iter().map(|i| &i.project.highlight.exclude)),
    };
    out.reasons = merge_reasons(inputs, &mut report.warnings);
    // Sources, and where each file's source indices went.
    let chains: Vec<Vec<&Source>> = inputs
        .iter()
        .map(|i| i.project.sources.iter().collect())
        .collect();
    let ids: Vec<Vec<String>> = inputs
        .iter()
        .map(|i| i.project.sources.iter().map(source_id).collect())
        .collect();
    let id_chains: Vec<Vec<&str>> = ids
        .iter()
        .map(|v| v.iter().map(String::as_str).collect())
        .collect();
    let first_of: HashMap<&str, &Source> = chains
        .iter()
        .flatten()
        .zip(ids.iter().flatten())
        .map(|(s, id)| (id.as_str(), *s))
        .collect();
    let merged_ids = merge_sequences(&id_chains, |a: &str, b: &str| {
        (&first_of[a].imported_at, a).cmp(&(&first_of[b].imported_at, b))
    });
    let new_index: HashMap<&str, u32> = merged_ids
        .iter()
        .enumerate()
        .map(|(n, id)| (*id, n as u32))
        .collect();
    out.sources = merged_ids.iter().map(|id| first_of[id].clone()).collect();
    let remap: Vec<Vec<u32>> = ids
        .iter()
        .map(|v| v.iter().map(|id| new_index[id.as_str()]).collect())
        .collect();
    // Records by key.
    let mut versions: HashMap<&str, Vec<(usize, &Record)>> = HashMap::new();
    for (n, input) in inputs.iter().enumerate() {
        for r in input.project.records.iter() {
            versions.entry(r.key.as_str()).or_default().push((n, r));
        }
    }
    let placed = |n: usize, r: &Record| -> Record {
        let mut r = r.clone();
        if let Some(&s) = remap[n].get(r.origin.source as usize) {
            r.origin.source = s;
        }
        r
    };
    let mut chosen: HashMap<&str, Record> = HashMap::with_capacity(versions.len());
    let mut links_agree = true;
    for (&key, vs) in &versions {
        links_agree &= vs.len() == inputs.len()
            && vs.iter().all(|(_, r)| {
                r.duplicate_of == vs[0].1.duplicate_of
                    && r.duplicate_match == vs[0].1.duplicate_match
            });
        let mut candidates: Vec<Record> = vs.iter().map(|&(n, r)| placed(n, r)).collect();
        candidates.sort_by_key(|r| (r.origin, r.content_hash()));
        let kept = candidates.swap_remove(0);
        if let Some(&(n, _)) = vs.iter().find(|(_, r)| !same_content(r, &kept)) {
            report.warnings.push(format!(
                "record {key} differs between the files (e.g. in {}); kept one version, the other is in its file",
                inputs[n].name
            ));
        }
        chosen.insert(key, kept);
    }
    let key_chains: Vec<Vec<&str>> = inputs
        .iter()
        .map(|i| i.project.records.iter().map(|r| r.key.as_str()).collect())
        .collect();
    let order = merge_sequences(&key_chains, |a: &str, b: &str| {
        (chosen[a].origin, a).cmp(&(chosen[b].origin, b))
    });
    let records: Vec<Record> = order.iter().map(|k| chosen[k].clone()).collect();
    *out.records = records;
    // Histories.
    let chains: Vec<Vec<&Decision>> = inputs
        .iter()
        .map(|i| i.project.decisions.iter().collect())
        .collect();
    out.decisions = merge_sequences(&chains, decision_order)
        .into_iter()
        .cloned()
        .collect();
    let chains: Vec<Vec<&DuplicateReview>> = inputs
        .iter()
        .map(|i| i.project.duplicate_reviews.iter().collect())
        .collect();
    out.duplicate_reviews = merge_sequences(&chains, review_order)
        .into_iter()
        .cloned()
        .collect();
    if !links_agree {
        out.relink_duplicates();
        report.relinked = true;
    }
    summarize(inputs, &out, &versions, &mut report);
    Ok((out, report))
}

fn summarize(
    inputs: &[Input],
    out: &Project,
    versions: &HashMap<&str, Vec<(usize, &Record)>>,
    report: &mut MergeReport,
) {
    report.records = out.records.len();
    report.decisions = out.decisions.len();
    for d in &out.decisions {
        *report.reviewers.entry(d.reviewer.clone()).or_default() += 1;
    }
    report.files = inputs
        .iter()
        .enumerate()
        .map(|(n, i)| FileSummary {
            path: i.name.to_string(),
            records: i.project.records.len(),
            decisions: i.project.decisions.len(),
            records_only_here: versions
                .values()
                .filter(|vs| vs.len() == 1 && vs[0].0 == n)
                .count(),
        })
        .collect();
}

/// Every file shares a record with the others (transitively): files of
/// two different reviews are not merged into one.
fn check_one_review(inputs: &[Input]) -> Result<(), MergeError> {
    if inputs.len() < 2 {
        return Err(MergeError::NotOneReview(
            "merging needs two or more files".into(),
        ));
    }
    if let Some(empty) = inputs.iter().find(|i| i.project.records.is_empty()) {
        return Err(MergeError::NotOneReview(format!(
            "{}: holds no records, so it cannot be matched with the others; import the review's files first",
            empty.name
        )));
    }
    let keys: Vec<HashSet<&str>> = inputs
        .iter()
        .map(|i| i.project.records.iter().map(|r| r.key.as_str()).collect())
        .collect();
    let mut joined = vec![false; inputs.len()];
    joined[0] = true;
    let mut grew = true;
    while grew {
        grew = false;
        for j in 0..inputs.len() {
            if joined[j] {
                continue;
            }
            if (0..inputs.len()).any(|i| joined[i] && !keys[i].is_disjoint(&keys[j])) {
                joined[j] = true;
                grew = true;
            }
        }
    }
    if let Some(j) = joined.iter().position(|&x| !x) {
        return Err(MergeError::NotOneReview(format!(
            "{}: shares no record with {} ({}): these are not copies of one review; \
             a merged file would mix two reviews. Import the same search files into both, \
             or compare them with `screener compare`",
            inputs[j].name,
            inputs[0].name,
            count(keys[0].len(), "record", "records")
        )));
    }
    Ok(())
}

fn merge_settings(inputs: &[Input], warnings: &mut Vec<String>) -> Settings {
    let all = |f: fn(&Settings) -> bool| {
        inputs
            .iter()
            .map(|i| f(&i.project.settings))
            .collect::<HashSet<bool>>()
    };
    let needs = all(|s| s.exclusion_needs_reason);
    let maybe = all(|s| s.maybe_to_full_text);
    if needs.len() > 1 {
        warnings.push(
            "the files differ on \"an exclusion needs a reason\"; the merged file requires one"
                .into(),
        );
    }
    if maybe.len() > 1 {
        warnings.push(
            "the files differ on \"maybes go on to full text\"; in the merged file they do".into(),
        );
    }
    Settings {
        exclusion_needs_reason: needs.contains(&true),
        maybe_to_full_text: maybe.contains(&true),
    }
}

fn merge_criteria(inputs: &[Input], warnings: &mut Vec<String>) -> String {
    let texts: HashSet<&str> = inputs
        .iter()
        .map(|i| i.project.criteria.as_str())
        .filter(|c| !c.trim().is_empty())
        .collect();
    let kept = texts
        .iter()
        .max_by(|a, b| (a.len(), a).cmp(&(b.len(), b)))
        .map_or_else(String::new, |s| s.to_string());
    if texts.len() > 1 {
        let from = inputs
            .iter()
            .find(|i| i.project.criteria == kept)
            .map_or("", |i| i.name);
        warnings.push(format!(
            "the files hold {} different inclusion criteria; kept the longest (from {from}); \
             the others are in their files",
            texts.len()
        ));
    }
    kept
}

fn merge_terms<'a>(lists: impl Iterator<Item = &'a Vec<String>>) -> Vec<String> {
    let chains: Vec<Vec<&str>> = lists
        .map(|l| l.iter().map(String::as_str).collect())
        .collect();
    merge_sequences(&chains, |a: &str, b: &str| a.cmp(b))
        .into_iter()
        .map(str::to_string)
        .collect()
}

fn merge_reasons(inputs: &[Input], warnings: &mut Vec<String>) -> Vec<Reason> {
    let chains: Vec<Vec<&str>> = inputs
        .iter()
        .map(|i| i.project.reasons.iter().map(|r| r.id.as_str()).collect())
        .collect();
    let ids = merge_sequences(&chains, |a: &str, b: &str| a.cmp(b));
    ids.into_iter()
        .map(|id| {
            let versions: Vec<(&str, &Reason)> = inputs
                .iter()
                .filter_map(|i| Some((i.name, i.project.reasons.iter().find(|r| r.id == id)?)))
                .collect();
            let labels: BTreeMap<&str, Vec<&str>> = versions.iter().fold(BTreeMap::new(), |mut m, (name, r)| {
                m.entry(r.label.as_str()).or_insert_with(Vec::new).push(*name);
                m
            });
            let mut kept = versions
                .iter()
                .map(|(_, r)| *r)
                .min_by(|a, b| (&a.label, a.stage).cmp(&(&b.label, b.stage)))
                .cloned()
                .unwrap_or_else(|| Reason {
                    id: id.to_string(),
                    label: id.to_string(),
                    stage: crate::project::Stage::TitleAbstract,
                    retired: false,
                });
            if labels.len() > 1 {
                let each: Vec<String> = labels
                    .iter()
                    .map(|(label, files)| format!("\"{label}\" in {}", files.join(", ")))
                    .collect();
                warnings.push(format!(
                    "reason `{id}` has {} labels: {}; kept \"{}\" (the id is the same reason: rename it \
                     in the reasons editor if that is wrong)",
                    labels.len(),
                    each.join("; "),
                    kept.label
                ));
            }
            let retired: HashSet<bool> = versions.iter().map(|(_, r)| r.retired).collect();
            if retired.len() > 1 {
                warnings.push(format!("reason `{id}` is retired in some files only; it is retired in the merged file"));
            }
            kept.retired = retired.contains(&true);
            kept
        })
        .collect()
}

/// The three-way merge of the git driver: `ours` and `theirs` joined as by
/// [`merge`]; settings, criteria, terms and reasons that one side changed
/// from `base` take that side's value. `base` is `None` when the file has
/// no common ancestor. Both sides changing one value differently is a
/// conflict: the merged project (with our value there) comes with the list.
pub fn merge3(
    base: Option<&Project>,
    ours: Input,
    theirs: Input,
) -> Result<(Project, MergeReport, Vec<String>), MergeError> {
    let (mut out, mut report) = merge(&[ours, theirs])?;
    // What the join settled for settings, criteria and reasons is settled
    // again below from the ancestor; only its word on records stands.
    report.warnings.retain(|w| w.starts_with("record "));
    let empty = Project {
        reasons: Vec::new(),
        settings: ours.project.settings.clone(),
        ..Project::new()
    };
    let o = base.unwrap_or(&empty);
    let (a, b) = (ours.project, theirs.project);
    let mut conflicts = Vec::new();
    // Scalars: the side that changed wins; both changed differently is a
    // conflict.
    fn pick<'t, T: PartialEq>(o: &'t T, a: &'t T, b: &'t T) -> Result<&'t T, ()> {
        if a == b || b == o {
            Ok(a)
        } else if a == o {
            Ok(b)
        } else {
            Err(())
        }
    }
    out.criteria = match pick(&o.criteria, &a.criteria, &b.criteria) {
        Ok(c) => c.clone(),
        Err(()) => {
            conflicts.push(format!(
                "both sides changed the inclusion criteria; kept {}'s: take {}'s with the criteria editor if that is wrong",
                ours.name, theirs.name
            ));
            a.criteria.clone()
        }
    };
    out.settings = Settings {
        exclusion_needs_reason: *pick(
            &o.settings.exclusion_needs_reason,
            &a.settings.exclusion_needs_reason,
            &b.settings.exclusion_needs_reason,
        )
        .unwrap_or(&a.settings.exclusion_needs_reason),
        maybe_to_full_text: *pick(
            &o.settings.maybe_to_full_text,
            &a.settings.maybe_to_full_text,
            &b.settings.maybe_to_full_text,
        )
        .unwrap_or(&a.settings.maybe_to_full_text),
    };
    // Terms: a term removed on one side and untouched on the other goes.
    let keep3 = |merged: &[String], o: &[String], a: &[String], b: &[String]| -> Vec<String> {
        merged
            .iter()
            .filter(|t| {
                let (ia, ib, io) = (a.contains(t), b.contains(t), o.contains(t));
                // Kept by both, or added by one.
                (ia && ib) || ((ia || ib) && !io)
            })
            .cloned()
            .collect()
    };
    out.highlight.include = keep3(
        &out.highlight.include,
        &o.highlight.include,
        &a.highlight.include,
        &b.highlight.include,
    );
    out.highlight.exclude = keep3(
        &out.highlight.exclude,
        &o.highlight.exclude,
        &a.highlight.exclude,
        &b.highlight.exclude,
    );
    // Reasons: label, stage and retired per id; the order of the side that
    // reordered.
    let find = |p: &'_ Project, id: &str| p.reasons.iter().find(|r| r.id == id).cloned();
    for r in &mut out.reasons {
        let (ro, ra, rb) = (find(o, &r.id), find(a, &r.id), find(b, &r.id));
        let (ra, rb) = match (ra, rb) {
            (Some(x), Some(y)) => (x, y),
            (Some(x), None) | (None, Some(x)) => {
                *r = x;
                continue;
            }
            (None, None) => continue,
        };
        // Not in the ancestor: added on both sides, so two labels are two
        // changes.
        let ro = ro.unwrap_or_else(|| Reason {
            label: String::new(),
            ..ra.clone()
        });
        match pick(&ro.label, &ra.label, &rb.label) {
            Ok(l) => r.label = l.clone(),
            Err(()) => {
                conflicts.push(format!(
                    "reason `{}` was renamed on both sides (\"{}\" in {}, \"{}\" in {}); kept \"{}\"",
                    r.id, ra.label, ours.name, rb.label, theirs.name, ra.label
                ));
                r.label = ra.label.clone();
            }
        }
        r.stage = *pick(&ro.stage, &ra.stage, &rb.stage).unwrap_or(&ra.stage);
        r.retired = *pick(&ro.retired, &ra.retired, &rb.retired).unwrap_or(&ra.retired);
    }
    let order = |p: &Project| -> Vec<String> {
        p.reasons
            .iter()
            .filter(|r| o.reasons.iter().any(|x| x.id == r.id))
            .map(|r| r.id.clone())
            .collect()
    };
    let base_order: Vec<String> = o.reasons.iter().map(|r| r.id.clone()).collect();
    let leader = if order(a) != base_order { a } else { b };
    let mut reasons = Vec::with_capacity(out.reasons.len());
    for id in leader
        .reasons
        .iter()
        .map(|r| r.id.as_str())
        .chain(out.reasons.iter().map(|r| r.id.as_str()))
    {
        if reasons.iter().any(|r: &Reason| r.id == id) {
            continue;
        }
        if let Some(r) = out.reasons.iter().find(|r| r.id == id) {
            reasons.push(r.clone());
        }
    }
    out.reasons = reasons;
    // The journal beside our file was written against our file.
    out.journal_seq = a.journal_seq;
    out.created = a.created.clone();
    Ok((out, report, conflicts))
}

#[cfg(test)]
mod tests;
