//! `screener demo`: the screen on the bundled sample data, in a temporary
//! project so the repository stays clean.

use anyhow::{Context, Result};

use super::screen::screen;
use crate::cli::DemoArgs;
use crate::ingest::{self, Input};
use crate::project::{Project, Reason, Stage};
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

/// The sample review's question and criteria, shown beside the record.
const CRITERIA: &str = "\
Question: what do fossils tell us about the anatomy, diversity and evolution of dinosaurs?
Include: original studies of dinosaur fossils (new species, anatomy, growth, ecology, evolution), birds among them.
Exclude: studies of children, learning or therapy that only use the word dinosaur; errata and corrections (the corrected paper is screened itself); addresses and other items that are not research.";

/// Words to look for while screening the sample records.
const INCLUDE_TERMS: &[&str] = &[
    "dinosaur*",
    "fossil*",
    "Cretaceous",
    "Jurassic",
    "Triassic",
    "sauropod*",
    "theropod*",
    "phylogen*",
];
const EXCLUDE_TERMS: &[&str] = &[
    "child*",
    "erratum",
    "correction",
    "treatment",
    "parenting",
    "anxiety",
    "presidential address",
];

/// Exclusion reasons at title/abstract that fit the sample review (the
/// full-text stage keeps the default ones).
const REASONS: &[(&str, &str)] = &[
    ("not-dinosaurs", "Not about dinosaurs"),
    ("no-fossils", "No fossil evidence"),
    ("publication-type", "Erratum or correction"),
    ("not-research", "Not original research"),
    ("language", "Language"),
    ("other", "Other"),
];

/// Gives `project` the sample review's protocol: criteria, highlighted
/// terms and exclusion reasons that fit the sample records, so a first
/// look shows what screening with a protocol is like.
pub fn add_demo_protocol(project: &mut Project) {
    project.criteria = CRITERIA.to_string();
    project.highlight.include = INCLUDE_TERMS.iter().map(|t| t.to_string()).collect();
    project.highlight.exclude = EXCLUDE_TERMS.iter().map(|t| t.to_string()).collect();
    project.reasons.retain(|r| r.stage != Stage::TitleAbstract);
    let reasons = REASONS.iter().map(|(id, label)| Reason {
        id: id.to_string(),
        label: label.to_string(),
        stage: Stage::TitleAbstract,
        retired: false,
    });
    project.reasons.splice(0..0, reasons);
}

/// Builds the demo as `screener demo` opens it (the sample records and
/// their protocol) in `dir` and returns its path.
pub fn build_demo(dir: &std::path::Path) -> Result<std::path::PathBuf> {
    build(dir, true)
}

/// Builds a project of the sample records alone (no protocol: the tests'
/// fixture) in `dir` and returns its path.
pub fn build_demo_project(dir: &std::path::Path) -> Result<std::path::PathBuf> {
    build(dir, false)
}

fn build(dir: &std::path::Path, protocol: bool) -> Result<std::path::PathBuf> {
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
    if protocol {
        add_demo_protocol(&mut project);
    }
    ingest::import_files(&mut project, &inputs)?;
    let path = dir.join("demo.ron");
    store::write_atomic(&path, &project)
        .with_context(|| format!("{}: cannot write", path.display()))?;
    Ok(path)
}

pub fn run(args: &DemoArgs) -> Result<()> {
    let dir = std::env::temp_dir().join(format!("screener-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("{}: cannot create", dir.display()))?;
    let path = build_demo(&dir)?;
    screen(&path, &args.screen)?;
    eprintln!(
        "The demo project is {} (a temporary copy; try `screener status {}`).",
        path.display(),
        path.display()
    );
    Ok(())
}
