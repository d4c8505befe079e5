//! A deterministic simulated screening of a project by two reviewers
//! (`alice`, `bob`) through both stages, with the `consensus` decisions a
//! resolve session would write: for tests of the reports (PRISMA, status,
//! export) and for trying them on a real corpus file
//! (`cargo run --example simulate_screening -- PROJECT`). The same seed
//! gives the same decisions on every machine.

use crate::project::{CONSENSUS, Change, Decision, Project, Stage, Verdict};
use crate::splitmix;

/// The reviewers the simulation decides as.
pub const REVIEWERS: [&str; 2] = ["alice", "bob"];

struct Clock {
    secs: u64,
}

impl Clock {
    /// The next decision's time: 10-40 s after the last, over days.
    fn tick(&mut self, rng: &mut u64) -> String {
        self.secs += 10 + splitmix::next(rng) % 31;
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(self.secs);
        humantime::format_rfc3339_seconds(t).to_string()
    }
}

fn pick(rng: &mut u64, n: usize) -> usize {
    (splitmix::next(rng) % n as u64) as usize
}

/// One reviewer's verdict at a stage, or `None` (not decided yet).
fn verdict(rng: &mut u64, stage: Stage, reasons: &[String]) -> Option<Verdict> {
    let roll = pick(rng, 100);
    let exclude = |rng: &mut u64| {
        let mut ids = vec![reasons[pick(rng, reasons.len())].clone()];
        if pick(rng, 5) == 0 {
            let other = reasons[pick(rng, reasons.len())].clone();
            if !ids.contains(&other) {
                ids.push(other);
            }
        }
        Verdict::Exclude(ids)
    };
    Some(match stage {
        Stage::TitleAbstract => match roll {
            0..=14 => Verdict::Include,
            15..=21 => Verdict::Maybe,
            22..=95 => exclude(rng),
            _ => return None,
        },
        Stage::FullText => match roll {
            0..=39 => Verdict::Include,
            40..=84 => exclude(rng),
            85..=89 => Verdict::NotRetrieved,
            90..=94 => Verdict::Maybe,
            _ => return None,
        },
    })
}

/// How a consensus settles two verdicts: the same verdict stands; an
/// include or a maybe on either side goes on (the cautious choice); else
/// the first reviewer's exclusion.
fn settle(a: &Verdict, b: &Verdict) -> Verdict {
    if a == b {
        return a.clone();
    }
    match (a, b) {
        (Verdict::Include, _) | (_, Verdict::Include) => Verdict::Include,
        (Verdict::Maybe, _) | (_, Verdict::Maybe) => Verdict::Maybe,
        (Verdict::Exclude(_), _) => a.clone(),
        _ => b.clone(),
    }
}

fn decision(record: &str, reviewer: &str, stage: Stage, verdict: Verdict, at: String) -> Decision {
    Decision {
        record: record.to_string(),
        reviewer: reviewer.to_string(),
        stage,
        verdict,
        note: String::new(),
        tags: Vec::new(),
        at,
        rule: None,
    }
}

/// The changes of the simulated screening, in the order they were made.
/// Records without an abstract are excluded by a bulk rule of `alice` and
/// the consensus (PRISMA's "removed for other reasons"); a few decisions carry
/// notes and tags.
pub fn two_reviewers(project: &Project, seed: u64) -> Vec<Change> {
    let mut rng = seed ^ 0x5eed_5c4e_e4e4;
    let mut clock = Clock {
        secs: 1_795_000_000,
    };
    let reasons =
        |stage| -> Vec<String> { project.reasons_for(stage).map(|r| r.id.clone()).collect() };
    let (ta_reasons, ft_reasons) = (reasons(Stage::TitleAbstract), reasons(Stage::FullText));
    let primaries = project.primaries_in_import_order();
    let mut changes = Vec::new();
    let old: Vec<usize> = primaries
        .iter()
        .copied()
        .filter(|&i| project.records[i].abstract_text.trim().is_empty())
        .collect();
    // The bulk action: every record without an abstract excluded for the
    // last title/abstract reason ("Other"), the rule named.
    let bulk = |reviewer: &str, at: &str| -> Vec<Decision> {
        old.iter()
            .map(|&i| {
                let mut d = decision(
                    &project.records[i].key,
                    reviewer,
                    Stage::TitleAbstract,
                    Verdict::Exclude(vec![ta_reasons[ta_reasons.len() - 1].clone()]),
                    at.to_string(),
                );
                d.rule = Some("no abstract".into());
                d
            })
            .collect()
    };
    let mut ta: Vec<(usize, Option<Verdict>, Option<Verdict>)> = Vec::new();
    for (reviewer_index, reviewer) in REVIEWERS.iter().enumerate() {
        if reviewer_index == 0 && !old.is_empty() {
            let at = clock.tick(&mut rng);
            changes.push(Change::DecideMany(bulk(reviewer, &at)));
        }
        for (n, &i) in primaries.iter().filter(|i| !old.contains(i)).enumerate() {
            let mut v = verdict(&mut rng, Stage::TitleAbstract, &ta_reasons);
            if reviewer_index == 0 {
                ta.push((i, v.clone(), None));
            } else if let Some(slot) = ta.get_mut(n) {
                // Bob agrees with alice four times in five.
                if let (Some(a), 0..=3) = (&slot.1, pick(&mut rng, 5)) {
                    v = Some(a.clone());
                }
                slot.2 = v.clone();
            }
            if let Some(v) = v {
                let mut d = decision(
                    &project.records[i].key,
                    reviewer,
                    Stage::TitleAbstract,
                    v,
                    clock.tick(&mut rng),
                );
                if pick(&mut rng, 25) == 0 {
                    d.note = format!("checked by {reviewer}: \"see methods\"");
                    d.tags = vec!["pilot".into()];
                }
                changes.push(Change::Decide(d));
            }
        }
        // The next reviewer screens on another day.
        clock.secs += 86_400;
    }
    let with_maybe = project.settings.maybe_to_full_text;
    let mut forward = Vec::new();
    let mut consensus = Vec::new();
    if !old.is_empty() {
        let at = clock.tick(&mut rng);
        consensus.extend(bulk(CONSENSUS, &at));
    }
    for (i, a, b) in &ta {
        if let (Some(a), Some(b)) = (a, b) {
            let v = settle(a, b);
            if matches!(v, Verdict::Include) || (with_maybe && v == Verdict::Maybe) {
                forward.push(*i);
            }
            consensus.push(decision(
                &project.records[*i].key,
                CONSENSUS,
                Stage::TitleAbstract,
                v,
                clock.tick(&mut rng),
            ));
        }
    }
    changes.push(Change::DecideMany(consensus));
    clock.secs += 86_400;
    let mut ft: Vec<(Option<Verdict>, Option<Verdict>)> = Vec::new();
    for &i in &forward {
        let a = verdict(&mut rng, Stage::FullText, &ft_reasons);
        let b = match (&a, pick(&mut rng, 5)) {
            (Some(a), 0..=3) => Some(a.clone()),
            _ => verdict(&mut rng, Stage::FullText, &ft_reasons),
        };
        for (reviewer, v) in REVIEWERS.iter().zip([&a, &b]) {
            if let Some(v) = v {
                changes.push(Change::Decide(decision(
                    &project.records[i].key,
                    reviewer,
                    Stage::FullText,
                    v.clone(),
                    clock.tick(&mut rng),
                )));
            }
        }
        ft.push((a, b));
    }
    let mut consensus = Vec::new();
    for (&i, (a, b)) in forward.iter().zip(&ft) {
        if let (Some(a), Some(b)) = (a, b) {
            consensus.push(decision(
                &project.records[i].key,
                CONSENSUS,
                Stage::FullText,
                settle(a, b),
                clock.tick(&mut rng),
            ));
        }
    }
    changes.push(Change::DecideMany(consensus));
    changes
}
