//! The project store: the RON project file, its append-only journal and the
//! atomic checkpoint that folds one into the other.
//!
//! - `PROJECT` is written only by [`write_atomic`]: temp file, fsync, the old
//!   file kept as `PROJECT.bak`, rename, fsync of the directory. A crash at
//!   any point leaves either the old or the new file, never a mix.
//! - `PROJECT.journal` holds one line per change since the last checkpoint:
//!   `<crc32 hex> <RON of JournalLine>`. A change is saved when its line has
//!   been fsynced. A line whose checksum or syntax is wrong at the end of the
//!   file is a torn write from a crash: dropped and reported.
//! - Each journal line carries a sequence number and the project file
//!   records the last one it folded in (`journal_seq`), so a crash between
//!   the rename and the journal truncation does not apply a change twice.

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::project::{Change, Project, VERSION};

/// A failure to open or read a project, worded for the user.
#[derive(Debug)]
pub enum StoreError {
    NotFound(PathBuf),
    Io(PathBuf, io::Error),
    Parse {
        path: PathBuf,
        line: usize,
        col: usize,
        message: String,
    },
    TooNew(PathBuf, u32),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::NotFound(p) => write!(
                f,
                "{}: no such project file; create it with `screener import {} FILE...`",
                p.display(),
                p.display()
            ),
            StoreError::Io(p, e) => write!(f, "{}: {e}", p.display()),
            StoreError::Parse {
                path,
                line,
                col,
                message,
            } => write!(
                f,
                "{}:{line}:{col}: not a readable project file: {message}\n\
                 The file was left as it is. The previous good checkpoint is {}: \
                 check it with `screener status {}`, and if it is right, copy it over \
                 the damaged file (keep a copy of both first).",
                path.display(),
                bak_path(path).display(),
                bak_path(path).display(),
            ),
            StoreError::TooNew(p, v) => write!(
                f,
                "{}: written by a newer screener (project version {v}, this build reads up to {VERSION}); \
                 upgrade screener to open it",
                p.display()
            ),
        }
    }
}

impl std::error::Error for StoreError {}

pub fn journal_path(path: &Path) -> PathBuf {
    side_path(path, "journal")
}

pub fn bak_path(path: &Path) -> PathBuf {
    side_path(path, "bak")
}

fn side_path(path: &Path, ext: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".");
    s.push(ext);
    PathBuf::from(s)
}

#[derive(Serialize, Deserialize)]
struct JournalLine {
    seq: u64,
    change: Change,
}

/// What was found in the journal when a project was opened.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct JournalReport {
    /// Changes applied from the journal.
    pub applied: usize,
    /// Lines that could not be read: `(line number, why)`. The last one is
    /// usually a write torn by a crash.
    pub dropped: Vec<(usize, String)>,
    /// Bytes of the journal that hold good lines; appending starts here.
    valid_len: u64,
    last_seq: u64,
}

/// Reads a project file and folds its journal in, without changing either.
pub fn load(path: &Path) -> Result<(Project, JournalReport), StoreError> {
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(StoreError::NotFound(path.to_path_buf()));
        }
        Err(e) => return Err(StoreError::Io(path.to_path_buf(), e)),
    };
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        let (line, col) = line_col(&bytes, e.valid_up_to());
        StoreError::Parse {
            path: path.to_path_buf(),
            line,
            col,
            message: "invalid UTF-8".into(),
        }
    })?;
    let mut project = parse_project(path, text)?;
    let report = fold_journal(path, &mut project)?;
    Ok((project, report))
}

fn parse_project(path: &Path, text: &str) -> Result<Project, StoreError> {
    // Read the version first so a newer file gets "upgrade" rather than a
    // confusing complaint about a field this build does not know.
    #[derive(Deserialize)]
    struct VersionOnly {
        version: u32,
    }
    let parse_err = |e: ron::error::SpannedError| StoreError::Parse {
        path: path.to_path_buf(),
        line: e.span.start.line,
        col: e.span.start.col,
        message: e.code.to_string(),
    };
    let opts = ron::Options::default();
    if let Ok(v) = opts.from_str::<IgnoreRest<VersionOnly>>(text) {
        if v.0.version > VERSION {
            return Err(StoreError::TooNew(path.to_path_buf(), v.0.version));
        }
    }
    let project: Project = opts.from_str(text).map_err(parse_err)?;
    if project.version == 0 {
        return Err(StoreError::Parse {
            path: path.to_path_buf(),
            line: 1,
            col: 1,
            message: "version 0 is not a project version".into(),
        });
    }
    Ok(project)
}

/// Deserializes `T` from a struct while ignoring fields `T` does not name.
struct IgnoreRest<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for IgnoreRest<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize(d).map(IgnoreRest)
    }
}

fn line_col(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let col = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, col)
}

fn fold_journal(path: &Path, project: &mut Project) -> Result<JournalReport, StoreError> {
    let jpath = journal_path(path);
    let bytes = match fs::read(&jpath) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(StoreError::Io(jpath, e)),
    };
    let mut report = JournalReport {
        last_seq: project.journal_seq,
        ..JournalReport::default()
    };
    let mut offset = 0usize;
    for (n, raw) in bytes.split_inclusive(|&b| b == b'\n').enumerate() {
        let line_no = n + 1;
        offset += raw.len();
        match parse_journal_line(raw) {
            Ok(line) => {
                report.valid_len = offset as u64;
                if line.seq <= report.last_seq {
                    // Already folded in by a checkpoint that crashed before
                    // emptying the journal.
                    continue;
                }
                report.last_seq = line.seq;
                project.apply(&line.change);
                report.applied += 1;
            }
            Err(why) => report.dropped.push((line_no, why)),
        }
    }
    Ok(report)
}

fn parse_journal_line(raw: &[u8]) -> Result<JournalLine, String> {
    let Some(body) = raw.strip_suffix(b"\n") else {
        return Err("incomplete line (a write cut short by a crash)".into());
    };
    let text = std::str::from_utf8(body).map_err(|_| "not UTF-8".to_string())?;
    let (crc, ron_text) = text
        .split_once(' ')
        .ok_or_else(|| "no checksum".to_string())?;
    let crc = u32::from_str_radix(crc, 16).map_err(|_| "bad checksum field".to_string())?;
    if crc32fast::hash(ron_text.as_bytes()) != crc {
        return Err("checksum mismatch".into());
    }
    ron::from_str(ron_text).map_err(|e| format!("unreadable entry: {e}"))
}

/// Writes `project` to `path` atomically and keeps the file it replaces as
/// `PATH.bak`. On error the existing file is untouched.
pub fn write_atomic(path: &Path, project: &Project) -> io::Result<()> {
    let dir = parent_dir(path);
    let tmp = side_path(path, "tmp");
    {
        let file = File::create(&tmp)?;
        let mut w = BufWriter::with_capacity(1 << 20, file);
        let config = ron::ser::PrettyConfig::new()
            .depth_limit(3)
            .indentor("  ")
            .struct_names(false);
        ron::Options::default()
            .to_io_writer_pretty(&mut w, project, config)
            .map_err(io::Error::other)?;
        w.write_all(b"\n")?;
        let file = w.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
    }
    if path.exists() {
        // Hard-link the current file as the backup (no copy of a large file),
        // via a temporary name so an old backup is replaced atomically.
        let bak = bak_path(path);
        let bak_tmp = side_path(path, "bak.tmp");
        let _ = fs::remove_file(&bak_tmp);
        if fs::hard_link(path, &bak_tmp).is_err() {
            fs::copy(path, &bak_tmp)?;
        }
        fs::rename(&bak_tmp, &bak)?;
    }
    fs::rename(&tmp, path)?;
    sync_dir(&dir)
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// An open project for writing: appends changes to the journal and folds
/// them into the project file on checkpoint.
pub struct Store {
    path: PathBuf,
    journal: File,
    last_seq: u64,
    /// Changes appended since the last checkpoint.
    pending: usize,
}

impl Store {
    /// Opens the project at `path` for writing. A torn journal tail is cut
    /// off here (it was reported by `load`) so new lines start clean.
    pub fn open(path: &Path) -> Result<(Project, Store, JournalReport), StoreError> {
        let (project, report) = load(path)?;
        let jpath = journal_path(path);
        let io_err = |e| StoreError::Io(jpath.clone(), e);
        let journal = OpenOptions::new()
            .create(true)
            .read(true)
            .write(true)
            .truncate(false)
            .open(&jpath)
            .map_err(io_err)?;
        let len = journal.metadata().map_err(io_err)?.len();
        if len != report.valid_len {
            journal.set_len(report.valid_len).map_err(io_err)?;
            journal.sync_all().map_err(io_err)?;
        }
        let pending = report.applied;
        let store = Store {
            path: path.to_path_buf(),
            journal,
            last_seq: report.last_seq,
            pending,
        };
        Ok((project, store, report))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one change and returns once it is on disk.
    pub fn append(&mut self, change: &Change) -> io::Result<()> {
        let line = JournalLine {
            seq: self.last_seq + 1,
            change: change.clone(),
        };
        let body = ron::to_string(&line).map_err(io::Error::other)?;
        debug_assert!(!body.contains('\n'));
        let text = format!("{:08x} {body}\n", crc32fast::hash(body.as_bytes()));
        // One write call per line so a crash tears at most the last line.
        use std::io::Seek;
        self.journal.seek(io::SeekFrom::End(0))?;
        self.journal.write_all(text.as_bytes())?;
        self.journal.sync_data()?;
        self.last_seq += 1;
        self.pending += 1;
        Ok(())
    }

    /// Changes appended since the last checkpoint.
    pub fn pending(&self) -> usize {
        self.pending
    }

    /// Folds the journal into the project file. `project` must hold every
    /// change appended so far.
    pub fn checkpoint(&mut self, project: &mut Project) -> io::Result<()> {
        project.journal_seq = self.last_seq;
        write_atomic(&self.path, project)?;
        self.journal.set_len(0)?;
        self.journal.sync_all()?;
        self.pending = 0;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::{Decision, Stage, Verdict};

    fn decision(record: &str, verdict: Verdict) -> Change {
        Change::Decide(Decision {
            record: record.into(),
            reviewer: "alice".into(),
            stage: Stage::TitleAbstract,
            verdict,
            note: "line one\nline two".into(),
            tags: vec![],
            at: "2026-11-26T10:00:00Z".into(),
        })
    }

    #[test]
    fn journal_survives_reopen_and_checkpoint() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.ron");
        write_atomic(&path, &Project::new()).unwrap();
        let (mut project, mut store, _) = Store::open(&path).unwrap();
        for (i, v) in [Verdict::Include, Verdict::Maybe].into_iter().enumerate() {
            let c = decision(&format!("k{i}"), v);
            store.append(&c).unwrap();
            project.apply(&c);
        }
        drop(store);
        let (reloaded, report) = load(&path).unwrap();
        assert_eq!(report.applied, 2);
        assert_eq!(reloaded, project);

        let (mut project, mut store, _) = Store::open(&path).unwrap();
        store.checkpoint(&mut project).unwrap();
        assert_eq!(fs::metadata(journal_path(&path)).unwrap().len(), 0);
        assert!(bak_path(&path).exists());
        let (again, report) = load(&path).unwrap();
        assert_eq!(report.applied, 0);
        assert_eq!(again.decisions.len(), 2);
    }

    #[test]
    fn torn_tail_is_dropped_reported_and_cut() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.ron");
        write_atomic(&path, &Project::new()).unwrap();
        let (_, mut store, _) = Store::open(&path).unwrap();
        store.append(&decision("a", Verdict::Include)).unwrap();
        drop(store);
        let mut j = OpenOptions::new()
            .append(true)
            .open(journal_path(&path))
            .unwrap();
        j.write_all(b"0badc0de (seq: 2, chan").unwrap();
        drop(j);
        let (p, report) = load(&path).unwrap();
        assert_eq!(p.decisions.len(), 1);
        assert_eq!(report.dropped.len(), 1);
        assert_eq!(report.dropped[0].0, 2);
        // Reopening for writing cuts the tail, and the next line is intact.
        let (_, mut store, _) = Store::open(&path).unwrap();
        store.append(&decision("b", Verdict::Maybe)).unwrap();
        let (p, report) = load(&path).unwrap();
        assert!(report.dropped.is_empty());
        assert_eq!(p.decisions.len(), 2);
    }

    #[test]
    fn checkpoint_crash_before_truncation_applies_nothing_twice() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.ron");
        write_atomic(&path, &Project::new()).unwrap();
        let (mut project, mut store, _) = Store::open(&path).unwrap();
        let c = decision("a", Verdict::Include);
        store.append(&c).unwrap();
        project.apply(&c);
        // The rename happened but the journal was not emptied.
        project.journal_seq = 1;
        write_atomic(&path, &project).unwrap();
        let (p, report) = load(&path).unwrap();
        assert_eq!(report.applied, 0);
        assert_eq!(p.decisions.len(), 1);
    }

    #[test]
    fn corrupt_and_newer_files_are_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.ron");
        fs::write(
            &path,
            "(\n  version: 1,\n  created: \"x\",\n  records: [oops],\n)",
        )
        .unwrap();
        let before = fs::read(&path).unwrap();
        let err = load(&path).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("p.ron:4:"), "{msg}");
        assert!(msg.contains("p.ron.bak"), "{msg}");
        assert_eq!(fs::read(&path).unwrap(), before);

        fs::write(&path, "(version: 7, created: \"x\", wormholes: 3)").unwrap();
        let msg = load(&path).unwrap_err().to_string();
        assert!(msg.contains("newer screener"), "{msg}");

        let missing = dir.path().join("nope.ron");
        assert!(matches!(load(&missing), Err(StoreError::NotFound(_))));
    }
}
