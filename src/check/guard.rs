//! Panic safety (SPEC §2: never a panic, never a stack trace).
//!
//! Each file's processing and each task definition's check run inside
//! [`catch`]: a panic there becomes a [`RunError`] naming the file (exit 2) and
//! the other files are still checked. While a guarded closure runs,
//! [`in_guarded_region`] is true on that thread, so the binary's panic hook can
//! stay silent for panics that will be reported this way.
//!
//! Debug builds only: the environment variable `ECSLINT_TEST_PANIC` makes
//! [`test_panic_point`] panic where its value is a substring of
//! `STAGE:NAME` (`load:FILE`, `task:FILE`, `main:`), so that tests of the
//! binary can exercise these paths. Release builds contain no such hook.

use std::any::Any;
use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::diagnostic::RunError;

thread_local! {
    static GUARDED: Cell<u32> = const { Cell::new(0) };
}

/// Whether the current thread is inside [`catch`] (its panics are reported as run errors).
pub fn in_guarded_region() -> bool {
    GUARDED.with(|g| g.get() > 0)
}

/// The text of a panic payload (`panic!("...")` gives a `&str` or a `String`).
pub fn payload_text(payload: &(dyn Any + Send)) -> &str {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s
    } else {
        "unknown panic"
    }
}

/// The run error for a panic while checking `name`.
pub fn internal_error(name: &str, detail: &str) -> RunError {
    RunError {
        path: None,
        message: format!(
            "internal error while checking {name}: {detail}; this is a bug in ecslint; please report it"
        ),
    }
}

struct Depth;

impl Depth {
    fn enter() -> Self {
        GUARDED.with(|g| g.set(g.get().saturating_add(1)));
        Depth
    }
}

impl Drop for Depth {
    fn drop(&mut self) {
        GUARDED.with(|g| g.set(g.get().saturating_sub(1)));
    }
}

/// Runs `f`; a panic inside becomes a [`RunError`] naming `name`. `stage` only
/// labels the point for the debug-build test hook.
pub fn catch<T>(stage: &str, name: &str, f: impl FnOnce() -> T) -> Result<T, RunError> {
    let _depth = Depth::enter();
    catch_unwind(AssertUnwindSafe(|| {
        test_panic_point(stage, name);
        f()
    }))
    .map_err(|payload| internal_error(name, payload_text(payload.as_ref())))
}

/// Debug builds: panics when `ECSLINT_TEST_PANIC` is a substring of `STAGE:NAME`.
///
/// # Panics
///
/// That is its purpose; never in release builds.
#[cfg(debug_assertions)]
#[allow(clippy::panic, reason = "a test-only hook that must panic")]
pub fn test_panic_point(stage: &str, name: &str) {
    if let Ok(want) = std::env::var("ECSLINT_TEST_PANIC")
        && !want.is_empty()
        && format!("{stage}:{name}").contains(&want)
    {
        panic!("test panic at {stage}:{name}");
    }
}

/// Release builds: nothing.
#[cfg(not(debug_assertions))]
#[inline]
pub fn test_panic_point(_stage: &str, _name: &str) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_a_run_error_naming_the_file() {
        let r: Result<u8, RunError> = catch("load", "a/b.json", || panic!("boom {}", 7));
        let e = r.unwrap_err();
        assert_eq!(e.path, None);
        assert!(
            e.message
                .starts_with("internal error while checking a/b.json: boom 7;")
        );
        assert!(
            e.message
                .ends_with("this is a bug in ecslint; please report it")
        );
        assert!(!in_guarded_region());
    }

    #[test]
    fn a_value_passes_through_and_the_region_is_marked() {
        let r = catch("load", "x", in_guarded_region);
        assert_eq!(r, Ok(true));
        assert!(!in_guarded_region());
    }

    #[test]
    fn nested_regions_unwind_correctly() {
        let r = catch("load", "outer", || {
            let inner: Result<(), RunError> = catch("task", "inner", || panic!("inner"));
            (inner.is_err(), in_guarded_region())
        });
        assert_eq!(r, Ok((true, true)));
        assert!(!in_guarded_region());
    }

    #[test]
    fn payloads_of_other_types_are_named() {
        let r: Result<(), RunError> = catch("load", "f", || std::panic::panic_any(42_u8));
        assert!(r.unwrap_err().message.contains("unknown panic"));
    }
}
