//! Function application (`prettyApp`): every argument is a priority group, so the layout
//! tries to expand the last argument first ("absorption"), then earlier ones, and only
//! then puts every argument on its own line.

use super::*;
use crate::nix::format::ast::*;
use crate::nix::format::doc::*;

fn absorb_inner(b: &mut DocBuilder, expr: &Expr) {
    if let Expr::Term(Term::List(open, items, close)) = expr
        && items.len() <= 6
        && items.iter().all(|item| match item {
            Item::Item(t) => is_simple_term(t),
            Item::Comments(_) => true,
        })
    {
        return render_list(b, Spacing::Space, open, items, close);
    }
    pretty_expr(b, expr)
}

fn absorb_last(b: &mut DocBuilder, arg: &Expr) {
    if let Expr::Term(t) = arg {
        if is_absorbable(t) {
            return b.group_kind(GroupKind::Priority, |b| b.nest(|b| pretty_term(b, t)));
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
                    return b.group_kind(GroupKind::Priority, |b| {
                        b.nest(|b| {
                            pretty_leaf(b, open);
                            pretty_leaf(b, name);
                            pretty_leaf(b, colon);
                            b.hardspace();
                            pretty_term_wide(b, body);
                            pretty_leaf(b, close);
                        })
                    });
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
                    return b.group_kind(GroupKind::Priority, |b| {
                        b.nest(|b| {
                            pretty_leaf(b, open);
                            pretty_token(b, &ident.value);
                            b.hardspace();
                            pretty_term_wide(b, body);
                            pretty_leaf(b, close);
                        })
                    });
                }
                _ => return absorb_paren(b, open, inner, close),
            }
        }
    }
    b.group(|b| b.nest(|b| pretty_expr(b, arg)))
}

/// The function part of a call (`absorbApp`): every application level is a transparent
/// group around its function, then the argument.
fn absorb_app(b: &mut DocBuilder, expr: &Expr, indent_function: bool, no_comment: bool) {
    match expr {
        Expr::Application(function, argument)
            if matches!(argument.as_ref(), Expr::Term(Term::Selection(..))) =>
        {
            b.group_kind(GroupKind::Transparent, |b| {
                absorb_app(b, function, indent_function, no_comment)
            });
            b.line();
            b.nest(|b| b.group(|b| absorb_inner(b, argument)));
        }
        Expr::Application(function, l2)
            if matches!(l2.as_ref(), Expr::Term(Term::List(..)))
                && matches!(function.as_ref(), Expr::Application(_, l1) if matches!(l1.as_ref(), Expr::Term(Term::List(..)))) =>
        {
            let Expr::Application(inner_function, l1) = function.as_ref() else {
                unreachable!("checked above")
            };
            b.group_kind(GroupKind::Transparent, |b| {
                b.group_kind(GroupKind::Transparent, |b| {
                    absorb_app(b, inner_function, indent_function, no_comment)
                });
                b.nest(|b| {
                    b.group(|b| {
                        b.line();
                        b.group(|b| absorb_inner(b, l1));
                        b.line();
                        b.group(|b| absorb_inner(b, l2));
                    })
                });
            });
        }
        Expr::Application(function, argument) => {
            b.group_kind(GroupKind::Transparent, |b| {
                absorb_app(b, function, indent_function, no_comment)
            });
            b.line();
            b.nest(|b| b.group_kind(GroupKind::Priority, |b| absorb_inner(b, argument)));
        }
        other => {
            if indent_function && no_comment {
                b.nest(|b| {
                    b.group(|b| {
                        b.line_();
                        pretty_expr(b, other);
                    })
                });
            } else {
                pretty_expr(b, other);
            }
        }
    }
}

/// Function application: `indent_function` (parenthesised calls), `pre` (a spacing
/// injected before the call, inside its group), `has_post` (a `line'` at the end).
pub(crate) fn pretty_app(
    b: &mut DocBuilder,
    indent_function: bool,
    pre: Option<Spacing>,
    has_post: bool,
    f: &Expr,
    a: &Expr,
) {
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

    pretty_trivia(b, &hoisted);
    let pre = |b: &mut DocBuilder| {
        if let Some(pre) = pre {
            b.spacing(pre);
        }
    };
    b.group(|b| match (f_without_comment.as_ref(), a) {
        (Expr::Application(inner_function, l1), Expr::Term(Term::List(..)))
            if matches!(l1.as_ref(), Expr::Term(Term::List(..))) =>
        {
            pre(b);
            b.group_kind(GroupKind::Transparent, |b| {
                absorb_app(b, inner_function, indent_function, no_comment)
            });
            b.line();
            b.nest(|b| b.group(|b| absorb_inner(b, l1)));
            b.line();
            b.nest(|b| b.group(|b| absorb_inner(b, a)));
            if has_post {
                b.line_();
            }
        }
        _ => {
            let rendered_f = |b: &mut DocBuilder| {
                pre(b);
                b.group_kind(GroupKind::Transparent, |b| {
                    absorb_app(b, &f_without_comment, indent_function, no_comment)
                });
            };
            let mut on_one_line = false;
            if is_simple_application(f, a) {
                let raw = b.raw(rendered_f);
                match unexpand_spacing_(None, &raw) {
                    Some(single) => {
                        b.replay(single);
                        on_one_line = true;
                    }
                    None => b.replay(raw),
                }
            } else {
                rendered_f(b);
            }
            if on_one_line {
                b.hardspace();
                absorb_last(b, a);
            } else {
                b.line();
                absorb_last(b, a);
                if has_post {
                    b.line_();
                }
            }
        }
    });
    if has_post && !no_comment {
        b.hardline();
    }
}

#[cfg(test)]
mod tests {
    use crate::nix::format::{NixFormatOptions, format_nix};
    use crate::nix::parse::parse;

    /// A call with thousands of arguments: each application level is built once (no copy
    /// per level), and the layout matches nixfmt's (nixfmt-rs 0.5.3 prints the same): the
    /// first line is filled, then one argument per line.
    #[test]
    fn a_call_with_4000_arguments_formats() {
        // On a thread with the formatter's deep stack, as the CLI runs it.
        std::thread::Builder::new()
            .stack_size(crate::nix::DEEP_STACK_SIZE)
            .spawn(format_4000_arguments)
            .expect("spawns")
            .join()
            .expect("does not panic");
    }

    fn format_4000_arguments() {
        let arguments: Vec<String> = (0..4000).map(|i| format!("a{i}")).collect();
        let source = format!("f {}\n", arguments.join(" "));
        let parsed = parse(&source).expect("parses");
        let output = format_nix(&source, &parsed, &NixFormatOptions::default()).expect("formats");
        let mut expected = format!("f {}\n", arguments[..27].join(" "));
        for argument in &arguments[27..] {
            expected.push_str(&format!("  {argument}\n"));
        }
        assert_eq!(output, expected);
    }
}
