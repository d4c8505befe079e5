//! `screener completions SHELL` and `screener man`: generated from the clap
//! definition, so they always match the command line.

use anyhow::Result;
use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};

pub fn completions(args: &CompletionsArgs) -> Result<()> {
    let mut cmd = Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "screener", &mut std::io::stdout());
    Ok(())
}

pub fn man() -> Result<()> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
    // Each subcommand's synopsis and options follow the top page, so one
    // page documents the whole command line.
    let top = Cli::command();
    for sub in top.get_subcommands() {
        let name = format!("screener {}", sub.get_name());
        let about = sub.get_about().map(|a| a.to_string()).unwrap_or_default();
        let head = format!(".SH \"{}\"\n{}\n", name.to_uppercase(), roff_escape(&about));
        out.extend_from_slice(head.as_bytes());
        let page = clap_mangen::Man::new(sub.clone().bin_name(name));
        let mut part = Vec::new();
        page.render_synopsis_section(&mut part)?;
        page.render_options_section(&mut part)?;
        // Subsections of this command's section, not new top sections.
        let part = String::from_utf8_lossy(&part)
            .replace(".SH SYNOPSIS", ".SS Synopsis")
            .replace(".SH OPTIONS", ".SS Options");
        out.extend_from_slice(part.as_bytes());
    }
    std::io::Write::write_all(&mut std::io::stdout(), &out)?;
    Ok(())
}

/// Text safe as a roff paragraph: no leading control character.
fn roff_escape(s: &str) -> String {
    let s = s.replace('\\', "\\e");
    if s.starts_with('.') || s.starts_with('\'') {
        format!("\\&{s}")
    } else {
        s
    }
}
