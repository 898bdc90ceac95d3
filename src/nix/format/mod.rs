//! The Nix formatter: the official Nix style (RFC 166), byte-identical to nixfmt.
//!
//! Issue 3 builds this out: a document IR and layout engine (`doc`, `printer`) that know
//! nothing about Nix, a trivia pass that attaches comments to tokens, and one rule module
//! per node family.

use crate::diagnostic::Diagnostic;
use crate::nix::parse::ParsedNix;

/// Options of the Nix formatter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NixFormatOptions {
    /// Maximum line width, not counting indentation. nixfmt's default is 100.
    pub width: usize,
    /// Spaces per indentation level.
    pub indent: usize,
    /// nixfmt's `--strict`.
    pub strict: bool,
}

impl Default for NixFormatOptions {
    fn default() -> Self {
        NixFormatOptions {
            width: 100,
            indent: 2,
            strict: false,
        }
    }
}

impl From<&crate::config::FormatConfig> for NixFormatOptions {
    fn from(config: &crate::config::FormatConfig) -> Self {
        NixFormatOptions {
            width: config.line_width,
            indent: config.indent_width,
            strict: config.strict,
        }
    }
}

/// Formats a parsed Nix file. This is the single place where the Nix printer plugs in.
///
/// Until the printer lands, the source comes back unchanged.
pub fn format_nix(
    source: &str,
    _parsed: &ParsedNix,
    _options: &NixFormatOptions,
) -> Result<String, Diagnostic> {
    Ok(source.to_string())
}

/// The concrete syntax tree as text, for `--print-tree` (contributors' debugging aid).
pub fn debug_tree(parsed: &ParsedNix) -> String {
    format!("{:#?}", parsed.root)
}

/// The formatter's document (IR) as text, for `--print-ir` (contributors' debugging aid).
///
/// Until the printer lands, this is empty.
pub fn debug_ir(
    _source: &str,
    _parsed: &ParsedNix,
    _options: &NixFormatOptions,
) -> Result<String, Diagnostic> {
    Ok(String::new())
}
