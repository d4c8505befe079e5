//! Bytes to text: byte-order marks, UTF-16 with or without BOM, and bytes
//! that are not UTF-8: read in the encoding a JabRef `% Encoding:` header
//! names, else the one chardetng guesses (Windows-1252 for what old
//! exporters on Windows wrote, GBK, Shift_JIS, …), always with a warning.
//! Valid UTF-8 is borrowed, not copied: a 200 MB export stays 200 MB.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, WINDOWS_1252};

/// The text and, when it was not plain UTF-8, how it was read.
pub struct Decoded<'a> {
    pub text: Cow<'a, str>,
    pub encoding: &'static str,
    /// Set when the bytes were not what they claimed or seemed to be.
    pub warning: Option<String>,
}

pub fn decode(bytes: &[u8]) -> Decoded<'_> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return utf8_or_1252(rest, "UTF-8 (BOM)");
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(rest, true, "UTF-16LE (BOM)");
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(rest, false, "UTF-16BE (BOM)");
    }
    if let Some(little_endian) = sniff_utf16(bytes) {
        return utf16(
            bytes,
            little_endian,
            if little_endian {
                "UTF-16LE"
            } else {
                "UTF-16BE"
            },
        );
    }
    utf8_or_1252(bytes, "UTF-8")
}

/// `std::str::from_utf8`, validated with `simdutf8` (SIMD): on the 250 MB
/// benchmark file 26-29 ms on one core, against 34-36 ms for the standard
/// library's check split over both cores, which this replaced (with its
/// `from_utf8_unchecked`); docs/IMPORT.md. The standard library is asked
/// again only for the position of an error.
fn from_utf8(bytes: &[u8]) -> Result<&str, std::str::Utf8Error> {
    match simdutf8::basic::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(_) => std::str::from_utf8(bytes),
    }
}

fn utf8_or_1252<'a>(bytes: &'a [u8], name: &'static str) -> Decoded<'a> {
    match from_utf8(bytes) {
        Ok(s) => Decoded {
            text: Cow::Borrowed(s),
            encoding: name,
            warning: None,
        },
        Err(e) => {
            if let Some(mixed) = mostly_utf8(bytes) {
                return mixed;
            }
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            let (encoding, why) = match declared_encoding(bytes) {
                Some(enc) => (enc, "as its `% Encoding:` line says"),
                None => match guess_encoding(bytes) {
                    enc if enc == WINDOWS_1252 => {
                        (enc, "the usual encoding of exports that are not UTF-8")
                    }
                    enc => (enc, "the multi-byte encoding the bytes fit"),
                },
            };
            let (text, _, had_errors) = encoding.decode(bytes);
            let damaged = if had_errors {
                "; some bytes fit no letter and became U+FFFD (�)"
            } else {
                ""
            };
            Decoded {
                text: Cow::Owned(text.into_owned()),
                encoding: encoding.name(),
                warning: Some(format!(
                    "not valid UTF-8 (first bad byte on line {line}); read as {} ({why}){damaged}: \
                     check accented letters, or re-export the file as UTF-8",
                    encoding.name()
                )),
            }
        }
    }
}

/// A UTF-8 file with a few lines in another encoding (a record pasted in
/// from an old Windows export: one `Caf\xe9` among thousands of UTF-8
/// lines): each line read on its own, the bad ones in the legacy encoding,
/// so that the file's UTF-8 letters are not all turned into `Ã©`. `None`
/// when the file does not look like UTF-8: no line with valid non-ASCII
/// UTF-8, or fewer such lines than bad ones (then the whole file is in a
/// legacy encoding, read as before).
fn mostly_utf8(bytes: &[u8]) -> Option<Decoded<'static>> {
    let mut good_non_ascii = 0usize;
    let mut bad: Vec<usize> = Vec::new();
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        if line.is_ascii() {
            continue;
        }
        if from_utf8(line).is_ok() {
            good_non_ascii += 1;
        } else {
            bad.push(i + 1);
        }
    }
    if good_non_ascii == 0 || bad.len() > good_non_ascii {
        return None;
    }
    let legacy = declared_encoding(bytes).unwrap_or(WINDOWS_1252);
    let mut text = String::with_capacity(bytes.len() + bad.len() * 8);
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        if i > 0 {
            text.push('\n');
        }
        match std::str::from_utf8(line) {
            Ok(s) => text.push_str(s),
            Err(_) => text.push_str(&legacy.decode_without_bom_handling(line).0),
        }
    }
    let mut listed: Vec<String> = bad.iter().take(10).map(|l| l.to_string()).collect();
    if bad.len() > 10 {
        listed.push(format!("and {} more", bad.len() - 10));
    }
    let lines = if bad.len() == 1 { "line" } else { "lines" };
    Some(Decoded {
        text: Cow::Owned(text),
        encoding: if legacy == WINDOWS_1252 {
            "UTF-8, with those lines as windows-1252"
        } else {
            "UTF-8, with those lines in the encoding the file declares"
        },
        warning: Some(format!(
            "not valid UTF-8 on {lines} {} of a file that is UTF-8 elsewhere (check the \
             accented letters there)",
            listed.join(", "),
        )),
    })
}

/// JabRef writes `% Encoding: windows-1252` as the first line.
fn declared_encoding(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(200)];
    let line_end = head.iter().position(|&b| b == b'\n').unwrap_or(head.len());
    let line = std::str::from_utf8(&head[..line_end]).ok()?;
    let label = line.trim().strip_prefix("% Encoding:")?.trim();
    let enc = Encoding::for_label(label.as_bytes())?;
    (enc != encoding_rs::UTF_8).then_some(enc)
}

fn guess_encoding(bytes: &[u8]) -> &'static Encoding {
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(bytes, true);
    let guess = detector.guess(None, false);
    // chardetng tells multi-byte encodings (GBK, Shift_JIS, Big5, EUC-KR)
    // apart reliably, but among single-byte ones it can pick wrongly on
    // little evidence: the ASySD labelled set holds only 0xA9 (©) and was
    // read as ISO-8859-2 (Š). Bibliographic exports that are not UTF-8 are
    // overwhelmingly Windows-1252, so single-byte guesses fall back to it.
    let multi_byte = [
        encoding_rs::GBK,
        encoding_rs::GB18030,
        encoding_rs::SHIFT_JIS,
        encoding_rs::EUC_JP,
        encoding_rs::ISO_2022_JP,
        encoding_rs::BIG5,
        encoding_rs::EUC_KR,
    ];
    if multi_byte.contains(&guess) {
        guess
    } else {
        WINDOWS_1252
    }
}

fn utf16(bytes: &[u8], little_endian: bool, name: &'static str) -> Decoded<'static> {
    let enc = if little_endian { UTF_16LE } else { UTF_16BE };
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    Decoded {
        text: Cow::Owned(text.into_owned()),
        encoding: name,
        warning: had_errors
            .then(|| "some UTF-16 code units were invalid and became U+FFFD (�)".to_string()),
    }
}

/// UTF-16 without a BOM shows as a zero byte in every other position for
/// mostly-ASCII text; returns whether it looks little-endian.
fn sniff_utf16(bytes: &[u8]) -> Option<bool> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    if sample.len() < 8 {
        return None;
    }
    let pairs = sample.len() / 2;
    let even_zero = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_zero = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&b| b == 0)
        .count();
    if odd_zero * 10 > pairs * 7 && even_zero * 10 < pairs {
        Some(true)
    } else if even_zero * 10 > pairs * 7 && odd_zero * 10 < pairs {
        Some(false)
    } else {
        None
    }
}

/// Text with every bare CR (old Mac line ends, some WoS exports) turned
/// into LF, so parsers that work on bytes see the same lines as [`lines`];
/// CRLF stays, line numbers do not change. Borrowed when there is none.
pub fn bare_cr_to_lf(text: &str) -> Cow<'_, str> {
    let b = text.as_bytes();
    if !text.contains('\r') {
        return Cow::Borrowed(text);
    }
    let bare = |i: usize| b[i] == b'\r' && b.get(i + 1) != Some(&b'\n');
    if !(0..b.len()).any(bare) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for i in (0..b.len()).filter(|&i| bare(i)) {
        out.push_str(&text[last..i]);
        out.push('\n');
        last = i + 1;
    }
    out.push_str(&text[last..]);
    Cow::Owned(out)
}

/// Splits text into lines on `\r\n`, `\n` or a bare `\r` (some Web of
/// Science exports end records with a lone CR).
pub fn lines(text: &str) -> Vec<&str> {
    line_iter(text).collect()
}

/// [`lines`] without collecting them: a 2 GB export has 40 million lines.
pub fn line_iter(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        match memchr::memchr2(b'\n', b'\r', rest.as_bytes()) {
            Some(p) => {
                let line = &rest[..p];
                let skip = if rest[p..].starts_with("\r\n") { 2 } else { 1 };
                rest = &rest[p + skip..];
                Some(line)
            }
            None => {
                let line = rest;
                rest = "";
                Some(line)
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boms_and_encodings() {
        assert_eq!(decode(b"\xEF\xBB\xBFTY  - JOUR").text, "TY  - JOUR");
        let le: Vec<u8> = "TY  - JOUR\n"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        let d = decode(&le);
        assert_eq!(d.text, "TY  - JOUR\n");
        assert_eq!(d.encoding, "UTF-16LE");
        let mut be = vec![0xFE, 0xFF];
        be.extend("Ab\n".encode_utf16().flat_map(|u| u.to_be_bytes()));
        assert_eq!(decode(&be).text, "Ab\n");
        let d = decode(b"caf\xe9\n");
        assert_eq!(d.text, "café\n");
        assert!(d.warning.unwrap().contains("line 1"));
        let d = decode(b"% Encoding: windows-1252\n\n@Article{,\n  abstract = {25\xb0 C},\n}\n");
        assert!(d.text.contains("25° C"));
        assert_eq!(d.encoding, "windows-1252");
        // GBK bytes (`bibtexparser_gbk.bib`): chardetng tells them apart.
        let d = decode(
            b"@ARTICLE{\xbf\xad\xc8\xf62013,\n journal = {\xb2\xe2\xca\xd4\xc6\xda\xbf\xaf}\n}\n",
        );
        assert_eq!(d.encoding, "GBK");
        assert!(d.text.contains("测试期刊"), "{}", d.text);
    }

    #[test]
    fn large_text_is_validated_as_the_standard_library_does() {
        let size = super::super::pieces::MIN_PARALLEL + 7;
        let text = "é".repeat(size / 2);
        assert_eq!(from_utf8(text.as_bytes()), Ok(text.as_str()));
        let mut bad = text.clone().into_bytes();
        let at = bad.len() - 6;
        bad[at] = 0xff;
        assert_eq!(from_utf8(&bad), std::str::from_utf8(&bad));
        assert_eq!(from_utf8(&bad).unwrap_err().valid_up_to(), at);
        // A character cut short at the end.
        let short = &text.as_bytes()[..text.len() - 1];
        assert_eq!(from_utf8(short), std::str::from_utf8(short));
    }

    #[test]
    fn a_few_latin1_lines_in_a_utf8_file_are_read_line_by_line() {
        let mut bytes = "TY  - JOUR\nTI  - Über Café\n".as_bytes().to_vec();
        bytes.extend_from_slice(b"AB  - Caf\xe9 au lait\n");
        bytes.extend_from_slice("AU  - Søren\nER  - \n".as_bytes());
        let d = decode(&bytes);
        assert_eq!(
            d.text,
            "TY  - JOUR\nTI  - Über Café\nAB  - Café au lait\nAU  - Søren\nER  - \n"
        );
        let w = d.warning.unwrap();
        assert!(w.contains("on line 3 "), "{w}");
        assert_eq!(d.encoding, "UTF-8, with those lines as windows-1252");
        // A file that is Latin-1 throughout is read whole, as before.
        let d = decode(b"TI  - Caf\xe9\nAB  - na\xefve\n");
        assert_eq!(d.text, "TI  - Café\nAB  - naïve\n");
        assert!(d.warning.unwrap().contains("first bad byte on line 1"));
    }

    #[test]
    fn line_endings() {
        assert_eq!(lines("a\r\nb\rc\n\nd"), vec!["a", "b", "c", "", "d"]);
        assert_eq!(lines("a\n"), vec!["a"]);
        assert!(lines("").is_empty());
    }
}
