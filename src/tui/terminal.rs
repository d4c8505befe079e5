//! Raw mode, the alternate screen and mouse capture (for the wheel),
//! restored when the guard drops and on panic (ratatui's `init` installs a
//! hook that restores the screen; ours, chained before it, turns mouse
//! capture off too).

use std::io::stdout;

use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use ratatui::crossterm::execute;

pub struct Terminal {
    inner: DefaultTerminal,
}

impl Terminal {
    pub fn enter() -> std::io::Result<Terminal> {
        let inner = ratatui::try_init()?;
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let _ = execute!(stdout(), DisableMouseCapture);
            previous(info);
        }));
        execute!(stdout(), EnableMouseCapture)?;
        Ok(Terminal { inner })
    }
}

impl std::ops::Deref for Terminal {
    type Target = DefaultTerminal;
    fn deref(&self) -> &DefaultTerminal {
        &self.inner
    }
}

impl std::ops::DerefMut for Terminal {
    fn deref_mut(&mut self) -> &mut DefaultTerminal {
        &mut self.inner
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        let _ = execute!(stdout(), DisableMouseCapture);
        ratatui::restore();
    }
}
