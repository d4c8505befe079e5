//! How fast a copy of a project opens, against the original (issue 15:
//! the cache belongs to the content, not the inode). Several builds side by
//! side, alternating, so one run compares them on the same machine state.
//!
//! ```text
//! cargo bench --bench copies                                   # this build, 100k
//! cargo bench --bench copies -- --bin /tmp/screener-before --bin target/release/screener \
//!     --sizes 100000,1000000 --runs 5
//! ```
//!
//! For each size: the records as RIS (`screener::synth`), imported once per
//! build; then `screener status --json` (load + counts, what every
//! read-only command pays) on
//! - the original project;
//! - a copy of the project file and its cache (`cp -p`: a new inode with
//!   the same times, the way a backup restores and a colleague copies);
//! - a copy of the project file alone: the first status, then the next.
//!
//! The last two rows are runs 1 and 2 of a fresh copy each time (the first
//! may write a cache). Medians of `--runs` (default 3) wall seconds.

mod common;

use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{median, run_child};
use screener::synth;

struct Options {
    sizes: Vec<usize>,
    bins: Vec<PathBuf>,
    runs: usize,
    dir: PathBuf,
}

fn options() -> Options {
    let mut o = Options {
        sizes: vec![100_000],
        bins: Vec::new(),
        runs: 3,
        dir: std::env::temp_dir().join("screener-copies"),
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = args.get(i + 1).cloned().unwrap_or_default();
        match args[i].as_str() {
            "--sizes" => {
                o.sizes = common::sizes(&value);
                i += 1;
            }
            "--bin" => {
                o.bins.push(PathBuf::from(value));
                i += 1;
            }
            "--runs" => {
                o.runs = value.parse().expect("--runs: a number");
                i += 1;
            }
            "--dir" => {
                o.dir = PathBuf::from(value);
                i += 1;
            }
            // cargo bench passes --bench.
            _ => {}
        }
        i += 1;
    }
    if o.bins.is_empty() {
        o.bins.push(PathBuf::from(env!("CARGO_BIN_EXE_screener")));
    }
    o
}

fn status(bin: &Path, project: &Path) -> f64 {
    let mut cmd = Command::new(bin);
    cmd.args(["status", "--reviewer", "bench", "--json"])
        .arg(project)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    run_child(&mut cmd, "status").wall
}

fn cp(from: &Path, to: &Path) {
    let ok = Command::new("cp")
        .arg("-p")
        .arg(from)
        .arg(to)
        .status()
        .expect("cp");
    assert!(ok.success(), "cp -p {} {}", from.display(), to.display());
}

fn side(project: &Path, ext: &str) -> PathBuf {
    let mut s = project.as_os_str().to_owned();
    s.push(ext);
    PathBuf::from(s)
}

fn main() {
    let o = options();
    println!(
        "| records | build | status: original s | copy with cache s | copy alone, 1st s | copy alone, 2nd s |"
    );
    println!("|---:|---|---:|---:|---:|---:|");
    for &n in &o.sizes {
        let dir = o.dir.join(n.to_string());
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        let ris = dir.join("synth.ris");
        {
            let f = std::fs::File::create(&ris).expect("ris");
            synth::write_ris(BufWriter::with_capacity(1 << 20, f), synth::records(n, 42))
                .expect("write ris");
        }
        let mut projects = Vec::new();
        for (b, bin) in o.bins.iter().enumerate() {
            let d = dir.join(format!("b{b}"));
            std::fs::create_dir_all(&d).expect("dir");
            let p = d.join("p.ron");
            let mut cmd = Command::new(bin);
            cmd.arg("import")
                .arg(&p)
                .arg(&ris)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null());
            run_child(&mut cmd, "import");
            projects.push(p);
        }
        let _ = std::fs::remove_file(&ris);
        // [build][row] -> wall seconds of each run.
        let mut t = vec![vec![Vec::new(); 4]; o.bins.len()];
        for run in 0..o.runs {
            for (b, bin) in o.bins.iter().enumerate() {
                let p = &projects[b];
                t[b][0].push(status(bin, p));
                let with = dir.join(format!("b{b}/with-{run}"));
                std::fs::create_dir_all(&with).expect("dir");
                let copy = with.join("p.ron");
                cp(p, &copy);
                if side(p, ".cache").exists() {
                    cp(&side(p, ".cache"), &side(&copy, ".cache"));
                }
                t[b][1].push(status(bin, &copy));
                let alone = dir.join(format!("b{b}/alone-{run}"));
                std::fs::create_dir_all(&alone).expect("dir");
                let copy = alone.join("p.ron");
                cp(p, &copy);
                t[b][2].push(status(bin, &copy));
                t[b][3].push(status(bin, &copy));
                let _ = std::fs::remove_dir_all(&with);
                let _ = std::fs::remove_dir_all(&alone);
            }
        }
        for (b, bin) in o.bins.iter().enumerate() {
            let cells: Vec<String> = t[b]
                .iter_mut()
                .map(|v| format!("{:.2}", median(v)))
                .collect();
            println!("| {n} | {} | {} |", bin.display(), cells.join(" | "));
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
