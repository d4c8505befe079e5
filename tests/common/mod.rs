//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// The shared corpus (DESIGN.md, Tests): `SCREENER_CORPUS` if set (and then
/// it must exist), else `../shared/corpus` beside the checkout if present,
/// else `None` and the caller skips with a notice.
pub fn corpus() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("SCREENER_CORPUS") {
        let dir = PathBuf::from(dir);
        assert!(
            dir.is_dir(),
            "SCREENER_CORPUS={} is set but is not a folder",
            dir.display()
        );
        return Some(dir);
    }
    let beside = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if beside.is_dir() {
        return Some(beside);
    }
    eprintln!("notice: no corpus (SCREENER_CORPUS unset, ../shared/corpus absent); skipping");
    None
}

/// Expected record counts per corpus file, kept in `tests/corpus_counts.tsv`
/// and `tests/corpus_counts_tabular.tsv` (CSV/TSV) and determined without
/// the importer (see the comments in those files).
pub fn expected_counts() -> Vec<(String, usize)> {
    count_rows().map(|(path, n, _)| (path, n)).collect()
}

/// Records of a corpus file that are counted but reported rather than
/// imported (the optional fourth column of the counts files; 0 if absent).
pub fn expected_reported(path: &str) -> usize {
    count_rows()
        .find(|(p, _, _)| p == path)
        .map_or(0, |(_, _, reported)| reported)
}

fn count_rows() -> impl Iterator<Item = (String, usize, usize)> {
    let text = concat!(
        include_str!("../corpus_counts.tsv"),
        "\n",
        include_str!("../corpus_counts_tabular.tsv")
    );
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let mut parts = l.split('\t');
            let path = parts.next().expect("path column").to_string();
            let n = parts
                .next()
                .and_then(|n| n.trim().parse().ok())
                .unwrap_or_else(|| panic!("bad count in a corpus counts file: {l}"));
            let reported = parts.nth(1).map_or(0, |r| {
                r.trim()
                    .parse()
                    .unwrap_or_else(|_| panic!("bad reported count: {l}"))
            });
            (path, n, reported)
        })
}

pub mod git;
pub mod pty;
pub mod screen;

/// Runs the binary to completion; returns (exit code, stdout, stderr).
pub fn run(args: &[&str], cwd: &std::path::Path) -> (i32, String, String) {
    let out = std::process::Command::new(pty::binary())
        .args(args)
        .current_dir(cwd)
        .env("SCREENER_CONFIG", cwd.join("no-config"))
        .output()
        .expect("run screener");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `reviewer` decides the project's record number `record` at
/// title/abstract, straight into the project's history (as if journaled
/// and folded before the test opens it).
pub fn decide(
    p: &mut screener::project::Project,
    record: usize,
    reviewer: &str,
    verdict: screener::project::Verdict,
) {
    let key = p.records[record].key.clone();
    p.decisions.push(screener::project::Decision {
        record: key,
        reviewer: reviewer.into(),
        stage: screener::project::Stage::TitleAbstract,
        verdict,
        note: String::new(),
        tags: Vec::new(),
        at: "2026-12-01T10:00:00Z".into(),
        rule: None,
    });
}
