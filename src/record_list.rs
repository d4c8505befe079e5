//! [`Records`], the project's record list, shared instead of copied.
//!
//! The screen's background checkpoint writes the whole project while the
//! screen goes on using it. Records do not change while screening, so the
//! checkpoint's copy of the project shares them with the screen's (one
//! `Arc`, no copy of a million records). Reading goes through `Deref` to
//! `Vec<Record>`, so code reads and writes `project.records` as a vector.
//! Writing through `DerefMut` is copy-on-write: it copies the list first if
//! another project still shares it, so a change can never leak into a
//! snapshot (but a record-changing edit during screening costs one copy).

use std::cell::Cell;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::record::Record;

#[derive(Debug, Clone, Default)]
pub struct Records(Arc<Vec<Record>>);

impl Records {
    pub fn new() -> Records {
        Records::default()
    }

    /// Whether `self` and `other` are the same list in memory (a cheap copy
    /// of one another that neither has changed since).
    pub fn shares_with(&self, other: &Records) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// The list, copied only if shared.
    pub fn into_vec(self) -> Vec<Record> {
        Arc::unwrap_or_clone(self.0)
    }
}

impl Deref for Records {
    type Target = Vec<Record>;
    fn deref(&self) -> &Vec<Record> {
        &self.0
    }
}

impl DerefMut for Records {
    fn deref_mut(&mut self) -> &mut Vec<Record> {
        Arc::make_mut(&mut self.0)
    }
}

impl PartialEq for Records {
    fn eq(&self, other: &Records) -> bool {
        self.shares_with(other) || self.0 == other.0
    }
}

impl Eq for Records {}

impl From<Vec<Record>> for Records {
    fn from(v: Vec<Record>) -> Records {
        Records(Arc::new(v))
    }
}

impl FromIterator<Record> for Records {
    fn from_iter<I: IntoIterator<Item = Record>>(iter: I) -> Records {
        Records(Arc::new(iter.into_iter().collect()))
    }
}

impl<'a> IntoIterator for &'a Records {
    type Item = &'a Record;
    type IntoIter = std::slice::Iter<'a, Record>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<'a> IntoIterator for &'a mut Records {
    type Item = &'a mut Record;
    type IntoIter = std::slice::IterMut<'a, Record>;
    fn into_iter(self) -> Self::IntoIter {
        Arc::make_mut(&mut self.0).iter_mut()
    }
}

thread_local! {
    static LEFT_OUT: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` with every `Records` serializing as an empty list on this
/// thread: the binary cache writes the records apart from the rest of the
/// project, in chunks it can read back in parallel, and this keeps the
/// rest's serialization generic (every other field of the schema as it is).
pub fn without_records<R>(f: impl FnOnce() -> R) -> R {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            LEFT_OUT.with(|l| l.set(false));
        }
    }
    LEFT_OUT.with(|l| l.set(true));
    let _reset = Reset;
    f()
}

impl Serialize for Records {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if LEFT_OUT.with(Cell::get) {
            return s.collect_seq(std::iter::empty::<&Record>());
        }
        self.0.as_slice().serialize(s)
    }
}

impl<'de> Deserialize<'de> for Records {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Records, D::Error> {
        Vec::<Record>::deserialize(d).map(Records::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_shares_until_one_side_writes() {
        let mut a: Records = vec![Record {
            title: "one".into(),
            ..Record::default()
        }]
        .into();
        let b = a.clone();
        assert!(a.shares_with(&b));
        a[0].title = "changed".into();
        assert!(!a.shares_with(&b));
        assert_eq!(b[0].title, "one", "the snapshot keeps what it had");
        assert_eq!(a[0].title, "changed");
    }

    #[test]
    fn can_be_left_out_on_one_thread() {
        let r: Records = vec![Record::default()].into();
        let empty: Vec<Record> = vec![];
        let out = without_records(|| ron::to_string(&r).unwrap());
        assert_eq!(out, ron::to_string(&empty).unwrap());
        assert_ne!(ron::to_string(&r).unwrap(), out, "only inside");
    }

    #[test]
    fn serializes_as_a_plain_list() {
        let r: Records = vec![Record::default()].into();
        let v: Vec<Record> = vec![Record::default()];
        assert_eq!(ron::to_string(&r).unwrap(), ron::to_string(&v).unwrap());
        let back: Records = ron::from_str(&ron::to_string(&v).unwrap()).unwrap();
        assert_eq!(back, r);
    }
}
