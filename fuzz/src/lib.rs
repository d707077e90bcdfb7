//! The fuzz harness: one function per target, shared by the libFuzzer targets
//! in `fuzz_targets/` and by the main crate's `tests/fuzz_replay.rs` (which
//! includes `harness.rs` by path), so the corpus replays through exactly the
//! code the fuzzer ran.

pub mod harness;
