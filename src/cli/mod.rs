//! Command line: arguments, walking, the parallel run, output, safe writes. (Issue 2.)

use std::process::ExitCode;

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    ExitCode::SUCCESS
}
