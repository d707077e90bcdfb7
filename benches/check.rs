//! Benchmarks of `check` through the library, on the generated corpus
//! (benches/support/corpus.rs):
//! - one task definition with its role (`get-role` + `get-role-policy`): parse only vs full check;
//! - 200 CloudFormation templates (half JSON, half YAML): parse only vs full check;
//! - 1,000 files of the mixed corpus: full check.
//!
//! Criterion times parse and check one after the other, so their ratio moves
//! with the machine's load; `cargo bench --bench ratio` times them alternately.
#![allow(clippy::unwrap_used)] // a benchmark of generated, valid inputs

#[path = "support/corpus.rs"]
mod corpus;
#[path = "support/setup.rs"]
mod setup;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ecslint::check::run;
use setup::{cloudformation_200, corpus_1000, one_task_definition, parse_all, settings};

fn bench(c: &mut Criterion) {
    let s = settings();

    // One task definition and its role.
    let (_one_dir, one) = one_task_definition();
    let mut g = c.benchmark_group("one_task_definition");
    g.bench_function("parse", |b| b.iter(|| black_box(parse_all(&one))));
    g.bench_function("check", |b| {
        b.iter(|| black_box(run(&one, &s).0.diagnostics.len()));
    });
    g.finish();

    // 200 CloudFormation templates.
    let (_cfn_dir, cfn) = cloudformation_200();
    let mut g = c.benchmark_group("cloudformation_200");
    g.sample_size(20);
    g.bench_function("parse", |b| b.iter(|| black_box(parse_all(&cfn))));
    g.bench_function("check", |b| {
        b.iter(|| black_box(run(&cfn, &s).0.diagnostics.len()));
    });
    g.finish();

    // 1,000 files of the mixed corpus.
    let (_mixed_dir, mixed) = corpus_1000();
    let mut g = c.benchmark_group("corpus_1000");
    g.sample_size(10);
    g.bench_function("check", |b| {
        b.iter(|| black_box(run(&mixed, &s).0.diagnostics.len()));
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
