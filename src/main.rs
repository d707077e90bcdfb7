//! The `ecslint` binary.

fn main() {}
