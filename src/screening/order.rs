//! The order records are screened in: import order, a seeded random order
//! (to avoid order effects; the same seed gives the same order, so a
//! reopened session resumes where it was), by year, newest first, or by
//! relevance (`screening::relevance`: seeded random here, reordered by the
//! ranking as it comes).

use crate::project::Project;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QueueOrder {
    #[default]
    Import,
    Random,
    Year,
    Relevance,
}

impl QueueOrder {
    pub fn label(self) -> &'static str {
        match self {
            QueueOrder::Import => "import order",
            QueueOrder::Random => "random order",
            QueueOrder::Year => "by year, newest first",
            QueueOrder::Relevance => "relevance",
        }
    }

    pub fn next(self) -> QueueOrder {
        match self {
            QueueOrder::Import => QueueOrder::Random,
            QueueOrder::Random => QueueOrder::Year,
            QueueOrder::Year => QueueOrder::Relevance,
            QueueOrder::Relevance => QueueOrder::Import,
        }
    }
}

/// Puts `indices` (records in import order) in `order`.
pub fn arrange(project: &Project, indices: &mut [usize], order: QueueOrder, seed: u64) {
    match order {
        QueueOrder::Import => indices.sort_by_key(|&i| project.records[i].origin),
        // Until a ranking is in use, relevance order is the seeded random
        // order (the "random until 1 include and 1 exclude").
        QueueOrder::Random | QueueOrder::Relevance => {
            indices.sort_by_key(|&i| project.records[i].origin);
            let mut state = seed;
            // Fisher-Yates.
            for i in (1..indices.len()).rev() {
                let j = (crate::splitmix::next(&mut state) % (i as u64 + 1)) as usize;
                indices.swap(i, j);
            }
        }
        QueueOrder::Year => indices.sort_by_key(|&i| {
            let r = &project.records[i];
            // Newest first, records without a year last, then import order.
            (r.year.map_or(i64::MAX, |y| -i64::from(y)), r.origin)
        }),
    }
}

/// The default seed for a reviewer: fixed per name, different between
/// reviewers, so two reviewers do not share an order.
pub fn seed_for(reviewer: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(reviewer.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Origin, Record};

    fn project(years: &[Option<i32>]) -> Project {
        let mut p = Project::new();
        for (n, y) in years.iter().enumerate() {
            p.records.push(Record {
                key: format!("k{n}"),
                origin: Origin {
                    source: 0,
                    position: n as u32 + 1,
                },
                year: *y,
                ..Record::default()
            });
        }
        p
    }

    #[test]
    fn orders() {
        let p = project(&[Some(2001), None, Some(2020), Some(1999), Some(2020)]);
        let mut v: Vec<usize> = vec![4, 3, 2, 1, 0];
        arrange(&p, &mut v, QueueOrder::Import, 0);
        assert_eq!(v, [0, 1, 2, 3, 4]);
        arrange(&p, &mut v, QueueOrder::Year, 0);
        assert_eq!(v, [2, 4, 0, 3, 1]);
        let mut a: Vec<usize> = (0..5).collect();
        let mut b: Vec<usize> = (0..5).rev().collect();
        arrange(&p, &mut a, QueueOrder::Random, 7);
        arrange(&p, &mut b, QueueOrder::Random, 7);
        assert_eq!(a, b, "the same seed gives the same order, whatever came in");
        let mut sorted = a.clone();
        sorted.sort();
        assert_eq!(sorted, [0, 1, 2, 3, 4]);
        let differs = (0..20u64).any(|s| {
            let mut c: Vec<usize> = (0..5).collect();
            arrange(&p, &mut c, QueueOrder::Random, s);
            c != a
        });
        assert!(differs, "another seed gives another order");
        assert_ne!(seed_for("alice"), seed_for("bob"));
    }
}
