//! Bindings: `name = value;`, `inherit …;`, and the right-hand-side absorption rules
//! shared with parameter defaults.

use super::term::{pretty_selector, pretty_simple_selector};
use super::*;
use crate::nix::format::ast::*;
use crate::nix::format::doc::*;

fn is_update_concat_plus(op: &Token) -> bool {
    matches!(op, Token::Symbol("//" | "++" | "+"))
}

/// The right-hand side of a binding or a parameter default (`absorbRHS`).
pub(crate) fn absorb_rhs(expr: &Expr) -> Doc {
    if let Expr::Term(Term::Set(_, _, items, _)) = expr
        && matches!(items.as_slice(), [Item::Item(Binder::Inherit(..))])
    {
        return nest(concat([hardspace(), group(absorb_expr(false, expr))]));
    }
    if is_absorbable_expr(expr) {
        return nest(concat([hardspace(), group(absorb_expr(true, expr))]));
    }
    match expr {
        Expr::Term(Term::Parenthesized(open, inner, close)) => {
            nest(concat([hardspace(), absorb_paren(open, inner, close)]))
        }
        Expr::Term(Term::SimpleString(_) | Term::IndentedString(..) | Term::Path(_)) => {
            nest(concat([hardspace(), group(pretty_expr(expr))]))
        }
        Expr::Term(_) => nest(group_kind(
            GroupKind::Regular,
            concat([line(), pretty_expr(expr)]),
        )),
        Expr::Application(f, a) => nest(pretty_app(false, &line(), false, f, a)),
        Expr::With(..) => nest(group_kind(
            GroupKind::Regular,
            concat([line(), pretty_expr(expr)]),
        )),
        Expr::Operation(left, op, _)
            if matches!(left.as_ref(), Expr::Term(t) if is_absorbable(t) && term_first_ref(t).pre.is_empty())
                && is_update_concat_plus(&op.value) =>
        {
            concat([hardspace(), pretty_op(true, expr, op)])
        }
        Expr::Operation(left, op, right)
            if !op.has_trivia()
                && is_update_concat_plus(&op.value)
                && matches!(right.as_ref(), Expr::Term(t) if is_absorbable(t)) =>
        {
            let Expr::Term(t) = right.as_ref() else {
                unreachable!("checked above")
            };
            nest(group_kind(
                GroupKind::Regular,
                concat([
                    line(),
                    pretty_expr(left),
                    line(),
                    group_kind(
                        GroupKind::Transparent,
                        concat([
                            text(op.value.text()),
                            hardspace(),
                            group_kind(GroupKind::Priority, pretty_term_wide(t)),
                        ]),
                    ),
                ]),
            ))
        }
        _ => nest(concat([line(), group(pretty_expr(expr))])),
    }
}

/// A binding.
pub(crate) fn pretty_binder(binder: &Binder) -> Doc {
    match binder {
        Binder::Inherit(inherit, source, names, semicolon) => {
            let (sep, nosep) = if inherit.line == semicolon.line && names.len() < 4 {
                (line(), line_())
            } else {
                (hardline(), hardline())
            };
            let names = sep_by(&sep, names.iter().map(pretty_simple_selector).collect());
            match source {
                None => group(concat([
                    pretty_leaf(inherit),
                    sep.clone(),
                    nest(concat([names, nosep, pretty_leaf(semicolon)])),
                ])),
                Some(source) => group(concat([
                    pretty_leaf(inherit),
                    nest(concat([
                        group_kind(GroupKind::Regular, concat([line(), pretty_term(source)])),
                        sep,
                        names,
                        nosep,
                        pretty_leaf(semicolon),
                    ])),
                ])),
            }
        }
        Binder::Assignment(selectors, assign, expr, semicolon) => {
            let rhs = if selectors.len() <= 4 && selectors.iter().all(is_simple_selector) {
                absorb_rhs(expr)
            } else {
                concat([line_(), group_kind(GroupKind::Priority, absorb_rhs(expr))])
            };
            let mut path = Vec::new();
            for selector in selectors {
                path.extend(pretty_selector(selector));
            }
            group(concat([
                path,
                nest(concat([hardspace(), pretty_leaf(assign), rhs])),
                pretty_leaf(semicolon),
            ]))
        }
    }
}
