//! Bindings of sets and `let` (assignments, `inherit`), attribute paths, and lambda
//! parameter sets.

use rnix::SyntaxKind::{self, *};

use super::super::ast::*;
use super::{P, Parser};

impl Parser<'_> {
    /// The bindings up to `until` (`}` or `in`), and that closing token.
    pub(super) fn bindings(&mut self, until: SyntaxKind) -> P<(Items<Binder>, Leaf)> {
        let mut items = Vec::new();
        loop {
            let kind = self.peek()?;
            if kind == until {
                break;
            }
            self.flush_comments(&mut items);
            if kind == TOKEN_INHERIT {
                items.push(Item::Item(self.inherit()?));
            } else {
                let path = self.attrpath(None)?;
                let assign = self.expect_leaf(TOKEN_ASSIGN)?;
                let value = self.expr()?;
                let semicolon = self.expect_leaf(TOKEN_SEMICOLON)?;
                items.push(Item::Item(Binder::Assignment(
                    path, assign, value, semicolon,
                )));
            }
        }
        self.flush_comments(&mut items);
        let close = self.leaf()?;
        Some((items, close))
    }

    /// `inherit (from) names;`
    fn inherit(&mut self) -> P<Binder> {
        let inherit = self.leaf()?;
        let from = if self.peek() == Some(TOKEN_L_PAREN) {
            let open = self.leaf()?;
            let inner = self.expr()?;
            let close = self.expect_leaf(TOKEN_R_PAREN)?;
            Some(Term::Parenthesized(open, Box::new(inner), close))
        } else {
            None
        };
        let mut names = Vec::new();
        while self.peek()? != TOKEN_SEMICOLON {
            names.push(self.attr(true)?);
        }
        let semicolon = self.leaf()?;
        Some(Binder::Inherit(inherit, from, names, semicolon))
    }

    /// An attribute path; `dot` is the dot before it (selections).
    pub(super) fn attrpath(&mut self, mut dot: Option<Leaf>) -> P<Vec<Selector>> {
        let mut path = Vec::with_capacity(2);
        loop {
            let selector = self.attr(false)?;
            path.push(Selector {
                dot: dot.take(),
                selector,
            });
            if self.peek() != Some(TOKEN_DOT) {
                return Some(path);
            }
            dot = Some(self.leaf()?);
        }
    }

    /// An attribute name: identifier (`or` included), `"string"` or `${ … }` (in
    /// `inherit`, only `${"string"}`, as the lowering accepts).
    fn attr(&mut self, in_inherit: bool) -> P<SimpleSelector> {
        match self.peek()? {
            TOKEN_IDENT | TOKEN_OR => Some(SimpleSelector::Id(self.ident_leaf()?)),
            TOKEN_STRING_START => Some(SimpleSelector::String(self.simple_string()?)),
            TOKEN_INTERPOL_START => {
                let pre = self.at.take_pending();
                let open = self.bump()?;
                let line = self.at.line(open.start);
                if in_inherit
                    && !(self.peek() == Some(TOKEN_STRING_START)
                        && self.peek_text().starts_with('"'))
                {
                    return None;
                }
                let saved = self.at.enter_interpolation(open.end);
                let expr = self.expr()?;
                if in_inherit && !matches!(expr, Expr::Term(Term::SimpleString(_))) {
                    return None;
                }
                let close = self.expect(TOKEN_INTERPOL_END)?;
                let whole = self.at.leave_interpolation(saved, expr);
                let part = StringPart::Interpolation(Box::new(whole));
                Some(SimpleSelector::Interpol(
                    self.at.finish(pre, line, close.end, part),
                ))
            }
            _ => None,
        }
    }

    /// The text of the next token.
    fn peek_text(&self) -> &str {
        self.tokens
            .get(self.pos)
            .map_or("", |t| &self.source[t.start..t.end])
    }

    /// A parameter set `{ a, b ? d, ... }` (rnix's `parse_pattern`); `bound`: after
    /// `name @`, where a second `@` is an error.
    pub(super) fn pattern(&mut self, bound: bool) -> P<Parameter> {
        let open = self.expect_leaf(TOKEN_L_BRACE)?;
        let mut attrs = Vec::new();
        let close = loop {
            match self.peek()? {
                TOKEN_R_BRACE => break self.leaf()?,
                TOKEN_ELLIPSIS => {
                    attrs.push(ParamAttr::Ellipsis(self.leaf()?));
                    break self.expect_leaf(TOKEN_R_BRACE)?;
                }
                TOKEN_IDENT => {
                    let name = self.ident_leaf()?;
                    let default = if self.peek() == Some(TOKEN_QUESTION) {
                        let question = self.leaf()?;
                        Some((question, Box::new(self.expr()?)))
                    } else {
                        None
                    };
                    if self.peek() == Some(TOKEN_COMMA) {
                        let comma = self.leaf()?;
                        attrs.push(ParamAttr::Attr(name, default, Some(comma)));
                    } else {
                        attrs.push(ParamAttr::Attr(name, default, None));
                        break self.expect_leaf(TOKEN_R_BRACE)?;
                    }
                }
                _ => return None,
            }
        };
        if bound && self.peek() == Some(TOKEN_AT) {
            return None;
        }
        Some(Parameter::Set(open, attrs, close))
    }
}
