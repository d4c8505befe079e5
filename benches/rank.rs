//! The relevance ranking's speed and memory at 10k and 100k generated
//! records (`screener::synth`, seed 42), through the same `Ranker` the
//! screen uses. Issue 14's goals: first ranking < 0.5 s at 10k and < 5 s
//! with < 1 GB at 100k; a retrain step < 20 ms at 10k that does not grow
//! with the number of decisions.
//!
//! `cargo bench --bench rank` (`-- --sizes 10000,100000 --labels
//! 2,100,500,1000,3000 --steps 40`). Per size, in a child process each (so
//! the peak memory is the ranking's):
//! - *first ranking, no cache*: from `Ranker::start` (an include and an
//!   exclude decided) until its first ranking is published: tokenizing,
//!   TF-IDF, writing `PROJECT.rank`, training, scoring and sorting every
//!   record. *peak MB*: the process's peak resident memory then, less what
//!   it held before (the generated records).
//! - *first ranking, cache*: the same with `PROJECT.rank` there.
//! - per number of decisions made before: the retrain step the ranker
//!   reports (train, score every record, sort the undecided, stopping
//!   estimate) over `--steps` further decisions, median and max, after the
//!   model has converged on the decisions before; the process's CPU time
//!   per step (all threads, the weights' copy included: on a shared
//!   machine the wall time mostly measures the scheduler); and the time
//!   `Ranker::decide` takes to return (what a keystroke pays).
//! - under the table, where the time goes: the first ranking (with the
//!   cache) split into making the input, reading the cache, building the
//!   matrix and the first step; a step's median training, scoring and
//!   ordering.
//!
//! Which records are "relevant": those whose title holds one of a few
//! mid-frequency words (about 5%), so the model has something to learn.
//! The load average is printed: the machine is shared.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use screener::project::{Decision, Project, Stage, Verdict};
use screener::rank::{Input, Label, Ranker, Ranking};

struct Options {
    sizes: Vec<usize>,
    labels: Vec<usize>,
    steps: usize,
}

fn options() -> Options {
    let mut o = Options {
        sizes: vec![10_000, 100_000],
        labels: vec![2, 100, 500, 1000, 3000],
        steps: 40,
    };
    let mut args = std::env::args().skip(1);
    let list = |v: Option<String>| -> Vec<usize> {
        v.unwrap_or_default()
            .split(',')
            .filter_map(|s| s.trim().parse().ok())
            .collect()
    };
    while let Some(a) = args.next() {
        match a.as_str() {
            "--sizes" => o.sizes = list(args.next()),
            "--labels" => o.labels = list(args.next()),
            "--steps" => o.steps = args.next().and_then(|s| s.parse().ok()).unwrap_or(40),
            _ => {}
        }
    }
    o
}

fn main() {
    if let Ok(spec) = std::env::var("RANK_BENCH_CHILD") {
        child(&spec);
        return;
    }
    let o = options();
    println!("load average at start: {}", load());
    println!(
        "| records | decisions | first ranking, no cache s (CPU s) | first ranking, cache s (CPU s) | peak MB (records before) | features | step median / max ms | step CPU median / max ms | decide() µs max |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut phases = Vec::new();
    for &n in &o.sizes {
        let dir = tempfile::tempdir().expect("temp dir");
        for (k, &labels) in o.labels.iter().enumerate() {
            let spec = format!(
                "{n},{labels},{},{},{}",
                o.steps,
                dir.path().display(),
                u8::from(k == 0)
            );
            let out = Command::new(std::env::current_exe().expect("exe"))
                .env("RANK_BENCH_CHILD", &spec)
                .output()
                .expect("child");
            let text = String::from_utf8_lossy(&out.stdout);
            match text.lines().find(|l| l.starts_with('|')) {
                Some(line) => {
                    println!("{line}");
                    phases.extend(
                        text.lines()
                            .filter(|l| l.starts_with("- "))
                            .map(String::from),
                    );
                }
                None => eprintln!(
                    "child {spec} failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                ),
            }
        }
    }
    println!("\nWhere the time goes (medians over the steps, ms):");
    for p in phases {
        println!("{p}");
    }
    println!("load average at end: {}", load());
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

/// VmRSS and VmHWM in MB.
fn memory() -> (f64, f64) {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        s.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
            / 1024.0
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// CPU seconds of the whole process (all threads) so far.
fn cpu() -> f64 {
    // SAFETY: getrusage writes into the struct we own.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    let t = |v: libc::timeval| v.tv_sec as f64 + v.tv_usec as f64 / 1e6;
    t(u.ru_utime) + t(u.ru_stime)
}

fn relevant(p: &Project, i: usize) -> bool {
    // Mid-frequency words of synth's vocabulary: about 5% of titles.
    let t = p.records[i].title.to_lowercase();
    ["analysis", "model", "health"]
        .iter()
        .any(|w| t.split(|c: char| !c.is_alphanumeric()).any(|x| x == *w))
}

fn decision(p: &Project, i: usize, include: bool) -> Decision {
    Decision {
        record: p.records[i].key.clone(),
        reviewer: "bench".into(),
        stage: Stage::TitleAbstract,
        verdict: if include {
            Verdict::Include
        } else {
            Verdict::Exclude(vec!["other".into()])
        },
        note: String::new(),
        tags: Vec::new(),
        at: "2026-12-01T10:00:00Z".into(),
        rule: None,
    }
}

fn wait(r: &Ranker) -> Arc<Ranking> {
    r.wait_learned(Duration::from_secs(600))
        .expect("a ranking within 10 minutes")
}

/// Waits until the ranker has converged on what it was given.
fn settle(r: &Ranker) -> Arc<Ranking> {
    let mut last = wait(r);
    for _ in 0..200 {
        if last.timing.converged {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
        last = r.latest().unwrap_or(last);
    }
    last
}

fn child(spec: &str) {
    let parts: Vec<&str> = spec.split(',').collect();
    let n: usize = parts[0].parse().unwrap_or(10_000);
    let labels: usize = parts[1].parse().unwrap_or(2);
    let steps: usize = parts[2].parse().unwrap_or(40);
    let dir = Path::new(parts[3]);
    let cold_run = parts.get(4) == Some(&"1");
    let mut p = screener::synth::project(n, 42);
    let rel: Vec<bool> = (0..n).map(|i| relevant(&p, i)).collect();
    // The decisions made before: the first `labels` records in import
    // order, at least one of each class.
    let first_inc = rel.iter().position(|&r| r).unwrap_or(0);
    let first_exc = rel.iter().position(|&r| !r).unwrap_or(1);
    let mut decided = vec![first_inc, first_exc];
    decided.extend(
        (0..n)
            .filter(|&i| i != first_inc && i != first_exc)
            .take(labels.saturating_sub(2)),
    );
    for &i in &decided {
        let d = decision(&p, i, rel[i]);
        p.decisions.push(d);
    }
    let path = dir.join(format!("p{n}.ron"));
    let input = || Input::from_project(&p, Some(&path), "bench", Stage::TitleAbstract, 1);
    let (rss_before, _) = memory();
    let mut cold = (f64::NAN, f64::NAN);
    if cold_run {
        let _ = std::fs::remove_file(screener::rank::cache::rank_path(&path));
        let (t, c) = (Instant::now(), cpu());
        let r = Ranker::start(input(), || {});
        wait(&r);
        cold = (t.elapsed().as_secs_f64(), cpu() - c);
    }
    let (_, peak) = memory();
    let (t, c) = (Instant::now(), cpu());
    let given = input();
    let input_ms = t.elapsed().as_secs_f64() * 1e3;
    let r = Ranker::start(given, || {});
    let first = wait(&r);
    let warm = (t.elapsed().as_secs_f64(), cpu() - c);
    let features = first.timing.tokenized;
    eprintln!(
        "{n} records: {} features, {:.0} non-zeros per record",
        first.timing.features,
        first.timing.nonzeros as f64 / n as f64
    );
    settle(&r);
    let open: Vec<usize> = (0..n).filter(|i| !decided.contains(i)).collect();
    let mut step_ms = Vec::new();
    let mut step_cpu = Vec::new();
    let mut decide_us: f64 = 0.0;
    let mut parts: [Vec<f64>; 5] = Default::default();
    let (mut converge_ms, mut converge_cpu, mut refine_ms) = (Vec::new(), Vec::new(), Vec::new());
    let mut incremental = 0;
    let mut index_mb: f64 = 0.0;
    for &i in open.iter().rev().take(steps) {
        let label = if rel[i] {
            Label::Include
        } else {
            Label::Exclude
        };
        let c = cpu();
        let t = Instant::now();
        r.decide(i, label);
        decide_us = decide_us.max(t.elapsed().as_secs_f64() * 1e6);
        let got = wait(&r);
        step_cpu.push((cpu() - c) * 1e3);
        step_ms.push(got.timing.step_ms);
        parts[0].push(got.timing.train_ms);
        parts[1].push(got.timing.score_ms);
        parts[2].push(got.timing.order_ms);
        parts[3].push(got.timing.stopping_ms);
        parts[4].push(got.timing.publish_ms);
        incremental += usize::from(!got.timing.full_score);
        // A reviewer reads for seconds: the ranker converges before the
        // next decision (its refining steps, each a small budget).
        let done = r
            .wait_current(Duration::from_secs(600))
            .expect("converged within 10 minutes");
        converge_ms.push(t.elapsed().as_secs_f64() * 1e3);
        converge_cpu.push((cpu() - c) * 1e3);
        if done.generation == got.generation && !Arc::ptr_eq(&done, &got) {
            refine_ms.push(done.timing.step_ms);
        }
        index_mb = index_mb.max(done.timing.index_bytes as f64 / 1e6);
    }
    let (_, peak_after) = memory();
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
    };
    let median_max = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        format!(
            "{:.1} / {:.1}",
            v.get(v.len() / 2).copied().unwrap_or(f64::NAN),
            v.last().copied().unwrap_or(f64::NAN)
        )
    };
    let ft = first.timing;
    let steps_done = step_ms.len();
    println!(
        "- {n} records, {} decisions: first ranking (cache) = input {input_ms:.0} + terms {:.0} + \
         matrix {:.0} ({}) + first step {:.0} (train {:.1}, score {:.1}, order {:.1}); step = train \
         {:.1} + score {:.1} + order {:.1} + stopping {:.1} + weights copied {:.1}, scored incrementally in {incremental} of \
         {steps_done}; then converged in {} ms (CPU {} ms), the last refining step {} ms; \
         {} features, {:.0} non-zeros a record; index {index_mb:.0} MB, peak {:.0} MB \
         after the steps",
        decided.len(),
        ft.terms_ms,
        ft.matrix_ms,
        if ft.matrix_cached { "read" } else { "built" },
        ft.step_ms,
        ft.train_ms,
        ft.score_ms,
        ft.order_ms,
        median(&mut parts[0]),
        median(&mut parts[1]),
        median(&mut parts[2]),
        median(&mut parts[3]),
        median(&mut parts[4]),
        median_max(&mut converge_ms),
        median_max(&mut converge_cpu),
        median_max(&mut refine_ms),
        ft.features,
        ft.nonzeros as f64 / n as f64,
        peak_after - rss_before,
    );
    let stats = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        format!(
            "{:.1} / {:.1}",
            v.get(v.len() / 2).copied().unwrap_or(f64::NAN),
            v.last().copied().unwrap_or(f64::NAN)
        )
    };
    let fmt = |(wall, cpu): (f64, f64)| {
        if wall.is_nan() {
            "".to_string()
        } else {
            format!("{wall:.2} ({cpu:.2})")
        }
    };
    println!(
        "| {n} | {} | {} | {} | {} | {} | {} | {} | {decide_us:.0} |",
        decided.len(),
        fmt(cold),
        fmt(warm),
        if cold_run {
            format!("{:.0} ({:.0})", peak - rss_before, rss_before)
        } else {
            String::new()
        },
        if features > 0 {
            format!("{features} tokenized")
        } else {
            "from cache".to_string()
        },
        stats(&mut step_ms),
        stats(&mut step_cpu),
    );
}
