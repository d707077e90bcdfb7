//! The `ecslint` binary: parse arguments, run, map the result to an exit code.

use std::io::Write;
use std::panic::{AssertUnwindSafe, PanicHookInfo, catch_unwind};
use std::process::ExitCode;

use clap::Parser;
use ecslint::check::guard;

/// jemalloc (mimalloc on Windows): allocation was 35–40 % of a profile under
/// glibc malloc; jemalloc is as fast as mimalloc on the benchmark corpus and
/// holds less resident memory (docs/performance.md).
#[cfg(not(windows))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;
#[cfg(windows)]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// One line on stderr instead of the default panic message and backtrace.
/// Panics inside a guarded region are reported as run errors naming the file,
/// so the hook says nothing about them.
fn panic_hook(info: &PanicHookInfo<'_>) {
    if guard::in_guarded_region() {
        return;
    }
    let location = info
        .location()
        .map(|l| format!(" at {}:{}", l.file(), l.line()))
        .unwrap_or_default();
    let _ = writeln!(
        std::io::stderr(),
        "ecslint: error: internal error: {}{location}; this is a bug in ecslint; please report it",
        guard::payload_text(info.payload())
    );
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(panic_hook));
    let cli = ecslint::cli::args::Cli::parse();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    // Not locked: the panic hook may write from another thread.
    let mut err = std::io::stderr();
    let result = catch_unwind(AssertUnwindSafe(|| {
        guard::test_panic_point("main", "");
        ecslint::cli::run(cli, &mut out, &mut err)
    }));
    match result {
        Ok(Ok(code)) => code,
        Ok(Err(e)) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Ok(Err(e)) => {
            let _ = writeln!(err, "ecslint: error: {e:#}");
            ExitCode::from(2)
        }
        // The hook has said what happened.
        Err(_) => ExitCode::from(2),
    }
}
