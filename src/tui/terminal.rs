//! Raw mode and the alternate screen, restored when the guard drops and on
//! panic (ratatui's `init` installs a hook that restores before the panic
//! message prints).

use ratatui::DefaultTerminal;

pub struct Terminal {
    inner: DefaultTerminal,
}

impl Terminal {
    pub fn enter() -> std::io::Result<Terminal> {
        let inner = ratatui::try_init()?;
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
        ratatui::restore();
    }
}
