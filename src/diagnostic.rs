//! Diagnostics: what every part of flakefmt reports (syntax errors, lint findings,
//! internal errors), with a byte range into the source and optional fix.
//!
//! Line and column numbers are computed in one place, [`LineIndex`], from byte offsets.

use std::ops::Range;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational; never affects the exit code.
    Info,
    /// A finding that should be fixed; exit code 1.
    Warning,
    /// A definite problem; exit code 1 for lint findings, 2 for syntax and IO errors.
    Error,
}

impl Severity {
    /// The lower-case name used in output (`info`, `warning`, `error`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Whether a fix may be applied without the user asking for unsafe fixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applicability {
    /// Keeps the meaning of the code (`--fix`).
    Safe,
    /// May change what the code means (`--unsafe-fixes`).
    Unsafe,
}

/// One replacement of a byte range of the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// The byte range replaced; empty for an insertion.
    pub range: Range<usize>,
    /// The new text.
    pub replacement: String,
}

/// A fix: edits applied together, or not at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// Safe or unsafe.
    pub applicability: Applicability,
    /// A short description ("convert to SRI").
    pub message: String,
    /// Non-overlapping edits.
    pub edits: Vec<Edit>,
}

/// A secondary label pointing at another part of the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// The byte range the label points at.
    pub range: Range<usize>,
    /// What the label says.
    pub message: String,
}

/// Rule name used for syntax errors.
pub const SYNTAX_ERROR: &str = "syntax_error";
/// Rule name used for internal errors (a formatter bug caught before anything was written).
pub const INTERNAL_ERROR: &str = "internal_error";

/// A message about a span of one source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rule name (`sri_hash`), or [`SYNTAX_ERROR`] / [`INTERNAL_ERROR`].
    pub rule: String,
    /// How serious it is.
    pub severity: Severity,
    /// One sentence saying what is wrong.
    pub message: String,
    /// The primary span, a byte range of the source. An empty range at 0 is a finding
    /// about the whole file (shown at line 1, column 1).
    pub range: Range<usize>,
    /// Secondary labels.
    pub labels: Vec<Label>,
    /// Advice on how to fix it.
    pub help: Option<String>,
    /// An automatic fix, if there is one.
    pub fix: Option<Fix>,
}

impl Diagnostic {
    /// A diagnostic with no labels, help or fix.
    pub fn new(
        rule: impl Into<String>,
        severity: Severity,
        message: impl Into<String>,
        range: Range<usize>,
    ) -> Self {
        Diagnostic {
            rule: rule.into(),
            severity,
            message: message.into(),
            range,
            labels: Vec::new(),
            help: None,
            fix: None,
        }
    }

    /// A syntax error at `range`.
    pub fn syntax_error(message: impl Into<String>, range: Range<usize>) -> Self {
        Self::new(SYNTAX_ERROR, Severity::Error, message, range)
    }

    /// Adds help text.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a secondary label.
    pub fn with_label(mut self, range: Range<usize>, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            range,
            message: message.into(),
        });
        self
    }

    /// Adds a fix.
    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }
}

/// Converts byte offsets of one source text to 1-based line and column numbers.
///
/// Columns count Unicode scalar values, as editors' quickfix lists expect.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes `source`.
    pub fn new(source: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(source.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { line_starts }
    }

    /// The 1-based (line, column) of byte `offset` in `source` (the text this index was
    /// built from). Offsets past the end map to the end.
    pub fn line_col(&self, source: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(source.len());
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let start = self.line_starts[line];
        let mut end = offset;
        while !source.is_char_boundary(end) {
            end -= 1;
        }
        let column = source[start..end].chars().count() + 1;
        (line + 1, column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one_and_in_chars() {
        let source = "ab\nçd\n";
        let index = LineIndex::new(source);
        assert_eq!(index.line_col(source, 0), (1, 1));
        assert_eq!(index.line_col(source, 3), (2, 1));
        assert_eq!(index.line_col(source, 5), (2, 2));
        assert_eq!(index.line_col(source, 100), (3, 1));
    }
}
