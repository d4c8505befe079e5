//! The PRISMA 2020 flow-diagram counts of a project, for one reviewer's
//! decisions (see `Project::report_reviewer` for whose). No I/O: the
//! formats in the sibling modules draw what this computes.
//!
//! Every record is in exactly one place, so the boxes add up
//! (`Prisma::check` says which identity fails, and the tests run it on
//! corpus files and generated projects):
//!
//! - identified = duplicates + automation + other + screened + pending
//!   screening;
//! - screened = excluded + sought;
//! - sought = not retrieved + assessed + pending retrieval;
//! - assessed = Σ full-text reasons + included + pending assessment, where
//!   a report excluded for several reasons counts once, under the first of
//!   them in the project's reason order (`reasons_mentioned` counts every
//!   reason named, for the text).

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::project::{Decision, Project, Stage, Verdict};

/// A named count: a database, a bulk rule, an exclusion reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Named {
    pub name: String,
    pub n: usize,
}

/// The boxes of the PRISMA 2020 flow diagram for new reviews (databases
/// and registers). `docs/json.md` and `docs/PRISMA.md` describe each.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Prisma {
    pub reviewer: String,
    /// `Settings::maybe_to_full_text`: title/abstract maybes go forward.
    pub maybe_to_full_text: bool,
    /// Every record imported, duplicates included.
    pub identified: usize,
    pub identified_databases: usize,
    pub identified_registers: usize,
    /// Per database (`Source.database`; a source without one is named by
    /// its file), in the order first imported.
    pub databases: Vec<Named>,
    pub registers: Vec<Named>,
    pub duplicates: usize,
    /// Records marked ineligible by automation tools: screener has none
    /// (ranking orders records, it never excludes them).
    pub automation: usize,
    /// Records excluded by a bulk rule at title/abstract (`Decision::rule`).
    pub other: usize,
    pub other_rules: Vec<Named>,
    /// Primaries without a title/abstract decision, and maybes when they do
    /// not go forward (`pending_maybe` of them).
    pub pending_screening: usize,
    pub pending_maybe: usize,
    pub title_abstract_started: bool,
    pub screened: usize,
    pub excluded: usize,
    /// Title/abstract exclusions per reason (every reason named counts).
    pub excluded_reasons: Vec<Named>,
    pub sought: usize,
    /// Of `sought`: title/abstract maybes sent forward.
    pub sought_maybe: usize,
    /// Any full-text decision among the reports sought. Without one the
    /// boxes below are `None` ("not started"), and everything sought is
    /// pending retrieval.
    pub full_text_started: bool,
    pub pending_retrieval: usize,
    pub not_retrieved: Option<usize>,
    pub assessed: Option<usize>,
    /// Reports excluded at full text (= Σ `reasons`).
    pub reports_excluded: Option<usize>,
    /// One per excluded report: its first reason in the project's order
    /// ("No reason given" when it has none).
    pub reasons: Vec<Named>,
    /// Every reason named by an excluded report (a report with two counts
    /// under both), for readers who want them.
    pub reasons_mentioned: Vec<Named>,
    /// Excluded reports that named more than one reason.
    pub multiple_reasons: usize,
    /// Reports marked maybe at full text: retrieved, not yet decided.
    pub pending_assessment: Option<usize>,
    pub included: Option<usize>,
    /// Full-text decisions on records that were not sought (their
    /// title/abstract decision changed since): not counted anywhere.
    pub ignored_full_text: usize,
}

/// The label used for an exclusion without a reason.
pub const NO_REASON: &str = "No reason given";

/// Registers of trials and studies, as PRISMA counts them apart from
/// bibliographic databases (matched in lower case, anywhere in the name).
const REGISTERS: &[&str] = &[
    "clinicaltrials.gov",
    "clinicaltrials",
    "ictrp",
    "trial register",
    "trials register",
    "trial registry",
    "isrctn",
    "eu ctr",
    "euctr",
    "clinicaltrialsregister",
    "anzctr",
    "chictr",
    "drks",
    "ctri",
    "prospero",
];

/// Whether a database name is a register (ClinicalTrials.gov, WHO ICTRP, …).
pub fn is_register(name: &str) -> bool {
    let lower = name.to_lowercase();
    REGISTERS.iter().any(|r| lower.contains(r))
}

/// The name a source is counted under: its database, else its file name.
pub fn source_name(source: &crate::project::Source) -> String {
    let db = source.database.trim();
    if !db.is_empty() {
        return db.to_string();
    }
    let file = std::path::Path::new(&source.path)
        .file_name()
        .map_or_else(|| source.path.clone(), |f| f.to_string_lossy().into_owned());
    format!("{file} (database not named)")
}

/// Counts in first-seen order.
#[derive(Default)]
struct Tally {
    order: Vec<String>,
    n: HashMap<String, usize>,
}

impl Tally {
    fn add(&mut self, name: &str) {
        match self.n.get_mut(name) {
            Some(n) => *n += 1,
            None => {
                self.order.push(name.to_string());
                self.n.insert(name.to_string(), 1);
            }
        }
    }

    fn into_named(self) -> Vec<Named> {
        let Tally { order, n } = self;
        order
            .into_iter()
            .map(|name| {
                let count = n.get(&name).copied().unwrap_or(0);
                Named { name, n: count }
            })
            .collect()
    }
}

/// Reason counts in the project's reason order (retired reasons too, as
/// old decisions name them), then any id the project does not know, then
/// "No reason given".
fn reasons_in_order(project: &Project, counts: BTreeMap<String, usize>) -> Vec<Named> {
    let mut counts = counts;
    let mut out = Vec::new();
    for r in &project.reasons {
        if let Some(n) = counts.remove(&r.id) {
            out.push(Named {
                name: r.label.clone(),
                n,
            });
        }
    }
    let none = counts.remove("");
    for (id, n) in counts {
        out.push(Named { name: id, n });
    }
    if let Some(n) = none {
        out.push(Named {
            name: NO_REASON.to_string(),
            n,
        });
    }
    out
}

/// The first of `ids` in the project's reason order ("" for none).
fn first_reason<'a>(project: &Project, ids: &'a [String]) -> &'a str {
    ids.iter()
        .min_by_key(|id| {
            project
                .reasons
                .iter()
                .position(|r| &r.id == *id)
                .unwrap_or(usize::MAX)
        })
        .map_or("", |s| s.as_str())
}

pub fn compute(project: &Project, reviewer: &str) -> Prisma {
    let ta = project.current_decisions(reviewer, Stage::TitleAbstract);
    let ft = project.current_decisions(reviewer, Stage::FullText);
    let with_maybe = project.settings.maybe_to_full_text;

    let mut databases = Tally::default();
    let mut registers = Tally::default();
    let names: Vec<String> = project.sources.iter().map(source_name).collect();
    let mut p = Prisma {
        reviewer: reviewer.to_string(),
        maybe_to_full_text: with_maybe,
        identified: project.records.len(),
        identified_databases: 0,
        identified_registers: 0,
        databases: Vec::new(),
        registers: Vec::new(),
        duplicates: 0,
        automation: 0,
        other: 0,
        other_rules: Vec::new(),
        pending_screening: 0,
        pending_maybe: 0,
        title_abstract_started: !ta.is_empty(),
        screened: 0,
        excluded: 0,
        excluded_reasons: Vec::new(),
        sought: 0,
        sought_maybe: 0,
        full_text_started: false,
        pending_retrieval: 0,
        not_retrieved: None,
        assessed: None,
        reports_excluded: None,
        reasons: Vec::new(),
        reasons_mentioned: Vec::new(),
        multiple_reasons: 0,
        pending_assessment: None,
        included: None,
        ignored_full_text: 0,
    };
    for r in project.records.iter() {
        let name = names
            .get(r.origin.source as usize)
            .map_or("(source missing)", |s| s.as_str());
        if is_register(name) {
            registers.add(name);
            p.identified_registers += 1;
        } else {
            databases.add(name);
            p.identified_databases += 1;
        }
        if !r.is_primary() {
            p.duplicates += 1;
        }
    }
    p.databases = databases.into_named();
    p.registers = registers.into_named();

    let mut rules = Tally::default();
    let mut ta_reasons: BTreeMap<String, usize> = BTreeMap::new();
    let mut sought: Vec<&str> = Vec::new();
    let mut ta_not_retrieved = 0;
    for r in project.records.iter().filter(|r| r.is_primary()) {
        let key = r.key.as_str();
        match ta.get(key).map(|d| (&d.verdict, d)) {
            None | Some((Verdict::Cleared, _)) => p.pending_screening += 1,
            Some((Verdict::Exclude(ids), d)) => match &d.rule {
                Some(rule) => {
                    p.other += 1;
                    rules.add(rule);
                }
                None => {
                    p.screened += 1;
                    p.excluded += 1;
                    if ids.is_empty() {
                        *ta_reasons.entry(String::new()).or_default() += 1;
                    }
                    for id in ids {
                        *ta_reasons.entry(id.clone()).or_default() += 1;
                    }
                }
            },
            Some((Verdict::Maybe, _)) if !with_maybe => {
                p.pending_screening += 1;
                p.pending_maybe += 1;
            }
            Some((Verdict::Maybe, _)) => {
                p.screened += 1;
                p.sought += 1;
                p.sought_maybe += 1;
                sought.push(key);
            }
            Some((Verdict::Include, _)) => {
                p.screened += 1;
                p.sought += 1;
                sought.push(key);
            }
            // "Not retrieved" belongs to full text; one at title/abstract
            // (written by another tool) means the report was sought and not
            // obtained. It never reaches the full-text queue
            // (`stats::eligible`), so a full-text decision on it is ignored.
            Some((Verdict::NotRetrieved, _)) => {
                p.screened += 1;
                p.sought += 1;
                ta_not_retrieved += 1;
            }
        }
    }
    p.other_rules = rules.into_named();
    p.excluded_reasons = reasons_in_order(project, ta_reasons);

    let full_text: Vec<Option<&&Decision>> = sought.iter().map(|&k| ft.get(k)).collect();
    p.full_text_started = full_text.iter().any(Option::is_some) || ta_not_retrieved > 0;
    let sought_set: std::collections::HashSet<&str> = sought.iter().copied().collect();
    p.ignored_full_text = ft.keys().filter(|k| !sought_set.contains(*k)).count();
    if !p.full_text_started {
        p.pending_retrieval = p.sought;
        return p;
    }
    let (mut not_retrieved, mut assessed, mut excluded, mut included, mut maybe) =
        (ta_not_retrieved, 0, 0, 0, 0);
    let mut first: BTreeMap<String, usize> = BTreeMap::new();
    let mut mentioned: BTreeMap<String, usize> = BTreeMap::new();
    for d in full_text {
        match d.map(|d| &d.verdict) {
            None | Some(Verdict::Cleared) => p.pending_retrieval += 1,
            Some(Verdict::NotRetrieved) => not_retrieved += 1,
            Some(Verdict::Include) => {
                assessed += 1;
                included += 1;
            }
            Some(Verdict::Maybe) => {
                assessed += 1;
                maybe += 1;
            }
            Some(Verdict::Exclude(ids)) => {
                assessed += 1;
                excluded += 1;
                *first
                    .entry(first_reason(project, ids).to_string())
                    .or_default() += 1;
                if ids.len() > 1 {
                    p.multiple_reasons += 1;
                }
                if ids.is_empty() {
                    *mentioned.entry(String::new()).or_default() += 1;
                }
                for id in ids {
                    *mentioned.entry(id.clone()).or_default() += 1;
                }
            }
        }
    }
    p.not_retrieved = Some(not_retrieved);
    p.assessed = Some(assessed);
    p.reports_excluded = Some(excluded);
    p.pending_assessment = Some(maybe);
    p.included = Some(included);
    p.reasons = reasons_in_order(project, first);
    p.reasons_mentioned = reasons_in_order(project, mentioned);
    p
}

impl Prisma {
    /// The identities of the module comment; `Err` names the first that
    /// fails, with its numbers.
    pub fn check(&self) -> Result<(), String> {
        let sum = |v: &[Named]| v.iter().map(|x| x.n).sum::<usize>();
        let z = |o: Option<usize>| o.unwrap_or(0);
        let mut fails = Vec::new();
        let mut eq = |what: &str, left: usize, right: usize| {
            if left != right {
                fails.push(format!("{what}: {left} ≠ {right}"));
            }
        };
        eq(
            "identified = databases + registers",
            self.identified,
            self.identified_databases + self.identified_registers,
        );
        eq(
            "databases = Σ per database",
            self.identified_databases,
            sum(&self.databases),
        );
        eq(
            "registers = Σ per register",
            self.identified_registers,
            sum(&self.registers),
        );
        eq(
            "identified = duplicates + automation + other + screened + pending screening",
            self.identified,
            self.duplicates + self.automation + self.other + self.screened + self.pending_screening,
        );
        eq("other = Σ rules", self.other, sum(&self.other_rules));
        eq(
            "screened = excluded + sought",
            self.screened,
            self.excluded + self.sought,
        );
        eq(
            "sought = not retrieved + assessed + pending retrieval",
            self.sought,
            z(self.not_retrieved) + z(self.assessed) + self.pending_retrieval,
        );
        eq(
            "assessed = Σ reasons + included + pending assessment",
            z(self.assessed),
            sum(&self.reasons) + z(self.included) + z(self.pending_assessment),
        );
        eq(
            "reports excluded = Σ reasons",
            z(self.reports_excluded),
            sum(&self.reasons),
        );
        if fails.is_empty() {
            Ok(())
        } else {
            Err(fails.join("; "))
        }
    }

    /// Every box with its count, in diagram order, as (id, label, count);
    /// `None` where that stage has not started. The CSV format and the
    /// text outline are made from this list.
    pub fn boxes(&self) -> Vec<(String, String, Option<usize>)> {
        let mut out: Vec<(String, String, Option<usize>)> = Vec::new();
        let mut put = |id: &str, label: &str, n: Option<usize>| {
            out.push((id.to_string(), label.to_string(), n))
        };
        put("identified", "Records identified", Some(self.identified));
        put(
            "identified_databases",
            "Records identified from databases",
            Some(self.identified_databases),
        );
        for d in &self.databases {
            put(&format!("database:{}", d.name), &d.name, Some(d.n));
        }
        put(
            "identified_registers",
            "Records identified from registers",
            Some(self.identified_registers),
        );
        for d in &self.registers {
            put(&format!("register:{}", d.name), &d.name, Some(d.n));
        }
        put(
            "duplicates",
            "Duplicate records removed",
            Some(self.duplicates),
        );
        put(
            "automation",
            "Records marked as ineligible by automation tools",
            Some(self.automation),
        );
        put(
            "other",
            "Records removed for other reasons",
            Some(self.other),
        );
        for r in &self.other_rules {
            put(&format!("other:{}", r.name), &r.name, Some(r.n));
        }
        put("screened", "Records screened", Some(self.screened));
        put("excluded", "Records excluded", Some(self.excluded));
        put(
            "pending_screening",
            "Records awaiting screening",
            Some(self.pending_screening),
        );
        put("sought", "Reports sought for retrieval", Some(self.sought));
        put("not_retrieved", "Reports not retrieved", self.not_retrieved);
        put(
            "pending_retrieval",
            "Reports awaiting retrieval",
            Some(self.pending_retrieval),
        );
        put(
            "assessed",
            "Reports assessed for eligibility",
            self.assessed,
        );
        put(
            "reports_excluded",
            "Reports excluded",
            self.reports_excluded,
        );
        for r in &self.reasons {
            let n = self.full_text_started.then_some(r.n);
            put(&format!("reason:{}", r.name), &r.name, n);
        }
        put(
            "pending_assessment",
            "Reports awaiting an eligibility decision",
            self.pending_assessment,
        );
        put("included", "Studies included in review", self.included);
        out
    }
}
