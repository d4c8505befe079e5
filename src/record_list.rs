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

impl Serialize for Records {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
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
    fn serializes_as_a_plain_list() {
        let r: Records = vec![Record::default()].into();
        let v: Vec<Record> = vec![Record::default()];
        assert_eq!(ron::to_string(&r).unwrap(), ron::to_string(&v).unwrap());
        let back: Records = ron::from_str(&ron::to_string(&v).unwrap()).unwrap();
        assert_eq!(back, r);
    }
}
