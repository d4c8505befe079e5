//! The command line at its edges (issue 9): a closed pipe ends a command
//! quietly, inputs that are not regular files are refused, and two imports
//! creating one new project at once both land.

mod common;

use std::fs::File;
use std::os::fd::FromRawFd;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};

use common::{pty::binary, run};
use screener::commands::demo::SAMPLES;

fn project(dir: &Path) {
    let (_, bytes) = SAMPLES[0];
    std::fs::write(dir.join("scopus.ris"), bytes).unwrap();
    let (code, out, err) = run(&["import", "p.ron", "scopus.ris"], dir);
    assert_eq!(code, 0, "{out}{err}");
}

/// The write end of a pipe whose read end is already closed: the first
/// write into it fails (`| true` after `true` has ended).
fn closed_pipe() -> File {
    let mut fds = [0; 2];
    // SAFETY: `pipe` fills the two descriptors; the read end is closed at
    // once and the write end is owned by the returned `File` alone.
    unsafe {
        assert_eq!(libc::pipe(fds.as_mut_ptr()), 0);
        libc::close(fds[0]);
        File::from_raw_fd(fds[1])
    }
}

fn into_closed_pipe(args: &[&str], dir: &Path) -> (std::process::ExitStatus, String) {
    let out = Command::new(binary())
        .args(args)
        .current_dir(dir)
        .env("SCREENER_CONFIG", dir.join("no-config"))
        .stdout(Stdio::from(closed_pipe()))
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    (
        out.status,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_closed_pipe_ends_status_and_import_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    project(d);
    for args in [
        vec!["status", "p.ron"],
        vec!["status", "p.ron", "--json"],
        vec!["recover", "p.ron"],
    ] {
        let (status, err) = into_closed_pipe(&args, d);
        assert_eq!(
            status.signal(),
            Some(libc::SIGPIPE),
            "{args:?}: {status:?} {err}"
        );
        assert!(err.is_empty(), "{args:?}: {err}");
    }
    let (_, bytes) = SAMPLES[1];
    std::fs::write(d.join("more.ris"), bytes).unwrap();
    let (status, err) = into_closed_pipe(&["import", "p.ron", "more.ris"], d);
    assert_eq!(status.signal(), Some(libc::SIGPIPE), "{status:?} {err}");
    assert!(err.is_empty(), "{err}");
    // The project was written before the report was printed.
    assert!(!d.join("p.ron.lock").exists());
    let (code, out, err) = run(&["status", "p.ron", "--json"], d);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v["records"].as_u64().unwrap() > 10, "{out}");
}

#[test]
fn inputs_that_are_not_regular_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let fifo = d.join("pipe.ris");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    std::fs::create_dir(d.join("folder.ris")).unwrap();
    for (input, kind) in [
        ("/dev/zero", "character device"),
        ("pipe.ris", "FIFO"),
        ("folder.ris", "directory"),
    ] {
        let (code, out, err) = run(&["import", "p.ron", input], d);
        assert_eq!(code, 1, "{input}: {out}{err}");
        assert!(err.contains(&format!("{input}: is a {kind}")), "{err}");
        assert!(err.contains("not a regular file"), "{err}");
        assert!(!d.join("p.ron").exists(), "{input}: nothing written");
    }
    // A link to a regular file is a regular file.
    let (_, bytes) = SAMPLES[0];
    std::fs::write(d.join("scopus.ris"), bytes).unwrap();
    std::os::unix::fs::symlink("scopus.ris", d.join("linked.ris")).unwrap();
    let (code, out, err) = run(&["import", "p.ron", "linked.ris"], d);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn two_imports_creating_one_project_both_land() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Large enough that both are parsing when the first writes.
    std::fs::write(d.join("a.ris"), screener::synth::ris(4_000, 1)).unwrap();
    std::fs::write(d.join("b.ris"), screener::synth::ris(4_000, 2)).unwrap();
    for round in 0..2 {
        let name = format!("p{round}.ron");
        let spawn = |file: &str| {
            Command::new(binary())
                .args(["import", &name, file, "--json"])
                .current_dir(d)
                .env("SCREENER_CONFIG", d.join("no-config"))
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn("a.ris"), spawn("b.ris"));
        let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        for out in [&a, &b] {
            assert!(
                out.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let (code, out, err) = run(&["status", &name, "--json"], d);
        assert_eq!(code, 0, "{err}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["records"].as_u64(), Some(8_000), "round {round}: {out}");
        let waited = [&a, &b]
            .iter()
            .any(|o| String::from_utf8_lossy(&o.stderr).contains("waiting for it to finish"));
        eprintln!("round {round}: one waited for the other: {waited}");
    }
}
