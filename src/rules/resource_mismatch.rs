//! ECS205 resource-mismatch: a statement with an action that none of the
//! statement's resources can fit (SPEC §3.4: judged per action), from the
//! resource types and ARN formats of the embedded IAM catalogue.

use crate::aws::actions::{self, Action, SplitPattern};
use crate::diagnostic::{Loc, Reporter};
use crate::model::Sym;
use crate::model::policy::{Policy, Statement};
use crate::parse::Piece;
use crate::rules::Rule;

/// A resource entry as a pattern to fit: an unknown template hole becomes `*`,
/// which fits anything (so a resource that depends on one is never held against a statement).
pub fn resource_pattern(value: &Sym) -> String {
    match value {
        Sym::Known(s) => s.to_string(),
        Sym::Partial(pieces) => pieces
            .iter()
            .map(|p| match p {
                Piece::Lit(l) => &**l,
                Piece::Hole(_) => "*",
            })
            .collect(),
    }
}

/// The catalogue actions an `Action` entry stands for (empty when it names none):
/// the remembered expansion of a wildcard entry, or the one action an entry names.
enum Acts {
    Many(std::rc::Rc<[Action]>),
    One(Option<Action>),
}

impl Acts {
    fn of(entry: &str) -> Acts {
        if entry.contains(['*', '?']) {
            Acts::Many(actions::expansion(entry))
        } else {
            Acts::One(actions::lookup(entry))
        }
    }

    fn as_slice(&self) -> &[Action] {
        match self {
            Acts::Many(all) => all,
            Acts::One(one) => one.as_slice(),
        }
    }
}

/// Whether none of the actions an entry stands for can act on any of `resources`.
/// `*` entries, and entries that name no action (ECS201's), are never mismatched.
pub fn entry_mismatched<S: AsRef<str>>(entry: &str, resources: &[S]) -> Option<Vec<Action>> {
    let split: Vec<SplitPattern<'_>> = resources
        .iter()
        .map(|r| SplitPattern::new(r.as_ref()))
        .collect();
    entry_mismatched_split(entry, &split)
}

/// [`entry_mismatched`] on resources already split.
fn entry_mismatched_split(entry: &str, resources: &[SplitPattern<'_>]) -> Option<Vec<Action>> {
    if entry == "*" {
        return None;
    }
    let acts = Acts::of(entry);
    let acts = acts.as_slice();
    if acts.is_empty() {
        return None;
    }
    let fits = actions::any_accepts_split(acts, resources);
    (!fits).then(|| acts.to_vec())
}

/// What resources an entry's actions apply to, for the message.
fn applies_to(entry: &str, acts: &[Action]) -> String {
    let mut types: Vec<&str> = Vec::new();
    for a in acts {
        for t in a.resource_types() {
            if !types.contains(&t.name) {
                types.push(t.name);
            }
        }
    }
    if types.is_empty() {
        return format!(
            "`{entry}` has no resource types and applies only to `\"Resource\": \"*\"`"
        );
    }
    let shown: Vec<String> = types.iter().take(4).map(|t| format!("`{t}`")).collect();
    let more = if types.len() > 4 { ", …" } else { "" };
    let wildcard_only = if acts.iter().any(Action::is_wildcard_only) {
        " or `*`"
    } else {
        ""
    };
    format!(
        "`{entry}` applies to {}{more} resources{wildcard_only}",
        shown.join(", ")
    )
}

/// The actions of a statement that none of its resources can fit, as
/// `(entry, what it applies to)`.
pub fn mismatches(st: &Statement) -> Vec<(String, String)> {
    if st.action.negated || st.resource.negated {
        return Vec::new();
    }
    let resources: Vec<std::borrow::Cow<'_, str>> = st
        .resource
        .entries
        .iter()
        .map(|e| match &e.value {
            Sym::Known(s) => std::borrow::Cow::Borrowed(s.as_str()),
            partial @ Sym::Partial(_) => std::borrow::Cow::Owned(resource_pattern(partial)),
        })
        .collect();
    if resources.is_empty() || resources.iter().any(|r| r == "*") {
        return Vec::new();
    }
    let resources: Vec<SplitPattern<'_>> = resources.iter().map(|r| SplitPattern::new(r)).collect();
    st.action
        .entries
        .iter()
        .filter_map(|e| e.value.known())
        .filter_map(|entry| {
            entry_mismatched_split(entry, &resources)
                .map(|acts| (entry.to_string(), applies_to(entry, &acts)))
        })
        .collect()
}

/// ECS205 for every statement of a policy from a file (never an AWS managed policy).
pub fn check_policy(policy: &Policy, reporter: &mut Reporter<'_>) {
    let Some(file) = policy.source else { return };
    if !reporter.is_enabled(Rule::ResourceMismatch) {
        return;
    }
    for st in &policy.statements {
        let found = mismatches(st);
        if found.is_empty() {
            continue;
        }
        let what: Vec<&str> = found.iter().map(|(_, w)| w.as_str()).collect();
        let one = found.len() == 1;
        let message = format!(
            "{}: no resource of the statement fits, so it grants {} nothing",
            what.join("; "),
            if one { "it" } else { "them" }
        );
        let d = reporter.report(
            Rule::ResourceMismatch,
            Loc::new(file, st.resource.span, st.resource.pointer.clone()),
            message,
        );
        d.with_help("split the statement so that each action sits with resources of its own types: actions without resource types on \"*\"");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn res(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_string()).collect()
    }

    #[test]
    fn judges_entries_against_resources() {
        let repo = res(&["arn:aws:ecr:eu-west-1:123456789012:repository/web"]);
        assert!(entry_mismatched("ecr:GetAuthorizationToken", &repo).is_some());
        assert!(entry_mismatched("ecr:BatchGetImage", &repo).is_none());
        // A wildcard entry fits when one of its actions does.
        assert!(entry_mismatched("ecr:*", &repo).is_none());
        assert!(entry_mismatched("ecr:Get*", &repo).is_none());
        assert!(entry_mismatched("*", &repo).is_none());
        // Unknown actions are ECS201's.
        assert!(entry_mismatched("ecr:Nope", &repo).is_none());
        let bucket = res(&["arn:aws:s3:::my-bucket"]);
        assert!(entry_mismatched("s3:GetObject", &bucket).is_some());
        assert!(entry_mismatched("s3:GetBucketLocation", &bucket).is_none());
        let objects = res(&["arn:aws:s3:::my-bucket/*"]);
        assert!(entry_mismatched("s3:GetObject", &objects).is_none());
        let other = res(&[
            "arn:aws:s3:::my-bucket/*",
            "arn:aws:ssm:eu-west-1:1:parameter/x",
        ]);
        assert!(entry_mismatched("logs:PutLogEvents", &other).is_some());
        assert!(entry_mismatched("ssm:GetParameters", &other).is_none());
    }

    #[test]
    fn template_holes_fit_anything() {
        let sym = Sym::partial(vec![
            Piece::Lit("arn:aws:ecr:".into()),
            Piece::Hole("AWS::Region".into()),
            Piece::Lit(":".into()),
            Piece::Hole("AWS::AccountId".into()),
            Piece::Lit(":repository/web".into()),
        ]);
        assert_eq!(resource_pattern(&sym), "arn:aws:ecr:*:*:repository/web");
        let whole = Sym::partial(vec![Piece::Hole("Repo.Arn".into())]);
        assert_eq!(resource_pattern(&whole), "*");
    }

    fn run(doc: &str) -> Vec<(String, String)> {
        crate::rules::testing::policy_findings(doc, true, check_policy)
    }

    #[test]
    fn points_at_the_resource_value() {
        let doc = r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":["ecr:GetAuthorizationToken","ecr:BatchGetImage"],
             "Resource":["arn:aws:ecr:eu-west-1:123456789012:repository/web"]},
            {"Effect":"Allow","Action":"ecr:GetAuthorizationToken","Resource":"*"},
            {"Effect":"Allow","Action":"s3:GetObject","NotResource":"arn:aws:s3:::b"},
            {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b"}]}"#;
        let found = run(doc);
        let pointers: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(pointers, ["/Statement/0/Resource", "/Statement/3/Resource"]);
        assert!(
            found[0]
                .1
                .starts_with("`ecr:GetAuthorizationToken` has no resource types and applies only to `\"Resource\": \"*\"`"),
            "{}",
            found[0].1
        );
        assert!(found[1].1.contains("`object`"), "{}", found[1].1);
    }
}
