use anyhow::{Context, Result, bail};

use crate::cli::ImportArgs;
use crate::import::Format;
use crate::ingest::{self, ImportReport, Input};
use crate::phases;
use crate::project::Project;
use crate::store::Store;
use crate::tui::view::fmt_n;

pub fn run(args: &ImportArgs) -> Result<()> {
    let _total = phases::start("import command");
    let format = match args.format.as_deref() {
        Some(name) => {
            Some(Format::from_name(name).with_context(|| format!("unknown format `{name}`"))?)
        }
        None => None,
    };
    let mut contents = Vec::with_capacity(args.files.len());
    for f in &args.files {
        let bytes = phases::time("read file", || crate::import::read_file(f))
            .with_context(|| format!("{}: cannot read", f.display()))?;
        contents.push((f.display().to_string(), bytes));
    }
    let inputs: Vec<Input> = contents
        .iter()
        .map(|(path, bytes)| Input {
            path: path.clone(),
            bytes,
            format,
            database: args.source.clone(),
        })
        .collect();
    let report = if args.project.exists() {
        let (mut project, mut store, _) = Store::open(&args.project)?;
        let report = ingest::import_files(&mut project, &inputs)?;
        store
            .checkpoint(&mut project)
            .with_context(|| format!("{}: cannot write the project", args.project.display()))?;
        drop(store);
        crate::store::release(project);
        report
    } else {
        if args.project.extension().is_none_or(|e| e != "ron") {
            bail!(
                "{}: a new project file should end in .ron (e.g. review.ron); \
                 is this argument one of the input files?",
                args.project.display()
            );
        }
        let mut project = Project::new();
        let report = ingest::import_files(&mut project, &inputs)?;
        // Holds the lock while writing, and refuses if another import
        // created the file meanwhile.
        phases::time("write project", || Store::create(&args.project, &project))?;
        // Freeing a million records takes seconds; the process ends soon.
        crate::store::release(project);
        report
    };
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        print_human(&args.project.display().to_string(), &report);
    }
    Ok(())
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
        println!(
            "{}: {}{source} · {} records: {} imported, {} reported · with title {}, abstract {}, DOI {} · {} duplicates{whence}",
            f.path,
            f.format,
            fmt_n(f.records),
            fmt_n(f.imported),
            fmt_n(f.reported),
            fmt_n(f.with_title),
            fmt_n(f.with_abstract),
            fmt_n(f.with_doi),
            fmt_n(f.duplicates),
        );
        for w in &f.warnings {
            println!("  {}:{}: {} → {}", f.path, w.line, w.message, w.action);
        }
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
        "{project}: {} records added, {} duplicates in the project{by_rule}, {} records in all",
        fmt_n(report.records_added),
        fmt_n(report.duplicates),
        fmt_n(report.total_records)
    );
}
