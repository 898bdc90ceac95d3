//! A direct parser from Nix source to the formatter's [`ast::Whole`], the fast path that
//! replaces rnix's parse plus [`lower`](super::lower) for the files it handles.
//!
//! It reads the tokens of its own scanner ([`scan`], checked token by token against
//! rnix's tokenizer, so every token, path, URI and string boundary is rnix's) and
//! follows rnix's grammar, building the lowered tree directly,
//! with trivia attached by the same [`Attach`] state the lowering uses. It is strict:
//! wherever rnix would report an error, recover, or build a shape the lowering rejects,
//! and on anything doubtful (nesting deeper than [`MAX_NESTING`], rnix's trivia tokens
//! disagreeing with nixfmt's trivia lexer), it gives up and returns `None`, and the
//! caller takes the rnix path. So `Some(tree)` means: rnix parses the file without error
//! and [`lower::lower`](super::lower::lower) returns exactly `tree`.

mod binding;
mod expr;
mod scan;
mod string;
mod term;

use rnix::SyntaxKind::{self, *};

use super::ast::{Leaf, Token, Whole};
use super::lower::attach::Attach;
use super::lower::symbol;

/// Nesting (expressions inside expressions, operator and application chains) beyond
/// which the fast path gives up: deeper files take the rnix path, which formats them on
/// a thread with a large stack.
pub const MAX_NESTING: usize = 60;

/// A significant (non-trivia) token of rnix's tokenizer.
#[derive(Clone, Copy, Debug)]
struct Tok {
    kind: SyntaxKind,
    start: usize,
    end: usize,
}

/// The parser state: rnix's tokens, a cursor, and the trivia attachment state.
struct Parser<'a> {
    source: &'a str,
    tokens: Vec<Tok>,
    pos: usize,
    at: Attach<'a>,
    depth: usize,
    /// A non-associative operator was found after one of its level: no operator level
    /// of the current expression takes an operator any more (see `binary`).
    stuck: bool,
}

/// `None`: not handled here (the caller takes the rnix path).
type P<T> = Option<T>;

/// Parses `source` into the tree [`lower::lower`](super::lower::lower) builds from rnix's
/// tree (`strict`: nixfmt's `--strict` lines), or `None` when the file is invalid, or
/// valid but not handled by the fast path.
pub fn parse_whole(source: &str, strict: bool) -> Option<Whole> {
    let tokens = scan::tokens(source)?;
    let mut parser = Parser {
        source,
        tokens,
        pos: 0,
        at: Attach::new(source, strict),
        depth: 0,
        stuck: false,
    };
    let expr = parser.expr()?;
    if parser.pos != parser.tokens.len() || parser.at.next != Some(source.len()) {
        return None;
    }
    Some(parser.at.finish_file(expr))
}

/// rnix's significant tokens, by rnix's own tokenizer, or `None` when one is an error
/// token (the reference for [`scan::tokens`]).
fn rnix_tokens(source: &str) -> Option<Vec<Tok>> {
    let mut out = Vec::new();
    let mut offset = 0;
    for (kind, text) in rnix::tokenize(source) {
        let start = offset;
        offset += text.len();
        match kind {
            TOKEN_WHITESPACE | TOKEN_COMMENT => {}
            TOKEN_ERROR => return None,
            kind => out.push(Tok {
                kind,
                start,
                end: offset,
            }),
        }
    }
    Some(out)
}

/// Whether the fast path's scanner agrees with rnix's tokenizer on `source` (for the
/// differential tests): the same significant tokens, or it leaves the file to rnix
/// (`None`: always safe, the caller takes the rnix path; which valid files must take the
/// fast path is for the coverage tests to say). It must never accept a file where rnix
/// has an error token.
#[doc(hidden)]
pub fn lexer_agrees_with_rnix(source: &str) -> bool {
    match (scan::tokens(source), rnix_tokens(source)) {
        (Some(fast), Some(reference)) => format!("{fast:?}") == format!("{reference:?}"),
        (Some(_), None) => false,
        (None, _) => true,
    }
}

impl<'a> Parser<'a> {
    /// The kind of the next token.
    fn peek(&self) -> Option<SyntaxKind> {
        self.tokens.get(self.pos).map(|t| t.kind)
    }

    /// The kind of the token `n` after the next one.
    fn peek_at(&self, n: usize) -> Option<SyntaxKind> {
        self.tokens.get(self.pos + n).map(|t| t.kind)
    }

    /// Consumes the next token. It must start where the trivia lexer stopped after the
    /// last finished lexeme (rnix and nixfmt agree on the trivia in between).
    fn bump(&mut self) -> P<Tok> {
        let token = *self.tokens.get(self.pos)?;
        if let Some(next) = self.at.next.take()
            && next != token.start
        {
            return None;
        }
        self.pos += 1;
        Some(token)
    }

    /// Consumes the next token, which must be of `kind`.
    fn expect(&mut self, kind: SyntaxKind) -> P<Tok> {
        if self.peek() == Some(kind) {
            self.bump()
        } else {
            None
        }
    }

    /// The text of a token.
    fn text(&self, token: Tok) -> &'a str {
        &self.source[token.start..token.end]
    }

    /// Consumes the next token as a leaf.
    fn leaf(&mut self) -> P<Leaf> {
        let token = self.bump()?;
        let text = self.text(token);
        let value = match token.kind {
            TOKEN_IDENT | TOKEN_CUR_POS => Token::Identifier(text.into()),
            TOKEN_INTEGER => Token::Integer(text.into()),
            TOKEN_FLOAT => Token::Float(text.into()),
            TOKEN_PATH_SEARCH => Token::EnvPath(text.into()),
            kind => Token::Symbol(symbol(kind)),
        };
        Some(self.at.leaf(token.start, token.end, value))
    }

    /// Consumes the next token, which must be of `kind`, as a leaf.
    fn expect_leaf(&mut self, kind: SyntaxKind) -> P<Leaf> {
        if self.peek() == Some(kind) {
            self.leaf()
        } else {
            None
        }
    }

    /// Consumes the next token as an identifier leaf (also `or` where rnix reads it as
    /// one).
    fn ident_leaf(&mut self) -> P<Leaf> {
        let token = self.bump()?;
        let value = Token::Identifier(self.text(token).into());
        Some(self.at.leaf(token.start, token.end, value))
    }

    /// One more level of nesting; `None` beyond [`MAX_NESTING`].
    fn enter(&mut self) -> P<()> {
        self.depth += 1;
        (self.depth <= MAX_NESTING).then_some(())
    }

    /// Leaves `levels` levels of nesting.
    fn leave(&mut self, levels: usize) {
        self.depth -= levels;
    }
}

#[cfg(test)]
mod tests;
