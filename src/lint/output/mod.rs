//! Output renderers: pure functions from findings to text. The CLI prints the result.
//!
//! - `human`: codespan-reporting with the source snippet (the default);
//! - `concise`: `path:line:col: severity[rule]: message`, one line each;
//! - `json`: one JSON document for the whole run;
//! - `github`: workflow commands (`::error file=…,line=…,col=…,title=…::message`);
//! - `sarif`: SARIF 2.1.0 for code-scanning upload.

mod concise;
mod github;
mod human;
mod json;
mod sarif;

use std::fmt;
use std::str::FromStr;

use crate::diagnostic::{Diagnostic, LineIndex};

/// The pseudo-rule of formatting differences in `flakefmt check`'s machine formats.
pub const FORMAT_RULE: &str = "format";

/// One output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputFormat {
    /// Rich text with source snippets.
    #[default]
    Human,
    /// One line per finding, for editors' quickfix lists.
    Concise,
    /// One JSON document.
    Json,
    /// GitHub Actions workflow commands.
    Github,
    /// SARIF 2.1.0.
    Sarif,
}

impl OutputFormat {
    /// All formats, by name.
    pub const ALL: [(&'static str, OutputFormat); 5] = [
        ("human", OutputFormat::Human),
        ("concise", OutputFormat::Concise),
        ("json", OutputFormat::Json),
        ("github", OutputFormat::Github),
        ("sarif", OutputFormat::Sarif),
    ];

    /// Whether the format is for machines (formatting differences become findings).
    pub fn is_machine(self) -> bool {
        !matches!(self, OutputFormat::Human)
    }
}

impl FromStr for OutputFormat {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        OutputFormat::ALL
            .iter()
            .find(|(name, _)| *name == text)
            .map(|(_, format)| *format)
            .ok_or_else(|| {
                let names: Vec<_> = OutputFormat::ALL.iter().map(|(name, _)| *name).collect();
                format!(
                    "unknown output format `{text}` (expected one of: {})",
                    names.join(", ")
                )
            })
    }
}

impl fmt::Display for OutputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = OutputFormat::ALL
            .iter()
            .find(|(_, format)| format == self)
            .map_or("human", |(name, _)| name);
        f.write_str(name)
    }
}

/// The findings of one file.
#[derive(Debug, Clone, Copy)]
pub struct FileReport<'a> {
    /// The path as shown (relative to the current directory when possible).
    pub path: &'a str,
    /// The file's text, for line numbers and snippets (empty when not text).
    pub source: &'a str,
    /// Its findings, in order.
    pub diagnostics: &'a [Diagnostic],
}

/// Rendering options.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    /// ANSI colours (human format only).
    pub color: bool,
}

/// Renders the findings of a run in `format`.
pub fn render(format: OutputFormat, files: &[FileReport<'_>], options: &RenderOptions) -> String {
    match format {
        OutputFormat::Human => human::render(files, options),
        OutputFormat::Concise => concise::render(files),
        OutputFormat::Json => json::render(files),
        OutputFormat::Github => github::render(files),
        OutputFormat::Sarif => sarif::render(files),
    }
}

/// Start and end (line, column) of a diagnostic, 1-based; whole-file findings are 1:1.
pub(crate) fn span(index: &LineIndex, source: &str, diagnostic: &Diagnostic) -> Position {
    let (line, column) = index.line_col(source, diagnostic.range.start);
    let (end_line, end_column) = index.line_col(source, diagnostic.range.end);
    Position {
        line,
        column,
        end_line,
        end_column,
    }
}

/// A 1-based span in lines and columns (Unicode scalar values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Position {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

/// Counts of findings by severity: (errors, warnings, infos).
pub fn counts(files: &[FileReport<'_>]) -> (usize, usize, usize) {
    use crate::diagnostic::Severity;
    let mut counts = (0, 0, 0);
    for diagnostic in files.iter().flat_map(|file| file.diagnostics) {
        match diagnostic.severity {
            Severity::Error => counts.0 += 1,
            Severity::Warning => counts.1 += 1,
            Severity::Info => counts.2 += 1,
        }
    }
    counts
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::diagnostic::{Applicability, Edit, Fix, Severity};

    pub(crate) const SOURCE: &str = "{\n  sha256 = \"abc\";\n}\n";

    pub(crate) fn sample() -> Vec<Diagnostic> {
        vec![
            Diagnostic::new(
                "sri_hash",
                Severity::Error,
                "not SRI: \"hex\", 100%",
                13..18,
            )
            .with_help("use SRI")
            .with_label(4..10, "this key")
            .with_fix(Fix {
                applicability: Applicability::Safe,
                message: "convert to SRI".into(),
                edits: vec![Edit {
                    range: 13..18,
                    replacement: "\"sha256-x\"".into(),
                }],
            }),
            Diagnostic::new("git_exec_bit", Severity::Warning, "not executable", 0..0),
        ]
    }

    #[test]
    fn parses_format_names() {
        assert_eq!("sarif".parse::<OutputFormat>(), Ok(OutputFormat::Sarif));
        assert!(
            "xml"
                .parse::<OutputFormat>()
                .unwrap_err()
                .contains("concise")
        );
        assert_eq!(OutputFormat::Github.to_string(), "github");
    }
}
