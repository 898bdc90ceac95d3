//! GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=…::message`.

use std::fmt::Write;

use super::{FileReport, span};
use crate::diagnostic::{LineIndex, Severity};

/// Escapes a command's message (GitHub's rules: `%`, CR, LF).
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value (also `:` and `,`).
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

pub(super) fn render(files: &[FileReport<'_>]) -> String {
    let mut out = String::new();
    for file in files {
        let index = LineIndex::new(file.source);
        for diagnostic in file.diagnostics {
            let position = span(&index, file.source, diagnostic);
            let command = match diagnostic.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let mut message = diagnostic.message.clone();
            if let Some(help) = &diagnostic.help {
                message.push_str("\nhelp: ");
                message.push_str(help);
            }
            let _ = writeln!(
                out,
                "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                escape_property(file.path),
                position.line,
                position.column,
                position.end_line,
                position.end_column,
                escape_property(&format!("flakefmt {}", diagnostic.rule)),
                escape_data(&message),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::tests::{SOURCE, sample};
    use super::*;

    #[test]
    fn workflow_commands_are_escaped() {
        let diagnostics = sample();
        let out = render(&[FileReport {
            path: "a,b.nix",
            source: SOURCE,
            diagnostics: &diagnostics,
        }]);
        let lines: Vec<_> = out.lines().collect();
        assert_eq!(
            lines[0],
            "::error file=a%2Cb.nix,line=2,col=12,endLine=2,endColumn=17,title=flakefmt sri_hash::not SRI: \"hex\", 100%25%0Ahelp: use SRI"
        );
        assert_eq!(
            lines[1],
            "::warning file=a%2Cb.nix,line=1,col=1,endLine=1,endColumn=1,title=flakefmt git_exec_bit::not executable"
        );
    }
}
