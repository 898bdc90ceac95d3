//! The reporter: prints every job in path order (diagnostics and errors on stderr, diffs
//! on stdout), counts outcomes, prints the summary, and computes the exit code.

use std::collections::HashSet;
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::discover::ConfigFailure;
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

/// What one file gives the report: its output, already rendered (in the worker that
/// processed it), to be printed in path order at the end.
#[derive(Debug, Default)]
pub struct Rendered {
    /// The path as shown; the sort key.
    pub display: String,
    /// For stdout (diffs).
    pub stdout: String,
    /// For stderr (diagnostics, errors, warnings, notes).
    pub stderr: String,
    /// A broken configuration that made this file fail (printed once per run, at the
    /// first such file).
    pub config_failure: Option<Arc<ConfigFailure>>,
    counts: Counts,
    exit: Option<Exit>,
}

impl Rendered {
    fn is_silent(&self) -> bool {
        self.stdout.is_empty() && self.stderr.is_empty() && self.config_failure.is_none()
    }
}

#[derive(Debug, Default)]
struct Tally {
    counts: Counts,
    exit: Option<Exit>,
    /// The files with something to print; the others leave only their counts.
    kept: Vec<Rendered>,
}

/// Collects a run's results from the worker threads and prints them in path order.
/// Memory grows with what is printed, not with the number of files.
pub struct Reporter {
    style: Style,
    verbosity: Verbosity,
    task: Task,
    tally: Mutex<Tally>,
    errors_first: Vec<String>,
    reported_configs: HashSet<PathBuf>,
}

impl Reporter {
    /// A reporter for one run.
    pub fn new(style: Style, verbosity: Verbosity, task: Task) -> Reporter {
        Reporter {
            style,
            verbosity,
            task,
            tally: Mutex::new(Tally::default()),
            errors_first: Vec::new(),
            reported_configs: HashSet::new(),
        }
    }

    fn tally(&self) -> std::sync::MutexGuard<'_, Tally> {
        self.tally
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Reports paths that could not be used (printed before the files).
    pub fn walk_errors(&mut self, errors: &[WalkError]) {
        for error in errors {
            let message = if error.path.as_os_str().is_empty() {
                error.message.clone()
            } else {
                format!("{}: {}", display_path(&error.path), error.message)
            };
            self.errors_first
                .push(output::error_line(&message, self.style.color_stderr));
            let mut tally = self.tally();
            tally.counts.failed += 1;
            tally.exit = tally.exit.max(Some(Exit::Errors));
        }
    }

    /// Renders one file's job (any thread, any order) and keeps it if it prints anything.
    pub fn job(&self, job: &FileJob) {
        // The common case of a run over a clean tree: nothing to render or keep.
        let silent = matches!(job.outcome, Outcome::Unchanged)
            && !self.verbosity.verbose
            && job.diagnostics.is_empty()
            && job.errors.is_empty()
            && job.warnings.is_empty()
            && job.config_failure.is_none();
        if silent {
            self.tally().counts.unchanged += 1;
            return;
        }
        let rendered = self.render(job);
        let mut tally = self.tally();
        tally.counts.changed += rendered.counts.changed;
        tally.counts.unchanged += rendered.counts.unchanged;
        tally.counts.failed += rendered.counts.failed;
        tally.exit = tally.exit.max(rendered.exit);
        if !rendered.is_silent() {
            tally.kept.push(rendered);
        }
    }

    fn render(&self, job: &FileJob) -> Rendered {
        let display = display_path(&job.path);
        let mut err = String::new();
        let mut out = String::new();
        let mut counts = Counts::default();
        let mut exit = None;
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
                counts.unchanged += 1;
                if self.verbosity.verbose {
                    err.push_str(&output::note_line(&format!("{display}: unchanged")));
                }
            }
            Outcome::Formatted => {
                counts.changed += 1;
                if self.verbosity.verbose {
                    err.push_str(&output::note_line(&format!("{display}: formatted")));
                }
            }
            Outcome::WouldReformat => {
                counts.changed += 1;
                if let (Some(source), Some(formatted)) = (&job.source, &job.formatted) {
                    out.push_str(&output::unified_diff(
                        &display,
                        source,
                        formatted,
                        self.style.color_stdout,
                    ));
                }
                if self.task == Task::Check {
                    exit = Some(Exit::Findings);
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
                counts.failed += 1;
                exit = Some(Exit::Errors);
            }
        }
        Rendered {
            display,
            stdout: out,
            stderr: err,
            config_failure: job.config_failure.clone(),
            counts,
            exit,
        }
    }

    /// Prints, in path order, what the files kept, then the configuration files that
    /// failed to load and were not reported with a file (a broken `flakefmt.toml` above
    /// files flakefmt does not format is still an error).
    pub fn print(&mut self, config_failures: &[Arc<ConfigFailure>]) {
        let mut kept = std::mem::take(&mut self.tally().kept);
        kept.sort_by(|a, b| a.display.cmp(&b.display));
        let mut stderr = std::io::stderr().lock();
        for line in self.errors_first.drain(..) {
            let _ = stderr.write_all(line.as_bytes());
        }
        drop(stderr);
        for rendered in kept {
            let mut err = String::new();
            if let Some(failure) = &rendered.config_failure
                && self.reported_configs.insert(failure.path.clone())
            {
                err.push_str(&output::error_line(
                    &format!("invalid configuration {failure}"),
                    self.style.color_stderr,
                ));
            }
            err.push_str(&rendered.stderr);
            if !rendered.stdout.is_empty() {
                let mut stdout = std::io::stdout().lock();
                let _ = stdout.write_all(rendered.stdout.as_bytes());
                let _ = stdout.flush();
            }
            if !err.is_empty() {
                let _ = std::io::stderr().lock().write_all(err.as_bytes());
            }
        }
        let mut stderr = std::io::stderr().lock();
        for failure in config_failures {
            let mut tally = self.tally();
            tally.exit = tally.exit.max(Some(Exit::Errors));
            drop(tally);
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
            } = self.tally().counts;
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
        let exit = self.tally().exit;
        exit.unwrap_or(Exit::Clean)
    }
}
