//! What a checkpoint costs in each layout of the store (docs/PERFORMANCE.md
//! "A checkpoint that costs what changed").
//!
//! ```text
//! cargo bench --bench checkpoint                              # 100k records, 5,000 decisions
//! cargo bench --bench checkpoint -- --sizes 100000,1000000 --decisions 5000 --runs 3
//! ```
//!
//! For a synthetic project of N records and D decisions, median wall
//! seconds of `--runs` runs of:
//! - **one file**: `store::write_atomic` of the whole project in one file
//!   (RON with its checksum lines, fsync, `.bak`, rename, and the cache in
//!   a second thread): every checkpoint of a project below
//!   `SCREENER_RECORDS_FILE_MIN`, and of every project before the pair;
//! - **pair, records written**: the project as a pair (`store::records`)
//!   with its records file written too: an import, or a checkpoint after
//!   the records changed;
//! - **pair, decisions only**: a checkpoint of the pair whose records did
//!   not change (the records file named as it is): every checkpoint of a
//!   screening session;
//! - **copy of the file**: copying the one file (the kernel's
//!   `copy_file_range`) and fsyncing the copy: the least any layout that
//!   keeps the records in the one file must pay per checkpoint, since an
//!   atomic replace writes a whole new file.
//!
//! Then, as the screen's journal does while a checkpoint runs: a small
//! file written and fsynced every 10 ms (one decision's line) alone, while
//! one-file checkpoints run, and while decisions-only checkpoints of the
//! pair run; the fsyncs' p50 / p99 / max milliseconds (what "key to saved
//! ✓" waits for).

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::{median, percentile};
use screener::project::{Change, Decision, Stage, Verdict};
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
    // One file unless a layout is asked for: set before any thread starts.
    // SAFETY: nothing else runs yet to read the environment.
    unsafe { std::env::set_var("SCREENER_RECORDS_FILE_MIN", usize::MAX.to_string()) };
    let o = options();
    let _ = std::fs::remove_dir_all(&o.dir);
    std::fs::create_dir_all(&o.dir).expect("dir");
    println!(
        "| records | decisions | one file MB | one file s | pair, records written s | pair, decisions only s | project file of the pair MB | copy of the one file s |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
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
        let full = o.dir.join("full.ron");
        let pair = o.dir.join("pair.ron");
        let copy = o.dir.join("copy.ron");
        let (mut one, mut records, mut decisions, mut copied) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut on_disk = None;
        for _ in 0..o.runs {
            one.push(timed(|| {
                store::write_atomic(&full, &project).expect("write")
            }));
            records.push(timed(|| {
                on_disk =
                    Some(store::write_pair_with(&store::RealFs, &pair, &project).expect("write"));
            }));
            decisions.push(timed(|| {
                store::write_atomic_with(&store::RealFs, &pair, &project, on_disk.as_ref())
                    .expect("write");
            }));
            copied.push(timed(|| {
                std::fs::copy(&full, &copy).expect("copy");
                std::fs::File::open(&copy)
                    .and_then(|f| f.sync_all())
                    .expect("sync");
            }));
        }
        let journal = o.dir.join("journal");
        let idle = journal_fsyncs(&journal, &AtomicBool::new(true), 100);
        let during = |checkpoint: &dyn Fn()| {
            let done = AtomicBool::new(false);
            std::thread::scope(|s| {
                let j = s.spawn(|| journal_fsyncs(&journal, &done, 1));
                for _ in 0..o.runs.max(3) {
                    checkpoint();
                }
                done.store(true, Ordering::Relaxed);
                j.join().expect("journal thread")
            })
        };
        let during_one = during(&|| store::write_atomic(&full, &project).expect("write"));
        let during_pair = during(&|| {
            // Each as long as a second's screening between checkpoints.
            for _ in 0..10 {
                store::write_atomic_with(&store::RealFs, &pair, &project, on_disk.as_ref())
                    .expect("write");
                std::thread::sleep(Duration::from_millis(100));
            }
        });
        eprintln!(
            "{n} records: journal fsync p50 / p99 / max ms: alone {}; during one-file checkpoints {}; during decisions-only checkpoints of the pair {}",
            tail(idle),
            tail(during_one),
            tail(during_pair)
        );
        let mb = |p: &PathBuf| std::fs::metadata(p).map_or(0.0, |m| m.len() as f64 / 1e6);
        println!(
            "| {n} | {} | {:.0} | {:.2} | {:.2} | {:.3} | {:.1} | {:.2} |",
            o.decisions,
            mb(&full),
            median(&mut one),
            median(&mut records),
            median(&mut decisions),
            mb(&pair),
            median(&mut copied),
        );
    }
    let _ = std::fs::remove_dir_all(&o.dir);
}
