//! `PROJECT.rank`: every record's terms ([`Terms`]), so that opening the
//! screen again tokenizes only the records an import added or changed. A
//! derived file like `PROJECT.cache`: never in the RON file, deletable at
//! any time, rebuilt when missing, foreign or torn.
//!
//! Layout (little-endian): `SCRRANK1`, format (u32), the feature settings'
//! fingerprint (u64), the number of records (u64); per record the hash of
//! the text its terms come from (u64) and its number of terms (u32); then
//! every record's packed terms (u32 each); last, the xxh3 of everything
//! before it (u64). Records are found by text hash, so the order and the
//! set of records may change between writes.
//!
//! All file access is in [`read_file`] and [`write_file`]: a side file is
//! never read or written through a symbolic link (DESIGN.md, invariant 6).

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use xxhash_rust::xxh3::{Xxh3, xxh3_64};

use super::features::{FeatureConfig, Terms};
use crate::record::Record;

const MAGIC: &[u8; 8] = b"SCRRANK1";
const FORMAT: u32 = 1;

/// `PROJECT.rank` beside `PROJECT`.
pub fn rank_path(project: &Path) -> PathBuf {
    let mut s = project.as_os_str().to_owned();
    s.push(".rank");
    PathBuf::from(s)
}

/// The hash of what a record's terms are made of: when it changes, the
/// record is tokenized again.
pub fn text_hash(r: &Record) -> u64 {
    let mut h = Xxh3::new();
    h.update(r.title.as_bytes());
    h.update(b"\x1f");
    h.update(r.abstract_text.as_bytes());
    for k in &r.keywords {
        h.update(b"\x1f");
        h.update(k.as_bytes());
    }
    h.update(b"\x1e");
    h.update(r.journal.as_bytes());
    h.digest()
}

/// Terms by text hash, as read from a cache.
pub type Cached = HashMap<u64, Terms>;

/// Encodes the terms of records whose text hashes are `hashes`.
pub fn encode(cfg: &FeatureConfig, hashes: &[u64], terms: &[Terms]) -> Vec<u8> {
    let total: usize = terms.iter().map(|t| t.0.len()).sum();
    let mut out = Vec::with_capacity(32 + hashes.len() * 12 + total * 4);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT.to_le_bytes());
    out.extend_from_slice(&cfg.fingerprint().to_le_bytes());
    out.extend_from_slice(&(hashes.len() as u64).to_le_bytes());
    for (h, t) in hashes.iter().zip(terms) {
        out.extend_from_slice(&h.to_le_bytes());
        out.extend_from_slice(&(t.0.len() as u32).to_le_bytes());
    }
    for t in terms {
        for p in &t.0 {
            out.extend_from_slice(&p.to_le_bytes());
        }
    }
    let sum = xxh3_64(&out);
    out.extend_from_slice(&sum.to_le_bytes());
    out
}

/// Decodes a cache written with the same feature settings; `None` for
/// anything else (other settings, another format, torn, not a cache).
pub fn decode(cfg: &FeatureConfig, bytes: &[u8]) -> Option<Cached> {
    let (body, sum) = bytes.split_at_checked(bytes.len().checked_sub(8)?)?;
    if u64::from_le_bytes(sum.try_into().ok()?) != xxh3_64(body) {
        return None;
    }
    let mut r = Reader(body);
    if r.take(8)? != MAGIC || r.u32()? != FORMAT || r.u64()? != cfg.fingerprint() {
        return None;
    }
    let n = usize::try_from(r.u64()?).ok()?;
    let mut heads = Vec::with_capacity(n.min(body.len() / 12));
    for _ in 0..n {
        heads.push((r.u64()?, r.u32()? as usize));
    }
    let mut out = HashMap::with_capacity(heads.len());
    for (h, len) in heads {
        let raw = r.take(len.checked_mul(4)?)?;
        let terms = raw
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        out.insert(h, Terms(terms));
    }
    (r.0.is_empty()).then_some(out)
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (a, b) = self.0.split_at_checked(n)?;
        self.0 = b;
        Some(a)
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
}

/// Reads a side file, refusing a symbolic link.
pub fn read_file(path: &Path) -> io::Result<Vec<u8>> {
    use std::io::Read;
    let mut f = no_follow(std::fs::OpenOptions::new().read(true)).open(path)?;
    let mut bytes = Vec::new();
    f.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Replaces a side file: written to a new `PATH.tmp` (whatever had that
/// name is removed first, and the file is created exclusively, so a link
/// planted there is not followed), then renamed over `PATH` (a rename
/// replaces a link, it does not write through it). No fsync: a cache torn
/// by a crash fails its checksum and is rebuilt.
pub fn write_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let _ = std::fs::remove_file(&tmp);
    let result = (|| {
        let mut f =
            no_follow(std::fs::OpenOptions::new().write(true).create_new(true)).open(&tmp)?;
        f.write_all(bytes)?;
        drop(f);
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

fn no_follow(o: &mut std::fs::OpenOptions) -> &mut std::fs::OpenOptions {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32);
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_rejections() {
        let cfg = FeatureConfig::default();
        let terms = vec![Terms(vec![1, 2, 3]), Terms(vec![]), Terms(vec![9])];
        let bytes = encode(&cfg, &[10, 20, 30], &terms);
        let back = decode(&cfg, &bytes).unwrap();
        assert_eq!(back.len(), 3);
        assert_eq!(back[&10], terms[0]);
        assert_eq!(back[&30], terms[2]);
        // Other settings, a torn file, a flipped byte: no cache.
        let other = FeatureConfig {
            bigrams: false,
            ..cfg.clone()
        };
        assert!(decode(&other, &bytes).is_none());
        assert!(decode(&cfg, &bytes[..bytes.len() - 1]).is_none());
        let mut flipped = bytes.clone();
        flipped[30] ^= 1;
        assert!(decode(&cfg, &flipped).is_none());
        assert!(decode(&cfg, b"").is_none());
    }

    #[cfg(unix)]
    #[test]
    fn never_through_a_symbolic_link() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("elsewhere");
        std::fs::write(&target, b"keep").unwrap();
        let link = dir.path().join("p.ron.rank");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(read_file(&link).is_err());
        // Writing replaces the link with a file; the target is untouched.
        write_file(&link, b"new").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"keep");
        assert!(
            !std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        // A link planted at the temporary name is not written through.
        let tmp = dir.path().join("p.ron.rank.tmp");
        std::os::unix::fs::symlink(&target, &tmp).unwrap();
        write_file(&link, b"again").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"keep");
        assert_eq!(read_file(&link).unwrap(), b"again");
    }
}
