//! Fuzz target `yaml`: see `ecslint_fuzz::harness::yaml`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    ecslint_fuzz::harness::yaml(data);
});
