//! Web of Science plain text (`savedrecs.txt`, `.ciw`, `.isi`), every
//! vintage of its header (`FN ISI Export Format`, `FN Thomson Reuters Web
//! of Science™`, `FN Clarivate Analytics Web of Science`, header and `VR`
//! on one line or two), and the same layout from Zoological Record, BIOSIS
//! or Inspec on the WoS platform. Two-letter tag, a space, the value;
//! continuation lines are indented by three spaces; `PT` starts a record,
//! `ER` ends it, `EF` ends the file.

use super::Parsed;
use super::tagged::{Field, Fields, lines_of, set_abstract, short, title};
use crate::record::Record;
use crate::text;

/// Splits `AU Toh, ML` into (`AU`, `Toh, ML`); `ER` alone has no value.
pub fn tag_line(line: &str) -> Option<(&str, &str)> {
    let b = line.as_bytes();
    if b.len() < 2
        || !b[0].is_ascii_uppercase()
        || !(b[1].is_ascii_uppercase() || b[1].is_ascii_digit())
    {
        return None;
    }
    match b.get(2) {
        None => Some((&line[..2], "")),
        Some(b' ') => Some((&line[..2], line[3..].trim_end())),
        Some(b'\t') => Some((&line[..2], line[3..].trim_end())),
        _ => None,
    }
}

fn is_continuation(line: &str) -> bool {
    line.starts_with("   ") || line.starts_with('\t')
}

/// Whether the text looks like WoS plain text: a header line, or a `PT`
/// line followed by tagged lines.
pub fn looks_like(lines: &[&str]) -> bool {
    let mut saw_pt = false;
    for line in lines.iter().take(40) {
        let t = line.trim_start_matches('\u{feff}');
        if t.starts_with("FN ")
            && (t.contains("Web of Science")
                || t.contains("ISI")
                || t.contains("Clarivate")
                || t.contains("Thomson"))
        {
            return true;
        }
        if t.trim_end() == "VR 1.0" {
            return true;
        }
        if saw_pt {
            return matches!(tag_line(t), Some((tag, _)) if matches!(tag, "AU" | "TI" | "AF" | "GP" | "CA" | "BA" | "SO"));
        }
        if let Some(("PT", v)) = tag_line(t) {
            saw_pt = v.len() <= 2;
        }
    }
    false
}

pub fn parse(text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let mut records = Fields::new();
    let mut ended = false;
    for (i, line) in super::decode::line_iter(text).enumerate() {
        let line_no = i + 1;
        let line = line.trim_start_matches('\u{feff}');
        if line.trim().is_empty() {
            continue;
        }
        let tagged = if is_continuation(line) {
            None
        } else {
            tag_line(line)
        };
        let Some((tag, value)) = tagged else {
            // Wrapped lines are indented, though some exporters do not
            // indent them.
            if !records.continue_last(line.trim(), '\n') {
                let what = if is_continuation(line) {
                    "indented text"
                } else {
                    "text"
                };
                parsed.stray(
                    line_no,
                    format!("{what} outside a record: `{}`", short(line.trim(), 60)),
                );
            }
            continue;
        };
        match tag {
            "ER" => {
                if records.close(&mut parsed, build).is_none() {
                    parsed.stray(line_no, "`ER` without a record");
                }
            }
            "EF" => {
                if let Some(start) = records.start() {
                    parsed.report(
                        start,
                        "record has no `ER` line before the end-of-file mark `EF`",
                        "kept the record as read",
                    );
                    records.close(&mut parsed, build);
                }
                ended = true;
            }
            "FN" | "VR" if !records.is_open() => {}
            "PT" => {
                if let Some(start) = records.start() {
                    parsed.report(
                        start,
                        "record has no `ER` line before the next `PT`",
                        "ended the record at the next PT",
                    );
                    records.close(&mut parsed, build);
                }
                records.open(line_no);
                records.push(tag, value);
            }
            _ if records.push(tag, value) => {}
            _ if ended => parsed.stray(
                line_no,
                format!("`{tag}` line after the end-of-file mark `EF`"),
            ),
            _ if line_no <= 2 => parsed.stray(
                line_no,
                format!(
                    "unexpected header line `{}` (WoS files start with `FN`)",
                    short(line, 60)
                ),
            ),
            _ => {
                // A record without `PT`: start one here.
                parsed.report(
                    line_no,
                    format!("record starts with `{tag}`, not `PT`"),
                    "read it as a record",
                );
                records.open(line_no);
                records.push(tag, value);
            }
        }
    }
    if let Some(start) = records.start() {
        parsed.report(
            start,
            "last record has no `ER` line (file cut short?)",
            "kept the record as read",
        );
        records.close(&mut parsed, build);
    }
    parsed
}

fn build(fields: &mut Vec<Field<'_>>) -> Record {
    let mut r = Record::default();
    let has_af = fields.iter().any(|f| f.tag == "AF");
    let bp = fields
        .iter()
        .find(|f| f.tag == "BP")
        .map(|f| f.value.trim().to_string());
    let ep = fields
        .iter()
        .find(|f| f.tag == "EP")
        .map(|f| f.value.trim().to_string());
    for f in fields.drain(..) {
        let joined = text::collapse_ws(&f.value);
        let used = match f.tag {
            "PT" if r.kind.is_empty() => {
                r.kind = joined.clone();
                true
            }
            "TI" if r.title.is_empty() => {
                let (title, changed) = title(&joined);
                r.title = title;
                if changed {
                    r.push_extra("raw:TI", f.value.to_string());
                }
                true
            }
            "AB" if r.abstract_text.is_empty() => {
                set_abstract(&mut r, "AB", &f.value);
                true
            }
            "AF" => {
                r.authors.extend(lines_of(&f.value));
                true
            }
            "AU" if !has_af => {
                r.authors.extend(lines_of(&f.value));
                true
            }
            "SO" if r.journal.is_empty() => {
                r.journal = joined.clone();
                true
            }
            "PY" if r.year.is_none() => {
                r.year = text::year_in(&joined);
                r.year.is_some_and(|y| y.to_string() == joined)
            }
            "PD" if r.date.is_empty() => {
                r.date = joined.clone();
                true
            }
            "VL" if r.volume.is_empty() => {
                r.volume = joined.clone();
                true
            }
            "IS" if r.issue.is_empty() => {
                r.issue = joined.clone();
                true
            }
            "BP" if r.pages.is_empty() => {
                r.pages = match &ep {
                    Some(ep) if !ep.is_empty() => format!("{joined}-{ep}"),
                    _ => joined.clone(),
                };
                true
            }
            "EP" if bp.is_some() => true,
            "DI" if r.doi.is_empty() => {
                r.doi = joined.clone();
                true
            }
            "PM" if r.pmid.is_empty() => {
                r.pmid = joined.clone();
                true
            }
            "SN" if r.issn.is_empty() => {
                r.issn = joined.clone();
                true
            }
            "BN" if r.isbn.is_empty() => {
                r.isbn = joined.clone();
                true
            }
            "DE" | "ID" => {
                r.keywords.extend(
                    joined
                        .split(';')
                        .map(str::trim)
                        .filter(|k| !k.is_empty())
                        .map(String::from),
                );
                // How the list was written is lost in the split: keep it.
                r.push_extra(&format!("raw:{}", f.tag), f.value.to_string());
                true
            }
            _ => false,
        };
        if !used {
            r.push_extra(f.tag, f.value);
        }
    }
    if r.date.is_empty() {
        if let Some(y) = r.year {
            r.date = y.to_string();
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_and_wrapped_fields() {
        let text = "\u{feff}FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nAU Toh, ML\n   Roe, K\n\
                    AF Toh, Ming Liang\n   Roe, Kim\nTI Mapping <i>GIS</i> in real\n   estate\n\
                    SO JOURNAL OF TESTS\nDE GIS; real estate\nPY 2019\nBP 5\nEP 9\n\
                    DI 10.1/X\nUT WOS:000123\nER\n\nPT J\nTI Second\nEF\n";
        let p = parse(text);
        assert_eq!(p.total(), 2, "{:?}", p.warnings);
        let r = &p.records[0].1;
        assert_eq!(p.records[0].0, 3);
        assert_eq!(r.authors, ["Toh, Ming Liang", "Roe, Kim"]);
        assert_eq!(r.title, "Mapping GIS in real estate");
        assert_eq!(r.keywords, ["GIS", "real estate"]);
        assert_eq!(r.pages, "5-9");
        assert_eq!(r.year, Some(2019));
        assert_eq!(r.doi, "10.1/X");
        assert!(
            r.extra
                .iter()
                .any(|f| f.tag == "AU" && f.value == "Toh, ML\nRoe, K")
        );
        assert!(r.extra.iter().any(|f| f.tag == "raw:TI"));
        // The second record lacks `ER`: kept, with a warning.
        assert_eq!(p.warnings.len(), 1, "{:?}", p.warnings);
    }

    #[test]
    fn zoological_record_layout() {
        // Zoological Record on the WoS platform: its own tags (taxa,
        // descriptors), the same layout, `UT ZOOREC:`.
        let text = "FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nAU Smith, A\n\
                    TI New species of Carabus\nSO Zootaxa\nPY 2011\nBS Insecta\n   Coleoptera\n\
                    TN Carabus novus\nUT ZOOREC:ZOOR14502011567\nER\nEF\n";
        let p = parse(text);
        assert_eq!(p.total(), 1);
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        let r = &p.records[0].1;
        assert_eq!(r.title, "New species of Carabus");
        assert_eq!(r.journal, "Zootaxa");
        assert!(
            r.extra
                .iter()
                .any(|f| f.tag == "BS" && f.value == "Insecta\nColeoptera")
        );
        assert!(
            r.extra
                .iter()
                .any(|f| f.tag == "UT" && f.value.starts_with("ZOOREC:"))
        );
    }

    #[test]
    fn old_header_on_one_line() {
        assert!(looks_like(&["FN ISI Export Format VR 1.0 ", "", "PT J"]));
        assert!(looks_like(&["XX Thomson Reuters Web of Science", "VR 1.0"]));
        assert!(looks_like(&["PT J", "AU Doe, J"]));
        assert!(!looks_like(&["TY  - JOUR", "AU  - Doe"]));
    }
}
