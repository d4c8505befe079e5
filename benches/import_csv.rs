//! Parsing speed and memory of the CSV importer on generated Scopus-like
//! exports.
//!
//!     cargo bench --bench import_csv                  # 10k, 100k, 1M records
//!     cargo bench --bench import_csv -- 10000 100000  # chosen sizes
//!
//! Each size is written once to `$TMPDIR/screener-bench-csv-N-sm.csv` by
//! a small deterministic generator (Scopus columns; fixed seed, the shared
//! SplitMix64 of `common::Rng`), then parsed in a fresh child process per run, so
//! that the peak resident memory (VmHWM) is that run's alone. A run is
//! `std::fs::read` + `import::parse` (decode, sniff, rows, mapping). The
//! table gives medians over the runs; with `python3` on the PATH the same
//! file is also read with Python's `csv.reader` for scale (not a
//! dependency: skipped when absent).

mod common;

use std::fmt::Write as _;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use screener::import::{self, Format};

use common::{Rng, median, peak_rss_kib, process_cpu};

const CHILD: &str = "SCREENER_BENCH_CSV_CHILD";

fn main() {
    if let Ok(path) = std::env::var(CHILD) {
        child(Path::new(&path));
        return;
    }
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.replace('_', "").parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![10_000, 100_000, 1_000_000]
    } else {
        sizes
    };
    let python = Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    println!(
        "{:>9} {:>8} {:>4} {:>8} {:>8} {:>7} {:>11} {:>9} {:>5} {:>9} {:>9}",
        "records",
        "MB",
        "runs",
        "wall s",
        "cpu s",
        "MB/s",
        "records/s",
        "peak MiB",
        "xfile",
        "py wall s",
        "py cpu s"
    );
    for n in sizes {
        let path = std::env::temp_dir().join(format!("screener-bench-csv-{n}-sm.csv"));
        if !path.exists() {
            generate(&path, n).expect("write the generated file");
        }
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let runs = match n {
            0..=20_000 => 7,
            20_001..=200_000 => 5,
            _ => 3,
        };
        let mut times = Vec::new();
        let mut cpus = Vec::new();
        let mut peak = 0u64;
        let mut count = 0usize;
        for _ in 0..runs {
            let out = Command::new(std::env::current_exe().unwrap())
                .env(CHILD, &path)
                .output()
                .expect("run the child");
            let line = String::from_utf8_lossy(&out.stdout);
            let f: Vec<&str> = line.split_whitespace().collect();
            assert!(
                f.len() == 4,
                "child failed: {line} {}",
                String::from_utf8_lossy(&out.stderr)
            );
            times.push(f[0].parse::<f64>().unwrap());
            cpus.push(f[1].parse::<f64>().unwrap());
            peak = peak.max(f[2].parse().unwrap());
            count = f[3].parse().unwrap();
        }
        assert_eq!(count, n, "records parsed");
        let t = median(&mut times);
        let c = median(&mut cpus);
        let mb = size as f64 / 1e6;
        let py = if python { python_csv(&path) } else { None };
        let (py_wall, py_cpu) = py.map_or(("-".to_string(), "-".to_string()), |(w, c)| {
            (format!("{w:.3}"), format!("{c:.3}"))
        });
        // Throughput from CPU time: on a loaded machine wall time measures
        // the other processes too.
        println!(
            "{:>9} {:>8.1} {:>4} {:>8.3} {:>8.3} {:>7.0} {:>11.0} {:>9.0} {:>5.2} {:>9} {:>9}",
            n,
            mb,
            runs,
            t,
            c,
            mb / c,
            n as f64 / c,
            peak as f64 / 1024.0,
            peak as f64 * 1024.0 / size as f64,
            py_wall,
            py_cpu,
        );
    }
}

/// One run: prints `wall_seconds cpu_seconds peak_kib records`.
fn child(path: &Path) {
    let start = Instant::now();
    let cpu = process_cpu();
    let bytes = std::fs::read(path).expect("read");
    let (format, parsed) = import::parse(&bytes, None).expect("parse");
    let cpu = process_cpu() - cpu;
    let secs = start.elapsed().as_secs_f64();
    assert_eq!(format, Format::Csv);
    assert!(parsed.warnings.is_empty(), "{:?}", &parsed.warnings[..1]);
    println!("{secs} {cpu} {} {}", peak_rss_kib(), parsed.total());
}

/// Python's csv.reader over the same file (rows only, no mapping): wall
/// and CPU seconds, or None.
fn python_csv(path: &PathBuf) -> Option<(f64, f64)> {
    let script = "import csv,sys,time\ncsv.field_size_limit(10**9)\n\
                  t=time.perf_counter();c=time.process_time()\n\
                  f=open(sys.argv[1],encoding='utf-8-sig',newline='')\nn=sum(1 for _ in csv.reader(f))\n\
                  print(time.perf_counter()-t, time.process_time()-c)";
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(path)
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut f = text.split_whitespace().map(|x| x.parse::<f64>());
    Some((f.next()?.ok()?, f.next()?.ok()?))
}

const WORDS: &[&str] = &[
    "peer",
    "support",
    "workers",
    "mental",
    "health",
    "community",
    "teams",
    "evaluation",
    "randomised",
    "controlled",
    "trial",
    "outcomes",
    "patients",
    "recovery",
    "services",
    "qualitative",
    "study",
    "intervention",
    "effect",
    "analysis",
    "cohort",
    "risk",
    "adults",
    "children",
    "care",
    "primary",
    "quality",
    "life",
    "anxiety",
    "depression",
    "treatment",
    "systematic",
    "review",
    "meta-analysis",
    "prevalence",
    "association",
    "clinical",
    "data",
    "model",
    "approach",
    "results",
    "methods",
    "background",
    "significant",
    "(95% CI)",
    "follow-up",
    "baseline",
    "population",
    "\"recovery\"",
    "Ökologie",
    "São",
    "naïve",
];
const SURNAMES: &[&str] = &[
    "Repper",
    "Watson",
    "Müller",
    "García",
    "O'Connor",
    "van der Berg",
    "Lawton-Smith",
    "Kim",
    "Nguyen",
    "Øster",
    "Smith",
    "Jones",
    "Wilson",
    "Gardner",
    "Farnsworth",
    "Perry",
];
const JOURNALS: &[&str] = &[
    "Nature Communications",
    "Journal of Mental Health Training, Education and Practice",
    "PLoS ONE",
    "BMJ Open",
    "The Lancet Psychiatry",
    "Psychiatric Services",
];
const HEADER: &str = "\"Authors\",\"Author full names\",\"Author(s) ID\",\"Title\",\"Year\",\
\"Source title\",\"Volume\",\"Issue\",\"Art. No.\",\"Page start\",\"Page end\",\"Cited by\",\"DOI\",\
\"Link\",\"Affiliations\",\"Abstract\",\"Author Keywords\",\"Index Keywords\",\"ISSN\",\
\"PubMed ID\",\"Language of Original Document\",\"Document Type\",\"Publication Stage\",\
\"Open Access\",\"Source\",\"EID\"";

fn sentence(rng: &mut Rng, words: usize) -> String {
    let mut s = String::new();
    for i in 0..words {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(rng.pick(WORDS));
        if rng.below(12) == 0 {
            s.push(',');
        }
    }
    s
}

fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// A Scopus-like export of `n` records, ~1.9 KB each (the issue's
/// realistic RIS averages 2 KB a record).
fn generate(path: &Path, n: usize) -> std::io::Result<()> {
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    out.write_all(b"\xEF\xBB\xBF")?;
    out.write_all(HEADER.as_bytes())?;
    out.write_all(b"\n")?;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut row = String::new();
    for i in 0..n {
        row.clear();
        let authors: Vec<(String, String)> = (0..1 + rng.below(8))
            .map(|_| {
                let s = rng.pick(SURNAMES);
                let initial = (b'A' + rng.below(26) as u8) as char;
                (
                    format!("{s} {initial}."),
                    format!("{s}, {initial}lex ({})", 5_000_000 + rng.below(1_000_000)),
                )
            })
            .collect();
        let short: Vec<&str> = authors.iter().map(|a| a.0.as_str()).collect();
        let full: Vec<&str> = authors.iter().map(|a| a.1.as_str()).collect();
        let year = 1990 + rng.below(35);
        let words = 8 + rng.below(12);
        let title = sentence(&mut rng, words);
        let mut abstract_text = String::new();
        for part in ["Background", "Methods", "Results", "Conclusions"] {
            let words = 25 + rng.below(20);
            let _ = write!(abstract_text, "{part}: {}. ", sentence(&mut rng, words));
        }
        if rng.below(10) == 0 {
            abstract_text = "[No abstract available]".to_string();
        }
        let first = 1 + rng.below(900);
        let doi = format!(
            "10.{}/j.{}.{i}",
            1000 + rng.below(9000),
            rng.pick(WORDS).trim_matches('"')
        );
        let keywords: Vec<String> = (0..3 + rng.below(6))
            .map(|_| {
                let words = 1 + rng.below(2);
                sentence(&mut rng, words)
            })
            .collect();
        let eid = format!("2-s2.0-{}", 80_000_000_000u64 + i as u64);
        let cells = [
            quoted(&short.join("; ")),
            quoted(&full.join("; ")),
            quoted(
                &(0..authors.len())
                    .map(|k| (57_000_000_000u64 + k as u64).to_string())
                    .collect::<Vec<_>>()
                    .join(";"),
            ),
            quoted(&title),
            year.to_string(),
            quoted(rng.pick(JOURNALS)),
            (1 + rng.below(60)).to_string(),
            (1 + rng.below(12)).to_string(),
            String::new(),
            first.to_string(),
            (first + 5 + rng.below(20)).to_string(),
            rng.below(200).to_string(),
            doi.clone(),
            quoted(&format!(
                "https://www.scopus.com/inward/record.uri?eid={eid}&doi={doi}&partnerID=40"
            )),
            quoted(&format!(
                "University of {}, Department of {}, {}",
                rng.pick(SURNAMES),
                rng.pick(WORDS),
                rng.pick(SURNAMES)
            )),
            quoted(&abstract_text),
            quoted(&keywords.join("; ")),
            quoted(&sentence(&mut rng, 6).replace(' ', "; ")),
            format!("{:08}", rng.below(100_000_000)),
            if rng.below(2) == 0 {
                (10_000_000 + rng.below(30_000_000)).to_string()
            } else {
                String::new()
            },
            "English".to_string(),
            "Article".to_string(),
            "Final".to_string(),
            String::new(),
            "Scopus".to_string(),
            eid,
        ];
        row.push_str(&cells.join(","));
        row.push('\n');
        out.write_all(row.as_bytes())?;
    }
    out.flush()
}
