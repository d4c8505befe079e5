//! A fast writer of the project file's RON, byte for byte what the ron
//! crate's pretty serializer writes with the project file's settings
//! ([`pretty_config`]).
//!
//! Why: the ron crate writes about 110 MB/s here, a 100k-record project is
//! about 270 MB, and a checkpoint or an import writes the whole file.
//! ron escapes every character through `fmt::Write` one at a time; this
//! writer copies runs of characters that need no escape in one go and
//! writes to a buffered `io::Write`. `docs/PERFORMANCE.md` has both speeds,
//! measured in one run.
//!
//! It is a port of ron 0.12's `Serializer` (`ron/src/ser/mod.rs`) for that
//! one configuration, as a serde `Serializer`, so a field added to the
//! schema is written like any other without touching this file. Anything
//! the port does not cover (an identifier that is not plain ASCII, ron's raw
//! values) is refused with [`Error::Unsupported`], and the caller then uses
//! the ron crate. Tests compare the bytes with ron's on random projects.

use std::fmt;
use std::io::{self, Write};
use std::ops::Range;
use std::sync::mpsc;

use serde::ser::{self, Serialize};

/// The layout of the project file: one field per line down to the fields of
/// a record or decision, anything deeper on one line.
pub fn pretty_config() -> ron::ser::PrettyConfig {
    ron::ser::PrettyConfig::new()
        .depth_limit(DEPTH_LIMIT)
        .indentor(INDENTOR)
        .struct_names(false)
}

const DEPTH_LIMIT: usize = 3;
const INDENTOR: &str = "  ";

#[derive(Debug)]
pub enum Error {
    Io(io::Error),
    /// Something this writer does not reproduce; use the ron crate.
    Unsupported(String),
    Custom(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io(_) => f.write_str("cannot write the RON"),
            Error::Unsupported(what) => write!(f, "not supported by the fast RON writer: {what}"),
            Error::Custom(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io(e) => Some(e),
            Error::Unsupported(_) | Error::Custom(_) => None,
        }
    }
}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error::Custom(msg.to_string())
    }
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        Error::Io(e)
    }
}

type Result<T> = std::result::Result<T, Error>;

/// Writes `value` as the ron crate's pretty serializer would with
/// [`pretty_config`].
pub fn to_writer<W: Write, T: Serialize + ?Sized>(out: W, value: &T) -> Result<W> {
    let mut s = Serializer {
        out,
        indent: 0,
        is_empty: None,
        splice: None,
    };
    value.serialize(&mut s)?;
    Ok(s.out)
}

/// Elements of a spliced list rendered per chunk (about 3 MB of RON for
/// records of ~2.7 KB).
const SPLICE_CHUNK: usize = 1024;
/// Chunks each rendering thread may have done ahead of the writer.
const SPLICE_AHEAD: usize = 2;

/// [`to_writer`], with the top-level field `field` of `value` (a struct)
/// written from `elements` instead, rendered in chunks on all cores and
/// written in order: the same bytes, in a fraction of the time when the
/// list is most of the file (a project's records). `elements` must be what
/// `value`'s field holds; the field's own value is not serialised.
pub fn to_writer_spliced<W, T, E>(
    out: W,
    value: &T,
    field: &'static str,
    elements: &[E],
) -> Result<W>
where
    W: Write,
    T: Serialize + ?Sized,
    E: Serialize + Sync,
{
    let render = |range: Range<usize>, indent: usize| -> Result<Vec<u8>> {
        let mut s = Serializer {
            out: Vec::with_capacity(range.len() * 3072),
            indent,
            is_empty: Some(false),
            splice: None,
        };
        let mut list = Compound {
            ser: &mut s,
            any: range.start > 0,
        };
        for e in &elements[range] {
            list.multiline_item(e)?;
        }
        Ok(s.out)
    };
    let mut s = Serializer {
        out,
        indent: 0,
        is_empty: None,
        splice: Some(Splice {
            field,
            len: elements.len(),
            render: &render,
        }),
    };
    value.serialize(&mut s)?;
    if s.splice.is_some() {
        return Err(Error::Custom(format!(
            "no top-level field {field} to splice"
        )));
    }
    Ok(s.out)
}

/// A top-level list written from pre-rendered chunks ([`to_writer_spliced`]).
struct Splice<'s> {
    field: &'static str,
    len: usize,
    /// The list's elements `range` as the list writes them at `indent`,
    /// each with the separator before it except the list's first.
    render: &'s (dyn Fn(Range<usize>, usize) -> Result<Vec<u8>> + Sync),
}

pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    let bytes = to_writer(Vec::new(), value)?;
    String::from_utf8(bytes).map_err(|e| Error::Custom(e.to_string()))
}

struct Serializer<'s, W: Write> {
    out: W,
    indent: usize,
    /// ron's `is_empty`: set when a compound starts, read when indenting.
    is_empty: Option<bool>,
    /// Taken when its field is written.
    splice: Option<Splice<'s>>,
}

/// Bytes that `char::escape_debug` leaves as they are.
const PLAIN: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0x20;
    while b <= 0x7e {
        t[b] = !matches!(b as u8, b'\\' | b'\'' | b'"');
        b += 1;
    }
    t
};

/// The length of the run of [`PLAIN`] bytes `bytes` starts with, eight
/// bytes at a time where none of them needs a look (titles and abstracts
/// are mostly such runs).
fn plain_run(bytes: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let has_zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let mut at = 0;
    for word in bytes.chunks_exact(8) {
        let mut w = [0u8; 8];
        w.copy_from_slice(word);
        let x = u64::from_le_bytes(w);
        // A byte below 0x20, at or above 0x7f, or a backslash or quote.
        let control = x.wrapping_sub(0x20 * ONES) & !x & HIGH;
        let high = (x | x.wrapping_add(ONES)) & HIGH;
        let special = has_zero(x ^ (b'\\' as u64 * ONES))
            | has_zero(x ^ (b'\'' as u64 * ONES))
            | has_zero(x ^ (b'"' as u64 * ONES));
        if control | high | special != 0 {
            break;
        }
        at += 8;
    }
    at + bytes[at..]
        .iter()
        .position(|&b| !PLAIN[usize::from(b)])
        .unwrap_or(bytes.len() - at)
}

impl<W: Write> Serializer<'_, W> {
    /// The spliced list, as `serialize_seq`, its elements and `end` would
    /// write it: chunks rendered by one thread per core, each thread at most
    /// [`SPLICE_AHEAD`] chunks ahead, written here in order.
    fn write_splice(&mut self, splice: &Splice<'_>) -> Result<()> {
        self.out.write_all(b"[")?;
        self.is_empty = Some(splice.len == 0);
        self.start_indent()?;
        let indent = self.indent;
        let chunks: Vec<Range<usize>> = (0..splice.len)
            .step_by(SPLICE_CHUNK)
            .map(|start| start..splice.len.min(start + SPLICE_CHUNK))
            .collect();
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, chunks.len().max(1));
        let render = splice.render;
        std::thread::scope(|scope| -> Result<()> {
            let mut rendered = Vec::with_capacity(threads);
            for t in 0..threads {
                let (tx, rx) = mpsc::sync_channel(SPLICE_AHEAD);
                rendered.push(rx);
                let chunks = &chunks;
                scope.spawn(move || {
                    for range in chunks.iter().skip(t).step_by(threads) {
                        // The writer stopped (an error): so do we.
                        if tx.send(render(range.clone(), indent)).is_err() {
                            return;
                        }
                    }
                });
            }
            for i in 0..chunks.len() {
                let bytes = rendered[i % threads]
                    .recv()
                    .map_err(|_| Error::Custom("a RON rendering thread stopped".into()))??;
                self.out.write_all(&bytes)?;
            }
            Ok(())
        })?;
        self.close_multiline(splice.len > 0)?;
        self.out.write_all(b"]")?;
        Ok(())
    }

    fn start_indent(&mut self) -> Result<()> {
        self.indent += 1;
        if self.indent <= DEPTH_LIMIT && !self.is_empty.unwrap_or(false) {
            self.out.write_all(b"\n")?;
        }
        Ok(())
    }

    fn write_indent(&mut self) -> Result<()> {
        if self.indent <= DEPTH_LIMIT {
            for _ in 0..self.indent {
                self.out.write_all(INDENTOR.as_bytes())?;
            }
        }
        Ok(())
    }

    fn end_indent(&mut self) -> Result<()> {
        if self.indent <= DEPTH_LIMIT && !self.is_empty.unwrap_or(false) {
            for _ in 1..self.indent {
                self.out.write_all(INDENTOR.as_bytes())?;
            }
        }
        self.indent -= 1;
        self.is_empty = None;
        Ok(())
    }

    /// The separator after an element or field other than the first.
    fn next_item(&mut self) -> Result<()> {
        if self.indent <= DEPTH_LIMIT {
            self.out.write_all(b",\n")?;
        } else {
            self.out.write_all(b", ")?;
        }
        Ok(())
    }

    fn close_multiline(&mut self, any: bool) -> Result<()> {
        if any && self.indent <= DEPTH_LIMIT {
            self.out.write_all(b",\n")?;
        }
        self.end_indent()
    }

    fn escaped_str(&mut self, value: &str) -> Result<()> {
        self.out.write_all(b"\"")?;
        let bytes = value.as_bytes();
        let mut start = 0;
        while start < bytes.len() {
            let run = plain_run(&bytes[start..]);
            self.out.write_all(&bytes[start..start + run])?;
            start += run;
            if start >= bytes.len() {
                break;
            }
            // One character that may need escaping; `value` is a str, so a
            // character starts here.
            let c = value[start..].chars().next().unwrap_or('\u{fffd}');
            let mut buf = [0u8; 4];
            for e in c.escape_debug() {
                self.out.write_all(e.encode_utf8(&mut buf).as_bytes())?;
            }
            start += c.len_utf8();
        }
        self.out.write_all(b"\"")?;
        Ok(())
    }

    fn identifier(&mut self, name: &str) -> Result<()> {
        validate_identifier(name)?;
        let plain = name
            .bytes()
            .next()
            .is_some_and(|b| b == b'_' || b.is_ascii_alphabetic())
            && name.bytes().all(|b| b == b'_' || b.is_ascii_alphanumeric())
            && ![
                "true", "false", "Some", "None", "inf", "inff32", "inff64", "NaN", "NaNf32",
                "NaNf64",
            ]
            .contains(&name);
        if !plain {
            self.out.write_all(b"r#")?;
        }
        self.out.write_all(name.as_bytes())?;
        Ok(())
    }

    fn display(&mut self, v: impl fmt::Display) -> Result<()> {
        write!(self.out, "{v}")?;
        Ok(())
    }
}

fn validate_identifier(name: &str) -> Result<()> {
    if !name.is_ascii() {
        // ron accepts Unicode identifiers (XID); not reproduced here.
        return Err(Error::Unsupported(format!("identifier {name:?}")));
    }
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'+' | b'-'))
    {
        return Err(Error::Custom(format!("invalid identifier {name:?}")));
    }
    Ok(())
}

pub struct Compound<'a, 's, W: Write> {
    ser: &'a mut Serializer<'s, W>,
    any: bool,
}

impl<'a, 's, W: Write> ser::Serializer for &'a mut Serializer<'s, W> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a, 's, W>;
    type SerializeTuple = Compound<'a, 's, W>;
    type SerializeTupleStruct = Compound<'a, 's, W>;
    type SerializeTupleVariant = Compound<'a, 's, W>;
    type SerializeMap = Compound<'a, 's, W>;
    type SerializeStruct = Compound<'a, 's, W>;
    type SerializeStructVariant = Compound<'a, 's, W>;

    fn serialize_bool(self, v: bool) -> Result<()> {
        self.out.write_all(if v { b"true" } else { b"false" })?;
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<()> {
        self.display(v)
    }
    fn serialize_i16(self, v: i16) -> Result<()> {
        self.display(v)
    }
    fn serialize_i32(self, v: i32) -> Result<()> {
        self.display(v)
    }
    fn serialize_i64(self, v: i64) -> Result<()> {
        self.display(v)
    }
    fn serialize_u8(self, v: u8) -> Result<()> {
        self.display(v)
    }
    fn serialize_u16(self, v: u16) -> Result<()> {
        self.display(v)
    }
    fn serialize_u32(self, v: u32) -> Result<()> {
        self.display(v)
    }
    fn serialize_u64(self, v: u64) -> Result<()> {
        self.display(v)
    }
    fn serialize_f32(self, v: f32) -> Result<()> {
        if v.is_nan() && v.is_sign_negative() {
            self.out.write_all(b"-")?;
        }
        write!(self.out, "{v:?}")?;
        Ok(())
    }
    fn serialize_f64(self, v: f64) -> Result<()> {
        if v.is_nan() && v.is_sign_negative() {
            self.out.write_all(b"-")?;
        }
        write!(self.out, "{v:?}")?;
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<()> {
        self.out.write_all(b"'")?;
        if v == '\\' || v == '\'' {
            self.out.write_all(b"\\")?;
        }
        write!(self.out, "{v}'")?;
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<()> {
        self.escaped_str(v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<()> {
        self.out.write_all(b"b\"")?;
        for &b in v {
            for e in std::ascii::escape_default(b) {
                self.out.write_all(&[e])?;
            }
        }
        self.out.write_all(b"\"")?;
        Ok(())
    }
    fn serialize_none(self) -> Result<()> {
        self.out.write_all(b"None")?;
        Ok(())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<()> {
        self.out.write_all(b"Some(")?;
        value.serialize(&mut *self)?;
        self.out.write_all(b")")?;
        Ok(())
    }
    fn serialize_unit(self) -> Result<()> {
        self.out.write_all(b"()")?;
        Ok(())
    }
    fn serialize_unit_struct(self, name: &'static str) -> Result<()> {
        validate_identifier(name)?;
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        name: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<()> {
        validate_identifier(name)?;
        self.identifier(variant)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<()> {
        if name.starts_with("__ron") || name.starts_with("RawValue") {
            return Err(Error::Unsupported(format!("newtype {name}")));
        }
        validate_identifier(name)?;
        self.out.write_all(b"(")?;
        value.serialize(&mut *self)?;
        self.out.write_all(b")")?;
        Ok(())
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        name: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<()> {
        validate_identifier(name)?;
        self.identifier(variant)?;
        self.out.write_all(b"(")?;
        value.serialize(&mut *self)?;
        self.out.write_all(b")")?;
        Ok(())
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Compound<'a, 's, W>> {
        self.out.write_all(b"[")?;
        if let Some(len) = len {
            self.is_empty = Some(len == 0);
        }
        self.start_indent()?;
        Ok(Compound {
            ser: self,
            any: false,
        })
    }
    fn serialize_tuple(self, _len: usize) -> Result<Compound<'a, 's, W>> {
        self.out.write_all(b"(")?;
        Ok(Compound {
            ser: self,
            any: false,
        })
    }
    fn serialize_tuple_struct(self, name: &'static str, len: usize) -> Result<Compound<'a, 's, W>> {
        validate_identifier(name)?;
        self.serialize_tuple(len)
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        _: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a, 's, W>> {
        validate_identifier(name)?;
        self.identifier(variant)?;
        self.out.write_all(b"(")?;
        Ok(Compound {
            ser: self,
            any: false,
        })
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Compound<'a, 's, W>> {
        self.out.write_all(b"{")?;
        if let Some(len) = len {
            self.is_empty = Some(len == 0);
        }
        self.start_indent()?;
        Ok(Compound {
            ser: self,
            any: false,
        })
    }
    fn serialize_struct(self, name: &'static str, len: usize) -> Result<Compound<'a, 's, W>> {
        validate_identifier(name)?;
        self.out.write_all(b"(")?;
        self.is_empty = Some(len == 0);
        self.start_indent()?;
        Ok(Compound {
            ser: self,
            any: false,
        })
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'a, 's, W>> {
        validate_identifier(name)?;
        self.identifier(variant)?;
        self.out.write_all(b"(")?;
        self.is_empty = Some(len == 0);
        self.start_indent()?;
        Ok(Compound {
            ser: self,
            any: false,
        })
    }
    fn serialize_i128(self, v: i128) -> Result<()> {
        Err(Error::Unsupported(format!("128-bit integer {v}")))
    }
    fn serialize_u128(self, v: u128) -> Result<()> {
        Err(Error::Unsupported(format!("128-bit integer {v}")))
    }
}

impl<W: Write> Compound<'_, '_, W> {
    /// An element of a list, or a key of a map: on its own line while within
    /// the depth limit.
    fn multiline_item<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        if self.any {
            self.ser.next_item()?;
        }
        self.any = true;
        self.ser.write_indent()?;
        value.serialize(&mut *self.ser)
    }

    fn tuple_item<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        if self.any {
            self.ser.out.write_all(b", ")?;
        }
        self.any = true;
        value.serialize(&mut *self.ser)
    }

    fn field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Result<()> {
        if self.any {
            self.ser.next_item()?;
        }
        self.any = true;
        self.ser.write_indent()?;
        self.ser.identifier(key)?;
        self.ser.out.write_all(b": ")?;
        if self.ser.indent == 1 && self.ser.splice.as_ref().is_some_and(|s| s.field == key) {
            if let Some(splice) = self.ser.splice.take() {
                return self.ser.write_splice(&splice);
            }
        }
        value.serialize(&mut *self.ser)
    }
}

impl<W: Write> ser::SerializeSeq for Compound<'_, '_, W> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.multiline_item(value)
    }
    fn end(self) -> Result<()> {
        self.ser.close_multiline(self.any)?;
        self.ser.out.write_all(b"]")?;
        Ok(())
    }
}

impl<W: Write> ser::SerializeTuple for Compound<'_, '_, W> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.tuple_item(value)
    }
    fn end(self) -> Result<()> {
        self.ser.out.write_all(b")")?;
        Ok(())
    }
}

impl<W: Write> ser::SerializeTupleStruct for Compound<'_, '_, W> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.tuple_item(value)
    }
    fn end(self) -> Result<()> {
        self.ser.out.write_all(b")")?;
        Ok(())
    }
}

impl<W: Write> ser::SerializeTupleVariant for Compound<'_, '_, W> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.tuple_item(value)
    }
    fn end(self) -> Result<()> {
        self.ser.out.write_all(b")")?;
        Ok(())
    }
}

impl<W: Write> ser::SerializeMap for Compound<'_, '_, W> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<()> {
        self.multiline_item(key)
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.ser.out.write_all(b": ")?;
        value.serialize(&mut *self.ser)
    }
    fn end(self) -> Result<()> {
        self.ser.close_multiline(self.any)?;
        self.ser.out.write_all(b"}")?;
        Ok(())
    }
}

impl<W: Write> ser::SerializeStruct for Compound<'_, '_, W> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        self.field(key, value)
    }
    fn end(self) -> Result<()> {
        self.ser.close_multiline(self.any)?;
        self.ser.out.write_all(b")")?;
        Ok(())
    }
}

impl<W: Write> ser::SerializeStructVariant for Compound<'_, '_, W> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        self.field(key, value)
    }
    fn end(self) -> Result<()> {
        self.ser.close_multiline(self.any)?;
        self.ser.out.write_all(b")")?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use std::collections::BTreeMap;

    fn ron_pretty<T: Serialize>(v: &T) -> String {
        ron::Options::default()
            .to_string_pretty(v, pretty_config())
            .unwrap()
    }

    #[derive(Serialize)]
    struct Odd {
        empty: Vec<u8>,
        unit: (),
        tuple: (u8, String, Option<char>),
        map: BTreeMap<String, Vec<i64>>,
        empty_map: BTreeMap<String, u8>,
        nested: Vec<Vec<Vec<Vec<u8>>>>,
        float: f64,
        bytes: serde_bytes_like::Bytes,
        r#true: bool,
        empty_struct: Empty,
        variant: E,
    }

    #[derive(Serialize)]
    struct Empty {}

    #[derive(Serialize)]
    enum E {
        Tuple(u8, u8),
        #[allow(dead_code)]
        Struct {
            a: u8,
        },
    }

    mod serde_bytes_like {
        pub struct Bytes(pub Vec<u8>);
        impl serde::Serialize for Bytes {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_bytes(&self.0)
            }
        }
    }

    #[test]
    fn matches_ron_on_shapes_the_schema_may_grow_into() {
        let mut map = BTreeMap::new();
        map.insert("a b".to_string(), vec![1, -2]);
        map.insert("c".to_string(), vec![]);
        let v = Odd {
            empty: vec![],
            unit: (),
            tuple: (7, "x\"y".into(), Some('\'')),
            map,
            empty_map: BTreeMap::new(),
            nested: vec![vec![vec![vec![1, 2]], vec![]]],
            float: -0.5,
            bytes: serde_bytes_like::Bytes(vec![0, b'a', 200]),
            r#true: true,
            empty_struct: Empty {},
            variant: E::Tuple(1, 2),
        };
        assert_eq!(to_string(&v).unwrap(), ron_pretty(&v));
        let nested = vec![Some(E::Struct { a: 1 }), None];
        assert_eq!(to_string(&nested).unwrap(), ron_pretty(&nested));
    }

    #[test]
    fn escapes_like_ron() {
        let s = "plain 'quoted' \"double\" back\\slash tab\t nl\n cr\r nul\0 esc\u{1b} \
                 é ü 日本 e\u{301} zwsp\u{200b} bidi\u{202e} emoji 😀 del\u{7f}";
        assert_eq!(to_string(s).unwrap(), ron_pretty(&s));
    }

    #[derive(Serialize)]
    struct Item {
        name: String,
        tags: Vec<String>,
        year: Option<i32>,
        extra: Vec<(String, String)>,
    }

    #[derive(Serialize)]
    struct Top {
        version: u32,
        items: Vec<Item>,
        after: Vec<String>,
    }

    fn top(n: usize) -> Top {
        Top {
            version: 1,
            items: (0..n)
                .map(|i| Item {
                    name: format!("item \"{i}\" é\n"),
                    tags: (0..i % 3).map(|t| format!("t{t}")).collect(),
                    year: (i % 4 != 0).then_some(i as i32),
                    extra: vec![("k".into(), "v".repeat(i % 5))],
                })
                .collect(),
            after: vec!["x".into()],
        }
    }

    #[test]
    fn a_spliced_list_is_written_as_the_list_itself() {
        for n in [
            0,
            1,
            SPLICE_CHUNK - 1,
            SPLICE_CHUNK,
            SPLICE_CHUNK + 1,
            5 * SPLICE_CHUNK + 7,
        ] {
            let v = top(n);
            let whole = to_writer(Vec::new(), &v).unwrap();
            let spliced = to_writer_spliced(Vec::new(), &v, "items", &v.items).unwrap();
            assert!(whole == spliced, "{n} items: the bytes differ");
            assert_eq!(String::from_utf8(whole).unwrap(), ron_pretty(&v));
        }
    }

    #[test]
    fn a_splice_of_a_field_that_is_not_there_is_an_error() {
        let v = top(3);
        assert!(matches!(
            to_writer_spliced(Vec::new(), &v, "records", &v.items),
            Err(Error::Custom(_))
        ));
    }

    /// Fails on the `after`-th write.
    struct Failing {
        after: usize,
    }

    impl Write for Failing {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.after == 0 {
                return Err(io::Error::other("disk full"));
            }
            self.after -= 1;
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_write_error_inside_a_spliced_list_stops_the_rendering_and_is_returned() {
        let v = top(20 * SPLICE_CHUNK);
        let out = Failing { after: 15 };
        assert!(matches!(
            to_writer_spliced(out, &v, "items", &v.items),
            Err(Error::Io(_))
        ));
    }

    proptest::proptest! {
        #[test]
        fn plain_runs_are_found_eight_bytes_at_a_time_as_one_by_one(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..40),
            plain in proptest::collection::vec(0x20u8..0x7f, 0..40),
        ) {
            // A plain prefix of any length, then anything.
            let mut all = plain;
            all.extend(bytes);
            let one_by_one = all
                .iter()
                .position(|&b| !PLAIN[usize::from(b)])
                .unwrap_or(all.len());
            proptest::prop_assert_eq!(plain_run(&all), one_by_one);
        }
    }
}
