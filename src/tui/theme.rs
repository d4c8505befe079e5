//! Styles of the screen. Three looks: colour (default), `NO_COLOR` (no
//! colours at all: meaning carried by bold, underline and reverse video
//! only, so include terms are bold+reverse and exclude terms underlined),
//! and high contrast (the terminal's own foreground, never dimmed, with
//! bright backgrounds under black text), readable on dark and light
//! terminals alike.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ThemeKind {
    #[default]
    Default,
    HighContrast,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    pub bold: Style,
    pub dim: Style,
    pub include: Style,
    pub exclude: Style,
    pub maybe: Style,
    pub warn: Style,
    pub ok: Style,
    pub key: Style,
    /// Include terms in title and abstract.
    pub term_include: Style,
    /// Exclude terms in title and abstract.
    pub term_exclude: Style,
    /// The text being searched for.
    pub term_search: Style,
    /// Terms that pushed the relevance score up / down.
    pub term_up: Style,
    pub term_down: Style,
    /// The row under the cursor, the selected entry.
    pub selected: Style,
    pub header: Style,
}

impl Theme {
    pub fn new(kind: ThemeKind, no_color: bool) -> Theme {
        let b = Modifier::BOLD;
        let u = Modifier::UNDERLINED;
        let r = Modifier::REVERSED;
        let plain = Style::default();
        if no_color {
            return Theme {
                bold: plain.add_modifier(b),
                dim: plain.add_modifier(Modifier::DIM),
                include: plain.add_modifier(b),
                exclude: plain.add_modifier(b),
                maybe: plain.add_modifier(b),
                warn: plain.add_modifier(b | r),
                ok: plain,
                key: plain.add_modifier(b),
                term_include: plain.add_modifier(b | r),
                term_exclude: plain.add_modifier(u),
                term_search: plain.add_modifier(u | r),
                term_up: plain.add_modifier(Modifier::ITALIC | b),
                term_down: plain.add_modifier(Modifier::ITALIC),
                selected: plain.add_modifier(r),
                header: plain.add_modifier(b | u),
            };
        }
        match kind {
            ThemeKind::Default => Theme {
                bold: plain.add_modifier(b),
                dim: plain.add_modifier(Modifier::DIM),
                include: plain.fg(Color::Green).add_modifier(b),
                exclude: plain.fg(Color::Red).add_modifier(b),
                maybe: plain.fg(Color::Yellow).add_modifier(b),
                warn: plain.fg(Color::Red).add_modifier(b | r),
                ok: plain.fg(Color::Green),
                key: plain.fg(Color::Cyan).add_modifier(b),
                term_include: plain.fg(Color::Green).add_modifier(b),
                term_exclude: plain.fg(Color::Red).add_modifier(b | u),
                term_search: plain.bg(Color::Yellow).fg(Color::Black),
                term_up: plain.fg(Color::Cyan).add_modifier(u),
                term_down: plain.fg(Color::Magenta).add_modifier(u),
                selected: plain.add_modifier(r),
                header: plain.add_modifier(b | u),
            },
            // Secondary text keeps the terminal's own foreground (readable
            // on a dark or a light background, where white is not) and is
            // never dimmed; colours appear only as backgrounds under black,
            // and the selected row is reversed.
            ThemeKind::HighContrast => Theme {
                bold: plain.add_modifier(b),
                dim: plain,
                include: plain.bg(Color::LightGreen).fg(Color::Black).add_modifier(b),
                exclude: plain.bg(Color::LightRed).fg(Color::Black).add_modifier(b),
                maybe: plain
                    .bg(Color::LightYellow)
                    .fg(Color::Black)
                    .add_modifier(b),
                warn: plain.bg(Color::LightRed).fg(Color::Black).add_modifier(b),
                ok: plain.bg(Color::LightGreen).fg(Color::Black).add_modifier(b),
                key: plain.bg(Color::LightCyan).fg(Color::Black).add_modifier(b),
                term_include: plain.bg(Color::LightGreen).fg(Color::Black).add_modifier(b),
                term_exclude: plain
                    .bg(Color::LightRed)
                    .fg(Color::Black)
                    .add_modifier(b | u),
                term_search: plain
                    .bg(Color::LightYellow)
                    .fg(Color::Black)
                    .add_modifier(b),
                // Ranking terms: the text's own colour, told apart by
                // weight and slant rather than by a pale colour.
                term_up: plain.add_modifier(b | u),
                term_down: plain.add_modifier(Modifier::ITALIC | u),
                selected: plain.add_modifier(b | r),
                header: plain.add_modifier(b | u),
            },
        }
    }

    /// `NO_COLOR` set and not empty (https://no-color.org).
    pub fn no_color_from_env() -> bool {
        std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
    }
}

impl Default for Theme {
    fn default() -> Self {
        Theme::new(ThemeKind::Default, false)
    }
}
