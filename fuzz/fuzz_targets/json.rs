//! Fuzz target `json`: see `ecslint_fuzz::harness::json`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    ecslint_fuzz::harness::json(data);
});
