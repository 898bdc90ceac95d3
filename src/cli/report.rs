//! The reporter: prints every job in path order (diagnostics and errors on stderr, diffs
//! on stdout), counts outcomes, prints the summary, and computes the exit code.

use std::collections::HashSet;
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use super::output::{self, Style, display_path};
use super::run::{FileJob, Outcome, SkipReason, Task};
use super::walk::WalkError;

/// The process exit code: 0 clean, 1 findings, 2 errors. The worst wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// Nothing to report.
    Clean = 0,
    /// Would reformat (or lint findings).
    Findings = 1,
    /// Errors.
    Errors = 2,
}

/// Counts of outcomes, for the summary line.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    /// Reformatted (or would be).
    pub changed: usize,
    /// Already formatted.
    pub unchanged: usize,
    /// Left untouched because of an error.
    pub failed: usize,
}

/// How much to print.
#[derive(Debug, Clone, Copy)]
pub struct Verbosity {
    /// Only findings and errors.
    pub quiet: bool,
    /// Every file's outcome, skipped files, and the summary even off a terminal.
    pub verbose: bool,
}

/// Prints a run's results in order.
pub struct Reporter {
    style: Style,
    verbosity: Verbosity,
    task: Task,
    counts: Counts,
    exit: Exit,
    reported_configs: HashSet<PathBuf>,
}

impl Reporter {
    /// A reporter for one run.
    pub fn new(style: Style, verbosity: Verbosity, task: Task) -> Reporter {
        Reporter {
            style,
            verbosity,
            task,
            counts: Counts::default(),
            exit: Exit::Clean,
            reported_configs: HashSet::new(),
        }
    }

    fn raise(&mut self, exit: Exit) {
        self.exit = self.exit.max(exit);
    }

    /// Reports paths that could not be used.
    pub fn walk_errors(&mut self, errors: &[WalkError]) {
        let mut stderr = std::io::stderr().lock();
        for error in errors {
            let message = if error.path.as_os_str().is_empty() {
                error.message.clone()
            } else {
                format!("{}: {}", display_path(&error.path), error.message)
            };
            let _ =
                stderr.write_all(output::error_line(&message, self.style.color_stderr).as_bytes());
            self.counts.failed += 1;
            self.raise(Exit::Errors);
        }
    }

    /// Reports configuration files that failed to load and were not reported with a file
    /// (a broken `flakefmt.toml` above files flakefmt does not format is still an error).
    pub fn config_failures(&mut self, failures: &[std::sync::Arc<super::discover::ConfigFailure>]) {
        let mut stderr = std::io::stderr().lock();
        for failure in failures {
            self.raise(Exit::Errors);
            if self.reported_configs.insert(failure.path.clone()) {
                let _ = stderr.write_all(
                    output::error_line(
                        &format!("invalid configuration {failure}"),
                        self.style.color_stderr,
                    )
                    .as_bytes(),
                );
            }
        }
    }

    /// Reports one file (call in path order).
    pub fn job(&mut self, job: &FileJob) {
        let display = display_path(&job.path);
        let mut err = String::new();
        let mut out = String::new();
        if let Some(failure) = &job.config_failure
            && self.reported_configs.insert(failure.path.clone())
        {
            err.push_str(&output::error_line(
                &format!("invalid configuration {failure}"),
                self.style.color_stderr,
            ));
        }
        if !job.diagnostics.is_empty() {
            let source = job.source.as_deref().unwrap_or("");
            err.push_str(&output::render_diagnostics(
                &display,
                source,
                &job.diagnostics,
                self.style.color_stderr,
            ));
        }
        for message in &job.errors {
            err.push_str(&output::error_line(
                &format!("{display}: {message}"),
                self.style.color_stderr,
            ));
        }
        for message in &job.warnings {
            err.push_str(&output::warning_line(
                &format!("{display}: {message}"),
                self.style.color_stderr,
            ));
        }
        match &job.outcome {
            Outcome::Unchanged => {
                self.counts.unchanged += 1;
                if self.verbosity.verbose {
                    err.push_str(&output::note_line(&format!("{display}: unchanged")));
                }
            }
            Outcome::Formatted => {
                self.counts.changed += 1;
                if self.verbosity.verbose {
                    err.push_str(&output::note_line(&format!("{display}: formatted")));
                }
            }
            Outcome::WouldReformat => {
                self.counts.changed += 1;
                if let (Some(source), Some(formatted)) = (&job.source, &job.formatted) {
                    out.push_str(&output::unified_diff(
                        &display,
                        source,
                        formatted,
                        self.style.color_stdout,
                    ));
                }
                if self.task == Task::Check {
                    self.raise(Exit::Findings);
                }
            }
            Outcome::Skipped(SkipReason::Unsupported) => {
                if job.explicit && !self.verbosity.quiet || self.verbosity.verbose {
                    err.push_str(&output::note_line(&format!(
                        "{display}: skipped (not a file flakefmt formats)"
                    )));
                }
            }
            Outcome::Skipped(SkipReason::LintOnly(language)) => {
                if self.verbosity.verbose {
                    err.push_str(&output::note_line(&format!(
                        "{display}: skipped ({} files are linted, not formatted)",
                        language.name()
                    )));
                }
            }
            Outcome::Failed => {
                self.counts.failed += 1;
                self.raise(Exit::Errors);
            }
        }
        if !out.is_empty() {
            let mut stdout = std::io::stdout().lock();
            let _ = stdout.write_all(out.as_bytes());
            let _ = stdout.flush();
        }
        if !err.is_empty() {
            let _ = std::io::stderr().lock().write_all(err.as_bytes());
        }
    }

    /// Prints the summary line (on a terminal, or with `--verbose`; never with `--quiet`)
    /// and returns the exit code.
    pub fn finish(self, elapsed: Duration) -> Exit {
        let show =
            !self.verbosity.quiet && (self.style.stderr_is_terminal || self.verbosity.verbose);
        if show {
            let Counts {
                changed,
                unchanged,
                failed,
            } = self.counts;
            let verb = match self.task {
                Task::Write => "formatted",
                Task::Check | Task::Diff => "would be reformatted",
            };
            let files = if changed == 1 { "file" } else { "files" };
            let line = format!(
                "{changed} {files} {verb}, {unchanged} unchanged, {failed} failed in {:.2}s\n",
                elapsed.as_secs_f64()
            );
            let _ = std::io::stderr().lock().write_all(line.as_bytes());
        }
        self.exit
    }
}
