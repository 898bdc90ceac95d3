//! Command line: arguments, walking, the parallel run, output, safe writes. (Issue 2.)
//!
//! - `args`: the grammar (clap).
//! - `discover`: finding and caching `flakefmt.toml` and ruff configurations.
//! - `walk`: which files a run looks at.
//! - `run`: the per-file work ([`run::FileJob`]).
//! - `pipeline`: the walk feeding worker threads, nothing collected up front.
//! - `report`: printing results in path order; the exit code.
//! - `output`: diffs, diagnostics, colour.
//! - `write`: atomic writes.
//! - `cache`: the per-file cache (files clean last time are skipped unread).
//! - `read`: reading files' contents, counted.
//! - `stdin`: `--stdin-filepath`.
//! - `debug`: `--print-tree` / `--print-ir`.

pub mod args;
pub mod cache;
pub mod debug;
pub mod discover;
pub mod findings;
pub mod git_index;
pub mod guard;
pub mod lint_cmd;
pub mod output;
pub mod pipeline;
pub mod read;
pub mod repo;
pub mod report;
pub mod rule_cmd;
pub mod run;
pub mod stdin;
pub mod walk;
pub mod write;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use clap::Parser;

use args::{Cli, Command};
use discover::{CliOverrides, ConfigStore};
use output::Style;
use report::{Exit, Reporter, Verbosity};
use run::Task;

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let exit = run_cli(cli);
    ExitCode::from(exit as u8)
}

fn run_cli(cli: Cli) -> Exit {
    let started = Instant::now();
    let global = cli.global;
    let fmt = match cli.command {
        None => cli.fmt,
        Some(Command::Fmt(sub)) => cli.fmt.merged(sub),
        Some(Command::Rule(args)) => return rule_cmd::run(args.name.as_deref()),
        Some(Command::Lint(args)) => {
            let mode = lint_cmd::Mode::Lint {
                fix: args.fix,
                unsafe_fixes: args.unsafe_fixes,
            };
            return run_lint(&global, mode, args.output_format, &args.paths);
        }
        Some(Command::Check(args)) => {
            return run_lint(
                &global,
                lint_cmd::Mode::Check,
                args.output_format,
                &args.paths,
            );
        }
    };
    let task = if fmt.check {
        Task::Check
    } else if fmt.diff {
        Task::Diff
    } else {
        Task::Write
    };
    let style = Style::new(global.color);
    let store = match configuration(&global, style) {
        Ok(store) => store,
        Err(exit) => return exit,
    };

    if global.print_tree || global.print_ir {
        return debug::run(&global, &fmt.paths, &store, style);
    }
    if let Some(path) = &global.stdin_filepath {
        if !fmt.paths.is_empty() {
            return stdin_with_paths(style);
        }
        return stdin::run(path, &store, task, global.force_exclude, style);
    }

    let threads = threads(global.jobs);
    let paths = if fmt.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        fmt.paths
    };
    let verbosity = Verbosity {
        quiet: global.quiet,
        verbose: global.verbose,
    };
    let mut reporter = Reporter::new(style, verbosity, task);
    let cache = (!global.no_cache)
        .then(|| cache::open_for_run(&paths))
        .flatten();
    let format_keys = run::FormatKeys::default();
    let walked = pipeline::run(
        &paths,
        &store,
        global.force_exclude,
        threads,
        &|candidate| {
            let cache = cache.as_ref().map(|cache| (cache, &format_keys));
            reporter.job(&run::process_file(&candidate, &store, task, cache));
        },
    );
    match walked {
        Ok(errors) => {
            reporter.walk_errors(&errors);
            reporter.print(&store.failures());
        }
        Err(message) => {
            eprint!("{}", output::error_line(&message, style.color_stderr));
            return Exit::Errors;
        }
    }
    if let Some(cache) = cache {
        cache::finish(cache, global.verbose);
    }
    reporter.finish(started.elapsed())
}

/// `lint` and `check`.
fn run_lint(
    global: &args::GlobalArgs,
    mode: lint_cmd::Mode,
    format: flakefmt::lint::output::OutputFormat,
    paths: &[PathBuf],
) -> Exit {
    let style = Style::new(global.color);
    let store = match configuration(global, style) {
        Ok(store) => store,
        Err(exit) => return exit,
    };
    let threads = threads(global.jobs);
    // `lint --fix` writes files: it neither trusts nor fills the cache.
    let cache = (!global.no_cache && mode.fixing().is_none() && global.stdin_filepath.is_none())
        .then(|| cache::open_for_run(paths))
        .flatten();
    let settings = lint_cmd::Settings {
        mode,
        format,
        style,
        quiet: global.quiet,
        force_exclude: global.force_exclude,
        threads,
        store: &store,
        cache: cache.as_ref(),
    };
    if let Some(path) = &global.stdin_filepath {
        if !paths.is_empty() {
            return stdin_with_paths(style);
        }
        return lint_cmd::run_stdin(path, &settings);
    }
    let exit = lint_cmd::run(paths, &settings);
    if let Some(cache) = cache {
        cache::finish(cache, global.verbose);
    }
    exit
}

/// The configuration store of a run, with the panic hook installed; `Err` (after saying
/// why) when the `--config` file cannot be used.
fn configuration(global: &args::GlobalArgs, style: Style) -> Result<Arc<ConfigStore>, Exit> {
    let store = Arc::new(ConfigStore::new(
        global.config.as_deref(),
        CliOverrides {
            line_width: global.line_width.map(usize::from),
            indent_width: global.indent_width.map(usize::from),
            strict: global.strict,
        },
    ));
    guard::install_hook();
    if let Some(failure) = store.explicit_failure() {
        eprint!(
            "{}",
            output::error_line(
                &format!("invalid configuration {failure}"),
                style.color_stderr
            )
        );
        return Err(Exit::Errors);
    }
    Ok(store)
}

/// Worker threads: `--jobs`, else one per available core.
fn threads(jobs: Option<u16>) -> usize {
    jobs.map(usize::from)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// `--stdin-filepath` together with paths: an error.
fn stdin_with_paths(style: Style) -> Exit {
    eprint!(
        "{}",
        output::error_line(
            "--stdin-filepath reads stdin; do not also pass paths",
            style.color_stderr
        )
    );
    Exit::Errors
}
