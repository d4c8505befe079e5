use super::*;
use crate::ingest::Input;
use crate::record::Field;

fn record(fields: &[(&str, &str)]) -> Record {
    Record {
        title: "t".into(),
        extra: fields
            .iter()
            .map(|(t, v)| Field {
                tag: t.to_string(),
                value: v.to_string(),
            })
            .collect(),
        ..Record::default()
    }
}

const FIXTURE: &str = include_str!("../../tests/fixtures/rayyan_three_reviewers.csv");

#[test]
fn ruby_hashes_of_votes_and_notes_are_read() {
    assert_eq!(
        ruby_hash(r#"{"Ana"=>"Included", "Ben O'Neil"=>"Excluded"}"#),
        Some(vec![
            ("Ana".into(), vec!["Included".into()]),
            ("Ben O'Neil".into(), vec!["Excluded".into()])
        ])
    );
    assert_eq!(
        ruby_hash(r#"{"Kofi"=>["check later", "a \"quoted\" word"]}"#),
        Some(vec![(
            "Kofi".into(),
            vec!["check later".into(), "a \"quoted\" word".into()]
        )])
    );
    assert_eq!(ruby_hash("{}"), Some(vec![]));
    assert_eq!(ruby_hash(r#"{"Ana"=>"Included""#), None);
    assert_eq!(ruby_hash(r#"{"Ana"=>Included}"#), None);
}

#[test]
fn rayyan_notes_give_votes_reasons_labels_and_user_notes() {
    let r = record(&[(
        "notes",
        r#"RAYYAN-INCLUSION: {"Ana"=>"Excluded", "Ben"=>"Maybe"} | RAYYAN-EXCLUSION-REASONS: wrong population,foreign language | RAYYAN-LABELS: kids,__EXR__background article | USER-NOTES: {"Ben"=>["ask Ana"]}"#,
    )]);
    let (votes, problems) = read(DecisionsFrom::Rayyan, &r, "");
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(votes.len(), 2);
    assert_eq!(votes[0].reviewer, "Ana");
    assert_eq!(
        votes[0].verdict,
        VoteVerdict::Exclude(vec![
            "wrong population".into(),
            "foreign language".into(),
            "background article".into()
        ])
    );
    assert_eq!(votes[0].tags, ["kids"]);
    assert_eq!(votes[1].verdict, VoteVerdict::Maybe);
    assert_eq!(votes[1].note, "ask Ana");
    // The RIS export carries the same text in N1.
    let ris = record(&[("N1", r#"RAYYAN-INCLUSION: {"Emily"=>"Included"}"#)]);
    assert_eq!(
        read(DecisionsFrom::Rayyan, &ris, "").0[0].verdict,
        VoteVerdict::Include
    );
}

#[test]
fn asreview_labels_are_one_zero_or_empty() {
    let vote = |v: &str| {
        read(
            DecisionsFrom::Asreview,
            &record(&[("label_included", v)]),
            "kim",
        )
    };
    assert_eq!(vote("1").0[0].verdict, VoteVerdict::Include);
    assert_eq!(vote("0").0[0].verdict, VoteVerdict::Exclude(vec![]));
    assert_eq!(vote("1.0").0[0].reviewer, "kim");
    assert!(vote("-1").0.is_empty() && vote("-1").1.is_empty());
    let (v, problems) = vote("yes");
    assert!(v.is_empty());
    assert!(problems[0].contains("`yes`"), "{problems:?}");
    let r = record(&[("included", "1")]);
    assert_eq!(read(DecisionsFrom::Asreview, &r, "kim").0.len(), 1);
}

#[test]
fn abstrackr_columns_give_each_reviewer_and_the_consensus() {
    // As the importer keeps the row: empty cells are left out.
    let r = record(&[
        ("(internal) id", "41893417"),
        ("tags", "kids,rct"),
        ("consensus", "x"),
        ("Alice", "-1"),
        ("labeled_at", "2024-08-15 08:42:49"),
        ("Bob", "1"),
        ("Carol", "o"),
        ("Dan", "0"),
        ("labeled_at", "2024-08-16 09:00:00"),
        ("population notes (Alice)", "adults only"),
    ]);
    let (votes, problems) = read(DecisionsFrom::Abstrackr, &r, "");
    assert!(problems.is_empty(), "{problems:?}");
    let got: Vec<(&str, &VoteVerdict, Option<&str>)> = votes
        .iter()
        .map(|v| (v.reviewer.as_str(), &v.verdict, v.at.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "Alice",
                &VoteVerdict::Exclude(vec![]),
                Some("2024-08-15T08:42:49Z")
            ),
            ("Bob", &VoteVerdict::Include, None),
            ("Dan", &VoteVerdict::Maybe, Some("2024-08-16T09:00:00Z")),
        ]
    );
    assert_eq!(votes[0].note, "population: adults only");
    assert_eq!(votes[0].tags, ["kids", "rct"]);
    let agreed = record(&[
        ("title", "x"),
        ("consensus", "1"),
        ("Alice", "1"),
        ("Bob", "1"),
    ]);
    let (votes, _) = read(DecisionsFrom::Abstrackr, &agreed, "");
    assert_eq!(votes[0].reviewer, CONSENSUS);
    let odd = record(&[("consensus", "o"), ("Alice", "2")]);
    assert!(read(DecisionsFrom::Abstrackr, &odd, "").1[0].contains("`2`"));
}

fn import(
    p: &mut Project,
    path: &str,
    bytes: &[u8],
    tool: DecisionsFrom,
    reviewer: Option<&str>,
) -> Result<VotesReport, String> {
    let prepared = Prepared::read(tool, reviewer, &[(path.to_string(), bytes.to_vec())], None)?;
    let inputs = [Input {
        path: path.to_string(),
        bytes,
        format: None,
        database: None,
    }];
    let (_, votes) = import_files(p, &inputs, Some(&prepared)).map_err(|e| e.to_string())?;
    Ok(votes.unwrap())
}

#[test]
fn the_three_reviewer_fixture_gives_every_vote_and_reports_the_unreadable_with_lines() {
    let mut p = Project::new();
    let r = import(
        &mut p,
        "rayyan.csv",
        FIXTURE.as_bytes(),
        DecisionsFrom::Rayyan,
        None,
    )
    .unwrap();
    let counts = |who: &str| {
        let c = &r.by_reviewer[who];
        (c.include, c.exclude, c.maybe)
    };
    // Counted by hand from the fixture's notes column.
    assert_eq!(counts("Ana"), (3, 6, 1));
    assert_eq!(counts("Ben"), (3, 4, 2));
    assert_eq!(counts("Chloe"), (3, 3, 2));
    assert_eq!(r.added, 27);
    let lines: Vec<usize> = r.unreadable.iter().map(|u| u.line).collect();
    assert_eq!(lines, [10, 12]);
    assert!(r.unreadable[0].message.contains("`Perhaps` by Chloe"));
    // Reasons matched by label: "wrong population" once, whatever the case.
    let ids: Vec<&str> = p
        .reasons
        .iter()
        .filter(|x| x.label == "wrong population")
        .map(|x| x.id.as_str())
        .collect();
    assert_eq!(ids, ["wrong-population"]);
    assert!(r.reasons_added.contains(&"foreign language".to_string()));
    // Any pair compares.
    for (a, b) in [("Ana", "Ben"), ("Ana", "Chloe"), ("Ben", "Chloe")] {
        assert!(!crate::compare::conflicts(&p, &[a, b], Stage::TitleAbstract).is_empty());
    }
    // Brought again: nothing new.
    let again = import(
        &mut p,
        "rayyan.csv",
        FIXTURE.as_bytes(),
        DecisionsFrom::Rayyan,
        None,
    )
    .unwrap();
    assert_eq!((again.added, again.unchanged), (0, 27));
}

#[test]
fn one_reviewer_only_and_wrong_files_are_refused_before_anything_changes() {
    let mut p = Project::new();
    let r = import(
        &mut p,
        "rayyan.csv",
        FIXTURE.as_bytes(),
        DecisionsFrom::Rayyan,
        Some("Ben"),
    )
    .unwrap();
    assert_eq!(r.by_reviewer.keys().collect::<Vec<_>>(), ["Ben"]);
    let mut p = Project::new();
    let err = import(
        &mut p,
        "rayyan.csv",
        FIXTURE.as_bytes(),
        DecisionsFrom::Rayyan,
        Some("Zoe"),
    )
    .unwrap_err();
    assert!(
        err.contains("no votes by `Zoe`") && err.contains("Ana (10)"),
        "{err}"
    );
    assert!(p.records.is_empty());
    let err = import(
        &mut p,
        "rayyan.csv",
        FIXTURE.as_bytes(),
        DecisionsFrom::Asreview,
        None,
    )
    .unwrap_err();
    assert!(err.contains("--reviewer"), "{err}");
    let err = import(
        &mut p,
        "rayyan.csv",
        FIXTURE.as_bytes(),
        DecisionsFrom::Abstrackr,
        None,
    )
    .unwrap_err();
    assert!(err.contains("abstrackr export"), "{err}");
    assert!(p.records.is_empty() && p.decisions.is_empty());
}
