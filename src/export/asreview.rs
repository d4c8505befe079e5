//! Records as the CSV ASReview LAB reads, so a review can move there:
//! its columns `title`, `abstract`, `authors`, `year`, `journal`, `doi`,
//! `url`, `keywords`, and `label_included` (1 include, 0 exclude or not
//! retrieved, empty while undecided or maybe: ASReview's "not labelled"),
//! then `screener_*` columns it keeps as they are.

use std::io::{self, Write};

use ::csv::WriterBuilder;

use super::decisions::{Entry, Outcome, facts};

pub const HEADER: [&str; 14] = [
    "title",
    "abstract",
    "authors",
    "year",
    "journal",
    "doi",
    "url",
    "keywords",
    "label_included",
    "screener_key",
    "screener_decision",
    "screener_stage",
    "screener_reasons",
    "screener_note",
];

pub fn write<W: Write>(out: W, entries: &[Entry]) -> io::Result<()> {
    let mut w = WriterBuilder::new().from_writer(out);
    w.write_record(HEADER)?;
    for e in entries {
        let r = e.record;
        let label = match e.outcome {
            Outcome::Include => "1",
            Outcome::Exclude | Outcome::NotRetrieved => "0",
            Outcome::Maybe | Outcome::Undecided => "",
        };
        let fact = |name: &str| {
            facts(e)
                .into_iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v)
                .unwrap_or_default()
        };
        w.write_record([
            r.title.as_str(),
            r.abstract_text.as_str(),
            // ASReview splits at `;` and keeps the spaces around.
            &r.authors.join(";"),
            &r.year.map(|y| y.to_string()).unwrap_or_default(),
            r.journal.as_str(),
            r.doi.as_str(),
            r.url.as_str(),
            &r.keywords.join(";"),
            label,
            r.key.as_str(),
            e.outcome.name(),
            &fact("stage"),
            &fact("reasons"),
            &fact("note"),
        ])?;
    }
    w.flush()?;
    Ok(())
}
