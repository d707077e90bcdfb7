//! The typed model: task definitions, roles and policies, each field that can be blamed carrying a location.

pub mod policy;
pub mod sym;

pub use sym::Sym;
