use std::io::Write;
use std::path::Path;

use anyhow::Result;

use crate::cli::{OrderArg, ScreenArgs, ScreenOptions, ThemeArg, reviewer_or_login};
use crate::screening::order::QueueOrder;
use crate::tui::app::Prefs;
use crate::tui::keymap::{Keymap, user_layer_path};
use crate::tui::run;
use crate::tui::signals::Stopped;
use crate::tui::theme::{Theme, ThemeKind};

pub fn run(args: &ScreenArgs) -> Result<()> {
    screen(&args.project, &args.options)
}

/// The session choices of the command line (and `NO_COLOR`).
pub fn prefs(options: &ScreenOptions) -> Prefs {
    Prefs {
        theme: theme(options.theme),
        order: match options.order {
            OrderArg::Import => QueueOrder::Import,
            OrderArg::Random => QueueOrder::Random,
            OrderArg::Year => QueueOrder::Year,
            OrderArg::Relevance => QueueOrder::Relevance,
        },
        seed: options.seed,
        reading_width: options.reading_width,
    }
}

/// The theme of the command line (and `NO_COLOR`).
pub fn theme(arg: ThemeArg) -> Theme {
    let kind = match arg {
        ThemeArg::Default => ThemeKind::Default,
        ThemeArg::HighContrast => ThemeKind::HighContrast,
    };
    Theme::new(kind, Theme::no_color_from_env())
}

/// Opens the screen on `project`; shared with `demo`.
pub fn screen(project: &Path, options: &ScreenOptions) -> Result<()> {
    // Refuse a bad keymap or a missing project before the terminal changes.
    let keymap = Keymap::load(&options.keymap, user_layer_path().as_deref())?;
    let opened = crate::phases::time("open project", || {
        crate::store::Store::open_as(
            project,
            crate::store::Detail::AbstractsOnDisk {
                from: crate::store::abstracts_on_disk_from(),
            },
        )
    })?;
    let reviewer = reviewer_or_login(options.reviewer.as_deref());
    let summary = run::run_with(
        project,
        opened,
        &reviewer,
        options.stage.into(),
        keymap,
        prefs(options),
    )?;
    report(project, summary)
}

/// What a screen session did, on stderr; a session a signal ended is an
/// error with its exit status.
pub fn report(project: &Path, summary: run::Summary) -> Result<()> {
    // Not `eprintln!`: after SIGHUP there is no terminal to print on, and
    // a failed print must not turn a clean stop into a panic.
    let mut err = std::io::stderr();
    let _ = writeln!(
        err,
        "{}: {} change(s) saved this session",
        project.display(),
        summary.decisions
    );
    if summary.unsaved > 0 {
        let _ = writeln!(
            err,
            "warning: {}: {} decision(s) could not be written and were left out",
            project.display(),
            summary.unsaved
        );
    }
    if let Some(e) = summary.checkpoint_error {
        let _ = writeln!(err, "warning: {e}");
    }
    if let Some(signal) = summary.signal {
        return Err(Stopped { signal }.into());
    }
    Ok(())
}
