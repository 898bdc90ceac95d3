//! Python: a thin adapter over `ruff_python_formatter` (the engine of `ruff format`).
//! No ruff types leak out of this module.

use ruff_python_formatter::{PyFormatOptions, format_module_source};

use crate::diagnostic::Diagnostic;

/// Resolved options for formatting one Python file, with ruff's defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PythonFormatOptions {
    /// Stub file (`.pyi`) rules.
    pub stub: bool,
    /// `line-length`, default 88.
    pub line_length: u16,
    /// `indent-width`, default 4.
    pub indent_width: u8,
}

impl Default for PythonFormatOptions {
    fn default() -> Self {
        PythonFormatOptions {
            stub: false,
            line_length: 88,
            indent_width: 4,
        }
    }
}

/// Formats a Python source. A syntax error comes back as a diagnostic with its range.
pub fn format_source(source: &str, options: &PythonFormatOptions) -> Result<String, Diagnostic> {
    let path = if options.stub { "x.pyi" } else { "x.py" };
    let mut py_options = PyFormatOptions::from_extension(std::path::Path::new(path));
    if let Ok(width) = ruff_formatter::LineWidth::try_from(options.line_length) {
        py_options = py_options.with_line_width(width);
    }
    if let Ok(width) = ruff_formatter::IndentWidth::try_from(options.indent_width) {
        py_options = py_options.with_indent_width(width);
    }
    match format_module_source(source, py_options) {
        Ok(printed) => Ok(printed.into_code()),
        Err(error) => {
            let range = error
                .range()
                .map(|range| usize::from(range.start())..usize::from(range.end()))
                .unwrap_or(0..0);
            let rule = if error.range().is_some() {
                crate::diagnostic::SYNTAX_ERROR
            } else {
                crate::diagnostic::INTERNAL_ERROR
            };
            Err(Diagnostic::new(
                rule,
                crate::diagnostic::Severity::Error,
                error.to_string(),
                range,
            ))
        }
    }
}
