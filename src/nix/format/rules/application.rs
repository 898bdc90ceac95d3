//! Function application (`prettyApp`): every argument is a priority group, so the layout
//! tries to expand the last argument first ("absorption"), then earlier ones, and only
//! then puts every argument on its own line.

use super::*;
use crate::nix::format::ast::*;
use crate::nix::format::doc::*;

fn absorb_inner(expr: &Expr) -> Doc {
    if let Expr::Term(Term::List(open, items, close)) = expr
        && items.len() <= 6
        && items.iter().all(|item| match item {
            Item::Item(t) => is_simple_term(t),
            Item::Comments(_) => true,
        })
    {
        return render_list(&line(), open, items, close);
    }
    pretty_expr(expr)
}

fn absorb_last(arg: &Expr) -> Doc {
    if let Expr::Term(t) = arg {
        if is_absorbable(t) {
            return group_kind(GroupKind::Priority, nest(pretty_term(t)));
        }
        if let Term::Parenthesized(open, inner, close) = t {
            match inner.as_ref() {
                Expr::Abstraction(Parameter::Id(name), colon, body)
                    if matches!(body.as_ref(), Expr::Term(b) if is_absorbable(b))
                        && !open.has_trivia()
                        && !name.has_trivia()
                        && !colon.has_trivia() =>
                {
                    let Expr::Term(body) = body.as_ref() else {
                        unreachable!("checked above")
                    };
                    return group_kind(
                        GroupKind::Priority,
                        nest(concat([
                            pretty_leaf(open),
                            pretty_leaf(name),
                            pretty_leaf(colon),
                            hardspace(),
                            pretty_term_wide(body),
                            pretty_leaf(close),
                        ])),
                    );
                }
                Expr::Application(function, body)
                    if matches!(
                        function.as_ref(),
                        Expr::Term(Term::Token(Ann {
                            value: Token::Identifier(_),
                            ..
                        }))
                    ) && matches!(body.as_ref(), Expr::Term(b) if is_absorbable(b))
                        && !open.has_trivia()
                        && !close.has_trivia()
                        && !matches!(function.as_ref(), Expr::Term(Term::Token(ident)) if ident.has_trivia()) =>
                {
                    let (Expr::Term(Term::Token(ident)), Expr::Term(body)) =
                        (function.as_ref(), body.as_ref())
                    else {
                        unreachable!("checked above")
                    };
                    return group_kind(
                        GroupKind::Priority,
                        nest(concat([
                            pretty_leaf(open),
                            text(ident.value.text()),
                            hardspace(),
                            pretty_term_wide(body),
                            pretty_leaf(close),
                        ])),
                    );
                }
                _ => return absorb_paren(open, inner, close),
            }
        }
    }
    group_kind(GroupKind::Regular, nest(pretty_expr(arg)))
}

/// Function application: `indent_function` (parenthesised calls), `pre` (injected before
/// the call, inside its group), `has_post` (a `line'` at the end).
pub(crate) fn pretty_app(
    indent_function: bool,
    pre: &[DocE],
    has_post: bool,
    f: &Expr,
    a: &Expr,
) -> Doc {
    // Hoist the comments of the first token out of the call, so they do not force it to
    // expand; language annotations stay attached.
    let first = expr_first_ref(f);
    let needs_hoisting = first.trail.is_some()
        || first
            .pre
            .iter()
            .any(|t| !matches!(t, Trivium::LanguageAnnotation(_)));
    let (f_without_comment, hoisted): (std::borrow::Cow<'_, Expr>, Trivia) = if needs_hoisting {
        let mut owned = f.clone();
        let meta = expr_first(&mut owned);
        if let Some(comment) = meta.trail.take() {
            meta.pre.push(Trivium::LineComment(format!(" {comment}")));
        }
        let (annotations, hoisted): (Vec<Trivium>, Vec<Trivium>) = std::mem::take(meta.pre)
            .into_iter()
            .partition(|t| matches!(t, Trivium::LanguageAnnotation(_)));
        *meta.pre = annotations;
        (std::borrow::Cow::Owned(owned), hoisted)
    } else {
        (std::borrow::Cow::Borrowed(f), Vec::new())
    };
    let no_comment = hoisted.is_empty();

    fn absorb_app(expr: &Expr, indent_function: bool, no_comment: bool) -> Doc {
        match expr {
            Expr::Application(function, argument)
                if matches!(argument.as_ref(), Expr::Term(Term::Selection(..))) =>
            {
                concat([
                    group_kind(
                        GroupKind::Transparent,
                        absorb_app(function, indent_function, no_comment),
                    ),
                    line(),
                    nest(group_kind(GroupKind::Regular, absorb_inner(argument))),
                ])
            }
            Expr::Application(function, l2)
                if matches!(l2.as_ref(), Expr::Term(Term::List(..)))
                    && matches!(function.as_ref(), Expr::Application(_, l1) if matches!(l1.as_ref(), Expr::Term(Term::List(..)))) =>
            {
                let Expr::Application(inner_function, l1) = function.as_ref() else {
                    unreachable!("checked above")
                };
                group_kind(
                    GroupKind::Transparent,
                    concat([
                        group_kind(
                            GroupKind::Transparent,
                            absorb_app(inner_function, indent_function, no_comment),
                        ),
                        nest(group_kind(
                            GroupKind::Regular,
                            concat([
                                line(),
                                group(absorb_inner(l1)),
                                line(),
                                group(absorb_inner(l2)),
                            ]),
                        )),
                    ]),
                )
            }
            Expr::Application(function, argument) => concat([
                group_kind(
                    GroupKind::Transparent,
                    absorb_app(function, indent_function, no_comment),
                ),
                line(),
                nest(group_kind(GroupKind::Priority, absorb_inner(argument))),
            ]),
            other => {
                if indent_function && no_comment {
                    nest(group_kind(
                        GroupKind::Regular,
                        concat([line_(), pretty_expr(other)]),
                    ))
                } else {
                    pretty_expr(other)
                }
            }
        }
    }

    let post = if has_post { line_() } else { Vec::new() };
    let body = match (f_without_comment.as_ref(), a) {
        (Expr::Application(inner_function, l1), Expr::Term(Term::List(..)))
            if matches!(l1.as_ref(), Expr::Term(Term::List(..))) =>
        {
            group_kind(
                GroupKind::Regular,
                concat([
                    pre.to_vec(),
                    group_kind(
                        GroupKind::Transparent,
                        absorb_app(inner_function, indent_function, no_comment),
                    ),
                    line(),
                    nest(group(absorb_inner(l1))),
                    line(),
                    nest(group(absorb_inner(a))),
                    post,
                ]),
            )
        }
        _ => {
            let rendered_f = concat([
                pre.to_vec(),
                group_kind(
                    GroupKind::Transparent,
                    absorb_app(&f_without_comment, indent_function, no_comment),
                ),
            ]);
            let is_simple_app = is_simple_application(f, a);
            let unexpanded = if is_simple_app {
                unexpand_spacing_(None, &rendered_f)
            } else {
                None
            };
            match unexpanded {
                Some(single) => group_kind(
                    GroupKind::Regular,
                    concat([single, hardspace(), absorb_last(a)]),
                ),
                None => group_kind(
                    GroupKind::Regular,
                    concat([rendered_f, line(), absorb_last(a), post]),
                ),
            }
        }
    };
    let trailing_break = if has_post && !no_comment {
        hardline()
    } else {
        Vec::new()
    };
    concat([pretty_trivia(&hoisted), body, trailing_break])
}
