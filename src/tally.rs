//! What `screener status` reports for a lead and a team: one reviewer's
//! counts (the keys DESIGN.md names), every reviewer side by side, both
//! stages, per source and database, and per day with the rate. No I/O;
//! `commands::status` writes it as text, JSON, CSV or Markdown.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::human::{count, fmt_n};
use crate::project::{Project, Stage, Verdict};
use crate::stats::{self, Status};

/// One source (imported file) or database and its records' counts for the
/// reviewer and stage of the report.
#[derive(Debug, Clone, Serialize)]
pub struct SourceTally {
    /// The file as imported (empty in `databases`).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub path: String,
    /// `Source.database`, or "(not named)".
    pub database: String,
    /// Sources counted (1 in `sources`).
    pub sources: usize,
    #[serde(flatten)]
    pub counts: Status,
}

/// One UTC day of the reviewer's work at the stage.
#[derive(Debug, Clone, Serialize)]
pub struct Day {
    /// `YYYY-MM-DD` (UTC, as the decisions' times are).
    pub date: String,
    /// Records decided for the first time that day.
    pub screened: usize,
    /// Decisions made by hand that day (changes and undos included).
    pub decisions: usize,
    /// Decisions a bulk rule made that day (not in the rate).
    pub bulk: usize,
    /// Decisions by hand per hour of screening that day, where a pause
    /// longer than five minutes counts as five minutes (as the screen's
    /// header reckons); `null` below three decisions.
    pub per_hour: Option<f64>,
}

/// `screener status --json`: the keys of [`Status`] (DESIGN.md), then the
/// tables. docs/json.md describes each.
#[derive(Debug, Clone, Serialize)]
pub struct Tally {
    #[serde(flatten)]
    pub status: Status,
    /// Every reviewer with decisions (and the one asked for), by name, at
    /// the stage of the report.
    pub reviewers: Vec<Status>,
    /// This reviewer at each stage.
    pub stages: Vec<Status>,
    pub sources: Vec<SourceTally>,
    pub databases: Vec<SourceTally>,
    pub days: Vec<Day>,
}

const NOT_NAMED: &str = "(not named)";

pub fn tally(project: &Project, reviewer: &str, stage: Stage) -> Tally {
    let status = stats::status(project, reviewer, stage);
    let mut names: Vec<String> = project.reviewers().keys().map(|s| s.to_string()).collect();
    if !names.iter().any(|n| n == reviewer) {
        names.push(reviewer.to_string());
        names.sort();
    }
    let reviewers = names
        .iter()
        .map(|n| stats::status(project, n, stage))
        .collect();
    let stages = [Stage::TitleAbstract, Stage::FullText]
        .into_iter()
        .map(|s| stats::status(project, reviewer, s))
        .collect();
    let sources = project
        .sources
        .iter()
        .enumerate()
        .map(|(i, src)| SourceTally {
            path: src.path.clone(),
            database: database_name(&src.database),
            sources: 1,
            counts: stats::status_where(project, reviewer, stage, |r| {
                r.origin.source as usize == i
            }),
        })
        .collect();
    let mut by_db: Vec<(String, Vec<u32>)> = Vec::new();
    for (i, src) in project.sources.iter().enumerate() {
        let name = database_name(&src.database);
        match by_db.iter_mut().find(|(n, _)| *n == name) {
            Some((_, ids)) => ids.push(i as u32),
            None => by_db.push((name, vec![i as u32])),
        }
    }
    let databases = by_db
        .into_iter()
        .map(|(name, ids)| SourceTally {
            path: String::new(),
            database: name,
            sources: ids.len(),
            counts: stats::status_where(project, reviewer, stage, |r| {
                ids.contains(&r.origin.source)
            }),
        })
        .collect();
    Tally {
        status,
        reviewers,
        stages,
        sources,
        databases,
        days: days(project, reviewer, stage),
    }
}

fn database_name(db: &str) -> String {
    if db.trim().is_empty() {
        NOT_NAMED.to_string()
    } else {
        db.trim().to_string()
    }
}

/// Per UTC day: records first decided, decisions by hand, bulk ones, and
/// the rate. A record is a duplicate group (its primary), as everywhere.
pub fn days(project: &Project, reviewer: &str, stage: Stage) -> Vec<Day> {
    let primary_of = project.primary_of();
    let mut entries: Vec<(f64, &str, &crate::project::Decision)> = project
        .decisions
        .iter()
        .filter(|d| d.reviewer == reviewer && d.stage == stage)
        .filter_map(|d| {
            let t = crate::screening::rate::seconds(&d.at)?;
            Some((t, d.at.get(..10)?, d))
        })
        .collect();
    entries.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut seen: HashMap<&str, ()> = HashMap::new();
    let mut out: BTreeMap<&str, (Day, crate::screening::rate::Rate)> = BTreeMap::new();
    for (t, date, d) in entries {
        let (day, rate) = out.entry(date).or_insert_with(|| {
            (
                Day {
                    date: date.to_string(),
                    screened: 0,
                    decisions: 0,
                    bulk: 0,
                    per_hour: None,
                },
                crate::screening::rate::Rate::default(),
            )
        });
        let decided = d.verdict != Verdict::Cleared;
        if d.rule.is_some() {
            day.bulk += 1;
        } else {
            day.decisions += 1;
            rate.start(t);
            rate.decided(t);
        }
        let group = primary_of
            .get(d.record.as_str())
            .copied()
            .unwrap_or(d.record.as_str());
        if decided && seen.insert(group, ()).is_none() {
            day.screened += 1;
        }
    }
    out.into_values()
        .map(|(mut day, rate)| {
            day.per_hour = rate.per_hour().map(|r| (r * 10.0).round() / 10.0);
            day
        })
        .collect()
}

/// Whose decisions a report counts: `Project::report_reviewer`, except
/// that a project nobody has decided anything in yet reports all its
/// records as undecided (identification counts, an export of everything)
/// instead of asking for a reviewer who could change nothing.
pub fn report_reviewer(project: &Project, given: Option<&str>) -> Result<String, String> {
    if given.is_none() && project.reviewers().is_empty() {
        return Ok(crate::cli::reviewer_or_login(None));
    }
    project.report_reviewer(given)
}

/// A line for a report whose reviewer has no decisions while others have
/// some (a misspelt `--reviewer`, or the login name of someone who did
/// not screen): who has decisions, and how to name them. `None` when the
/// reviewer has decisions or nobody has.
pub fn no_decisions_note(project: &Project, reviewer: &str) -> Option<String> {
    let reviewers = project.reviewers();
    if reviewers.get(reviewer).copied().unwrap_or(0) > 0 {
        return None;
    }
    let others: Vec<String> = reviewers
        .iter()
        .filter(|(name, n)| **n > 0 && **name != reviewer)
        .map(|(name, n)| format!("{name} ({})", count(*n, "record", "records")))
        .collect();
    if others.is_empty() {
        return None;
    }
    Some(format!(
        "{reviewer} has no decisions in this project; decisions are by {}; name one with --reviewer NAME",
        others.join(", ")
    ))
}

/// A table of the report, laid out as text, Markdown or CSV rows.
pub struct Table {
    pub section: &'static str,
    pub title: String,
    pub header: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

fn reasons_text(project: &Project, reasons: &BTreeMap<String, usize>) -> String {
    let mut v: Vec<(&String, &usize)> = reasons.iter().collect();
    v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    v.iter()
        .map(|(id, n)| format!("{} {}", project.reason_label(id), fmt_n(**n)))
        .collect::<Vec<_>>()
        .join("; ")
}

fn counts_cells(s: &Status) -> Vec<String> {
    [
        s.eligible,
        s.screened,
        s.included,
        s.excluded,
        s.maybe,
        s.not_retrieved,
        s.undecided,
    ]
    .iter()
    .map(|n| fmt_n(*n))
    .collect()
}

/// A source's or a database's row: two naming cells, then its counts.
fn source_cells(first: String, second: String, s: &SourceTally) -> Vec<String> {
    let mut row = vec![
        first,
        second,
        fmt_n(s.counts.records),
        fmt_n(s.counts.duplicates),
    ];
    row.extend(counts_cells(&s.counts));
    row
}

const COUNTS: [&str; 7] = [
    "to screen",
    "screened",
    "included",
    "excluded",
    "maybe",
    "not retrieved",
    "undecided",
];

/// The tables of a tally, in the order the text report shows them.
pub fn tables(project: &Project, t: &Tally) -> Vec<Table> {
    let who = &t.status.reviewer;
    let stage = t.status.stage;
    let mut out = Vec::new();
    let mut header = vec!["reviewer"];
    header.extend(COUNTS);
    header.push("reasons");
    out.push(Table {
        section: "reviewer",
        title: format!("Reviewers ({stage})"),
        header,
        rows: t
            .reviewers
            .iter()
            .map(|s| {
                let mut row = vec![s.reviewer.clone()];
                row.extend(counts_cells(s));
                row.push(reasons_text(project, &s.reasons));
                row
            })
            .collect(),
    });
    let mut header = vec!["stage"];
    header.extend(COUNTS);
    out.push(Table {
        section: "stage",
        title: format!("Stages ({who})"),
        header,
        rows: t
            .stages
            .iter()
            .map(|s| {
                let mut row = vec![s.stage.to_string()];
                row.extend(counts_cells(s));
                row
            })
            .collect(),
    });
    let mut header = vec!["source", "database", "records", "duplicates"];
    header.extend(COUNTS);
    out.push(Table {
        section: "source",
        title: format!("Sources ({who}, {stage})"),
        header,
        rows: t
            .sources
            .iter()
            .map(|s| source_cells(s.path.clone(), s.database.clone(), s))
            .collect(),
    });
    let mut header = vec!["database", "sources", "records", "duplicates"];
    header.extend(COUNTS);
    out.push(Table {
        section: "database",
        title: format!("Databases ({who}, {stage})"),
        header,
        rows: t
            .databases
            .iter()
            .map(|s| source_cells(s.database.clone(), fmt_n(s.sources), s))
            .collect(),
    });
    out.push(Table {
        section: "day",
        title: format!("Days ({who}, {stage}; UTC)"),
        header: vec!["date", "records screened", "decisions", "bulk", "per hour"],
        rows: t
            .days
            .iter()
            .map(|d| {
                vec![
                    d.date.clone(),
                    fmt_n(d.screened),
                    fmt_n(d.decisions),
                    fmt_n(d.bulk),
                    d.per_hour
                        .map_or_else(|| "-".to_string(), |r| format!("{r:.0}")),
                ]
            })
            .collect(),
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::{Change, Decision};
    use crate::record::Record;

    fn decide(p: &mut Project, record: &str, who: &str, verdict: Verdict, at: &str) {
        p.apply(&Change::Decide(Decision {
            record: record.into(),
            reviewer: who.into(),
            stage: Stage::TitleAbstract,
            verdict,
            note: String::new(),
            tags: Vec::new(),
            at: at.into(),
            rule: None,
        }));
    }

    fn project() -> Project {
        let mut p = Project::new();
        for k in ["a", "b", "c"] {
            p.records.push(Record {
                key: k.into(),
                title: k.into(),
                ..Record::default()
            });
        }
        p
    }

    #[test]
    fn days_count_records_once_and_the_rate_by_hand() {
        let mut p = project();
        decide(
            &mut p,
            "a",
            "alice",
            Verdict::Include,
            "2026-01-05T10:00:00Z",
        );
        decide(&mut p, "b", "alice", Verdict::Maybe, "2026-01-05T10:00:30Z");
        decide(&mut p, "a", "alice", Verdict::Maybe, "2026-01-05T10:01:00Z");
        decide(
            &mut p,
            "c",
            "alice",
            Verdict::Include,
            "2026-01-06T09:00:00Z",
        );
        let d = days(&p, "alice", Stage::TitleAbstract);
        assert_eq!(d.len(), 2);
        assert_eq!(
            (d[0].date.as_str(), d[0].screened, d[0].decisions),
            ("2026-01-05", 2, 3)
        );
        // Three decisions in 60 s of work: 180 an hour.
        assert_eq!(d[0].per_hour, Some(180.0));
        assert_eq!((d[1].screened, d[1].per_hour), (1, None));
    }

    #[test]
    fn a_reviewer_without_decisions_is_told_who_has_them() {
        let mut p = project();
        assert_eq!(no_decisions_note(&p, "carol"), None);
        decide(
            &mut p,
            "a",
            "alice",
            Verdict::Include,
            "2026-01-05T10:00:00Z",
        );
        let note = no_decisions_note(&p, "carol").unwrap();
        assert!(note.contains("carol has no decisions"), "{note}");
        assert!(note.contains("alice (1 record)"), "{note}");
        assert_eq!(no_decisions_note(&p, "alice"), None);
        let t = tally(&p, "carol", Stage::TitleAbstract);
        let names: Vec<&str> = t.reviewers.iter().map(|s| s.reviewer.as_str()).collect();
        assert_eq!(names, ["alice", "carol"]);
        assert_eq!(t.reviewers[0].included, 1);
        assert_eq!(t.reviewers[1].undecided, 3);
    }
}
