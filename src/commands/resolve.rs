//! `screener resolve PROJECT`: the agreements of the reviewers carried over
//! as consensus decisions (journaled before the screen opens), then the
//! resolve screen on their conflicts.

use std::io::Write;

use anyhow::{Context, Result, bail};

use super::screen::{self, theme};
use crate::cli::ResolveArgs;
use crate::human::count;
use crate::project::{Change, Stage};
use crate::screening::resolve::{self, Panel};
use crate::tui::app::Prefs;
use crate::tui::keymap::{Keymap, user_layer_path};
use crate::tui::run;

pub fn run(args: &ResolveArgs) -> Result<()> {
    let path = &args.project;
    let stage: Stage = args.stage.into();
    let resolver = args.resolver.trim();
    if resolver.is_empty() {
        bail!("--as needs a name (the reviewer the consensus is recorded as)");
    }
    // Refuse a bad keymap, a missing project or nothing to compare before
    // anything is written or the terminal changes.
    let keymap = Keymap::load(&args.keymap, user_layer_path().as_deref())?;
    let (mut project, mut store, report) = crate::store::Store::open_as(
        path,
        crate::store::Detail::AbstractsOnDisk {
            from: crate::store::abstracts_on_disk_from(),
        },
    )?;
    let reviewers = resolve::reviewers(&project, &args.reviewers, resolver)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let carried = match resolve::carry(
        &project,
        &reviewers,
        stage,
        resolver,
        &crate::project::now(),
    ) {
        Some(change) => {
            store.append(&change).with_context(|| {
                format!(
                    "{}: cannot write the carried-over agreements to the journal; nothing was \
                     changed",
                    path.display()
                )
            })?;
            project.apply(&change);
            match change {
                Change::DecideMany(ds) => ds.len(),
                _ => 1,
            }
        }
        None => 0,
    };
    let who = reviewers.join(" and ");
    let panel = Panel::new(&project, &reviewers, stage);
    let mut out = std::io::stdout();
    if panel.is_empty() {
        let carried_note = if carried > 0 {
            format!(
                "; {} carried over as {resolver} decisions",
                count(carried, "agreement", "agreements")
            )
        } else {
            String::new()
        };
        if carried > 0 {
            // The journal holds them already; folding them in is tidiness.
            if let Err(e) = store.checkpoint(&mut project) {
                let _ = writeln!(
                    std::io::stderr(),
                    "warning: {}: could not fold the journal into the project file ({e}); \
                     the decisions are safe in the journal",
                    path.display()
                );
            }
        }
        writeln!(
            out,
            "{}: no conflicts between {who} at {}{carried_note}",
            path.display(),
            stage.label()
        )?;
        return Ok(());
    }
    let conflicts = panel.len();
    let prefs = Prefs {
        theme: theme(args.theme),
        ..Prefs::default()
    };
    let summary = run::run_resolve(
        path,
        (project, store, report),
        resolver,
        stage,
        keymap,
        prefs,
        (panel, carried),
    )?;
    let (resolved, _) = summary.done;
    let mut err = std::io::stderr();
    if carried > 0 {
        let _ = writeln!(
            err,
            "{}: {} carried over as {resolver} decisions",
            path.display(),
            count(carried, "agreement", "agreements")
        );
    }
    let left = conflicts.saturating_sub(resolved);
    let _ = writeln!(
        err,
        "{}: {resolved} of {} between {who} resolved{}",
        path.display(),
        count(conflicts, "conflict", "conflicts"),
        if left > 0 {
            format!(
                "; {left} left (`screener resolve {}` goes on from the first)",
                path.display()
            )
        } else {
            String::new()
        }
    );
    screen::report(path, summary)
}
