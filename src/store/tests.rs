use std::fs::{self, OpenOptions};
use std::io::Write;

use super::sim::SimFs;
use super::*;
use crate::project::{Decision, Stage, Verdict};

fn decision(record: &str, verdict: Verdict) -> Change {
    Change::Decide(Decision {
        record: record.into(),
        reviewer: "alice".into(),
        stage: Stage::TitleAbstract,
        verdict,
        note: "line one\nline two".into(),
        tags: vec![],
        at: "2026-11-26T10:00:00Z".into(),
        rule: None,
    })
}

fn sim_project(fs: &SimFs, path: &Path, project: &Project) {
    fs.put(path, to_ron_string(project).as_bytes());
}

#[test]
fn journal_survives_reopen_and_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.ron");
    write_atomic(&path, &Project::new()).unwrap();
    let (mut project, mut store, _) = Store::open(&path).unwrap();
    for (i, v) in [Verdict::Include, Verdict::Maybe].into_iter().enumerate() {
        let c = decision(&format!("k{i}"), v);
        store.append(&c).unwrap();
        project.apply(&c);
    }
    drop(store);
    let (reloaded, report) = load(&path).unwrap();
    assert_eq!(report.applied, 2);
    assert_eq!(reloaded, project);

    let (mut project, mut store, _) = Store::open(&path).unwrap();
    store.checkpoint(&mut project).unwrap();
    assert_eq!(fs::metadata(journal_path(&path)).unwrap().len(), 0);
    assert!(bak_path(&path).exists());
    let (again, report) = load(&path).unwrap();
    assert_eq!(report.applied, 0);
    assert_eq!(again.decisions.len(), 2);
}

#[test]
fn torn_tail_is_dropped_reported_and_cut() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.ron");
    write_atomic(&path, &Project::new()).unwrap();
    let (_, mut store, _) = Store::open(&path).unwrap();
    store.append(&decision("a", Verdict::Include)).unwrap();
    drop(store);
    let mut j = OpenOptions::new()
        .append(true)
        .open(journal_path(&path))
        .unwrap();
    j.write_all(b"0badc0de (seq: 2, chan").unwrap();
    drop(j);
    let (p, report) = load(&path).unwrap();
    assert_eq!(p.decisions.len(), 1);
    assert_eq!(report.dropped.len(), 1);
    assert_eq!(report.dropped[0].0, 2);
    assert!(!rejected_path(&path).exists(), "reading changes nothing");
    // Reopening for writing keeps the tail in the quarantine, then cuts it,
    // and the next line is intact.
    let (_, mut store, report) = Store::open(&path).unwrap();
    assert_eq!(report.rejected_to, Some(rejected_path(&path)));
    let kept = quarantine::read(&RealFs, &path).unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].raw, b"0badc0de (seq: 2, chan");
    assert_eq!(kept[0].line, Some(2));
    store.append(&decision("b", Verdict::Maybe)).unwrap();
    let (p, report) = load(&path).unwrap();
    assert!(report.dropped.is_empty());
    assert_eq!(p.decisions.len(), 2);
}

#[test]
fn checkpoint_crash_before_truncation_applies_nothing_twice() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.ron");
    write_atomic(&path, &Project::new()).unwrap();
    let (mut project, mut store, _) = Store::open(&path).unwrap();
    let c = decision("a", Verdict::Include);
    store.append(&c).unwrap();
    project.apply(&c);
    // The rename happened but the journal was not emptied.
    project.journal_seq = 1;
    write_atomic(&path, &project).unwrap();
    let (p, report) = load(&path).unwrap();
    assert_eq!(report.applied, 0);
    assert_eq!(p.decisions.len(), 1);
}

#[test]
fn corrupt_and_newer_files_are_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.ron");
    fs::write(
        &path,
        "(\n  version: 1,\n  created: \"x\",\n  records: [oops],\n)",
    )
    .unwrap();
    let before = fs::read(&path).unwrap();
    let err = load(&path).unwrap_err();
    let msg = err.to_string();
    // `  records: [` is 12 characters, so `oops` starts in column 13.
    assert!(msg.contains("p.ron:4:13:"), "{msg}");
    // Before any checkpoint there is no .bak: the advice names only what
    // is there, and the command that reads it.
    assert!(!msg.contains(".bak"), "{msg}");
    assert!(!msg.contains(".journal"), "{msg}");
    assert!(msg.contains("`screener recover "), "{msg}");
    fs::write(bak_path(&path), "(version: 1, created: \"x\")").unwrap();
    let msg = load(&path).unwrap_err().to_string();
    assert!(msg.contains("p.ron.bak"), "{msg}");
    fs::remove_file(bak_path(&path)).unwrap();
    assert_eq!(fs::read(&path).unwrap(), before);
    // Opening for writing refuses the same way and changes nothing.
    assert!(matches!(
        Store::open(&path).map(|_| ()),
        Err(StoreError::Parse { line: 4, .. })
    ));
    assert_eq!(fs::read(&path).unwrap(), before);
    assert!(!journal_path(&path).exists());

    fs::write(&path, "(version: 7, created: \"x\", wormholes: 3)").unwrap();
    let msg = load(&path).unwrap_err().to_string();
    assert!(msg.contains("newer screener"), "{msg}");
    assert!(msg.contains("version 7"), "{msg}");
    // Also when `version` is not the first field.
    fs::write(&path, "(created: \"x\", wormholes: 3, version: 9)").unwrap();
    let msg = load(&path).unwrap_err().to_string();
    assert!(msg.contains("version 9"), "{msg}");

    let missing = dir.path().join("nope.ron");
    assert!(matches!(load(&missing), Err(StoreError::NotFound(_))));

    fs::write(&path, b"(version: 1, created: \"\xff\")").unwrap();
    let msg = load(&path).unwrap_err().to_string();
    assert!(
        msg.contains("p.ron:1:24: not a readable project file: invalid UTF-8"),
        "{msg}"
    );
}

#[test]
fn a_failed_append_is_cut_off_and_retried_whole() {
    let fs = SimFs::new();
    let path = Path::new("/p/review.ron");
    sim_project(&fs, path, &Project::new());
    let (_, mut store, _) = Store::open_with(Arc::new(fs.clone()), path).unwrap();
    store.append(&decision("a", Verdict::Include)).unwrap();
    // The disk fills in the middle of the next line.
    fs.set_space(Some(10));
    let err = store.append(&decision("b", Verdict::Maybe)).unwrap_err();
    assert_eq!(err.raw_os_error(), Some(28), "{err}");
    let j = fs.contents(&journal_path(path)).unwrap();
    assert!(j.ends_with(b"\n"), "the partial line was cut off");
    fs.set_space(None);
    store.append(&decision("b", Verdict::Maybe)).unwrap();
    store.append(&decision("c", Verdict::Include)).unwrap();
    let (p, report) = load_with(&fs, path).unwrap();
    assert!(report.dropped.is_empty(), "{:?}", report.dropped);
    let records: Vec<&str> = p.decisions.iter().map(|d| d.record.as_str()).collect();
    assert_eq!(records, ["a", "b", "c"]);
}

#[test]
fn a_failed_cut_is_done_before_the_next_write() {
    let fs = SimFs::new();
    let path = Path::new("/p/review.ron");
    sim_project(&fs, path, &Project::new());
    let (_, mut store, _) = Store::open_with(Arc::new(fs.clone()), path).unwrap();
    // Room for part of a line, and then no operation works for a while, so
    // the torn part cannot be cut off at once.
    fs.set_space(Some(30));
    fs.stop_after(1);
    assert!(store.append(&decision("a", Verdict::Include)).is_err());
    assert_eq!(fs.contents(&journal_path(path)).unwrap().len(), 30);
    fs.clear_faults();
    store.append(&decision("b", Verdict::Maybe)).unwrap();
    let (p, report) = load_with(&fs, path).unwrap();
    assert!(report.dropped.is_empty(), "{:?}", report.dropped);
    assert_eq!(p.decisions.len(), 1);
    assert_eq!(p.decisions[0].record, "b");
}

#[test]
fn a_checkpoint_on_a_full_disk_leaves_the_file_untouched() {
    let fs = SimFs::new();
    let path = Path::new("/p/review.ron");
    let mut project = crate::synth::project(20, 1);
    sim_project(&fs, path, &project);
    let before = fs.contents(path).unwrap();
    let (_, mut store, _) = Store::open_with(Arc::new(fs.clone()), path).unwrap();
    let c = decision(&project.records[0].key.clone(), Verdict::Include);
    store.append(&c).unwrap();
    project.apply(&c);
    fs.set_space(Some(5000));
    let err = store.checkpoint(&mut project).unwrap_err();
    assert_eq!(err.raw_os_error(), Some(28));
    assert_eq!(fs.contents(path).unwrap(), before, "never truncated");
    assert!(!fs.exists(&tmp_path(path)), "the partial new file is gone");
    assert_eq!(store.pending(), 1, "the journal still holds the change");
    fs.set_space(None);
    store.checkpoint(&mut project).unwrap();
    let (p, report) = load_with(&fs, path).unwrap();
    assert_eq!(report.applied, 0);
    assert_eq!(p, project);
    assert_eq!(fs.contents(&bak_path(path)).unwrap(), before);
}

#[test]
fn a_read_only_directory_fails_checkpoints_but_not_appends() {
    let fs = SimFs::new();
    let path = Path::new("/p/review.ron");
    let mut project = Project::new();
    sim_project(&fs, path, &project);
    let before = fs.contents(path).unwrap();
    let (_, mut store, _) = Store::open_with(Arc::new(fs.clone()), path).unwrap();
    fs.set_read_only_dir(true);
    let c = decision("a", Verdict::Include);
    store.append(&c).unwrap();
    project.apply(&c);
    let err = store.checkpoint(&mut project).unwrap_err();
    assert_eq!(err.raw_os_error(), Some(13));
    assert_eq!(fs.contents(path).unwrap(), before);
    let (p, _) = load_with(&fs, path).unwrap();
    assert_eq!(p.decisions.len(), 1);
}

#[test]
fn folding_keeps_lines_written_during_the_checkpoint() {
    let fs = SimFs::new();
    let path = Path::new("/p/review.ron");
    sim_project(&fs, path, &Project::new());
    let (mut project, mut store, _) = Store::open_with(Arc::new(fs.clone()), path).unwrap();
    let (a, b) = (
        decision("a", Verdict::Include),
        decision("b", Verdict::Maybe),
    );
    store.append(&a).unwrap();
    project.apply(&a);
    // The checkpoint's snapshot holds `a` only; `b` lands meanwhile.
    let mut snapshot = project.clone();
    snapshot.journal_seq = 1;
    store.append(&b).unwrap();
    project.apply(&b);
    write_atomic_with(&fs, path, &snapshot, None).unwrap();
    store.folded(1).unwrap();
    assert_eq!(store.pending(), 1);
    let j = String::from_utf8(fs.contents(&journal_path(path)).unwrap()).unwrap();
    assert_eq!(j.lines().count(), 1);
    assert!(j.contains("seq:2"), "{j}");
    // Appending goes on into the new journal.
    let c = decision("c", Verdict::Include);
    store.append(&c).unwrap();
    project.apply(&c);
    fs.power_cut();
    let (p, report) = load_with(&fs, path).unwrap();
    assert_eq!(report.applied, 2);
    project.journal_seq = 1;
    assert_eq!(p, project);
}

/// The prototype's layout (version 0), by hand: the shape
/// `store::migrate` documents.
const V0: &str = r#"(
  version: 0,
  created: "2025-01-01T00:00:00Z",
  reasons: [
    (id: "population", label: "Population", stage: title_abstract),
  ],
  records: [
    (key: "doi:10.1/a~00000001", origin: (source: 0, position: 1), title: "A"),
    (key: "doi:10.1/b~00000002", origin: (source: 0, position: 2), title: "B"),
  ],
  decisions: [
    (record: "doi:10.1/a~00000001", reviewer: "alice", stage: title_abstract, decision: "exclude", reasons: ["population"], time: "2025-01-02T00:00:00Z"),
  ],
  journal_seq: 3,
)
"#;

fn v0_journal_line(seq: u64, record: &str, decision: &str) -> String {
    let body = format!(
        "(seq:{seq},change:decide((record:\"{record}\",reviewer:\"alice\",stage:title_abstract,decision:\"{decision}\",time:\"2025-01-03T00:00:00Z\")))"
    );
    format!("{:08x} {body}\n", crc32fast::hash(body.as_bytes()))
}

#[test]
fn a_version_0_project_and_journal_migrate_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.ron");
    fs::write(&path, V0).unwrap();
    fs::write(
        journal_path(&path),
        v0_journal_line(4, "doi:10.1/b~00000002", "maybe"),
    )
    .unwrap();

    // Read-only: migrated in memory, files untouched.
    let (p, report) = load(&path).unwrap();
    assert_eq!(report.migrated_from, Some(0));
    assert_eq!(report.applied, 1);
    assert_eq!(p.version, VERSION);
    assert_eq!(
        p.decisions[0].verdict,
        Verdict::Exclude(vec!["population".into()])
    );
    assert_eq!(p.decisions[0].at, "2025-01-02T00:00:00Z");
    assert_eq!(p.decisions[1].verdict, Verdict::Maybe);
    assert_eq!(fs::read_to_string(&path).unwrap(), V0);

    // Opening for writing writes the current version; the old file is the
    // backup, and the journal is folded in.
    let (opened, mut store, report) = Store::open(&path).unwrap();
    assert_eq!(report.migrated_from, Some(0));
    assert_eq!(opened.decisions, p.decisions);
    assert_eq!(fs::read_to_string(bak_path(&path)).unwrap(), V0);
    assert_eq!(fs::metadata(journal_path(&path)).unwrap().len(), 0);
    store
        .append(&decision("doi:10.1/a~00000001", Verdict::Include))
        .unwrap();
    drop(store);
    let (now, report) = load(&path).unwrap();
    assert_eq!(report.migrated_from, None);
    assert_eq!(now.version, VERSION);
    assert_eq!(now.journal_seq, 4);
    assert_eq!(now.decisions.len(), 3);
}

#[test]
fn a_version_0_decision_that_cannot_migrate_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.ron");
    let text = V0.replace("decision: \"exclude\"", "decision: \"perhaps\"");
    fs::write(&path, &text).unwrap();
    let msg = Store::open(&path).map(|_| ()).unwrap_err().to_string();
    assert!(msg.contains("version 0"), "{msg}");
    assert!(msg.contains("\"perhaps\""), "{msg}");
    assert_eq!(fs::read_to_string(&path).unwrap(), text);
}

#[test]
fn the_fast_writer_writes_what_ron_writes() {
    let mut project = crate::synth::project(200, 11);
    let keys: Vec<String> = project.records.iter().map(|r| r.key.clone()).collect();
    project.records[3].sections.push(crate::record::Section {
        label: "Background".into(),
        text: "It's \"quoted\"\tand\ttabbed\\".into(),
    });
    project.records[4].duplicate_of = Some(keys[3].clone());
    for (i, k) in keys.iter().enumerate().take(50) {
        let verdict = match i % 4 {
            0 => Verdict::Include,
            1 => Verdict::Exclude(vec!["population".into(), "outcome".into()]),
            2 => Verdict::Maybe,
            _ => Verdict::Cleared,
        };
        project.apply(&Change::Decide(Decision {
            record: k.clone(),
            reviewer: "rev ü".into(),
            stage: Stage::FullText,
            verdict,
            note: if i % 3 == 0 {
                "n\no\r\u{301}".into()
            } else {
                String::new()
            },
            tags: if i % 5 == 0 {
                vec!["t1".into(), "t 2".into()]
            } else {
                vec![]
            },
            at: "2026-11-26T10:00:00Z".into(),
            rule: (i % 7 == 0).then(|| "language is not English".to_string()),
        }));
    }
    project.settings.exclusion_needs_reason = false;
    project.reasons[2].retired = true;
    let fast = ronfmt::to_string(&project).unwrap();
    let slow = ron::Options::default()
        .to_string_pretty(&project, ronfmt::pretty_config())
        .unwrap();
    assert_eq!(fast, slow);
    let back: Project = ron::from_str(&fast).unwrap();
    assert_eq!(back, project);
}

mod prop {
    use proptest::prelude::*;

    use super::super::ronfmt;
    use crate::project::{Decision, Stage, Verdict};
    use crate::record::{Field, Origin, Record};

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            "[a-z '\"\\\\]{0,20}",
            any::<String>(),
            "\\PC{0,30}",
        ]
    }

    prop_compose! {
        fn record()(title in text(), abs in text(), authors in proptest::collection::vec(text(), 0..4),
                    year in proptest::option::of(any::<i32>()), doi in text(),
                    extra in proptest::collection::vec((text(), text()), 0..3),
                    pos in any::<u32>()) -> Record {
            Record {
                key: format!("k{pos}"),
                origin: Origin { source: pos % 7, position: pos },
                title,
                abstract_text: abs,
                authors,
                year,
                doi,
                extra: extra.into_iter().map(|(tag, value)| Field { tag, value }).collect(),
                ..Record::default()
            }
        }
    }

    proptest! {
        #[test]
        fn fast_writer_equals_ron_and_reads_back(records in proptest::collection::vec(record(), 0..4),
                                                  note in text(), reasons in proptest::collection::vec(text(), 0..3)) {
            let mut p = crate::project::Project::new();
            p.records = records.into();
            p.decisions.push(Decision {
                record: "k".into(),
                reviewer: note.clone(),
                stage: Stage::TitleAbstract,
                rule: note.is_empty().then(|| "year < 2000".to_string()),
                verdict: Verdict::Exclude(reasons),
                note,
                tags: vec![],
                at: String::new(),
            });
            let fast = ronfmt::to_string(&p).unwrap();
            let slow = ron::Options::default().to_string_pretty(&p, ronfmt::pretty_config()).unwrap();
            prop_assert_eq!(&fast, &slow);
            let spliced = ronfmt::to_writer_spliced(Vec::new(), &p, "records", &p.records).unwrap();
            prop_assert_eq!(fast.as_bytes(), &spliced[..]);
            let back: crate::project::Project = ron::from_str(&fast).unwrap();
            prop_assert_eq!(back, p);
        }
    }
}

#[test]
fn the_cache_is_used_only_for_the_file_it_was_made_from() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.ron");
    let project = crate::synth::project(30, 4);
    write_atomic(&path, &project).unwrap();
    let cache = cache::cache_path(&path);
    assert!(cache.exists());
    let (p, store, _) = Store::open_with(real(), &path).unwrap();
    assert!(!store.cache_stale(), "read from the cache");
    assert_eq!(p, project);
    drop(store);

    // An edit by hand: the RON file wins, whatever the cache says.
    let text = fs::read_to_string(&path).unwrap();
    let title = &project.records[0].title;
    fs::write(&path, text.replacen(title.as_str(), "Edited by hand", 1)).unwrap();
    let (p, store, _) = Store::open_with(real(), &path).unwrap();
    assert!(store.cache_stale());
    assert_eq!(p.records[0].title, "Edited by hand");

    // A damaged cache for the right file is not used either.
    let mut store = store;
    store.write_cache(&p).unwrap();
    let (_, again, _) = Store::open_with(real(), &path).unwrap();
    assert!(!again.cache_stale());
    let mut bytes = fs::read(&cache).unwrap();
    bytes[100] ^= 0xff;
    fs::write(&cache, &bytes).unwrap();
    let (q, again, _) = Store::open_with(real(), &path).unwrap();
    assert!(again.cache_stale());
    assert_eq!(q, p);
    // Deleting it is always fine.
    fs::remove_file(&cache).unwrap();
    assert_eq!(load(&path).unwrap().0, p);
}

#[test]
fn a_cache_that_lost_its_content_to_a_power_cut_is_not_used() {
    let fs = SimFs::new();
    let path = Path::new("/p/review.ron");
    let mut project = crate::synth::project(10, 2);
    fs.put(path, to_ron_string(&project).as_bytes());
    let (_, mut store, _) = Store::open_with(Arc::new(fs.clone()), path).unwrap();
    let c = decision(&project.records[1].key.clone(), Verdict::Include);
    store.append(&c).unwrap();
    project.apply(&c);
    store.checkpoint(&mut project).unwrap();
    assert!(fs.exists(&cache::cache_path(path)));
    // The cache was never synced; make its name durable (as a later
    // directory sync would) so its emptied content is what is found.
    fs.sync_dir(Path::new("/p")).unwrap();
    fs.power_cut();
    assert!(fs.exists(&cache::cache_path(path)));
    let (p, report) = load_with(&fs, path).unwrap();
    assert_eq!(report.applied, 0);
    assert_eq!(p, project);
}

#[test]
fn a_line_being_written_by_a_live_screen_is_not_reported_as_torn() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.ron");
    write_atomic(&path, &Project::new()).unwrap();
    fs::write(journal_path(&path), b"0badc0de (seq: 1, chan").unwrap();
    let writer = crate::lock::acquire(&path, "screen").unwrap();
    let (_, report) = load(&path).unwrap();
    assert!(report.dropped.is_empty(), "{:?}", report.dropped);
    drop(writer);
    let (_, report) = load(&path).unwrap();
    assert_eq!(report.dropped.len(), 1, "no writer: a crash tore it");
}

#[test]
fn create_beside_an_orphan_journal_refuses_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.ron");
    let journal = journal_path(&path);
    fs::write(&journal, b"left by a deleted project\n").unwrap();
    let err = match Store::create(&path, &Project::new()) {
        Err(e) => e,
        Ok(_) => panic!("created a project beside an orphan journal"),
    };
    assert!(matches!(err, StoreError::OrphanJournal(_)), "{err}");
    assert!(err.to_string().contains("p.ron.journal"), "{err}");
    assert!(!path.exists());
    assert_eq!(fs::read(&journal).unwrap(), b"left by a deleted project\n");
}

#[test]
fn a_created_store_appends_and_reopens_like_an_opened_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.ron");
    let mut project = Project::new();
    let mut store = Store::create(&path, &project).unwrap();
    let c = decision("k0", Verdict::Include);
    store.append(&c).unwrap();
    project.apply(&c);
    drop(store);
    let (reloaded, report) = load(&path).unwrap();
    assert_eq!(report.applied, 1);
    assert_eq!(reloaded, project);
}

#[test]
fn a_copy_of_the_project_and_its_cache_opens_from_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.ron");
    let project = crate::synth::project(30, 4);
    write_atomic(&path, &project).unwrap();
    // A copy is a new file (another inode, other times): what reviewers do
    // to share a project, and what restoring a backup does.
    let other = tempfile::tempdir().unwrap();
    let copy = other.path().join("copy.ron");
    fs::copy(&path, &copy).unwrap();
    fs::copy(cache::cache_path(&path), cache::cache_path(&copy)).unwrap();
    let (p, store, _) = Store::open_with(real(), &copy).unwrap();
    assert!(!store.cache_stale(), "the copy's cache holds its content");
    assert_eq!(p, project);
    drop(store);

    // An edit that keeps the length is still an edit.
    let text = fs::read_to_string(&copy).unwrap();
    let title = project.records[0].title.clone();
    let mut edited = title.clone().into_bytes();
    edited[0] = if edited[0] == b'Z' { b'Y' } else { b'Z' };
    let edited = String::from_utf8(edited).unwrap();
    assert_eq!(edited.len(), title.len());
    fs::write(&copy, text.replacen(title.as_str(), &edited, 1)).unwrap();
    let (p, store, _) = Store::open_with(real(), &copy).unwrap();
    assert!(store.cache_stale());
    assert_eq!(p.records[0].title, edited);
}

#[test]
fn the_first_read_only_command_without_a_cache_writes_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.ron");
    let project = crate::synth::project(30, 4);
    fs::write(&path, to_ron_string(&project)).unwrap();
    let cache = cache::cache_path(&path);
    assert!(!cache.exists());

    // Not while a writer holds the project: its checkpoints write the
    // cache under the same temporary name.
    let writer = crate::lock::acquire(&path, "screen").unwrap();
    assert_eq!(load_and_cache(&path, Detail::Full).unwrap().0, project);
    assert!(!cache.exists());
    drop(writer);

    assert_eq!(load_and_cache(&path, Detail::Full).unwrap().0, project);
    assert!(cache.exists());
    let (p, store, _) = Store::open_with(real(), &path).unwrap();
    assert!(!store.cache_stale());
    assert_eq!(p, project);
    drop(store);

    // A file that its checksum lines do not match keeps being read from
    // RON, so every command warns until a checkpoint writes new sums.
    fs::remove_file(&cache).unwrap();
    let text = fs::read_to_string(&path).unwrap();
    let title = &project.records[0].title;
    fs::write(&path, text.replacen(title.as_str(), "Edited by hand", 1)).unwrap();
    let (_, report) = load_and_cache(&path, Detail::Full).unwrap();
    assert!(report.checksum.is_some());
    assert!(!cache.exists());
    let (_, report) = load_and_cache(&path, Detail::Full).unwrap();
    assert!(report.checksum.is_some(), "warned again");

    // The merge driver's temporary files get none.
    fs::remove_file(&path).unwrap();
    fs::write(&path, to_ron_string(&project)).unwrap();
    assert_eq!(load(&path).unwrap().0, project);
    assert!(!cache.exists());
}
