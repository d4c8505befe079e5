//! Raw mode, the alternate screen and mouse capture (for the wheel),
//! restored when the guard drops and on panic (the hook restores the
//! screen and turns mouse capture off before the panic is printed).
//!
//! Frames reach the terminal whole: the backend writes into one buffer
//! large enough for a frame (standard output alone is line-buffered at 1
//! KiB, so a frame went out in pieces and a terminal could show half of
//! one), and each frame is wrapped in synchronized output (DEC mode 2026;
//! terminals that do not know it ignore it), so the terminal paints it at
//! once.

use std::io::{BufWriter, Stdout, Write, stdout};

use ratatui::Frame;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use ratatui::crossterm::terminal::{
    BeginSynchronizedUpdate, EndSynchronizedUpdate, EnterAlternateScreen, enable_raw_mode,
};
use ratatui::crossterm::{execute, queue};

/// Enough for a full frame of a large terminal (300x100 cells with a
/// colour change in each is about 200 KB); a larger frame is written in
/// more than one piece but still inside one synchronized update.
const FRAME_BUFFER: usize = 256 * 1024;

type Inner = ratatui::Terminal<CrosstermBackend<BufWriter<Stdout>>>;

pub struct Terminal {
    inner: Inner,
}

impl Terminal {
    pub fn enter() -> std::io::Result<Terminal> {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
        enable_raw_mode()?;
        execute!(stdout(), EnterAlternateScreen, EnableMouseCapture)?;
        let backend = CrosstermBackend::new(BufWriter::with_capacity(FRAME_BUFFER, stdout()));
        let inner = ratatui::Terminal::new(backend)?;
        Ok(Terminal { inner })
    }

    /// Draws one frame and sends it to the terminal whole.
    pub fn draw(&mut self, render: impl FnOnce(&mut Frame)) -> std::io::Result<()> {
        draw_whole(&mut self.inner, render)
    }
}

/// `render`'s frame between the begin and end of a synchronized update:
/// the frame in one write (ratatui flushes when it has drawn), the end of
/// the update in another.
fn draw_whole<W: Write>(
    term: &mut ratatui::Terminal<CrosstermBackend<W>>,
    render: impl FnOnce(&mut Frame),
) -> std::io::Result<()> {
    queue!(term.backend_mut(), BeginSynchronizedUpdate)?;
    term.draw(render)?;
    queue!(term.backend_mut(), EndSynchronizedUpdate)?;
    term.backend_mut().flush()
}

impl std::ops::Deref for Terminal {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.inner
    }
}

impl std::ops::DerefMut for Terminal {
    fn deref_mut(&mut self) -> &mut Inner {
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

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::widgets::Paragraph;

    /// Records each write the backend makes to the terminal.
    #[derive(Default, Clone)]
    struct Writes(std::rc::Rc<std::cell::RefCell<Vec<Vec<u8>>>>);

    impl Write for Writes {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.borrow_mut().push(buf.to_vec());
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_frame_reaches_the_terminal_in_one_write_inside_a_synchronized_update() {
        let writes = Writes::default();
        let backend = CrosstermBackend::new(BufWriter::with_capacity(FRAME_BUFFER, writes.clone()));
        let mut term = ratatui::Terminal::with_options(
            backend,
            ratatui::TerminalOptions {
                viewport: ratatui::Viewport::Fixed(ratatui::layout::Rect::new(0, 0, 120, 40)),
            },
        )
        .unwrap();
        let text = "a line of an abstract, long enough to fill the row ".repeat(100);
        draw_whole(&mut term, |f| {
            f.render_widget(
                Paragraph::new(text.as_str()).wrap(Default::default()),
                f.area(),
            )
        })
        .unwrap();
        let writes = writes.0.borrow();
        // ratatui flushes at the end of its draw: the frame goes out in one
        // write, the end of the update in a second.
        assert_eq!(writes.len(), 2, "one write for the frame, one for the end");
        let frame = String::from_utf8_lossy(&writes[0]);
        assert!(frame.len() > 4000, "the whole frame: {} bytes", frame.len());
        assert!(frame.starts_with("\x1b[?2026h"), "{:?}", &frame[..20]);
        assert_eq!(writes[1], b"\x1b[?2026l");
    }
}
