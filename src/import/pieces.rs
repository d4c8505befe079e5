//! Parsing a large file in pieces on all cores. A format that can say
//! where its text may be cut without changing what it parses to (RIS:
//! before a `TY` line that follows an `ER`, `ris::cuts`; MEDLINE: after a
//! blank line, `medline::cuts`; BibTeX: before an entry at the start of a
//! line, `bibtex::cuts`) has its pieces
//! parsed on several threads and the results joined in file order, with
//! line numbers shifted by the lines of the pieces before. Anything that
//! depends on more than one piece (lines outside records past the first
//! piece, whose warnings are counted across the file; a BibTeX entry that
//! did not close before the end of its piece) makes the join give
//! up, and the caller parses the whole text in one go: the result is
//! always the one-piece result.

use rayon::prelude::*;

use super::Parsed;

/// Below this a file parses in one piece: threads cost more than they save.
pub const MIN_PARALLEL: usize = 4 << 20;

/// The cores to use.
pub fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// Parses the pieces of `text` between `cuts` (increasing offsets of line
/// starts) with `parse` on up to `threads` threads and joins them; `None`
/// when the pieces cannot be joined exactly.
pub fn parse(
    text: &str,
    cuts: &[usize],
    threads: usize,
    parse: fn(&str) -> Parsed,
) -> Option<Parsed> {
    let mut bounds = Vec::with_capacity(cuts.len() + 2);
    bounds.push(0);
    bounds.extend_from_slice(cuts);
    bounds.push(text.len());
    let pieces: Vec<&str> = bounds.windows(2).map(|w| &text[w[0]..w[1]]).collect();
    let one = |piece: &&str| {
        // A parser does not panic; if one did, its piece stays `None` and
        // the caller parses the whole text in one piece.
        std::panic::catch_unwind(|| {
            let parsed = parse(piece);
            let lines = parsed.lines.unwrap_or_else(|| count_lines(piece));
            (parsed, lines)
        })
        .ok()
    };
    // rayon's workers steal pieces from each other: on a shared machine a
    // busy core takes fewer.
    let results: Vec<Option<(Parsed, usize)>> = if threads > 1 {
        pieces.par_iter().map(one).collect()
    } else {
        pieces.iter().map(one).collect()
    };
    join(results)
}

/// Lines as `decode::line_iter` counts them.
/// Up to `pieces - 1` places to cut `b`, one near each `k / pieces` of
/// its length: the first place at or after it where `needle` (which starts
/// with `\n`) ends a line and `starts(at)` says the line beginning at `at`
/// may start a piece. Fewer when the text runs out of such places.
pub fn cuts_before(
    b: &[u8],
    pieces: usize,
    needle: &[u8],
    starts: impl Fn(usize) -> bool,
) -> Vec<usize> {
    let finder = memchr::memmem::Finder::new(needle);
    let mut cuts = Vec::with_capacity(pieces.saturating_sub(1));
    let mut from = 0;
    for k in 1..pieces {
        let mut at = (b.len() / pieces * k).max(from);
        while let Some(i) = finder.find(&b[at..]) {
            let start = at + i + 1;
            if starts(start) {
                cuts.push(start);
                from = start + 1;
                break;
            }
            at = start;
        }
        if cuts.len() < k {
            break;
        }
    }
    cuts
}

fn count_lines(text: &str) -> usize {
    let b = text.as_bytes();
    if memchr::memchr(b'\r', b).is_some() {
        return super::decode::line_iter(text).count();
    }
    memchr::memchr_iter(b'\n', b).count() + usize::from(!b.is_empty() && !b.ends_with(b"\n"))
}

fn join(results: Vec<Option<(Parsed, usize)>>) -> Option<Parsed> {
    // The last piece ends where the text does; any other piece whose end
    // an item may cross is not what the whole text parses to there.
    let last = results.len().saturating_sub(1);
    if results[..last]
        .iter()
        .any(|r| r.as_ref().is_some_and(|(p, _)| p.open_end))
    {
        return None;
    }
    let mut results = results.into_iter();
    let (mut all, mut offset) = results.next()??;
    let rest: Vec<(Parsed, usize)> = results.collect::<Option<_>>()?;
    if rest.iter().any(|(p, _)| p.stray > 0 || p.detached) {
        return None;
    }
    all.records
        .reserve_exact(rest.iter().map(|(p, _)| p.records.len()).sum());
    for (mut p, lines) in rest {
        all.records
            .extend(p.records.drain(..).map(|(line, r)| (line + offset, r)));
        all.warnings.extend(p.warnings.into_iter().map(|mut w| {
            if w.line > 0 {
                w.line += offset;
            }
            w
        }));
        all.reported += p.reported;
        offset += lines;
    }
    Some(all)
}

/// `f` of every item, in order, computed on all cores (in runs of items
/// that workers take one after another, so a busy core does fewer).
pub fn map<'a, T: Sync, R: Send>(items: &'a [T], f: impl Fn(&'a T) -> R + Sync + Send) -> Vec<R> {
    map_with(items, || (), |(), item| f(item))
}

/// [`map`] where each worker has its own `state` (buffers to reuse).
pub fn map_with<'a, T: Sync, R: Send, S>(
    items: &'a [T],
    state: impl Fn() -> S + Sync + Send,
    f: impl Fn(&mut S, &'a T) -> R + Sync + Send,
) -> Vec<R> {
    if threads() < 2 || items.len() < 2048 {
        let mut s = state();
        return items.iter().map(|item| f(&mut s, item)).collect();
    }
    // Runs of items, so that a worker's state is made once per run, not
    // per item; rayon writes each result in its place.
    items
        .par_iter()
        .with_min_len(512)
        .map_init(state, |s, item| f(s, item))
        .collect()
}
