//! Relevance order in the screen (issue 14, "In the screen" and
//! "Stopping"), driven through the harness: includes pulled forward on a
//! labelled set, the header before the ranking can rank, the score and its
//! terms on the record, blind dual screening, undo un-teaching, the
//! stopping panel, and `status --json`'s `stopping` object.

mod common;

use screener::ingest::{Input, import_files};
use screener::project::{Project, Source, Stage, Verdict};
use screener::record::{Origin, Record};
use screener::screening::order::QueueOrder;
use screener::tui::app::{App, Prefs};
use screener::tui::harness::Harness;
use screener::tui::keymap::Keymap;
use screener::tui::theme::Theme;

use common::decide;

const CLOCK: &str = "2026-12-01T10:00:00Z";

fn app(project: Project, reviewer: &str, order: QueueOrder, seed: u64) -> App {
    App::new(
        project,
        "review.ron".into(),
        reviewer.into(),
        Stage::TitleAbstract,
        Keymap::default_map(),
    )
    .with_clock(|| CLOCK.to_string())
    .with_prefs(Prefs {
        theme: Theme::default(),
        order,
        seed: Some(seed),
        ..Prefs::default()
    })
}

/// Twelve records on heart drugs (0-11) and twelve on farming (12-23),
/// each drawing words from its topic's list and a shared list; every
/// fourth one mentions the other topic.
fn toy_project() -> Project {
    let heart = [
        "propranolol",
        "infarction",
        "mortality",
        "metoprolol",
        "cardiac",
        "angina",
        "arrhythmia",
        "hypertension",
        "atenolol",
        "ventricular",
    ];
    let farm = [
        "wheat",
        "irrigation",
        "harvest",
        "tractor",
        "soil",
        "barley",
        "fertiliser",
        "livestock",
        "drought",
        "pasture",
    ];
    let shared = [
        "study", "results", "years", "methods", "patients", "data", "effect", "group", "trial",
        "outcome",
    ];
    let mut p = Project::new();
    p.sources.push(Source {
        path: "toy.ris".into(),
        format: "ris".into(),
        database: "Toy".into(),
        imported_at: p.created.clone(),
        records: 24,
        imported: 24,
        reported: 0,
        batch: 1,
        content_hash: String::new(),
    });
    p.records = (0..24)
        .map(|i| {
            let (own, other) = if i < 12 {
                (&heart, &farm)
            } else {
                (&farm, &heart)
            };
            let pick = |list: &[&'static str; 10], k: usize| list[(i * 7 + k * 3) % 10];
            let mut words: Vec<&str> = (0..5).map(|k| pick(own, k)).collect();
            words.extend((0..3).map(|k| pick(&shared, k + i)));
            if i % 4 == 1 {
                words.push(other[i % 10]);
            }
            let mut r = Record {
                title: format!(
                    "{} and {} in {}",
                    pick(own, 5),
                    pick(own, 6),
                    pick(&shared, 7)
                ),
                abstract_text: format!("We report {}.", words.join(" then ")),
                year: Some(2000 + i as i32),
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

fn index_of(h: &Harness) -> usize {
    let key = &h.app.current().expect("a record is shown").key;
    h.app
        .project()
        .records
        .iter()
        .position(|r| &r.key == key)
        .unwrap()
}

fn is_heart(i: usize) -> bool {
    i < 12
}

/// The labelled set's label of a record (`label_included` kept in `extra`).
fn label(r: &Record) -> bool {
    r.extra
        .iter()
        .find(|f| f.tag.trim().eq_ignore_ascii_case("label_included"))
        .is_some_and(|f| f.value.trim() == "1")
}

/// Screens `n` records in `order` as a reviewer who knows the labels
/// would: include (`i`) or exclude for reason 1 (`1`), each decision
/// moving on. Returns the includes among them and, per include, after how
/// many decisions it came.
fn screen_labelled(project: &Project, order: QueueOrder, n: usize) -> (usize, Vec<usize>) {
    let mut h = Harness::new(app(project.clone(), "alice", order, 1), 100, 30);
    let mut found = Vec::new();
    for k in 0..n {
        let include = label(h.app.current().expect("records left"));
        h.keys(if include { "i" } else { "1" });
        assert_eq!(
            h.app.counts().decided(),
            k + 1,
            "each key decided one record"
        );
        if include {
            found.push(k + 1);
        }
    }
    (found.len(), found)
}

#[test]
fn relevance_order_pulls_includes_forward_on_a_labelled_set() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let path = corpus.join("labeled/srdatasets_kitchenham_2010.csv");
    let bytes = std::fs::read(&path).unwrap();
    let mut project = Project::new();
    import_files(
        &mut project,
        &[Input {
            path: path.display().to_string(),
            bytes: &bytes,
            format: None,
            database: None,
        }],
    )
    .unwrap();
    let relevant = project.records.iter().filter(|r| label(r)).count();
    assert_eq!(relevant, 45, "MANIFEST.tsv: label_included 1 = 45");
    // 300 of 1,697 records: a random order finds about 45 × 300 / 1,697 ≈ 8.
    let n = 300;
    let (random, _) = screen_labelled(&project, QueueOrder::Random, n);
    let (ranked, when) = screen_labelled(&project, QueueOrder::Relevance, n);
    eprintln!("includes in the first {n}: random {random}, relevance {ranked}; found at {when:?}");
    assert!(
        ranked >= 2 * random && ranked >= random + 15,
        "relevance found {ranked} includes in the first {n}, random order {random}"
    );
}

#[test]
fn header_says_random_until_one_include_and_one_exclude() {
    let mut h = Harness::new(
        app(toy_project(), "alice", QueueOrder::Relevance, 3),
        80,
        24,
    );
    let random = "relevance: random until 1 include and 1 exclude";
    assert!(h.screen().contains(random), "{}", h.screen());
    assert!(
        !h.screen().contains("Relevance "),
        "no score before the model can rank"
    );
    // Include the first heart record shown, exclude the first farm one.
    let mut included = false;
    let mut excluded = false;
    while !(included && excluded) {
        let i = index_of(&h);
        if is_heart(i) && !included {
            h.keys("i");
            included = true;
        } else if !is_heart(i) && !excluded {
            h.keys("1");
            excluded = true;
        } else {
            h.keys("right");
        }
        if !(included && excluded) {
            assert!(h.screen().contains(random), "{}", h.screen());
        }
    }
    // The decision that made it possible was learned before this move.
    h.keys("right");
    let screen = h.screen();
    assert!(
        screen.contains("relevance: learned from 1 include, 1 exclude"),
        "{screen}"
    );
    // Every record after the cursor: the undecided heart records first.
    let rows = h.app.rows().to_vec();
    let at = h.app.position();
    let undecided: Vec<usize> = rows[at..]
        .iter()
        .copied()
        .filter(|&i| h.app.verdict_of(&h.app.project().records[i].key).is_none())
        .collect();
    let first_farm = undecided.iter().position(|&i| !is_heart(i)).unwrap();
    assert!(
        undecided[first_farm..].iter().all(|&i| !is_heart(i)),
        "heart records before farm records: {undecided:?}"
    );
}

/// Alice includes heart records 0, 2 and 3 and excludes farm records 12,
/// 14 and 15.
fn three_and_three(p: &mut Project) {
    for i in [0, 2, 3] {
        decide(p, i, "alice", Verdict::Include);
    }
    for i in [12, 14, 15] {
        decide(p, i, "alice", Verdict::Exclude(vec!["population".into()]));
    }
}

/// The toy screen after three includes (heart records) and three excludes
/// (farm records), on the best-scored record.
fn explained(w: u16, h: u16) -> Harness {
    let mut p = toy_project();
    three_and_three(&mut p);
    let mut harness = Harness::new(app(p, "alice", QueueOrder::Relevance, 3), w, h);
    // The ranking is taken between records.
    harness.keys("home");
    harness
}

#[test]
fn the_record_shows_its_score_and_marks_its_terms() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut harness = explained(w, h);
        let i = index_of(&harness);
        assert!(is_heart(i), "a heart record comes first");
        let screen = harness.screen();
        insta::assert_snapshot!(format!("relevance_explained_{w}x{h}"), screen);
        assert!(screen.contains("Relevance +"), "{screen}");
        assert!(screen.contains("(leans include)"), "{screen}");
        assert!(screen.contains("▲ "), "{screen}");
        // The terms the line names are marked in the title or abstract with
        // the theme's "up" style.
        let theme = Theme::default();
        let buf = harness.buffer();
        let up_cells = (0..buf.area.height)
            .flat_map(|y| (0..buf.area.width).map(move |x| (x, y)))
            .filter(|&(x, y)| {
                let c = &buf[(x, y)];
                c.fg == theme.term_up.fg.unwrap()
                    && c.modifier.contains(ratatui::style::Modifier::UNDERLINED)
            })
            .count();
        assert!(up_cells > 10, "terms marked up: {up_cells} cells");
    }
}

#[test]
fn another_reviewers_decisions_do_not_change_this_reviewers_scores() {
    let mut alone = toy_project();
    decide(&mut alone, 0, "alice", Verdict::Include);
    decide(&mut alone, 1, "alice", Verdict::Include);
    decide(&mut alone, 12, "alice", Verdict::Exclude(Vec::new()));
    let mut with_bob = alone.clone();
    // Bob decides the opposite way, on many records.
    for i in 0..24 {
        let v = if is_heart(i) {
            Verdict::Exclude(Vec::new())
        } else {
            Verdict::Include
        };
        decide(&mut with_bob, i, "bob", v);
    }
    let scores = |p: Project| {
        let mut h = Harness::new(app(p, "alice", QueueOrder::Relevance, 5), 80, 24);
        h.keys("home");
        let s = h.app.screening();
        let ranking = s
            .relevance()
            .and_then(|r| r.in_use())
            .expect("a ranking in use");
        assert_eq!(
            (ranking.includes, ranking.excludes),
            (2, 1),
            "alice's own decisions"
        );
        let scores: Vec<Option<f32>> = (0..24).map(|i| ranking.score(i)).collect();
        (scores, h.app.rows().to_vec())
    };
    let (a, rows_a) = scores(alone);
    let (b, rows_b) = scores(with_bob);
    assert!(a.iter().all(Option::is_some));
    assert_eq!(a, b, "bob's decisions changed alice's scores");
    assert_eq!(rows_a, rows_b, "bob's decisions changed alice's order");
}

#[test]
fn undo_takes_the_lesson_back() {
    let mut p = toy_project();
    decide(&mut p, 0, "alice", Verdict::Include);
    let mut h = Harness::new(app(p, "alice", QueueOrder::Relevance, 3), 80, 24);
    // Move to a farm record and exclude it: the model can rank.
    while is_heart(index_of(&h)) {
        h.keys("right");
    }
    h.keys("1 home");
    assert!(h.screen().contains("learned from 1 include, 1 exclude"));
    let screened = |h: &Harness| {
        h.app
            .screening()
            .relevance()
            .and_then(|r| r.stopping())
            .map(|s| s.screened)
    };
    assert_eq!(screened(&h), Some(2));
    h.keys("u");
    assert_eq!(
        screened(&h),
        Some(1),
        "the ranker has the exclude back as undecided"
    );
    h.keys("home");
    assert!(
        h.screen()
            .contains("relevance: random until 1 include and 1 exclude"),
        "{}",
        h.screen()
    );
}

#[test]
fn stopping_panel_says_where_the_estimate_stands() {
    for (w, hgt) in [(80, 24), (120, 40)] {
        let mut p = toy_project();
        for i in 0..6 {
            decide(&mut p, i, "alice", Verdict::Include);
        }
        for i in 12..18 {
            decide(&mut p, i, "alice", Verdict::Exclude(Vec::new()));
        }
        let mut h = Harness::new(app(p, "alice", QueueOrder::Import, 3), w, hgt);
        h.keys("S");
        let screen = h.screen();
        insta::assert_snapshot!(format!("relevance_stopping_panel_{w}x{hgt}"), screen);
        assert!(screen.contains("When to stop"), "{screen}");
        let flat = screen.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains("6 screened since the last include"), "{flat}");
        assert!(flat.contains("This session is in import order"), "{flat}");
        assert!(
            flat.contains("Assumes: Callaghan & Müller-Hansen (2020)"),
            "{flat}"
        );
        h.keys("S");
        assert!(!h.screen().contains("When to stop"), "the key hides it");
    }
}

#[test]
fn status_json_has_the_stopping_estimate() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("review.ron");
    let mut p = toy_project();
    // Screened: 3 includes, then 9 excludes.
    for i in 0..3 {
        decide(&mut p, i, "alice", Verdict::Include);
    }
    for i in 12..21 {
        decide(&mut p, i, "alice", Verdict::Exclude(Vec::new()));
    }
    screener::store::Store::create(&path, &p).unwrap();
    let (code, out, err) = common::run(
        &["status", "review.ron", "--reviewer", "alice", "--json"],
        dir.path(),
    );
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let s = &v["stopping"];
    assert_eq!(s["screened"], 12);
    assert_eq!(s["eligible"], 24);
    assert_eq!(s["relevant"], 3);
    assert_eq!(s["since_last_include"], 9);
    assert_eq!(s["target_recall"], 0.95);
    assert_eq!(s["confidence"], 0.95);
    assert_eq!(s["reached"], false);
    assert!(
        s["p_value"]
            .as_f64()
            .is_some_and(|p| (0.0..=1.0).contains(&p))
    );
    assert!(s["remaining_max"].as_u64().is_some());
    assert!(
        s["recall_claim"]
            .as_f64()
            .is_some_and(|r| r > 0.0 && r <= 1.0)
    );
    assert!(s["not_yet"].is_null());
    assert!(
        s["assumptions"]
            .as_str()
            .unwrap()
            .contains("relevance (or random) order")
    );
    assert!(
        s["summary"]
            .as_str()
            .unwrap()
            .starts_with("9 screened since the last include")
    );
    let (_, text, _) = common::run(&["status", "review.ron", "--reviewer", "alice"], dir.path());
    assert!(
        text.contains("When to stop\n  9 screened since the last include"),
        "{text}"
    );
    // The CSV has the same estimate, one value a row.
    let (code, csv, err) = common::run(
        &[
            "status",
            "review.ron",
            "--reviewer",
            "alice",
            "--format",
            "csv",
        ],
        dir.path(),
    );
    assert_eq!(code, 0, "{err}");
    let row = |measure: &str| {
        let head = format!("stopping,alice,{measure},");
        csv.lines()
            .find_map(|l| l.strip_prefix(head.as_str()).map(str::to_string))
            .unwrap_or_else(|| panic!("no {head} in {csv}"))
    };
    assert_eq!(row("since_last_include"), "9");
    assert_eq!(row("relevant"), "3");
    assert_eq!(row("reached"), "false");
    assert_eq!(row("remaining_max"), s["remaining_max"].to_string());
    let p: f64 = row("p_value").parse().unwrap();
    assert!((p - s["p_value"].as_f64().unwrap()).abs() < 1e-4);
    assert_eq!(row("not_yet"), "");
}

/// The undecided records the ranking in use orders.
fn ranked(h: &Harness) -> Vec<u32> {
    h.app
        .screening()
        .relevance()
        .and_then(|r| r.in_use())
        .map(|r| r.order.clone())
        .unwrap_or_default()
}

#[test]
fn a_record_that_becomes_eligible_during_the_session_is_ranked_without_reopening() {
    let mut p = toy_project();
    // Heart record 5 is linked as a copy of heart record 4: not screened
    // until a reviewer splits the link.
    p.records[5].duplicate_of = Some(p.records[4].key.clone());
    three_and_three(&mut p);
    let mut h = Harness::new(app(p, "alice", QueueOrder::Relevance, 3), 100, 30);
    let wait = std::time::Duration::from_secs(60);
    h.app.settle_ranking(wait);
    h.keys("home");
    let before = ranked(&h);
    assert!(!before.is_empty() && !before.contains(&5), "{before:?}");

    h.keys("D");
    h.keys("s");
    assert!(h.app.project().records[5].duplicate_of.is_none());
    // Until the restarted ranker publishes, the order in use stays.
    assert!(
        h.screen().contains("relevance: learned from"),
        "{}",
        h.screen()
    );
    h.app.settle_ranking(wait);
    h.keys("home");
    let after = ranked(&h);
    let at = after.iter().position(|&i| i == 5);
    assert!(at.is_some(), "the split record is ranked: {after:?}");
    let first_farm = after.iter().position(|&i| i >= 12).unwrap();
    assert!(
        at < Some(first_farm),
        "a heart record, ranked before the farm ones: {after:?}"
    );
    let score = h
        .app
        .screening()
        .relevance()
        .and_then(|r| r.in_use())
        .and_then(|r| r.score(5));
    assert!(score.is_some_and(|s| s > 0.0), "{score:?}");
}
