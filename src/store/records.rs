//! `PROJECT.records`: a large project's records in a file of their own, so
//! that a checkpoint, which folds the day's decisions in, writes only the
//! small project file and not the records, which change only at import
//! (docs/PERFORMANCE.md, "A checkpoint that costs what changed").
//!
//! - A project with at least [`min_records`] records is written as a pair:
//!   `PROJECT` holds everything but the records (`records: []`) and names
//!   the records file with its length and xxh3 hash
//!   ([`crate::project::RecordsFile`]); `PROJECT.records` holds
//!   `(version: 2, records: [...])` and its checksum lines. The project file
//!   then says `version: 2`, which builds before this one refuse. Once a
//!   project is a pair it stays one.
//! - Crash protocol: the records file is written whole under a temporary
//!   name, fsynced, the one it replaces kept as `PROJECT.records.bak`, and
//!   renamed into place (the folder fsynced) **before** the project file
//!   that names it is written. A crash in between leaves the old project
//!   file naming the old records, which are then in `.records.bak`: a
//!   reader takes whichever of the two has the content the project file
//!   names ([`read`]), and `PROJECT.bak` always names one of them too.
//! - A checkpoint whose records are still the ones last written
//!   ([`OnDisk`], `Records::shares_with`) writes the project file only.

use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Digest, Side, Stamp, Storage, StoreError, parent_dir};
use crate::project::{RecordsFile, VERSION_RECORDS_FILE};
use crate::record_list::Records;

/// Projects with at least this many records keep them in their own file.
/// Below it a whole checkpoint takes well under a second (10k records:
/// about 28 MB of RON) and one file is simpler to share.
pub const DEFAULT_MIN: usize = 10_000;

/// [`DEFAULT_MIN`], or `SCREENER_RECORDS_FILE_MIN` (tests use the pair on
/// small projects with it; a large value keeps every project in one file).
pub fn min_records() -> usize {
    super::setting("SCREENER_RECORDS_FILE_MIN", DEFAULT_MIN)
}

/// The records file this process last wrote or read for a project, and
/// the records it holds (the same list in memory, shared): while the
/// project's records are still these, a checkpoint need not write them.
#[derive(Debug, Clone)]
pub struct OnDisk {
    pub file: RecordsFile,
    pub records: Records,
}

impl OnDisk {
    /// Whether `records` are what this file holds, under the name a
    /// checkpoint of the project at `path` writes.
    pub fn holds(&self, path: &Path, records: &Records) -> bool {
        self.records.shares_with(records) && own_name(path).is_some_and(|n| n == self.file.name)
    }
}

/// The name a checkpoint gives the records file of the project at `path`.
fn own_name(path: &Path) -> Option<String> {
    Some(Side::Records.of(path).file_name()?.to_str()?.to_string())
}

/// The records file's head, written around the spliced records.
#[derive(Serialize)]
struct Head<'a> {
    version: u32,
    records: &'a Records,
}

#[derive(Deserialize)]
struct Whole {
    version: u32,
    records: Records,
}

/// The digest `file` names.
pub fn digest_of(file: &RecordsFile) -> Option<Digest> {
    let hash = u64::from_str_radix(&file.xxh3, 16).ok()?;
    Some(Digest {
        len: file.bytes,
        hash,
    })
}

/// Where the records file `file` is, for the project file at `path`: in
/// the same folder, under the name the project file gives (a bare name;
/// anything else is refused).
pub fn path_of(path: &Path, file: &RecordsFile) -> Result<PathBuf, StoreError> {
    let bare = Path::new(&file.name)
        .file_name()
        .is_some_and(|n| n == std::ffi::OsStr::new(&file.name));
    if !bare || file.name.is_empty() || file.name == ".." || file.name == "." {
        return Err(StoreError::Records {
            path: path.to_path_buf(),
            records: PathBuf::from(&file.name),
            why: "names its records file with a path; only a file name in the same folder is read"
                .into(),
        });
    }
    Ok(parent_dir(path).join(&file.name))
}

/// Writes `records` as the records file of the project at `path` and puts
/// it in place; returns what the project file is to name. The project file
/// is written after this. `prev` is the records file this process last
/// read or wrote for the project.
///
/// The file it replaces is kept as `.records.bak` when it is the one the
/// project file on disk names, so that a crash before the new project
/// file is in place leaves the old one its records. When the project file
/// names the `.bak` instead (an earlier crash between the two renames),
/// that `.bak` stays, and the records file, which nothing names, is
/// simply replaced.
pub(super) fn write(
    fs: &dyn Storage,
    path: &Path,
    records: &Records,
    prev: Option<&OnDisk>,
) -> io::Result<OnDisk> {
    let tmp = Side::RecordsTmp.of(path);
    let result = (|| {
        let head = Head {
            version: VERSION_RECORDS_FILE,
            records,
        };
        let (mut file, digest) = super::write_file(fs, &tmp, &|w, fast| {
            super::render(w, &head, "records", records.whole()?, fast)
        })?;
        crate::phases::time("records fsync", || file.sync())?;
        drop(file);
        let target = Side::Records.of(path);
        let named_is_current = match prev {
            Some(p) => own_name(path).is_some_and(|n| n == p.file.name),
            None => !named_is_bak(fs, path),
        };
        if fs.exists(&target) && named_is_current {
            super::keep_as_bak(
                fs,
                &target,
                &Side::RecordsBakTmp.of(path),
                &Side::RecordsBak.of(path),
            )?;
        }
        fs.rename(&tmp, &target)?;
        fs.sync_dir(&parent_dir(path))?;
        let name = target
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| io::Error::other("the project file's name is not UTF-8"))?
            .to_string();
        Ok(OnDisk {
            file: RecordsFile {
                name,
                records: records.len() as u64,
                bytes: digest.len,
                xxh3: format!("{:016x}", digest.hash),
            },
            records: records.clone(),
        })
    })();
    if result.is_err() {
        let _ = fs.remove(&tmp);
    }
    result
}

/// Whether the project file at `path` names the content of
/// `PROJECT.records.bak` rather than of `PROJECT.records`.
fn named_is_bak(fs: &dyn Storage, path: &Path) -> bool {
    // A pair's project file holds no records; a larger one is a project in
    // one file, which names no records file (and is not read whole here).
    const LARGEST_PAIR_HEAD: u64 = 1 << 30;
    let Ok(stamp) = fs.stamp(path) else {
        return false;
    };
    if stamp.len > LARGEST_PAIR_HEAD {
        return false;
    }
    let named = fs
        .read(path)
        .ok()
        .and_then(|bytes| super::migrate::parse_project(path, super::utf8(path, &bytes).ok()?).ok())
        .and_then(|(p, _)| p.records_file)
        .and_then(|f| digest_of(&f));
    let Some(named) = named else {
        return false;
    };
    fs.digest(&Side::Records.of(path)).ok() != Some(named)
        && fs.digest(&Side::RecordsBak.of(path)).ok() == Some(named)
}

/// The records the project file at `path` names in `file`, read from that
/// file, or from its `.bak` when the file is not the one named (a crash
/// between the two renames of a checkpoint); `current` is false then. The
/// file's stamp is taken before it is read and must not change meanwhile.
pub(super) struct Read {
    pub records: Records,
    pub current: bool,
    pub stamp: Stamp,
}

pub(super) fn read(fs: &dyn Storage, path: &Path, file: &RecordsFile) -> Result<Read, StoreError> {
    let named = path_of(path, file)?;
    let refuse = |why: String| StoreError::Records {
        path: path.to_path_buf(),
        records: named.clone(),
        why,
    };
    let want = digest_of(file).ok_or_else(|| refuse(format!("names no hash (`{}`)", file.xxh3)))?;
    let mut bak = named.clone().into_os_string();
    bak.push(".bak");
    let mut found_other = None;
    for (candidate, current) in [(named.clone(), true), (PathBuf::from(bak), false)] {
        let stamp = match fs.stamp(&candidate) {
            Ok(s) => s,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(StoreError::io(&candidate, e)),
        };
        let bytes = fs
            .read(&candidate)
            .map_err(|e| StoreError::io(&candidate, e))?;
        let got = Digest::of(&bytes);
        if got != want {
            found_other.get_or_insert(got);
            continue;
        }
        let text = super::utf8(&candidate, &bytes)?;
        let whole: Whole = super::migrate::parse(&candidate, text)?;
        if whole.version > VERSION_RECORDS_FILE {
            return Err(StoreError::TooNew(candidate, whole.version));
        }
        if whole.records.len() as u64 != file.records {
            return Err(refuse(format!(
                "holds {} records where the project file says {}",
                whole.records.len(),
                file.records
            )));
        }
        if fs.stamp(&candidate).ok() != Some(stamp) {
            return Err(refuse("changed while it was read; try again".into()));
        }
        return Ok(Read {
            records: whole.records,
            current,
            stamp,
        });
    }
    Err(refuse(match found_other {
        Some(got) => format!(
            "is not the records file the project file names ({} bytes, xxh3 {}; this one: {} \
             bytes, xxh3 {:016x}): it was changed, or belongs to another version of the project",
            file.bytes, file.xxh3, got.len, got.hash
        ),
        None => "is missing".into(),
    }))
}

/// Whether the records file the project at `path` names is still the one
/// whose stamp was `stamp` when it was last read or written, or has the
/// content named (a copy): one `stat`, or one streaming hash.
pub(super) fn unchanged(
    fs: &dyn Storage,
    path: &Path,
    file: &RecordsFile,
    stamp: Option<&Stamp>,
) -> bool {
    let Ok(at) = path_of(path, file) else {
        return false;
    };
    if stamp.is_some() && fs.stamp(&at).ok().as_ref() == stamp {
        return true;
    }
    digest_of(file).is_some_and(|want| fs.digest(&at).is_ok_and(|got| got == want))
}

#[cfg(test)]
mod tests;
