//! Output: unified diffs, diagnostics rendered with codespan-reporting, notes and the
//! summary line. Colour only where wanted (`--color`, a terminal, no `NO_COLOR`).

use std::io::{IsTerminal, Write};
use std::path::Path;

use codespan_reporting::diagnostic::{Diagnostic as Report, Label as ReportLabel};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::termcolor::{Buffer, WriteColor};
use codespan_reporting::term::{self, Config as TermConfig};
use similar::TextDiff;

use flakefmt::diagnostic::{Diagnostic, Severity};

use super::args::ColorChoice;

/// Where output goes, and whether it is coloured.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// Colour on stdout (diffs).
    pub color_stdout: bool,
    /// Colour on stderr (diagnostics).
    pub color_stderr: bool,
    /// Whether stderr is a terminal (the summary line is printed only there).
    pub stderr_is_terminal: bool,
}

impl Style {
    /// Resolves `--color` against the terminals and `NO_COLOR`.
    pub fn new(choice: ColorChoice) -> Style {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
        let stdout_tty = std::io::stdout().is_terminal();
        let stderr_tty = std::io::stderr().is_terminal();
        let decide = |tty: bool| match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => tty && !no_color,
        };
        Style {
            color_stdout: decide(stdout_tty),
            color_stderr: decide(stderr_tty),
            stderr_is_terminal: stderr_tty,
        }
    }
}

/// How a path is shown: as given, without a leading `./`.
pub fn display_path(path: &Path) -> String {
    let text = path.to_string_lossy();
    let text = text.strip_prefix("./").unwrap_or(&text);
    text.trim_start_matches("./").to_string()
}

/// A unified diff from `old` to `new` with `--- a/path` and `+++ b/path` headers, or an
/// empty string when they are equal.
pub fn unified_diff(display: &str, old: &str, new: &str, color: bool) -> String {
    if old == new {
        return String::new();
    }
    let diff = TextDiff::from_lines(old, new);
    let text = diff
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{display}"), &format!("b/{display}"))
        .to_string();
    if !color {
        return text;
    }
    let mut colored = String::with_capacity(text.len() + 64);
    for line in text.split_inclusive('\n') {
        let code = if line.starts_with("+++") || line.starts_with("---") {
            "\x1b[1m"
        } else if line.starts_with('+') {
            "\x1b[32m"
        } else if line.starts_with('-') {
            "\x1b[31m"
        } else if line.starts_with("@@") {
            "\x1b[36m"
        } else {
            ""
        };
        if code.is_empty() {
            colored.push_str(line);
        } else {
            let body = line.strip_suffix('\n').unwrap_or(line);
            colored.push_str(code);
            colored.push_str(body);
            colored.push_str("\x1b[0m");
            if line.ends_with('\n') {
                colored.push('\n');
            }
        }
    }
    colored
}

/// Renders `diagnostics` about `source` (shown as `display`) with codespan-reporting:
/// `error[rule]: message`, then `┌─ path:line:col` and the code snippet.
pub fn render_diagnostics(
    display: &str,
    source: &str,
    diagnostics: &[Diagnostic],
    color: bool,
) -> String {
    let file = SimpleFile::new(display, source);
    let mut buffer = if color {
        Buffer::ansi()
    } else {
        Buffer::no_color()
    };
    let config = TermConfig::default();
    for diagnostic in diagnostics {
        let report = to_report(diagnostic, source);
        if term::emit(&mut buffer, &config, &file, &report).is_err() {
            // The range did not fit the source: fall back to the one-line form.
            let _ = writeln!(
                buffer,
                "{}: {}[{}]: {}",
                display,
                diagnostic.severity.as_str(),
                diagnostic.rule,
                diagnostic.message
            );
        }
    }
    let _ = buffer.reset();
    String::from_utf8_lossy(buffer.as_slice()).into_owned()
}

fn clamp_range(range: &std::ops::Range<usize>, source: &str) -> std::ops::Range<usize> {
    let mut start = range.start.min(source.len());
    while !source.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = range.end.clamp(start, source.len());
    while !source.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

fn to_report(diagnostic: &Diagnostic, source: &str) -> Report<()> {
    let report = match diagnostic.severity {
        Severity::Error => Report::error(),
        Severity::Warning => Report::warning(),
        Severity::Info => Report::note(),
    };
    let mut labels = vec![ReportLabel::primary(
        (),
        clamp_range(&diagnostic.range, source),
    )];
    labels.extend(diagnostic.labels.iter().map(|label| {
        ReportLabel::secondary((), clamp_range(&label.range, source)).with_message(&label.message)
    }));
    let mut report = report
        .with_code(diagnostic.rule.clone())
        .with_message(&diagnostic.message)
        .with_labels(labels);
    if let Some(help) = &diagnostic.help {
        report = report.with_notes(vec![format!("help: {help}")]);
    }
    report
}

/// `error: message` (red `error` when coloured).
pub fn error_line(message: &str, color: bool) -> String {
    if color {
        format!("\x1b[1;31merror\x1b[0m: {message}\n")
    } else {
        format!("error: {message}\n")
    }
}

/// `warning: message`.
pub fn warning_line(message: &str, color: bool) -> String {
    if color {
        format!("\x1b[1;33mwarning\x1b[0m: {message}\n")
    } else {
        format!("warning: {message}\n")
    }
}

/// `note: message`.
pub fn note_line(message: &str) -> String {
    format!("note: {message}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_has_path_headers() {
        let diff = unified_diff("a.py", "x=1\n", "x = 1\n", false);
        assert!(diff.starts_with("--- a/a.py\n+++ b/a.py\n@@"), "{diff}");
        assert!(diff.contains("-x=1\n+x = 1\n"), "{diff}");
        assert_eq!(unified_diff("a.py", "x\n", "x\n", false), "");
    }

    #[test]
    fn diagnostics_show_path_line_col() {
        let source = "{\n  a = ;\n}\n";
        let diagnostic = flakefmt::Diagnostic::syntax_error("unexpected token", 8..9);
        let text = render_diagnostics("f.nix", source, &[diagnostic], false);
        assert!(text.contains("f.nix:2:7"), "{text}");
        assert!(
            text.contains("error[syntax_error]: unexpected token"),
            "{text}"
        );
    }

    #[test]
    fn display_drops_leading_dot_slash() {
        assert_eq!(display_path(Path::new("./a/b.py")), "a/b.py");
        assert_eq!(display_path(Path::new("a/b.py")), "a/b.py");
    }
}
