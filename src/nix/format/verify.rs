//! Safety net: the formatted output must parse to the same tree as the input (ignoring
//! trivia, as nixfmt's `--verify` does) and keep the text of every comment.
//!
//! Trees are compared in their lowered form, where the things nixfmt legitimately rewrites
//! are already normalised: indented strings are stored without their common indentation
//! and `''…''` that become `"…"` are converted, bare URIs are strings, `+` chains are
//! rotated the same way, standalone comments are separate items (skipped here), and the
//! trailing comma of the last parameter is optional.

use super::ast::*;

fn eq_slice<T>(a: &[T], b: &[T], eq: impl Fn(&T, &T) -> bool) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| eq(x, y))
}

fn eq_items<T>(a: &Items<T>, b: &Items<T>, eq: impl Fn(&T, &T) -> bool) -> bool {
    fn elements<T>(items: &Items<T>) -> Vec<&T> {
        items
            .iter()
            .filter_map(|item| match item {
                Item::Item(x) => Some(x),
                Item::Comments(_) => None,
            })
            .collect()
    }
    let (xs, ys) = (elements(a), elements(b));
    xs.len() == ys.len() && xs.iter().zip(&ys).all(|(x, y)| eq(x, y))
}

fn eq_leaf(a: &Leaf, b: &Leaf) -> bool {
    a.value == b.value
}

fn eq_opt_leaf(a: &Option<Leaf>, b: &Option<Leaf>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => eq_leaf(x, y),
        (None, None) => true,
        _ => false,
    }
}

fn eq_part(a: &StringPart, b: &StringPart) -> bool {
    match (a, b) {
        (StringPart::Text(x), StringPart::Text(y)) => x == y,
        (StringPart::Interpolation(x), StringPart::Interpolation(y)) => eq_expr(&x.expr, &y.expr),
        _ => false,
    }
}

fn eq_lines(a: &[Vec<StringPart>], b: &[Vec<StringPart>]) -> bool {
    eq_slice(a, b, |x, y| eq_slice(x, y, eq_part))
}

fn eq_simple_selector(a: &SimpleSelector, b: &SimpleSelector) -> bool {
    match (a, b) {
        (SimpleSelector::Id(x), SimpleSelector::Id(y)) => eq_leaf(x, y),
        (SimpleSelector::Interpol(x), SimpleSelector::Interpol(y)) => eq_part(&x.value, &y.value),
        (SimpleSelector::String(x), SimpleSelector::String(y)) => eq_lines(&x.value, &y.value),
        _ => false,
    }
}

fn eq_selector(a: &Selector, b: &Selector) -> bool {
    eq_opt_leaf(&a.dot, &b.dot) && eq_simple_selector(&a.selector, &b.selector)
}

fn eq_binder(a: &Binder, b: &Binder) -> bool {
    match (a, b) {
        (Binder::Inherit(_, f1, n1, _), Binder::Inherit(_, f2, n2, _)) => {
            let from = match (f1, f2) {
                (Some(x), Some(y)) => eq_term(x, y),
                (None, None) => true,
                _ => false,
            };
            from && eq_slice(n1, n2, eq_simple_selector)
        }
        (Binder::Assignment(s1, _, e1, _), Binder::Assignment(s2, _, e2, _)) => {
            eq_slice(s1, s2, eq_selector) && eq_expr(e1, e2)
        }
        _ => false,
    }
}

fn eq_term(a: &Term, b: &Term) -> bool {
    match (a, b) {
        (Term::Token(x), Term::Token(y)) => eq_leaf(x, y),
        (Term::SimpleString(x), Term::SimpleString(y)) => eq_lines(&x.value, &y.value),
        (Term::IndentedString(_, x), Term::IndentedString(_, y)) => eq_lines(&x.value, &y.value),
        (Term::Path(x), Term::Path(y)) => eq_slice(&x.value, &y.value, eq_part),
        (Term::List(_, x, _), Term::List(_, y, _)) => eq_items(x, y, eq_term),
        (Term::Set(k1, _, x, _), Term::Set(k2, _, y, _)) => {
            eq_opt_leaf(k1, k2) && eq_items(x, y, eq_binder)
        }
        (Term::Selection(t1, s1, d1), Term::Selection(t2, s2, d2)) => {
            let default = match (d1, d2) {
                (Some((_, x)), Some((_, y))) => eq_term(x, y),
                (None, None) => true,
                _ => false,
            };
            eq_term(t1, t2) && eq_slice(s1, s2, eq_selector) && default
        }
        (Term::Parenthesized(_, x, _), Term::Parenthesized(_, y, _)) => eq_expr(x, y),
        _ => false,
    }
}

fn eq_param_attr(a: &ParamAttr, b: &ParamAttr, last: bool) -> bool {
    match (a, b) {
        (ParamAttr::Attr(n1, d1, c1), ParamAttr::Attr(n2, d2, c2)) => {
            let default = match (d1, d2) {
                (Some((_, x)), Some((_, y))) => eq_expr(x, y),
                (None, None) => true,
                _ => false,
            };
            eq_leaf(n1, n2) && default && (last || c1.is_some() == c2.is_some())
        }
        (ParamAttr::Ellipsis(_), ParamAttr::Ellipsis(_)) => true,
        _ => false,
    }
}

fn eq_parameter(a: &Parameter, b: &Parameter) -> bool {
    match (a, b) {
        (Parameter::Id(x), Parameter::Id(y)) => eq_leaf(x, y),
        (Parameter::Set(_, x, _), Parameter::Set(_, y, _)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .enumerate()
                    .all(|(i, (p, q))| eq_param_attr(p, q, i + 1 == x.len()))
        }
        (Parameter::Context(a1, _, b1), Parameter::Context(a2, _, b2)) => {
            eq_parameter(a1, a2) && eq_parameter(b1, b2)
        }
        _ => false,
    }
}

/// Structural equality of two expressions, ignoring trivia and source lines.
pub fn eq_expr(a: &Expr, b: &Expr) -> bool {
    match (a, b) {
        (Expr::Term(x), Expr::Term(y)) => eq_term(x, y),
        (Expr::With(_, s1, _, b1), Expr::With(_, s2, _, b2))
        | (Expr::Assert(_, s1, _, b1), Expr::Assert(_, s2, _, b2)) => {
            eq_expr(s1, s2) && eq_expr(b1, b2)
        }
        (Expr::Let(_, i1, _, b1), Expr::Let(_, i2, _, b2)) => {
            eq_items(i1, i2, eq_binder) && eq_expr(b1, b2)
        }
        (Expr::If(_, c1, _, y1, _, n1), Expr::If(_, c2, _, y2, _, n2)) => {
            eq_expr(c1, c2) && eq_expr(y1, y2) && eq_expr(n1, n2)
        }
        (Expr::Abstraction(p1, _, b1), Expr::Abstraction(p2, _, b2)) => {
            eq_parameter(p1, p2) && eq_expr(b1, b2)
        }
        (Expr::Application(f1, a1), Expr::Application(f2, a2)) => {
            eq_expr(f1, f2) && eq_expr(a1, a2)
        }
        (Expr::Operation(l1, o1, r1), Expr::Operation(l2, o2, r2)) => {
            eq_leaf(o1, o2) && eq_expr(l1, l2) && eq_expr(r1, r2)
        }
        (Expr::MemberCheck(e1, _, s1), Expr::MemberCheck(e2, _, s2)) => {
            eq_expr(e1, e2) && eq_slice(s1, s2, eq_selector)
        }
        (Expr::Negation(_, x), Expr::Negation(_, y))
        | (Expr::Inversion(_, x), Expr::Inversion(_, y)) => eq_expr(x, y),
        _ => false,
    }
}

/// The characters of all comments, without whitespace and comment punctuation, sorted:
/// formatting may move, join and re-indent comments but never lose their text. Walks the
/// green tree with an explicit stack: no allocation per node, no recursion.
pub fn comment_fingerprint(root: &rnix::SyntaxNode) -> Vec<char> {
    use rowan::{Language, NodeOrToken};
    let comment = rnix::NixLanguage::kind_to_raw(rnix::SyntaxKind::TOKEN_COMMENT);
    let mut chars: Vec<char> = Vec::new();
    let mut stack = vec![root.green().children()];
    while let Some(children) = stack.last_mut() {
        match children.next() {
            None => {
                stack.pop();
            }
            Some(NodeOrToken::Node(node)) => stack.push(node.children()),
            Some(NodeOrToken::Token(token)) if token.kind() == comment => chars.extend(
                token
                    .text()
                    .chars()
                    .filter(|c| !c.is_whitespace() && !matches!(c, '#' | '*' | '/')),
            ),
            Some(NodeOrToken::Token(_)) => {}
        }
    }
    chars.sort_unstable();
    chars
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fingerprint(source: &str) -> String {
        let parsed = crate::nix::parse::parse(source).expect("parses");
        comment_fingerprint(&parsed.root).into_iter().collect()
    }

    #[test]
    fn fingerprints_hold_the_sorted_text_of_every_comment_at_any_depth() {
        assert_eq!(
            fingerprint("# ba\n{ a = [ (x /* dc */) ]; } # e\n"),
            "abcde"
        );
        assert_eq!(fingerprint("{ a = 1; }"), "");
        // Moving and re-wrapping comments keeps the fingerprint.
        assert_eq!(
            fingerprint("{\n  # c\n  a = 1; # b\n}\n"),
            fingerprint("{ a = /* b */ 1; } /* c */")
        );
    }
}
