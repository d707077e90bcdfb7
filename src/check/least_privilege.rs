//! `ecslint policy`: the least-privilege execution-role policy that the task
//! definitions among the inputs need (SPEC §2).
//!
//! The needs are derived exactly as `check` derives them (the same loader, the
//! same typed task definition, the same [`crate::needs::needs`]), so that the
//! policy printed here, fed back with `--policy`, grants every need `check`
//! evaluates. Each need's `grant` (the resource as a policy should name it) is
//! used as is, except for what the inputs leave unknown:
//!
//! - an unknown region, account or partition (`REGION`, `ACCOUNT`,
//!   `${AWS::Partition}` in a grant) becomes `*` in JSON and HCL, and the
//!   pseudo parameter (`${AWS::Region}`, `${AWS::AccountId}`, `${AWS::Partition}`)
//!   under `!Sub` in CloudFormation YAML;
//! - any other unresolved template value (`${Env}`) becomes `*`: the narrowest
//!   pattern that still covers every value it might take.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::Settings;
use super::load::{self, World};
use super::permissions::{kms_lookup, needs_context};
use crate::diagnostic::{Report, Reporter};
use crate::input::walk::Candidate;
use crate::needs::{Need, NeedsContext, needs};
use crate::source::SourceDb;

/// What the inputs need, with the findings met on the way (parse errors, invalid values).
#[derive(Debug, Default)]
pub struct Derived {
    /// Every need of every task definition, in input order.
    pub needs: Vec<Need>,
    /// Load and shape findings; `task_definitions` counts the task definitions seen.
    pub report: Report,
    pub db: SourceDb,
}

/// Loads the candidates as `check` does and derives every task definition's needs.
pub fn derive(candidates: &[Candidate], settings: &Settings) -> Derived {
    let opts = load::LoadOptions {
        region: settings.region.clone(),
        account: settings.account.clone(),
    };
    let mut world: World = load::load(candidates, &settings.policy_files, &settings.rules, &opts);
    let mut reporter = Reporter::new(&settings.rules);
    let mut all = Vec::new();
    {
        let kms = kms_lookup(&world, settings);
        for src in &world.tasks {
            let task = &src.task;
            let cx = NeedsContext {
                kms_key_for: &kms,
                ..needs_context(settings, src)
            };
            all.extend(needs(task, &cx, &mut reporter));
        }
    }
    let task_definitions = world.tasks.len();
    let mut report = Report {
        diagnostics: std::mem::take(&mut world.diagnostics),
        files: world.files,
        task_definitions,
        run_errors: std::mem::take(&mut world.run_errors),
    };
    report.diagnostics.extend(reporter.into_diagnostics());
    let db = std::mem::take(&mut world.db);
    report.sort(&db);
    Derived {
        needs: all,
        report,
        db,
    }
}

/// One `Allow` statement: these actions on these resources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyStatement {
    /// `Ecr`, `Logs`, ...: the service, with a number when it needs several statements.
    pub sid: String,
    /// The service prefix, e.g. `ecr`.
    pub service: String,
    /// Sorted, without duplicates.
    pub actions: Vec<String>,
    /// Grants as SPEC §3.3 writes them (with `REGION`/`ACCOUNT` for what is unknown); sorted.
    pub resources: Vec<String>,
}

/// An identity policy that grants exactly the given needs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LeastPrivilegePolicy {
    pub statements: Vec<PolicyStatement>,
}

/// How a resource is written in one output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flavor {
    /// Unknown parts become `*`.
    Wildcard,
    /// Unknown region, account and partition become CloudFormation pseudo parameters.
    CfnSub,
}

fn service_sid(service: &str) -> String {
    let known = match service {
        "ecr" => "Ecr",
        "logs" => "Logs",
        "ssm" => "Ssm",
        "secretsmanager" => "SecretsManager",
        "kms" => "Kms",
        "s3" => "S3",
        "fsx" => "Fsx",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_string();
    }
    let mut out = String::new();
    let mut upper = true;
    for c in service.chars().filter(char::is_ascii_alphanumeric) {
        if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

impl LeastPrivilegePolicy {
    /// One statement per service, split only where actions need different resources,
    /// so that no action is granted on a resource it does not need.
    pub fn from_needs(needs: &[Need]) -> Self {
        // action -> resources it needs
        let mut by_action: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for n in needs {
            by_action
                .entry(n.action)
                .or_default()
                .insert(n.grant.as_str());
        }
        // (service, resources) -> actions
        let mut groups: BTreeMap<(String, Vec<String>), BTreeSet<String>> = BTreeMap::new();
        for (action, resources) in by_action {
            let service = action
                .split_once(':')
                .map_or(action, |(s, _)| s)
                .to_ascii_lowercase();
            let resources: Vec<String> = if resources.contains("*") {
                vec!["*".to_string()]
            } else {
                resources.into_iter().map(str::to_string).collect()
            };
            groups
                .entry((service, resources))
                .or_default()
                .insert(action.to_string());
        }
        let mut per_service: BTreeMap<String, usize> = BTreeMap::new();
        for (service, _) in groups.keys() {
            *per_service.entry(service.clone()).or_default() += 1;
        }
        let mut statements = Vec::new();
        for ((service, resources), actions) in groups {
            // A service split over several statements: name each by its first action,
            // which no other statement of the service has.
            let mut sid = service_sid(&service);
            if per_service.get(&service).copied().unwrap_or(0) > 1
                && let Some(first) = actions.iter().next()
            {
                let name = first.split_once(':').map_or(first.as_str(), |(_, n)| n);
                sid.extend(name.chars().filter(char::is_ascii_alphanumeric));
            }
            statements.push(PolicyStatement {
                sid,
                service,
                actions: actions.into_iter().collect(),
                resources,
            });
        }
        Self { statements }
    }

    /// Whether nothing is needed.
    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }

    /// The policy document as pretty-printed JSON (`Version` `2012-10-17`).
    pub fn to_json(&self) -> String {
        let statements: Vec<serde_json::Value> = self
            .statements
            .iter()
            .map(|s| {
                serde_json::json!({
                    "Sid": s.sid,
                    "Effect": "Allow",
                    "Action": s.actions,
                    "Resource": s
                        .resources
                        .iter()
                        .map(|r| render(r, Flavor::Wildcard))
                        .collect::<Vec<_>>(),
                })
            })
            .collect();
        let doc = serde_json::json!({
            "Version": "2012-10-17",
            "Statement": statements,
        });
        let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
        out.push('\n');
        out
    }

    /// A CloudFormation `AWS::IAM::Role` `Policies` entry, as YAML.
    pub fn to_cfn_yaml(&self) -> String {
        let mut out = String::new();
        out.push_str("- PolicyName: ecs-task-execution\n");
        out.push_str("  PolicyDocument:\n");
        out.push_str("    Version: \"2012-10-17\"\n");
        if self.statements.is_empty() {
            out.push_str("    Statement: []\n");
            return out;
        }
        out.push_str("    Statement:\n");
        for s in &self.statements {
            let _ = writeln!(out, "      - Sid: {}", quote(&s.sid));
            out.push_str("        Effect: Allow\n");
            out.push_str("        Action:\n");
            for a in &s.actions {
                let _ = writeln!(out, "          - {}", quote(a));
            }
            out.push_str("        Resource:\n");
            for r in &s.resources {
                let text = render(r, Flavor::CfnSub);
                if text.contains("${") {
                    let _ = writeln!(out, "          - !Sub {}", quote(&text));
                } else {
                    let _ = writeln!(out, "          - {}", quote(&text));
                }
            }
        }
        out
    }

    /// A Terraform `data "aws_iam_policy_document"` block.
    pub fn to_hcl(&self) -> String {
        let mut out = String::new();
        out.push_str("data \"aws_iam_policy_document\" \"ecs_task_execution\" {\n");
        for (i, s) in self.statements.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str("  statement {\n");
            let _ = writeln!(out, "    sid       = {}", hcl_quote(&s.sid));
            out.push_str("    effect    = \"Allow\"\n");
            let _ = writeln!(out, "    actions   = {}", hcl_list(&s.actions));
            let resources: Vec<String> = s
                .resources
                .iter()
                .map(|r| render(r, Flavor::Wildcard))
                .collect();
            let _ = writeln!(out, "    resources = {}", hcl_list(&resources));
            out.push_str("  }\n");
        }
        out.push_str("}\n");
        out
    }
}

/// A double-quoted scalar: JSON's escapes are YAML's.
fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

/// An HCL string: JSON's escapes, plus `$${` and `%%{` so nothing is interpolated.
fn hcl_quote(s: &str) -> String {
    quote(s).replace("${", "$${").replace("%{", "%%{")
}

fn hcl_list(items: &[String]) -> String {
    let inner: Vec<String> = items.iter().map(|i| hcl_quote(i)).collect();
    format!("[{}]", inner.join(", "))
}

/// Replaces every `${...}` placeholder with `*`.
fn wildcard_placeholders(s: &str) -> String {
    // Template placeholders kept verbatim from the inputs (`{{region}}`, `<NAME>`) are unknown too.
    let s = &replace_delimited(&replace_delimited(s, "{{", "}}"), "<", ">");
    let mut out = String::with_capacity(s.len());
    let mut rest = s.as_str();
    while let Some(start) = rest.find("${") {
        let (before, after) = rest.split_at(start);
        out.push_str(before);
        if let Some(end) = after.find('}') {
            out.push('*');
            rest = after.get(end + 1..).unwrap_or("");
        } else {
            out.push_str(after);
            rest = "";
        }
    }
    out.push_str(rest);
    out
}

/// Replaces every `open…close` run by `*`.
fn replace_delimited(s: &str, open: &str, close: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(start) = rest.find(open) {
        let (before, after) = rest.split_at(start);
        match after[open.len()..].find(close) {
            Some(end) => {
                out.push_str(before);
                out.push('*');
                rest = &after[open.len() + end + close.len()..];
            }
            None => break,
        }
    }
    out.push_str(rest);
    out
}

/// Splits an ARN into at most six fields at `:`, never inside a `${...}` placeholder.
fn split_arn(arn: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut current = String::new();
    let mut in_placeholder = false;
    let mut prev = '\0';
    for c in arn.chars() {
        if c == ':' && !in_placeholder && fields.len() < 5 {
            fields.push(std::mem::take(&mut current));
        } else {
            if c == '{' && prev == '$' {
                in_placeholder = true;
            } else if c == '}' {
                in_placeholder = false;
            }
            current.push(c);
        }
        prev = c;
    }
    fields.push(current);
    fields
}

/// Writes one grant in a format's flavour.
fn render(grant: &str, flavor: Flavor) -> String {
    if !grant.starts_with("arn:") {
        return wildcard_placeholders(grant);
    }
    let mut fields = split_arn(grant);
    let pseudo = |field: &str, unknown: &str, param: &str| -> Option<String> {
        let lower = field.to_ascii_lowercase();
        let is_unknown =
            field == unknown || lower == format!("${{{}}}", param.to_ascii_lowercase());
        is_unknown.then(|| match flavor {
            Flavor::Wildcard => "*".to_string(),
            Flavor::CfnSub => format!("${{{param}}}"),
        })
    };
    if let Some(f) = fields.get_mut(1)
        && let Some(p) = pseudo(f, "PARTITION", "AWS::Partition")
    {
        *f = p;
    }
    if let Some(f) = fields.get_mut(3)
        && let Some(p) = pseudo(f, "REGION", "AWS::Region")
    {
        *f = p;
    }
    if let Some(f) = fields.get_mut(4)
        && let Some(p) = pseudo(f, "ACCOUNT", "AWS::AccountId")
    {
        *f = p;
    }
    let keep_pseudo = flavor == Flavor::CfnSub;
    fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            if keep_pseudo && matches!(i, 1 | 3 | 4) && f.starts_with("${AWS::") {
                f.clone()
            } else {
                wildcard_placeholders(f)
            }
        })
        .collect::<Vec<_>>()
        .join(":")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::diagnostic::Loc;
    use crate::model::Sym;
    use crate::parse::Span;
    use crate::rules::Rule;
    use crate::source::FileId;

    fn need(action: &'static str, grant: &str) -> Need {
        Need {
            rule: Rule::EcrPull,
            action,
            resource: Sym::Known(grant.into()),
            grant: grant.to_string(),
            origin: Loc::new(FileId::default(), Span::from_usize(0, 0), ""),
            container: None,
            softening: None,
            fargate_vpc_trap: false,
            key_origin: None,
            speculative: false,
        }
    }

    const REPO: &str = "arn:aws:ecr:eu-west-1:123456789012:repository/app";

    #[test]
    fn ecr_token_on_star_is_its_own_statement() {
        let p = LeastPrivilegePolicy::from_needs(&[
            need("ecr:GetAuthorizationToken", "*"),
            need("ecr:BatchGetImage", REPO),
            need("ecr:GetDownloadUrlForLayer", REPO),
            need("ecr:BatchGetImage", REPO),
        ]);
        assert_eq!(p.statements.len(), 2);
        let repo = p.statements.iter().find(|s| s.resources == [REPO]).unwrap();
        assert_eq!(
            repo.actions,
            ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
        );
        let token = p.statements.iter().find(|s| s.resources == ["*"]).unwrap();
        assert_eq!(token.actions, ["ecr:GetAuthorizationToken"]);
        assert_eq!(repo.sid, "EcrBatchGetImage");
        assert_eq!(token.sid, "EcrGetAuthorizationToken");
        assert!(p.statements.iter().all(|s| s.service == "ecr"));
    }

    #[test]
    fn one_statement_per_service_when_resources_agree() {
        let g = "arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/web:*";
        let p = LeastPrivilegePolicy::from_needs(&[
            need("logs:CreateLogStream", g),
            need("logs:PutLogEvents", g),
            need("ssm:GetParameters", "arn:aws:ssm:eu-west-1:1:parameter/a"),
            need("ssm:GetParameters", "arn:aws:ssm:eu-west-1:1:parameter/b"),
        ]);
        assert_eq!(p.statements.len(), 2);
        assert_eq!(p.statements[0].sid, "Logs");
        assert_eq!(p.statements[1].sid, "Ssm");
        assert_eq!(p.statements[1].resources.len(), 2);
        let json: serde_json::Value = serde_json::from_str(&p.to_json()).unwrap();
        assert_eq!(json["Version"], "2012-10-17");
        assert_eq!(json["Statement"][0]["Effect"], "Allow");
        assert_eq!(json["Statement"][0]["Resource"][0], g);
    }

    #[test]
    fn unknowns_become_wildcards_or_pseudo_parameters() {
        let g = "arn:aws:logs:REGION:ACCOUNT:log-group:g:*";
        assert_eq!(
            render(g, Flavor::Wildcard),
            "arn:aws:logs:*:*:log-group:g:*"
        );
        assert_eq!(
            render(g, Flavor::CfnSub),
            "arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:g:*"
        );
        let s3 = "arn:${AWS::Partition}:s3:::bucket/${Env}/app.env";
        assert_eq!(render(s3, Flavor::Wildcard), "arn:*:s3:::bucket/*/app.env");
        assert_eq!(
            render(s3, Flavor::CfnSub),
            "arn:${AWS::Partition}:s3:::bucket/*/app.env"
        );
        assert_eq!(render("*", Flavor::CfnSub), "*");
        assert_eq!(
            split_arn("arn:${AWS::Partition}:ssm:r:a:parameter/x:y"),
            ["arn", "${AWS::Partition}", "ssm", "r", "a", "parameter/x:y"]
        );
        // A literal that merely contains the word is kept.
        let lit = "arn:aws:logs:eu-west-1:1:log-group:REGION:*";
        assert_eq!(render(lit, Flavor::Wildcard), lit);
    }

    #[test]
    fn cfn_yaml_and_hcl_shapes() {
        let p = LeastPrivilegePolicy::from_needs(&[
            need("ecr:GetAuthorizationToken", "*"),
            need(
                "logs:PutLogEvents",
                "arn:aws:logs:REGION:ACCOUNT:log-group:g:*",
            ),
        ]);
        let yaml = p.to_cfn_yaml();
        assert!(
            yaml.starts_with("- PolicyName: ecs-task-execution\n"),
            "{yaml}"
        );
        assert!(
            yaml.contains("- !Sub \"arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:g:*\""),
            "{yaml}"
        );
        assert!(yaml.contains("          - \"*\"\n"), "{yaml}");
        let hcl = p.to_hcl();
        assert!(hcl.starts_with("data \"aws_iam_policy_document\" \"ecs_task_execution\" {"));
        assert_eq!(hcl.matches("statement {").count(), 2);
        assert!(
            hcl.contains("resources = [\"arn:aws:logs:*:*:log-group:g:*\"]"),
            "{hcl}"
        );
        assert!(!hcl.contains("${"), "{hcl}");
    }

    #[test]
    fn hcl_never_interpolates() {
        assert_eq!(hcl_quote("a${b}%{c}"), "\"a$${b}%%{c}\"");
    }

    #[test]
    fn empty_policy_is_still_a_document() {
        let p = LeastPrivilegePolicy::from_needs(&[]);
        assert!(p.is_empty());
        let json: serde_json::Value = serde_json::from_str(&p.to_json()).unwrap();
        assert_eq!(json["Statement"], serde_json::json!([]));
        assert!(p.to_cfn_yaml().contains("Statement: []"));
    }
}
