//! Nix: parsing (rnix) and the formatter in the official Nix style.

pub mod format;
pub mod parse;

pub use format::{NixFormatOptions, format_nix};

use crate::diagnostic::Diagnostic;

/// Syntax trees deeper than this are formatted on a thread with [`DEEP_STACK_SIZE`].
const SHALLOW_DEPTH: usize = 64;

/// Stack reserved for formatting deeply nested files (address space only; pages are
/// committed as they are used). The formatter recurses over the tree, and rnix accepts
/// arbitrarily long left-nested operator and application chains.
pub const DEEP_STACK_SIZE: usize = 1 << 30;

/// Nesting depth of the syntax tree (iterative, so it never overflows itself).
fn tree_depth(root: &rnix::SyntaxNode) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    for event in root.preorder() {
        match event {
            rowan::WalkEvent::Enter(_) => {
                depth += 1;
                max = max.max(depth);
            }
            rowan::WalkEvent::Leave(_) => depth -= 1,
        }
    }
    max
}

/// A cheap over-estimate of bracket nesting, before parsing: rnix itself recurses on
/// nested lists, sets and parentheses without a limit.
fn looks_deep(source: &str) -> bool {
    let (mut depth, mut max) = (0isize, 0isize);
    for byte in source.bytes() {
        match byte {
            b'[' | b'(' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b')' | b'}' => depth -= 1,
            _ => {}
        }
    }
    max > SHALLOW_DEPTH as isize / 2
}

fn format_with_rnix(
    source: &str,
    options: &NixFormatOptions,
    deep_thread: bool,
) -> Result<String, Vec<Diagnostic>> {
    let parsed = parse::parse(source)?;
    if !deep_thread && tree_depth(&parsed.root) > SHALLOW_DEPTH {
        return on_deep_thread(source, options);
    }
    format::format_verified(source, &parsed, options).map_err(|diagnostic| vec![diagnostic])
}

fn on_deep_thread(source: &str, options: &NixFormatOptions) -> Result<String, Vec<Diagnostic>> {
    let result = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("flakefmt-deep".into())
            .stack_size(DEEP_STACK_SIZE)
            .spawn_scoped(scope, || format_with_rnix(source, options, true))
            .map(|handle| handle.join())
    });
    match result {
        Ok(Ok(result)) => result,
        _ => Err(vec![Diagnostic::new(
            crate::diagnostic::INTERNAL_ERROR,
            crate::diagnostic::Severity::Error,
            "could not format this deeply nested file; file left unchanged",
            0..0,
        )]),
    }
}

/// Parses and formats a Nix source. Syntax errors (all of them) come back as diagnostics;
/// so does an internal formatter error (the output failed verification).
///
/// Deeply nested files are parsed and formatted on a helper thread with a large stack
/// ([`DEEP_STACK_SIZE`]), so this works from any thread (including 2 MiB test threads);
/// nesting beyond [`format::lower::MAX_DEPTH`] is reported as an error ("nesting too deep
/// to format") instead of overflowing.
pub fn format_source(source: &str, options: &NixFormatOptions) -> Result<String, Vec<Diagnostic>> {
    // The direct parser first: it declines files nested deeper than it handles
    // ([`format::parser::MAX_NESTING`], shallow enough for any thread's stack), and only
    // those, and files it does not handle, pay for the bracket scan and the rnix path.
    if let Some(result) = format::format_fast(source, options) {
        return result.map_err(|diagnostic| vec![diagnostic]);
    }
    if looks_deep(source) {
        return on_deep_thread(source, options);
    }
    format_with_rnix(source, options, false)
}
