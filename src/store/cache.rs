//! `PROJECT.cache`: the project file's content in a binary form that loads
//! several times faster than RON (MessagePack with field names, through
//! serde, so every schema field is in it without code here). The RON file
//! stays the truth: the cache is used only when it holds the RON file's
//! content as it is now, and can always be deleted.
//!
//! Layout: the payload, then a trailer of fixed size. The payload is the
//! records in chunks of [`CHUNK`], then the project without its records
//! (last: when the records are in a file of their own, what the project
//! file names is known only once that file is written, while the chunks
//! are written meanwhile), each MessagePack, then the byte length of each
//! part (u64) and their number (u32): the parts are read back in parallel.
//! The trailer: `SCRCACHE`, cache format, schema version, the RON file's
//! [`Stamp`] (device and inode, length, modification and change times,
//! taken after the RON file was renamed into place), the RON file's content
//! hash ([`Digest`]), the stamp of the records file (`store::records`)
//! when there is one (a flag, then the stamp), the payload's length and its
//! xxh3 hash. The records file's content is named by the project file
//! (whose content the cache holds), so a records file whose stamp changed
//! is hashed and compared with that (`records::unchanged`).
//!
//! A project kept as a pair has two caches, so that a checkpoint that
//! writes only the project file writes only the small one:
//! `PROJECT.cache` holds the project part alone, and
//! `PROJECT.records.cache` the record chunks, in the same layout with the
//! records file's stamp and digest in its trailer; it is written when the
//! records file is, and used while its digest is the one the project file
//! names.
//!
//! The stamp makes the common open free of any check of the RON file; the
//! digest makes a copy of the pair (`cp`, a restored backup, a colleague's
//! files) open from the cache too, after one streaming hash of the RON
//! file (about a tenth of parsing it). Anything that does not match (an
//! edit, even one that keeps the length; a torn or foreign cache) means
//! "no cache", and the RON file is read instead.
//!
//! It is written beside every checkpoint, in a second thread while the RON
//! file is written, without fsync: after a power loss it is either whole or
//! rejected.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use xxhash_rust::xxh3::Xxh3;

use super::{Detail, Digest, Side, Stamp, Storage};
use crate::project::{Project, VERSION};
use crate::record::Record;
use crate::record_list::Records;

const MAGIC: &[u8; 8] = b"SCRCACHE";
/// Bump when the layout or the encoding changes.
const FORMAT: u32 = 4;
/// Records per chunk.
const CHUNK: usize = 8192;
pub(super) const TRAILER: usize = 8 + 4 + 4 + 8 + 8 + 16 + 16 + 8 + 4 + 8 + 8 + 16 + 16 + 8 + 8;

pub fn cache_path(path: &Path) -> PathBuf {
    Side::Cache.of(path)
}

fn tmp_path(path: &Path) -> PathBuf {
    Side::CacheTmp.of(path)
}

/// The project from the cache, if the cache is intact and its content is
/// the RON file's as it is now: the file it was written beside (`stamp`
/// matches: nothing to read), or a copy of it (same length and content
/// hash: one streaming read of the RON file, far cheaper than parsing it).
/// With it, the stamp its records file had (the caller checks that file).
pub(super) fn read(
    fs: &dyn Storage,
    path: &Path,
    stamp: &Stamp,
    detail: Detail,
) -> Option<(Project, Option<Stamp>)> {
    let bytes = crate::phases::time("cache map", || fs.map(&cache_path(path))).ok()?;
    let check = crate::phases::start("cache check");
    let (payload, t) = intact(&bytes)?;
    if t.ron.len != stamp.len {
        return None;
    }
    if t.stamp != *stamp {
        let now = crate::phases::time("cache content check", || fs.digest(path)).ok()?;
        if now != t.ron {
            return None;
        }
    }
    drop(check);
    let mut project = crate::phases::time("cache decode", || decode(payload, detail))?;
    if t.records.is_some() {
        let file = project.records_file.as_ref()?;
        let named = super::records::digest_of(file)?;
        let detail = match detail {
            Detail::AbstractsOnDisk { from } if file.records < from => Detail::Full,
            other => other,
        };
        project.records = read_records(fs, path, &named, detail)?;
    }
    Some((project, t.records))
}

/// Whether `PROJECT.records.cache` says it holds the records file whose
/// content is `named` (its trailer only; a read checks the rest).
pub(super) fn records_cache_holds(fs: &dyn Storage, path: &Path, named: &Digest) -> bool {
    // The trailer alone is read: mapping the file read all of it (2.5 GB
    // at 1M records).
    let Ok(file) = fs.open_at(&Side::RecordsCache.of(path)) else {
        return false;
    };
    let mut trailer = vec![0; TRAILER];
    file.size()
        .checked_sub(TRAILER as u64)
        .is_some_and(|at| file.read_exact_at(&mut trailer, at).is_ok())
        && Trailer::parse(&trailer).is_some_and(|t| t.ron == *named)
}

/// The records from `PROJECT.records.cache`, if it is intact and holds the
/// records file whose content is `named`.
fn read_records(fs: &dyn Storage, path: &Path, named: &Digest, detail: Detail) -> Option<Records> {
    if let Detail::AbstractsOnDisk { .. } = detail {
        return super::abstracts_on_disk::read(fs, path, named);
    }
    let bytes = fs.map(&Side::RecordsCache.of(path)).ok()?;
    let (payload, t) = intact(&bytes)?;
    if t.ron != *named {
        return None;
    }
    let parts = parts(payload)?;
    crate::phases::time("records cache decode", || decode_records(&parts, detail))
        .map(Records::from)
}

/// A cache's payload and trailer, if the trailer reads and the payload is
/// the length and hash it says.
fn intact(bytes: &[u8]) -> Option<(&[u8], Trailer)> {
    let (payload, trailer) = bytes.split_at_checked(bytes.len().checked_sub(TRAILER)?)?;
    let t = Trailer::parse(trailer)?;
    (t.payload_len == payload.len() as u64 && t.payload_hash == xxhash_rust::xxh3::xxh3_64(payload))
        .then_some((payload, t))
}

/// The trailer's fields.
pub(super) struct Trailer {
    stamp: Stamp,
    pub(super) ron: Digest,
    records: Option<Stamp>,
    pub(super) payload_len: u64,
    pub(super) payload_hash: u64,
}

impl Trailer {
    pub(super) fn parse(bytes: &[u8]) -> Option<Trailer> {
        let mut t = Fields(bytes);
        if t.take(8) != MAGIC || t.u32() != FORMAT || t.u32() != VERSION {
            return None;
        }
        let stamp = t.stamp();
        let ron = Digest {
            len: stamp.len,
            hash: t.u64(),
        };
        let has_records = t.u32();
        let records = t.stamp();
        Some(Trailer {
            stamp,
            ron,
            records: (has_records == 1).then_some(records),
            payload_len: t.u64(),
            payload_hash: t.u64(),
        })
    }

    fn bytes(&self) -> Vec<u8> {
        let mut t = Vec::with_capacity(TRAILER);
        t.extend_from_slice(MAGIC);
        t.extend_from_slice(&FORMAT.to_le_bytes());
        t.extend_from_slice(&VERSION.to_le_bytes());
        push_stamp(&mut t, &self.stamp);
        t.extend_from_slice(&self.ron.hash.to_le_bytes());
        t.extend_from_slice(&u32::from(self.records.is_some()).to_le_bytes());
        push_stamp(
            &mut t,
            &self.records.unwrap_or(Stamp {
                id: 0,
                len: 0,
                modified_ns: 0,
                changed_ns: 0,
            }),
        );
        t.extend_from_slice(&self.payload_len.to_le_bytes());
        t.extend_from_slice(&self.payload_hash.to_le_bytes());
        t
    }
}

fn push_stamp(t: &mut Vec<u8>, s: &Stamp) {
    t.extend_from_slice(&s.id.to_le_bytes());
    t.extend_from_slice(&s.len.to_le_bytes());
    t.extend_from_slice(&s.modified_ns.to_le_bytes());
    t.extend_from_slice(&s.changed_ns.to_le_bytes());
}

/// The payload's parts: the record chunks, then the project without
/// records.
fn parts(payload: &[u8]) -> Option<Vec<&[u8]>> {
    let (rest, count) = payload.split_at_checked(payload.len().checked_sub(4)?)?;
    let count = usize::try_from(Fields(count).u32()).ok()?;
    let (data, lens) = rest.split_at_checked(rest.len().checked_sub(count.checked_mul(8)?)?)?;
    part_places(lens, data.len() as u64)?
        .into_iter()
        .map(|(at, len)| data.get(usize::try_from(at).ok()?..usize::try_from(at + len).ok()?))
        .collect()
}

/// Where each part is, as (offset, length) from the payload's start, given
/// the table of their lengths (`lens`, a u64 each) and the bytes before
/// that table (`data_len`); `None` unless the parts fill them exactly.
pub(super) fn part_places(lens: &[u8], data_len: u64) -> Option<Vec<(u64, u64)>> {
    let mut table = Fields(lens);
    let mut places = Vec::with_capacity(lens.len() / 8);
    let mut at = 0u64;
    for _ in 0..lens.len() / 8 {
        let len = table.u64();
        places.push((at, len));
        at = at.checked_add(len)?;
    }
    (at == data_len).then_some(places)
}

/// The fields of a record that counting needs ([`Detail::Counts`]); the
/// rest of each record is skipped in the cache, not allocated.
#[derive(serde::Deserialize)]
struct Counted {
    key: String,
    origin: crate::record::Origin,
    #[serde(default)]
    duplicate_of: Option<String>,
    #[serde(default)]
    duplicate_match: Option<crate::dedup::DuplicateMatch>,
}

fn decode_chunk(chunk: &[u8], detail: Detail) -> Option<Vec<Record>> {
    match detail {
        Detail::Full | Detail::AbstractsOnDisk { .. } => rmp_serde::from_slice(chunk).ok(),
        Detail::Counts => {
            let heads: Vec<Counted> = rmp_serde::from_slice(chunk).ok()?;
            Some(
                heads
                    .into_iter()
                    .map(|h| Record {
                        key: h.key,
                        origin: h.origin,
                        duplicate_of: h.duplicate_of,
                        duplicate_match: h.duplicate_match,
                        ..Record::default()
                    })
                    .collect(),
            )
        }
    }
}

/// Decodes the parts, the record chunks on as many threads as there are
/// cores.
fn decode(payload: &[u8], detail: Detail) -> Option<Project> {
    let parts = parts(payload)?;
    let (head, chunks) = parts.split_last()?;
    let (project, records) = std::thread::scope(|s| {
        let project = s.spawn(|| rmp_serde::from_slice::<Project>(head).ok());
        let records = decode_records(chunks, detail);
        (project.join().ok().flatten(), records)
    });
    let mut project = project?;
    project.records = records?.into();
    Some(project)
}

/// Decodes record chunks on as many threads as there are cores.
fn decode_records(chunks: &[&[u8]], detail: Detail) -> Option<Vec<Record>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, chunks.len().max(1));
    let next = AtomicUsize::new(0);
    let work = || -> Option<Vec<(usize, Vec<Record>)>> {
        let mut mine = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(chunk) = chunks.get(i) else {
                return Some(mine);
            };
            mine.push((i, decode_chunk(chunk, detail)?));
        }
    };
    let mut decoded = std::thread::scope(|s| {
        let helpers: Vec<_> = (1..threads).map(|_| s.spawn(work)).collect();
        let mut decoded = work();
        for h in helpers {
            match (h.join().ok().flatten(), &mut decoded) {
                (Some(more), Some(all)) => all.extend(more),
                _ => decoded = None,
            }
        }
        decoded
    });
    let decoded = decoded.as_mut()?;
    if decoded.len() != chunks.len() {
        return None;
    }
    decoded.sort_unstable_by_key(|(i, _)| *i);
    let total = decoded.iter().map(|(_, c)| c.len()).sum();
    let mut records = Vec::with_capacity(total);
    for (_, chunk) in decoded.drain(..) {
        records.extend(chunk);
    }
    Some(records)
}

pub(super) struct Fields<'a>(pub(super) &'a [u8]);

impl Fields<'_> {
    fn take(&mut self, n: usize) -> &[u8] {
        let (head, rest) = self.0.split_at(n.min(self.0.len()));
        self.0 = rest;
        head
    }
    pub(super) fn u32(&mut self) -> u32 {
        self.take(4).try_into().map_or(u32::MAX, u32::from_le_bytes)
    }
    pub(super) fn u64(&mut self) -> u64 {
        self.take(8).try_into().map_or(u64::MAX, u64::from_le_bytes)
    }
    fn i128(&mut self) -> i128 {
        self.take(16)
            .try_into()
            .map_or(i128::MIN, i128::from_le_bytes)
    }
    fn stamp(&mut self) -> Stamp {
        Stamp {
            id: self.u64(),
            len: self.u64(),
            modified_ns: self.i128(),
            changed_ns: self.i128(),
        }
    }
}

/// The payload written so far: its length and hash.
pub(super) struct Payload {
    len: u64,
    hash: u64,
    tmp: PathBuf,
    /// Where [`finish`] puts it.
    target: PathBuf,
}

/// A writer that hashes what goes through it.
pub(super) struct Hashing<W> {
    inner: W,
    hasher: Xxh3,
    len: u64,
}

impl<W> Hashing<W> {
    pub(super) fn new(inner: W) -> Self {
        Hashing {
            inner,
            hasher: Xxh3::new(),
            len: 0,
        }
    }

    /// What was written, and the writer.
    pub(super) fn finish(self) -> (W, Digest) {
        let digest = Digest {
            len: self.len,
            hash: self.hasher.digest(),
        };
        (self.inner, digest)
    }
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// What a cache's payload holds.
pub(super) enum Holds<'a, F: FnOnce() -> Option<&'a Project>> {
    /// The records, then the project `F` gives (`None`: the project file
    /// was not written, so neither is the cache): a project in one file.
    Whole(&'a [Record], F),
    /// The project part alone: a pair's `PROJECT.cache`.
    Head(F),
    /// The records alone: a pair's `PROJECT.records.cache`.
    Records(&'a [Record]),
}

/// Writes the payload of a new cache for `path` (`PROJECT.records.cache`
/// for [`Holds::Records`], else `PROJECT.cache`), not yet in place: see
/// [`finish`].
pub(super) fn write_payload<'a, F: FnOnce() -> Option<&'a Project>>(
    fs: &dyn Storage,
    path: &Path,
    holds: Holds<'a, F>,
) -> io::Result<Payload> {
    let (tmp, target) = match holds {
        Holds::Records(_) => (Side::RecordsCacheTmp.of(path), Side::RecordsCache.of(path)),
        _ => (tmp_path(path), cache_path(path)),
    };
    let file = fs.create(&tmp)?;
    let mut w = Hashing::new(BufWriter::with_capacity(1 << 20, file));
    let mut lens = Vec::new();
    let (records, head) = match holds {
        Holds::Whole(r, h) => (r, Some(h)),
        Holds::Head(h) => (&[][..], Some(h)),
        Holds::Records(r) => (r, None),
    };
    for chunk in records.chunks(CHUNK) {
        let before = w.len;
        rmp_serde::encode::write_named(&mut w, chunk).map_err(io::Error::other)?;
        lens.push(w.len - before);
    }
    if let Some(head) = head {
        let project = head().ok_or_else(|| io::Error::other("the project file was not written"))?;
        let before = w.len;
        crate::record_list::without_records(|| rmp_serde::encode::write_named(&mut w, project))
            .map_err(io::Error::other)?;
        lens.push(w.len - before);
    }
    for len in &lens {
        w.write_all(&len.to_le_bytes())?;
    }
    let count = u32::try_from(lens.len()).map_err(io::Error::other)?;
    w.write_all(&count.to_le_bytes())?;
    w.flush()?;
    Ok(Payload {
        len: w.len,
        hash: w.hasher.digest(),
        tmp,
        target,
    })
}

/// Adds the trailer naming the RON file as it is now (`stamp`, and its
/// content `ron`), and its records file's stamp, and puts the cache in
/// place.
pub(super) fn finish(
    fs: &dyn Storage,
    payload: &Payload,
    stamp: &Stamp,
    ron: &Digest,
    records: Option<&Stamp>,
) -> io::Result<()> {
    if ron.len != stamp.len {
        return Err(io::Error::other(
            "the project file changed while its cache was written",
        ));
    }
    let t = Trailer {
        stamp: *stamp,
        ron: *ron,
        records: records.copied(),
        payload_len: payload.len,
        payload_hash: payload.hash,
    }
    .bytes();
    let (tmp, target) = (&payload.tmp, &payload.target);
    let mut f = fs.append(tmp)?;
    f.write_all(&t)?;
    drop(f);
    // Removed first, not renamed over: ext4 (auto_da_alloc) writes out the
    // whole new file when a rename replaces one, in the transaction that
    // the journal's next fsync waits for. A decision saved while a
    // checkpoint ends waited for the cache's hundreds of MB (p99 of the
    // journal's fsync during checkpoints at 100k: 334-638 ms, with the
    // removal 175-194 ms: benches/checkpoint.rs). The cache is never
    // synced anyway; without one for a moment, a reader parses RON.
    if fs.exists(target) {
        let _ = fs.remove(target);
    }
    fs.rename(tmp, target)
}

/// Removes a cache that would not match (after a failed cache write).
pub(super) fn discard(fs: &dyn Storage, path: &Path) {
    discard_tmp(fs, path);
    if fs.exists(&cache_path(path)) {
        let _ = fs.remove(&cache_path(path));
    }
}

/// Removes an unfinished cache.
pub(super) fn discard_tmp(fs: &dyn Storage, path: &Path) {
    for tmp in [tmp_path(path), Side::RecordsCacheTmp.of(path)] {
        if fs.exists(&tmp) {
            let _ = fs.remove(&tmp);
        }
    }
}

/// Writes a cache for the RON file at `path` as it is now, whose content is
/// `project` (no journal folded in). The file is read once for its
/// digest; if it changes meanwhile, no cache is written.
pub(super) fn write(fs: &dyn Storage, path: &Path, project: &Project) -> io::Result<()> {
    let stamp = fs.stamp(path)?;
    let ron = fs.digest(path)?;
    let records = match &project.records_file {
        None => None,
        Some(file) => {
            let at = super::records::path_of(path, file).map_err(io::Error::other)?;
            let stamp = fs.stamp(&at)?;
            let named = super::records::digest_of(file);
            if named != Some(fs.digest(&at)?) || fs.stamp(&at)? != stamp {
                return Err(io::Error::other(
                    "the records file is not the one the project file names",
                ));
            }
            Some(stamp)
        }
    };
    if fs.stamp(path)? != stamp {
        return Err(io::Error::other(
            "the project file changed while its cache was written",
        ));
    }
    write_stamped(fs, path, project, &stamp, &ron, records)
}

/// Writes a cache for the RON file whose stamp and digest the caller took
/// and whose content is `project`.
pub(super) fn write_stamped(
    fs: &dyn Storage,
    path: &Path,
    project: &Project,
    stamp: &Stamp,
    ron: &Digest,
    records: Option<Stamp>,
) -> io::Result<()> {
    let result = (|| match (records, &project.records_file) {
        (Some(records), Some(file)) => {
            let named = super::records::digest_of(file)
                .ok_or_else(|| io::Error::other("the project file names no records hash"))?;
            if !records_cache_holds(fs, path, &named) {
                let p = write_payload(
                    fs,
                    path,
                    Holds::<fn() -> _>::Records(project.records.whole()?),
                )?;
                finish(fs, &p, &records, &named, None)?;
            }
            let p = write_payload(fs, path, Holds::Head(|| Some(project)))?;
            finish(fs, &p, stamp, ron, Some(&records))
        }
        _ => {
            let p = write_payload(
                fs,
                path,
                Holds::Whole(project.records.whole()?, || Some(project)),
            )?;
            finish(fs, &p, stamp, ron, None)
        }
    })();
    if result.is_err() {
        discard_tmp(fs, path);
    }
    result
}
