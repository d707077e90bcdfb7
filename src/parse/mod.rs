//! Front ends: bytes to a span-preserving [`Node`] tree.

pub mod json;
pub mod node;
pub mod pointer;
pub mod yaml;

pub use json::ParseError;
pub use node::{MAX_DEPTH, Member, Node, Piece, Span, Value};
pub use pointer::Pointer;
