//! The IAM policy evaluator, shared by `check` and `simulate` (IAM.md §2).
//!
//! [`evaluate`] decides one request (action, resource, context) against identity policies, an
//! optional permissions boundary and (extension points for `check`) a same-account resource
//! policy and a KMS key policy. Everything is three-valued: context keys may be unknown and
//! resources may contain unknown holes, and nothing unknown ever yields a definite answer.

pub mod condition;
pub mod eval;
pub mod matcher;
pub mod variables;

pub use eval::{
    Context, Evaluation, KeyPolicy, KeyState, LayerKind, Layers, Matched, Request, evaluate,
};

/// A three-valued truth value (Kleene logic, R63).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tri {
    T,
    F,
    /// Unknown offline.
    U,
}

impl Tri {
    #[must_use]
    pub fn and(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::F, _) | (_, Tri::F) => Tri::F,
            (Tri::T, Tri::T) => Tri::T,
            _ => Tri::U,
        }
    }

    #[must_use]
    pub fn or(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::T, _) | (_, Tri::T) => Tri::T,
            (Tri::F, Tri::F) => Tri::F,
            _ => Tri::U,
        }
    }

    #[must_use]
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Tri {
        match self {
            Tri::T => Tri::F,
            Tri::F => Tri::T,
            Tri::U => Tri::U,
        }
    }
}

impl From<bool> for Tri {
    fn from(b: bool) -> Tri {
        if b { Tri::T } else { Tri::F }
    }
}

/// What an Unknown result depended on: condition keys, template holes, presence reasons.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Unknowns {
    /// Condition keys (and variables) whose presence or value is unknown, as written.
    pub keys: Vec<String>,
    /// Unknown holes in resources or policy values, as displayed (`${AWS::Region}`).
    pub holes: Vec<String>,
    /// Why a statement may not exist (an undecidable template condition).
    pub presence: Vec<String>,
}

impl Unknowns {
    pub(crate) fn key(&mut self, key: &str) {
        if !self.keys.iter().any(|k| k.eq_ignore_ascii_case(key)) {
            self.keys.push(key.to_string());
        }
    }

    pub(crate) fn hole(&mut self, hole: &str) {
        if !self.holes.iter().any(|h| h == hole) {
            self.holes.push(hole.to_string());
        }
    }

    pub(crate) fn presence(&mut self, reason: &str) {
        if !self.presence.iter().any(|h| h == reason) {
            self.presence.push(reason.to_string());
        }
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty() && self.holes.is_empty() && self.presence.is_empty()
    }

    fn extend(&mut self, other: &Unknowns) {
        for k in &other.keys {
            self.key(k);
        }
        for h in &other.holes {
            self.hole(h);
        }
        for p in &other.presence {
            self.presence(p);
        }
    }
}
