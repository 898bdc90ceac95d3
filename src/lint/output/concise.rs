//! `path:line:col: severity[rule]: message`, one line per finding.

use std::fmt::Write;

use super::{FileReport, span};
use crate::diagnostic::LineIndex;

pub(super) fn render(files: &[FileReport<'_>]) -> String {
    let mut out = String::new();
    for file in files {
        let index = LineIndex::new(file.source);
        for diagnostic in file.diagnostics {
            let position = span(&index, file.source, diagnostic);
            let message = diagnostic.message.replace('\n', " ");
            let _ = writeln!(
                out,
                "{}:{}:{}: {}[{}]: {}",
                file.path,
                position.line,
                position.column,
                diagnostic.severity.as_str(),
                diagnostic.rule,
                message
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
    fn one_line_per_finding_whole_file_at_1_1() {
        let diagnostics = sample();
        let out = render(&[FileReport {
            path: "pkgs/a.nix",
            source: SOURCE,
            diagnostics: &diagnostics,
        }]);
        assert_eq!(
            out,
            "pkgs/a.nix:2:12: error[sri_hash]: not SRI: \"hex\", 100%\n\
             pkgs/a.nix:1:1: warning[git_exec_bit]: not executable\n"
        );
    }
}
