//! Reading project files of every schema version this build knows, and
//! bringing them up to [`VERSION`].
//!
//! How to change the schema in a way `#[serde(default)]` cannot absorb:
//! 1. copy the current shapes that change into a module `vN` here (N = the
//!    current version), keeping their field names as they are on disk;
//! 2. bump `project::VERSION` and change the schema;
//! 3. add `N => upgrade_vN(parse::<vN::Project>(…))` to [`parse_project`] and
//!    the journal line's shape to [`parse_entry`].
//!
//! Read-only commands migrate in memory. `Store::open` writes the migrated
//! project at once (the old file becomes `PROJECT.bak`), so the journal
//! never mixes versions.
//!
//! Version 0 is the prototype's layout, which no release wrote: a decision
//! had `decision: "include" | "exclude" | "maybe"`, a separate `reasons`
//! list and `time` for the timestamp. It stays as the worked example of a
//! migration and its test.

use std::path::Path;

use serde::Deserialize;

use super::StoreError;
use crate::project::{Change, Decision, Project, VERSION, VERSION_RECORDS_FILE, Verdict};

/// The project in `text` at the current version, and the version the file
/// was written in.
pub(super) fn parse_project(path: &Path, text: &str) -> Result<(Project, u32), StoreError> {
    let version = sniff_version(text).or_else(|| {
        // `version` is not the first field (a hand-edited file): a full
        // pass that reads only it.
        ron::Options::default()
            .from_str::<IgnoreRest<VersionOnly>>(text)
            .ok()
            .map(|v| v.0.version)
    });
    match version {
        Some(v) if v > VERSION_RECORDS_FILE => Err(StoreError::TooNew(path.to_path_buf(), v)),
        // The same schema, its records in a file of their own
        // (`store::records`, which the caller reads).
        Some(VERSION_RECORDS_FILE) => {
            let project: Project = parse(path, text)?;
            if project.records_file.is_none() {
                return Err(StoreError::Migration {
                    path: path.to_path_buf(),
                    from: VERSION_RECORDS_FILE,
                    message: "a version 2 project file names its records file \
                              (`records_file`), and this one does not"
                        .into(),
                });
            }
            Ok((project, VERSION))
        }
        Some(0) => {
            let old: v0::Project = parse(path, text)?;
            Ok((upgrade_v0(path, old)?, 0))
        }
        Some(v) if v < VERSION => Err(StoreError::Migration {
            path: path.to_path_buf(),
            from: v,
            message: "this build has no migration from that version".into(),
        }),
        // The current version, or no readable version at all: the parse
        // error then says where the file goes wrong.
        _ => {
            let project: Project = parse(path, text)?;
            Ok((project, VERSION))
        }
    }
}

/// A journal line's RON as written by a build of project version
/// `version`: its sequence number and the change in today's terms.
pub(super) fn parse_entry(version: u32, text: &str) -> Result<(u64, Change), String> {
    if version == 0 {
        let line: v0::JournalLine =
            ron::from_str(text).map_err(|e| format!("unreadable entry: {e}"))?;
        let v0::Change::Decide(d) = line.change;
        let decision = upgrade_decision(d)?;
        return Ok((line.seq, Change::Decide(decision)));
    }
    let line: super::journal::JournalLine =
        ron::from_str(text).map_err(|e| format!("unreadable entry: {e}"))?;
    Ok((line.seq, line.change))
}

/// `text`, the file at `path`, as a `T`; a parse error names the place.
pub(super) fn parse<'a, T: Deserialize<'a>>(path: &Path, text: &'a str) -> Result<T, StoreError> {
    ron::Options::default()
        .from_str(text)
        .map_err(|e: ron::error::SpannedError| StoreError::Parse {
            path: path.to_path_buf(),
            line: e.span.start.line,
            col: e.span.start.col,
            message: e.code.to_string(),
        })
}

/// The version from the start of the file, `(` then `version: N`, as every
/// build writes it; `None` when the file does not start that way.
fn sniff_version(text: &str) -> Option<u32> {
    let t = text.trim_start().strip_prefix('(')?.trim_start();
    let t = t.strip_prefix("version")?.trim_start().strip_prefix(':')?;
    let t = t.trim_start();
    let end = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let rest = t[end..].trim_start();
    if end == 0 || !(rest.starts_with(',') || rest.starts_with(')')) {
        return None;
    }
    t[..end].parse().ok()
}

#[derive(Deserialize)]
struct VersionOnly {
    version: u32,
}

/// Deserializes `T` from a struct while ignoring fields `T` does not name.
struct IgnoreRest<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for IgnoreRest<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize(d).map(IgnoreRest)
    }
}

mod v0 {
    use serde::Deserialize;

    use crate::project::{Reason, Settings, Source, Stage};
    use crate::record_list::Records;

    #[derive(Deserialize)]
    pub struct Project {
        pub created: String,
        #[serde(default)]
        pub settings: Settings,
        #[serde(default)]
        pub reasons: Vec<Reason>,
        #[serde(default)]
        pub sources: Vec<Source>,
        #[serde(default)]
        pub records: Records,
        #[serde(default)]
        pub decisions: Vec<Decision>,
        #[serde(default)]
        pub journal_seq: u64,
    }

    #[derive(Deserialize)]
    pub struct Decision {
        pub record: String,
        pub reviewer: String,
        pub stage: Stage,
        pub decision: String,
        #[serde(default)]
        pub reasons: Vec<String>,
        #[serde(default)]
        pub note: String,
        pub time: String,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Change {
        Decide(Decision),
    }

    #[derive(Deserialize)]
    pub struct JournalLine {
        pub seq: u64,
        pub change: Change,
    }
}

fn upgrade_v0(path: &Path, old: v0::Project) -> Result<Project, StoreError> {
    let decisions = old
        .decisions
        .into_iter()
        .map(upgrade_decision)
        .collect::<Result<Vec<_>, String>>()
        .map_err(|message| StoreError::Migration {
            path: path.to_path_buf(),
            from: 0,
            message,
        })?;
    Ok(Project {
        version: VERSION,
        created: old.created,
        settings: old.settings,
        reasons: old.reasons,
        sources: old.sources,
        records: old.records,
        decisions,
        journal_seq: old.journal_seq,
        // Fields version 0 did not have start empty.
        ..Project::default()
    })
}

fn upgrade_decision(d: v0::Decision) -> Result<Decision, String> {
    let verdict = match d.decision.as_str() {
        "include" => Verdict::Include,
        "exclude" => Verdict::Exclude(d.reasons),
        "maybe" => Verdict::Maybe,
        "undecided" => Verdict::Cleared,
        other => {
            return Err(format!(
                "decision {other:?} on record {} is none of include, exclude, maybe, undecided",
                d.record
            ));
        }
    };
    Ok(Decision {
        record: d.record,
        reviewer: d.reviewer,
        stage: d.stage,
        verdict,
        note: d.note,
        tags: Vec::new(),
        at: d.time,
        rule: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_is_read_from_the_head_or_by_a_full_pass() {
        assert_eq!(
            sniff_version("(\n  version: 1,\n  created: \"x\")"),
            Some(1)
        );
        assert_eq!(sniff_version("  ( version : 12 )"), Some(12));
        assert_eq!(sniff_version("(created: \"x\", version: 1)"), None);
        assert_eq!(sniff_version("(version: 1x)"), None);
        let (p, v) = parse_project(Path::new("p.ron"), "(created: \"x\", version: 1)").unwrap();
        assert_eq!((p.version, v), (1, 1));
    }
}
