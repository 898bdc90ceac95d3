//! Simple expressions (rnix's `parse_simple`): parentheses, sets, lists, strings, paths,
//! literals, identifiers, lambdas with a parameter in front, selections and the `x or`
//! application.

use rnix::SyntaxKind::*;

use super::super::ast::*;
use super::super::lower::attach::apply;
use super::{P, Parser};

impl Parser<'_> {
    /// A simple expression. `in_list`: a list item, where a trailing `or` is left to the
    /// list (rnix's `x or` application is flattened into two items there).
    pub(super) fn simple(&mut self, in_list: bool) -> P<Expr> {
        self.enter()?;
        let expr = match self.peek()? {
            TOKEN_L_PAREN => {
                let open = self.leaf()?;
                let inner = self.expr()?;
                let close = self.expect_leaf(TOKEN_R_PAREN)?;
                Expr::Term(Term::Parenthesized(open, Box::new(inner), close))
            }
            TOKEN_REC => {
                let rec = self.leaf()?;
                let open = self.expect_leaf(TOKEN_L_BRACE)?;
                let (items, close) = self.bindings(TOKEN_R_BRACE)?;
                Expr::Term(Term::Set(Some(rec), open, items, close))
            }
            TOKEN_L_BRACE => self.set_or_pattern()?,
            TOKEN_L_BRACK => self.list()?,
            TOKEN_STRING_START => Expr::Term(self.string()?),
            TOKEN_PATH_ABS | TOKEN_PATH_REL | TOKEN_PATH_HOME => Expr::Term(self.path()?),
            TOKEN_PATH_SEARCH | TOKEN_INTEGER | TOKEN_FLOAT => {
                Expr::Term(Term::Token(self.leaf()?))
            }
            TOKEN_URI => {
                let token = self.bump()?;
                let value = vec![vec![StringPart::Text(self.text(token).to_string())]];
                let pre = self.at.take_pending();
                let line = self.at.token_line(token.start, token.end);
                Expr::Term(Term::SimpleString(
                    self.at.finish(pre, line, token.end, value),
                ))
            }
            TOKEN_IDENT => match self.peek_at(1) {
                Some(TOKEN_COLON) => {
                    let name = self.ident_leaf()?;
                    self.lambda(Parameter::Id(name))?
                }
                Some(TOKEN_AT) => {
                    let name = self.ident_leaf()?;
                    let at = self.leaf()?;
                    let set = self.pattern(true)?;
                    self.lambda(Parameter::Context(
                        Box::new(Parameter::Id(name)),
                        at,
                        Box::new(set),
                    ))?
                }
                _ => Expr::Term(Term::Token(self.ident_leaf()?)),
            },
            _ => return None,
        };
        let expr = if self.peek() == Some(TOKEN_DOT) {
            let Expr::Term(base) = expr else {
                return None;
            };
            let dot = self.leaf()?;
            let path = self.attrpath(Some(dot))?;
            let default = if self.peek() == Some(TOKEN_OR) {
                let or = self.leaf()?;
                let Expr::Term(value) = self.simple(false)? else {
                    return None;
                };
                Some((or, Box::new(value)))
            } else {
                None
            };
            Expr::Term(Term::Selection(Box::new(base), path, default))
        } else if !in_list && self.peek() == Some(TOKEN_OR) {
            let or = self.ident_leaf()?;
            apply(expr, Expr::Term(Term::Token(or)))
        } else {
            expr
        };
        self.leave(1);
        Some(expr)
    }

    /// `param: body`, from the colon.
    fn lambda(&mut self, parameter: Parameter) -> P<Expr> {
        let colon = self.expect_leaf(TOKEN_COLON)?;
        let body = self.expr()?;
        Some(Expr::Abstraction(parameter, colon, Box::new(body)))
    }

    /// `{`: a set, or a lambda with a parameter set, decided like rnix does by the two
    /// tokens after the brace.
    fn set_or_pattern(&mut self) -> P<Expr> {
        let is_pattern = matches!(
            (self.peek_at(1), self.peek_at(2)),
            (
                Some(TOKEN_IDENT),
                Some(TOKEN_COMMA | TOKEN_QUESTION | TOKEN_R_BRACE)
            ) | (Some(TOKEN_ELLIPSIS), Some(TOKEN_R_BRACE))
                | (Some(TOKEN_R_BRACE), Some(TOKEN_COLON | TOKEN_AT))
        );
        if !is_pattern {
            let open = self.leaf()?;
            let (items, close) = self.bindings(TOKEN_R_BRACE)?;
            return Some(Expr::Term(Term::Set(None, open, items, close)));
        }
        let set = self.pattern(false)?;
        let parameter = if self.peek() == Some(TOKEN_AT) {
            let at = self.leaf()?;
            if self.peek() != Some(TOKEN_IDENT) {
                return None;
            }
            let name = self.ident_leaf()?;
            Parameter::Context(Box::new(set), at, Box::new(Parameter::Id(name)))
        } else {
            set
        };
        self.lambda(parameter)
    }

    /// `[ … ]`.
    fn list(&mut self) -> P<Expr> {
        let open = self.leaf()?;
        let mut items = Vec::new();
        loop {
            match self.peek()? {
                TOKEN_R_BRACK => break,
                _ => {
                    self.flush_comments(&mut items);
                    let Expr::Term(term) = self.simple(true)? else {
                        return None;
                    };
                    items.push(Item::Item(term));
                    if self.peek() == Some(TOKEN_OR) {
                        self.flush_comments(&mut items);
                        let or = self.ident_leaf()?;
                        items.push(Item::Item(Term::Token(or)));
                    }
                }
            }
        }
        self.flush_comments(&mut items);
        let close = self.leaf()?;
        Some(Expr::Term(Term::List(open, items, close)))
    }

    /// Pending trivia between items becomes an item of its own.
    pub(super) fn flush_comments<T>(&mut self, items: &mut Items<T>) {
        if !self.at.pending.is_empty() {
            items.push(Item::Comments(self.at.take_pending()));
        }
    }
}
