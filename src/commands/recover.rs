//! `screener recover PROJECT`: what the project file, its `.bak`, journal
//! and quarantine hold, which decisions each way of repairing would keep
//! and lose, and the repair itself on request (`--write`, `-o FILE`). The
//! reading and the repair are `store::recover`; this is the wording.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use crate::cli::{RecoverArgs, RecoverFrom};
use crate::human::{count, fmt_n};
use crate::lock;
use crate::store::recover::{
    self, Choice, FileState, Findings, Outcome, Trouble, describe_change, describe_decision,
};
use crate::store::{self, RealFs, side};

/// Items of a list shown in the text report; `--json` has them all.
const SHOWN: usize = 10;

pub fn run(args: &RecoverArgs) -> Result<()> {
    let path = side::resolve(&args.project)?;
    side::check(&path)?;
    let choice = match args.from {
        RecoverFrom::Merged => Choice::Merged,
        RecoverFrom::File => Choice::File,
        RecoverFrom::Bak => Choice::Bak,
    };
    // A repair in place is a writer: nobody else may change the files
    // between the reading and the writing.
    let _lock = if args.write {
        Some(lock::acquire(&path, "recover").map_err(store::StoreError::from)?)
    } else {
        None
    };
    let findings = recover::examine(&RealFs, &path);
    if !findings.file.present && !findings.bak.present {
        bail!(
            "{}: no such project file, and no {} either; nothing to recover from",
            path.display(),
            store::bak_path(&path).display()
        );
    }
    let outcomes: Vec<Outcome> = Choice::ALL
        .iter()
        .map(|&c| findings.outcome(c, args.include_rejected && c == choice))
        .collect();
    let chosen = outcomes
        .iter()
        .find(|o| o.choice == choice)
        .context("no such way of repairing")?;
    let mut written = None;
    let writing = args.write || args.output.is_some();
    if writing {
        let Some(project) = &chosen.project else {
            bail!(
                "{}: the way `{}` has nothing to start from ({}); nothing was written",
                path.display(),
                choice.name(),
                match choice {
                    Choice::Bak => "there is no readable .bak",
                    _ => "nothing of the project file could be read",
                }
            );
        };
        if let Some(out) = &args.output {
            if std::fs::symlink_metadata(out).is_ok() {
                bail!(
                    "{}: already exists; give a new file (nothing was written)",
                    out.display()
                );
            }
            store::write_atomic(out, project)
                .with_context(|| format!("{}: cannot write", out.display()))?;
            written = Some(json!({ "path": out, "copies": null, "copied": [] }));
        } else {
            let w = recover::write_in_place(&findings, project).with_context(|| {
                format!("{}: cannot write the repaired project", path.display())
            })?;
            written = Some(json!({
                "path": path,
                "copies": w.copies,
                "copied": w.copied,
                "quarantined": w.quarantined,
            }));
        }
    }
    if args.json {
        let mut v = report_json(&findings, &outcomes);
        v["written"] = written.clone().unwrap_or(Value::Null);
        v["from"] = json!(choice.name());
        println!("{}", serde_json::to_string(&v)?);
        return Ok(());
    }
    let mut out = std::io::stdout().lock();
    write!(out, "{}", report_text(&findings, &outcomes, writing))?;
    if let Some(w) = written {
        let to = w["path"].as_str().unwrap_or_default();
        writeln!(
            out,
            "\nWrote {to} the `{}` way: {}, {}.",
            choice.name(),
            count(
                chosen.project.as_ref().map_or(0, |p| p.records.len()),
                "record",
                "records"
            ),
            count(
                chosen.project.as_ref().map_or(0, |p| p.decisions.len()),
                "decision",
                "decisions"
            ),
        )?;
        if let Some(copies) = w["copies"].as_str() {
            writeln!(
                out,
                "Copies of the files read are in {copies}; nothing was deleted. The file replaced \
                 is now {}, the journal was emptied (the project holds its changes).",
                store::bak_path(&path).display()
            )?;
        }
    }
    Ok(())
}

fn file_summary(f: &FileState) -> String {
    let Some(p) = &f.project else {
        return match &f.error {
            Some(e) => format!("cannot be read: {e}"),
            None => "nothing in it can be read".into(),
        };
    };
    let holds = format!(
        "{}, {}, {}",
        count(p.records.len(), "record", "records"),
        count(p.decisions.len(), "decision", "decisions"),
        match f.journal_seq {
            Some(0) => "no journal changes folded in".to_string(),
            Some(s) => format!("changes up to {s}"),
            None => "which changes it holds cannot be read".to_string(),
        }
    );
    match &f.error {
        Some(e) => format!("damaged ({e}); read as far as it goes: {holds}"),
        None => format!("reads whole: {holds}"),
    }
}

fn troubles(out: &mut String, label: &str, list: &[Trouble], path: &Path) {
    for t in list.iter().take(SHOWN) {
        out.push_str(&format!(
            "      {label}: {}:{}: {} ({})\n",
            path.display(),
            t.line,
            t.what,
            t.why
        ));
    }
    if list.len() > SHOWN {
        out.push_str(&format!("      … and {} more\n", fmt_n(list.len() - SHOWN)));
    }
}

fn report_text(f: &Findings, outcomes: &[Outcome], writing: bool) -> String {
    let mut out = format!(
        "{}: what its files hold{}\n\n",
        f.path.display(),
        if writing {
            ""
        } else {
            " (nothing was changed)"
        }
    );
    for file in [&f.file, &f.bak] {
        if !file.present {
            out.push_str(&format!("  {}: not there\n", file.path.display()));
            continue;
        }
        out.push_str(&format!(
            "  {}: {}\n",
            file.path.display(),
            file_summary(file)
        ));
        troubles(&mut out, "unreadable", &file.unreadable, &file.path);
        troubles(
            &mut out,
            "differs from its checksum",
            &file.changed,
            &file.path,
        );
    }
    let j = &f.journal;
    if j.present {
        let seqs = match (j.entries.first(), j.entries.last()) {
            (Some(a), Some(b)) if a.seq == b.seq => format!(" (change {})", a.seq),
            (Some(a), Some(b)) => format!(" (changes {}–{})", a.seq, b.seq),
            _ => String::new(),
        };
        out.push_str(&format!(
            "  {}: {}{seqs}{}\n",
            j.path.display(),
            count(j.entries.len(), "readable line", "readable lines"),
            match j.unreadable.len() {
                0 => String::new(),
                n => format!(", {}", count(n, "unreadable line", "unreadable lines")),
            }
        ));
        if let Some(e) = &j.error {
            out.push_str(&format!("      cannot be read: {e}\n"));
        }
        for e in j.entries.iter().take(SHOWN) {
            out.push_str(&format!(
                "      line {} (change {}): {}\n",
                e.line,
                e.seq,
                describe_change(&e.change)
            ));
        }
        if j.entries.len() > SHOWN {
            out.push_str(&format!(
                "      … and {} more\n",
                fmt_n(j.entries.len() - SHOWN)
            ));
        }
        for (line, why) in j.unreadable.iter().take(SHOWN) {
            out.push_str(&format!("      line {line}: unreadable ({why})\n"));
        }
    } else {
        out.push_str(&format!(
            "  {}: not there (no changes since the last checkpoint)\n",
            j.path.display()
        ));
    }
    let r = &f.rejected;
    if r.present {
        out.push_str(&format!(
            "  {}: {}\n",
            r.path.display(),
            count(r.entries.len(), "kept line", "kept lines")
        ));
        for e in r.entries.iter().take(SHOWN) {
            let from = e
                .kept
                .line
                .map_or_else(String::new, |l| format!("journal line {l}, "));
            let held = match (&e.change, &e.error) {
                (Some((seq, c)), _) => format!(
                    "change {seq}: {}{}",
                    describe_change(c),
                    if e.checksum_ok {
                        ""
                    } else {
                        " [its checksum is wrong: the text may have been altered]"
                    }
                ),
                (None, Some(err)) => format!("unreadable: {err}"),
                (None, None) => "unreadable".into(),
            };
            out.push_str(&format!(
                "      line {} ({from}{}, kept {}): {held}\n",
                e.kept.at, e.kept.why, e.kept.when
            ));
        }
    }
    if !f.gaps.is_empty() {
        out.push_str("\nSequence\n");
        for g in &f.gaps {
            out.push_str(&format!("  {g}\n"));
        }
    }
    let all = f.everything();
    out.push_str(&format!(
        "\nWays of repairing, each against everything readable ({}, {}):\n",
        count(
            all.as_ref().map_or(0, |p| p.records.len()),
            "record",
            "records"
        ),
        count(
            all.as_ref().map_or(0, |p| p.decisions.len()),
            "decision",
            "decisions"
        ),
    ));
    for o in outcomes {
        out.push_str(&outcome_text(f, o));
    }
    if !writing {
        let p = f.path.display();
        out.push_str(&format!(
            "\nRepair with `screener recover {p} --write` (the merged way; `--from file` or \
             `--from bak` for another; `--include-rejected` adds the quarantined changes that \
             still read), or write a new file and change nothing with `screener recover {p} -o \
             repaired.ron`. Every file read is copied aside first; nothing is deleted.\n"
        ));
    }
    out
}

fn outcome_text(f: &Findings, o: &Outcome) -> String {
    let what = match o.choice {
        Choice::Merged => {
            "everything readable: the file, its holes filled from .bak, then the journal"
                .to_string()
        }
        Choice::File => format!("{} as read, then the journal", f.file.path.display()),
        Choice::Bak => format!("{}, then the journal", f.bak.path.display()),
    };
    let Some(p) = &o.project else {
        return format!(
            "  {} ({what}): not possible, nothing to start from\n",
            o.choice.name()
        );
    };
    let mut out = format!(
        "  {} ({what}): {}, {}",
        o.choice.name(),
        count(p.records.len(), "record", "records"),
        count(p.decisions.len(), "decision", "decisions"),
    );
    if o.lost_decisions.is_empty() && o.lost_records.is_empty() && o.lost_other.is_empty() {
        out.push_str(" — loses nothing\n");
        return out;
    }
    out.push_str(" — loses:\n");
    if !o.lost_decisions.is_empty() {
        let only = if o.lost_rejected_only > 0 {
            format!(
                " ({} only in the quarantine: add with --include-rejected)",
                fmt_n(o.lost_rejected_only)
            )
        } else {
            String::new()
        };
        out.push_str(&format!(
            "      {}{only}:\n",
            count(o.lost_decisions.len(), "decision", "decisions")
        ));
        for d in o.lost_decisions.iter().take(SHOWN) {
            out.push_str(&format!("        {}\n", describe_decision(d)));
        }
        if o.lost_decisions.len() > SHOWN {
            out.push_str(&format!(
                "        … and {} more\n",
                fmt_n(o.lost_decisions.len() - SHOWN)
            ));
        }
    }
    if !o.lost_records.is_empty() {
        let shown: Vec<&str> = o
            .lost_records
            .iter()
            .take(SHOWN)
            .map(String::as_str)
            .collect();
        let more = if o.lost_records.len() > SHOWN {
            ", …"
        } else {
            ""
        };
        out.push_str(&format!(
            "      {}: {}{more}\n",
            count(o.lost_records.len(), "record", "records"),
            shown.join(", ")
        ));
    }
    for other in &o.lost_other {
        out.push_str(&format!("      {other}\n"));
    }
    out
}

fn troubles_json(list: &[Trouble]) -> Value {
    list.iter()
        .map(|t| json!({ "line": t.line, "what": t.what, "why": t.why }))
        .collect()
}

fn file_json(f: &FileState) -> Value {
    json!({
        "path": f.path,
        "present": f.present,
        "reads_whole": f.present && f.error.is_none() && f.project.is_some(),
        "error": f.error,
        "records": f.project.as_ref().map(|p| p.records.len()),
        "decisions": f.project.as_ref().map(|p| p.decisions.len()),
        "journal_seq": f.journal_seq,
        "unreadable": troubles_json(&f.unreadable),
        "changed": troubles_json(&f.changed),
    })
}

fn report_json(f: &Findings, outcomes: &[Outcome]) -> Value {
    let journal = json!({
        "path": f.journal.path,
        "present": f.journal.present,
        "error": f.journal.error,
        "changes": f.journal.entries.iter().map(|e| json!({
            "line": e.line, "seq": e.seq, "change": e.change,
        })).collect::<Vec<_>>(),
        "unreadable": f.journal.unreadable.iter().map(|(line, why)| json!({
            "line": line, "why": why,
        })).collect::<Vec<_>>(),
    });
    let rejected = json!({
        "path": f.rejected.path,
        "present": f.rejected.present,
        "error": f.rejected.error,
        "entries": f.rejected.entries.iter().map(|e| json!({
            "at": e.kept.at,
            "journal_line": e.kept.line,
            "why": e.kept.why,
            "kept": e.kept.when,
            "seq": e.change.as_ref().map(|(s, _)| s),
            "change": e.change.as_ref().map(|(_, c)| c),
            "checksum_ok": e.checksum_ok,
            "error": e.error,
        })).collect::<Vec<_>>(),
    });
    let choices: Vec<Value> = outcomes
        .iter()
        .map(|o| {
            json!({
                "name": o.choice.name(),
                "possible": o.project.is_some(),
                "records": o.project.as_ref().map(|p| p.records.len()),
                "decisions": o.project.as_ref().map(|p| p.decisions.len()),
                "journal_seq": o.project.as_ref().map(|p| p.journal_seq),
                "applied": o.applied,
                "lost_decisions": o.lost_decisions,
                "lost_rejected_only": o.lost_rejected_only,
                "lost_records": o.lost_records,
                "lost_other": o.lost_other,
            })
        })
        .collect();
    json!({
        "project": f.path,
        "file": file_json(&f.file),
        "bak": file_json(&f.bak),
        "journal": journal,
        "rejected": rejected,
        "gaps": f.gaps,
        "choices": choices,
    })
}
