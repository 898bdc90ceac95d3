//! Terms: lists, attribute sets, selections, parentheses, and the item rendering shared by
//! lists, sets and let bindings.

use super::*;
use crate::nix::format::ast::*;
use crate::nix::format::doc::*;

/// Renders items separated by `separator`; standalone comments print as trivia.
pub(crate) fn render_items<T>(
    b: &mut DocBuilder,
    separator: Spacing,
    items: &Items<T>,
    pretty: impl Fn(&mut DocBuilder, &T),
) {
    let mut index = 0;
    while index < items.len() {
        let is_last = index + 1 == items.len();
        if !is_last
            && let (Item::Comments(trivia), Item::Item(item)) = (&items[index], &items[index + 1])
            && let Some((annotation @ Trivium::LanguageAnnotation(_), preceding)) =
                trivia.split_last()
        {
            pretty_trivia(b, preceding);
            pretty_trivia(b, std::slice::from_ref(annotation));
            b.hardspace();
            b.group(|b| pretty(b, item));
            index += 2;
            if index < items.len() {
                b.spacing(separator);
            }
            continue;
        }
        match &items[index] {
            Item::Comments(trivia) => pretty_trivia(b, trivia),
            Item::Item(item) => b.group(|b| pretty(b, item)),
        }
        index += 1;
        if index < items.len() {
            b.spacing(separator);
        }
    }
}

/// A list with the given separator between items.
pub(crate) fn render_list(
    b: &mut DocBuilder,
    separator: Spacing,
    open: &Leaf,
    items: &Items<Term>,
    close: &Leaf,
) {
    let sur = if open.line != close.line
        || has_only_comments(items)
        || (open.has_trivia() && items.is_empty())
    {
        Spacing::Hardline
    } else if items.is_empty() {
        Spacing::Hardspace
    } else {
        Spacing::Space
    };
    pretty_leaf_no_trail(b, open);
    b.spacing(sur);
    b.nest(|b| {
        pretty_trailing(b, &open.trail);
        render_items(b, separator, items, pretty_term_grouped);
    });
    b.spacing(sur);
    pretty_leaf(b, close);
}

fn pretty_set(
    b: &mut DocBuilder,
    wide: bool,
    keyword: &Option<Leaf>,
    open: &Leaf,
    items: &Items<Binder>,
    close: &Leaf,
) {
    if let Some(k) = keyword {
        pretty_leaf(b, k);
        b.hardspace();
    }
    if !open.has_trivia() && items.is_empty() && close.pre.is_empty() {
        pretty_leaf(b, open);
        if open.line != close.line {
            b.hardline();
        } else {
            b.hardspace();
        }
        pretty_leaf(b, close);
        return;
    }
    let sep = if (wide && !items.is_empty()) || open.line != close.line {
        Spacing::Hardline
    } else {
        Spacing::Space
    };
    pretty_leaf_no_trail(b, open);
    b.spacing(sep);
    b.nest(|b| {
        pretty_trailing(b, &open.trail);
        render_items(b, Spacing::Hardline, items, pretty_binder);
    });
    b.spacing(sep);
    pretty_leaf(b, close);
}

/// A term, with sets forced to expand (`prettyTermWide`).
pub(crate) fn pretty_term_wide(b: &mut DocBuilder, term: &Term) {
    match term {
        Term::Set(keyword, open, items, close) => pretty_set(b, true, keyword, open, items, close),
        other => pretty_term(b, other),
    }
}

/// A term as an expression: lists get their own group.
pub(crate) fn pretty_term_grouped(b: &mut DocBuilder, term: &Term) {
    match term {
        Term::List(..) => b.group(|b| pretty_term(b, term)),
        other => pretty_term(b, other),
    }
}

/// A selector: optional dot and name.
pub(crate) fn pretty_selector(b: &mut DocBuilder, selector: &Selector) {
    pretty_opt_leaf(b, &selector.dot);
    pretty_simple_selector(b, &selector.selector);
}

/// An attribute name.
pub(crate) fn pretty_simple_selector(b: &mut DocBuilder, selector: &SimpleSelector) {
    match selector {
        SimpleSelector::Id(leaf) => pretty_leaf(b, leaf),
        SimpleSelector::Interpol(ann) => {
            pretty_trivia(b, &ann.pre);
            pretty_string_part(b, &ann.value);
            pretty_trailing(b, &ann.trail);
        }
        SimpleSelector::String(s) => {
            pretty_trivia(b, &s.pre);
            pretty_simple_string(b, &s.value);
            pretty_trailing(b, &s.trail);
        }
    }
}

/// The inner part of parentheses and whole-line interpolations.
pub(crate) fn paren_inner(b: &mut DocBuilder, expr: &Expr) {
    if is_absorbable_expr(expr) {
        b.group(|b| absorb_expr(b, false, expr));
        return;
    }
    match expr {
        Expr::Application(f, a) => pretty_app(b, true, None, true, f, a),
        Expr::Term(Term::Selection(..)) => {
            let absorbable =
                matches!(expr, Expr::Term(Term::Selection(t, _, _)) if is_absorbable(t));
            if absorbable {
                b.line_();
            }
            b.group(|b| pretty_expr(b, expr));
            b.line_();
        }
        _ => {
            b.line_();
            b.group(|b| pretty_expr(b, expr));
            b.line_();
        }
    }
}

/// A term without a group around it (`prettyTerm`).
pub(crate) fn pretty_term(b: &mut DocBuilder, term: &Term) {
    match term {
        Term::Token(leaf) => pretty_leaf(b, leaf),
        Term::SimpleString(s) => {
            pretty_trivia(b, &s.pre);
            pretty_simple_string(b, &s.value);
            pretty_trailing(b, &s.trail);
        }
        Term::IndentedString(cut, s) => {
            pretty_trivia(b, &s.pre);
            pretty_indented_string(b, cut.as_deref(), &s.value);
            pretty_trailing(b, &s.trail);
        }
        Term::Path(p) => {
            pretty_trivia(b, &p.pre);
            pretty_string_line(b, &p.value);
            pretty_trailing(b, &p.trail);
        }
        Term::Selection(inner, selectors, default) => {
            pretty_term_grouped(b, inner);
            match inner.as_ref() {
                Term::Token(Ann {
                    value: Token::Integer(_) | Token::Float(_),
                    ..
                }) => b.hardspace(),
                // `./a .b` selects from a path; glued, `./a.b` would be another path.
                // nixfmt glues it (and so changes the program); we keep the space.
                Term::Path(_) => b.hardspace(),
                Term::Token(_) => {}
                Term::Parenthesized(..) => b.softline_(),
                _ => b.line_(),
            }
            for selector in selectors {
                pretty_selector(b, selector);
            }
            if let Some((or, value)) = default {
                b.softline();
                b.nest(|b| {
                    pretty_leaf(b, or);
                    b.hardspace();
                    pretty_term_grouped(b, value);
                });
            }
        }
        Term::List(open, items, close) => {
            if open.trail.is_none() && items.is_empty() && close.pre.is_empty() {
                pretty_leaf(b, open);
                if open.line != close.line {
                    b.hardline();
                } else {
                    b.hardspace();
                }
                pretty_leaf(b, close);
            } else {
                render_list(b, Spacing::Hardline, open, items, close)
            }
        }
        Term::Set(keyword, open, items, close) => pretty_set(b, false, keyword, open, items, close),
        Term::Parenthesized(open, inner, close) => b.group(|b| {
            pretty_leaf_trail_up(b, open);
            b.nest(|b| {
                paren_inner(b, inner);
                pretty_trivia(b, &close.pre);
            });
            pretty_leaf_no_pre(b, close);
        }),
    }
}

/// A parenthesised expression absorbed as a last argument or right-hand side.
pub(crate) fn absorb_paren(b: &mut DocBuilder, open: &Leaf, expr: &Expr, close: &Leaf) {
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
    b.group_kind(GroupKind::Priority, |b| {
        b.nest(|b| {
            pretty_leaf_no_trail(b, open);
            b.line_();
            b.group(|b| {
                b.nest(|b| {
                    pretty_expr(b, &expr);
                    pretty_trivia(b, &close.pre);
                })
            });
            b.line_();
            pretty_leaf_no_pre(b, close);
        })
    });
}
