//! `PROJECT.lock`: one writer per project at a time.
//!
//! The lock is an advisory `flock` on the lock file, so the kernel releases
//! it when the holder ends, also by `kill -9` or a crash: a lock left by a
//! dead process is simply free, and taking it over is safe because only one
//! process can win the `flock`. The file's text names the holder (pid,
//! host, since, command) for the message the next one gets; after a
//! takeover the dead holder's text is reported, then replaced.
//!
//! Writers (`screen`, `import`) hold it; read-only commands (`status`, …) do
//! not need it, since the project file is only ever replaced atomically.

use std::fmt;
use std::fs::{self, File};
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::store::side::{self, How, Side};

/// Who holds (or held) a lock, as written in the lock file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    pub pid: u32,
    pub host: String,
    /// RFC 3339 UTC.
    pub since: String,
    /// The subcommand that holds it (`screen`, `import`).
    pub command: String,
}

impl fmt::Display for Holder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`screener {}`, pid {} on host {}, since {}",
            self.command, self.pid, self.host, self.since
        )
    }
}

#[derive(Debug)]
pub enum LockError {
    /// Another live process holds the lock.
    Held {
        project: PathBuf,
        holder: Option<Holder>,
    },
    Io(PathBuf, io::Error),
}

impl fmt::Display for LockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LockError::Held { project, holder } => {
                let who = holder
                    .as_ref()
                    .map_or_else(|| "another screener process".to_string(), Holder::to_string);
                write!(
                    f,
                    "{}: the project is open in {who}. Only one screener can change a project at a \
                     time: finish there first (read-only commands such as `screener status` work \
                     meanwhile). The lock ends by itself when that process ends, also if it crashed.",
                    project.display()
                )
            }
            LockError::Io(p, _) => write!(f, "{}: cannot lock the project", p.display()),
        }
    }
}

impl std::error::Error for LockError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            LockError::Io(_, e) => Some(e),
            LockError::Held { .. } => None,
        }
    }
}

pub fn lock_path(project: &Path) -> PathBuf {
    Side::Lock.of(project)
}

/// A held lock; released (and its file removed) on drop.
#[derive(Debug)]
pub struct ProjectLock {
    path: PathBuf,
    /// Kept open: closing it releases the flock.
    _file: File,
    /// The holder named in a lock file left behind by a process that ended
    /// without releasing it (a crash or `kill -9`), now taken over.
    pub taken_over: Option<Holder>,
}

impl ProjectLock {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for ProjectLock {
    fn drop(&mut self) {
        // Remove the name first: a process that opened the file meanwhile
        // sees after locking that the name is gone, and starts over.
        let _ = fs::remove_file(&self.path);
    }
}

/// Takes the lock of `project` for `command`, or says who holds it.
pub fn acquire(project: &Path, command: &str) -> Result<ProjectLock, LockError> {
    let path = lock_path(project);
    let io_err = |e| LockError::Io(path.clone(), e);
    for _ in 0..20 {
        let mut file = side::open(&path, How::ReadWrite).map_err(io_err)?;
        if !try_lock(&file).map_err(io_err)? {
            return Err(LockError::Held {
                project: project.to_path_buf(),
                holder: read_holder(&mut file),
            });
        }
        if !same_file(&file, &path) {
            // Released and removed between our open and our lock: retry on
            // the file that is there now.
            continue;
        }
        let taken_over = read_holder(&mut file);
        let me = Holder {
            pid: std::process::id(),
            host: host_name(),
            since: crate::project::now(),
            command: command.to_string(),
        };
        let text = ron::to_string(&me).map_err(|e| io_err(io::Error::other(e)))? + "\n";
        file.set_len(0).map_err(io_err)?;
        file.rewind().map_err(io_err)?;
        file.write_all(text.as_bytes()).map_err(io_err)?;
        file.sync_data().map_err(io_err)?;
        return Ok(ProjectLock {
            path,
            _file: file,
            taken_over,
        });
    }
    Err(io_err(io::Error::other(
        "the lock file kept being replaced; try again",
    )))
}

/// What is true of `dead`, the holder named in a lock file that this
/// process took over (the flock was free): a screen for the footer.
pub fn takeover_note(dead: &Holder) -> String {
    let (pid, since) = (dead.pid, &dead.since);
    if dead.host != host_name() {
        return format!(
            "Took over the lock file of pid {pid} on host {} (since {since}): another host, \
             which cannot be checked from here",
            dead.host
        );
    }
    match process_state(pid) {
        Some(true) => format!(
            "Took over the lock file of pid {pid} (`screener {}`, since {since}), which still \
             runs but holds another file's lock: this looks like a copy of a project open there; \
             decisions made here stay in this copy",
            dead.command
        ),
        Some(false) => format!(
            "Took over the lock left by pid {pid} (since {since}): that pid is now another \
             program; the screener that held the lock has ended"
        ),
        None => format!(
            "Took over the lock left by pid {pid} on {} (since {since}), which is no longer \
             running",
            dead.host
        ),
    }
}

/// Whether `pid` runs, and then whether it is a screener (`Some(true)`)
/// or another program (`Some(false)`); `None` when it does not run.
#[cfg(unix)]
fn process_state(pid: u32) -> Option<bool> {
    let p = rustix::process::Pid::from_raw(i32::try_from(pid).ok()?)?;
    match rustix::process::test_kill_process(p) {
        Ok(()) => {}
        // It runs, as another user.
        Err(e) if e == rustix::io::Errno::PERM => {}
        Err(_) => return None,
    }
    // Linux names a process's program here; elsewhere assume it is one.
    match fs::read_to_string(format!("/proc/{pid}/comm")) {
        Ok(name) => Some(name.trim() == "screener"),
        Err(_) => Some(true),
    }
}

#[cfg(not(unix))]
fn process_state(_: u32) -> Option<bool> {
    None
}

/// Who holds the lock of `project` now, if anyone.
pub fn holder(project: &Path) -> Option<Holder> {
    let path = lock_path(project);
    let mut file = side::open(&path, How::Read).ok()?;
    if try_lock(&file).ok()? {
        // Nobody holds it; the text (if any) is left from a crash.
        let _ = unlock(&file);
        return None;
    }
    read_holder(&mut file)
}

fn read_holder(file: &mut File) -> Option<Holder> {
    let mut text = String::new();
    file.rewind().ok()?;
    file.read_to_string(&mut text).ok()?;
    ron::from_str(text.trim()).ok()
}

#[cfg(unix)]
fn try_lock(file: &File) -> io::Result<bool> {
    use rustix::fs::{FlockOperation, flock};
    match flock(file, FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => Ok(true),
        Err(e) if e == rustix::io::Errno::WOULDBLOCK || e == rustix::io::Errno::AGAIN => Ok(false),
        Err(e) => Err(e.into()),
    }
}

#[cfg(unix)]
fn unlock(file: &File) -> io::Result<()> {
    use rustix::fs::{FlockOperation, flock};
    flock(file, FlockOperation::Unlock).map_err(Into::into)
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::symlink_metadata(path)) {
        (Ok(a), Ok(b)) => a.ino() == b.ino() && a.dev() == b.dev(),
        _ => false,
    }
}

#[cfg(unix)]
fn host_name() -> String {
    rustix::system::uname()
        .nodename()
        .to_string_lossy()
        .into_owned()
}

// Elsewhere the lock only names the holder; it does not exclude.
#[cfg(not(unix))]
fn try_lock(_: &File) -> io::Result<bool> {
    Ok(true)
}

#[cfg(not(unix))]
fn unlock(_: &File) -> io::Result<()> {
    Ok(())
}

#[cfg(not(unix))]
fn same_file(_: &File, _: &Path) -> bool {
    true
}

#[cfg(not(unix))]
fn host_name() -> String {
    std::env::var("COMPUTERNAME").unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_taker_is_refused_with_the_holder_named() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("p.ron");
        let first = acquire(&project, "screen").unwrap();
        assert!(first.taken_over.is_none());
        let err = acquire(&project, "import").unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains(&format!("pid {}", std::process::id())),
            "{msg}"
        );
        assert!(msg.contains("`screener screen`"), "{msg}");
        assert!(msg.contains(&host_name()), "{msg}");
        assert_eq!(holder(&project).unwrap().command, "screen");
        drop(first);
        assert!(!lock_path(&project).exists(), "released and removed");
        assert!(holder(&project).is_none());
        let again = acquire(&project, "import").unwrap();
        assert!(again.taken_over.is_none());
    }

    #[test]
    fn a_lock_file_left_by_a_dead_process_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("p.ron");
        // A process that has ended: its pid names nobody who holds a flock.
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        let dead = Holder {
            pid,
            host: host_name(),
            since: "2026-01-01T00:00:00Z".into(),
            command: "screen".into(),
        };
        fs::write(lock_path(&project), ron::to_string(&dead).unwrap()).unwrap();
        assert!(holder(&project).is_none(), "a file alone is no lock");
        let lock = acquire(&project, "screen").unwrap();
        assert_eq!(lock.taken_over.as_ref(), Some(&dead));
        assert_eq!(holder(&project).unwrap().pid, std::process::id());
    }
}
