//! The real binary in a pseudo-terminal: keys in (the syntax of
//! `screener::keys`), screen out through a vt100 parser.

use std::io::{Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, PtySize, native_pty_system};
use screener::keys::{Code, Key, parse_seq};

pub struct Term {
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    /// Asks the reader thread to end (and close its copy of the master).
    closing: Arc<AtomicBool>,
    reader: Option<std::thread::JoinHandle<()>>,
    parser: Arc<Mutex<vt100::Parser>>,
    /// The screen as of the last complete frame (see `last_frame`).
    frame: Arc<Mutex<String>>,
    // Keeps the master open while the child runs.
    _master: Box<dyn portable_pty::MasterPty + Send>,
}

pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_screener")
}

impl Term {
    pub fn spawn(args: &[&str], cwd: &Path, cols: u16, rows: u16) -> Term {
        Term::spawn_env(args, cwd, cols, rows, &[])
    }

    /// `spawn` with extra environment variables.
    pub fn spawn_env(
        args: &[&str],
        cwd: &Path,
        cols: u16,
        rows: u16,
        env: &[(&str, &str)],
    ) -> Term {
        Term::spawn_program(binary(), args, cwd, cols, rows, env)
    }

    /// A shell script in the terminal, with `$SCREENER` naming the binary
    /// (to look at the terminal after screener has ended, say).
    pub fn spawn_shell(script: &str, cwd: &Path, cols: u16, rows: u16) -> Term {
        Term::spawn_program(
            "sh",
            &["-c", script],
            cwd,
            cols,
            rows,
            &[("SCREENER", binary())],
        )
    }

    fn spawn_program(
        program: &str,
        args: &[&str],
        cwd: &Path,
        cols: u16,
        rows: u16,
        env: &[(&str, &str)],
    ) -> Term {
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        cmd.cwd(cwd);
        cmd.env("TERM", "xterm-256color");
        cmd.env("SCREENER_CONFIG", cwd.join("no-config"));
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).expect("spawn screener");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            std::num::NonZeroU16::new(rows).expect("rows > 0"),
            std::num::NonZeroU16::new(cols).expect("cols > 0"),
            0,
        )));
        let sink = Arc::clone(&parser);
        let frame = Arc::new(Mutex::new(String::new()));
        let frame_sink = Arc::clone(&frame);
        let closing = Arc::new(AtomicBool::new(false));
        let stop = Arc::clone(&closing);
        let master_fd = pair.master.as_raw_fd();
        let reader_thread = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            // The end of the previous read, so that an end-of-frame mark cut
            // in two by a read boundary is still seen.
            let mut carry: Vec<u8> = Vec::new();
            loop {
                // Reads only what is there, so that `hang_up` can end this
                // thread (closing its copy of the master) while nothing comes.
                if let Some(fd) = master_fd {
                    if !wait_readable(fd, &stop) {
                        break;
                    }
                }
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        let mut parser = sink.lock().unwrap();
                        let mut joined = std::mem::take(&mut carry);
                        let skip = joined.len();
                        joined.extend_from_slice(&buf[..n]);
                        // ratatui ends every frame by hiding (or placing and
                        // showing) the cursor: what is on screen there is a
                        // whole frame.
                        let end = [b"\x1b[?25l", b"\x1b[?25h"]
                            .iter()
                            .filter_map(|m| joined.windows(m.len()).rposition(|w| w == *m))
                            .max()
                            .map(|at| at + 6)
                            .filter(|&end| end > skip);
                        match end {
                            Some(end) => {
                                parser.process(&joined[skip..end]);
                                *frame_sink.lock().unwrap() = parser.screen().contents();
                                parser.process(&joined[end..]);
                            }
                            None => parser.process(&joined[skip..]),
                        }
                        carry = joined[joined.len().saturating_sub(5)..].to_vec();
                    }
                }
            }
        });
        Term {
            child,
            writer,
            closing,
            reader: Some(reader_thread),
            parser,
            frame,
            _master: pair.master,
        }
    }

    pub fn contents(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// The screen as of the last frame the program finished drawing; a
    /// frame cut short by a kill is not in it.
    pub fn last_frame(&self) -> String {
        self.frame.lock().unwrap().clone()
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("child pid")
    }

    pub fn alternate_screen(&self) -> bool {
        self.parser.lock().unwrap().screen().alternate_screen()
    }

    /// Waits until the screen shows `needle`; panics with the screen if it
    /// does not within 20 s.
    pub fn wait_for(&self, needle: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.contents();
            if screen.contains(needle) {
                return screen;
            }
            if start.elapsed() > Duration::from_secs(20) {
                panic!("screen never showed {needle:?}; it shows:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn keys(&mut self, seq: &str) {
        for key in parse_seq(seq).expect("test key sequence") {
            self.writer.write_all(&key_bytes(key)).unwrap();
            self.writer.flush().unwrap();
            // A lone ESC must not merge with the next key into a sequence.
            std::thread::sleep(Duration::from_millis(if key.code == Code::Esc {
                60
            } else {
                5
            }));
        }
    }

    /// Resizes the terminal (the program gets SIGWINCH), as a user dragging
    /// the window would.
    pub fn resize(&mut self, cols: u16, rows: u16) {
        self.parser.lock().unwrap().set_size(
            std::num::NonZeroU16::new(rows).expect("rows > 0"),
            std::num::NonZeroU16::new(cols).expect("cols > 0"),
        );
        self._master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize the pty");
    }

    /// One turn of the mouse wheel at (col, row), as an SGR mouse report.
    pub fn wheel(&mut self, down: bool, col: u16, row: u16) {
        let button = if down { 65 } else { 64 };
        let bytes = format!("\x1b[<{button};{};{}M", col + 1, row + 1);
        self.writer.write_all(bytes.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        std::thread::sleep(Duration::from_millis(20));
    }

    /// Whether the program asked for mouse reports.
    pub fn mouse_captured(&self) -> bool {
        self.parser.lock().unwrap().screen().mouse_protocol_mode() != vt100::MouseProtocolMode::None
    }

    /// Types text as a user would, one character at a time.
    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            let mut buf = [0u8; 4];
            self.writer
                .write_all(c.encode_utf8(&mut buf).as_bytes())
                .unwrap();
            self.writer.flush().unwrap();
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Waits for the program to end and returns its exit code.
    pub fn wait_exit(&mut self) -> u32 {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.exit_code();
            }
            if start.elapsed() > Duration::from_secs(20) {
                panic!("screener did not exit; screen:\n{}", self.contents());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Closes the terminal under the program (its window closed): the
    /// kernel sends it SIGHUP. Returns its exit code.
    pub fn hang_up(self) -> u32 {
        let Term {
            mut child,
            writer,
            closing,
            reader,
            _master,
            ..
        } = self;
        closing.store(true, Ordering::SeqCst);
        if let Some(r) = reader {
            let _ = r.join();
        }
        drop(writer);
        drop(_master);
        let start = Instant::now();
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return status.exit_code();
            }
            if start.elapsed() > Duration::from_secs(20) {
                panic!("screener did not end after its terminal closed");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// kill -9.
    pub fn kill9(&mut self) {
        let pid = self.child.process_id().expect("child pid");
        let status = std::process::Command::new("kill")
            .args(["-9", &pid.to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let _ = self.child.wait();
    }
}

/// Waits until `fd` has something to read (true) or `stop` is set (false).
fn wait_readable(fd: std::os::fd::RawFd, stop: &AtomicBool) -> bool {
    while !stop.load(Ordering::SeqCst) {
        let mut p = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd for the duration of the call; `fd` is
        // the master, open until this thread has ended (`hang_up` joins it
        // before closing the master).
        let n = unsafe { libc::poll(&mut p, 1, 50) };
        if n != 0 {
            return true;
        }
    }
    false
}

/// The bytes a terminal sends for a key.
pub fn key_bytes(key: Key) -> Vec<u8> {
    let mut out = Vec::new();
    if key.alt {
        out.push(0x1b);
    }
    match key.code {
        Code::Char(c) if key.ctrl => out.push((c.to_ascii_lowercase() as u8) & 0x1f),
        Code::Char(c) => out.extend(c.to_string().as_bytes()),
        Code::Enter => out.push(b'\r'),
        Code::Esc => out.push(0x1b),
        Code::Tab if key.shift => out.extend(b"\x1b[Z"),
        Code::Tab => out.push(b'\t'),
        Code::Backspace => out.push(0x7f),
        Code::Delete => out.extend(b"\x1b[3~"),
        Code::Insert => out.extend(b"\x1b[2~"),
        Code::Left => out.extend(b"\x1b[D"),
        Code::Right => out.extend(b"\x1b[C"),
        Code::Up => out.extend(b"\x1b[A"),
        Code::Down => out.extend(b"\x1b[B"),
        Code::Home => out.extend(b"\x1b[H"),
        Code::End => out.extend(b"\x1b[F"),
        Code::PageUp => out.extend(b"\x1b[5~"),
        Code::PageDown => out.extend(b"\x1b[6~"),
        Code::F(n @ 1..=4) => out.extend([0x1b, b'O', b'P' + (n - 1)]),
        Code::F(n) => {
            let code = [15, 17, 18, 19, 20, 21, 23, 24][usize::from(n.clamp(5, 12) - 5)];
            out.extend(format!("\x1b[{code}~").as_bytes());
        }
    }
    out
}
