//! The binary's layer: the only code that prints, and that maps results to exit codes.

pub mod args;
pub mod check;
pub mod explain;
pub mod policy;
pub mod simulate;

use std::io::Write;
use std::process::ExitCode;

use args::{Cli, Command};

/// Runs a parsed command line; returns the process exit code.
pub fn run(cli: Cli, stdout: &mut dyn Write, stderr: &mut dyn Write) -> anyhow::Result<ExitCode> {
    match cli.command {
        Some(Command::Simulate(args)) => simulate::run(&args, stdout, stderr),
        Some(Command::Explain(args)) => explain::explain(&args, stdout, stderr),
        Some(Command::Rules(args)) => explain::rules(&args, stdout),
        Some(Command::Check(args)) => check::check(&args, stdout, stderr),
        None => check::check(&cli.check, stdout, stderr),
        Some(Command::Policy(args)) => policy::run(&args, stdout, stderr),
    }
}
