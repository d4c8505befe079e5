use super::*;
use crate::project::{Change, Decision};
use crate::record::{Origin, Record};

fn project(keys: &[&str]) -> Project {
    let mut p = Project::new();
    for (i, k) in keys.iter().enumerate() {
        p.records.push(Record {
            key: k.to_string(),
            title: format!("Title of {k}"),
            origin: Origin {
                source: 0,
                position: i as u32 + 1,
            },
            ..Record::default()
        });
    }
    p
}

fn decide(p: &mut Project, key: &str, reviewer: &str, verdict: Verdict, at: &str) {
    p.apply(&Change::Decide(Decision {
        record: key.into(),
        reviewer: reviewer.into(),
        stage: Stage::TitleAbstract,
        verdict,
        note: String::new(),
        tags: Vec::new(),
        at: at.into(),
        rule: None,
    }));
}

fn ex(ids: &[&str]) -> Verdict {
    Verdict::Exclude(ids.iter().map(|s| s.to_string()).collect())
}

const T: &str = "2026-01-01T00:00:00Z";

#[test]
fn two_reviewers_in_one_file_give_the_table_the_conflicts_and_the_lists() {
    let mut p = project(&["a", "b", "c", "d", "e", "f"]);
    decide(&mut p, "a", "alice", Verdict::Include, T);
    decide(&mut p, "a", "bob", Verdict::Include, T);
    decide(&mut p, "b", "alice", ex(&["population"]), T);
    decide(&mut p, "b", "bob", Verdict::Include, T);
    decide(&mut p, "c", "alice", ex(&["population"]), T);
    decide(&mut p, "c", "bob", ex(&["outcome"]), T);
    decide(&mut p, "d", "alice", Verdict::Maybe, T);
    decide(&mut p, "e", "bob", Verdict::Maybe, T);
    let sides = in_one(&p, &["alice", "bob"]);
    let units = align(&sides, Stage::TitleAbstract);
    let r = pair_report(&sides, &units, 0, 1, Stage::TitleAbstract);
    assert_eq!(r.records, 6);
    assert_eq!(r.both_screened, 3);
    assert_eq!(r.agreements, 2);
    assert_eq!(
        r.table.counts,
        vec![vec![1, 0, 0], vec![1, 1, 0], vec![0, 0, 0]]
    );
    assert_eq!(r.conflicts.len(), 1);
    assert_eq!(r.conflicts[0].key, "b");
    assert_eq!(r.conflicts[0].a.verdict, "exclude");
    assert_eq!(r.conflicts[0].a.reason_labels, ["Population"]);
    assert_eq!(r.conflicts[0].b.verdict, "include");
    let keys = |v: &[RecordRef]| v.iter().map(|r| r.key.clone()).collect::<Vec<_>>();
    assert_eq!(keys(&r.only_screened_by_a), ["d"]);
    assert_eq!(keys(&r.only_screened_by_b), ["e"]);
    assert!(r.only_in_a.is_empty() && r.only_in_b.is_empty());
    // Population: once where bob included, once where bob excluded for
    // another reason; outcome once, by bob, where alice excluded too.
    let pop = r.reasons.iter().find(|x| x.id == "population").unwrap();
    assert_eq!(
        (
            pop.excluded_by_a_not_b,
            pop.excluded_by_b_not_a,
            pop.both_excluded_one_named_it
        ),
        (1, 0, 1)
    );
    let out = r.reasons.iter().find(|x| x.id == "outcome").unwrap();
    assert_eq!(
        (
            out.excluded_by_a_not_b,
            out.excluded_by_b_not_a,
            out.both_excluded_one_named_it
        ),
        (0, 0, 1)
    );
    assert!((r.agreement.unwrap() - 2.0 / 3.0).abs() < 1e-12);
    assert!(r.kappa.is_some() && r.kappa_ci.is_some() && r.undefined.is_empty());
}

#[test]
fn kappa_without_variation_is_reported_undefined_with_its_reason() {
    let mut p = project(&["a", "b"]);
    for k in ["a", "b"] {
        decide(&mut p, k, "alice", Verdict::Include, T);
        decide(&mut p, k, "bob", Verdict::Include, T);
    }
    let sides = in_one(&p, &["alice", "bob"]);
    let units = align(&sides, Stage::TitleAbstract);
    let r = pair_report(&sides, &units, 0, 1, Stage::TitleAbstract);
    assert_eq!(r.kappa, None);
    assert_eq!(r.kappa_ci, None);
    assert!(r.undefined["kappa"].contains("no variation"));
    assert!(r.undefined.contains_key("kappa_ci"));
    assert_eq!(r.agreement, Some(1.0));
    let json = serde_json::to_value(&r).unwrap();
    assert!(json["kappa"].is_null());
    assert_eq!(json["both_screened"], 2);
}

#[test]
fn two_files_line_up_by_key_and_list_what_only_one_holds() {
    let mut a = project(&["k1", "k2", "k3"]);
    let mut b = project(&["k2", "k3", "k4"]);
    decide(&mut a, "k2", "alice", Verdict::Include, T);
    decide(&mut a, "k3", "alice", Verdict::Maybe, T);
    decide(&mut b, "k2", "bob", Verdict::Include, T);
    decide(&mut b, "k3", "bob", Verdict::Include, T);
    decide(&mut b, "k4", "bob", Verdict::Include, T);
    let sides = [
        Side {
            project: &a,
            reviewer: "alice",
            file: "alice.ron",
        },
        Side {
            project: &b,
            reviewer: "bob",
            file: "bob.ron",
        },
    ];
    let units = align(&sides, Stage::TitleAbstract);
    let r = pair_report(&sides, &units, 0, 1, Stage::TitleAbstract);
    assert_eq!(r.records, 2);
    assert_eq!(r.both_screened, 2);
    assert_eq!(
        r.only_in_a
            .iter()
            .map(|x| x.key.as_str())
            .collect::<Vec<_>>(),
        ["k1"]
    );
    assert_eq!(
        r.only_in_b
            .iter()
            .map(|x| x.key.as_str())
            .collect::<Vec<_>>(),
        ["k4"]
    );
    assert_eq!(r.conflicts.len(), 1);
    assert_eq!(r.conflicts[0].key, "k3");
}

#[test]
fn duplicate_groups_join_across_files_whatever_their_primary() {
    // In a, "x" is a duplicate of "p"; in b, it stands alone and bob
    // decided it. The group is one record: bob's decision on x meets
    // alice's on p.
    let mut a = project(&["p", "x"]);
    a.records[1].duplicate_of = Some("p".into());
    let mut b = project(&["x"]);
    decide(&mut a, "p", "alice", Verdict::Include, T);
    decide(&mut b, "x", "bob", ex(&["other"]), T);
    let sides = [
        Side {
            project: &a,
            reviewer: "alice",
            file: "a",
        },
        Side {
            project: &b,
            reviewer: "bob",
            file: "b",
        },
    ];
    let units = align(&sides, Stage::TitleAbstract);
    assert_eq!(units.len(), 1);
    let r = pair_report(&sides, &units, 0, 1, Stage::TitleAbstract);
    assert_eq!(r.both_screened, 1);
    assert_eq!(r.conflicts.len(), 1);
}

#[test]
fn conflicts_for_the_resolve_screen_hold_both_decisions() {
    let mut p = project(&["a", "b", "c"]);
    decide(&mut p, "a", "alice", Verdict::Include, T);
    decide(&mut p, "a", "bob", ex(&["population"]), T);
    decide(&mut p, "b", "alice", Verdict::Maybe, T);
    decide(&mut p, "b", "bob", Verdict::Maybe, T);
    let c = conflicts(&p, &["alice", "bob"], Stage::TitleAbstract);
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].key, "a");
    let verdicts: Vec<_> = c[0]
        .decisions
        .iter()
        .map(|d| d.map(|d| &d.verdict))
        .collect();
    assert_eq!(
        verdicts,
        [Some(&Verdict::Include), Some(&ex(&["population"]))]
    );
}

#[test]
fn with_three_reviewers_any_two_who_differ_make_a_conflict() {
    let mut p = project(&["a", "b", "c", "d"]);
    // a: all alike; b: carol differs; c: bob undecided, the others differ;
    // d: only alice decided.
    for (key, votes) in [
        (
            "a",
            [
                Some(Verdict::Include),
                Some(Verdict::Include),
                Some(Verdict::Include),
            ],
        ),
        (
            "b",
            [
                Some(Verdict::Include),
                Some(Verdict::Include),
                Some(Verdict::Maybe),
            ],
        ),
        ("c", [Some(Verdict::Include), None, Some(ex(&["outcome"]))]),
        ("d", [Some(Verdict::Maybe), None, None]),
    ] {
        for (who, v) in ["alice", "bob", "carol"].iter().zip(votes) {
            if let Some(v) = v {
                decide(&mut p, key, who, v, T);
            }
        }
    }
    let names = ["alice", "bob", "carol"];
    let c = conflicts(&p, &names, Stage::TitleAbstract);
    let keys: Vec<&str> = c.iter().map(|c| c.key).collect();
    assert_eq!(keys, ["b", "c"]);
    assert!(c[1].decisions[1].is_none(), "bob has not decided c");
    let carried = carry_agreements(&p, &names, Stage::TitleAbstract, "consensus", T);
    let keys: Vec<&str> = carried.iter().map(|d| d.record.as_str()).collect();
    assert_eq!(keys, ["a"], "only what every reviewer decided alike");
}

#[test]
fn agreements_are_carried_over_once_as_consensus() {
    let mut p = project(&["a", "b", "c", "d"]);
    decide(&mut p, "a", "alice", Verdict::Include, T);
    decide(&mut p, "a", "bob", Verdict::Include, T);
    decide(&mut p, "b", "alice", ex(&["population"]), T);
    decide(&mut p, "b", "bob", ex(&["outcome", "population"]), T);
    decide(&mut p, "c", "alice", Verdict::Include, T);
    decide(&mut p, "c", "bob", Verdict::Maybe, T);
    decide(&mut p, "d", "alice", Verdict::Maybe, T);
    let carried = carry_agreements(&p, &["alice", "bob"], Stage::TitleAbstract, "consensus", T);
    assert_eq!(carried.len(), 2);
    assert_eq!(carried[0].record, "a");
    assert_eq!(carried[0].verdict, Verdict::Include);
    assert_eq!(carried[1].verdict, ex(&["population", "outcome"]));
    assert!(
        carried
            .iter()
            .all(|d| d.reviewer == "consensus" && d.rule.is_none())
    );
    p.apply(&Change::DecideMany(carried));
    assert!(
        carry_agreements(&p, &["alice", "bob"], Stage::TitleAbstract, "consensus", T).is_empty()
    );
    // The consensus counts like any reviewer.
    let s = crate::stats::status(&p, "consensus", Stage::TitleAbstract);
    assert_eq!((s.included, s.excluded, s.undecided), (1, 1, 2));
}

#[test]
fn three_reviewers_give_every_pair_and_fleiss_kappa() {
    let mut p = project(&["a", "b", "c", "d"]);
    let votes = [
        ("a", [Verdict::Include, Verdict::Include, Verdict::Include]),
        ("b", [ex(&[]), ex(&[]), Verdict::Include]),
        ("c", [ex(&[]), ex(&[]), ex(&[])]),
        ("d", [Verdict::Maybe, Verdict::Include, Verdict::Maybe]),
    ];
    for (k, vs) in votes {
        for (who, v) in ["alice", "bob", "carol"].iter().zip(vs) {
            decide(&mut p, k, who, v, T);
        }
    }
    let sides = in_one(&p, &["alice", "bob", "carol"]);
    let r = multi_report(&sides, Stage::TitleAbstract);
    assert_eq!(r.pairs.len(), 3);
    assert_eq!(r.all_screened, 4);
    assert_eq!(r.pairs[0].conflicts.len(), 1); // alice–bob: d
    assert_eq!(r.pairs[1].conflicts.len(), 1); // alice–carol: b
    assert_eq!(r.pairs[2].conflicts.len(), 2); // bob–carol: b, d
    // Category counts per record: a (3,0,0), b (1,2,0), c (0,3,0),
    // d (1,0,2). P_i = 1, 1/3, 1, 1/3 → P̄ = 2/3; p_j = 5/12, 5/12, 2/12;
    // P̄e = (25 + 25 + 4) / 144 = 0.375; kappa = (2/3 - 0.375) / 0.625.
    let want = (2.0 / 3.0 - 0.375) / 0.625;
    assert!((r.fleiss_kappa.unwrap() - want).abs() < 1e-12);
}

#[test]
fn full_text_compares_full_text_decisions_and_not_retrieved_counts_as_exclude() {
    let mut p = project(&["a", "b", "c"]);
    let mut ft = |key: &str, who: &str, verdict: Verdict| {
        p.apply(&Change::Decide(Decision {
            record: key.into(),
            reviewer: who.into(),
            stage: Stage::FullText,
            verdict,
            note: String::new(),
            tags: Vec::new(),
            at: T.into(),
            rule: None,
        }))
    };
    ft("a", "alice", Verdict::NotRetrieved);
    ft("a", "bob", ex(&["ft-outcome"]));
    ft("b", "alice", Verdict::Include);
    ft("b", "bob", Verdict::Include);
    // A title/abstract decision is not a full-text one.
    decide(&mut p, "c", "alice", Verdict::Include, T);
    decide(&mut p, "c", "bob", ex(&[]), T);
    let sides = in_one(&p, &["alice", "bob"]);
    let units = align(&sides, Stage::FullText);
    let r = pair_report(&sides, &units, 0, 1, Stage::FullText);
    assert_eq!(r.stage, "full-text");
    assert_eq!(r.both_screened, 2);
    assert_eq!(r.agreements, 2);
    assert_eq!(r.table.counts[1][1], 1);
    assert_eq!(r.not_retrieved_vs_exclude, 1);
    assert_eq!(r.conflicts.len(), 1);
    assert_eq!(r.conflicts[0].a.verdict, "not_retrieved");
}
