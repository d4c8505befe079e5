//! A simulated disk for fault tests: a [`Storage`] in memory that keeps, for
//! every file and directory, what was written and what was made durable,
//! and can fail on demand.
//!
//! - [`SimFs::power_cut`]: what a machine finds after losing power. Every
//!   file goes back to what was last `fsync`ed, every directory to its
//!   entries at the last directory `fsync`; everything later is dropped.
//! - [`SimFs::set_space`]: a disk that holds only so many more bytes; a write
//!   past that writes what fits and fails with "No space left on device".
//! - [`SimFs::set_read_only_dir`]: creating, renaming, linking and removing
//!   fail with "Permission denied"; files already open can still be written.
//! - [`SimFs::stop_after`]: after that many more operations that change
//!   anything, every such operation fails (the process is as good as dead);
//!   with `power_cut` afterwards, a crash at any chosen point.
//!
//! The store's own tests and `tests/store_faults.rs` use it.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use super::fs::{Stamp, Storage, WriteFile};

#[derive(Debug, Default)]
struct Inode {
    data: Vec<u8>,
    durable: Vec<u8>,
    version: u64,
}

#[derive(Debug, Default)]
struct State {
    inodes: HashMap<u64, Inode>,
    names: BTreeMap<PathBuf, u64>,
    durable_names: BTreeMap<PathBuf, u64>,
    next_inode: u64,
    clock: u64,
    space: Option<u64>,
    read_only_dir: bool,
    ops_left: Option<u64>,
    ops: u64,
}

/// See the module documentation. Clones share one disk.
#[derive(Debug, Clone, Default)]
pub struct SimFs {
    state: Arc<Mutex<State>>,
}

fn enospc() -> io::Error {
    io::Error::from_raw_os_error(28)
}

fn eacces() -> io::Error {
    io::Error::from_raw_os_error(13)
}

fn dead() -> io::Error {
    io::Error::other("simulated crash: the process is gone")
}

fn parent(path: &Path) -> PathBuf {
    path.parent().map(Path::to_path_buf).unwrap_or_default()
}

impl State {
    /// Counts an operation that changes something; fails once the process
    /// is "dead".
    fn op(&mut self) -> io::Result<()> {
        if let Some(left) = &mut self.ops_left {
            if *left == 0 {
                return Err(dead());
            }
            *left -= 1;
        }
        self.ops += 1;
        Ok(())
    }

    fn namespace_op(&mut self) -> io::Result<()> {
        self.op()?;
        if self.read_only_dir {
            return Err(eacces());
        }
        Ok(())
    }

    fn inode_of(&self, path: &Path) -> io::Result<u64> {
        self.names.get(path).copied().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotFound,
                format!("{}: not found", path.display()),
            )
        })
    }

    fn new_inode(&mut self) -> u64 {
        self.next_inode += 1;
        self.inodes.insert(self.next_inode, Inode::default());
        self.next_inode
    }
}

impl SimFs {
    pub fn new() -> SimFs {
        SimFs::default()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A test thread that panicked while holding the lock leaves the
        // state as it was; the test fails anyway.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Puts a file on the disk as if written and synced long ago.
    pub fn put(&self, path: &Path, bytes: &[u8]) {
        let mut s = self.lock();
        let id = s.new_inode();
        if let Some(inode) = s.inodes.get_mut(&id) {
            inode.data = bytes.to_vec();
            inode.durable = bytes.to_vec();
        }
        s.names.insert(path.to_path_buf(), id);
        s.durable_names.insert(path.to_path_buf(), id);
    }

    /// The file's current contents (what a reader sees now).
    pub fn contents(&self, path: &Path) -> Option<Vec<u8>> {
        let s = self.lock();
        let id = s.names.get(path)?;
        s.inodes.get(id).map(|i| i.data.clone())
    }

    pub fn files(&self) -> Vec<PathBuf> {
        self.lock().names.keys().cloned().collect()
    }

    /// Power loss: everything not made durable is gone. Also ends any
    /// `stop_after` and fault, as a reboot would.
    pub fn power_cut(&self) {
        let mut s = self.lock();
        s.names = s.durable_names.clone();
        for inode in s.inodes.values_mut() {
            inode.data = inode.durable.clone();
            inode.version += 1;
        }
        s.ops_left = None;
        s.space = None;
        s.read_only_dir = false;
    }

    /// `Some(n)`: only `n` more bytes fit. `None`: unlimited.
    pub fn set_space(&self, bytes: Option<u64>) {
        self.lock().space = bytes;
    }

    pub fn set_read_only_dir(&self, on: bool) {
        self.lock().read_only_dir = on;
    }

    /// After `n` more changing operations, all of them fail.
    pub fn stop_after(&self, n: u64) {
        self.lock().ops_left = Some(n);
    }

    /// Ends `stop_after`, `set_space` and `set_read_only_dir`.
    pub fn clear_faults(&self) {
        let mut s = self.lock();
        s.ops_left = None;
        s.space = None;
        s.read_only_dir = false;
    }

    /// Changing operations carried out so far.
    pub fn ops(&self) -> u64 {
        self.lock().ops
    }
}

struct SimFile {
    fs: SimFs,
    inode: u64,
}

impl Write for SimFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut s = self.fs.lock();
        s.op()?;
        let fits = match s.space {
            Some(space) => (space as usize).min(buf.len()),
            None => buf.len(),
        };
        if fits == 0 && !buf.is_empty() {
            return Err(enospc());
        }
        if let Some(space) = &mut s.space {
            *space -= fits as u64;
        }
        s.clock += 1;
        let clock = s.clock;
        let inode = s
            .inodes
            .get_mut(&self.inode)
            .ok_or_else(|| io::Error::other("file vanished"))?;
        inode.data.extend_from_slice(&buf[..fits]);
        inode.version = clock;
        Ok(fits)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl WriteFile for SimFile {
    fn sync(&mut self) -> io::Result<()> {
        let mut s = self.fs.lock();
        s.op()?;
        let inode = s
            .inodes
            .get_mut(&self.inode)
            .ok_or_else(|| io::Error::other("file vanished"))?;
        inode.durable = inode.data.clone();
        Ok(())
    }

    fn set_len(&mut self, len: u64) -> io::Result<()> {
        let mut s = self.fs.lock();
        s.op()?;
        s.clock += 1;
        let clock = s.clock;
        let inode = s
            .inodes
            .get_mut(&self.inode)
            .ok_or_else(|| io::Error::other("file vanished"))?;
        inode.data.resize(len as usize, 0);
        inode.version = clock;
        Ok(())
    }
}

impl Storage for SimFs {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        let s = self.lock();
        let id = s.inode_of(path)?;
        Ok(s.inodes
            .get(&id)
            .map(|i| i.data.clone())
            .unwrap_or_default())
    }

    fn create(&self, path: &Path) -> io::Result<Box<dyn WriteFile>> {
        let mut s = self.lock();
        let inode = match s.names.get(path).copied() {
            Some(id) => {
                s.op()?;
                if let Some(i) = s.inodes.get_mut(&id) {
                    i.data.clear();
                }
                id
            }
            None => {
                s.namespace_op()?;
                let id = s.new_inode();
                s.names.insert(path.to_path_buf(), id);
                id
            }
        };
        Ok(Box::new(SimFile {
            fs: self.clone(),
            inode,
        }))
    }

    fn append(&self, path: &Path) -> io::Result<Box<dyn WriteFile>> {
        let mut s = self.lock();
        let inode = match s.names.get(path).copied() {
            Some(id) => id,
            None => {
                s.namespace_op()?;
                let id = s.new_inode();
                s.names.insert(path.to_path_buf(), id);
                id
            }
        };
        Ok(Box::new(SimFile {
            fs: self.clone(),
            inode,
        }))
    }

    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        let mut s = self.lock();
        s.namespace_op()?;
        let id = s.inode_of(from)?;
        s.names.remove(from);
        s.names.insert(to.to_path_buf(), id);
        Ok(())
    }

    fn hard_link(&self, from: &Path, to: &Path) -> io::Result<()> {
        let mut s = self.lock();
        s.namespace_op()?;
        let id = s.inode_of(from)?;
        if s.names.contains_key(to) {
            return Err(io::Error::new(io::ErrorKind::AlreadyExists, "exists"));
        }
        s.names.insert(to.to_path_buf(), id);
        Ok(())
    }

    fn remove(&self, path: &Path) -> io::Result<()> {
        let mut s = self.lock();
        s.namespace_op()?;
        s.inode_of(path)?;
        s.names.remove(path);
        Ok(())
    }

    fn exists(&self, path: &Path) -> bool {
        self.lock().names.contains_key(path)
    }

    fn stamp(&self, path: &Path) -> io::Result<Stamp> {
        let s = self.lock();
        let id = s.inode_of(path)?;
        let inode = s.inodes.get(&id);
        Ok(Stamp {
            id,
            len: inode.map_or(0, |i| i.data.len() as u64),
            modified_ns: i128::from(inode.map_or(0, |i| i.version)),
            changed_ns: i128::from(inode.map_or(0, |i| i.version)),
        })
    }

    fn sync_dir(&self, dir: &Path) -> io::Result<()> {
        let mut s = self.lock();
        s.op()?;
        let in_dir = |p: &PathBuf| parent(p) == dir;
        let keep: Vec<(PathBuf, u64)> = s
            .durable_names
            .iter()
            .filter(|(p, _)| !in_dir(p))
            .map(|(p, i)| (p.clone(), *i))
            .collect();
        let now: Vec<(PathBuf, u64)> = s
            .names
            .iter()
            .filter(|(p, _)| in_dir(p))
            .map(|(p, i)| (p.clone(), *i))
            .collect();
        s.durable_names = keep.into_iter().chain(now).collect();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn power_cut_keeps_only_what_was_synced() {
        let fs = SimFs::new();
        let dir = Path::new("/d");
        let a = dir.join("a");
        let mut f = fs.create(&a).unwrap();
        f.write_all(b"one").unwrap();
        f.sync().unwrap();
        f.write_all(b" two").unwrap();
        fs.power_cut();
        assert!(!fs.exists(&a), "the new name was never made durable");

        let mut f = fs.create(&a).unwrap();
        f.write_all(b"one").unwrap();
        f.sync().unwrap();
        fs.sync_dir(dir).unwrap();
        f.write_all(b" two").unwrap();
        assert_eq!(fs.read(&a).unwrap(), b"one two");
        fs.power_cut();
        assert_eq!(fs.read(&a).unwrap(), b"one");
    }

    #[test]
    fn a_full_disk_writes_what_fits_then_fails() {
        let fs = SimFs::new();
        let a = Path::new("/d/a");
        let mut f = fs.create(a).unwrap();
        fs.set_space(Some(4));
        let err = f.write_all(b"abcdefgh").unwrap_err();
        assert_eq!(err.raw_os_error(), Some(28));
        assert_eq!(fs.read(a).unwrap(), b"abcd");
    }
}
