//! Properties checked on every fuzz input, and replayed by `tests/fuzz_regressions.rs`.
//!
//! This file depends only on `flakefmt` and `rnix`, so the main crate's tests can include
//! it with `#[path]`. Each check returns `Err(description)` for a property violation; a
//! panic inside flakefmt propagates (the fuzzer reports it as a crash, the test fails).

use flakefmt::diagnostic::{Diagnostic, INTERNAL_ERROR};
use flakefmt::nix::NixFormatOptions;
use rnix::{SyntaxKind, SyntaxNode};

/// The formatting options one input is checked with: the defaults always, and one variant
/// picked by the input's length, so narrow widths, indent 4 and `strict` are covered too
/// (deterministically, so a replay checks exactly what the fuzzer checked).
pub fn option_sets(data: &[u8]) -> Vec<NixFormatOptions> {
    let default = NixFormatOptions::default();
    let variant = match data.len() % 3 {
        0 => NixFormatOptions {
            width: 20,
            indent: 4,
            strict: false,
        },
        1 => NixFormatOptions {
            strict: true,
            ..default
        },
        _ => NixFormatOptions {
            width: 1,
            indent: 1,
            strict: false,
        },
    };
    vec![default, variant]
}

/// The Nix formatter's properties on one input:
/// - no panic (checked by whoever calls this);
/// - input that does not parse is rejected with at least one syntax error;
/// - input that parses is formatted, unless the formatter reports a clear error (one that
///   is not an internal error: e.g. nesting too deep);
/// - the output parses, is the same tree by the library's verifier
///   (`nix::format::same_tree`), has the same significant tokens (everything but
///   whitespace, comments and string contents, whose indentation may change, with nixfmt's
///   deliberate rewrites normalised) and the same comment text;
/// - formatting the output again gives the output (at the default options; at others,
///   which nixfmt itself does not keep idempotent, a second pass must reach a fixed point).
pub fn check_nix_format(data: &[u8]) -> Result<(), String> {
    let Ok(source) = std::str::from_utf8(data) else {
        return Ok(()); // The CLI rejects non-UTF-8 before the formatter sees it.
    };
    for options in option_sets(data) {
        check_nix_format_with(source, &options)?;
    }
    Ok(())
}

/// [`check_nix_format`] with one set of options.
pub fn check_nix_format_with(source: &str, options: &NixFormatOptions) -> Result<(), String> {
    let parsed = flakefmt::nix::parse::parse(source);
    let formatted = flakefmt::nix::format_source(source, options);
    let (parsed, output) = match (parsed, formatted) {
        (Err(_), Err(diagnostics)) => {
            return if diagnostics.is_empty() {
                Err("input that does not parse gave no diagnostic".into())
            } else {
                Ok(())
            };
        }
        (Err(_), Ok(_)) => return Err("input that does not parse was formatted".into()),
        (Ok(_), Err(diagnostics)) => {
            return match diagnostics.iter().find(|d| is_internal(d)) {
                Some(internal) => Err(format!(
                    "{options:?}: internal error on valid input: {}",
                    internal.message
                )),
                None if diagnostics.is_empty() => {
                    Err("valid input was refused without a diagnostic".into())
                }
                None => Ok(()), // a clear, deliberate error (e.g. nesting too deep)
            };
        }
        (Ok(parsed), Ok(output)) => (parsed, output),
    };
    let reparsed = flakefmt::nix::parse::parse(&output).map_err(|errors| {
        format!(
            "{options:?}: output does not parse ({}):\n{output}",
            errors[0].message
        )
    })?;
    // The library's own notion of "same tree" (what its verification step checks) ...
    if !flakefmt::nix::format::same_tree(source, &output) {
        return Err(format!(
            "{options:?}: output is not the same tree (nix::format::same_tree):\n{output}"
        ));
    }
    // ... and an independent one, on tokens, so a bug in the verifier cannot hide a bug
    // in the printer.
    let (before, after) = (
        significant_tokens(&parsed.root),
        significant_tokens(&reparsed.root),
    );
    if before != after {
        let at = before
            .iter()
            .zip(&after)
            .position(|(a, b)| a != b)
            .unwrap_or(before.len().min(after.len()));
        return Err(format!(
            "{options:?}: output has other tokens: first difference at token {at}: {:?} became {:?}\noutput:\n{output}",
            before.get(at),
            after.get(at)
        ));
    }
    if comment_chars(&parsed.root) != comment_chars(&reparsed.root) {
        return Err(format!("{options:?}: comment text changed:\n{output}"));
    }
    match flakefmt::nix::format_source(&output, options) {
        Ok(again) if again == output => Ok(()),
        // nixfmt itself is not idempotent at extreme widths: its layout depends on where
        // the input had line breaks (at width 1, `f = {\n x,\n }: {` becomes `f =\n {` on
        // the next pass; nixfmt_rs 0.5.3 does exactly the same). Byte-identical output
        // inherits that, so away from the default options the property is "converges on
        // the second pass"; at the defaults it is strict idempotency.
        // The same at the defaults when a block comment became a line comment: nixfmt
        // turns `/* c */` into `# c`, and a `# c` after `{ x }:` then changes the layout on
        // the next pass (`f = { x }: /* c */ { y = x; };`; nixfmt_rs 0.5.3 does exactly
        // the same, fuzz/regressions/nix_format/block-comment-becomes-line-comment.nix).
        // And when the second pass only moved a line comment between the end of a line
        // and a line of its own: nixfmt makes a trailing `# c` leading when it starts in
        // the column of the next line's token (`convertTrivia`: `pos == nextCol`), and
        // formatting moves comments between columns (`"\n"###` then `  1`: the first
        // pass prints `"\n" # ##`, whose comment now starts in the column of `1`;
        // fuzz/regressions/nix_format/trailing-comment-reaches-next-column.nix).
        Ok(again)
            if *options != NixFormatOptions::default()
                || block_comments(&reparsed.root) < block_comments(&parsed.root)
                || only_comment_lines_moved(&output, &again) =>
        {
            match flakefmt::nix::format_source(&again, options) {
                Ok(third) if third == again => Ok(()),
                _ => Err(format!(
                    "{options:?}: does not converge in two passes:\nfirst:\n{output}\nsecond:\n{again}"
                )),
            }
        }
        Ok(again) => Err(format!(
            "{options:?}: not idempotent:\nfirst:\n{output}\nsecond:\n{again}"
        )),
        Err(diagnostics) => Err(format!(
            "{options:?}: formatting the output failed: {}",
            diagnostics
                .first()
                .map(|d| d.message.as_str())
                .unwrap_or("(no diagnostic)")
        )),
    }
}

/// Whether `b` differs from `a` only in whitespace, and in which line comments start
/// their line (a comment moved from after a token to a line of its own, or back).
fn only_comment_lines_moved(a: &str, b: &str) -> bool {
    let squeeze = |text: &str| -> String { text.split_whitespace().collect() };
    let own_line_comments = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|line| line.trim_start().starts_with('#'))
            .map(|line| line.trim().to_string())
            .collect()
    };
    squeeze(a) == squeeze(b) && own_line_comments(a) != own_line_comments(b)
}

fn block_comments(root: &SyntaxNode) -> usize {
    root.descendants_with_tokens()
        .filter_map(|element| element.into_token())
        .filter(|token| token.kind() == SyntaxKind::TOKEN_COMMENT && token.text().starts_with("/*"))
        .count()
}

fn is_internal(diagnostic: &Diagnostic) -> bool {
    diagnostic.rule == INTERNAL_ERROR
}

/// Every token but whitespace, comments and string contents, as (kind, text), with the
/// rewrites nixfmt makes on purpose normalised away: string delimiters (`''…''` may become
/// `"…"`, a bare URI becomes a string) are all `"`, and a comma just before `}` (the
/// optional trailing comma of a parameter list) is dropped.
pub fn significant_tokens(root: &SyntaxNode) -> Vec<(SyntaxKind, String)> {
    let mut tokens: Vec<(SyntaxKind, String)> = Vec::new();
    for token in root
        .descendants_with_tokens()
        .filter_map(|element| element.into_token())
    {
        match token.kind() {
            SyntaxKind::TOKEN_WHITESPACE
            | SyntaxKind::TOKEN_COMMENT
            | SyntaxKind::TOKEN_STRING_CONTENT => {}
            SyntaxKind::TOKEN_STRING_START | SyntaxKind::TOKEN_STRING_END => {
                tokens.push((token.kind(), "\"".into()));
            }
            SyntaxKind::TOKEN_URI => {
                tokens.push((SyntaxKind::TOKEN_STRING_START, "\"".into()));
                tokens.push((SyntaxKind::TOKEN_STRING_END, "\"".into()));
            }
            SyntaxKind::TOKEN_R_BRACE => {
                if tokens
                    .last()
                    .is_some_and(|(kind, _)| *kind == SyntaxKind::TOKEN_COMMA)
                {
                    tokens.pop();
                }
                tokens.push((token.kind(), token.text().to_string()));
            }
            kind => tokens.push((kind, token.text().to_string())),
        }
    }
    tokens
}

/// The characters of all comments but whitespace and comment punctuation, sorted:
/// formatting may move, split, join and re-indent comments, never change their text.
fn comment_chars(root: &SyntaxNode) -> Vec<char> {
    let mut chars: Vec<char> = root
        .descendants_with_tokens()
        .filter_map(|element| element.into_token())
        .filter(|token| token.kind() == SyntaxKind::TOKEN_COMMENT)
        .flat_map(|token| {
            token
                .text()
                .chars()
                .filter(|c| !c.is_whitespace() && !matches!(c, '#' | '*' | '/'))
                .collect::<Vec<_>>()
        })
        .collect();
    chars.sort_unstable();
    chars
}

/// The lint fixes' properties on one input (as Nix): no panic, and when the input parses,
/// the fixed source (safe and unsafe fixes, with and without formatting afterwards) still
/// parses, every remaining finding points inside the fixed source, and fixing the fixed
/// source again applies nothing (fixes converge).
pub fn check_lint_fix(data: &[u8]) -> Result<(), String> {
    use flakefmt::language::Language;
    use flakefmt::lint::{FileFacts, FileInput, LintConfig, Linter};

    let Ok(source) = std::str::from_utf8(data) else {
        return Ok(());
    };
    let Ok(parsed) = flakefmt::nix::parse::parse(source) else {
        return Ok(()); // no rule runs on a file that does not parse
    };
    let config = LintConfig::default(); // every rule
    let linter = Linter::new(&config);
    let facts = FileFacts::default();
    let input = FileInput {
        path: std::path::Path::new("fuzz.nix"),
        language: Some(Language::Nix),
        source,
        nix: Some(&parsed),
        facts: &facts,
    };
    let format = NixFormatOptions::default();
    for (allow_unsafe, format) in [(false, None), (true, None), (true, Some(&format))] {
        let result = linter.fix(&input, allow_unsafe, format);
        if let Err(errors) = flakefmt::nix::parse::parse(&result.source) {
            return Err(format!(
                "unsafe={allow_unsafe} format={}: fixed source does not parse ({}):\n{}",
                format.is_some(),
                errors[0].message,
                result.source
            ));
        }
        if let Some(bad) = result
            .remaining
            .iter()
            .find(|d| d.range.start > d.range.end || d.range.end > result.source.len())
        {
            return Err(format!(
                "finding `{}` points outside the fixed source ({:?}, {} bytes)",
                bad.rule,
                bad.range,
                result.source.len()
            ));
        }
        // Fixing is stable: the fixed file has nothing left to fix.
        if result.applied > 0 {
            let fixed = flakefmt::nix::parse::parse(&result.source).map_err(|_| "unreachable")?;
            let again = linter.fix(
                &FileInput {
                    source: &result.source,
                    nix: Some(&fixed),
                    ..input
                },
                allow_unsafe,
                format,
            );
            if again.applied > 0 || again.source != result.source {
                return Err(format!(
                    "unsafe={allow_unsafe} format={}: fixing the fixed source again applied {} more fix(es):\n--- once\n{}\n--- twice\n{}",
                    format.is_some(),
                    again.applied,
                    result.source,
                    again.source
                ));
            }
        }
    }
    Ok(())
}

/// The direct Nix parser (the formatter's fast path) against rnix plus the lowering: its
/// lexer yields rnix's tokens, and `parse_whole` returns `None` or exactly the lowering's
/// tree, and `None` whenever rnix or the lowering rejects the input.
pub fn check_parser_diff(data: &[u8]) -> Result<(), String> {
    use flakefmt::nix::format::{lower, parser};
    let Ok(source) = std::str::from_utf8(data) else {
        return Ok(());
    };
    if !parser::lexer_agrees_with_rnix(source) {
        return Err("the direct parser's lexer and rnix's tokenizer disagree".into());
    }
    for strict in [false, true] {
        let fast = parser::parse_whole(source, strict).map(|whole| format!("{whole:?}"));
        let slow = flakefmt::nix::parse::parse(source)
            .ok()
            .and_then(|parsed| lower::lower(source, &parsed.root, strict).ok())
            .map(|whole| format!("{whole:?}"));
        match (fast, slow) {
            (Some(_), None) => {
                return Err("the direct parser accepts what rnix or the lowering rejects".into());
            }
            (Some(fast), Some(slow)) if fast != slow => {
                return Err(format!(
                    "the direct parser's tree differs (strict {strict}):\n{fast}\n{slow}"
                ));
            }
            _ => {}
        }
    }
    Ok(())
}
