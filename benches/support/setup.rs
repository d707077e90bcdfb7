//! What the `check` and `ratio` benchmarks share: the run's settings, the
//! inputs (written from the generated corpus into temporary directories) and
//! the parse-only pass that a full check is compared with.
#![allow(dead_code)] // each benchmark uses its own share of these

use std::path::Path;

use ecslint::check::Settings;
use ecslint::input::read;
use ecslint::input::walk::{Candidate, Excludes, collect};
use tempfile::TempDir;

use super::corpus;

// The allocator the `ecslint` binary ships with (src/main.rs), so that both
// parse and check are timed as users run them.
#[cfg(not(windows))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;
#[cfg(windows)]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub(crate) fn settings() -> Settings {
    Settings {
        region: Some("us-east-1".to_string()),
        account: Some("123456789012".to_string()),
        ..Settings::default()
    }
}

pub(crate) fn candidates(dir: &Path) -> Vec<Candidate> {
    let (c, errors) = collect(&[dir.to_path_buf()], &Excludes::default(), false);
    assert!(errors.is_empty());
    c
}

/// Reads and parses every file, in parallel like `check` (below 4 files, on this thread, as `check` does).
pub(crate) fn parse_all(c: &[Candidate]) -> usize {
    use rayon::prelude::*;
    let parse = |c: &Candidate| usize::from(read::read(c).unwrap().tree.is_ok());
    if c.len() < 4 {
        c.iter().map(parse).sum()
    } else {
        c.par_iter().map(parse).sum()
    }
}

/// One task definition with its role (`get-role` and `get-role-policy`): 3 files.
pub(crate) fn one_task_definition() -> (TempDir, Vec<Candidate>) {
    let dir = tempfile::tempdir().unwrap();
    corpus::write(dir.path(), 1, 3).unwrap();
    let c = candidates(dir.path());
    assert_eq!(c.len(), 3);
    (dir, c)
}

/// 200 CloudFormation templates, half JSON and half YAML.
pub(crate) fn cloudformation_200() -> (TempDir, Vec<Candidate>) {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in corpus::templates(1, 200) {
        std::fs::write(dir.path().join(name.replace('/', "-")), text).unwrap();
    }
    let c = candidates(dir.path());
    assert_eq!(c.len(), 200);
    (dir, c)
}

/// 1,000 files of the mixed corpus.
pub(crate) fn corpus_1000() -> (TempDir, Vec<Candidate>) {
    let dir = tempfile::tempdir().unwrap();
    corpus::write(dir.path(), 1, 1000).unwrap();
    let c = candidates(dir.path());
    (dir, c)
}
