use std::path::Path;

use anyhow::Result;

use crate::cli::{ScreenArgs, ScreenOptions, reviewer_or_login};
use crate::tui::keymap::{Keymap, user_layer_path};
use crate::tui::run;

pub fn run(args: &ScreenArgs) -> Result<()> {
    screen(&args.project, &args.options)
}

/// Opens the screen on `project`; shared with `demo`.
pub fn screen(project: &Path, options: &ScreenOptions) -> Result<()> {
    // Refuse a bad keymap or a missing project before the terminal changes.
    let keymap = Keymap::load(&options.keymap, user_layer_path().as_deref())?;
    let opened = crate::store::Store::open(project)?;
    let reviewer = reviewer_or_login(options.reviewer.as_deref());
    let summary = run::run(project, opened, &reviewer, options.stage.into(), keymap)?;
    eprintln!(
        "{}: {} decision(s) saved this session",
        project.display(),
        summary.decisions
    );
    if summary.unsaved > 0 {
        eprintln!(
            "warning: {}: {} decision(s) could not be written and were left out",
            project.display(),
            summary.unsaved
        );
    }
    if let Some(e) = summary.checkpoint_error {
        eprintln!("warning: {e}");
    }
    Ok(())
}
