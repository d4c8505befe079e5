//! The project file's checksum: comment lines after the RON value, one per
//! top-level field, with a hash of the field and, for a list, of each of
//! its elements (the parts of [`super::layout`]):
//!
//! ```text
//! // screener checksum 1 (xxh3): ...
//! // version 1a2b3c4d
//! // records 0badf00d 11111111222222223333333344444444
//! ```
//!
//! Why comments: ron skips them, so the schema, the cache, the fast
//! writer's bytes and every older build are untouched, and a person may
//! delete them. Why per part: a file that does not match is reported as a
//! warning naming the first changed record or decision (a flipped byte
//! inside a string still parses, and would otherwise go unnoticed), never
//! refused: a hand edit is allowed, and the next checkpoint writes new
//! sums for the file as it is then.

use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use xxhash_rust::xxh3::Xxh3;

use super::layout::{Cutter, Part, Sink};
use crate::project::Project;

const HEADER: &str = "// screener checksum 1 (xxh3)";
/// Said once in the trailer, for whoever reads the file.
const HEADER_NOTE: &str = ": a change above makes screener warn (naming the part) when it \
                           reads the file; the next checkpoint writes new sums";

/// The sums of one top-level field, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FieldSums {
    name: String,
    own: u32,
    elements: Vec<u32>,
    /// Lines where each element starts (only when computed from a text).
    lines: Vec<usize>,
    line: usize,
}

/// Hashes the parts of the text it is given.
#[derive(Default)]
struct Digester {
    fields: Vec<(FieldSums, Xxh3)>,
    /// The field of the current part, and whether the part is an element.
    current: Option<(usize, bool)>,
    element: Xxh3,
}

impl Digester {
    fn close_element(&mut self) {
        if let Some((f, true)) = self.current {
            let sum = self.element.digest() as u32;
            self.fields[f].0.elements.push(sum);
            self.element.reset();
        }
    }

    fn field(&mut self, name: &str, line: usize) -> usize {
        if let Some(i) = self.fields.iter().position(|(f, _)| f.name == name) {
            return i;
        }
        self.fields.push((
            FieldSums {
                name: name.to_string(),
                own: 0,
                elements: Vec::new(),
                lines: Vec::new(),
                line,
            },
            Xxh3::new(),
        ));
        self.fields.len() - 1
    }

    fn sums(mut self) -> Vec<FieldSums> {
        self.close_element();
        self.fields
            .into_iter()
            .map(|(mut f, h)| {
                f.own = h.digest() as u32;
                f
            })
            .collect()
    }
}

impl Sink for Digester {
    fn part(&mut self, part: Part, _offset: u64, line: usize) {
        self.close_element();
        match part {
            Part::Field(name) => self.current = Some((self.field(&name, line), false)),
            Part::Element { field, .. } => {
                let f = self.field(&field, line);
                self.fields[f].0.lines.push(line);
                self.current = Some((f, true));
            }
        }
    }

    fn bytes(&mut self, bytes: &[u8]) {
        match self.current {
            Some((_, true)) => self.element.update(bytes),
            Some((f, false)) => self.fields[f].1.update(bytes),
            None => {}
        }
    }
}

fn sums_of(text: &[u8]) -> Vec<FieldSums> {
    let mut d = Digester::default();
    let mut cutter = Cutter::new();
    cutter.feed(text, &mut d);
    cutter.finish(&mut d);
    d.sums()
}

fn trailer(sums: &[FieldSums]) -> String {
    let elements: usize = sums.iter().map(|f| f.elements.len()).sum();
    let mut out = String::with_capacity(64 * sums.len() + 8 * elements + HEADER.len() * 3);
    out.push_str(HEADER);
    out.push_str(HEADER_NOTE);
    out.push('\n');
    for f in sums {
        let name = if f.name.is_empty() { "-" } else { &f.name };
        out.push_str(&format!("// {name} {:08x}", f.own));
        if !f.elements.is_empty() {
            out.push(' ');
            for e in &f.elements {
                out.push_str(&format!("{e:08x}"));
            }
        }
        out.push('\n');
    }
    out
}

/// A writer that hashes the file's parts as they pass; [`Summing::finish`]
/// then writes the checksum lines.
pub(super) struct Summing<W: Write> {
    inner: W,
    cutter: Cutter,
    digester: Digester,
}

impl<W: Write> Summing<W> {
    pub(super) fn new(inner: W) -> Summing<W> {
        Summing {
            inner,
            cutter: Cutter::new(),
            digester: Digester::default(),
        }
    }

    /// Appends the checksum lines of everything written, and returns the
    /// writer.
    pub(super) fn finish(mut self) -> io::Result<W> {
        self.cutter.finish(&mut self.digester);
        let text = trailer(&self.digester.sums());
        self.inner.write_all(text.as_bytes())?;
        Ok(self.inner)
    }
}

impl<W: Write> Write for Summing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.cutter.feed(&buf[..n], &mut self.digester);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// `text` (a project's RON, as written) with its checksum lines.
pub(super) fn append_to(mut text: String) -> String {
    let t = trailer(&sums_of(text.as_bytes()));
    text.push_str(&t);
    text
}

/// A project file whose text is not what its checksum lines say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    pub path: PathBuf,
    /// Where the first changed part starts.
    pub line: usize,
    /// The first changed part, e.g. `record doi:10.1/x~1a2b3c4d`.
    pub what: String,
    /// How many parts differ in all.
    pub parts: usize,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let more = match self.parts {
            0 | 1 => String::new(),
            n => format!(" (and {} more part(s) of the file)", n - 1),
        };
        write!(
            f,
            "{}:{}: {} is not what screener last wrote there (its checksum differs){more}. \
             If nobody edited the file by hand, the disk may have changed it: \
             `screener recover {}` shows it beside the previous checkpoint. \
             The project was read as it is; the next checkpoint writes new checksums.",
            self.path.display(),
            self.line,
            self.what,
            self.path.display(),
        )
    }
}

impl Mismatch {
    /// One line for the screen's footer.
    pub fn short(&self) -> String {
        format!(
            "{}:{}: {} differs from its checksum (edited by hand?); `screener recover {}` compares",
            self.path.display(),
            self.line,
            self.what,
            self.path.display()
        )
    }
}

/// One part of a file that is not what its checksum line says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diff {
    /// Where the part starts in the file.
    pub line: usize,
    /// The top-level field (`records`); empty for the file's first line,
    /// `)` for its last.
    pub field: String,
    /// The element of a list, if the part is one.
    pub index: Option<usize>,
    pub kind: DiffKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffKind {
    Changed,
    /// In the file, not in the checksum lines.
    Added,
    /// In the checksum lines, not in the file (for a list: `index` is the
    /// first missing element).
    Removed,
    /// The checksum lines cannot be read.
    Trailer,
}

/// Every part of `text` that differs from its checksum lines, in file
/// order; `None` when the file has none.
pub fn differences(text: &[u8]) -> Option<Vec<Diff>> {
    let at = find_header(text)?;
    let (value, trailer) = text.split_at(at);
    let Some(written) = parse_trailer(trailer) else {
        return Some(vec![Diff {
            line: line_of(text, at),
            field: String::new(),
            index: None,
            kind: DiffKind::Trailer,
        }]);
    };
    let found = sums_of(value);
    let mut out = Vec::new();
    for f in &found {
        let diff = |line, index, kind| Diff {
            line,
            field: f.name.clone(),
            index,
            kind,
        };
        let Some(w) = written.iter().find(|w| w.name == f.name) else {
            out.push(diff(f.line, None, DiffKind::Added));
            continue;
        };
        if w.own != f.own {
            out.push(diff(f.line, None, DiffKind::Changed));
        }
        for i in 0..f.elements.len().max(w.elements.len()) {
            match (f.elements.get(i), w.elements.get(i)) {
                (Some(a), Some(b)) if a == b => {}
                (Some(_), Some(_)) => out.push(diff(f.lines[i], Some(i), DiffKind::Changed)),
                (Some(_), None) => out.push(diff(f.lines[i], Some(i), DiffKind::Added)),
                (None, _) => {
                    let line = f.lines.last().copied().unwrap_or(f.line);
                    out.push(diff(line, Some(i), DiffKind::Removed));
                    break;
                }
            }
        }
    }
    for w in &written {
        if !found.iter().any(|f| f.name == w.name) {
            let line = line_of(text, at);
            out.push(Diff {
                line,
                field: w.name.clone(),
                index: None,
                kind: DiffKind::Removed,
            });
        }
    }
    out.sort_by_key(|d| d.line);
    Some(out)
}

/// Checks `text`, the project file at `path` read as `project`, against its
/// checksum lines: `None` when it matches or has none.
pub fn verify(path: &Path, text: &[u8], project: &Project) -> Option<Mismatch> {
    let diffs = differences(text)?;
    let first = diffs.first()?;
    Some(Mismatch {
        path: path.to_path_buf(),
        line: first.line,
        what: describe(first, |field, i| element_label(project, field, i)),
        parts: diffs.len(),
    })
}

/// A difference in words; `element` names element `i` of a list.
pub fn describe(d: &Diff, element: impl Fn(&str, usize) -> String) -> String {
    match (d.kind, d.index) {
        (DiffKind::Trailer, _) => "the checksum lines themselves".into(),
        (DiffKind::Changed, None) => field_label(&d.field),
        (DiffKind::Added, None) => format!("the field `{}` (added)", d.field),
        (DiffKind::Removed, None) => format!("the field `{}` (removed)", d.field),
        (DiffKind::Changed, Some(i)) => element(&d.field, i),
        (DiffKind::Added, Some(i)) => format!("{} (added)", element(&d.field, i)),
        (DiffKind::Removed, Some(i)) => {
            format!(
                "the list `{}` (elements from the {}. on removed)",
                d.field,
                i + 1
            )
        }
    }
}

fn find_header(text: &[u8]) -> Option<usize> {
    let needle = format!("\n{HEADER}");
    memchr::memmem::rfind(text, needle.as_bytes()).map(|i| i + 1)
}

fn line_of(text: &[u8], at: usize) -> usize {
    memchr::memchr_iter(b'\n', &text[..at]).count() + 1
}

fn parse_trailer(trailer: &[u8]) -> Option<Vec<FieldSums>> {
    let text = std::str::from_utf8(trailer).ok()?;
    let mut out = Vec::new();
    for line in text.lines().skip(1) {
        let rest = line.strip_prefix("// ")?;
        let mut words = rest.split(' ');
        let name = words.next()?;
        let own = u32::from_str_radix(words.next()?, 16).ok()?;
        let packed = words.next().unwrap_or("");
        if words.next().is_some() || packed.len() % 8 != 0 || !packed.is_ascii() {
            return None;
        }
        let elements = (0..packed.len() / 8)
            .map(|i| u32::from_str_radix(&packed[i * 8..i * 8 + 8], 16).ok())
            .collect::<Option<Vec<u32>>>()?;
        out.push(FieldSums {
            name: if name == "-" {
                String::new()
            } else {
                name.into()
            },
            own,
            elements,
            lines: Vec::new(),
            line: 0,
        });
    }
    Some(out)
}

fn field_label(name: &str) -> String {
    if name.is_empty() {
        "the start of the file".into()
    } else if name == ")" {
        "the end of the file".into()
    } else {
        format!("the field `{name}`")
    }
}

/// The element as a person would name it.
pub fn element_label(project: &Project, field: &str, i: usize) -> String {
    let n = i + 1;
    match field {
        "records" => project.records.get(i).map_or_else(
            || format!("record {n}"),
            |r| format!("record {} (the {n}. in the file)", r.key),
        ),
        "decisions" => project.decisions.get(i).map_or_else(
            || format!("decision {n}"),
            |d| {
                format!(
                    "decision {n} (record {}, reviewer {}, {})",
                    d.record, d.reviewer, d.at
                )
            },
        ),
        "reasons" => project
            .reasons
            .get(i)
            .map_or_else(|| format!("reason {n}"), |r| format!("reason `{}`", r.id)),
        "sources" => project.sources.get(i).map_or_else(
            || format!("source {n}"),
            |s| format!("source {n} ({})", s.path),
        ),
        "duplicate_reviews" => format!("duplicate review {n}"),
        other => format!("element {n} of `{other}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(project: &Project) -> String {
        super::super::to_ron_string(project)
    }

    #[test]
    fn what_screener_wrote_verifies_and_reads() {
        let project = crate::synth::project(30, 3);
        let text = written(&project);
        assert!(text.contains(HEADER), "{}", &text[text.len() - 400..]);
        assert_eq!(verify(Path::new("p.ron"), text.as_bytes(), &project), None);
        let read: Project = ron::from_str(&text).unwrap();
        assert_eq!(read, project);
        // The streaming writer and the string agree.
        let mut w = Summing::new(Vec::new());
        let body = text.split_at(find_header(text.as_bytes()).unwrap()).0;
        for piece in body.as_bytes().chunks(7) {
            w.write_all(piece).unwrap();
        }
        assert_eq!(String::from_utf8(w.finish().unwrap()).unwrap(), text);
    }

    #[test]
    fn a_flipped_byte_in_a_title_names_the_record() {
        let project = crate::synth::project(30, 3);
        let text = written(&project);
        let key = &project.records[7].key;
        let title = &project.records[7].title;
        let at = text.find(&format!("key: \"{key}\"")).unwrap();
        let t = at + text[at..].find(title.as_str()).unwrap() + 2;
        let mut bytes = text.into_bytes();
        bytes[t] ^= 0x01;
        let changed: Project = ron::from_str(std::str::from_utf8(&bytes).unwrap()).unwrap();
        let m = verify(Path::new("p.ron"), &bytes, &changed).expect("noticed");
        assert!(m.what.contains(key.as_str()), "{m}");
        assert_eq!(m.parts, 1, "{m}");
        let line = line_of(&bytes, t);
        assert!(m.line < line && line - m.line < 20, "{} vs {line}", m.line);
    }

    #[test]
    fn removed_added_and_unsummed_files() {
        let mut project = crate::synth::project(5, 1);
        for r in 0..2 {
            project.decisions.push(crate::project::Decision {
                record: project.records[r].key.clone(),
                reviewer: "alice".into(),
                stage: crate::project::Stage::TitleAbstract,
                verdict: crate::project::Verdict::Maybe,
                note: String::new(),
                tags: vec![],
                at: "2026-11-26T10:00:00Z".into(),
                rule: None,
            });
        }
        let text = written(&project);
        let body = &text[..find_header(text.as_bytes()).unwrap()];
        assert_eq!(verify(Path::new("p.ron"), body.as_bytes(), &project), None);
        let broken = format!("{body}{HEADER}\n// records zz\n");
        let m = verify(Path::new("p.ron"), broken.as_bytes(), &project).unwrap();
        assert!(m.what.contains("checksum lines"), "{m}");
        let edited = text.replace(
            "  journal_seq: 0,\n",
            "  journal_seq: 0,\n  extra_field: 1,\n",
        );
        let m = verify(Path::new("p.ron"), edited.as_bytes(), &project).unwrap();
        assert!(m.what.contains("`extra_field` (added)"), "{m}");
        assert_eq!(m.parts, 1, "{m}");
        let fewer = text.replacen(
            &format!("    (\n      record: \"{}\"", project.decisions[0].record),
            "    (\n      record: \"gone\"",
            1,
        );
        let m = verify(Path::new("p.ron"), fewer.as_bytes(), &project).unwrap();
        assert!(m.what.starts_with("decision 1 "), "{m}");
    }
}
