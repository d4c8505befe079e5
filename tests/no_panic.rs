//! Arbitrary input never panics: key strings, keymaps, project files and
//! journals are user input.

use proptest::prelude::*;
use screener::keys::{format_seq, parse_seq};
use screener::store;
use screener::tui::keymap::Keymap;

proptest! {
    #[test]
    fn key_strings(s in "\\PC{0,40}") {
        if let Ok(keys) = parse_seq(&s) {
            // What parses prints back to something that parses the same.
            prop_assert_eq!(parse_seq(&format_seq(&keys)).unwrap(), keys);
        }
    }

    #[test]
    fn keymap_files(s in "[(){}\":, a-z_0-9\\n-]{0,80}") {
        let _ = Keymap::from_sources(&[("k.ron".into(), s)]);
    }

    #[test]
    fn project_and_journal_bytes(project in proptest::collection::vec(any::<u8>(), 0..200),
                                 journal in proptest::collection::vec(any::<u8>(), 0..200)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.ron");
        std::fs::write(&path, &project).unwrap();
        std::fs::write(store::journal_path(&path), &journal).unwrap();
        let _ = store::load(&path);
        // Reading never changes the files.
        prop_assert_eq!(std::fs::read(&path).unwrap(), project);
        prop_assert_eq!(std::fs::read(store::journal_path(&path)).unwrap(), journal);
    }
}

#[test]
fn a_valid_project_with_a_garbage_journal_still_opens() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.ron");
    store::write_atomic(&path, &screener::project::Project::new()).unwrap();
    std::fs::write(store::journal_path(&path), b"\xff\xfe garbage\nmore\n").unwrap();
    let (_, report) = store::load(&path).unwrap();
    assert_eq!(report.dropped.len(), 2);
}
