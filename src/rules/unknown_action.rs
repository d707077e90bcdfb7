//! ECS201 unknown-action: an `Action`/`NotAction` entry that names no action of
//! the embedded IAM catalogue, with a did-you-mean.

use crate::aws::actions;
use crate::diagnostic::{Loc, Reporter};
use crate::model::policy::{Entry, Policy};
use crate::rules::Rule;

/// What is wrong with an action entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// Not of the form `service:action`.
    NoPrefix,
    /// A wildcard in the service prefix: IAM matches nothing (R15).
    WildcardPrefix,
    /// The service prefix is not a service.
    UnknownService,
    /// A pattern that matches no action of its service.
    NoMatch,
    /// The service exists, the action does not.
    UnknownAction,
}

/// Judges one action entry (`*` and `service:*` for an existing service are fine).
pub fn problem(action: &str) -> Option<Problem> {
    if action == "*" {
        return None;
    }
    // The common case first: a known action is one binary search.
    if !action.contains(['*', '?']) && actions::lookup(action).is_some() {
        return None;
    }
    let Some((service, name)) = action.split_once(':') else {
        return Some(Problem::NoPrefix);
    };
    if service.contains(['*', '?']) {
        return Some(Problem::WildcardPrefix);
    }
    if !actions::service_exists(service) {
        return Some(Problem::UnknownService);
    }
    if name.contains(['*', '?']) {
        return actions::expansion(action)
            .is_empty()
            .then_some(Problem::NoMatch);
    }
    actions::lookup(action)
        .is_none()
        .then_some(Problem::UnknownAction)
}

/// The message for an entry with a problem (the did-you-mean included).
pub fn message(action: &str, problem: Problem) -> String {
    let service = action.split_once(':').map_or(action, |(s, _)| s);
    let what = match problem {
        Problem::NoPrefix => {
            format!("`{action}` is not an IAM action: actions are `service:Action`")
        }
        Problem::WildcardPrefix => format!(
            "`{action}` matches no action: IAM does not expand wildcards in the service prefix"
        ),
        Problem::UnknownService => {
            format!("`{action}` is not an IAM action: `{service}` is not an AWS service prefix")
        }
        Problem::NoMatch => format!("`{action}` matches no action of `{service}`"),
        Problem::UnknownAction => format!("`{action}` is not an action of `{service}`"),
    };
    match actions::suggest(action) {
        Some(s) => format!("{what}; did you mean `{s}`?"),
        None => what,
    }
}

fn check_entry(policy: &Policy, entry: &Entry, reporter: &mut Reporter<'_>) {
    let (Some(file), Some(action)) = (policy.source, entry.value.known()) else {
        return;
    };
    let Some(problem) = problem(action) else {
        return;
    };
    let d = reporter.report(
        Rule::UnknownAction,
        Loc::new(file, entry.span, entry.pointer.clone()),
        message(action, problem),
    );
    d.with_help(
        "use the action's exact name from the Service Authorization Reference: the entry grants or denies nothing",
    );
}

/// ECS201 for every `Action`/`NotAction` entry of a policy from a file (AWS
/// managed policies, which have no file, are never checked).
pub fn check_policy(policy: &Policy, reporter: &mut Reporter<'_>) {
    if policy.source.is_none() || !reporter.is_enabled(Rule::UnknownAction) {
        return;
    }
    for st in &policy.statements {
        for entry in &st.action.entries {
            check_entry(policy, entry, reporter);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn judges_entries() {
        assert_eq!(problem("*"), None);
        assert_eq!(problem("ecr:*"), None);
        assert_eq!(problem("ECR:getauthorizationtoken"), None);
        assert_eq!(problem("logs:Create*"), None);
        assert_eq!(problem("ssm:GetParameter?"), None);
        assert_eq!(problem("GetSecretValue"), Some(Problem::NoPrefix));
        assert_eq!(
            problem("secrets*:GetSecretValue"),
            Some(Problem::WildcardPrefix)
        );
        assert_eq!(
            problem("secretmanager:GetSecretValue"),
            Some(Problem::UnknownService)
        );
        assert_eq!(problem("ecr:Fetch*"), Some(Problem::NoMatch));
        assert_eq!(
            problem("secretsmanager:GetSecretValues"),
            Some(Problem::UnknownAction)
        );
    }

    #[test]
    fn messages_suggest_the_nearest_action() {
        let m = message("secretsmanager:GetSecretValues", Problem::UnknownAction);
        assert_eq!(
            m,
            "`secretsmanager:GetSecretValues` is not an action of `secretsmanager`; did you mean `secretsmanager:GetSecretValue`?"
        );
        let m = message("secretmanager:GetSecretValue", Problem::UnknownService);
        assert!(
            m.ends_with("did you mean `secretsmanager:GetSecretValue`?"),
            "{m}"
        );
        let m = message("zzzzzz:Nothing", Problem::UnknownService);
        assert!(!m.contains("did you mean"), "{m}");
    }

    fn run(doc: &str, source: bool) -> Vec<(String, String)> {
        crate::rules::testing::policy_findings(doc, source, check_policy)
    }

    #[test]
    fn reports_action_and_not_action_entries_at_the_string() {
        let doc = r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":["ecr:GetAuthorizationToken","ecr:BatchGetImages"],"Resource":"*"},
            {"Effect":"Deny","NotAction":"iam:PassRoles","Resource":"*"}]}"#;
        let found = run(doc, true);
        let pointers: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            pointers,
            ["/Statement/0/Action/1", "/Statement/1/NotAction"]
        );
        assert!(found[0].1.contains("did you mean `ecr:BatchGetImage`"));
    }

    #[test]
    fn never_reports_inside_a_policy_without_a_file() {
        let doc = r#"{"Statement":{"Effect":"Allow","Action":"ecr:Nope","Resource":"*"}}"#;
        assert!(run(doc, false).is_empty());
        assert_eq!(run(doc, true).len(), 1);
    }
}
