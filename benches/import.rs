//! Import speed and memory at 10k, 100k and 1M records of `screener::synth`
//! (the shared generator: Scopus-like records of ~2.5 KB in RIS), in two
//! parts:
//!
//! - **parse**: read, decode and parse a file in memory (RIS, MEDLINE,
//!   BibTeX), in a child process (this binary with `--child`) that reports
//!   its wall time, CPU time (all threads) and peak resident memory;
//!   `rispy.load` on the same RIS file when a Python with rispy is found
//!   (`RISPY_PYTHON`, default `/work/venv-peers/bin/python`);
//! - **import**: the real `screener import p.ron FILE` (project written:
//!   RON file, cache, fsync), wall and CPU time and peak RSS from `wait4`,
//!   and where its time goes (`SCREENER_PHASES`, `src/phases.rs`).
//!
//! ```text
//! cargo bench --bench import                                   # 10k, 100k, 1M
//! cargo bench --bench import -- --sizes 100000 --runs 5
//! cargo bench --bench import -- --sizes 100000 --baseline OLD/screener --baseline-child OLD/import-bench
//! ```
//!
//! `--baseline BIN` runs an older `screener` on the same files, alternating
//! with this one, and `--baseline-child BIN` an older build of this
//! benchmark's parse child (`BIN --child FORMAT FILE`), so a before/after
//! comparison is measured in one run on this shared machine. Medians of
//! `--runs` runs (default 3; 1 at 1M).

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use screener::import::{self, Format};
use screener::record::Record;
use screener::synth;

use common::{peak_rss_kib, process_cpu, run_child};

const SEED: u64 = 42;

struct Options {
    sizes: Vec<usize>,
    runs: Option<usize>,
    baseline: Option<PathBuf>,
    baseline_child: Option<PathBuf>,
    formats: Vec<Format>,
    dir: PathBuf,
}

fn options(args: &[String]) -> Options {
    let mut o = Options {
        sizes: vec![10_000, 100_000, 1_000_000],
        runs: None,
        baseline: None,
        baseline_child: None,
        formats: vec![Format::Ris, Format::Medline, Format::Bibtex],
        dir: std::env::temp_dir().join("screener-import-bench"),
    };
    if let Ok(s) = std::env::var("IMPORT_BENCH_SIZES") {
        o.sizes = common::sizes(&s);
    }
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().cloned().unwrap_or_default();
        match a.as_str() {
            "--sizes" => o.sizes = common::sizes(&value()),
            "--runs" => o.runs = value().parse().ok(),
            "--baseline" => o.baseline = Some(PathBuf::from(value())),
            "--baseline-child" => o.baseline_child = Some(PathBuf::from(value())),
            "--dir" => o.dir = PathBuf::from(value()),
            "--formats" => {
                o.formats = value().split(',').filter_map(Format::from_name).collect();
            }
            _ => {}
        }
    }
    o
}

/// MEDLINE as PubMed writes it: tags padded to four, values wrapped at 88
/// columns with six-space continuation lines.
fn medline_field(out: &mut String, tag: &str, value: &str) {
    let mut line = format!("{tag:<4}- ");
    let mut first = true;
    for w in value.split(' ') {
        if line.len() + w.len() + 1 > 88 && !first {
            out.push_str(&line);
            out.push('\n');
            line = "      ".to_string();
            first = true;
        }
        if !first {
            line.push(' ');
        }
        line.push_str(w);
        first = false;
    }
    out.push_str(&line);
    out.push('\n');
}

fn push_medline(out: &mut String, r: &Record, pmid: usize) {
    let year = r.year.map(|y| y.to_string()).unwrap_or_default();
    let _ = writeln!(out, "PMID- {pmid}\nOWN - NLM\nSTAT- MEDLINE");
    let _ = writeln!(out, "IS  - {} (Electronic)", r.issn);
    let _ = writeln!(
        out,
        "VI  - {}\nIP  - {}\nDP  - {year} Jan",
        r.volume, r.issue
    );
    medline_field(out, "TI", &r.title);
    let _ = writeln!(out, "PG  - {}\nLID - {} [doi]", r.pages, r.doi);
    medline_field(out, "AB", &r.abstract_text);
    for a in &r.authors {
        let short = a.replace(",", "").replace('.', "");
        let _ = writeln!(out, "FAU - {a}\nAU  - {short}");
    }
    let _ = writeln!(out, "LA  - eng\nPT  - Journal Article");
    let _ = writeln!(out, "TA  - {}\nJT  - {}", r.journal, r.journal);
    for k in &r.keywords {
        let _ = writeln!(out, "OT  - {k}");
    }
    let _ = writeln!(
        out,
        "SO  - {}. {year} Jan;{}({}):{}.\n",
        r.journal, r.volume, r.issue, r.pages
    );
}

fn file_name(format: Format, n: usize) -> String {
    let ext = match format {
        Format::Medline => "nbib",
        Format::Bibtex => "bib",
        Format::Csv => "csv",
        _ => "ris",
    };
    format!("synth{SEED}_{n}.{ext}")
}

/// The files of `n` records (written once, kept for the next run).
fn generate(dir: &Path, n: usize, formats: &[Format]) -> Vec<(Format, PathBuf)> {
    let mut out = Vec::new();
    for &format in formats {
        let path = dir.join(file_name(format, n));
        if !path.exists() {
            let tmp = path.with_extension("tmp");
            let mut w =
                BufWriter::with_capacity(1 << 20, std::fs::File::create(&tmp).expect("create"));
            let generator = synth::Generator::new(SEED);
            let mut buf = String::new();
            // In batches: a million records at once would be gigabytes.
            for start in (0..n).step_by(10_000) {
                let batch: Vec<Record> = (start..n.min(start + 10_000))
                    .map(|i| generator.record(i))
                    .collect();
                buf.clear();
                match format {
                    Format::Medline => {
                        for (k, r) in batch.iter().enumerate() {
                            push_medline(&mut buf, r, 20_000_000 + start + k);
                        }
                    }
                    Format::Bibtex => {
                        buf = screener::export::bibtex::write(&batch, |_| Format::Ris);
                    }
                    Format::Csv => {
                        // screener's own CSV export; one header for the
                        // whole file, so later batches drop theirs.
                        let mut bytes = Vec::new();
                        screener::export::csv::write(&mut bytes, &batch).expect("csv");
                        let text = String::from_utf8(bytes).expect("utf-8");
                        buf = if start == 0 {
                            text
                        } else {
                            text.split_once("\r\n")
                                .map_or(text.clone(), |(_, rows)| rows.to_string())
                        };
                    }
                    _ => batch.iter().for_each(|r| synth::push_ris(r, &mut buf)),
                }
                w.write_all(buf.as_bytes()).expect("write");
            }
            w.flush().expect("flush");
            drop(w);
            std::fs::rename(&tmp, &path).expect("rename");
        }
        out.push((format, path));
    }
    out
}

/// In the child: read (as `screener import` reads: `import::read_file`),
/// decode, parse; print wall seconds, records, peak KiB, CPU seconds (the
/// order older builds of this child print too).
fn child(format: &str, path: &str) {
    let format = Format::from_name(format).expect("format");
    let start = Instant::now();
    let cpu = process_cpu();
    let bytes = import::read_file(Path::new(path)).expect("read");
    let (_, parsed) = import::parse(&bytes, Some(format)).expect("parse");
    let secs = start.elapsed().as_secs_f64();
    let cpu = process_cpu() - cpu;
    assert_eq!(parsed.reported, 0);
    println!("{secs} {} {} {cpu}", parsed.records.len(), peak_rss_kib());
    // The records are not freed: that is not parsing.
    std::mem::forget(parsed);
}

#[derive(Clone, Default)]
struct Run {
    secs: f64,
    records: usize,
    peak_kib: u64,
    cpu: f64,
    phases: Vec<(String, f64, f64)>,
}

fn parse_run(text: &str) -> Option<Run> {
    let mut it = text.split_whitespace();
    Some(Run {
        secs: it.next()?.parse().ok()?,
        records: it.next()?.parse().ok()?,
        peak_kib: it.next()?.parse().ok()?,
        cpu: it.next()?.parse().ok()?,
        phases: Vec::new(),
    })
}

fn measure_parse(child: Option<&Path>, format: Format, path: &Path) -> Run {
    let exe = child.map_or_else(|| std::env::current_exe().expect("exe"), Path::to_path_buf);
    let out = Command::new(exe)
        .args(["--child", format.name(), path.to_str().expect("path")])
        .output()
        .expect("run child");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    parse_run(&String::from_utf8_lossy(&out.stdout)).expect("child output")
}

fn rispy_python() -> Option<PathBuf> {
    let p = std::env::var_os("RISPY_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/work/venv-peers/bin/python"));
    p.exists().then_some(p)
}

fn measure_rispy(python: &Path, path: &Path) -> Option<Run> {
    let script = "import sys,time,resource,rispy\n\
                  t=time.perf_counter(); c=time.process_time()\n\
                  with open(sys.argv[1], encoding='utf-8-sig') as f: recs=rispy.load(f)\n\
                  s=time.perf_counter()-t; c=time.process_time()-c\n\
                  print(s, len(recs), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, c)\n";
    let out = Command::new(python)
        .args(["-c", script, path.to_str()?])
        .output()
        .ok()?;
    if !out.status.success() {
        eprintln!("rispy failed: {}", String::from_utf8_lossy(&out.stderr));
        return None;
    }
    parse_run(&String::from_utf8_lossy(&out.stdout))
}

/// `screener import` of `file` into a new project in `dir`: wall, CPU and
/// peak RSS from wait4, and the phases it reports.
fn measure_import(exe: &Path, dir: &Path, file: &Path) -> Run {
    let project = dir.join("bench.ron");
    // Every file of the last run goes, or a new import would find a records
    // file beside it and pay for keeping it as `.records.bak`.
    let _ = std::fs::remove_file(&project);
    for side in screener::store::Side::ALL {
        let _ = std::fs::remove_file(side.of(&project));
    }
    let phases = dir.join("bench.phases");
    let _ = std::fs::remove_file(&phases);
    let cost = run_child(
        Command::new(exe)
            .arg("import")
            .arg(&project)
            .arg(file)
            .env("SCREENER_PHASES", &phases)
            .stdout(std::process::Stdio::null()),
        &format!("{} import", exe.display()),
    );
    let phases = std::fs::read_to_string(&phases)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            Some((
                f.first()?.to_string(),
                f.get(2)?.parse().ok()?,
                f.get(3)?.parse().ok()?,
            ))
        })
        .collect();
    Run {
        secs: cost.wall,
        records: 0,
        peak_kib: cost.peak_kib,
        cpu: cost.cpu,
        phases,
    }
}

/// The run with the median CPU time, with the median of each column and
/// of each phase.
fn median(runs: &[Run]) -> Run {
    let mid = |mut v: Vec<f64>| common::median(&mut v);
    let mut phases: BTreeMap<&str, (Vec<f64>, Vec<f64>)> = BTreeMap::new();
    let mut order: Vec<&str> = Vec::new();
    for r in runs {
        for (name, wall, cpu) in &r.phases {
            let e = phases.entry(name.as_str()).or_default();
            e.0.push(*wall);
            e.1.push(*cpu);
            if !order.contains(&name.as_str()) {
                order.push(name.as_str());
            }
        }
    }
    Run {
        secs: mid(runs.iter().map(|r| r.secs).collect()),
        records: runs[0].records,
        peak_kib: mid(runs.iter().map(|r| r.peak_kib as f64).collect()) as u64,
        cpu: mid(runs.iter().map(|r| r.cpu).collect()),
        phases: order
            .iter()
            .map(|name| {
                let (w, c) = &phases[name];
                (name.to_string(), mid(w.clone()), mid(c.clone()))
            })
            .collect(),
    }
}

fn header() {
    println!(
        "| what | records | MB | wall s | CPU s | MB/s (wall) | MB/s (CPU) | records/s (wall) | µs CPU/record | peak MB | peak/file |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
}

fn row(name: &str, n: usize, mb: f64, r: &Run) {
    let peak_mb = r.peak_kib as f64 * 1024.0 / 1e6;
    println!(
        "| {name} | {n} | {mb:.1} | {:.2} | {:.2} | {:.0} | {:.0} | {:.0} | {:.2} | {peak_mb:.0} | {:.2} |",
        r.secs,
        r.cpu,
        mb / r.secs,
        mb / r.cpu,
        n as f64 / r.secs,
        r.cpu * 1e6 / n as f64,
        peak_mb / mb
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--child") {
        child(&args[i + 1], &args[i + 2]);
        return;
    }
    // `cargo bench` passes `--bench`; `cargo test --all-targets` runs this
    // binary without it, and must not spend minutes generating gigabytes.
    if !args.iter().any(|a| a == "--bench") {
        println!("import benchmark: run it with `cargo bench --bench import`");
        return;
    }
    let o = options(&args[1..]);
    std::fs::create_dir_all(&o.dir).expect("bench dir");
    let rispy = rispy_python();
    if rispy.is_none() {
        eprintln!("(no rispy: set RISPY_PYTHON to a python with rispy installed to compare)");
    }
    let screener = PathBuf::from(env!("CARGO_BIN_EXE_screener"));
    println!("Parsing in memory (read, decode, parse), medians:\n");
    header();
    let mut imports = Vec::new();
    for &n in &o.sizes {
        let runs = o.runs.unwrap_or(if n >= 1_000_000 { 1 } else { 3 });
        let files = generate(&o.dir, n, &o.formats);
        for (format, path) in &files {
            let mb = std::fs::metadata(path).expect("size").len() as f64 / 1e6;
            let mut now = Vec::new();
            let mut before = Vec::new();
            for _ in 0..runs {
                if let Some(b) = &o.baseline_child {
                    before.push(measure_parse(Some(b), *format, path));
                }
                now.push(measure_parse(None, *format, path));
            }
            let run = median(&now);
            assert_eq!(run.records, n, "{}", path.display());
            if !before.is_empty() {
                row(
                    &format!("{} before", format.name()),
                    n,
                    mb,
                    &median(&before),
                );
            }
            row(format.name(), n, mb, &run);
            if *format == Format::Ris {
                if let Some(py) = &rispy {
                    let runs: Vec<Run> =
                        (0..runs).filter_map(|_| measure_rispy(py, path)).collect();
                    if !runs.is_empty() {
                        let r = median(&runs);
                        row("rispy.load", r.records, mb, &r);
                        println!(
                            "| | screener / rispy.load: {:.1}x in wall time, {:.1}x in CPU time, {:.2}x the peak memory | | | | | | | | | |",
                            r.secs / run.secs,
                            r.cpu / run.cpu,
                            run.peak_kib as f64 / r.peak_kib as f64
                        );
                    }
                }
            }
            // The whole import, alternating with the baseline.
            let mut now = Vec::new();
            let mut before = Vec::new();
            for _ in 0..runs {
                if let Some(b) = &o.baseline {
                    before.push(measure_import(b, &o.dir, path));
                }
                now.push(measure_import(&screener, &o.dir, path));
            }
            imports.push((
                *format,
                n,
                mb,
                median(&before_or_empty(before)),
                median(&now),
            ));
        }
    }
    println!("\nThe whole `screener import p.ron FILE` (project written and fsynced), medians:\n");
    header();
    for (format, n, mb, before, now) in &imports {
        if before.secs > 0.0 {
            row(&format!("{} before", format.name()), *n, *mb, before);
        }
        row(format.name(), *n, *mb, now);
    }
    println!("\nWhere the import's time goes (`SCREENER_PHASES`; ms, median; threads overlap):\n");
    for (format, n, _, before, now) in &imports {
        println!("{} {n}:\n", format.name());
        println!("| phase | thread wall ms | thread CPU ms | before: wall ms | before: CPU ms |");
        println!("|---|---:|---:|---:|---:|");
        for (name, wall, cpu) in &now.phases {
            let old = before.phases.iter().find(|(p, _, _)| p == name);
            let (ow, oc) = old.map_or(("".into(), "".into()), |(_, w, c)| {
                (format!("{w:.0}"), format!("{c:.0}"))
            });
            println!("| {name} | {wall:.0} | {cpu:.0} | {ow} | {oc} |");
        }
        for (name, wall, cpu) in &before.phases {
            if !now.phases.iter().any(|(p, _, _)| p == name) {
                println!("| {name} | | | {wall:.0} | {cpu:.0} |");
            }
        }
        println!();
    }
    println!("(files in {}; delete them when done)", o.dir.display());
}

fn before_or_empty(runs: Vec<Run>) -> Vec<Run> {
    if runs.is_empty() {
        vec![Run::default()]
    } else {
        runs
    }
}
