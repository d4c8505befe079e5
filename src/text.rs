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
    s.split_whitespace().collect::<Vec<_>>().join(" ")
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn years() {
        assert_eq!(year_in("15 June 2012"), Some(2012));
        assert_eq!(year_in("2019 Jan 5"), Some(2019));
        assert_eq!(year_in("2012///"), Some(2012));
        assert_eq!(year_in("123456"), None);
        assert_eq!(year_in("vol 99"), None);
    }
}
