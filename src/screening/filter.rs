//! Filters of the list (and of the records the record view walks): by
//! status, reason, tag, duplicates, import batch, year, language, or a
//! search. Active filters all apply (and). Their descriptions are the
//! rule a bulk action records.

use super::history::RecordState;
use crate::project::{Project, Verdict};
use crate::record::Record;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    Undecided,
    Included,
    Excluded,
    Maybe,
    NotRetrieved,
    /// Excluded for this reason id.
    Reason(String),
    Tag(String),
    /// Records that have duplicates linked to them.
    Duplicates,
    /// Imported in this batch or a later one.
    NewSince(u32),
    /// Year before this (records without a year are left out).
    YearBefore(i32),
    /// This year or later.
    YearFrom(i32),
    Language(String),
    /// Title, abstract or authors contain this (case-insensitive).
    Matching(String),
}

/// Filters of the same kind replace each other (one status at a time).
fn kind(f: &Filter) -> u8 {
    match f {
        Filter::Undecided
        | Filter::Included
        | Filter::Excluded
        | Filter::Maybe
        | Filter::NotRetrieved => 0,
        Filter::Reason(_) => 1,
        Filter::Tag(_) => 2,
        Filter::Duplicates => 3,
        Filter::NewSince(_) => 4,
        Filter::YearBefore(_) => 5,
        Filter::YearFrom(_) => 6,
        Filter::Language(_) => 7,
        Filter::Matching(_) => 8,
    }
}

/// Adds `f` to `filters`, replacing one of its kind.
pub fn add(filters: &mut Vec<Filter>, f: Filter) {
    filters.retain(|g| kind(g) != kind(&f));
    filters.push(f);
}

impl Filter {
    pub fn describe(&self, project: &Project) -> String {
        match self {
            Filter::Undecided => "undecided".into(),
            Filter::Included => "included".into(),
            Filter::Excluded => "excluded".into(),
            Filter::Maybe => "maybe".into(),
            Filter::NotRetrieved => "not retrieved".into(),
            Filter::Reason(id) => format!("excluded for {}", project.reason_label(id)),
            Filter::Tag(t) => format!("tagged {t}"),
            Filter::Duplicates => "with duplicates".into(),
            Filter::NewSince(b) => format!("imported in batch {b} or later"),
            Filter::YearBefore(y) => format!("year before {y}"),
            Filter::YearFrom(y) => format!("year {y} or later"),
            Filter::Language(l) => format!("language {l}"),
            Filter::Matching(q) => format!("matching \"{q}\""),
        }
    }

    /// Whether a record passes. `batch` is the record's import batch,
    /// `has_duplicates` whether records are linked to it; `Matching` is
    /// decided by the caller (it is precomputed once per query).
    pub fn passes(&self, r: &Record, s: &RecordState, batch: u32, has_duplicates: bool) -> bool {
        match self {
            Filter::Undecided => s.verdict.is_none(),
            Filter::Included => s.verdict == Some(Verdict::Include),
            Filter::Excluded => matches!(s.verdict, Some(Verdict::Exclude(_))),
            Filter::Maybe => s.verdict == Some(Verdict::Maybe),
            Filter::NotRetrieved => s.verdict == Some(Verdict::NotRetrieved),
            Filter::Reason(id) => {
                matches!(&s.verdict, Some(Verdict::Exclude(rs)) if rs.contains(id))
            }
            Filter::Tag(t) => s.tags.iter().any(|x| x == t),
            Filter::Duplicates => has_duplicates,
            Filter::NewSince(b) => batch >= *b,
            Filter::YearBefore(y) => r.year.is_some_and(|ry| ry < *y),
            Filter::YearFrom(y) => r.year.is_some_and(|ry| ry >= *y),
            Filter::Language(l) => language(r).is_some_and(|x| x.eq_ignore_ascii_case(l)),
            Filter::Matching(_) => true,
        }
    }
}

/// The record's language as its source wrote it (RIS and MEDLINE `LA`).
pub fn language(r: &Record) -> Option<&str> {
    r.extra
        .iter()
        .find(|f| f.tag.eq_ignore_ascii_case("la") || f.tag.eq_ignore_ascii_case("language"))
        .map(|f| f.value.trim())
        .filter(|v| !v.is_empty())
}

/// The rule a bulk action records: the active filters joined by "and".
pub fn rule(filters: &[Filter], project: &Project) -> String {
    filters
        .iter()
        .map(|f| f.describe(project))
        .collect::<Vec<_>>()
        .join(" and ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_filter_per_kind_and_rules_read_well() {
        let p = Project::new();
        let mut fs = Vec::new();
        add(&mut fs, Filter::Included);
        add(&mut fs, Filter::YearBefore(2000));
        add(&mut fs, Filter::Undecided);
        assert_eq!(fs, [Filter::YearBefore(2000), Filter::Undecided]);
        add(&mut fs, Filter::Language("ger".into()));
        assert_eq!(
            rule(&fs, &p),
            "year before 2000 and undecided and language ger"
        );
        let r = Record {
            year: Some(1999),
            ..Record::default()
        };
        let s = RecordState::default();
        assert!(Filter::YearBefore(2000).passes(&r, &s, 1, false));
        assert!(!Filter::YearFrom(2000).passes(&r, &s, 1, false));
        assert!(!Filter::YearBefore(2000).passes(&Record::default(), &s, 1, false));
        assert!(Filter::NewSince(2).passes(&r, &s, 3, false));
        assert!(!Filter::NewSince(2).passes(&r, &s, 1, false));
    }
}
