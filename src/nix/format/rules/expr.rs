//! Expressions: dispatch, `with`, `let`, `assert`, `if`, lambdas, comparisons, `?`,
//! negation; plus `absorbExpr`.

use super::*;
use crate::nix::format::ast::*;
use crate::nix::format::doc::*;

/// `with` (`absorbed`: the body is an absorbable term hugging the `;`).
pub(crate) fn pretty_with(b: &mut DocBuilder, absorbed: bool, expr: &Expr) {
    let Expr::With(with, scope, semicolon, body) = expr else {
        return pretty_expr(b, expr);
    };
    if absorbed && let Expr::Term(body) = body.as_ref() {
        b.group(|b| {
            b.line_();
            pretty_leaf(b, with);
            b.hardspace();
            b.nest(|b| b.group(|b| pretty_expr(b, scope)));
            pretty_leaf(b, semicolon);
            b.hardspace();
            b.group_kind(GroupKind::Priority, |b| pretty_term_wide(b, body));
        });
        return;
    }
    b.group(|b| {
        pretty_leaf(b, with);
        b.hardspace();
        b.nest(|b| b.group(|b| pretty_expr(b, scope)));
        pretty_leaf(b, semicolon);
    });
    b.line();
    pretty_expr(b, body);
}

/// `absorbExpr`: absorbable terms (wide or not) and absorbable `with`.
pub(crate) fn absorb_expr(b: &mut DocBuilder, wide: bool, expr: &Expr) {
    match expr {
        Expr::Term(t) if is_absorbable(t) => {
            if wide {
                pretty_term_wide(b, t)
            } else {
                pretty_term(b, t)
            }
        }
        Expr::With(_, _, _, body) if matches!(body.as_ref(), Expr::Term(t) if is_absorbable(t)) => {
            pretty_with(b, true, expr)
        }
        _ => pretty_expr(b, expr),
    }
}

fn pretty_if(b: &mut DocBuilder, sep: Spacing, expr: &Expr) {
    match expr {
        Expr::If(if_, condition, then, yes, else_, no) => {
            b.group(|b| {
                pretty_leaf(b, if_);
                b.line();
                b.nest(|b| pretty_expr(b, condition));
                b.line();
                pretty_leaf(b, then);
            });
            b.spacing(sep);
            b.nest(|b| b.group(|b| pretty_expr(b, yes)));
            b.spacing(sep);
            pretty_leaf_trail_up(b, else_);
            b.hardspace();
            pretty_if(b, Spacing::Hardline, no);
        }
        other => {
            b.line();
            b.nest(|b| b.group(|b| pretty_expr(b, other)));
        }
    }
}

fn absorb_abs(b: &mut DocBuilder, depth: usize, expr: &Expr) {
    match expr {
        Expr::Abstraction(Parameter::Id(param), colon, body) => {
            b.hardspace();
            pretty_leaf(b, param);
            pretty_leaf(b, colon);
            absorb_abs(b, depth + 1, body);
        }
        _ if is_absorbable_expr(expr) => {
            b.hardspace();
            b.group_kind(GroupKind::Priority, |b| absorb_expr(b, false, expr));
        }
        _ => {
            if depth <= 2 {
                b.line();
            } else {
                b.hardline();
            }
            pretty_expr(b, expr);
        }
    }
}

/// Inserts `assert` as the head function of the condition's application chain.
fn insert_into_app(insert: Expr, expr: &Expr) -> (Expr, Expr) {
    match expr {
        Expr::Application(f, a) => {
            let (function, argument) = insert_into_app(insert, f);
            (
                Expr::Application(Box::new(function), Box::new(argument)),
                (**a).clone(),
            )
        }
        other => (insert, other.clone()),
    }
}

/// An expression.
pub fn pretty_expr(b: &mut DocBuilder, expr: &Expr) {
    match expr {
        Expr::Term(t) => pretty_term_grouped(b, t),
        Expr::With(..) => pretty_with(b, false, expr),
        Expr::Let(let_, bindings, in_, body) => {
            // Comments around `in` move to the body's first token (cloned only then).
            let body: std::borrow::Cow<'_, Expr> = if in_.has_trivia() {
                let mut body = (**body).clone();
                let meta = expr_first(&mut body);
                let mut moved = in_.pre.clone();
                if let Some(comment) = &in_.trail {
                    moved.push(Trivium::LineComment(format!(" {comment}")));
                }
                moved.append(meta.pre);
                *meta.pre = moved;
                std::borrow::Cow::Owned(body)
            } else {
                std::borrow::Cow::Borrowed(body.as_ref())
            };
            b.group(|b| {
                pretty_leaf(b, let_);
                b.hardline();
                b.nest(|b| render_items(b, Spacing::Hardline, bindings, pretty_binder));
            });
            b.hardline();
            b.group(|b| {
                pretty_token(b, &in_.value);
                b.hardline();
                pretty_expr(b, &body);
            });
        }
        Expr::Assert(assert, condition, semicolon, body) => {
            let (f, a) = insert_into_app(Expr::Term(Term::Token(assert.clone())), condition);
            b.group(|b| {
                pretty_app(b, false, None, false, &f, &a);
                pretty_leaf(b, semicolon);
                b.hardline();
                pretty_expr(b, body);
            });
        }
        Expr::If(if_, ..) if if_.trail.is_some() => {
            let mut expr = expr.clone();
            move_meta_trailing_up(expr_first(&mut expr));
            b.group(|b| pretty_if(b, Spacing::Space, &expr));
        }
        Expr::If(..) => b.group(|b| pretty_if(b, Spacing::Space, expr)),
        Expr::Abstraction(Parameter::Id(param), colon, body) => b.group(|b| {
            b.line_();
            pretty_leaf(b, param);
            pretty_leaf(b, colon);
            absorb_abs(b, 1, body);
        }),
        Expr::Abstraction(parameter, colon, body) => {
            pretty_parameter(b, parameter);
            pretty_leaf(b, colon);
            if let Parameter::Set(open, attrs, close) = parameter {
                let body_line = expr_first_ref(body).line;
                if can_flatten_attrs(open, attrs, close)
                    && colon.line == body_line
                    && is_absorbable_expr(body)
                {
                    b.hardspace();
                    b.group_kind(GroupKind::Priority, |b| pretty_expr(b, body));
                    return;
                }
                if colon.line != body_line {
                    b.hardline();
                    pretty_expr(b, body);
                    return;
                }
            }
            match body.as_ref() {
                Expr::Term(t) if is_absorbable(t) => {
                    b.line();
                    b.group(|b| pretty_term_wide(b, t));
                }
                _ => {
                    b.line();
                    pretty_expr(b, body);
                }
            }
        }
        Expr::Application(f, a) => pretty_app(b, false, None, false, f, a),
        Expr::Operation(left, op, right)
            if matches!(
                op.value,
                Token::Symbol("<" | ">" | "<=" | ">=" | "==" | "!=")
            ) =>
        {
            pretty_expr(b, left);
            b.softline();
            pretty_leaf(b, op);
            b.hardspace();
            pretty_expr(b, right);
        }
        Expr::Operation(_, op, _) => pretty_op(b, false, expr, op),
        Expr::MemberCheck(inner, question, selectors) => {
            pretty_expr(b, inner);
            b.softline();
            pretty_leaf(b, question);
            b.hardspace();
            for selector in selectors {
                super::term::pretty_selector(b, selector);
            }
        }
        Expr::Negation(op, inner) if starts_with_path_glued_to_minus(inner) => {
            // nixfmt prints `-` and its operand together; before a path that would make
            // `-/s`, `-./s` or `-a/b`: one path token, another program. A space keeps the
            // negation (the only place flakefmt departs from nixfmt's text).
            pretty_leaf(b, op);
            b.hardspace();
            pretty_expr(b, inner);
        }
        Expr::Negation(op, inner) | Expr::Inversion(op, inner) => {
            pretty_leaf(b, op);
            pretty_expr(b, inner);
        }
    }
}

/// Whether `expr` starts with a path (with no comment before it) that a `-` printed right
/// before it would join: a path's characters include `-`, so `-` followed by `/s`, `./s`
/// or `a/b` is lexed as one path. `~/…` cannot absorb the `-`.
fn starts_with_path_glued_to_minus(expr: &Expr) -> bool {
    let term = match expr {
        Expr::Term(term) => term,
        Expr::Application(function, _) => return starts_with_path_glued_to_minus(function),
        Expr::Operation(left, ..) | Expr::MemberCheck(left, ..) => {
            return starts_with_path_glued_to_minus(left);
        }
        _ => return false,
    };
    let mut term = term;
    while let Term::Selection(inner, ..) = term {
        term = inner;
    }
    match term {
        Term::Path(path) => {
            path.pre.is_empty()
                && !matches!(path.value.first(), Some(StringPart::Text(text)) if text.starts_with('~'))
        }
        _ => false,
    }
}
