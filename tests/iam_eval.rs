//! Evaluation rules of IAM.md §2, one test (at least) per H/M rule, through the public API.
#![allow(clippy::unwrap_used)] // test helpers

use ecslint::diagnostic::Decision;
use ecslint::iam::{Context, Evaluation, KeyPolicy, KeyState, Layers, Request, evaluate};
use ecslint::model::Sym;
use ecslint::model::policy::{Policy, load_policy};
use ecslint::parse::{Piece, json};

fn policy(text: &str) -> Policy {
    load_policy(&json::parse(text).unwrap(), None, "", "p", None)
}

fn stmt(body: &str) -> Policy {
    policy(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{body}]}}"#
    ))
}

/// Evaluates against identity policies only.
fn evaluate_ctx(policies: &[&Policy], action: &str, resource: &str, ctx: &Context) -> Evaluation {
    let res = Sym::from(resource);
    evaluate(
        &Layers {
            identity: policies,
            ..Layers::default()
        },
        &Request {
            action,
            resource: &res,
            context: ctx,
        },
    )
}

fn decide_ctx(policies: &[&Policy], action: &str, resource: &str, ctx: &Context) -> Decision {
    evaluate_ctx(policies, action, resource, ctx).decision
}

fn decide(policies: &[&Policy], action: &str, resource: &str) -> Decision {
    decide_ctx(policies, action, resource, &Context::absent_by_default())
}

fn with_boundary(
    policies: &[&Policy],
    boundary: &[&Policy],
    action: &str,
    resource: &str,
) -> Decision {
    let res = Sym::from(resource);
    let ctx = Context::absent_by_default();
    evaluate(
        &Layers {
            identity: policies,
            boundary: Some(boundary),
            ..Layers::default()
        },
        &Request {
            action,
            resource: &res,
            context: &ctx,
        },
    )
    .decision
}

fn ctx(pairs: &[(&str, &str)]) -> Context {
    Context::from_pairs(pairs.iter().copied(), KeyState::Absent)
}

const SECRET: &str = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf";
const REPO: &str = "arn:aws:ecr:us-east-1:123456789012:repository/app";
const PARAM: &str = "arn:aws:ssm:us-east-1:123456789012:parameter/app/db";
use Decision::{Allowed, Conditional, ExplicitlyDenied, ImplicitlyDenied};

#[test]
fn r5_invalid_effect_never_allows() {
    let p = stmt(r#"{"Effect":"allow","Action":"*","Resource":"*"}"#);
    assert_eq!(decide(&[&p], "ecr:BatchGetImage", REPO), ImplicitlyDenied);
}

#[test]
fn r8_empty_statement_is_implicit_deny() {
    let p = policy(r#"{"Statement":[]}"#);
    assert_eq!(decide(&[&p], "ecr:BatchGetImage", REPO), ImplicitlyDenied);
}

#[test]
fn r9_empty_not_action_deny_applies_conservatively() {
    let allow = stmt(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#);
    let deny = stmt(r#"{"Effect":"Deny","NotAction":[],"Resource":"*"}"#);
    assert_eq!(
        decide(&[&allow, &deny], "ecr:BatchGetImage", REPO),
        ExplicitlyDenied
    );
    let allow_empty = stmt(r#"{"Effect":"Allow","NotAction":[],"Resource":"*"}"#);
    assert_eq!(
        decide(&[&allow_empty], "ecr:BatchGetImage", REPO),
        ImplicitlyDenied
    );
}

#[test]
fn r12_policies_are_one_set_of_statements() {
    let a = stmt(r#"{"Effect":"Allow","Action":"ecr:*","Resource":"*"}"#);
    let d = stmt(r#"{"Effect":"Deny","Action":"ecr:BatchGetImage","Resource":"*"}"#);
    assert_eq!(
        decide(&[&a, &d], "ecr:BatchGetImage", REPO),
        ExplicitlyDenied
    );
    assert_eq!(
        decide(&[&d, &a], "ecr:BatchGetImage", REPO),
        ExplicitlyDenied
    );
    assert_eq!(
        decide(&[&d, &a], "ecr:GetDownloadUrlForLayer", REPO),
        Allowed
    );
}

#[test]
fn r17_unknown_action_grants_nothing() {
    let p = stmt(r#"{"Effect":"Allow","Action":"ecr:GetAuthorisationToken","Resource":"*"}"#);
    assert_eq!(
        decide(&[&p], "ecr:GetAuthorizationToken", "*"),
        ImplicitlyDenied
    );
}

#[test]
fn r18_not_action_matches_everything_else() {
    let p = stmt(r#"{"Effect":"Allow","NotAction":["iam:*","ecr:Put*"],"Resource":"*"}"#);
    assert_eq!(decide(&[&p], "ecr:BatchGetImage", REPO), Allowed);
    assert_eq!(decide(&[&p], "ecr:PutImage", REPO), ImplicitlyDenied);
    assert_eq!(
        decide(&[&p], "iam:PassRole", "arn:aws:iam::1:role/x"),
        ImplicitlyDenied
    );
}

#[test]
fn r20_wildcard_only_action_needs_literal_star() {
    for r in ["arn:aws:ecr:*:*:*", "arn:aws:ecr:*:*:repository/*", "arn:*"] {
        let p = stmt(&format!(
            r#"{{"Effect":"Allow","Action":"ecr:GetAuthorizationToken","Resource":"{r}"}}"#
        ));
        assert_eq!(
            decide(&[&p], "ecr:GetAuthorizationToken", "*"),
            ImplicitlyDenied,
            "{r}"
        );
    }
    let p = stmt(r#"{"Effect":"Allow","Action":"ecr:GetAuthorizationToken","Resource":"*"}"#);
    assert_eq!(decide(&[&p], "ecr:GetAuthorizationToken", "*"), Allowed);
}

#[test]
fn r20_not_resource_excludes_star_only_literally() {
    let p = stmt(r#"{"Effect":"Allow","Action":"s3:*","NotResource":"arn:aws:s3:::*"}"#);
    assert_eq!(decide(&[&p], "s3:ListAllMyBuckets", "*"), Allowed);
    let p = stmt(r#"{"Effect":"Allow","Action":"s3:*","NotResource":["*"]}"#);
    assert_eq!(decide(&[&p], "s3:ListAllMyBuckets", "*"), ImplicitlyDenied);
}

#[test]
fn r25_wildcard_in_service_segment_is_a_glob() {
    let p =
        stmt(r#"{"Effect":"Allow","Action":"ecr:*","Resource":"arn:aws:ec*:*:*:repository/app"}"#);
    assert_eq!(decide(&[&p], "ecr:BatchGetImage", REPO), Allowed);
}

#[test]
fn r27_secret_without_suffix_does_not_match() {
    let p = stmt(&format!(
        r#"{{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"{}"}}"#,
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db"
    ));
    assert_eq!(
        decide(&[&p], "secretsmanager:GetSecretValue", SECRET),
        ImplicitlyDenied
    );
}

#[test]
fn r29_resource_list_is_or_not_resource_excludes_union() {
    let p = stmt(&format!(
        r#"{{"Effect":"Allow","Action":"ssm:GetParameters","Resource":["arn:aws:ssm:*:*:parameter/x","{PARAM}"]}}"#
    ));
    assert_eq!(decide(&[&p], "ssm:GetParameters", PARAM), Allowed);
    let p = stmt(&format!(
        r#"{{"Effect":"Allow","Action":"ssm:GetParameters","NotResource":["arn:aws:ssm:*:*:parameter/x","{PARAM}"]}}"#
    ));
    assert_eq!(decide(&[&p], "ssm:GetParameters", PARAM), ImplicitlyDenied);
    assert_eq!(
        decide(
            &[&p],
            "ssm:GetParameters",
            "arn:aws:ssm:us-east-1:1:parameter/y"
        ),
        Allowed
    );
}

#[test]
fn r31_statement_needs_action_resource_and_condition() {
    let p = stmt(&format!(
        r#"{{"Effect":"Allow","Action":"ssm:GetParameters","Resource":"{PARAM}","Condition":{{"StringEquals":{{"aws:SourceVpc":"vpc-1"}}}}}}"#
    ));
    assert_eq!(decide(&[&p], "ssm:GetParameters", PARAM), ImplicitlyDenied);
    assert_eq!(
        decide_ctx(
            &[&p],
            "ssm:GetParameters",
            PARAM,
            &ctx(&[("aws:SourceVpc", "vpc-1")])
        ),
        Allowed
    );
}

#[test]
fn r32_allow_not_action_limited_to_resources() {
    let p = stmt(r#"{"Effect":"Allow","NotAction":"s3:DeleteBucket","Resource":"arn:aws:s3:::*"}"#);
    assert_eq!(decide(&[&p], "s3:GetObject", "arn:aws:s3:::b/k"), Allowed);
    assert_eq!(decide(&[&p], "ecr:BatchGetImage", REPO), ImplicitlyDenied);
    assert_eq!(decide(&[&p], "s3:ListAllMyBuckets", "*"), ImplicitlyDenied);
}

#[test]
fn r33_deny_not_action_denies_all_else_and_never_grants() {
    let d = stmt(r#"{"Effect":"Deny","NotAction":"ecr:*","Resource":"*"}"#);
    assert_eq!(decide(&[&d], "ecr:BatchGetImage", REPO), ImplicitlyDenied);
    let a = stmt(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#);
    assert_eq!(
        decide(
            &[&a, &d],
            "logs:PutLogEvents",
            "arn:aws:logs:r:1:log-group:x"
        ),
        ExplicitlyDenied
    );
    assert_eq!(decide(&[&a, &d], "ecr:BatchGetImage", REPO), Allowed);
}

#[test]
fn r33_mfa_guard_denies_role_sessions() {
    let a = stmt(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#);
    let d = stmt(
        r#"{"Effect":"Deny","NotAction":"iam:*","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}"#,
    );
    let c = ctx(&[("aws:MultiFactorAuthPresent", "false")]);
    assert_eq!(
        decide_ctx(&[&a, &d], "ecr:BatchGetImage", REPO, &c),
        ExplicitlyDenied
    );
    assert_eq!(
        decide(&[&a, &d], "ecr:BatchGetImage", REPO),
        ExplicitlyDenied
    );
}

#[test]
fn r34_allow_not_resource_grants_everything_else() {
    let p = stmt(&format!(
        r#"{{"Effect":"Allow","Action":"ssm:*","NotResource":"{PARAM}"}}"#
    ));
    assert_eq!(
        decide(
            &[&p],
            "ssm:GetParameters",
            "arn:aws:ssm:us-east-1:1:parameter/z"
        ),
        Allowed
    );
    assert_eq!(decide(&[&p], "ssm:GetParameters", PARAM), ImplicitlyDenied);
}

#[test]
fn r35_deny_not_resource_only_its_actions() {
    let a = stmt(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#);
    let d = stmt(&format!(
        r#"{{"Effect":"Deny","Action":"ssm:*","NotResource":"{PARAM}"}}"#
    ));
    assert_eq!(decide(&[&a, &d], "ssm:GetParameters", PARAM), Allowed);
    assert_eq!(
        decide(
            &[&a, &d],
            "ssm:GetParameters",
            "arn:aws:ssm:us-east-1:1:parameter/z"
        ),
        ExplicitlyDenied
    );
    assert_eq!(decide(&[&a, &d], "ecr:BatchGetImage", REPO), Allowed);
}

#[test]
fn r36_explicit_deny_overrides_allow_default_is_implicit() {
    let a = stmt(r#"{"Effect":"Allow","Action":"ecr:*","Resource":"*"}"#);
    let d = stmt(r#"{"Effect":"Deny","Action":"ecr:*","Resource":"*"}"#);
    assert_eq!(
        decide(&[&a, &d], "ecr:BatchGetImage", REPO),
        ExplicitlyDenied
    );
    assert_eq!(decide(&[], "ecr:BatchGetImage", REPO), ImplicitlyDenied);
}

fn with_resource_policy(
    identity: &[&Policy],
    boundary: Option<&[&Policy]>,
    resource: &[&Policy],
) -> Decision {
    let res = Sym::from(SECRET);
    let c = Context::absent_by_default();
    evaluate(
        &Layers {
            identity,
            boundary,
            resource,
            key_policy: None,
            cross_account: None,
        },
        &Request {
            action: "secretsmanager:GetSecretValue",
            resource: &res,
            context: &c,
        },
    )
    .decision
}

#[test]
fn r37_same_account_resource_policy_is_a_union() {
    let rp = stmt(r#"{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"*"}"#);
    assert_eq!(with_resource_policy(&[], None, &[&rp]), Allowed);
    let rd = stmt(r#"{"Effect":"Deny","Action":"secretsmanager:*","Resource":"*"}"#);
    let ip = stmt(r#"{"Effect":"Allow","Action":"secretsmanager:*","Resource":"*"}"#);
    assert_eq!(with_resource_policy(&[&ip], None, &[&rd]), ExplicitlyDenied);
}

#[test]
fn r38_boundary_still_caps_resource_policy_grants() {
    let rp = stmt(r#"{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"*"}"#);
    let b = stmt(r#"{"Effect":"Allow","Action":"ecr:*","Resource":"*"}"#);
    assert_eq!(
        with_resource_policy(&[], Some(&[&b]), &[&rp]),
        ImplicitlyDenied
    );
}

#[test]
fn r40_kms_key_policy_must_allow() {
    let key = "arn:aws:kms:us-east-1:123456789012:key/k";
    let res = Sym::from(key);
    let c = Context::absent_by_default();
    let iam = stmt(r#"{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}"#);
    let root = stmt(r#"{"Effect":"Allow","Action":"kms:*","Resource":"*"}"#);
    let run = |identity: &[&Policy], direct: &[&Policy], enables: &[&Policy]| {
        evaluate(
            &Layers {
                identity,
                key_policy: Some(KeyPolicy {
                    direct,
                    enables_iam: enables,
                }),
                ..Layers::default()
            },
            &Request {
                action: "kms:Decrypt",
                resource: &res,
                context: &c,
            },
        )
        .decision
    };
    assert_eq!(run(&[&iam], &[], &[]), ImplicitlyDenied);
    assert_eq!(run(&[&iam], &[], &[&root]), Allowed);
    assert_eq!(run(&[], &[], &[&root]), ImplicitlyDenied);
    assert_eq!(run(&[], &[&root], &[]), Allowed);
}

#[test]
fn r41_boundary_is_an_intersection_and_never_grants() {
    let a = stmt(r#"{"Effect":"Allow","Action":"ecr:*","Resource":"*"}"#);
    let b_all = stmt(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#);
    let b_logs = stmt(r#"{"Effect":"Allow","Action":"logs:*","Resource":"*"}"#);
    let b_deny = stmt(r#"{"Effect":"Deny","Action":"ecr:BatchGetImage","Resource":"*"}"#);
    let b_not = stmt(r#"{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}"#);
    assert_eq!(
        with_boundary(&[&a], &[&b_all], "ecr:BatchGetImage", REPO),
        Allowed
    );
    assert_eq!(
        with_boundary(&[&a], &[&b_logs], "ecr:BatchGetImage", REPO),
        ImplicitlyDenied
    );
    assert_eq!(
        with_boundary(&[], &[&b_all], "ecr:BatchGetImage", REPO),
        ImplicitlyDenied
    );
    assert_eq!(
        with_boundary(&[&a], &[&b_all, &b_deny], "ecr:BatchGetImage", REPO),
        ExplicitlyDenied
    );
    assert_eq!(
        with_boundary(&[&a], &[&b_not], "ecr:BatchGetImage", REPO),
        Allowed
    );
}

#[test]
fn r64b_get_caller_identity_is_always_allowed() {
    let d = stmt(r#"{"Effect":"Deny","Action":"*","Resource":"*"}"#);
    assert_eq!(decide(&[&d], "sts:GetCallerIdentity", "*"), Allowed);
}

// --- conditions ---

fn cond(op: &str, key: &str, values: &str) -> Policy {
    stmt(&format!(
        r#"{{"Effect":"Allow","Action":"*","Resource":"*","Condition":{{"{op}":{{"{key}":{values}}}}}}}"#
    ))
}

fn cond_allows(p: &Policy, c: &Context) -> Decision {
    decide_ctx(&[p], "ecr:BatchGetImage", REPO, c)
}

#[test]
fn r46_values_or_keys_and_negated_values_and() {
    let p = cond("StringEquals", "aws:SourceVpc", r#"["vpc-1","vpc-2"]"#);
    assert_eq!(
        cond_allows(&p, &ctx(&[("aws:SourceVpc", "vpc-2")])),
        Allowed
    );
    let p = cond("StringNotEquals", "aws:SourceVpc", r#"["vpc-1","vpc-2"]"#);
    assert_eq!(
        cond_allows(&p, &ctx(&[("aws:SourceVpc", "vpc-2")])),
        ImplicitlyDenied
    );
    assert_eq!(
        cond_allows(&p, &ctx(&[("aws:SourceVpc", "vpc-3")])),
        Allowed
    );
    let p = stmt(
        r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpc":"vpc-1","aws:PrincipalTag/team":"a"}}}"#,
    );
    assert_eq!(
        cond_allows(&p, &ctx(&[("aws:SourceVpc", "vpc-1")])),
        ImplicitlyDenied
    );
    assert_eq!(
        cond_allows(
            &p,
            &ctx(&[("aws:SourceVpc", "vpc-1"), ("aws:principaltag/TEAM", "a")])
        ),
        Allowed
    );
}

#[test]
fn r47_key_names_ignore_case() {
    let p = cond("IpAddress", "AWS:sourceip", r#""10.0.0.0/8""#);
    assert_eq!(
        cond_allows(&p, &ctx(&[("aws:SourceIp", "10.1.2.3")])),
        Allowed
    );
    let p = cond("stringequals", "aws:SourceVpc", r#""vpc-1""#);
    assert_eq!(
        cond_allows(&p, &ctx(&[("aws:sourcevpc", "vpc-1")])),
        Allowed
    );
}

#[test]
fn r48_string_operators() {
    let c = ctx(&[("aws:PrincipalTag/team", "App*")]);
    assert_eq!(
        cond_allows(
            &cond("StringEquals", "aws:PrincipalTag/team", r#""App*""#),
            &c
        ),
        Allowed
    );
    assert_eq!(
        cond_allows(
            &cond("StringEquals", "aws:PrincipalTag/team", r#""app*""#),
            &c
        ),
        ImplicitlyDenied
    );
    assert_eq!(
        cond_allows(
            &cond("StringEquals", "aws:PrincipalTag/team", r#""App""#),
            &c
        ),
        ImplicitlyDenied
    );
    assert_eq!(
        cond_allows(
            &cond(
                "StringEqualsIgnoreCase",
                "aws:PrincipalTag/team",
                r#""app*""#
            ),
            &c
        ),
        Allowed
    );
    assert_eq!(
        cond_allows(
            &cond(
                "StringNotEqualsIgnoreCase",
                "aws:PrincipalTag/team",
                r#""app*""#
            ),
            &c
        ),
        ImplicitlyDenied
    );
    assert_eq!(
        cond_allows(
            &cond("StringLike", "aws:PrincipalTag/team", r#""A?p*""#),
            &c
        ),
        Allowed
    );
    assert_eq!(
        cond_allows(&cond("StringLike", "aws:PrincipalTag/team", r#""a*""#), &c),
        ImplicitlyDenied
    );
    assert_eq!(
        cond_allows(
            &cond("StringNotLike", "aws:PrincipalTag/team", r#""a*""#),
            &c
        ),
        Allowed
    );
}

#[test]
fn r49_arn_operators_per_component() {
    let v =
        "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt";
    let c = ctx(&[("aws:SourceArn", v)]);
    let pat = r#""arn:aws:someservice:*:111122223333:finance/*""#;
    assert_eq!(
        cond_allows(&cond("ArnLike", "aws:SourceArn", pat), &c),
        ImplicitlyDenied
    );
    assert_eq!(
        cond_allows(&cond("StringLike", "aws:SourceArn", pat), &c),
        Allowed
    );
    assert_eq!(
        cond_allows(
            &cond(
                "ArnEquals",
                "aws:SourceArn",
                r#""arn:aws:someservice:*:999999999999:store/*""#
            ),
            &c
        ),
        Allowed
    );
    assert_eq!(
        cond_allows(
            &cond(
                "ArnNotLike",
                "aws:SourceArn",
                r#""arn:aws:someservice:*:999999999999:store/*""#
            ),
            &c
        ),
        ImplicitlyDenied
    );
}

#[test]
fn r50_numeric_date_bool_binary_ip() {
    let c = ctx(&[
        ("aws:MultiFactorAuthAge", "3600"),
        ("aws:TokenIssueTime", "2024-06-01T12:00:00Z"),
        ("aws:SecureTransport", "true"),
        ("aws:SourceIp", "2001:db8::1"),
        ("s3:x-amz-blob", "QUJD"),
    ]);
    let cases = [
        (
            "NumericLessThan",
            "aws:MultiFactorAuthAge",
            r#""7200""#,
            Allowed,
        ),
        (
            "NumericLessThan",
            "aws:MultiFactorAuthAge",
            "3600",
            ImplicitlyDenied,
        ),
        (
            "NumericLessThanEquals",
            "aws:MultiFactorAuthAge",
            "3600",
            Allowed,
        ),
        (
            "NumericGreaterThan",
            "aws:MultiFactorAuthAge",
            "100",
            Allowed,
        ),
        (
            "NumericGreaterThanEquals",
            "aws:MultiFactorAuthAge",
            "3601",
            ImplicitlyDenied,
        ),
        (
            "NumericEquals",
            "aws:MultiFactorAuthAge",
            r#""3600.0""#,
            Allowed,
        ),
        (
            "NumericNotEquals",
            "aws:MultiFactorAuthAge",
            "3600",
            ImplicitlyDenied,
        ),
        (
            "NumericEquals",
            "aws:MultiFactorAuthAge",
            r#""abc""#,
            ImplicitlyDenied,
        ),
        (
            "DateGreaterThan",
            "aws:TokenIssueTime",
            r#""2024-06-01""#,
            Allowed,
        ),
        (
            "DateLessThan",
            "aws:TokenIssueTime",
            r#""2024-06-01T13:00:00+02:00""#,
            ImplicitlyDenied,
        ),
        (
            "DateLessThan",
            "aws:TokenIssueTime",
            r#""2024-06-01T13:00:00+00:30""#,
            Allowed,
        ),
        (
            "DateEquals",
            "aws:TokenIssueTime",
            r#""1717243200""#,
            Allowed,
        ),
        (
            "DateNotEquals",
            "aws:TokenIssueTime",
            r#""2024-06-01T12:00:00.000Z""#,
            ImplicitlyDenied,
        ),
        (
            "DateGreaterThanEquals",
            "aws:TokenIssueTime",
            "1717243200",
            Allowed,
        ),
        (
            "DateLessThanEquals",
            "aws:TokenIssueTime",
            r#""2020-01-01""#,
            ImplicitlyDenied,
        ),
        ("Bool", "aws:SecureTransport", "true", Allowed),
        (
            "Bool",
            "aws:SecureTransport",
            r#""false""#,
            ImplicitlyDenied,
        ),
        ("BinaryEquals", "s3:x-amz-blob", r#""QUJD""#, Allowed),
        ("IpAddress", "aws:SourceIp", r#""2001:db8::/32""#, Allowed),
        (
            "IpAddress",
            "aws:SourceIp",
            r#""10.0.0.0/8""#,
            ImplicitlyDenied,
        ),
        (
            "NotIpAddress",
            "aws:SourceIp",
            r#"["10.0.0.0/8","2001:db9::/32"]"#,
            Allowed,
        ),
    ];
    for (op, key, values, want) in cases {
        assert_eq!(
            cond_allows(&cond(op, key, values), &c),
            want,
            "{op} {key} {values}"
        );
    }
    let v4 = ctx(&[("aws:SourceIp", "192.168.1.5")]);
    assert_eq!(
        cond_allows(&cond("IpAddress", "aws:SourceIp", r#""0.0.0.0/0""#), &v4),
        Allowed
    );
    assert_eq!(
        cond_allows(&cond("IpAddress", "aws:SourceIp", r#""192.168.1.5""#), &v4),
        Allowed
    );
    assert_eq!(
        cond_allows(
            &cond("NotIpAddress", "aws:SourceIp", r#""192.168.1.0/24""#),
            &v4
        ),
        ImplicitlyDenied
    );
}

#[test]
fn r51_missing_key_false_negated_true() {
    let none = Context::absent_by_default();
    assert_eq!(
        cond_allows(&cond("StringEquals", "aws:SourceVpc", r#""v""#), &none),
        ImplicitlyDenied
    );
    assert_eq!(
        cond_allows(&cond("StringNotLike", "aws:SourceVpc", r#""v""#), &none),
        Allowed
    );
    assert_eq!(
        cond_allows(&cond("ArnNotLike", "aws:SourceArn", r#""arn:*""#), &none),
        Allowed
    );
    assert_eq!(
        cond_allows(
            &cond("NumericLessThan", "aws:MultiFactorAuthAge", "1"),
            &none
        ),
        ImplicitlyDenied
    );
    // Deny + StringNotEquals + absent tag: the deny applies.
    let a = stmt(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#);
    let d = stmt(
        r#"{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalTag/team":"a"}}}"#,
    );
    assert_eq!(
        decide(&[&a, &d], "ecr:BatchGetImage", REPO),
        ExplicitlyDenied
    );
}

#[test]
fn r52_if_exists_true_when_absent() {
    let none = Context::absent_by_default();
    let p = cond("StringEqualsIfExists", "aws:SourceVpc", r#""v""#);
    assert_eq!(cond_allows(&p, &none), Allowed);
    assert_eq!(
        cond_allows(&p, &ctx(&[("aws:SourceVpc", "w")])),
        ImplicitlyDenied
    );
    assert_eq!(cond_allows(&p, &ctx(&[("aws:SourceVpc", "v")])), Allowed);
    let p = cond("NumericLessThanIfExists", "aws:MultiFactorAuthAge", "10");
    assert_eq!(cond_allows(&p, &none), Allowed);
}

#[test]
fn r53_null_tests_presence() {
    let none = Context::absent_by_default();
    let present = ctx(&[("aws:SourceVpc", "v")]);
    assert_eq!(
        cond_allows(&cond("Null", "aws:SourceVpc", r#""true""#), &none),
        Allowed
    );
    assert_eq!(
        cond_allows(&cond("Null", "aws:SourceVpc", r#""true""#), &present),
        ImplicitlyDenied
    );
    assert_eq!(
        cond_allows(&cond("Null", "aws:SourceVpc", "false"), &present),
        Allowed
    );
    assert_eq!(
        cond_allows(&cond("Null", "aws:SourceVpc", "false"), &none),
        ImplicitlyDenied
    );
}

#[test]
fn r54_set_operators() {
    let none = Context::absent_by_default();
    let multi = ctx(&[
        ("aws:CalledVia", "athena.amazonaws.com"),
        ("aws:CalledVia", "glue.amazonaws.com"),
    ]);
    let any = cond(
        "ForAnyValue:StringEquals",
        "aws:CalledVia",
        r#"["athena.amazonaws.com"]"#,
    );
    assert_eq!(cond_allows(&any, &multi), Allowed);
    assert_eq!(cond_allows(&any, &none), ImplicitlyDenied);
    let all = cond(
        "ForAllValues:StringEquals",
        "aws:CalledVia",
        r#"["athena.amazonaws.com"]"#,
    );
    assert_eq!(cond_allows(&all, &multi), ImplicitlyDenied);
    assert_eq!(cond_allows(&all, &none), Allowed);
    let all_like = cond(
        "ForAllValues:StringLike",
        "aws:CalledVia",
        r#""*.amazonaws.com""#,
    );
    assert_eq!(cond_allows(&all_like, &multi), Allowed);
    // Single-valued operators do not match a multi-valued key.
    let single = cond("StringEquals", "aws:CalledVia", r#""athena.amazonaws.com""#);
    assert_eq!(cond_allows(&single, &multi), ImplicitlyDenied);
    // A single value is a one-element set.
    let one = ctx(&[("aws:CalledVia", "athena.amazonaws.com")]);
    assert_eq!(cond_allows(&all, &one), Allowed);
}

#[test]
fn r56_bool_compares_true_false() {
    let p = cond("Bool", "aws:MultiFactorAuthPresent", r#""false""#);
    assert_eq!(
        cond_allows(&p, &ctx(&[("aws:MultiFactorAuthPresent", "false")])),
        Allowed
    );
    assert_eq!(
        cond_allows(&p, &Context::absent_by_default()),
        ImplicitlyDenied
    );
    let p = cond("BoolIfExists", "aws:MultiFactorAuthPresent", r#""false""#);
    assert_eq!(cond_allows(&p, &Context::absent_by_default()), Allowed);
}

// --- variables ---

#[test]
fn r57_variables_only_with_version_2012() {
    let res = "arn:aws:s3:::b/home/alice/x";
    let c = ctx(&[("aws:username", "alice")]);
    let with = stmt(
        r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/home/${aws:username}/*"}"#,
    );
    assert_eq!(decide_ctx(&[&with], "s3:GetObject", res, &c), Allowed);
    let without = policy(
        r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/home/${aws:username}/*"}]}"#,
    );
    assert_eq!(
        decide_ctx(&[&without], "s3:GetObject", res, &c),
        ImplicitlyDenied
    );
    assert_eq!(
        decide_ctx(
            &[&without],
            "s3:GetObject",
            "arn:aws:s3:::b/home/${aws:username}/x",
            &c
        ),
        Allowed
    );
    let old = policy(
        r#"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/home/${aws:username}/*"}]}"#,
    );
    assert_eq!(
        decide_ctx(&[&old], "s3:GetObject", res, &c),
        ImplicitlyDenied
    );
}

#[test]
fn r58_variables_only_in_resource_part() {
    let c = ctx(&[("aws:PrincipalAccount", "123456789012")]);
    let p = stmt(
        r#"{"Effect":"Allow","Action":"ecr:*","Resource":"arn:aws:ecr:us-east-1:${aws:PrincipalAccount}:repository/app"}"#,
    );
    assert_eq!(
        decide_ctx(&[&p], "ecr:BatchGetImage", REPO, &c),
        ImplicitlyDenied
    );
}

#[test]
fn r59_variable_without_value_matches_nothing() {
    let none = Context::absent_by_default();
    let p = stmt(
        r#"{"Effect":"Allow","Action":"ssm:*","Resource":"arn:aws:ssm:*:*:parameter/${aws:PrincipalTag/team}/*"}"#,
    );
    assert_eq!(
        decide_ctx(&[&p], "ssm:GetParameters", PARAM, &none),
        ImplicitlyDenied
    );
    assert_eq!(
        decide_ctx(
            &[&p],
            "ssm:GetParameters",
            PARAM,
            &ctx(&[("aws:PrincipalTag/team", "app")])
        ),
        Allowed
    );
    // NotResource: the entry excludes nothing.
    let n = stmt(
        r#"{"Effect":"Allow","Action":"ssm:*","NotResource":"arn:aws:ssm:*:*:parameter/${aws:PrincipalTag/team}/*"}"#,
    );
    assert_eq!(
        decide_ctx(&[&n], "ssm:GetParameters", PARAM, &none),
        Allowed
    );
    // Conditions: positive false, negated true.
    let pos = cond(
        "StringEquals",
        "aws:SourceVpc",
        r#""${aws:PrincipalTag/vpc}""#,
    );
    let neg = cond(
        "StringNotEquals",
        "aws:SourceVpc",
        r#""${aws:PrincipalTag/vpc}""#,
    );
    let c = ctx(&[("aws:SourceVpc", "v")]);
    assert_eq!(cond_allows(&pos, &c), ImplicitlyDenied);
    assert_eq!(cond_allows(&neg, &c), Allowed);
}

#[test]
fn r60_defaults_escapes_and_literal_values() {
    let p = stmt(
        r#"{"Effect":"Allow","Action":"ssm:*","Resource":"arn:aws:ssm:*:*:parameter/${aws:PrincipalTag/team, 'app'}/*"}"#,
    );
    assert_eq!(decide(&[&p], "ssm:GetParameters", PARAM), Allowed);
    let esc = stmt(
        r#"{"Effect":"Allow","Action":"ssm:*","Resource":"arn:aws:ssm:*:*:parameter/app/d${*}"}"#,
    );
    assert_eq!(
        decide(&[&esc], "ssm:GetParameters", PARAM),
        ImplicitlyDenied
    );
    assert_eq!(
        decide(
            &[&esc],
            "ssm:GetParameters",
            "arn:aws:ssm:us-east-1:1:parameter/app/d*"
        ),
        Allowed
    );
    // A `*` in a substituted value is literal.
    let like = cond(
        "StringLike",
        "aws:SourceVpc",
        r#""${aws:PrincipalTag/vpc}""#,
    );
    let c = ctx(&[
        ("aws:SourceVpc", "vpc-1"),
        ("aws:PrincipalTag/vpc", "vpc-*"),
    ]);
    assert_eq!(cond_allows(&like, &c), ImplicitlyDenied);
    let c = ctx(&[
        ("aws:SourceVpc", "vpc-*"),
        ("aws:PrincipalTag/vpc", "vpc-*"),
    ]);
    assert_eq!(cond_allows(&like, &c), Allowed);
}

#[test]
fn r61_username_absent_for_roles() {
    let p =
        stmt(r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*"}"#);
    assert_eq!(
        decide(&[&p], "s3:GetObject", "arn:aws:s3:::b/x/y"),
        ImplicitlyDenied
    );
}

// --- three-valued ---

#[test]
fn r62_unknown_key_gives_conditional() {
    let p = cond("StringEquals", "aws:SourceVpc", r#""v""#);
    let e = evaluate_ctx(
        &[&p],
        "ecr:BatchGetImage",
        REPO,
        &Context::unknown_by_default(),
    );
    assert_eq!(e.decision, Conditional);
    assert_eq!(e.unknowns.keys, vec!["aws:SourceVpc".to_string()]);
    assert_eq!(e.matched.len(), 1);
    assert!(!e.matched[0].certain);
}

#[test]
fn r63_kleene_logic() {
    let c = Context::unknown_by_default();
    let a = stmt(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#);
    let d = stmt(
        r#"{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpc":"v"}}}"#,
    );
    assert_eq!(
        decide_ctx(&[&a, &d], "ecr:BatchGetImage", REPO, &c),
        Conditional
    );
    // A false key makes an AND false even with unknowns.
    let mut c2 = Context::unknown_by_default();
    c2.set("aws:SourceIp", KeyState::Known(vec!["1.2.3.4".into()]));
    let p = stmt(
        r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpc":"v"},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}"#,
    );
    assert_eq!(
        decide_ctx(&[&p], "ecr:BatchGetImage", REPO, &c2),
        ImplicitlyDenied
    );
    // A certain deny wins over unknowns.
    let dd = stmt(r#"{"Effect":"Deny","Action":"ecr:*","Resource":"*"}"#);
    assert_eq!(
        decide_ctx(&[&a, &d, &dd], "ecr:BatchGetImage", REPO, &c),
        ExplicitlyDenied
    );
}

#[test]
fn r64_holes_in_resources_are_never_definite() {
    let res = Sym::partial(vec![
        Piece::Lit("arn:aws:secretsmanager:".into()),
        Piece::Hole("AWS::Region".into()),
        Piece::Lit(":123456789012:secret:prod/db-AbCdEf".into()),
    ]);
    let c = Context::absent_by_default();
    let run = |p: &Policy| {
        evaluate(
            &Layers {
                identity: &[p],
                ..Layers::default()
            },
            &Request {
                action: "secretsmanager:GetSecretValue",
                resource: &res,
                context: &c,
            },
        )
    };
    let any_region = stmt(
        r#"{"Effect":"Allow","Action":"secretsmanager:*","Resource":"arn:aws:secretsmanager:*:123456789012:secret:prod/*"}"#,
    );
    assert_eq!(run(&any_region).decision, Allowed);
    let one_region = stmt(
        r#"{"Effect":"Allow","Action":"secretsmanager:*","Resource":"arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/*"}"#,
    );
    let e = run(&one_region);
    assert_eq!(e.decision, Conditional);
    assert_eq!(e.unknowns.holes, vec!["AWS::Region".to_string()]);
    let other = stmt(
        r#"{"Effect":"Allow","Action":"secretsmanager:*","Resource":"arn:aws:secretsmanager:*:123456789012:secret:dev/*"}"#,
    );
    assert_eq!(run(&other).decision, ImplicitlyDenied);
    let deny = stmt(
        r#"{"Effect":"Deny","Action":"secretsmanager:*","Resource":"arn:aws:secretsmanager:us-east-1:123456789012:secret:*"}"#,
    );
    let both = [&any_region, &deny];
    let e = evaluate(
        &Layers {
            identity: &both,
            ..Layers::default()
        },
        &Request {
            action: "secretsmanager:GetSecretValue",
            resource: &res,
            context: &c,
        },
    );
    assert_eq!(e.decision, Conditional);
}

#[test]
fn r64_presence_makes_statement_unknown() {
    let mut p = stmt(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#);
    p.statements[0].presence = Some("Fn::If IsProd".into());
    let e = evaluate_ctx(
        &[&p],
        "ecr:BatchGetImage",
        REPO,
        &Context::absent_by_default(),
    );
    assert_eq!(e.decision, Conditional);
    assert_eq!(e.unknowns.presence, vec!["Fn::If IsProd".to_string()]);
}

#[test]
fn matched_lists_deciding_statements() {
    let a = stmt(
        r#"{"Effect":"Allow","Action":"ecr:*","Resource":"*"},{"Effect":"Allow","Action":"logs:*","Resource":"*"},{"Effect":"Deny","Action":"ecr:PutImage","Resource":"*"}"#,
    );
    let res = Sym::from(REPO);
    let c = Context::absent_by_default();
    let run = |action| {
        evaluate(
            &Layers {
                identity: &[&a],
                ..Layers::default()
            },
            &Request {
                action,
                resource: &res,
                context: &c,
            },
        )
    };
    let e = run("ecr:BatchGetImage");
    assert_eq!(
        e.matched.iter().map(|m| m.statement).collect::<Vec<_>>(),
        vec![0]
    );
    let e = run("ecr:PutImage");
    assert_eq!(e.decision, ExplicitlyDenied);
    assert_eq!(
        e.matched.iter().map(|m| m.statement).collect::<Vec<_>>(),
        vec![2]
    );
    assert!(run("s3:GetObject").matched.is_empty());
}

fn decide_layers(layers: &Layers, action: &str, resource: &str) -> ecslint::iam::Evaluation {
    let res = Sym::from(resource);
    let ctx = Context::absent_by_default();
    evaluate(
        layers,
        &Request {
            action,
            resource: &res,
            context: &ctx,
        },
    )
}

#[test]
fn r39_cross_account_needs_the_other_accounts_resource_policy_too() {
    let a = stmt(r#"{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"*"}"#);
    let secret = "arn:aws:secretsmanager:eu-west-1:999999999999:secret:shared-AbCdEf";
    let same = decide_layers(
        &Layers {
            identity: &[&a],
            ..Layers::default()
        },
        "secretsmanager:GetSecretValue",
        secret,
    );
    assert_eq!(same.decision, Allowed);
    let cross = decide_layers(
        &Layers {
            identity: &[&a],
            cross_account: Some("the resource policy in account 999999999999"),
            ..Layers::default()
        },
        "secretsmanager:GetSecretValue",
        secret,
    );
    assert_eq!(cross.decision, Conditional);
    assert!(
        cross
            .unknowns
            .presence
            .iter()
            .any(|p| p.contains("999999999999"))
    );
    // Without an identity grant, the other account's policy cannot help: still denied.
    let none = decide_layers(
        &Layers {
            identity: &[],
            cross_account: Some("the resource policy in account 999999999999"),
            ..Layers::default()
        },
        "secretsmanager:GetSecretValue",
        secret,
    );
    assert_eq!(none.decision, ImplicitlyDenied);
}

#[test]
fn r42_scps_are_not_an_input_so_identity_decides() {
    // SCPs are out of scope unless supplied; no SCP layer exists, so nothing caps an Allow.
    let a = stmt(r#"{"Effect":"Allow","Action":"ssm:GetParameters","Resource":"*"}"#);
    assert_eq!(
        decide(
            &[&a],
            "ssm:GetParameters",
            "arn:aws:ssm:eu-west-1:123456789012:parameter/x"
        ),
        Allowed
    );
}

#[test]
fn r43_no_session_policy_is_passed_for_the_execution_role() {
    // ECS passes no session policy when it assumes the execution role: only identity and boundary count.
    let a = stmt(r#"{"Effect":"Allow","Action":"logs:PutLogEvents","Resource":"*"}"#);
    let b = stmt(r#"{"Effect":"Allow","Action":"logs:*","Resource":"*"}"#);
    assert_eq!(
        with_boundary(
            &[&a],
            &[&b],
            "logs:PutLogEvents",
            "arn:aws:logs:eu-west-1:123456789012:log-group:g:log-stream:s"
        ),
        Allowed
    );
}

#[test]
fn r44_root_and_service_linked_rules_do_not_apply_to_a_role() {
    // No implicit allow for a role: an empty policy set denies even harmless actions.
    assert_eq!(
        decide(&[], "ecr:GetAuthorizationToken", "*"),
        ImplicitlyDenied
    );
}
