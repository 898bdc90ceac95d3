//! The predicates that drive absorption: which terms may hug their surroundings
//! (`isAbsorbable`), which expressions count as "simple", and when a parameter set may be
//! printed on one line.

use super::tokens::{expr_first_ref, term_first_ref};
use crate::nix::format::ast::*;

/// Whether items are all standalone comments (and there is at least one).
pub(crate) fn has_only_comments<T>(items: &Items<T>) -> bool {
    !items.is_empty() && items.iter().all(|i| matches!(i, Item::Comments(_)))
}

/// `isAbsorbable`: terms that may start on the line of what precedes them.
pub(crate) fn is_absorbable(term: &Term) -> bool {
    match term {
        Term::IndentedString(_, s) => s.value.len() >= 2,
        Term::Path(_) => false,
        Term::Set(_, open, items, close) => {
            !items.is_empty() || open.line != close.line || open.has_trivia()
        }
        Term::List(open, items, close) => {
            !items.is_empty() || open.line != close.line || open.has_trivia()
        }
        Term::Parenthesized(open, inner, _) if !open.has_trivia() => match inner.as_ref() {
            Expr::Term(t) => {
                term_first_ref(t)
                    .pre
                    .iter()
                    .all(|x| matches!(x, Trivium::LanguageAnnotation(_)))
                    && is_absorbable(t)
            }
            _ => false,
        },
        _ => false,
    }
}

/// `isAbsorbableExpr`.
pub(crate) fn is_absorbable_expr(expr: &Expr) -> bool {
    match expr {
        Expr::Term(t) => is_absorbable(t),
        Expr::With(_, _, _, body) => matches!(body.as_ref(), Expr::Term(t) if is_absorbable(t)),
        Expr::Abstraction(Parameter::Id(_), _, body) => match body.as_ref() {
            Expr::Term(t) => is_absorbable(t),
            body @ Expr::Abstraction(..) => is_absorbable_expr(body),
            _ => false,
        },
        Expr::Abstraction(Parameter::Set(open, attrs, close), colon, body) => {
            can_flatten_attrs(open, attrs, close)
                && open.pre.is_empty()
                && open.trail.is_none()
                && colon.line == expr_first_ref(body).line
                && is_absorbable_expr(body)
        }
        _ => false,
    }
}

/// Whether a parameter set may be printed on one line.
pub(crate) fn can_flatten_attrs(open: &Leaf, attrs: &[ParamAttr], close: &Leaf) -> bool {
    if open.line != close.line || close.has_trivia() {
        return false;
    }
    let has_trivia = |attr: &ParamAttr| match attr {
        ParamAttr::Attr(name, _, comma) => {
            name.has_trivia() || comma.as_ref().is_some_and(|c| c.has_trivia())
        }
        ParamAttr::Ellipsis(dots) => dots.has_trivia(),
    };
    if attrs.iter().any(has_trivia) {
        return false;
    }
    use ParamAttr::*;
    matches!(
        attrs,
        [] | [Ellipsis(_)]
            | [Attr(_, None, _)]
            | [Attr(_, None, _), Ellipsis(_)]
            | [Attr(_, None, _), Attr(_, None, _)]
            | [Attr(_, None, _), Attr(_, None, _), Ellipsis(_)]
    )
}

fn lone<T>(ann: &Ann<T>) -> bool {
    !ann.has_trivia()
}

/// `isSimpleSelector`: a plain identifier selector.
pub(crate) fn is_simple_selector(selector: &Selector) -> bool {
    matches!(selector.selector, SimpleSelector::Id(_))
}

/// `isSimple` on a term.
pub(crate) fn is_simple_term(term: &Term) -> bool {
    match term {
        Term::SimpleString(s) | Term::IndentedString(_, s) => lone(s),
        Term::Path(p) => lone(p),
        Term::Token(leaf) => {
            lone(leaf)
                && matches!(
                    leaf.value,
                    Token::Identifier(_) | Token::Integer(_) | Token::Float(_) | Token::EnvPath(_)
                )
        }
        Term::Selection(t, selectors, default) => {
            is_simple_term(t) && selectors.iter().all(is_simple_selector) && default.is_none()
        }
        Term::Parenthesized(open, inner, close) => lone(open) && lone(close) && is_simple(inner),
        _ => false,
    }
}

/// `isSimple`: short things that interpolations and calls may force onto one line.
pub(crate) fn is_simple(expr: &Expr) -> bool {
    match expr {
        Expr::Term(t) => is_simple_term(t),
        Expr::Application(f, a) => is_simple_application(f, a),
        _ => false,
    }
}

/// `isSimple (Application f a)`: at most two arguments, all simple.
pub(crate) fn is_simple_application(f: &Expr, a: &Expr) -> bool {
    if let Expr::Application(g, _) = f
        && matches!(g.as_ref(), Expr::Application(..))
    {
        return false;
    }
    is_simple(f) && is_simple(a)
}
