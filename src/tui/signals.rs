//! SIGTERM, SIGINT and SIGHUP while the screen is open (invariant 5 of
//! DESIGN.md). Without a handler each ends the process where it stands:
//! the terminal stays raw, the last checkpoint is skipped, the lock file
//! is left. With [`Watch`], the first of them becomes an input of the
//! screen's loop, which then quits as `q` does: the terminal is restored,
//! changes in flight are written, the last checkpoint folds the journal in,
//! the lock is released, and `screener screen` exits with 128 + the
//! signal's number, as a shell reports a process ended by it. A second
//! signal (the user insists, say during a long checkpoint) ends the
//! process at once, as the default would: every change shown saved is in
//! the journal already.
//!
//! A terminal closed under the screen sends SIGHUP: its terminal is gone,
//! so restoring it and printing fail quietly, and the checkpoint still
//! runs.

#[cfg(unix)]
pub use watch::{QUIT_SIGNALS, Watch};

#[cfg(unix)]
mod watch {
    use std::io;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
    use std::thread::JoinHandle;

    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    use signal_hook::flag;

    /// The signals the screen turns into a quit.
    pub const QUIT_SIGNALS: [i32; 3] = [SIGTERM, SIGINT, SIGHUP];

    /// How often the watch passes a signal on and looks for a terminal
    /// that is gone.
    const POLL: std::time::Duration = std::time::Duration::from_millis(50);

    /// The terminal on standard input hung up: its ioctls fail with EIO (a
    /// standard input that never was a terminal fails otherwise, and is not
    /// "gone").
    fn terminal_gone() -> bool {
        matches!(
            rustix::termios::tcgetattr(std::io::stdin()),
            Err(e) if e == rustix::io::Errno::IO
        )
    }

    /// Listens for [`QUIT_SIGNALS`] while it lives.
    pub struct Watch {
        /// Per signal, set by its handler (nothing else is safe there).
        slots: Arc<Vec<(i32, Arc<AtomicBool>)>>,
        /// The signal passed on (or SIGHUP for a terminal gone).
        first: Arc<AtomicI32>,
        /// Set: the next of these signals acts as it would by default.
        armed: Arc<AtomicBool>,
        stop: Arc<AtomicBool>,
        thread: Option<JoinHandle<()>>,
    }

    impl Watch {
        /// Starts listening; `on` is called once, on the watch's own
        /// thread, with the first signal (or SIGHUP when the terminal hung
        /// up without one).
        pub fn start(on: impl Fn(i32) + Send + 'static) -> io::Result<Watch> {
            let armed = Arc::new(AtomicBool::new(false));
            let mut slots = Vec::with_capacity(QUIT_SIGNALS.len());
            for signal in QUIT_SIGNALS {
                // Checked first: once armed, the default action.
                flag::register_conditional_default(signal, Arc::clone(&armed))?;
                let slot = Arc::new(AtomicBool::new(false));
                flag::register(signal, Arc::clone(&slot))?;
                slots.push((signal, slot));
            }
            let slots = Arc::new(slots);
            let first = Arc::new(AtomicI32::new(0));
            let stop = Arc::new(AtomicBool::new(false));
            let (seen, got, halt) = (Arc::clone(&slots), Arc::clone(&first), Arc::clone(&stop));
            let thread = std::thread::Builder::new()
                .name("signals".into())
                .spawn(move || {
                    let mut gone = false;
                    while !halt.load(Ordering::SeqCst) {
                        let mut signal = pending(&seen);
                        // A terminal gone without a SIGHUP reaching this
                        // process (the shell got it and did not pass it on)
                        // makes crossterm spin on it, reporting nothing.
                        if signal.is_none() && !gone && terminal_gone() {
                            gone = true;
                            signal = Some(SIGHUP);
                        }
                        if signal == Some(SIGHUP) {
                            crate::tui::terminal::silence_if_gone();
                        }
                        if let Some(s) = signal {
                            if got
                                .compare_exchange(0, s, Ordering::SeqCst, Ordering::SeqCst)
                                .is_ok()
                            {
                                on(s);
                            }
                        }
                        std::thread::sleep(POLL);
                    }
                })?;
            Ok(Watch {
                slots,
                first,
                armed,
                stop,
                thread: Some(thread),
            })
        }

        /// The signal that stopped the session, if any: also one that came
        /// a moment ago and was not passed on yet.
        pub fn received(&self) -> Option<i32> {
            match self.first.load(Ordering::SeqCst) {
                0 => pending(&self.slots),
                s => Some(s),
            }
        }

        /// From now on a further signal ends the process at once, as its
        /// default would (the user insists, say during a long last
        /// checkpoint; every change shown saved is in the journal).
        pub fn arm(&self) {
            if self.received().is_some() {
                self.armed.store(true, Ordering::SeqCst);
            }
        }
    }

    fn pending(slots: &[(i32, Arc<AtomicBool>)]) -> Option<i32> {
        slots
            .iter()
            .find(|(_, slot)| slot.load(Ordering::SeqCst))
            .map(|(s, _)| *s)
    }

    impl Drop for Watch {
        fn drop(&mut self) {
            self.stop.store(true, Ordering::SeqCst);
            if let Some(t) = self.thread.take() {
                let _ = t.join();
            }
            // What is left of the command: the signals do what they would.
            self.armed.store(true, Ordering::SeqCst);
        }
    }
}

/// Elsewhere no signal is watched (Ctrl-C reaches the screen as a key).
#[cfg(not(unix))]
pub struct Watch;

#[cfg(not(unix))]
impl Watch {
    pub fn start(_: impl Fn(i32) + Send + 'static) -> std::io::Result<Watch> {
        Ok(Watch)
    }

    pub fn received(&self) -> Option<i32> {
        None
    }

    pub fn arm(&self) {}
}

/// A command ended by a signal: `main` exits with 128 + `signal`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stopped {
    pub signal: i32,
}

impl Stopped {
    pub fn exit_code(self) -> u8 {
        u8::try_from(128 + self.signal).unwrap_or(u8::MAX)
    }
}

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        #[cfg(unix)]
        let name = signal_hook::low_level::signal_name(self.signal);
        #[cfg(not(unix))]
        let name: Option<&str> = None;
        write!(f, "stopped by {}", name.unwrap_or("a signal"))
    }
}

impl std::error::Error for Stopped {}
