//! The full check against reading and parsing alone, on the same files and
//! threads, timed alternately (issue 7: "within 3 times the time of only parsing
//! the same bytes"). `cargo bench --bench check` has both as criterion
//! benchmarks, but times one after the other: on a shared machine a change of
//! load between the two moves their ratio by a quarter. Here every round times
//! a batch of each, back to back and in alternating order, and the median of
//! the rounds' ratios is printed with its quartiles.
//!
//! `cargo bench --bench ratio [ROUNDS]` (default 41).
#![allow(clippy::unwrap_used)] // a benchmark of generated, valid inputs
#![allow(clippy::print_stdout)] // its report is what it prints

#[path = "support/corpus.rs"]
mod corpus;
#[path = "support/setup.rs"]
mod setup;

use std::hint::black_box;
use std::time::{Duration, Instant};

use ecslint::check::{Settings, run};
use ecslint::input::walk::Candidate;
use setup::{cloudformation_200, one_task_definition, parse_all, settings};

/// How long one batch of parse-only runs should take at least.
const BATCH: Duration = Duration::from_millis(20);

fn time(n: u32, mut f: impl FnMut() -> usize) -> Duration {
    let start = Instant::now();
    for _ in 0..n {
        black_box(f());
    }
    start.elapsed()
}

/// The `q`-quantile (0..=1) of sorted values, by nearest rank.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let i = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[i]
}

fn measure(name: &str, files: &[Candidate], s: &Settings, rounds: usize) {
    let parse = || parse_all(files);
    let check = || run(files, s).0.diagnostics.len();
    // Warm up (caches, the thread pool, the catalogue memos), then size a batch.
    time(20, parse);
    time(20, check);
    let mut n = 1u32;
    while time(n, parse) < BATCH && n < 1 << 20 {
        n *= 2;
    }
    let (mut ratios, mut parse_us, mut check_us) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let (p, c) = if round % 2 == 0 {
            let p = time(n, parse);
            (p, time(n, check))
        } else {
            let c = time(n, check);
            (time(n, parse), c)
        };
        ratios.push(c.as_secs_f64() / p.as_secs_f64());
        parse_us.push(p.as_secs_f64() * 1e6 / f64::from(n));
        check_us.push(c.as_secs_f64() * 1e6 / f64::from(n));
    }
    for v in [&mut ratios, &mut parse_us, &mut check_us] {
        v.sort_by(f64::total_cmp);
    }
    println!(
        "{name}: check / parse {:.2}x (quartiles {:.2}x-{:.2}x, {rounds} rounds of {n}); parse {:.1} us, check {:.1} us (medians)",
        quantile(&ratios, 0.5),
        quantile(&ratios, 0.25),
        quantile(&ratios, 0.75),
        quantile(&parse_us, 0.5),
        quantile(&check_us, 0.5),
    );
}

fn main() {
    // `cargo bench` passes `--bench`; a number among the arguments is the round count.
    let rounds = std::env::args()
        .skip(1)
        .find_map(|a| a.parse::<usize>().ok())
        .unwrap_or(41)
        .max(1);
    let s = settings();
    let (_one_dir, one) = one_task_definition();
    measure("one_task_definition", &one, &s, rounds);
    let (_cfn_dir, cfn) = cloudformation_200();
    measure("cloudformation_200", &cfn, &s, rounds);
}
