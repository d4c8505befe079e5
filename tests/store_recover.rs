//! `screener recover` through the binary on the scenario: `.bak`
//! at journal_seq 2, two maybes only in the (damaged) project file, the
//! journal starting at 5; and a journal line with a bad checksum, kept in
//! the quarantine and shown by `recover`.

mod common;

use std::path::{Path, PathBuf};

use common::run;
use screener::project::{Change, Decision, Project, Stage, Verdict};
use screener::store::recover::{Choice, examine, write_in_place};
use screener::store::{RealFs, Store, bak_path, journal_path, write_atomic};

fn decide(project: &Project, i: usize, verdict: Verdict) -> Change {
    Change::Decide(Decision {
        record: project.records[i].key.clone(),
        reviewer: "alice".into(),
        stage: Stage::TitleAbstract,
        verdict,
        note: String::new(),
        tags: vec![],
        at: format!("2026-11-26T10:00:0{i}Z"),
        rule: None,
    })
}

/// Decisions 1–2 checkpointed (now in `.bak`), 3–4 (two maybes)
/// checkpointed (only in the file), 5 in the journal; then one record's
/// title in the file damaged so that it no longer parses.
fn scenario(dir: &Path) -> (PathBuf, String) {
    std::fs::write(dir.join("synth.ris"), screener::synth::ris(10, 4)).unwrap();
    let (code, out, err) = run(&["import", "review.ron", "synth.ris"], dir);
    assert_eq!(code, 0, "{out}{err}");
    let path = dir.join("review.ron");
    let (mut project, mut store, _) = Store::open(&path).unwrap();
    let steps = [
        vec![(0, Verdict::Include), (1, Verdict::Include)],
        vec![(2, Verdict::Maybe), (3, Verdict::Maybe)],
    ];
    for step in steps {
        for (i, v) in step {
            let c = decide(&project, i, v);
            store.append(&c).unwrap();
            project.apply(&c);
        }
        store.checkpoint(&mut project).unwrap();
    }
    store
        .append(&decide(&project, 4, Verdict::Include))
        .unwrap();
    drop(store);
    let key = project.records[6].key.clone();
    let mut text = std::fs::read_to_string(&path).unwrap();
    let at = text.find(&format!("key: \"{key}\"")).unwrap();
    let t = at + text[at..].find("title: \"").unwrap() + 10;
    text.replace_range(t..t + 1, "\"");
    std::fs::write(&path, text).unwrap();
    (path, key)
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_damaged_file_names_recover_and_recover_finds_the_two_maybes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (_, broken) = scenario(d);

    let (code, _, err) = run(&["status", "review.ron"], d);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("`screener recover review.ron`"), "{err}");
    assert!(
        err.contains("review.ron.bak") && err.contains("review.ron.journal"),
        "{err}"
    );
    assert!(
        !err.contains("copy it over"),
        "the old advice lost decisions: {err}"
    );

    let before = files(d);
    let (code, out, err) = run(&["recover", "review.ron"], d);
    assert_eq!(code, 0, "{err}");
    eprintln!("{out}");
    assert_eq!(files(d), before, "a report changes nothing");
    assert!(out.contains("changes 3–4 are in neither"), "{out}");
    let bak = out
        .lines()
        .skip_while(|l| !l.starts_with("  bak ("))
        .collect::<Vec<_>>();
    assert!(bak[0].contains("— loses:"), "{out}");
    assert!(bak[1].contains("2 decisions"), "{out}");
    assert!(
        bak[2].starts_with("        maybe on ") && bak[3].starts_with("        maybe on "),
        "{out}"
    );
    assert!(
        out.contains("  merged (") && out.contains("— loses nothing"),
        "{out}"
    );
    assert!(out.contains(&format!("1 record: {broken}")), "{out}");

    let (code, out, err) = run(&["recover", "review.ron", "--json"], d);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["file"]["journal_seq"], 4);
    assert_eq!(v["bak"]["journal_seq"], 2);
    let bak = v["choices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "bak")
        .unwrap();
    assert_eq!(bak["lost_decisions"].as_array().unwrap().len(), 2);
    assert_eq!(bak["lost_decisions"][0]["verdict"], "maybe");

    // A new file, the rest untouched.
    let (code, _, err) = run(&["recover", "review.ron", "-o", "repaired.ron"], d);
    assert_eq!(code, 0, "{err}");
    let mut after = files(d);
    after.retain(|(n, _)| !n.starts_with("repaired.ron"));
    assert_eq!(after, before);
    let (code, out, err) = run(
        &["status", "repaired.ron", "--reviewer", "alice", "--json"],
        d,
    );
    assert_eq!(code, 0, "{err}");
    let s: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (
            s["records"].as_u64(),
            s["maybe"].as_u64(),
            s["included"].as_u64()
        ),
        (Some(10), Some(2), Some(3))
    );

    // In place: every input copied aside, then the project reads.
    let (code, out, err) = run(&["recover", "review.ron", "--write"], d);
    assert_eq!(code, 0, "{out}{err}");
    let copies = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.is_dir() && p.to_string_lossy().contains("review.ron.recovered-"))
        .expect("a folder of copies");
    let kept = files(&copies);
    for (name, bytes) in &before {
        if ["review.ron", "review.ron.bak", "review.ron.journal"].contains(&name.as_str()) {
            assert!(
                kept.contains(&(name.clone(), bytes.clone())),
                "{name} copied as it was"
            );
        }
    }
    let (code, out, err) = run(
        &["status", "review.ron", "--reviewer", "alice", "--json"],
        d,
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.is_empty(), "no warning after the repair: {err}");
    let s: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (s["maybe"].as_u64(), s["included"].as_u64()),
        (Some(2), Some(3))
    );
}

#[test]
fn a_journal_line_with_a_bad_checksum_is_quarantined_and_recover_shows_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("synth.ris"), screener::synth::ris(10, 4)).unwrap();
    let (code, out, err) = run(&["import", "review.ron", "synth.ris"], d);
    assert_eq!(code, 0, "{out}{err}");
    let path = d.join("review.ron");
    let (project, mut store, _) = Store::open(&path).unwrap();
    store
        .append(&decide(&project, 0, Verdict::Include))
        .unwrap();
    store.append(&decide(&project, 1, Verdict::Maybe)).unwrap();
    drop(store);
    // One byte of the second line changes (bit rot): its checksum fails.
    let journal = d.join("review.ron.journal");
    let mut bytes = std::fs::read(&journal).unwrap();
    let second = bytes.iter().position(|&b| b == b'\n').unwrap() + 1;
    let at = second
        + bytes[second..]
            .windows(5)
            .position(|w| w == b"maybe")
            .unwrap();
    bytes[at] = b'M';
    std::fs::write(&journal, &bytes).unwrap();

    let (code, _, err) = run(&["status", "review.ron", "--reviewer", "alice"], d);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("review.ron.journal:2: unreadable journal line (checksum mismatch)"),
        "{err}"
    );
    assert!(
        err.contains("keeps it in review.ron.journal.rejected"),
        "{err}"
    );
    assert!(
        !d.join("review.ron.journal.rejected").exists(),
        "status changes nothing"
    );

    // A writer keeps it before its checkpoint empties the journal.
    std::fs::write(d.join("more.ris"), screener::synth::ris(3, 9)).unwrap();
    let (code, out, err) = run(&["import", "review.ron", "more.ris"], d);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(std::fs::read(&journal).unwrap(), b"", "folded and emptied");
    let kept = std::fs::read(d.join("review.ron.journal.rejected")).unwrap();
    let kept = String::from_utf8_lossy(&kept);
    assert!(kept.starts_with("# rejected "), "{kept}");
    assert!(
        kept.contains("from review.ron.journal line 2: checksum mismatch\n"),
        "{kept}"
    );
    assert!(kept.contains("Maybe"), "the line as it was: {kept}");

    let (code, out, err) = run(&["recover", "review.ron"], d);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("review.ron.journal.rejected: 1 kept line"),
        "{out}"
    );
    assert!(
        out.contains("(journal line 2, checksum mismatch, kept ")
            && out.contains("unreadable: unreadable entry"),
        "`Maybe` is no verdict, so the text does not read: {out}"
    );

    // A flipped byte that keeps the text readable (in the date) is shown
    // as the change it held, and --include-rejected adds it.
    let (project, mut store, _) = Store::open(&path).unwrap();
    store.append(&decide(&project, 2, Verdict::Maybe)).unwrap();
    drop(store);
    let mut bytes = std::fs::read(&journal).unwrap();
    let at = bytes.windows(4).position(|w| w == b"2026").unwrap();
    bytes[at + 3] = b'7';
    std::fs::write(&journal, &bytes).unwrap();
    let (code, out, err) = run(&["import", "review.ron", "more.ris"], d);
    assert_eq!(code, 0, "{out}{err}");
    let (_, out, _) = run(&["recover", "review.ron"], d);
    assert!(out.contains("2 kept lines"), "{out}");
    assert!(
        out.contains("maybe on ")
            && out.contains("2027-11-26T10:00:02Z")
            && out.contains("[its checksum is wrong: the text may have been altered]"),
        "{out}"
    );
    assert!(
        out.contains("only in the quarantine: add with --include-rejected"),
        "{out}"
    );
    let (code, out, err) = run(
        &["recover", "review.ron", "--write", "--include-rejected"],
        d,
    );
    assert_eq!(code, 0, "{out}{err}");
    let (_, out, _) = run(
        &["status", "review.ron", "--reviewer", "alice", "--json"],
        d,
    );
    let s: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (s["included"].as_u64(), s["maybe"].as_u64()),
        (Some(1), Some(1))
    );
    let kept_after = std::fs::read(d.join("review.ron.journal.rejected")).unwrap();
    assert!(kept_after.len() >= kept.len(), "never truncated");
}

#[test]
fn a_flipped_byte_inside_a_string_is_a_warning_naming_the_record() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("synth.ris"), screener::synth::ris(10, 4)).unwrap();
    let (code, out, err) = run(&["import", "review.ron", "synth.ris"], d);
    assert_eq!(code, 0, "{out}{err}");
    let (code, _, err) = run(&["status", "review.ron"], d);
    assert_eq!(code, 0);
    assert!(err.is_empty(), "a file as written verifies: {err}");
    let path = d.join("review.ron");
    let (project, _) = screener::store::load(&path).unwrap();
    let record = &project.records[5];
    let mut bytes = std::fs::read(&path).unwrap();
    let at = bytes
        .windows(record.title.len())
        .position(|w| w == record.title.as_bytes())
        .unwrap()
        + 3;
    bytes[at] ^= 0x20; // a letter changes case: the file still parses
    std::fs::write(&path, &bytes).unwrap();

    let (code, out, err) = run(&["status", "review.ron", "--json"], d);
    assert_eq!(code, 0, "a warning, never a refusal: {err}");
    assert!(out.contains("\"records\":10"), "{out}");
    assert!(
        err.starts_with("warning: review.ron:")
            && err.contains(&format!("record {}", record.key))
            && err.contains("is not what screener last wrote there"),
        "{err}"
    );
    let (_, out, _) = run(&["recover", "review.ron"], d);
    assert!(out.contains("differs from its checksum"), "{out}");
    assert!(out.contains(&format!("record {}", record.key)), "{out}");

    // The next checkpoint takes the file as it is: no more warning.
    std::fs::write(d.join("more.ris"), screener::synth::ris(3, 9)).unwrap();
    let (code, out, err) = run(&["import", "review.ron", "more.ris"], d);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        err.contains(&format!("record {}", record.key)),
        "said once more: {err}"
    );
    let (_, _, err) = run(&["status", "review.ron"], d);
    assert!(err.is_empty(), "{err}");
}

#[test]
fn what_each_way_of_repairing_keeps_and_loses() {
    let dir = tempfile::tempdir().unwrap();
    let (path, broken_key) = scenario(dir.path());
    let f = examine(&RealFs, &path);
    assert!(f.file.error.is_some());
    let file = f.file.project.as_ref().expect("salvaged");
    assert_eq!(file.records.len(), 9, "one record lost in the file");
    assert_eq!(file.decisions.len(), 4);
    assert_eq!(f.file.journal_seq, Some(4));
    assert_eq!(f.file.unreadable.len(), 1, "{:?}", f.file.unreadable);
    assert!(f.file.unreadable[0].what.contains(&broken_key));
    assert_eq!(f.bak.journal_seq, Some(2));
    let seqs: Vec<u64> = f.journal.entries.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, [5]);
    // Copying .bak over loses the two maybes.
    let bak = f.outcome(Choice::Bak, false);
    let lost: Vec<&Verdict> = bak.lost_decisions.iter().map(|d| &d.verdict).collect();
    assert_eq!(lost, [&Verdict::Maybe, &Verdict::Maybe]);
    assert!(bak.lost_records.is_empty());
    // The file alone loses the damaged record, which .bak has.
    let file = f.outcome(Choice::File, false);
    assert!(file.lost_decisions.is_empty());
    assert_eq!(file.lost_records, std::slice::from_ref(&broken_key));
    // Merged loses nothing, and puts the record back in its place.
    let merged = f.outcome(Choice::Merged, false);
    assert!(merged.lost_decisions.is_empty() && merged.lost_records.is_empty());
    let p = merged.project.unwrap();
    assert_eq!(p.records.len(), 10);
    assert_eq!(p.records[6].key, broken_key);
    assert_eq!(p.decisions.len(), 5);
    assert_eq!(p.journal_seq, 5);

    let before: Vec<Vec<u8>> = [path.clone(), bak_path(&path), journal_path(&path)]
        .iter()
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    let w = write_in_place(&f, &p).unwrap();
    assert_eq!(w.copied.len(), 3);
    for (copy, bytes) in w.copied.iter().zip(&before) {
        assert_eq!(&std::fs::read(copy).unwrap(), bytes);
    }
    let (read, report) = screener::store::load(&path).unwrap();
    assert_eq!(read.decisions.len(), 5);
    assert_eq!(report.applied, 0);
    assert!(report.checksum.is_none());
    assert_eq!(
        std::fs::read(bak_path(&path)).unwrap(),
        before[0],
        "the damaged file is .bak"
    );

    // Cut in the middle of its decisions, the file has lost its
    // journal_seq too: the journal is applied without doubling what the
    // file holds, and .bak fills in the rest.
    write_atomic(&path, &p).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let cut = text.find("  decisions: [").unwrap() + 400;
    std::fs::write(&path, &text[..cut]).unwrap();
    let f = examine(&RealFs, &path);
    assert_eq!(f.file.journal_seq, None);
    assert!(f.file.project.as_ref().unwrap().decisions.len() < 5);
    let merged = f.outcome(Choice::Merged, false);
    assert_eq!(
        merged.project.unwrap().decisions.len(),
        5,
        "{:?}",
        merged.lost_decisions
    );
}
