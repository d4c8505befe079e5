//! The pair of files (`PROJECT` and `PROJECT.records`): what each holds,
//! what a checkpoint writes, and what a crash or a wrong records file
//! leaves.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::super::sim::SimFs;
use super::super::*;
use crate::project::{Decision, Stage, Verdict};
use crate::record_list::Records;

fn decide(record: &str, at: &str) -> Change {
    Change::Decide(Decision {
        record: record.into(),
        reviewer: "alice".into(),
        stage: Stage::TitleAbstract,
        verdict: Verdict::Include,
        note: String::new(),
        tags: vec![],
        at: at.into(),
        rule: None,
    })
}

fn text(fs: &SimFs, path: &Path) -> String {
    String::from_utf8(fs.contents(path).unwrap()).unwrap()
}

fn records_path(path: &Path) -> PathBuf {
    Side::Records.of(path)
}

#[test]
fn a_pair_holds_the_project_in_two_files_and_reads_back_whole() {
    let fs = SimFs::new();
    let path = Path::new("/r/p.ron");
    let project = crate::synth::project(30, 4);
    let on_disk = write_pair_with(&fs, path, &project).unwrap();
    assert_eq!(on_disk.file.name, "p.ron.records");
    assert_eq!(on_disk.file.records, 30);

    let head = text(&fs, path);
    assert!(head.starts_with("(\n  version: 2,"), "{}", &head[..40]);
    assert!(head.contains("records: [],"), "{head}");
    assert!(head.contains("name: \"p.ron.records\""), "{head}");
    assert!(!head.contains(&project.records[0].key), "no record in it");
    let records = text(&fs, &records_path(path));
    assert!(
        records.starts_with("(\n  version: 2,\n  records: ["),
        "{}",
        &records[..40]
    );
    assert!(records.contains(&project.records[29].key));
    assert!(records.contains("// screener checksum 1 (xxh3)"));
    assert_eq!(
        Digest::of(records.as_bytes()),
        super::digest_of(&on_disk.file).unwrap()
    );

    let (back, report) = load_with(&fs, path).unwrap();
    assert_eq!(back, project, "in memory, the same project");
    assert_eq!(report.checksum, None);
}

#[test]
fn a_checkpoint_writes_the_records_only_when_they_changed() {
    let fs = SimFs::new();
    let path = Path::new("/r/p.ron");
    write_pair_with(&fs, path, &crate::synth::project(30, 4)).unwrap();
    let (mut project, mut store, _) = Store::open_with(Arc::new(fs.clone()), path).unwrap();
    assert!(store.records_on_disk().is_some());
    let records = records_path(path);
    let before = fs.stamp(&records).unwrap();

    let key = project.records[3].key.clone();
    let d = decide(&key, "2026-12-07T10:00:00Z");
    store.append(&d).unwrap();
    project.apply(&d);
    let ops = fs.ops();
    store.checkpoint(&mut project).unwrap();
    assert_eq!(fs.stamp(&records).unwrap(), before, "records not written");
    assert!(!fs.exists(&Side::RecordsBak.of(path)));
    assert!(fs.ops() - ops < 20, "{} operations", fs.ops() - ops);
    assert_eq!(load_with(&fs, path).unwrap().0, project);

    // A record changed (a split duplicate link, say): written anew, the old
    // ones kept for the `.bak` project file that names them.
    let old_records = project.records.clone();
    project.records[0].title = "Changed".into();
    store.checkpoint(&mut project).unwrap();
    assert_ne!(fs.stamp(&records).unwrap(), before);
    assert!(text(&fs, &records).contains("title: \"Changed\""));
    assert_eq!(load_with(&fs, path).unwrap().0, project);
    let (bak, _) = load_with(&fs, &bak_path(path)).unwrap();
    assert_eq!(bak.records, old_records, "the .bak pair reads as it was");

    // The next checkpoint with the same records drops the old ones: no
    // project file names them any more.
    let d = decide(&key, "2026-12-07T10:00:01Z");
    store.append(&d).unwrap();
    project.apply(&d);
    store.checkpoint(&mut project).unwrap();
    assert!(!fs.exists(&Side::RecordsBak.of(path)));
    assert_eq!(
        load_with(&fs, &bak_path(path)).unwrap().0.records,
        project.records
    );
}

#[test]
fn a_crash_between_the_records_and_the_project_file_reads_the_records_named() {
    let fs = SimFs::new();
    let path = Path::new("/r/p.ron");
    let a = crate::synth::project(20, 4);
    write_pair_with(&fs, path, &a).unwrap();
    // A checkpoint that wrote new records and died before the project file.
    let b = crate::synth::project(25, 5);
    super::write(&fs, path, &b.records, None).unwrap();

    let (found, _) = load_with(&fs, path).unwrap();
    assert_eq!(found, a, "the project file names the previous records");

    // A writer does not take the records file as the one named: its first
    // checkpoint writes the records again.
    let (mut project, mut store, _) = Store::open_with(Arc::new(fs.clone()), path).unwrap();
    assert!(store.records_on_disk().is_none());
    let d = decide(&a.records[0].key, "2026-12-07T10:00:00Z");
    store.append(&d).unwrap();
    project.apply(&d);
    store.checkpoint(&mut project).unwrap();
    let (found, _) = load_with(&fs, path).unwrap();
    assert_eq!(found, project);
    assert_eq!(found.records, a.records);
}

/// Power loss after each file operation of a checkpoint in turn, on the
/// disk `setup` makes, where the records `old` changed in memory: the
/// project reads back with every decision and the old or the new records,
/// the new ones once the checkpoint returned, and takes a writer again.
/// Returns how many cuts left the old and the new records.
fn power_loss_at_each_step(
    path: &Path,
    old: &Records,
    setup: impl Fn() -> (SimFs, Project, Store),
) -> (usize, usize) {
    let total = {
        let (fs, mut project, mut store) = setup();
        let before = fs.ops();
        store.checkpoint(&mut project).unwrap();
        fs.ops() - before
    };
    let (mut olds, mut news) = (0, 0);
    for cut in 0..=total + 2 {
        let (fs, mut project, mut store) = setup();
        fs.stop_after(cut);
        let done = store.checkpoint(&mut project).is_ok();
        drop(store);
        fs.power_cut();
        let (found, _) = load_with(&fs, path)
            .unwrap_or_else(|e| panic!("cut after {cut} of {total} operations: {e}"));
        assert_eq!(found.decisions, project.decisions, "cut after {cut}");
        if found.records == project.records {
            news += 1;
        } else {
            assert_eq!(
                &found.records, old,
                "cut after {cut}: old or new, nothing else"
            );
            assert!(
                !done,
                "cut after {cut}: a checkpoint that returned is durable"
            );
            olds += 1;
        }
        let (mut again, mut store, _) = Store::open_with(Arc::new(fs.clone()), path).unwrap();
        store.checkpoint(&mut again).unwrap();
        assert_eq!(load_with(&fs, path).unwrap().0, again, "cut after {cut}");
    }
    (olds, news)
}

/// Opens the pair on `fs`, saves a decision and changes a record in memory.
fn decided_and_changed(fs: &SimFs, path: &Path) -> (Project, Store) {
    let (mut project, mut store, _) = Store::open_with(Arc::new(fs.clone()), path).unwrap();
    let d = decide(&project.records[2].key, "2026-12-07T10:00:00Z");
    store.append(&d).unwrap();
    project.apply(&d);
    project.records[1].title = "Changed".into();
    (project, store)
}

#[test]
fn power_loss_at_any_point_of_a_checkpoint_that_writes_records() {
    let path = Path::new("/r/p.ron");
    let a = crate::synth::project(20, 4);
    let (old, new) = power_loss_at_each_step(path, &a.records, || {
        let fs = SimFs::new();
        write_pair_with(&fs, path, &a).unwrap();
        let (project, store) = decided_and_changed(&fs, path);
        (fs, project, store)
    });
    assert!(old > 3 && new > 0, "old {old}, new {new}");
}

#[test]
fn a_records_file_that_is_not_the_one_named_is_refused_saying_what_to_do() {
    let fs = SimFs::new();
    let path = Path::new("/r/p.ron");
    write_pair_with(&fs, path, &crate::synth::project(20, 4)).unwrap();
    let other = Path::new("/r/other.ron");
    write_pair_with(&fs, other, &crate::synth::project(20, 9)).unwrap();
    let records = records_path(path);
    fs.put(&records, &fs.contents(&records_path(other)).unwrap());

    let err = load_with(&fs, path).unwrap_err();
    assert!(matches!(err, StoreError::Records { .. }), "{err:?}");
    let message = err.to_string();
    for words in [
        "/r/p.ron.records: is not the records file the project file names",
        "a pair of files: copy, move and commit both",
        "screener recover /r/p.ron",
    ] {
        assert!(message.contains(words), "{words:?} in {message}");
    }
    assert!(Store::open_with(Arc::new(fs.clone()), path).is_err());

    fs.remove(&records).unwrap();
    let message = load_with(&fs, path).unwrap_err().to_string();
    assert!(
        message.starts_with("/r/p.ron.records: is missing."),
        "{message}"
    );
}

#[test]
fn a_name_with_a_path_is_refused() {
    let fs = SimFs::new();
    let path = Path::new("/r/p.ron");
    write_pair_with(&fs, path, &crate::synth::project(5, 4)).unwrap();
    let head = text(&fs, path).replace("name: \"p.ron.records\"", "name: \"../p.ron.records\"");
    fs.put(path, head.as_bytes());
    let message = load_with(&fs, path).unwrap_err().to_string();
    assert!(
        message.contains("only a file name in the same folder"),
        "{message}"
    );
}

#[test]
fn the_cache_of_a_pair_is_used_while_the_records_file_is_the_one_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.ron");
    let project = crate::synth::project(30, 4);
    write_pair_with(&RealFs, &path, &project).unwrap();
    let (p, store, _) = Store::open_with(real(), &path).unwrap();
    assert!(!store.cache_stale(), "read from the cache");
    assert!(store.records_on_disk().is_some());
    assert_eq!(p, project);
    drop(store);

    // A checkpoint that writes only the project file writes only the small
    // cache; the records cache stays as it was, and still serves.
    let records_cache = dir.path().join("p.ron.records.cache");
    let head_cache = dir.path().join("p.ron.cache");
    let before = std::fs::read(&records_cache).unwrap();
    assert!(std::fs::metadata(&head_cache).unwrap().len() * 4 < before.len() as u64);
    let (mut p, mut store, _) = Store::open_with(real(), &path).unwrap();
    let d = decide(&p.records[0].key, "2026-12-07T10:00:00Z");
    store.append(&d).unwrap();
    p.apply(&d);
    let stamp = RealFs.stamp(&records_cache).unwrap();
    store.checkpoint(&mut p).unwrap();
    assert_eq!(RealFs.stamp(&records_cache).unwrap(), stamp);
    drop(store);
    let (q, store, _) = Store::open_with(real(), &path).unwrap();
    assert!(!store.cache_stale());
    assert_eq!(q, p);
    drop(store);

    // Without the records cache the pair is read from RON, and the first
    // read-only command writes it again.
    std::fs::remove_file(&records_cache).unwrap();
    let (_, store, _) = Store::open_with(real(), &path).unwrap();
    assert!(store.cache_stale());
    drop(store);
    assert_eq!(load_and_cache(&path, Detail::Full).unwrap().0, p);
    assert_eq!(std::fs::read(&records_cache).unwrap(), before);
    let (_, store, _) = Store::open_with(real(), &path).unwrap();
    assert!(!store.cache_stale());
    drop(store);
    let project = p;

    // A copy of the four files opens from its caches too.
    let copy = tempfile::tempdir().unwrap();
    for name in [
        "p.ron",
        "p.ron.records",
        "p.ron.cache",
        "p.ron.records.cache",
    ] {
        std::fs::copy(dir.path().join(name), copy.path().join(name)).unwrap();
    }
    let copied = copy.path().join("p.ron");
    let (p, store, _) = Store::open_with(real(), &copied).unwrap();
    assert!(!store.cache_stale(), "the copy's cache holds its content");
    assert_eq!(p, project);
    drop(store);

    // Another project's records under the name: the cache is not used,
    // and the records file is refused.
    let other = tempfile::tempdir().unwrap();
    let other_path = other.path().join("p.ron");
    write_pair_with(&RealFs, &other_path, &crate::synth::project(30, 5)).unwrap();
    std::fs::copy(
        other.path().join("p.ron.records"),
        copy.path().join("p.ron.records"),
    )
    .unwrap();
    let err = Store::open_with(real(), &copied).err().unwrap();
    assert!(matches!(err, StoreError::Records { .. }), "{err}");
}

#[test]
fn power_loss_while_records_are_written_after_an_earlier_crash_between_the_renames() {
    let path = Path::new("/r/p.ron");
    let a = crate::synth::project(20, 4);
    let (old, new) = power_loss_at_each_step(path, &a.records, || {
        let fs = SimFs::new();
        write_pair_with(&fs, path, &a).unwrap();
        // The first crash: new records in place, the project file not yet.
        super::write(&fs, path, &crate::synth::project(25, 5).records, None).unwrap();
        let (project, store) = decided_and_changed(&fs, path);
        (fs, project, store)
    });
    assert!(old > 3 && new > 0, "old {old}, new {new}");
}

/// The project opened as the screen opens it: the abstracts left in the
/// records cache (`abstracts_on_disk`).
fn open_lean(fs: &SimFs, path: &Path) -> (Project, Store) {
    let (project, store, _) = Store::open_with_as(
        Arc::new(fs.clone()),
        path,
        Detail::AbstractsOnDisk { from: 0 },
    )
    .unwrap();
    (project, store)
}

#[test]
fn the_screen_reads_a_pair_without_its_abstracts_and_writes_them_all_at_any_power_cut() {
    let path = Path::new("/r/p.ron");
    let mut a = crate::synth::project(20, 4);
    a.records[3].sections = vec![crate::record::Section {
        label: "Methods".into(),
        text: "A structured part.".into(),
    }];
    a.records[6].abstract_text.clear();
    let fs = SimFs::new();
    write_pair_with(&fs, path, &a).unwrap();
    let (lean, _store) = open_lean(&fs, path);
    assert!(lean.records.abstracts_on_disk());
    assert!(lean.records.iter().all(|r| r.abstract_text.is_empty()));
    assert_eq!(lean, a, "each record whole when asked");
    for (i, r) in a.records.iter().enumerate() {
        assert_eq!(lean.records.abstract_of(i).unwrap(), r.abstract_text, "{i}");
    }
    assert_eq!(
        lean.records.full(3).unwrap().sections,
        a.records[3].sections
    );

    // A checkpoint that writes the records (a split duplicate link in the
    // screen) writes them whole, at whatever point the power fails.
    let (old, new) = power_loss_at_each_step(path, &a.records, || {
        let fs = SimFs::new();
        write_pair_with(&fs, path, &a).unwrap();
        let (mut project, store) = open_lean(&fs, path);
        let d = decide(&project.records[2].key, "2026-12-07T10:00:00Z");
        project.apply(&d);
        project.records[1].duplicate_of = Some(project.records[0].key.clone());
        let mut store = store;
        store.append(&d).unwrap();
        (fs, project, store)
    });
    assert!(old > 3 && new > 0, "old {old}, new {new}");

    // After that write the list is still the one without abstracts, and a
    // checkpoint of decisions leaves the records file alone again.
    let (mut project, mut store) = open_lean(&fs, path);
    project.records[1].duplicate_of = Some(project.records[0].key.clone());
    store.checkpoint(&mut project).unwrap();
    assert!(project.records.abstracts_on_disk());
    let stamp = fs.stamp(&records_path(path)).unwrap();
    let d = decide(&project.records[5].key, "2026-12-07T10:00:01Z");
    store.append(&d).unwrap();
    project.apply(&d);
    store.checkpoint(&mut project).unwrap();
    assert_eq!(fs.stamp(&records_path(path)).unwrap(), stamp);
    let (back, _) = load_with(&fs, path).unwrap();
    assert_eq!(back, project);
    assert_eq!(back.records[7].abstract_text, a.records[7].abstract_text);
}

#[test]
fn a_damaged_records_cache_gives_whole_records_from_the_records_file() {
    let path = Path::new("/r/p.ron");
    let a = crate::synth::project(20, 4);
    let fs = SimFs::new();
    write_pair_with(&fs, path, &a).unwrap();
    let cache = Side::RecordsCache.of(path);
    let mut bytes = fs.contents(&cache).unwrap();
    bytes[100] ^= 0x20;
    let mut f = fs.create(&cache).unwrap();
    std::io::Write::write_all(&mut f, &bytes).unwrap();
    drop(f);
    let (p, _) = open_lean(&fs, path);
    assert!(!p.records.abstracts_on_disk(), "read from RON, whole");
    assert_eq!(p, a);
}

#[cfg(unix)]
#[test]
fn a_records_cache_overwritten_in_place_under_the_screen_is_said_not_shown_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.ron");
    let a = crate::synth::project(30, 4);
    write_pair_with(&RealFs, &path, &a).unwrap();
    let (p, _store, _) =
        Store::open_with_as(real(), &path, Detail::AbstractsOnDisk { from: 0 }).unwrap();
    assert!(p.records.abstracts_on_disk());
    assert_eq!(p.records.shown(4).abstract_text, a.records[4].abstract_text);

    // Another project's cache copied over it by hand (`cp` writes into the
    // same file): the screen reads that file, sees other records, and
    // says so.
    let other = tempfile::tempdir().unwrap();
    let other_path = other.path().join("p.ron");
    write_pair_with(&RealFs, &other_path, &crate::synth::project(30, 5)).unwrap();
    std::fs::write(
        Side::RecordsCache.of(&path),
        std::fs::read(Side::RecordsCache.of(&other_path)).unwrap(),
    )
    .unwrap();
    let shown = p.records.shown(4);
    assert!(
        shown
            .abstract_text
            .starts_with("[The abstract could not be read: ")
            && shown
                .abstract_text
                .contains("p.ron.records.cache: record 5"),
        "{}",
        shown.abstract_text
    );
    assert_eq!(shown.title, a.records[4].title);
    assert!(p.records.materialised().is_err());
}

#[test]
fn a_pair_copied_without_its_records_cache_gets_one_at_the_first_checkpoint() {
    let path = Path::new("/r/p.ron");
    let a = crate::synth::project(20, 4);
    let fs = SimFs::new();
    write_pair_with(&fs, path, &a).unwrap();
    let cache = Side::RecordsCache.of(path);
    fs.remove(&cache).unwrap();
    let (mut project, mut store) = open_lean(&fs, path);
    assert!(!project.records.abstracts_on_disk(), "read whole from RON");
    let records = fs.stamp(&records_path(path)).unwrap();
    let d = decide(&project.records[0].key, "2026-12-07T10:00:00Z");
    store.append(&d).unwrap();
    project.apply(&d);
    store.checkpoint(&mut project).unwrap();
    assert_eq!(
        fs.stamp(&records_path(path)).unwrap(),
        records,
        "not written"
    );
    assert!(fs.exists(&cache), "its cache written again");
    drop(store);
    let (lean, _) = open_lean(&fs, path);
    assert!(lean.records.abstracts_on_disk());
    assert_eq!(lean, project);
    // Once there, a checkpoint leaves it alone.
    let before = fs.stamp(&cache).unwrap();
    let (mut project, mut store) = open_lean(&fs, path);
    let d = decide(&project.records[1].key, "2026-12-07T10:00:01Z");
    store.append(&d).unwrap();
    project.apply(&d);
    store.checkpoint(&mut project).unwrap();
    assert_eq!(fs.stamp(&cache).unwrap(), before);
}
