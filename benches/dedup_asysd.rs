//! Precision and recall of duplicate detection on the ASySD labelled set
//! (`labeled/asysd_labelled_dedup_test_set.csv` of the shared corpus).
//!
//! Run: `cargo bench --bench dedup_asysd` (add `-- --details FILE` to
//! write every false merge and miss to FILE). docs/DEDUP.md has the
//! numbers and what the false merges and misses are.
//!
//! The file labels each record `In_database` (kept) or `Duplicate_in_trash`
//! (`label`), and also `unique`/`duplicate` (`source`). Both are scored
//! the same way (the issue's definition):
//! - recall = share of the records labelled duplicate that end up in a
//!   group with another record;
//! - false merges = per group, the records labelled kept beyond the first;
//! - precision = 1 − false merges / records linked as duplicates.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use screener::dedup;
use screener::record::Record;

struct Row {
    label_keep: bool,
    source_keep: bool,
    record_id: String,
}

fn corpus() -> PathBuf {
    std::env::var_os("SCREENER_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"))
}

/// `Adeli K.Lewis G. F.` → `Adeli K.`, `Lewis G. F.`: this export runs the
/// names together; a name ends at a full stop followed by a capital.
fn split_authors(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_dot = false;
    for c in s.chars() {
        if prev_dot && c.is_uppercase() && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        cur.push(c);
        prev_dot = c == '.';
    }
    if !cur.trim().is_empty() {
        out.push(cur);
    }
    out.into_iter().map(|a| a.trim().to_string()).collect()
}

fn load() -> (Vec<Record>, Vec<Row>) {
    let path = corpus().join("labeled/asysd_labelled_dedup_test_set.csv");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    // Windows-1252 (not UTF-8): decode the whole file first.
    let (text, _, _) = encoding_rs::WINDOWS_1252.decode(&bytes);
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let headers = reader.headers().expect("header row").clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    let c = [
        "author",
        "title",
        "year",
        "journal",
        "abstract",
        "doi",
        "number",
        "pages",
        "volume",
        "isbn",
        "record_id",
        "label",
        "source",
    ]
    .map(col);
    let mut records = Vec::new();
    let mut rows = Vec::new();
    let mut seen: HashMap<String, u32> = HashMap::new();
    for row in reader.records() {
        let row = row.expect("csv row");
        let get = |i: usize| {
            let v = row.get(c[i]).unwrap_or("").trim();
            if v == "NA" { "" } else { v }.to_string()
        };
        let mut r = Record {
            authors: split_authors(&get(0)),
            title: get(1),
            year: get(2).parse().ok(),
            journal: get(3),
            abstract_text: get(4),
            doi: get(5),
            issue: get(6),
            pages: get(7),
            volume: get(8),
            issn: get(9),
            ..Record::default()
        };
        let base = r.derive_key();
        let n = seen.entry(base.clone()).or_insert(0);
        *n += 1;
        r.key = if *n == 1 { base } else { format!("{base}~{n}") };
        records.push(r);
        rows.push(Row {
            label_keep: get(11) == "In_database",
            source_keep: get(12) == "unique",
            record_id: get(10),
        });
    }
    (records, rows)
}

struct Score {
    duplicates: usize,
    found: usize,
    linked: usize,
    false_merges: usize,
}

impl Score {
    fn recall(&self) -> f64 {
        self.found as f64 / self.duplicates as f64
    }
    fn precision(&self) -> f64 {
        1.0 - self.false_merges as f64 / self.linked as f64
    }
}

fn score(groups: &HashMap<usize, Vec<usize>>, keep: &[bool]) -> Score {
    let mut s = Score {
        duplicates: keep.iter().filter(|k| !**k).count(),
        found: 0,
        linked: 0,
        false_merges: 0,
    };
    for members in groups.values() {
        if members.len() < 2 {
            continue;
        }
        s.linked += members.len() - 1;
        s.found += members.iter().filter(|&&i| !keep[i]).count();
        s.false_merges += members
            .iter()
            .filter(|&&i| keep[i])
            .count()
            .saturating_sub(1);
    }
    s
}

fn describe(r: &Record, row: &Row) -> String {
    format!(
        "  [{} label={} source={}] {} | {} | {:?} | {} {} {} | doi {} | {}\n",
        row.record_id,
        if row.label_keep { "keep" } else { "dup" },
        if row.source_keep { "keep" } else { "dup" },
        r.title.chars().take(110).collect::<String>(),
        r.authors.first().map_or("", |a| a.as_str()),
        r.year,
        r.journal.chars().take(30).collect::<String>(),
        r.volume,
        r.pages,
        r.doi,
        r.duplicate_match
            .as_ref()
            .map_or(String::new(), |m| format!("{} {}", m.rule.name(), m.score)),
    )
}

fn main() {
    let details = std::env::args().skip_while(|a| a != "--details").nth(1);
    let (mut records, rows) = load();
    let started = std::time::Instant::now();
    let linked = dedup::link_duplicates(&mut records);
    let took = started.elapsed();
    let index: HashMap<&str, usize> = records
        .iter()
        .enumerate()
        .map(|(i, r)| (r.key.as_str(), i))
        .collect();
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, r) in records.iter().enumerate() {
        let p = r.duplicate_of.as_deref().map_or(i, |k| index[k]);
        groups.entry(p).or_default().push(i);
    }
    let mut by_rule: HashMap<&str, usize> = HashMap::new();
    for r in &records {
        if let Some(m) = &r.duplicate_match {
            *by_rule.entry(m.rule.name()).or_insert(0) += 1;
        }
    }
    let mut rules: Vec<_> = by_rule.into_iter().collect();
    rules.sort();
    println!(
        "ASySD labelled set: {} records, {} linked as duplicates in {} groups of 2+ ({:?}), dedup {:.1} ms",
        records.len(),
        linked,
        groups.values().filter(|g| g.len() > 1).count(),
        rules,
        took.as_secs_f64() * 1000.0
    );
    println!(
        "{:<28} {:>6} {:>6} {:>7} {:>6} {:>9} {:>7}",
        "truth column", "dups", "found", "recall", "false", "precision", "linked"
    );
    for (name, keep) in [
        (
            "label (In_database)",
            rows.iter().map(|r| r.label_keep).collect::<Vec<_>>(),
        ),
        (
            "source (unique)",
            rows.iter().map(|r| r.source_keep).collect(),
        ),
    ] {
        let s = score(&groups, &keep);
        println!(
            "{:<28} {:>6} {:>6} {:>6.2}% {:>6} {:>8.2}% {:>7}",
            name,
            s.duplicates,
            s.found,
            100.0 * s.recall(),
            s.false_merges,
            100.0 * s.precision(),
            s.linked
        );
    }
    if let Some(path) = details {
        let mut out = String::new();
        for (name, keep) in [
            (
                "label",
                rows.iter().map(|r| r.label_keep).collect::<Vec<_>>(),
            ),
            ("source", rows.iter().map(|r| r.source_keep).collect()),
        ] {
            writeln!(
                out,
                "# false merges by {name}: groups with more than one kept record"
            )
            .unwrap();
            let mut gs: Vec<&Vec<usize>> = groups
                .values()
                .filter(|g| g.iter().filter(|&&i| keep[i]).count() > 1)
                .collect();
            gs.sort();
            for g in gs {
                out.push_str("group:\n");
                for &i in g {
                    out.push_str(&describe(&records[i], &rows[i]));
                }
            }
            writeln!(out, "# misses by {name}: duplicates left alone").unwrap();
            let mut alone: Vec<usize> = groups
                .values()
                .filter(|g| g.len() == 1)
                .map(|g| g[0])
                .filter(|&i| !keep[i])
                .collect();
            alone.sort_by(|&a, &b| records[a].title.cmp(&records[b].title));
            for i in alone {
                out.push_str(&describe(&records[i], &rows[i]));
            }
        }
        std::fs::write(&path, out).unwrap_or_else(|e| panic!("{path}: {e}"));
        println!("details in {path}");
    }
}
