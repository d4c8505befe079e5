//! What a checkpoint costs, and what it would cost in the layouts issue 15
//! weighs (docs/PERFORMANCE.md "A checkpoint that costs what changed").
//!
//! ```text
//! cargo bench --bench checkpoint                              # 100k records, 5,000 decisions
//! cargo bench --bench checkpoint -- --sizes 100000,1000000 --decisions 5000 --runs 3
//! ```
//!
//! For a synthetic project of N records and D decisions, median wall
//! seconds of `--runs` runs of:
//! - **today**: `store::write_atomic` of the whole project (RON with its
//!   checksum lines, fsync, `.bak`, rename, and the cache in a second
//!   thread): what every checkpoint does now;
//! - **without records**: the same for the project with its records left
//!   out: what a checkpoint would cost if the records lived in a file of
//!   their own, written only when they change (at import);
//! - **copy of the file**: copying today's RON file (the kernel's
//!   `copy_file_range`) and fsyncing the copy: the least any layout that
//!   keeps the records in the one file must pay per checkpoint, since an
//!   atomic replace writes a whole new file.
//!
//! Then, as the screen's journal does while a checkpoint runs: a small
//! file written and fsynced every 10 ms (one decision's line) alone, and
//! while `store::write_atomic` writes the whole project; the fsyncs'
//! p50 / p99 / max milliseconds (what "key to saved ✓" waits for).

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::{median, percentile};
use screener::project::{Change, Decision, Stage, Verdict};
use screener::record_list::Records;
use screener::{store, synth};

struct Options {
    sizes: Vec<usize>,
    decisions: usize,
    runs: usize,
    dir: PathBuf,
}

fn options() -> Options {
    let mut o = Options {
        sizes: vec![100_000],
        decisions: 5_000,
        runs: 3,
        dir: std::env::temp_dir().join("screener-checkpoint"),
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
            "--decisions" => {
                o.decisions = value.parse().expect("--decisions: a number");
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
            _ => {}
        }
        i += 1;
    }
    o
}

fn timed(f: impl FnOnce()) -> f64 {
    let t = Instant::now();
    f();
    t.elapsed().as_secs_f64()
}

/// Milliseconds of each write + fsync of one journal-sized line into
/// `path`, every 10 ms until `stop` (at least `min` of them).
fn journal_fsyncs(path: &Path, stop: &AtomicBool, min: usize) -> Vec<f64> {
    let mut f = std::fs::File::create(path).expect("journal");
    let line = [b'x'; 200];
    let mut out = Vec::new();
    while out.len() < min || !stop.load(Ordering::Relaxed) {
        let t = Instant::now();
        f.write_all(&line).expect("write");
        f.sync_data().expect("fsync");
        out.push(t.elapsed().as_secs_f64() * 1000.0);
        std::thread::sleep(Duration::from_millis(10));
    }
    out
}

fn tail(mut v: Vec<f64>) -> String {
    let max = v.iter().copied().fold(0.0, f64::max);
    format!(
        "{:.1} / {:.1} / {:.1} ({} fsyncs)",
        percentile(&mut v, 0.5),
        percentile(&mut v, 0.99),
        max,
        v.len()
    )
}

fn main() {
    let o = options();
    let _ = std::fs::remove_dir_all(&o.dir);
    std::fs::create_dir_all(&o.dir).expect("dir");
    println!(
        "| records | decisions | file MB | today s | without records s | without records MB | copy of the file s |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    for &n in &o.sizes {
        let mut project = synth::project(n, 42);
        let keys: Vec<String> = project
            .records
            .iter()
            .take(o.decisions)
            .map(|r| r.key.clone())
            .collect();
        for (i, key) in keys.into_iter().enumerate() {
            project.apply(&Change::Decide(Decision {
                record: key,
                reviewer: "bench".into(),
                stage: Stage::TitleAbstract,
                verdict: if i % 7 == 0 {
                    Verdict::Include
                } else {
                    Verdict::Exclude(vec!["population".into()])
                },
                note: String::new(),
                tags: vec![],
                at: "2026-12-01T10:00:00Z".into(),
                rule: None,
            }));
        }
        let mut bare = project.clone();
        bare.records = Records::new();
        let full = o.dir.join("full.ron");
        let small = o.dir.join("small.ron");
        let copy = o.dir.join("copy.ron");
        let (mut today, mut without, mut copied) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..o.runs {
            today.push(timed(|| {
                store::write_atomic(&full, &project).expect("write")
            }));
            without.push(timed(|| store::write_atomic(&small, &bare).expect("write")));
            copied.push(timed(|| {
                std::fs::copy(&full, &copy).expect("copy");
                std::fs::File::open(&copy)
                    .and_then(|f| f.sync_all())
                    .expect("sync");
            }));
        }
        let journal = o.dir.join("journal");
        let idle = journal_fsyncs(&journal, &AtomicBool::new(true), 100);
        let done = AtomicBool::new(false);
        let during = std::thread::scope(|s| {
            let j = s.spawn(|| journal_fsyncs(&journal, &done, 1));
            for _ in 0..o.runs {
                store::write_atomic(&full, &project).expect("write");
            }
            done.store(true, Ordering::Relaxed);
            j.join().expect("journal thread")
        });
        eprintln!(
            "{n} records: journal fsync p50 / p99 / max ms: alone {}; during {} checkpoints {}",
            tail(idle),
            o.runs,
            tail(during)
        );
        let mb = |p: &PathBuf| std::fs::metadata(p).map_or(0.0, |m| m.len() as f64 / 1e6);
        println!(
            "| {n} | {} | {:.0} | {:.2} | {:.3} | {:.1} | {:.2} |",
            o.decisions,
            mb(&full),
            median(&mut today),
            median(&mut without),
            mb(&small),
            median(&mut copied),
        );
    }
    let _ = std::fs::remove_dir_all(&o.dir);
}
