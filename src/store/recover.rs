//! What a project's files still hold, and a repaired project made from
//! them (`screener recover`, `commands::recover`).
//!
//! Read, without changing anything:
//! - `PROJECT` as far as it goes: parsed whole if it can be; else cut into
//!   its parts ([`super::layout`]) and each record, decision, reason, source
//!   and field parsed on its own, so a damaged part loses only itself.
//!   Parts that read but differ from their checksum lines are listed too.
//! - `PROJECT.bak` the same way.
//! - `PROJECT.journal`: each line's sequence number and change, and the
//!   lines that cannot be read.
//! - `PROJECT.journal.rejected`: what each kept line held, read even when
//!   its checksum is wrong (flagged as possibly altered).
//!
//! Then three ways of repairing ([`Choice`]), each the project it would
//! give: `merged` (everything readable: the file's parts, the holes filled
//! from `.bak` in `.bak`'s order, then the journal's newer lines), `file`
//! (the file as read, then the journal) and `bak` (`.bak`, then the
//! journal). For each, what it would lose against everything readable
//! (quarantined lines included): decisions, records, other changes. The
//! journal's sequence numbers show gaps: a journal that starts after
//! `.bak`'s `journal_seq` + 1 means the changes between are only in the
//! project file (the checkpoint that made `.bak` the previous one folded
//! them in there).

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use super::layout::{self, Part};
use super::{Side, Storage, checksum, journal, migrate, quarantine};
use crate::project::{Change, Decision, DuplicateReview, Project, Reason, Source, VERSION};
use crate::record::Record;

/// A part of a file that was lost or is in doubt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trouble {
    pub line: usize,
    /// The part, in words (`record doi:…`, `the field settings`).
    pub what: String,
    pub why: String,
}

/// What a project file (`PROJECT` or `PROJECT.bak`) holds.
#[derive(Debug, Clone, Default)]
pub struct FileState {
    pub path: PathBuf,
    pub present: bool,
    /// Why it does not read whole (the parse error, or the read error).
    pub error: Option<String>,
    /// What could be read; `None` when nothing could.
    pub project: Option<Project>,
    /// Parts that could not be read, in file order.
    pub unreadable: Vec<Trouble>,
    /// Parts that read but are not what their checksum lines say.
    pub changed: Vec<Trouble>,
    /// The last journal change the file holds, when that could be read.
    pub journal_seq: Option<u64>,
    /// The schema version it was written in, when that could be read.
    pub version: Option<u32>,
}

/// One change in the journal or the quarantine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Line in its file.
    pub line: usize,
    pub seq: u64,
    pub change: Change,
}

#[derive(Debug, Clone, Default)]
pub struct JournalState {
    pub path: PathBuf,
    pub present: bool,
    pub error: Option<String>,
    pub entries: Vec<Entry>,
    /// Lines that cannot be read: (line, why).
    pub unreadable: Vec<(usize, String)>,
}

/// A quarantined line and what it held.
#[derive(Debug, Clone)]
pub struct Rejected {
    pub kept: quarantine::Entry,
    /// The change, if its text still reads.
    pub change: Option<(u64, Change)>,
    /// The line's checksum matches (it was rejected for another reason,
    /// such as a missing newline).
    pub checksum_ok: bool,
    /// Why its text does not read, if it does not.
    pub error: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct RejectedState {
    pub path: PathBuf,
    pub present: bool,
    pub error: Option<String>,
    pub entries: Vec<Rejected>,
}

/// A way of repairing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    Merged,
    File,
    Bak,
}

impl Choice {
    pub const ALL: [Choice; 3] = [Choice::Merged, Choice::File, Choice::Bak];

    pub fn name(self) -> &'static str {
        match self {
            Choice::Merged => "merged",
            Choice::File => "file",
            Choice::Bak => "bak",
        }
    }
}

/// Everything read.
#[derive(Debug, Clone)]
pub struct Findings {
    pub path: PathBuf,
    pub file: FileState,
    pub bak: FileState,
    pub journal: JournalState,
    pub rejected: RejectedState,
    /// Sequence gaps, in words.
    pub gaps: Vec<String>,
}

/// What one choice gives and loses.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub choice: Choice,
    /// `None` when the choice has nothing to start from (no `.bak`, or a
    /// file of which nothing could be read).
    pub project: Option<Project>,
    /// Journal (and quarantine) changes applied on top.
    pub applied: usize,
    pub lost_decisions: Vec<Decision>,
    pub lost_records: Vec<String>,
    /// Other changes lost, in words.
    pub lost_other: Vec<String>,
    /// Of `lost_decisions`, those that are only in the quarantine.
    pub lost_rejected_only: usize,
}

/// Reads the project at `path`, its `.bak`, journal and quarantine.
pub fn examine(fs: &dyn Storage, path: &Path) -> Findings {
    let file = read_file(fs, path);
    let bak = read_file(fs, &Side::Bak.of(path));
    let version = file.version.or(bak.version).unwrap_or(VERSION);
    let journal = read_journal(fs, &Side::Journal.of(path), version);
    let rejected = read_rejected(fs, path, version);
    let gaps = gaps(&file, &bak, &journal);
    Findings {
        path: path.to_path_buf(),
        file,
        bak,
        journal,
        rejected,
        gaps,
    }
}

fn read_file(fs: &dyn Storage, path: &Path) -> FileState {
    let mut state = FileState {
        path: path.to_path_buf(),
        ..FileState::default()
    };
    let Some(bytes) = read_present(fs, path, &mut state.present, &mut state.error) else {
        return state;
    };
    if let Ok(text) = std::str::from_utf8(&bytes) {
        match migrate::parse_project(path, text) {
            Ok((project, version)) => {
                state.journal_seq = Some(project.journal_seq);
                state.version = Some(version);
                state.changed = changed_parts(&bytes, |field, i| {
                    checksum::element_label(&project, field, i)
                });
                state.project = Some(project);
                fill_records(fs, path, &mut state);
                return state;
            }
            Err(e) => state.error = Some(first_line(&e.to_string())),
        }
    } else {
        state.error = Some("not UTF-8 throughout".into());
    }
    salvage(&bytes, &mut state);
    fill_records(fs, path, &mut state);
    state
}

/// A project file that keeps its records in a file of their own
/// (`store::records`) gets them from there, as the store reads them (that
/// file, or its `.bak` when that is the one named). A records file that is
/// there but not the one named, or does not parse, gives what can be read
/// of it record by record, each loss listed; without one at all the
/// project file is no project to repair from and counts as unreadable.
fn fill_records(fs: &dyn Storage, path: &Path, state: &mut FileState) {
    let Some(project) = state.project.as_mut() else {
        return;
    };
    let Some(file) = project.records_file.take() else {
        return;
    };
    project.version = VERSION;
    let e = match super::records::read(fs, path, &file) {
        Ok(read) => {
            project.records = read.records;
            return;
        }
        Err(e) => e,
    };
    let why = first_line(&e.to_string());
    let bytes = super::records::path_of(path, &file)
        .ok()
        .and_then(|at| fs.read(&at).ok());
    state.unreadable.push(Trouble {
        line: 1,
        what: format!("the records file {}", file.name),
        why: why.clone(),
    });
    state.error.get_or_insert(why);
    let Some(bytes) = bytes else {
        state.project = None;
        return;
    };
    let mut records: Elements<Record> = Elements::default();
    for (part, range, line) in layout::parts(&bytes) {
        let Part::Element { field, index } = part else {
            continue;
        };
        if field != "records" {
            continue;
        }
        let text = &bytes[range];
        if let Err(why) = element(text, index, &mut records) {
            state.unreadable.push(Trouble {
                line,
                what: format!("{} of {}", unread_label(&field, index, text), file.name),
                why,
            });
        }
    }
    project.records = records
        .items
        .into_iter()
        .map(|(_, r)| r)
        .collect::<Vec<_>>()
        .into();
}

/// The bytes at `path`, noting whether it is there and why it cannot be
/// read; `None` when there is nothing to read.
fn read_present(
    fs: &dyn Storage,
    path: &Path,
    present: &mut bool,
    error: &mut Option<String>,
) -> Option<Vec<u8>> {
    match fs.read(path) {
        Ok(b) => {
            *present = true;
            Some(b)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            *present = true;
            *error = Some(super::StoreError::io(path, e).to_string());
            None
        }
    }
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or_default().to_string()
}

/// Parts that differ from their checksum lines, named with `label`.
fn changed_parts(bytes: &[u8], label: impl Fn(&str, usize) -> String) -> Vec<Trouble> {
    checksum::differences(bytes)
        .unwrap_or_default()
        .into_iter()
        .map(|d| Trouble {
            line: d.line,
            what: checksum::describe(&d, &label),
            why: "it reads, but is not what screener wrote there".into(),
        })
        .collect()
}

/// The elements of one known list, as read: index → value.
struct Elements<T> {
    items: Vec<(usize, T)>,
}

impl<T> Default for Elements<T> {
    fn default() -> Self {
        Elements { items: Vec::new() }
    }
}

/// Reads what can be read of a file that does not parse whole.
fn salvage(bytes: &[u8], state: &mut FileState) {
    let parts = layout::parts(bytes);
    let mut records: Elements<Record> = Elements::default();
    let mut decisions: Elements<Decision> = Elements::default();
    let mut reasons: Elements<Reason> = Elements::default();
    let mut sources: Elements<Source> = Elements::default();
    let mut reviews: Elements<DuplicateReview> = Elements::default();
    // The head: every part but the elements of those lists, as RON text,
    // with the part each line range came from.
    let mut head: Vec<(Range<usize>, usize, String)> = Vec::new();
    let mut unreadable = Vec::new();
    for (part, range, line) in &parts {
        let text = &bytes[range.clone()];
        match part {
            Part::Element { field, index } => {
                let ok = match field.as_str() {
                    "records" => element(text, *index, &mut records),
                    "decisions" => element(text, *index, &mut decisions),
                    "reasons" => element(text, *index, &mut reasons),
                    "sources" => element(text, *index, &mut sources),
                    "duplicate_reviews" => element(text, *index, &mut reviews),
                    _ => {
                        head.push((range.clone(), *line, field.clone()));
                        continue;
                    }
                };
                if let Err(why) = ok {
                    unreadable.push(Trouble {
                        line: *line,
                        what: unread_label(field, *index, text),
                        why,
                    });
                }
            }
            Part::Field(name) => head.push((range.clone(), *line, name.clone())),
        }
    }
    let known = [
        "records",
        "decisions",
        "reasons",
        "sources",
        "duplicate_reviews",
    ];
    let project = read_head(bytes, &head, &known, &mut unreadable);
    let Some(mut project) = project else {
        state.unreadable = unreadable;
        return;
    };
    state.version = Some(project.version);
    project.records = records
        .items
        .iter()
        .map(|(_, r)| r.clone())
        .collect::<Vec<_>>()
        .into();
    project.decisions = decisions.items.iter().map(|(_, d)| d.clone()).collect();
    project.reasons = reasons.items.iter().map(|(_, r)| r.clone()).collect();
    project.sources = sources.items.iter().map(|(_, s)| s.clone()).collect();
    project.duplicate_reviews = reviews.items.iter().map(|(_, r)| r.clone()).collect();
    let label = |field: &str, i: usize| -> String {
        let find = |items: &[(usize, String)]| {
            items
                .iter()
                .find(|(at, _)| *at == i)
                .map(|(_, s)| s.clone())
        };
        let named = match field {
            "records" => find(
                &records
                    .items
                    .iter()
                    .map(|(at, r)| (*at, format!("record {}", r.key)))
                    .collect::<Vec<_>>(),
            ),
            "decisions" => find(
                &decisions
                    .items
                    .iter()
                    .map(|(at, d)| {
                        (
                            *at,
                            format!("decision {} ({})", at + 1, describe_decision(d)),
                        )
                    })
                    .collect::<Vec<_>>(),
            ),
            _ => None,
        };
        named.unwrap_or_else(|| format!("element {} of `{field}`", i + 1))
    };
    state.changed = changed_parts(bytes, label);
    // A part that could not be read is listed once, as unreadable.
    state
        .changed
        .retain(|c| !unreadable.iter().any(|u| u.line == c.line));
    unreadable.sort_by_key(|t| t.line);
    state.unreadable = unreadable;
    state.journal_seq =
        head_has(&head, "journal_seq", &state.unreadable).then_some(project.journal_seq);
    state.project = Some(project);
}

/// Whether the head field `name` was there and read.
fn head_has(head: &[(Range<usize>, usize, String)], name: &str, unreadable: &[Trouble]) -> bool {
    head.iter()
        .any(|(_, line, f)| f == name && !unreadable.iter().any(|t| t.line == *line))
}

fn element<T: DeserializeOwned>(
    text: &[u8],
    index: usize,
    out: &mut Elements<T>,
) -> Result<(), String> {
    let text = std::str::from_utf8(text).map_err(|_| "not UTF-8".to_string())?;
    let text = text.trim().trim_end_matches(',');
    let value = ron::Options::default()
        .from_str::<T>(text)
        .map_err(|e| format!("{}:{}: {}", e.span.start.line, e.span.start.col, e.code))?;
    out.items.push((index, value));
    Ok(())
}

/// Names an element that could not be read, from its text if possible.
fn unread_label(field: &str, index: usize, text: &[u8]) -> String {
    let text = String::from_utf8_lossy(text);
    let value_of = |name: &str| {
        let at = text.find(&format!("{name}: \""))? + name.len() + 3;
        let end = text[at..].find('"')?;
        Some(text[at..at + end].to_string())
    };
    match field {
        "records" => match value_of("key") {
            Some(k) => format!("record {k} (the {}. in the file)", index + 1),
            None => format!("record {} in the file", index + 1),
        },
        "decisions" => match (value_of("record"), value_of("reviewer")) {
            (Some(r), Some(by)) => format!("decision {} (record {r}, reviewer {by})", index + 1),
            _ => format!("decision {} in the file", index + 1),
        },
        other => format!("element {} of `{other}`", index + 1),
    }
}

/// The project from the head parts (known lists left empty): parts that
/// do not read are dropped one by one, naming them.
fn read_head(
    bytes: &[u8],
    head: &[(Range<usize>, usize, String)],
    known: &[&str],
    unreadable: &mut Vec<Trouble>,
) -> Option<Project> {
    let mut dropped: HashSet<usize> = HashSet::new();
    for _ in 0..=head.len() {
        let mut text = String::new();
        // Which head part each line of `text` came from.
        let mut origin: Vec<usize> = Vec::new();
        let mut fields: HashSet<&str> = HashSet::new();
        let mut open_list: Option<&str> = None;
        for (i, (range, _, field)) in head.iter().enumerate() {
            if dropped.contains(&i) {
                continue;
            }
            let Ok(part) = std::str::from_utf8(&bytes[range.clone()]) else {
                dropped.insert(i);
                continue;
            };
            let mut part = part.to_string();
            if field == ")" {
                continue;
            }
            if known.contains(&field.as_str()) {
                // The known lists are read element by element; here they
                // stay empty.
                if fields.insert(field.as_str()) {
                    part = format!("  {field}: [],\n");
                } else {
                    continue;
                }
            } else if field.is_empty() {
                part = "(\n".into();
            } else {
                fields.insert(field.as_str());
            }
            if !part.ends_with('\n') {
                part.push('\n');
            }
            // A list of an unknown field whose closing line was lost.
            let opens = part.trim_end().ends_with(": [");
            if part.trim_start().starts_with(']') {
                open_list = None;
            } else if opens {
                open_list = Some(field.as_str());
            } else if open_list.is_some_and(|f| f != field) {
                push(&mut text, &mut origin, "  ],\n", usize::MAX);
                open_list = None;
            }
            push(&mut text, &mut origin, &part, i);
        }
        if open_list.is_some() {
            push(&mut text, &mut origin, "  ],\n", usize::MAX);
        }
        if !text.starts_with('(') {
            text.insert_str(0, "(\n");
            origin.insert(0, usize::MAX);
        }
        // Required fields a damaged file may have lost.
        if !fields.contains("version") {
            push(
                &mut text,
                &mut origin,
                &format!("  version: {VERSION},\n"),
                usize::MAX,
            );
        }
        if !fields.contains("created") {
            push(&mut text, &mut origin, "  created: \"\",\n", usize::MAX);
        }
        push(&mut text, &mut origin, ")\n", usize::MAX);
        match ron::Options::default().from_str::<Project>(&text) {
            Ok(p) => return Some(p),
            Err(e) => {
                let line = e.span.start.line.saturating_sub(1);
                let &i = origin.get(line).filter(|&&i| i != usize::MAX)?;
                let (_, at, field) = &head[i];
                unreadable.push(Trouble {
                    line: *at,
                    what: if field.is_empty() {
                        "the start of the file".into()
                    } else {
                        format!("the field `{field}`")
                    },
                    why: e.code.to_string(),
                });
                dropped.insert(i);
            }
        }
    }
    None
}

fn push(text: &mut String, origin: &mut Vec<usize>, part: &str, from: usize) {
    text.push_str(part);
    origin.extend(std::iter::repeat_n(from, part.matches('\n').count()));
}

fn read_journal(fs: &dyn Storage, path: &Path, version: u32) -> JournalState {
    let mut state = JournalState {
        path: path.to_path_buf(),
        ..JournalState::default()
    };
    let Some(bytes) = read_present(fs, path, &mut state.present, &mut state.error) else {
        return state;
    };
    for (n, raw) in bytes.split_inclusive(|&b| b == b'\n').enumerate() {
        match journal::decode(raw, version) {
            Ok((seq, change)) => state.entries.push(Entry {
                line: n + 1,
                seq,
                change,
            }),
            Err(why) => state.unreadable.push((n + 1, why)),
        }
    }
    state
}

fn read_rejected(fs: &dyn Storage, project: &Path, version: u32) -> RejectedState {
    let path = Side::Rejected.of(project);
    let mut state = RejectedState {
        path: path.clone(),
        present: fs.exists(&path),
        ..RejectedState::default()
    };
    let entries = match quarantine::read(fs, project) {
        Ok(e) => e,
        Err(e) => {
            state.error = Some(super::StoreError::io(&path, e).to_string());
            return state;
        }
    };
    for kept in entries {
        let mut line = kept.raw.clone();
        line.push(b'\n');
        let rejected = match journal::decode(&line, version) {
            Ok(change) => Rejected {
                kept,
                change: Some(change),
                checksum_ok: true,
                error: None,
            },
            Err(_) => {
                // Read the text whatever its checksum says.
                let text = String::from_utf8_lossy(&kept.raw).into_owned();
                let body = text.split_once(' ').map_or(text.as_str(), |(_, b)| b);
                match migrate::parse_entry(version, body) {
                    Ok(change) => Rejected {
                        kept,
                        change: Some(change),
                        checksum_ok: false,
                        error: None,
                    },
                    Err(e) => Rejected {
                        kept,
                        change: None,
                        checksum_ok: false,
                        error: Some(e),
                    },
                }
            }
        };
        state.entries.push(rejected);
    }
    state
}

fn gaps(file: &FileState, bak: &FileState, journal: &JournalState) -> Vec<String> {
    let mut out = Vec::new();
    let first = journal.entries.iter().map(|e| e.seq).min();
    let jname = journal.path.display();
    for w in journal.entries.windows(2) {
        if w[1].seq > w[0].seq + 1 {
            out.push(format!(
                "{jname}: changes {} are missing between lines {} and {} (see the quarantine)",
                range_words(w[0].seq + 1, w[1].seq - 1),
                w[0].line,
                w[1].line
            ));
        }
    }
    if let (Some(b), true) = (bak.journal_seq, bak.project.is_some()) {
        let newer = first.or(file.journal_seq.filter(|&f| f > b).map(|f| f + 1));
        if let Some(start) = newer.filter(|&s| s > b + 1) {
            let in_file = match file.journal_seq {
                Some(f) if f >= start - 1 => format!("they are in {}", file.path.display()),
                _ => format!(
                    "they were folded into {}, which is where any of them can still be read",
                    file.path.display()
                ),
            };
            out.push(format!(
                "{} holds changes up to {b} and the journal starts at {start}: changes {} are in \
                 neither; {in_file}",
                bak.path.display(),
                range_words(b + 1, start - 1),
            ));
        }
    }
    if let (Some(f), Some(start)) = (file.journal_seq, first) {
        if start > f + 1 {
            out.push(format!(
                "{} holds changes up to {f} and the journal starts at {start}: changes {} are in \
                 neither",
                file.path.display(),
                range_words(f + 1, start - 1)
            ));
        }
    }
    if let (Some(f), Some(b)) = (file.journal_seq, bak.journal_seq) {
        if f < b {
            out.push(format!(
                "{} (changes up to {f}) is older than {} (up to {b})",
                file.path.display(),
                bak.path.display()
            ));
        }
    }
    out
}

fn range_words(a: u64, b: u64) -> String {
    if a == b {
        a.to_string()
    } else {
        format!("{a}–{b}")
    }
}

/// The identity of a history entry: all of it.
fn id<T: serde::Serialize>(x: &T) -> String {
    ron::to_string(x).unwrap_or_default()
}

/// `a` (the newer history, perhaps with holes) with what only `b` (an
/// older one) has put back in `b`'s order: each missing element of `b`
/// goes before the next element of `a` that follows it in `b`.
fn merge<T: Clone>(a: &[T], b: &[T], id: impl Fn(&T) -> String) -> Vec<T> {
    let in_a: HashSet<String> = a.iter().map(&id).collect();
    let mut at_b: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, y) in b.iter().enumerate() {
        at_b.entry(id(y)).or_default().push(i);
    }
    let mut out = Vec::with_capacity(a.len().max(b.len()));
    let mut next = 0;
    let fill = |out: &mut Vec<T>, upto: usize, next: &mut usize| {
        for y in &b[*next..upto] {
            if !in_a.contains(&id(y)) {
                out.push(y.clone());
            }
        }
        *next = upto;
    };
    for x in a {
        let found = at_b
            .get(&id(x))
            .and_then(|at| at.iter().copied().find(|&k| k >= next));
        if let Some(k) = found {
            fill(&mut out, k, &mut next);
            next = k + 1;
        }
        out.push(x.clone());
    }
    fill(&mut out, b.len(), &mut next);
    out
}

fn merged_base(file: &Project, bak: &Project) -> Project {
    let mut p = file.clone();
    p.records = merge(&file.records, &bak.records, |r: &Record| r.key.clone()).into();
    p.decisions = merge(&file.decisions, &bak.decisions, id);
    p.reasons = merge(&file.reasons, &bak.reasons, |r: &Reason| r.id.clone());
    p.sources = merge(&file.sources, &bak.sources, id);
    p.duplicate_reviews = merge(&file.duplicate_reviews, &bak.duplicate_reviews, id);
    p
}

impl Findings {
    /// The project `choice` gives, and how many changes were applied on
    /// top of its starting file.
    fn build(&self, choice: Choice, with_rejected: bool) -> Option<(Project, usize)> {
        let (mut base, seq) = match choice {
            Choice::File => (self.file.project.clone()?, self.file.journal_seq),
            Choice::Bak => (self.bak.project.clone()?, self.bak.journal_seq),
            Choice::Merged => match (&self.file.project, &self.bak.project) {
                // Without the file's own `journal_seq`, `.bak`'s is only a
                // floor: the file may hold more.
                (Some(f), Some(b)) => (merged_base(f, b), self.file.journal_seq),
                (Some(f), None) => (f.clone(), self.file.journal_seq),
                (None, Some(b)) => (b.clone(), self.bak.journal_seq),
                (None, None) => return None,
            },
        };
        let known_seq = seq.is_some();
        let floor = seq.or(self.bak.journal_seq).unwrap_or(0);
        let mut changes: Vec<(u64, &Change)> = self
            .journal
            .entries
            .iter()
            .map(|e| (e.seq, &e.change))
            .collect();
        if with_rejected {
            changes.extend(
                self.rejected
                    .entries
                    .iter()
                    .filter_map(|r| r.change.as_ref().map(|(s, c)| (*s, c))),
            );
        }
        changes.sort_by_key(|(s, _)| *s);
        let mut seen: HashSet<String> = if known_seq {
            HashSet::new()
        } else {
            base.decisions.iter().map(id).collect()
        };
        let mut applied = 0;
        let mut last = floor;
        let mut done_seqs = HashSet::new();
        for (s, change) in changes {
            if s <= floor || !done_seqs.insert(s) {
                continue;
            }
            // Without the file's own `journal_seq`, a change already in it
            // (by its every field) is not added twice.
            if !known_seq {
                let ids: Vec<String> = match change {
                    Change::Decide(d) => vec![id(d)],
                    Change::DecideMany(ds) => ds.iter().map(id).collect(),
                    _ => Vec::new(),
                };
                if !ids.is_empty() && ids.iter().all(|i| seen.contains(i)) {
                    continue;
                }
                seen.extend(ids);
            }
            base.apply(change);
            applied += 1;
            last = last.max(s);
        }
        base.journal_seq = base.journal_seq.max(last);
        Some((base, applied))
    }

    /// Everything readable, the quarantine included: what the choices are
    /// measured against.
    pub fn everything(&self) -> Option<Project> {
        self.build(Choice::Merged, true).map(|(p, _)| p)
    }

    pub fn outcome(&self, choice: Choice, with_rejected: bool) -> Outcome {
        let built = self.build(choice, with_rejected);
        let all = self.everything();
        let without_rejected = self.build(Choice::Merged, false).map(|(p, _)| p);
        let (project, applied) = match built {
            Some((p, n)) => (Some(p), n),
            None => (None, 0),
        };
        let mut out = Outcome {
            choice,
            project,
            applied,
            lost_decisions: Vec::new(),
            lost_records: Vec::new(),
            lost_other: Vec::new(),
            lost_rejected_only: 0,
        };
        let (Some(all), Some(p)) = (all, out.project.as_ref()) else {
            return out;
        };
        let have: HashSet<String> = p.decisions.iter().map(id).collect();
        let in_merged: HashSet<String> = without_rejected
            .as_ref()
            .map(|m| m.decisions.iter().map(id).collect())
            .unwrap_or_default();
        for d in &all.decisions {
            let i = id(d);
            if !have.contains(&i) {
                if !in_merged.contains(&i) {
                    out.lost_rejected_only += 1;
                }
                out.lost_decisions.push(d.clone());
            }
        }
        let keys: HashSet<&str> = p.records.iter().map(|r| r.key.as_str()).collect();
        out.lost_records = all
            .records
            .iter()
            .filter(|r| !keys.contains(r.key.as_str()))
            .map(|r| r.key.clone())
            .collect();
        out.lost_other = other_losses(&all, p);
        out
    }
}

/// Changes other than decisions and records that `p` lacks against `all`.
fn other_losses(all: &Project, p: &Project) -> Vec<String> {
    let mut out = Vec::new();
    for r in &all.reasons {
        match p.reasons.iter().find(|x| x.id == r.id) {
            None => out.push(format!("reason `{}` ({})", r.id, r.label)),
            Some(x) if x != r => out.push(format!("reason `{}` as it is now ({})", r.id, r.label)),
            Some(_) => {}
        }
    }
    if all.settings != p.settings {
        out.push("the settings as they are now".into());
    }
    if all.criteria != p.criteria {
        out.push("the inclusion criteria as they are now".into());
    }
    if all.highlight != p.highlight {
        out.push("the highlighted terms as they are now".into());
    }
    let reviews: HashSet<String> = p.duplicate_reviews.iter().map(id).collect();
    let lost = all
        .duplicate_reviews
        .iter()
        .filter(|r| !reviews.contains(&id(*r)))
        .count();
    if lost > 0 {
        out.push(format!("{lost} duplicate review(s)"));
    }
    let sources: HashSet<String> = p.sources.iter().map(id).collect();
    for s in &all.sources {
        if !sources.contains(&id(s)) {
            out.push(format!("the import of {}", s.path));
        }
    }
    out
}

/// A decision in a few words: `maybe on KEY by alice at T`.
pub fn describe_decision(d: &Decision) -> String {
    let verdict = match &d.verdict {
        crate::project::Verdict::Include => "include".to_string(),
        crate::project::Verdict::Exclude(r) if r.is_empty() => "exclude".to_string(),
        crate::project::Verdict::Exclude(r) => format!("exclude ({})", r.join(", ")),
        crate::project::Verdict::Maybe => "maybe".to_string(),
        crate::project::Verdict::NotRetrieved => "not retrieved".to_string(),
        crate::project::Verdict::Cleared => "undecided".to_string(),
    };
    format!(
        "{verdict} on {} by {}, {} ({})",
        d.record,
        d.reviewer,
        d.at,
        d.stage.label()
    )
}

/// A change in a few words.
pub fn describe_change(c: &Change) -> String {
    match c {
        Change::Decide(d) => describe_decision(d),
        Change::DecideMany(ds) => format!("{} decisions at once", ds.len()),
        Change::SetHighlight(_) => "new highlighted terms".into(),
        Change::SetCriteria(_) => "new inclusion criteria".into(),
        Change::AddReason(r) => format!("new reason `{}` ({})", r.id, r.label),
        Change::RenameReason { id, label } => format!("reason `{id}` renamed to {label}"),
        Change::MoveReason { id, index } => format!("reason `{id}` moved to {}", index + 1),
        Change::RetireReason { id, retired } => {
            format!(
                "reason `{id}` {}",
                if *retired { "retired" } else { "brought back" }
            )
        }
        Change::SetSettings(_) => "new settings".into(),
        Change::ReviewDuplicate(r) => format!(
            "duplicate link {} → {} {}",
            r.record,
            r.of,
            if r.split { "split" } else { "confirmed" }
        ),
    }
}

/// Where [`write_in_place`] put the copies, and what it wrote.
#[derive(Debug, Clone)]
pub struct Written {
    pub copies: PathBuf,
    pub copied: Vec<PathBuf>,
    /// Unreadable journal lines newly kept in the quarantine.
    pub quarantined: usize,
}

/// Replaces the project at `path` with `project`: first every file
/// `findings` read is copied into a new folder beside it
/// (`PROJECT.recovered-TIME`), and unreadable journal lines are kept in the
/// quarantine; then the project is written atomically (the file it replaces
/// becomes `.bak`, as at a checkpoint) and the journal, whose every
/// readable line the project now holds, is emptied. The caller holds the
/// project's lock.
pub fn write_in_place(findings: &Findings, project: &Project) -> std::io::Result<Written> {
    use std::io::Write;
    let path = &findings.path;
    let fs = super::RealFs;
    let stamp: String = crate::project::now()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    let mut copies = PathBuf::new();
    for n in 1..100 {
        let mut name = path.as_os_str().to_owned();
        name.push(format!(".recovered-{stamp}"));
        if n > 1 {
            name.push(format!("-{n}"));
        }
        copies = PathBuf::from(name);
        match std::fs::create_dir(&copies) {
            Ok(()) => break,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 99 => continue,
            Err(e) => return Err(e),
        }
    }
    let mut copied = Vec::new();
    for from in [
        path.clone(),
        Side::Bak.of(path),
        Side::Journal.of(path),
        Side::Rejected.of(path),
        Side::Records.of(path),
        Side::RecordsBak.of(path),
    ] {
        if !fs.exists(&from) {
            continue;
        }
        let Some(name) = from.file_name() else {
            continue;
        };
        let to = copies.join(name);
        fs.copy(&from, &to)?;
        copied.push(to);
    }
    fs.sync_dir(&copies)?;
    fs.sync_dir(&super::parent_dir(path))?;
    // What the journal held that cannot be read goes where such lines go.
    let jpath = Side::Journal.of(path);
    let quarantined = match fs.read(&jpath) {
        Ok(bytes) => {
            let lines: Vec<(usize, String, Vec<u8>)> = bytes
                .split_inclusive(|&b| b == b'\n')
                .enumerate()
                .filter_map(|(n, raw)| {
                    let version = findings.file.version.unwrap_or(VERSION);
                    journal::decode(raw, version)
                        .err()
                        .map(|why| (n + 1, why, raw.to_vec()))
                })
                .collect();
            quarantine::keep(&fs, path, &lines)?
        }
        Err(_) => 0,
    };
    super::write_atomic(path, project)?;
    if fs.exists(&jpath) {
        let mut j = fs.append(&jpath)?;
        j.set_len(0)?;
        j.sync()?;
        j.flush()?;
    }
    Ok(Written {
        copies,
        copied,
        quarantined,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histories_merge_in_order() {
        let a = ["a", "c", "d", "f"];
        let b = ["a", "b", "c", "e"];
        let got = merge(&a, &b, |s| s.to_string());
        assert_eq!(got, ["a", "b", "c", "d", "f", "e"]);
        assert_eq!(merge(&b, &[], |s| s.to_string()), b);
        assert_eq!(merge(&[], &b, |s: &&str| s.to_string()), b);
    }
}
