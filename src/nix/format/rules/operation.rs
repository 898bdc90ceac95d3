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

fn absorb_operation(expr: &Expr) -> Doc {
    match expr {
        Expr::Term(t) if is_absorbable(t) => concat([hardspace(), pretty_term_grouped(t)]),
        Expr::Operation(..) => group_kind(GroupKind::Regular, concat([line(), pretty_expr(expr)])),
        Expr::Application(f, a) => group(concat([
            hardspace(),
            pretty_app(false, &line(), false, f, a),
        ])),
        _ => concat([hardspace(), pretty_expr(expr)]),
    }
}

/// An operator chain (`prettyOp`); `force_first_wide` expands a set as first operand.
pub(crate) fn pretty_op(force_first_wide: bool, operation: &Expr, op: &Leaf) -> Doc {
    let mut operands = Vec::new();
    flatten(&op.value, None, operation, &mut operands);
    let is_pipe = matches!(op.value, Token::Symbol("|>" | "<|"));
    let sep = if is_pipe && operands.len() > 3 {
        hardline()
    } else {
        line()
    };
    let mut out = Vec::new();
    for (operator, expr) in operands {
        match operator {
            None => match expr {
                Expr::Term(t) if force_first_wide && is_absorbable(t) => {
                    out.extend(pretty_term_wide(t))
                }
                _ => out.extend(pretty_expr(expr)),
            },
            Some(operator) => {
                out.extend(sep.iter().cloned());
                out.extend(pretty_leaf(&move_trailing_comment_up(operator)));
                out.extend(nest(absorb_operation(expr)));
            }
        }
    }
    group_kind(GroupKind::Regular, out)
}
