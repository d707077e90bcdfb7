//! `ecslint policy [PATH]...`: print the least-privilege execution-role policy
//! the task definitions among the inputs need (SPEC §2).
//!
//! The policy goes to stdout; findings met while loading (a file that does not
//! parse, an invalid value) go to stderr as `gcc` lines. Exit codes: `0` the
//! policy is complete; `1` some input had an error finding, so the policy may
//! miss what that input needs; `2` the run failed (bad config, missing path).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use super::args::{CheckArgs, PolicyArgs, PolicyFormat};
use super::check::{config_or_report, settings};
use crate::check::least_privilege::{LeastPrivilegePolicy, derive};
use crate::diagnostic::{RuleSettings, Severity};
use crate::emit::{self, EmitOptions, Format};
use crate::input::walk::collect;

pub fn run(
    args: &PolicyArgs,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    let Some(config) = config_or_report(args.config.as_deref(), args.no_config, stderr)? else {
        return Ok(ExitCode::from(2));
    };
    let check_args = CheckArgs {
        paths: args.paths.clone(),
        region: args.region.clone(),
        account: args.account.clone(),
        config: args.config.clone(),
        no_config: args.no_config,
        ..CheckArgs::default()
    };
    let mut settings = match settings(&check_args, &config) {
        Ok(s) => s,
        Err(e) => {
            writeln!(stderr, "ecslint: error: {e:#}")?;
            return Ok(ExitCode::from(2));
        }
    };
    // Every need counts, whatever the config selects: a rule turned off in `check`
    // does not make its permission unnecessary.
    settings.rules = RuleSettings::default();
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let (candidates, mut run_errors) = collect(&paths, &settings.excludes, settings.force_exclude);
    let mut derived = derive(&candidates, &settings);
    run_errors.append(&mut derived.report.run_errors);
    let policy = LeastPrivilegePolicy::from_needs(&derived.needs);
    let text = match args.format {
        PolicyFormat::Json => policy.to_json(),
        PolicyFormat::CfnYaml => policy.to_cfn_yaml(),
        PolicyFormat::Hcl => policy.to_hcl(),
    };
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    let opts = EmitOptions {
        color: false,
        quiet: true,
        statistics: false,
        tool_version: env!("CARGO_PKG_VERSION"),
    };
    emit::emit(Format::Gcc, &derived.report, &derived.db, &opts, stderr)?;
    for e in &run_errors {
        match &e.path {
            Some(p) => writeln!(stderr, "ecslint: error: {p}: {}", e.message)?,
            None => writeln!(stderr, "ecslint: error: {}", e.message)?,
        }
    }
    if !run_errors.is_empty() {
        return Ok(ExitCode::from(2));
    }
    if derived.report.task_definitions == 0 {
        writeln!(stderr, "ecslint: warning: no task definition found")?;
    }
    if derived
        .report
        .diagnostics
        .iter()
        .any(|d| d.severity >= Severity::Error)
    {
        writeln!(
            stderr,
            "ecslint: error: some inputs have errors; the policy may miss what they need"
        )?;
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
