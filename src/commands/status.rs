//! `screener status`: one reviewer's counts, then every reviewer, both
//! stages, sources, databases and days (`tally`), as text, JSON, CSV or
//! Markdown.

use std::fmt::Write;
use std::path::Path;

use anyhow::Result;
use unicode_width::UnicodeWidthStr;

use crate::cli::{StatusArgs, StatusFormat, reviewer_or_login};
use crate::human::{count, fmt_n};
use crate::rank::stopping::{self, Stopping};
use crate::store::{self, JournalReport};
use crate::tally::{self, Table, Tally};

/// What loading found that a read-only command should say (journal lines
/// dropped, a checksum that no longer matches), as warnings.
pub fn warn_dropped(project: &Path, report: &JournalReport) {
    for warning in report.warnings(project) {
        eprintln!("warning: {warning}");
    }
}

/// A project for a report (`prisma`, `export`): loaded read-only with the
/// journal's decisions and records in `detail`, the reviewer whose
/// decisions count (`tally::report_reviewer`), and a note on stderr when
/// that reviewer has none while others have some.
pub fn load_for_report(
    path: &Path,
    reviewer: Option<&str>,
    detail: store::Detail,
) -> Result<(crate::project::Project, String)> {
    let (project, report) = store::load_and_cache(path, detail)?;
    warn_dropped(path, &report);
    let reviewer = tally::report_reviewer(&project, reviewer)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    if let Some(note) = tally::no_decisions_note(&project, &reviewer) {
        eprintln!("note: {note}");
    }
    Ok((project, reviewer))
}

pub fn run(args: &StatusArgs) -> Result<()> {
    // Counts only: no record's text is shown.
    let (project, report) = store::load_and_cache(&args.project, store::Detail::Counts)?;
    warn_dropped(&args.project, &report);
    let reviewer = reviewer_or_login(args.reviewer.as_deref());
    if let Some(note) = tally::no_decisions_note(&project, &reviewer) {
        let who = if args.reviewer.is_some() {
            String::new()
        } else {
            " (your login name; --reviewer names another)".to_string()
        };
        eprintln!("note: {note}{who}");
    }
    let t = tally::tally(&project, &reviewer, args.stage.into());
    let format = if args.json {
        StatusFormat::Json
    } else {
        args.format.unwrap_or(StatusFormat::Text)
    };
    let tables = tally::tables(&project, &t);
    let stop = stopping::current(&project, &reviewer, args.stage.into());
    let text = match format {
        StatusFormat::Json => {
            let mut v = serde_json::to_value(&t)?;
            if let Some(o) = v.as_object_mut() {
                o.insert("stopping".into(), stopping_json(&stop));
            }
            let mut s = serde_json::to_string(&v)?;
            s.push('\n');
            s
        }
        StatusFormat::Text => {
            let mut o = text(&args.project, &project, &t, &tables);
            let _ = writeln!(o, "\nWhen to stop\n  {}", stop.summary());
            let _ = writeln!(o, "  Assumes: {}", stopping::ASSUMPTIONS);
            o
        }
        StatusFormat::Markdown => {
            let mut o = markdown(&args.project, &t, &tables);
            let _ = writeln!(
                o,
                "\n### When to stop\n\n{}\n\nAssumes: {}",
                md_cell(&stop.summary()),
                stopping::ASSUMPTIONS
            );
            o
        }
        StatusFormat::Csv => csv(&t, &tables, &stop),
    };
    store::release(project);
    crate::outfile::emit(args.output.as_deref(), &text, args.force)?;
    if let Some(path) = &args.output {
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

/// `status --json`'s `stopping` object (docs/json.md).
fn stopping_json(s: &Stopping) -> serde_json::Value {
    serde_json::json!({
        "screened": s.screened,
        "eligible": s.eligible,
        "relevant": s.relevant,
        "since_last_include": s.since_last_relevant,
        "target_recall": s.target,
        "confidence": s.confidence,
        "reached": s.reached(),
        "p_value": s.p_value,
        "remaining_max": s.remaining_max,
        "recall_claim": s.recall_claim,
        "more_needed": s.more_needed,
        "not_yet": s.not_yet,
        "summary": s.summary(),
        "method": "Callaghan & Müller-Hansen 2020",
        "assumptions": stopping::ASSUMPTIONS,
    })
}

fn summary(path: &Path, project: &crate::project::Project, t: &Tally) -> String {
    let s = &t.status;
    let mut o = String::new();
    let _ = writeln!(o, "{} · {} · {}", path.display(), s.reviewer, s.stage);
    let _ = writeln!(
        o,
        "records {} ({}) · to screen {} · screened {} · undecided {}",
        fmt_n(s.records),
        count(s.duplicates, "duplicate", "duplicates"),
        fmt_n(s.eligible),
        fmt_n(s.screened),
        fmt_n(s.undecided)
    );
    let _ = writeln!(
        o,
        "included {} · excluded {} · maybe {}{}",
        fmt_n(s.included),
        fmt_n(s.excluded),
        fmt_n(s.maybe),
        if s.not_retrieved > 0 {
            format!(" · not retrieved {}", fmt_n(s.not_retrieved))
        } else {
            String::new()
        }
    );
    for (id, n) in &s.reasons {
        let _ = writeln!(o, "  {:<28} {}", project.reason_label(id), fmt_n(*n));
    }
    o
}

/// Columns padded to their widest cell; numbers right-aligned.
fn text(path: &Path, project: &crate::project::Project, t: &Tally, tables: &[Table]) -> String {
    let mut o = summary(path, project, t);
    for table in tables {
        if table.rows.is_empty() {
            continue;
        }
        let _ = writeln!(o, "\n{}", table.title);
        let widths: Vec<usize> = (0..table.header.len())
            .map(|c| {
                table
                    .rows
                    .iter()
                    .map(|r| r.get(c).map_or(0, |s| s.width()))
                    .chain([table.header[c].width()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let numeric = |c: usize| {
            table.rows.iter().all(|r| {
                r.get(c).is_some_and(|s| {
                    s.chars()
                        .all(|ch| ch.is_ascii_digit() || ch == ',' || ch == '-')
                })
            })
        };
        let put = |cells: Vec<&str>, o: &mut String| {
            let mut line = String::from(" ");
            let last = cells.len() - 1;
            for (c, cell) in cells.iter().enumerate() {
                let pad = widths[c].saturating_sub(cell.width());
                line.push(' ');
                if numeric(c) {
                    line.push_str(&" ".repeat(pad));
                    line.push_str(cell);
                } else {
                    line.push_str(cell);
                    if c != last {
                        line.push_str(&" ".repeat(pad));
                    }
                }
                line.push(' ');
            }
            let _ = writeln!(o, "{}", line.trim_end());
        };
        put(table.header.clone(), &mut o);
        for r in &table.rows {
            put(r.iter().map(String::as_str).collect(), &mut o);
        }
    }
    o
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|")
}

fn markdown(path: &Path, t: &Tally, tables: &[Table]) -> String {
    let s = &t.status;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "## Screening status: {} ({}, {})\n",
        md_cell(&path.display().to_string()),
        md_cell(&s.reviewer),
        s.stage
    );
    let _ = writeln!(
        o,
        "{} ({}); {} to screen, {} screened: {} included, {} excluded, {} maybe, {} not retrieved; {} undecided.",
        count(s.records, "record", "records"),
        count(s.duplicates, "duplicate", "duplicates"),
        fmt_n(s.eligible),
        fmt_n(s.screened),
        fmt_n(s.included),
        fmt_n(s.excluded),
        fmt_n(s.maybe),
        fmt_n(s.not_retrieved),
        fmt_n(s.undecided)
    );
    for table in tables {
        if table.rows.is_empty() {
            continue;
        }
        let _ = writeln!(o, "\n### {}\n", md_cell(&table.title));
        let _ = writeln!(o, "| {} |", table.header.join(" | "));
        let _ = writeln!(
            o,
            "|{}",
            table
                .header
                .iter()
                .enumerate()
                .map(|(c, _)| if c == 0 { "---|" } else { "--:|" })
                .collect::<String>()
        );
        for r in &table.rows {
            let cells: Vec<String> = r.iter().map(|c| md_cell(c)).collect();
            let _ = writeln!(o, "| {} |", cells.join(" | "));
        }
    }
    o
}

/// Long form, one value a row: `section,name,measure,value` (a
/// spreadsheet pivots it; R and pandas read it as it is). Counts are
/// written without thousands separators; the stopping estimate's rows
/// (section `stopping`) have the `status --json` names, and an empty value
/// where the estimate has none yet.
fn csv(t: &Tally, tables: &[Table], stop: &Stopping) -> String {
    let mut w = ::csv::WriterBuilder::new().from_writer(Vec::new());
    let _ = w.write_record(["section", "name", "measure", "value"]);
    let s = &t.status;
    for (measure, n) in [
        ("records", s.records),
        ("duplicates", s.duplicates),
        ("to screen", s.eligible),
        ("screened", s.screened),
        ("included", s.included),
        ("excluded", s.excluded),
        ("maybe", s.maybe),
        ("not retrieved", s.not_retrieved),
        ("undecided", s.undecided),
    ] {
        let _ = w.write_record(["summary", &s.reviewer, measure, &n.to_string()]);
    }
    for (id, n) in &s.reasons {
        let _ = w.write_record([
            "summary",
            &s.reviewer,
            &format!("reason:{id}"),
            &n.to_string(),
        ]);
    }
    for table in tables {
        for r in &table.rows {
            for (c, cell) in r.iter().enumerate().skip(1) {
                let plain = if cell.chars().all(|ch| ch.is_ascii_digit() || ch == ',') {
                    cell.replace(',', "")
                } else {
                    cell.clone()
                };
                let _ = w.write_record([table.section, &r[0], table.header[c], &plain]);
            }
        }
    }
    let opt = |v: Option<String>| v.unwrap_or_default();
    for (measure, value) in [
        ("screened", stop.screened.to_string()),
        ("eligible", stop.eligible.to_string()),
        ("relevant", stop.relevant.to_string()),
        ("since_last_include", stop.since_last_relevant.to_string()),
        ("target_recall", stop.target.to_string()),
        ("confidence", stop.confidence.to_string()),
        ("reached", stop.reached().to_string()),
        ("p_value", opt(stop.p_value.map(|p| format!("{p:.4}")))),
        (
            "remaining_max",
            opt(stop.remaining_max.map(|n| n.to_string())),
        ),
        (
            "recall_claim",
            opt(stop.recall_claim.map(|r| format!("{r:.4}"))),
        ),
        ("more_needed", opt(stop.more_needed.map(|n| n.to_string()))),
        ("not_yet", stop.not_yet.unwrap_or_default().to_string()),
        ("summary", stop.summary()),
        ("method", "Callaghan & Müller-Hansen 2020".to_string()),
    ] {
        let _ = w.write_record(["stopping", &s.reviewer, measure, &value]);
    }
    w.into_inner()
        .map(|v| String::from_utf8_lossy(&v).into_owned())
        .unwrap_or_default()
}
