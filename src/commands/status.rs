use anyhow::Result;

use crate::cli::{StatusArgs, reviewer_or_login};
use crate::human::fmt_n;
use crate::stats;
use crate::store;

pub fn run(args: &StatusArgs) -> Result<()> {
    let (project, report) = store::load(&args.project)?;
    for warning in report.warnings(&args.project) {
        eprintln!("warning: {warning}");
    }
    let reviewer = reviewer_or_login(args.reviewer.as_deref());
    let s = stats::status(&project, &reviewer, args.stage.into());
    if args.json {
        println!("{}", serde_json::to_string(&s)?);
        store::release(project);
        return Ok(());
    }
    println!("{} · {} · {}", args.project.display(), s.reviewer, s.stage);
    println!(
        "records {} ({} duplicates) · to screen {} · screened {} · undecided {}",
        fmt_n(s.records),
        fmt_n(s.duplicates),
        fmt_n(s.eligible),
        fmt_n(s.screened),
        fmt_n(s.undecided)
    );
    println!(
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
        println!("  {:<28} {}", project.reason_label(id), fmt_n(*n));
    }
    store::release(project);
    Ok(())
}
