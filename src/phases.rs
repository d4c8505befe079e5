//! Where a command's time goes, phase by phase, for benchmarks: with
//! `SCREENER_PHASES=FILE` set, each [`Phase`] adds a line to FILE when it
//! ends (name, thread, wall ms, the thread's CPU ms); without it a phase
//! costs one atomic load. Phases on different threads overlap in wall time;
//! the CPU column is each thread's own (Linux: `/proc/thread-self/schedstat`,
//! elsewhere 0).

use std::io::Write;
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

fn sink() -> Option<&'static Mutex<std::fs::File>> {
    static SINK: OnceLock<Option<Mutex<std::fs::File>>> = OnceLock::new();
    SINK.get_or_init(|| {
        let path = std::env::var_os("SCREENER_PHASES")?;
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .ok()?;
        Some(Mutex::new(file))
    })
    .as_ref()
}

/// CPU time this thread has used, in nanoseconds.
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// A phase being timed; it is written when dropped.
pub struct Phase {
    name: &'static str,
    started: Option<(Instant, u64)>,
}

/// Starts timing `name` on this thread.
pub fn start(name: &'static str) -> Phase {
    Phase {
        name,
        started: sink().map(|_| (Instant::now(), thread_cpu_ns())),
    }
}

/// Times `f` as phase `name`.
pub fn time<R>(name: &'static str, f: impl FnOnce() -> R) -> R {
    let _phase = start(name);
    f()
}

impl Drop for Phase {
    fn drop(&mut self) {
        let (Some((wall, cpu)), Some(sink)) = (self.started, sink()) else {
            return;
        };
        let wall_ms = wall.elapsed().as_secs_f64() * 1e3;
        let cpu_ms = thread_cpu_ns().saturating_sub(cpu) as f64 / 1e6;
        let thread = std::thread::current();
        let line = format!(
            "{}\t{}\t{wall_ms:.1}\t{cpu_ms:.1}\n",
            self.name,
            thread.name().unwrap_or("?")
        );
        if let Ok(mut f) = sink.lock() {
            let _ = f.write_all(line.as_bytes());
        }
    }
}
