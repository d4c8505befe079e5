//! SIGTERM, SIGINT and SIGHUP to a running screen (issue 9): the terminal
//! is restored, the journal folded into the project (a last checkpoint),
//! the lock released, and the exit status is 128 + the signal's number.
//! A terminal closed under the screen loses no saved decision.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::pty::Term;
use common::run;
use screener::commands::demo::SAMPLES;

fn project(dir: &Path) {
    let (_, bytes) = SAMPLES[0];
    std::fs::write(dir.join("scopus.ris"), bytes).unwrap();
    let (code, out, err) = run(&["import", "p.ron", "scopus.ris"], dir);
    assert_eq!(code, 0, "{out}{err}");
}

fn status(dir: &Path) -> serde_json::Value {
    let (code, out, err) = run(&["status", "p.ron", "--reviewer", "alice", "--json"], dir);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

/// The pid of the process `parent` started (the screen under `sh`).
fn child_of(parent: u32) -> u32 {
    let start = Instant::now();
    loop {
        let list = std::fs::read_to_string(format!("/proc/{parent}/task/{parent}/children"))
            .unwrap_or_default();
        if let Some(pid) = list.split_whitespace().next() {
            return pid.parse().unwrap();
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no child of {parent}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn sigterm_and_sigint_restore_the_terminal_checkpoint_and_free_the_lock() {
    for (signal, number) in [("TERM", 15), ("INT", 2)] {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        project(d);
        // After the screen ends, the shell prints its exit status and the
        // terminal's modes, which the screen must have put back.
        let mut t = Term::spawn_shell(
            "\"$SCREENER\" screen p.ron --reviewer alice; echo \"exit=$?\"; stty -a; echo modes-end; sleep 5",
            d,
            100,
            40,
        );
        t.wait_for("1/10");
        t.keys("i m");
        t.wait_for("saved ✓");
        let screen = child_of(t.pid());
        assert!(d.join("p.ron.lock").exists());
        let sent = std::process::Command::new("kill")
            .args([&format!("-{signal}"), &screen.to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let after = t.wait_for("modes-end");
        assert!(after.contains(&format!("exit={}", 128 + number)), "{after}");
        assert!(
            after.contains(&format!("stopped by SIG{signal}")),
            "{after}"
        );
        let modes: Vec<&str> = after.split_whitespace().collect();
        for mode in ["icanon", "echo", "isig"] {
            assert!(
                modes.contains(&mode) && !modes.contains(&format!("-{mode}").as_str()),
                "SIG{signal}: the terminal was left without {mode}:\n{after}"
            );
        }
        assert!(!t.alternate_screen(), "left the alternate screen");
        assert!(!t.mouse_captured(), "mouse capture off");
        assert!(
            !d.join("p.ron.lock").exists(),
            "SIG{signal}: the lock is free"
        );
        assert_eq!(
            std::fs::read(d.join("p.ron.journal")).unwrap(),
            b"",
            "SIG{signal}: the last checkpoint folded the journal in"
        );
        let s = status(d);
        assert_eq!(
            (s["included"].as_u64(), s["maybe"].as_u64()),
            (Some(1), Some(1))
        );
    }
}

#[test]
fn a_terminal_closed_under_the_screen_loses_no_saved_decision() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    project(d);
    let mut t = Term::spawn(&["screen", "p.ron", "--reviewer", "alice"], d, 80, 24);
    t.wait_for("1/10");
    t.keys("i m");
    t.wait_for("saved ✓");
    // A third decision, and the window closes at once.
    t.keys("i");
    let code = t.hang_up();
    assert_eq!(code, 128 + 1, "SIGHUP");
    assert!(!d.join("p.ron.lock").exists(), "the lock is free");
    assert_eq!(
        std::fs::read(d.join("p.ron.journal")).unwrap(),
        b"",
        "checkpointed"
    );
    let s = status(d);
    assert_eq!(s["maybe"].as_u64(), Some(1));
    // The third was in flight: written on the way out.
    assert_eq!(s["included"].as_u64(), Some(2));
}
