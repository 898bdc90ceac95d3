//! Python: a thin adapter over `ruff_python_formatter` (the engine of `ruff format`).
//! No ruff types leak out of this module.
//!
//! - [`options`]: the resolved settings of one file ([`PythonFormatOptions`]).
//! - [`ruff_config`]: reading the settings a ruff user already has (`ruff.toml`,
//!   `.ruff.toml`, `pyproject.toml`'s `[tool.ruff]`) from their text.

pub mod options;
pub mod ruff_config;
mod verify;

use ruff_formatter::printer::LineEnding as RuffLineEnding;
use ruff_formatter::{IndentStyle as RuffIndentStyle, IndentWidth, LineWidth};
use ruff_python_formatter::{
    DocstringCode, DocstringCodeLineWidth, MagicTrailingComma,
    NestedStringQuoteStyle as RuffNestedStringQuoteStyle, PreviewMode, PyFormatOptions,
    QuoteStyle as RuffQuoteStyle, format_module_source,
};

pub use options::{
    IndentStyle, LineEnding, NestedStringQuoteStyle, PythonFormatOptions, PythonVersion, QuoteStyle,
};

use crate::diagnostic::{Diagnostic, INTERNAL_ERROR, Severity};

/// Formats a Python source exactly as `ruff format` 0.17.6 does with the same settings.
///
/// A syntax error comes back as a diagnostic with its range (the file must then be left
/// untouched); so does an out-of-range option, or output that would not be valid Python for
/// the target version (internal errors at 0..0).
pub fn format_source(source: &str, options: &PythonFormatOptions) -> Result<String, Diagnostic> {
    let py_options = to_ruff_options(source, options)?;
    match format_module_source(source, py_options) {
        Ok(printed) => {
            let output = printed.into_code();
            if output != source {
                verify::check_output(source, &output, options.stub, options.target_version)?;
            }
            Ok(output)
        }
        Err(error) => Err(match error.range() {
            Some(range) => {
                let message = match &error {
                    ruff_python_formatter::FormatModuleError::ParseError(parse_error) => {
                        parse_error.error.to_string()
                    }
                    other => other.to_string(),
                };
                Diagnostic::syntax_error(
                    message,
                    usize::from(range.start())..usize::from(range.end()),
                )
            }
            None => Diagnostic::new(
                INTERNAL_ERROR,
                Severity::Error,
                format!("the Python formatter failed: {error}"),
                0..0,
            ),
        }),
    }
}

fn option_error(message: String) -> Diagnostic {
    Diagnostic::new(INTERNAL_ERROR, Severity::Error, message, 0..0)
}

/// Maps our options to ruff's, resolving `line-ending = "auto"` against `source` the way
/// the `ruff format` command does (the first line ending found; `\n` when there is none).
fn to_ruff_options(
    source: &str,
    options: &PythonFormatOptions,
) -> Result<PyFormatOptions, Diagnostic> {
    let path = if options.stub { "x.pyi" } else { "x.py" };
    let line_width = LineWidth::try_from(options.line_length).map_err(|_| {
        option_error(format!(
            "line-length {} is out of range (1 ..= 320)",
            options.line_length
        ))
    })?;
    let indent_width = IndentWidth::try_from(options.indent_width).map_err(|_| {
        option_error(format!(
            "indent-width {} is out of range",
            options.indent_width
        ))
    })?;
    let docstring_code_line_length = match options.docstring_code_line_length {
        None => DocstringCodeLineWidth::Dynamic,
        Some(width) => DocstringCodeLineWidth::Fixed(LineWidth::try_from(width).map_err(|_| {
            option_error(format!(
                "docstring-code-line-length {width} is out of range (1 ..= 320)"
            ))
        })?),
    };
    let line_ending = match options.line_ending {
        LineEnding::Lf => RuffLineEnding::LineFeed,
        LineEnding::CrLf => RuffLineEnding::CarriageReturnLineFeed,
        LineEnding::Native if cfg!(windows) => RuffLineEnding::CarriageReturnLineFeed,
        LineEnding::Native => RuffLineEnding::LineFeed,
        LineEnding::Auto => match ruff_source_file::find_newline(source) {
            Some((_, ruff_source_file::LineEnding::CrLf)) => RuffLineEnding::CarriageReturnLineFeed,
            Some((_, ruff_source_file::LineEnding::Cr)) => RuffLineEnding::CarriageReturn,
            Some((_, ruff_source_file::LineEnding::Lf)) | None => RuffLineEnding::LineFeed,
        },
    };
    let version = ruff_python_ast::PythonVersion::from((
        options.target_version.major,
        options.target_version.minor,
    ));
    Ok(PyFormatOptions::from_extension(std::path::Path::new(path))
        .with_target_version(version)
        .with_line_width(line_width)
        .with_indent_width(indent_width)
        .with_indent_style(match options.indent_style {
            IndentStyle::Space => RuffIndentStyle::Space,
            IndentStyle::Tab => RuffIndentStyle::Tab,
        })
        .with_quote_style(match options.quote_style {
            QuoteStyle::Double => RuffQuoteStyle::Double,
            QuoteStyle::Single => RuffQuoteStyle::Single,
            QuoteStyle::Preserve => RuffQuoteStyle::Preserve,
        })
        .with_nested_string_quote_style(match options.nested_string_quote_style {
            NestedStringQuoteStyle::Alternating => RuffNestedStringQuoteStyle::Alternating,
            NestedStringQuoteStyle::Preferred => RuffNestedStringQuoteStyle::Preferred,
        })
        .with_magic_trailing_comma(if options.skip_magic_trailing_comma {
            MagicTrailingComma::Ignore
        } else {
            MagicTrailingComma::Respect
        })
        .with_line_ending(line_ending)
        .with_docstring_code(if options.docstring_code_format {
            DocstringCode::Enabled
        } else {
            DocstringCode::Disabled
        })
        .with_docstring_code_line_width(docstring_code_line_length)
        .with_preview(if options.preview {
            PreviewMode::Enabled
        } else {
            PreviewMode::Disabled
        }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::SYNTAX_ERROR;

    #[test]
    fn formats_and_reports_syntax_errors() {
        let options = PythonFormatOptions::default();
        assert_eq!(format_source("x=1\n", &options).unwrap(), "x = 1\n");
        let error = format_source("def f(:\n", &options).unwrap_err();
        assert_eq!(error.rule, SYNTAX_ERROR);
        assert!(!error.range.is_empty() || error.range.start > 0);
    }

    #[test]
    fn auto_line_ending_follows_the_first_line_ending() {
        let options = PythonFormatOptions::default();
        assert_eq!(
            format_source("x=1\r\ny=2\n", &options).unwrap(),
            "x = 1\r\ny = 2\r\n"
        );
        assert_eq!(format_source("x=1", &options).unwrap(), "x = 1\n");
    }

    #[test]
    fn output_the_target_cannot_parse_is_refused() {
        // 0.0.10 keeps the inner double quotes while turning the outer ones double: valid
        // only from Python 3.12 (PEP 701).
        let source = "f'outer {x:{\"# not a comment\"} }'\n";
        let py311 = PythonFormatOptions {
            target_version: PythonVersion {
                major: 3,
                minor: 11,
            },
            ..PythonFormatOptions::default()
        };
        let error = format_source(source, &py311).unwrap_err();
        assert_eq!(error.rule, INTERNAL_ERROR);
        assert!(
            error.message.contains("left untouched"),
            "{}",
            error.message
        );
        let py312 = PythonFormatOptions {
            target_version: PythonVersion {
                major: 3,
                minor: 12,
            },
            ..PythonFormatOptions::default()
        };
        assert!(format_source(source, &py312).is_ok());
        // Input that already uses 3.12 syntax is not held against the formatter.
        let modern = "f\"{x:{\"a\"}}\"\n";
        assert!(format_source(modern, &py311).is_ok());
    }

    #[test]
    fn out_of_range_width_is_an_error_not_a_panic() {
        let options = PythonFormatOptions {
            line_length: 0,
            ..PythonFormatOptions::default()
        };
        assert_eq!(
            format_source("x=1\n", &options).unwrap_err().rule,
            INTERNAL_ERROR
        );
    }
}
