//! Decisions made in other screening tools, brought in with
//! `screener import PROJECT FILE --decisions-from asreview|rayyan|abstrackr`:
//! every vote in the export becomes a decision by its reviewer at title and
//! abstract, added through `Change::Decide` like a decision made on screen.
//!
//! The importers keep every column they do not map in `Record::extra`, so
//! the votes are read from there: ASReview's `label_included` / `included`
//! column, Rayyan's notes (`RAYYAN-INCLUSION: {"Ana"=>"Included", …} |
//! RAYYAN-EXCLUSION-REASONS: … | RAYYAN-LABELS: … | USER-NOTES: …`, in
//! the CSV `notes` column or the RIS `N1` field), Abstrackr's consensus
//! and per-reviewer label columns (1 include, -1 exclude, 0 maybe; `o`
//! not labelled). `docs/TWO-REVIEWERS.md` has the details.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::cli::DecisionsFrom;
use crate::import::{self, Format};
use crate::ingest;
use crate::project::{self, CONSENSUS, Change, Decision, Project, Reason, Stage, Verdict};
use crate::record::Record;

/// One reviewer's vote on one record, as the export says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vote {
    pub reviewer: String,
    pub verdict: VoteVerdict,
    pub note: String,
    pub tags: Vec<String>,
    /// When the tool says (RFC 3339), else the time of the import.
    pub at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VoteVerdict {
    Include,
    /// With the reasons' labels as the tool wrote them.
    Exclude(Vec<String>),
    Maybe,
}

/// A vote that could not be read, and where.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Unreadable {
    pub path: String,
    pub line: usize,
    pub message: String,
}

impl DecisionsFrom {
    pub fn name(self) -> &'static str {
        match self {
            DecisionsFrom::Asreview => "asreview",
            DecisionsFrom::Rayyan => "rayyan",
            DecisionsFrom::Abstrackr => "abstrackr",
        }
    }
}

/// The votes a record of an export holds, and messages for those it could
/// not read. `reviewer` names the ASReview reviewer.
pub fn read(tool: DecisionsFrom, record: &Record, reviewer: &str) -> (Vec<Vote>, Vec<String>) {
    match tool {
        DecisionsFrom::Asreview => asreview(record, reviewer),
        DecisionsFrom::Rayyan => rayyan(record),
        DecisionsFrom::Abstrackr => abstrackr(record),
    }
}

fn norm(tag: &str) -> String {
    import::columns::normalize_header(tag)
}

fn asreview(record: &Record, reviewer: &str) -> (Vec<Vote>, Vec<String>) {
    let Some(field) = ["label included", "included", "asreview label"]
        .iter()
        .find_map(|name| record.extra.iter().find(|f| norm(&f.tag) == *name))
    else {
        return (Vec::new(), Vec::new());
    };
    let verdict = match field.value.trim() {
        "1" | "1.0" | "True" | "true" => VoteVerdict::Include,
        "0" | "0.0" | "False" | "false" => VoteVerdict::Exclude(Vec::new()),
        // ASReview's "not labelled".
        "" | "-1" | "-1.0" | "NA" | "nan" => return (Vec::new(), Vec::new()),
        other => {
            return (
                Vec::new(),
                vec![format!(
                    "{} is `{other}`, not 1 (include), 0 (exclude) or empty",
                    field.tag
                )],
            );
        }
    };
    (
        vec![Vote {
            reviewer: reviewer.to_string(),
            verdict,
            note: String::new(),
            tags: Vec::new(),
            at: None,
        }],
        Vec::new(),
    )
}

/// `"a"=>"b", "c"=>["d", "e"]` inside braces: the pairs, values as lists.
fn ruby_hash(s: &str) -> Option<Vec<(String, Vec<String>)>> {
    let s = s.trim();
    let inner = s.strip_prefix('{')?.strip_suffix('}')?;
    let mut out = Vec::new();
    let mut rest = inner.trim_start();
    fn quoted(s: &str) -> Option<(String, &str)> {
        let s = s.strip_prefix('"')?;
        let mut out = String::new();
        let mut chars = s.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => out.push(chars.next()?.1),
                '"' => return Some((out, &s[i + 1..])),
                c => out.push(c),
            }
        }
        None
    }
    while !rest.is_empty() {
        let (key, r) = quoted(rest)?;
        let r = r.trim_start().strip_prefix("=>")?.trim_start();
        let (values, r) = if let Some(mut list) = r.strip_prefix('[') {
            let mut values = Vec::new();
            loop {
                list = list.trim_start();
                if let Some(r) = list.strip_prefix(']') {
                    break (values, r);
                }
                let (v, r) = quoted(list)?;
                values.push(v);
                list = r.trim_start();
                list = list.strip_prefix(',').unwrap_or(list);
            }
        } else {
            let (v, r) = quoted(r)?;
            (vec![v], r)
        };
        out.push((key, values));
        rest = r.trim_start();
        rest = rest.strip_prefix(',').unwrap_or(rest).trim_start();
    }
    Some(out)
}

const EXR: &str = "__EXR__";

fn rayyan(record: &Record) -> (Vec<Vote>, Vec<String>) {
    let mut votes: Vec<(String, String)> = Vec::new();
    let mut reasons: Vec<String> = Vec::new();
    let mut labels: Vec<String> = Vec::new();
    let mut notes: HashMap<String, Vec<String>> = HashMap::new();
    let mut problems = Vec::new();
    for field in &record.extra {
        if !field.value.contains("RAYYAN-") && !field.value.contains("USER-NOTES:") {
            continue;
        }
        // An older export wraps earlier screening rounds in <p>…</p>.
        for part in field.value.split('|') {
            let part = part
                .trim()
                .trim_start_matches("<p>")
                .trim_end_matches("</p>")
                .trim();
            let list = |s: &str| -> Vec<String> {
                s.split(',')
                    .map(str::trim)
                    .filter(|x| !x.is_empty())
                    .map(str::to_string)
                    .collect()
            };
            if let Some(h) = part.strip_prefix("RAYYAN-INCLUSION:") {
                match ruby_hash(h) {
                    Some(pairs) => {
                        for (name, values) in pairs {
                            votes.push((name, values.join(",")));
                        }
                    }
                    None => problems.push(format!(
                        "{}: cannot read `RAYYAN-INCLUSION:{h}` (expected {{\"Name\"=>\"Included\", …}})",
                        field.tag
                    )),
                }
            } else if let Some(r) = part.strip_prefix("RAYYAN-EXCLUSION-REASONS:") {
                reasons.extend(list(r));
            } else if let Some(l) = part.strip_prefix("RAYYAN-LABELS:") {
                for label in list(l) {
                    match label.strip_prefix(EXR) {
                        Some(reason) => reasons.push(reason.trim().to_string()),
                        None => labels.push(label),
                    }
                }
            } else if let Some(h) = part.strip_prefix("USER-NOTES:") {
                match ruby_hash(h) {
                    Some(pairs) => {
                        for (name, values) in pairs {
                            notes.entry(name).or_default().extend(values);
                        }
                    }
                    None => problems.push(format!("{}: cannot read `USER-NOTES:{h}`", field.tag)),
                }
            }
        }
    }
    let mut out = Vec::new();
    for (name, value) in votes {
        let verdict = match value.trim() {
            "Included" => VoteVerdict::Include,
            "Excluded" => VoteVerdict::Exclude(reasons.clone()),
            "Maybe" => VoteVerdict::Maybe,
            other => {
                problems.push(format!(
                    "vote `{other}` by {name} is not Included, Excluded or Maybe"
                ));
                continue;
            }
        };
        out.push(Vote {
            note: notes.get(&name).map(|n| n.join("\n")).unwrap_or_default(),
            reviewer: name,
            verdict,
            tags: labels.clone(),
            at: None,
        });
    }
    (out, problems)
}

/// Abstrackr's export: `(internal) id, (source) id, pubmed id, keywords,
/// abstract, title, journal, authors, tags, consensus, labeled_at, NAME,
/// labeled_at, …, general notes (NAME), …`. Empty cells are not kept in
/// `extra`, so a `labeled_at` belongs to the label right before it.
fn abstrackr(record: &Record) -> (Vec<Vote>, Vec<String>) {
    const FIXED: [&str; 10] = [
        "(internal) id",
        "(source) id",
        "pubmed id",
        "keywords",
        "abstract",
        "title",
        "journal",
        "authors",
        "tags",
        "labeled_at",
    ];
    let mut tags = Vec::new();
    let mut notes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut labels: Vec<(String, String, Option<String>)> = Vec::new();
    let mut problems = Vec::new();
    // The label columns start with the consensus; a row without one (the
    // citations nobody labelled, or another tool's file) holds no votes.
    let Some(start) = record
        .extra
        .iter()
        .position(|f| f.tag.trim().eq_ignore_ascii_case("consensus"))
    else {
        return (Vec::new(), Vec::new());
    };
    if let Some(f) = record.extra.iter().find(|f| f.tag.trim() == "tags") {
        tags.extend(
            f.value
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string),
        );
    }
    for (i, f) in record.extra.iter().enumerate().skip(start) {
        let tag = f.tag.trim();
        if let Some((kind, name)) = tag.strip_suffix(')').and_then(|t| t.split_once(" notes (")) {
            notes
                .entry(name.to_string())
                .or_default()
                .push(format!("{kind}: {}", f.value.trim()));
            continue;
        }
        if FIXED.iter().any(|x| tag.eq_ignore_ascii_case(x)) || tag.starts_with("column ") {
            continue;
        }
        let at = record
            .extra
            .get(i + 1)
            .filter(|n| n.tag.trim() == "labeled_at")
            .and_then(|n| abstrackr_time(&n.value));
        labels.push((tag.to_string(), f.value.trim().to_string(), at));
    }
    let mut out = Vec::new();
    for (name, value, at) in labels {
        let verdict = match value.as_str() {
            "1" => VoteVerdict::Include,
            "-1" => VoteVerdict::Exclude(Vec::new()),
            "0" => VoteVerdict::Maybe,
            // Not labelled by this reviewer; for the consensus, "x" is a
            // conflict nobody settled.
            "o" | "x" | "" => continue,
            other => {
                problems.push(format!(
                    "{name}: label `{other}` is not 1 (include), -1 (exclude), 0 (maybe) or o (none)"
                ));
                continue;
            }
        };
        let reviewer = if name.eq_ignore_ascii_case("consensus") {
            CONSENSUS.to_string()
        } else {
            name.clone()
        };
        out.push(Vote {
            note: notes.get(&name).map(|n| n.join("\n")).unwrap_or_default(),
            reviewer,
            verdict,
            tags: tags.clone(),
            at,
        });
    }
    (out, problems)
}

/// `2024-08-15 08:42:23` → `2024-08-15T08:42:23Z` (Abstrackr writes UTC).
fn abstrackr_time(s: &str) -> Option<String> {
    let s = s.trim();
    let t = format!("{}Z", s.replacen(' ', "T", 1));
    humantime::parse_rfc3339(&t).ok().map(|_| t)
}

/// Per reviewer, the decisions brought.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Counts {
    pub include: usize,
    pub exclude: usize,
    pub maybe: usize,
}

/// What `--decisions-from` did (docs/json.md, `import`'s `decisions`).
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct VotesReport {
    pub from: &'static str,
    /// Decisions added per reviewer.
    pub by_reviewer: BTreeMap<String, Counts>,
    pub added: usize,
    /// Votes that were already the reviewer's current decision (a file
    /// brought twice).
    pub unchanged: usize,
    /// Reasons the export named that the project did not have, added.
    pub reasons_added: Vec<String>,
    pub unreadable: Vec<Unreadable>,
}

/// The votes of one file, read before it is imported.
pub struct FileVotes {
    pub path: String,
    /// Per record of the file, in order (its position - 1): line, votes.
    pub records: Vec<(usize, Vec<Vote>)>,
    pub unreadable: Vec<Unreadable>,
}

/// Reads the votes of a file as the importer will read its records.
/// Fails, naming the file, when it holds none and nothing unreadable:
/// the wrong tool, or an export without decisions.
pub fn read_file(
    path: &str,
    bytes: &[u8],
    format: Option<Format>,
    tool: DecisionsFrom,
    reviewer: Option<&str>,
) -> Result<FileVotes, String> {
    let (_, parsed) = import::parse(bytes, format).map_err(|e| format!("{path}: {e}"))?;
    let only = reviewer.map(str::trim).filter(|r| !r.is_empty());
    let asreview_name = only.unwrap_or_default();
    let mut out = FileVotes {
        path: path.to_string(),
        records: Vec::with_capacity(parsed.records.len()),
        unreadable: Vec::new(),
    };
    let mut found: BTreeMap<String, usize> = BTreeMap::new();
    for (line, record) in &parsed.records {
        let (mut votes, problems) = read(tool, record, asreview_name);
        for message in problems {
            out.unreadable.push(Unreadable {
                path: path.to_string(),
                line: *line,
                message,
            });
        }
        for v in &votes {
            *found.entry(v.reviewer.clone()).or_default() += 1;
        }
        if tool != DecisionsFrom::Asreview {
            if let Some(name) = only {
                votes.retain(|v| v.reviewer == name);
            }
        }
        out.records.push((*line, votes));
    }
    if found.is_empty() && out.unreadable.is_empty() {
        let what = match tool {
            DecisionsFrom::Asreview => "no `label_included` or `included` column with 1 or 0",
            DecisionsFrom::Rayyan => "no RAYYAN-INCLUSION votes in its notes",
            DecisionsFrom::Abstrackr => "no reviewer label columns (1, -1, 0)",
        };
        return Err(format!(
            "{path}: {what}; is this a {} export with decisions? Nothing was imported",
            tool.name()
        ));
    }
    if let (Some(name), false) = (only, tool == DecisionsFrom::Asreview) {
        if !found.contains_key(name) {
            let names: Vec<String> = found.iter().map(|(r, n)| format!("{r} ({n})")).collect();
            return Err(format!(
                "{path}: no votes by `{name}`; the file has votes by {}. Nothing was imported",
                names.join(", ")
            ));
        }
    }
    Ok(out)
}

/// Adds the votes of files just imported into `project` as decisions.
/// `sources_before` is how many sources the project had before the
/// import: a file's records are those of its new source, or, for a file
/// imported before byte for byte (skipped), those of that earlier source.
pub fn apply(
    project: &mut Project,
    files: &[(FileVotes, String)],
    sources_before: usize,
    tool: DecisionsFrom,
) -> VotesReport {
    let mut report = VotesReport {
        from: tool.name(),
        ..VotesReport::default()
    };
    let at_import = project::now();
    let mut by_position: HashMap<(u32, u32), String> = HashMap::new();
    for r in project.records.iter() {
        by_position.insert((r.origin.source, r.origin.position), r.key.clone());
    }
    let primary_of: HashMap<String, String> = project
        .primary_of()
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    let mut current: HashMap<String, HashMap<String, Decision>> = HashMap::new();
    let mut decisions = Vec::new();
    for (votes, content_hash) in files {
        report.unreadable.extend(votes.unreadable.iter().cloned());
        let source = project
            .sources
            .iter()
            .enumerate()
            .skip(sources_before)
            .find(|(_, s)| s.path == votes.path)
            .or_else(|| {
                project
                    .sources
                    .iter()
                    .enumerate()
                    .find(|(_, s)| &s.content_hash == content_hash)
            })
            .map(|(i, _)| i as u32);
        let Some(source) = source else {
            continue;
        };
        for (n, (line, file_votes)) in votes.records.iter().enumerate() {
            let Some(key) = by_position.get(&(source, n as u32 + 1)) else {
                report
                    .unreadable
                    .extend(file_votes.iter().map(|v| Unreadable {
                        path: votes.path.clone(),
                        line: *line,
                        message: format!("{}'s vote: the record is not in the project", v.reviewer),
                    }));
                continue;
            };
            let group = primary_of.get(key).unwrap_or(key).clone();
            for v in file_votes {
                let verdict = match &v.verdict {
                    VoteVerdict::Include => Verdict::Include,
                    VoteVerdict::Maybe => Verdict::Maybe,
                    VoteVerdict::Exclude(labels) => Verdict::Exclude(
                        labels
                            .iter()
                            .map(|l| reason_id(project, l, &mut report))
                            .collect(),
                    ),
                };
                let mine = current.entry(v.reviewer.clone()).or_insert_with(|| {
                    project
                        .current_decisions(&v.reviewer, Stage::TitleAbstract)
                        .into_iter()
                        .map(|(k, d)| (k.to_string(), d.clone()))
                        .collect()
                });
                if mine
                    .get(&group)
                    .is_some_and(|d| d.verdict == verdict && d.note == v.note && d.tags == v.tags)
                {
                    report.unchanged += 1;
                    continue;
                }
                let d = Decision {
                    record: key.clone(),
                    reviewer: v.reviewer.clone(),
                    stage: Stage::TitleAbstract,
                    verdict,
                    note: v.note.clone(),
                    tags: v.tags.clone(),
                    at: v.at.clone().unwrap_or_else(|| at_import.clone()),
                    rule: None,
                };
                let counts = report.by_reviewer.entry(v.reviewer.clone()).or_default();
                match d.verdict {
                    Verdict::Include => counts.include += 1,
                    Verdict::Maybe => counts.maybe += 1,
                    _ => counts.exclude += 1,
                }
                mine.insert(group.clone(), d.clone());
                decisions.push(d);
            }
        }
    }
    report.added = decisions.len();
    for d in decisions {
        project.apply(&Change::Decide(d));
    }
    report
}

/// The id of the title/abstract reason labelled `label` (case and spacing
/// ignored), added to the project when it has none.
fn reason_id(project: &mut Project, label: &str, report: &mut VotesReport) -> String {
    let want = label
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    if let Some(r) = project
        .reasons
        .iter()
        .filter(|r| r.stage == Stage::TitleAbstract)
        .find(|r| r.label.to_lowercase() == want || r.id == want)
    {
        return r.id.clone();
    }
    let id = project.new_reason_id(label, Stage::TitleAbstract);
    project.apply(&Change::AddReason(Reason {
        id: id.clone(),
        label: label.trim().to_string(),
        stage: Stage::TitleAbstract,
        retired: false,
    }));
    report.reasons_added.push(label.trim().to_string());
    id
}

/// Votes read from the files of one `import`, ready for [`import_files`].
pub struct Prepared {
    pub tool: DecisionsFrom,
    /// Per file: its votes and the hash that names its bytes.
    pub files: Vec<(FileVotes, String)>,
}

impl Prepared {
    /// Reads the votes of every file (`(path, bytes)`); `reviewer` is
    /// `--reviewer`.
    pub fn read(
        tool: DecisionsFrom,
        reviewer: Option<&str>,
        files: &[(String, Vec<u8>)],
        format: Option<Format>,
    ) -> Result<Prepared, String> {
        if tool == DecisionsFrom::Asreview && reviewer.is_none_or(|r| r.trim().is_empty()) {
            return Err(
                "--decisions-from asreview needs --reviewer NAME: an ASReview export does not say who screened"
                    .into(),
            );
        }
        let mut out = Vec::with_capacity(files.len());
        for (path, bytes) in files {
            out.push((
                read_file(path, bytes, format, tool, reviewer)?,
                ingest::file_hash(bytes),
            ));
        }
        Ok(Prepared { tool, files: out })
    }
}

/// `ingest::import_files`, then the votes of the same files as decisions.
pub fn import_files(
    project: &mut Project,
    inputs: &[ingest::Input],
    votes: Option<&Prepared>,
) -> Result<(ingest::ImportReport, Option<VotesReport>), ingest::IngestError> {
    let sources_before = project.sources.len();
    let report = ingest::import_files(project, inputs)?;
    let votes = votes.map(|v| apply(project, &v.files, sources_before, v.tool));
    Ok((report, votes))
}

/// The import report's lines about the votes.
pub fn report_text(r: &VotesReport) -> String {
    use crate::human::{count, fmt_n};
    let mut out = format!(
        "decisions from {}: {} added",
        r.from,
        count(r.added, "decision", "decisions")
    );
    if r.unchanged > 0 {
        out.push_str(&format!(", {} already there", fmt_n(r.unchanged)));
    }
    out.push('\n');
    for (who, c) in &r.by_reviewer {
        out.push_str(&format!(
            "  {who}: {} included, {} excluded, {} maybe\n",
            fmt_n(c.include),
            fmt_n(c.exclude),
            fmt_n(c.maybe)
        ));
    }
    if !r.reasons_added.is_empty() {
        out.push_str(&format!(
            "  reasons added: {}\n",
            r.reasons_added.join(", ")
        ));
    }
    for u in &r.unreadable {
        out.push_str(&format!(
            "  {}:{}: {} → skipped\n",
            u.path, u.line, u.message
        ));
    }
    out
}

#[cfg(test)]
mod tests;
