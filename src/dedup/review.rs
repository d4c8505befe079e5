//! What the duplicate review and the record view show of a group, in the
//! terms the detection used: why a link was made (the stored rule and
//! score), whether two names are one person as the detection compares
//! them, and a primary completed from its copies for display.

use super::sig;
use super::{DuplicateMatch, MatchRule};
use crate::record::Record;

impl DuplicateMatch {
    /// Why the link was made, in words: `same DOI`, `same PMID`, `similar
    /// title (97.3% alike)`, `similar abstract (95.0% alike; no title to
    /// compare)`. The rule and score are those stored at import, so the
    /// review says what the import reported.
    pub fn describe(&self) -> String {
        let alike = format!("{:.1}% alike", f64::from(self.score) / 10.0);
        match self.rule {
            MatchRule::Doi => "same DOI".into(),
            MatchRule::Pmid => "same PMID".into(),
            MatchRule::Title => format!("similar title, year and authors ({alike})"),
            MatchRule::Abstract => {
                format!("similar abstract ({alike}; a title missing or too short to compare)")
            }
        }
    }
}

/// The folded surname and the first initial of a name however written
/// (`Repper, Julie`, `Julie Repper`, `Repper J`, `J. Repper`).
fn parts(name: &str) -> (String, Option<char>) {
    let surname = sig::surname(name);
    let mut folded = String::new();
    sig::fold_words(surname, &mut folded);
    folded.retain(|c| c != ' ');
    let given = match name.split_once(',') {
        Some((_, given)) => given.trim(),
        None => {
            let at = name.find(surname).unwrap_or(0);
            let (before, after) = (&name[..at], &name[at + surname.len()..]);
            if before.trim().is_empty() {
                after.trim()
            } else {
                before.trim()
            }
        }
    };
    let initial = given
        .chars()
        .find(|c| c.is_alphabetic())
        .and_then(|c| c.to_lowercase().next());
    (folded, initial)
}

/// Whether two author names are one person as duplicate detection
/// compares them: the surnames (folded: accents, case, `van der`) agree
/// as databases spell them, and the first initials, when both names give
/// one, are the same. `Julie Repper` = `Repper, Julie` = `Repper J`.
pub fn same_person(a: &str, b: &str) -> bool {
    let ((sa, ia), (sb, ib)) = (parts(a), parts(b));
    !sa.is_empty() && super::pair::same_surname(&sa, &sb) && ia.zip(ib).is_none_or(|(x, y)| x == y)
}

/// Whether two author lists name the same people in the same order
/// ([`same_person`] pairwise).
pub fn same_authors(a: &[String], b: &[String]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_person(x, y))
}

/// A field of a primary that was empty and was taken from a copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Borrowed {
    /// `title`, `doi`, `pmid` or `abstract`.
    pub field: &'static str,
    /// The key of the copy it came from.
    pub from: String,
}

/// A primary as the screen shows it: its own fields, with the title, DOI,
/// PMID and abstract it lacks taken from a linked copy (the first copy in
/// key order that has one), and where each came from. Nothing is
/// written: the project keeps each record as its source gave it.
#[derive(Debug, Clone)]
pub struct Completed {
    pub record: Record,
    pub borrowed: Vec<Borrowed>,
}

/// The records linked to `primary` (its copies), in key order.
pub fn copies_of<'a>(records: &'a [Record], primary: &Record) -> Vec<&'a Record> {
    copy_indices(records, primary)
        .into_iter()
        .map(|i| &records[i])
        .collect()
}

/// Where [`copies_of`] are in `records`, in the same order.
pub fn copy_indices(records: &[Record], primary: &Record) -> Vec<usize> {
    let mut copies: Vec<usize> = (0..records.len())
        .filter(|&i| records[i].duplicate_of.as_deref() == Some(primary.key.as_str()))
        .collect();
    copies.sort_by(|&a, &b| records[a].key.cmp(&records[b].key));
    copies
}

/// `primary` completed from `copies` (see [`Completed`]).
pub fn complete(primary: &Record, copies: &[&Record]) -> Completed {
    let mut record = primary.clone();
    let mut borrowed = Vec::new();
    let mut take = |field: &'static str,
                    get: fn(&Record) -> &str,
                    set: &mut dyn FnMut(&mut Record, &Record)| {
        if !get(&record).trim().is_empty() {
            return;
        }
        if let Some(copy) = copies.iter().find(|c| !get(c).trim().is_empty()) {
            set(&mut record, copy);
            borrowed.push(Borrowed {
                field,
                from: copy.key.clone(),
            });
        }
    };
    take("title", |r| &r.title, &mut |r, c| {
        r.title.clone_from(&c.title)
    });
    take("doi", |r| &r.doi, &mut |r, c| r.doi.clone_from(&c.doi));
    take("pmid", |r| &r.pmid, &mut |r, c| r.pmid.clone_from(&c.pmid));
    take("abstract", |r| &r.abstract_text, &mut |r, c| {
        r.abstract_text.clone_from(&c.abstract_text);
        r.sections.clone_from(&c.sections);
    });
    Completed { record, borrowed }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_as_the_detection_does() {
        assert!(same_person("Julie Repper", "Repper, Julie"));
        assert!(same_person("Repper J", "Repper, Julie"));
        assert!(same_person("J. Repper", "REPPER, J."));
        assert!(same_person("Müller, Anna", "Muller A"));
        assert!(!same_person("Repper, Julie", "Repper, Karen"));
        assert!(!same_person("Repper, Julie", "Watson, Emma"));
        assert!(same_authors(
            &["Julie Repper".into(), "Emma Watson".into()],
            &["Repper, Julie".into(), "Watson, E.".into()]
        ));
    }

    #[test]
    fn the_stored_rule_is_described() {
        let m = DuplicateMatch {
            rule: MatchRule::Abstract,
            with: "k".into(),
            score: 953,
        };
        assert_eq!(
            m.describe(),
            "similar abstract (95.3% alike; a title missing or too short to compare)"
        );
    }

    #[test]
    fn a_primary_takes_what_it_lacks_from_a_copy_and_says_which() {
        let primary = Record {
            key: "a:1".into(),
            abstract_text: "Own abstract.".into(),
            ..Record::default()
        };
        let ris = Record {
            key: "doi:10.1/x~1".into(),
            title: "Peer support".into(),
            doi: "10.1/x".into(),
            abstract_text: "Other abstract.".into(),
            duplicate_of: Some("a:1".into()),
            ..Record::default()
        };
        let records = vec![primary.clone(), ris];
        let copies = copies_of(&records, &primary);
        let c = complete(&primary, &copies);
        assert_eq!(c.record.title, "Peer support");
        assert_eq!(c.record.doi, "10.1/x");
        assert_eq!(c.record.abstract_text, "Own abstract.");
        assert_eq!(
            c.borrowed,
            [
                Borrowed {
                    field: "title",
                    from: "doi:10.1/x~1".into()
                },
                Borrowed {
                    field: "doi",
                    from: "doi:10.1/x~1".into()
                }
            ]
        );
    }
}
