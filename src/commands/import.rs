use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::cli::ImportArgs;
use crate::human::{count, fmt_n};
use crate::import::Format;
use crate::ingest::{ImportReport, Input};
use crate::lock::LockError;
use crate::phases;
use crate::project::Project;
use crate::store::{Store, StoreError};

pub fn run(args: &ImportArgs) -> Result<()> {
    let _total = phases::start("import command");
    let format = match args.format.as_deref() {
        Some(name) => {
            Some(Format::from_name(name).with_context(|| format!("unknown format `{name}`"))?)
        }
        None => None,
    };
    for f in &args.files {
        refuse_unless_file(f)?;
    }
    let mut contents = Vec::with_capacity(args.files.len());
    for f in &args.files {
        let bytes = phases::time("read file", || crate::import::read_file(f))
            .with_context(|| format!("{}: cannot read", f.display()))?;
        contents.push((f.display().to_string(), bytes));
    }
    let votes = match args.decisions_from {
        Some(tool) => Some(
            crate::votes::Prepared::read(tool, args.reviewer.as_deref(), &contents, format)
                .map_err(anyhow::Error::msg)?,
        ),
        None => None,
    };
    let inputs: Vec<Input> = contents
        .iter()
        .map(|(path, bytes)| Input {
            path: path.clone(),
            bytes,
            format,
            database: args.source.clone(),
        })
        .collect();
    let mut waiting = Waiting::default();
    let (report, votes) = loop {
        if args.project.exists() {
            let (mut project, mut store, opened) = match Store::open(&args.project) {
                Err(e) if waiting.for_import(&args.project, &e) => continue,
                opened => opened?,
            };
            // Said before this import's checkpoint takes the file as it is.
            for warning in opened.warnings(&args.project) {
                let _ = writeln!(std::io::stderr(), "warning: {warning}");
            }
            let report = crate::votes::import_files(&mut project, &inputs, votes.as_ref())?;
            store
                .checkpoint(&mut project)
                .with_context(|| format!("{}: cannot write the project", args.project.display()))?;
            drop(store);
            crate::store::release(project);
            break report;
        }
        if args.project.extension().is_none_or(|e| e != "ron") {
            bail!(
                "{}: a new project file should end in .ron (e.g. review.ron); \
                 is this argument one of the input files?",
                args.project.display()
            );
        }
        let mut project = Project::new();
        let report = crate::votes::import_files(&mut project, &inputs, votes.as_ref())?;
        // Holds the lock while writing. Another import creating the same
        // project meanwhile is waited for, and these files are then added
        // to what it created.
        match phases::time("write project", || Store::create(&args.project, &project)) {
            Ok(_) => {}
            Err(StoreError::Exists(_)) => continue,
            Err(e) if waiting.for_import(&args.project, &e) => continue,
            Err(e) => return Err(e.into()),
        }
        // Freeing a million records takes seconds; the process ends soon.
        crate::store::release(project);
        break report;
    };
    if args.json {
        let mut json = serde_json::to_value(&report)?;
        if let (Some(v), Some(map)) = (&votes, json.as_object_mut()) {
            map.insert("decisions".into(), serde_json::to_value(v)?);
        }
        println!("{json}");
    } else {
        print_human(&args.project.display().to_string(), &report);
        if let Some(v) = &votes {
            print!("{}", crate::votes::report_text(v));
        }
    }
    Ok(())
}

/// Refuses an input that is not a regular file (after links): `/dev/zero`
/// would be read until memory runs out, a FIFO blocks, a directory fails
/// later with a worse message.
fn refuse_unless_file(path: &Path) -> Result<()> {
    let meta =
        std::fs::metadata(path).with_context(|| format!("{}: cannot read", path.display()))?;
    if !meta.is_file() {
        bail!(
            "{}: is a {}, not a regular file; import reads database exports saved as files \
             (nothing was changed)",
            path.display(),
            crate::store::side::kind_name(&meta.file_type())
        );
    }
    Ok(())
}

/// Waiting for another import that holds the project's lock (two imports
/// creating one project at once: the second adds its files after the
/// first).
#[derive(Default)]
struct Waiting {
    since: Option<Instant>,
}

/// How long an import waits for another (a million-record import takes
/// about half a minute).
const WAIT_FOR_IMPORT: Duration = Duration::from_secs(600);

impl Waiting {
    /// Whether `e` says another import holds the lock of `project` (or a
    /// process that has not yet said who it is): then, after a pause, the
    /// caller tries again. Says once that it waits.
    fn for_import(&mut self, project: &Path, e: &StoreError) -> bool {
        let StoreError::Locked(LockError::Held { holder, .. }) = e else {
            return false;
        };
        if holder.as_ref().is_some_and(|h| h.command != "import") {
            return false;
        }
        let since = *self.since.get_or_insert_with(|| {
            let who = holder.as_ref().map_or_else(
                || "another screener".to_string(),
                |h| format!("pid {}", h.pid),
            );
            let _ = writeln!(
                std::io::stderr(),
                "{}: another import ({who}) is writing this project; waiting for it to finish…",
                project.display()
            );
            Instant::now()
        });
        if since.elapsed() > WAIT_FOR_IMPORT {
            return false;
        }
        std::thread::sleep(Duration::from_millis(100));
        true
    }
}

/// Warnings shown one per line, except that a warning repeated word for
/// word (one per row of a file without titles, say) is shown
/// [`SHOWN_ALIKE`] times and then counted with its other lines, so that a
/// reviewer sees every kind of warning without scrolling past a thousand of
/// one. `--json` lists every one.
fn warning_lines(path: &str, warnings: &[crate::import::Warning]) -> String {
    const SHOWN_ALIKE: usize = 3;
    const LINES_LISTED: usize = 8;
    let mut alike: std::collections::HashMap<(&str, &str), Vec<usize>> =
        std::collections::HashMap::new();
    for w in warnings {
        alike
            .entry((w.message.as_str(), w.action.as_str()))
            .or_default()
            .push(w.line);
    }
    let mut out = String::new();
    let mut seen: std::collections::HashMap<(&str, &str), usize> = std::collections::HashMap::new();
    for w in warnings {
        let key = (w.message.as_str(), w.action.as_str());
        let lines = &alike[&key];
        let at = seen.entry(key).or_insert(0);
        *at += 1;
        if *at <= SHOWN_ALIKE || lines.len() == SHOWN_ALIKE + 1 {
            // Line 0 is the whole file, not a place in it.
            let at = if w.line == 0 {
                String::new()
            } else {
                format!(":{}", w.line)
            };
            out.push_str(&format!("  {path}{at}: {} → {}\n", w.message, w.action));
        }
        if *at == SHOWN_ALIKE && lines.len() > SHOWN_ALIKE + 1 {
            let rest = &lines[SHOWN_ALIKE..];
            let mut listed: Vec<String> = rest
                .iter()
                .take(LINES_LISTED)
                .map(|l| l.to_string())
                .collect();
            if rest.len() > LINES_LISTED {
                listed.push("…".into());
            }
            out.push_str(&format!(
                "  {path}: the same on {} more lines ({}) → the same\n",
                fmt_n(rest.len()),
                listed.join(", ")
            ));
        }
    }
    out
}

fn print_human(project: &str, report: &ImportReport) {
    for f in &report.files {
        let source = if f.database.is_empty() {
            String::new()
        } else {
            format!(" ({})", f.database)
        };
        let mut whence = Vec::new();
        for (n, what) in [
            (f.duplicates_within_file, "within the file"),
            (f.duplicates_of_other_files, "of other files"),
            (f.duplicates_of_project, "of records already in the project"),
        ] {
            if n > 0 {
                whence.push(format!("{} {what}", fmt_n(n)));
            }
        }
        let whence = if whence.is_empty() {
            String::new()
        } else {
            format!(" ({})", whence.join(", "))
        };
        if let Some(before) = &f.already_imported {
            // Its records are in the project already: nothing was read,
            // nothing is missing.
            println!(
                "{}: {}{source} · skipped: the same file (byte for byte) was imported before \
                 ({before}); its {} are in the project already, none added",
                f.path,
                f.format,
                count(f.records, "record", "records"),
            );
            continue;
        }
        println!(
            "{}: {}{source} · {} · with title {}, abstract {}, DOI {} · {}{whence}",
            f.path,
            f.format,
            record_counts(f.records, f.imported, f.reported),
            fmt_n(f.with_title),
            fmt_n(f.with_abstract),
            fmt_n(f.with_doi),
            count(f.duplicates, "duplicate", "duplicates"),
        );
        print!("{}", warning_lines(&f.path, &f.warnings));
    }
    let by_rule: Vec<String> = report
        .duplicates_by_rule
        .iter()
        .map(|(rule, n)| format!("{} by {rule}", fmt_n(*n)))
        .collect();
    let by_rule = if by_rule.is_empty() {
        String::new()
    } else {
        format!(" ({})", by_rule.join(", "))
    };
    println!(
        "{project}: {} added, {} in the project{by_rule}, {} in all",
        count(report.records_added, "record", "records"),
        count(report.duplicates, "duplicate", "duplicates"),
        count(report.total_records, "record", "records")
    );
}

/// What became of a file's records, in words that match the counts:
/// `10 records, all imported`, `10 records: 9 imported, 1 not imported
/// (below)`; the warnings listed after it are then either about that
/// record or about records that were imported.
fn record_counts(records: usize, imported: usize, reported: usize) -> String {
    let n = count(records, "record", "records");
    match (imported, reported) {
        (0, 0) => n,
        (_, 0) if records == 1 => format!("{n}, imported"),
        (_, 0) => format!("{n}, all imported"),
        (0, _) => format!("{n}, none imported (each listed below with why)"),
        _ => format!(
            "{n}: {} imported, {} not imported (listed below with why)",
            fmt_n(imported),
            fmt_n(reported)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::Warning;

    #[test]
    fn a_warning_repeated_on_many_lines_is_shown_three_times_then_counted() {
        let mut warnings: Vec<Warning> = (10..30)
            .map(|l| Warning::new(l, "row has no title", "skipped"))
            .collect();
        warnings.insert(1, Warning::new(11, "odd line", "ignored"));
        let text = warning_lines("f.csv", &warnings);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            [
                "  f.csv:10: row has no title → skipped",
                "  f.csv:11: odd line → ignored",
                "  f.csv:11: row has no title → skipped",
                "  f.csv:12: row has no title → skipped",
                "  f.csv: the same on 17 more lines (13, 14, 15, 16, 17, 18, 19, 20, …) → the same",
            ]
        );
    }

    #[test]
    fn the_counts_in_words() {
        assert_eq!(record_counts(10, 10, 0), "10 records, all imported");
        assert_eq!(record_counts(1, 1, 0), "1 record, imported");
        assert_eq!(
            record_counts(2, 1, 1),
            "2 records: 1 imported, 1 not imported (listed below with why)"
        );
        assert_eq!(
            warning_lines("f.ris", &[Warning::new(0, "whole file", "read")]),
            "  f.ris: whole file → read\n"
        );
    }

    #[test]
    fn four_alike_are_all_shown_and_different_ones_always() {
        let warnings: Vec<Warning> = (1..=4)
            .map(|l| Warning::new(l, "same", "done"))
            .chain([Warning::new(9, "other", "done")])
            .collect();
        let text = warning_lines("f", &warnings);
        assert_eq!(text.lines().count(), 5, "{text}");
        assert!(text.contains("f:4: same") && text.contains("f:9: other"));
    }
}
