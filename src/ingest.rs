//! Adding parsed files to a project: keys, origins, sources, duplicate
//! links, and the per-file report of `screener import` (DESIGN.md, JSON
//! keys of `import`).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;

use serde::Serialize;

use crate::import::{self, Format, UnknownFormat, Warning};
use crate::phases;
use crate::project::{self, Project, Source};
use crate::record::{Origin, Record};

/// One file to import.
pub struct Input<'a> {
    /// The path as the user gave it; it names the source.
    pub path: String,
    pub bytes: &'a [u8],
    pub format: Option<Format>,
    /// The database it came from (`--source`); guessed when `None`.
    pub database: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    pub path: String,
    pub format: String,
    pub database: String,
    /// Records the file held; `imported + reported`.
    pub records: usize,
    pub imported: usize,
    pub reported: usize,
    pub with_title: usize,
    pub with_abstract: usize,
    pub with_doi: usize,
    /// Records of this file that duplicate a record imported before them:
    /// the sum of the three counts below.
    pub duplicates: usize,
    /// … of a record earlier in this file.
    pub duplicates_within_file: usize,
    /// … of a record of an earlier file of this run.
    pub duplicates_of_other_files: usize,
    /// … of a record already in the project before this run.
    pub duplicates_of_project: usize,
    pub warnings: Vec<Warning>,
    /// Set when the file was skipped whole because the same bytes were
    /// imported before: which file that was and when (`path on date`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub already_imported: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub files: Vec<FileReport>,
    pub records_added: usize,
    /// Duplicates in the whole project after this import.
    pub duplicates: usize,
    /// `duplicates` by the rule that linked each one (`doi`, `pmid`,
    /// `title`, `abstract`).
    pub duplicates_by_rule: BTreeMap<&'static str, usize>,
    pub total_records: usize,
}

#[derive(Debug)]
pub struct IngestError {
    pub path: String,
    pub error: UnknownFormat,
}

impl std::fmt::Display for IngestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The reason is the source (shown after a colon by `{:#}`).
        write!(f, "{}", self.path)
    }
}

impl std::error::Error for IngestError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// Parses every input first, so that a file in an unknown format leaves the
/// project unchanged, then adds all of them as one batch.
pub fn import_files(project: &mut Project, inputs: &[Input]) -> Result<ImportReport, IngestError> {
    let mut parsed_all = Vec::with_capacity(inputs.len());
    for input in inputs {
        let (format, parsed) =
            phases::time("decode+parse", || import::parse(input.bytes, input.format)).map_err(
                |error| IngestError {
                    path: input.path.clone(),
                    error,
                },
            )?;
        parsed_all.push((format, parsed));
    }
    let keys_phase = phases::start("keys");
    let batch = project.next_batch();
    let imported_at = project::now();
    let mut existing: HashSet<String> = project.records.iter().map(|r| r.key.clone()).collect();
    let mut reports = Vec::with_capacity(inputs.len());
    // Where each file's records went in `project.records`.
    let mut added: Vec<Range<usize>> = Vec::with_capacity(inputs.len());
    let before = project.records.len();
    let first_new_source = project.sources.len() as u32;
    // Files imported before, by the hash of their bytes, and what became
    // of them (for the warning).
    let mut seen_files: HashMap<String, (String, String)> = project
        .sources
        .iter()
        .filter(|s| !s.content_hash.is_empty())
        .map(|s| {
            (
                s.content_hash.clone(),
                (
                    format!("{} on {}", s.path, s.imported_at),
                    s.database.clone(),
                ),
            )
        })
        .collect();
    for (input, (format, mut parsed)) in inputs.iter().zip(parsed_all) {
        let source_index = project.sources.len() as u32;
        let records_in_file = parsed.total();
        let content_hash = file_hash(input.bytes);
        if let Some((before, database)) = seen_files.get(&content_hash) {
            // Imported again by mistake (or named twice): its records are
            // in the project already, and adding them again would only make
            // a copy of each to link as a duplicate. No `Source` either:
            // PRISMA would count its records as identified twice.
            // Only what is said of this import: the warnings of the file's
            // first import were shown then, and none of its records is
            // read now.
            let warnings = vec![Warning::new(
                0,
                format!("the same file (byte for byte) was imported before: {before}"),
                "skipped: no record of it added",
            )];
            reports.push(FileReport {
                path: input.path.clone(),
                format: format.name().to_string(),
                database: input.database.clone().unwrap_or_else(|| database.clone()),
                records: records_in_file,
                imported: 0,
                reported: records_in_file,
                with_title: 0,
                with_abstract: 0,
                with_doi: 0,
                duplicates: 0,
                duplicates_within_file: 0,
                duplicates_of_other_files: 0,
                duplicates_of_project: 0,
                warnings,
                already_imported: Some(before.clone()),
            });
            added.push(0..0);
            continue;
        }
        seen_files.insert(
            content_hash.clone(),
            (
                format!("{} in this import", input.path),
                input.database.clone().unwrap_or_default(),
            ),
        );
        // Each record's key depends on its content only (a key screener
        // exported with the record is content too): on all cores.
        // With it, which fields the report counts it has: read here, on
        // all cores, not in the loop below, which runs on one.
        let bases = phases::time("derive keys", || {
            import::pieces::map(&parsed.records, |(_, r)| (r.import_key(), filled(r)))
        });
        let _loop = phases::start("key loop");
        let records = std::mem::take(&mut parsed.records);
        let mut occurrences: HashMap<&str, u32> = HashMap::with_capacity(bases.len());
        existing.reserve(bases.len());
        let mut imported = 0usize;
        let (mut with_title, mut with_abstract, mut with_doi) = (0, 0, 0);
        // Collected in place: the parsed list's memory becomes the
        // project's, instead of a second list of the same size.
        let kept: Vec<Record> = records
            .into_iter()
            .zip(&bases)
            .map(|((_line, mut record), (base, filled))| {
                let n = occurrences.entry(base.as_str()).or_insert(0);
                *n += 1;
                // Identical records within one file stay (they are entries
                // of the file); the nth copy gets `~n` and is linked as a
                // duplicate.
                let mut key = if *n == 1 {
                    base.clone()
                } else {
                    format!("{base}~{n}")
                };
                // A record identical to one of another file (the same
                // reference exported by two tools, or a copy of it) is
                // kept under the next free `~n`, and linked as a duplicate.
                let mut copy = (*n).max(1);
                // `insert` is false when the key is taken: one lookup a try.
                while !existing.insert(key.clone()) {
                    copy += 1;
                    key = format!("{base}~{copy}");
                }
                imported += 1;
                with_title += usize::from(filled & TITLE != 0);
                with_abstract += usize::from(filled & ABSTRACT != 0);
                with_doi += usize::from(filled & DOI != 0);
                record.key = key;
                record.origin = Origin {
                    source: source_index,
                    position: imported as u32,
                };
                record
            })
            .collect();
        let start = project.records.len();
        if start == 0 {
            *project.records = kept;
        } else {
            project.records.extend(kept);
        }
        added.push(start..project.records.len());
        let database = input.database.clone().unwrap_or_else(|| {
            let guess = crate::database::guess(
                &project.records[project.records.len() - imported..],
                format,
            );
            match parsed.database.take() {
                Some(page) if guess.is_empty() => page,
                _ => guess,
            }
        });
        if let Some(seen) = seen_files.get_mut(&content_hash) {
            seen.1.clone_from(&database);
        }
        project.sources.push(Source {
            path: input.path.clone(),
            format: format.name().to_string(),
            database: database.clone(),
            imported_at: imported_at.clone(),
            records: records_in_file as u32,
            imported: imported as u32,
            reported: parsed.reported as u32,
            batch,
            content_hash,
        });
        reports.push(FileReport {
            path: input.path.clone(),
            format: format.name().to_string(),
            database,
            records: records_in_file,
            imported,
            reported: parsed.reported,
            with_title,
            with_abstract,
            with_doi,
            duplicates: 0,
            duplicates_within_file: 0,
            duplicates_of_other_files: 0,
            duplicates_of_project: 0,
            warnings: parsed.warnings,
            already_imported: None,
        });
    }
    drop(keys_phase);
    let _dedup = phases::start("dedup");
    let duplicates = project.relink_duplicates();
    count_duplicates(project, first_new_source, &mut reports, &added);
    let mut duplicates_by_rule = BTreeMap::new();
    for m in project
        .records
        .iter()
        .filter_map(|r| r.duplicate_match.as_ref())
    {
        *duplicates_by_rule.entry(m.rule.name()).or_insert(0) += 1;
    }
    Ok(ImportReport {
        files: reports,
        records_added: project.records.len() - before,
        duplicates,
        duplicates_by_rule,
        total_records: project.records.len(),
    })
}

/// The fields of a record that `FileReport` counts (`with_title`, …), as
/// bits.
const TITLE: u8 = 1;
const ABSTRACT: u8 = 2;
const DOI: u8 = 4;

fn filled(r: &Record) -> u8 {
    let has = |s: &str, bit: u8| if s.trim().is_empty() { 0 } else { bit };
    has(&r.title, TITLE) | has(&r.abstract_text, ABSTRACT) | has(&r.doi, DOI)
}

/// Per file of this run, its records that duplicate a record imported
/// before them, by where that earlier record is. "Before" is import order
/// (sources in order, then position in the file), so each group counts
/// all its members but the first one imported: whichever record is the
/// primary (the smallest key), the report says what the reviewer expects,
/// "the PubMed file brought 81 duplicates of the Scopus file".
fn count_duplicates(
    project: &Project,
    first_new_source: u32,
    reports: &mut [FileReport],
    added: &[Range<usize>],
) {
    // The first origin of each group that has duplicates, by the key of
    // its primary; a record alone is in no group here.
    let mut first_seen: HashMap<&str, Origin> = HashMap::new();
    for r in project.records.iter() {
        if let Some(group) = r.duplicate_of.as_deref() {
            first_seen
                .entry(group)
                .and_modify(|o| *o = (*o).min(r.origin))
                .or_insert(r.origin);
        }
    }
    for r in project.records.iter().filter(|r| r.duplicate_of.is_none()) {
        if let Some(o) = first_seen.get_mut(r.key.as_str()) {
            *o = (*o).min(r.origin);
        }
    }
    for (report, range) in reports.iter_mut().zip(added) {
        for r in &project.records[range.clone()] {
            let group = r.duplicate_of.as_deref().unwrap_or(r.key.as_str());
            let Some(&first) = first_seen.get(group) else {
                continue;
            };
            if first == r.origin {
                continue;
            }
            report.duplicates += 1;
            if first.source < first_new_source {
                report.duplicates_of_project += 1;
            } else if first.source == r.origin.source {
                report.duplicates_within_file += 1;
            } else {
                report.duplicates_of_other_files += 1;
            }
        }
    }
}

/// The database named by the records themselves (`DB`/`DP` fields, the
/// host of their URLs), or empty.
/// What names a file's content in [`Source::content_hash`].
pub fn file_hash(bytes: &[u8]) -> String {
    format!("xxh3-128:{:032x}", xxhash_rust::xxh3::xxh3_128(bytes))
}
