//! Suppressions: `[[suppress]]` entries of the config, template `Metadata`
//! ignores and YAML `# ecslint: ignore[CODE] reason` comments; and ECS206 for
//! those that match nothing.

use crate::diagnostic::Report;

use super::Settings;
use super::load::World;

/// Drops suppressed findings and reports unused suppressions. Not written yet:
/// nothing is suppressed.
pub fn apply(report: &mut Report, world: &World, settings: &Settings) {
    let _ = (report, world, settings);
}
