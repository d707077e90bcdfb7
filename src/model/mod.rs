//! The typed model: task definitions, roles and policies, each field that can be blamed carrying a location.

pub mod arn;
pub mod policy;
pub mod role;
pub mod sym;
pub mod task;

pub use sym::Sym;
