//! The project's side files (`PROJECT.journal`, `.lock`, `.bak`, …): their
//! names, and the one place where they are opened (invariant 6 of
//! DESIGN.md: a side file is never written through a symbolic link).
//!
//! - [`open`] opens with `O_NOFOLLOW`, and a file the store makes anew
//!   ([`How::New`]) with `O_EXCL` too: a link planted where a side file
//!   should be makes the open fail instead of writing to whatever it names.
//! - [`check`] looks at every side name before a command reads or writes
//!   anything and refuses, naming the file, when one is a link or not a
//!   regular file (a FIFO would block a read for ever), so the refusal comes
//!   with a message and nothing changed rather than halfway through.
//! - [`resolve`]: a project file that is itself a link is followed, once,
//!   to the file it names, and the side files live beside that file; a
//!   checkpoint then replaces the real file and leaves the link a link.

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// Every side file, in the order [`check`] looks at them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Journal,
    JournalTmp,
    Rejected,
    Lock,
    Tmp,
    Bak,
    BakTmp,
    Cache,
    CacheTmp,
    Records,
    RecordsTmp,
    RecordsBak,
    RecordsBakTmp,
    RecordsCache,
    RecordsCacheTmp,
}

impl Side {
    pub const ALL: [Side; 15] = [
        Side::Journal,
        Side::JournalTmp,
        Side::Rejected,
        Side::Lock,
        Side::Tmp,
        Side::Bak,
        Side::BakTmp,
        Side::Cache,
        Side::CacheTmp,
        Side::Records,
        Side::RecordsTmp,
        Side::RecordsBak,
        Side::RecordsBakTmp,
        Side::RecordsCache,
        Side::RecordsCacheTmp,
    ];

    /// What follows `PROJECT.` in the file's name.
    pub fn ext(self) -> &'static str {
        match self {
            Side::Journal => "journal",
            Side::JournalTmp => "journal.tmp",
            Side::Rejected => "journal.rejected",
            Side::Lock => "lock",
            Side::Tmp => "tmp",
            Side::Bak => "bak",
            Side::BakTmp => "bak.tmp",
            Side::Cache => "cache",
            Side::CacheTmp => "cache.tmp",
            Side::Records => "records",
            Side::RecordsTmp => "records.tmp",
            Side::RecordsBak => "records.bak",
            Side::RecordsBakTmp => "records.bak.tmp",
            Side::RecordsCache => "records.cache",
            Side::RecordsCacheTmp => "records.cache.tmp",
        }
    }

    /// What screener keeps there, for messages.
    pub fn role(self) -> &'static str {
        match self {
            Side::Journal => "journal of changes since the last checkpoint",
            Side::JournalTmp => "journal being rewritten",
            Side::Rejected => "quarantine of unreadable journal lines",
            Side::Lock => "lock",
            Side::Tmp => "checkpoint being written",
            Side::Bak => "previous checkpoint",
            Side::BakTmp => "previous checkpoint being put in place",
            Side::Cache => "cache",
            Side::CacheTmp => "cache being written",
            Side::Records => "records",
            Side::RecordsTmp => "records being written",
            Side::RecordsBak => "previous records",
            Side::RecordsBakTmp => "previous records being put in place",
            Side::RecordsCache => "records cache",
            Side::RecordsCacheTmp => "records cache being written",
        }
    }

    pub fn of(self, project: &Path) -> PathBuf {
        let mut s = project.as_os_str().to_owned();
        s.push(".");
        s.push(self.ext());
        PathBuf::from(s)
    }
}

/// A side file's name holds something screener will not open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// A symbolic link (to `target`).
    Link { path: PathBuf, target: PathBuf },
    /// A directory, FIFO, device or socket.
    NotRegular { path: PathBuf, what: &'static str },
}

impl Refused {
    pub fn path(&self) -> &Path {
        match self {
            Refused::Link { path, .. } | Refused::NotRegular { path, .. } => path,
        }
    }
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let role = role_of(self.path());
        match self {
            Refused::Link { path, target } => write!(
                f,
                "{}: is a symbolic link (to {}) where screener keeps the project's {role}; \
                 screener never writes through a link, so nothing was changed. Remove the link \
                 (`rm {}`) and run the command again",
                path.display(),
                target.display(),
                shell_word(path),
            ),
            Refused::NotRegular { path, what } => write!(
                f,
                "{}: is a {what} where screener keeps the project's {role}; nothing was changed. \
                 Move it away and run the command again",
                path.display(),
            ),
        }
    }
}

impl std::error::Error for Refused {}

fn role_of(path: &Path) -> &'static str {
    let name = path.as_os_str().to_string_lossy();
    // The longest extension that matches (`journal.tmp` before `tmp`).
    Side::ALL
        .iter()
        .filter(|s| name.ends_with(&format!(".{}", s.ext())))
        .max_by_key(|s| s.ext().len())
        .map_or("side file", |s| s.role())
}

fn shell_word(path: &Path) -> String {
    let s = path.display().to_string();
    if s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"._-/+,:@".contains(&b))
    {
        s
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// Whether a regular file is at `path`, without following a link; a link
/// or anything but a regular file is refused.
pub fn inspect(path: &Path) -> Result<bool, Refused> {
    let Ok(meta) = fs::symlink_metadata(path) else {
        return Ok(false);
    };
    let kind = meta.file_type();
    if kind.is_symlink() {
        return Err(Refused::Link {
            path: path.to_path_buf(),
            target: fs::read_link(path).unwrap_or_default(),
        });
    }
    if !kind.is_file() {
        return Err(Refused::NotRegular {
            path: path.to_path_buf(),
            what: kind_name(&kind),
        });
    }
    Ok(true)
}

/// Refuses the project when any side file's name holds a link or
/// something that is not a regular file.
pub fn check(project: &Path) -> Result<(), Refused> {
    for side in Side::ALL {
        inspect(&side.of(project))?;
    }
    Ok(())
}

/// What `kind` is, in a few words (`directory`, `FIFO (named pipe)`, …).
#[cfg(unix)]
pub fn kind_name(kind: &fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_dir() {
        "directory"
    } else if kind.is_fifo() {
        "FIFO (named pipe)"
    } else if kind.is_char_device() {
        "character device"
    } else if kind.is_block_device() {
        "block device"
    } else if kind.is_socket() {
        "socket"
    } else {
        "special file"
    }
}

#[cfg(not(unix))]
pub fn kind_name(kind: &fs::FileType) -> &'static str {
    if kind.is_dir() {
        "directory"
    } else {
        "special file"
    }
}

/// How a side file is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// A file the store writes from scratch: created exclusively; a regular
    /// file left under its name (by a crash) is removed first.
    New,
    /// Written at its end, created if missing (the journal, the
    /// quarantine, the cache's trailer).
    Append,
    /// Read and written in place, created if missing (the lock).
    ReadWrite,
    Read,
}

/// Opens the side file at `path` without following a link there. A link
/// gives an error that [`refused`] turns back into [`Refused`].
pub fn open(path: &Path, how: How) -> io::Result<File> {
    let mut o = OpenOptions::new();
    match how {
        How::New => o.write(true).create_new(true),
        How::Append => o.append(true).create(true),
        How::ReadWrite => o.read(true).write(true).create(true).truncate(false),
        How::Read => o.read(true),
    };
    no_follow(&mut o);
    match o.open(path) {
        Ok(f) => Ok(f),
        Err(e) if how == How::New && e.kind() == io::ErrorKind::AlreadyExists => {
            // Left by a crash. A link (or anything but a file) is refused;
            // a file is removed (unlinking never follows a link) and made
            // anew, exclusively again, so a link planted meanwhile fails.
            inspect(path).map_err(io::Error::other)?;
            fs::remove_file(path)?;
            o.open(path).map_err(|e| explain(path, e))
        }
        Err(e) => Err(explain(path, e)),
    }
}

/// The error for a failed open: [`Refused`] when a link (or a FIFO, …) is
/// what made it fail.
fn explain(path: &Path, e: io::Error) -> io::Error {
    match inspect(path) {
        Err(refused) => io::Error::other(refused),
        Ok(_) => e,
    }
}

#[cfg(unix)]
fn no_follow(o: &mut OpenOptions) {
    use std::os::unix::fs::OpenOptionsExt;
    // A FIFO must not block the open either (it is refused just after).
    let flags = rustix::fs::OFlags::NOFOLLOW | rustix::fs::OFlags::NONBLOCK;
    o.custom_flags(flags.bits() as i32);
}

#[cfg(not(unix))]
fn no_follow(_: &mut OpenOptions) {}

/// The [`Refused`] inside an error from [`open`] or the store, if that is
/// why it failed.
pub fn refused(e: &io::Error) -> Option<&Refused> {
    e.get_ref()
        .and_then(|inner| inner.downcast_ref::<Refused>())
}

/// A project file given as a link that names no file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dangling {
    pub link: PathBuf,
    pub target: PathBuf,
}

impl fmt::Display for Dangling {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: is a symbolic link to {}, which does not exist (or is a link loop); nothing was \
             written. Give the real project file, or create it there: `screener import {} FILE...`",
            self.link.display(),
            self.target.display(),
            shell_word(&self.target),
        )
    }
}

impl std::error::Error for Dangling {}

/// The project file `path` means: itself, or, when it is a symbolic link,
/// the file the link names (followed through further links), so that the
/// side files live beside the real file and a checkpoint replaces that
/// file rather than the link. A path that does not exist is returned as it
/// is (a project about to be created).
pub fn resolve(path: &Path) -> Result<PathBuf, Dangling> {
    let mut at = path.to_path_buf();
    // As many hops as the kernel allows before ELOOP.
    for _ in 0..40 {
        let is_link = fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink());
        if !is_link {
            if at != path && fs::symlink_metadata(&at).is_err() {
                break;
            }
            return Ok(at);
        }
        let Ok(target) = fs::read_link(&at) else {
            break;
        };
        at = match at.parent() {
            Some(dir) if target.is_relative() => dir.join(target),
            _ => target,
        };
    }
    Err(Dangling {
        link: path.to_path_buf(),
        target: at,
    })
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::os::unix::fs::symlink;

    fn victim(dir: &Path) -> PathBuf {
        let v = dir.join("victim.txt");
        fs::write(&v, "precious").unwrap();
        v
    }

    #[test]
    fn no_way_of_opening_writes_through_a_link() {
        let outside = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let v = victim(outside.path());
        for how in [How::New, How::Append, How::ReadWrite, How::Read] {
            let link = dir.path().join(format!("p.ron.{how:?}"));
            symlink(&v, &link).unwrap();
            let err = open(&link, how).unwrap_err();
            let why = refused(&err).unwrap_or_else(|| panic!("{how:?}: {err}"));
            assert!(matches!(why, Refused::Link { target, .. } if target == &v));
            assert_eq!(fs::read_to_string(&v).unwrap(), "precious", "{how:?}");
            assert!(fs::symlink_metadata(&link).unwrap().is_symlink(), "left");
        }
        // A dangling link: `O_EXCL` refuses it rather than creating its
        // target.
        let gone = outside.path().join("not-yet");
        let link = dir.path().join("p.ron.tmp");
        symlink(&gone, &link).unwrap();
        assert!(open(&link, How::New).is_err());
        assert!(open(&link, How::Append).is_err());
        assert!(!gone.exists());
    }

    #[test]
    fn a_leftover_file_is_replaced_and_a_fifo_refused() {
        let dir = tempfile::tempdir().unwrap();
        let tmp = dir.path().join("p.ron.tmp");
        fs::write(&tmp, "old").unwrap();
        let mut f = open(&tmp, How::New).unwrap();
        f.write_all(b"new").unwrap();
        drop(f);
        let mut s = String::new();
        open(&tmp, How::Read)
            .unwrap()
            .read_to_string(&mut s)
            .unwrap();
        assert_eq!(s, "new");

        let fifo = dir.path().join("p.ron.journal");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let err = check(&dir.path().join("p.ron")).unwrap_err();
        assert!(err.to_string().contains("FIFO"), "{err}");
        assert!(err.to_string().contains("journal of changes"), "{err}");
    }

    #[test]
    fn a_linked_project_resolves_to_its_target() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("shared");
        fs::create_dir(&real).unwrap();
        fs::write(real.join("review.ron"), "()").unwrap();
        let link = dir.path().join("p.ron");
        symlink("shared/review.ron", &link).unwrap();
        let hop = dir.path().join("q.ron");
        symlink("p.ron", &hop).unwrap();
        assert_eq!(
            resolve(&link).unwrap(),
            dir.path().join("shared/review.ron")
        );
        assert_eq!(resolve(&hop).unwrap(), dir.path().join("shared/review.ron"));
        assert_eq!(
            resolve(&real.join("review.ron")).unwrap(),
            real.join("review.ron")
        );
        let missing = dir.path().join("new.ron");
        assert_eq!(resolve(&missing).unwrap(), missing);
        let dangling = dir.path().join("d.ron");
        symlink("nowhere/x.ron", &dangling).unwrap();
        let err = resolve(&dangling).unwrap_err();
        assert_eq!(err.target, dir.path().join("nowhere/x.ron"));
        let looped = dir.path().join("loop.ron");
        symlink("loop.ron", &looped).unwrap();
        assert!(resolve(&looped).is_err());
    }
}
