//! Drives an [`App`] with key strings (the syntax of `crate::keys`) through
//! the same `App::step` the real loop uses, rendering into ratatui's
//! `TestBackend`. Used by the tests and benchmarks; no terminal needed.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use unicode_width::UnicodeWidthStr;

use super::app::{App, Effect, Event};
use super::view;
use crate::keys;
use crate::project::Change;

/// What the real loop does while no key waits: background slices until
/// there is nothing left (a user who pauses a moment).
fn idle(app: &mut App) {
    while app.busy() {
        app.step(Event::Tick);
    }
    // The ranker learns each decision before the next key, as it does for
    // a reader (a retrain takes milliseconds), so tests are deterministic.
    app.settle_ranking(std::time::Duration::from_secs(60));
}

pub struct Harness {
    pub app: App,
    pub terminal: Terminal<TestBackend>,
    /// Changes the app asked to persist, in order.
    pub persisted: Vec<Change>,
    /// What the app asked to open, in order.
    pub opened: Vec<crate::tui::open::OpenTarget>,
    pub quit: bool,
}

impl Harness {
    pub fn new(mut app: App, width: u16, height: u16) -> Harness {
        app.step(Event::Resize { width, height });
        idle(&mut app);
        let terminal = Terminal::new(TestBackend::new(width, height))
            .expect("a TestBackend terminal cannot fail to start");
        Harness {
            app,
            terminal,
            persisted: Vec::new(),
            opened: Vec::new(),
            quit: false,
        }
    }

    /// Feeds a key sequence such as `"i e 2 enter right u"`. Every change is
    /// acknowledged as saved at once, as a healthy disk would.
    ///
    /// # Panics
    /// On a sequence that does not parse: a test's typo, not user input.
    pub fn keys(&mut self, seq: &str) -> &mut Harness {
        let keys = keys::parse_seq(seq).unwrap_or_else(|e| panic!("bad key sequence {seq:?}: {e}"));
        for key in keys {
            for effect in self.app.step(Event::Key(key)) {
                match effect {
                    Effect::Persist(change) => {
                        self.persisted.push(change);
                        self.app.step(Event::Saved);
                    }
                    Effect::Open(target) => self.opened.push(target),
                    Effect::Quit => self.quit = true,
                }
            }
            idle(&mut self.app);
        }
        self
    }

    pub fn resize(&mut self, width: u16, height: u16) -> &mut Harness {
        self.app.step(Event::Resize { width, height });
        self.terminal.backend_mut().resize(width, height);
        self
    }

    /// Draws the screen and returns it as text, one line per row.
    pub fn screen(&mut self) -> String {
        let app = &self.app;
        self.terminal
            .draw(|f| view::render(f, app))
            .expect("drawing to a TestBackend cannot fail");
        let buffer = self.terminal.backend().buffer();
        let mut out = String::new();
        for y in 0..buffer.area.height {
            let mut line = String::new();
            let mut x = 0;
            while x < buffer.area.width {
                let symbol = buffer[(x, y)].symbol();
                line.push_str(symbol);
                // A wide character covers the next cell too, as on a terminal.
                x += u16::try_from(symbol.width().max(1)).unwrap_or(1);
            }
            out.push_str(line.trim_end_matches(' '));
            out.push('\n');
        }
        out
    }

    /// The buffer itself, for assertions on styles.
    pub fn buffer(&mut self) -> ratatui::buffer::Buffer {
        self.screen();
        self.terminal.backend().buffer().clone()
    }
}
