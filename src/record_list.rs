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
//!
//! A list can also leave its records' abstracts on disk ([`TextSource`]):
//! the screen of a pair of 200,000 records or more reads its records that
//! way (`store::abstracts_on_disk`), so that the abstracts (most of a
//! record's bytes) are not in memory. The vector then holds every record
//! with `abstract_text` and `sections` empty; [`Records::full`] gives one
//! record whole, and writing the list (serde, [`Records::materialised`])
//! writes every record whole. Code that shows or searches an abstract asks
//! [`Records::full`]; everything else reads the vector as before.
//! `docs/PERFORMANCE.md` ("Abstracts on disk") has the measurements.

use std::borrow::Cow;
use std::cell::Cell;
use std::io;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::record::Record;

/// Where a list that left its abstracts on disk reads them back.
pub trait TextSource: Send + Sync + std::fmt::Debug {
    /// How many records it holds (the list's first ones, in order).
    fn count(&self) -> usize;
    /// Record `index` whole, as stored.
    fn read(&self, index: usize) -> io::Result<Record>;
    /// The abstract of record `index`, fast (a search reads every one):
    /// `key` is the record's key in the list, for a source that can check
    /// it without slowing down ([`TextSource::read`] is checked always).
    fn read_abstract(&self, index: usize, key: &str) -> io::Result<String>;
    /// The file, for messages.
    fn describe(&self) -> String;
}

#[derive(Debug, Clone, Default)]
pub struct Records {
    list: Arc<Vec<Record>>,
    /// Where the abstracts of the list's first `text.count()` records are,
    /// when they are not in `list`.
    text: Option<Arc<dyn TextSource>>,
}

impl Records {
    pub fn new() -> Records {
        Records::default()
    }

    /// `list` holds records without their abstracts, which `text` has:
    /// record `i` of `text` is `list[i]` (checked by key on every read).
    pub fn with_abstracts_on_disk(list: Vec<Record>, text: Arc<dyn TextSource>) -> Records {
        Records {
            list: Arc::new(list),
            text: Some(text),
        }
    }

    /// Whether the abstracts are read from disk ([`Records::full`]).
    pub fn abstracts_on_disk(&self) -> bool {
        self.text.is_some()
    }

    /// Whether `self` and `other` are the same list in memory (a cheap copy
    /// of one another that neither has changed since).
    pub fn shares_with(&self, other: &Records) -> bool {
        Arc::ptr_eq(&self.list, &other.list)
    }

    /// Record `index` whole: borrowed when its abstract is in memory, else
    /// the record with its abstract read from disk. A record past the end
    /// is an error, as is a file that holds another record at its place
    /// (changed on disk since it was read).
    pub fn full(&self, index: usize) -> io::Result<Cow<'_, Record>> {
        let Some(r) = self.list.get(index) else {
            return Err(io::Error::other(format!(
                "no record {index} of {}",
                self.list.len()
            )));
        };
        let Some(text) = self.text.as_ref().filter(|t| index < t.count()) else {
            return Ok(Cow::Borrowed(r));
        };
        let stored = text.read(index)?;
        if stored.key != r.key {
            return Err(io::Error::other(format!(
                "{} holds record {} where {} was (changed since the project was opened)",
                text.describe(),
                stored.key,
                r.key
            )));
        }
        let mut whole = r.clone();
        whole.abstract_text = stored.abstract_text;
        whole.sections = stored.sections;
        Ok(Cow::Owned(whole))
    }

    /// The abstract of record `index` (as it is in `abstract_text`; empty
    /// past the end), read from disk when it is there.
    pub fn abstract_of(&self, index: usize) -> io::Result<Cow<'_, str>> {
        let Some(r) = self.list.get(index) else {
            return Ok(Cow::Borrowed(""));
        };
        match self.text.as_ref().filter(|t| index < t.count()) {
            None => Ok(Cow::Borrowed(&r.abstract_text)),
            Some(t) => t.read_abstract(index, &r.key).map(Cow::Owned),
        }
    }

    /// Record `index` to show: [`Records::full`], or when its abstract
    /// cannot be read, the record with a line saying so in its place.
    pub fn shown(&self, index: usize) -> Cow<'_, Record> {
        match self.full(index) {
            Ok(r) => r,
            Err(e) => {
                let mut r = self.list.get(index).cloned().unwrap_or_default();
                r.abstract_text = format!(
                    "[The abstract could not be read: {e}. Quit and open the project again.]"
                );
                Cow::Owned(r)
            }
        }
    }

    /// The list, for writing: an error when its abstracts are on disk (a
    /// writer given records without their abstracts would lose them; it
    /// asks [`Records::materialised`] instead).
    pub fn whole(&self) -> io::Result<&[Record]> {
        match &self.text {
            None => Ok(&self.list),
            Some(t) => Err(io::Error::other(format!(
                "records whose abstracts are in {} cannot be written as they are",
                t.describe()
            ))),
        }
    }

    /// Every record whole: the list itself, or a copy with the abstracts
    /// read from disk.
    pub fn materialised(&self) -> io::Result<Cow<'_, [Record]>> {
        if self.text.is_none() {
            return Ok(Cow::Borrowed(self.list.as_slice()));
        }
        (0..self.list.len())
            .map(|i| self.full(i).map(Cow::into_owned))
            .collect::<io::Result<Vec<_>>>()
            .map(Cow::Owned)
    }
}

impl Deref for Records {
    type Target = Vec<Record>;
    fn deref(&self) -> &Vec<Record> {
        &self.list
    }
}

impl DerefMut for Records {
    fn deref_mut(&mut self) -> &mut Vec<Record> {
        Arc::make_mut(&mut self.list)
    }
}

impl PartialEq for Records {
    fn eq(&self, other: &Records) -> bool {
        if self.shares_with(other) {
            return true;
        }
        if self.text.is_none() && other.text.is_none() {
            return self.list == other.list;
        }
        self.len() == other.len()
            && (0..self.len()).all(|i| match (self.full(i), other.full(i)) {
                (Ok(a), Ok(b)) => a == b,
                _ => false,
            })
    }
}

impl Eq for Records {}

impl From<Vec<Record>> for Records {
    fn from(v: Vec<Record>) -> Records {
        Records {
            list: Arc::new(v),
            text: None,
        }
    }
}

impl FromIterator<Record> for Records {
    fn from_iter<I: IntoIterator<Item = Record>>(iter: I) -> Records {
        Records::from(iter.into_iter().collect::<Vec<_>>())
    }
}

impl<'a> IntoIterator for &'a Records {
    type Item = &'a Record;
    type IntoIter = std::slice::Iter<'a, Record>;
    fn into_iter(self) -> Self::IntoIter {
        self.list.iter()
    }
}

impl<'a> IntoIterator for &'a mut Records {
    type Item = &'a mut Record;
    type IntoIter = std::slice::IterMut<'a, Record>;
    fn into_iter(self) -> Self::IntoIter {
        Arc::make_mut(&mut self.list).iter_mut()
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
    crate::record::with_flag(&LEFT_OUT, f)
}

impl Serialize for Records {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if LEFT_OUT.with(Cell::get) {
            return s.collect_seq(std::iter::empty::<&Record>());
        }
        if self.text.is_none() {
            return self.list.as_slice().serialize(s);
        }
        use serde::ser::{Error, SerializeSeq};
        let mut seq = s.serialize_seq(Some(self.list.len()))?;
        for i in 0..self.list.len() {
            let r = self.full(i).map_err(S::Error::custom)?;
            seq.serialize_element(&*r)?;
        }
        seq.end()
    }
}

impl<'de> Deserialize<'de> for Records {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Records, D::Error> {
        Vec::<Record>::deserialize(d).map(Records::from)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// `records` as the screen of a pair holds them: their abstracts read
    /// from a stand-in for the records cache.
    pub(crate) fn abstracts_apart(records: Vec<Record>) -> Records {
        Records::with_abstracts_on_disk(without_abstracts(&records), Arc::new(Stored(records)))
    }

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

    /// Records whose abstracts a test keeps "on disk".
    #[derive(Debug)]
    struct Stored(Vec<Record>);

    impl TextSource for Stored {
        fn count(&self) -> usize {
            self.0.len()
        }
        fn read(&self, index: usize) -> io::Result<Record> {
            self.0
                .get(index)
                .cloned()
                .ok_or_else(|| io::Error::other("past the end"))
        }
        fn read_abstract(&self, index: usize, key: &str) -> io::Result<String> {
            let r = self.read(index)?;
            if r.key != key {
                return Err(io::Error::other("another record"));
            }
            Ok(r.abstract_text)
        }
        fn describe(&self) -> String {
            "stored".into()
        }
    }

    fn whole(n: usize) -> Vec<Record> {
        (0..n)
            .map(|i| Record {
                key: format!("k{i}"),
                title: format!("Title {i}"),
                abstract_text: format!("Abstract {i}"),
                sections: vec![crate::record::Section {
                    label: "Methods".into(),
                    text: format!("Abstract {i}"),
                }],
                ..Record::default()
            })
            .collect()
    }

    fn without_abstracts(records: &[Record]) -> Vec<Record> {
        records
            .iter()
            .map(|r| Record {
                abstract_text: String::new(),
                sections: Vec::new(),
                ..r.clone()
            })
            .collect()
    }

    #[test]
    fn abstracts_on_disk_are_read_back_and_written_whole() {
        let all = whole(3);
        let lazy =
            Records::with_abstracts_on_disk(without_abstracts(&all), Arc::new(Stored(all.clone())));
        let in_memory = Records::from(all.clone());
        assert!(lazy.abstracts_on_disk() && !in_memory.abstracts_on_disk());
        assert_eq!(lazy[1].abstract_text, "", "not in memory");
        assert_eq!(*lazy.full(1).unwrap(), all[1]);
        assert_eq!(lazy.abstract_of(2).unwrap(), "Abstract 2");
        assert_eq!(lazy.shown(0).abstract_text, "Abstract 0");
        assert!(lazy.full(3).is_err());
        assert_eq!(lazy, in_memory, "equal as whole records");
        assert_eq!(
            ron::to_string(&lazy).unwrap(),
            ron::to_string(&in_memory).unwrap(),
            "serialized whole"
        );
        assert_eq!(&*lazy.materialised().unwrap(), all.as_slice());
        assert!(lazy.whole().is_err(), "never written without abstracts");
        assert_eq!(in_memory.whole().unwrap(), all.as_slice());

        // A change to the list keeps the abstracts where they are; a
        // record added is whole in memory.
        let mut changed = lazy.clone();
        changed[0].duplicate_of = Some("k1".into());
        let mut added = all[2].clone();
        added.key = "k3".into();
        changed.push(added.clone());
        assert_eq!(changed.full(0).unwrap().abstract_text, "Abstract 0");
        assert_eq!(changed.full(0).unwrap().duplicate_of.as_deref(), Some("k1"));
        assert_eq!(*changed.full(3).unwrap(), added);
        assert!(
            lazy[0].duplicate_of.is_none(),
            "the snapshot keeps what it had"
        );
    }

    #[test]
    fn a_file_that_holds_other_records_is_an_error_not_another_abstract() {
        let all = whole(2);
        let mut other = all.clone();
        other.swap(0, 1);
        let lazy =
            Records::with_abstracts_on_disk(without_abstracts(&all), Arc::new(Stored(other)));
        let e = lazy.full(0).unwrap_err().to_string();
        assert!(e.contains("stored holds record k1 where k0 was"), "{e}");
        assert!(lazy.abstract_of(0).is_err());
        let shown = lazy.shown(0);
        assert_eq!(shown.title, "Title 0");
        assert!(
            shown
                .abstract_text
                .starts_with("[The abstract could not be read: stored holds record k1"),
            "{}",
            shown.abstract_text
        );
        assert!(ron::to_string(&lazy).is_err(), "not written half");
        assert_ne!(lazy, Records::from(all));
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
