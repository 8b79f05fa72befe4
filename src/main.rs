//! The `listhygiene` binary: arguments → `cli::run` → exit status.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = listhygiene::cli::Cli::parse();
    listhygiene::cli::init_logging(&cli);
    match listhygiene::cli::run(cli) {
        Ok(outcome) => outcome.exit_code(),
        Err(error) if listhygiene::cli::is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}
