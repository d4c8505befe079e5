//! Duplicate groups: records that are one item (same DOI or PMID, or the
//! same title, year and authors give or take the spelling of databases) are
//! linked to one primary, the smallest key of the group, so the choice does
//! not depend on import order. Nothing is deleted; PRISMA counts the links,
//! and each link says why it was made (`DuplicateMatch`).
//!
//! How (docs/DEDUP.md has the measurements):
//! 1. each record is folded once into a `Sig` (`sig`);
//! 2. blocking: records sharing a DOI, a PMID, the first or last 16 bytes
//!    of the folded title, or (where a record has no usable title) first
//!    author and year are candidates; a block too large to compare
//!    pairwise is sorted by title and each record compared with its next
//!    few neighbours, so the work stays linear;
//! 3. each candidate pair is judged on its own (`pair::judge`);
//! 4. the accepted pairs are joined strongest first (identifiers, then
//!    title matches by score), and a join that would put two different
//!    DOIs or PMIDs in one group without a record carrying both is refused:
//!    a record without a DOI that resembles two papers does not merge them.
//!
//! Everything is computed in key order from the records' content, so the
//! groups are the same whatever order the records were imported in.

mod pair;
mod review;
mod sig;

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::record::Record;
use sig::Sig;

pub use pair::{bounded_levenshtein, similarity};
pub use review::{
    Borrowed, Completed, complete, copies_of, copy_indices, same_authors, same_person,
};
pub use sig::{first_page, fold_tokens, fold_words, normalize_doi};

/// What made two records one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchRule {
    /// The same DOI (and titles that do not contradict it).
    Doi,
    /// The same PubMed id.
    Pmid,
    /// Near-identical folded titles, with year, authors, pages and volume
    /// not contradicting each other.
    Title,
    /// No usable title: near-identical abstracts, with authors or year
    /// agreeing.
    Abstract,
}

impl MatchRule {
    pub fn name(self) -> &'static str {
        match self {
            MatchRule::Doi => "doi",
            MatchRule::Pmid => "pmid",
            MatchRule::Title => "title",
            MatchRule::Abstract => "abstract",
        }
    }
}

/// Why a duplicate is in its group: the record of the group it matched
/// (the primary or another duplicate; following `with` leads to the
/// primary) and by which rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuplicateMatch {
    pub rule: MatchRule,
    /// Key of the record it matched.
    pub with: String,
    /// Similarity in thousandths (1000 = identical after folding); 1000
    /// for `doi` and `pmid`.
    pub score: u16,
}

/// Blocks larger than this are not compared pairwise but by sorted
/// neighbourhood (`WINDOW`).
const MAX_BLOCK: usize = 12;
const WINDOW: usize = 6;
/// Bytes of the folded title that make a prefix or suffix block key.
const TITLE_KEY: usize = 16;

/// One record's group, by index into the slice given to [`find`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Link {
    pub primary: usize,
    /// The record it matched (its parent in the group's tree).
    pub with: usize,
    pub rule: MatchRule,
    pub score: u16,
}

struct UnionFind {
    parent: Vec<u32>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n as u32).collect(),
        }
    }

    fn find(&mut self, mut i: usize) -> usize {
        while self.parent[i] as usize != i {
            let grand = self.parent[self.parent[i] as usize];
            self.parent[i] = grand;
            i = grand as usize;
        }
        i
    }
}

/// The DOIs (or PMIDs) a group holds, for refusing joins across two
/// papers. Almost every group holds at most one, so that one is kept
/// inline; a million records then cost no allocation here.
#[derive(Default, Clone)]
enum IdSet {
    #[default]
    Empty,
    One(u64),
    Many(Vec<u64>),
}

impl IdSet {
    fn of(id: Option<u64>) -> IdSet {
        id.map_or(IdSet::Empty, IdSet::One)
    }

    fn as_slice(&self) -> &[u64] {
        match self {
            IdSet::Empty => &[],
            IdSet::One(x) => std::slice::from_ref(x),
            IdSet::Many(v) => v,
        }
    }

    /// Both hold identifiers and none in common: two different papers.
    fn disjoint(&self, other: &IdSet) -> bool {
        let (a, b) = (self.as_slice(), other.as_slice());
        !a.is_empty() && !b.is_empty() && !a.iter().any(|x| b.contains(x))
    }

    fn absorb(&mut self, other: IdSet) {
        if other.as_slice().iter().all(|x| self.as_slice().contains(x)) {
            return;
        }
        let mut all: Vec<u64> = self.as_slice().to_vec();
        all.extend_from_slice(other.as_slice());
        all.sort_unstable();
        all.dedup();
        *self = IdSet::Many(all);
    }
}

struct Edge {
    i: u32,
    j: u32,
    rule: MatchRule,
    score: u16,
}

/// The block keys of one record (hashes; a collision only adds a candidate
/// pair, which is then judged like any other). `untitled_authors` holds
/// the author-year keys of the records without a usable title, so that a
/// titled record meets them there (a pasted page beside a database export)
/// without every titled record filling those blocks.
fn block_keys(s: &Sig, untitled_authors: &HashSet<u64>, out: &mut Vec<u64>) {
    if let Some(d) = s.doi {
        out.push(d ^ 0x0d01_0000_0000_0001);
    }
    if let Some(p) = s.pmid {
        out.push(p ^ 0x0b1d_0000_0000_0002);
    }
    let t = s.title.as_bytes();
    if !t.is_empty() {
        out.push(xxh3_64_with_seed(&t[..t.len().min(TITLE_KEY)], 1));
        if t.len() > TITLE_KEY {
            out.push(xxh3_64_with_seed(&t[t.len() - TITLE_KEY..], 2));
        }
    }
    if !s.first_author().is_empty() {
        let key = s.author_year_key();
        if s.untitled() || untitled_authors.contains(&key) {
            out.push(key);
        }
    }
}

/// Candidate pairs `(i, j)`, `i < j`, packed in a `u64`, sorted, unique.
fn candidates(sigs: &[Sig]) -> Vec<u64> {
    let untitled_authors: HashSet<u64> = sigs
        .iter()
        .filter(|s| s.untitled() && !s.first_author().is_empty())
        .map(Sig::author_year_key)
        .collect();
    let mut keys: Vec<(u64, u32)> = Vec::with_capacity(sigs.len() * 3);
    let mut buf = Vec::with_capacity(6);
    for (i, s) in sigs.iter().enumerate() {
        buf.clear();
        block_keys(s, &untitled_authors, &mut buf);
        keys.extend(buf.iter().map(|&k| (k, i as u32)));
    }
    keys.sort_unstable();
    let mut pairs: Vec<u64> = Vec::new();
    let pack = |a: u32, b: u32| (u64::from(a.min(b)) << 32) | u64::from(a.max(b));
    let mut members: Vec<u32> = Vec::new();
    for block in keys.chunk_by(|a, b| a.0 == b.0) {
        if block.len() < 2 {
            continue;
        }
        members.clear();
        members.extend(block.iter().map(|&(_, i)| i));
        members.dedup();
        if members.len() <= MAX_BLOCK {
            for (x, &a) in members.iter().enumerate() {
                for &b in &members[x + 1..] {
                    pairs.push(pack(a, b));
                }
            }
        } else {
            members.sort_by(|&a, &b| {
                let (sa, sb) = (&sigs[a as usize], &sigs[b as usize]);
                sa.title
                    .cmp(&sb.title)
                    .then_with(|| sa.abstract_head.cmp(&sb.abstract_head))
                    .then(a.cmp(&b))
            });
            for (x, &a) in members.iter().enumerate() {
                for &b in members[x + 1..].iter().take(WINDOW) {
                    pairs.push(pack(a, b));
                }
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

/// The groups of `records`: for each record, `None` when it is a primary
/// (alone or not), else its link. Depends on the records' content and keys
/// only, not on their order in the slice.
pub fn find(records: &[Record]) -> Vec<Option<Link>> {
    find_apart(records, &[])
}

/// `find`, keeping apart the pairs of record keys in `apart` (links a
/// reviewer split): two records of such a pair never end in one group,
/// however many other records match both.
pub fn find_apart(records: &[Record], apart: &[(&str, &str)]) -> Vec<Option<Link>> {
    let n = records.len();
    let order_phase = crate::phases::start("dedup: key order");
    // Key order, sorting the keys' first bytes held inline: comparing the
    // strings themselves would chase a pointer per comparison.
    let mut by_key: Vec<([u8; 24], &str, u32)> = records
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut head = [0u8; 24];
            let n = r.key.len().min(24);
            head[..n].copy_from_slice(&r.key.as_bytes()[..n]);
            (head, r.key.as_str(), i as u32)
        })
        .collect();
    by_key.sort_unstable();
    let order: Vec<usize> = by_key.into_iter().map(|(_, _, i)| i as usize).collect();
    drop(order_phase);
    let sigs_phase = crate::phases::start("dedup: signatures");
    // Folded in storage order (each record's fields are read once, in the
    // order they sit in memory), then arranged in key order.
    // On all cores: folding is most of the work here.
    let mut slots: Vec<Option<Sig>> =
        crate::import::pieces::map_with(records, sig::Scratch::default, |scratch, r| {
            Some(Sig::of(r, scratch))
        });
    let sigs: Vec<Sig> = order.iter().filter_map(|&i| slots[i].take()).collect();
    drop(slots);
    drop(sigs_phase);
    let pairs = crate::phases::time("dedup: candidates", || candidates(&sigs));
    let judge_phase = crate::phases::start("dedup: judge");
    let mut edges: Vec<Edge> = pairs
        .into_iter()
        .filter_map(|p| {
            let (i, j) = ((p >> 32) as u32, p as u32);
            let (rule, score) = pair::judge(&sigs[i as usize], &sigs[j as usize])?;
            Some(Edge { i, j, rule, score })
        })
        .collect();
    edges.sort_unstable_by_key(|e| (e.rule, std::cmp::Reverse(e.score), e.i, e.j));
    drop(judge_phase);
    let _groups = crate::phases::start("dedup: groups");

    let mut uf = UnionFind::new(n);
    let mut dois: Vec<IdSet> = sigs.iter().map(|s| IdSet::of(s.doi)).collect();
    let mut pmids: Vec<IdSet> = sigs.iter().map(|s| IdSet::of(s.pmid)).collect();
    // Each split pair k marks its two records (k, false) and (k, true); two
    // groups holding both sides of one pair must stay apart.
    let mut sides: Vec<Vec<(u32, bool)>> = vec![Vec::new(); n];
    if !apart.is_empty() {
        let rank: HashMap<&str, usize> = order
            .iter()
            .enumerate()
            .map(|(rank, &i)| (records[i].key.as_str(), rank))
            .collect();
        for (k, (a, b)) in apart.iter().enumerate() {
            if let (Some(&ra), Some(&rb)) = (rank.get(a), rank.get(b)) {
                sides[ra].push((k as u32, false));
                sides[rb].push((k as u32, true));
            }
        }
    }
    let mut accepted: Vec<&Edge> = Vec::new();
    for e in &edges {
        let (ra, rb) = (uf.find(e.i as usize), uf.find(e.j as usize));
        if ra == rb || dois[ra].disjoint(&dois[rb]) || pmids[ra].disjoint(&pmids[rb]) {
            continue;
        }
        if sides[ra]
            .iter()
            .any(|&(k, side)| sides[rb].contains(&(k, !side)))
        {
            continue;
        }
        // The smaller rank (= smaller key) becomes the root: the primary.
        let (root, child) = (ra.min(rb), ra.max(rb));
        uf.parent[child] = root as u32;
        let moved = std::mem::take(&mut dois[child]);
        dois[root].absorb(moved);
        let moved = std::mem::take(&mut pmids[child]);
        pmids[root].absorb(moved);
        let moved = std::mem::take(&mut sides[child]);
        sides[root].extend(moved);
        accepted.push(e);
    }
    drop((dois, pmids, sides));

    // The accepted edges as adjacency lists in one array (offsets per
    // record), sorted by neighbour so the walk below is deterministic.
    let mut start = vec![0u32; n + 1];
    for e in &accepted {
        start[e.i as usize + 1] += 1;
        start[e.j as usize + 1] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    let mut fill = start.clone();
    let mut adjacent = vec![(0u32, MatchRule::Doi, 0u16); 2 * accepted.len()];
    for e in &accepted {
        for (from, to) in [(e.i, e.j), (e.j, e.i)] {
            adjacent[fill[from as usize] as usize] = (to, e.rule, e.score);
            fill[from as usize] += 1;
        }
    }
    for i in 0..n {
        adjacent[start[i] as usize..start[i + 1] as usize].sort_unstable_by_key(|&(j, _, _)| j);
    }

    // Each duplicate's link is its parent in its group's tree rooted at the
    // primary, so `with` leads to the primary.
    let mut links: Vec<Option<Link>> = vec![None; n];
    let mut seen = vec![false; n];
    let mut queue = std::collections::VecDeque::new();
    for root in 0..n {
        if seen[root] || start[root] == start[root + 1] || uf.find(root) != root {
            continue;
        }
        seen[root] = true;
        queue.push_back(root);
        while let Some(at) = queue.pop_front() {
            for &(j, rule, score) in &adjacent[start[at] as usize..start[at + 1] as usize] {
                let j = j as usize;
                if seen[j] {
                    continue;
                }
                seen[j] = true;
                links[order[j]] = Some(Link {
                    primary: order[root],
                    with: order[at],
                    rule,
                    score,
                });
                queue.push_back(j);
            }
        }
    }
    links
}

/// Recomputes every record's `duplicate_of` and `duplicate_match` from the
/// records' content. Returns the number of records linked as duplicates.
pub fn link_duplicates(records: &mut [Record]) -> usize {
    link_duplicates_apart(records, &[])
}

/// `link_duplicates` honouring the links reviewers split (`find_apart`).
pub fn link_duplicates_apart(records: &mut [Record], apart: &[(&str, &str)]) -> usize {
    let links = find_apart(records, apart);
    let resolved: Vec<Option<(String, DuplicateMatch)>> = links
        .iter()
        .map(|l| {
            l.map(|l| {
                let why = DuplicateMatch {
                    rule: l.rule,
                    with: records[l.with].key.clone(),
                    score: l.score,
                };
                (records[l.primary].key.clone(), why)
            })
        })
        .collect();
    let mut linked = 0;
    for (r, link) in records.iter_mut().zip(resolved) {
        linked += usize::from(link.is_some());
        (r.duplicate_of, r.duplicate_match) = link.unzip();
    }
    linked
}

#[cfg(test)]
mod tests;
