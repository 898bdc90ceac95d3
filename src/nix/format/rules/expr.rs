//! Expressions: dispatch, `with`, `let`, `assert`, `if`, lambdas, comparisons, `?`,
//! negation; plus `absorbExpr`.

use super::*;
use crate::nix::format::ast::*;
use crate::nix::format::doc::*;

/// `with` (`absorbed`: the body is an absorbable term hugging the `;`).
pub(crate) fn pretty_with(absorbed: bool, expr: &Expr) -> Doc {
    let Expr::With(with, scope, semicolon, body) = expr else {
        return pretty_expr(expr);
    };
    if absorbed && let Expr::Term(body) = body.as_ref() {
        return group_kind(
            GroupKind::Regular,
            concat([
                line_(),
                pretty_leaf(with),
                hardspace(),
                nest(group(pretty_expr(scope))),
                pretty_leaf(semicolon),
                hardspace(),
                group_kind(GroupKind::Priority, pretty_term_wide(body)),
            ]),
        );
    }
    concat([
        group(concat([
            pretty_leaf(with),
            hardspace(),
            nest(group(pretty_expr(scope))),
            pretty_leaf(semicolon),
        ])),
        line(),
        pretty_expr(body),
    ])
}

/// `absorbExpr`: absorbable terms (wide or not) and absorbable `with`.
pub(crate) fn absorb_expr(wide: bool, expr: &Expr) -> Doc {
    match expr {
        Expr::Term(t) if is_absorbable(t) => {
            if wide {
                pretty_term_wide(t)
            } else {
                pretty_term(t)
            }
        }
        Expr::With(_, _, _, body) if matches!(body.as_ref(), Expr::Term(t) if is_absorbable(t)) => {
            pretty_with(true, expr)
        }
        _ => pretty_expr(expr),
    }
}

fn pretty_if(sep: Doc, expr: &Expr) -> Doc {
    match expr {
        Expr::If(if_, condition, then, yes, else_, no) => concat([
            group(concat([
                pretty_leaf(if_),
                line(),
                nest(pretty_expr(condition)),
                line(),
                pretty_leaf(then),
            ])),
            surround_with(&sep, nest(group(pretty_expr(yes)))),
            pretty_leaf(&move_trailing_comment_up(else_)),
            hardspace(),
            pretty_if(hardline(), no),
        ]),
        other => concat([line(), nest(group(pretty_expr(other)))]),
    }
}

fn absorb_abs(depth: usize, expr: &Expr) -> Doc {
    match expr {
        Expr::Abstraction(Parameter::Id(param), colon, body) => concat([
            hardspace(),
            pretty_leaf(param),
            pretty_leaf(colon),
            absorb_abs(depth + 1, body),
        ]),
        _ if is_absorbable_expr(expr) => concat([
            hardspace(),
            group_kind(GroupKind::Priority, absorb_expr(false, expr)),
        ]),
        _ => concat([
            if depth <= 2 { line() } else { hardline() },
            pretty_expr(expr),
        ]),
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
pub fn pretty_expr(expr: &Expr) -> Doc {
    match expr {
        Expr::Term(t) => pretty_term_grouped(t),
        Expr::With(..) => pretty_with(false, expr),
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
            concat([
                group(concat([
                    pretty_leaf(let_),
                    hardline(),
                    nest(render_items(&hardline(), bindings, pretty_binder)),
                ])),
                hardline(),
                group(concat([
                    text(in_.value.text()),
                    hardline(),
                    pretty_expr(&body),
                ])),
            ])
        }
        Expr::Assert(assert, condition, semicolon, body) => {
            let (f, a) = insert_into_app(Expr::Term(Term::Token(assert.clone())), condition);
            group(concat([
                pretty_app(false, &[], false, &f, &a),
                pretty_leaf(semicolon),
                hardline(),
                pretty_expr(body),
            ]))
        }
        Expr::If(if_, ..) if if_.trail.is_some() => {
            let mut expr = expr.clone();
            move_meta_trailing_up(expr_first(&mut expr));
            group_kind(GroupKind::Regular, pretty_if(line(), &expr))
        }
        Expr::If(..) => group_kind(GroupKind::Regular, pretty_if(line(), expr)),
        Expr::Abstraction(Parameter::Id(param), colon, body) => group_kind(
            GroupKind::Regular,
            concat([
                line_(),
                pretty_leaf(param),
                pretty_leaf(colon),
                absorb_abs(1, body),
            ]),
        ),
        Expr::Abstraction(parameter, colon, body) => {
            let param_doc = pretty_parameter(parameter);
            if let Parameter::Set(open, attrs, close) = parameter {
                let body_line = expr_first_ref(body).line;
                if can_flatten_attrs(open, attrs, close)
                    && colon.line == body_line
                    && is_absorbable_expr(body)
                {
                    return concat([
                        param_doc,
                        pretty_leaf(colon),
                        hardspace(),
                        group_kind(GroupKind::Priority, pretty_expr(body)),
                    ]);
                }
                if colon.line != body_line {
                    return concat([param_doc, pretty_leaf(colon), hardline(), pretty_expr(body)]);
                }
            }
            match body.as_ref() {
                Expr::Term(t) if is_absorbable(t) => concat([
                    param_doc,
                    pretty_leaf(colon),
                    line(),
                    group(pretty_term_wide(t)),
                ]),
                _ => concat([param_doc, pretty_leaf(colon), line(), pretty_expr(body)]),
            }
        }
        Expr::Application(f, a) => pretty_app(false, &[], false, f, a),
        Expr::Operation(left, op, right)
            if matches!(
                op.value,
                Token::Symbol("<" | ">" | "<=" | ">=" | "==" | "!=")
            ) =>
        {
            concat([
                pretty_expr(left),
                softline(),
                pretty_leaf(op),
                hardspace(),
                pretty_expr(right),
            ])
        }
        Expr::Operation(_, op, _) => pretty_op(false, expr, op),
        Expr::MemberCheck(inner, question, selectors) => {
            let mut out = concat([
                pretty_expr(inner),
                softline(),
                pretty_leaf(question),
                hardspace(),
            ]);
            for selector in selectors {
                out.extend(super::term::pretty_selector(selector));
            }
            out
        }
        Expr::Negation(op, inner) | Expr::Inversion(op, inner) => {
            concat([pretty_leaf(op), pretty_expr(inner)])
        }
    }
}
