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
/// and determined without the importer (see the comments in that file).
pub fn expected_counts() -> Vec<(String, usize)> {
    let text = include_str!("../corpus_counts.tsv");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let mut parts = l.split('\t');
            let path = parts.next().expect("path column").to_string();
            let n = parts
                .next()
                .and_then(|n| n.trim().parse().ok())
                .unwrap_or_else(|| panic!("bad count in corpus_counts.tsv: {l}"));
            (path, n)
        })
        .collect()
}

pub mod pty;

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
