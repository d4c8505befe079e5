//! Deterministic synthetic records for benchmarks and scale tests: no
//! external data, the same records for the same seed on every machine.
//!
//! A record looks like a database export's: a title of about 12 words, an
//! abstract of about 250 words (a third of them structured with
//! `Background:`/`Methods:`/… labels), 3-8 authors (some with diacritics), a
//! journal, year, volume, issue, pages, a unique DOI, an ISSN, 3-8 keywords
//! and a couple of verbatim extra fields. Words are drawn from a fixed
//! vocabulary (common English and methods words first, then made-up ones)
//! with Zipf frequencies, so text compresses, wraps and searches like real
//! text does.
//!
//! Record `i` depends only on `(seed, i)`, so any slice of a large set can be
//! regenerated without the rest.
//!
//! ```
//! use screener::synth;
//! let rs: Vec<_> = synth::records(3, 42).collect();
//! assert_eq!(rs.len(), 3);
//! let mut ris = Vec::new();
//! synth::write_ris(&mut ris, rs).unwrap();
//! assert!(ris.starts_with(b"TY  - JOUR\n"));
//! ```

use std::io::{self, Write};
use std::sync::OnceLock;

use crate::project::{Project, Source};
use crate::record::{Field, Origin, Record};

/// `n` records from `seed`, without duplicates.
pub fn records(n: usize, seed: u64) -> impl Iterator<Item = Record> {
    let generator = Generator::new(seed);
    (0..n).map(move |i| generator.record(i))
}

/// `n` records as RIS text.
pub fn ris(n: usize, seed: u64) -> String {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = write_ris(&mut out, records(n, seed));
    String::from_utf8(out).unwrap_or_default()
}

/// A project holding `n` records from `seed`, as `screener import` of
/// `ris(n, seed)` would make it (keys, origins, one source), without going
/// through the importer: for store and screen benchmarks.
pub fn project(n: usize, seed: u64) -> Project {
    let mut project = Project::new();
    project.sources.push(Source {
        path: format!("synth-{n}-{seed}.ris"),
        format: "ris".into(),
        database: "Synth".into(),
        imported_at: project.created.clone(),
        records: n as u32,
        imported: n as u32,
        reported: 0,
        batch: 1,
        content_hash: String::new(),
    });
    project.records = records(n, seed)
        .enumerate()
        .map(|(i, mut r)| {
            r.key = r.derive_key();
            r.origin = Origin {
                source: 0,
                position: i as u32 + 1,
            };
            r
        })
        .collect();
    project
}

/// Makes records; see the module documentation.
#[derive(Debug, Clone)]
pub struct Generator {
    seed: u64,
    duplicates: f64,
}

impl Generator {
    pub fn new(seed: u64) -> Generator {
        Generator {
            seed,
            duplicates: 0.0,
        }
    }

    /// Makes about `fraction` of the records (0.0-1.0) copies of an earlier
    /// record as another database would export it: same DOI, the title in
    /// other case, no abstract or a shortened journal name.
    pub fn duplicates(mut self, fraction: f64) -> Generator {
        self.duplicates = fraction.clamp(0.0, 1.0);
        self
    }

    pub fn records(&self, n: usize) -> impl Iterator<Item = Record> + '_ {
        (0..n).map(|i| self.record(i))
    }

    /// Record number `i` (0-based).
    pub fn record(&self, i: usize) -> Record {
        let Some(mut j) = self.copy_of(i) else {
            return self.original(i);
        };
        // A copy of a copy is a copy of the original.
        while let Some(k) = self.copy_of(j) {
            j = k;
        }
        let mut copy = self.original(j);
        perturb(&mut copy, &mut Rng::for_record(!self.seed, i));
        copy
    }

    /// The earlier record that record `i` is a copy of, if it is one.
    fn copy_of(&self, i: usize) -> Option<usize> {
        if i == 0 || self.duplicates <= 0.0 {
            return None;
        }
        let mut rng = Rng::for_record(self.seed, i);
        if rng.unit() >= self.duplicates {
            return None;
        }
        Some(i - 1 - rng.below(i.min(5000) as u64) as usize)
    }

    fn original(&self, i: usize) -> Record {
        // Past the draws `copy_of` makes, so the original of a record is the
        // same with or without duplicates.
        let mut rng = Rng::for_record(self.seed, i);
        rng.next();
        rng.next();
        original(i, &mut rng)
    }
}

fn original(i: usize, rng: &mut Rng) -> Record {
    let v = vocabulary();
    let year = 1985 + rng.below(41) as i32;
    let journal_no = rng.below(JOURNALS as u64) as usize;
    let title_words = 9 + rng.below(7) as usize;
    let mut title = sentence(rng, v, title_words);
    if rng.below(4) == 0 {
        // A subtitle.
        let cut = title.rfind(' ').unwrap_or(0);
        let (head, tail) = title.split_at(cut);
        title = format!("{head}:{tail}");
    }
    if rng.below(50) == 0 {
        title = format!("\"{title}\" revisited");
    }
    let authors = (0..3 + rng.below(6)).map(|_| author(rng)).collect();
    let first_page = 1 + rng.below(2000);
    let pages = format!("{first_page}-{}", first_page + 3 + rng.below(25));
    let keywords = (0..3 + rng.below(6))
        .map(|_| {
            let n = 1 + rng.below(3) as usize;
            (0..n).map(|_| v.word(rng)).collect::<Vec<_>>().join(" ")
        })
        .collect();
    let doi = format!(
        "10.{}/{}.{year}.{i:07}",
        1000 + journal_no,
        journal_abbrev(journal_no)
            .to_ascii_lowercase()
            .replace(' ', "")
    );
    Record {
        kind: "JOUR".into(),
        title,
        abstract_text: abstract_text(rng, v),
        authors,
        year: Some(year),
        journal: journal_name(journal_no),
        volume: (1 + (year - 1985) / 2 + rng.below(3) as i32).to_string(),
        issue: (1 + rng.below(12)).to_string(),
        pages,
        doi,
        issn: format!("{:04}-{:04}", 1000 + journal_no, rng.below(10_000)),
        keywords,
        extra: vec![
            Field {
                tag: "LA".into(),
                value: if rng.below(20) == 0 {
                    "German"
                } else {
                    "English"
                }
                .into(),
            },
            Field {
                tag: "DB".into(),
                value: "Synth".into(),
            },
        ],
        ..Record::default()
    }
}

fn perturb(r: &mut Record, rng: &mut Rng) {
    match rng.below(3) {
        0 => r.title = r.title.to_uppercase(),
        1 => r.abstract_text.clear(),
        _ => r.journal = journal_abbrev_of(&r.journal),
    }
    r.extra.retain(|f| f.tag != "DB");
    r.extra.push(Field {
        tag: "DB".into(),
        value: "Synth copy".into(),
    });
}

/// Writes records as RIS (`TY` … `ER`), one tag per line, as database
/// exports do; `screener import` reads it back.
pub fn write_ris<W: Write>(
    mut out: W,
    records: impl IntoIterator<Item = Record>,
) -> io::Result<()> {
    let mut buf = String::with_capacity(4096);
    for r in records {
        buf.clear();
        push_ris(&r, &mut buf);
        out.write_all(buf.as_bytes())?;
    }
    out.flush()
}

/// Appends one record as RIS to `out`.
pub fn push_ris(r: &Record, out: &mut String) {
    let mut tag = |t: &str, v: &str| {
        if !v.is_empty() {
            out.push_str(t);
            out.push_str("  - ");
            out.push_str(v);
            out.push('\n');
        }
    };
    tag("TY", if r.kind.is_empty() { "JOUR" } else { &r.kind });
    for a in &r.authors {
        tag("AU", a);
    }
    tag("TI", &r.title);
    tag("T2", &r.journal);
    tag("PY", &r.year.map(|y| y.to_string()).unwrap_or_default());
    tag("VL", &r.volume);
    tag("IS", &r.issue);
    let (sp, ep) = r.pages.split_once('-').unwrap_or((&r.pages, ""));
    tag("SP", sp);
    tag("EP", ep);
    tag("SN", &r.issn);
    tag("DO", &r.doi);
    tag("AB", &r.abstract_text);
    for k in &r.keywords {
        tag("KW", k);
    }
    for f in &r.extra {
        tag(&f.tag, &f.value);
    }
    out.push_str("ER  - \n\n");
}

fn abstract_text(rng: &mut Rng, v: &Vocabulary) -> String {
    let target = 200 + rng.below(101) as usize;
    let structured = rng.below(3) == 0;
    let labels = ["Background", "Methods", "Results", "Conclusions"];
    let mut out = String::with_capacity(target * 8);
    let mut words = 0;
    let mut section = 0;
    while words < target {
        if structured && section < labels.len() && words >= section * target / labels.len() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(labels[section]);
            out.push(':');
            section += 1;
        }
        let n = 12 + rng.below(17) as usize;
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&sentence(rng, v, n));
        if rng.below(6) == 0 {
            // Numbers as abstracts have them.
            let (a, b) = (rng.below(900) + 10, rng.below(99));
            out.push_str(&match rng.below(4) {
                0 => format!(
                    " (n = {a}; mean {b}.{} ± {}.{})",
                    rng.below(10),
                    rng.below(9),
                    rng.below(10)
                ),
                1 => format!(
                    " (95% CI {b}.{}–{}.{}; p < 0.0{})",
                    rng.below(10),
                    b + 1,
                    rng.below(10),
                    1 + rng.below(5)
                ),
                2 => format!(
                    " Participants aged ≥{} years (n = {a}) were included.",
                    18 + rng.below(50)
                ),
                _ => format!(" Of {a} records, {} were eligible.", rng.below(a)),
            });
        }
        out.push('.');
        words += n;
    }
    out
}

/// `n` Zipf-drawn words, the first capitalised.
fn sentence(rng: &mut Rng, v: &Vocabulary, n: usize) -> String {
    let mut s = String::with_capacity(n * 8);
    for k in 0..n {
        let w = v.word(rng);
        if k == 0 {
            let mut chars = w.chars();
            if let Some(c) = chars.next() {
                s.extend(c.to_uppercase());
                s.push_str(chars.as_str());
            }
        } else {
            s.push(' ');
            s.push_str(w);
        }
    }
    s
}

const SURNAME_PARTS: &[&str] = &[
    "Ander", "Bau", "Chen", "Dal", "Eriks", "Fer", "Gar", "Hol", "Ivan", "Jo", "Kow", "Lind",
    "Mül", "Nak", "Olsz", "Pé", "Quin", "Ros", "Sch", "Tan", "Ueda", "Van", "Wat", "Xu", "Yil",
    "Zha", "Gonzá", "Ngu", "Smi", "Brow",
];
const SURNAME_ENDS: &[&str] = &[
    "son", "er", "man", "ez", "ski", "ura", "ová", "lez", "th", "en", "berg", "ini", "ović", "yen",
    "dóttir", "ler", "a", "mura", "wood", "ley",
];
const GIVEN: &[&str] = &[
    "A.", "B.", "C. J.", "D.", "E. M.", "F.", "G.", "H.", "I.", "J.", "K. L.", "L.", "M.", "N.",
    "O.", "P. R.", "R.", "S.", "T.", "Y.", "Z.", "Å.", "É.",
];

fn author(rng: &mut Rng) -> String {
    format!(
        "{}{}, {}",
        SURNAME_PARTS[rng.below(SURNAME_PARTS.len() as u64) as usize],
        SURNAME_ENDS[rng.below(SURNAME_ENDS.len() as u64) as usize],
        GIVEN[rng.below(GIVEN.len() as u64) as usize]
    )
}

const JOURNALS: usize = 400;
const JOURNAL_TOPICS: &[&str] = &[
    "Clinical",
    "Public Health",
    "Ecology",
    "Psychology",
    "Nursing",
    "Epidemiology",
    "Medicine",
    "Education",
    "Restoration",
    "Mental Health",
    "Pediatrics",
    "Oncology",
    "Rehabilitation",
    "Environmental Science",
    "Health Services",
    "Nutrition",
    "Gerontology",
    "Social Work",
    "Pharmacology",
    "Behavioral Science",
];
const JOURNAL_FORMS: &[&str] = &[
    "Journal of {}",
    "{} Research",
    "International Journal of {}",
    "Annals of {}",
    "{} Reviews",
    "BMC {}",
    "Advances in {}",
    "European Journal of {}",
    "{} Quarterly",
    "Journal of Applied {}",
    "Frontiers in {}",
    "{} Letters",
    "Current {}",
    "Archives of {}",
    "{} and Practice",
    "Scandinavian Journal of {}",
    "Acta {}",
    "{} Today",
    "Trends in {}",
    "Progress in {}",
];

fn journal_name(n: usize) -> String {
    let topic = JOURNAL_TOPICS[n % JOURNAL_TOPICS.len()];
    let form = JOURNAL_FORMS[(n / JOURNAL_TOPICS.len()) % JOURNAL_FORMS.len()];
    form.replace("{}", topic)
}

fn journal_abbrev(n: usize) -> String {
    journal_abbrev_of(&journal_name(n))
}

/// "Journal of Public Health" → "J Pub Hea".
fn journal_abbrev_of(name: &str) -> String {
    name.split_whitespace()
        .filter(|w| !matches!(*w, "of" | "and" | "in"))
        .map(|w| {
            w.chars()
                .take(if w.len() <= 4 { 4 } else { 3 })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Most frequent first: the Zipf rank is the position.
const COMMON: &[&str] = &[
    "the",
    "of",
    "and",
    "in",
    "to",
    "a",
    "with",
    "for",
    "was",
    "were",
    "patients",
    "study",
    "on",
    "that",
    "by",
    "as",
    "or",
    "is",
    "at",
    "from",
    "this",
    "than",
    "between",
    "are",
    "an",
    "treatment",
    "health",
    "care",
    "we",
    "results",
    "these",
    "group",
    "data",
    "after",
    "associated",
    "analysis",
    "among",
    "risk",
    "using",
    "outcomes",
    "participants",
    "effect",
    "higher",
    "clinical",
    "intervention",
    "randomized",
    "trial",
    "significant",
    "increased",
    "compared",
    "years",
    "time",
    "support",
    "based",
    "two",
    "use",
    "not",
    "have",
    "more",
    "during",
    "both",
    "mental",
    "which",
    "quality",
    "review",
    "evidence",
    "methods",
    "control",
    "women",
    "children",
    "age",
    "total",
    "factors",
    "model",
    "effects",
    "studies",
    "community",
    "population",
    "level",
    "reported",
    "systematic",
    "baseline",
    "cohort",
    "follow-up",
    "included",
    "primary",
    "adults",
    "survey",
    "life",
    "disease",
    "therapy",
    "levels",
    "lower",
    "program",
    "services",
    "outcome",
    "social",
    "practice",
    "also",
    "may",
    "be",
    "our",
    "peer",
    "workers",
    "recovery",
    "species",
    "habitat",
    "restoration",
    "soil",
    "forest",
    "gambling",
    "harm",
    "measures",
    "sample",
    "across",
    "prevalence",
    "exposure",
    "evaluation",
    "qualitative",
    "interviews",
    "mixed-methods",
    "findings",
    "approach",
    "design",
    "purpose",
    "however",
    "including",
    "within",
    "over",
    "without",
    "conclusion",
    "suggest",
    "there",
    "their",
    "but",
    "no",
    "one",
    "three",
    "most",
];
const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ne", "ro", "ta", "vi", "su", "pe", "do", "gra", "bri", "chlo", "stra",
    "phe", "tri", "mon", "sel", "dar", "qui", "nos", "lat", "ver", "gen", "ost", "ic", "al", "ine",
    "ase", "ism",
];
const VOCABULARY: usize = 30_000;

struct Vocabulary {
    words: Vec<String>,
    /// Cumulative Zipf weights (exponent 1), scaled to u64.
    cdf: Vec<u64>,
}

impl Vocabulary {
    fn word(&self, rng: &mut Rng) -> &str {
        let total = self.cdf.last().copied().unwrap_or(1);
        let x = rng.below(total);
        let i = self.cdf.partition_point(|&c| c <= x);
        &self.words[i.min(self.words.len() - 1)]
    }
}

fn vocabulary() -> &'static Vocabulary {
    static V: OnceLock<Vocabulary> = OnceLock::new();
    V.get_or_init(|| {
        let mut words: Vec<String> = COMMON.iter().map(|w| w.to_string()).collect();
        let mut seen: std::collections::HashSet<String> = words.iter().cloned().collect();
        let mut rng = Rng(0x5eed_0f70_0ca6);
        while words.len() < VOCABULARY {
            let n = 2 + rng.below(3) as usize;
            let w: String = (0..n)
                .map(|_| SYLLABLES[rng.below(SYLLABLES.len() as u64) as usize])
                .collect();
            if seen.insert(w.clone()) {
                words.push(w);
            }
        }
        let mut acc = 0u64;
        let cdf = (1..=words.len())
            .map(|rank| {
                acc += (1e9 / rank as f64) as u64;
                acc
            })
            .collect();
        Vocabulary { words, cdf }
    })
}

/// SplitMix64: small, fast, and the same everywhere (no platform RNG).
struct Rng(u64);

impl Rng {
    fn for_record(seed: u64, i: usize) -> Rng {
        let mut r = Rng(seed ^ (i as u64).wrapping_mul(0xA24B_AED4_963E_E407));
        r.next();
        r
    }

    fn next(&mut self) -> u64 {
        crate::splitmix::next(&mut self.0)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_records_and_any_record_alone() {
        let a: Vec<Record> = records(50, 7).collect();
        let b: Vec<Record> = records(50, 7).collect();
        assert_eq!(a, b);
        assert_eq!(Generator::new(7).record(37), a[37]);
        let c: Vec<Record> = records(50, 8).collect();
        assert_ne!(a, c);
    }

    #[test]
    fn records_have_the_promised_shape() {
        let rs: Vec<Record> = records(300, 1).collect();
        let words = |s: &str| s.split_whitespace().count();
        let mean_title = rs.iter().map(|r| words(&r.title)).sum::<usize>() / rs.len();
        let mean_abstract = rs.iter().map(|r| words(&r.abstract_text)).sum::<usize>() / rs.len();
        assert!((10..=14).contains(&mean_title), "{mean_title}");
        assert!((220..=300).contains(&mean_abstract), "{mean_abstract}");
        for r in &rs {
            assert!((3..=8).contains(&r.authors.len()));
            assert!((3..=8).contains(&r.keywords.len()));
            assert!(r.doi.starts_with("10."));
        }
        let dois: std::collections::HashSet<&str> = rs.iter().map(|r| r.doi.as_str()).collect();
        assert_eq!(dois.len(), rs.len(), "DOIs are unique");
        // Zipf: "the" (rank 1) is far more frequent than a rank-1000 word.
        let text: String = rs
            .iter()
            .map(|r| r.abstract_text.to_lowercase() + " ")
            .collect();
        let count = |w: &str| text.split_whitespace().filter(|t| *t == w).count();
        let rare = &vocabulary().words[1000];
        assert!(
            count("the") > 50 * count(rare).max(1),
            "{} {}",
            count("the"),
            count(rare)
        );
    }

    #[test]
    fn duplicates_share_a_doi_with_an_earlier_record() {
        let g = Generator::new(3).duplicates(0.2);
        let rs: Vec<Record> = g.records(500).collect();
        let mut seen = std::collections::HashSet::new();
        let dups = rs.iter().filter(|r| !seen.insert(r.doi.clone())).count();
        assert!((60..=140).contains(&dups), "{dups}");
        // Originals are unchanged by turning duplicates on.
        let plain: Vec<Record> = records(500, 3).collect();
        let same = rs.iter().zip(&plain).filter(|(a, b)| a == b).count();
        assert_eq!(same, 500 - dups);
    }

    #[test]
    fn the_importer_reads_back_what_was_written() {
        let rs: Vec<Record> = records(40, 5).collect();
        let mut text = Vec::new();
        write_ris(&mut text, rs.clone()).unwrap();
        let (format, parsed) = crate::import::parse(&text, None).unwrap();
        assert_eq!(format.name(), "ris");
        assert_eq!(parsed.records.len(), 40);
        assert_eq!(parsed.reported, 0);
        for (want, (_, got)) in rs.iter().zip(&parsed.records) {
            assert_eq!(got.title, want.title);
            assert_eq!(got.abstract_text, want.abstract_text);
            assert_eq!(got.authors, want.authors);
            assert_eq!(got.doi, want.doi);
            assert_eq!(got.year, want.year);
            assert_eq!(got.keywords, want.keywords);
        }
    }

    #[test]
    fn ris_has_one_ty_and_one_er_per_record() {
        let text = ris(25, 9);
        assert_eq!(text.lines().filter(|l| l.starts_with("TY  - ")).count(), 25);
        assert_eq!(text.lines().filter(|l| l.starts_with("ER  - ")).count(), 25);
        assert_eq!(text.lines().filter(|l| l.starts_with("AB  - ")).count(), 25);
    }
}
