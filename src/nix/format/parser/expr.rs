//! Expressions: `let`, `with`, `if`, `assert`, and rnix's operator levels (precedence
//! and associativity exactly as rnix's parser has them).

use rnix::SyntaxKind::{self, *};

use super::super::ast::*;
use super::super::lower::attach::{apply, operation};
use super::{P, Parser};

/// How operators of one level chain.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Assoc {
    Left,
    Right,
    /// At most one operator of the level (a second one is an error).
    None,
}

/// rnix's binary operator levels, loosest first (1 = `<|`), with their associativity.
/// `!` (prefix) sits between `//` (8) and `+` (10), at level 9: its operand is a level 9
/// expression, and it may only start a level 8 operand or a looser one. `?` (postfix,
/// level 13) and unary `-` (tightest, over applications) are below `++`.
fn level(kind: SyntaxKind) -> Option<(u8, Assoc)> {
    Some(match kind {
        TOKEN_PIPE_LEFT => (1, Assoc::Right),
        TOKEN_PIPE_RIGHT => (2, Assoc::Left),
        TOKEN_IMPLICATION => (3, Assoc::Right),
        TOKEN_OR_OR => (4, Assoc::Left),
        TOKEN_AND_AND => (5, Assoc::Left),
        TOKEN_EQUAL | TOKEN_NOT_EQUAL => (6, Assoc::None),
        TOKEN_LESS | TOKEN_LESS_OR_EQ | TOKEN_MORE | TOKEN_MORE_OR_EQ => (7, Assoc::None),
        TOKEN_UPDATE => (8, Assoc::Right),
        TOKEN_ADD | TOKEN_SUB => (10, Assoc::Left),
        TOKEN_MUL | TOKEN_DIV => (11, Assoc::Left),
        TOKEN_CONCAT => (12, Assoc::Right),
        TOKEN_QUESTION => (13, Assoc::Left),
        _ => return None,
    })
}

/// The level of `!`.
const INVERT: u8 = 9;

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
            _ => self.binary(1)?,
        };
        self.stuck = false;
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

    /// An expression of operator level `min` or tighter (precedence climbing over
    /// rnix's levels: the same trees as its one-function-per-level descent).
    fn binary(&mut self, min: u8) -> P<Expr> {
        let mut left = if self.peek() == Some(TOKEN_INVERT) {
            if min > INVERT {
                // rnix reads `!` only as a level 9 operand: `a + !b` is an error.
                return None;
            }
            self.enter()?;
            let op = self.leaf()?;
            let inner = self.binary(INVERT)?;
            self.leave(1);
            Expr::Inversion(op, Box::new(inner))
        } else {
            self.negate()?
        };
        let mut levels = 0;
        // After a non-associative operator of some level, only looser ones may follow.
        let mut below = u8::MAX;
        while let Some((level, assoc)) = self.peek().and_then(level) {
            if level < min {
                break;
            }
            if level >= below || self.stuck {
                // A second non-associative operator: rnix leaves it to the operator levels
                // around the enclosing expression, if any (`x: a < b < c` is
                // `(x: a < b) < c`); none of this expression's levels takes it.
                self.stuck = true;
                break;
            }
            self.enter()?;
            levels += 1;
            let op = self.leaf()?;
            if level == 13 {
                let path = self.attrpath(None)?;
                left = Expr::MemberCheck(Box::new(left), op, path);
                continue;
            }
            let right = match assoc {
                Assoc::Right => self.binary(level)?,
                Assoc::Left => self.binary(level + 1)?,
                Assoc::None => {
                    below = level;
                    self.binary(level + 1)?
                }
            };
            left = operation(left, op, right);
        }
        self.leave(levels);
        Some(left)
    }

    /// `-e` (rnix's `parse_negate`).
    #[inline]
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
    #[inline]
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
