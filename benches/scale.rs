//! The scale benchmark of `docs/PERFORMANCE.md`: synthetic projects of 10k,
//! 100k and 1M records through the real binary, and the project file's
//! writers and readers side by side.
//!
//! ```text
//! cargo bench --bench scale                        # 10k, 100k, 1M
//! cargo bench --bench scale -- --sizes 10000,100000 --keys 300 --dir /tmp/scale
//! ```
//!
//! For each size: the records as RIS (`screener::synth`), then
//! - `screener import` of that file: wall time and peak RSS;
//! - the project file's size;
//! - `screener screen` in a pseudo-terminal: time from spawn until the first
//!   frame shows; then keys typed every `--pace-ms` ms; the process's own
//!   trace (`SCREENER_TRACE`) gives key-to-frame, key-to-saved, the quit
//!   checkpoint and its peak RSS;
//! - the same keys in a second session with checkpoints forced while they
//!   are typed (`SCREENER_CHECKPOINT_IDLE_MS`, `--checkpoint-ms`, default
//!   10: a checkpoint starts in the first pause between keys and the next
//!   one as soon as it ends), for key-to-saved while the project file is
//!   being rewritten;
//! - `screener status --json`: wall time and peak RSS (load + counts), and
//!   the counts alone in this process;
//! - in this process: reading the file (ron), writing it with the ron
//!   crate and with the fast writer (`store::ronfmt`), to a file and synced.
//!
//! Numbers are medians or percentiles of one run; the machine is shared, so
//! compare columns of one run, not runs. Sizes are in MB of 10^6 bytes,
//! memory (peak RSS) included.

mod common;

use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use screener::project::Stage;
use screener::store::{self, ronfmt};
use screener::{stats, synth};

use common::{percentile, run_child};

struct Options {
    sizes: Vec<usize>,
    keys: usize,
    pace: Duration,
    dir: PathBuf,
    keep: bool,
    /// `SCREENER_CHECKPOINT_IDLE_MS` of the session with forced checkpoints.
    checkpoint_ms: u64,
}

fn options() -> Options {
    let mut o = Options {
        sizes: vec![10_000, 100_000, 1_000_000],
        keys: 400,
        pace: Duration::from_millis(25),
        dir: std::env::temp_dir().join("screener-scale"),
        keep: false,
        checkpoint_ms: 10,
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
            "--keys" => {
                o.keys = value.parse().expect("--keys N");
                i += 1;
            }
            "--pace-ms" => {
                o.pace = Duration::from_millis(value.parse().expect("--pace-ms N"));
                i += 1;
            }
            "--dir" => {
                o.dir = PathBuf::from(value);
                i += 1;
            }
            "--checkpoint-ms" => {
                o.checkpoint_ms = value.parse().expect("--checkpoint-ms N");
                i += 1;
            }
            "--keep" => o.keep = true,
            // cargo bench passes --bench
            _ => {}
        }
        i += 1;
    }
    o
}

#[derive(Default)]
struct Row {
    n: usize,
    ris_mb: f64,
    import_s: f64,
    import_cpu_s: f64,
    import_rss_mb: f64,
    file_mb: f64,
    open_s: f64,
    open_cpu_s: f64,
    frame_p50_ms: f64,
    frame_p99_ms: f64,
    frame_max_ms: f64,
    saved_p50_ms: f64,
    saved_p99_ms: f64,
    screen_rss_mb: f64,
    /// The session with checkpoints forced while typing.
    busy: Session,
    checkpoint_s: f64,
    status_s: f64,
    status_cpu_s: f64,
    status_rss_mb: f64,
    counts_ms: f64,
    load_s: f64,
    read_ron_s: f64,
    write_ron_s: f64,
    write_fast_only_s: f64,
    write_fast_s: f64,
}

fn main() {
    let o = options();
    std::fs::create_dir_all(&o.dir).expect("bench dir");
    let mut rows = Vec::new();
    for &n in &o.sizes {
        eprintln!("== {n} records");
        let row = measure(&o, n);
        print_table(std::slice::from_ref(&row));
        rows.push(row);
    }
    println!();
    print_table(&rows);
}

fn measure(o: &Options, n: usize) -> Row {
    let dir = o.dir.join(n.to_string());
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("size dir");
    let ris = dir.join("synth.ris");
    let project = dir.join("p.ron");
    let mut row = Row {
        n,
        ..Row::default()
    };

    let t = Instant::now();
    {
        let f = std::fs::File::create(&ris).expect("ris");
        synth::write_ris(BufWriter::with_capacity(1 << 20, f), synth::records(n, 42))
            .expect("write ris");
    }
    row.ris_mb = mb(file_len(&ris));
    eprintln!(
        "  generated {:.0} MB of RIS in {:.1} s",
        row.ris_mb,
        t.elapsed().as_secs_f64()
    );

    let (secs, cpu, rss) = run_measured(&[
        "import",
        project.to_str().expect("utf-8 path"),
        ris.to_str().expect("utf-8 path"),
    ]);
    row.import_s = secs;
    row.import_cpu_s = cpu;
    row.import_rss_mb = rss;
    // A pair's records are in a file of their own (`store::records`).
    row.file_mb = mb(file_len(&project) + file_len(&store::Side::Records.of(&project)));
    eprintln!(
        "  import {secs:.1} s, {rss:.0} MB RSS, project file {:.0} MB",
        row.file_mb
    );
    let _ = std::fs::remove_file(&ris);

    screen_session(o, &project, &mut row);

    let (secs, cpu, rss) = run_measured(&[
        "status",
        project.to_str().expect("utf-8 path"),
        "--reviewer",
        "bench",
        "--json",
    ]);
    row.status_s = secs;
    row.status_cpu_s = cpu;
    row.status_rss_mb = rss;
    eprintln!("  status {secs:.2} s ({cpu:.2} s CPU), {rss:.0} MB RSS");

    in_process(&project, &dir, &mut row);
    if !o.keep {
        let _ = std::fs::remove_dir_all(&dir);
    }
    row
}

/// What one screen session's trace says.
#[derive(Default)]
struct Session {
    open_s: f64,
    open_cpu_s: f64,
    frame_p50_ms: f64,
    frame_p99_ms: f64,
    frame_max_ms: f64,
    saved_p50_ms: f64,
    saved_p99_ms: f64,
    saved_max_ms: f64,
    /// Keys whose change was saved.
    saves: usize,
    /// Checkpoints the session made, the quit's included.
    checkpoints: usize,
    /// The last checkpoint's (the quit's) seconds.
    checkpoint_s: f64,
    rss_mb: f64,
}

/// The screen in a pseudo-terminal, as a reviewer would use it: once as it
/// runs by default, once with checkpoints forced while the keys are typed.
fn screen_session(o: &Options, project: &Path, row: &mut Row) {
    let s = session(o, project, row.n, None);
    eprintln!(
        "  {} keys: frame p50 {:.2} ms p99 {:.2} ms; saved p50 {:.2} ms p99 {:.2} ms ({} saves); quit checkpoint {:.2} s; RSS {:.0} MB",
        o.keys + 1,
        s.frame_p50_ms,
        s.frame_p99_ms,
        s.saved_p50_ms,
        s.saved_p99_ms,
        s.saves,
        s.checkpoint_s,
        s.rss_mb
    );
    row.open_s = s.open_s;
    row.open_cpu_s = s.open_cpu_s;
    row.frame_p50_ms = s.frame_p50_ms;
    row.frame_p99_ms = s.frame_p99_ms;
    row.frame_max_ms = s.frame_max_ms;
    row.saved_p50_ms = s.saved_p50_ms;
    row.saved_p99_ms = s.saved_p99_ms;
    row.screen_rss_mb = s.rss_mb;
    row.checkpoint_s = s.checkpoint_s;
    let busy = session(o, project, row.n, Some(o.checkpoint_ms));
    eprintln!(
        "  with checkpoints every {} ms idle: {} checkpoints; frame p99 {:.2} ms; saved p50 {:.2} / p99 {:.2} / max {:.2} ms ({} saves)",
        o.checkpoint_ms,
        busy.checkpoints,
        busy.frame_p99_ms,
        busy.saved_p50_ms,
        busy.saved_p99_ms,
        busy.saved_max_ms,
        busy.saves
    );
    row.busy = busy;
}

/// One session of `o.keys` keys on a project of `n` records; `checkpoint_ms` sets
/// `SCREENER_CHECKPOINT_IDLE_MS`.
fn session(o: &Options, project: &Path, n: usize, checkpoint_ms: Option<u64>) -> Session {
    let mut out = Session::default();
    let trace = project.with_extension("trace");
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 30,
            cols: 100,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("pty");
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_screener"));
    cmd.args([
        "screen",
        project.to_str().expect("utf-8"),
        "--reviewer",
        "bench",
    ]);
    cmd.env("TERM", "xterm-256color");
    cmd.env("SCREENER_TRACE", &trace);
    cmd.env("SCREENER_CONFIG", project.with_extension("no-config"));
    if let Some(ms) = checkpoint_ms {
        cmd.env("SCREENER_CHECKPOINT_IDLE_MS", ms.to_string());
    }
    let started = Instant::now();
    let mut child = pair.slave.spawn_command(cmd).expect("spawn screen");
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().expect("reader");
    let mut writer = pair.master.take_writer().expect("writer");
    let parser = Arc::new(Mutex::new(vt100::Parser::new(
        std::num::NonZeroU16::new(30).expect("rows"),
        std::num::NonZeroU16::new(100).expect("cols"),
        0,
    )));
    let sink = Arc::clone(&parser);
    std::thread::spawn(move || {
        let mut buf = [0u8; 65536];
        while let Ok(k) = reader.read(&mut buf) {
            if k == 0 {
                break;
            }
            sink.lock().expect("parser").process(&buf[..k]);
        }
    });
    let screen = || parser.lock().expect("parser").screen().contents();
    let header = format!("/{}", fmt_n(n));
    while !screen().contains(&header) {
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "the screen never opened:\n{}",
            screen()
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    out.open_s = started.elapsed().as_secs_f64();
    eprintln!("  screen open {:.2} s (wall)", out.open_s);
    // Decisions, moves and scrolling, as a reviewer mixes them.
    let cycle: [&[u8]; 8] = [
        b"i", b"m", b"\x1b[B", b"i", b"\x1b[D", b"\x1b[C", b"\x1b[A", b"m",
    ];
    for k in 0..o.keys {
        writer.write_all(cycle[k % cycle.len()]).expect("key");
        writer.flush().expect("flush");
        std::thread::sleep(o.pace);
    }
    let wait = Instant::now();
    while !screen().contains("saved ✓") && wait.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(5));
    }
    writer.write_all(b"q").expect("quit");
    writer.flush().expect("flush");
    let status = child.wait().expect("screen exits");
    assert!(status.success(), "screen failed:\n{}", screen());

    let text = std::fs::read_to_string(&trace).expect("trace");
    let mut frame = Vec::new();
    let mut saved = Vec::new();
    for line in text.lines() {
        let parts: Vec<&str> = line.split_whitespace().collect();
        match parts.as_slice() {
            ["key", f, s] => {
                if let Ok(f) = f.parse::<f64>() {
                    frame.push(f / 1000.0);
                }
                if let Ok(s) = s.parse::<f64>() {
                    saved.push(s / 1000.0);
                }
            }
            ["checkpoint", us] => {
                out.checkpoints += 1;
                out.checkpoint_s = us.parse::<f64>().unwrap_or(0.0) / 1e6;
            }
            ["open_cpu", us] => out.open_cpu_s = us.parse::<f64>().unwrap_or(0.0) / 1e6,
            ["peak_rss_kb", kb] => out.rss_mb = kb.parse::<f64>().unwrap_or(0.0) * 1024.0 / 1e6,
            _ => {}
        }
    }
    out.frame_p50_ms = percentile(&mut frame, 0.5);
    out.frame_p99_ms = percentile(&mut frame, 0.99);
    out.frame_max_ms = percentile(&mut frame, 1.0);
    out.saved_p50_ms = percentile(&mut saved, 0.5);
    out.saved_p99_ms = percentile(&mut saved, 0.99);
    out.saved_max_ms = percentile(&mut saved, 1.0);
    out.saves = saved.len();
    out
}

/// Reading and writing the project file in this process: the ron crate
/// against the fast writer.
fn in_process(project: &Path, dir: &Path, row: &mut Row) {
    let t = Instant::now();
    let (p, _) = store::load(project).expect("load");
    row.load_s = t.elapsed().as_secs_f64();

    // The RON file alone, as when there is no cache.
    let t = Instant::now();
    let text = std::fs::read_to_string(project).expect("read");
    let mut from_ron: screener::project::Project = ron::from_str(&text).expect("parse");
    if let Some(file) = from_ron.records_file.take() {
        from_ron.records = store::read_records(project, &file).expect("records file");
        from_ron.version = screener::project::VERSION;
    }
    row.read_ron_s = t.elapsed().as_secs_f64();
    drop(text);
    assert!(from_ron == p, "the cache and the RON file disagree");
    drop(from_ron);

    let t = Instant::now();
    let s = stats::status(&p, "bench", Stage::TitleAbstract);
    row.counts_ms = t.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(s.records, row.n);

    let slow = dir.join("ron-crate.ron");
    let t = Instant::now();
    {
        let mut f =
            BufWriter::with_capacity(1 << 20, std::fs::File::create(&slow).expect("create"));
        ron::Options::default()
            .to_io_writer_pretty(&mut f, &p, ronfmt::pretty_config())
            .expect("ron write");
        f.write_all(b"\n").expect("newline");
        f.into_inner().expect("flush").sync_all().expect("sync");
    }
    row.write_ron_s = t.elapsed().as_secs_f64();

    let fast_only = dir.join("fast-only.ron");
    let t = Instant::now();
    {
        let f =
            BufWriter::with_capacity(1 << 20, std::fs::File::create(&fast_only).expect("create"));
        let mut f = ronfmt::to_writer(f, &p).expect("fast write");
        f.write_all(b"\n").expect("newline");
        f.into_inner().expect("flush").sync_all().expect("sync");
    }
    row.write_fast_only_s = t.elapsed().as_secs_f64();
    assert!(
        same_bytes(&slow, &fast_only),
        "the fast writer's file differs from the ron crate's"
    );
    let _ = std::fs::remove_file(&fast_only);

    let fast = dir.join("fast.ron");
    let t = Instant::now();
    store::write_atomic(&fast, &p).expect("fast write");
    row.write_fast_s = t.elapsed().as_secs_f64();
    drop(p);
    // A pair's project file holds no records: its bytes are checked by the
    // store's tests, not against the ron crate's one file.
    let pair = store::Side::Records.of(&fast).exists();
    assert!(
        pair || same_bytes_then(&slow, &fast, b"// screener checksum"),
        "the checkpoint's file is not the ron crate's followed by the checksum lines"
    );
    eprintln!(
        "  load (cache) {:.2} s, parse RON {:.2} s; write: ron crate {:.2} s, fast {:.2} s (same bytes), fast + cache {:.2} s; counts {:.1} ms",
        row.load_s,
        row.read_ron_s,
        row.write_ron_s,
        row.write_fast_only_s,
        row.write_fast_s,
        row.counts_ms
    );
}

fn same_bytes(a: &Path, b: &Path) -> bool {
    let (Ok(mut fa), Ok(mut fb)) = (std::fs::File::open(a), std::fs::File::open(b)) else {
        return false;
    };
    let (mut ba, mut bb) = (vec![0u8; 1 << 20], vec![0u8; 1 << 20]);
    loop {
        let na = read_full(&mut fa, &mut ba);
        let nb = read_full(&mut fb, &mut bb);
        if na != nb || ba[..na] != bb[..nb] {
            return false;
        }
        if na == 0 {
            return true;
        }
    }
}

/// Whether `b` holds `a` and then `tail` (the checksum lines a checkpoint
/// adds after the RON value), and perhaps more.
fn same_bytes_then(a: &Path, b: &Path, tail: &[u8]) -> bool {
    let (Ok(mut fa), Ok(mut fb)) = (std::fs::File::open(a), std::fs::File::open(b)) else {
        return false;
    };
    let (mut ba, mut bb) = (vec![0u8; 1 << 20], vec![0u8; 1 << 20]);
    loop {
        let na = read_full(&mut fa, &mut ba);
        if na == 0 {
            break;
        }
        if read_full(&mut fb, &mut bb[..na]) != na || ba[..na] != bb[..na] {
            return false;
        }
    }
    let mut rest = vec![0u8; tail.len()];
    read_full(&mut fb, &mut rest) == tail.len() && rest == tail
}

fn read_full(f: &mut std::fs::File, buf: &mut [u8]) -> usize {
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..]) {
            Ok(0) | Err(_) => break,
            Ok(k) => n += k,
        }
    }
    n
}

/// Runs the binary; returns its wall time, CPU time (user + system) and
/// peak RSS (MB of 10^6 bytes).
fn run_measured(args: &[&str]) -> (f64, f64, f64) {
    let cost = run_child(
        Command::new(env!("CARGO_BIN_EXE_screener"))
            .args(args)
            .stdout(std::process::Stdio::null()),
        &format!("screener {args:?}"),
    );
    (cost.wall, cost.cpu, cost.peak_kib as f64 * 1024.0 / 1e6)
}

fn file_len(p: &Path) -> u64 {
    std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

fn fmt_n(n: usize) -> String {
    screener::human::fmt_n(n)
}

type Column = (&'static str, Box<dyn Fn(&Row) -> String>);

fn print_table(rows: &[Row]) {
    let cols: Vec<Column> = vec![
        ("records", Box::new(|r| fmt_n(r.n))),
        (
            "import s (CPU s)",
            Box::new(|r| format!("{:.1} ({:.1})", r.import_s, r.import_cpu_s)),
        ),
        (
            "import RSS MB",
            Box::new(|r| format!("{:.0}", r.import_rss_mb)),
        ),
        ("file MB", Box::new(|r| format!("{:.0}", r.file_mb))),
        (
            "open→frame s (CPU s)",
            Box::new(|r| format!("{:.2} ({:.2})", r.open_s, r.open_cpu_s)),
        ),
        (
            "key→frame p50/p99/max ms",
            Box::new(|r| {
                format!(
                    "{:.1} / {:.1} / {:.1}",
                    r.frame_p50_ms, r.frame_p99_ms, r.frame_max_ms
                )
            }),
        ),
        (
            "key→saved p50/p99 ms",
            Box::new(|r| format!("{:.1} / {:.1}", r.saved_p50_ms, r.saved_p99_ms)),
        ),
        (
            "screen RSS MB",
            Box::new(|r| format!("{:.0}", r.screen_rss_mb)),
        ),
        (
            "checkpoints while typing: count, key→saved p50/p99/max ms",
            Box::new(|r| {
                format!(
                    "{}: {:.1} / {:.1} / {:.1}",
                    r.busy.checkpoints,
                    r.busy.saved_p50_ms,
                    r.busy.saved_p99_ms,
                    r.busy.saved_max_ms
                )
            }),
        ),
        (
            "quit checkpoint s",
            Box::new(|r| format!("{:.2}", r.checkpoint_s)),
        ),
        (
            "status s (CPU s)",
            Box::new(|r| format!("{:.2} ({:.2})", r.status_s, r.status_cpu_s)),
        ),
        (
            "status RSS MB",
            Box::new(|r| format!("{:.0}", r.status_rss_mb)),
        ),
        ("counts ms", Box::new(|r| format!("{:.0}", r.counts_ms))),
        ("load (cache) s", Box::new(|r| format!("{:.2}", r.load_s))),
        ("parse RON s", Box::new(|r| format!("{:.2}", r.read_ron_s))),
        (
            "write: ron crate s",
            Box::new(|r| format!("{:.2}", r.write_ron_s)),
        ),
        (
            "write: fast s",
            Box::new(|r| format!("{:.2}", r.write_fast_only_s)),
        ),
        (
            "checkpoint (fast + cache) s",
            Box::new(|r| format!("{:.2}", r.write_fast_s)),
        ),
    ];
    let header: Vec<&str> = cols.iter().map(|(h, _)| *h).collect();
    println!("| {} |", header.join(" | "));
    println!("|{}|", vec!["---:"; cols.len()].join("|"));
    for r in rows {
        let cells: Vec<String> = cols.iter().map(|(_, f)| f(r)).collect();
        println!("| {} |", cells.join(" | "));
    }
}
