//! Tokens and trivia: leading comments, trailing comments, and access to the first and
//! last token of any construct (for moving comments around).

use crate::nix::format::ast::*;
use crate::nix::format::doc::*;

/// Mutable access to the trivia of one token.
pub(crate) struct Meta<'a> {
    pub pre: &'a mut Trivia,
    pub trail: &'a mut Option<String>,
}

macro_rules! meta {
    ($ann:expr) => {{
        let ann = $ann;
        Meta {
            pre: &mut ann.pre,
            trail: &mut ann.trail,
        }
    }};
}

/// Read access to the trivia of one token.
pub(crate) struct MetaRef<'a> {
    pub pre: &'a Trivia,
    pub line: usize,
    pub trail: &'a Option<String>,
}

macro_rules! meta_ref {
    ($ann:expr) => {{
        let ann = $ann;
        MetaRef {
            pre: &ann.pre,
            line: ann.line,
            trail: &ann.trail,
        }
    }};
}

/// The first token of a term.
pub(crate) fn term_first(term: &mut Term) -> Meta<'_> {
    match term {
        Term::Token(leaf) => meta!(leaf),
        Term::SimpleString(s) | Term::IndentedString(_, s) => meta!(s),
        Term::Path(p) => meta!(p),
        Term::List(open, _, _) => meta!(open),
        Term::Set(Some(keyword), _, _, _) => meta!(keyword),
        Term::Set(None, open, _, _) => meta!(open),
        Term::Selection(term, _, _) => term_first(term),
        Term::Parenthesized(open, _, _) => meta!(open),
    }
}

/// The first token of a term (read-only).
pub(crate) fn term_first_ref(term: &Term) -> MetaRef<'_> {
    match term {
        Term::Token(leaf) => meta_ref!(leaf),
        Term::SimpleString(s) | Term::IndentedString(_, s) => meta_ref!(s),
        Term::Path(p) => meta_ref!(p),
        Term::List(open, _, _) => meta_ref!(open),
        Term::Set(Some(keyword), _, _, _) => meta_ref!(keyword),
        Term::Set(None, open, _, _) => meta_ref!(open),
        Term::Selection(term, _, _) => term_first_ref(term),
        Term::Parenthesized(open, _, _) => meta_ref!(open),
    }
}

fn parameter_first(parameter: &mut Parameter) -> Meta<'_> {
    match parameter {
        Parameter::Id(leaf) => meta!(leaf),
        Parameter::Set(open, _, _) => meta!(open),
        Parameter::Context(first, _, _) => parameter_first(first),
    }
}

fn parameter_first_ref(parameter: &Parameter) -> MetaRef<'_> {
    match parameter {
        Parameter::Id(leaf) => meta_ref!(leaf),
        Parameter::Set(open, _, _) => meta_ref!(open),
        Parameter::Context(first, _, _) => parameter_first_ref(first),
    }
}

/// The first token of an expression.
pub(crate) fn expr_first(expr: &mut Expr) -> Meta<'_> {
    match expr {
        Expr::Term(term) => term_first(term),
        Expr::With(keyword, ..)
        | Expr::Let(keyword, ..)
        | Expr::Assert(keyword, ..)
        | Expr::If(keyword, ..)
        | Expr::Negation(keyword, _)
        | Expr::Inversion(keyword, _) => meta!(keyword),
        Expr::Abstraction(parameter, ..) => parameter_first(parameter),
        Expr::Application(function, _) => expr_first(function),
        Expr::Operation(left, ..) => expr_first(left),
        Expr::MemberCheck(inner, ..) => expr_first(inner),
    }
}

/// The first token of an expression (read-only).
pub(crate) fn expr_first_ref(expr: &Expr) -> MetaRef<'_> {
    match expr {
        Expr::Term(term) => term_first_ref(term),
        Expr::With(keyword, ..)
        | Expr::Let(keyword, ..)
        | Expr::Assert(keyword, ..)
        | Expr::If(keyword, ..)
        | Expr::Negation(keyword, _)
        | Expr::Inversion(keyword, _) => meta_ref!(keyword),
        Expr::Abstraction(parameter, ..) => parameter_first_ref(parameter),
        Expr::Application(function, _) => expr_first_ref(function),
        Expr::Operation(left, ..) => expr_first_ref(left),
        Expr::MemberCheck(inner, ..) => expr_first_ref(inner),
    }
}

fn simple_selector_last(selector: &mut SimpleSelector) -> Meta<'_> {
    match selector {
        SimpleSelector::Id(leaf) => meta!(leaf),
        SimpleSelector::Interpol(ann) => meta!(ann),
        SimpleSelector::String(s) => meta!(s),
    }
}

/// The last token of a term.
pub(crate) fn term_last(term: &mut Term) -> Meta<'_> {
    match term {
        Term::Token(leaf) => meta!(leaf),
        Term::SimpleString(s) | Term::IndentedString(_, s) => meta!(s),
        Term::Path(p) => meta!(p),
        Term::List(_, _, close) | Term::Set(_, _, _, close) | Term::Parenthesized(_, _, close) => {
            meta!(close)
        }
        Term::Selection(_, _, Some((_, default))) => term_last(default),
        Term::Selection(term, selectors, None) => match selectors.last_mut() {
            Some(selector) => simple_selector_last(&mut selector.selector),
            None => term_last(term),
        },
    }
}

/// The last token of an expression.
pub(crate) fn expr_last(expr: &mut Expr) -> Meta<'_> {
    match expr {
        Expr::Term(term) => term_last(term),
        Expr::With(_, _, _, body)
        | Expr::Let(_, _, _, body)
        | Expr::Assert(_, _, _, body)
        | Expr::If(_, _, _, _, _, body)
        | Expr::Abstraction(_, _, body)
        | Expr::Application(_, body)
        | Expr::Operation(_, _, body)
        | Expr::Negation(_, body)
        | Expr::Inversion(_, body) => expr_last(body),
        Expr::MemberCheck(_, question, selectors) => match selectors.last_mut() {
            Some(selector) => simple_selector_last(&mut selector.selector),
            None => meta!(question),
        },
    }
}

/// `moveTrailingCommentUp` on the trivia of a token, in place.
pub(crate) fn move_meta_trailing_up(meta: Meta<'_>) {
    if let Some(comment) = meta.trail.take() {
        meta.pre.push(Trivium::LineComment(format!(" {comment}")));
    }
}

fn pretty_trivium(b: &mut DocBuilder, trivium: &Trivium) {
    match trivium {
        Trivium::EmptyLine => b.emptyline(),
        Trivium::LineComment(c) => {
            b.comment_with_prefix("#", c);
            b.hardline();
        }
        Trivium::LanguageAnnotation(lang) => {
            let mut text = Txt::const_new("/* ");
            text.push_str(lang);
            text.push_str(" */");
            b.comment(text);
            b.hardspace();
        }
        Trivium::FormatDirective(directive) => match directive {
            Directive::Disable => b.disable_marker(),
            Directive::DisabledToEof(raw) => b.verbatim(raw, true),
            Directive::Enable(Some(raw)) => {
                b.verbatim(raw, false);
                b.hardline();
            }
            Directive::Enable(None) => {
                b.comment(Txt::const_new("/*nixfmt:enable*/"));
                b.hardline();
            }
        },
        Trivium::BlockComment(is_doc, lines) => {
            b.comment(Txt::const_new(if *is_doc { "/**" } else { "/*" }));
            b.hardline();
            b.offset(2, |b| {
                for line in lines {
                    if line.is_empty() {
                        b.emptyline();
                    } else {
                        b.comment(line.as_str());
                        b.hardline();
                    }
                }
            });
            b.comment(Txt::const_new("*/"));
            b.hardline();
        }
    }
}

/// Leading trivia: each item on its own line (a lone language annotation stays inline).
pub fn pretty_trivia(b: &mut DocBuilder, trivia: &[Trivium]) {
    match trivia {
        [] => {}
        [single @ Trivium::LanguageAnnotation(_)] => pretty_trivium(b, single),
        items => {
            b.hardline();
            for item in items {
                pretty_trivium(b, item);
            }
        }
    }
}

/// A trailing comment: ` # text` then a line break.
pub(crate) fn pretty_trailing(b: &mut DocBuilder, trail: &Option<String>) {
    if let Some(c) = trail {
        b.hardspace();
        b.trailing_comment_with_prefix("# ", c);
        b.hardline();
    }
}

/// The text of a token (keywords and operators are static: no copy).
pub(crate) fn pretty_token(b: &mut DocBuilder, token: &Token) {
    match token {
        Token::Symbol(s) => b.text_static(s),
        other => b.text(other.text()),
    }
}

/// A token with its trivia.
pub(crate) fn pretty_leaf(b: &mut DocBuilder, leaf: &Leaf) {
    pretty_trivia(b, &leaf.pre);
    pretty_token(b, &leaf.value);
    pretty_trailing(b, &leaf.trail);
}

/// An optional token.
pub(crate) fn pretty_opt_leaf(b: &mut DocBuilder, leaf: &Option<Leaf>) {
    if let Some(leaf) = leaf {
        pretty_leaf(b, leaf);
    }
}

/// A token with its trailing comment moved up to the end of its leading trivia
/// (`moveTrailingCommentUp`), without copying the token.
pub(crate) fn pretty_leaf_trail_up(b: &mut DocBuilder, leaf: &Leaf) {
    match &leaf.trail {
        None => pretty_leaf(b, leaf),
        Some(c) => {
            // Leading trivia plus one line comment: never a lone language annotation.
            b.hardline();
            for item in &leaf.pre {
                pretty_trivium(b, item);
            }
            b.comment_with_prefix("# ", c);
            b.hardline();
            pretty_token(b, &leaf.value);
        }
    }
}

/// A token without its trailing comment.
pub(crate) fn pretty_leaf_no_trail(b: &mut DocBuilder, leaf: &Leaf) {
    pretty_trivia(b, &leaf.pre);
    pretty_token(b, &leaf.value);
}

/// A token without its leading trivia.
pub(crate) fn pretty_leaf_no_pre(b: &mut DocBuilder, leaf: &Leaf) {
    pretty_token(b, &leaf.value);
    pretty_trailing(b, &leaf.trail);
}

/// A whole file or interpolation: the expression and its final trivia, grouped.
pub fn pretty_whole(b: &mut DocBuilder, whole: &Whole) {
    b.group(|b| {
        super::pretty_expr(b, &whole.expr);
        pretty_trivia(b, &whole.trivia);
    });
}
