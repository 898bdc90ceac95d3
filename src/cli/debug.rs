//! `--print-tree` and `--print-ir`: contributors' debugging aids for the Nix formatter,
//! on stdin (`--stdin-filepath`) or one file.

use std::io::{Read, Write};
use std::path::PathBuf;

use flakefmt::Language;

use super::args::GlobalArgs;
use super::discover::ConfigStore;
use super::output::{self, Style, display_path};
use super::report::Exit;
use super::run::{FORMAT_STACK_SIZE, decode};

/// Prints the syntax tree or the formatter's document of one Nix source.
pub fn run(global: &GlobalArgs, paths: &[PathBuf], store: &ConfigStore, style: Style) -> Exit {
    let fail = |message: &str| {
        eprint!("{}", output::error_line(message, style.color_stderr));
        Exit::Errors
    };
    let (path, bytes) = match (&global.stdin_filepath, paths) {
        (Some(path), []) => {
            let mut bytes = Vec::new();
            if let Err(error) = std::io::stdin().lock().read_to_end(&mut bytes) {
                return fail(&format!("could not read stdin: {error}"));
            }
            (path.clone(), bytes)
        }
        (None, [path]) => match std::fs::read(path) {
            Ok(bytes) => (path.clone(), bytes),
            Err(error) => return fail(&format!("{}: {error}", display_path(path))),
        },
        _ => return fail("--print-tree and --print-ir need --stdin-filepath or exactly one file"),
    };
    let display = display_path(&path);
    if Language::from_path(&path) != Some(Language::Nix) {
        return fail(&format!(
            "{display}: --print-tree and --print-ir are for Nix files"
        ));
    }
    let source = match decode(bytes) {
        Ok(source) => source,
        Err(message) => return fail(&format!("{display} {message}")),
    };
    let options = match store.nix_options(&path) {
        Ok(options) => options,
        Err(failure) => return fail(&format!("invalid configuration {failure}")),
    };
    let print_ir = global.print_ir;
    let result = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(FORMAT_STACK_SIZE)
            .spawn_scoped(scope, || {
                let parsed = flakefmt::nix::parse::parse(&source)?;
                if print_ir {
                    flakefmt::nix::format::debug_ir(&source, &parsed, &options)
                        .map_err(|diagnostic| vec![diagnostic])
                } else {
                    Ok(flakefmt::nix::format::debug_tree(&parsed))
                }
            })
            .ok()
            .and_then(|handle| handle.join().ok())
    });
    match result {
        Some(Ok(text)) => {
            let mut stdout = std::io::stdout().lock();
            let _ = stdout.write_all(text.as_bytes());
            if !text.ends_with('\n') {
                let _ = stdout.write_all(b"\n");
            }
            Exit::Clean
        }
        Some(Err(diagnostics)) => {
            eprint!(
                "{}",
                output::render_diagnostics(&display, &source, &diagnostics, style.color_stderr)
            );
            Exit::Errors
        }
        None => fail(&format!(
            "{display}: internal error while printing the tree"
        )),
    }
}
