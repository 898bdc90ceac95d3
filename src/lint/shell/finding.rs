//! [`Finding`]: a shell rule's result in snippet coordinates, turned into a
//! [`Diagnostic`] of the host file by [`Finding::into_diagnostic`].

use std::ops::Range;

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::lint::shell::snippet::Snippet;

/// A piece of replacement text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// New shell text, escaped for the host when written.
    New(String),
    /// A part of the snippet, copied from the host as written there (so interpolations and
    /// escapes survive).
    Copy(Range<usize>),
}

/// An edit in snippet coordinates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnippetEdit {
    /// The snippet range replaced; empty for an insertion after the byte before it.
    pub range: Range<usize>,
    /// The replacement.
    pub pieces: Vec<Piece>,
}

impl SnippetEdit {
    /// Inserts `text` at snippet offset `at`.
    pub fn insert(at: usize, text: impl Into<String>) -> Self {
        SnippetEdit {
            range: at..at,
            pieces: vec![Piece::New(text.into())],
        }
    }

    /// Replaces `range` with `text`.
    pub fn replace(range: Range<usize>, text: impl Into<String>) -> Self {
        SnippetEdit {
            range,
            pieces: vec![Piece::New(text.into())],
        }
    }
}

/// A fix in snippet coordinates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnippetFix {
    /// Safe or unsafe.
    pub applicability: Applicability,
    /// What it does.
    pub message: String,
    /// The edits.
    pub edits: Vec<SnippetEdit>,
}

/// A finding of a shell rule, in snippet coordinates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule name.
    pub rule: &'static str,
    /// Its severity.
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// The primary range in the snippet.
    pub range: Range<usize>,
    /// Secondary labels in the snippet.
    pub labels: Vec<(Range<usize>, String)>,
    /// Advice.
    pub help: Option<String>,
    /// A fix.
    pub fix: Option<SnippetFix>,
}

impl Finding {
    /// A finding without labels, help or fix.
    pub fn new(
        rule: &'static str,
        severity: Severity,
        message: impl Into<String>,
        range: Range<usize>,
    ) -> Self {
        Finding {
            rule,
            severity,
            message: message.into(),
            range,
            labels: Vec::new(),
            help: None,
            fix: None,
        }
    }

    /// The diagnostic in host coordinates. `host` is the host file's text. The fix is
    /// dropped when its text cannot be written in the host (see
    /// [`crate::lint::shell::snippet::Escaping`]).
    pub fn into_diagnostic(self, snippet: &Snippet, host: &str) -> Diagnostic {
        let mut diagnostic = Diagnostic::new(
            self.rule,
            self.severity,
            self.message,
            snippet.host_range(self.range),
        );
        for (range, message) in self.labels {
            diagnostic = diagnostic.with_label(snippet.host_range(range), message);
        }
        if let Some(help) = self.help {
            diagnostic = diagnostic.with_help(help);
        }
        if let Some(fix) = self.fix
            && let Some(fix) = host_fix(fix, snippet, host)
        {
            diagnostic = diagnostic.with_fix(fix);
        }
        diagnostic
    }
}

fn host_fix(fix: SnippetFix, snippet: &Snippet, host: &str) -> Option<Fix> {
    let mut edits = Vec::new();
    for edit in fix.edits {
        let mut replacement = String::new();
        for piece in edit.pieces {
            match piece {
                Piece::New(text) => replacement.push_str(&snippet.escaping.escape(&text)?),
                Piece::Copy(range) => {
                    replacement.push_str(host.get(snippet.host_range(range))?);
                }
            }
        }
        // An opaque piece (an escape, an interpolation) partly inside the range is replaced
        // whole: host ranges of snippet ranges always cover whole pieces.
        let range = snippet.host_range(edit.range);
        edits.push(Edit { range, replacement });
    }
    Some(Fix {
        applicability: fix.applicability,
        message: fix.message,
        edits,
    })
}
