//! Benchmark of one `simulate` evaluation. Filled in with the evaluator.
fn main() {}
