//! ECS203 unused-grant: an action entry of an execution role's own `Allow`
//! policy that covers no need of any task definition using the role (SPEC §3.4).

use crate::aws::actions;
use crate::diagnostic::{Loc, Reporter};
use crate::iam::matcher::action_matches;
use crate::model::policy::{Effect, Policy};
use crate::rules::Rule;

/// What the task definitions using a policy's roles need.
#[derive(Debug, Clone, Default)]
pub struct Usage {
    /// The roles holding the policy, for the message.
    pub roles: Vec<String>,
    /// Every action some task definition using those roles needs.
    pub actions: Vec<&'static str>,
    /// Some task definition reads a secret or parameter whose key may be customer managed
    /// and unknown: `kms:Decrypt` is then not judged.
    pub keys_unknown: bool,
}

/// Whether an action entry is unused: it names some action (unknown ones are
/// ECS201's), covers no needed action, and is not a `kms:Decrypt` grant while
/// the keys are unknown. A wildcard entry is used when it covers any need.
pub fn is_unused(entry: &str, usage: &Usage) -> bool {
    let names_something = entry == "*" || !actions::expansion(entry).is_empty();
    if !names_something {
        return false;
    }
    if usage.actions.iter().any(|a| action_matches(entry, a)) {
        return false;
    }
    !(usage.keys_unknown && action_matches(entry, "kms:Decrypt"))
}

fn role_list(roles: &[String]) -> String {
    let shown: Vec<String> = roles.iter().take(3).map(|r| format!("`{r}`")).collect();
    let more = match roles.len().saturating_sub(3) {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    format!("{}{more}", shown.join(", "))
}

/// ECS203 for the `Allow` statements of an execution role's own policy (never
/// an AWS managed policy, which has no file).
pub fn check_policy(policy: &Policy, usage: &Usage, reporter: &mut Reporter<'_>) {
    let Some(file) = policy.source else { return };
    if !reporter.is_enabled(Rule::UnusedGrant) {
        return;
    }
    let who = || {
        if usage.roles.len() == 1 {
            format!("the execution role {}", role_list(&usage.roles))
        } else {
            format!("the execution roles {}", role_list(&usage.roles))
        }
    };
    for st in &policy.statements {
        if st.effect != Effect::Allow || st.action.negated {
            continue;
        }
        for entry in &st.action.entries {
            let Some(action) = entry.value.known() else {
                continue;
            };
            if !is_unused(action, usage) {
                continue;
            }
            let d = reporter.report(
                Rule::UnusedGrant,
                Loc::new(file, entry.span, entry.pointer.clone()),
                format!(
                    "`{action}` covers nothing that the task definitions using {} need",
                    who()
                ),
            );
            d.role = usage.roles.first().cloned();
            d.with_help("remove it, or move it to the task role (`taskRoleArn`) if the application calls this API itself; lint every task definition that uses the role in one run");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::RuleSettings;
    use crate::source::SourceDb;

    fn usage(actions: &[&'static str], keys_unknown: bool) -> Usage {
        Usage {
            roles: vec!["web-execution".to_string()],
            actions: actions.to_vec(),
            keys_unknown,
        }
    }

    #[test]
    fn judges_entries() {
        let u = usage(
            &[
                "ecr:GetAuthorizationToken",
                "ecr:BatchGetImage",
                "ecr:GetDownloadUrlForLayer",
            ],
            false,
        );
        assert!(!is_unused("ecr:BatchGetImage", &u));
        assert!(!is_unused("ECR:batchgetimage", &u));
        assert!(!is_unused("ecr:*", &u));
        assert!(!is_unused("ecr:Get*", &u));
        assert!(!is_unused("*", &u));
        assert!(is_unused("ecr:BatchCheckLayerAvailability", &u));
        assert!(is_unused("ssm:GetParameters", &u));
        assert!(is_unused("logs:*", &u));
        assert!(is_unused("kms:Decrypt", &u));
        // Unknown actions are ECS201's.
        assert!(!is_unused("ecr:Nope", &u));
        assert!(!is_unused("ecr:Fetch*", &u));
        let nothing = usage(&[], false);
        assert!(is_unused("*", &nothing));
    }

    #[test]
    fn kms_decrypt_is_not_judged_while_keys_are_unknown() {
        let u = usage(&["secretsmanager:GetSecretValue"], true);
        assert!(!is_unused("kms:Decrypt", &u));
        assert!(!is_unused("kms:*", &u));
        assert!(is_unused("kms:Encrypt", &u));
    }

    #[test]
    fn points_at_the_action_string_of_allow_statements() {
        let doc = r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":["ecr:BatchGetImage","ecr:BatchCheckLayerAvailability"],"Resource":"*"},
            {"Effect":"Deny","Action":"ssm:GetParameters","Resource":"*"},
            {"Effect":"Allow","NotAction":"iam:*","Resource":"*"},
            {"Effect":"Allow","Action":"ssm:GetParameters","Resource":"*"}]}"#;
        let mut db = SourceDb::default();
        let file = db.add("p.json", doc);
        let node = crate::parse::json::parse(doc).unwrap();
        let policy = crate::model::policy::load_policy(&node, Some(file), "", "p.json", None);
        let settings = RuleSettings::default();
        let mut reporter = Reporter::new(&settings);
        check_policy(
            &policy,
            &usage(&["ecr:BatchGetImage"], false),
            &mut reporter,
        );
        let found = reporter.into_diagnostics();
        let pointers: Vec<String> = found
            .iter()
            .map(|d| d.primary.pointer.as_string())
            .collect();
        assert_eq!(pointers, ["/Statement/0/Action/1", "/Statement/3/Action"]);
        assert_eq!(
            found[0].message,
            "`ecr:BatchCheckLayerAvailability` covers nothing that the task definitions using the execution role `web-execution` need"
        );
        // No file, no finding.
        let mut managed = policy.clone();
        managed.source = None;
        let mut reporter = Reporter::new(&settings);
        check_policy(&managed, &usage(&[], false), &mut reporter);
        assert!(reporter.diagnostics().is_empty());
    }
}
