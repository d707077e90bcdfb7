//! The pre-commit hook, run by the real pre-commit (from PyPI) in a temporary git
//! repository.
//!
//! pre-commit is installed once into `target/tools/pre-commit-venv` (the only
//! network use: PyPI, through pip); the test skips with a message when that fails.
//!
//! The hook under test is the shipped `.pre-commit-hooks.yaml` entry (its `entry`
//! arguments, `types_or`, `files`, `require_serial`) as a `repo: local`,
//! `language: system` hook whose command is the ecslint this test suite built. The
//! real `language: rust` hook (`repo:` this repository at its HEAD commit) makes
//! pre-commit compile ecslint in release mode (LTO, one codegen unit) into its
//! cache: 204 s here on two cores (it passed), too slow for every `cargo test`. It runs when
//! `ECSLINT_TEST_PRE_COMMIT_RUST=1` is set.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use ecslint::parse::Node;

const PRE_COMMIT: &str = "pre-commit==4.7.0";

/// A failing task definition: it reads a secret but has no execution role (ECS010).
const FAILING: &str = r#"{
  "family": "bad",
  "containerDefinitions": [
    {
      "name": "app",
      "image": "nginx:1.27",
      "secrets": [{"name": "DB", "valueFrom": "arn:aws:ssm:eu-west-1:123456789012:parameter/db"}]
    }
  ]
}
"#;

/// A passing one: nothing needs an execution role.
const PASSING: &str = r#"{
  "family": "good",
  "containerDefinitions": [{"name": "app", "image": "nginx:1.27"}]
}
"#;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The venv's `pre-commit`, installing it on first use; `None` when that is impossible.
fn pre_commit() -> Option<PathBuf> {
    // Tests run in parallel: one installation at a time.
    static INSTALL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = INSTALL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let venv = root().join("target/tools/pre-commit-venv");
    let exe = venv.join("bin/pre-commit");
    if exe.is_file() {
        return Some(exe);
    }
    let python = ["python3", "python"].into_iter().find(|p| {
        Command::new(p)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })?;
    let ok = Command::new(python)
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .is_ok_and(|s| s.success())
        && Command::new(venv.join("bin/python"))
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                PRE_COMMIT,
            ])
            .status()
            .is_ok_and(|s| s.success());
    if !ok {
        let _ = fs::remove_dir_all(&venv);
        return None;
    }
    exe.is_file().then_some(exe)
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn run_hook(pre_commit: &Path, dir: &Path, home: &Path, files: &[&str]) -> Output {
    Command::new(pre_commit)
        .current_dir(dir)
        .env("PRE_COMMIT_HOME", home)
        .env("NO_COLOR", "1")
        .args(["run", "--color", "never", "--verbose", "--files"])
        .args(files)
        .output()
        .unwrap()
}

/// The shipped hook's fields, as YAML flow text for a `repo: local` hook.
fn shipped_hook() -> (String, Vec<String>, String, String) {
    let text = fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap();
    let doc = ecslint::parse::yaml::parse(&text).unwrap();
    let hook = &doc.as_array().unwrap()[0];
    let s = |k: &str| hook.get(k).and_then(Node::as_str).unwrap().to_string();
    let types: Vec<String> = hook
        .get("types_or")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap().to_string())
        .collect();
    (s("entry"), types, s("files"), s("id"))
}

fn setup_repo(dir: &Path, hook_yaml: &str, exclude: bool) {
    git(dir, &["init", "-q"]);
    git(dir, &["config", "user.email", "t@example.com"]);
    git(dir, &["config", "user.name", "t"]);
    fs::write(dir.join(".pre-commit-config.yaml"), hook_yaml).unwrap();
    let config = if exclude {
        "exclude = [\"package.json\"]\n"
    } else {
        ""
    };
    fs::write(dir.join("ecslint.toml"), config).unwrap();
    fs::create_dir_all(dir.join("ecs")).unwrap();
    fs::write(dir.join("ecs/bad.json"), FAILING).unwrap();
    fs::write(dir.join("ecs/good.json"), PASSING).unwrap();
    fs::write(
        dir.join("package.json"),
        "{\"name\": \"web\", \"version\": \"1.0.0\"}\n",
    )
    .unwrap();
    fs::write(dir.join("notes.txt"), "not json\n").unwrap();
    git(dir, &["add", "-A"]);
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn local_hook_config() -> String {
    let (entry, types, files, id) = shipped_hook();
    let (cmd, args) = entry.split_once(' ').unwrap();
    assert_eq!(cmd, "ecslint");
    let exe = PathBuf::from(env!("CARGO_BIN_EXE_ecslint"));
    format!(
        "repos:\n  - repo: local\n    hooks:\n      - id: {id}\n        name: ecslint\n        language: system\n        entry: \"{} {args}\"\n        types_or: [{}]\n        files: '{files}'\n        require_serial: true\n",
        exe.display(),
        types.join(", ")
    )
}

#[test]
fn pre_commit_runs_the_hook() {
    let Some(pc) = pre_commit() else {
        eprintln!(
            "SKIPPED: could not install {PRE_COMMIT} from PyPI into target/tools/pre-commit-venv"
        );
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let repo = tempfile::tempdir().unwrap();
    setup_repo(repo.path(), &local_hook_config(), true);

    // The failing task definition fails the hook, with ecslint's finding in the output.
    let out = run_hook(
        &pc,
        repo.path(),
        home.path(),
        &["ecs/bad.json", "ecs/good.json", "package.json", "notes.txt"],
    );
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(all.contains("Failed"), "{all}");
    assert!(all.contains("ECS010"), "{all}");
    assert!(all.contains("ecs/bad.json"), "{all}");
    // package.json is passed (types json) but excluded by ecslint.toml + --force-exclude;
    // notes.txt is not passed at all.
    assert!(!all.contains("package.json"), "{all}");
    assert!(!all.contains("notes.txt"), "{all}");

    // The passing one passes.
    let out = run_hook(
        &pc,
        repo.path(),
        home.path(),
        &["ecs/good.json", "package.json"],
    );
    let all = text(&out);
    assert_eq!(out.status.code(), Some(0), "{all}");
    assert!(all.contains("Passed"), "{all}");
}

#[test]
fn without_the_exclude_package_json_is_reported() {
    // The control for the test above: the exclude is what keeps package.json quiet.
    let Some(pc) = pre_commit() else {
        eprintln!(
            "SKIPPED: could not install {PRE_COMMIT} from PyPI into target/tools/pre-commit-venv"
        );
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let repo = tempfile::tempdir().unwrap();
    setup_repo(repo.path(), &local_hook_config(), false);
    let out = run_hook(
        &pc,
        repo.path(),
        home.path(),
        &["ecs/good.json", "package.json"],
    );
    let all = text(&out);
    assert!(
        all.contains("package.json") && all.contains("ECS003"),
        "{all}"
    );
}

/// The real `language: rust` hook from this repository (slow: builds ecslint).
#[test]
fn language_rust_hook_from_this_repository() {
    if std::env::var_os("ECSLINT_TEST_PRE_COMMIT_RUST").is_none() {
        eprintln!(
            "SKIPPED: set ECSLINT_TEST_PRE_COMMIT_RUST=1 to build and run the `language: rust` hook (minutes)"
        );
        return;
    }
    let Some(pc) = pre_commit() else {
        eprintln!(
            "SKIPPED: could not install {PRE_COMMIT} from PyPI into target/tools/pre-commit-venv"
        );
        return;
    };
    let head = Command::new("git")
        .current_dir(root())
        .args(["rev-parse", "HEAD"])
        .output()
        .unwrap();
    let rev = String::from_utf8(head.stdout).unwrap().trim().to_string();
    let config = format!(
        "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: ecslint\n",
        root().display()
    );
    let home = tempfile::tempdir().unwrap();
    let repo = tempfile::tempdir().unwrap();
    setup_repo(repo.path(), &config, true);
    let out = run_hook(
        &pc,
        repo.path(),
        home.path(),
        &["ecs/bad.json", "package.json"],
    );
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(
        all.contains("ECS010") && !all.contains("package.json"),
        "{all}"
    );
    let out = run_hook(
        &pc,
        repo.path(),
        home.path(),
        &["ecs/good.json", "package.json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}
