//! `PROJECT.journal.rejected`: journal lines that could not be read (a bad
//! checksum, a line cut short by a crash, text that does not parse), kept
//! before the journal drops them (invariant 6 of DESIGN.md: readable data
//! is never thrown away). Only ever appended to, never truncated; each
//! entry is two lines:
//!
//! ```text
//! # rejected 2026-11-26T10:31:07Z from review.ron.journal line 7: checksum mismatch
//! 0badc0de (seq: 7, change: decide((record: …)))
//! ```
//!
//! The second line is the journal line's bytes as they were (a missing
//! newline added). `screener recover` reads them back and shows what each
//! held. A line already kept (the same bytes) is not added again, so
//! opening a project twice before its next checkpoint adds nothing.

use std::collections::HashSet;
use std::io::{self, Write};
use std::path::Path;

use super::{Storage, journal_path, parent_dir, rejected_path};

const HEAD: &str = "# rejected ";

/// One kept line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// When it was kept (RFC 3339), as its header says.
    pub when: String,
    /// Its line number in the journal then.
    pub line: Option<usize>,
    /// Why it was rejected.
    pub why: String,
    /// The line as it was, without its newline.
    pub raw: Vec<u8>,
    /// Where the entry starts in the quarantine file (line number).
    pub at: usize,
}

/// Appends the journal lines `dropped` (line number, why, bytes) of the
/// project at `project` that are not kept yet, and makes them durable.
/// Returns how many were added.
pub(super) fn keep(
    fs: &dyn Storage,
    project: &Path,
    dropped: &[(usize, String, Vec<u8>)],
) -> io::Result<usize> {
    if dropped.is_empty() {
        return Ok(0);
    }
    let path = rejected_path(project);
    let existing = match fs.read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(e),
    };
    let mut known: HashSet<Vec<u8>> = parse(&existing).into_iter().map(|e| e.raw).collect();
    let journal = journal_path(project);
    let journal_name = journal.file_name().map_or_else(
        || journal.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let now = crate::project::now();
    let mut text = Vec::new();
    // A file that ends without a newline (a torn append) must not join the
    // next header to its last line.
    if existing.last().is_some_and(|&b| b != b'\n') {
        text.push(b'\n');
    }
    let mut added = 0;
    for (line, why, raw) in dropped {
        let raw = raw.strip_suffix(b"\n").unwrap_or(raw);
        if !known.insert(raw.to_vec()) {
            continue;
        }
        let why = why.replace('\n', " ");
        text.extend_from_slice(
            format!("{HEAD}{now} from {journal_name} line {line}: {why}\n").as_bytes(),
        );
        text.extend_from_slice(raw);
        text.push(b'\n');
        added += 1;
    }
    if added == 0 {
        return Ok(0);
    }
    let existed = fs.exists(&path);
    let mut f = fs.append(&path)?;
    f.write_all(&text)?;
    f.sync()?;
    if !existed {
        fs.sync_dir(&parent_dir(project))?;
    }
    Ok(added)
}

/// The entries of a quarantine file's bytes.
pub fn parse(bytes: &[u8]) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut lines = bytes.split(|&b| b == b'\n').enumerate().peekable();
    while let Some((n, line)) = lines.next() {
        if line.is_empty() && lines.peek().is_none() {
            break;
        }
        let header = std::str::from_utf8(line)
            .ok()
            .and_then(|l| l.strip_prefix(HEAD));
        let Some(header) = header else {
            // A line without its header (the file was edited): kept as is.
            out.push(Entry {
                when: String::new(),
                line: None,
                why: "no header".into(),
                raw: line.to_vec(),
                at: n + 1,
            });
            continue;
        };
        let (when, rest) = header.split_once(' ').unwrap_or((header, ""));
        let (place, why) = rest.split_once(": ").unwrap_or((rest, ""));
        let line_no = place
            .rsplit_once(" line ")
            .and_then(|(_, n)| n.trim().parse().ok());
        let raw = lines.next().map(|(_, l)| l.to_vec()).unwrap_or_default();
        out.push(Entry {
            when: when.to_string(),
            line: line_no,
            why: why.to_string(),
            raw,
            at: n + 1,
        });
    }
    out
}

/// The entries kept for the project at `project` (none if there is no
/// quarantine).
pub fn read(fs: &dyn Storage, project: &Path) -> io::Result<Vec<Entry>> {
    match fs.read(&rejected_path(project)) {
        Ok(bytes) => Ok(parse(&bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::sim::SimFs;

    #[test]
    fn lines_are_appended_once_and_read_back() {
        let fs = SimFs::new();
        let p = Path::new("/d/p.ron");
        let first = vec![
            (
                3,
                "checksum mismatch".to_string(),
                b"0badc0de (seq: 3)\n".to_vec(),
            ),
            (9, "incomplete line".to_string(), b"\xff\xfe torn".to_vec()),
        ];
        assert_eq!(keep(&fs, p, &first).unwrap(), 2);
        assert_eq!(keep(&fs, p, &first).unwrap(), 0, "already kept");
        let more = vec![(1, "x".to_string(), b"other".to_vec())];
        assert_eq!(keep(&fs, p, &more).unwrap(), 1);
        let entries = read(&fs, p).unwrap();
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[0].line, Some(3));
        assert_eq!(entries[0].why, "checksum mismatch");
        assert_eq!(entries[0].raw, b"0badc0de (seq: 3)");
        assert_eq!(entries[1].raw, b"\xff\xfe torn");
        assert_eq!(entries[1].at, 3);
        assert_eq!(entries[2].raw, b"other");
        // Everything was made durable.
        fs.power_cut();
        assert_eq!(read(&fs, p).unwrap().len(), 3);
    }
}
