use std::process::ExitCode;

use clap::Parser;
use screener::cli::{Cli, Command};
use screener::commands;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Demo(a) => commands::demo::run(a),
        Command::Import(a) => commands::import::run(a),
        Command::Screen(a) => commands::screen::run(a),
        Command::Status(a) => commands::status::run(a),
        Command::Keys(a) => commands::keys::run(a),
        Command::Simulate(a) => commands::simulate::run(a),
        Command::Completions(a) => commands::completions::completions(a),
        Command::Man => commands::completions::man(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
