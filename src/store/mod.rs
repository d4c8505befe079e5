//! The project store: the RON project file, its append-only journal and the
//! atomic checkpoint that folds one into the other.
//!
//! - `PROJECT` is written only by [`write_atomic`]: temp file, fsync, the old
//!   file kept as `PROJECT.bak`, rename, fsync of the directory. A crash at
//!   any point leaves either the old or the new file, never a mix.
//! - `PROJECT.journal` holds one line per change since the last checkpoint
//!   (`journal`). A change is saved when its line has been fsynced. A torn
//!   line from a crash is dropped and reported; a failed write is cut off
//!   before the next one, so it can never swallow a later line.
//! - Each journal line carries a sequence number and the project file
//!   records the last one it folded in (`journal_seq`), so a crash between
//!   the rename and the journal's emptying does not apply a change twice.
//! - `PROJECT.lock` ([`crate::lock`]): [`Store::open`] and [`Store::create`]
//!   hold it; only one process writes a project at a time.
//! - Every file operation goes through [`Storage`], so tests can run the
//!   store on a disk that fails on demand or loses power ([`sim`]).
//! - [`writer`] runs appends (group commit) and checkpoints on background
//!   threads for the screen.

mod abstracts_on_disk;
pub mod cache;
pub mod checksum;
mod fs;
mod journal;
mod layout;
mod migrate;
pub mod quarantine;
pub mod records;
pub mod recover;
pub mod ronfmt;
pub mod side;
pub mod sim;
pub mod writer;

use std::fmt;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use fs::{Bytes, Digest, EarlySync, RealFs, Stamp, Storage, WriteFile, real};

use crate::lock::{self, LockError, ProjectLock};
use crate::project::{Change, Project, VERSION};
use cache::Holds;

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
    Migration {
        path: PathBuf,
        from: u32,
        message: String,
    },
    Exists(PathBuf),
    /// A journal without its project file: decisions of a project that was
    /// moved or deleted, which a new project must not pick up.
    OrphanJournal(PathBuf),
    Locked(LockError),
    /// A side file's name holds a link or something not a regular file.
    Side(side::Refused),
    /// The project file is a link that names nothing.
    Dangling(side::Dangling),
    /// The records file the project file names cannot be used.
    Records {
        path: PathBuf,
        records: PathBuf,
        why: String,
    },
}

impl StoreError {
    /// `e` from an operation on `path`, as the refusal it is when a link
    /// where a side file should be made it fail.
    pub fn io(path: &Path, e: io::Error) -> StoreError {
        match side::refused(&e) {
            Some(r) => StoreError::Side(r.clone()),
            None => StoreError::Io(path.to_path_buf(), e),
        }
    }
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
            StoreError::Io(p, _) => write!(f, "{}", p.display()),
            StoreError::Parse {
                path,
                line,
                col,
                message,
            } => {
                write!(
                    f,
                    "{}:{line}:{col}: not a readable project file: {message}\n\
                     The file was left as it is.",
                    path.display(),
                )?;
                // Only files that are there now are named (this is shown
                // when the damage is found, and the advice must be true).
                let others: Vec<String> = [Side::Bak, Side::Journal, Side::Rejected]
                    .iter()
                    .map(|s| s.of(path))
                    .filter(|p| p.is_file())
                    .map(|p| p.display().to_string())
                    .collect();
                let also = if others.is_empty() {
                    String::new()
                } else {
                    format!(" and {}", others.join(", "))
                };
                write!(
                    f,
                    " `screener recover {p}` reads what is left of it{also}, and says which \
                     decisions each holds and which each way of repairing would lose; \
                     `screener recover {p} --write` then repairs it, keeping a copy of every \
                     file it read.",
                    p = path.display(),
                )
            }
            StoreError::TooNew(p, v) => write!(
                f,
                "{}: written by a newer screener (project version {v}, this build reads up to {}); \
                 upgrade screener to open it",
                p.display(),
                crate::project::VERSION_RECORDS_FILE
            ),
            StoreError::Migration {
                path,
                from,
                message,
            } => write!(
                f,
                "{}: cannot bring this version {from} project up to version {VERSION}: {message}. \
                 The file was left as it is.",
                path.display()
            ),
            StoreError::Exists(p) => write!(f, "{}: already exists", p.display()),
            StoreError::OrphanJournal(p) => write!(
                f,
                "{}: a journal of decisions is here but its project file is not; \
                 nothing was written. If the project was moved, move the journal with it; \
                 if it was deleted on purpose, delete the journal too, then import again",
                journal_path(p).display()
            ),
            StoreError::Locked(e) => write!(f, "{e}"),
            StoreError::Side(e) => write!(f, "{e}"),
            StoreError::Dangling(e) => write!(f, "{e}"),
            StoreError::Records { path, records, why } => write!(
                f,
                "{}: {why}. {} keeps its records in that file (a project of this size is a pair \
                 of files: copy, move and commit both). Nothing was changed. `screener recover \
                 {}` says what each of the project's files holds",
                records.display(),
                path.display(),
                path.display()
            ),
        }
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StoreError::Io(_, e) => Some(e),
            // Shown as themselves: their own causes are the chain.
            StoreError::Locked(e) => e.source(),
            _ => None,
        }
    }
}

impl From<LockError> for StoreError {
    fn from(e: LockError) -> Self {
        if let LockError::Io(_, io) = &e {
            if let Some(r) = side::refused(io) {
                return StoreError::Side(r.clone());
            }
        }
        StoreError::Locked(e)
    }
}

pub fn journal_path(path: &Path) -> PathBuf {
    Side::Journal.of(path)
}

pub fn bak_path(path: &Path) -> PathBuf {
    Side::Bak.of(path)
}

/// Where a checkpoint writes before its rename.
pub fn tmp_path(path: &Path) -> PathBuf {
    Side::Tmp.of(path)
}

/// Where unreadable journal lines are kept (`store::quarantine`).
pub fn rejected_path(path: &Path) -> PathBuf {
    Side::Rejected.of(path)
}

pub use crate::lock::lock_path;
pub use side::Side;

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// What was found in the journal when a project was opened.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct JournalReport {
    /// Changes applied from the journal.
    pub applied: usize,
    /// Lines that could not be read: `(line number, why)`. The last one is
    /// usually a write torn by a crash.
    pub dropped: Vec<(usize, String)>,
    /// The file was written in this older schema version and was brought
    /// up to date (by `Store::open` on disk, by `load` in memory only).
    pub migrated_from: Option<u32>,
    /// The project file is not what its checksum lines say (an edit by
    /// hand, or a changed byte): the first changed part. A warning only.
    pub checksum: Option<checksum::Mismatch>,
    /// Where the unreadable journal lines (`dropped`) were kept before
    /// they were cut from the journal (`Store::open`; `load` changes no
    /// file and leaves them in the journal).
    pub rejected_to: Option<PathBuf>,
}

impl JournalReport {
    /// What a read-only command should tell the user about the project at
    /// `path` (one warning per line, without the `warning: ` prefix).
    pub fn warnings(&self, path: &Path) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(m) = &self.checksum {
            out.push(m.to_string());
        }
        let journal = journal_path(path);
        let kept = rejected_path(path);
        for (line, why) in &self.dropped {
            let whereto = match &self.rejected_to {
                Some(k) => format!("kept in {}", k.display()),
                None => format!(
                    "left in the journal until the project is next opened for writing, which \
                     keeps it in {}",
                    kept.display()
                ),
            };
            out.push(format!(
                "{}:{line}: unreadable journal line ({why}), not counted; {whereto}. \
                 `screener recover {}` shows what it held",
                journal.display(),
                path.display()
            ));
        }
        out
    }
}

struct Loaded {
    project: Project,
    report: JournalReport,
    folded: journal::Folded,
    journal_len: u64,
    from_cache: bool,
    /// The records file the project file names, when it was read as it is
    /// (not from its `.bak`).
    on_disk: Option<records::OnDisk>,
}

/// How much of each record a load gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Every field.
    Full,
    /// Only what counting needs (key, origin, duplicate link): titles,
    /// abstracts and the rest are left empty when the cache is read (from
    /// RON every field is read anyway). For commands that count and print
    /// no record's text (`status`, `prisma`); such a project must never be
    /// written back.
    Counts,
    /// Every field, but the abstracts of a pair of at least `from` records
    /// are left in its records cache and read when asked for
    /// (`abstracts_on_disk`, `Records::full`): for the screen, whose
    /// memory they would otherwise fill ([`abstracts_on_disk_from`]). Read
    /// from RON (no usable records cache), records are whole.
    AbstractsOnDisk { from: u64 },
}

/// Projects with at least this many records keep their abstracts on disk
/// in the screen. Below it they are in memory, where searching them is
/// several times faster (a search found in no record at 100k records: 0.03
/// s, against 0.25 s from disk) and memory is no concern (650 MB at 100k);
/// above it memory is (6.4 GB at 1M, 2.8 GB with the abstracts on disk).
/// `docs/PERFORMANCE.md`, "Abstracts on disk".
pub const ABSTRACTS_ON_DISK_FROM: u64 = 200_000;

/// [`ABSTRACTS_ON_DISK_FROM`], or `SCREENER_ABSTRACTS_ON_DISK_FROM` (tests
/// keep a small project's abstracts on disk with 0).
pub fn abstracts_on_disk_from() -> u64 {
    setting("SCREENER_ABSTRACTS_ON_DISK_FROM", ABSTRACTS_ON_DISK_FROM)
}

/// The number the environment variable `name` holds, else `default`.
fn setting<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

/// Reads a project file and folds its journal in, without changing either.
/// A project file that is a symbolic link is read where the link points
/// ([`side::resolve`]).
pub fn load(path: &Path) -> Result<(Project, JournalReport), StoreError> {
    load_real(path, false, Detail::Full)
}

/// [`load`] for a command that reads the user's project (status, prisma,
/// export, compare): without a cache that holds the file's content (a copy
/// made without one, an older build's cache) each such command would parse
/// the RON file again, so the first one writes the cache. Not while a
/// writer holds the project (its checkpoints write the cache, under the
/// same temporary name), and not for files that are not the user's
/// project (the merge driver's temporary files).
pub fn load_and_cache(path: &Path, detail: Detail) -> Result<(Project, JournalReport), StoreError> {
    load_real(path, true, detail)
}

fn load_real(
    path: &Path,
    cache: bool,
    detail: Detail,
) -> Result<(Project, JournalReport), StoreError> {
    let path = &side::resolve(path).map_err(StoreError::Dangling)?;
    let rebuild = cache && crate::lock::holder(path).is_none();
    let Loaded {
        project,
        mut report,
        ..
    } = load_full(&RealFs, path, rebuild, detail)?;
    let in_flight = report
        .dropped
        .last()
        .is_some_and(|(_, why)| why == journal::INCOMPLETE);
    if in_flight && crate::lock::holder(path).is_some() {
        // A screen is writing that line right now: not saved yet, not lost.
        report.dropped.pop();
    }
    Ok((project, report))
}

/// The project file at `path` alone: no journal, no cache, and when it
/// keeps its records in a file of their own, without them
/// (`records_file` says which). For files that are not where the project
/// lives (the git merge driver's temporary versions).
pub fn load_file_alone(path: &Path) -> Result<Project, StoreError> {
    let bytes = RealFs.read(path).map_err(|e| StoreError::io(path, e))?;
    migrate::parse_project(path, utf8(path, &bytes)?).map(|(p, _)| p)
}

/// The file at `path`'s bytes as text, or where they stop being UTF-8.
fn utf8<'a>(path: &Path, bytes: &'a [u8]) -> Result<&'a str, StoreError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let (line, col) = line_col(bytes, e.valid_up_to());
        StoreError::Parse {
            path: path.to_path_buf(),
            line,
            col,
            message: "invalid UTF-8".into(),
        }
    })
}

/// The records `file` names, for the project file at `path` (read beside
/// it, as [`load`] reads them).
pub fn read_records(
    path: &Path,
    file: &crate::project::RecordsFile,
) -> Result<crate::record_list::Records, StoreError> {
    records::read(&RealFs, path, file).map(|r| r.records)
}

pub fn load_with(fs: &dyn Storage, path: &Path) -> Result<(Project, JournalReport), StoreError> {
    load_full(fs, path, false, Detail::Full).map(|l| (l.project, l.report))
}

/// Reads the project file (from its cache when that holds its content) and
/// folds the journal in. With `rebuild_cache`, a project read from RON gets
/// a cache written for it (best effort: a failure leaves none).
fn load_full(
    fs: &dyn Storage,
    path: &Path,
    rebuild_cache: bool,
    detail: Detail,
) -> Result<Loaded, StoreError> {
    let not_found_or = |e: io::Error| {
        if e.kind() == io::ErrorKind::NotFound {
            StoreError::NotFound(path.to_path_buf())
        } else {
            StoreError::io(path, e)
        }
    };
    fs.check_sides(path).map_err(StoreError::Side)?;
    let jpath = journal_path(path);
    // A checkpoint by another process may replace the file and then empty
    // the journal between our two reads; the file's stamp tells, and we
    // read again.
    let mut tries = 0;
    loop {
        tries += 1;
        let before = fs.stamp(path).map_err(not_found_or)?;
        // A cache of a project whose records are in their own file holds
        // them too: used only while that file is the one it was made with.
        let cached = cache::read(fs, path, &before, detail).filter(|(p, records_stamp)| {
            p.records_file
                .as_ref()
                .is_none_or(|rf| records::unchanged(fs, path, rf, records_stamp.as_ref()))
        });
        let from_cache = cached.is_some();
        let mut mismatch = None;
        let mut on_disk = None;
        let (mut project, version) = match cached {
            Some((p, _)) => {
                on_disk = p.records_file.clone().map(|file| records::OnDisk {
                    file,
                    records: p.records.clone(),
                });
                (p, VERSION)
            }
            None => {
                let bytes = fs.read(path).map_err(not_found_or)?;
                let (mut project, version) = migrate::parse_project(path, utf8(path, &bytes)?)?;
                mismatch = checksum::verify(path, &bytes, &project);
                let mut records_stamp = None;
                let mut current = true;
                if let Some(file) = project.records_file.clone() {
                    let read = records::read(fs, path, &file)?;
                    project.records = read.records;
                    current = read.current;
                    records_stamp = Some(read.stamp);
                    if current {
                        on_disk = Some(records::OnDisk {
                            file,
                            records: project.records.clone(),
                        });
                    }
                }
                // Only a file that did not change while it was read, and
                // in this build's schema (an older one is migrated, and
                // the cache would hold what the file does not).
                // A file that does not match its checksum lines is read
                // from RON until a checkpoint, so each read warns.
                if rebuild_cache
                    && mismatch.is_none()
                    && version == VERSION
                    && current
                    && fs.stamp(path).is_ok_and(|now| now == before)
                {
                    let ron = Digest::of(&bytes);
                    drop(bytes);
                    let _ = crate::phases::time("cache rebuild", || {
                        cache::write_stamped(fs, path, &project, &before, &ron, records_stamp)
                    });
                }
                (project, version)
            }
        };
        let jbytes = match fs.read(&jpath) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(StoreError::io(&jpath, e)),
        };
        // In memory a project is the same whatever its layout on disk:
        // the store keeps what it needs of that (`on_disk`).
        project.records_file = None;
        project.version = VERSION;
        let folded = journal::fold(&jbytes, version, &mut project);
        let unchanged = fs.stamp(path).is_ok_and(|after| after == before);
        if unchanged || tries >= 5 {
            return Ok(Loaded {
                report: JournalReport {
                    applied: folded.applied,
                    dropped: folded.dropped.clone(),
                    migrated_from: (version < VERSION).then_some(version),
                    checksum: mismatch,
                    rejected_to: None,
                },
                project,
                folded,
                journal_len: jbytes.len() as u64,
                from_cache,
                on_disk,
            });
        }
    }
}

fn line_col(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let col = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, col)
}

/// Writes `project` to `path` atomically and keeps the file it replaces as
/// `PATH.bak`. On error the existing file is untouched. A project of
/// [`records::min_records`] records or more is written as a pair
/// ([`records`]).
pub fn write_atomic(path: &Path, project: &Project) -> io::Result<()> {
    write_atomic_with(&RealFs, path, project, None).map(|_| ())
}

/// [`write_atomic`] on any storage. `prev` is the records file last
/// written or read for this project: while the project's records are still
/// those, only the project file is written. Returns the records file the
/// project file now names, if any.
///
/// The cache (`cache`) is written beside it in a second thread and put in
/// place once the RON file is; a failure there only leaves no cache.
pub fn write_atomic_with(
    fs: &dyn Storage,
    path: &Path,
    project: &Project,
    prev: Option<&records::OnDisk>,
) -> io::Result<Option<records::OnDisk>> {
    // Once a pair, always a pair: a project whose records file is there
    // keeps it, whoever writes it and whatever its size.
    let split = prev.is_some()
        || project.records_file.is_some()
        || project.records.len() >= records::min_records()
        || fs.exists(&Side::Records.of(path));
    write_layout(fs, path, project, prev, split)
}

/// [`write_atomic_with`] as a pair of files whatever the project's size
/// (tests and benchmarks of the layout).
pub fn write_pair_with(
    fs: &dyn Storage,
    path: &Path,
    project: &Project,
) -> io::Result<records::OnDisk> {
    write_layout(fs, path, project, None, true)?
        .ok_or_else(|| io::Error::other("no records file was written"))
}

fn write_layout(
    fs: &dyn Storage,
    path: &Path,
    project: &Project,
    prev: Option<&records::OnDisk>,
    split: bool,
) -> io::Result<Option<records::OnDisk>> {
    let reuse = prev.filter(|p| split && p.holds(path, &project.records));
    if project.records.abstracts_on_disk() && reuse.is_none() {
        // The records are written (a split duplicate link changed one):
        // whole, their abstracts read back from disk first, for this write
        // only. What the store then holds as written is the list without
        // abstracts, the same content, so the next checkpoint sees it
        // unchanged.
        let mut whole = project.clone();
        whole.records = crate::record_list::Records::from(
            crate::phases::time("records read whole", || project.records.materialised())?
                .into_owned(),
        );
        let written = write_whole_layout(fs, path, &whole, prev, split, None)?;
        return Ok(written.map(|mut d| {
            d.records = project.records.clone();
            d
        }));
    }
    write_whole_layout(fs, path, project, prev, split, reuse)
}

/// [`write_layout`] of records that are whole; `reuse`: the records file
/// `prev` that already holds them, if it does.
fn write_whole_layout(
    fs: &dyn Storage,
    path: &Path,
    project: &Project,
    prev: Option<&records::OnDisk>,
    split: bool,
    reuse: Option<&records::OnDisk>,
) -> io::Result<Option<records::OnDisk>> {
    let tmp = tmp_path(path);
    // What the project file says, when that is not `project` as it is (its
    // version and the records file it names).
    let head: std::sync::OnceLock<Project> = std::sync::OnceLock::new();
    let (ready, head_ready) = std::sync::mpsc::channel::<()>();
    let head = &head;
    std::thread::scope(|s| {
        // The caches, written while the RON files are: a project in one
        // file has one; a pair has the project part in one and the records
        // in another, written only with the records file.
        let payload = s.spawn(move || {
            crate::phases::time("cache payload", || {
                let head_fn = || {
                    head_ready.recv().ok()?;
                    Some(head.get().unwrap_or(project))
                };
                if !split {
                    let whole = Holds::Whole(project.records.whole()?, head_fn);
                    return cache::write_payload(fs, path, whole).map(|p| (None, p));
                }
                // The records cache is written with the records file, and
                // again when it is missing or stale (a copy made without
                // it), so that the next screen of a large pair leaves the
                // abstracts on disk.
                let cached = |d: &records::OnDisk| {
                    project.records.abstracts_on_disk()
                        || records::digest_of(&d.file)
                            .is_some_and(|named| cache::records_cache_holds(fs, path, &named))
                };
                let records = match reuse {
                    Some(d) if cached(d) => None,
                    _ => Some(cache::write_payload(
                        fs,
                        path,
                        Holds::<fn() -> _>::Records(project.records.whole()?),
                    )?),
                };
                let head = cache::write_payload(fs, path, Holds::Head(head_fn))?;
                Ok((records, head))
            })
        });
        let result = (|| -> io::Result<(Digest, Option<records::OnDisk>)> {
            let on_disk = match (split, reuse) {
                (false, _) => None,
                (true, Some(p)) => Some(p.clone()),
                (true, None) => Some(crate::phases::time("records + fsync + rename", || {
                    records::write(fs, path, &project.records, prev)
                })?),
            };
            let file = on_disk.as_ref().map(|d| d.file.clone());
            let version = if split {
                crate::project::VERSION_RECORDS_FILE
            } else {
                crate::project::VERSION
            };
            if project.records_file != file || project.version != version {
                let mut h = project.clone();
                h.records_file = file;
                h.version = version;
                let _ = head.set(h);
            }
            let _ = ready.send(());
            let written = head.get().unwrap_or(project);
            let ron = crate::phases::time("ron + fsync + rename", || {
                replace(fs, path, &tmp, &|w, fast| {
                    if split {
                        crate::record_list::without_records(|| render(w, written, "", &[()], fast))
                    } else {
                        render(w, written, "records", written.records.whole()?, fast)
                    }
                })
            })?;
            Ok((ron, on_disk))
        })();
        // Frees the cache's thread if it still waits for the head.
        drop(ready);
        let payload = payload
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the cache writer failed")));
        match (&result, payload) {
            (Ok((ron, on_disk)), Ok((records_payload, payload))) => {
                let placed = (|| {
                    let records_stamp = match on_disk {
                        Some(d) => {
                            let stamp = fs.stamp(&Side::Records.of(path))?;
                            if let (Some(p), Some(named)) =
                                (&records_payload, records::digest_of(&d.file))
                            {
                                cache::finish(fs, p, &stamp, &named, None)?;
                            }
                            Some(stamp)
                        }
                        None => None,
                    };
                    let stamp = fs.stamp(path)?;
                    cache::finish(fs, &payload, &stamp, ron, records_stamp.as_ref())
                })();
                if placed.is_err() {
                    cache::discard(fs, path);
                }
            }
            // The old cache describes the old file: useless now.
            (Ok(_), Err(_)) => cache::discard(fs, path),
            // The old file and its cache stay as they were.
            (Err(_), _) => cache::discard_tmp(fs, path),
        }
        if result.is_err() {
            // Whatever was written of the new file goes; the old one was
            // not touched.
            let _ = fs.remove(&tmp);
        }
        let (_, on_disk) = result?;
        if reuse.is_some() {
            // The project file and its `.bak` both name the records file
            // now: the previous records are nobody's.
            let old = Side::RecordsBak.of(path);
            if fs.exists(&old) {
                let _ = fs.remove(&old);
            }
        }
        Ok(on_disk)
    })
}

/// Writes a new file with `body` and puts it in place; returns its digest.
fn replace(fs: &dyn Storage, path: &Path, tmp: &Path, body: Body) -> io::Result<Digest> {
    let (mut file, digest) = write_file(fs, tmp, body)?;
    crate::phases::time("ron fsync", || file.sync())?;
    drop(file);
    if fs.exists(path) {
        keep_as_bak(fs, path, &Side::BakTmp.of(path), &bak_path(path))?;
    }
    fs.rename(tmp, path)?;
    fs.sync_dir(&parent_dir(path))?;
    Ok(digest)
}

/// Makes `bak` the file now at `current`: hard-linked (no copy of a large
/// file) under `bak_tmp` first, so an older `bak` is replaced atomically.
fn keep_as_bak(fs: &dyn Storage, current: &Path, bak_tmp: &Path, bak: &Path) -> io::Result<()> {
    let _ = fs.remove(bak_tmp);
    if fs.hard_link(current, bak_tmp).is_err() {
        fs.copy(current, bak_tmp)?;
    }
    fs.rename(bak_tmp, bak)
}

/// The fast writer met something it does not write (carried inside an
/// `io::Error`, as the writers' errors are); the ron crate writes it.
#[derive(Debug)]
struct FastUnsupported(String);

impl fmt::Display for FastUnsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not supported by the fast RON writer: {}", self.0)
    }
}

impl std::error::Error for FastUnsupported {}

fn is_unsupported(e: &io::Error) -> bool {
    e.get_ref()
        .is_some_and(|inner| inner.is::<FastUnsupported>())
}

/// Bytes written between two early syncs ([`WriteFile::early_sync`]).
const EARLY_SYNC_EVERY: u64 = 32 << 20;

/// A file being written that asks a second thread to start syncing every
/// [`EARLY_SYNC_EVERY`] bytes: the disk then writes the file while the
/// rest is serialised, instead of all of it in the final fsync (at 100k
/// records a third of a second spent waiting).
struct Syncing {
    file: Box<dyn WriteFile>,
    written: u64,
    next: u64,
    tick: Option<std::sync::mpsc::Sender<()>>,
}

impl Write for Syncing {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.file.write(buf)?;
        self.written += n as u64;
        if self.written >= self.next {
            self.next = self.written + EARLY_SYNC_EVERY;
            if let Some(tick) = &self.tick {
                let _ = tick.send(());
            }
        }
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// What a file of the store holds: RON written into the writer, by the
/// fast writer (`true`) or by the ron crate.
type Body<'a> = &'a dyn Fn(&mut dyn Write, bool) -> io::Result<()>;

/// `body` and its checksum lines into a new `tmp`, with the fast writer or,
/// if it cannot, the ron crate; returns the file, not yet synced, and what
/// was written.
fn write_file(
    fs: &dyn Storage,
    tmp: &Path,
    body: Body,
) -> io::Result<(Box<dyn WriteFile>, Digest)> {
    match write_file_once(fs, tmp, body, true) {
        Err(e) if is_unsupported(&e) => write_file_once(fs, tmp, body, false),
        other => other,
    }
}

fn write_file_once(
    fs: &dyn Storage,
    tmp: &Path,
    body: Body,
    fast: bool,
) -> io::Result<(Box<dyn WriteFile>, Digest)> {
    let file = fs.create(tmp)?;
    let Some(early) = file.early_sync() else {
        return write_ron(file, body, fast);
    };
    let (tick, ticks) = std::sync::mpsc::channel::<()>();
    std::thread::scope(|s| {
        s.spawn(move || {
            while ticks.recv().is_ok() {
                // Ticks that came during a sync are covered by the next.
                while ticks.try_recv().is_ok() {}
                // A failure here shows again in the final sync.
                let _ = early();
            }
        });
        let w = Syncing {
            file,
            written: 0,
            next: EARLY_SYNC_EVERY,
            tick: Some(tick),
        };
        // Ends the syncing thread (its channel closes) before returning.
        write_ron(w, body, fast).map(|(syncing, digest)| (syncing.file, digest))
    })
}

/// `body`'s RON and its checksum lines (`checksum`) into `out`, and their
/// digest (which stamps the cache written beside them).
fn write_ron<W: Write>(out: W, body: Body, fast: bool) -> io::Result<(W, Digest)> {
    let mut w = BufWriter::with_capacity(1 << 20, checksum::Summing::new(cache::Hashing::new(out)));
    body(&mut w, fast)?;
    w.write_all(b"\n")?;
    let hashing = w.into_inner().map_err(|e| e.into_error())?.finish()?;
    Ok(hashing.finish())
}

/// `value` as RON into `w`: by the fast writer with its top-level list
/// `field` (`elements`, most of the file) rendered on all cores, or by the
/// ron crate. An empty `field` splices nothing.
fn render<T: serde::Serialize, E: serde::Serialize + Sync>(
    w: &mut dyn Write,
    value: &T,
    field: &'static str,
    elements: &[E],
    fast: bool,
) -> io::Result<()> {
    if !fast {
        return ron::Options::default()
            .to_io_writer_pretty(w, value, ronfmt::pretty_config())
            .map_err(io::Error::other);
    }
    let written = if field.is_empty() {
        ronfmt::to_writer(w, value).map(|_| ())
    } else {
        ronfmt::to_writer_spliced(w, value, field, elements).map(|_| ())
    };
    written.map_err(|e| match e {
        ronfmt::Error::Io(e) => e,
        ronfmt::Error::Unsupported(what) => io::Error::other(FastUnsupported(what)),
        other => io::Error::other(other),
    })
}

/// The project file's text for `project`, as [`write_atomic`] writes a
/// project in one file.
pub fn to_ron_string(project: &Project) -> String {
    let value = match ronfmt::to_string(project) {
        Ok(s) => s + "\n",
        Err(_) => {
            ron::Options::default()
                .to_string_pretty(project, ronfmt::pretty_config())
                .unwrap_or_default()
                + "\n"
        }
    };
    checksum::append_to(value)
}

/// The project file's text for `project` whose records are in `file`, as
/// a checkpoint writes it (`records: []`, the records file named).
pub fn to_ron_string_naming(project: &Project, file: &crate::project::RecordsFile) -> String {
    let mut head = project.clone();
    head.records_file = Some(file.clone());
    head.version = crate::project::VERSION_RECORDS_FILE;
    crate::record_list::without_records(|| to_ron_string(&head))
}

/// Frees `project` on a background thread. Freeing a million records
/// takes seconds; a command that is about to end need not wait for it.
pub fn release(project: Project) {
    if project.records.len() < 10_000 {
        return;
    }
    let _ = std::thread::Builder::new()
        .name("release".into())
        .spawn(move || drop(project));
}

/// An open project for writing: appends changes to the journal and folds
/// them into the project file on checkpoint. Holds the project's lock when
/// opened with [`Store::open`] or [`Store::create`].
pub struct Store {
    fs: Arc<dyn Storage>,
    path: PathBuf,
    journal: Option<Box<dyn WriteFile>>,
    /// Bytes of the journal that hold whole lines.
    journal_len: u64,
    /// The journal may end in a partial line from a failed write, to be cut
    /// off before the next write.
    tail_dirty: bool,
    last_seq: u64,
    /// The `journal_seq` of the project file on disk.
    folded_seq: u64,
    /// Journal lines newer than the project file, kept so the journal can
    /// be rewritten without the folded ones.
    unfolded: Vec<(u64, Vec<u8>)>,
    /// The project was read from RON: no cache matches the file.
    cache_stale: bool,
    /// The records file the project file names, as this store last read or
    /// wrote it.
    on_disk: Option<records::OnDisk>,
    lock: Option<ProjectLock>,
}

impl Store {
    /// Opens the project at `path` for writing and takes its lock (named
    /// after the running subcommand). A torn journal tail is cut off here
    /// (it was reported) so new lines start clean; an older schema version
    /// is migrated and written back at once.
    pub fn open(path: &Path) -> Result<(Project, Store, JournalReport), StoreError> {
        Store::open_as(path, Detail::Full)
    }

    /// [`Store::open`] giving records as `detail` says: the screen and
    /// resolve ask for [`Detail::AbstractsOnDisk`].
    pub fn open_as(
        path: &Path,
        detail: Detail,
    ) -> Result<(Project, Store, JournalReport), StoreError> {
        let path = &side::resolve(path).map_err(StoreError::Dangling)?;
        side::check(path).map_err(StoreError::Side)?;
        let command = std::env::args().nth(1).unwrap_or_else(|| "screener".into());
        let lock = lock::acquire(path, &command)?;
        let (project, mut store, report) = Store::open_with_as(real(), path, detail)?;
        store.lock = Some(lock);
        Ok((project, store, report))
    }

    /// Opens without taking the lock, on any storage (tests, simulations).
    pub fn open_with(
        fs: Arc<dyn Storage>,
        path: &Path,
    ) -> Result<(Project, Store, JournalReport), StoreError> {
        Store::open_with_as(fs, path, Detail::Full)
    }

    /// [`Store::open_with`] giving records as `detail` says.
    pub fn open_with_as(
        fs: Arc<dyn Storage>,
        path: &Path,
        detail: Detail,
    ) -> Result<(Project, Store, JournalReport), StoreError> {
        if detail == Detail::Counts {
            return Err(StoreError::io(
                path,
                io::Error::other("a project opened for writing needs its records' text"),
            ));
        }
        let Loaded {
            mut project,
            mut report,
            folded,
            journal_len,
            from_cache,
            on_disk,
        } = load_full(&*fs, path, false, detail)?;
        // The lines this writer is about to drop (the torn tail now, the
        // rest at the next checkpoint) are kept first; if they cannot be,
        // nothing is dropped and nothing opened.
        if !folded.dropped.is_empty() {
            let lines: Vec<(usize, String, Vec<u8>)> = folded
                .dropped
                .iter()
                .zip(&folded.dropped_raw)
                .map(|((n, why), raw)| (*n, why.clone(), raw.clone()))
                .collect();
            let kept = rejected_path(path);
            quarantine::keep(&*fs, path, &lines).map_err(|e| StoreError::io(&kept, e))?;
            report.rejected_to = Some(kept);
        }
        // Left by a process that died mid-checkpoint; this one is the only
        // writer now.
        for leftover in [
            tmp_path(path),
            Side::BakTmp.of(path),
            Side::JournalTmp.of(path),
            Side::CacheTmp.of(path),
            Side::RecordsTmp.of(path),
            Side::RecordsBakTmp.of(path),
        ] {
            if fs.exists(&leftover) {
                let _ = fs.remove(&leftover);
            }
        }
        let mut store = Store {
            fs: Arc::clone(&fs),
            path: path.to_path_buf(),
            journal: None,
            journal_len: folded.valid_len,
            // Cut whatever follows the last good line before writing.
            tail_dirty: journal_len != folded.valid_len,
            last_seq: folded.last_seq,
            folded_seq: project.journal_seq,
            unfolded: folded.unfolded,
            cache_stale: !from_cache,
            on_disk,
            lock: None,
        };
        // A journal that cannot be opened now (a full or read-only disk) is
        // opened again by the first append, which reports the failure.
        let _ = store.open_journal();
        if store.tail_dirty {
            if let Some(j) = &mut store.journal {
                store.tail_dirty = j
                    .set_len(store.journal_len)
                    .and_then(|()| j.sync())
                    .is_err();
            }
        }
        if report.migrated_from.is_some() {
            store
                .checkpoint(&mut project)
                .map_err(|e| StoreError::io(path, e))?;
            store.cache_stale = false;
        }
        Ok((project, store, report))
    }

    /// Writes a new project file at `path` and opens it, holding its lock.
    /// Refuses to replace an existing file.
    pub fn create(path: &Path, project: &Project) -> Result<Store, StoreError> {
        let path = &side::resolve(path).map_err(StoreError::Dangling)?;
        side::check(path).map_err(StoreError::Side)?;
        let command = std::env::args().nth(1).unwrap_or_else(|| "screener".into());
        let lock = lock::acquire(path, &command)?;
        if RealFs.exists(path) {
            return Err(StoreError::Exists(path.to_path_buf()));
        }
        if RealFs.exists(&journal_path(path)) {
            return Err(StoreError::OrphanJournal(path.to_path_buf()));
        }
        let on_disk =
            write_atomic_with(&RealFs, path, project, None).map_err(|e| StoreError::io(path, e))?;
        // What opening the file just written would find, without reading
        // it back (at 100k records that read was a sixth of an import).
        let mut store = Store {
            fs: real(),
            path: path.to_path_buf(),
            journal: None,
            journal_len: 0,
            tail_dirty: false,
            last_seq: project.journal_seq,
            folded_seq: project.journal_seq,
            unfolded: Vec::new(),
            cache_stale: false,
            on_disk,
            lock: Some(lock),
        };
        // As in `open_with`: a journal that cannot be opened now is opened
        // by the first append, which reports the failure.
        let _ = store.open_journal();
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn storage(&self) -> &Arc<dyn Storage> {
        &self.fs
    }

    /// No cache matches the project file (it was read from RON).
    pub fn cache_stale(&self) -> bool {
        self.cache_stale
    }

    /// Writes the cache for the project file, whose content is `project`
    /// (without the journal's changes).
    pub fn write_cache(&mut self, project: &Project) -> io::Result<()> {
        let named;
        let project = match &self.on_disk {
            Some(d) => {
                let mut p = project.clone();
                p.records_file = Some(d.file.clone());
                p.version = crate::project::VERSION_RECORDS_FILE;
                named = p;
                &named
            }
            None => project,
        };
        cache::write(&*self.fs, &self.path, project)?;
        self.cache_stale = false;
        Ok(())
    }

    /// The records file the project file names, as last read or written.
    pub fn records_on_disk(&self) -> Option<&records::OnDisk> {
        self.on_disk.as_ref()
    }

    /// The lock this store holds, if it was opened with one.
    pub fn lock(&self) -> Option<&ProjectLock> {
        self.lock.as_ref()
    }

    /// Appends one change and returns once it is on disk.
    pub fn append(&mut self, change: &Change) -> io::Result<()> {
        self.append_batch(std::slice::from_ref(change)).map(|_| ())
    }

    /// Appends changes with one write and one fsync (a group commit) and
    /// returns the sequence number of the last once they are on disk. On
    /// error none of them counts as written, and whatever part of them
    /// reached the file is cut off before the next write.
    pub fn append_batch(&mut self, changes: &[Change]) -> io::Result<u64> {
        if changes.is_empty() {
            return Ok(self.last_seq);
        }
        let mut buf = Vec::with_capacity(256 * changes.len());
        let mut lines = Vec::with_capacity(changes.len());
        for (i, change) in changes.iter().enumerate() {
            let seq = self.last_seq + 1 + i as u64;
            let line = journal::encode(seq, change).map_err(io::Error::other)?;
            buf.extend_from_slice(&line);
            lines.push((seq, line));
        }
        if self.journal.is_none() {
            self.open_journal()?;
            // A journal opened anew may end in anything.
            self.tail_dirty = true;
        }
        let journal_len = self.journal_len;
        let Some(j) = self.journal.as_mut() else {
            return Err(io::Error::other("journal not open"));
        };
        if self.tail_dirty {
            j.set_len(journal_len)?;
            self.tail_dirty = false;
        }
        if let Err(e) = j.write_all(&buf).and_then(|()| j.sync()) {
            // Part of the lines may be in the file, and after a failed
            // fsync nothing written is trustworthy: cut back to the last
            // good line now, or before the next write.
            self.tail_dirty = j.set_len(journal_len).is_err();
            return Err(e);
        }
        self.journal_len += buf.len() as u64;
        self.last_seq += changes.len() as u64;
        self.unfolded.extend(lines);
        Ok(self.last_seq)
    }

    /// Journal lines newer than the project file.
    pub fn pending(&self) -> usize {
        self.unfolded.len()
    }

    /// The sequence number of the last change written.
    pub fn last_seq(&self) -> u64 {
        self.last_seq
    }

    /// Folds the journal into the project file. `project` must hold every
    /// change appended so far.
    pub fn checkpoint(&mut self, project: &mut Project) -> io::Result<()> {
        project.journal_seq = self.last_seq;
        self.on_disk = write_atomic_with(&*self.fs, &self.path, project, self.on_disk.as_ref())?;
        self.cache_stale = false;
        self.folded(self.last_seq)
    }

    /// The project file now holds every change up to `seq`: drop those
    /// lines from the journal, keeping any newer ones.
    pub fn folded(&mut self, seq: u64) -> io::Result<()> {
        if seq > self.folded_seq {
            self.folded_seq = seq;
            self.unfolded.retain(|(s, _)| *s > seq);
        }
        if self.unfolded.is_empty() {
            if self.journal_len == 0 && !self.tail_dirty {
                return Ok(());
            }
            if self.journal.is_none() {
                self.open_journal()?;
            }
            let Some(j) = self.journal.as_mut() else {
                return Ok(());
            };
            j.set_len(0)?;
            self.journal_len = 0;
            self.tail_dirty = false;
            return j.sync();
        }
        // Changes arrived while the checkpoint was written: a new journal
        // with only those, swapped in atomically.
        let jpath = journal_path(&self.path);
        let tmp = Side::JournalTmp.of(&self.path);
        let written = (|| {
            let mut f = self.fs.create(&tmp)?;
            for (_, line) in &self.unfolded {
                f.write_all(line)?;
            }
            f.sync()?;
            drop(f);
            self.fs.rename(&tmp, &jpath)
        })();
        if let Err(e) = written {
            let _ = self.fs.remove(&tmp);
            return Err(e);
        }
        self.journal = None;
        self.journal_len = self.unfolded.iter().map(|(_, l)| l.len() as u64).sum();
        self.tail_dirty = false;
        self.fs.sync_dir(&parent_dir(&self.path))?;
        self.open_journal()
    }

    /// Opens the journal for appending. A journal created here is made
    /// durable in its directory before anything is written to it, or a
    /// line fsynced into it could vanish with its name in a power loss.
    fn open_journal(&mut self) -> io::Result<()> {
        let jpath = journal_path(&self.path);
        let existed = self.fs.exists(&jpath);
        let journal = self.fs.append(&jpath)?;
        if !existed {
            self.fs.sync_dir(&parent_dir(&self.path))?;
        }
        self.journal = Some(journal);
        Ok(())
    }
}

#[cfg(test)]
mod tests;
