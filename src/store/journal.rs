//! `PROJECT.journal`: one line per change since the last checkpoint,
//! `<crc32 hex> <RON of (seq, change)>\n`. A line is whole or it is not
//! there: a bad checksum or a missing newline marks a write cut short by a
//! crash, which is dropped and reported while every good line is kept.

use serde::{Deserialize, Serialize};

use super::migrate;
use crate::project::{Change, Project};

#[derive(Serialize, Deserialize)]
pub(super) struct JournalLine {
    pub seq: u64,
    pub change: Change,
}

/// One line, newline included.
pub(super) fn encode(seq: u64, change: &Change) -> Result<Vec<u8>, ron::Error> {
    let line = JournalLine {
        seq,
        change: change.clone(),
    };
    let body = ron::to_string(&line)?;
    // ron's compact form escapes newlines inside strings, so one change is
    // one line.
    debug_assert!(!body.contains('\n'));
    Ok(format!("{:08x} {body}\n", crc32fast::hash(body.as_bytes())).into_bytes())
}

/// Why a line without its newline was dropped.
pub(super) const INCOMPLETE: &str = "incomplete line (a write cut short by a crash)";

pub(super) fn decode(raw: &[u8], version: u32) -> Result<(u64, Change), String> {
    let Some(body) = raw.strip_suffix(b"\n") else {
        return Err(INCOMPLETE.into());
    };
    let text = std::str::from_utf8(body).map_err(|_| "not UTF-8".to_string())?;
    let (crc, ron_text) = text
        .split_once(' ')
        .ok_or_else(|| "no checksum".to_string())?;
    let crc = u32::from_str_radix(crc, 16).map_err(|_| "bad checksum field".to_string())?;
    if crc32fast::hash(ron_text.as_bytes()) != crc {
        return Err("checksum mismatch".into());
    }
    migrate::parse_entry(version, ron_text)
}

/// What folding a journal into a project found.
#[derive(Debug, Default)]
pub(super) struct Folded {
    pub applied: usize,
    pub dropped: Vec<(usize, String)>,
    /// The bytes of each dropped line, in the same order.
    pub dropped_raw: Vec<Vec<u8>>,
    /// Bytes up to the end of the last good line.
    pub valid_len: u64,
    /// The highest sequence number seen (the project's `journal_seq` if
    /// none is newer).
    pub last_seq: u64,
    /// The good lines newer than the project file, as they are on disk.
    pub unfolded: Vec<(u64, Vec<u8>)>,
}

/// Applies the journal `bytes`, written by a build of project version
/// `version`, to `project`. Lines the project file already holds (a crash
/// between a checkpoint's rename and the journal's emptying) are skipped by
/// their sequence number.
pub(super) fn fold(bytes: &[u8], version: u32, project: &mut Project) -> Folded {
    let mut out = Folded {
        last_seq: project.journal_seq,
        ..Folded::default()
    };
    let mut offset = 0usize;
    for (n, raw) in bytes.split_inclusive(|&b| b == b'\n').enumerate() {
        offset += raw.len();
        match decode(raw, version) {
            Ok((seq, change)) => {
                out.valid_len = offset as u64;
                if seq <= out.last_seq {
                    continue;
                }
                out.last_seq = seq;
                project.apply(&change);
                out.applied += 1;
                out.unfolded.push((seq, raw.to_vec()));
            }
            Err(why) => {
                out.dropped.push((n + 1, why));
                out.dropped_raw.push(raw.to_vec());
            }
        }
    }
    out
}
