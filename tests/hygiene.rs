//! ECS204 never echoes a secret value, in any output format. (The hygiene rules'
//! fixtures run through `tests/fixtures.rs` and their doc examples through
//! `tests/docs.rs`, like every other rule's.)

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

#[test]
fn plaintext_secret_values_never_appear_in_any_output() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/ECS204-plaintext-secret/fail/api-key-token-and-secret-key");
    for format in [
        "human",
        "json",
        "gcc",
        "sarif",
        "github",
        "junit",
        "checkstyle",
    ] {
        let out = Command::new(assert_cmd::cargo::cargo_bin!("ecslint"))
            .current_dir(&dir)
            .args([
                "check",
                "--no-config",
                "--select",
                "ECS204",
                "--format",
                format,
                "task-definition.json",
            ])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("STRIPE_API_KEY"), "{format}: {text}");
        for secret in ["sk_live_abcdef", "ghp_abcdef", "wJalrXUtnFEMI"] {
            assert!(!text.contains(secret), "{format} echoes a secret: {text}");
        }
    }
}
