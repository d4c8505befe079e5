//! The flow diagram as a Mermaid flowchart, for a protocol or report
//! written in Markdown (GitHub, GitLab and most editors draw it).

use std::fmt::Write;

use super::{Prisma, n_text};
use crate::human::fmt_n;

/// A label in Mermaid's quoted form: quotes and angle brackets as entity
/// codes, lines joined with `<br/>`.
fn label(lines: &[String]) -> String {
    lines
        .iter()
        .map(|l| {
            l.replace('#', "#35;")
                .replace('"', "#quot;")
                .replace('<', "#lt;")
                .replace('>', "#gt;")
        })
        .collect::<Vec<_>>()
        .join("<br/>")
}

fn counted(name: &str, n: Option<usize>) -> String {
    format!("{name} ({})", n_text(n))
}

pub fn render(p: &Prisma) -> String {
    let mut o = String::from("flowchart TD\n");
    let node = |o: &mut String, id: &str, lines: Vec<String>| {
        let _ = writeln!(o, "    {id}[\"{}\"]", label(&lines));
    };
    let n = Some;
    let mut identified = vec!["Records identified from:".to_string()];
    identified.push(counted("Databases", n(p.identified_databases)));
    identified.extend(
        p.databases
            .iter()
            .map(|d| format!("· {}", counted(&d.name, n(d.n)))),
    );
    identified.push(counted("Registers", n(p.identified_registers)));
    identified.extend(
        p.registers
            .iter()
            .map(|d| format!("· {}", counted(&d.name, n(d.n)))),
    );
    let mut removed = vec!["Records removed before screening:".to_string()];
    removed.push(counted("Duplicate records", n(p.duplicates)));
    removed.push(counted(
        "Records marked as ineligible by automation tools",
        n(p.automation),
    ));
    removed.push(counted("Records removed for other reasons", n(p.other)));
    removed.extend(
        p.other_rules
            .iter()
            .map(|r| format!("· {}", counted(&r.name, n(r.n)))),
    );
    let mut excluded = vec![counted("Reports excluded", p.reports_excluded)];
    if p.full_text_started {
        excluded.extend(
            p.reasons
                .iter()
                .map(|r| format!("· {}", counted(&r.name, n(r.n)))),
        );
    }
    let screened = p.title_abstract_started.then_some(p.screened);

    o.push_str("    subgraph identification [\"Identification\"]\n");
    node(&mut o, "identified", identified);
    node(&mut o, "removed", removed);
    o.push_str("    end\n    subgraph screening [\"Screening\"]\n");
    node(
        &mut o,
        "screened",
        vec![counted("Records screened", screened)],
    );
    node(
        &mut o,
        "excluded",
        vec![counted("Records excluded", n(p.excluded))],
    );
    node(
        &mut o,
        "sought",
        vec![counted("Reports sought for retrieval", n(p.sought))],
    );
    node(
        &mut o,
        "notretrieved",
        vec![counted("Reports not retrieved", p.not_retrieved)],
    );
    node(
        &mut o,
        "assessed",
        vec![counted("Reports assessed for eligibility", p.assessed)],
    );
    node(&mut o, "reportsexcluded", excluded);
    o.push_str("    end\n    subgraph included_phase [\"Included\"]\n");
    node(
        &mut o,
        "included",
        vec![
            counted("Studies included in review", p.included),
            counted("Reports of included studies", p.included),
        ],
    );
    o.push_str("    end\n");
    o.push_str(
        "    identified --> removed\n    identified --> screened\n    screened --> excluded\n    screened --> sought\n    sought --> notretrieved\n    sought --> assessed\n    assessed --> reportsexcluded\n    assessed --> included\n",
    );
    let mut pend = Vec::new();
    if p.pending_screening > 0 {
        let mut l = vec![format!(
            "Awaiting screening: {}",
            fmt_n(p.pending_screening)
        )];
        if p.pending_maybe > 0 {
            l.push(format!("of which maybe: {}", fmt_n(p.pending_maybe)));
        }
        pend.push(("pendingscreening", "screened", l));
    }
    if p.pending_retrieval > 0 {
        pend.push((
            "pendingretrieval",
            "sought",
            vec![format!(
                "Awaiting retrieval: {}",
                fmt_n(p.pending_retrieval)
            )],
        ));
    }
    if let Some(m) = p.pending_assessment.filter(|&m| m > 0) {
        pend.push((
            "pendingassessment",
            "assessed",
            vec![format!("Awaiting an eligibility decision: {}", fmt_n(m))],
        ));
    }
    for (id, at, lines) in &pend {
        node(&mut o, id, lines.clone());
        let _ = writeln!(o, "    {at} -.- {id}");
        let _ = writeln!(o, "    class {id} pending");
    }
    if !pend.is_empty() {
        o.push_str("    classDef pending stroke-dasharray: 5 5,fill:#f4f4f4,color:#333\n");
    }
    o
}
