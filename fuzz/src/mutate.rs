//! A small, deterministic, structure-aware mutator for Nix source, so the properties in
//! `props.rs` can be exercised beyond the seed corpus from a plain `cargo test` (the CI
//! smoke run, `tests/fuzz_regressions.rs`), without libFuzzer or a nightly toolchain.
//!
//! Depends only on `rnix` (included by path from the main crate's tests). Most mutations
//! keep the input valid Nix (layout and comment changes at token boundaries, swapping in
//! an expression of another file), so the formatter's output properties get checked, not
//! only its error path.

use rnix::{NodeOrToken, SyntaxKind, SyntaxNode};

/// xorshift64*: a fixed, portable pseudo-random sequence (no dependency, same on every
/// machine), so a failing iteration can be replayed by its number.
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed (0 is mapped to a fixed non-zero state).
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// The next value.
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A value in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// What can be inserted at a token boundary without touching any token: blanks, line
/// breaks and comments, which formatting moves but must not lose.
const LAYOUT: &[&str] = &[
    " ",
    "\n",
    "\n\n",
    "\n\n\n",
    "\t",
    " # c\n",
    "# c\n",
    " /* c */ ",
    "/*c*/",
    "\n  # c\n",
    "\r\n",
];

/// Tokens the byte-level mutation inserts (a few keywords and operators).
const TOKENS: &[&str] = &[
    "let ",
    " in ",
    "rec ",
    "with x; ",
    "inherit ",
    "assert x; ",
    "if ",
    " then ",
    " else ",
    " or ",
    "${",
    "}",
    "''",
    "\"",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ";",
    ":",
    "=",
    ".",
    "?",
    ",",
    "@",
    "...",
    "//",
    "++",
    "->",
    "==",
    "!",
    "-",
    "x",
    "1",
    "./p",
    "<p>",
];

/// Byte offsets between two tokens where layout can be inserted: not inside a string,
/// path or indented-string (where whitespace is content), and only at char boundaries.
fn layout_boundaries(root: &SyntaxNode) -> Vec<usize> {
    let mut out = Vec::new();
    for element in root.descendants_with_tokens() {
        let NodeOrToken::Token(token) = element else {
            continue;
        };
        // The nearest enclosing string, path or interpolation decides: whitespace is
        // content inside a string or path, layout inside `${ }`.
        let inside_literal = token
            .parent_ancestors()
            .find(|node| {
                matches!(
                    node.kind(),
                    SyntaxKind::NODE_STRING
                        | SyntaxKind::NODE_PATH_ABS
                        | SyntaxKind::NODE_PATH_HOME
                        | SyntaxKind::NODE_PATH_REL
                        | SyntaxKind::NODE_PATH_SEARCH
                        | SyntaxKind::NODE_INTERPOL
                )
            })
            .is_some_and(|node| node.kind() != SyntaxKind::NODE_INTERPOL);
        if !inside_literal || token.kind() == SyntaxKind::TOKEN_STRING_END {
            out.push(usize::from(token.text_range().end()));
        }
    }
    out
}

fn expressions(root: &SyntaxNode) -> Vec<SyntaxNode> {
    root.descendants()
        .filter(|node| {
            !matches!(
                node.kind(),
                SyntaxKind::NODE_ROOT
                    | SyntaxKind::NODE_ATTRPATH_VALUE
                    | SyntaxKind::NODE_ATTRPATH
                    | SyntaxKind::NODE_INHERIT
                    | SyntaxKind::NODE_INHERIT_FROM
                    | SyntaxKind::NODE_PAT_ENTRY
                    | SyntaxKind::NODE_PAT_BIND
                    | SyntaxKind::NODE_PATTERN
                    | SyntaxKind::NODE_INTERPOL
            )
        })
        .collect()
}

fn char_boundary(source: &str, mut at: usize) -> usize {
    while !source.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// One mutation of `source`, drawing material from `donors` (other files).
pub fn mutate(source: &str, donors: &[&str], rng: &mut Rng) -> String {
    let parsed = rnix::Root::parse(source);
    let root = parsed.syntax();
    match rng.below(10) {
        // Layout at 1-4 token boundaries (the input stays valid).
        0..=3 => {
            let boundaries = layout_boundaries(&root);
            if boundaries.is_empty() {
                return format!("{source}\n");
            }
            let mut at: Vec<usize> = (0..1 + rng.below(4))
                .map(|_| boundaries[rng.below(boundaries.len())])
                .collect();
            at.sort_unstable();
            at.dedup();
            let mut out = source.to_string();
            for &offset in at.iter().rev() {
                out.insert_str(offset, LAYOUT[rng.below(LAYOUT.len())]);
            }
            out
        }
        // Remove the whitespace (and maybe the comment) at one boundary.
        4 => {
            let trivia: Vec<_> = root
                .descendants_with_tokens()
                .filter_map(|e| e.into_token())
                .filter(|t| {
                    matches!(
                        t.kind(),
                        SyntaxKind::TOKEN_WHITESPACE | SyntaxKind::TOKEN_COMMENT
                    )
                })
                .collect();
            if trivia.is_empty() {
                return source.to_string();
            }
            let token = &trivia[rng.below(trivia.len())];
            let range = token.text_range();
            let replacement = if token.kind() == SyntaxKind::TOKEN_WHITESPACE {
                " "
            } else {
                ""
            };
            let mut out = source.to_string();
            out.replace_range(
                usize::from(range.start())..usize::from(range.end()),
                replacement,
            );
            out
        }
        // Replace an expression with one from a donor (or from this file).
        5..=7 => {
            let targets = expressions(&root);
            let donor_source = if donors.is_empty() || rng.below(4) == 0 {
                source
            } else {
                donors[rng.below(donors.len())]
            };
            let donor_root = rnix::Root::parse(donor_source).syntax();
            let material = expressions(&donor_root);
            if targets.is_empty() || material.is_empty() {
                return source.to_string();
            }
            let target = targets[rng.below(targets.len())].text_range();
            let piece = material[rng.below(material.len())].to_string();
            let mut out = source.to_string();
            out.replace_range(
                usize::from(target.start())..usize::from(target.end()),
                &piece,
            );
            out
        }
        // Byte level: insert a token, delete or duplicate a span (mostly invalid input:
        // exercises the error path and the parser's recovery).
        _ => {
            let mut out = source.to_string();
            let at = char_boundary(&out, rng.below(out.len() + 1));
            match rng.below(3) {
                0 => out.insert_str(at, TOKENS[rng.below(TOKENS.len())]),
                1 => {
                    let end = char_boundary(&out, (at + 1 + rng.below(16)).min(out.len()));
                    out.replace_range(at..end.max(at), "");
                }
                _ => {
                    let end = char_boundary(&out, (at + 1 + rng.below(32)).min(out.len()));
                    let span = out[at..end.max(at)].to_string();
                    out.insert_str(at, &span);
                }
            }
            out
        }
    }
}
