//! The key syntax of DESIGN.md ("Keys"), used by keymaps, the help screen and
//! the test harness alike, so that a key written in a keymap, shown in help
//! and typed in a test means the same thing.
//!
//! A key is `i`, `?`, `G`, `enter`, `esc`, `tab`, `shift-tab`, `left`,
//! `pagedown`, `f1`, `ctrl-s`, `alt-x`, `space`; a sequence is keys separated
//! by spaces (`g g`). This module has no terminal code: the TUI converts
//! crossterm events into [`Key`].

use std::fmt;

/// A key without modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Code {
    /// A printable character, uppercase letters as themselves.
    Char(char),
    Enter,
    Esc,
    Tab,
    Backspace,
    Delete,
    Insert,
    Left,
    Right,
    Up,
    Down,
    Home,
    End,
    PageUp,
    PageDown,
    /// Function keys `f1`..`f24`.
    F(u8),
}

/// A key with its modifiers. `shift` is only ever set for non-character keys
/// (`shift-tab`): for characters the shifted character itself is the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub code: Code,
    pub ctrl: bool,
    pub alt: bool,
    pub shift: bool,
}

impl Key {
    pub const fn plain(code: Code) -> Key {
        Key {
            code,
            ctrl: false,
            alt: false,
            shift: false,
        }
    }

    pub const fn char(c: char) -> Key {
        Key::plain(Code::Char(c))
    }
}

/// Why a key string did not parse; `offset` is the byte offset in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyError {
    pub offset: usize,
    pub message: String,
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for KeyError {}

const NAMED: &[(&str, Code)] = &[
    ("enter", Code::Enter),
    ("esc", Code::Esc),
    ("tab", Code::Tab),
    ("backspace", Code::Backspace),
    ("delete", Code::Delete),
    ("insert", Code::Insert),
    ("left", Code::Left),
    ("right", Code::Right),
    ("up", Code::Up),
    ("down", Code::Down),
    ("home", Code::Home),
    ("end", Code::End),
    ("pageup", Code::PageUp),
    ("pagedown", Code::PageDown),
    ("space", Code::Char(' ')),
];

/// Parses one key, e.g. `ctrl-s`, `G`, `shift-tab`, `-`.
pub fn parse_key(s: &str) -> Result<Key, KeyError> {
    let err = |message: String| KeyError { offset: 0, message };
    if s.is_empty() {
        return Err(err("empty key".into()));
    }
    let mut key = Key::plain(Code::Esc);
    let mut rest = s;
    // Modifiers are only recognised while something follows the dash, so `-`
    // and `alt--` are the minus key.
    while let Some((prefix, tail)) = rest.split_once('-') {
        if tail.is_empty() {
            break;
        }
        match prefix {
            "ctrl" if !key.ctrl => key.ctrl = true,
            "alt" if !key.alt => key.alt = true,
            "shift" if !key.shift => key.shift = true,
            _ => break,
        }
        rest = tail;
    }
    let mut chars = rest.chars();
    let code = match (chars.next(), chars.next()) {
        (Some(c), None) => {
            if c.is_control() {
                return Err(err(format!("`{s}`: control characters are not keys")));
            }
            Code::Char(c)
        }
        _ => {
            if let Some((_, code)) = NAMED.iter().find(|(name, _)| *name == rest) {
                *code
            } else if let Some(n) = rest
                .strip_prefix('f')
                .and_then(|n| n.parse::<u8>().ok())
                .filter(|n| (1..=24).contains(n))
            {
                Code::F(n)
            } else {
                return Err(err(format!(
                    "`{s}` is not a key: write a character (`i`, `G`, `?`), a name \
                     (enter, esc, tab, backspace, delete, insert, left, right, up, down, \
                     home, end, pageup, pagedown, space, f1-f24) or a modifier \
                     (ctrl-, alt-, shift-) followed by one"
                )));
            }
        }
    };
    if key.shift {
        if let Code::Char(c) = code {
            return Err(err(format!(
                "`{s}`: write the shifted character itself (`{}`) instead of shift-",
                c.to_uppercase()
            )));
        }
    }
    key.code = code;
    Ok(key)
}

/// Parses a space-separated sequence of keys, e.g. `g g` or `i e 2 enter`.
pub fn parse_seq(s: &str) -> Result<Vec<Key>, KeyError> {
    let mut keys = Vec::new();
    let mut offset = 0;
    for part in s.split(' ') {
        if !part.is_empty() {
            keys.push(parse_key(part).map_err(|e| KeyError {
                offset,
                message: e.message,
            })?);
        }
        offset += part.len() + 1;
    }
    if keys.is_empty() {
        return Err(KeyError {
            offset: 0,
            message: "empty key sequence".into(),
        });
    }
    Ok(keys)
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("ctrl-")?;
        }
        if self.alt {
            f.write_str("alt-")?;
        }
        if self.shift {
            f.write_str("shift-")?;
        }
        match self.code {
            Code::Char(' ') => f.write_str("space"),
            Code::Char(c) => write!(f, "{c}"),
            Code::F(n) => write!(f, "f{n}"),
            other => {
                let name = NAMED
                    .iter()
                    .find(|(_, code)| *code == other)
                    .map_or("?", |(name, _)| name);
                f.write_str(name)
            }
        }
    }
}

/// Writes a sequence in the syntax `parse_seq` reads.
pub fn format_seq(keys: &[Key]) -> String {
    keys.iter()
        .map(Key::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form_of_design_md() {
        for s in [
            "i",
            "?",
            "enter",
            "esc",
            "tab",
            "shift-tab",
            "left",
            "pagedown",
            "f1",
            "ctrl-s",
            "alt-x",
            "G",
            "-",
            "alt--",
            "space",
            "ctrl-alt-delete",
            "é",
        ] {
            let key = parse_key(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(key.to_string(), s, "round trip of {s}");
        }
        assert_eq!(parse_key("G").unwrap(), Key::char('G'));
        assert_eq!(
            parse_key("ctrl-s").unwrap(),
            Key {
                code: Code::Char('s'),
                ctrl: true,
                alt: false,
                shift: false
            }
        );
    }

    #[test]
    fn refuses_what_is_not_a_key() {
        for s in [
            "",
            "entr",
            "f0",
            "f25",
            "shift-a",
            "ctrl-",
            "ctrl-ctrl-x",
            "ab",
        ] {
            assert!(parse_key(s).is_err(), "{s:?} should not parse");
        }
    }

    #[test]
    fn sequences_report_the_offset_of_the_bad_key() {
        assert_eq!(
            parse_seq("g g").unwrap(),
            vec![Key::char('g'), Key::char('g')]
        );
        let err = parse_seq("i e bogus enter").unwrap_err();
        assert_eq!(err.offset, 4);
        assert!(parse_seq("   ").is_err());
        assert_eq!(
            format_seq(&parse_seq("i  e 2 enter").unwrap()),
            "i e 2 enter"
        );
    }

    proptest::proptest! {
        #[test]
        fn any_text_parses_or_is_refused_without_panic(s in "\\PC{0,24}") {
            if let Ok(keys) = parse_seq(&s) {
                // What parses prints back to something that parses the same.
                let again = parse_seq(&format_seq(&keys)).unwrap();
                proptest::prop_assert_eq!(again, keys);
            }
        }
    }
}
