//! Writing a report or an export to the file `-o` names: all of it or
//! nothing (a temporary file beside it, fsynced, then moved into place),
//! and an existing file is replaced only when the user says `--force`.
//! Without `-o` the text goes to stdout.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// Writes `bytes` to `path` atomically. Without `force`, an existing
/// `path` is left alone and the error says how to replace it.
pub fn write(path: &Path, bytes: &[u8], force: bool) -> Result<()> {
    if !force && fs::symlink_metadata(path).is_ok() {
        bail!(
            "{} exists; add --force to replace it, or name another file with -o",
            path.display()
        );
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .with_context(|| format!("{}: not a file name", path.display()))?;
    let (tmp, mut file) = temp_beside(&dir, &name.to_string_lossy())
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    let written = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .and_then(|()| place(&tmp, path, force));
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        if e.kind() == io::ErrorKind::AlreadyExists {
            bail!(
                "{} exists; add --force to replace it, or name another file with -o",
                path.display()
            );
        }
        return Err(e).with_context(|| format!("cannot write {}", path.display()));
    }
    // The new name is durable once the directory is.
    if let Ok(d) = fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// A new file in `dir` that no one else has, named after `name`.
fn temp_beside(dir: &Path, name: &str) -> io::Result<(PathBuf, fs::File)> {
    let pid = std::process::id();
    for n in 0..100u32 {
        let tmp = dir.join(format!(".{name}.{pid}.{n}.tmp"));
        match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other("no free temporary name"))
}

/// Moves the finished temporary file to `path`. Without `force` a hard
/// link makes the name only if it is free (atomic: a file that appeared
/// since the check is not replaced); where links are not supported, the
/// rename after a fresh check.
fn place(tmp: &Path, path: &Path, force: bool) -> io::Result<()> {
    if force {
        return fs::rename(tmp, path);
    }
    match fs::hard_link(tmp, path) {
        Ok(()) => fs::remove_file(tmp),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(e),
        Err(_) if fs::symlink_metadata(path).is_err() => fs::rename(tmp, path),
        Err(_) => Err(io::Error::from(io::ErrorKind::AlreadyExists)),
    }
}

/// `text` to `-o FILE` when given, else to stdout.
pub fn emit(out: Option<&Path>, text: &str, force: bool) -> Result<()> {
    match out {
        Some(path) => write(path, text.as_bytes(), force),
        None => {
            let mut stdout = io::stdout().lock();
            stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
                .context("cannot write to stdout")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_to_replace_without_force_and_replaces_with_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.ris");
        write(&path, b"one", false).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"one");
        let err = write(&path, b"two", false).unwrap_err().to_string();
        assert!(err.contains("--force"), "{err}");
        assert_eq!(fs::read(&path).unwrap(), b"one");
        write(&path, b"two", true).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        // No temporary file is left behind.
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn a_missing_folder_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no/such/out.csv");
        let err = format!("{:#}", write(&path, b"x", false).unwrap_err());
        assert!(err.contains("no/such"), "{err}");
    }
}
