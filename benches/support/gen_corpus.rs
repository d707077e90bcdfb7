//! `cargo run --release --example gen-corpus -- DIR N [SEED]`: writes `N` files of
//! the deterministic benchmark corpus (see `benches/support/corpus.rs`) under `DIR`.
#![allow(clippy::print_stderr, reason = "a command-line tool")]

#[path = "corpus.rs"]
mod corpus;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(dir), Some(n)) = (args.first(), args.get(1).and_then(|n| n.parse().ok())) else {
        eprintln!("usage: gen-corpus DIR N [SEED]");
        return ExitCode::from(2);
    };
    let seed = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);
    match corpus::write(std::path::Path::new(dir), seed, n) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen-corpus: {e}");
            ExitCode::from(1)
        }
    }
}
