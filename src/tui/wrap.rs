//! Word wrapping of styled text by display width (CJK takes two columns and
//! may break between any two characters; combining marks take none), so the
//! view knows how many lines a record takes and can scroll it exactly.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

struct Grapheme<'a> {
    s: &'a str,
    style: Style,
    width: usize,
}

#[derive(Default)]
struct LineBuilder {
    spans: Vec<Span<'static>>,
    width: usize,
}

impl LineBuilder {
    fn push(&mut self, g: &Grapheme) {
        match self.spans.last_mut() {
            Some(last) if last.style == g.style => {
                last.content.to_mut().push_str(g.s);
            }
            _ => self.spans.push(Span::styled(g.s.to_string(), g.style)),
        }
        self.width += g.width;
    }

    fn take(&mut self) -> Line<'static> {
        self.width = 0;
        Line::from(std::mem::take(&mut self.spans))
    }
}

/// A space a line may break at: not a no-break space, which joins what it
/// stands between (a stand-in title's closing `…` to its last word).
fn is_space(g: &Grapheme) -> bool {
    g.s.chars()
        .all(|c| c.is_whitespace() && !matches!(c, '\u{a0}' | '\u{2007}' | '\u{202f}'))
        && !is_newline(g)
}

fn is_newline(g: &Grapheme) -> bool {
    g.s == "\n" || g.s == "\r\n"
}

/// Wraps `runs` of styled text into lines at most `width` columns wide.
/// A `\n` ends a line; spaces at a break are dropped.
pub fn wrap(runs: &[(&str, Style)], width: usize) -> Vec<Line<'static>> {
    let width = width.max(1);
    let graphemes: Vec<Grapheme> = runs
        .iter()
        .flat_map(|(text, style)| {
            text.graphemes(true).map(move |s| Grapheme {
                s,
                style: *style,
                width: if s == "\t" { 1 } else { s.width() },
            })
        })
        .collect();
    let mut lines = Vec::new();
    let mut line = LineBuilder::default();
    let mut i = 0;
    while i < graphemes.len() {
        let g = &graphemes[i];
        if is_newline(g) {
            lines.push(line.take());
            i += 1;
            continue;
        }
        if is_space(g) {
            // Spaces are kept between words on a line, dropped at a break.
            let mut j = i;
            while j < graphemes.len() && is_space(&graphemes[j]) {
                j += 1;
            }
            let next_word = word_end(&graphemes, j);
            let word_width: usize = graphemes[j..next_word].iter().map(|g| g.width).sum();
            let space_width: usize = graphemes[i..j].iter().map(|g| g.width).sum();
            if line.width > 0 && line.width + space_width + word_width <= width {
                for g in &graphemes[i..j] {
                    line.push(g);
                }
            } else if line.width > 0 && next_word > j && word_width <= width {
                lines.push(line.take());
            }
            i = j;
            continue;
        }
        let end = word_end(&graphemes, i);
        let word_width: usize = graphemes[i..end].iter().map(|g| g.width).sum();
        if line.width + word_width > width && line.width > 0 && word_width <= width {
            lines.push(line.take());
        }
        for g in &graphemes[i..end] {
            if line.width + g.width > width && line.width > 0 {
                lines.push(line.take());
            }
            line.push(g);
        }
        i = end;
    }
    if line.width > 0 || !line.spans.is_empty() || lines.is_empty() {
        lines.push(line.take());
    }
    lines
}

/// The end of the word starting at `i`: a run of non-space graphemes, where
/// a wide (CJK) grapheme is a word of its own so lines may break around it.
fn word_end(graphemes: &[Grapheme], i: usize) -> usize {
    if i >= graphemes.len() {
        return i;
    }
    if graphemes[i].width >= 2 {
        return i + 1;
    }
    let mut j = i;
    while j < graphemes.len()
        && !is_space(&graphemes[j])
        && !is_newline(&graphemes[j])
        && graphemes[j].width < 2
    {
        j += 1;
    }
    j
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &str, width: usize) -> Vec<String> {
        wrap(&[(text, Style::default())], width)
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    #[test]
    fn wraps_words_by_width() {
        assert_eq!(
            plain("the quick brown fox jumps", 10),
            vec!["the quick", "brown fox", "jumps"]
        );
        assert_eq!(plain("a\nb", 10), vec!["a", "b"]);
        assert_eq!(plain("", 10), vec![""]);
        assert_eq!(plain("abcdefghijkl", 5), vec!["abcde", "fghij", "kl"]);
    }

    #[test]
    fn wide_and_combining_characters() {
        // Each CJK character is two columns; lines break between them.
        assert_eq!(
            plain("日本語のテキスト", 6),
            vec!["日本語", "のテキ", "スト"]
        );
        // e + combining acute is one column.
        assert_eq!(
            plain("cafe\u{301} cafe\u{301}", 5),
            vec!["cafe\u{301}", "cafe\u{301}"]
        );
        for line in wrap(
            &[("混合 text 日本語テキスト and more", Style::default())],
            7,
        ) {
            assert!(line.width() <= 7, "{line:?}");
        }
    }

    #[test]
    fn a_no_break_space_keeps_an_ellipsis_with_its_word() {
        // "(no title) … words …" filling a line: the `…` never goes alone.
        assert_eq!(
            plain("aaa bbb ccc\u{a0}…", 11),
            vec!["aaa bbb", "ccc\u{a0}…"]
        );
        assert_eq!(plain("aaa bbb ccc …", 11), vec!["aaa bbb ccc", "…"]);
    }

    #[test]
    fn styles_survive_wrapping() {
        let bold = Style::default().add_modifier(ratatui::style::Modifier::BOLD);
        let lines = wrap(&[("plain ", Style::default()), ("bold words", bold)], 10);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1].spans[0].style, bold);
        assert_eq!(lines[1].spans[0].content, "words");
    }
}
