//! A review shared through git by two reviewers, set up as the README says.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Whether git can be run here (tests that need it skip with a notice).
pub fn available() -> bool {
    let ok = Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("notice: no git; skipping");
    }
    ok
}

/// Runs git in `dir` with a fixed identity and no user configuration;
/// fails the test when git does. Returns what it printed.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.org")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.org")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git");
    assert!(
        out.status.success(),
        "git {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

/// The README's `.gitignore` lines for a project's side files.
pub const IGNORE: &str =
    "*.ron.journal\n*.ron.lock\n*.ron.bak\n*.ron.cache\n*.ron.records.bak\n*.ron.records.cache\n";

/// The two lines of the README's set-up, in one clone.
pub fn set_up_driver(clone: &Path) {
    let bin = super::pty::binary();
    let driver = format!("{bin} merge-driver %O %A %B %P");
    git(clone, &["config", "merge.screener.driver", &driver]);
    git(clone, &["config", "pull.rebase", "false"]);
}

/// Under `root`: a bare `origin.git`; a lead's clone where `import` makes
/// the review, committed with the README's attributes and ignores and
/// pushed; and two reviewers' clones with the merge driver set up,
/// returned as `[alice, bob]`.
pub fn review_repo(root: &Path, import: impl FnOnce(&Path)) -> [PathBuf; 2] {
    let origin = root.join("origin.git");
    std::fs::create_dir(&origin).unwrap();
    git(&origin, &["init", "--bare", "-q", "-b", "main"]);
    let lead = root.join("lead");
    git(root, &["clone", "-q", origin.to_str().unwrap(), "lead"]);
    import(&lead);
    std::fs::write(lead.join(".gitattributes"), "*.ron merge=screener\n").unwrap();
    std::fs::write(lead.join(".gitignore"), IGNORE).unwrap();
    git(&lead, &["add", "."]);
    git(&lead, &["commit", "-q", "-m", "the review"]);
    git(&lead, &["push", "-q", "origin", "main"]);
    ["alice", "bob"].map(|who| {
        git(root, &["clone", "-q", origin.to_str().unwrap(), who]);
        let clone = root.join(who);
        set_up_driver(&clone);
        clone
    })
}
