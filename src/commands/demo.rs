//! `screener demo`: the screen on the bundled sample data, in a temporary
//! project so the repository stays clean.

use anyhow::{Context, Result};

use super::screen::screen;
use crate::cli::DemoArgs;
use crate::ingest::{self, Input};
use crate::project::Project;
use crate::store;

/// The files of `sample-data/`, embedded so `demo` works from anywhere.
pub const SAMPLES: &[(&str, &[u8])] = &[
    (
        "scopus_dinosaurs.ris",
        include_bytes!("../../sample-data/scopus_dinosaurs.ris"),
    ),
    (
        "psycinfo_ovid.ris",
        include_bytes!("../../sample-data/psycinfo_ovid.ris"),
    ),
    ("zotero.ris", include_bytes!("../../sample-data/zotero.ris")),
    (
        "pasted_results_page.txt",
        include_bytes!("../../sample-data/pasted_results_page.txt"),
    ),
];

/// Builds the demo project in `dir` and returns its path.
pub fn build_demo_project(dir: &std::path::Path) -> Result<std::path::PathBuf> {
    let mut inputs = Vec::new();
    for (name, bytes) in SAMPLES {
        let path = dir.join(name);
        std::fs::write(&path, bytes)
            .with_context(|| format!("{}: cannot write", path.display()))?;
        inputs.push(Input {
            path: path.display().to_string(),
            bytes,
            format: None,
            database: None,
        });
    }
    let mut project = Project::new();
    ingest::import_files(&mut project, &inputs)?;
    let path = dir.join("demo.ron");
    store::write_atomic(&path, &project)
        .with_context(|| format!("{}: cannot write", path.display()))?;
    Ok(path)
}

pub fn run(args: &DemoArgs) -> Result<()> {
    let dir = std::env::temp_dir().join(format!("screener-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("{}: cannot create", dir.display()))?;
    let path = build_demo_project(&dir)?;
    screen(&path, &args.screen)?;
    eprintln!(
        "The demo project is {} (a temporary copy; try `screener status {}`).",
        path.display(),
        path.display()
    );
    Ok(())
}
