//! Differential check against `nixfmt_rs` 0.5.3 (a port of nixfmt, the reference
//! formatter): on input both parse, the two outputs must be byte-identical.
//!
//! Lives apart from `props.rs` because it needs `nixfmt_rs`, a dependency of this fuzz
//! crate only (never of flakefmt). A difference is a lead, not a verdict: which side is
//! right is decided from nixfmt's own source and test corpus (docs/performance.md).

use flakefmt::nix::NixFormatOptions;

/// The layout options one input is compared at: the defaults, or (picked by the input's
/// length, so a replay compares exactly what the fuzzer compared) a narrower width or
/// indent 4. Widths below 10 are left out: nixfmt is not idempotent there, and neither
/// port promises anything useful.
pub fn diff_options(data: &[u8]) -> NixFormatOptions {
    let default = NixFormatOptions::default();
    match data.len() % 4 {
        0 => NixFormatOptions {
            width: 40,
            ..default
        },
        1 => NixFormatOptions {
            width: 80,
            indent: 4,
            ..default
        },
        _ => default,
    }
}

/// Nesting deeper than this (brackets, `${`) is skipped: nixfmt_rs recurses on the native
/// stack and would overflow, which is its limit, not a difference in style.
const MAX_BRACKET_DEPTH: usize = 150;

fn too_deep(source: &str) -> bool {
    let mut depth = 0usize;
    for byte in source.bytes() {
        match byte {
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_BRACKET_DEPTH {
                    return true;
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    // `let`/`if`/lambdas nest without brackets; a long input of them is just as deep.
    source.len() > 20_000
}

/// A carriage return not followed by a line feed. Nix reads it as whitespace; nixfmt's
/// lexer does not (`isHSpace` excludes `\r`, `eol` wants `\r\n`), so between tokens it
/// makes nixfmt reject the file (no reference layout; flakefmt and nixfmt_rs both accept it
/// and differ on whether `\n\r \n` is a blank line). Inside a block comment nixfmt keeps
/// it as text (it splits comment lines on `\n` only), as flakefmt does
/// (tests/fixtures/nix/comment_lone_cr), while nixfmt_rs 0.5.3 breaks the line there.
/// Both are known; such inputs are skipped.
fn has_lone_carriage_return(source: &str) -> bool {
    let bytes = source.as_bytes();
    bytes
        .iter()
        .enumerate()
        .any(|(i, &b)| b == b'\r' && bytes.get(i + 1) != Some(&b'\n'))
}

// `/*nixfmt:disable*/` regions are skipped too: nixfmt_rs 0.5.3 fails three of nixfmt's own
// directive test cases (diff/directive_interp, directive_positions, directive_whole_file at
// width 80), which flakefmt passes, so a difference there says nothing new.

/// Compares flakefmt with nixfmt_rs on one input. `Ok(())` when they agree or when the
/// input is out of scope (not UTF-8, rejected by either parser, too deep, refused by
/// flakefmt with a diagnostic); `Err` describes the difference.
pub fn check_nix_diff(data: &[u8]) -> Result<(), String> {
    let Ok(source) = std::str::from_utf8(data) else {
        return Ok(());
    };
    if too_deep(source) || has_lone_carriage_return(source) || source.contains("nixfmt:") {
        return Ok(());
    }
    if flakefmt::nix::parse::parse(source).is_err() {
        return Ok(());
    }
    let options = diff_options(data);
    let mut theirs_options = nixfmt_rs::Options::default();
    theirs_options.width = options.width;
    theirs_options.indent = options.indent;
    let Ok(theirs) = nixfmt_rs::format_with(source, &theirs_options) else {
        return Ok(()); // the two parsers disagree on validity: not a formatting lead
    };
    let Ok(ours) = flakefmt::nix::format_source(source, &options) else {
        return Ok(()); // refusals are the property targets' business
    };
    if ours == theirs || known_nixfmt_rs_difference(&ours, &theirs) {
        return Ok(());
    }
    if !same_tokens(source, &theirs) {
        // nixfmt_rs changed the program (e.g. `v./p`, one path token in Nix and in nixfmt,
        // became the application `v ./p`): its bug, and flakefmt's output is checked for
        // the same property by the nix_format target.
        return Ok(());
    }
    let line = ours
        .lines()
        .zip(theirs.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| ours.lines().count().min(theirs.lines().count()));
    Err(format!(
        "width {} indent {}: flakefmt and nixfmt_rs differ from output line {}\n--- flakefmt\n{ours}\n--- nixfmt_rs\n{theirs}",
        options.width,
        options.indent,
        line + 1
    ))
}

/// Differences already traced to nixfmt_rs, skipped so the fuzzer looks for new ones:
///
/// - an operand of `?` on a line of its own (`x\n? attr`, seen at narrow widths):
///   nixfmt_rs indents it one level deeper; nixfmt's `pretty (MemberCheck ..)` is
///   `pretty expr <> softline <> "?" ..`, with no nesting. The outputs then differ only in
///   the leading spaces of lines that start with `? `. nixfmt_rs also breaks before a `?`
///   that nixfmt keeps on the line: after a multi-line operand (`{\n} ? m`) nixfmt's
///   `softline`, in a group that did not fit, is still only taken when the rest of the line
///   does not fit; nixfmt_rs takes it. So a line `? attr` of nixfmt_rs's output may be
///   joined to the line before it.
/// - a comment after a multi-line string (`"\n" # c`): nixfmt moves it to a line of its
///   own (its test case diff/comment, which nixfmt_rs 0.5.3 fails and flakefmt passes);
///   nixfmt_rs keeps it on the string's last line.
/// - a language annotation (`/* bash */ "…"`) alone on a line: nixfmt prints it with a
///   hard space before its string (`pretty (LanguageAnnotation ..)`), nixfmt_rs sometimes
///   breaks the line there (tests/fixtures/nix/language_annotation_narrow).
pub fn known_nixfmt_rs_difference(ours: &str, theirs: &str) -> bool {
    // Both sides get both normalisations: a line of a string's content can look like a
    // comment (`#include` in an indented string) or an annotation, and must be joined (or
    // not) alike on both sides.
    let normalise = |text: &str| join_lone_annotations(&join_comments_after_strings(text));
    let (ours, theirs) = (normalise(ours), normalise(theirs));
    // A `?` that nixfmt_rs alone broke onto a line of its own: joined on its side only.
    same_lines(&ours, &theirs) || same_lines(&ours, &join_member_checks(&theirs))
}

/// The same lines, but for the indentation of lines that start with `? `.
fn same_lines(ours: &str, theirs: &str) -> bool {
    let (ours, theirs): (Vec<&str>, Vec<&str>) = (ours.lines().collect(), theirs.lines().collect());
    ours.len() == theirs.len()
        && ours.iter().zip(&theirs).all(|(a, b)| {
            a == b || (a.trim_start().starts_with("? ") && a.trim_start() == b.trim_start())
        })
}

/// A line starting with `? ` (after its indentation), joined to the line before it.
fn join_member_checks(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        let rest = line.trim_start();
        match out.last_mut() {
            Some(previous) if rest.starts_with("? ") => {
                previous.push(' ');
                previous.push_str(rest);
            }
            _ => out.push(line.to_string()),
        }
    }
    out.join("\n")
}

/// A line holding only `/* word */`, joined with the next line.
fn join_lone_annotations(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut pending: Option<String> = None;
    for line in text.lines() {
        let trimmed = line.trim();
        let word = trimmed
            .strip_prefix("/* ")
            .and_then(|rest| rest.strip_suffix(" */"));
        match pending.take() {
            Some(annotation) => out.push(format!("{annotation} {}", line.trim_start())),
            None if word.is_some_and(|w| !w.is_empty() && !w.contains(' ')) => {
                pending = Some(line.to_string());
            }
            None => out.push(line.to_string()),
        }
    }
    out.extend(pending);
    out.join("\n")
}

/// `..."\n  # c` (a line ending a string, then a comment line) as `..." # c`.
fn join_comments_after_strings(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        let comment = line.trim_start();
        match out.last_mut() {
            Some(previous)
                if comment.starts_with('#')
                    && (previous.ends_with('"') || previous.ends_with("''")) =>
            {
                previous.push(' ');
                previous.push_str(comment);
            }
            _ => out.push(line.to_string()),
        }
    }
    out.join("\n")
}

/// Whether `output` parses (by rnix, as flakefmt and Nix read it) to the same significant
/// tokens as `source`.
fn same_tokens(source: &str, output: &str) -> bool {
    match (
        flakefmt::nix::parse::parse(source),
        flakefmt::nix::parse::parse(output),
    ) {
        (Ok(before), Ok(after)) => {
            crate::props::significant_tokens(&before.root)
                == crate::props::significant_tokens(&after.root)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The known annotation difference is recognised even when a string's content holds a
    /// line that starts with `#` right after the line that opens the string.
    #[test]
    fn a_hash_line_inside_a_string_does_not_hide_a_known_difference() {
        let ours = "{\n  a = /* c */ ''\n    #include <x>\n  '';\n  b =\n    /* sh */ \"long\"\n      A;\n}\n";
        let theirs = "{\n  a = /* c */ ''\n    #include <x>\n  '';\n  b =\n    /* sh */\n    \"long\"\n      A;\n}\n";
        assert!(known_nixfmt_rs_difference(ours, theirs));
        let other = theirs.replace("A;", "B;");
        assert!(!known_nixfmt_rs_difference(ours, &other));
    }

    /// `{\n} ? m` (found by a campaign, minimised): nixfmt keeps the `?` on the brace's
    /// line, nixfmt_rs breaks and indents it.
    #[test]
    fn a_member_check_broken_by_nixfmt_rs_is_known() {
        assert!(known_nixfmt_rs_difference("{\n} ? m\n", "{\n}\n    ? m\n"));
        assert!(!known_nixfmt_rs_difference("{\n} ? m\n", "{\n}\n    ? n\n"));
        // The other way round (flakefmt breaking where nixfmt_rs does not) is not known.
        assert!(!known_nixfmt_rs_difference("{\n}\n? m\n", "{\n} ? m\n"));
    }
}
