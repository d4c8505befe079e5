//! The boxes as an indented outline a lead reads in the terminal
//! (`screener prisma`, the default format).

use std::fmt::Write;

use super::{Prisma, n_text};
use crate::human::fmt_n;

pub fn render(p: &Prisma, project_name: &str) -> String {
    let mut o = String::new();
    let n = |x: usize| n_text(Some(x));
    let _ = writeln!(
        o,
        "PRISMA 2020 · {project_name} · decisions of {}",
        p.reviewer
    );
    let _ = writeln!(o, "Identification");
    let _ = writeln!(o, "  Records identified ({})", n(p.identified));
    let _ = writeln!(o, "    Databases ({})", n(p.identified_databases));
    for d in &p.databases {
        let _ = writeln!(o, "      {} ({})", d.name, n(d.n));
    }
    let _ = writeln!(o, "    Registers ({})", n(p.identified_registers));
    for d in &p.registers {
        let _ = writeln!(o, "      {} ({})", d.name, n(d.n));
    }
    let _ = writeln!(o, "  Records removed before screening");
    let _ = writeln!(o, "    Duplicate records ({})", n(p.duplicates));
    let _ = writeln!(
        o,
        "    Records marked as ineligible by automation tools ({})",
        n(p.automation)
    );
    let _ = writeln!(o, "    Records removed for other reasons ({})", n(p.other));
    for r in &p.other_rules {
        let _ = writeln!(o, "      {} ({})", r.name, n(r.n));
    }
    let _ = writeln!(o, "Screening");
    let screened = if p.title_abstract_started {
        n(p.screened)
    } else {
        "not started".into()
    };
    let _ = writeln!(o, "  Records screened ({screened})");
    let _ = writeln!(o, "    Records excluded ({})", n(p.excluded));
    if p.excluded_reasons.len() > 1 {
        let _ = writeln!(
            o,
            "      reasons (a record excluded for two reasons counts under both):"
        );
    }
    for r in &p.excluded_reasons {
        let _ = writeln!(o, "      {} ({})", r.name, n(r.n));
    }
    if p.pending_screening > 0 {
        let maybe = if p.pending_maybe > 0 {
            format!(
                ", of which {} marked maybe (maybes do not go to full text)",
                fmt_n(p.pending_maybe)
            )
        } else {
            String::new()
        };
        let _ = writeln!(
            o,
            "    … awaiting screening: {}{maybe}",
            fmt_n(p.pending_screening)
        );
    }
    let _ = writeln!(o, "  Reports sought for retrieval ({})", n(p.sought));
    if p.sought_maybe > 0 {
        let _ = writeln!(o, "    of which marked maybe: {}", fmt_n(p.sought_maybe));
    }
    let _ = writeln!(o, "    Reports not retrieved ({})", n_text(p.not_retrieved));
    if p.pending_retrieval > 0 {
        let _ = writeln!(
            o,
            "    … awaiting retrieval: {}",
            fmt_n(p.pending_retrieval)
        );
    }
    let _ = writeln!(
        o,
        "  Reports assessed for eligibility ({})",
        n_text(p.assessed)
    );
    let _ = writeln!(o, "    Reports excluded ({})", n_text(p.reports_excluded));
    for r in &p.reasons {
        let _ = writeln!(o, "      {} ({})", r.name, n(r.n));
    }
    if p.multiple_reasons > 0 {
        let _ = writeln!(
            o,
            "      ({} with more than one reason, each counted under its first)",
            fmt_n(p.multiple_reasons)
        );
    }
    if let Some(m) = p.pending_assessment.filter(|&m| m > 0) {
        let _ = writeln!(o, "    … awaiting an eligibility decision: {}", fmt_n(m));
    }
    let _ = writeln!(o, "Included");
    let _ = writeln!(o, "  Studies included in review ({})", n_text(p.included));
    let _ = writeln!(o, "  Reports of included studies ({})", n_text(p.included));
    if p.ignored_full_text > 0 {
        let _ = writeln!(
            o,
            "Note: {} full-text decisions are on records no longer sought (their title/abstract decision changed); they are not counted.",
            fmt_n(p.ignored_full_text)
        );
    }
    o
}

/// `box,count` rows (CSV): every box of [`Prisma::boxes`]; a stage not
/// started has an empty count.
pub fn csv(p: &Prisma) -> String {
    let mut w = ::csv::WriterBuilder::new().from_writer(Vec::new());
    let _ = w.write_record(["box", "label", "count"]);
    for (id, label, n) in p.boxes() {
        let _ = w.write_record([id, label, n.map(|n| n.to_string()).unwrap_or_default()]);
    }
    w.into_inner()
        .map(|v| String::from_utf8_lossy(&v).into_owned())
        .unwrap_or_default()
}
