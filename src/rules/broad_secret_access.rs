//! ECS202 broad-secret-access: an `Allow` statement that grants reading
//! secrets, parameters or keys on a broad resource (SPEC §3.4: the literal `*`,
//! a pattern that covers the service's resources in every account, or a
//! `NotResource`).

use crate::diagnostic::{Loc, Reporter};
use crate::iam::matcher::{Pattern, action_matches};
use crate::model::Sym;
use crate::model::policy::{ConditionBlock, Effect, OpKind, Policy, Statement};
use crate::rules::Rule;

/// The actions that read a secret, a parameter or decrypt with a key.
pub const SECRET_ACTIONS: [&str; 6] = [
    "secretsmanager:GetSecretValue",
    "ssm:GetParameters",
    "ssm:GetParameter",
    "ssm:GetParametersByPath",
    "ssm:GetParameterHistory",
    "kms:Decrypt",
];

/// Accounts that no narrow pattern covers both of.
const PROBE_ACCOUNTS: [&str; 2] = ["000000000000", "987654321098"];

/// Resource parts of the service's resources, as varied as names get.
fn probe_resources(action: &str) -> &'static [&'static str] {
    match action.split_once(':').map_or("", |(s, _)| s) {
        "secretsmanager" => &["secret:zz/probe/one-AbCdEf", "secret:a-Zz09Yx"],
        "ssm" => &["parameter/zz/probe/one", "parameter/a"],
        "kms" => &[
            "key/00000000-1111-2222-3333-444444444444",
            "key/mrk-ffffffffffffffffffffffffffffffff",
        ],
        _ => &[],
    }
}

/// What the service's resources are called, for messages.
fn noun(action: &str) -> &'static str {
    match action.split_once(':').map_or("", |(s, _)| s) {
        "secretsmanager" => "secret",
        "ssm" => "parameter",
        _ => "key",
    }
}

/// Whether a `Resource` pattern is broad for `action`: `*`, or a pattern that
/// covers the action's resources in every account (whatever their names; the
/// Region and partition as the pattern writes them). Patterns with unresolved
/// template holes are never broad.
pub fn is_broad(value: &Sym, action: &str) -> bool {
    let Some(pattern) = value.known() else {
        return false;
    };
    if pattern == "*" {
        return true;
    }
    let mut fields = pattern.splitn(6, ':');
    if fields.next() != Some("arn") {
        return false;
    }
    let probes = probe_resources(action);
    // Without a wildcard the pattern is one ARN, which is never in two accounts.
    if probes.is_empty() || !pattern.contains(['*', '?']) {
        return false;
    }
    // The partition and Region as the pattern writes them, when it does without wildcards.
    let mut literal = |default| {
        fields
            .next()
            .filter(|f| !f.contains(['*', '?']))
            .unwrap_or(default)
    };
    let partition = literal("aws");
    let _service = literal("");
    let region = literal("us-east-1");
    let service = action.split_once(':').map_or("", |(s, _)| s);
    let compiled = Pattern::resource(pattern);
    // One probe ARN at a time, written over the last.
    let mut arn = String::new();
    PROBE_ACCOUNTS.iter().all(|account| {
        probes.iter().all(|res| {
            arn.clear();
            for part in [
                "arn:", partition, ":", service, ":", region, ":", account, ":", res,
            ] {
                arn.push_str(part);
            }
            compiled.matches(&arn)
        })
    })
}

/// The secret-reading actions a statement allows (`NotAction` allows what it does not list).
pub fn granted_actions(st: &Statement) -> Vec<&'static str> {
    if st.effect != Effect::Allow {
        return Vec::new();
    }
    let entries: Vec<&str> = st
        .action
        .entries
        .iter()
        .filter_map(|e| e.value.known())
        .collect();
    if st.action.negated {
        // An unresolved exclusion might exclude anything.
        if entries.len() != st.action.entries.len() {
            return Vec::new();
        }
        SECRET_ACTIONS
            .into_iter()
            .filter(|a| !entries.iter().any(|e| action_matches(e, a)))
            .collect()
    } else {
        SECRET_ACTIONS
            .into_iter()
            .filter(|a| entries.iter().any(|e| action_matches(e, a)))
            .collect()
    }
}

/// Whether a condition limits which resources the statement reaches by their
/// tags (attribute-based access control): a non-negated, non-`IfExists` clause on
/// `aws:ResourceTag/…`, `secretsmanager:ResourceTag/…`, `ssm:resourceTag/…` or
/// `kms:ResourceAliases` (a `Null` clause only when it requires the key to be present).
pub fn restricts_by_tag(condition: &ConditionBlock) -> bool {
    condition.clauses.iter().any(|c| {
        let key = c.key.to_ascii_lowercase();
        let tag_key = key.starts_with("aws:resourcetag/")
            || key.starts_with("secretsmanager:resourcetag/")
            || key.starts_with("ssm:resourcetag/")
            || key == "kms:resourcealiases";
        let restricting = if c.op.kind == OpKind::Null {
            c.values.iter().all(|v| v.known() == Some("false"))
        } else {
            !c.op.negated && !c.op.if_exists
        };
        tag_key && restricting
    })
}

fn list(items: &[&str]) -> String {
    items
        .iter()
        .map(|a| format!("`{a}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a broad grant of `actions` lets the role do, e.g. `read every secret and
/// decrypt with every key`.
fn reach(actions: &[&str]) -> String {
    let mut read: Vec<&str> = Vec::new();
    for a in actions {
        let n = noun(a);
        if n != "key" && !read.contains(&n) {
            read.push(n);
        }
    }
    let decrypt = actions.iter().any(|a| noun(a) == "key");
    match (read.as_slice(), decrypt) {
        ([], _) => "decrypt with every key".to_string(),
        (r, false) => format!("read every {}", r.join(" and ")),
        (r, true) => format!("read every {} and decrypt with every key", r.join(" and ")),
    }
}

/// The narrower resources the task definitions use, for the message.
fn narrower(actions: &[&str], used: &[(&str, &str)]) -> String {
    let mut grants: Vec<&str> = used
        .iter()
        .filter(|(a, _)| actions.contains(a))
        .map(|(_, g)| *g)
        .collect();
    grants.sort_unstable();
    grants.dedup();
    if grants.is_empty() {
        return String::new();
    }
    let shown: Vec<String> = grants.iter().take(3).map(|g| format!("`{g}`")).collect();
    let more = match grants.len().saturating_sub(3) {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    format!(
        "; the task definitions using it need only {}{more}",
        shown.join(", ")
    )
}

/// ECS202 for the `Allow` statements of a policy from a file. `used` lists the
/// `(action, resource)` pairs that the task definitions using the policy need
/// (empty when unknown), to name narrower resources.
pub fn check_policy(policy: &Policy, used: &[(&str, &str)], reporter: &mut Reporter<'_>) {
    let Some(file) = policy.source else { return };
    if !reporter.is_enabled(Rule::BroadSecretAccess) {
        return;
    }
    for st in &policy.statements {
        let granted = granted_actions(st);
        if granted.is_empty() || st.condition.as_deref().is_some_and(restricts_by_tag) {
            continue;
        }
        if st.resource.negated {
            let message = format!(
                "{} granted with `NotResource`: the role can {} but the ones it lists{}",
                list(&granted),
                reach(&granted),
                narrower(&granted, used)
            );
            report(
                reporter,
                Loc::new(file, st.resource.span, st.resource.pointer.clone()),
                message,
            );
            continue;
        }
        for entry in &st.resource.entries {
            let broad: Vec<&str> = granted
                .iter()
                .copied()
                .filter(|a| is_broad(&entry.value, a))
                .collect();
            if broad.is_empty() {
                continue;
            }
            let message = format!(
                "{} granted on `{}`: the role can {}{}",
                list(&broad),
                entry.value,
                reach(&broad),
                narrower(&broad, used)
            );
            report(
                reporter,
                Loc::new(file, entry.span, entry.pointer.clone()),
                message,
            );
        }
    }
}

fn report(reporter: &mut Reporter<'_>, at: Loc, message: String) {
    reporter.report(Rule::BroadSecretAccess, at, message).with_help(
        "grant the secrets, parameters and keys by ARN, or by a prefix that belongs to the application (`…:secret:prod/web/*`, `…:parameter/prod/web/*`)",
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(s: &str) -> Sym {
        Sym::Known(s.into())
    }

    /// The former `is_broad`, which compiled the pattern and wrote every probe for
    /// patterns without wildcards too.
    fn is_broad_reference(value: &Sym, action: &str) -> bool {
        let Some(pattern) = value.known() else {
            return false;
        };
        if pattern == "*" {
            return true;
        }
        let mut fields = pattern.splitn(6, ':');
        if fields.next() != Some("arn") {
            return false;
        }
        let literal = |f: Option<&str>, default: &'static str| match f {
            Some(f) if !f.contains(['*', '?']) => f.to_string(),
            _ => default.to_string(),
        };
        let partition = literal(fields.next(), "aws");
        let _service = fields.next();
        let region = literal(fields.next(), "us-east-1");
        let service = action.split_once(':').map_or("", |(s, _)| s);
        let compiled = Pattern::resource(pattern);
        let probes = probe_resources(action);
        !probes.is_empty()
            && PROBE_ACCOUNTS.iter().all(|account| {
                probes.iter().all(|res| {
                    compiled.matches(&format!(
                        "arn:{partition}:{service}:{region}:{account}:{res}"
                    ))
                })
            })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1000))]

        #[test]
        fn is_broad_agrees_with_the_former_is_broad(
            fields in proptest::collection::vec(
                "(\\*|\\?|aws|aws-cn|secretsmanager|ssm|kms|us-east-1|000000000000|987654321098|secret|parameter|key|/|zz|probe|one|a|-|:|\\$\\{x\\}){0,8}",
                1..7,
            ),
            first in proptest::sample::select(vec!["arn", "*", "ar?", "x", "arn*"]),
            action in proptest::sample::select(SECRET_ACTIONS.iter().copied().chain(["ecr:BatchGetImage", "kms", ""]).collect::<Vec<_>>()),
        ) {
            let pattern = format!("{first}:{}", fields.join(":"));
            for p in [pattern.as_str(), first, "*"] {
                let v = known(p);
                proptest::prop_assert_eq!(is_broad(&v, action), is_broad_reference(&v, action), "{}", p);
            }
        }
    }

    #[test]
    fn broad_patterns() {
        let sm = "secretsmanager:GetSecretValue";
        assert!(is_broad(&known("*"), sm));
        assert!(is_broad(&known("arn:*:secretsmanager:*:*:secret:*"), sm));
        assert!(is_broad(&known("arn:aws:secretsmanager:*:*:*"), sm));
        assert!(is_broad(&known("arn:aws:*"), sm));
        assert!(is_broad(
            &known("arn:aws:ssm:*:*:parameter/*"),
            "ssm:GetParameters"
        ));
        assert!(is_broad(&known("arn:aws:kms:*:*:key/*"), "kms:Decrypt"));
        assert!(is_broad(
            &known("arn:aws:kms:eu-west-1:*:key/*"),
            "kms:Decrypt"
        ));
        // One account: not broad (the doc's example).
        assert!(!is_broad(
            &known("arn:aws:secretsmanager:eu-west-1:123456789012:secret:*"),
            sm
        ));
        assert!(!is_broad(
            &known("arn:aws:secretsmanager:*:*:secret:prod/*"),
            sm
        ));
        assert!(!is_broad(
            &known("arn:aws:ssm:*:*:parameter/prod/*"),
            "ssm:GetParameters"
        ));
        assert!(!is_broad(&known("arn:aws:kms:*:*:alias/*"), "kms:Decrypt"));
        assert!(!is_broad(&known("arn:aws:ssm:*:*:parameter/*"), sm));
        let partial = Sym::partial(vec![
            crate::parse::Piece::Lit("arn:aws:ssm:*:".into()),
            crate::parse::Piece::Hole("AWS::AccountId".into()),
            crate::parse::Piece::Lit(":parameter/*".into()),
        ]);
        assert!(!is_broad(&partial, "ssm:GetParameters"));
    }

    fn run(doc: &str, used: &[(&str, &str)]) -> Vec<(String, String)> {
        crate::rules::testing::policy_findings(doc, true, |p, r| check_policy(p, used, r))
    }

    fn pointers(found: &[(String, String)]) -> Vec<&str> {
        found.iter().map(|(p, _)| p.as_str()).collect()
    }

    #[test]
    fn reports_the_broad_resource_string() {
        let doc = r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":["arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/*","*"]},
            {"Effect":"Allow","Action":"ecr:GetAuthorizationToken","Resource":"*"},
            {"Effect":"Deny","Action":"ssm:*","Resource":"*"},
            {"Effect":"Allow","Action":"ssm:Get*","NotResource":"arn:aws:ssm:*:*:parameter/admin/*"},
            {"Effect":"Allow","NotAction":"iam:*","Resource":"*"},
            {"Effect":"Allow","NotAction":["secretsmanager:*","ssm:*","kms:*"],"Resource":"*"}]}"#;
        let used = vec![(
            "secretsmanager:GetSecretValue",
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/web/db-??????",
        )];
        let found = run(doc, &used);
        assert_eq!(
            pointers(&found),
            [
                "/Statement/0/Resource/1",
                "/Statement/3/NotResource",
                "/Statement/4/Resource"
            ]
        );
        assert!(
            found[0].1.contains("need only `arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/web/db-??????`"),
            "{}",
            found[0].1
        );
        assert!(found[2].1.contains("`kms:Decrypt`"), "{}", found[2].1);
        assert!(
            found[2]
                .1
                .contains("read every secret and parameter and decrypt with every key"),
            "{}",
            found[2].1
        );
    }

    #[test]
    fn tag_conditions_restrict_the_grant() {
        let doc = r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"*",
             "Condition":{"StringEquals":{"secretsmanager:ResourceTag/app":"web"}}},
            {"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"*",
             "Condition":{"StringEqualsIfExists":{"aws:ResourceTag/app":"web"}}},
            {"Effect":"Allow","Action":"kms:Decrypt","Resource":"*",
             "Condition":{"StringEquals":{"kms:ViaService":"secretsmanager.eu-west-1.amazonaws.com"}}}]}"#;
        assert_eq!(
            pointers(&run(doc, &[])),
            ["/Statement/1/Resource", "/Statement/2/Resource"]
        );
    }
}
