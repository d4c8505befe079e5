//! The screen's persistence, on two background threads so that a key never
//! waits for the disk:
//!
//! - the journal thread appends changes in the order they came, as one
//!   write and one fsync for everything queued meanwhile (group commit), and
//!   reports [`Note::Saved`] when the fsync returns. A failed write is kept,
//!   reported ([`Note::SaveFailed`]) and retried every `retry` and whenever
//!   a new change arrives.
//! - the checkpoint thread keeps its own copy of the project (records
//!   shared with the screen's, see `record_list`), applies each change
//!   once it is on disk, and when the screen has been idle writes that copy
//!   as the project file (atomic replace); the journal thread then drops the
//!   folded lines. Changes saved meanwhile stay in the journal. On finish,
//!   the journal is flushed and a last checkpoint folds everything in.
//!
//! The cost of a decision is one short journal line, whatever the size of
//! the project; the cost of a checkpoint grows with it and is paid off the
//! screen's thread, rarely ([`Timing`]).

use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::{Storage, Store, write_atomic_with};
use crate::project::{Change, Project};

/// What the writer tells the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// The oldest `count` changes not yet reported are on disk; the last of
    /// them has sequence number `seq`.
    Saved { count: usize, seq: u64 },
    /// Writing the journal failed; the changes are kept and retried.
    SaveFailed(String),
    /// The project file now holds every change up to `seq`.
    Checkpointed { seq: u64, took: Duration },
    /// A checkpoint failed; the changes are safe in the journal and the
    /// checkpoint is tried again later.
    CheckpointFailed(String),
}

/// When checkpoints happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// After this long without a change.
    pub idle: Duration,
    /// And at least this long after the previous checkpoint, so a reviewer
    /// who pauses on every abstract does not rewrite a large file each time.
    pub min_interval: Duration,
    /// How often a failed journal write is tried again.
    pub retry: Duration,
}

impl Default for Timing {
    fn default() -> Timing {
        Timing {
            idle: Duration::from_secs(30),
            min_interval: Duration::from_secs(300),
            retry: Duration::from_secs(1),
        }
    }
}

impl Timing {
    /// The defaults, or `SCREENER_CHECKPOINT_IDLE_MS` as both the idle time
    /// and the interval (tests and the soak script make checkpoints frequent
    /// with it).
    pub fn from_env() -> Timing {
        let mut t = Timing::default();
        if let Some(ms) = std::env::var("SCREENER_CHECKPOINT_IDLE_MS")
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
        {
            t.idle = Duration::from_millis(ms);
            t.min_interval = Duration::from_millis(ms);
        }
        t
    }
}

/// How the writer ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finished {
    /// Changes that could not be written at all (the disk kept failing).
    pub unsaved: usize,
    /// The last checkpoint and how long it took: `None` when there was
    /// nothing to fold in.
    pub checkpoint: Option<Result<Duration, String>>,
}

enum ToJournal {
    Change(Change),
    Folded(u64),
    CheckpointNow,
    Finish,
}

/// The last checkpoint's outcome: `None` if nothing needed folding, else
/// the sequence number folded and the time it took.
type Reply = Sender<Option<Result<(u64, Duration), String>>>;

enum ToCheckpoint {
    Applied(u64, Change),
    Now,
    Finish(Reply),
}

pub type Notify = Arc<dyn Fn(Note) + Send + Sync>;

pub struct Writer {
    tx: Sender<ToJournal>,
    handle: Option<JoinHandle<Finished>>,
}

impl Writer {
    /// Starts the threads. `mirror` is the project as opened (holding every
    /// change the store has written); it becomes the checkpoint's copy.
    pub fn start(store: Store, mut mirror: Project, timing: Timing, notify: Notify) -> Writer {
        // As the project file says (the cache written below holds it).
        if let Some(d) = store.records_on_disk() {
            mirror.records_file = Some(d.file.clone());
            mirror.version = crate::project::VERSION_RECORDS_FILE;
        }
        let (tx, rx) = mpsc::channel();
        let (ctx, crx) = mpsc::channel();
        let checkpointer = Checkpointer {
            fs: Arc::clone(store.storage()),
            path: store.path().to_path_buf(),
            seq: store.last_seq(),
            dirty: store.pending() > 0,
            cache_stale: store.cache_stale(),
            on_disk: store.records_on_disk().cloned(),
            mirror,
            journal: tx.clone(),
            notify: Arc::clone(&notify),
            timing,
            last_change: Instant::now(),
            last_checkpoint: None,
            retry_after: None,
        };
        let checkpoint_thread = std::thread::Builder::new()
            .name("checkpoint".into())
            .spawn(move || checkpointer.run(crx));
        let handle = std::thread::Builder::new()
            .name("journal".into())
            .spawn(move || {
                let journal = JournalLoop {
                    store,
                    pending: Vec::new(),
                    checkpoint: ctx,
                    notify,
                    retry: timing.retry,
                };
                let finished = journal.run(rx);
                if let Ok(t) = checkpoint_thread {
                    let _ = t.join();
                }
                finished
            });
        Writer {
            tx,
            handle: handle.ok(),
        }
    }

    /// Queues a change to be written; [`Note::Saved`] follows.
    pub fn persist(&self, change: Change) {
        let _ = self.tx.send(ToJournal::Change(change));
    }

    /// Asks for a checkpoint now rather than when idle (benchmarks).
    pub fn checkpoint_now(&self) {
        let _ = self.tx.send(ToJournal::CheckpointNow);
    }

    /// Writes what is queued, folds everything into the project file, and
    /// stops the threads (releasing the project's lock).
    pub fn finish(mut self) -> Finished {
        self.stop()
    }

    fn stop(&mut self) -> Finished {
        let _ = self.tx.send(ToJournal::Finish);
        match self.handle.take().map(JoinHandle::join) {
            Some(Ok(f)) => f,
            Some(Err(_)) => Finished {
                unsaved: 0,
                checkpoint: Some(Err("the writer thread failed".into())),
            },
            None => Finished {
                unsaved: 0,
                checkpoint: None,
            },
        }
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        if self.handle.is_some() {
            self.stop();
        }
    }
}

struct JournalLoop {
    store: Store,
    pending: Vec<Change>,
    checkpoint: Sender<ToCheckpoint>,
    notify: Notify,
    retry: Duration,
}

impl JournalLoop {
    fn run(mut self, rx: Receiver<ToJournal>) -> Finished {
        let mut finishing = false;
        while !finishing {
            let first = if self.pending.is_empty() {
                rx.recv().map_err(|_| RecvTimeoutError::Disconnected)
            } else {
                rx.recv_timeout(self.retry)
            };
            let mut messages = Vec::new();
            match first {
                Ok(m) => messages.push(m),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => finishing = true,
            }
            // Everything that queued up while the last fsync ran goes into
            // this one write.
            messages.extend(rx.try_iter());
            for m in messages {
                match m {
                    ToJournal::Change(c) => self.pending.push(c),
                    // A failure leaves the folded lines in the journal, where
                    // their sequence numbers make them harmless.
                    ToJournal::Folded(seq) => {
                        let _ = self.store.folded(seq);
                    }
                    ToJournal::CheckpointNow => {
                        let _ = self.checkpoint.send(ToCheckpoint::Now);
                    }
                    ToJournal::Finish => finishing = true,
                }
            }
            self.write();
        }
        let (reply, result) = mpsc::channel();
        let _ = self.checkpoint.send(ToCheckpoint::Finish(reply));
        let result = result.recv().ok().flatten();
        if let Some(Ok((seq, _))) = result {
            let _ = self.store.folded(seq);
        }
        Finished {
            unsaved: self.pending.len(),
            checkpoint: result.map(|r| r.map(|(_, took)| took)),
        }
    }

    fn write(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        match self.store.append_batch(&self.pending) {
            Ok(last) => {
                let n = self.pending.len();
                (self.notify)(Note::Saved {
                    count: n,
                    seq: last,
                });
                let first = last + 1 - n as u64;
                for (i, c) in self.pending.drain(..).enumerate() {
                    let _ = self
                        .checkpoint
                        .send(ToCheckpoint::Applied(first + i as u64, c));
                }
            }
            Err(e) => (self.notify)(Note::SaveFailed(e.to_string())),
        }
    }
}

struct Checkpointer {
    fs: Arc<dyn Storage>,
    path: std::path::PathBuf,
    mirror: Project,
    /// The last change applied to `mirror`.
    seq: u64,
    /// `mirror` holds changes the project file does not.
    dirty: bool,
    /// No cache matches the project file yet.
    cache_stale: bool,
    /// The records file the project file names (`records`): a checkpoint
    /// while the records are still those writes only the project file.
    on_disk: Option<super::records::OnDisk>,
    journal: Sender<ToJournal>,
    notify: Notify,
    timing: Timing,
    last_change: Instant,
    last_checkpoint: Option<Instant>,
    /// After a failed checkpoint, not again before this.
    retry_after: Option<Instant>,
}

impl Checkpointer {
    fn due(&self) -> Instant {
        let mut due = self.last_change + self.timing.idle;
        if let Some(t) = self.last_checkpoint {
            due = due.max(t + self.timing.min_interval);
        }
        if let Some(t) = self.retry_after {
            due = due.max(t);
        }
        due
    }

    fn run(mut self, rx: Receiver<ToCheckpoint>) {
        if self.cache_stale && !self.dirty {
            // The copy is the file's content: make the next open fast. (If
            // it is dirty, the next checkpoint writes the cache.)
            let _ = super::cache::write(&*self.fs, &self.path, &self.mirror);
        }
        loop {
            let message = if self.dirty {
                let wait = self.due().saturating_duration_since(Instant::now());
                rx.recv_timeout(wait)
            } else {
                rx.recv().map_err(|_| RecvTimeoutError::Disconnected)
            };
            match message {
                Ok(ToCheckpoint::Applied(seq, change)) => self.apply(seq, &change),
                Ok(ToCheckpoint::Now) => {
                    if let Some(reply) = self.catch_up(&rx) {
                        return self.finish(reply);
                    }
                    let _ = self.checkpoint();
                }
                Ok(ToCheckpoint::Finish(reply)) => return self.finish(reply),
                Err(RecvTimeoutError::Timeout) => {
                    if let Some(reply) = self.catch_up(&rx) {
                        return self.finish(reply);
                    }
                    if self.dirty && Instant::now() >= self.due() {
                        let _ = self.checkpoint();
                    }
                }
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
    }

    fn apply(&mut self, seq: u64, change: &Change) {
        self.mirror.apply(change);
        self.seq = seq;
        self.dirty = true;
        self.last_change = Instant::now();
    }

    /// Applies what is queued, so a checkpoint holds all it can; returns
    /// the reply channel if a finish request was among it.
    fn catch_up(&mut self, rx: &Receiver<ToCheckpoint>) -> Option<Reply> {
        for m in rx.try_iter() {
            match m {
                ToCheckpoint::Applied(seq, change) => self.apply(seq, &change),
                ToCheckpoint::Now => {}
                ToCheckpoint::Finish(reply) => return Some(reply),
            }
        }
        None
    }

    fn finish(mut self, reply: Reply) {
        let result = self.dirty.then(|| self.checkpoint());
        let _ = reply.send(result);
    }

    fn checkpoint(&mut self) -> Result<(u64, Duration), String> {
        let started = Instant::now();
        self.mirror.journal_seq = self.seq;
        match write_atomic_with(&*self.fs, &self.path, &self.mirror, self.on_disk.as_ref()) {
            Ok(on_disk) => {
                // As the file says, so the next checkpoint need not copy
                // the project to say it (the mirror is never compared).
                if let Some(d) = &on_disk {
                    self.mirror.records_file = Some(d.file.clone());
                    self.mirror.version = crate::project::VERSION_RECORDS_FILE;
                }
                self.on_disk = on_disk;
                self.dirty = false;
                self.last_checkpoint = Some(Instant::now());
                self.retry_after = None;
                let took = started.elapsed();
                let _ = self.journal.send(ToJournal::Folded(self.seq));
                (self.notify)(Note::Checkpointed {
                    seq: self.seq,
                    took,
                });
                Ok((self.seq, took))
            }
            Err(e) => {
                // Try again after another idle period (and not in a tight
                // loop when that is zero).
                self.retry_after = Some(Instant::now() + self.timing.idle.max(self.timing.retry));
                let message = e.to_string();
                (self.notify)(Note::CheckpointFailed(message.clone()));
                Err(message)
            }
        }
    }
}
