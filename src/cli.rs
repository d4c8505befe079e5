//! The command line (DESIGN.md, "Command line"), as clap derive types.
//! `main.rs` parses it and calls one function per subcommand.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::project::Stage;

#[derive(Parser, Debug)]
#[command(
    name = "screener",
    version,
    about = "Keyboard-first screening of records for systematic reviews",
    long_about = "Import database exports (RIS, PubMed MEDLINE, pasted results pages), screen titles and \
                  abstracts at the keyboard, and keep every decision in a RON project file."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Open the screen on the bundled sample data (a temporary copy)
    Demo(DemoArgs),
    /// Create PROJECT if missing and add the records of FILE...
    Import(ImportArgs),
    /// Screen the records of PROJECT at the keyboard
    Screen(ScreenArgs),
    /// Counts of decisions in PROJECT: per reviewer, stage, source and day
    Status(StatusArgs),
    /// What PROJECT, its .bak, journal and quarantine hold; repair on request
    Recover(RecoverArgs),
    /// The PRISMA 2020 flow diagram's counts (outline, JSON, CSV, the
    /// PRISMA2020 app's template, SVG, Mermaid)
    Prisma(PrismaArgs),
    /// Records with their decisions, for a reference manager or ASReview
    Export(ExportArgs),
    /// Show the active key bindings
    Keys(KeysArgs),
    /// Agreement between reviewers (kappa, PABAK, AC1) and their conflicts
    Compare(CompareArgs),
    /// Join several reviewers' copies of a project into one file
    Merge(MergeArgs),
    /// Git merge driver for project files (`screener merge-driver %O %A %B`)
    MergeDriver(MergeDriverArgs),
    /// Walk the reviewers' conflicts at the keyboard and write the consensus
    /// (agreements are carried over first)
    Resolve(ResolveArgs),
    /// Replay a labelled set through the relevance ranking: WSS@95, WSS@100, RRF@10, timings
    Simulate(SimulateArgs),
    /// Print a shell completion script (e.g. `screener completions bash > ~/.local/share/bash-completion/completions/screener`)
    Completions(CompletionsArgs),
    /// Print the manual page (roff), e.g. `screener man | man -l -`
    Man,
}

#[derive(clap::Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to complete in
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(clap::Args, Debug)]
pub struct DemoArgs {
    #[command(flatten)]
    pub screen: ScreenOptions,
}

#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    /// The project file (created if missing), e.g. review.ron
    pub project: PathBuf,
    /// Database exports to add
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The database the files came from (e.g. Scopus); guessed if absent
    #[arg(long)]
    pub source: Option<String>,
    /// Read the files as this format instead of detecting it
    #[arg(long, value_name = "FMT", value_parser = ["ris", "medline", "nbib", "pubmed", "bibtex", "bib", "biblatex", "endnote-xml", "endnote", "xml", "wos", "ciw", "isi", "ovid", "pasted", "csv", "tsv"])]
    pub format: Option<String>,
    /// Print the report as one JSON object (docs/json.md)
    #[arg(long)]
    pub json: bool,
    /// Also bring the screening decisions the file holds, made in this tool
    #[arg(long, value_enum, value_name = "TOOL")]
    pub decisions_from: Option<DecisionsFrom>,
    /// With --decisions-from: whose votes (ASReview names none: required
    /// there; for Rayyan and Abstrackr, only this reviewer's votes)
    #[arg(long, requires = "decisions_from")]
    pub reviewer: Option<String>,
}

/// Screening tools whose exports carry decisions (`import --decisions-from`).
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecisionsFrom {
    /// `label_included` or `included`: 1 include, 0 exclude, empty undecided
    Asreview,
    /// The notes: `RAYYAN-INCLUSION: {"Name"=>"Included", …}`, exclusion
    /// reasons and labels
    Rayyan,
    /// The per-reviewer label columns (1, -1, 0) and the consensus column
    Abstrackr,
}

#[derive(clap::Args, Debug)]
pub struct CompareArgs {
    /// Two or more reviewers' project files, or one file with --reviewers
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// With one file: the reviewers to compare (two or more); with several
    /// files: one reviewer per file, in order (needed where a file holds
    /// decisions by several reviewers)
    #[arg(long, value_delimiter = ',', value_name = "A,B")]
    pub reviewers: Vec<String>,
    #[arg(long, value_enum, default_value_t = StageArg::TitleAbstract)]
    pub stage: StageArg,
    /// The report as text, one JSON object (docs/json.md), or CSV with one
    /// row per conflict
    #[arg(long, value_enum, default_value_t = CompareFormat::Text)]
    pub format: CompareFormat,
    /// Short for --format json
    #[arg(long)]
    pub json: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompareFormat {
    Text,
    Json,
    Csv,
}

#[derive(clap::Args, Debug)]
pub struct MergeArgs {
    /// The project files to join (copies of one review)
    #[arg(required = true, num_args = 2..)]
    pub files: Vec<PathBuf>,
    /// The merged project file (new, or one of the inputs)
    #[arg(short, long, value_name = "OUT")]
    pub output: PathBuf,
    /// Print the report as one JSON object (docs/json.md)
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Args, Debug)]
pub struct ResolveArgs {
    /// The project file holding the reviewers' decisions (join separate
    /// files first with `screener merge`)
    pub project: PathBuf,
    /// Whose conflicts to resolve, two or more (default: the two reviewers
    /// who screened; a project with more must name them)
    #[arg(long, value_delimiter = ',', value_name = "A,B")]
    pub reviewers: Vec<String>,
    /// The reviewer the consensus decisions are recorded as
    #[arg(long = "as", value_name = "NAME", default_value = crate::project::CONSENSUS)]
    pub resolver: String,
    /// Which stage's decisions are resolved
    #[arg(long, value_enum, default_value_t = StageArg::TitleAbstract)]
    pub stage: StageArg,
    /// A shipped keymap name (default, vim, rayyan) or a path to a .ron keymap
    #[arg(long, default_value = "default")]
    pub keymap: String,
    /// Colours; NO_COLOR in the environment turns colours off whatever this says
    #[arg(long, value_enum, default_value_t = ThemeArg::Default)]
    pub theme: ThemeArg,
}

#[derive(clap::Args, Debug)]
pub struct MergeDriverArgs {
    /// The common ancestor's version (git's %O)
    pub base: PathBuf,
    /// Our version, where the result is written (git's %A)
    pub ours: PathBuf,
    /// Their version (git's %B)
    pub theirs: PathBuf,
    /// The file's path in the repository (git's %P), for messages
    pub path: Option<String>,
}

#[derive(clap::Args, Debug)]
pub struct ScreenOptions {
    /// Whose decisions (default: the login name)
    #[arg(long)]
    pub reviewer: Option<String>,
    /// A shipped keymap name (default, vim, rayyan) or a path to a .ron keymap
    #[arg(long, default_value = "default")]
    pub keymap: String,
    /// Title/abstract, or full text (the title/abstract includes, and maybes
    /// when the project says so)
    #[arg(long, value_enum, default_value_t = StageArg::TitleAbstract)]
    pub stage: StageArg,
    /// The order records come in (switch on screen with the cycle_order key)
    #[arg(long, value_enum, default_value_t = OrderArg::Import)]
    pub order: OrderArg,
    /// Seed of the random order (default: fixed per reviewer name, so a
    /// reopened session keeps its order)
    #[arg(long)]
    pub seed: Option<u64>,
    /// Colours; NO_COLOR in the environment turns colours off whatever this says
    #[arg(long, value_enum, default_value_t = ThemeArg::Default)]
    pub theme: ThemeArg,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrderArg {
    /// As imported
    Import,
    /// Shuffled with a seed (avoids order effects)
    Random,
    /// Newest first
    Year,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThemeArg {
    Default,
    HighContrast,
}

#[derive(clap::Args, Debug)]
pub struct ScreenArgs {
    pub project: PathBuf,
    #[command(flatten)]
    pub options: ScreenOptions,
}

#[derive(clap::Args, Debug)]
pub struct StatusArgs {
    pub project: PathBuf,
    /// Whose decisions (default: the login name)
    #[arg(long)]
    pub reviewer: Option<String>,
    #[arg(long, value_enum, default_value_t = StageArg::TitleAbstract)]
    pub stage: StageArg,
    /// Print one JSON object (docs/json.md); short for --format json
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
    /// text (default), json, csv (section,name,measure,value) or markdown
    #[arg(long, value_enum)]
    pub format: Option<StatusFormat>,
    /// Write to FILE instead of stdout (atomically; see --force)
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace FILE if it exists
    #[arg(long, requires = "output")]
    pub force: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusFormat {
    Text,
    Json,
    Csv,
    Markdown,
}

#[derive(clap::Args, Debug)]
pub struct PrismaArgs {
    pub project: PathBuf,
    /// Whose decisions (default: `consensus` where the project has them,
    /// else the only reviewer)
    #[arg(long)]
    pub reviewer: Option<String>,
    #[arg(long, value_enum, default_value_t = PrismaFormat::Text)]
    pub format: PrismaFormat,
    /// Short for --format json
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
    /// Write to FILE instead of stdout (atomically; see --force)
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace FILE if it exists
    #[arg(long, requires = "output")]
    pub force: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrismaFormat {
    /// The boxes as an indented outline
    Text,
    Json,
    /// box,label,count
    Csv,
    /// The PRISMA2020 R package and Shiny app's data template
    Prisma2020,
    /// The flow diagram as a figure
    Svg,
    /// A Mermaid flowchart for Markdown
    Mermaid,
}

#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    pub project: PathBuf,
    #[arg(long, value_enum, default_value_t = ExportFormat::Ris)]
    pub format: ExportFormat,
    /// Which records (default: include; all for --format asreview)
    #[arg(long, value_enum)]
    pub decision: Option<DecisionArg>,
    /// The decisions of this stage only (default: each record's furthest
    /// stage: full text where it has a decision there, else title/abstract)
    #[arg(long, value_enum)]
    pub stage: Option<StageArg>,
    /// Whose decisions (default: `consensus` where the project has them,
    /// else the only reviewer)
    #[arg(long)]
    pub reviewer: Option<String>,
    /// Also the records linked as duplicates (default: primaries only)
    #[arg(long)]
    pub with_duplicates: bool,
    /// Write to FILE instead of stdout (atomically; see --force)
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace FILE if it exists
    #[arg(long, requires = "output")]
    pub force: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// RIS: decisions in N1 notes, tags as KW
    Ris,
    /// CSV: the record's columns, its decision's, then every source field
    Csv,
    /// BibTeX: decisions in screener-* fields
    Bibtex,
    /// ASReview's columns, with label_included
    Asreview,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecisionArg {
    Include,
    Exclude,
    Maybe,
    Undecided,
    All,
}

#[derive(clap::Args, Debug)]
pub struct RecoverArgs {
    /// The project file (damaged or not)
    pub project: PathBuf,
    /// Replace PROJECT with the repaired project, after copying every file
    /// read into a new folder PROJECT.recovered-TIME (nothing is deleted)
    #[arg(long, conflicts_with = "output")]
    pub write: bool,
    /// Write the repaired project to this new file instead, changing
    /// nothing else
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The way of repairing: everything readable (merged), the file as
    /// read and the journal (file), or .bak and the journal (bak)
    #[arg(long, value_enum, default_value_t = RecoverFrom::Merged)]
    pub from: RecoverFrom,
    /// Also apply quarantined journal lines that still read (their
    /// checksum failed, so they may have been altered)
    #[arg(long)]
    pub include_rejected: bool,
    /// Print the report as one JSON object (docs/json.md)
    #[arg(long)]
    pub json: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecoverFrom {
    Merged,
    File,
    Bak,
}

#[derive(clap::Args, Debug)]
pub struct KeysArgs {
    /// A shipped keymap name (default, vim, rayyan) or a path to a .ron keymap
    #[arg(long, default_value = "default")]
    pub keymap: String,
    /// Print the shipped keymaps side by side as Markdown tables (the
    /// README's Keys section)
    #[arg(long, conflicts_with = "keymap")]
    pub markdown: bool,
}

#[derive(clap::Args, Debug)]
pub struct SimulateArgs {
    /// A labelled table (ASReview CSV: title, abstract, …, label_included 1/0)
    pub labeled: PathBuf,
    /// Print one JSON object (docs/json.md)
    #[arg(long)]
    pub json: bool,
    /// Seed of the prior pairs and the model's tie-breaking
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Runs, each from its own prior include and exclude drawn with the seed
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub runs: u32,
    /// Start from these 0-based data rows (an include, an exclude) instead
    /// of drawn pairs, as ASReview's `--prior-idx I J`; repeat for more runs
    #[arg(long, value_name = "I,J", value_parser = parse_pair)]
    pub prior_rows: Vec<(usize, usize)>,
    /// Write the recall curves as an SVG image
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,
}

fn parse_pair(s: &str) -> Result<(usize, usize), String> {
    let (a, b) = s
        .split_once(',')
        .ok_or_else(|| format!("`{s}`: expected two row numbers, e.g. 3,17"))?;
    let row = |v: &str| {
        v.trim()
            .parse::<usize>()
            .map_err(|_| format!("`{v}` is not a row number (0-based)"))
    };
    Ok((row(a)?, row(b)?))
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum StageArg {
    TitleAbstract,
    FullText,
}

impl From<StageArg> for Stage {
    fn from(s: StageArg) -> Stage {
        match s {
            StageArg::TitleAbstract => Stage::TitleAbstract,
            StageArg::FullText => Stage::FullText,
        }
    }
}

/// `--reviewer`, else the login name (`$USER`, `$LOGNAME`, `$USERNAME`,
/// else the account's name from the system: cron jobs and containers often
/// have no `$USER`), else "reviewer".
pub fn reviewer_or_login(given: Option<&str>) -> String {
    if let Some(r) = given.map(str::trim).filter(|r| !r.is_empty()) {
        return r.to_string();
    }
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.trim().is_empty()))
        .or_else(|| whoami::username().ok().filter(|s| !s.trim().is_empty()))
        .unwrap_or_else(|| "reviewer".to_string())
}
