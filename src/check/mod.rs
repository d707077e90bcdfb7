//! `check`: the whole pipeline from candidate files to a sorted report.
//!
//! `load` reads and recognises the inputs; `roles` turns role descriptions into
//! policy sets; `permissions` derives what each task definition needs and
//! evaluates it; `trust` and the hygiene rules inspect the roles; `suppress`
//! applies ignores. Only `main` decides the exit code.

pub mod baseline;
pub mod guard;
pub mod hygiene;
pub mod least_privilege;
pub mod load;
pub mod permissions;
pub mod roles;
pub mod suppress;

use std::path::PathBuf;

use crate::config::Config;
use crate::diagnostic::{Report, Reporter, RuleSettings};
use crate::input::walk::{Candidate, Excludes};
use crate::source::SourceDb;

/// Everything a run needs to know besides its files.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub rules: RuleSettings,
    pub region: Option<String>,
    pub account: Option<String>,
    /// `--policy` files, or the config's `policy`.
    pub policy_files: Vec<PathBuf>,
    pub pull_through_prefixes: Vec<String>,
    pub config: Config,
    pub excludes: Excludes,
    pub force_exclude: bool,
}

/// Runs every check over the candidates.
pub fn run(candidates: &[Candidate], settings: &Settings) -> (Report, SourceDb) {
    let (report, db, _leftovers) = run_keeping(candidates, settings);
    (report, db)
}

/// What a run has built besides its report: the loaded inputs, the roles and
/// the per-task results. Dropping it frees every policy and task definition one
/// allocation at a time (a tenth of the time of a large run), which a process
/// about to exit can skip with `std::mem::forget`.
#[derive(Debug)]
pub struct Leftovers {
    _world: load::World,
    _roles: roles::RoleSets,
    _tasks: permissions::TaskResults,
}

/// [`run`], handing back what the run built instead of dropping it.
///
/// The whole run is one job of the thread pool (`rayon::scope` from outside the
/// pool runs its closure on a worker and waits): the serial steps (merging what
/// the files contributed, linking roles, the trust and hygiene rules, the report)
/// then allocate where the parallel steps freed parse trees and checked task
/// definitions. On the calling thread they took fresh pages instead, 3–6 MB of
/// resident memory on the 10,000-file corpus. A panic outside the guarded
/// regions is raised again on the calling thread. A run of a few files, which
/// `load::par_map` checks on this thread, does not wake the pool for this either
/// (starting its threads is most of a one-file run's system time).
pub fn run_keeping(candidates: &[Candidate], settings: &Settings) -> (Report, SourceDb, Leftovers) {
    if candidates.len() < load::PARALLEL_FROM {
        run_here(candidates, settings)
    } else {
        rayon::scope(|_| run_here(candidates, settings))
    }
}

fn run_here(candidates: &[Candidate], settings: &Settings) -> (Report, SourceDb, Leftovers) {
    let opts = load::LoadOptions {
        region: settings.region.clone(),
        account: settings.account.clone(),
    };
    let mut world = load::load(candidates, &settings.policy_files, &settings.rules, &opts);
    let mut reporter = Reporter::new(&settings.rules);
    let roles = roles::RoleSets::build(&mut world, settings, &mut reporter);
    let task_list = std::mem::take(&mut world.tasks);
    let mut tasks = permissions::check_tasks(&world, task_list, &roles, settings, &mut reporter);
    world.run_errors.append(&mut tasks.run_errors);
    roles.check_trust(&world, &tasks.execution_roles, &mut reporter);
    hygiene::check(&roles, &tasks, &world.db, &mut reporter);
    let mut report = Report {
        diagnostics: std::mem::take(&mut world.diagnostics),
        files: world.files,
        task_definitions: tasks.count,
        run_errors: std::mem::take(&mut world.run_errors),
    };
    report.diagnostics.extend(reporter.into_diagnostics());
    // A duplicate key inside a policy is reported by the policy loader and by the
    // input-wide scan: keep one ECS002 per place, the more specific (later) one.
    let mut seen = std::collections::HashSet::new();
    report.diagnostics.reverse();
    report.diagnostics.retain(|d| {
        d.rule != crate::rules::Rule::InvalidInput || seen.insert((d.primary.file, d.primary.span))
    });
    report.diagnostics.reverse();
    permissions::pin_opaque_pointers(&mut report, &world);
    suppress::apply(&mut report, &mut world, settings);
    let db = std::mem::take(&mut world.db);
    report.sort(&db);
    let leftovers = Leftovers {
        _world: world,
        _roles: roles,
        _tasks: tasks,
    };
    (report, db, leftovers)
}
