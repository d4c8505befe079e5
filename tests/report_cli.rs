//! `prisma`, `status` and `export` through the binary, on a corpus search
//! (three databases) screened by two reviewers and a consensus through both
//! stages: the formats agree with each other and with `status`, files are
//! not overwritten without `--force`, and the exported RIS comes back into
//! screener with the same keys and reads the same in another RIS reader.

mod common;

use std::path::{Path, PathBuf};

use biblib::CitationParser;
use screener::project::CONSENSUS;
use screener::store::Store;

const FILES: [(&str, &str); 3] = [
    ("ris/citesource_gambling_scopus_255.ris", "Scopus"),
    ("ris/citesource_gambling_pubmed_176.ris", "PubMed"),
    ("ris/citesource_gambling_psycinfo_124.ris", "APA PsycInfo"),
];

/// `review.ron` in a fresh folder: the three files imported with the
/// binary, then the simulated team's decisions journaled and checkpointed.
fn screened_project() -> Option<(tempfile::TempDir, PathBuf)> {
    let corpus = common::corpus()?;
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("review.ron");
    for (file, db) in FILES {
        let path = corpus.join(file);
        let (code, _, err) = common::run(
            &[
                "import",
                "review.ron",
                path.to_str().unwrap(),
                "--source",
                db,
            ],
            dir.path(),
        );
        assert_eq!(code, 0, "{err}");
    }
    let (mut p, mut store, _) = Store::open(&project).unwrap();
    let changes = screener::synth_screening::two_reviewers(&p, 3);
    store.append_batch(&changes).unwrap();
    for c in &changes {
        p.apply(c);
    }
    // Left in the journal, not checkpointed: read-only commands must see
    // the journal's decisions.
    drop(store);
    Some((dir, project))
}

fn run_ok(args: &[&str], dir: &Path) -> String {
    let (code, out, err) = common::run(args, dir);
    assert_eq!(code, 0, "{args:?}: {err}");
    out
}

fn json(args: &[&str], dir: &Path) -> serde_json::Value {
    serde_json::from_str(&run_ok(args, dir)).unwrap()
}

#[test]
fn prisma_formats_agree_with_each_other_and_with_status() {
    let Some((dir, _)) = screened_project() else {
        return;
    };
    let d = dir.path();
    let p = json(&["prisma", "review.ron", "--json"], d);
    assert_eq!(p["reviewer"], CONSENSUS);
    let n = |k: &str| p[k].as_u64().unwrap_or_else(|| panic!("{k}: {}", p[k]));
    assert_eq!(n("identified"), 555);
    let dbs: Vec<(String, u64)> = p["databases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["name"].as_str().unwrap().to_string(),
                d["n"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        dbs,
        [
            ("Scopus".to_string(), 255),
            ("PubMed".to_string(), 176),
            ("APA PsycInfo".to_string(), 124)
        ]
    );
    assert_eq!(
        n("identified"),
        n("duplicates") + n("automation") + n("other") + n("screened") + n("pending_screening")
    );
    assert_eq!(n("screened"), n("excluded") + n("sought"));
    assert_eq!(
        n("sought"),
        n("not_retrieved") + n("assessed") + n("pending_retrieval")
    );
    let reasons: u64 = p["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["n"].as_u64().unwrap())
        .sum();
    assert_eq!(
        n("assessed"),
        reasons + n("included") + n("pending_assessment")
    );
    assert!(n("included") > 0 && n("other") > 0, "{p}");

    // status, for the same reviewer, counts the same records.
    let ta = json(
        &["status", "review.ron", "--reviewer", CONSENSUS, "--json"],
        d,
    );
    let ft = json(
        &[
            "status",
            "review.ron",
            "--reviewer",
            CONSENSUS,
            "--stage",
            "full-text",
            "--json",
        ],
        d,
    );
    let s = |v: &serde_json::Value, k: &str| v[k].as_u64().unwrap();
    assert_eq!(s(&ta, "records"), n("identified"));
    assert_eq!(s(&ta, "duplicates"), n("duplicates"));
    assert_eq!(s(&ta, "excluded"), n("excluded") + n("other"));
    assert_eq!(s(&ta, "included") + s(&ta, "maybe"), n("sought"));
    assert_eq!(s(&ft, "included"), n("included"));
    assert_eq!(s(&ft, "excluded"), n("reports_excluded"));
    assert_eq!(s(&ft, "not_retrieved"), n("not_retrieved"));
    assert_eq!(s(&ft, "undecided"), n("pending_retrieval"));

    // The outline, the SVG, Mermaid, CSV and the template say the same.
    let text = run_ok(&["prisma", "review.ron"], d);
    let svg = run_ok(&["prisma", "review.ron", "--format", "svg"], d);
    // The SVG's lines of text, each box's joined (a long line wraps).
    let svg_text: String = svg
        .split("<text")
        .skip(1)
        .filter_map(|t| Some(t.split_once('>')?.1.split_once("</text>")?.0))
        .collect::<Vec<_>>()
        .join(" ")
        .replace('\u{a0}', " ");
    let mermaid = run_ok(&["prisma", "review.ron", "--format", "mermaid"], d);
    let csv = run_ok(&["prisma", "review.ron", "--format", "csv"], d);
    let template = run_ok(&["prisma", "review.ron", "--format", "prisma2020"], d);
    let fmt = |x: u64| screener::human::fmt_n(x as usize);
    for (label, key, row) in [
        ("Records screened", "screened", "records_screened"),
        ("Records excluded", "excluded", "records_excluded"),
        (
            "Reports sought for retrieval",
            "sought",
            "dbr_sought_reports",
        ),
        (
            "Reports not retrieved",
            "not_retrieved",
            "dbr_notretrieved_reports",
        ),
        (
            "Reports assessed for eligibility",
            "assessed",
            "dbr_assessed",
        ),
        ("Duplicate records", "duplicates", "duplicates"),
        (
            "Records removed for other reasons",
            "other",
            "excluded_other",
        ),
        ("Studies included in review", "included", "new_studies"),
    ] {
        let shown = format!("{label} (n = {})", fmt(n(key)));
        assert!(text.contains(&shown), "outline lacks {shown}:\n{text}");
        assert!(mermaid.contains(&shown), "mermaid lacks {shown}");
        assert!(svg_text.contains(&shown), "svg lacks {shown}");
        let row_of = csv
            .lines()
            .find(|l| l.starts_with(&format!("{key},")))
            .unwrap();
        assert!(row_of.ends_with(&format!(",{}", n(key))), "{row_of}");
        let line = template
            .lines()
            .find(|l| l.starts_with(&format!("{row},")))
            .unwrap();
        assert!(
            line.ends_with(&format!(",{}", n(key))),
            "{line} vs {}",
            n(key)
        );
    }
    assert!(text.contains("no abstract (n = "), "{text}");
    assert!(svg.starts_with("<svg"));
}

#[test]
fn output_files_are_written_whole_and_not_replaced_without_force() {
    let Some((dir, _)) = screened_project() else {
        return;
    };
    let d = dir.path();
    run_ok(
        &["prisma", "review.ron", "--format", "svg", "-o", "flow.svg"],
        d,
    );
    let first = std::fs::read(d.join("flow.svg")).unwrap();
    let (code, _, err) = common::run(&["prisma", "review.ron", "-o", "flow.svg"], d);
    assert_eq!(code, 1);
    assert!(
        err.contains("flow.svg exists") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(std::fs::read(d.join("flow.svg")).unwrap(), first);
    run_ok(&["prisma", "review.ron", "-o", "flow.svg", "--force"], d);
    assert!(
        std::fs::read_to_string(d.join("flow.svg"))
            .unwrap()
            .starts_with("PRISMA 2020")
    );
    let (code, _, _) = common::run(&["export", "review.ron", "-o", "flow.svg"], d);
    assert_eq!(code, 1);
    run_ok(
        &[
            "status",
            "review.ron",
            "--format",
            "markdown",
            "-o",
            "status.md",
        ],
        d,
    );
    let md = std::fs::read_to_string(d.join("status.md")).unwrap();
    assert!(md.contains("| reviewer | to screen |"), "{md}");
    // Nothing else was left in the folder (no temporary files).
    let mut names: Vec<String> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with("review.ron"))
        .collect();
    names.sort();
    assert_eq!(names, ["flow.svg", "status.md"]);
}

#[test]
fn status_shows_every_reviewer_and_says_when_the_one_named_has_nothing() {
    let Some((dir, _)) = screened_project() else {
        return;
    };
    let d = dir.path();
    let (code, out, err) = common::run(&["status", "review.ron", "--reviewer", "alcie"], d);
    assert_eq!(code, 0);
    assert!(err.contains("alcie has no decisions"), "{err}");
    assert!(
        err.contains("alice (") && err.contains("consensus ("),
        "{err}"
    );
    for name in ["alice", "bob", "consensus", "alcie"] {
        assert!(
            out.lines().any(|l| l.trim_start().starts_with(name)),
            "{name}:\n{out}"
        );
    }
    let t = json(
        &["status", "review.ron", "--reviewer", "alice", "--json"],
        d,
    );
    assert_eq!(t["reviewers"].as_array().unwrap().len(), 3);
    assert_eq!(t["stages"][1]["stage"], "full-text");
    let sources = t["sources"].as_array().unwrap();
    assert_eq!(sources.len(), 3);
    let total: u64 = sources
        .iter()
        .map(|s| s["eligible"].as_u64().unwrap())
        .sum();
    assert_eq!(total, t["eligible"].as_u64().unwrap());
    assert_eq!(t["databases"][1]["database"], "PubMed");
    let days = t["days"].as_array().unwrap();
    let screened: u64 = days.iter().map(|d| d["screened"].as_u64().unwrap()).sum();
    assert_eq!(screened, t["screened"].as_u64().unwrap());
    assert!(days[0]["per_hour"].as_f64().unwrap() > 60.0, "{}", days[0]);
    let csv = run_ok(
        &[
            "status",
            "review.ron",
            "--reviewer",
            "alice",
            "--format",
            "csv",
        ],
        d,
    );
    assert!(csv.starts_with("section,name,measure,value\n"));
    assert!(csv.contains("\nsource,/"), "{csv}");
    // With $USER and friends unset, the reviewer is the account's name,
    // not the placeholder "reviewer".
    let out = std::process::Command::new(common::pty::binary())
        .args(["status", "review.ron"])
        .current_dir(d)
        .env_remove("USER")
        .env_remove("LOGNAME")
        .env_remove("USERNAME")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let first = text.lines().next().unwrap_or("");
    let account = whoami_name();
    assert!(
        first.contains(&format!("· {account} ·")),
        "{first} (account {account})"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("your login name"), "{err}");
}

/// The account's name as `id -un` says it.
fn whoami_name() -> String {
    let out = std::process::Command::new("id")
        .arg("-un")
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn included_records_export_to_ris_and_come_back_with_their_keys() {
    let Some((dir, _)) = screened_project() else {
        return;
    };
    let d = dir.path();
    let p = json(&["prisma", "review.ron", "--json"], d);
    run_ok(&["export", "review.ron", "-o", "included.ris"], d);
    let ris = std::fs::read_to_string(d.join("included.ris")).unwrap();
    let included = p["included"].as_u64().unwrap() as usize;
    assert_eq!(
        ris.matches("\nER  - ").count() + usize::from(ris.starts_with("ER")),
        included
    );
    assert_eq!(
        ris.matches("N1  - screener decision: include\n").count(),
        included
    );
    assert_eq!(
        ris.matches("N1  - screener reviewer: consensus\n").count(),
        included
    );
    assert_eq!(
        ris.matches("N1  - screener stage: full text\n").count(),
        included
    );
    assert_eq!(ris.matches("KW  - screener:include\n").count(), included);
    let keys: Vec<String> = ris
        .lines()
        .filter_map(|l| l.strip_prefix("N1  - screener key: "))
        .map(str::to_string)
        .collect();
    assert_eq!(keys.len(), included);

    // Into screener again: the same records under the same keys.
    run_ok(&["import", "back.ron", "included.ris"], d);
    let (back, _) = screener::store::load(&d.join("back.ron")).unwrap();
    let mut back_keys: Vec<String> = back.records.iter().map(|r| r.key.clone()).collect();
    back_keys.sort();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(back_keys, sorted);
    let (orig, _) = screener::store::load(&d.join("review.ron")).unwrap();
    for r in back.records.iter() {
        let o = orig.records.iter().find(|o| o.key == r.key).unwrap();
        assert_eq!(
            (&r.title, &r.authors, &r.doi, r.year),
            (&o.title, &o.authors, &o.doi, o.year)
        );
        assert!(
            r.extra
                .iter()
                .any(|f| f.tag == "N1" && f.value == "screener decision: include")
        );
    }

    // And in an independent reader, the same titles, authors and DOIs.
    let cited = biblib::RisParser::new().parse(&ris).unwrap();
    assert_eq!(cited.len(), included);
    for (c, key) in cited.iter().zip(&keys) {
        let o = orig.records.iter().find(|o| &o.key == key).unwrap();
        assert_eq!(
            screener::text::collapse_ws(&c.title),
            screener::text::collapse_ws(&o.title)
        );
        assert_eq!(c.authors.len(), o.authors.len(), "{}", o.title);
        for (a, b) in c.authors.iter().zip(&o.authors) {
            assert!(b.starts_with(a.name.trim()), "{} vs {b}", a.name);
        }
        assert_eq!(
            c.doi.as_deref().and_then(screener::text::normalize_doi),
            screener::text::normalize_doi(&o.doi),
            "{}",
            o.title
        );
    }
}

#[test]
fn csv_bibtex_and_asreview_exports_carry_the_decisions() {
    let Some((dir, _)) = screened_project() else {
        return;
    };
    let d = dir.path();
    let p = json(&["prisma", "review.ron", "--json"], d);
    let csv = run_ok(
        &[
            "export",
            "review.ron",
            "--format",
            "csv",
            "--decision",
            "exclude",
            "--stage",
            "full-text",
        ],
        d,
    );
    let mut rows = csv::ReaderBuilder::new().from_reader(csv.as_bytes());
    let header = rows.headers().unwrap().clone();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}') == name)
            .unwrap()
    };
    let (decision, reasons, reviewer) = (col("Decision"), col("Reasons"), col("Reviewer"));
    assert!(header.iter().any(|h| h == "field:DB"), "{header:?}");
    let rows: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    let excluded = p["reports_excluded"].as_u64().unwrap() + p["not_retrieved"].as_u64().unwrap();
    assert_eq!(rows.len() as u64, excluded);
    for r in &rows {
        assert!(
            matches!(&r[decision], "exclude" | "not retrieved"),
            "{:?}",
            r
        );
        assert_eq!(&r[reviewer], "consensus");
        if &r[decision] == "exclude" {
            assert!(!r[reasons].is_empty());
        }
    }

    let bib = run_ok(
        &[
            "export",
            "review.ron",
            "--format",
            "bibtex",
            "--reviewer",
            "alice",
        ],
        d,
    );
    assert!(bib.contains("screener-decision = {include}"), "{bib}");
    assert!(bib.contains("screener-reviewer = {alice}"));

    let asr = run_ok(&["export", "review.ron", "--format", "asreview"], d);
    let mut rows = csv::ReaderBuilder::new().from_reader(asr.as_bytes());
    assert_eq!(
        &rows.headers().unwrap().iter().take(9).collect::<Vec<_>>(),
        &[
            "title",
            "abstract",
            "authors",
            "year",
            "journal",
            "doi",
            "url",
            "keywords",
            "label_included"
        ]
    );
    let labels: Vec<String> = rows.records().map(|r| r.unwrap()[8].to_string()).collect();
    // Every primary, labelled by its furthest decision.
    assert_eq!(
        labels.len() as u64,
        p["identified"].as_u64().unwrap() - p["duplicates"].as_u64().unwrap()
    );
    assert_eq!(
        labels.iter().filter(|l| *l == "1").count() as u64,
        p["included"].as_u64().unwrap()
    );

    let all = run_ok(
        &[
            "export",
            "review.ron",
            "--decision",
            "all",
            "--with-duplicates",
        ],
        d,
    );
    assert_eq!(
        all.matches("ER  - ").count() as u64,
        p["identified"].as_u64().unwrap()
    );
    assert!(all.contains("N1  - screener duplicate of: "));
}

/// `status` and `prisma` read only the records' keys, origins and
/// duplicate links from the cache (`store::Detail::Counts`): whatever they
/// print must be what the whole records, read from RON, give.
#[test]
fn counting_from_the_cache_says_what_the_whole_file_says() {
    let Some((dir, project)) = screened_project() else {
        return;
    };
    let d = dir.path();
    let cache = screener::store::cache::cache_path(&project);
    let commands: [&[&str]; 7] = [
        &["status", "review.ron", "--reviewer", CONSENSUS],
        &[
            "status",
            "review.ron",
            "--reviewer",
            "alice",
            "--format",
            "csv",
        ],
        &["status", "review.ron", "--json", "--stage", "full-text"],
        &["status", "review.ron", "--format", "markdown"],
        &["prisma", "review.ron", "--json"],
        &["prisma", "review.ron"],
        &["prisma", "review.ron", "--format", "svg"],
    ];
    for args in commands {
        assert!(cache.exists(), "the import wrote the cache");
        let from_cache = run_ok(args, d);
        std::fs::remove_file(&cache).unwrap();
        let from_ron = run_ok(args, d);
        assert_eq!(from_cache, from_ron, "{args:?}");
        assert!(!from_cache.is_empty());
    }
}
