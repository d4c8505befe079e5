//! What the benchmarks share: order statistics, CPU clocks, peak memory,
//! a measured child process, and the seeded generator (SplitMix64, the
//! library's `splitmix`). Each bench takes what it needs (`mod common;`).

// Each bench uses a part of this module; the rest is dead code there.
#![allow(dead_code)]

use std::process::Command;
use std::time::{Duration, Instant};

/// A `--sizes` value: numbers separated by commas, `_` allowed inside
/// (`10_000,100000`). Panics on anything else: a benchmark's argument.
pub fn sizes(value: &str) -> Vec<usize> {
    value
        .split(',')
        .map(|s| {
            s.trim()
                .replace('_', "")
                .parse()
                .unwrap_or_else(|_| panic!("--sizes N,N,…: not a number: {s:?}"))
        })
        .collect()
}

/// The value at quantile `p` (0 to 1) of `v`, nearest rank (the index
/// rounded); sorts `v`. NaN for an empty slice.
pub fn percentile(v: &mut [f64], p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let i = ((v.len() - 1) as f64 * p).round() as usize;
    v[i.min(v.len() - 1)]
}

/// The median of `v` (the upper one of an even count); sorts `v`.
pub fn median(v: &mut [f64]) -> f64 {
    percentile(v, 0.5)
}

/// CPU time of this thread: the work done, without the time the scheduler
/// gave other processes (the machine is shared).
pub fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec into the pointer given.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

fn seconds(tv: libc::timeval) -> f64 {
    tv.tv_sec as f64 + tv.tv_usec as f64 / 1e6
}

/// CPU time of this process so far, all threads, user and system, in
/// seconds.
pub fn process_cpu() -> f64 {
    // SAFETY: an all-zero rusage is a valid value for getrusage to fill.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: a valid pointer to our own rusage.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    seconds(u.ru_utime) + seconds(u.ru_stime)
}

/// This process's peak resident memory so far, in KiB (Linux `VmHWM`; 0
/// elsewhere).
pub fn peak_rss_kib() -> u64 {
    screener::tui::run::peak_rss_kb().unwrap_or(0)
}

/// What a child process cost.
pub struct ChildCost {
    /// Wall seconds from spawn to exit.
    pub wall: f64,
    /// CPU seconds, user and system, all its threads.
    pub cpu: f64,
    /// Its peak resident memory, KiB.
    pub peak_kib: u64,
}

/// Runs `cmd` to its end and measures it (`wait4` gives its own CPU time
/// and peak memory, not ours). Panics, naming `what`, if it fails.
pub fn run_child(cmd: &mut Command, what: &str) -> ChildCost {
    let start = Instant::now();
    // Reaped by wait4 below, which also gives its peak memory.
    #[allow(clippy::zombie_processes)]
    let child = cmd.spawn().unwrap_or_else(|e| panic!("{what}: {e}"));
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: wait4 on our own child with valid pointers; it is reaped here
    // instead of by `Child::wait`.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed().as_secs_f64();
    assert_eq!(r, pid, "wait4");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{what} failed"
    );
    ChildCost {
        wall,
        cpu: seconds(usage.ru_utime) + seconds(usage.ru_stime),
        peak_kib: usage.ru_maxrss as u64,
    }
}

/// The seeded generator of the benchmarks' synthetic data: the same
/// numbers on every machine.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        screener::splitmix::next(&mut self.0)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn pick<'a>(&mut self, words: &[&'a str]) -> &'a str {
        words[self.below(words.len())]
    }
}
