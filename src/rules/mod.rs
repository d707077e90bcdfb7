//! The rule registry: every rule's identity (code, name, default severity,
//! summary, version) declared once, with its documentation embedded from
//! `rules/<CODE>-<name>.md` (a missing doc is a compile error).

use crate::diagnostic::Severity;

pub mod broad_secret_access;
pub mod plaintext_secret;
pub mod resource_mismatch;
pub mod unknown_action;
pub mod unused_grant;

macro_rules! rules {
    ($($code:literal $name:literal $variant:ident $severity:ident $since:literal $summary:literal;)*) => {
        /// A rule of ecslint.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Rule { $($variant),* }

        impl Rule {
            /// Every rule, in code order.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant),*];

            /// The stable code, e.g. `ECS101`.
            pub const fn code(self) -> &'static str {
                match self { $(Rule::$variant => $code),* }
            }

            /// The kebab-case name, e.g. `ecr-pull`.
            pub const fn name(self) -> &'static str {
                match self { $(Rule::$variant => $name),* }
            }

            pub const fn default_severity(self) -> Severity {
                match self { $(Rule::$variant => Severity::$severity),* }
            }

            /// One line: what the rule reports.
            pub const fn summary(self) -> &'static str {
                match self { $(Rule::$variant => $summary),* }
            }

            /// The version that introduced the rule.
            pub const fn since(self) -> &'static str {
                match self { $(Rule::$variant => $since),* }
            }

            /// The rule's Markdown documentation (`rules/<CODE>-<name>.md`).
            pub const fn doc(self) -> &'static str {
                match self {
                    $(Rule::$variant => include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/", $code, "-", $name, ".md"))),*
                }
            }
        }
    };
}

rules! {
//  code     name                      variant                 severity since   summary
    "ECS001" "parse-error"             ParseError              Error   "0.1.0" "a file is not valid JSON or YAML";
    "ECS002" "invalid-input"           InvalidInput            Error   "0.1.0" "a value of the wrong type or shape in a task definition, a policy or a template";
    "ECS003" "unknown-input"           UnknownInput            Warning "0.1.0" "a file named on the command line is none of the recognised shapes";
    "ECS004" "role-not-found"          RoleNotFound            Warning "0.1.0" "the execution role's policies are not among the inputs, so the task definition cannot be checked";
    "ECS010" "missing-execution-role"  MissingExecutionRole    Error   "0.1.0" "the task definition needs an execution role but has no `executionRoleArn`";
    "ECS011" "role-trust"              RoleTrust               Error   "0.1.0" "the role's trust policy does not let `ecs-tasks.amazonaws.com` call `sts:AssumeRole`";
    "ECS012" "trust-confused-deputy"   TrustConfusedDeputy     Info    "0.1.0" "the trust policy has no `aws:SourceAccount`/`aws:SourceArn` condition";
    "ECS101" "ecr-pull"                EcrPull                 Error   "0.1.0" "an ECR image cannot be pulled";
    "ECS102" "ecr-auth-vpc-condition"  EcrAuthVpcCondition     Error   "0.1.0" "`ecr:GetAuthorizationToken` is allowed only under `aws:SourceVpc`/`aws:SourceVpce`, which never holds for that call";
    "ECS103" "logs"                    Logs                    Error   "0.1.0" "the `awslogs` driver cannot create streams or put events (or create the group)";
    "ECS104" "registry-credentials"    RegistryCredentials     Error   "0.1.0" "`repositoryCredentials.credentialsParameter` cannot be read";
    "ECS105" "ssm-parameter"           SsmParameter            Error   "0.1.0" "an SSM parameter referenced by `secrets`/`secretOptions` cannot be read";
    "ECS106" "secret"                  Secret                  Error   "0.1.0" "a Secrets Manager secret referenced by `secrets`/`secretOptions` cannot be read";
    "ECS107" "kms-decrypt"             KmsDecrypt              Error   "0.1.0" "a secret or parameter is protected by a customer-managed KMS key the role cannot use";
    "ECS108" "environment-file"        EnvironmentFile         Error   "0.1.0" "an S3 `environmentFiles` object cannot be read";
    "ECS109" "firelens-config"         FirelensConfig          Error   "0.1.0" "a FireLens config file in S3 cannot be read";
    "ECS110" "conditional-grant"       ConditionalGrant        Warning "0.1.0" "a needed permission is granted only under a condition ecslint cannot decide offline";
    "ECS111" "credential-spec"         CredentialSpec          Error   "0.1.0" "a gMSA credential spec in S3 or SSM cannot be read";
    "ECS112" "fsx-credentials"         FsxCredentials          Error   "0.1.0" "an FSx for Windows volume's credentials cannot be read";
    "ECS201" "unknown-action"          UnknownAction           Warning "0.1.0" "a policy names an action that does not exist";
    "ECS202" "broad-secret-access"     BroadSecretAccess       Warning "0.1.0" "secrets, parameters or keys are granted on `*`";
    "ECS203" "unused-grant"            UnusedGrant             Info    "0.1.0" "the execution role grants something none of its task definitions need";
    "ECS204" "plaintext-secret"        PlaintextSecret         Warning "0.1.0" "an `environment` variable with a secret-like name holds a literal value";
    "ECS205" "resource-mismatch"       ResourceMismatch        Warning "0.1.0" "a statement's resources cannot fit any resource type of its actions";
    "ECS206" "unused-suppression"      UnusedSuppression       Warning "0.1.0" "an ignore (config, template metadata or comment) that matches no finding";
}

impl Rule {
    /// Looks a rule up by code or name, case-insensitively.
    pub fn from_code_or_name(s: &str) -> Option<Rule> {
        let s = s.trim();
        Rule::ALL
            .iter()
            .copied()
            .find(|r| r.code().eq_ignore_ascii_case(s) || r.name().eq_ignore_ascii_case(s))
    }

    /// Rules selected by a code, a name, a code prefix (`ECS1`) or `ALL`.
    pub fn matching(selector: &str) -> Vec<Rule> {
        let s = selector.trim();
        if s.eq_ignore_ascii_case("ALL") {
            return Rule::ALL.to_vec();
        }
        if let Some(rule) = Rule::from_code_or_name(s) {
            return vec![rule];
        }
        let upper = s.to_ascii_uppercase();
        if upper.starts_with("ECS")
            && upper.len() < 6
            && upper[3..].bytes().all(|b| b.is_ascii_digit())
        {
            return Rule::ALL
                .iter()
                .copied()
                .filter(|r| r.code().starts_with(&upper))
                .collect();
        }
        Vec::new()
    }

    /// Where the rule's documentation is published.
    pub fn url(self) -> String {
        format!(
            "https://github.com/ecslint/ecslint/blob/main/rules/{}-{}.md",
            self.code(),
            self.name()
        )
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// What the policy rules' unit tests share.
#[cfg(test)]
pub(crate) mod testing {
    use crate::diagnostic::{Reporter, RuleSettings};
    use crate::model::policy::Policy;
    use crate::source::SourceDb;

    /// Loads `doc` as a policy (read from a file `p.json` when `from_file`), runs
    /// `check` on it and returns each finding as (pointer, message).
    pub(crate) fn policy_findings(
        doc: &str,
        from_file: bool,
        check: impl FnOnce(&Policy, &mut Reporter<'_>),
    ) -> Vec<(String, String)> {
        let mut db = SourceDb::default();
        let file = db.add("p.json", doc);
        let node = crate::parse::json::parse(doc).unwrap();
        let policy =
            crate::model::policy::load_policy(&node, from_file.then_some(file), "", "p.json", None);
        let settings = RuleSettings::default();
        let mut reporter = Reporter::new(&settings);
        check(&policy, &mut reporter);
        reporter
            .into_diagnostics()
            .into_iter()
            .map(|d| (d.primary.pointer.as_string(), d.message))
            .collect()
    }
}
