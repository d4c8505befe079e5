//! `screener export`: records with their decisions, for a reference
//! manager (RIS, BibTeX), a spreadsheet (CSV) or ASReview (docs/EXPORT.md).

use anyhow::Result;

use crate::cli::{DecisionArg, ExportArgs, ExportFormat};
use crate::export::decisions::{self, Which};
use crate::export::{asreview, bibtex, csv, ris};
use crate::human::count;
use crate::import::Format;
use crate::project::Project;
use crate::record::Record;
use crate::store;

/// The format a record was read from (its source's), for the writers that
/// give back a record of their own format as it was.
fn format_of(project: &Project) -> impl Fn(&Record) -> Format + '_ {
    |r: &Record| {
        project
            .sources
            .get(r.origin.source as usize)
            .and_then(|s| Format::from_name(&s.format))
            .unwrap_or(Format::Pasted)
    }
}

pub fn run(args: &ExportArgs) -> Result<()> {
    let (project, reviewer) = super::status::load_for_report(
        &args.project,
        args.reviewer.as_deref(),
        crate::store::Detail::Full,
    )?;
    let which = match args.decision {
        Some(DecisionArg::Include) => Which::Include,
        Some(DecisionArg::Exclude) => Which::Exclude,
        Some(DecisionArg::Maybe) => Which::Maybe,
        Some(DecisionArg::Undecided) => Which::Undecided,
        Some(DecisionArg::All) => Which::All,
        // ASReview learns from both labels: everything goes.
        None if args.format == ExportFormat::Asreview => Which::All,
        None => Which::Include,
    };
    let entries = decisions::select(
        &project,
        &reviewer,
        args.stage.map(Into::into),
        which,
        args.with_duplicates,
    );
    let bytes: Vec<u8> = match args.format {
        ExportFormat::Ris => ris::write_with(
            entries.iter().map(|e| (e.record, decisions::ris_lines(e))),
            format_of(&project),
        )
        .into_bytes(),
        ExportFormat::Bibtex => bibtex::write_with(
            entries
                .iter()
                .map(|e| (e.record, decisions::bibtex_fields(e))),
            format_of(&project),
        )
        .into_bytes(),
        ExportFormat::Csv => {
            let rows: Vec<_> = entries
                .iter()
                .map(|e| (e.record, decisions::facts(e)))
                .collect();
            let mut buf = Vec::new();
            csv::write_with(&mut buf, &rows)?;
            buf
        }
        ExportFormat::Asreview => {
            let mut buf = Vec::new();
            asreview::write(&mut buf, &entries)?;
            buf
        }
    };
    if args.stage.is_none()
        && which == Which::Include
        && entries.is_empty()
        && project
            .current_decisions(&reviewer, crate::project::Stage::FullText)
            .is_empty()
    {
        eprintln!(
            "note: {reviewer} has no full-text decisions yet, so no study is included; \
             --stage title-abstract exports the records included at title/abstract"
        );
    }
    let n = entries.len();
    drop(entries);
    store::release(project);
    match &args.output {
        Some(path) => {
            crate::outfile::write(path, &bytes, args.force)?;
            eprintln!(
                "wrote {} ({}, decisions of {reviewer})",
                path.display(),
                count(n, "record", "records")
            );
        }
        None => crate::outfile::emit(None, &String::from_utf8_lossy(&bytes), false)?,
    }
    Ok(())
}
