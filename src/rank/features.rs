//! Text features for the relevance ranking: TF-IDF over the words and word
//! pairs of title and abstract (and, as options, keywords, journal and
//! character n-grams), the way scikit-learn's `TfidfVectorizer` computes it
//! (tokens of two or more word characters, lowercased; sublinear term
//! frequency; smoothed idf; rows scaled to unit length).
//!
//! Terms are hashed into [`BUCKETS`] buckets instead of being collected into
//! a vocabulary: a vocabulary of word pairs at 100,000 records holds
//! millions of strings, a hash table of counts does not. A record's terms
//! are kept as packed `bucket << TF_BITS | count` words ([`Terms`]), which is
//! what the cache holds: idf and the values are recomputed from them in one
//! pass when records are added. Buckets that no kept term uses are dropped
//! and the rest numbered densely ([`Matrix::used`]), so the model's weights
//! are as long as the vocabulary actually in use.
//!
//! The strings behind a bucket are found again by tokenizing one record
//! ([`record_terms`]): that is how a score is explained with words.

use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::record::Record;

/// Bits of a term's bucket. 4M buckets: at 100,000 records the word pairs
/// that occur at least twice (about 2M) rarely share one.
pub const BUCKET_BITS: u32 = 22;
pub const BUCKETS: usize = 1 << BUCKET_BITS;
const TF_BITS: u32 = 32 - BUCKET_BITS;
const TF_MAX: u32 = (1 << TF_BITS) - 1;

/// Which terms a record contributes. The defaults are ASReview LAB's
/// default features (words and word pairs, sublinear tf, max_df 0.95)
/// plus the keywords; `docs/RANKING.md` says what was measured of them
/// (no cross-validation was recorded).
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureConfig {
    /// Word pairs (bigrams) besides single words.
    pub bigrams: bool,
    /// Each keyword (whole, lowercased) as a term of its own.
    pub keywords: bool,
    /// The journal's name as one term.
    pub journal: bool,
    /// Character n-grams of this length inside words (0: none).
    pub char_ngrams: usize,
    /// A term must occur in at least this many records.
    pub min_df: u32,
    /// A term in more than this fraction of records is dropped.
    pub max_df: f32,
    /// `1 + ln(tf)` instead of `tf`.
    pub sublinear_tf: bool,
}

impl Default for FeatureConfig {
    fn default() -> Self {
        FeatureConfig {
            bigrams: true,
            keywords: true,
            journal: false,
            char_ngrams: 0,
            min_df: 1,
            max_df: 0.95,
            sublinear_tf: true,
        }
    }
}

impl FeatureConfig {
    /// A number that changes whenever the terms a record gives change, so
    /// that a cache built with other settings is not used.
    pub fn fingerprint(&self) -> u64 {
        let s = format!(
            "v1 {} {} {} {} {}",
            self.bigrams, self.keywords, self.journal, self.char_ngrams, BUCKET_BITS
        );
        xxh3_64_with_seed(s.as_bytes(), 0)
    }
}

/// Where a term comes from; kept apart by the hash seed, so the word
/// "heart" and the keyword "heart" are different terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Word,
    Pair,
    Keyword,
    Journal,
    Chars,
}

impl Kind {
    fn seed(self) -> u64 {
        match self {
            Kind::Word => 0,
            Kind::Pair => 1,
            Kind::Keyword => 2,
            Kind::Journal => 3,
            Kind::Chars => 4,
        }
    }
}

fn bucket(h: u64) -> u32 {
    (h >> (64 - BUCKET_BITS)) as u32
}

fn pair_hash(a: u64, b: u64) -> u64 {
    // SplitMix's finaliser over the two word hashes: no string is built.
    let mut z = a.rotate_left(23) ^ b.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ Kind::Pair.seed();
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn word_hash(token: &str) -> u64 {
    xxh3_64_with_seed(token.as_bytes(), Kind::Word.seed())
}

/// Calls `f(start, end, lowercased)` for every token of `text`: a run of
/// two or more word characters (letters, digits, `_`), as scikit-learn's
/// default `(?u)\b\w\w+\b` finds them. `start..end` is the byte range in
/// `text`.
pub fn for_each_token(text: &str, mut f: impl FnMut(usize, usize, &str)) {
    let bytes = text.as_bytes();
    let mut buf = String::with_capacity(32);
    let mut i = 0;
    while i < bytes.len() {
        // Skip to the next word character.
        let b = bytes[i];
        if b < 0x80 {
            if !(b.is_ascii_alphanumeric() || b == b'_') {
                i += 1;
                continue;
            }
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            if !is_word_char(c) {
                i += c.len_utf8();
                continue;
            }
        }
        let start = i;
        buf.clear();
        let mut chars = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b < 0x80 {
                if b.is_ascii_alphanumeric() || b == b'_' {
                    buf.push(b.to_ascii_lowercase() as char);
                    i += 1;
                    chars += 1;
                    continue;
                }
                break;
            }
            let c = text[i..].chars().next().unwrap_or(' ');
            if !is_word_char(c) {
                break;
            }
            buf.extend(c.to_lowercase());
            i += c.len_utf8();
            chars += 1;
        }
        if chars >= 2 {
            f(start, i, &buf);
        }
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// One term of a record as the explanation shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct TermSpan {
    pub kind: Kind,
    pub bucket: u32,
    /// Lowercased: `beta`, `beta blockers`, or a whole keyword.
    pub text: String,
    /// Where it is: 0 title, 1 abstract, 2 keywords, 3 journal; and the
    /// byte range in that field (for a keyword, its index in `keywords`).
    pub field: u8,
    pub start: usize,
    pub end: usize,
}

/// Every term of `record` with its text and place, in reading order (the
/// explanation's way; [`Terms::of`] is the fast way to the same buckets).
pub fn record_terms(record: &Record, cfg: &FeatureConfig) -> Vec<TermSpan> {
    let mut out = Vec::new();
    for (field, text) in [(0u8, &record.title), (1u8, &record.abstract_text)] {
        let mut prev: Option<(u64, usize, String)> = None;
        for_each_token(text, |start, end, tok| {
            let h = word_hash(tok);
            out.push(TermSpan {
                kind: Kind::Word,
                bucket: bucket(h),
                text: tok.to_string(),
                field,
                start,
                end,
            });
            if cfg.bigrams {
                if let Some((ph, pstart, ptext)) = &prev {
                    out.push(TermSpan {
                        kind: Kind::Pair,
                        bucket: bucket(pair_hash(*ph, h)),
                        text: format!("{ptext} {tok}"),
                        field,
                        start: *pstart,
                        end,
                    });
                }
                prev = Some((h, start, tok.to_string()));
            }
        });
    }
    if cfg.keywords {
        for (i, k) in record.keywords.iter().enumerate() {
            if let Some(h) = keyword_hash(k) {
                out.push(TermSpan {
                    kind: Kind::Keyword,
                    bucket: bucket(h),
                    text: fold_phrase(k),
                    field: 2,
                    start: i,
                    end: i,
                });
            }
        }
    }
    if cfg.journal {
        if let Some(h) = journal_hash(&record.journal) {
            out.push(TermSpan {
                kind: Kind::Journal,
                bucket: bucket(h),
                text: fold_phrase(&record.journal),
                field: 3,
                start: 0,
                end: record.journal.len(),
            });
        }
    }
    out
}

/// Lowercased tokens joined by single spaces: "Heart Failure, Congestive"
/// and "heart failure congestive" are one keyword.
fn fold_phrase(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for_each_token(s, |_, _, t| {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(t);
    });
    out
}

fn keyword_hash(k: &str) -> Option<u64> {
    let f = fold_phrase(k);
    (!f.is_empty()).then(|| xxh3_64_with_seed(f.as_bytes(), Kind::Keyword.seed()))
}

fn journal_hash(j: &str) -> Option<u64> {
    let f = fold_phrase(j);
    (!f.is_empty()).then(|| xxh3_64_with_seed(f.as_bytes(), Kind::Journal.seed()))
}

/// A record's terms: packed `bucket << TF_BITS | count`, sorted by bucket.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Terms(pub Vec<u32>);

impl Terms {
    /// Tokenizes `record`; `scratch` is reused between records.
    pub fn of(record: &Record, cfg: &FeatureConfig, scratch: &mut Vec<u32>) -> Terms {
        scratch.clear();
        for text in [&record.title, &record.abstract_text] {
            let mut prev: Option<u64> = None;
            for_each_token(text, |_, _, tok| {
                let h = word_hash(tok);
                scratch.push(bucket(h));
                if cfg.bigrams {
                    if let Some(p) = prev {
                        scratch.push(bucket(pair_hash(p, h)));
                    }
                    prev = Some(h);
                }
                if cfg.char_ngrams > 0 {
                    char_grams(tok, cfg.char_ngrams, scratch);
                }
            });
        }
        if cfg.keywords {
            for k in &record.keywords {
                if let Some(h) = keyword_hash(k) {
                    scratch.push(bucket(h));
                }
            }
        }
        if cfg.journal {
            if let Some(h) = journal_hash(&record.journal) {
                scratch.push(bucket(h));
            }
        }
        scratch.sort_unstable();
        let mut packed = Vec::with_capacity(scratch.len() / 2 + 1);
        let mut i = 0;
        while i < scratch.len() {
            let b = scratch[i];
            let mut j = i + 1;
            while j < scratch.len() && scratch[j] == b {
                j += 1;
            }
            let tf = ((j - i) as u32).min(TF_MAX);
            packed.push((b << TF_BITS) | tf);
            i = j;
        }
        Terms(packed)
    }

    pub fn iter(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.0.iter().map(|&p| (p >> TF_BITS, p & TF_MAX))
    }
}

/// Character n-grams of a word padded with spaces (`" bet"`, …), like
/// scikit-learn's `char_wb` analyser.
fn char_grams(tok: &str, n: usize, out: &mut Vec<u32>) {
    let mut padded: Vec<char> = Vec::with_capacity(tok.len() + 2);
    padded.push(' ');
    padded.extend(tok.chars());
    padded.push(' ');
    if padded.len() < n {
        return;
    }
    let mut s = String::with_capacity(4 * n);
    for w in padded.windows(n) {
        s.clear();
        s.extend(w.iter());
        out.push(bucket(xxh3_64_with_seed(s.as_bytes(), Kind::Chars.seed())));
    }
}

/// The TF-IDF matrix: one row per record, unit length, compressed sparse
/// rows with dense feature ids.
#[derive(Debug, Clone, Default)]
pub struct Matrix {
    /// Row `i` is `ids[offsets[i]..offsets[i + 1]]` (and `vals`): its
    /// shared terms up to `shared[i]`, then its own.
    pub offsets: Vec<u32>,
    pub shared: Vec<u32>,
    pub ids: Vec<u32>,
    pub vals: Vec<f32>,
    /// The bucket of each feature id (ids in order of first use: see
    /// [`Matrix::build`]).
    pub used: Vec<u32>,
    /// Records each feature id occurs in.
    pub df: Vec<u32>,
    /// Ids below this are terms of two or more records.
    pub shared_features: usize,
}

impl Matrix {
    /// Builds the matrix from every record's terms.
    ///
    /// Feature ids: first the terms two or more records share, then the
    /// terms of one record only (most word pairs), each in the order they
    /// first occur, row by row. A term of one record only has weight 0
    /// until that record is decided (the weights are a sum over decided
    /// records), so scoring an undecided record reads only its shared
    /// terms ([`Matrix::shared_row`]): fewer values, and weights that fit
    /// in the cache. Numbered by first use, the terms a record brings sit
    /// next to each other, so this build and the scoring read the weights
    /// (and the idf) nearly in order instead of all over a table of a
    /// million.
    pub fn build(rows: &[Terms], cfg: &FeatureConfig) -> Matrix {
        const DROPPED: u32 = u32::MAX - 1;
        // Document frequencies are below 2^31; ids are told apart from
        // them by that bit (`DROPPED` has it too, and is tested first).
        const ID: u32 = 1 << 31;
        let n = rows.len();
        // Per bucket: its document frequency, then (once met) its id.
        let mut slot = vec![0u32; BUCKETS];
        for t in rows {
            for (b, _) in t.iter() {
                slot[b as usize] += 1;
            }
        }
        let max_df = (cfg.max_df as f64 * n as f64).floor().max(1.0) as u32;
        let min_df = cfg.min_df.max(1);
        // A set of one or two records keeps every term: with a fraction of
        // 0.95 of 1, nothing would be left.
        let kept = |d: u32| d >= min_df && (d <= max_df || n < 3);
        let (mut shared_n, mut own_n) = (0u32, 0u32);
        for &d in &slot {
            if d > 0 && kept(d) {
                if d >= 2 {
                    shared_n += 1;
                } else {
                    own_n += 1;
                }
            }
        }
        let features = (shared_n + own_n) as usize;
        let (mut next_shared, mut next_own) = (0u32, shared_n);
        let total: usize = rows.iter().map(|t| t.0.len()).sum();
        let mut m = Matrix {
            offsets: Vec::with_capacity(n + 1),
            shared: Vec::with_capacity(n),
            ids: Vec::with_capacity(total),
            vals: Vec::with_capacity(total),
            used: vec![0; features],
            df: vec![0; features],
            shared_features: shared_n as usize,
        };
        let mut idf = vec![0f32; features];
        // `1 + ln tf` for every count a term can have: no call per value.
        let tf_weight: Vec<f32> = (0..=TF_MAX)
            .map(|tf| {
                if cfg.sublinear_tf {
                    1.0 + (tf.max(1) as f32).ln()
                } else {
                    tf as f32
                }
            })
            .collect();
        let mut own: Vec<(u32, f32)> = Vec::new();
        m.offsets.push(0);
        for t in rows {
            let start = m.ids.len();
            let mut norm = 0.0f64;
            own.clear();
            for (b, tf) in t.iter() {
                let s = &mut slot[b as usize];
                let id = if *s == DROPPED {
                    continue;
                } else if *s & ID != 0 {
                    *s & !ID
                } else {
                    let d = *s;
                    if !kept(d) {
                        *s = DROPPED;
                        continue;
                    }
                    let next = if d >= 2 {
                        &mut next_shared
                    } else {
                        &mut next_own
                    };
                    let id = *next;
                    *next += 1;
                    *s = id | ID;
                    m.used[id as usize] = b;
                    m.df[id as usize] = d;
                    idf[id as usize] = (((1 + n) as f64 / (1 + d) as f64).ln() + 1.0) as f32;
                    id
                };
                let v = tf_weight[tf as usize] * idf[id as usize];
                norm += (v as f64) * (v as f64);
                if id < shared_n {
                    m.ids.push(id);
                    m.vals.push(v);
                } else {
                    own.push((id, v));
                }
            }
            m.shared.push(m.ids.len() as u32);
            for &(id, v) in &own {
                m.ids.push(id);
                m.vals.push(v);
            }
            if norm > 0.0 {
                let inv = (1.0 / norm.sqrt()) as f32;
                for v in &mut m.vals[start..] {
                    *v *= inv;
                }
            }
            m.offsets.push(m.ids.len() as u32);
        }
        m
    }

    pub fn rows(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    pub fn features(&self) -> usize {
        self.used.len()
    }

    /// Row `i`: feature ids and values.
    pub fn row(&self, i: usize) -> (&[u32], &[f32]) {
        let a = self.offsets[i] as usize;
        let b = self.offsets[i + 1] as usize;
        (&self.ids[a..b], &self.vals[a..b])
    }

    /// Row `i`'s terms that other records have too: all that counts in
    /// the score of an undecided record.
    pub fn shared_row(&self, i: usize) -> (&[u32], &[f32]) {
        let a = self.offsets[i] as usize;
        let b = self.shared[i] as usize;
        (&self.ids[a..b], &self.vals[a..b])
    }

    /// Bytes held, for the benchmark.
    pub fn heap_bytes(&self) -> usize {
        self.offsets.capacity() * 4
            + self.shared.capacity() * 4
            + self.ids.capacity() * 4
            + self.vals.capacity() * 4
            + self.used.capacity() * 4
            + self.df.capacity() * 4
    }
}

/// Every record's terms, on all cores.
pub fn terms_of(records: &[Record], cfg: &FeatureConfig) -> Vec<Terms> {
    crate::import::pieces::map_with(records, Vec::new, |scratch, r| Terms::of(r, cfg, scratch))
}

/// The matrix of records whose titles are `texts`, with no term dropped
/// for being common (tests of the model and the scoring).
#[cfg(test)]
pub fn matrix_of_titles<S: AsRef<str>>(texts: &[S]) -> Matrix {
    let cfg = FeatureConfig {
        max_df: 1.0,
        ..FeatureConfig::default()
    };
    let recs: Vec<Record> = texts
        .iter()
        .map(|t| Record {
            title: t.as_ref().to_string(),
            ..Record::default()
        })
        .collect();
    Matrix::build(&terms_of(&recs, &cfg), &cfg)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<String> {
        let mut v = Vec::new();
        for_each_token(text, |_, _, t| v.push(t.to_string()));
        v
    }

    #[test]
    fn tokens_are_runs_of_two_or_more_word_characters() {
        assert_eq!(
            tokens("Beta-blockers (β) in a CHF trial: n=2,e.g. Größe_x"),
            ["beta", "blockers", "in", "chf", "trial", "größe_x"]
        );
        let text = "Ab cd";
        let mut spans = Vec::new();
        for_each_token(text, |s, e, _| spans.push(&text[s..e]));
        assert_eq!(spans, ["Ab", "cd"]);
    }

    #[test]
    fn same_text_same_buckets_and_pairs_follow_words() {
        let cfg = FeatureConfig::default();
        let r = Record {
            title: "Heart failure".into(),
            abstract_text: "Heart failure, heart".into(),
            ..Record::default()
        };
        let t = Terms::of(&r, &cfg, &mut Vec::new());
        // heart×3, failure×2, "heart failure"×2, "failure heart"×1.
        let mut counts: Vec<u32> = t.iter().map(|(_, tf)| tf).collect();
        counts.sort_unstable();
        assert_eq!(counts, [1, 2, 2, 3]);
        let spans = record_terms(&r, &cfg);
        let pair = spans.iter().find(|s| s.text == "failure heart").unwrap();
        assert_eq!((pair.field, pair.start, pair.end), (1, 6, 20));
        assert!(t.iter().any(|(b, tf)| b == pair.bucket && tf == 1));
    }

    #[test]
    fn rows_are_unit_length_and_common_terms_weigh_less() {
        let cfg = FeatureConfig {
            bigrams: false,
            max_df: 1.0,
            ..FeatureConfig::default()
        };
        let recs: Vec<Record> = ["alpha beta", "alpha gamma", "alpha delta"]
            .iter()
            .map(|t| Record {
                title: t.to_string(),
                ..Record::default()
            })
            .collect();
        let rows = terms_of(&recs, &cfg);
        let m = Matrix::build(&rows, &cfg);
        assert_eq!(m.rows(), 3);
        assert_eq!(m.features(), 4);
        for i in 0..3 {
            let (_, v) = m.row(i);
            let norm: f32 = v.iter().map(|x| x * x).sum();
            assert!((norm - 1.0).abs() < 1e-5);
        }
        // idf(alpha) = ln(4/4) + 1 = 1; idf(beta) = ln(4/2) + 1.
        let (ids, vals) = m.row(0);
        let alpha = m
            .used
            .iter()
            .position(|&b| b == bucket(word_hash("alpha")))
            .unwrap() as u32;
        let pos = ids.iter().position(|&i| i == alpha).unwrap();
        let other = vals[1 - pos];
        assert!((vals[pos] / other - 1.0 / (2f32.ln() + 1.0)).abs() < 1e-5);
    }

    #[test]
    fn max_df_drops_terms_in_nearly_every_record() {
        let cfg = FeatureConfig {
            bigrams: false,
            ..FeatureConfig::default()
        };
        let recs: Vec<Record> = (0..40)
            .map(|i| Record {
                title: format!("the w{i}"),
                ..Record::default()
            })
            .collect();
        let m = Matrix::build(&terms_of(&recs, &cfg), &cfg);
        assert!(!m.used.contains(&bucket(word_hash("the"))));
        assert_eq!(m.features(), 40);
    }
}
