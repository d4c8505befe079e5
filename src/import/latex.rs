//! LaTeX in BibTeX values turned into plain Unicode text for display:
//! accents (`{\"o}`, `\'{e}`, `\v c`), special letters (`\ss`, `\o`, `\aa`),
//! escapes (`\&`, `\%`, `\_`), dashes and ties, simple text macros
//! (`\emph{…}`, `\textit{…}`), Greek in math mode (`$\alpha$`), and the
//! braces that protect capitals (`{DNA}`). Anything it does not know stays
//! as written (the raw value is kept beside the record anyway).

/// Accent commands and the letters they combine with, precomposed.
const ACCENTS: &[(char, &str, &str)] = &[
    (
        '\'',
        "aeiouyAEIOUYcnszCNSZlLrRgG",
        "áéíóúýÁÉÍÓÚÝćńśźĆŃŚŹĺĹŕŔǵǴ",
    ),
    ('`', "aeiouAEIOUnN", "àèìòùÀÈÌÒÙǹǸ"),
    ('^', "aeiouAEIOUcgCGhHjJsSwWyY", "âêîôûÂÊÎÔÛĉĝĈĜĥĤĵĴŝŜŵŴŷŶ"),
    ('"', "aeiouyAEIOUY", "äëïöüÿÄËÏÖÜŸ"),
    ('~', "anoANOiuIU", "ãñõÃÑÕĩũĨŨ"),
    ('=', "aeiouAEIOU", "āēīōūĀĒĪŌŪ"),
    ('.', "zZeEgGIcC", "żŻėĖġĠİċĊ"),
    ('u', "gGaAeEiIoOuU", "ğĞăĂĕĔĭĬŏŎŭŬ"),
    ('v', "cCsSzZrRnNeEdDtTlL", "čČšŠžŽřŘňŇěĚďĎťŤľĽ"),
    ('H', "oOuU", "őŐűŰ"),
    ('c', "cCsStTgGkKlLnNrR", "çÇşŞţŢģĢķĶļĻņŅŗŖ"),
    ('k', "aAeEiIuU", "ąĄęĘįĮųŲ"),
    ('r', "aAuU", "åÅůŮ"),
];

/// Commands that stand for a letter or symbol on their own.
const SYMBOLS: &[(&str, &str)] = &[
    ("ss", "ß"),
    ("o", "ø"),
    ("O", "Ø"),
    ("ae", "æ"),
    ("AE", "Æ"),
    ("oe", "œ"),
    ("OE", "Œ"),
    ("aa", "å"),
    ("AA", "Å"),
    ("l", "ł"),
    ("L", "Ł"),
    ("i", "ı"),
    ("j", "ȷ"),
    ("dh", "ð"),
    ("DH", "Ð"),
    ("th", "þ"),
    ("TH", "Þ"),
    ("textendash", "–"),
    ("textemdash", "—"),
    ("textquoteright", "’"),
    ("textquoteleft", "‘"),
    ("textquotedblleft", "“"),
    ("textquotedblright", "”"),
    ("textasciitilde", "~"),
    ("textbackslash", "\\"),
    ("textregistered", "®"),
    ("texttrademark", "™"),
    ("textcopyright", "©"),
    ("textdegree", "°"),
    ("textbullet", "•"),
    ("textperiodcentered", "·"),
    ("textellipsis", "…"),
    ("ldots", "…"),
    ("dots", "…"),
    ("LaTeX", "LaTeX"),
    ("TeX", "TeX"),
    ("pounds", "£"),
    ("euro", "€"),
    ("S", "§"),
    ("P", "¶"),
    ("copyright", "©"),
    ("dag", "†"),
    ("ddag", "‡"),
    ("guillemotleft", "«"),
    ("guillemotright", "»"),
    // Math mode, as found in titles and abstracts.
    ("alpha", "α"),
    ("beta", "β"),
    ("gamma", "γ"),
    ("delta", "δ"),
    ("epsilon", "ε"),
    ("varepsilon", "ε"),
    ("zeta", "ζ"),
    ("eta", "η"),
    ("theta", "θ"),
    ("iota", "ι"),
    ("kappa", "κ"),
    ("lambda", "λ"),
    ("mu", "μ"),
    ("nu", "ν"),
    ("xi", "ξ"),
    ("pi", "π"),
    ("rho", "ρ"),
    ("sigma", "σ"),
    ("tau", "τ"),
    ("upsilon", "υ"),
    ("phi", "φ"),
    ("varphi", "φ"),
    ("chi", "χ"),
    ("psi", "ψ"),
    ("omega", "ω"),
    ("Gamma", "Γ"),
    ("Delta", "Δ"),
    ("Theta", "Θ"),
    ("Lambda", "Λ"),
    ("Xi", "Ξ"),
    ("Pi", "Π"),
    ("Sigma", "Σ"),
    ("Upsilon", "Υ"),
    ("Phi", "Φ"),
    ("Psi", "Ψ"),
    ("Omega", "Ω"),
    ("pm", "±"),
    ("times", "×"),
    ("leq", "≤"),
    ("le", "≤"),
    ("geq", "≥"),
    ("ge", "≥"),
    ("neq", "≠"),
    ("approx", "≈"),
    ("sim", "∼"),
    ("infty", "∞"),
    ("rightarrow", "→"),
    ("to", "→"),
    ("leftarrow", "←"),
    ("cdot", "·"),
    ("circ", "°"),
    ("degree", "°"),
    ("prime", "′"),
    ("%", "%"),
    ("&", "&"),
    ("$", "$"),
    ("#", "#"),
    ("_", "_"),
    ("{", "{"),
    ("}", "}"),
    ("/", ""),
    ("-", ""),
    (" ", " "),
    (",", " "),
    (";", " "),
    ("\\", " "),
];

/// Macros whose argument is the text (`\emph{x}` → `x`).
const TEXT_MACROS: &[&str] = &[
    "emph",
    "textit",
    "textbf",
    "textsc",
    "textrm",
    "textsf",
    "texttt",
    "textup",
    "textsl",
    "textnormal",
    "mathrm",
    "mathit",
    "mathbf",
    "mathsf",
    "mathtt",
    "mathcal",
    "mbox",
    "hbox",
    "text",
    "url",
    "href",
    "uppercase",
    "lowercase",
    "MakeUppercase",
    "MakeLowercase",
    "textsuperscript",
    "textsubscript",
    "ensuremath",
    "it",
    "bf",
    "em",
    "sc",
    "rm",
    "tt",
    "sf",
    "sl",
    "noopsort",
];

/// Whether `s` holds anything [`to_unicode`] would change.
pub fn has_latex(s: &str) -> bool {
    s.contains(['\\', '{', '}', '$', '~']) || s.contains("--")
}

/// Plain text of a BibTeX value; `s` without LaTeX comes back unchanged.
pub fn to_unicode(s: &str) -> String {
    if !has_latex(s) {
        return s.to_string();
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => i = command(&chars, i, &mut out),
            '{' | '}' | '$' => i += 1,
            '~' => {
                out.push(' ');
                i += 1;
            }
            '-' if chars.get(i + 1) == Some(&'-') => {
                if chars.get(i + 2) == Some(&'-') {
                    out.push('—');
                    i += 3;
                } else {
                    out.push('–');
                    i += 2;
                }
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// Reads the command at `chars[start]` (a backslash), writes its text, and
/// returns where reading goes on.
fn command(chars: &[char], start: usize, out: &mut String) -> usize {
    let Some(&first) = chars.get(start + 1) else {
        out.push('\\');
        return start + 1;
    };
    // Accent with a one-character name (`\'`, `\"`, `\^`) or a letter name
    // (`\v`, `\u`, `\c`, `\H`, `\k`, `\r`) followed by the letter.
    if let Some(&(_, from, to)) = ACCENTS.iter().find(|(a, _, _)| *a == first) {
        let letter_name = first.is_ascii_alphabetic();
        let next = chars.get(start + 2).copied();
        // `\v{c}`, `\v c`, `\'e`, `\'{e}`, `\"{\i}`; but not `\url`, `\ref`.
        let arg_ok = !letter_name
            || matches!(next, Some('{') | Some(' '))
            || next.is_some_and(|n| !n.is_ascii_alphabetic());
        if arg_ok {
            if let Some((base, end)) = accent_argument(chars, start + 2) {
                match from.chars().position(|f| f == base) {
                    Some(p) => out.extend(to.chars().nth(p)),
                    None => {
                        out.push(base);
                        out.push(combining(first));
                    }
                }
                return end;
            }
        }
    }
    if !first.is_ascii_alphabetic() {
        let sym = first.to_string();
        if let Some((_, text)) = SYMBOLS.iter().find(|(n, _)| *n == sym) {
            out.push_str(text);
            return start + 2;
        }
        out.push('\\');
        out.push(first);
        return start + 2;
    }
    let mut end = start + 1;
    while end < chars.len() && chars[end].is_ascii_alphabetic() {
        end += 1;
    }
    let name: String = chars[start + 1..end].iter().collect();
    // A command name ends at a space, which it eats (`\ss an` → `ßan` is
    // wrong but `{\ss}` and `\ss{}` are the usual forms).
    let after_space = if chars.get(end) == Some(&' ') {
        end + 1
    } else {
        end
    };
    if let Some((_, text)) = SYMBOLS.iter().find(|(n, _)| *n == name) {
        out.push_str(text);
        if chars.get(end) == Some(&'{') && chars.get(end + 1) == Some(&'}') {
            return end + 2;
        }
        return after_space;
    }
    if TEXT_MACROS.contains(&name.as_str()) {
        // The argument's braces are dropped by the caller's loop.
        return after_space;
    }
    out.push('\\');
    out.push_str(&name);
    end
}

/// The letter an accent applies to: `{e}`, `{\i}`, `e`, ` e`.
fn accent_argument(chars: &[char], at: usize) -> Option<(char, usize)> {
    let mut i = at;
    while chars.get(i) == Some(&' ') {
        i += 1;
    }
    match chars.get(i)? {
        '{' => {
            let (base, next) = match chars.get(i + 1)? {
                '\\' if matches!(chars.get(i + 2), Some('i') | Some('j')) => (chars[i + 2], i + 3),
                c if c.is_alphabetic() => (*c, i + 2),
                _ => return None,
            };
            let mut end = next;
            while chars.get(end) == Some(&' ') {
                end += 1;
            }
            (chars.get(end) == Some(&'}')).then_some((base, end + 1))
        }
        '\\' if matches!(chars.get(i + 1), Some('i') | Some('j')) => Some((chars[i + 1], i + 2)),
        c if c.is_alphabetic() => Some((*c, i + 1)),
        _ => None,
    }
}

fn combining(accent: char) -> char {
    match accent {
        '\'' => '\u{301}',
        '`' => '\u{300}',
        '^' => '\u{302}',
        '"' => '\u{308}',
        '~' => '\u{303}',
        '=' => '\u{304}',
        '.' => '\u{307}',
        'u' => '\u{306}',
        'v' => '\u{30c}',
        'H' => '\u{30b}',
        'c' => '\u{327}',
        'k' => '\u{328}',
        _ => '\u{30a}',
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_in_every_spelling() {
        assert_eq!(to_unicode(r#"M{\"u}ller"#), "Müller");
        assert_eq!(to_unicode(r#"M\"{u}ller"#), "Müller");
        assert_eq!(to_unicode(r#"M\"uller"#), "Müller");
        assert_eq!(to_unicode(r"Caf\'e"), "Café");
        assert_eq!(to_unicode(r"{\v{C}}apek \v c"), "Čapek č");
        assert_eq!(to_unicode(r#"na\"{\i}ve"#), "naïve");
        assert_eq!(to_unicode(r"Erd\H{o}s"), "Erdős");
        assert_eq!(to_unicode(r"\c{c}a"), "ça");
        // A letter the table lacks gets a combining mark.
        assert_eq!(to_unicode(r"\'x"), "x\u{301}");
    }

    #[test]
    fn letters_escapes_and_macros() {
        assert_eq!(to_unicode(r"Stra{\ss}e {\o}re \AA{}"), "Straße øre Å");
        assert_eq!(to_unicode(r"R\&D 50\% a\_b"), "R&D 50% a_b");
        assert_eq!(to_unicode("pages 1--10, yes---no"), "pages 1–10, yes—no");
        assert_eq!(to_unicode(r"\emph{Pinus} {DNA} A~B"), "Pinus DNA A B");
        assert_eq!(to_unicode(r"$\alpha$-helix and $\beta$"), "α-helix and β");
        assert_eq!(to_unicode(r"\unknown{x}"), r"\unknownx");
        assert_eq!(to_unicode("plain text"), "plain text");
        assert_eq!(to_unicode("ends with \\"), "ends with \\");
        assert_eq!(to_unicode(r"\url{http://x.org/a_b}"), "http://x.org/a_b");
    }
}
