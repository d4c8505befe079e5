//! Parsing throughput and peak memory for RIS, MEDLINE and BibTeX at 10k,
//! 100k and 1M generated records, with `rispy.load` on the same RIS files
//! as the reference when a virtualenv with rispy exists.
//!
//!     cargo bench --bench import                     # 10k, 100k, 1M
//!     IMPORT_BENCH_SIZES=10000,100000 cargo bench --bench import
//!     RISPY_PYTHON=/path/to/venv/bin/python cargo bench --bench import
//!
//! Each measurement runs in a child process (this binary with `--child`)
//! that reads the file, decodes and parses it, and reports its own peak
//! resident memory (VmHWM), so the numbers are those of one import. The
//! generator below is deterministic (same files every run) and writes
//! records shaped like real Scopus / PubMed exports (about 2 KB each in
//! RIS, like the 204 MB / 100k-record file of issue 4); it stands in until
//! the shared generator (`src/synth.rs`) is merged.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use screener::import::{self, Format};

/// xorshift64*: small, fast, deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
}

const SYLLABLES: &[&str] = &[
    "ther", "apy", "ment", "al", "health", "peer", "sup", "port", "eco", "sys", "tem", "res",
    "tor", "ation", "cli", "nic", "pa", "tient", "out", "come", "stu", "dy", "tri", "al", "ran",
    "dom", "ised", "con", "trol", "led", "in", "ter", "ven", "tion", "co", "hort", "meta", "ana",
    "ly", "sis", "soil", "wa", "ter", "car", "bon", "for", "est", "gra", "zing", "net", "work",
];
const SURNAMES: &[&str] = &[
    "Smith",
    "Müller",
    "García",
    "Wang",
    "Kim",
    "Nguyen",
    "Rossi",
    "Dubois",
    "Kowalski",
    "Silva",
    "Okafor",
    "Johansson",
    "van der Berg",
    "O'Brien",
    "Tanaka",
    "Ivanova",
    "Hernández",
    "Chen",
    "Papadopoulos",
    "Andersen",
];
const LABELS: &[&str] = &["Background", "Methods", "Results", "Conclusions"];

struct Gen {
    rng: Rng,
    words: Vec<String>,
    journals: Vec<String>,
}

struct Synth {
    title: String,
    abstract_parts: Vec<(Option<&'static str>, String)>,
    authors: Vec<(String, String)>,
    journal: String,
    year: usize,
    volume: usize,
    issue: usize,
    first_page: usize,
    doi: String,
    pmid: usize,
    keywords: Vec<String>,
    affiliations: Vec<String>,
}

impl Gen {
    fn new() -> Gen {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let words = (0..3000)
            .map(|_| {
                let n = rng.range(1, 4);
                (0..n)
                    .map(|_| SYLLABLES[rng.below(SYLLABLES.len())])
                    .collect()
            })
            .collect();
        let mut g = Gen {
            rng,
            words,
            journals: Vec::new(),
        };
        g.journals = (0..300)
            .map(|_| format!("Journal of {}", g.sentence(2, 5, true)))
            .collect();
        g
    }

    fn word(&mut self) -> String {
        let i = self.rng.below(self.words.len());
        self.words[i].clone()
    }

    fn sentence(&mut self, lo: usize, hi: usize, capitals: bool) -> String {
        let n = self.rng.range(lo, hi);
        let mut s = String::new();
        for i in 0..n {
            if i > 0 {
                s.push(' ');
            }
            let w = self.word();
            if capitals || i == 0 {
                let mut c = w.chars();
                if let Some(f) = c.next() {
                    s.extend(f.to_uppercase());
                    s.push_str(c.as_str());
                }
            } else {
                s.push_str(&w);
            }
        }
        s
    }

    fn record(&mut self, n: usize) -> Synth {
        let structured = self.rng.below(3) == 0;
        let parts = if structured {
            LABELS
                .iter()
                .map(|l| {
                    let k = self.rng.range(2, 4);
                    let text = (0..k)
                        .map(|_| self.sentence(10, 22, false) + ".")
                        .collect::<Vec<_>>()
                        .join(" ");
                    (Some(*l), text)
                })
                .collect()
        } else {
            let k = self.rng.range(7, 12);
            vec![(
                None,
                (0..k)
                    .map(|_| self.sentence(10, 24, false) + ".")
                    .collect::<Vec<_>>()
                    .join(" "),
            )]
        };
        let authors = (0..self.rng.range(1, 9))
            .map(|_| {
                let s = SURNAMES[self.rng.below(SURNAMES.len())].to_string();
                let g: String = (0..self.rng.range(1, 2))
                    .map(|_| (b'A' + self.rng.below(26) as u8) as char)
                    .collect();
                (s, g)
            })
            .collect();
        let journal = self.journals[self.rng.below(self.journals.len())].clone();
        Synth {
            title: self.sentence(8, 18, false),
            abstract_parts: parts,
            authors,
            journal,
            year: self.rng.range(1990, 2024),
            volume: self.rng.range(1, 120),
            issue: self.rng.range(1, 12),
            first_page: self.rng.range(1, 2000),
            doi: format!("10.{}/{}.{n}", self.rng.range(1000, 9999), self.word()),
            pmid: 20_000_000 + n,
            keywords: (0..self.rng.range(3, 8))
                .map(|_| self.sentence(1, 3, false))
                .collect(),
            affiliations: (0..self.rng.range(1, 4))
                .map(|_| {
                    format!(
                        "Department of {}, University of {}",
                        self.sentence(1, 3, true),
                        self.sentence(1, 2, true)
                    )
                })
                .collect(),
        }
    }
}

fn abstract_text(s: &Synth) -> String {
    s.abstract_parts
        .iter()
        .map(|(l, t)| match l {
            Some(l) => format!("{l}: {t}"),
            None => t.clone(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn ris(out: &mut String, s: &Synth) {
    let _ = writeln!(out, "TY  - JOUR");
    for (sur, g) in &s.authors {
        let _ = writeln!(
            out,
            "AU  - {sur}, {}.",
            g.chars()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join(".")
        );
    }
    let _ = writeln!(out, "TI  - {}", s.title);
    let _ = writeln!(out, "PY  - {}", s.year);
    let _ = writeln!(out, "T2  - {}", s.journal);
    let _ = writeln!(out, "VL  - {}", s.volume);
    let _ = writeln!(out, "IS  - {}", s.issue);
    let _ = writeln!(out, "SP  - {}", s.first_page);
    let _ = writeln!(out, "EP  - {}", s.first_page + 12);
    let _ = writeln!(out, "DO  - {}", s.doi);
    let _ = writeln!(
        out,
        "UR  - https://www.scopus.com/inward/record.uri?eid=2-s2.0-{}&doi={}",
        s.pmid, s.doi
    );
    for a in &s.affiliations {
        let _ = writeln!(out, "AD  - {a}");
    }
    let _ = writeln!(out, "AB  - {}", abstract_text(s));
    for k in &s.keywords {
        let _ = writeln!(out, "KW  - {k}");
    }
    let _ = writeln!(out, "PB  - Elsevier Ltd");
    let _ = writeln!(out, "SN  - 0048-9697");
    let _ = writeln!(out, "LA  - English");
    let _ = writeln!(out, "J2  - {}", s.journal.replace("Journal of ", "J. "));
    let _ = writeln!(out, "M3  - Article");
    let _ = writeln!(out, "DB  - Scopus");
    let _ = writeln!(
        out,
        "N1  - Export Date: 08 July 2023; Cited By: {}",
        s.volume
    );
    let _ = writeln!(out, "ER  - \n");
}

/// MEDLINE wraps values at 88 columns with six-space continuation lines.
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

fn medline(out: &mut String, s: &Synth) {
    let _ = writeln!(out, "PMID- {}", s.pmid);
    let _ = writeln!(out, "OWN - NLM\nSTAT- MEDLINE\nDCOM- 20190423");
    let _ = writeln!(out, "IS  - 1932-6203 (Electronic)");
    let _ = writeln!(
        out,
        "VI  - {}\nIP  - {}\nDP  - {} Jan",
        s.volume, s.issue, s.year
    );
    medline_field(out, "TI", &s.title);
    let _ = writeln!(out, "PG  - {}-{}", s.first_page, s.first_page + 12);
    let _ = writeln!(out, "LID - {} [doi]", s.doi);
    medline_field(out, "AB", &abstract_text(s));
    for (i, (sur, g)) in s.authors.iter().enumerate() {
        let _ = writeln!(out, "FAU - {sur}, {g}\nAU  - {sur} {g}");
        if let Some(a) = s.affiliations.get(i) {
            medline_field(out, "AD", a);
        }
    }
    let _ = writeln!(out, "LA  - eng\nPT  - Journal Article\nPL  - United States");
    let _ = writeln!(
        out,
        "TA  - {}\nJT  - {}",
        s.journal.replace("Journal of ", "J "),
        s.journal
    );
    for k in &s.keywords {
        let _ = writeln!(out, "MH  - {k}");
    }
    let _ = writeln!(
        out,
        "SO  - {}. {} Jan;{}({}):{}.\n",
        s.journal, s.year, s.volume, s.issue, s.first_page
    );
}

fn bibtex(out: &mut String, s: &Synth, n: usize) {
    let (sur, _) = &s.authors[0];
    let _ = writeln!(out, "@ARTICLE{{{}{}{n},", sur.replace(' ', ""), s.year);
    let authors: Vec<String> = s
        .authors
        .iter()
        .map(|(sur, g)| format!("{sur}, {g}."))
        .collect();
    let _ = writeln!(out, "author={{{}}},", authors.join(" and "));
    let _ = writeln!(out, "title={{{}}},", s.title);
    let _ = writeln!(out, "journal={{{}}},", s.journal);
    let _ = writeln!(
        out,
        "year={{{}}},\nvolume={{{}}},\nnumber={{{}}},",
        s.year, s.volume, s.issue
    );
    let _ = writeln!(out, "pages={{{}--{}}},", s.first_page, s.first_page + 12);
    let _ = writeln!(out, "doi={{{}}},", s.doi);
    let _ = writeln!(
        out,
        "url={{https://www.scopus.com/inward/record.uri?eid=2-s2.0-{}}},",
        s.pmid
    );
    let _ = writeln!(out, "affiliations={{{}}},", s.affiliations.join("; "));
    let _ = writeln!(out, "abstract={{{}}},", abstract_text(s));
    let _ = writeln!(out, "author_keywords={{{}}},", s.keywords.join("; "));
    let _ = writeln!(
        out,
        "publisher={{Elsevier Ltd}},\nissn={{00489697}},\nlanguage={{English}},"
    );
    let _ = writeln!(out, "document_type={{Article}},\nsource={{Scopus}},\n}}\n");
}

fn generate(dir: &Path, n: usize) -> [(Format, PathBuf); 3] {
    let paths = [
        (Format::Ris, dir.join(format!("synth_{n}.ris"))),
        (Format::Medline, dir.join(format!("synth_{n}.nbib"))),
        (Format::Bibtex, dir.join(format!("synth_{n}.bib"))),
    ];
    if paths.iter().all(|(_, p)| p.exists()) {
        return paths;
    }
    let mut g = Gen::new();
    let mut files: Vec<std::io::BufWriter<std::fs::File>> = paths
        .iter()
        .map(|(_, p)| std::io::BufWriter::new(std::fs::File::create(p).expect("create")))
        .collect();
    let mut buf = String::new();
    for i in 0..n {
        let s = g.record(i);
        for (k, file) in files.iter_mut().enumerate() {
            buf.clear();
            match k {
                0 => ris(&mut buf, &s),
                1 => medline(&mut buf, &s),
                _ => bibtex(&mut buf, &s, i),
            }
            std::io::Write::write_all(file, buf.as_bytes()).expect("write");
        }
    }
    for f in &mut files {
        std::io::Write::flush(f).expect("flush");
    }
    paths
}

fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// CPU time this (single-threaded) process has run, from the scheduler's
/// own count: on a machine shared with other work, wall time says more
/// about the neighbours than about the parser.
fn cpu_secs() -> f64 {
    std::fs::read_to_string("/proc/self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |ns| ns / 1e9)
}

/// In the child: read, decode, parse; print wall seconds, records, peak
/// KiB, CPU seconds.
fn child(format: &str, path: &str) {
    let format = Format::from_name(format).expect("format");
    let start = Instant::now();
    let cpu = cpu_secs();
    let bytes = std::fs::read(path).expect("read");
    let (_, parsed) = import::parse(&bytes, Some(format)).expect("parse");
    let secs = start.elapsed().as_secs_f64();
    let cpu = cpu_secs() - cpu;
    assert_eq!(parsed.reported, 0);
    println!("{secs} {} {} {cpu}", parsed.records.len(), peak_kib());
}

struct Run {
    secs: f64,
    records: usize,
    peak_kib: u64,
    cpu: f64,
}

fn measure(format: Format, path: &Path) -> Run {
    let out = Command::new(std::env::current_exe().expect("exe"))
        .args(["--child", format.name(), path.to_str().expect("path")])
        .output()
        .expect("run child");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let mut it = text.split_whitespace();
    Run {
        secs: it.next().and_then(|s| s.parse().ok()).expect("secs"),
        records: it.next().and_then(|s| s.parse().ok()).expect("records"),
        peak_kib: it.next().and_then(|s| s.parse().ok()).expect("peak"),
        cpu: it.next().and_then(|s| s.parse().ok()).expect("cpu"),
    }
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
    let text = String::from_utf8_lossy(&out.stdout);
    let mut it = text.split_whitespace();
    Some(Run {
        secs: it.next()?.parse().ok()?,
        records: it.next()?.parse().ok()?,
        peak_kib: it.next()?.parse().ok()?,
        cpu: it.next()?.parse().ok()?,
    })
}

fn median(mut runs: Vec<Run>) -> Run {
    runs.sort_by(|a, b| a.cpu.total_cmp(&b.cpu));
    let mid = runs.len() / 2;
    runs.swap_remove(mid)
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
    let sizes: Vec<usize> = std::env::var("IMPORT_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![10_000, 100_000, 1_000_000]);
    let dir = std::env::temp_dir().join("screener-import-bench");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let rispy = rispy_python();
    if rispy.is_none() {
        eprintln!("(no rispy: set RISPY_PYTHON to a python with rispy installed to compare)");
    }
    println!(
        "{:<8} {:>9} {:>8} {:>7} {:>7} {:>8} {:>10} {:>9} {:>8} {:>9}",
        "format",
        "records",
        "MB",
        "wall s",
        "cpu s",
        "MB/s",
        "records/s",
        "µs/record",
        "peak MB",
        "peak/file"
    );
    println!("(MB/s, records/s and µs/record from CPU time; wall time is shown beside it)");
    for &n in &sizes {
        let files = generate(&dir, n);
        for (format, path) in &files {
            let mb = std::fs::metadata(path).expect("size").len() as f64 / 1e6;
            let tries = if n >= 1_000_000 { 1 } else { 3 };
            let run = median((0..tries).map(|_| measure(*format, path)).collect());
            assert_eq!(run.records, n, "{}", path.display());
            row(format.name(), n, mb, &run);
            if *format == Format::Ris {
                if let Some(py) = &rispy {
                    let tries = if n >= 1_000_000 { 1 } else { 3 };
                    let runs: Vec<Run> =
                        (0..tries).filter_map(|_| measure_rispy(py, path)).collect();
                    if !runs.is_empty() {
                        let r = median(runs);
                        row("rispy", r.records, mb, &r);
                        println!(
                            "{:<8} screener / rispy.load on this file: {:.1}x the speed in CPU \
                             time, {:.1}x in wall time, {:.2}x the peak memory",
                            "",
                            r.cpu / run.cpu,
                            r.secs / run.secs,
                            run.peak_kib as f64 / r.peak_kib as f64
                        );
                    }
                }
            }
        }
    }
    println!("(files in {}; delete them when done)", dir.display());
}

fn row(name: &str, n: usize, mb: f64, r: &Run) {
    let peak_mb = r.peak_kib as f64 * 1024.0 / 1e6;
    println!(
        "{:<8} {:>9} {:>8.1} {:>7.2} {:>7.2} {:>8.1} {:>10.0} {:>9.2} {:>8.1} {:>9.2}",
        name,
        n,
        mb,
        r.secs,
        r.cpu,
        mb / r.cpu,
        n as f64 / r.cpu,
        r.cpu * 1e6 / n as f64,
        peak_mb,
        peak_mb / mb
    );
}
