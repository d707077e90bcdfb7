//! `ecslint.toml` / `.ecslint.toml` (SPEC §6): strict (an unknown key is an
//! error naming the key and the file), found upward from the current directory.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Names a config file may have, in order of preference within one directory.
pub const CONFIG_NAMES: [&str; 2] = ["ecslint.toml", ".ecslint.toml"];

/// The whole config file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    pub region: Option<String>,
    pub account: Option<String>,
    pub fail_on: Option<String>,
    pub select: Option<Vec<String>>,
    pub ignore: Option<Vec<String>>,
    pub exclude: Option<Vec<String>>,
    pub force_exclude: Option<bool>,
    pub policy: Option<Vec<String>>,
    pub format: Option<String>,
    pub color: Option<String>,
    pub pull_through_cache_prefixes: Option<Vec<String>>,
    pub severity: Option<BTreeMap<String, String>>,
    pub suppress: Option<Vec<Suppress>>,
    pub roles: Option<BTreeMap<String, RoleConfig>>,
    pub kms: Option<Vec<KmsConfig>>,
    /// Where the file was read from (set by [`load`]).
    #[serde(skip)]
    pub path: Option<PathBuf>,
    /// The config file's text, for locating `[[suppress]]` entries.
    #[serde(skip)]
    pub text: String,
}

/// A `[[suppress]]` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Suppress {
    pub codes: Vec<String>,
    pub paths: Option<Vec<String>>,
    pub pointer: Option<String>,
    pub reason: String,
    pub expires: Option<toml::value::Datetime>,
}

/// A `[roles.NAME]` entry: policies for a role no input describes.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RoleConfig {
    #[serde(default)]
    pub policies: Vec<String>,
    #[serde(default)]
    pub managed: Vec<String>,
    pub trust: Option<String>,
    pub boundary: Option<String>,
}

/// A `[[kms]]` entry: which customer-managed key protects which secrets.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct KmsConfig {
    pub resources: Vec<String>,
    pub key: String,
}

/// A config file that could not be used (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: cannot read the config file: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}:{line}:{column}: {message}")]
    Invalid {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
}

/// The nearest `ecslint.toml` or `.ecslint.toml` from `start` upward.
pub fn discover(start: &Path) -> Option<PathBuf> {
    let mut dir = Some(start);
    while let Some(d) = dir {
        for name in CONFIG_NAMES {
            let candidate = d.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
        dir = d.parent();
    }
    None
}

/// Reads and validates a config file.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let display = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: display.clone(),
        source,
    })?;
    parse(&text, &display).map(|mut c| {
        c.path = Some(path.to_path_buf());
        c.text = text;
        c
    })
}

/// Parses config text; `name` is used in messages.
pub fn parse(text: &str, name: &str) -> Result<Config, ConfigError> {
    let config: Config = toml::from_str(text).map_err(|e| {
        let (line, column) = e.span().map_or((1, 1), |s| line_col(text, s.start));
        ConfigError::Invalid {
            path: name.to_string(),
            line,
            column,
            message: e.message().trim().to_string(),
        }
    })?;
    for (i, s) in config.suppress.iter().flatten().enumerate() {
        if s.reason.trim().is_empty() {
            return Err(ConfigError::Invalid {
                path: name.to_string(),
                line: 1,
                column: 1,
                message: format!("suppress entry {i} needs a non-empty `reason`"),
            });
        }
    }
    Ok(config)
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

impl Config {
    /// The directory relative paths in the config are relative to.
    pub fn base_dir(&self) -> PathBuf {
        self.path
            .as_deref()
            .and_then(Path::parent)
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    }

    /// A path from the config, made relative to the config file's directory.
    pub fn resolve(&self, p: &str) -> PathBuf {
        let path = Path::new(p);
        if path.is_absolute() {
            path.to_path_buf()
        } else {
            let base = self.base_dir();
            if base == Path::new("") || base == Path::new(".") {
                path.to_path_buf()
            } else {
                base.join(path)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_is_an_error_naming_the_key_and_file() {
        let e = parse("regoin = \"eu-west-1\"\n", "ecslint.toml").unwrap_err();
        let msg = e.to_string();
        assert!(msg.starts_with("ecslint.toml:1:1"), "{msg}");
        assert!(msg.contains("regoin"), "{msg}");
    }

    #[test]
    fn full_example_parses() {
        let text = r#"
region = "eu-west-1"
account = "123456789012"
fail-on = "error"
select = ["ALL"]
ignore = ["ECS012"]
exclude = ["legacy/**"]
force-exclude = false
policy = ["iam/exec-policy.json"]
format = "human"
color = "auto"
pull-through-cache-prefixes = ["my-cache/"]

[severity]
ECS202 = "error"

[[suppress]]
codes = ["ECS204"]
paths = ["examples/**"]
pointer = "/containerDefinitions/0/environment/2/value"
reason = "demo values, not real secrets"
expires = 2027-01-31

[roles.ecsTaskExecutionRole]
policies = ["iam/exec-policy.json"]
managed = ["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"]
trust = "iam/trust.json"

[[kms]]
resources = ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/*"]
key = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
"#;
        let c = parse(text, "x").unwrap();
        assert_eq!(c.region.as_deref(), Some("eu-west-1"));
        assert_eq!(c.suppress.as_ref().unwrap().len(), 1);
        assert!(
            c.roles
                .as_ref()
                .unwrap()
                .contains_key("ecsTaskExecutionRole")
        );
        assert_eq!(c.kms.as_ref().unwrap()[0].resources.len(), 1);
    }

    #[test]
    fn suppress_needs_a_reason() {
        let e = parse("[[suppress]]\ncodes = [\"ECS204\"]\n", "c.toml").unwrap_err();
        assert!(e.to_string().contains("reason"), "{e}");
        let e = parse(
            "[[suppress]]\ncodes = [\"ECS204\"]\nreason = \" \"\n",
            "c.toml",
        )
        .unwrap_err();
        assert!(e.to_string().contains("reason"), "{e}");
    }
}
