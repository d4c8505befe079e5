//! `screener compare`: reads the files (journals folded in, nothing
//! written), decides whose decisions each side is, and prints
//! `compare::PairReport` / `MultiReport` as text, JSON or CSV.

use anyhow::{Result, bail};

use crate::cli::{CompareArgs, CompareFormat};
use crate::compare::{self, MultiReport, PairReport, RecordRef, Side, SideDecision};
use crate::human::{count, fmt_n};
use crate::project::{Project, Stage};
use crate::store;

pub fn run(args: &CompareArgs) -> Result<()> {
    let stage: Stage = args.stage.into();
    let format = if args.json {
        CompareFormat::Json
    } else {
        args.format
    };
    let mut projects = Vec::with_capacity(args.files.len());
    for path in &args.files {
        let (project, report) = store::load_and_cache(path, store::Detail::Full)?;
        for (line, why) in &report.dropped {
            eprintln!(
                "warning: {}:{line}: journal line dropped: {why}",
                store::journal_path(path).display()
            );
        }
        projects.push(project);
    }
    let names: Vec<String> = args.files.iter().map(|p| p.display().to_string()).collect();
    let picked = pick_reviewers(&projects, &names, &args.reviewers)?;
    let sides: Vec<Side> = picked
        .iter()
        .map(|(i, reviewer)| Side {
            project: &projects[*i],
            reviewer,
            file: if projects.len() > 1 { &names[*i] } else { "" },
        })
        .collect();
    if sides.len() == 2 {
        let units = compare::align(&sides, stage);
        let r = compare::pair_report(&sides, &units, 0, 1, stage);
        match format {
            CompareFormat::Json => println!("{}", serde_json::to_string(&r)?),
            CompareFormat::Csv => print!("{}", csv_rows(&[&r])?),
            CompareFormat::Text => print!("{}", pair_text(&r)),
        }
    } else {
        let r = compare::multi_report(&sides, stage);
        match format {
            CompareFormat::Json => println!("{}", serde_json::to_string(&r)?),
            CompareFormat::Csv => print!("{}", csv_rows(&r.pairs.iter().collect::<Vec<_>>())?),
            CompareFormat::Text => print!("{}", multi_text(&r)),
        }
    }
    for p in projects {
        store::release(p);
    }
    Ok(())
}

/// Which reviewer each side is, as (index of its project, name). One file:
/// the names given (two or more). Several files: one name per file when
/// given, else each file's only reviewer; a file with several is an error
/// that lists them, as `Project::report_reviewer` does for reports.
pub fn pick_reviewers(
    projects: &[Project],
    files: &[String],
    given: &[String],
) -> Result<Vec<(usize, String)>> {
    let given: Vec<String> = given
        .iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    let listed = |p: &Project| -> String {
        let reviewers = p.reviewers();
        if reviewers.is_empty() {
            return "no decisions yet".into();
        }
        reviewers
            .iter()
            .map(|(r, n)| format!("{r} ({})", count(*n, "record", "records")))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let check = |i: usize, name: &str| -> Result<()> {
        if !projects[i].reviewers().contains_key(name) {
            bail!(
                "{}: no decisions by `{name}`; the file holds: {}",
                files[i],
                listed(&projects[i])
            );
        }
        Ok(())
    };
    if projects.len() == 1 {
        if given.len() < 2 {
            bail!(
                "{}: name the reviewers to compare with --reviewers A,B (the file holds: {}), \
                 or give two files",
                files[0],
                listed(&projects[0])
            );
        }
        for (i, name) in given.iter().enumerate() {
            check(0, name)?;
            if given[..i].contains(name) {
                bail!("--reviewers names `{name}` twice");
            }
        }
        return Ok(given.into_iter().map(|n| (0, n)).collect());
    }
    if !given.is_empty() {
        if given.len() != projects.len() {
            bail!(
                "--reviewers names {} but {} files were given: name one reviewer per file, in order",
                count(given.len(), "reviewer", "reviewers"),
                fmt_n(projects.len())
            );
        }
        for (i, name) in given.iter().enumerate() {
            check(i, name)?;
        }
        return Ok(given.into_iter().enumerate().collect());
    }
    let mut out = Vec::with_capacity(projects.len());
    for (i, p) in projects.iter().enumerate() {
        let reviewers = p.reviewers();
        match reviewers.len() {
            1 => out.push((
                i,
                reviewers
                    .keys()
                    .next()
                    .map_or_else(String::new, |r| r.to_string()),
            )),
            0 => bail!("{}: no decisions yet", files[i]),
            _ => bail!(
                "{}: holds decisions by {} reviewers: {}; choose with --reviewers NAME,NAME \
                 (one per file, in order)",
                files[i],
                reviewers.len(),
                listed(p)
            ),
        }
    }
    Ok(out)
}

fn stage_of(cli_name: &str) -> Stage {
    if cli_name == Stage::FullText.cli_name() {
        Stage::FullText
    } else {
        Stage::TitleAbstract
    }
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

fn num(x: Option<f64>, name: &str, r: &std::collections::BTreeMap<&'static str, String>) -> String {
    match x {
        Some(v) => format!("{v:.3}"),
        None => format!("undefined ({})", r.get(name).map_or("", String::as_str)),
    }
}

fn who(reviewer: &str, file: &str) -> String {
    if file.is_empty() {
        reviewer.to_string()
    } else {
        format!("{reviewer} ({file})")
    }
}

/// Lists shown in the text report stop here; `--json` has every one.
const LISTED: usize = 20;

fn list(out: &mut String, heading: &str, records: &[RecordRef]) {
    if records.is_empty() {
        return;
    }
    out.push_str(&format!("\n{heading} ({})\n", fmt_n(records.len())));
    for r in records.iter().take(LISTED) {
        out.push_str(&format!("  {}  {}\n", r.key, clip(&r.title, 90)));
    }
    if records.len() > LISTED {
        out.push_str(&format!(
            "  … {} more (--json lists all)\n",
            fmt_n(records.len() - LISTED)
        ));
    }
}

fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.push('…');
    out
}

fn side_text(d: &SideDecision) -> String {
    let mut s = d.verdict.replace('_', " ");
    if !d.reason_labels.is_empty() {
        s.push_str(": ");
        s.push_str(&d.reason_labels.join(", "));
    }
    if !d.tags.is_empty() {
        s.push_str(&format!(" · tags {}", d.tags.join(", ")));
    }
    if !d.note.is_empty() {
        s.push_str(&format!(" · note \"{}\"", d.note.replace('\n', " ")));
    }
    s
}

pub fn pair_text(r: &PairReport) -> String {
    let [a, b] = &r.reviewers;
    let mut out = format!(
        "Comparing {} and {} · {}\n",
        who(a, &r.files[0]),
        who(b, &r.files[1]),
        stage_of(r.stage).label()
    );
    let held = if r.files[0].is_empty() {
        format!("{} in the project", count(r.records, "record", "records"))
    } else {
        format!("{} in both files", count(r.records, "record", "records"))
    };
    out.push_str(&format!(
        "{held} · {} screened by both · {} only by {a} · {} only by {b}\n\n",
        fmt_n(r.both_screened),
        fmt_n(r.only_screened_by_a.len()),
        fmt_n(r.only_screened_by_b.len()),
    ));
    let u = &r.undefined;
    let agreement = match r.agreement {
        Some(x) => format!(
            "{} of {} ({})",
            fmt_n(r.agreements as usize),
            fmt_n(r.both_screened),
            pct(x)
        ),
        None => num(None, "agreement", u),
    };
    const W: usize = 34;
    out.push_str(&format!("  {:<W$}{agreement}\n", "agreement"));
    let ci = match r.kappa_ci {
        Some([lo, hi]) => format!(" (95% CI {lo:.3} to {hi:.3})"),
        None if r.kappa.is_some() => format!(" (95% CI {})", num(None, "kappa_ci", u)),
        None => String::new(),
    };
    out.push_str(&format!(
        "  {:<W$}{}{ci}\n",
        "Cohen's kappa",
        num(r.kappa, "kappa", u)
    ));
    out.push_str(&format!(
        "  {:<W$}{}\n",
        "kappa, maybe counted as include",
        num(r.kappa_maybe_as_include, "kappa_maybe_as_include", u)
    ));
    out.push_str(&format!("  {:<W$}{}\n", "PABAK", num(r.pabak, "pabak", u)));
    out.push_str(&format!("  {:<W$}{}\n", "Gwet's AC1", num(r.ac1, "ac1", u)));
    out.push_str(&format!("  ({})\n", r.kappa_ci_method));
    // The table: rows are a, columns b.
    let w = a.chars().count().max(9) + 2;
    out.push_str(&format!("\n  {:<w$}{b}\n", ""));
    out.push_str(&format!("  {a:<w$}"));
    for c in r.table.categories {
        out.push_str(&format!("{c:>9}"));
    }
    out.push('\n');
    for (i, c) in r.table.categories.iter().enumerate() {
        out.push_str(&format!("    {c:<width$}", width = w - 2));
        for n in &r.table.counts[i] {
            out.push_str(&format!("{:>9}", fmt_n(*n as usize)));
        }
        out.push('\n');
    }
    if r.not_retrieved_vs_exclude > 0 {
        out.push_str(&format!(
            "  (report not retrieved counts as exclude in the table; {} not retrieved against \
             an exclusion are listed as conflicts)\n",
            count(r.not_retrieved_vs_exclude, "record", "records")
        ));
    }
    if !r.reasons.is_empty() {
        out.push_str(&format!(
            "\nDisagreements per exclusion reason (excluded by {a} not {b} · by {b} not {a} · \
             both excluded, one named it)\n"
        ));
        let lw = r
            .reasons
            .iter()
            .map(|x| x.label.chars().count())
            .max()
            .unwrap_or(0)
            + 2;
        for x in &r.reasons {
            out.push_str(&format!(
                "  {:<lw$}{:>5} {:>5} {:>5}\n",
                x.label,
                fmt_n(x.excluded_by_a_not_b),
                fmt_n(x.excluded_by_b_not_a),
                fmt_n(x.both_excluded_one_named_it)
            ));
        }
    }
    if r.conflicts.is_empty() {
        out.push_str("\nNo conflicts.\n");
    } else {
        out.push_str(&format!(
            "\n{}\n",
            count(r.conflicts.len(), "conflict", "conflicts")
        ));
        let nw = a.chars().count().max(b.chars().count());
        for c in &r.conflicts {
            out.push_str(&format!("  {}  {}\n", c.key, clip(&c.title, 90)));
            out.push_str(&format!("    {a:<nw$}  {}\n", side_text(&c.a)));
            out.push_str(&format!("    {b:<nw$}  {}\n", side_text(&c.b)));
        }
    }
    list(
        &mut out,
        &format!("Screened only by {a}"),
        &r.only_screened_by_a,
    );
    list(
        &mut out,
        &format!("Screened only by {b}"),
        &r.only_screened_by_b,
    );
    if !r.files[0].is_empty() {
        list(&mut out, &format!("Only in {}", r.files[0]), &r.only_in_a);
        list(&mut out, &format!("Only in {}", r.files[1]), &r.only_in_b);
    }
    out
}

pub fn multi_text(r: &MultiReport) -> String {
    let names: Vec<String> = r
        .reviewers
        .iter()
        .zip(&r.files)
        .map(|(n, f)| who(n, f))
        .collect();
    let mut out = format!(
        "Comparing {} · {}\n\n",
        names.join(", "),
        stage_of(r.stage).label()
    );
    out.push_str(&format!(
        "Fleiss' kappa over the {} all {} screened: {}\n\n",
        count(r.all_screened, "record", "records"),
        fmt_n(r.reviewers.len()),
        num(r.fleiss_kappa, "fleiss_kappa", &r.undefined)
    ));
    let pw = r
        .pairs
        .iter()
        .map(|p| p.reviewers[0].chars().count() + p.reviewers[1].chars().count() + 3)
        .max()
        .unwrap_or(4)
        .max(4);
    out.push_str(&format!(
        "  {:<pw$}  {:>8}  {:>9}  {:>9}  {:>17}  {:>7}  {:>9}\n",
        "pair", "both", "agreement", "kappa", "95% CI", "PABAK", "conflicts"
    ));
    for p in &r.pairs {
        let ci = p.kappa_ci.map_or_else(
            || "undefined".into(),
            |[lo, hi]| format!("{lo:.3} to {hi:.3}"),
        );
        out.push_str(&format!(
            "  {:<pw$}  {:>8}  {:>9}  {:>9}  {:>17}  {:>7}  {:>9}\n",
            format!("{} – {}", p.reviewers[0], p.reviewers[1]),
            fmt_n(p.both_screened),
            p.agreement.map_or_else(|| "undefined".into(), pct),
            p.kappa
                .map_or_else(|| "undefined".into(), |k| format!("{k:.3}")),
            ci,
            p.pabak
                .map_or_else(|| "undefined".into(), |k| format!("{k:.3}")),
            fmt_n(p.conflicts.len()),
        ));
    }
    for p in &r.pairs {
        for (name, why) in &p.undefined {
            out.push_str(&format!(
                "  {} – {}: {name} undefined: {why}\n",
                p.reviewers[0], p.reviewers[1]
            ));
        }
    }
    out.push_str(&format!(
        "\n{}; one pair in full: --reviewers with two names (one file) or two files.\n",
        crate::agreement::KAPPA_CI_METHOD
    ));
    out
}

/// One row per conflict (of every pair given).
pub fn csv_rows(pairs: &[&PairReport]) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "key",
        "title",
        "reviewer_a",
        "verdict_a",
        "reasons_a",
        "note_a",
        "tags_a",
        "reviewer_b",
        "verdict_b",
        "reasons_b",
        "note_b",
        "tags_b",
    ])?;
    for r in pairs {
        for c in &r.conflicts {
            w.write_record([
                c.key.as_str(),
                c.title.as_str(),
                r.reviewers[0].as_str(),
                c.a.verdict,
                &c.a.reason_labels.join("; "),
                &c.a.note,
                &c.a.tags.join("; "),
                r.reviewers[1].as_str(),
                c.b.verdict,
                &c.b.reason_labels.join("; "),
                &c.b.note,
                &c.b.tags.join("; "),
            ])?;
        }
    }
    Ok(String::from_utf8(
        w.into_inner().map_err(|e| e.into_error())?,
    )?)
}
