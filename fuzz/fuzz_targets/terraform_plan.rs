//! Fuzz target `terraform_plan`: see `ecslint_fuzz::harness::terraform_plan`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    ecslint_fuzz::harness::terraform_plan(data);
});
