//! Small text helpers shared by importers, keys and views.

/// Lowercase, letters and digits only, single spaces: the form titles and
/// names are compared in.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.extend(c.to_lowercase());
        } else {
            pending_space = true;
        }
    }
    out
}

/// Runs of whitespace (newlines included) become one space; ends trimmed.
pub fn collapse_ws(s: &str) -> String {
    let t = s.trim();
    // Most titles need nothing: one copy, no splitting.
    if !needs_collapse(t.as_bytes()) {
        return t.to_string();
    }
    let mut out = String::with_capacity(t.len());
    for w in t.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// Whether `b` (UTF-8) holds whitespace other than single spaces, in one
/// pass over its bytes.
fn needs_collapse(b: &[u8]) -> bool {
    let mut space = false;
    for (i, &c) in b.iter().enumerate() {
        match c {
            b' ' if space => return true,
            b' ' => {
                space = true;
                continue;
            }
            // What `char::is_whitespace` counts below 0x80 besides the space.
            b'\t' | b'\n' | 0x0b | 0x0c | b'\r' => return true,
            // Lead bytes of the other whitespace characters: U+0085,
            // U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F,
            // U+205F, U+3000. Only those decide.
            0xc2 | 0xe1 | 0xe2 | 0xe3 => {
                let next = |k: usize| b.get(i + k).copied().unwrap_or(0);
                let white = match c {
                    0xc2 => matches!(next(1), 0x85 | 0xa0),
                    0xe1 => next(1) == 0x9a && next(2) == 0x80,
                    0xe2 => match next(1) {
                        0x80 => matches!(next(2), 0x80..=0x8a | 0xa8 | 0xa9 | 0xaf),
                        0x81 => next(2) == 0x9f,
                        _ => false,
                    },
                    _ => next(1) == 0x80 && next(2) == 0x80,
                };
                if white {
                    return true;
                }
            }
            _ => {}
        }
        space = false;
    }
    false
}

/// The surname of a name written `Surname, Given`, `Surname G` (MEDLINE
/// `AU`) or `Given Surname`.
pub fn surname(name: &str) -> &str {
    let name = name.trim();
    if let Some((surname, _)) = name.split_once(',') {
        return surname.trim();
    }
    let words: Vec<&str> = name.split_whitespace().collect();
    match words.as_slice() {
        [] => "",
        [only] => only,
        // MEDLINE `AU  - Repper J`: the last word is initials.
        [.., last]
            if last.len() <= 3
                && last
                    .chars()
                    .all(|c| c.is_uppercase() || c == '.' || c == '-') =>
        {
            name.rsplit_once(char::is_whitespace)
                .map_or(name, |(head, _)| head.trim())
        }
        [.., last] => last,
    }
}

/// A DOI in canonical form (lowercase, no resolver prefix, no trailing
/// punctuation or `[doi]` marker), or `None` when `s` holds no DOI.
pub fn normalize_doi(s: &str) -> Option<String> {
    let s = s.trim();
    let lower = s.to_lowercase();
    let start = lower.find("10.")?;
    let mut doi = lower[start..].trim().to_string();
    if let Some(cut) = doi.find(" [doi]") {
        doi.truncate(cut);
    }
    if let Some(cut) = doi.find(char::is_whitespace) {
        doi.truncate(cut);
    }
    let trimmed = doi.trim_end_matches(['.', ',', ';']);
    let doi = trimmed.to_string();
    // A DOI is `10.<registrant>/<suffix>`.
    let (prefix, suffix) = doi.split_once('/')?;
    if prefix.len() < 4
        || suffix.is_empty()
        || !prefix[3..].chars().all(|c| c.is_ascii_digit() || c == '.')
    {
        return None;
    }
    Some(doi)
}

/// Whether `s` holds a DOI (whether [`normalize_doi`] would return one),
/// without building it: the RIS reader asks this of every `DO` line.
pub fn has_doi(s: &str) -> bool {
    let Some(start) = memchr::memmem::find(s.as_bytes(), b"10.") else {
        return false;
    };
    let rest = &s[start..];
    let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
    let doi = rest[..end].trim_end_matches(['.', ',', ';']);
    match doi.split_once('/') {
        Some((prefix, suffix)) => {
            prefix.len() >= 4
                && !suffix.is_empty()
                && prefix[3..].bytes().all(|c| c.is_ascii_digit() || c == b'.')
        }
        None => false,
    }
}

/// The first four-digit number between 1000 and 2999 in `s`, the year of
/// dates written any way (`2019 Jan 5`, `15 June 2012`, `2012///`).
pub fn year_in(s: &str) -> Option<i32> {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i + 4 <= bytes.len() {
        let window = &bytes[i..i + 4];
        let before_ok = i == 0 || !bytes[i - 1].is_ascii_digit();
        let after_ok = i + 4 == bytes.len() || !bytes[i + 4].is_ascii_digit();
        if before_ok && after_ok && window.iter().all(u8::is_ascii_digit) {
            let y: i32 = std::str::from_utf8(window).ok()?.parse().ok()?;
            if (1000..3000).contains(&y) {
                return Some(y);
            }
        }
        i += 1;
    }
    None
}

/// Text for display from a value that may hold HTML or XML markup, as
/// titles and abstracts from Scopus, WoS, Crossref-fed exporters and PubMed
/// often do: known tags are dropped (`<i>`, `<sup>`, `<mml:math>`, `<jats:p>`
/// …), entities are decoded (`&amp;`, `&#233;`, `&#xE9;`, and the `& ouml;`
/// some WoS exports write), everything else is left as it stood, so
/// `p < 0.05` or `a <b> c` without a closing tag stays text. Paragraph tags
/// become line breaks. Borrowed when there is nothing to change.
pub fn clean_markup(s: &str) -> std::borrow::Cow<'_, str> {
    if memchr::memchr2(b'<', b'&', s.as_bytes()).is_none() {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = memchr::memchr2(b'<', b'&', rest.as_bytes()) {
        out.push_str(&rest[..pos]);
        let tail = &rest[pos..];
        if let Some(after) = tail.strip_prefix('<') {
            match markup_tag(tail) {
                Some((len, brk)) => {
                    if brk {
                        out.push('\n');
                    }
                    rest = &tail[len..];
                }
                None => {
                    out.push('<');
                    rest = after;
                }
            }
        } else {
            match entity(tail) {
                Some((len, c)) => {
                    out.push(c);
                    rest = &tail[len..];
                }
                None => {
                    out.push('&');
                    rest = &tail[1..];
                }
            }
        }
    }
    out.push_str(rest);
    if out == s {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(out)
    }
}

/// Tags of HTML, JATS and MathML that exporters leave in text.
const MARKUP_TAGS: &[&str] = &[
    "i",
    "b",
    "u",
    "s",
    "em",
    "strong",
    "sup",
    "sub",
    "inf",
    "p",
    "br",
    "span",
    "div",
    "scp",
    "sc",
    "a",
    "small",
    "big",
    "tt",
    "font",
    "italic",
    "bold",
    "underline",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "title",
    "sec",
    "label",
    "list",
    "list-item",
    "abstract",
    "math",
    "mi",
    "mo",
    "mn",
    "ms",
    "mrow",
    "msub",
    "msup",
    "msubsup",
    "mfrac",
    "mtext",
    "mspace",
    "mover",
    "munder",
    "mstyle",
    "semantics",
    "annotation",
    "inline-formula",
    "named-content",
    "ext-link",
    "xref",
    "monospace",
    "roman",
    "sans-serif",
    "strike",
    "overline",
    "sc",
    "def",
    "term",
];

/// If `tail` starts with a markup tag, its length and whether it breaks a
/// paragraph.
fn markup_tag(tail: &str) -> Option<(usize, bool)> {
    // A byte search (the three are ASCII): `p < 0.05` in an abstract made
    // `str::find` walk the rest of it character by character.
    let end = memchr::memchr3(b'>', b'<', b'\n', &tail.as_bytes()[1..])? + 1;
    if tail.as_bytes().get(end) != Some(&b'>') {
        return None;
    }
    let inner = &tail[1..end];
    let name = inner.trim_start_matches('/');
    let name = name
        .split(|c: char| c.is_whitespace() || c == '/')
        .next()
        .unwrap_or("");
    let lower = name.to_ascii_lowercase();
    // Namespaced tags of MathML and JATS (`mml:mi`, `jats:p`).
    let local = lower
        .strip_prefix("mml:")
        .or_else(|| lower.strip_prefix("jats:"));
    let known = match local {
        Some(l) => !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'),
        None => MARKUP_TAGS.contains(&lower.as_str()),
    };
    if !known {
        return None;
    }
    let local = local.unwrap_or(&lower);
    let closing = inner.starts_with('/');
    let brk = local == "br" || closing && matches!(local, "p" | "div" | "li" | "sec");
    Some((end + 1, brk))
}

/// Named entities seen in bibliographic exports (HTML 4's Latin-1 letters,
/// punctuation and Greek).
const ENTITIES: &[(&str, char)] = &[
    ("amp", '&'),
    ("lt", '<'),
    ("gt", '>'),
    ("quot", '"'),
    ("apos", '\''),
    ("nbsp", ' '),
    ("ndash", '–'),
    ("mdash", '—'),
    ("hellip", '…'),
    ("lsquo", '‘'),
    ("rsquo", '’'),
    ("ldquo", '“'),
    ("rdquo", '”'),
    ("laquo", '«'),
    ("raquo", '»'),
    ("middot", '·'),
    ("bull", '•'),
    ("deg", '°'),
    ("plusmn", '±'),
    ("times", '×'),
    ("divide", '÷'),
    ("micro", 'µ'),
    ("le", '≤'),
    ("ge", '≥'),
    ("ne", '≠'),
    ("asymp", '≈'),
    ("minus", '−'),
    ("prime", '′'),
    ("copy", '©'),
    ("reg", '®'),
    ("trade", '™'),
    ("shy", '\u{ad}'),
    ("thinsp", ' '),
    ("ensp", ' '),
    ("emsp", ' '),
    ("sect", '§'),
    ("para", '¶'),
    ("frac12", '½'),
    ("frac14", '¼'),
    ("frac34", '¾'),
    ("sup2", '²'),
    ("sup3", '³'),
    ("szlig", 'ß'),
    ("aelig", 'æ'),
    ("AElig", 'Æ'),
    ("oslash", 'ø'),
    ("Oslash", 'Ø'),
    ("aring", 'å'),
    ("Aring", 'Å'),
    ("ccedil", 'ç'),
    ("Ccedil", 'Ç'),
    ("ntilde", 'ñ'),
    ("Ntilde", 'Ñ'),
    ("eth", 'ð'),
    ("thorn", 'þ'),
    ("iexcl", '¡'),
    ("iquest", '¿'),
    ("auml", 'ä'),
    ("euml", 'ë'),
    ("iuml", 'ï'),
    ("ouml", 'ö'),
    ("uuml", 'ü'),
    ("yuml", 'ÿ'),
    ("Auml", 'Ä'),
    ("Euml", 'Ë'),
    ("Iuml", 'Ï'),
    ("Ouml", 'Ö'),
    ("Uuml", 'Ü'),
    ("aacute", 'á'),
    ("eacute", 'é'),
    ("iacute", 'í'),
    ("oacute", 'ó'),
    ("uacute", 'ú'),
    ("yacute", 'ý'),
    ("Aacute", 'Á'),
    ("Eacute", 'É'),
    ("Iacute", 'Í'),
    ("Oacute", 'Ó'),
    ("Uacute", 'Ú'),
    ("Yacute", 'Ý'),
    ("agrave", 'à'),
    ("egrave", 'è'),
    ("igrave", 'ì'),
    ("ograve", 'ò'),
    ("ugrave", 'ù'),
    ("Agrave", 'À'),
    ("Egrave", 'È'),
    ("Igrave", 'Ì'),
    ("Ograve", 'Ò'),
    ("Ugrave", 'Ù'),
    ("acirc", 'â'),
    ("ecirc", 'ê'),
    ("icirc", 'î'),
    ("ocirc", 'ô'),
    ("ucirc", 'û'),
    ("Acirc", 'Â'),
    ("Ecirc", 'Ê'),
    ("Icirc", 'Î'),
    ("Ocirc", 'Ô'),
    ("Ucirc", 'Û'),
    ("atilde", 'ã'),
    ("otilde", 'õ'),
    ("Atilde", 'Ã'),
    ("Otilde", 'Õ'),
    ("alpha", 'α'),
    ("beta", 'β'),
    ("gamma", 'γ'),
    ("delta", 'δ'),
    ("epsilon", 'ε'),
    ("zeta", 'ζ'),
    ("eta", 'η'),
    ("theta", 'θ'),
    ("iota", 'ι'),
    ("kappa", 'κ'),
    ("lambda", 'λ'),
    ("mu", 'μ'),
    ("nu", 'ν'),
    ("xi", 'ξ'),
    ("pi", 'π'),
    ("rho", 'ρ'),
    ("sigma", 'σ'),
    ("tau", 'τ'),
    ("phi", 'φ'),
    ("chi", 'χ'),
    ("psi", 'ψ'),
    ("omega", 'ω'),
    ("Gamma", 'Γ'),
    ("Delta", 'Δ'),
    ("Theta", 'Θ'),
    ("Lambda", 'Λ'),
    ("Pi", 'Π'),
    ("Sigma", 'Σ'),
    ("Phi", 'Φ'),
    ("Psi", 'Ψ'),
    ("Omega", 'Ω'),
];

/// If `tail` starts with an entity, its length and the character.
fn entity(tail: &str) -> Option<(usize, char)> {
    let semi = tail[1..].find(';')? + 1;
    if semi > 12 {
        return None;
    }
    let body = &tail[1..semi];
    if let Some(num) = body.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code).map(|c| (semi + 1, c));
    }
    // WoS writes `& ouml;`: only a known name after the space counts.
    let name = body.strip_prefix(' ').unwrap_or(body);
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    ENTITIES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|&(_, c)| (semi + 1, c))
}

/// Missing-value markers of the tools that write exports (R's `NA`,
/// pandas' `nan`, Python's `None`): nothing, not a value.
pub fn is_missing(v: &str) -> bool {
    matches!(v.trim(), "NA" | "nan" | "NaN" | "None" | "NULL" | "null")
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The one-pass test for "nothing to collapse" agrees with
        /// splitting on every whitespace character.
        #[test]
        fn collapse_ws_is_split_and_join(
            s in "[a ,\t\n\r\u{0b}\u{0c}\u{85}\u{a0}\u{b0}\u{1680}\u{2000}-\u{200b}\u{2013}\u{2028}\u{2029}\u{202f}\u{205f}\u{3000}\u{3001}é]{0,12}"
        ) {
            let reference = s.split_whitespace().collect::<Vec<_>>().join(" ");
            proptest::prop_assert_eq!(collapse_ws(&s), reference);
        }
    }

    #[test]
    fn folds_titles() {
        assert_eq!(
            fold("  Peer-support: a <i>Review</i>! "),
            "peer support a i review i"
        );
        assert_eq!(fold("Ökologie"), "ökologie");
    }

    #[test]
    fn surnames() {
        assert_eq!(surname("Repper, Julie"), "Repper");
        assert_eq!(surname("Repper J"), "Repper");
        assert_eq!(surname("Julie Repper"), "Repper");
        assert_eq!(surname("van der Berg AB"), "van der Berg");
        assert_eq!(surname("Simon Lawton-Smith"), "Lawton-Smith");
    }

    #[test]
    fn dois() {
        assert_eq!(
            normalize_doi("https://doi.org/10.1038/S41467-024-46843-2").as_deref(),
            Some("10.1038/s41467-024-46843-2")
        );
        assert_eq!(
            normalize_doi("10.1371/journal.pone.0209483 [doi]").as_deref(),
            Some("10.1371/journal.pone.0209483")
        );
        assert_eq!(
            normalize_doi("doi:10.1000/xyz.").as_deref(),
            Some("10.1000/xyz")
        );
        assert_eq!(normalize_doi("S0140-6736(20)30183-5 [pii]"), None);
        assert_eq!(normalize_doi(""), None);
        assert_eq!(normalize_doi("10.abc/x"), None);
    }

    #[test]
    fn has_doi_agrees_with_normalize_doi() {
        for s in [
            "10.1038/S41467",
            "https://doi.org/10.1/x",
            "10.1371/journal.pone.0209483 [doi]",
            "doi:10.1000/xyz.",
            "S0140-6736(20)30183-5 [pii]",
            "",
            "10.abc/x",
            "10.12/",
            "10./x",
            "see 10.5 and 10.1/y",
            "x 10.1234/ab.",
        ] {
            assert_eq!(has_doi(s), normalize_doi(s).is_some(), "{s}");
        }
    }

    #[test]
    fn years() {
        assert_eq!(year_in("15 June 2012"), Some(2012));
        assert_eq!(year_in("2019 Jan 5"), Some(2019));
        assert_eq!(year_in("2012///"), Some(2012));
        assert_eq!(year_in("123456"), None);
        assert_eq!(year_in("vol 99"), None);
    }

    #[test]
    fn markup_becomes_text() {
        assert_eq!(
            clean_markup("The <i>Pinus</i> forest &amp; CO<sub>2</sub>"),
            "The Pinus forest & CO2"
        );
        assert_eq!(
            clean_markup("Sch& ouml;nbrunn &#233;t&#xE9;"),
            "Schönbrunn été"
        );
        assert_eq!(clean_markup("<mml:math><mml:mi>x</mml:mi></mml:math>"), "x");
        assert_eq!(
            clean_markup("<jats:p>One</jats:p><jats:p>Two</jats:p>"),
            "One\nTwo\n"
        );
        // Not markup: stays as written.
        assert_eq!(clean_markup("p < 0.05 and a <b c"), "p < 0.05 and a <b c");
        assert_eq!(clean_markup("AT&T; R&D"), "AT&T; R&D");
        assert_eq!(clean_markup("<unknown>"), "<unknown>");
        assert!(matches!(
            clean_markup("plain"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(clean_markup("&#99999999;&"), "&#99999999;&");
    }
}
