//! Benchmark of one `simulate` evaluation: parse + load + evaluate, and evaluate only.
#![allow(clippy::unwrap_used)] // a benchmark of a fixed, valid policy

use criterion::{Criterion, criterion_group, criterion_main};
use ecslint::iam::matcher::{Pattern, RequestText};
use ecslint::iam::{Context, KeyState, Layers, Request, evaluate};
use ecslint::model::Sym;
use ecslint::model::policy::load_policy;
use ecslint::parse::Piece;
use ecslint::parse::json;
use std::hint::black_box;

const POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
    {"Effect": "Allow", "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
     "Resource": "arn:aws:ecr:us-east-1:123456789012:repository/app/*"},
    {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
     "Resource": "arn:aws:logs:*:123456789012:log-group:/ecs/app:*"},
    {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
     "Resource": "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/${aws:PrincipalTag/team}-??????"},
    {"Effect": "Deny", "NotAction": ["ecr:*", "logs:*", "secretsmanager:*"], "Resource": "*",
     "Condition": {"StringNotEquals": {"aws:PrincipalTag/team": "app"}, "BoolIfExists": {"aws:SecureTransport": "true"}}}
  ]
}"#;

fn bench(c: &mut Criterion) {
    let resource =
        Sym::from("arn:aws:logs:us-east-1:123456789012:log-group:/ecs/app:log-stream:ecs/web/abc");
    let ctx = Context::from_pairs([("aws:PrincipalTag/team", "app")], KeyState::Absent);
    c.bench_function("parse_and_evaluate", |b| {
        b.iter(|| {
            let node = json::parse(black_box(POLICY)).unwrap();
            let policy = load_policy(&node, None, "", "p", None);
            let identity = [&policy];
            let layers = Layers {
                identity: &identity,
                ..Layers::default()
            };
            let request = Request {
                action: "logs:PutLogEvents",
                resource: &resource,
                context: &ctx,
            };
            black_box(evaluate(&layers, &request).decision)
        });
    });
    let node = json::parse(POLICY).unwrap();
    let policy = load_policy(&node, None, "", "p", None);
    let identity = [&policy];
    let layers = Layers {
        identity: &identity,
        ..Layers::default()
    };
    c.bench_function("evaluate_only", |b| {
        b.iter(|| {
            let request = Request {
                action: black_box("logs:PutLogEvents"),
                resource: &resource,
                context: &ctx,
            };
            black_box(evaluate(&layers, &request).decision)
        });
    });
}

/// The resource matcher alone: the common shapes against a known request and one with a hole.
fn matcher(c: &mut Criterion) {
    let holed = Sym::partial(vec![
        Piece::Lit(
            "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/app1:log-stream:c1/c1/".into(),
        ),
        Piece::Hole("TaskId".into()),
    ]);
    let known = Sym::from(
        "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/app1:log-stream:c1/c1/0123456789abcdef",
    );
    let patterns = [
        (
            "prefix",
            "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/app1:*",
        ),
        (
            "segments",
            "arn:aws:logs:*:123456789012:log-group:/ecs/app1:*",
        ),
        (
            "glob",
            "arn:aws:logs:us-east-?:123456789012:log-group:/ecs/app*:*",
        ),
        (
            "exact",
            "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/app2",
        ),
    ];
    let mut group = c.benchmark_group("matcher");
    for (name, p) in patterns {
        let pattern = Pattern::resource(p);
        for (text_name, text) in [("known", &known), ("hole", &holed)] {
            let text = RequestText::new(text);
            group.bench_function(format!("{name}/{text_name}"), |b| {
                b.iter(|| black_box(pattern.matches_request(black_box(&text))));
            });
        }
    }
    group.bench_function("request_text/hole", |b| {
        b.iter(|| black_box(RequestText::new(black_box(&holed))));
    });
    group.bench_function("compile", |b| {
        b.iter(|| black_box(Pattern::resource(black_box(patterns[0].1))));
    });
    group.finish();
}

criterion_group!(benches, bench, matcher);
criterion_main!(benches);
