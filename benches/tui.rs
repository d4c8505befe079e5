//! Keystroke-to-frame at 100,000 records: each key goes through
//! `App::step` and a full `Terminal::draw` into ratatui's crossterm backend
//! writing to a byte sink (diffing and escape sequences included; only the
//! terminal's own drawing is left out). Prints a table of median, p99 and
//! max per scenario. Targets (issue 5): p99 < 16 ms, median < 5 ms.
//!
//! `cargo bench --bench tui` (optionally `-- 200000` for another size).
//! Records come from a small deterministic generator below (realistic
//! lengths: titles ~12 words, abstracts ~220 words, 1-12 authors) until
//! `synth` lands on main.

mod common;

use std::io::Write;
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{TerminalOptions, Viewport};
use screener::keys::parse_seq;
use screener::project::{Decision, Highlight, Project, Source, Stage, Verdict};
use screener::record::{Origin, Record};
use screener::tui::app::{App, Effect, Event};
use screener::tui::keymap::Keymap;
use screener::tui::view;

use common::{Rng, percentile, thread_cpu};

/// A writer that counts and forgets, like a fast terminal.
struct Sink(usize);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

const WORDS: &[&str] = &[
    "restoration",
    "forest",
    "wetland",
    "ecosystem",
    "recovery",
    "soil",
    "carbon",
    "species",
    "diversity",
    "monitoring",
    "landscape",
    "vegetation",
    "river",
    "riparian",
    "management",
    "children",
    "intervention",
    "randomised",
    "trial",
    "cohort",
    "outcome",
    "patients",
    "treatment",
    "effect",
    "analysis",
    "study",
    "data",
    "model",
    "results",
    "significant",
    "increase",
    "decrease",
    "community",
    "health",
    "mental",
    "review",
    "systematic",
    "evidence",
    "population",
    "baseline",
    "follow-up",
    "protocol",
    "assessment",
    "quality",
    "risk",
    "the",
    "of",
    "and",
    "in",
    "to",
    "with",
    "for",
    "was",
    "were",
    "on",
    "by",
    "from",
    "we",
    "this",
    "that",
    "a",
    "an",
    "is",
    "are",
    "after",
    "between",
    "during",
    "using",
    "across",
    "under",
];
const SURNAMES: &[&str] = &[
    "Smith",
    "García",
    "Müller",
    "Nakamura",
    "Okafor",
    "Silva",
    "Kowalski",
    "Nguyen",
    "Haddad",
    "Johansson",
    "Rossi",
    "O'Brien",
    "Chen",
    "Petrov",
    "Dubois",
    "Kim",
];

fn sentence(rng: &mut Rng, words: usize) -> String {
    let mut s = String::new();
    for i in 0..words {
        if i > 0 {
            s.push(' ');
        }
        let w = rng.pick(WORDS);
        if i == 0 {
            let mut c = w.chars();
            if let Some(f) = c.next() {
                s.extend(f.to_uppercase());
                s.push_str(c.as_str());
            }
        } else {
            s.push_str(w);
        }
    }
    s.push('.');
    s
}

fn generate(n: usize) -> Project {
    let mut rng = Rng(42);
    let mut p = Project::new();
    for (i, db) in ["Scopus", "PubMed", "Web of Science", "Embase"]
        .iter()
        .enumerate()
    {
        p.sources.push(Source {
            path: format!("{}.ris", db.to_lowercase().replace(' ', "_")),
            format: "ris".into(),
            database: db.to_string(),
            imported_at: "2026-11-01T09:00:00Z".into(),
            records: (n / 4) as u32,
            imported: (n / 4) as u32,
            reported: 0,
            batch: i as u32 / 2 + 1,
            content_hash: String::new(),
        });
    }
    for i in 0..n {
        let words = 8 + rng.below(10);
        let title = sentence(&mut rng, words);
        let sentences = 8 + rng.below(8);
        let abstract_text = (0..sentences)
            .map(|_| {
                let words = 10 + rng.below(20);
                sentence(&mut rng, words)
            })
            .collect::<Vec<_>>()
            .join(" ");
        let authors = (0..1 + rng.below(12))
            .map(|_| {
                format!(
                    "{}, {}.",
                    rng.pick(SURNAMES),
                    (b'A' + rng.below(26) as u8) as char
                )
            })
            .collect();
        p.records.push(Record {
            key: format!("t:{i:016x}~00000000"),
            origin: Origin {
                source: (i % 4) as u32,
                position: (i / 4 + 1) as u32,
            },
            title,
            abstract_text,
            authors,
            year: Some(1980 + rng.below(45) as i32),
            journal: "Journal of Synthetic Records".into(),
            volume: rng.below(60).to_string(),
            doi: if rng.below(10) < 8 {
                format!("10.1000/synth.{i}")
            } else {
                String::new()
            },
            ..Record::default()
        });
    }
    // A third already screened by this reviewer, as in a session resumed.
    for i in (0..n).step_by(3) {
        p.decisions.push(Decision {
            record: p.records[i].key.clone(),
            reviewer: "alice".into(),
            stage: Stage::TitleAbstract,
            verdict: if i % 2 == 0 {
                Verdict::Include
            } else {
                Verdict::Exclude(vec!["population".into()])
            },
            note: String::new(),
            tags: Vec::new(),
            at: "2026-11-02T10:00:00Z".into(),
            rule: None,
        });
    }
    p.highlight = Highlight {
        include: vec!["restor*".into(), "forest".into(), "randomised trial".into()],
        exclude: vec!["review".into(), "children".into()],
    };
    p
}

struct Bench {
    app: App,
    terminal: Terminal<CrosstermBackend<Sink>>,
    /// Each background slice (`Event::Tick`) with its frame.
    ticks: Vec<Duration>,
    /// From a key to the end of the background work it started.
    settled: Vec<Duration>,
    /// CPU time of each key (see `thread_cpu`), per scenario.
    cpu: Vec<Duration>,
}

impl Bench {
    fn new(project: Project, w: u16, h: u16) -> Bench {
        let mut app = App::new(
            project,
            "bench.ron".into(),
            "alice".into(),
            Stage::TitleAbstract,
            Keymap::default_map(),
        );
        app.step(Event::Resize {
            width: w,
            height: h,
        });
        let terminal = Terminal::with_options(
            CrosstermBackend::new(Sink(0)),
            TerminalOptions {
                viewport: Viewport::Fixed(Rect::new(0, 0, w, h)),
            },
        )
        .expect("a fixed viewport needs no terminal");
        let mut b = Bench {
            app,
            terminal,
            ticks: Vec::new(),
            settled: Vec::new(),
            cpu: Vec::new(),
        };
        b.frame();
        // The search index builds in slices while the user reads.
        let t = Instant::now();
        b.idle();
        println!(
            "(background search index: {} slices, {:.0} ms in all)",
            b.ticks.len(),
            t.elapsed().as_secs_f64() * 1000.0
        );
        b
    }

    fn frame(&mut self) {
        let app = &self.app;
        self.terminal
            .draw(|f| view::render(f, app))
            .expect("drawing to a sink cannot fail");
    }

    /// Background slices while no key waits, each with its frame.
    fn idle(&mut self) {
        while self.app.busy() {
            let start = Instant::now();
            self.app.step(Event::Tick);
            self.frame();
            self.ticks.push(start.elapsed());
        }
    }

    /// Time from each key to its frame drawn.
    fn keys(&mut self, seq: &str, times: &mut Vec<Duration>) {
        for key in parse_seq(seq).expect("bench key sequence") {
            let slow_start = Instant::now();
            let cpu = thread_cpu();
            let start = Instant::now();
            for effect in self.app.step(Event::Key(key)) {
                if let Effect::Persist(_) = effect {
                    self.app.step(Event::Saved);
                }
            }
            self.frame();
            times.push(start.elapsed());
            self.cpu.push(thread_cpu() - cpu);
            if self.app.busy() {
                self.idle();
                self.settled.push(slow_start.elapsed());
            }
            if std::env::var_os("BENCH_SLOW").is_some()
                && slow_start.elapsed() > Duration::from_millis(3)
            {
                eprintln!("slow: {key} {:?}", slow_start.elapsed());
            }
        }
    }
}

/// Median, p99 and maximum of `times`, in milliseconds.
fn stats(times: &[Duration]) -> (f64, f64, f64) {
    let mut ms: Vec<f64> = times.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
    (
        percentile(&mut ms, 0.5),
        percentile(&mut ms, 0.99),
        percentile(&mut ms, 1.0),
    )
}

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    let t = Instant::now();
    let project = generate(n);
    let gen_ms = t.elapsed().as_secs_f64() * 1000.0;
    let copy = project.clone();
    let t = Instant::now();
    let probe = App::new(
        copy,
        "bench.ron".into(),
        "alice".into(),
        Stage::TitleAbstract,
        Keymap::default_map(),
    );
    let open_ms = t.elapsed().as_secs_f64() * 1000.0;
    drop(probe);
    let t = Instant::now();
    let index = screener::screening::search::SearchIndex::build(&project.records);
    let index_ms = t.elapsed().as_secs_f64() * 1000.0;
    let finder = screener::screening::search::Finder::new("zqx").expect("a query");
    let t = Instant::now();
    let hits = (0..project.records.len())
        .filter(|&i| finder.matches(&index, i))
        .count();
    let scan_ms = t.elapsed().as_secs_f64() * 1000.0;
    let t = Instant::now();
    let slow_hits = project
        .records
        .iter()
        .filter(|r| finder.record_matches(r))
        .count();
    let slow_ms = t.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(hits, slow_hits);
    drop(index);
    println!("records: {n} (generated in {gen_ms:.0} ms; App::new {open_ms:.0} ms)");
    println!(
        "search index built in {index_ms:.0} ms; a query in no record: {scan_ms:.1} ms \
         with the index, {slow_ms:.1} ms over the stored text"
    );
    println!();
    println!(
        "{:<44} {:>6} {:>10} {:>10} {:>10} {:>12}",
        "scenario (keystroke to frame, 120x40)",
        "keys",
        "median ms",
        "p99 ms",
        "max ms",
        "CPU p99 ms"
    );
    // (name, wall times, CPU times)
    let mut rows: Vec<(String, Vec<Duration>, Vec<Duration>)> = Vec::new();

    // Screening: decide, move, scroll, note-free keys a reviewer presses all day.
    let mut b = Bench::new(project.clone(), 120, 40);
    let mut times = Vec::new();
    for _ in 0..100 {
        b.keys(
            "i right down down up m left pagedown pageup e 2 enter 3 u",
            &mut times,
        );
    }
    rows.push((
        "record view: decide, move, scroll, undo".into(),
        times,
        std::mem::take(&mut b.cpu),
    ));

    // The list: scrolling row by row, by page, to the ends.
    b.keys("l", &mut Vec::new());
    b.cpu.clear();
    let mut times = Vec::new();
    for _ in 0..30 {
        b.keys(
            "down down down down down down down down down down pagedown pagedown",
            &mut times,
        );
    }
    for _ in 0..20 {
        b.keys("end home pagedown pageup", &mut times);
    }
    rows.push((
        "list: scroll rows, pages, ends".into(),
        times,
        std::mem::take(&mut b.cpu),
    ));

    // Deciding in the list with the "undecided" filter on: each decision
    // refilters the whole queue.
    b.keys("f 1", &mut Vec::new());
    b.cpu.clear();
    let mut times = Vec::new();
    for _ in 0..100 {
        b.keys("i down", &mut times);
    }
    rows.push((
        "list filtered to undecided: decide, move".into(),
        times,
        std::mem::take(&mut b.cpu),
    ));
    b.keys("F", &mut Vec::new());
    b.cpu.clear();

    // Toggling views back and forth.
    let mut times = Vec::new();
    for _ in 0..100 {
        b.keys("tab", &mut times);
    }
    rows.push((
        "switch record view / list".into(),
        times,
        std::mem::take(&mut b.cpu),
    ));

    // Search: typing a query that matches soon, then n.
    let mut b = Bench::new(project.clone(), 120, 40);
    let mut times = Vec::new();
    for _ in 0..20 {
        b.keys("/ f o r e s t enter n n n N", &mut times);
    }
    rows.push((
        "search a common word, n/N".into(),
        times,
        std::mem::take(&mut b.cpu),
    ));
    // The worst case: a query that matches nothing scans every record.
    let mut times = Vec::new();
    for _ in 0..5 {
        b.keys("/ z q x enter n", &mut times);
    }
    rows.push((
        "search a word in no record (full scan)".into(),
        times,
        std::mem::take(&mut b.cpu),
    ));
    rows.push((
        "  background slices (search scans), each".into(),
        std::mem::take(&mut b.ticks),
        Vec::new(),
    ));
    rows.push((
        "  key to search result, when it took slices".into(),
        std::mem::take(&mut b.settled),
        Vec::new(),
    ));

    // Relevance order: the ranker trains on its own thread after every
    // decision (a third of the records are decided already); each move
    // takes the newest ranking (the queue behind the cursor reordered) and
    // draws the record's score with its terms. A reader pauses between
    // decisions; 50 ms here, so most moves find a new ranking.
    let mut b = Bench::new(project.clone(), 120, 40);
    let t = Instant::now();
    b.keys("O O O", &mut Vec::new());
    while b
        .app
        .screening()
        .relevance()
        .and_then(|r| r.stopping())
        .is_none()
    {
        std::thread::sleep(Duration::from_millis(5));
        b.app.step(Event::Ranked);
    }
    println!(
        "(relevance order: first ranking {:.0} ms after the order key)",
        t.elapsed().as_secs_f64() * 1000.0
    );
    b.keys("home", &mut Vec::new());
    b.cpu.clear();
    let mut times = Vec::new();
    for _ in 0..50 {
        for seq in ["i", "right", "1", "right"] {
            std::thread::sleep(Duration::from_millis(50));
            b.app.step(Event::Ranked);
            b.keys(seq, &mut times);
        }
    }
    rows.push((
        "relevance order: decide, move (retraining)".into(),
        times,
        std::mem::take(&mut b.cpu),
    ));

    for (name, times, cpu) in rows {
        let (median, p99, max) = stats(&times);
        let cpu99 = if cpu.is_empty() {
            "".to_string()
        } else {
            format!("{:.2}", stats(&cpu).1)
        };
        println!(
            "{name:<44} {:>6} {median:>10.2} {p99:>10.2} {max:>10.2} {cpu99:>12}",
            times.len()
        );
    }
    if !std::env::args().any(|a| a == "--no-pty") {
        pty_section(&project);
    }
}

/// The real binary in a pseudo-terminal: time from writing a key to the
/// screen (parsed by vt100) changing, polled every 0.2 ms, and for a key
/// that writes (a decision, an undo) on to the frame whose footer says
/// "saved ✓" again: `tui::run` draws the key's frame at once ("saving…")
/// and the mark when the journal's fsync has returned. This includes the
/// pty, crossterm's output and the parse; a human's terminal adds its own
/// drawing.
mod pty {
    use std::io::{Read, Write};
    use std::path::Path;
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    use portable_pty::{CommandBuilder, PtySize, native_pty_system};

    /// One key: the time to its first changed frame and, for a key in
    /// `writes`, to the frame that shows it saved.
    pub struct Timed {
        pub frame: Duration,
        pub saved: Option<Duration>,
    }

    pub fn keystroke_to_screen(
        project: &Path,
        keys: &[&'static str],
        writes: &[&'static str],
        rounds: usize,
    ) -> Vec<Timed> {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: 40,
                cols: 120,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_screener"));
        cmd.args([
            "screen",
            &project.display().to_string(),
            "--reviewer",
            "bench",
        ]);
        cmd.env("TERM", "xterm-256color");
        cmd.env("SCREENER_CONFIG", project.with_extension("no-config"));
        let mut child = pair.slave.spawn_command(cmd).expect("spawn screener");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let mut writer = pair.master.take_writer().expect("writer");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            std::num::NonZeroU16::new(40).expect("40"),
            std::num::NonZeroU16::new(120).expect("120"),
            0,
        )));
        let sink = Arc::clone(&parser);
        std::thread::spawn(move || {
            let mut buf = [0u8; 65536];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().expect("parser").process(&buf[..n]);
            }
        });
        let contents = || parser.lock().expect("parser").screen().contents();
        let start = Instant::now();
        while !contents().contains("saved ✓") {
            assert!(
                start.elapsed() < Duration::from_secs(120),
                "screen never came up"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        // Let the background index finish so it is not what is measured.
        std::thread::sleep(Duration::from_millis(1500));
        let mut times = Vec::new();
        for _ in 0..rounds {
            for key in keys {
                let before = contents();
                let bytes: &[u8] = match *key {
                    "right" => b"\x1b[C",
                    "left" => b"\x1b[D",
                    "tab" => b"\t",
                    k => k.as_bytes(),
                };
                let t = Instant::now();
                writer.write_all(bytes).expect("write");
                writer.flush().expect("flush");
                let mut frame = None;
                loop {
                    let now = contents();
                    if now != before {
                        let at = t.elapsed();
                        let first = *frame.get_or_insert(at);
                        if !writes.contains(key) {
                            times.push(Timed {
                                frame: first,
                                saved: None,
                            });
                            break;
                        }
                        if now.contains("saved ✓") {
                            times.push(Timed {
                                frame: first,
                                saved: Some(at),
                            });
                            break;
                        }
                    }
                    if t.elapsed() > Duration::from_secs(5) {
                        eprintln!("(key {key}: no saved frame within 5 s; left out)");
                        break;
                    }
                    std::thread::sleep(Duration::from_micros(200));
                }
                // Let the frame finish drawing before the next key.
                std::thread::sleep(Duration::from_millis(15));
            }
        }
        writer.write_all(b"q").expect("quit");
        writer.flush().expect("flush");
        let _ = child.wait();
        times
    }
}

fn pty_section(project: &Project) {
    let dir = tempfile::tempdir().expect("temp dir");
    let keys = ["right", "left", "i", "u", "tab", "tab"];
    let writes = ["i", "u"];
    let mut runs: Vec<(String, Vec<pty::Timed>)> = Vec::new();
    let corpus = std::env::var_os("SCREENER_CORPUS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")
        })
        .join("ris/revtools_restoration_scopus.ris");
    if corpus.exists() {
        let p = dir.path().join("corpus.ron");
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_screener"))
            .args([
                "import",
                &p.display().to_string(),
                &corpus.display().to_string(),
            ])
            .stdout(std::process::Stdio::null())
            .status()
            .expect("import");
        assert!(status.success());
        runs.push((
            "286 corpus records".into(),
            pty::keystroke_to_screen(&p, &keys, &writes, 30),
        ));
    } else {
        println!("(no corpus: the 286-record pty run is skipped)");
    }
    let p = dir.path().join("big.ron");
    screener::store::write_atomic(&p, project).expect("write the big project");
    runs.push((
        format!("{} records", project.records.len()),
        pty::keystroke_to_screen(&p, &keys, &writes, 30),
    ));
    println!();
    println!(
        "{:<52} {:>6} {:>10} {:>10} {:>10}",
        "key written to frame shown (pty, 120x40)", "keys", "median ms", "p99 ms", "max ms"
    );
    for (name, times) in runs {
        // A decision's frame is drawn before its journal fsync returns
        // (footer "saving…"); "saved ✓" follows when the writer reports the
        // fsync. Moves do not touch the disk.
        let (mut moves, mut writes, mut saved) = (Vec::new(), Vec::new(), Vec::new());
        for t in times {
            match t.saved {
                Some(s) => {
                    writes.push(t.frame);
                    saved.push(s);
                }
                None => moves.push(t.frame),
            }
        }
        for (what, t) in [
            ("moves", moves),
            ("decide/undo: frame", writes),
            ("decide/undo: to saved ✓", saved),
        ] {
            let (median, p99, max) = stats(&t);
            let label = format!("binary, {name}: {what}");
            println!(
                "{label:<52} {:>6} {median:>10.2} {p99:>10.2} {max:>10.2}",
                t.len()
            );
        }
    }
}
