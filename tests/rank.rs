//! The relevance ranking through its public API: the mechanics of the model
//! and the background ranker, blind dual screening, determinism, the
//! cache, reading labelled sets, and `screener simulate` end to end.

mod common;

use std::process::Command;
use std::time::Duration;

use screener::project::{Project, Source, Stage, Verdict};
use screener::rank::simulate::{self, Options};
use screener::rank::{Input, Label, Ranker, Ranking};
use screener::record::{Origin, Record};

use common::decide;

const WAIT: Duration = Duration::from_secs(30);

/// Ten records about fruit (0-9) and ten about cars (10-19), with words
/// of their own and a few shared ones.
fn toy_project() -> Project {
    let fruit = ["apple", "pear", "plum", "cherry", "orchard"];
    let car = ["engine", "wheel", "brake", "motor", "garage"];
    let mut p = Project::new();
    p.sources.push(Source {
        path: "toy.ris".into(),
        format: "ris".into(),
        database: String::new(),
        imported_at: p.created.clone(),
        records: 20,
        imported: 20,
        reported: 0,
        batch: 1,
        content_hash: String::new(),
    });
    p.records = (0..20)
        .map(|i| {
            let words = if i < 10 { &fruit } else { &car };
            let mut r = Record {
                title: format!(
                    "{} and {} in study number {i}",
                    words[i % 5],
                    words[(i + 2) % 5]
                ),
                abstract_text: format!(
                    "We report on {} {} {} with results and methods.",
                    words[(i + 1) % 5],
                    words[(i + 3) % 5],
                    words[(i + 4) % 5]
                ),
                ..Record::default()
            };
            r.key = r.derive_key();
            r.origin = Origin {
                source: 0,
                position: i as u32 + 1,
            };
            r
        })
        .collect();
    p
}

fn exclude() -> Verdict {
    Verdict::Exclude(vec!["population".into()])
}

fn start(p: &Project, reviewer: &str, seed: u64) -> Ranker {
    Ranker::start(
        Input::from_project(p, None, reviewer, Stage::TitleAbstract, seed),
        || {},
    )
}

fn current(r: &Ranker) -> std::sync::Arc<Ranking> {
    r.wait_current(WAIT).expect("a ranking within 30 s")
}

#[test]
fn a_separable_set_ranks_the_includes_first() {
    let mut p = toy_project();
    decide(&mut p, 0, "alice", Verdict::Include);
    decide(&mut p, 10, "alice", exclude());
    let r = start(&p, "alice", 1);
    let ranking = current(&r);
    assert!(ranking.ready);
    assert_eq!((ranking.includes, ranking.excludes), (1, 1));
    assert_eq!(ranking.order.len(), 18);
    // The nine other fruit records first, then the nine car records.
    let first: Vec<u32> = ranking.order[..9].to_vec();
    assert!(first.iter().all(|&i| (1..10).contains(&i)), "{first:?}");
    // The explanation of a fruit record names fruit words as pushing up.
    let top = ranking.order[0] as usize;
    let e = ranking.explain(&p.records[top], top, 5).unwrap();
    assert!(!e.up.is_empty());
    let fruit = ["apple", "pear", "plum", "cherry", "orchard"];
    assert!(
        e.up.iter()
            .any(|t| fruit.iter().any(|f| t.text.contains(f))),
        "{:?}",
        e.up
    );
    // Its parts add up to its score.
    assert!((e.score - ranking.score(top).unwrap()).abs() < 1e-4);
    // Spans point at the words in the title or abstract.
    let t = &e.up[0];
    for s in &t.spans {
        let text = match s.field {
            screener::rank::explain::Field::Title => &p.records[top].title,
            screener::rank::explain::Field::Abstract => &p.records[top].abstract_text,
            _ => continue,
        };
        assert!(
            text[s.start..s.end]
                .to_lowercase()
                .starts_with(t.text.split(' ').next().unwrap())
        );
    }
}

#[test]
fn before_an_include_and_an_exclude_the_order_is_seeded_random() {
    let mut p = toy_project();
    decide(&mut p, 0, "alice", Verdict::Include);
    let a = current(&start(&p, "alice", 7));
    assert!(!a.ready);
    assert!(a.score(3).is_none());
    assert_eq!(a.order.len(), 19);
    let b = current(&start(&p, "alice", 7));
    assert_eq!(a.order, b.order);
    let c = current(&start(&p, "alice", 8));
    assert_ne!(a.order, c.order);
    // Not import order either.
    let mut sorted = a.order.clone();
    sorted.sort_unstable();
    assert_ne!(a.order, sorted);
}

#[test]
fn one_more_decision_changes_only_what_it_should() {
    let mut p = toy_project();
    decide(&mut p, 0, "alice", Verdict::Include);
    decide(&mut p, 10, "alice", exclude());
    let r = start(&p, "alice", 3);
    let before = current(&r);
    // A maybe leaves the queue but teaches the model nothing.
    r.decide(5, Label::Maybe);
    let maybe = current(&r);
    assert_eq!(maybe.generation, 1);
    assert!(!maybe.order.contains(&5));
    assert_eq!(maybe.order.len(), 17);
    for &i in &maybe.order {
        let (a, b) = (
            before.score(i as usize).unwrap(),
            maybe.score(i as usize).unwrap(),
        );
        assert!((a - b).abs() < 1e-6, "record {i}: {a} vs {b}");
    }
    assert_eq!(maybe.stopping.screened, 3);
    // An include moves the model: fruit records score higher still.
    r.decide(1, Label::Include);
    let more = current(&r);
    assert_eq!((more.includes, more.excludes), (2, 1));
    assert!(!more.order.contains(&1));
    assert!(more.score(2).unwrap() > before.score(2).unwrap());
    // Taking both back gives the first ranking again.
    r.decide(1, Label::Undecided);
    r.decide(5, Label::Undecided);
    let back = current(&r);
    assert_eq!(back.order, before.order);
    for &i in &back.order {
        let (a, b) = (
            before.score(i as usize).unwrap(),
            back.score(i as usize).unwrap(),
        );
        assert!((a - b).abs() < 1e-3, "record {i}: {a} vs {b}");
    }
}

#[test]
fn a_reviewer_learns_only_from_their_own_decisions() {
    let mut p = toy_project();
    decide(&mut p, 0, "alice", Verdict::Include);
    decide(&mut p, 10, "alice", exclude());
    let alone = current(&start(&p, "alice", 5));
    // Bob decides the opposite on many records: alice's ranking is the same.
    for i in 1..6 {
        decide(&mut p, i, "bob", exclude());
        decide(&mut p, 10 + i, "bob", Verdict::Include);
    }
    let input = Input::from_project(&p, None, "alice", Stage::TitleAbstract, 5);
    assert_eq!(input.decided.len(), 2);
    let with_bob = current(&Ranker::start(input, || {}));
    assert_eq!(alone.order, with_bob.order);
    for &i in &alone.order {
        assert_eq!(alone.score(i as usize), with_bob.score(i as usize));
    }
    // Bob's own ranking learned his: car records first.
    let bob = current(&start(&p, "bob", 5));
    assert!(bob.order[..4].iter().all(|&i| i >= 10), "{:?}", bob.order);
}

#[test]
fn simulation_is_deterministic_with_a_seed() {
    let p = toy_project();
    let labels: Vec<bool> = (0..20).map(|i| i < 10).collect();
    let pairs = simulate::prior_pairs(&labels, 9, 4);
    assert_eq!(pairs, simulate::prior_pairs(&labels, 9, 4));
    assert!(pairs.iter().all(|&(i, e)| labels[i] && !labels[e]));
    let a = simulate::simulate(&p.records, &labels, &pairs, &Options::default(), 9);
    let b = simulate::simulate(&p.records, &labels, &pairs, &Options::default(), 9);
    for (x, y) in a.runs.iter().zip(&b.runs) {
        assert_eq!(x.order, y.order);
    }
    // A separable set: every run finds the nine other includes first.
    for r in &a.runs {
        assert!(r.order[..9].iter().all(|&l| l), "{:?}", r.order);
        assert!((r.wss100 - a.runs[0].wss100).abs() < 1e-12);
    }
}

#[test]
fn the_cache_spares_tokenizing_and_follows_imports() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.ron");
    let mut p = toy_project();
    decide(&mut p, 0, "alice", Verdict::Include);
    decide(&mut p, 10, "alice", exclude());
    let input = |p: &Project| Input::from_project(p, Some(&path), "alice", Stage::TitleAbstract, 1);
    let first = current(&Ranker::start(input(&p), || {}));
    assert_eq!(first.timing.tokenized, 20);
    assert!(dir.path().join("p.ron.rank").is_file());
    let again = current(&Ranker::start(input(&p), || {}));
    assert_eq!(again.timing.tokenized, 0);
    assert_eq!(again.order, first.order);
    // An import adds two records: only they are tokenized.
    let mut more = toy_project();
    for (i, r) in more.records.iter_mut().take(2).enumerate() {
        r.title = format!("new plum orchard report {i}");
        r.key = r.derive_key();
    }
    let added: Vec<Record> = more.records[..2].to_vec();
    let mut all = p.records.to_vec();
    all.extend(added);
    p.records = all.into();
    let grown = current(&Ranker::start(input(&p), || {}));
    assert_eq!(grown.timing.tokenized, 2);
    assert_eq!(grown.order.len(), 20);
    // A damaged cache is rebuilt, not trusted.
    std::fs::write(dir.path().join("p.ron.rank"), b"garbage").unwrap();
    let rebuilt = current(&Ranker::start(input(&p), || {}));
    assert_eq!(rebuilt.timing.tokenized, 22);
    assert_eq!(rebuilt.order, grown.order);
}

#[test]
fn reads_the_corpus_labelled_sets_through_the_importer() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    // Counts from MANIFEST.tsv (label_included 0/1 counted in the source
    // repository), not from this importer.
    for (file, records, relevant) in [
        ("labeled/srdatasets_kitchenham_2010.csv", 1704, 45),
        ("labeled/srdatasets_cohen2006_betablockers.csv", 2072, 42),
    ] {
        let bytes = std::fs::read(corpus.join(file)).unwrap();
        let set = simulate::read_labeled(&bytes, file).unwrap();
        assert_eq!(set.records.len(), records, "{file}");
        assert_eq!(
            set.labels.iter().filter(|&&l| l).count(),
            relevant,
            "{file}"
        );
        assert_eq!(set.column, "label_included");
        assert_eq!(set.reported, 0);
        // Columns map as in an import: titles and abstracts are there.
        assert!(set.records.iter().filter(|r| !r.title.is_empty()).count() > records * 9 / 10);
    }
    // Kitchenham's first rows are its includes (the file is sorted); the
    // first row's title as the file has it.
    let bytes = std::fs::read(corpus.join("labeled/srdatasets_kitchenham_2010.csv")).unwrap();
    let set = simulate::read_labeled(&bytes, "k").unwrap();
    assert!(set.labels[0]);
    assert!(
        set.records[0]
            .title
            .starts_with("A Conceptual Model of ICT-Supported")
    );
    // A table without a label column says what is missing.
    let bytes = std::fs::read(corpus.join("labeled/synergy_index.csv")).unwrap();
    let err = simulate::read_labeled(&bytes, "synergy_index.csv").unwrap_err();
    assert!(err.contains("label_included"), "{err}");
}

#[test]
fn simulate_prints_the_json_keys() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("toy.csv");
    let mut text = String::from("title,abstract,label_included\n");
    for (i, r) in toy_project().records.iter().enumerate() {
        text.push_str(&format!(
            "\"{}\",\"{}\",{}\n",
            r.title,
            r.abstract_text,
            u8::from(i < 10)
        ));
    }
    std::fs::write(&csv, text).unwrap();
    let svg = dir.path().join("curve.svg");
    let out = Command::new(env!("CARGO_BIN_EXE_screener"))
        .args(["simulate", "--json", "--runs", "3", "--seed", "2", "--plot"])
        .arg(&svg)
        .arg(&csv)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["records"], 20);
    assert_eq!(v["relevant"], 10);
    for k in ["wss95", "wss100", "rrf10"] {
        let x = v[k].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&x), "{k} = {x}");
    }
    assert!(v["retrain_ms_mean"].as_f64().unwrap() <= v["retrain_ms_max"].as_f64().unwrap());
    assert_eq!(v["runs"].as_array().unwrap().len(), 3);
    assert!(std::fs::read_to_string(&svg).unwrap().starts_with("<svg"));
    // Given rows: one run from exactly those.
    let out = Command::new(env!("CARGO_BIN_EXE_screener"))
        .args(["simulate", "--json", "--prior-rows", "2,15"])
        .arg(&csv)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["runs"][0]["prior_rows"], serde_json::json!([2, 15]));
    // Rows the wrong way round: an error naming them, exit 1.
    let out = Command::new(env!("CARGO_BIN_EXE_screener"))
        .args(["simulate", "--prior-rows", "15,2"])
        .arg(&csv)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("15,2"));
}

/// The run of `docs/RANKING.md`'s table that the test below replays: the
/// file, its prior rows (include, exclude) and the WSS@95 the table's
/// per-run data gives for them.
const TABLE_RUN: (&str, (usize, usize), f64) =
    ("labeled/srdatasets_kitchenham_2010.csv", (13, 844), 0.709);

/// WSS at `recall` of a screening order as ASReview insights defines it
/// (`_wss_values`: numpy's cumsum, linspace, round and searchsorted),
/// written out here again so that the binary's number is checked against
/// code it does not share.
fn insights_wss(labels: &[bool], recall: f64) -> f64 {
    let n = labels.len();
    let pos = labels.iter().filter(|&&l| l).count();
    // x = (1..=pos) / pos; i = searchsorted(x, recall, right); y[i - 1].
    let i = (1..=pos)
        .take_while(|&k| k as f64 / pos as f64 <= recall)
        .count();
    let k = if i == 0 { pos } else { i };
    let mut found = 0;
    let found_at = labels
        .iter()
        .position(|&l| {
            found += usize::from(l);
            found >= k
        })
        .unwrap_or(n);
    let random = |j: usize| {
        if j == n - 1 {
            pos as f64
        } else {
            (j as f64 * (pos as f64 / (n - 1) as f64)).round_ties_even()
        }
    };
    let random_at = (0..n).position(|j| random(j) >= k as f64).unwrap_or(n);
    (random_at as f64 - found_at as f64) / n as f64
}

/// `docs/RANKING.md`'s table comes from `screener simulate --prior-rows`:
/// one of its runs, replayed by the binary, gives the WSS@95 written
/// there, and that number is what the order it screened gives, with the
/// labels read straight from the file (so its rows are also ASReview's
/// `--prior-idx` rows).
#[test]
fn simulate_reproduces_a_run_of_the_ranking_table() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let file = corpus.join(TABLE_RUN.0);
    let mut labels = Vec::new();
    let mut reader = csv::Reader::from_path(&file).unwrap();
    let column = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "label_included")
        .unwrap();
    for row in reader.records() {
        labels.push(&row.unwrap()[column] == "1");
    }
    let (i, j) = TABLE_RUN.1;
    let out = Command::new(env!("CARGO_BIN_EXE_screener"))
        .args(["simulate", "--json", "--prior-rows", &format!("{i},{j}")])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["records"], labels.len());
    assert_eq!(v["relevant"], labels.iter().filter(|&&l| l).count());
    let run = &v["runs"][0];
    assert_eq!(run["prior_rows"], serde_json::json!([i, j]));
    let rows: Vec<usize> = run["screened_rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_u64().unwrap() as usize)
        .collect();
    // Each record screened once, never a prior, and the last one found is
    // the last relevant record.
    let mut seen = vec![false; labels.len()];
    seen[i] = true;
    seen[j] = true;
    for &r in &rows {
        assert!(!seen[r], "row {r} screened twice or a prior");
        seen[r] = true;
    }
    assert!(labels[*rows.last().unwrap()]);
    let found = rows.iter().filter(|&&r| labels[r]).count();
    assert_eq!(found + 1, labels.iter().filter(|&&l| l).count());
    // The order after the priors, padded with the unscreened records (all
    // irrelevant), as insights pads it.
    let mut order: Vec<bool> = rows.iter().map(|&r| labels[r]).collect();
    order.resize(labels.len() - 2, false);
    let wss95 = insights_wss(&order, 0.95);
    assert!((run["wss95"].as_f64().unwrap() - wss95).abs() < 1e-12);
    assert!((run["wss100"].as_f64().unwrap() - insights_wss(&order, 1.0)).abs() < 1e-12);
    assert!(
        (wss95 - TABLE_RUN.2).abs() < 5e-4,
        "WSS@95 {wss95:.4}, docs/RANKING.md says {:.3}",
        TABLE_RUN.2
    );
}
