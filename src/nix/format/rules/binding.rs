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
pub(crate) fn absorb_rhs(b: &mut DocBuilder, expr: &Expr) {
    if let Expr::Term(Term::Set(_, _, items, _)) = expr
        && matches!(items.as_slice(), [Item::Item(Binder::Inherit(..))])
    {
        return b.nest(|b| {
            b.hardspace();
            b.group(|b| absorb_expr(b, false, expr));
        });
    }
    if is_absorbable_expr(expr) {
        return b.nest(|b| {
            b.hardspace();
            b.group(|b| absorb_expr(b, true, expr));
        });
    }
    match expr {
        Expr::Term(Term::Parenthesized(open, inner, close)) => b.nest(|b| {
            b.hardspace();
            absorb_paren(b, open, inner, close);
        }),
        Expr::Term(Term::SimpleString(_) | Term::IndentedString(..) | Term::Path(_)) => {
            b.nest(|b| {
                b.hardspace();
                b.group(|b| pretty_expr(b, expr));
            })
        }
        Expr::Term(_) | Expr::With(..) => b.nest(|b| {
            b.group(|b| {
                b.line();
                pretty_expr(b, expr);
            })
        }),
        Expr::Application(f, a) => {
            b.nest(|b| pretty_app(b, false, Some(Spacing::Space), false, f, a))
        }
        Expr::Operation(left, op, _)
            if matches!(left.as_ref(), Expr::Term(t) if is_absorbable(t) && term_first_ref(t).pre.is_empty())
                && is_update_concat_plus(&op.value) =>
        {
            b.hardspace();
            pretty_op(b, true, expr, op);
        }
        Expr::Operation(left, op, right)
            if !op.has_trivia()
                && is_update_concat_plus(&op.value)
                && matches!(right.as_ref(), Expr::Term(t) if is_absorbable(t)) =>
        {
            let Expr::Term(t) = right.as_ref() else {
                unreachable!("checked above")
            };
            b.nest(|b| {
                b.group(|b| {
                    b.line();
                    pretty_expr(b, left);
                    b.line();
                    b.group_kind(GroupKind::Transparent, |b| {
                        pretty_token(b, &op.value);
                        b.hardspace();
                        b.group_kind(GroupKind::Priority, |b| pretty_term_wide(b, t));
                    });
                })
            })
        }
        _ => b.nest(|b| {
            b.line();
            b.group(|b| pretty_expr(b, expr));
        }),
    }
}

/// A binding.
pub(crate) fn pretty_binder(b: &mut DocBuilder, binder: &Binder) {
    match binder {
        Binder::Inherit(inherit, source, names, semicolon) => {
            let (sep, nosep) = if inherit.line == semicolon.line && names.len() < 4 {
                (Spacing::Space, Spacing::Break)
            } else {
                (Spacing::Hardline, Spacing::Hardline)
            };
            let names = |b: &mut DocBuilder| {
                for (index, name) in names.iter().enumerate() {
                    if index > 0 {
                        b.spacing(sep);
                    }
                    pretty_simple_selector(b, name);
                }
            };
            b.group(|b| match source {
                None => {
                    pretty_leaf(b, inherit);
                    b.spacing(sep);
                    b.nest(|b| {
                        names(b);
                        b.spacing(nosep);
                        pretty_leaf(b, semicolon);
                    });
                }
                Some(source) => {
                    pretty_leaf(b, inherit);
                    b.nest(|b| {
                        b.group(|b| {
                            b.line();
                            pretty_term(b, source);
                        });
                        b.spacing(sep);
                        names(b);
                        b.spacing(nosep);
                        pretty_leaf(b, semicolon);
                    });
                }
            });
        }
        Binder::Assignment(selectors, assign, expr, semicolon) => b.group(|b| {
            for selector in selectors {
                pretty_selector(b, selector);
            }
            b.nest(|b| {
                b.hardspace();
                pretty_leaf(b, assign);
                if selectors.len() <= 4 && selectors.iter().all(is_simple_selector) {
                    absorb_rhs(b, expr);
                } else {
                    b.line_();
                    b.group_kind(GroupKind::Priority, |b| absorb_rhs(b, expr));
                }
            });
            pretty_leaf(b, semicolon);
        }),
    }
}
