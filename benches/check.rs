//! Benchmarks of `check` through the library, on the generated corpus
//! (benches/support/corpus.rs):
//! - one task definition with its role (`get-role` + `get-role-policy`): parse only vs full check;
//! - 200 CloudFormation templates (half JSON, half YAML): parse only vs full check;
//! - 1,000 files of the mixed corpus: full check.
#![allow(clippy::unwrap_used)] // a benchmark of generated, valid inputs

#[path = "support/corpus.rs"]
mod corpus;

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use ecslint::check::{Settings, run};
use ecslint::input::read;
use ecslint::input::walk::{Candidate, Excludes, collect};

// The allocator the `ecslint` binary ships with (src/main.rs), so that both
// parse and check are timed as users run them.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn settings() -> Settings {
    Settings {
        region: Some("us-east-1".to_string()),
        account: Some("123456789012".to_string()),
        ..Settings::default()
    }
}

fn candidates(dir: &Path) -> Vec<Candidate> {
    let (c, errors) = collect(&[dir.to_path_buf()], &Excludes::default(), false);
    assert!(errors.is_empty());
    c
}

/// Reads and parses every file, in parallel like `check` (below 4 files, on this thread, as `check` does).
fn parse_all(c: &[Candidate]) -> usize {
    use rayon::prelude::*;
    let parse = |c: &Candidate| usize::from(read::read(c).unwrap().tree.is_ok());
    if c.len() < 4 {
        c.iter().map(parse).sum()
    } else {
        c.par_iter().map(parse).sum()
    }
}

fn bench(c: &mut Criterion) {
    let s = settings();

    // One task definition and its role.
    let one = tempfile::tempdir().unwrap();
    corpus::write(one.path(), 1, 3).unwrap();
    let one = candidates(one.path());
    assert_eq!(one.len(), 3);
    let mut g = c.benchmark_group("one_task_definition");
    g.bench_function("parse", |b| b.iter(|| black_box(parse_all(&one))));
    g.bench_function("check", |b| {
        b.iter(|| black_box(run(&one, &s).0.diagnostics.len()));
    });
    g.finish();

    // 200 CloudFormation templates.
    let cfn = tempfile::tempdir().unwrap();
    for (name, text) in corpus::templates(1, 200) {
        let path = cfn.path().join(name.replace('/', "-"));
        std::fs::write(path, text).unwrap();
    }
    let cfn = candidates(cfn.path());
    assert_eq!(cfn.len(), 200);
    let mut g = c.benchmark_group("cloudformation_200");
    g.sample_size(20);
    g.bench_function("parse", |b| b.iter(|| black_box(parse_all(&cfn))));
    g.bench_function("check", |b| {
        b.iter(|| black_box(run(&cfn, &s).0.diagnostics.len()));
    });
    g.finish();

    // 1,000 files of the mixed corpus.
    let mixed = tempfile::tempdir().unwrap();
    corpus::write(mixed.path(), 1, 1000).unwrap();
    let mixed = candidates(mixed.path());
    let mut g = c.benchmark_group("corpus_1000");
    g.sample_size(10);
    g.bench_function("check", |b| {
        b.iter(|| black_box(run(&mixed, &s).0.diagnostics.len()));
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
