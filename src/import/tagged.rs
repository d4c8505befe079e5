//! What the tagged-line formats (RIS, MEDLINE, Web of Science plain text,
//! Ovid's labelled text) share: a record is a run of `tag → value` fields
//! with the line it started on; a line that is no tag continues the last
//! field; a record that ends is added, or reported with its line when it
//! holds nothing to screen. Each format keeps only what differs: how a
//! tag line looks, what starts and ends a record, how a continuation is
//! joined, and which tag fills which field (with the setters below for the
//! fields every format fills the same way).

use std::borrow::Cow;

pub(crate) use super::short;
use super::{Parsed, unwrap_prose};
use crate::record::Record;
use crate::text;

/// A field as read: values borrow from the text until a continuation
/// line forces a copy.
pub(crate) struct Field<'a> {
    pub tag: &'a str,
    pub value: Cow<'a, str>,
}

/// The record being read, and the field list reused record after record
/// (a million records would otherwise allocate a million lists).
pub(crate) struct Fields<'a> {
    open: Option<(usize, Vec<Field<'a>>)>,
    spare: Vec<Field<'a>>,
}

impl<'a> Fields<'a> {
    pub fn new() -> Self {
        Fields {
            open: None,
            spare: Vec::with_capacity(64),
        }
    }

    pub fn is_open(&self) -> bool {
        self.open.is_some()
    }

    /// The line the open record started on.
    pub fn start(&self) -> Option<usize> {
        self.open.as_ref().map(|(start, _)| *start)
    }

    /// Opens a record at `line` (the caller has closed the one before).
    pub fn open(&mut self, line: usize) {
        debug_assert!(self.open.is_none());
        self.open = Some((line, std::mem::take(&mut self.spare)));
    }

    /// The open record's fields.
    pub fn fields(&mut self) -> Option<&mut Vec<Field<'a>>> {
        self.open.as_mut().map(|(_, f)| f)
    }

    /// Adds a field to the open record; `false` when none is open.
    pub fn push(&mut self, tag: &'a str, value: impl Into<Cow<'a, str>>) -> bool {
        match self.fields() {
            Some(fields) => {
                fields.push(Field {
                    tag,
                    value: value.into(),
                });
                true
            }
            None => false,
        }
    }

    /// Appends a continuation line to the open record's last field,
    /// after `sep` unless the value is empty; `false` when there is no
    /// field to continue.
    pub fn continue_last(&mut self, text: &str, sep: char) -> bool {
        let Some(last) = self.fields().and_then(|f| f.last_mut()) else {
            return false;
        };
        let v = last.value.to_mut();
        if !v.is_empty() {
            v.push(sep);
        }
        v.push_str(text);
        true
    }

    /// Ends the open record, if any: `build` makes the record of its
    /// fields (it may take their values), which is added or reported
    /// (`Parsed::keep_or_report`). Returns the line it started on.
    pub fn close(
        &mut self,
        parsed: &mut Parsed,
        build: impl FnOnce(&mut Vec<Field<'a>>) -> Record,
    ) -> Option<usize> {
        let (start, mut fields) = self.open.take()?;
        let record = build(&mut fields);
        fields.clear();
        self.spare = fields;
        parsed.keep_or_report(start, record);
        Some(start)
    }

    /// Ends the open record without building it: it is reported, with
    /// `why`, as a record that could not be read.
    pub fn close_unread(&mut self, parsed: &mut Parsed, why: String) -> Option<usize> {
        let (start, mut fields) = self.open.take()?;
        fields.clear();
        self.spare = fields;
        parsed.reported += 1;
        parsed.report(start, why, "skipped");
        Some(start)
    }
}

/// A title as shown: markup cleaned (`text::clean_markup`), whitespace
/// collapsed; `true` when cleaning changed it (the source's text is then
/// kept as `raw:<tag>`, docs/IMPORT.md).
pub(crate) fn title(v: &str) -> (String, bool) {
    let clean = text::clean_markup(v);
    (text::collapse_ws(&clean), matches!(clean, Cow::Owned(_)))
}

/// An abstract as shown: markup cleaned, wrapped lines joined
/// (`unwrap_prose`); `true` when cleaning changed it.
pub(crate) fn abstract_text(v: &str) -> (String, bool) {
    let clean = text::clean_markup(v);
    (unwrap_prose(&clean), matches!(clean, Cow::Owned(_)))
}

/// One name per line of `v` (a tag written once with its names on
/// continuation lines, as WoS and EndNote's RIS do).
pub(crate) fn lines_of(v: &str) -> impl Iterator<Item = String> + '_ {
    v.split('\n')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(String::from)
}

/// Sets the record's title from `v` (tag `tag`), keeping the source's
/// text as `raw:<tag>` when cleaning changed it.
pub(crate) fn set_title(r: &mut Record, tag: &str, v: &str) {
    let (clean, changed) = title(v);
    r.title = clean;
    if changed {
        r.push_extra(&format!("raw:{tag}"), v);
    }
}

/// Sets the record's abstract from `v`, as [`set_title`] does the title.
pub(crate) fn set_abstract(r: &mut Record, tag: &str, v: &str) {
    let (clean, changed) = abstract_text(v);
    r.abstract_text = clean;
    if changed {
        r.push_extra(&format!("raw:{tag}"), v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_continue_and_records_end() {
        let mut parsed = Parsed::default();
        let mut f = Fields::new();
        assert!(!f.push("TI", "x"));
        assert!(!f.continue_last("y", ' '));
        f.open(3);
        assert!(f.push("TI", "A"));
        assert!(f.continue_last("title", ' '));
        let start = f.close(&mut parsed, |fields| Record {
            title: fields[0].value.to_string(),
            ..Record::default()
        });
        assert_eq!(start, Some(3));
        assert_eq!(parsed.records[0].1.title, "A title");
        f.open(9);
        f.close(&mut parsed, |_| Record::default());
        assert_eq!(parsed.reported, 1);
        assert_eq!(parsed.warnings[0].line, 9);
        assert!(!f.is_open());
    }
}
