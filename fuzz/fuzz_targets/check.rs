//! Fuzz target `check`: the whole pipeline; see `ecslint_fuzz::harness::check`.
#![no_main]

use std::sync::OnceLock;

use ecslint_fuzz::harness::Workdir;

static DIR: OnceLock<Workdir> = OnceLock::new();

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let dir = DIR.get_or_init(|| Workdir::new().expect("a scratch directory for the check target"));
    ecslint_fuzz::harness::check(data, dir);
});
