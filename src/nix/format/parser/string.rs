//! Strings (`"…"`, `''…''`) and paths, with their interpolations.

use rnix::SyntaxKind::*;

use super::super::ast::*;
use super::super::lower::attach::push_string_text;
use super::super::lower::push_text;
use super::{P, Parser};

impl Parser<'_> {
    /// The lines of a string from its opening delimiter (consumed here) to its end:
    /// (lines, offset after the closing delimiter).
    fn string_lines(&mut self) -> P<(Vec<Vec<StringPart>>, usize)> {
        self.expect(TOKEN_STRING_START)?;
        let mut lines = Vec::with_capacity(1);
        let mut line = Vec::new();
        loop {
            let token = self.bump()?;
            match token.kind {
                TOKEN_STRING_CONTENT => {
                    push_string_text(&mut lines, &mut line, self.text(token), true);
                }
                TOKEN_INTERPOL_START => {
                    let whole = self.interpolation(token.end)?;
                    line.push(StringPart::Interpolation(Box::new(whole)));
                }
                TOKEN_STRING_END => {
                    lines.push(line);
                    return Some((lines, token.end));
                }
                _ => return None,
            }
        }
    }

    /// The inside of `${ … }` after the `${` (which ends at `open_end`), and its `}`.
    fn interpolation(&mut self, open_end: usize) -> P<Whole> {
        let saved = self.at.enter_interpolation(open_end);
        let expr = self.expr()?;
        self.expect(TOKEN_INTERPOL_END)?;
        Some(self.at.leave_interpolation(saved, expr))
    }

    /// Whether the next token opens an indented string.
    fn at_indented(&self) -> bool {
        self.tokens
            .get(self.pos)
            .is_some_and(|t| self.source.as_bytes()[t.start] == b'\'')
    }

    /// A `"…"` string (never converted; as in attribute names). `None` for `''…''`.
    pub(super) fn simple_string(&mut self) -> P<NixString> {
        if self.at_indented() {
            return None;
        }
        let start = self.tokens.get(self.pos)?.start;
        let pre = self.at.take_pending();
        let line = self.at.line(start);
        let (lines, end) = self.string_lines()?;
        Some(self.at.finish(pre, line, end, lines))
    }

    /// A string term.
    pub(super) fn string(&mut self) -> P<Term> {
        if !self.at_indented() {
            return Some(Term::SimpleString(self.simple_string()?));
        }
        let start = self.tokens.get(self.pos)?.start;
        let pre = self.at.take_pending();
        let line = self.at.line(start);
        let cuts_before = self.at.directives.cut_interpolations;
        let (lines, end) = self.string_lines()?;
        let cut = self.at.directives.cut_interpolations != cuts_before;
        Some(self.at.indented_string(pre, line, end, lines, cut))
    }

    /// A path, with its interpolations when `${` follows it directly (a path followed by
    /// trivia and then `${` is left to the rnix path).
    pub(super) fn path(&mut self) -> P<Term> {
        let pre = self.at.take_pending();
        let first = self.bump()?;
        let line = self.at.line(first.start);
        let mut parts = Vec::with_capacity(1);
        push_text(&mut parts, self.text(first));
        let mut end = first.end;
        if self.peek() == Some(TOKEN_INTERPOL_START) {
            let mut first_part = true;
            while let Some(&token) = self.tokens.get(self.pos) {
                if token.start != end {
                    if first_part {
                        // rnix reads `./a ${b}` as one path.
                        return None;
                    }
                    break;
                }
                first_part = false;
                match token.kind {
                    TOKEN_PATH_ABS | TOKEN_PATH_REL | TOKEN_PATH_HOME => {
                        self.pos += 1;
                        push_text(&mut parts, self.text(token));
                        end = token.end;
                    }
                    TOKEN_INTERPOL_START => {
                        self.pos += 1;
                        let whole = self.interpolation(token.end)?;
                        parts.push(StringPart::Interpolation(Box::new(whole)));
                        end = self.tokens.get(self.pos - 1)?.end;
                    }
                    _ => break,
                }
            }
        }
        Some(Term::Path(self.at.finish(pre, line, end, parts)))
    }
}
