//! `ecslint check`: the config and the command line become settings; the
//! report becomes output and an exit code.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};

use super::args::{CheckArgs, ColorChoice, FailOn, OutputFormat};
use crate::check::{Settings, run_keeping};
use crate::config::{self, Config};
use crate::diagnostic::{RuleSettings, Severity};
use crate::emit::{self, EmitOptions, Format};
use crate::input::walk::{Excludes, collect};
use crate::rules::Rule;

/// Loads the config, or says why it cannot be used (the caller exits 2 on `None`).
pub fn config_or_report(
    explicit: Option<&Path>,
    no_config: bool,
    stderr: &mut dyn Write,
) -> std::io::Result<Option<Config>> {
    match load_config(explicit, no_config) {
        Ok(c) => Ok(Some(c)),
        Err(e) => {
            writeln!(stderr, "ecslint: error: {e:#}")?;
            Ok(None)
        }
    }
}

/// Loads the config the command line asks for (or the nearest one).
pub fn load_config(explicit: Option<&Path>, no_config: bool) -> anyhow::Result<Config> {
    if no_config {
        return Ok(Config::default());
    }
    let path = match explicit {
        Some(p) => Some(p.to_path_buf()),
        // A discovered config is shown relative to the current directory.
        None => std::env::current_dir().ok().and_then(|d| {
            config::discover(&d).map(|p| p.strip_prefix(&d).map(Path::to_path_buf).unwrap_or(p))
        }),
    };
    match path {
        Some(p) => Ok(config::load(&p)?),
        None => Ok(Config::default()),
    }
}

fn rules_from(list: &[String], what: &str) -> anyhow::Result<Vec<Rule>> {
    let mut out = Vec::new();
    for item in list.iter().flat_map(|s| s.split(',')) {
        let item = item.trim();
        if item.is_empty() {
            continue;
        }
        let rules = Rule::matching(item);
        if rules.is_empty() {
            match super::explain::suggest_rule(item) {
                Some(r) => bail!(
                    "unknown rule `{item}` in {what}; did you mean `{}`?",
                    r.code()
                ),
                None => bail!("unknown rule `{item}` in {what}"),
            }
        }
        out.extend(rules);
    }
    Ok(out)
}

/// Rule selection and severities from the config and the command line.
pub fn rule_settings(
    config: &Config,
    select: &[String],
    ignore: &[String],
    severities: &[String],
) -> anyhow::Result<RuleSettings> {
    let mut rules = RuleSettings::default();
    let select = if select.is_empty() {
        config.select.clone().unwrap_or_default()
    } else {
        select.to_vec()
    };
    if !select.is_empty() {
        rules.select(&rules_from(&select, "select")?);
    }
    let mut ignored = config.ignore.clone().unwrap_or_default();
    ignored.extend(ignore.iter().cloned());
    rules.ignore(&rules_from(&ignored, "ignore")?);
    for (code, sev) in config.severity.iter().flatten() {
        let rule = Rule::from_code_or_name(code)
            .with_context(|| format!("unknown rule `{code}` in [severity]"))?;
        let sev =
            Severity::parse(sev).with_context(|| format!("invalid severity `{sev}` for {code}"))?;
        rules.set_severity(rule, sev);
    }
    for s in severities {
        let (code, sev) = s
            .split_once('=')
            .with_context(|| format!("--severity takes CODE=error|warning|info, got `{s}`"))?;
        let rule = Rule::from_code_or_name(code)
            .with_context(|| format!("unknown rule `{code}` in --severity"))?;
        let sev = Severity::parse(sev)
            .with_context(|| format!("invalid severity `{sev}` in --severity"))?;
        rules.set_severity(rule, sev);
    }
    Ok(rules)
}

fn fail_on(args: &CheckArgs, config: &Config) -> anyhow::Result<Severity> {
    if let Some(f) = args.fail_on {
        return Ok(match f {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
            FailOn::Info => Severity::Info,
        });
    }
    match config.fail_on.as_deref() {
        None => Ok(Severity::Error),
        Some(s) => Severity::parse(s)
            .with_context(|| format!("invalid `fail-on` value `{s}` in the config")),
    }
}

fn format(args: &CheckArgs, config: &Config) -> anyhow::Result<Format> {
    if let Some(f) = args.format {
        return Ok(match f {
            OutputFormat::Human => Format::Human,
            OutputFormat::Gcc => Format::Gcc,
            OutputFormat::Json => Format::Json,
            OutputFormat::Sarif => Format::Sarif,
            OutputFormat::Github => Format::Github,
            OutputFormat::Junit => Format::Junit,
            OutputFormat::Checkstyle => Format::Checkstyle,
        });
    }
    match config.format.as_deref() {
        None => Ok(Format::Human),
        Some(s) => {
            Format::parse(s).with_context(|| format!("invalid `format` value `{s}` in the config"))
        }
    }
}

/// Whether to colour `human` output.
pub fn use_color(choice: Option<ColorChoice>, config: &Config) -> bool {
    let from_config = match config.color.as_deref() {
        Some("always") => Some(ColorChoice::Always),
        Some("never") => Some(ColorChoice::Never),
        _ => None,
    };
    let choice = choice.or(from_config);
    match choice {
        Some(ColorChoice::Always) => true,
        Some(ColorChoice::Never) => false,
        _ => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

/// Builds the run's settings from the config and the command line.
pub fn settings(args: &CheckArgs, config: &Config) -> anyhow::Result<Settings> {
    let rules = rule_settings(config, &args.select, &args.ignore, &args.severities)?;
    let mut policy_files: Vec<PathBuf> = args.policies.clone();
    if policy_files.is_empty() {
        policy_files = config
            .policy
            .iter()
            .flatten()
            .map(|p| config.resolve(p))
            .collect();
    }
    let excludes = Excludes::new(config.exclude.as_deref().unwrap_or(&[]), &config.base_dir())
        .map_err(anyhow::Error::msg)?;
    Ok(Settings {
        rules,
        region: args.region.clone().or_else(|| config.region.clone()),
        account: args.account.clone().or_else(|| config.account.clone()),
        policy_files,
        pull_through_prefixes: config
            .pull_through_cache_prefixes
            .clone()
            .unwrap_or_default(),
        config: config.clone(),
        excludes,
        force_exclude: args.force_exclude || config.force_exclude.unwrap_or(false),
    })
}

pub fn check(
    args: &CheckArgs,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    let Some(config) = config_or_report(args.config.as_deref(), args.no_config, stderr)? else {
        return Ok(ExitCode::from(2));
    };
    let (settings, format, fail_on) = match (
        settings(args, &config),
        format(args, &config),
        fail_on(args, &config),
    ) {
        (Ok(s), Ok(f), Ok(x)) => (s, f, x),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
            writeln!(stderr, "ecslint: error: {e:#}")?;
            return Ok(ExitCode::from(2));
        }
    };
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let (candidates, mut walk_errors) = collect(&paths, &settings.excludes, settings.force_exclude);
    let (mut report, db, leftovers) = run_keeping(&candidates, &settings);
    // The process exits soon: the memory goes back to the system at once.
    std::mem::forget(leftovers);
    walk_errors.append(&mut report.run_errors);
    report.run_errors = walk_errors;
    if let Some(path) = &args.write_baseline {
        crate::check::baseline::write(path, &report, &db)
            .with_context(|| format!("cannot write the baseline {}", path.display()))?;
    }
    if let Some(path) = &args.baseline {
        match crate::check::baseline::read(path) {
            Ok(b) => b.filter(&mut report, &db),
            Err(e) => {
                writeln!(stderr, "ecslint: error: {}: {e}", path.display())?;
                return Ok(ExitCode::from(2));
            }
        }
    }
    let opts = EmitOptions {
        color: format == Format::Human && use_color(args.color, &config),
        quiet: args.quiet,
        statistics: args.statistics,
        tool_version: env!("CARGO_PKG_VERSION"),
    };
    emit::emit(format, &report, &db, &opts, stdout)?;
    stdout.flush()?;
    if format != Format::Human {
        for e in &report.run_errors {
            match &e.path {
                Some(p) => writeln!(stderr, "ecslint: error: {p}: {}", e.message)?,
                None => writeln!(stderr, "ecslint: error: {}", e.message)?,
            }
        }
    }
    if !report.run_errors.is_empty() {
        return Ok(ExitCode::from(2));
    }
    if report.diagnostics.iter().any(|d| d.severity >= fail_on) {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
