//! `PROJECT.rank`: every record's terms ([`Terms`]), so that opening the
//! screen again tokenizes only the records an import added or changed, and
//! the TF-IDF matrix last built from them, so that opening it again with
//! the same records to rank (nothing imported or changed since, the same
//! stage) skips building it. A derived file like `PROJECT.cache`: never in
//! the RON file, deletable at any time, rebuilt when missing, foreign or
//! torn.
//!
//! Layout (little-endian): `SCRRANK1`, format (u32), the feature settings'
//! fingerprint (u64), the key of the records and settings the matrix was
//! built for ([`matrix_key`], u64; 0 for no matrix), the number of records
//! (u64); per record the hash of the text its terms come from (u64) and its
//! number of terms (u32); then every record's packed terms (u32 each). Then,
//! if there is a matrix, its rows, features, shared features and values
//! (u64 each), `offsets`, `shared`, `ids` (u32 each), `vals` (f32 each),
//! `used` and `df` (u32 each). Last, the xxh3 of everything before
//! it (u64). Records are found by text hash, so the order and the set of
//! records may change between writes; the matrix is used only for exactly
//! the records (in order) and settings it was built for.
//!
//! All file access is in [`read_file`] and [`write_file`]: a side file is
//! never read or written through a symbolic link (DESIGN.md, invariant 6).

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use xxhash_rust::xxh3::{Xxh3, xxh3_64};

use super::features::{FeatureConfig, Matrix, Terms};
use crate::record::Record;

const MAGIC: &[u8; 8] = b"SCRRANK1";
/// 2: the matrix section. Raise it whenever `Matrix::build` would build
/// another matrix from the same terms (feature numbering, values): a
/// matrix kept by an older build must not be read as this one's.
const FORMAT: u32 = 2;

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

/// What the matrix of the records with text hashes `hashes` (in this
/// order) depends on besides them: the terms' settings and the TF-IDF's.
/// Never 0 (0 marks "no matrix").
pub fn matrix_key(cfg: &FeatureConfig, hashes: &[u64]) -> u64 {
    let mut h = Xxh3::new();
    h.update(&cfg.fingerprint().to_le_bytes());
    h.update(&cfg.min_df.to_le_bytes());
    h.update(&cfg.max_df.to_bits().to_le_bytes());
    h.update(&[u8::from(cfg.sublinear_tf)]);
    h.update(&(hashes.len() as u64).to_le_bytes());
    for x in hashes {
        h.update(&x.to_le_bytes());
    }
    h.digest().max(1)
}

/// Encodes the terms of records whose text hashes are `hashes`, and the
/// matrix with its key if there is one.
pub fn encode(
    cfg: &FeatureConfig,
    hashes: &[u64],
    terms: &[Terms],
    matrix: Option<(u64, &Matrix)>,
) -> Vec<u8> {
    let mut out = Vec::new();
    let terms: Vec<&Terms> = terms.iter().collect();
    // Writing to a vector cannot fail.
    let _ = encode_to(&mut out, cfg, hashes, &terms, matrix);
    out
}

/// [`encode`] into `w`, a buffer at a time (the file at 100,000 records is
/// hundreds of megabytes: never all of it in memory).
pub fn encode_to(
    w: &mut dyn Write,
    cfg: &FeatureConfig,
    hashes: &[u64],
    terms: &[&Terms],
    matrix: Option<(u64, &Matrix)>,
) -> io::Result<()> {
    let mut out = Out {
        w,
        h: Xxh3::new(),
        buf: Vec::with_capacity(1 << 16),
    };
    out.put(MAGIC)?;
    out.put(&FORMAT.to_le_bytes())?;
    out.u64(cfg.fingerprint())?;
    out.u64(matrix.map_or(0, |(key, _)| key))?;
    out.u64(hashes.len() as u64)?;
    for (h, t) in hashes.iter().zip(terms) {
        out.u64(*h)?;
        out.u32(t.0.len() as u32)?;
    }
    for t in terms {
        out.u32s(&t.0)?;
    }
    match matrix {
        Some((key, m)) if key != 0 => {
            for v in [m.rows(), m.features(), m.shared_features, m.ids.len()] {
                out.u64(v as u64)?;
            }
            out.u32s(&m.offsets)?;
            out.u32s(&m.shared)?;
            out.u32s(&m.ids)?;
            for v in &m.vals {
                out.put(&v.to_le_bytes())?;
            }
            out.u32s(&m.used)?;
            out.u32s(&m.df)?;
        }
        _ => {}
    }
    out.flush()?;
    let sum = out.h.digest();
    out.w.write_all(&sum.to_le_bytes())
}

/// A writer that hashes what it writes, in buffers.
struct Out<'a> {
    w: &'a mut dyn Write,
    h: Xxh3,
    buf: Vec<u8>,
}

impl Out<'_> {
    fn put(&mut self, b: &[u8]) -> io::Result<()> {
        self.buf.extend_from_slice(b);
        if self.buf.len() >= 1 << 16 {
            self.flush()?;
        }
        Ok(())
    }
    fn flush(&mut self) -> io::Result<()> {
        self.h.update(&self.buf);
        self.w.write_all(&self.buf)?;
        self.buf.clear();
        Ok(())
    }
    fn u32(&mut self, v: u32) -> io::Result<()> {
        self.put(&v.to_le_bytes())
    }
    fn u64(&mut self, v: u64) -> io::Result<()> {
        self.put(&v.to_le_bytes())
    }
    fn u32s(&mut self, v: &[u32]) -> io::Result<()> {
        for x in v {
            self.put(&x.to_le_bytes())?;
        }
        Ok(())
    }
}

/// Decodes the terms of a cache written with the same feature settings;
/// `None` for anything else (other settings, another format, torn, not a
/// cache).
pub fn decode(cfg: &FeatureConfig, bytes: &[u8]) -> Option<Cached> {
    let (body, sum) = bytes.split_at_checked(bytes.len().checked_sub(8)?)?;
    if u64::from_le_bytes(sum.try_into().ok()?) != xxh3_64(body) {
        return None;
    }
    let mut r = Reader(body);
    if r.take(8)? != MAGIC || r.u32()? != FORMAT || r.u64()? != cfg.fingerprint() {
        return None;
    }
    let key = r.u64()?;
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
    // The matrix section, skipped: its length from its counts.
    if key != 0 {
        let (rows, features, _, nnz) = (r.u64()?, r.u64()?, r.u64()?, r.u64()?);
        let words = (rows.checked_mul(2)?.checked_add(1)?)
            .checked_add(nnz.checked_mul(2)?)?
            .checked_add(features.checked_mul(2)?)?;
        r.take(usize::try_from(words.checked_mul(4)?).ok()?)?;
    }
    (r.0.is_empty()).then_some(out)
}

/// The matrix kept in the cache at `path`, if it was built for `key`
/// ([`matrix_key`]) and the file is whole; read a buffer at a time, the
/// terms skipped (but checksummed), and checked before it is used: a
/// file that passes its checksum may still have been written by someone
/// else, and a matrix whose ids point outside it must not be indexed.
pub fn read_matrix(path: &Path, cfg: &FeatureConfig, key: u64) -> Option<Matrix> {
    let f = no_follow(std::fs::OpenOptions::new().read(true))
        .open(path)
        .ok()?;
    let len = f.metadata().ok()?.len();
    let mut r = In {
        r: io::BufReader::with_capacity(1 << 16, f),
        h: Xxh3::new(),
        left: len.checked_sub(8)?,
    };
    let mut magic = [0u8; 8];
    r.bytes(&mut magic)?;
    if &magic != MAGIC
        || r.u32()? != FORMAT
        || r.u64()? != cfg.fingerprint()
        || key == 0
        || r.u64()? != key
    {
        return None;
    }
    let n = r.u64()?;
    let mut words = 0u64;
    for _ in 0..n {
        r.u64()?;
        words = words.checked_add(r.u32()? as u64)?;
    }
    r.skip(words.checked_mul(4)?)?;
    let count = |v: u64| usize::try_from(v).ok();
    let (rows, features, shared_features, nnz) = (
        count(r.u64()?)?,
        count(r.u64()?)?,
        count(r.u64()?)?,
        count(r.u64()?)?,
    );
    let offsets = r.u32s(rows.checked_add(1)?)?;
    let shared = r.u32s(rows)?;
    let ids = r.u32s(nnz)?;
    let vals: Vec<f32> = r.u32s(nnz)?.into_iter().map(f32::from_bits).collect();
    let used = r.u32s(features)?;
    let df = r.u32s(features)?;
    r.finish()?;
    let m = Matrix {
        offsets,
        shared,
        ids,
        vals,
        used,
        df,
        shared_features,
    };
    well_formed(&m).then_some(m)
}

/// Every index in `m` points inside it, as `Matrix::build` makes them:
/// rows in order, each row's shared terms (ids below `shared_features`)
/// first, then its own.
fn well_formed(m: &Matrix) -> bool {
    let (n, nnz, f, sf) = (m.shared.len(), m.ids.len(), m.used.len(), m.shared_features);
    if m.offsets.len() != n + 1
        || m.offsets.first() != Some(&0)
        || m.offsets.last().map(|&o| o as usize) != Some(nnz)
        || m.vals.len() != nnz
        || m.df.len() != f
        || sf > f
        || f > super::features::BUCKETS
    {
        return false;
    }
    (0..n).all(|i| {
        let (a, s, b) = (m.offsets[i], m.shared[i], m.offsets[i + 1]);
        a <= s
            && s <= b
            && m.ids[a as usize..s as usize]
                .iter()
                .all(|&id| (id as usize) < sf)
            && m.ids[s as usize..b as usize]
                .iter()
                .all(|&id| (id as usize) >= sf && (id as usize) < f)
    })
}

/// A reader that hashes what it reads, and never reads past the body
/// (the file less its checksum).
struct In {
    r: io::BufReader<std::fs::File>,
    h: Xxh3,
    left: u64,
}

impl In {
    fn bytes(&mut self, out: &mut [u8]) -> Option<()> {
        use std::io::Read;
        self.left = self.left.checked_sub(out.len() as u64)?;
        self.r.read_exact(out).ok()?;
        self.h.update(out);
        Some(())
    }
    fn u32(&mut self) -> Option<u32> {
        let mut b = [0u8; 4];
        self.bytes(&mut b)?;
        Some(u32::from_le_bytes(b))
    }
    fn u64(&mut self) -> Option<u64> {
        let mut b = [0u8; 8];
        self.bytes(&mut b)?;
        Some(u64::from_le_bytes(b))
    }
    /// `n` words, allocated only if the file holds that many.
    fn u32s(&mut self, n: usize) -> Option<Vec<u32>> {
        if (n as u64).checked_mul(4)? > self.left {
            return None;
        }
        let mut out = Vec::with_capacity(n);
        let mut buf = vec![0u8; 1 << 16];
        while out.len() < n {
            let k = (n - out.len()).min(buf.len() / 4);
            self.bytes(&mut buf[..k * 4])?;
            out.extend(
                buf[..k * 4]
                    .chunks_exact(4)
                    .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])),
            );
        }
        Some(out)
    }
    fn skip(&mut self, mut n: u64) -> Option<()> {
        let mut buf = vec![0u8; 1 << 16];
        while n > 0 {
            let k = n.min(buf.len() as u64) as usize;
            self.bytes(&mut buf[..k])?;
            n -= k as u64;
        }
        Some(())
    }
    /// The whole body was read and the checksum after it matches.
    fn finish(mut self) -> Option<()> {
        use std::io::Read;
        if self.left != 0 {
            return None;
        }
        let mut sum = [0u8; 8];
        self.r.read_exact(&mut sum).ok()?;
        (u64::from_le_bytes(sum) == self.h.digest()).then_some(())
    }
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
    write_file_with(path, |w| w.write_all(bytes))
}

/// [`write_file`] of what `fill` writes (through a buffer).
pub fn write_file_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let _ = std::fs::remove_file(&tmp);
    let result = (|| {
        let f = no_follow(std::fs::OpenOptions::new().write(true).create_new(true)).open(&tmp)?;
        let mut w = io::BufWriter::with_capacity(1 << 16, f);
        fill(&mut w)?;
        w.flush()?;
        drop(w);
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
        let bytes = encode(&cfg, &[10, 20, 30], &terms, None);
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

    fn matrix() -> Matrix {
        let cfg = FeatureConfig::default();
        let recs: Vec<Record> = ["red apple pie", "green apple tart", "red car", "blue car"]
            .iter()
            .map(|t| Record {
                title: t.to_string(),
                ..Record::default()
            })
            .collect();
        Matrix::build(&super::super::features::terms_of(&recs, &cfg), &cfg)
    }

    fn same(a: &Matrix, b: &Matrix) -> bool {
        a.offsets == b.offsets
            && a.shared == b.shared
            && a.ids == b.ids
            && a.vals
                .iter()
                .map(|v| v.to_bits())
                .eq(b.vals.iter().map(|v| v.to_bits()))
            && a.used == b.used
            && a.df == b.df
            && a.shared_features == b.shared_features
    }

    #[test]
    fn the_matrix_reads_back_for_its_key_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.ron.rank");
        let cfg = FeatureConfig::default();
        let m = matrix();
        let terms = vec![Terms(vec![1, 2]), Terms(vec![3])];
        let key = matrix_key(&cfg, &[10, 20]);
        write_file_with(&path, |w| {
            encode_to(
                w,
                &cfg,
                &[10, 20],
                &terms.iter().collect::<Vec<_>>(),
                Some((key, &m)),
            )
        })
        .unwrap();
        let back = read_matrix(&path, &cfg, key).unwrap();
        assert!(same(&m, &back));
        // The terms are still there for a reader that wants them.
        let bytes = read_file(&path).unwrap();
        assert_eq!(decode(&cfg, &bytes).unwrap()[&20], terms[1]);
        assert_eq!(bytes, encode(&cfg, &[10, 20], &terms, Some((key, &m))));
        // Other records, other settings: not this matrix.
        assert!(read_matrix(&path, &cfg, matrix_key(&cfg, &[20, 10])).is_none());
        let other = FeatureConfig {
            max_df: 0.5,
            ..cfg.clone()
        };
        assert_ne!(matrix_key(&other, &[10, 20]), key);
        // Torn, or a byte flipped anywhere: not read.
        for cut in [1, 9, bytes.len() / 2] {
            std::fs::write(&path, &bytes[..bytes.len() - cut]).unwrap();
            assert!(read_matrix(&path, &cfg, key).is_none());
        }
        for at in [20, bytes.len() / 2, bytes.len() - 20] {
            let mut b = bytes.clone();
            b[at] ^= 1;
            std::fs::write(&path, &b).unwrap();
            assert!(read_matrix(&path, &cfg, key).is_none());
        }
        // Whole, but ids pointing outside the matrix: not used.
        let mut bad = m.clone();
        bad.ids[0] = bad.used.len() as u32 + 5;
        std::fs::write(&path, encode(&cfg, &[10, 20], &terms, Some((key, &bad)))).unwrap();
        assert!(read_matrix(&path, &cfg, key).is_none());
        // No matrix kept: none read; the terms are.
        std::fs::write(&path, encode(&cfg, &[10, 20], &terms, None)).unwrap();
        assert!(read_matrix(&path, &cfg, key).is_none());
        assert!(decode(&cfg, &read_file(&path).unwrap()).is_some());
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
        let cfg = FeatureConfig::default();
        let key = matrix_key(&cfg, &[1]);
        std::fs::write(
            &target,
            encode(&cfg, &[1], &[Terms(vec![1])], Some((key, &matrix()))),
        )
        .unwrap();
        assert!(read_matrix(&target, &cfg, key).is_some());
        assert!(read_matrix(&link, &cfg, key).is_none());
        std::fs::write(&target, b"keep").unwrap();
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
