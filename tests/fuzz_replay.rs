//! Replays the committed fuzz corpora (`fuzz/corpus/<target>/`) through the same
//! harness the libFuzzer targets run (`fuzz/src/harness.rs`, included by path), so
//! every input the fuzzer kept stays panic-free and keeps its span invariants on
//! every `cargo test`, without nightly or cargo-fuzz. See `fuzz/README.md`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

#[path = "../fuzz/src/harness.rs"]
#[allow(unreachable_pub, dead_code)]
mod harness;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

fn corpus(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

fn payload(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(ToString::to_string)
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}

/// Runs `f` over every file of the target's corpus; fails naming each input that panicked.
fn replay(target: &str, min_files: usize, mut f: impl FnMut(&[u8])) {
    let files = corpus(target);
    assert!(
        files.len() >= min_files,
        "fuzz/corpus/{target} has {} files, expected at least {min_files}",
        files.len()
    );
    let mut failures = Vec::new();
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        if let Err(p) = catch_unwind(AssertUnwindSafe(|| f(&bytes))) {
            failures.push(format!("{}: {}", path.display(), payload(p.as_ref())));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} {target} inputs failed:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

#[test]
fn json_corpus_parses_without_panic_and_spans_hold() {
    replay("json", 20, harness::json);
}

#[test]
fn yaml_corpus_parses_without_panic_and_spans_hold() {
    replay("yaml", 20, harness::yaml);
}

#[test]
fn terraform_plan_corpus_reads_without_panic_and_spans_hold() {
    replay("terraform_plan", 10, harness::terraform_plan);
}

#[test]
fn check_corpus_runs_the_whole_pipeline_without_panic() {
    let dir = harness::Workdir::new().unwrap();
    replay("check", 20, |data| harness::check(data, &dir));
}

/// The harness itself must be able to fail: a tree whose span runs past the text.
#[test]
fn harness_rejects_a_span_outside_the_text() {
    use ecslint::parse::{Node, Span, Value};
    let node = Node::new(Value::Null, Span::new(0, 10));
    let caught = catch_unwind(|| harness::check_tree(&node, "null", true));
    assert!(caught.is_err());
    harness::check_tree(&Node::new(Value::Null, Span::new(0, 4)), "null", true);
}
