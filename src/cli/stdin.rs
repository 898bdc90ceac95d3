//! `--stdin-filepath PATH`: format stdin as if it were PATH and write the result to
//! stdout. On any error nothing goes to stdout (an editor then keeps its buffer).

use std::io::{Read, Write};
use std::path::Path;

use flakefmt::Language;

use super::discover::ConfigStore;
use super::output::{self, Style, display_path};
use super::report::Exit;
use super::run::{FORMAT_STACK_SIZE, FormatFailure, Task, decode, format_text};

/// Runs stdin mode.
pub fn run(
    path: &Path,
    store: &ConfigStore,
    task: Task,
    force_exclude: bool,
    style: Style,
) -> Exit {
    let display = display_path(path);
    let mut bytes = Vec::new();
    if let Err(error) = std::io::stdin().lock().read_to_end(&mut bytes) {
        return fail(&format!("could not read stdin: {error}"), style);
    }
    let source = match decode(bytes) {
        Ok(source) => source,
        Err(message) => return fail(&format!("stdin ({display}) {message}"), style),
    };
    let language = Language::detect(path, Some(source.as_bytes()));
    let excluded = force_exclude && store.is_force_excluded(path);
    let language = match language {
        Some(language) if language.is_formatted() && !excluded => language,
        // Nothing to format: echo the input so an editor's buffer stays as it is.
        _ => return emit(&display, &source, &source, task, style),
    };
    let formatted = {
        let source = source.clone();
        let path = path.to_path_buf();
        std::thread::scope(|scope| {
            std::thread::Builder::new()
                .name("flakefmt-stdin".into())
                .stack_size(FORMAT_STACK_SIZE)
                .spawn_scoped(scope, move || format_text(language, &source, &path, store))
                .map_err(|error| FormatFailure::Panic(format!("could not start a thread: {error}")))
                .and_then(|handle| {
                    handle.join().unwrap_or_else(|_| {
                        Err(FormatFailure::Panic("formatter thread died".into()))
                    })
                })
        })
    };
    match formatted {
        Ok(formatted) => emit(&display, &source, &formatted, task, style),
        Err(FormatFailure::Diagnostics(diagnostics)) => {
            let text =
                output::render_diagnostics(&display, &source, &diagnostics, style.color_stderr);
            let _ = std::io::stderr().lock().write_all(text.as_bytes());
            Exit::Errors
        }
        Err(FormatFailure::Config(failure)) => {
            fail(&format!("invalid configuration {failure}"), style)
        }
        Err(FormatFailure::Panic(message)) => fail(
            &format!(
                "{display}: internal error: the formatter panicked: {message} (please report this bug)"
            ),
            style,
        ),
    }
}

fn emit(display: &str, source: &str, formatted: &str, task: Task, style: Style) -> Exit {
    let mut stdout = std::io::stdout().lock();
    match task {
        Task::Write => {
            let _ = stdout.write_all(formatted.as_bytes());
            Exit::Clean
        }
        Task::Check | Task::Diff => {
            let diff = output::unified_diff(display, source, formatted, style.color_stdout);
            let _ = stdout.write_all(diff.as_bytes());
            if task == Task::Check && !diff.is_empty() {
                Exit::Findings
            } else {
                Exit::Clean
            }
        }
    }
}

fn fail(message: &str, style: Style) -> Exit {
    let _ = std::io::stderr()
        .lock()
        .write_all(output::error_line(message, style.color_stderr).as_bytes());
    Exit::Errors
}
