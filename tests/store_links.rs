//! Symbolic links where the store keeps its files (issue 9). A link where
//! a side file should be is refused by name with nothing changed (the
//! issue's attack: `rm p.ron.journal; ln -s /tmp/victim.txt p.ron.journal`
//! then `screener screen` truncated the victim); a project file given as a
//! link is followed to the file it names, whose folder then holds the side
//! files, and stays a link.

mod common;

use std::os::unix::fs::symlink;
use std::path::Path;

use common::run;
use screener::commands::demo::SAMPLES;

const SIDES: [&str; 9] = [
    "journal",
    "journal.tmp",
    "journal.rejected",
    "lock",
    "tmp",
    "bak",
    "bak.tmp",
    "cache",
    "cache.tmp",
];

fn project(dir: &Path) {
    for (i, name) in ["scopus.ris", "more.ris"].iter().enumerate() {
        std::fs::write(dir.join(name), SAMPLES[i].1).unwrap();
    }
    let (code, out, err) = run(&["import", "p.ron", "scopus.ris"], dir);
    assert_eq!(code, 0, "{out}{err}");
}

fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            let bytes = if p.is_symlink() {
                std::fs::read_link(&p)
                    .unwrap()
                    .into_os_string()
                    .into_encoded_bytes()
            } else {
                std::fs::read(&p).unwrap_or_default()
            };
            (p.file_name().unwrap().to_string_lossy().into_owned(), bytes)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_link_where_any_side_file_should_be_is_refused_and_nothing_changes() {
    for side in SIDES {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let d = dir.path();
        project(d);
        let victim = outside.path().join("victim.txt");
        std::fs::write(&victim, "precious").unwrap();
        let name = format!("p.ron.{side}");
        let _ = std::fs::remove_file(d.join(&name));
        symlink(&victim, d.join(&name)).unwrap();
        let before = snapshot(d);
        for args in [
            vec!["screen", "p.ron", "--reviewer", "alice"],
            vec!["import", "p.ron", "more.ris"],
            vec!["status", "p.ron"],
            vec!["recover", "p.ron", "--write"],
        ] {
            let (code, out, err) = run(&args, d);
            assert_eq!(code, 1, "{side} {args:?}: {out}{err}");
            assert!(
                err.contains(&format!(
                    "{name}: is a symbolic link (to {}",
                    victim.display()
                )),
                "{side} {args:?}: {err}"
            );
            assert!(err.contains("nothing was changed"), "{err}");
            assert_eq!(
                std::fs::read_to_string(&victim).unwrap(),
                "precious",
                "{side} {args:?}"
            );
            assert_eq!(snapshot(d), before, "{side} {args:?}: no file changed");
        }
    }
}

#[test]
fn a_link_to_nothing_is_not_created_through() {
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let d = dir.path();
    project(d);
    let target = outside.path().join("planted");
    symlink(&target, d.join("p.ron.tmp")).unwrap();
    symlink(&target, d.join("p.ron.cache.tmp")).unwrap();
    let (code, _, err) = run(&["import", "p.ron", "more.ris"], d);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("p.ron.tmp: is a symbolic link"), "{err}");
    assert!(!target.exists(), "nothing created outside the project");
}

#[test]
fn a_linked_project_file_is_followed_and_stays_a_link() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let shared = d.join("shared");
    std::fs::create_dir(&shared).unwrap();
    std::fs::write(d.join("scopus.ris"), SAMPLES[0].1).unwrap();
    std::fs::write(d.join("more.ris"), SAMPLES[1].1).unwrap();
    let (code, out, err) = run(&["import", "shared/review.ron", "scopus.ris"], d);
    assert_eq!(code, 0, "{out}{err}");
    symlink("shared/review.ron", d.join("p.ron")).unwrap();
    // A checkpoint through the link: the real file is replaced, the link
    // is left as it is, and every side file is beside the real file.
    let (code, out, err) = run(&["import", "p.ron", "more.ris"], d);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        std::fs::symlink_metadata(d.join("p.ron"))
            .unwrap()
            .is_symlink()
    );
    assert!(
        std::fs::symlink_metadata(shared.join("review.ron"))
            .unwrap()
            .is_file()
    );
    assert!(shared.join("review.ron.bak").is_file());
    let beside: Vec<String> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("p.ron."))
        .collect();
    assert!(
        beside.is_empty(),
        "no side file beside the link: {beside:?}"
    );
    let (code, out, err) = run(&["status", "p.ron", "--json"], d);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["records"].as_u64(), Some(20), "{out}");

    // A link that names nothing is refused, not created through.
    symlink("elsewhere/new.ron", d.join("q.ron")).unwrap();
    let (code, _, err) = run(&["import", "q.ron", "more.ris"], d);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("q.ron: is a symbolic link to"), "{err}");
    assert!(!d.join("elsewhere").exists());
}
