//! Command line: arguments, walking, the parallel run, output, safe writes. (Issue 2.)

// Until the run loop calls it (issue 6 hooks it in once the CLI lands).
#[allow(dead_code)]
mod cache;

use std::process::ExitCode;

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    ExitCode::SUCCESS
}
