//! Runs over a generated corpus (benches/support/corpus.rs): the output is the
//! same byte for byte whatever the thread count, and without a network.
#![allow(clippy::unwrap_used, clippy::print_stderr)] // test helpers

#[path = "../benches/support/corpus.rs"]
mod corpus;

use std::path::Path;
use std::process::{Command, Output};

const ARGS: [&str; 8] = [
    "check",
    "--no-config",
    "--region",
    "us-east-1",
    "--account",
    "123456789012",
    "--format",
    "json",
];

fn corpus_dir(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    corpus::write(&dir.path().join("corpus"), 7, n).unwrap();
    dir
}

fn check(dir: &Path, threads: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ecslint"))
        .current_dir(dir)
        .args(ARGS)
        .arg("corpus")
        .env("RAYON_NUM_THREADS", threads)
        .output()
        .unwrap()
}

#[test]
fn output_is_identical_whatever_the_thread_count() {
    let dir = corpus_dir(250);
    let one = check(dir.path(), "1");
    assert_eq!(
        one.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&one.stderr)
    );
    let text = String::from_utf8_lossy(&one.stdout);
    // The corpus has findings of several rules, so the order is really exercised.
    for code in ["ECS101", "ECS012"] {
        assert!(text.contains(code), "no {code} in the corpus output");
    }
    for threads in ["2", "4"] {
        let other = check(dir.path(), threads);
        assert_eq!(other.status.code(), Some(1));
        assert!(
            one.stdout == other.stdout,
            "output differs between 1 and {threads} threads"
        );
        assert_eq!(one.stderr, other.stderr);
    }
}

#[test]
fn the_corpus_is_deterministic() {
    assert_eq!(corpus::file(3, 12), corpus::file(3, 12));
    assert_ne!(corpus::file(3, 10).1, corpus::file(4, 10).1);
    let names: Vec<String> = (0..5).map(|k| corpus::file(1, k).0).collect();
    assert_eq!(
        names,
        [
            "d000/app0-taskdef.json",
            "d000/app0-role.json",
            "d000/app0-role-policy.json",
            "d000/app0-stack.json",
            "d000/app0-plan.json"
        ]
    );
}

/// No network: the same run inside a fresh network namespace (`unshare -n`,
/// which needs root or user namespaces) gives the same bytes.
#[test]
fn output_is_the_same_without_a_network() {
    let dir = corpus_dir(50);
    let probe = Command::new("unshare").args(["-n", "true"]).output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!(
            "skipped: `unshare -n` is not available here (needs util-linux and root or user namespaces)"
        );
        return;
    }
    let with = check(dir.path(), "2");
    let without = Command::new("unshare")
        .current_dir(dir.path())
        .arg("-n")
        .arg(env!("CARGO_BIN_EXE_ecslint"))
        .args(ARGS)
        .arg("corpus")
        .env("RAYON_NUM_THREADS", "2")
        .output()
        .unwrap();
    assert_eq!(without.status.code(), with.status.code());
    assert!(!with.stdout.is_empty());
    assert!(
        with.stdout == without.stdout,
        "output differs without a network"
    );
    assert_eq!(with.stderr, without.stderr);
}
