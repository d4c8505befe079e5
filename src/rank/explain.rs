//! Why a record scored what it did: a linear model's score is the sum, over
//! the record's terms, of the term's weight times its TF-IDF value (plus
//! the intercept), so each term's part can be shown exactly, with where it
//! stands in the title and abstract for the screen to mark.

use std::collections::HashMap;

use super::features::{FeatureConfig, Kind, Matrix, record_terms};
use crate::record::Record;

/// Where a term stands in a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Title,
    Abstract,
    /// A keyword, by its index in `Record::keywords`.
    Keyword(usize),
    Journal,
}

/// A byte range of a field's text (`Record::title`,
/// `Record::abstract_text`); for a keyword or the journal, the whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub field: Field,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TermWeight {
    /// Lowercased: `beta`, `beta blockers` (a word pair), or a keyword.
    pub text: String,
    pub kind: Kind,
    /// What the term adds to the score (negative: pulls it down).
    pub weight: f32,
    /// Every place it stands, in reading order.
    pub spans: Vec<Span>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    /// The record's score: intercept + the parts of all its terms.
    pub score: f32,
    pub intercept: f32,
    /// The terms that pushed the score up most, largest first.
    pub up: Vec<TermWeight>,
    /// The terms that pushed it down most, most negative first.
    pub down: Vec<TermWeight>,
}

impl Explanation {
    /// `weights`: the weight of each of `row`'s terms, in the row's order.
    pub fn new(
        record: &Record,
        cfg: &FeatureConfig,
        x: &Matrix,
        row: usize,
        weights: &[f32],
        intercept: f32,
        n: usize,
    ) -> Explanation {
        let (ids, vals) = x.row(row);
        let part: HashMap<u32, f32> = ids
            .iter()
            .zip(vals)
            .zip(weights)
            .map(|((&i, &v), &w)| (i, w * v))
            .collect();
        let score = intercept + part.values().sum::<f32>();
        let id_of: HashMap<u32, u32> = ids.iter().map(|&i| (x.used[i as usize], i)).collect();
        let mut by_id: HashMap<u32, TermWeight> = HashMap::new();
        let mut order: Vec<u32> = Vec::new();
        for t in record_terms(record, cfg) {
            let Some(&id) = id_of.get(&t.bucket) else {
                continue;
            };
            let Some(&w) = part.get(&id) else {
                continue;
            };
            let span = Span {
                field: match t.field {
                    0 => Field::Title,
                    1 => Field::Abstract,
                    2 => Field::Keyword(t.start),
                    _ => Field::Journal,
                },
                start: t.start,
                end: t.end,
            };
            by_id
                .entry(id)
                .or_insert_with(|| {
                    order.push(id);
                    TermWeight {
                        text: t.text.clone(),
                        kind: t.kind,
                        weight: w,
                        spans: Vec::new(),
                    }
                })
                .spans
                .push(span);
        }
        let mut terms: Vec<TermWeight> = order
            .into_iter()
            .filter_map(|id| by_id.remove(&id))
            .collect();
        terms.sort_by(|a, b| b.weight.total_cmp(&a.weight));
        let up: Vec<TermWeight> = terms
            .iter()
            .filter(|t| t.weight > 0.0)
            .take(n)
            .cloned()
            .collect();
        let down: Vec<TermWeight> = terms
            .iter()
            .rev()
            .filter(|t| t.weight < 0.0)
            .take(n)
            .cloned()
            .collect();
        Explanation {
            score,
            intercept,
            up,
            down,
        }
    }
}
