//! The project file's text as screener writes it (`ronfmt::pretty_config`),
//! cut into parts without parsing it: every top-level field (`version`,
//! `settings`, …) is a part, and every element of a top-level list
//! (a record, a decision, a reason, a source) is a part of its own; the
//! value's closing line is the part `)`.
//!
//! The cut follows the layout only: a line indented by two spaces starts a
//! top-level field (`  records: [` opens a list, `  ],` closes it), and
//! inside a list a line indented by four spaces that does not close
//! something starts an element. Strings never hold a raw newline (ron
//! escapes them), so a line boundary is never inside a string. A file laid
//! out otherwise (edited by hand) is still cut, only into parts that will
//! not match their checksums, which is a warning and nothing worse.
//!
//! [`Cutter`] works on a stream (the checkpoint hashes the file while
//! writing it, `checksum`) and on a whole text (`recover` reads a damaged
//! file part by part, `checksum` verifies a file).

/// Where the bytes that follow belong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// A top-level field's own lines (for a list, its opening and closing
    /// lines). The lines before the first field are the field `""`.
    Field(String),
    /// Element `index` (from 0) of the top-level list `field`.
    Element { field: String, index: usize },
}

/// Told where each part starts, and given the bytes in order.
pub trait Sink {
    /// A part starts (or a field's own lines resume after its elements)
    /// at byte `offset`, line `line` (from 1).
    fn part(&mut self, part: Part, offset: u64, line: usize);
    fn bytes(&mut self, bytes: &[u8]);
}

/// The cutting state; feed it bytes with [`Cutter::feed`], then call
/// [`Cutter::finish`].
#[derive(Debug, Default)]
pub struct Cutter {
    /// The top-level field the text is in.
    field: String,
    /// In a list: the number of elements so far.
    list: Option<usize>,
    /// The start of a line that came in pieces, not yet routed.
    held: Vec<u8>,
    /// The current line has been routed (its bytes go to the current part).
    routed: bool,
    /// Offset and number of the current line's start.
    line_start: u64,
    line: usize,
    /// Bytes fed before the current call.
    fed: u64,
    started: bool,
}

/// How many bytes of a line tell its part, unless it is a top-level line
/// (whose name and end are needed).
const HEAD: usize = 5;

impl Cutter {
    pub fn new() -> Cutter {
        Cutter {
            line: 1,
            ..Cutter::default()
        }
    }

    /// Cuts the next bytes of the text. Runs of lines in one part reach
    /// the sink as one slice.
    pub fn feed(&mut self, input: &[u8], sink: &mut impl Sink) {
        self.start(sink);
        // `input[given..pos]` belongs to the current part and has not been
        // given to the sink yet.
        let mut given = 0;
        let mut pos = 0;
        while pos < input.len() {
            if self.routed {
                match memchr::memchr(b'\n', &input[pos..]) {
                    Some(i) => {
                        pos += i + 1;
                        self.next_line(pos as u64 + self.fed);
                    }
                    None => pos = input.len(),
                }
                continue;
            }
            let rest = &input[pos..];
            let newline = memchr::memchr(b'\n', rest);
            let line = &rest[..newline.map_or(rest.len(), |i| i + 1)];
            if self.held.is_empty() && (newline.is_some() || decidable(line)) {
                if let Some(part) = self.route(line) {
                    sink.bytes(&input[given..pos]);
                    given = pos;
                    sink.part(part, self.line_start, self.line);
                }
                self.routed = true;
                continue;
            }
            // A line cut by the end of `input`, or the rest of one that was.
            sink.bytes(&input[given..pos]);
            self.held.extend_from_slice(line);
            pos += line.len();
            given = pos;
            if newline.is_some() || decidable(&self.held) {
                self.route_held(sink);
                if newline.is_some() {
                    self.next_line(pos as u64 + self.fed);
                }
            }
        }
        sink.bytes(&input[given..pos]);
        self.fed += input.len() as u64;
    }

    /// Gives the sink what is held (a last line without its newline).
    pub fn finish(&mut self, sink: &mut impl Sink) {
        self.start(sink);
        if !self.held.is_empty() {
            self.route_held(sink);
        }
    }

    fn start(&mut self, sink: &mut impl Sink) {
        if !self.started {
            self.started = true;
            sink.part(Part::Field(String::new()), 0, 1);
        }
    }

    fn next_line(&mut self, offset: u64) {
        self.routed = false;
        self.line += 1;
        self.line_start = offset;
    }

    fn route_held(&mut self, sink: &mut impl Sink) {
        let held = std::mem::take(&mut self.held);
        if let Some(part) = self.route(&held) {
            sink.part(part, self.line_start, self.line);
        }
        sink.bytes(&held);
        self.held = held;
        self.held.clear();
        self.routed = true;
    }

    /// The part a line starting with `head` begins, if it begins one.
    fn route(&mut self, head: &[u8]) -> Option<Part> {
        if head.first() == Some(&b')') {
            // The end of the project's value.
            self.list = None;
            self.field = ")".into();
            return Some(Part::Field(self.field.clone()));
        }
        if top_level(head) {
            if self.list.is_some() && closes(&head[2..]) {
                // `  ],`: the list's own lines again.
                self.list = None;
                return Some(Part::Field(self.field.clone()));
            }
            let name = field_name(&head[2..])?;
            self.field = name.to_string();
            self.list = opens_list(head).then_some(0);
            return Some(Part::Field(self.field.clone()));
        }
        let count = self.list.as_mut()?;
        if indented(head, 4) && !head.get(4).is_some_and(|b| b")]}".contains(b)) {
            let index = *count;
            *count += 1;
            return Some(Part::Element {
                field: self.field.clone(),
                index,
            });
        }
        None
    }
}

/// Whether the start of a line (without its end) is enough to route it.
fn decidable(head: &[u8]) -> bool {
    head.len() >= HEAD && !top_level(head)
}

/// Exactly `n` spaces, then something else.
fn indented(line: &[u8], n: usize) -> bool {
    line.len() > n && line[..n].iter().all(|&b| b == b' ') && !b" \n".contains(&line[n])
}

fn top_level(line: &[u8]) -> bool {
    indented(line, 2)
}

fn closes(rest: &[u8]) -> bool {
    rest.first().is_some_and(|b| b"]})".contains(b))
}

/// `name` of a line `name: …` (after its indent).
fn field_name(rest: &[u8]) -> Option<&str> {
    let colon = rest.iter().position(|&b| b == b':')?;
    let name = std::str::from_utf8(&rest[..colon]).ok()?;
    (!name.is_empty() && name.bytes().all(|b| b == b'_' || b.is_ascii_alphanumeric()))
        .then_some(name)
}

fn opens_list(line: &[u8]) -> bool {
    let trimmed = line.trim_ascii_end();
    trimmed.ends_with(b": [")
}

/// Every part of `text` with its byte range and first line, in order; a
/// field's own lines that resume after its elements are a second entry
/// for that field.
pub fn parts(text: &[u8]) -> Vec<(Part, std::ops::Range<usize>, usize)> {
    struct Collect(Vec<(Part, std::ops::Range<usize>, usize)>, usize);
    impl Sink for Collect {
        fn part(&mut self, part: Part, offset: u64, line: usize) {
            let at = offset as usize;
            if let Some(last) = self.0.last_mut() {
                last.1.end = at;
            }
            self.0.push((part, at..at, line));
        }
        fn bytes(&mut self, bytes: &[u8]) {
            self.1 += bytes.len();
            if let Some(last) = self.0.last_mut() {
                last.1.end = self.1;
            }
        }
    }
    let mut c = Collect(Vec::new(), 0);
    let mut cutter = Cutter::new();
    cutter.feed(text, &mut c);
    cutter.finish(&mut c);
    c.0
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "(\n  version: 1,\n  settings: (\n    a: true,\n  ),\n  records: [\n    (\n      key: \"a\",\n    ),\n    (\n      key: \"b\",\n    ),\n  ],\n  decisions: [],\n  journal_seq: 3,\n)\n";

    fn names(text: &[u8]) -> Vec<(Part, String, usize)> {
        parts(text)
            .into_iter()
            .map(|(p, r, line)| (p, String::from_utf8_lossy(&text[r]).into_owned(), line))
            .collect()
    }

    #[test]
    fn fields_and_list_elements_are_parts() {
        let got = names(TEXT.as_bytes());
        let f = |s: &str| Part::Field(s.into());
        let e = |i| Part::Element {
            field: "records".into(),
            index: i,
        };
        assert_eq!(
            got,
            vec![
                (f(""), "(\n".into(), 1),
                (f("version"), "  version: 1,\n".into(), 2),
                (
                    f("settings"),
                    "  settings: (\n    a: true,\n  ),\n".into(),
                    3
                ),
                (f("records"), "  records: [\n".into(), 6),
                (e(0), "    (\n      key: \"a\",\n    ),\n".into(), 7),
                (e(1), "    (\n      key: \"b\",\n    ),\n".into(), 10),
                (f("records"), "  ],\n".into(), 13),
                (f("decisions"), "  decisions: [],\n".into(), 14),
                (f("journal_seq"), "  journal_seq: 3,\n".into(), 15),
                (f(")"), ")\n".into(), 16),
            ]
        );
        let whole: String = got.iter().map(|(_, s, _)| s.as_str()).collect();
        assert_eq!(whole, TEXT);
    }

    proptest::proptest! {
        #[test]
        fn any_split_of_the_stream_cuts_the_same(cuts in proptest::collection::vec(0usize..200, 0..12)) {
            #[derive(Default)]
            struct Log(Vec<(Part, u64, usize)>, Vec<u8>);
            impl Sink for Log {
                fn part(&mut self, p: Part, o: u64, l: usize) { self.0.push((p, o, l)); }
                fn bytes(&mut self, b: &[u8]) { self.1.extend_from_slice(b); }
            }
            let text = TEXT.as_bytes();
            let mut whole = Log::default();
            let mut c = Cutter::new();
            c.feed(text, &mut whole);
            c.finish(&mut whole);
            let mut at: Vec<usize> = cuts.into_iter().map(|c| c % (text.len() + 1)).collect();
            at.sort_unstable();
            let mut pieces = Log::default();
            let mut c = Cutter::new();
            let mut from = 0;
            for to in at.into_iter().chain([text.len()]) {
                c.feed(&text[from..to], &mut pieces);
                from = to;
            }
            c.finish(&mut pieces);
            proptest::prop_assert_eq!(&whole.0, &pieces.0);
            proptest::prop_assert_eq!(&whole.1, &pieces.1);
            proptest::prop_assert_eq!(&whole.1[..], text);
        }
    }
}
