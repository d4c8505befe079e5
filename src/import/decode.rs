//! Bytes to text: byte-order marks, UTF-16 with or without BOM, and invalid
//! UTF-8 read as Windows-1252 (what old exporters on Windows wrote).

use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1252};

/// The text and, when it was not plain UTF-8, how it was read.
pub struct Decoded {
    pub text: String,
    pub encoding: &'static str,
    /// Set when the bytes were not what they claimed or seemed to be.
    pub warning: Option<String>,
}

pub fn decode(bytes: &[u8]) -> Decoded {
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

fn utf8_or_1252(bytes: &[u8], name: &'static str) -> Decoded {
    match std::str::from_utf8(bytes) {
        Ok(s) => Decoded {
            text: s.to_string(),
            encoding: name,
            warning: None,
        },
        Err(e) => {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            let (text, _, _) = WINDOWS_1252.decode(bytes);
            Decoded {
                text: text.into_owned(),
                encoding: "Windows-1252",
                warning: Some(format!(
                    "not valid UTF-8 (first bad byte on line {line}); read as Windows-1252: \
                     check accented letters, or re-export the file as UTF-8"
                )),
            }
        }
    }
}

fn utf16(bytes: &[u8], little_endian: bool, name: &'static str) -> Decoded {
    let enc = if little_endian { UTF_16LE } else { UTF_16BE };
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    Decoded {
        text: text.into_owned(),
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

/// Splits text into lines on `\r\n`, `\n` or a bare `\r` (some Web of
/// Science exports end records with a lone CR).
pub fn lines(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                out.push(&text[start..i]);
                start = i + 1;
            }
            b'\r' => {
                out.push(&text[start..i]);
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if start < bytes.len() {
        out.push(&text[start..]);
    }
    out
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
    }

    #[test]
    fn line_endings() {
        assert_eq!(lines("a\r\nb\rc\n\nd"), vec!["a", "b", "c", "", "d"]);
        assert_eq!(lines("a\n"), vec!["a"]);
        assert!(lines("").is_empty());
    }
}
