//! Terms: lists, attribute sets, selections, parentheses, and the item rendering shared by
//! lists, sets and let bindings.

use super::*;
use crate::nix::format::ast::*;
use crate::nix::format::doc::*;

/// Renders items separated by `separator`; standalone comments print as trivia.
pub(crate) fn render_items<T>(
    separator: &Doc,
    items: &Items<T>,
    pretty: impl Fn(&T) -> Doc,
) -> Doc {
    let mut out = Vec::new();
    let mut index = 0;
    while index < items.len() {
        let is_last = index + 1 == items.len();
        if !is_last
            && let (Item::Comments(trivia), Item::Item(item)) = (&items[index], &items[index + 1])
            && let Some((Trivium::LanguageAnnotation(lang), preceding)) = trivia.split_last()
        {
            out.extend(pretty_trivia(&preceding.to_vec()));
            out.extend(pretty_trivia(&vec![Trivium::LanguageAnnotation(
                lang.clone(),
            )]));
            out.extend(hardspace());
            out.extend(group(pretty(item)));
            index += 2;
            if index < items.len() {
                out.extend(separator.iter().cloned());
            }
            continue;
        }
        match &items[index] {
            Item::Comments(trivia) => out.extend(pretty_trivia(trivia)),
            Item::Item(item) => out.extend(group(pretty(item))),
        }
        index += 1;
        if index < items.len() {
            out.extend(separator.iter().cloned());
        }
    }
    out
}

/// A list with the given separator between items.
pub(crate) fn render_list(separator: &Doc, open: &Leaf, items: &Items<Term>, close: &Leaf) -> Doc {
    let sur = if open.line != close.line
        || has_only_comments(items)
        || (open.has_trivia() && items.is_empty())
    {
        hardline()
    } else if items.is_empty() {
        hardspace()
    } else {
        line()
    };
    concat([
        pretty_leaf_no_trail(open),
        surround_with(
            &sur,
            nest(concat([
                pretty_trailing(&open.trail),
                render_items(separator, items, pretty_term_grouped),
            ])),
        ),
        pretty_leaf(close),
    ])
}

fn pretty_set(
    wide: bool,
    keyword: &Option<Leaf>,
    open: &Leaf,
    items: &Items<Binder>,
    close: &Leaf,
) -> Doc {
    let keyword_doc = match keyword {
        Some(k) => concat([pretty_leaf(k), hardspace()]),
        None => Vec::new(),
    };
    if !open.has_trivia() && items.is_empty() && close.pre.is_empty() {
        let sep = if open.line != close.line {
            hardline()
        } else {
            hardspace()
        };
        return concat([keyword_doc, pretty_leaf(open), sep, pretty_leaf(close)]);
    }
    let sep = if (wide && !items.is_empty()) || open.line != close.line {
        hardline()
    } else {
        line()
    };
    concat([
        keyword_doc,
        pretty_leaf_no_trail(open),
        surround_with(
            &sep,
            nest(concat([
                pretty_trailing(&open.trail),
                render_items(&hardline(), items, pretty_binder),
            ])),
        ),
        pretty_leaf(close),
    ])
}

/// A term, with sets forced to expand (`prettyTermWide`).
pub(crate) fn pretty_term_wide(term: &Term) -> Doc {
    match term {
        Term::Set(keyword, open, items, close) => pretty_set(true, keyword, open, items, close),
        other => pretty_term(other),
    }
}

/// A term as an expression: lists get their own group.
pub(crate) fn pretty_term_grouped(term: &Term) -> Doc {
    match term {
        Term::List(..) => group(pretty_term(term)),
        other => pretty_term(other),
    }
}

/// A selector: optional dot and name.
pub(crate) fn pretty_selector(selector: &Selector) -> Doc {
    concat([
        pretty_opt_leaf(&selector.dot),
        pretty_simple_selector(&selector.selector),
    ])
}

/// An attribute name.
pub(crate) fn pretty_simple_selector(selector: &SimpleSelector) -> Doc {
    match selector {
        SimpleSelector::Id(leaf) => pretty_leaf(leaf),
        SimpleSelector::Interpol(ann) => concat([
            pretty_trivia(&ann.pre),
            pretty_string_part(&ann.value),
            pretty_trailing(&ann.trail),
        ]),
        SimpleSelector::String(s) => concat([
            pretty_trivia(&s.pre),
            pretty_simple_string(&s.value),
            pretty_trailing(&s.trail),
        ]),
    }
}

/// The inner part of parentheses and whole-line interpolations.
pub(crate) fn paren_inner(expr: &Expr) -> Doc {
    if is_absorbable_expr(expr) {
        return group(absorb_expr(false, expr));
    }
    match expr {
        Expr::Application(f, a) => pretty_app(true, &[], true, f, a),
        Expr::Term(Term::Selection(t, _, _)) if is_absorbable(t) => {
            concat([line_(), group(pretty_expr(expr)), line_()])
        }
        Expr::Term(Term::Selection(..)) => concat([group(pretty_expr(expr)), line_()]),
        _ => concat([line_(), group(pretty_expr(expr)), line_()]),
    }
}

/// A term without a group around it (`prettyTerm`).
pub(crate) fn pretty_term(term: &Term) -> Doc {
    match term {
        Term::Token(leaf) => pretty_leaf(leaf),
        Term::SimpleString(s) => concat([
            pretty_trivia(&s.pre),
            pretty_simple_string(&s.value),
            pretty_trailing(&s.trail),
        ]),
        Term::IndentedString(cut, s) => concat([
            pretty_trivia(&s.pre),
            pretty_indented_string(cut.as_deref(), &s.value),
            pretty_trailing(&s.trail),
        ]),
        Term::Path(p) => concat([
            pretty_trivia(&p.pre),
            pretty_string_line(&p.value),
            pretty_trailing(&p.trail),
        ]),
        Term::Selection(inner, selectors, default) => {
            let sep = match inner.as_ref() {
                Term::Token(Ann {
                    value: Token::Integer(_) | Token::Float(_),
                    ..
                }) => hardspace(),
                Term::Token(_) => Vec::new(),
                Term::Parenthesized(..) => softline_(),
                _ => line_(),
            };
            let mut out = concat([pretty_term_grouped(inner), sep]);
            for selector in selectors {
                out.extend(pretty_selector(selector));
            }
            if let Some((or, value)) = default {
                out.extend(softline());
                out.extend(nest(concat([
                    pretty_leaf(or),
                    hardspace(),
                    pretty_term_grouped(value),
                ])));
            }
            out
        }
        Term::List(open, items, close) => {
            if open.trail.is_none() && items.is_empty() && close.pre.is_empty() {
                let sep = if open.line != close.line {
                    hardline()
                } else {
                    hardspace()
                };
                concat([pretty_leaf(open), sep, pretty_leaf(close)])
            } else {
                render_list(&hardline(), open, items, close)
            }
        }
        Term::Set(keyword, open, items, close) => pretty_set(false, keyword, open, items, close),
        Term::Parenthesized(open, inner, close) => group(concat([
            pretty_leaf(&move_trailing_comment_up(open)),
            nest(concat([paren_inner(inner), pretty_trivia(&close.pre)])),
            pretty_leaf_no_pre(close),
        ])),
    }
}

/// A parenthesised expression absorbed as a last argument or right-hand side.
pub(crate) fn absorb_paren(open: &Leaf, expr: &Expr, close: &Leaf) -> Doc {
    let expr: std::borrow::Cow<'_, Expr> = match &open.trail {
        Some(comment) => {
            let mut expr = expr.clone();
            expr_first(&mut expr)
                .pre
                .insert(0, Trivium::LineComment(format!(" {comment}")));
            std::borrow::Cow::Owned(expr)
        }
        None => std::borrow::Cow::Borrowed(expr),
    };
    group_kind(
        GroupKind::Priority,
        nest(concat([
            pretty_leaf_no_trail(open),
            surround_with(
                &line_(),
                group(nest(concat([
                    pretty_expr(&expr),
                    pretty_trivia(&close.pre),
                ]))),
            ),
            pretty_leaf_no_pre(close),
        ])),
    )
}
