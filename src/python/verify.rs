//! A safety net over the formatter: its output must still be valid Python for the target
//! version. `ruff_python_formatter` 0.0.10 can, in rare cases, write syntax the target does
//! not support (quotes reused inside a nested f-string format spec before Python 3.12, which
//! `ruff format` 0.17.6 no longer does); such output is refused, so the file stays as it is.

use ruff_python_ast::PySourceType;
use ruff_python_parser::{ParseOptions, parse_unchecked};

use crate::diagnostic::{Diagnostic, INTERNAL_ERROR, Severity};

use super::options::PythonVersion;

/// Checks that `output` parses without errors and without syntax the target version lacks
/// that `input` did not already use. The error is an internal error with the output's
/// problem, for a file that must be left untouched.
pub fn check_output(
    input: &str,
    output: &str,
    stub: bool,
    target_version: PythonVersion,
) -> Result<(), Diagnostic> {
    let source_type = if stub {
        PySourceType::Stub
    } else {
        PySourceType::Python
    };
    let options = ParseOptions::from(source_type).with_target_version(
        ruff_python_ast::PythonVersion::from((target_version.major, target_version.minor)),
    );
    let formatted = parse_unchecked(output, options.clone());
    if let Some(error) = formatted.errors().first() {
        return Err(refusal(format!(
            "the Python formatter produced invalid code ({}); the file was left untouched (please report this bug)",
            error.error
        )));
    }
    let new_unsupported = formatted.unsupported_syntax_errors().len();
    if new_unsupported > 0 {
        let original = parse_unchecked(input, options);
        if new_unsupported > original.unsupported_syntax_errors().len() {
            let example = &formatted.unsupported_syntax_errors()[0];
            return Err(refusal(format!(
                "the Python formatter produced code that {target_version} does not support ({example}); the file was left untouched (please report this bug)"
            )));
        }
    }
    Ok(())
}

fn refusal(message: String) -> Diagnostic {
    Diagnostic::new(INTERNAL_ERROR, Severity::Error, message, 0..0)
}
