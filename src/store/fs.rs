//! The file operations the store uses, behind a trait so tests can put a
//! storage under it that fails on demand or forgets what was not fsynced
//! ([`super::sim::SimFs`]). [`RealFs`] is the operating system's, and opens
//! every file through [`super::side::open`]: never through a link.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::Path;
use std::sync::Arc;

use super::side::{self, How};

/// A file's bytes: read into memory, or mapped.
pub enum Bytes {
    Owned(Vec<u8>),
    Mapped(memmap2::Mmap),
}

impl std::ops::Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Owned(v) => v,
            Bytes::Mapped(m) => m,
        }
    }
}

/// A file read in pieces at given places ([`Storage::open_at`]).
pub trait ReadAt: Send + Sync {
    /// Its length when it was opened.
    fn size(&self) -> u64;
    /// Fills `buf` from byte `at`; an error if the file ends before.
    fn read_exact_at(&self, buf: &mut [u8], at: u64) -> io::Result<()>;
}

impl ReadAt for Vec<u8> {
    fn size(&self) -> u64 {
        self.len() as u64
    }
    fn read_exact_at(&self, buf: &mut [u8], at: u64) -> io::Result<()> {
        let from = usize::try_from(at).map_err(io::Error::other)?;
        let piece = from
            .checked_add(buf.len())
            .and_then(|to| self.get(from..to))
            .ok_or_else(|| io::Error::from(io::ErrorKind::UnexpectedEof))?;
        buf.copy_from_slice(piece);
        Ok(())
    }
}

/// An open file and the length it had when opened.
struct OpenFile {
    file: File,
    len: u64,
}

impl ReadAt for OpenFile {
    fn size(&self) -> u64 {
        self.len
    }
    #[cfg(unix)]
    fn read_exact_at(&self, buf: &mut [u8], at: u64) -> io::Result<()> {
        std::os::unix::fs::FileExt::read_exact_at(&self.file, buf, at)
    }
    #[cfg(windows)]
    fn read_exact_at(&self, mut buf: &mut [u8], mut at: u64) -> io::Result<()> {
        while !buf.is_empty() {
            match std::os::windows::fs::FileExt::seek_read(&self.file, buf, at)? {
                0 => return Err(io::ErrorKind::UnexpectedEof.into()),
                n => {
                    buf = &mut buf[n..];
                    at += n as u64;
                }
            }
        }
        Ok(())
    }
}

/// A file open for writing.
pub trait WriteFile: Write + Send {
    /// Makes everything written so far durable (`fsync`).
    fn sync(&mut self) -> io::Result<()>;
    /// Cuts or extends the file to `len` bytes.
    fn set_len(&mut self, len: u64) -> io::Result<()>;
    /// Something another thread can call, while writing goes on, to start
    /// making what was written so far durable, so that the [`sync`] at the
    /// end waits for the last part only. `None` where there is no such
    /// thing; [`sync`] alone is what makes a file durable either way.
    ///
    /// [`sync`]: WriteFile::sync
    fn early_sync(&self) -> Option<EarlySync> {
        None
    }
}

/// See [`WriteFile::early_sync`].
pub type EarlySync = Box<dyn Fn() -> io::Result<()> + Send + Sync>;

/// What identifies a file's content wherever it lives: its length and its
/// xxh3 hash. A copy has the same digest as its original; any edit (also
/// one that keeps the length) changes it, but for a 2^-64 chance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Digest {
    pub len: u64,
    pub hash: u64,
}

impl Digest {
    pub fn of(bytes: &[u8]) -> Digest {
        Digest {
            len: bytes.len() as u64,
            hash: xxhash_rust::xxh3::xxh3_64(bytes),
        }
    }
}

/// What identifies one version of a file: if any part differs, the file was
/// replaced or changed in between.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub id: u64,
    pub len: u64,
    pub modified_ns: i128,
    /// The inode change time: updated by any change, and not settable by
    /// tools that restore modification times.
    pub changed_ns: i128,
}

pub trait Storage: Send + Sync {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>>;
    /// The bytes of a file that is only ever replaced, never changed in
    /// place (the cache): mapped where possible, which saves copying
    /// gigabytes into fresh memory.
    fn map(&self, path: &Path) -> io::Result<Bytes> {
        self.read(path).map(Bytes::Owned)
    }
    /// A file that is only ever replaced, never changed in place (the
    /// records cache), open for reading pieces of it at any time later:
    /// the operating system's file (the inode opened now, whatever is
    /// renamed over its name meanwhile), or elsewhere its bytes read now.
    fn open_at(&self, path: &Path) -> io::Result<Arc<dyn ReadAt>> {
        Ok(Arc::new(self.read(path)?))
    }
    /// Creates `path` anew for writing (a file left under that name is
    /// replaced; a link there is refused, never written through).
    fn create(&self, path: &Path) -> io::Result<Box<dyn WriteFile>>;
    /// Opens `path` (created if missing) so that writes go to its end; a
    /// link there is refused.
    fn append(&self, path: &Path) -> io::Result<Box<dyn WriteFile>>;
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()>;
    fn hard_link(&self, from: &Path, to: &Path) -> io::Result<()>;
    fn remove(&self, path: &Path) -> io::Result<()>;
    fn exists(&self, path: &Path) -> bool;
    fn stamp(&self, path: &Path) -> io::Result<Stamp>;
    /// The file's length and content hash ([`Digest`]), read in pieces
    /// (a project file can be gigabytes; it is not held in memory).
    fn digest(&self, path: &Path) -> io::Result<Digest> {
        self.read(path).map(|b| Digest::of(&b))
    }
    /// Makes the directory's entries (renames, new files) durable.
    fn sync_dir(&self, dir: &Path) -> io::Result<()>;
    /// Refuses the project when a side file's name holds a link or
    /// something other than a regular file ([`side::check`]).
    fn check_sides(&self, project: &Path) -> Result<(), side::Refused> {
        let _ = project;
        Ok(())
    }

    /// Copies `from` to `to` (used where a hard link is not possible).
    fn copy(&self, from: &Path, to: &Path) -> io::Result<()> {
        let bytes = self.read(from)?;
        let mut f = self.create(to)?;
        f.write_all(&bytes)?;
        f.sync()
    }
}

/// The operating system's files.
#[derive(Debug, Default, Clone, Copy)]
pub struct RealFs;

/// The storage to use outside tests.
pub fn real() -> Arc<dyn Storage> {
    Arc::new(RealFs)
}

impl WriteFile for File {
    fn sync(&mut self) -> io::Result<()> {
        self.sync_data()
    }

    fn set_len(&mut self, len: u64) -> io::Result<()> {
        File::set_len(self, len)
    }

    fn early_sync(&self) -> Option<EarlySync> {
        let file = self.try_clone().ok()?;
        Some(Box::new(move || file.sync_data()))
    }
}

impl Storage for RealFs {
    fn digest(&self, path: &Path) -> io::Result<Digest> {
        let mut file = side::open(path, How::Read)?;
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        let mut buf = vec![0u8; 4 << 20];
        let mut len = 0u64;
        loop {
            let n = match io::Read::read(&mut file, &mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            hasher.update(&buf[..n]);
            len += n as u64;
        }
        Ok(Digest {
            len,
            hash: hasher.digest(),
        })
    }

    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        let mut bytes = Vec::new();
        io::Read::read_to_end(&mut side::open(path, How::Read)?, &mut bytes)?;
        Ok(bytes)
    }

    fn map(&self, path: &Path) -> io::Result<Bytes> {
        let file = side::open(path, How::Read)?;
        // SAFETY: a mapping is undefined behaviour if the file changes
        // while mapped. The store writes a file it maps (the cache) under a
        // temporary name and renames it into place, so the inode mapped here
        // is never written again; only someone truncating it by hand during
        // the open could break it.
        let map = unsafe { memmap2::MmapOptions::new().populate().map(&file)? };
        Ok(Bytes::Mapped(map))
    }

    fn open_at(&self, path: &Path) -> io::Result<Arc<dyn ReadAt>> {
        let file = side::open(path, How::Read)?;
        let len = file.metadata()?.len();
        Ok(Arc::new(OpenFile { file, len }))
    }

    fn create(&self, path: &Path) -> io::Result<Box<dyn WriteFile>> {
        Ok(Box::new(side::open(path, How::New)?))
    }

    fn append(&self, path: &Path) -> io::Result<Box<dyn WriteFile>> {
        Ok(Box::new(side::open(path, How::Append)?))
    }

    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        fs::rename(from, to)
    }

    fn hard_link(&self, from: &Path, to: &Path) -> io::Result<()> {
        fs::hard_link(from, to)
    }

    fn remove(&self, path: &Path) -> io::Result<()> {
        fs::remove_file(path)
    }

    fn exists(&self, path: &Path) -> bool {
        // A link counts, even one that names nothing: its name is taken.
        fs::symlink_metadata(path).is_ok()
    }

    fn stamp(&self, path: &Path) -> io::Result<Stamp> {
        let m = fs::metadata(path)?;
        #[cfg(unix)]
        let (id, changed_ns) = {
            use std::os::unix::fs::MetadataExt;
            (
                m.ino() ^ m.dev().rotate_left(32),
                i128::from(m.ctime()) * 1_000_000_000 + i128::from(m.ctime_nsec()),
            )
        };
        #[cfg(not(unix))]
        let (id, changed_ns) = (0, 0);
        let modified_ns = m
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as i128);
        Ok(Stamp {
            id,
            len: m.len(),
            modified_ns,
            changed_ns,
        })
    }

    fn sync_dir(&self, dir: &Path) -> io::Result<()> {
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

    fn check_sides(&self, project: &Path) -> Result<(), side::Refused> {
        side::check(project)
    }

    fn copy(&self, from: &Path, to: &Path) -> io::Result<()> {
        let mut source = side::open(from, How::Read)?;
        let mut copy = side::open(to, How::New)?;
        io::copy(&mut source, &mut copy)?;
        copy.sync_all()
    }
}
