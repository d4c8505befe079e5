//! A pair's records read from `PROJECT.records.cache` without their
//! abstracts, which stay in that file and are read back one record at a
//! time ([`crate::record_list::TextSource`]): what the screen of a large
//! project holds instead of every record whole (at 1M records the
//! abstracts are about 1.7 of the records' 2.2 GB of text, and the screen
//! would otherwise hold them all; `docs/PERFORMANCE.md`, "Abstracts on
//! disk").
//!
//! The cache is read in pieces (`pread`), never mapped whole: a mapping
//! would count every page read once in the process's memory, and a file
//! cut short by hand under a mapping kills the process (`SIGBUS`), where a
//! read only fails. Each record's place in the file, and its abstract's, is
//! kept (24 bytes a record), so one record is read and decoded alone, or
//! one abstract read without decoding, in microseconds. The file stays
//! open: a checkpoint that writes a new records cache renames it over the
//! name, and the inode read here keeps what it held.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde::Deserialize;
use serde::de::IgnoredAny;
use xxhash_rust::xxh3::Xxh3;

use super::cache::{Fields, TRAILER, Trailer, part_places};
use super::fs::ReadAt;
use super::{Digest, Side, Storage};
use crate::record::Record;
use crate::record_list::{Records, TextSource};

/// Where one record is in the cache file, and its abstract's text in it.
#[derive(Debug, Clone, Copy)]
struct Place {
    at: u64,
    len: u32,
    /// The abstract's UTF-8 bytes, from `at` (0 and 0 when it has none).
    abstract_at: u32,
    abstract_len: u32,
}

/// The records cache a list read its records from, and where each one is.
struct CacheFile {
    file: Arc<dyn ReadAt>,
    path: PathBuf,
    places: Vec<Place>,
}

impl std::fmt::Debug for CacheFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CacheFile")
            .field("path", &self.path)
            .field("records", &self.places.len())
            .finish()
    }
}

impl TextSource for CacheFile {
    fn count(&self) -> usize {
        self.places.len()
    }

    fn read(&self, index: usize) -> io::Result<Record> {
        let bytes = self.bytes(index)?;
        rmp_serde::from_slice(&bytes).map_err(|e| self.error(index, e))
    }

    /// The abstract's bytes alone, no decoding: this is what a search does
    /// for every record (0.95 µs a record at 1M against 2.4 µs decoding
    /// the record). `key` is not checked here, as [`TextSource::read`]
    /// checks it: a search in a file changed under the screen can answer
    /// wrong, never show a wrong record.
    fn read_abstract(&self, index: usize, _key: &str) -> io::Result<String> {
        let place = self.place(index)?;
        let mut bytes = vec![0; place.abstract_len as usize];
        self.file
            .read_exact_at(&mut bytes, place.at + u64::from(place.abstract_at))
            .map_err(|e| self.error(index, e))?;
        String::from_utf8(bytes).map_err(|e| self.error(index, e))
    }

    fn describe(&self) -> String {
        self.path.display().to_string()
    }
}

impl CacheFile {
    fn place(&self, index: usize) -> io::Result<&Place> {
        self.places
            .get(index)
            .ok_or_else(|| self.error(index, "no such record"))
    }

    /// Record `index`'s bytes.
    fn bytes(&self, index: usize) -> io::Result<Vec<u8>> {
        let place = self.place(index)?;
        let mut bytes = vec![0; place.len as usize];
        self.file
            .read_exact_at(&mut bytes, place.at)
            .map_err(|e| self.error(index, e))?;
        Ok(bytes)
    }

    fn error(&self, index: usize, e: impl std::fmt::Display) -> io::Error {
        io::Error::other(format!(
            "{}: record {}: {e}",
            self.path.display(),
            index + 1
        ))
    }
}

/// The records of the pair at `path` whose records file's content is
/// `named`, without their abstracts, from `PROJECT.records.cache`; `None`
/// if that cache is missing, torn, or holds other records (the caller
/// reads them whole some other way).
pub(super) fn read(fs: &dyn Storage, path: &Path, named: &Digest) -> Option<Records> {
    let cache = Side::RecordsCache.of(path);
    let file = fs.open_at(&cache).ok()?;
    let payload_len = file.size().checked_sub(TRAILER as u64)?;
    let mut trailer = vec![0; TRAILER];
    file.read_exact_at(&mut trailer, payload_len).ok()?;
    let t = Trailer::parse(&trailer)?;
    if t.ron != *named || t.payload_len != payload_len {
        return None;
    }
    // The payload ends in the length of each part (u64) and their number
    // (u32); a records cache's parts are its chunks.
    let mut count = [0; 4];
    file.read_exact_at(&mut count, payload_len.checked_sub(4)?)
        .ok()?;
    let count = Fields(&count).u32() as u64;
    let lens_at = payload_len
        .checked_sub(4)?
        .checked_sub(count.checked_mul(8)?)?;
    let mut tail = vec![0; usize::try_from(payload_len - lens_at).ok()?];
    file.read_exact_at(&mut tail, lens_at).ok()?;
    let chunks = part_places(&tail[..tail.len() - 4], lens_at)?;
    let decoded = crate::phases::time("records cache decode, abstracts on disk", || {
        decode(&*file, &chunks, &tail, t.payload_hash)
    })?;
    let mut list = Vec::with_capacity(decoded.iter().map(|(r, _)| r.len()).sum());
    let mut places = Vec::with_capacity(list.capacity());
    for (records, at) in decoded {
        list.extend(records);
        places.extend(at);
    }
    let source = CacheFile {
        file,
        path: cache,
        places,
    };
    Some(Records::with_abstracts_on_disk(list, Arc::new(source)))
}

/// Reads the chunks in order (hashing the payload as it goes: `tail` is
/// its last part) and decodes them on as many threads as there are
/// cores; `None` if the payload's hash is not `hash` or a chunk does not
/// decode.
fn decode(
    file: &dyn ReadAt,
    chunks: &[(u64, u64)],
    tail: &[u8],
    hash: u64,
) -> Option<Vec<(Vec<Record>, Vec<Place>)>> {
    type Decoded = Vec<Option<(Vec<Record>, Vec<Place>)>>;
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    // One read chunk waits here for a decoder: the reader keeps ahead
    // without holding many chunks (about 20 MB each) at once; with two
    // waiting per thread, 7 were held at the peak (146 MB, heaptrack).
    let (send, receive) = std::sync::mpsc::sync_channel::<(usize, u64, Vec<u8>)>(1);
    let receive = Mutex::new(receive);
    let out: Mutex<Decoded> = Mutex::new(vec![None; chunks.len()]);
    let failed = AtomicUsize::new(0);
    let hashed = std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let next = receive.lock().ok().and_then(|r| r.recv().ok());
                    let Some((i, at, bytes)) = next else {
                        return;
                    };
                    match skeletons(&bytes, at) {
                        Some(d) => {
                            if let Ok(mut out) = out.lock() {
                                out[i] = Some(d);
                            }
                        }
                        None => {
                            failed.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            });
        }
        let mut hasher = Xxh3::new();
        for (i, &(at, len)) in chunks.iter().enumerate() {
            let mut bytes = vec![0; usize::try_from(len).ok()?];
            file.read_exact_at(&mut bytes, at).ok()?;
            hasher.update(&bytes);
            send.send((i, at, bytes)).ok()?;
        }
        drop(send);
        hasher.update(tail);
        Some(hasher.digest())
    });
    if hashed? != hash || failed.load(Ordering::Relaxed) > 0 {
        return None;
    }
    out.into_inner().ok()?.into_iter().collect()
}

/// The records of one chunk (a MessagePack list of records starting at
/// byte `at` of the file) without their abstracts, and where each is.
fn skeletons(chunk: &[u8], at: u64) -> Option<(Vec<Record>, Vec<Place>)> {
    let mut rest = chunk;
    let n = rmp::decode::read_array_len(&mut rest).ok()? as usize;
    let mut records = Vec::with_capacity(n);
    let mut places = Vec::with_capacity(n);
    crate::record::without_abstracts(|| {
        for _ in 0..n {
            let start = chunk.len() - rest.len();
            let r: Record =
                Record::deserialize(&mut rmp_serde::Deserializer::new(&mut rest)).ok()?;
            let end = chunk.len() - rest.len();
            let (abstract_at, abstract_len) = abstract_in(&chunk[start..end])?;
            records.push(r);
            places.push(Place {
                at: at + start as u64,
                len: u32::try_from(end - start).ok()?,
                abstract_at: u32::try_from(abstract_at).ok()?,
                abstract_len: u32::try_from(abstract_len).ok()?,
            });
        }
        Some(())
    })?;
    rest.is_empty().then_some((records, places))
}

/// Where the abstract's text is in one record's MessagePack (a map with
/// field names): its offset and length, `(0, 0)` when the record has none;
/// `None` if the record is not such a map. Only the fields before it are
/// walked.
fn abstract_in(record: &[u8]) -> Option<(usize, usize)> {
    let mut rest = record;
    let fields = rmp::decode::read_map_len(&mut rest).ok()?;
    for _ in 0..fields {
        let name_len = rmp::decode::read_str_len(&mut rest).ok()? as usize;
        let (name, after) = rest.split_at_checked(name_len)?;
        rest = after;
        if name == b"abstract" {
            let len = rmp::decode::read_str_len(&mut rest).ok()? as usize;
            let at = record.len() - rest.len();
            return (rest.len() >= len).then_some((at, len));
        }
        IgnoredAny::deserialize(&mut rmp_serde::Deserializer::new(&mut rest)).ok()?;
    }
    Some((0, 0))
}
