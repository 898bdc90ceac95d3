//! The default format: codespan-reporting with the source snippet, labels, help and fix.

use codespan_reporting::diagnostic::{Diagnostic as Report, Label, Severity as Level};
use codespan_reporting::files::SimpleFiles;
use std::io::Write;

use codespan_reporting::term::{self, termcolor};

use super::{FileReport, RenderOptions};
use crate::diagnostic::{Applicability, Severity};

pub(super) fn render(files: &[FileReport<'_>], options: &RenderOptions) -> String {
    let mut database = SimpleFiles::new();
    let mut buffer = if options.color {
        termcolor::Buffer::ansi()
    } else {
        termcolor::Buffer::no_color()
    };
    let config = term::Config::default();
    for file in files {
        let id = database.add(file.path, file.source);
        for diagnostic in file.diagnostics {
            let level = match diagnostic.severity {
                Severity::Error => Level::Error,
                Severity::Warning => Level::Warning,
                Severity::Info => Level::Note,
            };
            let clamp = |range: &std::ops::Range<usize>| {
                range.start.min(file.source.len())..range.end.min(file.source.len())
            };
            let mut labels = vec![Label::primary(id, clamp(&diagnostic.range))];
            labels.extend(diagnostic.labels.iter().map(|label| {
                Label::secondary(id, clamp(&label.range)).with_message(&label.message)
            }));
            let mut notes = Vec::new();
            if let Some(help) = &diagnostic.help {
                notes.push(format!("help: {help}"));
            }
            if let Some(fix) = &diagnostic.fix {
                let how = match fix.applicability {
                    Applicability::Safe => "--fix",
                    Applicability::Unsafe => "--unsafe-fixes",
                };
                notes.push(format!("fix ({how}): {}", fix.message));
            }
            if file.source.is_empty() {
                // A file without text (a link, a binary): no snippet to show.
                let mut text = format!(
                    "{}[{}]: {}\n  ┌─ {}\n",
                    diagnostic.severity.as_str(),
                    diagnostic.rule,
                    diagnostic.message,
                    file.path
                );
                for note in &notes {
                    text.push_str(&format!("  = {note}\n"));
                }
                text.push('\n');
                let _ = buffer.write_all(text.as_bytes());
                continue;
            }
            let report = Report::new(level)
                .with_code(&diagnostic.rule)
                .with_message(&diagnostic.message)
                .with_labels(labels)
                .with_notes(notes);
            // Emitting into memory cannot fail for a file that is in the database.
            let _ = term::emit(&mut buffer, &config, &database, &report);
        }
    }
    String::from_utf8_lossy(buffer.as_slice()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::super::tests::{SOURCE, sample};
    use super::*;

    #[test]
    fn shows_snippet_help_and_fix() {
        let diagnostics = sample();
        let out = render(
            &[FileReport {
                path: "a.nix",
                source: SOURCE,
                diagnostics: &diagnostics,
            }],
            &RenderOptions::default(),
        );
        assert!(out.contains("error[sri_hash]: not SRI"), "{out}");
        assert!(out.contains("a.nix:2:12"), "{out}");
        assert!(out.contains("sha256 = \"abc\";"), "{out}");
        assert!(out.contains("help: use SRI"), "{out}");
        assert!(out.contains("fix (--fix): convert to SRI"), "{out}");
        assert!(
            out.contains("warning[git_exec_bit]: not executable"),
            "{out}"
        );
        assert!(!out.contains('\u{1b}'), "no colour unless asked");
    }

    #[test]
    fn files_without_text_have_no_snippet() {
        let diagnostics = sample();
        let out = render(
            &[FileReport {
                path: "result",
                source: "",
                diagnostics: &diagnostics[1..],
            }],
            &RenderOptions::default(),
        );
        assert_eq!(
            out,
            "warning[git_exec_bit]: not executable\n  ┌─ result\n\n"
        );
    }
}
