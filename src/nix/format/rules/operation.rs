//! Binary operators: chains of the same operator are flattened and broken before each
//! operator; comments on operators move above them.

use super::*;
use crate::nix::format::ast::*;
use crate::nix::format::doc::*;

fn flatten<'a>(
    op: &Token,
    operator: Option<&'a Leaf>,
    expr: &'a Expr,
    out: &mut Vec<(Option<&'a Leaf>, &'a Expr)>,
) {
    match expr {
        Expr::Operation(left, inner_op, right) if inner_op.value == *op => {
            flatten(op, operator, left, out);
            flatten(op, Some(inner_op), right, out);
        }
        _ => out.push((operator, expr)),
    }
}

fn absorb_operation(b: &mut DocBuilder, expr: &Expr) {
    match expr {
        Expr::Term(t) if is_absorbable(t) => {
            b.hardspace();
            pretty_term_grouped(b, t);
        }
        Expr::Operation(..) => b.group(|b| {
            b.line();
            pretty_expr(b, expr);
        }),
        Expr::Application(f, a) => b.group(|b| {
            b.hardspace();
            pretty_app(b, false, Some(Spacing::Space), false, f, a);
        }),
        _ => {
            b.hardspace();
            pretty_expr(b, expr);
        }
    }
}

/// An operator chain (`prettyOp`); `force_first_wide` expands a set as first operand.
pub(crate) fn pretty_op(b: &mut DocBuilder, force_first_wide: bool, operation: &Expr, op: &Leaf) {
    let mut operands = Vec::new();
    flatten(&op.value, None, operation, &mut operands);
    let is_pipe = matches!(op.value, Token::Symbol("|>" | "<|"));
    let sep = if is_pipe && operands.len() > 3 {
        Spacing::Hardline
    } else {
        Spacing::Space
    };
    b.group(|b| {
        for (operator, expr) in operands {
            match operator {
                None => match expr {
                    Expr::Term(t) if force_first_wide && is_absorbable(t) => pretty_term_wide(b, t),
                    _ => pretty_expr(b, expr),
                },
                Some(operator) => {
                    b.spacing(sep);
                    pretty_leaf_trail_up(b, operator);
                    b.nest(|b| absorb_operation(b, expr));
                }
            }
        }
    });
}
