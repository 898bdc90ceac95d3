//! Expressions: `let`, `with`, `if`, `assert`, and rnix's operator levels (precedence
//! and associativity exactly as rnix's parser has them).

use rnix::SyntaxKind::{self, *};

use super::super::ast::*;
use super::super::lower::attach::{apply, operation};
use super::{P, Parser};

/// How a binary operator level chains.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Assoc {
    Left,
    Right,
    /// At most one operator.
    None,
}

/// The binary levels, loosest first; each level's operands are the next level.
/// `!` (prefix) sits between `//` and `+`; `?` and unary `-` below `++`.
const LEVELS: &[(&[SyntaxKind], Assoc)] = &[
    (&[TOKEN_PIPE_LEFT], Assoc::Right),
    (&[TOKEN_PIPE_RIGHT], Assoc::Left),
    (&[TOKEN_IMPLICATION], Assoc::Right),
    (&[TOKEN_OR_OR], Assoc::Left),
    (&[TOKEN_AND_AND], Assoc::Left),
    (&[TOKEN_EQUAL, TOKEN_NOT_EQUAL], Assoc::None),
    (
        &[TOKEN_LESS, TOKEN_LESS_OR_EQ, TOKEN_MORE, TOKEN_MORE_OR_EQ],
        Assoc::None,
    ),
    (&[TOKEN_UPDATE], Assoc::Right),
];

/// `+ -`, `* /`, `++`: the levels below `!`.
const INNER_LEVELS: &[(&[SyntaxKind], Assoc)] = &[
    (&[TOKEN_ADD, TOKEN_SUB], Assoc::Left),
    (&[TOKEN_MUL, TOKEN_DIV], Assoc::Left),
    (&[TOKEN_CONCAT], Assoc::Right),
];

impl Parser<'_> {
    /// An expression (rnix's `parse_expr`).
    pub(super) fn expr(&mut self) -> P<Expr> {
        self.enter()?;
        let expr = match self.peek()? {
            TOKEN_LET => self.let_expr()?,
            TOKEN_WITH => {
                let with = self.leaf()?;
                let scope = self.expr()?;
                let semicolon = self.expect_leaf(TOKEN_SEMICOLON)?;
                let body = self.expr()?;
                Expr::With(with, Box::new(scope), semicolon, Box::new(body))
            }
            TOKEN_ASSERT => {
                let assert = self.leaf()?;
                let condition = self.expr()?;
                let semicolon = self.expect_leaf(TOKEN_SEMICOLON)?;
                let body = self.expr()?;
                Expr::Assert(assert, Box::new(condition), semicolon, Box::new(body))
            }
            TOKEN_IF => {
                let if_ = self.leaf()?;
                let condition = self.expr()?;
                let then = self.expect_leaf(TOKEN_THEN)?;
                let yes = self.expr()?;
                let else_ = self.expect_leaf(TOKEN_ELSE)?;
                let no = self.expr()?;
                Expr::If(
                    if_,
                    Box::new(condition),
                    then,
                    Box::new(yes),
                    else_,
                    Box::new(no),
                )
            }
            _ => self.binary(LEVELS, 0)?,
        };
        self.leave(1);
        Some(expr)
    }

    /// `let … in body` or the legacy `let { … }`.
    fn let_expr(&mut self) -> P<Expr> {
        let let_ = self.leaf()?;
        if self.peek() == Some(TOKEN_L_BRACE) {
            let open = self.leaf()?;
            let (items, close) = self.bindings(TOKEN_R_BRACE)?;
            return Some(Expr::Term(Term::Set(Some(let_), open, items, close)));
        }
        let (items, in_) = self.bindings(TOKEN_IN)?;
        let body = self.expr()?;
        Some(Expr::Let(let_, items, in_, Box::new(body)))
    }

    /// The operator level `index` of `levels` (past the end: the next group of levels).
    fn binary(&mut self, levels: &[(&[SyntaxKind], Assoc)], index: usize) -> P<Expr> {
        let Some(&(ops, assoc)) = levels.get(index) else {
            return if std::ptr::eq(levels, LEVELS) {
                self.invert()
            } else {
                self.has_attr()
            };
        };
        let left = self.binary(levels, index + 1)?;
        let is_op = |this: &Self| this.peek().is_some_and(|kind| ops.contains(&kind));
        if !is_op(self) {
            return Some(left);
        }
        match assoc {
            Assoc::Right => {
                self.enter()?;
                let op = self.leaf()?;
                let right = self.binary(levels, index)?;
                self.leave(1);
                Some(operation(left, op, right))
            }
            Assoc::None => {
                let op = self.leaf()?;
                let right = self.binary(levels, index + 1)?;
                Some(operation(left, op, right))
            }
            Assoc::Left => {
                let mut left = left;
                let mut chain = 0;
                while is_op(self) {
                    self.enter()?;
                    chain += 1;
                    let op = self.leaf()?;
                    let right = self.binary(levels, index + 1)?;
                    left = operation(left, op, right);
                }
                self.leave(chain);
                Some(left)
            }
        }
    }

    /// `!e` (rnix's `parse_invert`), above `+`.
    fn invert(&mut self) -> P<Expr> {
        if self.peek() != Some(TOKEN_INVERT) {
            return self.binary(INNER_LEVELS, 0);
        }
        self.enter()?;
        let op = self.leaf()?;
        let inner = self.invert()?;
        self.leave(1);
        Some(Expr::Inversion(op, Box::new(inner)))
    }

    /// `e ? a.b` chains (rnix's `parse_hasattr`).
    fn has_attr(&mut self) -> P<Expr> {
        let mut expr = self.negate()?;
        let mut chain = 0;
        while self.peek() == Some(TOKEN_QUESTION) {
            self.enter()?;
            chain += 1;
            let question = self.leaf()?;
            let path = self.attrpath(None)?;
            expr = Expr::MemberCheck(Box::new(expr), question, path);
        }
        self.leave(chain);
        Some(expr)
    }

    /// `-e` (rnix's `parse_negate`).
    fn negate(&mut self) -> P<Expr> {
        if self.peek() != Some(TOKEN_SUB) {
            return self.application();
        }
        self.enter()?;
        let op = self.leaf()?;
        let inner = self.negate()?;
        self.leave(1);
        Some(Expr::Negation(op, Box::new(inner)))
    }

    /// `f a b` (rnix's `parse_fn`).
    fn application(&mut self) -> P<Expr> {
        let mut expr = self.simple(false)?;
        let mut chain = 0;
        while self.peek().is_some_and(|kind| kind.is_fn_arg()) {
            self.enter()?;
            chain += 1;
            let argument = self.simple(false)?;
            expr = apply(expr, argument);
        }
        self.leave(chain);
        Some(expr)
    }
}
