use super::*;

fn rec(key: &str, doi: &str, pmid: &str) -> Record {
    Record {
        key: key.into(),
        doi: doi.into(),
        pmid: pmid.into(),
        title: format!("A long enough title for record {key} to be specific"),
        ..Record::default()
    }
}

fn paper(key: &str, title: &str, authors: &[&str], year: i32, pages: &str) -> Record {
    Record {
        key: key.into(),
        title: title.into(),
        authors: authors.iter().map(|a| a.to_string()).collect(),
        year: Some(year),
        pages: pages.into(),
        ..Record::default()
    }
}

fn primaries(rs: &[Record]) -> Vec<Option<&str>> {
    rs.iter().map(|r| r.duplicate_of.as_deref()).collect()
}

#[test]
fn groups_by_doi_and_pmid_with_smallest_key_primary() {
    let mut rs = vec![
        rec("c", "10.1/A", ""),
        rec("b", "https://doi.org/10.1/a", "77"),
        rec("a", "", "77"),
        rec("d", "10.1/other", ""),
    ];
    // Same titles for the id-linked ones, as a real copy would have.
    rs[0].title = rs[1].title.clone();
    rs[2].title = rs[1].title.clone();
    assert_eq!(link_duplicates(&mut rs), 2);
    assert_eq!(primaries(&rs), [Some("a"), Some("a"), None, None]);
    let why = rs[0].duplicate_match.as_ref().unwrap();
    assert_eq!((why.rule, why.with.as_str()), (MatchRule::Doi, "b"));
    let why = rs[1].duplicate_match.as_ref().unwrap();
    assert_eq!((why.rule, why.with.as_str()), (MatchRule::Pmid, "a"));
    // Order of the input does not change the outcome.
    rs.reverse();
    assert_eq!(link_duplicates(&mut rs), 2);
    assert_eq!(primaries(&rs), [None, None, Some("a"), Some("a")]);
    assert_eq!(rs[3].duplicate_match.as_ref().unwrap().with, "b");
}

#[test]
fn titles_match_across_database_spellings() {
    let mut rs = vec![
        paper(
            "k2",
            "Loss of β-cell function in <i>Ldlr</i><sup>-/-</sup> mice: a randomised trial",
            &["Repper, Julie", "Watson, Emma"],
            2012,
            "221-8",
        ),
        paper(
            "k1",
            "Loss of beta-cell function in Ldlr-/- mice: a randomized trial.",
            &["Repper J", "Watson E"],
            2012,
            "221-228",
        ),
    ];
    assert_eq!(link_duplicates(&mut rs), 1);
    let why = rs[0].duplicate_match.as_ref().unwrap();
    assert_eq!(why.rule, MatchRule::Title);
    assert!(why.score >= 950 && why.score < 1000, "{}", why.score);
    assert_eq!(rs[0].duplicate_of.as_deref(), Some("k1"));
}

#[test]
fn what_is_not_a_duplicate() {
    let base = "Peer support workers in community mental health teams: a mixed methods evaluation";
    let authors = ["Repper, Julie", "Watson, Emma"];
    let cases: Vec<(&str, Record)> = vec![
        (
            "an erratum",
            paper("b", &format!("Erratum: {base}"), &authors, 2012, ""),
        ),
        (
            "an author correction",
            paper(
                "b",
                &format!("Author Correction: {base}"),
                &authors,
                2012,
                "",
            ),
        ),
        (
            "part 2 of a series",
            paper("b", &format!("{base}, part 2"), &authors, 2012, ""),
        ),
        (
            "other authors",
            paper("b", base, &["Smith, John", "Jones, Ann"], 2012, ""),
        ),
        ("years apart", paper("b", base, &authors, 2016, "")),
        ("other pages", paper("b", base, &authors, 2012, "300-310")),
    ];
    for (what, other) in cases {
        let mut original = paper("a", base, &authors, 2012, "12-20");
        if what == "part 2 of a series" {
            original.title = format!("{base}, part 1");
        }
        let mut rs = vec![original, other];
        assert_eq!(link_duplicates(&mut rs), 0, "{what}");
    }
}

#[test]
fn two_papers_of_one_issue_without_titles_stay_apart() {
    let mk = |key: &str, abstract_text: &str| Record {
        key: key.into(),
        authors: vec!["Julie Repper".into(), "Emma Watson".into()],
        year: Some(2012),
        volume: "7".into(),
        issue: "2".into(),
        journal: "The Journal of Mental Health Training, Education and Practice".into(),
        abstract_text: abstract_text.into(),
        ..Record::default()
    };
    let first = "Purpose: In April 2010, Nottinghamshire Healthcare NHS trust won Regional Innovation Funding to recruit, train and employ six peer support workers in community mental health teams. The aim of this paper is to examine the nature and dynamics of peer support.";
    let second = "Purpose: In April 2010, Nottinghamshire Healthcare NHS trust won Regional Innovation Funding to recruit, train and employ six peer support workers. This paper describes the lessons learned during the first year of the project, from recruitment to supervision.";
    let mut rs = vec![mk("a", first), mk("b", second)];
    assert_eq!(link_duplicates(&mut rs), 0);
    // The same abstract twice is one paper.
    let mut rs = vec![mk("a", first), mk("b", &first.replace(':', " -"))];
    assert_eq!(link_duplicates(&mut rs), 1);
    assert_eq!(
        rs[1].duplicate_match.as_ref().unwrap().rule,
        MatchRule::Abstract
    );
}

#[test]
fn a_supplement_doi_does_not_merge_its_abstracts() {
    let mut a = paper(
        "a",
        "DPP4 inhibition by linagliptin prevents heart failure with preserved ejection fraction",
        &["Koibuchi N"],
        2017,
        "S259",
    );
    let mut b = paper(
        "b",
        "Cardiac effects of combined SGLT1/2 inhibition following myocardial infarction",
        &["Lin B"],
        2017,
        "S548-S549",
    );
    a.doi = "10.1007/s00125-017-4350-z".into();
    b.doi = a.doi.clone();
    let mut rs = vec![a, b];
    assert_eq!(link_duplicates(&mut rs), 0);
}

#[test]
fn a_record_without_doi_does_not_bridge_two_dois() {
    let title = "Lake restoration by phosphorus inactivation with lanthanum modified bentonite";
    let mut a = paper("a", title, &["Lurling M"], 2014, "");
    let mut b = paper("b", title, &["Lurling M"], 2014, "");
    let c = paper("c", title, &["Lurling M"], 2014, "");
    a.doi = "10.1/one".into();
    b.doi = "10.1/two".into();
    let mut rs = vec![a, b, c];
    assert_eq!(link_duplicates(&mut rs), 1);
    // The DOI-less copy joins exactly one of them.
    assert_eq!(rs[0].duplicate_of, None);
    assert_eq!(rs[1].duplicate_of, None);
    assert_eq!(rs[2].duplicate_of.as_deref(), Some("a"));
}

#[test]
fn a_pasted_record_without_title_meets_its_titled_copy() {
    let text = "In April 2010, Nottinghamshire Healthcare NHS trust won Regional Innovation Funding to recruit, train and employ six peer support workers in community mental health teams. At the time, practical examples were lacking.";
    let pasted = Record {
        key: "a:1".into(),
        authors: vec!["Julie Repper".into(), "Emma Watson".into()],
        year: Some(2012),
        abstract_text: format!("Purpose: {text}"),
        ..Record::default()
    };
    let mut titled = paper(
        "doi:10.1108/x",
        "Peer support workers in community mental health teams",
        &["Repper, J."],
        2012,
        "",
    );
    titled.abstract_text = format!("Purpose - {text} (c) Emerald");
    let mut rs = vec![pasted, titled];
    assert_eq!(link_duplicates(&mut rs), 1);
    assert_eq!(rs[1].duplicate_of.as_deref(), Some("a:1"));
}

#[test]
fn generic_titles_need_more_than_the_title() {
    let mut rs: Vec<Record> = (0..100u64)
        .map(|i| {
            let mut r = paper(&format!("k{i:03}"), "Editorial", &[], 2020, "");
            // Different editorials say different things.
            let words = [
                "lakes",
                "rivers",
                "soils",
                "forests",
                "wetlands",
                "dunes",
                "reefs",
                "peat",
                "carbon",
                "nitrogen",
                "phosphorus",
                "iron",
                "silica",
                "oxygen",
                "methane",
                "zinc",
            ];
            let mut state = 0x9e37_79b9_7f4a_7c15_u64 ^ i;
            let text: Vec<&str> = (0..14)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    words[(state % words.len() as u64) as usize]
                })
                .collect();
            r.abstract_text = format!("Papers on {}.", text.join(" "));
            r
        })
        .collect();
    assert_eq!(link_duplicates(&mut rs), 0);
}

#[test]
fn many_copies_of_one_paper_form_one_group() {
    // More copies than a block compares pairwise: the sorted
    // neighbourhood still chains them all.
    let mut rs: Vec<Record> = (0..200)
        .map(|i| {
            paper(
                &format!("k{i:03}"),
                "Restoration of eutrophic lakes: a review of methods and outcomes",
                &["Jeppesen E"],
                2007,
                "",
            )
        })
        .collect();
    assert_eq!(link_duplicates(&mut rs), 199);
    assert!(
        rs[1..]
            .iter()
            .all(|r| r.duplicate_of.as_deref() == Some("k000"))
    );
    // Every `with` leads to the primary.
    for r in &rs[1..] {
        let mut at = r;
        for _ in 0..200 {
            match &at.duplicate_match {
                Some(m) => at = rs.iter().find(|x| x.key == m.with).unwrap(),
                None => break,
            }
        }
        assert_eq!(at.key, "k000");
    }
}

#[test]
fn groups_do_not_depend_on_order() {
    let mut rs = vec![
        paper(
            "e",
            "Effects of biomanipulation on lake water quality in Denmark",
            &["Sondergaard M"],
            2008,
            "1",
        ),
        paper(
            "c",
            "Effects of biomanipulation on lake water quality in Denmark.",
            &["Søndergaard, Martin"],
            2008,
            "",
        ),
        paper(
            "a",
            "Effect of biomanipulation on lake water quality in Denmark",
            &["Sondergaard M"],
            2007,
            "1",
        ),
        paper(
            "d",
            "Biomanipulation in shallow lakes: state of the art",
            &["Jeppesen E"],
            2007,
            "",
        ),
        paper(
            "b",
            "Biomanipulation in shallow lakes: state of the art.",
            &["Jeppesen, E."],
            2007,
            "",
        ),
    ];
    link_duplicates(&mut rs);
    let mut before: Vec<(String, Option<String>, Option<DuplicateMatch>)> = rs
        .iter()
        .map(|r| {
            (
                r.key.clone(),
                r.duplicate_of.clone(),
                r.duplicate_match.clone(),
            )
        })
        .collect();
    before.sort_by(|x, y| x.0.cmp(&y.0));
    for rotation in 1..rs.len() {
        let mut shuffled = rs.clone();
        shuffled.rotate_left(rotation);
        shuffled.swap(0, 2);
        link_duplicates(&mut shuffled);
        let mut after: Vec<_> = shuffled
            .iter()
            .map(|r| {
                (
                    r.key.clone(),
                    r.duplicate_of.clone(),
                    r.duplicate_match.clone(),
                )
            })
            .collect();
        after.sort_by(|x, y| x.0.cmp(&y.0));
        assert_eq!(before, after);
    }
    assert_eq!(
        before.iter().filter(|x| x.1.is_some()).count(),
        3,
        "{before:#?}"
    );
}

proptest::proptest! {
    /// On any records: links point at primaries, the primary is the
    /// smallest key of its group, every `with` is in the same group, and
    /// the order of the input changes nothing.
    #[test]
    fn groups_are_well_formed(
        rows in proptest::collection::vec(
            (0u8..6, 0u8..4, 0u8..3, proptest::option::of(2000i32..2003), "[a-c ]{0,3}"),
            0..40,
        )
    ) {
        let titles = ["", "Editorial", "Lake restoration by biomanipulation in Denmark",
            "Lake restoration by biomanipulation in Denmark.", "LAKE RESTORATION BY BIOMANIPULATION IN DENMARK, PART 2",
            "Erratum: Lake restoration by biomanipulation in Denmark"];
        let mut rs: Vec<Record> = rows
            .iter()
            .enumerate()
            .map(|(i, (t, d, a, year, noise))| Record {
                key: format!("k{:03}", (i * 37) % 101),
                title: titles[*t as usize].to_string(),
                doi: ["", "10.1/a", "10.1/b", "doi 10.1/A."][*d as usize].to_string(),
                authors: [vec![], vec!["Jeppesen E".to_string()], vec!["Smith, J".to_string()]][*a as usize].clone(),
                year: *year,
                abstract_text: format!("Abstract {noise} about lakes and fish and nutrients in shallow waters"),
                ..Record::default()
            })
            .collect();
        // Keys are unique in a project.
        rs.sort_by(|x, y| x.key.cmp(&y.key));
        rs.dedup_by(|x, y| x.key == y.key);
        link_duplicates(&mut rs);
        let by_key: std::collections::HashMap<&str, &Record> =
            rs.iter().map(|r| (r.key.as_str(), r)).collect();
        for r in &rs {
            if let Some(p) = &r.duplicate_of {
                let primary = by_key[p.as_str()];
                proptest::prop_assert!(primary.duplicate_of.is_none());
                proptest::prop_assert!(primary.key < r.key);
                let m = r.duplicate_match.as_ref().unwrap();
                let with = by_key[m.with.as_str()];
                proptest::prop_assert_eq!(with.duplicate_of.as_deref().unwrap_or(&with.key), p.as_str());
            } else {
                proptest::prop_assert!(r.duplicate_match.is_none());
            }
        }
        // Two different DOIs never share a group.
        let mut dois: std::collections::HashMap<&str, std::collections::BTreeSet<String>> =
            std::collections::HashMap::new();
        for r in &rs {
            if let Some(d) = normalize_doi(&r.doi) {
                dois.entry(r.duplicate_of.as_deref().unwrap_or(&r.key)).or_default().insert(d);
            }
        }
        proptest::prop_assert!(dois.values().all(|d| d.len() == 1));
        let before: Vec<(String, Option<String>)> =
            rs.iter().map(|r| (r.key.clone(), r.duplicate_of.clone())).collect();
        let mut shuffled = rs.clone();
        shuffled.reverse();
        link_duplicates(&mut shuffled);
        shuffled.reverse();
        let after: Vec<(String, Option<String>)> =
            shuffled.iter().map(|r| (r.key.clone(), r.duplicate_of.clone())).collect();
        proptest::prop_assert_eq!(before, after);
    }
}
