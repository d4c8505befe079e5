//! Time of duplicate detection (`dedup::link_duplicates` over the whole
//! project) at 10k, 100k and 1M synthetic records, with a realistic share
//! of duplicates and of near-duplicates that are not duplicates.
//!
//! Run: `cargo bench --bench dedup_speed` (`-- 10000 100000` to choose the
//! sizes; `--runs N`, default 3, the median is printed; `-- --write-ris N
//! FILE` writes N generated records as RIS instead, to time a whole
//! `screener import`). docs/DEDUP.md
//! has the table. Columns: wall and CPU time of one `link_duplicates`
//! over all records (median), and `cpu/clone`, its CPU time over that of
//! cloning the same records in memory: a yardstick that does not depend on
//! how busy the shared machine is.
//!
//! The generator here is deliberately small and deterministic (xorshift):
//! - 75% originals: 6–16 title words from a 6,000-word vocabulary drawn
//!   with a skewed (Zipf-like) weight, a third starting with a stock opener
//!   ("The effect of", "A systematic review of", …), 1–8 authors from
//!   2,000 surnames (skewed: many Wangs), year, journal, volume, pages,
//!   DOI for 80%, PMID for 40%, an abstract of ~150 words;
//! - 22% copies of an earlier record as another database writes it: names
//!   as `Surname, G.` or `Surname G`, title case and punctuation changed,
//!   sometimes a typo, a Greek letter spelled out or a trailing period,
//!   the DOI as a URL or missing, pages `221-8` for `221-228`, the year
//!   one off for 5%, a copyright line after the abstract;
//! - 3% near-duplicates that are other papers: "Part 2" of a series, an
//!   erratum of an earlier paper, a second paper of the same authors in
//!   the same issue.

mod common;

use std::time::Instant;

use screener::dedup;
use screener::record::Record;

/// CPU time of this thread in seconds: the machine is shared, so wall
/// time alone says little about the code.
fn cpu_seconds() -> f64 {
    common::thread_cpu().as_secs_f64()
}

fn peak_rss_mib() -> f64 {
    common::peak_rss_kib() as f64 / 1024.0
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// Skewed towards small indices: a few words and names are common.
    fn skewed(&mut self, n: usize) -> usize {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        ((n as f64).powf(u) as usize).saturating_sub(1).min(n - 1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

fn word(rng: &mut Rng) -> String {
    const SYL: &[&str] = &[
        "ka", "lo", "mi", "ne", "ra", "to", "ve", "su", "bi", "dor", "pha", "gen", "tic", "lyn",
        "mor", "ste", "qui", "zan", "cel", "ox", "ide", "ase", "ant", "bro",
    ];
    let n = 2 + rng.below(3);
    (0..n).map(|_| SYL[rng.below(SYL.len())]).collect()
}

struct Vocab {
    words: Vec<String>,
    surnames: Vec<String>,
    journals: Vec<String>,
}

const OPENERS: &[&str] = &[
    "The effect of",
    "Effects of",
    "A systematic review of",
    "The role of",
    "Association between",
    "A randomized controlled trial of",
    "Impact of",
    "Prevalence of",
];

fn original(rng: &mut Rng, v: &Vocab, i: usize) -> Record {
    let n_words = 6 + rng.below(11);
    let mut title: Vec<String> = Vec::new();
    if rng.chance(33) {
        title.push(OPENERS[rng.below(OPENERS.len())].to_string());
    }
    for _ in 0..n_words {
        title.push(v.words[rng.skewed(v.words.len())].clone());
    }
    let mut t = title.join(" ");
    if let Some(c) = t.get_mut(0..1) {
        c.make_ascii_uppercase();
    }
    let authors = (0..1 + rng.below(8))
        .map(|_| {
            format!(
                "{} {}{}",
                v.surnames[rng.skewed(v.surnames.len())],
                (b'A' + rng.below(26) as u8) as char,
                if rng.chance(50) {
                    (b'A' + rng.below(26) as u8) as char
                } else {
                    ' '
                }
            )
            .trim()
            .to_string()
        })
        .collect();
    let first = 1 + rng.below(2000);
    let abstract_text = (0..150)
        .map(|_| v.words[rng.skewed(v.words.len())].as_str())
        .collect::<Vec<_>>()
        .join(" ");
    Record {
        title: t,
        authors,
        year: Some(1990 + rng.below(35) as i32),
        journal: v.journals[rng.skewed(v.journals.len())].clone(),
        volume: (1 + rng.below(120)).to_string(),
        issue: (1 + rng.below(12)).to_string(),
        pages: format!("{first}-{}", first + 1 + rng.below(20)),
        doi: if rng.chance(80) {
            format!("10.{}/j.x.{i}", 1000 + rng.below(9000))
        } else {
            String::new()
        },
        pmid: if rng.chance(40) {
            (10_000_000 + i).to_string()
        } else {
            String::new()
        },
        abstract_text,
        ..Record::default()
    }
}

/// Another database's copy of `r`.
fn copy(rng: &mut Rng, r: &Record) -> Record {
    let mut c = r.clone();
    if rng.chance(50) {
        c.authors = c
            .authors
            .iter()
            .map(|a| match a.split_once(' ') {
                Some((s, g)) => format!("{s}, {}.", &g[..1]),
                None => a.clone(),
            })
            .collect();
    }
    if rng.chance(30) {
        c.title = c.title.to_uppercase();
    }
    if rng.chance(30) {
        c.title.push('.');
    }
    if rng.chance(10) && c.title.len() > 20 {
        // One typo.
        let at = 5 + rng.below(c.title.len() - 10);
        if c.title.is_char_boundary(at) && c.title.is_char_boundary(at + 1) {
            c.title.replace_range(at..at + 1, "x");
        }
    }
    if rng.chance(5) {
        c.title = c.title.replacen("ka", "β", 1);
    }
    if rng.chance(30) {
        c.doi.clear();
    } else if rng.chance(30) && !c.doi.is_empty() {
        c.doi = format!("https://doi.org/{}", c.doi.to_uppercase());
    }
    if rng.chance(50) {
        c.pmid.clear();
    }
    if rng.chance(30) {
        if let Some((a, b)) = c.pages.split_once('-').filter(|(a, b)| a.len() == b.len()) {
            let common = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
            c.pages = format!("{a}-{}", &b[common..]);
        }
    }
    if rng.chance(5) {
        c.year = c.year.map(|y| y + 1);
    }
    if rng.chance(40) {
        c.abstract_text
            .push_str(" © 2020 Elsevier Ltd. All rights reserved.");
    }
    c
}

/// Another paper that looks like `r`.
fn near(rng: &mut Rng, r: &Record, i: usize) -> Record {
    let mut c = r.clone();
    c.doi = format!("10.9999/near.{i}");
    c.pmid.clear();
    match rng.below(3) {
        0 => {
            c.title = format!("{}: part 2", r.title);
            c.pages = "300-310".into();
        }
        1 => {
            c.title = format!("Erratum: {}", r.title);
            c.pages = "400".into();
        }
        _ => {
            // Two such papers of one base are still two papers.
            c.title = format!(
                "{} in a cohort of {} patients",
                r.title.split(' ').take(4).collect::<Vec<_>>().join(" "),
                1000 + i
            );
            c.abstract_text = c.abstract_text.chars().rev().collect();
            c.pages = format!("{}-{}", 500 + i, 510 + i);
        }
    }
    c
}

/// The records, and for each the paper it is (copies share their
/// original's number): the truth the linking is scored against.
fn generate(n: usize) -> (Vec<Record>, Vec<u32>) {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let v = Vocab {
        words: (0..6000).map(|_| word(&mut rng)).collect(),
        surnames: (0..2000)
            .map(|_| {
                let mut w = word(&mut rng);
                w[..1].make_ascii_uppercase();
                w
            })
            .collect(),
        journals: (0..500)
            .map(|_| format!("Journal of {} {}", word(&mut rng), word(&mut rng)))
            .collect(),
    };
    let mut out: Vec<Record> = Vec::with_capacity(n);
    let mut paper: Vec<u32> = Vec::with_capacity(n);
    for i in 0..n {
        let roll = rng.below(100);
        let (r, p) = if roll < 22 && i > 10 {
            let b = rng.below(out.len());
            (copy(&mut rng, &out[b]), paper[b])
        } else if roll < 25 && i > 10 {
            let b = rng.below(out.len());
            (near(&mut rng, &out[b], i), i as u32)
        } else {
            (original(&mut rng, &v, i), i as u32)
        };
        out.push(r);
        paper.push(p);
    }
    let mut seen = std::collections::HashSet::new();
    for r in &mut out {
        let base = r.derive_key();
        let mut key = base.clone();
        let mut k = 1;
        while !seen.insert(key.clone()) {
            k += 1;
            key = format!("{base}~{k}");
        }
        r.key = key;
    }
    (out, paper)
}

/// (recall, precision) as in benches/dedup_asysd.rs: a copy is found when
/// it shares a group with another copy of its paper; a false merge is a
/// group member whose paper is already in the group.
fn score(records: &[Record], paper: &[u32]) -> (f64, f64) {
    use std::collections::{HashMap, HashSet};
    let index: HashMap<&str, usize> = records
        .iter()
        .enumerate()
        .map(|(i, r)| (r.key.as_str(), i))
        .collect();
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, r) in records.iter().enumerate() {
        let p = r
            .duplicate_of
            .as_deref()
            .and_then(|k| index.get(k).copied())
            .unwrap_or(i);
        groups.entry(p).or_default().push(i);
    }
    let mut copies_per_paper: HashMap<u32, usize> = HashMap::new();
    for &p in paper {
        *copies_per_paper.entry(p).or_insert(0) += 1;
    }
    let duplicates: usize = copies_per_paper.values().map(|n| n - 1).sum();
    let (mut found, mut linked, mut false_merges) = (0, 0, 0);
    for members in groups.values().filter(|m| m.len() > 1) {
        linked += members.len() - 1;
        let papers: HashSet<u32> = members.iter().map(|&i| paper[i]).collect();
        false_merges += papers.len() - 1;

        found += members.len() - papers.len();
    }
    (
        found as f64 / duplicates.max(1) as f64,
        1.0 - false_merges as f64 / linked.max(1) as f64,
    )
}

/// The records as RIS, to time a whole `screener import` on them.
fn write_ris(records: &[Record], path: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    for r in records {
        writeln!(out, "TY  - JOUR")?;
        writeln!(out, "TI  - {}", r.title)?;
        for a in &r.authors {
            writeln!(out, "AU  - {a}")?;
        }
        if let Some(y) = r.year {
            writeln!(out, "PY  - {y}")?;
        }
        writeln!(out, "JO  - {}", r.journal)?;
        writeln!(out, "VL  - {}", r.volume)?;
        writeln!(out, "IS  - {}", r.issue)?;
        if let Some((sp, ep)) = r.pages.split_once('-') {
            writeln!(out, "SP  - {sp}\nEP  - {ep}")?;
        }
        if !r.doi.is_empty() {
            writeln!(out, "DO  - {}", r.doi)?;
        }
        writeln!(out, "AB  - {}", r.abstract_text)?;
        writeln!(out, "ER  - \n")?;
    }
    out.flush()
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    if let Some(i) = args.iter().position(|a| a == "--write-ris") {
        // `--write-ris N FILE`: write N generated records and stop.
        let n: usize = args
            .get(i + 1)
            .and_then(|n| n.parse().ok())
            .unwrap_or(100_000);
        let path = args.get(i + 2).map_or("synthetic.ris", String::as_str);
        let (records, _) = generate(n);
        write_ris(&records, path).unwrap_or_else(|e| panic!("{path}: {e}"));
        println!("{n} records written to {path}");
        return;
    }
    let runs = args
        .iter()
        .position(|a| a == "--runs")
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or(3usize);
    let mut sizes: Vec<usize> = args
        .iter()
        .enumerate()
        .filter(|(i, _)| *i == 0 || args[i - 1] != "--runs")
        .filter_map(|(_, a)| a.parse().ok())
        .collect();
    if sizes.is_empty() {
        sizes = vec![10_000, 100_000, 1_000_000];
    }
    println!(
        "{:>9} {:>9} {:>8} {:>9} {:>10} {:>10} {:>12} {:>11} {:>10} {:>9}",
        "records",
        "linked",
        "recall",
        "precision",
        "wall ms",
        "cpu ms",
        "records/s",
        "cpu µs/rec",
        "cpu/clone",
        "peak MiB"
    );
    for n in sizes {
        let (records, paper) = generate(n);

        let before = peak_rss_mib();
        let mut times = Vec::new();
        let mut cpu = Vec::new();
        let mut clone_cpu = Vec::new();
        let mut linked = 0;
        let mut quality = (0.0, 0.0);
        for _ in 0..runs {
            let c = cpu_seconds();
            let mut rs = records.clone();
            clone_cpu.push(cpu_seconds() - c);
            let (t, c) = (Instant::now(), cpu_seconds());
            linked = dedup::link_duplicates(&mut rs);
            times.push(t.elapsed().as_secs_f64());
            cpu.push(cpu_seconds() - c);
            quality = score(&rs, &paper);
        }
        let (median, median_cpu) = (common::median(&mut times), common::median(&mut cpu));
        println!(
            "{:>9} {:>9} {:>7.2}% {:>8.2}% {:>10.0} {:>10.0} {:>12.0} {:>11.2} {:>10.1} {:>9.0}",
            n,
            linked,
            100.0 * quality.0,
            100.0 * quality.1,
            median * 1000.0,
            median_cpu * 1000.0,
            n as f64 / median,
            median_cpu * 1e6 / n as f64,
            median_cpu / common::median(&mut clone_cpu).max(1e-9),
            peak_rss_mib().max(before)
        );
    }
}
