//! A one-line text field (search, notes, tags, names): the editing keys
//! every terminal user expects, fixed rather than remappable because they
//! are the same everywhere (readline).

use crate::keys::{Code, Key};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineEditor {
    text: String,
    /// Byte offset of the cursor, always on a char boundary.
    cursor: usize,
}

impl LineEditor {
    pub fn new(text: &str) -> LineEditor {
        LineEditor {
            text: text.to_string(),
            cursor: text.len(),
        }
    }

    /// A field showing `text` with the cursor at byte `cursor` (moved back
    /// to a char boundary if needed).
    pub fn with_cursor(text: &str, cursor: usize) -> LineEditor {
        let mut cursor = cursor.min(text.len());
        while !text.is_char_boundary(cursor) {
            cursor -= 1;
        }
        LineEditor {
            text: text.to_string(),
            cursor,
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    fn prev_boundary(&self, from: usize) -> usize {
        self.text[..from]
            .char_indices()
            .next_back()
            .map_or(0, |(i, _)| i)
    }

    fn next_boundary(&self, from: usize) -> usize {
        self.text[from..]
            .chars()
            .next()
            .map_or(from, |c| from + c.len_utf8())
    }

    /// Applies an editing key; `false` when the key is not one.
    pub fn key(&mut self, key: Key) -> bool {
        match (key.code, key.ctrl, key.alt) {
            (Code::Char(c), false, false) => {
                self.text.insert(self.cursor, c);
                self.cursor += c.len_utf8();
            }
            (Code::Backspace, false, true) | (Code::Char('w'), true, false) => {
                let before = &self.text[..self.cursor];
                let trimmed = before.trim_end();
                let start = trimmed
                    .char_indices()
                    .rev()
                    .find(|(_, c)| c.is_whitespace())
                    .map_or(0, |(i, c)| i + c.len_utf8());
                self.text.replace_range(start..self.cursor, "");
                self.cursor = start;
            }
            (Code::Backspace, _, _) | (Code::Char('h'), true, false) => {
                let start = self.prev_boundary(self.cursor);
                self.text.replace_range(start..self.cursor, "");
                self.cursor = start;
            }
            (Code::Delete, _, _) | (Code::Char('d'), true, false) => {
                let end = self.next_boundary(self.cursor);
                self.text.replace_range(self.cursor..end, "");
            }
            (Code::Left, false, false) | (Code::Char('b'), true, false) => {
                self.cursor = self.prev_boundary(self.cursor);
            }
            (Code::Right, false, false) | (Code::Char('f'), true, false) => {
                self.cursor = self.next_boundary(self.cursor);
            }
            (Code::Home, _, _) | (Code::Char('a'), true, false) => self.cursor = 0,
            (Code::End, _, _) | (Code::Char('e'), true, false) => self.cursor = self.text.len(),
            (Code::Char('u'), true, false) => {
                self.text.replace_range(..self.cursor, "");
                self.cursor = 0;
            }
            (Code::Char('k'), true, false) => self.text.truncate(self.cursor),
            _ => return false,
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::parse_seq;

    fn typed(start: &str, seq: &str) -> LineEditor {
        let mut e = LineEditor::new(start);
        for k in parse_seq(seq).unwrap() {
            e.key(k);
        }
        e
    }

    #[test]
    fn editing_keys() {
        assert_eq!(typed("", "a b c backspace").text(), "ab");
        assert_eq!(typed("héllo", "left left left backspace").text(), "hllo");
        assert_eq!(typed("héllo", "home delete X").text(), "Xéllo");
        assert_eq!(typed("one two three", "ctrl-w").text(), "one two ");
        assert_eq!(typed("one two", "left left ctrl-u").text(), "wo");
        assert_eq!(typed("one two", "home ctrl-k").text(), "");
        assert_eq!(typed("日本", "left 語").text(), "日語本");
        assert_eq!(typed("", "backspace delete left right").text(), "");
    }
}
