//! The Nix formatter: the official Nix style (RFC 166), byte-identical to nixfmt 1.4.0.
//!
//! Pipeline: [`lower`] builds an owned nixfmt-shaped tree from the rnix CST, with every
//! comment and blank line attached to a token by the [`trivia`] lexer; [`rules`] turn it
//! into a [`doc::Doc`]; [`doc::fixup`] normalises it; [`printer`] lays it out greedily.

pub mod ast;
pub mod doc;
pub mod lower;
pub mod parser;
pub mod printer;
pub mod rules;
pub mod trivia;
pub mod verify;

use crate::diagnostic::{Diagnostic, INTERNAL_ERROR, Severity};
use crate::nix::parse::ParsedNix;
use doc::{Doc, DocE, FlatDoc, TextKind};

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

fn lower_error(error: lower::LowerError) -> Diagnostic {
    if error.message.starts_with("nesting too deep") {
        Diagnostic::new(INTERNAL_ERROR, Severity::Error, error.message, error.range)
    } else {
        Diagnostic::syntax_error(error.message, error.range)
    }
}

/// Builds the fixed-up document of a parsed file, nested (for `--print-ir`: the raw
/// document, fixed up by the separate pass).
fn build_doc(
    source: &str,
    parsed: &ParsedNix,
    options: &NixFormatOptions,
) -> Result<Doc, Diagnostic> {
    let whole = lowered(source, parsed, options)?;
    let mut builder = doc::DocBuilder::new();
    rules::pretty_whole(&mut builder, &whole);
    Ok(fix_nested(builder.finish()))
}

/// Lowers and pretty-prints: the fixed-up document and the lowered tree.
fn build(
    source: &str,
    parsed: &ParsedNix,
    options: &NixFormatOptions,
) -> Result<(FlatDoc, ast::Whole), Diagnostic> {
    let whole = lowered(source, parsed, options)?;
    let doc = fixed_doc(&whole, source.len());
    Ok((doc, whole))
}

/// The lowered tree of a parsed file, without the blank lines at its start (they are
/// dropped before layout).
fn lowered(
    source: &str,
    parsed: &ParsedNix,
    options: &NixFormatOptions,
) -> Result<ast::Whole, Diagnostic> {
    let whole = lower::lower(source, &parsed.root, options.strict).map_err(lower_error)?;
    Ok(without_leading_blank_lines(whole))
}

/// Drops the blank lines at the start of a file (they are dropped before layout).
fn without_leading_blank_lines(mut whole: ast::Whole) -> ast::Whole {
    let first = rules::expr_first(&mut whole.expr);
    let leading_blank = first
        .pre
        .iter()
        .take_while(|t| **t == ast::Trivium::EmptyLine)
        .count();
    first.pre.drain(..leading_blank);
    whole
}

/// Runs the rules on a lowered tree, fixing up as they go; with a disable marker, builds
/// the raw document again for `remove_disabled` and `fixup`. `source_len` (the length of
/// the source) sizes the document's buffer.
fn fixed_doc(whole: &ast::Whole, source_len: usize) -> FlatDoc {
    match rules_doc(whole, source_len) {
        Ok(doc) => doc,
        Err(raw) => fix(raw),
    }
}

/// The rules' fixed-up document, or the raw one when it contains a disable marker. (Never
/// inlined: a stage boundary for profiles.)
#[inline(never)]
fn rules_doc(whole: &ast::Whole, source_len: usize) -> Result<FlatDoc, Doc> {
    // About one element per four bytes of source (measured on the benchmark corpus: one
    // per 4.7), so the buffer rarely grows.
    let mut builder = doc::DocBuilder::fixing_with_capacity(source_len / 4);
    rules::pretty_whole(&mut builder, whole);
    if !builder.has_disable_marker() {
        return Ok(builder.finish_flat());
    }
    let mut builder = doc::DocBuilder::new();
    rules::pretty_whole(&mut builder, whole);
    Err(builder.finish())
}

/// `remove_disabled` and `fixup` of a raw document. (Never inlined: a stage boundary for
/// profiles.)
#[inline(never)]
fn fix(doc: Doc) -> FlatDoc {
    FlatDoc::from_doc(&fix_nested(doc))
}

/// `remove_disabled` (when needed) and `fixup` of a raw document.
fn fix_nested(doc: Doc) -> Doc {
    doc::fixup(remove_disabled(doc))
}

/// Turns disable markers with no verbatim region after them into plain comments (run only
/// when the rules pushed a disable marker).
fn remove_disabled(doc: Doc) -> Doc {
    fn count(doc: &[DocE]) -> usize {
        doc.iter()
            .map(|e| match e {
                DocE::Text {
                    kind: TextKind::Verbatim(_),
                    ..
                } => 1,
                DocE::Group(_, inner) => count(inner),
                _ => 0,
            })
            .sum()
    }
    fn go(doc: Doc, left: &mut usize) -> Doc {
        let mut out = Vec::with_capacity(doc.len());
        for element in doc {
            match element {
                DocE::Text {
                    kind: TextKind::DisableMarker,
                    level,
                    offset,
                    ..
                } if *left == 0 => {
                    out.push(DocE::Text {
                        level,
                        offset,
                        kind: TextKind::Comment,
                        text: doc::Txt::const_new("/*nixfmt:disable*/"),
                    });
                    out.push(DocE::Spacing(doc::Spacing::Hardline));
                }
                DocE::Text {
                    kind: TextKind::Verbatim(_),
                    ..
                } => {
                    *left = left.saturating_sub(1);
                    out.push(element);
                }
                DocE::Group(kind, inner) => out.push(DocE::Group(kind, go(inner, left))),
                other => out.push(other),
            }
        }
        out
    }
    let mut left = count(&doc);
    go(doc, &mut left)
}

/// Formats a parsed Nix file. This is the single place where the Nix printer plugs in.
pub fn format_nix(
    source: &str,
    parsed: &ParsedNix,
    options: &NixFormatOptions,
) -> Result<String, Diagnostic> {
    Ok(format_with_tree(source, parsed, options)?.0)
}

/// Formats and also returns the lowered input tree (for [`verify_output`]).
fn format_with_tree(
    source: &str,
    parsed: &ParsedNix,
    options: &NixFormatOptions,
) -> Result<(String, ast::Whole), Diagnostic> {
    let (doc, tree) = build(source, parsed, options)?;
    Ok((laid_out(doc, options), tree))
}

/// Lays out a fixed-up document: the output text of a file.
fn laid_out(doc: FlatDoc, options: &NixFormatOptions) -> String {
    let to_eof = doc.ends_with_eof_region();
    let laid_out = printer::layout_flat(doc, options.width, options.indent);
    if to_eof {
        laid_out.trim_start().to_string()
    } else {
        let mut out = laid_out.trim().to_string();
        out.push('\n');
        out
    }
}

fn mismatch(what: &str, source: &str) -> Diagnostic {
    Diagnostic::new(
        INTERNAL_ERROR,
        Severity::Error,
        format!(
            "formatter produced output that does not match the input ({what}); file left unchanged"
        ),
        0..source.len().min(1),
    )
}

/// Formats and checks the result: when the output differs from the input it must parse
/// to the same tree (ignoring trivia) and keep the text of every comment. A failed check
/// is an internal error and nothing is returned.
pub fn format_verified(
    source: &str,
    parsed: &ParsedNix,
    options: &NixFormatOptions,
) -> Result<String, Diagnostic> {
    let (output, input_tree) = format_with_tree(source, parsed, options)?;
    if output == source {
        return Ok(output);
    }
    verify_output(source, parsed, &input_tree, output, options)
}

/// The check of [`format_verified`] on an output that differs from the input.
fn verify_output(
    source: &str,
    parsed: &ParsedNix,
    input_tree: &ast::Whole,
    output: String,
    options: &NixFormatOptions,
) -> Result<String, Diagnostic> {
    let reparsed =
        crate::nix::parse::parse(&output).map_err(|_| mismatch("output does not parse", source))?;
    let output_tree = lower::lower(&output, &reparsed.root, options.strict)
        .map_err(|_| mismatch("output does not parse", source))?;
    if !verify::eq_expr(&input_tree.expr, &output_tree.expr) {
        return Err(mismatch("different syntax tree", source));
    }
    if verify::comment_fingerprint(&parsed.root) != verify::comment_fingerprint(&reparsed.root) {
        return Err(mismatch("comments changed", source));
    }
    Ok(output)
}

/// [`format_verified`] with the direct parser ([`parser::parse_whole`]) in front of rnix:
/// `None` when it declines the file (then format with rnix). An output that differs from
/// the input is verified exactly like [`format_verified`] does, from rnix's trees of the
/// input and the output, independently of the direct parser.
pub fn format_fast(source: &str, options: &NixFormatOptions) -> Option<Result<String, Diagnostic>> {
    let whole = without_leading_blank_lines(parser::parse_whole(source, options.strict)?);
    let output = laid_out(fixed_doc(&whole, source.len()), options);
    if output == source {
        return Some(Ok(output));
    }
    // The direct parser accepts only what rnix accepts; should rnix disagree, its path
    // reports the error.
    let parsed = crate::nix::parse::parse(source).ok()?;
    let input_tree = lowered(source, &parsed, options).ok()?;
    Some(verify_output(source, &parsed, &input_tree, output, options))
}

/// The concrete syntax tree as text, for `--print-tree` (contributors' debugging aid).
pub fn debug_tree(parsed: &ParsedNix) -> String {
    format!("{:#?}", parsed.root)
}

/// The formatter's document (IR) as text, for `--print-ir` (contributors' debugging aid):
/// one element per line, groups indented, texts quoted with their nesting level and offset.
pub fn debug_ir(
    source: &str,
    parsed: &ParsedNix,
    options: &NixFormatOptions,
) -> Result<String, Diagnostic> {
    fn render(doc: &[DocE], depth: usize, out: &mut String) {
        use std::fmt::Write as _;
        for element in doc {
            let pad = "  ".repeat(depth);
            match element {
                DocE::Text {
                    level,
                    offset,
                    kind,
                    text,
                } => {
                    let kind = match kind {
                        TextKind::Regular => String::new(),
                        other => format!("{other:?} "),
                    };
                    let _ = writeln!(out, "{pad}{kind}{text:?} @{level}+{offset}");
                }
                DocE::Spacing(spacing) => {
                    let name = match spacing {
                        doc::Spacing::Softbreak => "softline'".to_string(),
                        doc::Spacing::Break => "line'".to_string(),
                        doc::Spacing::Hardspace => "hardspace".to_string(),
                        doc::Spacing::Softspace => "softline".to_string(),
                        doc::Spacing::Space => "line".to_string(),
                        doc::Spacing::Hardline => "hardline".to_string(),
                        doc::Spacing::Emptyline => "emptyline".to_string(),
                        doc::Spacing::Newlines(n) => format!("newlines({n})"),
                    };
                    let _ = writeln!(out, "{pad}{name}");
                }
                DocE::Group(kind, inner) => {
                    let name = match kind {
                        doc::GroupKind::Regular => "group",
                        doc::GroupKind::Priority => "priority",
                        doc::GroupKind::Transparent => "transparent",
                    };
                    let _ = writeln!(out, "{pad}{name} {{");
                    render(inner, depth + 1, out);
                    let _ = writeln!(out, "{pad}}}");
                }
            }
        }
    }
    let doc = build_doc(source, parsed, options)?;
    let mut out = String::new();
    render(&doc, 0, &mut out);
    Ok(out)
}

/// Whether two Nix sources parse to the same tree, ignoring trivia and layout (what the
/// verification step checks). `false` if either does not parse. Runs on a helper thread
/// with a large stack, so deeply nested sources are fine.
pub fn same_tree(a: &str, b: &str) -> bool {
    let compare = || {
        let lowered = |source: &str| {
            let parsed = crate::nix::parse::parse(source).ok()?;
            lower::lower(source, &parsed.root, false).ok()
        };
        match (lowered(a), lowered(b)) {
            (Some(x), Some(y)) => verify::eq_expr(&x.expr, &y.expr),
            _ => false,
        }
    };
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(crate::nix::DEEP_STACK_SIZE)
            .spawn_scoped(scope, compare)
            .map(|handle| handle.join().unwrap_or(false))
            .unwrap_or(false)
    })
}

/// Whether the fixing builder's flat document equals the raw document fixed up by the
/// separate pass (`remove_disabled` and `fixup`), flattened: the invariant the fast path
/// relies on (tests only; `None` when the file does not lower).
#[doc(hidden)]
pub fn fixing_agrees_with_fixup(
    source: &str,
    parsed: &ParsedNix,
    options: &NixFormatOptions,
) -> Option<bool> {
    let whole = lowered(source, parsed, options).ok()?;
    let mut raw = doc::DocBuilder::new();
    rules::pretty_whole(&mut raw, &whole);
    let mut fixing = doc::DocBuilder::fixing();
    rules::pretty_whole(&mut fixing, &whole);
    Some(fixing.finish_flat() == FlatDoc::from_doc(&fix_nested(raw.finish())))
}

/// Time spent in each stage of the formatter, for `benches/nix_format.rs`.
#[doc(hidden)]
#[derive(Debug, Default, Clone, Copy)]
pub struct StageTimes {
    /// rnix CST → nixfmt-shaped tree, with trivia.
    pub lower: std::time::Duration,
    /// Rules: tree → document.
    pub rules: std::time::Duration,
    /// `remove_disabled` and `fixup` (only for files with a disable marker: otherwise the
    /// rules fix up as they go and this stage is empty).
    pub fixup: std::time::Duration,
    /// Layout to text.
    pub layout: std::time::Duration,
}

/// Formats like [`format_nix`] and adds the time of each stage to `times` (benchmarks
/// only; the output is discarded).
#[doc(hidden)]
pub fn time_stages(
    source: &str,
    parsed: &ParsedNix,
    options: &NixFormatOptions,
    times: &mut StageTimes,
) -> Result<(), Diagnostic> {
    use std::time::Instant;
    let start = Instant::now();
    let whole = lowered(source, parsed, options)?;
    let lowered = Instant::now();
    let doc = rules_doc(&whole, source.len());
    let built = Instant::now();
    let doc = match doc {
        Ok(doc) => doc,
        Err(raw) => fix(raw),
    };
    let fixed = Instant::now();
    std::hint::black_box(printer::layout_flat(doc, options.width, options.indent));
    let laid_out = Instant::now();
    times.lower += lowered - start;
    times.rules += built - lowered;
    times.fixup += fixed - built;
    times.layout += laid_out - fixed;
    Ok(())
}
