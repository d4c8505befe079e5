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
        // Before ratatui's own drop, which prints (and so panics) when it
        // cannot show the cursor on a terminal that is gone.
        silence_if_gone();
        restore();
    }
}

/// Puts the terminal back as it was; failures (a terminal that is gone)
/// are ignored.
pub fn restore() {
    let _ = execute!(stdout(), DisableMouseCapture);
    let _ = ratatui::try_restore();
}

/// Points standard output and error at `/dev/null` when they are a
/// terminal that hung up (closed under the screen): every print there
/// fails, and `eprintln!` (also inside ratatui) panics on a failed print,
/// which would end the process before its last checkpoint.
#[cfg(unix)]
pub fn silence_if_gone() {
    use std::os::fd::AsFd;
    let gone = |fd: std::os::fd::BorrowedFd<'_>| matches!(rustix::termios::tcgetattr(fd), Err(e) if e == rustix::io::Errno::IO);
    let (out, err) = (gone(stdout().as_fd()), gone(std::io::stderr().as_fd()));
    if !out && !err {
        return;
    }
    let Ok(null) = std::fs::OpenOptions::new().write(true).open("/dev/null") else {
        return;
    };
    if out {
        let _ = rustix::stdio::dup2_stdout(&null);
    }
    if err {
        let _ = rustix::stdio::dup2_stderr(&null);
    }
}

#[cfg(not(unix))]
pub fn silence_if_gone() {}
