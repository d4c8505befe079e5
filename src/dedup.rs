//! Duplicate groups: records that are the same item (same DOI or PMID) are
//! linked to one primary, the smallest key of the group, so the choice does
//! not depend on import order. Nothing is deleted; PRISMA counts the links.

use std::collections::HashMap;

use crate::record::Record;
use crate::text;

struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n).collect(),
        }
    }

    fn find(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.parent[ra.max(rb)] = ra.min(rb);
        }
    }
}

/// Recomputes every record's `duplicate_of` from its identifiers. Returns
/// the number of records linked as duplicates.
pub fn link_duplicates(records: &mut [Record]) -> usize {
    let mut uf = UnionFind::new(records.len());
    let mut by_doi: HashMap<String, usize> = HashMap::new();
    let mut by_pmid: HashMap<&str, usize> = HashMap::new();
    for (i, r) in records.iter().enumerate() {
        if let Some(doi) = text::normalize_doi(&r.doi) {
            match by_doi.get(&doi) {
                Some(&j) => uf.union(i, j),
                None => {
                    by_doi.insert(doi, i);
                }
            }
        }
        let pmid = r.pmid.trim();
        if !pmid.is_empty() {
            match by_pmid.get(pmid) {
                Some(&j) => uf.union(i, j),
                None => {
                    by_pmid.insert(pmid, i);
                }
            }
        }
    }
    let mut primary_of_root: HashMap<usize, usize> = HashMap::new();
    for i in 0..records.len() {
        let root = uf.find(i);
        let entry = primary_of_root.entry(root).or_insert(i);
        if records[i].key < records[*entry].key {
            *entry = i;
        }
    }
    let mut linked = 0;
    for i in 0..records.len() {
        let p = primary_of_root[&uf.find(i)];
        records[i].duplicate_of = if p == i {
            None
        } else {
            linked += 1;
            Some(records[p].key.clone())
        };
    }
    linked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(key: &str, doi: &str, pmid: &str) -> Record {
        Record {
            key: key.into(),
            doi: doi.into(),
            pmid: pmid.into(),
            title: key.into(),
            ..Record::default()
        }
    }

    #[test]
    fn groups_by_doi_and_pmid_with_smallest_key_primary() {
        let mut rs = vec![
            rec("c", "10.1/A", ""),
            rec("b", "https://doi.org/10.1/a", "77"),
            rec("a", "", "77"),
            rec("d", "10.1/other", ""),
        ];
        assert_eq!(link_duplicates(&mut rs), 2);
        assert_eq!(rs[0].duplicate_of.as_deref(), Some("a"));
        assert_eq!(rs[1].duplicate_of.as_deref(), Some("a"));
        assert_eq!(rs[2].duplicate_of, None);
        assert_eq!(rs[3].duplicate_of, None);
        // Order of the input does not change the outcome.
        rs.reverse();
        assert_eq!(link_duplicates(&mut rs), 2);
        assert_eq!(rs[1].duplicate_of, None);
        assert_eq!(rs[0].duplicate_of, None);
    }
}
