//! The project schema (`version: 1`): what a project file holds.
//!
//! Every field added later must carry `#[serde(default)]` so that files
//! written before it still load without a migration; a change that cannot
//! be expressed that way bumps [`VERSION`] and adds a migration in `store`.
//! `docs/ARCHITECTURE.md` ("Project file") describes the layout.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::record_list::Records;

/// The reviewer whose decisions are the team's consensus: `resolve` writes
/// them, and reports count them when no reviewer is named.
pub const CONSENSUS: &str = "consensus";

/// The schema version this build writes.
pub const VERSION: u32 = 1;

/// The version a project file says when its records are in a file of their
/// own ([`RecordsFile`], `store::records`): the same schema as [`VERSION`],
/// in a layout that builds before it cannot read, so they refuse it
/// ("written by a newer screener") instead of seeing a project without
/// records.
pub const VERSION_RECORDS_FILE: u32 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    TitleAbstract,
    FullText,
}

impl Stage {
    /// The name used on the command line.
    pub fn cli_name(self) -> &'static str {
        match self {
            Stage::TitleAbstract => "title-abstract",
            Stage::FullText => "full-text",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Stage::TitleAbstract => "title/abstract",
            Stage::FullText => "full text",
        }
    }
}

/// What a reviewer decided about a record at a stage.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Include,
    /// Exclude, with the ids of the reasons (possibly none when the project
    /// does not require one).
    Exclude(Vec<String>),
    Maybe,
    /// Full text only: the report could not be obtained.
    NotRetrieved,
    /// The decision was taken back (undo): the record is undecided again.
    Cleared,
}

impl Verdict {
    pub fn is_decided(&self) -> bool {
        !matches!(self, Verdict::Cleared)
    }
}

/// One entry of the decision history. What counts is the latest entry per
/// (record, reviewer, stage); earlier ones stay as history.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Decision {
    pub record: String,
    pub reviewer: String,
    pub stage: Stage,
    pub verdict: Verdict,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// RFC 3339 UTC, e.g. `2026-11-26T10:31:07Z`.
    pub at: String,
    /// Set when a bulk action made this decision: the rule that selected
    /// the record (`year before 2000`), so PRISMA can report the records as
    /// removed before screening and name the rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

/// One change to a project, as the journal records it. The screen makes
/// changes only through these, so every change is journaled the same way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// A decision, or a new note or tags on a record (same verdict, or
    /// `Cleared` when undecided): the latest entry carries all three.
    Decide(Decision),
    /// Many decisions at once (a bulk action or its undo), one journal
    /// line so they land together or not at all.
    DecideMany(Vec<Decision>),
    /// The include and exclude terms highlighted on screen.
    SetHighlight(Highlight),
    /// The review's inclusion criteria, shown in a panel while screening.
    SetCriteria(String),
    AddReason(Reason),
    RenameReason {
        id: String,
        label: String,
    },
    /// Moves a reason to `index` in the project's list (display order).
    MoveReason {
        id: String,
        index: usize,
    },
    RetireReason {
        id: String,
        retired: bool,
    },
    SetSettings(Settings),
    /// A reviewer looked at a duplicate link: confirmed, or split (the
    /// record becomes its own primary).
    ReviewDuplicate(DuplicateReview),
}

/// Terms highlighted in titles and abstracts: words, phrases and `child*`
/// wildcards, case-insensitive (`screening::highlight` matches them).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Highlight {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<String>,
}

impl Highlight {
    pub fn is_empty(&self) -> bool {
        self.include.is_empty() && self.exclude.is_empty()
    }
}

/// What a reviewer said about a duplicate link.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DuplicateReview {
    /// The record that was linked as a duplicate.
    pub record: String,
    /// The primary it was linked to.
    pub of: String,
    /// `true`: not a duplicate, the record is its own primary again.
    pub split: bool,
    pub reviewer: String,
    pub at: String,
}

/// An exclusion reason. `id` is a stable slug, never reused once retired;
/// `label` can be renamed; the order of the project's list is the order
/// reasons are shown and numbered in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    pub id: String,
    pub label: String,
    pub stage: Stage,
    #[serde(default, skip_serializing_if = "is_false")]
    pub retired: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// One imported file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// The path as given on the command line.
    pub path: String,
    /// Detected or forced format (`ris`, `medline`, `pasted`, …).
    pub format: String,
    /// The database it came from (`--source`, else guessed, else empty).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub database: String,
    /// RFC 3339 UTC.
    pub imported_at: String,
    /// Records the file held; `imported + reported == records`.
    pub records: u32,
    pub imported: u32,
    pub reported: u32,
    /// Which run of `import` added it (1, 2, …): "new since" filters on it.
    pub batch: u32,
    /// `xxh3-128:` and the hash of the file's bytes: the same file given
    /// again is recognised and skipped whole. Empty for sources imported
    /// before this field existed.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub content_hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// An exclusion must name at least one reason.
    pub exclusion_needs_reason: bool,
    /// Title/abstract "maybe" records go on to the full-text stage.
    pub maybe_to_full_text: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            exclusion_needs_reason: true,
            maybe_to_full_text: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    pub version: u32,
    /// RFC 3339 UTC.
    pub created: String,
    #[serde(default)]
    pub settings: Settings,
    /// The review's inclusion criteria (free text, shown while screening).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub criteria: String,
    #[serde(default, skip_serializing_if = "Highlight::is_empty")]
    pub highlight: Highlight,
    #[serde(default)]
    pub reasons: Vec<Reason>,
    #[serde(default)]
    pub sources: Vec<Source>,
    /// Shared with the background checkpoint's copy (`record_list`); reads
    /// and writes like a `Vec<Record>`.
    #[serde(default)]
    pub records: Records,
    /// Where the records are when they are not in this file: the project
    /// file then says `records: []` and names the file that holds them
    /// (`store::records`). Set by the store when it reads or writes the
    /// project; whatever else makes a project leaves it `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub records_file: Option<RecordsFile>,
    /// The full decision history, oldest first.
    #[serde(default)]
    pub decisions: Vec<Decision>,
    /// Duplicate links a reviewer confirmed or split, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub duplicate_reviews: Vec<DuplicateReview>,
    /// Sequence number of the last journal entry folded into this file, so a
    /// journal left over from a crash during a checkpoint is not applied
    /// twice.
    #[serde(default)]
    pub journal_seq: u64,
}

/// The file that holds a project's records, as the project file names it:
/// beside it, with what identifies its content, so a records file that is
/// not the one the project was written with is noticed (`store::records`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordsFile {
    /// The file's name, in the project file's folder.
    pub name: String,
    /// How many records it holds.
    pub records: u64,
    /// Its length in bytes.
    pub bytes: u64,
    /// The xxh3 hash of its bytes, 16 hexadecimal digits.
    pub xxh3: String,
}

/// The default exclusion reasons of DESIGN.md.
pub fn default_reasons() -> Vec<Reason> {
    let ta = [
        ("population", "Population"),
        ("intervention", "Intervention/exposure"),
        ("comparator", "Comparator"),
        ("outcome", "Outcome"),
        ("study-design", "Study design"),
        ("publication-type", "Publication type"),
        ("language", "Language"),
        ("other", "Other"),
    ];
    let ft = [
        ("ft-population", "Population"),
        ("ft-intervention", "Intervention/exposure"),
        ("ft-comparator", "Comparator"),
        ("ft-outcome", "Outcome"),
        ("ft-study-design", "Study design"),
        ("ft-publication-type", "Publication type"),
        ("ft-language", "Language"),
        ("ft-other", "Other"),
    ];
    ta.iter()
        .map(|(id, label)| (id, label, Stage::TitleAbstract))
        .chain(ft.iter().map(|(id, label)| (id, label, Stage::FullText)))
        .map(|(id, label, stage)| Reason {
            id: id.to_string(),
            label: label.to_string(),
            stage,
            retired: false,
        })
        .collect()
}

/// Now, as RFC 3339 UTC to the second.
pub fn now() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

impl Project {
    pub fn new() -> Project {
        Project {
            version: VERSION,
            created: now(),
            settings: Settings::default(),
            criteria: String::new(),
            highlight: Highlight::default(),
            reasons: default_reasons(),
            sources: Vec::new(),
            records: Records::new(),
            records_file: None,
            decisions: Vec::new(),
            duplicate_reviews: Vec::new(),
            journal_seq: 0,
        }
    }

    /// Reasons in use at `stage`, in display order.
    pub fn reasons_for(&self, stage: Stage) -> impl Iterator<Item = &Reason> {
        self.reasons
            .iter()
            .filter(move |r| r.stage == stage && !r.retired)
    }

    pub fn reason_label<'a>(&'a self, id: &'a str) -> &'a str {
        self.reasons
            .iter()
            .find(|r| r.id == id)
            .map_or(id, |r| r.label.as_str())
    }

    /// The latest decision per duplicate group for one reviewer at one
    /// stage, keyed by the group's primary. A decision made on any member
    /// counts for the group: when a later import brings a record with a
    /// smaller key, that record becomes the primary, and the decisions made
    /// on the old primary still hold (docs/ARCHITECTURE.md, "Duplicates and
    /// decisions"). Among the members' decisions the latest in the history
    /// wins; the returned `Decision.record` is the member it was made on.
    /// Cleared decisions are left out: the group is undecided.
    pub fn current_decisions(&self, reviewer: &str, stage: Stage) -> HashMap<&str, &Decision> {
        let mut latest = self.latest_entries(reviewer, stage);
        latest.retain(|_, d| d.verdict.is_decided());
        latest
    }

    /// What `current_decisions` is made from: the latest entry per
    /// duplicate group, by the same rule, `Cleared` ones kept. A `Cleared`
    /// entry is an undecided group, but it still carries the note and tags
    /// a reviewer left on it (the screen shows them).
    pub fn latest_entries(&self, reviewer: &str, stage: Stage) -> HashMap<&str, &Decision> {
        self.entries(reviewer, stage).collect()
    }

    /// Every entry of one reviewer at one stage in history order, with the
    /// key of the duplicate group's primary it counts for (the screen
    /// rebuilds its undo history from them).
    pub fn entries<'a, 'r>(
        &'a self,
        reviewer: &'r str,
        stage: Stage,
    ) -> impl Iterator<Item = (&'a str, &'a Decision)> + use<'a, 'r> {
        let primary_of = self.primary_of();
        self.decisions
            .iter()
            .filter(move |d| d.reviewer == reviewer && d.stage == stage)
            .map(move |d| {
                let key = primary_of
                    .get(d.record.as_str())
                    .copied()
                    .unwrap_or(d.record.as_str());
                (key, d)
            })
    }

    /// Links the records' duplicates anew from their content, honouring
    /// the links reviewers split; the number of records linked as
    /// duplicates.
    pub fn relink_duplicates(&mut self) -> usize {
        // Owned first: the pairs borrow `self`, the linking changes
        // `self.records`.
        let apart: Vec<(String, String)> = self
            .split_pairs()
            .into_iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        let apart: Vec<(&str, &str)> = apart
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        crate::dedup::link_duplicates_apart(&mut self.records, &apart)
    }

    /// Duplicate links reviewers split and did not confirm since: (record,
    /// the primary it was split from). Duplicate detection keeps these
    /// pairs apart at every later import.
    pub fn split_pairs(&self) -> Vec<(&str, &str)> {
        let mut latest: HashMap<(&str, &str), bool> = HashMap::new();
        for r in &self.duplicate_reviews {
            latest.insert((r.record.as_str(), r.of.as_str()), r.split);
        }
        let mut pairs: Vec<(&str, &str)> = latest
            .into_iter()
            .filter_map(|(pair, split)| split.then_some(pair))
            .collect();
        pairs.sort_unstable();
        pairs
    }

    /// The primary's key for every record linked as a duplicate.
    pub fn primary_of(&self) -> HashMap<&str, &str> {
        self.records
            .iter()
            .filter_map(|r| Some((r.key.as_str(), r.duplicate_of.as_deref()?)))
            .collect()
    }

    /// Indices of primary records in import order.
    pub fn primaries_in_import_order(&self) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..self.records.len())
            .filter(|&i| self.records[i].is_primary())
            .collect();
        idx.sort_by_key(|&i| self.records[i].origin);
        idx
    }

    pub fn apply(&mut self, change: &Change) {
        match change {
            Change::Decide(d) => self.decisions.push(d.clone()),
            Change::DecideMany(ds) => self.decisions.extend(ds.iter().cloned()),
            Change::SetHighlight(h) => self.highlight = h.clone(),
            Change::SetCriteria(c) => self.criteria = c.clone(),
            Change::AddReason(r) => {
                // Ids are never reused: adding a known id changes nothing.
                if !self.reasons.iter().any(|x| x.id == r.id) {
                    self.reasons.push(r.clone());
                }
            }
            Change::RenameReason { id, label } => {
                if let Some(r) = self.reasons.iter_mut().find(|r| &r.id == id) {
                    r.label = label.clone();
                }
            }
            Change::MoveReason { id, index } => {
                if let Some(from) = self.reasons.iter().position(|r| &r.id == id) {
                    let r = self.reasons.remove(from);
                    let to = (*index).min(self.reasons.len());
                    self.reasons.insert(to, r);
                }
            }
            Change::RetireReason { id, retired } => {
                if let Some(r) = self.reasons.iter_mut().find(|r| &r.id == id) {
                    r.retired = *retired;
                }
            }
            Change::SetSettings(s) => self.settings = s.clone(),
            Change::ReviewDuplicate(review) => {
                if review.split {
                    if let Some(r) = self.records.iter_mut().find(|r| {
                        r.key == review.record && r.duplicate_of.as_deref() == Some(&review.of)
                    }) {
                        r.duplicate_of = None;
                    }
                }
                self.duplicate_reviews.push(review.clone());
            }
        }
    }

    /// A new reason id for `label` at `stage`: a slug of the label, with a
    /// number added when the slug is taken (also by a retired reason, as
    /// ids are never reused).
    pub fn new_reason_id(&self, label: &str, stage: Stage) -> String {
        let mut slug = String::new();
        for c in label.chars().flat_map(char::to_lowercase) {
            if c.is_alphanumeric() {
                slug.push(c);
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        let slug = slug.trim_end_matches('-');
        let slug = if slug.is_empty() { "reason" } else { slug };
        let base = match stage {
            Stage::TitleAbstract => slug.to_string(),
            Stage::FullText => format!("ft-{slug}"),
        };
        let taken = |id: &str| self.reasons.iter().any(|r| r.id == id);
        if !taken(&base) {
            return base;
        }
        (2..)
            .map(|n| format!("{base}-{n}"))
            .find(|id| !taken(id))
            .unwrap_or(base)
    }

    /// The next batch number for an import.
    pub fn next_batch(&self) -> u32 {
        self.sources.iter().map(|s| s.batch).max().unwrap_or(0) + 1
    }

    /// Every reviewer with decisions in the project and how many record
    /// groups each has decided (current decisions, both stages added), by
    /// name. A reviewer whose every decision was taken back is listed with 0.
    pub fn reviewers(&self) -> BTreeMap<&str, usize> {
        let mut out: BTreeMap<&str, usize> = BTreeMap::new();
        for d in &self.decisions {
            out.entry(d.reviewer.as_str()).or_default();
        }
        let names: Vec<&str> = out.keys().copied().collect();
        for name in names {
            let n = self.current_decisions(name, Stage::TitleAbstract).len()
                + self.current_decisions(name, Stage::FullText).len();
            out.insert(name, n);
        }
        out
    }

    /// Whose decisions a report counts (DESIGN.md, issue 13): the reviewer
    /// named, else [`CONSENSUS`] where the project has its decisions, else
    /// the only reviewer. With several reviewers and none named, the error
    /// lists them and what each decided, so the user can pick one.
    pub fn report_reviewer(&self, given: Option<&str>) -> Result<String, String> {
        if let Some(r) = given.map(str::trim).filter(|r| !r.is_empty()) {
            return Ok(r.to_string());
        }
        let reviewers = self.reviewers();
        if reviewers.contains_key(CONSENSUS) {
            return Ok(CONSENSUS.to_string());
        }
        match reviewers.len() {
            0 => Err("the project has no decisions yet; name a reviewer with --reviewer".into()),
            1 => Ok(reviewers
                .keys()
                .next()
                .map_or_else(String::new, |r| r.to_string())),
            _ => {
                let list: Vec<String> = reviewers
                    .iter()
                    .map(|(r, n)| format!("{r} ({})", crate::human::count(*n, "record", "records")))
                    .collect();
                Err(format!(
                    "the project holds decisions by {} reviewers: {}; choose one with --reviewer NAME",
                    reviewers.len(),
                    list.join(", ")
                ))
            }
        }
    }
}

impl Default for Project {
    fn default() -> Self {
        Project::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decide(p: &mut Project, record: &str, reviewer: &str, verdict: Verdict) {
        p.apply(&Change::Decide(Decision {
            record: record.into(),
            reviewer: reviewer.into(),
            stage: Stage::TitleAbstract,
            verdict,
            note: String::new(),
            tags: Vec::new(),
            at: now(),
            rule: None,
        }));
    }

    #[test]
    fn reviewers_count_current_decisions_and_keep_those_who_took_all_back() {
        let mut p = Project::new();
        decide(&mut p, "a", "alice", Verdict::Include);
        decide(&mut p, "b", "alice", Verdict::Maybe);
        decide(&mut p, "a", "bob", Verdict::Include);
        decide(&mut p, "a", "bob", Verdict::Cleared);
        let r = p.reviewers();
        assert_eq!(r.get("alice"), Some(&2));
        assert_eq!(r.get("bob"), Some(&0));
        assert_eq!(r.len(), 2);
    }

    #[test]
    fn latest_entries_keep_cleared_ones_that_current_decisions_drop() {
        let mut p = Project::new();
        for key in ["a", "b"] {
            p.records.push(crate::record::Record {
                key: key.into(),
                ..Default::default()
            });
        }
        // "b" is linked to the primary "a": its entries count for "a".
        p.records[1].duplicate_of = Some("a".into());
        decide(&mut p, "b", "alice", Verdict::Include);
        decide(&mut p, "a", "alice", Verdict::Cleared);
        p.decisions[1].note = "ask Bob".into();
        decide(&mut p, "a", "bob", Verdict::Maybe);
        let latest = p.latest_entries("alice", Stage::TitleAbstract);
        assert_eq!(latest.len(), 1);
        assert_eq!(latest["a"].verdict, Verdict::Cleared);
        assert_eq!(latest["a"].note, "ask Bob");
        assert!(
            p.current_decisions("alice", Stage::TitleAbstract)
                .is_empty()
        );
        assert_eq!(
            p.current_decisions("bob", Stage::TitleAbstract)["a"].verdict,
            Verdict::Maybe
        );
    }

    #[test]
    fn report_reviewer_is_named_else_consensus_else_the_only_one() {
        let mut p = Project::new();
        assert!(p.report_reviewer(None).is_err());
        assert_eq!(p.report_reviewer(Some(" carol ")).as_deref(), Ok("carol"));
        decide(&mut p, "a", "alice", Verdict::Include);
        assert_eq!(p.report_reviewer(None).as_deref(), Ok("alice"));
        decide(&mut p, "a", "bob", Verdict::Maybe);
        let err = p.report_reviewer(None).unwrap_err();
        assert!(err.contains("alice (1 record)"), "{err}");
        assert!(err.contains("bob (1 record)"), "{err}");
        assert!(err.contains("--reviewer"), "{err}");
        decide(&mut p, "a", CONSENSUS, Verdict::Include);
        assert_eq!(p.report_reviewer(None).as_deref(), Ok(CONSENSUS));
    }
}
