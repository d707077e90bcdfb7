//! `ecslint simulate`. Not written yet.

use std::io::Write;
use std::process::ExitCode;

use super::args::SimulateArgs;

pub fn run(
    _args: &SimulateArgs,
    _stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    writeln!(stderr, "ecslint: simulate is not implemented yet")?;
    Ok(ExitCode::from(2))
}
