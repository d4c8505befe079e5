//! `screener merge A B… -o OUT` and `screener merge-driver %O %A %B`
//! (docs/TWO-REVIEWERS.md).

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::cli::{MergeArgs, MergeDriverArgs};
use crate::human::{count, fmt_n};
use crate::merge::{self, Input, MergeReport};
use crate::project::Project;
use crate::store::{self, Store};

fn load(path: &Path) -> Result<Project> {
    let (project, report) = store::load(path)?;
    for (line, why) in &report.dropped {
        eprintln!(
            "warning: {}:{line}: journal line dropped: {why}",
            store::journal_path(path).display()
        );
    }
    Ok(project)
}

pub fn run(args: &MergeArgs) -> Result<()> {
    let same_file = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    };
    let out_is_input = args.files.iter().any(|f| same_file(f, &args.output));
    if args.output.exists() && !out_is_input {
        bail!(
            "{}: already exists; name a new file with -o, or give it as one of the files to merge into it",
            args.output.display()
        );
    }
    if !out_is_input && args.output.extension().is_none_or(|e| e != "ron") {
        bail!(
            "{}: the merged project file should end in .ron (e.g. team.ron)",
            args.output.display()
        );
    }
    // Merging into one of the inputs: hold its lock, so no screen writes
    // it meanwhile, and read it (journal included) under that lock.
    let mut store = None;
    let mut projects = Vec::with_capacity(args.files.len());
    for f in &args.files {
        if out_is_input && same_file(f, &args.output) && store.is_none() {
            let (p, s, _) = Store::open(f)?;
            store = Some(s);
            projects.push(p);
        } else {
            projects.push(load(f)?);
        }
    }
    let names: Vec<String> = args.files.iter().map(|p| p.display().to_string()).collect();
    let inputs: Vec<Input> = projects
        .iter()
        .zip(&names)
        .map(|(project, name)| Input { name, project })
        .collect();
    let (mut merged, report) = merge::merge(&inputs)?;
    match store {
        Some(mut s) => s.checkpoint(&mut merged).with_context(|| {
            format!("{}: cannot write the merged project", args.output.display())
        })?,
        None => {
            drop(Store::create(&args.output, &merged)?);
        }
    }
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        print!(
            "{}",
            report_text(&args.output.display().to_string(), &report)
        );
    }
    Ok(())
}

pub fn report_text(out: &str, r: &MergeReport) -> String {
    let mut s = String::new();
    for f in &r.files {
        s.push_str(&format!(
            "{}: {} ({} no other file holds), {}\n",
            f.path,
            count(f.records, "record", "records"),
            fmt_n(f.records_only_here),
            count(f.decisions, "decision", "decisions")
        ));
    }
    let reviewers: Vec<String> = r
        .reviewers
        .iter()
        .map(|(name, n)| format!("{name} {}", fmt_n(*n)))
        .collect();
    s.push_str(&format!(
        "{out}: {}, {} ({}){}\n",
        count(r.records, "record", "records"),
        count(r.decisions, "decision", "decisions"),
        if reviewers.is_empty() {
            "none".into()
        } else {
            reviewers.join(", ")
        },
        if r.relinked {
            " · duplicate links recomputed over the joined records"
        } else {
            ""
        }
    ));
    for w in &r.warnings {
        s.push_str(&format!("  note: {w}\n"));
    }
    s
}

/// An empty ancestor (`%O` of a file added on both branches) means no
/// common ancestor.
fn load_base(path: &Path) -> Result<Option<Project>> {
    let empty = std::fs::metadata(path)
        .map(|m| m.len() == 0)
        .unwrap_or(true);
    if empty {
        return Ok(None);
    }
    Ok(Some(store::load_file_alone(path)?))
}

/// Git's merge driver: writes the merge of `%A` and `%B` (ancestor `%O`)
/// into `%A`. A value both sides changed differently (the criteria, a
/// reason's label) is a conflict: `%A` gets the merge with our value there,
/// and the exit code 1 makes git report the conflict. Files git cannot
/// give us whole, or two different reviews, leave `%A` untouched.
pub fn driver(args: &MergeDriverArgs) -> Result<()> {
    let name = args
        .path
        .clone()
        .unwrap_or_else(|| "the project file".into());
    let mut base = load_base(&args.base).with_context(|| format!("{name}: the common ancestor"))?;
    let mut ours =
        store::load_file_alone(&args.ours).with_context(|| format!("{name}: our version"))?;
    let mut theirs =
        store::load_file_alone(&args.theirs).with_context(|| format!("{name}: their version"))?;
    let records_file = shared_records(&name, args, base.as_mut(), &mut ours, &mut theirs)?;
    let (merged, report, conflicts) = merge::merge3(
        base.as_ref(),
        Input {
            name: "ours",
            project: &ours,
        },
        Input {
            name: "theirs",
            project: &theirs,
        },
    )
    .with_context(|| format!("{name}: not merged"))?;
    // %A is git's own temporary file: written in place (no .bak or cache
    // beside it, which would litter the work tree); git reads it when we
    // exit.
    let text = match &records_file {
        None => store::to_ron_string(&merged),
        Some(file) => {
            if *merged.records != *ours.records {
                bail!(
                    "{name}: the merge changed the records, which are kept in {} beside it; \
                     nothing was written. Merge the two versions with `screener merge` from two \
                     checkouts",
                    file.name
                );
            }
            store::to_ron_string_naming(&merged, file)
        }
    };
    let mut f = std::fs::File::create(&args.ours)
        .with_context(|| format!("{}: cannot write the merge", args.ours.display()))?;
    f.write_all(text.as_bytes())?;
    f.sync_all()?;
    eprintln!(
        "screener: merged {name}: {}, {}",
        count(report.records, "record", "records"),
        count(report.decisions, "decision", "decisions")
    );
    for w in &report.warnings {
        eprintln!("  note: {w}");
    }
    if !conflicts.is_empty() {
        bail!(
            "{name}: {} (everything else is merged; fix it on screen, then `git add {name}`)",
            conflicts.join("; ")
        );
    }
    Ok(())
}

/// A project whose records are in a file of their own
/// (`PROJECT.records`) comes to the driver without them: git gives it the
/// versions of the project file only. When both sides name the same
/// records file (neither imported since they parted, the common case),
/// those records are read once from the work tree, beside the project
/// file, and given to every version that names them; the merge then names
/// them too. Versions that name different records (someone imported) are
/// not merged here: git reports a conflict and the message says what to do.
fn shared_records(
    name: &str,
    args: &MergeDriverArgs,
    base: Option<&mut Project>,
    ours: &mut Project,
    theirs: &mut Project,
) -> Result<Option<crate::project::RecordsFile>> {
    let Some(file) = ours
        .records_file
        .clone()
        .or_else(|| theirs.records_file.clone())
    else {
        return Ok(None);
    };
    if ours.records_file != theirs.records_file {
        bail!(
            "{name}: our and their versions keep different records (an import on one side or \
             both), which git merges as a file of its own; nothing was written. Merge the two \
             versions with `screener merge OURS THEIRS -o MERGED` from two checkouts, or import \
             on one side only"
        );
    }
    let beside = args
        .path
        .as_deref()
        .map(Path::new)
        .unwrap_or(args.ours.as_path());
    let records = store::read_records(beside, &file)
        .with_context(|| format!("{name}: the records both versions name"))?;
    for p in [Some(ours), Some(theirs), base].into_iter().flatten() {
        if p.records_file.as_ref() == Some(&file) {
            p.records = records.clone();
            p.records_file = None;
            p.version = crate::project::VERSION;
        }
    }
    Ok(Some(file))
}
