use std::collections::HashMap;

use proptest::prelude::*;

use super::*;
use crate::project::{Change, Stage};
use crate::record::Origin;

fn ts(t: u32) -> String {
    format!(
        "2026-01-01T{:02}:{:02}:{:02}Z",
        t / 3600,
        (t / 60) % 60,
        t % 60
    )
}

fn source(name: &str, t: u32, batch: u32, n: u32) -> Source {
    Source {
        path: name.into(),
        format: "ris".into(),
        database: String::new(),
        imported_at: ts(t),
        records: n,
        imported: n,
        reported: 0,
        batch,
        content_hash: format!("xxh3-128:{name}"),
    }
}

fn add_records(p: &mut Project, file: &str, t: u32, keys: &[String]) {
    let s = p.sources.len() as u32;
    p.sources
        .push(source(file, t, p.next_batch(), keys.len() as u32));
    for (i, k) in keys.iter().enumerate() {
        p.records.push(Record {
            key: k.clone(),
            title: format!("A distinct study number {k} of something"),
            authors: vec![format!("Author{k}, A.")],
            year: Some(2000),
            origin: Origin {
                source: s,
                position: i as u32 + 1,
            },
            ..Record::default()
        });
    }
}

fn decision(key: &str, reviewer: &str, verdict: Verdict, t: u32) -> Decision {
    Decision {
        record: key.into(),
        reviewer: reviewer.into(),
        stage: Stage::TitleAbstract,
        verdict,
        note: String::new(),
        tags: Vec::new(),
        at: ts(t),
        rule: None,
    }
}

fn base(n: usize) -> Project {
    let mut p = Project::new();
    p.created = ts(0);
    let keys: Vec<String> = (0..n).map(|i| format!("k{i}")).collect();
    add_records(&mut p, "search.ris", 1, &keys);
    p
}

fn inputs<'a>(ps: &'a [&'a Project]) -> Vec<Input<'a>> {
    ps.iter()
        .map(|p| Input {
            name: "file",
            project: p,
        })
        .collect()
}

fn m(ps: &[&Project]) -> Project {
    merge(&inputs(ps)).map(|(p, _)| p).expect("merge")
}

#[test]
fn every_decision_of_both_reviewers_is_kept_in_each_ones_order() {
    let b = base(3);
    let mut alice = b.clone();
    let mut bob = b.clone();
    alice.apply(&Change::Decide(decision(
        "k0",
        "alice",
        Verdict::Include,
        10,
    )));
    alice.apply(&Change::Decide(decision(
        "k0",
        "alice",
        Verdict::Cleared,
        10,
    )));
    alice.apply(&Change::Decide(decision("k1", "alice", Verdict::Maybe, 12)));
    bob.apply(&Change::Decide(decision(
        "k0",
        "bob",
        Verdict::Exclude(vec!["population".into()]),
        11,
    )));
    let (out, report) = merge(&[
        Input {
            name: "a",
            project: &alice,
        },
        Input {
            name: "b",
            project: &bob,
        },
    ])
    .unwrap();
    assert_eq!(out.decisions.len(), 4);
    assert_eq!(report.reviewers["alice"], 3);
    assert_eq!(report.reviewers["bob"], 1);
    // Alice's include then its undo, in the same second, stay in order.
    let cur = out.current_decisions("alice", Stage::TitleAbstract);
    assert!(!cur.contains_key("k0"));
    assert_eq!(cur["k1"].verdict, Verdict::Maybe);
    assert!(
        out.current_decisions("bob", Stage::TitleAbstract)
            .contains_key("k0")
    );
    assert!(!report.relinked);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
}

#[test]
fn files_of_two_reviews_are_refused() {
    let a = base(2);
    let mut b = Project::new();
    add_records(&mut b, "other.ris", 5, &["z1".to_string()]);
    let err = merge(&[
        Input {
            name: "a.ron",
            project: &a,
        },
        Input {
            name: "b.ron",
            project: &b,
        },
    ])
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("b.ron: shares no record with a.ron"),
        "{err}"
    );
    let empty = Project::new();
    let err = merge(&[
        Input {
            name: "a.ron",
            project: &a,
        },
        Input {
            name: "new.ron",
            project: &empty,
        },
    ])
    .unwrap_err();
    assert!(
        err.to_string().contains("new.ron: holds no records"),
        "{err}"
    );
    assert!(
        merge(&[Input {
            name: "a.ron",
            project: &a
        }])
        .is_err()
    );
}

#[test]
fn one_reason_id_with_two_labels_is_reported_not_renamed() {
    let a = base(1);
    let mut b = a.clone();
    b.apply(&Change::RenameReason {
        id: "population".into(),
        label: "Wrong population".into(),
    });
    let (out, report) = merge(&[
        Input {
            name: "a.ron",
            project: &a,
        },
        Input {
            name: "b.ron",
            project: &b,
        },
    ])
    .unwrap();
    assert_eq!(
        out.reasons.iter().filter(|r| r.id == "population").count(),
        1
    );
    assert!(out.reasons.iter().all(|r| r.id != "population-2"));
    let w = report
        .warnings
        .iter()
        .find(|w| w.contains("`population`"))
        .expect("a warning");
    assert!(
        w.contains("\"Population\" in a.ron") && w.contains("\"Wrong population\" in b.ron"),
        "{w}"
    );
}

#[test]
fn a_record_only_one_file_holds_is_added_and_duplicates_relinked() {
    let a = base(2);
    let mut b = a.clone();
    // b imported a second search holding a copy of k0 (same title, year,
    // author) and a new record.
    add_records(&mut b, "rerun.ris", 100, &["k0~2".into(), "n1".into()]);
    b.records[2].title = a.records[0].title.clone();
    b.records[2].authors = a.records[0].authors.clone();
    let (out, report) = merge(&[
        Input {
            name: "a",
            project: &a,
        },
        Input {
            name: "b",
            project: &b,
        },
    ])
    .unwrap();
    assert_eq!(out.records.len(), 4);
    assert_eq!(out.sources.len(), 2);
    assert!(report.relinked);
    let copy = out.records.iter().find(|r| r.key == "k0~2").unwrap();
    assert_eq!(copy.duplicate_of.as_deref(), Some("k0"));
    assert_eq!(copy.origin.source, 1);
    assert_eq!(report.files[1].records_only_here, 2);
}

#[test]
fn three_way_takes_the_side_that_changed_and_reports_both_changing() {
    let o = base(2);
    let mut a = o.clone();
    let mut b = o.clone();
    a.apply(&Change::SetCriteria("Adults only".into()));
    b.apply(&Change::SetHighlight(Highlight {
        include: vec!["peer".into()],
        exclude: vec![],
    }));
    b.apply(&Change::Decide(decision("k1", "bob", Verdict::Include, 50)));
    let (out, _, conflicts) = merge3(
        Some(&o),
        Input {
            name: "ours",
            project: &a,
        },
        Input {
            name: "theirs",
            project: &b,
        },
    )
    .unwrap();
    assert!(conflicts.is_empty(), "{conflicts:?}");
    assert_eq!(out.criteria, "Adults only");
    assert_eq!(out.highlight.include, ["peer"]);
    assert_eq!(out.decisions.len(), 1);
    // A term removed on one side goes; both renaming a reason conflicts.
    let o2 = out.clone();
    let mut a2 = o2.clone();
    let mut b2 = o2.clone();
    a2.apply(&Change::SetHighlight(Highlight::default()));
    a2.apply(&Change::RenameReason {
        id: "outcome".into(),
        label: "Outcomes".into(),
    });
    b2.apply(&Change::RenameReason {
        id: "outcome".into(),
        label: "Wrong outcome".into(),
    });
    let (out2, _, conflicts) = merge3(
        Some(&o2),
        Input {
            name: "ours",
            project: &a2,
        },
        Input {
            name: "theirs",
            project: &b2,
        },
    )
    .unwrap();
    assert!(out2.highlight.include.is_empty());
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert!(conflicts[0].contains("`outcome`"));
    assert_eq!(
        out2.reasons
            .iter()
            .find(|r| r.id == "outcome")
            .unwrap()
            .label,
        "Outcomes"
    );
}

#[test]
fn three_way_keeps_the_order_of_the_side_that_moved_reasons() {
    let o = base(1);
    let mut a = o.clone();
    let b = o.clone();
    a.apply(&Change::MoveReason {
        id: "other".into(),
        index: 0,
    });
    let (out, _, c) = merge3(
        Some(&o),
        Input {
            name: "a",
            project: &a,
        },
        Input {
            name: "b",
            project: &b,
        },
    )
    .unwrap();
    assert!(c.is_empty());
    assert_eq!(out.reasons[0].id, "other");
    let (out, _, _) = merge3(
        Some(&o),
        Input {
            name: "b",
            project: &b,
        },
        Input {
            name: "a",
            project: &a,
        },
    )
    .unwrap();
    assert_eq!(out.reasons[0].id, "other");
}

#[test]
fn an_entry_waits_until_it_heads_every_sequence_that_holds_it() {
    // "q" sorts first, but the first sequence puts "p" before it.
    let chains: Vec<Vec<&str>> = vec![vec!["p", "q"], vec!["q"]];
    let out = merge_sequences(&chains, |a: &str, b: &str| b.cmp(a));
    assert_eq!(out, ["p", "q"]);
    // Entries no sequence orders go by the order given; repeats are kept
    // as often as one sequence holds them.
    let chains: Vec<Vec<&str>> = vec![vec!["a", "x", "x"], vec!["a", "b", "x"]];
    assert_eq!(
        merge_sequences(&chains, |a: &str, b: &str| a.cmp(b)),
        ["a", "b", "x", "x"]
    );
}

/// What one reviewer does in their copy: a few decisions, possibly in the
/// same second (a decision and its undo), possibly a re-run search.
#[derive(Debug, Clone)]
struct Branch {
    reviewer: u8,
    steps: Vec<(u8, u8, u8)>,
    extra_records: u8,
    term: Option<u8>,
}

fn branch() -> impl Strategy<Value = Branch> {
    (
        0u8..3,
        prop::collection::vec((0u8..6, 0u8..5, 0u8..3), 0..8),
        0u8..3,
        prop::option::of(0u8..4),
    )
        .prop_map(|(reviewer, steps, extra_records, term)| Branch {
            reviewer,
            steps,
            extra_records,
            term,
        })
}

/// The base review (records and a lead's decisions) and branches of it.
fn build(base_decisions: &[(u8, u8)], branches: &[Branch]) -> Vec<Project> {
    let mut b = base(6);
    for (i, &(rec, v)) in base_decisions.iter().enumerate() {
        b.apply(&Change::Decide(decision(
            &format!("k{rec}"),
            "lead",
            verdict(v),
            i as u32 + 1,
        )));
    }
    let start = base_decisions.len() as u32 + 10;
    branches
        .iter()
        .enumerate()
        .map(|(n, br)| {
            let mut p = b.clone();
            let who = format!("r{}", br.reviewer);
            // Copies screened by different reviewers run at the same time
            // (their entries meet in the same seconds); one reviewer's
            // copies follow one another, as one person works in one at a
            // time.
            let earlier = branches[..n]
                .iter()
                .filter(|x| x.reviewer == br.reviewer)
                .count();
            let mut t = start + 1000 * earlier as u32;
            if br.extra_records > 0 {
                let keys: Vec<String> =
                    (0..br.extra_records).map(|i| format!("b{n}x{i}")).collect();
                add_records(&mut p, &format!("rerun{n}.ris"), t, &keys);
            }
            for &(rec, v, dt) in &br.steps {
                t += u32::from(dt);
                p.apply(&Change::Decide(decision(
                    &format!("k{rec}"),
                    &who,
                    verdict(v),
                    t,
                )));
            }
            if let Some(term) = br.term {
                let mut h = p.highlight.clone();
                h.include.push(format!("term{term}"));
                p.apply(&Change::SetHighlight(h));
            }
            p
        })
        .collect()
}

fn verdict(v: u8) -> Verdict {
    match v % 5 {
        0 => Verdict::Include,
        1 => Verdict::Exclude(vec!["population".into()]),
        2 => Verdict::Maybe,
        3 => Verdict::Cleared,
        _ => Verdict::Exclude(vec!["outcome".into(), "language".into()]),
    }
}

fn is_subsequence<T: PartialEq>(small: &[T], big: &[T]) -> bool {
    let mut it = big.iter();
    small.iter().all(|x| it.any(|y| y == x))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn merge_is_commutative_idempotent_associative_and_loses_nothing(
        base_decisions in prop::collection::vec((0u8..6, 0u8..5), 0..5),
        branches in prop::collection::vec(branch(), 3),
    ) {
        let ps = build(&base_decisions, &branches);
        let (a, b, c) = (&ps[0], &ps[1], &ps[2]);
        let ab = m(&[a, b]);
        prop_assert_eq!(&ab, &m(&[b, a]));
        prop_assert_eq!(&m(&[a, a]), a);
        prop_assert_eq!(&m(&[&ab, &ab]), &ab);
        let bc = m(&[b, c]);
        let left = m(&[&ab, c]);
        let right = m(&[a, &bc]);
        prop_assert_eq!(&left, &right);
        prop_assert_eq!(&left, &m(&[a, b, c]));
        prop_assert_eq!(&left, &m(&[c, a, b]));
        for p in [a, b, c] {
            // Every decision of every input, and in its order.
            prop_assert!(is_subsequence(&p.decisions, &left.decisions));
            for r in p.records.iter() {
                prop_assert!(left.records.iter().any(|x| x.key == r.key));
            }
        }
        let total: HashMap<&Decision, usize> = left.decisions.iter().fold(HashMap::new(), |mut m, d| {
            *m.entry(d).or_insert(0) += 1;
            m
        });
        for p in [a, b, c] {
            let mine: HashMap<&Decision, usize> = p.decisions.iter().fold(HashMap::new(), |mut m, d| {
                *m.entry(d).or_insert(0) += 1;
                m
            });
            for (d, n) in mine {
                prop_assert!(total.get(d).copied().unwrap_or(0) >= n);
            }
        }
    }

    #[test]
    fn a_reviewer_who_screened_in_one_copy_keeps_their_current_decisions(
        base_decisions in prop::collection::vec((0u8..6, 0u8..5), 0..5),
        mut branches in prop::collection::vec(branch(), 2),
    ) {
        branches[0].reviewer = 0;
        branches[1].reviewer = 1;
        let ps = build(&base_decisions, &branches);
        let out = m(&[&ps[0], &ps[1]]);
        for (p, who) in [(&ps[0], "r0"), (&ps[1], "r1"), (&ps[0], "lead")] {
            let want: BTreeMap<&str, &Verdict> = p
                .current_decisions(who, Stage::TitleAbstract)
                .into_iter()
                .map(|(k, d)| (k, &d.verdict))
                .collect();
            let got: BTreeMap<&str, &Verdict> = out
                .current_decisions(who, Stage::TitleAbstract)
                .into_iter()
                .map(|(k, d)| (k, &d.verdict))
                .collect();
            prop_assert_eq!(want, got);
        }
    }
}
