//! Command-line arguments (SPEC §2).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "ecslint",
    version,
    about = "Lint Amazon ECS task definitions against the IAM permissions their execution roles need",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// `ecslint [PATH]...` is `ecslint check [PATH]...`.
    #[command(flatten)]
    pub check: CheckArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint files and directories (default: .)
    Check(CheckArgs),
    /// Print the least-privilege execution-role policy the task definitions need
    Policy(PolicyArgs),
    /// Evaluate identity policies for one request, as AWS would
    Simulate(SimulateArgs),
    /// Print a rule's documentation
    Explain(ExplainArgs),
    /// List every rule: code, name, default severity, summary
    Rules(RulesArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Human,
    Gcc,
    Json,
    Sarif,
    Github,
    Junit,
    Checkstyle,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
}

#[derive(Debug, Clone, Default, Args)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "each bool is a command-line flag"
)]
pub struct CheckArgs {
    /// Files and directories to lint
    pub paths: Vec<PathBuf>,
    /// Output format [default: human]
    #[arg(long, value_enum)]
    pub format: Option<OutputFormat>,
    /// Identity-policy documents for execution roles whose policies are not among the inputs (repeatable)
    #[arg(long = "policy", value_name = "FILE")]
    pub policies: Vec<PathBuf>,
    /// Region for ARNs the inputs leave implicit
    #[arg(long)]
    pub region: Option<String>,
    /// Account for ARNs the inputs leave implicit
    #[arg(long)]
    pub account: Option<String>,
    /// Only these rules (codes or names, comma-separated)
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Turn these rules off (codes or names, comma-separated)
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Override a rule's severity: CODE=error|warning|info (repeatable)
    #[arg(long = "severity", value_name = "CODE=SEVERITY")]
    pub severities: Vec<String>,
    /// Lowest severity that makes the exit code 1 [default: error]
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Config file [default: nearest ecslint.toml or .ecslint.toml]
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore any config file
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
    /// Apply `exclude` to files named on the command line too
    #[arg(long)]
    pub force_exclude: bool,
    /// Report only findings not in this baseline
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write the current findings as the baseline
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// When to use colour (honours NO_COLOR)
    #[arg(long, value_enum)]
    pub color: Option<ColorChoice>,
    /// Print only the findings (no summary)
    #[arg(long, short)]
    pub quiet: bool,
    /// Print the number of findings per rule
    #[arg(long)]
    pub statistics: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PolicyFormat {
    Json,
    CfnYaml,
    Hcl,
}

#[derive(Debug, Clone, Args)]
pub struct PolicyArgs {
    /// Files and directories with task definitions
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "json")]
    pub format: PolicyFormat,
    #[arg(long)]
    pub region: Option<String>,
    #[arg(long)]
    pub account: Option<String>,
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SimulateFormat {
    Human,
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct SimulateArgs {
    /// Identity-policy documents (repeatable)
    #[arg(long = "policy", value_name = "FILE", required = true)]
    pub policies: Vec<PathBuf>,
    /// A permissions boundary
    #[arg(long, value_name = "FILE")]
    pub boundary: Option<PathBuf>,
    /// The action, e.g. ecr:BatchGetImage
    #[arg(long)]
    pub action: String,
    /// The resource ARN, or `*`
    #[arg(long)]
    pub resource: String,
    /// A condition key and value; repeat a key for a multi-valued key
    #[arg(long = "context", value_name = "KEY=VALUE")]
    pub context: Vec<String>,
    #[arg(long, value_enum, default_value = "human")]
    pub format: SimulateFormat,
    #[arg(long, value_enum)]
    pub color: Option<ColorChoice>,
}

#[derive(Debug, Clone, Args)]
pub struct ExplainArgs {
    /// A rule code (ECS101) or name (ecr-pull)
    pub rule: String,
}

#[derive(Debug, Clone, Args)]
pub struct RulesArgs {
    /// Print as JSON
    #[arg(long, value_enum, default_value = "human")]
    pub format: SimulateFormat,
}
