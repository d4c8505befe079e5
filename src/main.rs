use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use screener::cli::{Cli, Command};
use screener::commands;
use screener::tui::signals::Stopped;

fn main() -> ExitCode {
    #[cfg(unix)]
    // SAFETY: called first, before any thread exists; it only sets SIGPIPE
    // back to the default Rust's runtime changed, so a write into a closed
    // pipe (`screener status p.ron | head -1`) ends the process quietly, as
    // it ends `cat` or `grep`, instead of a panic at `println!`.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Demo(a) => commands::demo::run(a),
        Command::Import(a) => commands::import::run(a),
        Command::Screen(a) => commands::screen::run(a),
        Command::Status(a) => commands::status::run(a),
        Command::Recover(a) => commands::recover::run(a),
        Command::Prisma(a) => commands::prisma::run(a),
        Command::Export(a) => commands::export::run(a),
        Command::Keys(a) => commands::keys::run(a),
        Command::Compare(a) => commands::compare::run(a),
        Command::Merge(a) => commands::merge::run(a),
        Command::MergeDriver(a) => commands::merge::driver(a),
        Command::Resolve(a) => commands::resolve::run(a),
        Command::Simulate(a) => commands::simulate::run(a),
        Command::Completions(a) => commands::completions::completions(a),
        Command::Man => commands::completions::man(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // Not `eprintln!`, which panics when stderr is gone (a closed
            // terminal).
            let mut err = std::io::stderr();
            if let Some(stopped) = e.downcast_ref::<Stopped>() {
                let _ = writeln!(err, "screener: {stopped}");
                return ExitCode::from(stopped.exit_code());
            }
            let _ = writeln!(err, "error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
