//! Nix: parsing (rnix) and the formatter in the official Nix style.

pub mod format;
pub mod parse;

pub use format::{NixFormatOptions, format_nix};

use crate::diagnostic::Diagnostic;

/// Parses and formats a Nix source. Syntax errors (all of them) come back as diagnostics;
/// so does an internal formatter error (the output failed verification).
pub fn format_source(source: &str, options: &NixFormatOptions) -> Result<String, Vec<Diagnostic>> {
    let parsed = parse::parse(source)?;
    format_nix(source, &parsed, options).map_err(|diagnostic| vec![diagnostic])
}
