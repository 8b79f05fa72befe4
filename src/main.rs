//! The `listhygiene` binary: arguments → `cli::run` → exit status.

use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of glibc's allocator: imports and the parser allocate many small strings
/// on two threads, where glibc's arenas cost a tenth of the CPU (docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
