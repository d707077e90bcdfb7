//! ecslint: an offline linter for Amazon ECS task definitions and the IAM
//! permissions their execution roles need.
//!
//! Layers, each a folder: `parse` (bytes to a span-preserving tree), `input`
//! (recognising shapes), `model` (typed task definitions, roles, policies),
//! `iam` (the policy evaluator), `needs` (what a task definition needs),
//! `rules` (the registry and the checks), `emit` (one emitter per format),
//! `aws` (embedded AWS data). The library never prints and never exits; `cli`
//! writes to the writers it is given.

pub mod aws;
pub mod check;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod emit;
pub mod iam;
pub mod input;
pub mod model;
pub mod needs;
pub mod parse;
pub mod rules;
pub mod source;
