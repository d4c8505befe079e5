//! crossterm events to the terminal-free [`Event`] of `App::step`.

use ratatui::crossterm::event::{self as ct, KeyCode, KeyEventKind, KeyModifiers};

use super::app::Event;
use crate::keys::{Code, Key};

/// The app's view of a terminal event, or `None` for what it ignores
/// (key releases, focus, paste, mouse clicks and moves).
pub fn convert(event: ct::Event) -> Option<Event> {
    match event {
        ct::Event::Key(k) if k.kind != KeyEventKind::Release => key(k).map(Event::Key),
        ct::Event::Resize(width, height) => Some(Event::Resize { width, height }),
        ct::Event::Mouse(m) => match m.kind {
            ct::MouseEventKind::ScrollDown => Some(Event::Wheel { down: true }),
            ct::MouseEventKind::ScrollUp => Some(Event::Wheel { down: false }),
            _ => None,
        },
        _ => None,
    }
}

fn key(k: ct::KeyEvent) -> Option<Key> {
    let mut shift = k.modifiers.contains(KeyModifiers::SHIFT);
    let code = match k.code {
        KeyCode::Char(c) => {
            // The shifted character is the key (`G`, `?`); shift is implied.
            shift = false;
            Code::Char(c)
        }
        KeyCode::Enter => Code::Enter,
        KeyCode::Esc => Code::Esc,
        KeyCode::Tab => Code::Tab,
        KeyCode::BackTab => {
            shift = true;
            Code::Tab
        }
        KeyCode::Backspace => Code::Backspace,
        KeyCode::Delete => Code::Delete,
        KeyCode::Insert => Code::Insert,
        KeyCode::Left => Code::Left,
        KeyCode::Right => Code::Right,
        KeyCode::Up => Code::Up,
        KeyCode::Down => Code::Down,
        KeyCode::Home => Code::Home,
        KeyCode::End => Code::End,
        KeyCode::PageUp => Code::PageUp,
        KeyCode::PageDown => Code::PageDown,
        KeyCode::F(n) => Code::F(n),
        _ => return None,
    };
    Some(Key {
        code,
        ctrl: k.modifiers.contains(KeyModifiers::CONTROL),
        alt: k.modifiers.contains(KeyModifiers::ALT),
        shift,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::parse_key;

    fn ev(code: KeyCode, m: KeyModifiers) -> Option<Key> {
        match convert(ct::Event::Key(ct::KeyEvent::new(code, m))) {
            Some(Event::Key(k)) => Some(k),
            _ => None,
        }
    }

    #[test]
    fn terminal_keys_match_the_key_syntax() {
        assert_eq!(
            ev(KeyCode::Char('G'), KeyModifiers::SHIFT),
            parse_key("G").ok()
        );
        assert_eq!(
            ev(KeyCode::BackTab, KeyModifiers::SHIFT),
            parse_key("shift-tab").ok()
        );
        assert_eq!(
            ev(KeyCode::Char('s'), KeyModifiers::CONTROL),
            parse_key("ctrl-s").ok()
        );
        assert_eq!(
            ev(KeyCode::PageDown, KeyModifiers::NONE),
            parse_key("pagedown").ok()
        );
        assert_eq!(
            ev(KeyCode::Char(' '), KeyModifiers::NONE),
            parse_key("space").ok()
        );
        assert_eq!(
            ev(KeyCode::Up, KeyModifiers::SHIFT),
            parse_key("shift-up").ok()
        );
        assert_eq!(
            ev(KeyCode::F(3), KeyModifiers::SHIFT),
            parse_key("shift-f3").ok()
        );
    }

    #[test]
    fn the_wheel_scrolls_and_clicks_are_ignored() {
        let mouse = |kind| {
            convert(ct::Event::Mouse(ct::MouseEvent {
                kind,
                column: 3,
                row: 4,
                modifiers: KeyModifiers::NONE,
            }))
        };
        assert_eq!(
            mouse(ct::MouseEventKind::ScrollDown),
            Some(Event::Wheel { down: true })
        );
        assert_eq!(
            mouse(ct::MouseEventKind::ScrollUp),
            Some(Event::Wheel { down: false })
        );
        assert_eq!(mouse(ct::MouseEventKind::Down(ct::MouseButton::Left)), None);
    }
}
