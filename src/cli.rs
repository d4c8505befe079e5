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
    /// Counts of decisions in PROJECT
    Status(StatusArgs),
    /// Show the active key bindings
    Keys(KeysArgs),
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
    /// Print one JSON object (docs/json.md)
    #[arg(long)]
    pub json: bool,
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

/// `--reviewer`, else the login name, else "reviewer".
pub fn reviewer_or_login(given: Option<&str>) -> String {
    if let Some(r) = given.map(str::trim).filter(|r| !r.is_empty()) {
        return r.to_string();
    }
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.trim().is_empty()))
        .unwrap_or_else(|| "reviewer".to_string())
}
