//! Builds the nixfmt-shaped [`ast`](super::ast) from the rnix CST.
//!
//! Trivia is not read from the CST: after each lexeme (token, string, path, dynamic
//! attribute), [`trivia::lex`] reads the comments and line breaks that follow it in the
//! source, exactly like nixfmt's lexer, and splits them into the lexeme's trailing comment
//! and the pending leading trivia of the next lexeme. The walk visits lexemes in source
//! order, so the pending trivia flows like nixfmt's parser state.

pub(crate) mod attach;
mod green;

use rnix::{SyntaxKind, SyntaxKind::*, SyntaxNode};

use self::attach::{Attach, apply, operation, push_string_text};
use self::green::{El, Node, Tok};
use super::ast::*;

/// A construct nixfmt rejects (rnix accepts more), or an unexpected tree shape.
#[derive(Debug)]
pub struct LowerError {
    /// What is wrong.
    pub message: String,
    /// Where (byte range).
    pub range: std::ops::Range<usize>,
}

type Result<T> = std::result::Result<T, LowerError>;

fn error<T>(message: &str, node: Node<'_>) -> Result<T> {
    Err(LowerError {
        message: message.to_string(),
        range: node.range(),
    })
}

/// Maximum nesting of expressions the lowering (and the printer after it) accepts.
pub const MAX_DEPTH: usize = 5000;

struct Lower<'a> {
    at: Attach<'a>,
    depth: usize,
}

/// The significant children of an expression node, with typed accessors. Each accessor
/// walks the (few) children again instead of collecting them.
#[derive(Clone, Copy)]
struct Parts<'g> {
    node: Node<'g>,
}

impl<'g> Parts<'g> {
    fn new(node: Node<'g>) -> Self {
        Parts { node }
    }

    fn malformed(&self, what: String) -> LowerError {
        LowerError {
            message: what,
            range: self.node.range(),
        }
    }

    /// The `index`-th child node.
    fn node(&self, index: usize) -> Result<Node<'g>> {
        self.node
            .nodes()
            .nth(index)
            .ok_or_else(|| self.malformed("malformed expression".into()))
    }

    /// The first child token of a kind.
    fn token(&self, kind: SyntaxKind) -> Result<El<'g>> {
        self.iter()
            .find(|p| p.kind() == kind)
            .ok_or_else(|| self.malformed(format!("missing {kind:?}")))
    }

    fn iter(&self) -> impl Iterator<Item = El<'g>> + use<'g> {
        self.node.parts()
    }

    fn first(&self) -> Option<El<'g>> {
        self.iter().next()
    }

    fn len(&self) -> usize {
        self.iter().count()
    }
}

pub(crate) fn symbol(kind: SyntaxKind) -> &'static str {
    match kind {
        TOKEN_ADD => "+",
        TOKEN_AND_AND => "&&",
        TOKEN_ASSIGN => "=",
        TOKEN_ASSERT => "assert",
        TOKEN_AT => "@",
        TOKEN_COLON => ":",
        TOKEN_COMMA => ",",
        TOKEN_CONCAT => "++",
        TOKEN_DIV => "/",
        TOKEN_DOT => ".",
        TOKEN_ELLIPSIS => "...",
        TOKEN_ELSE => "else",
        TOKEN_EQUAL => "==",
        TOKEN_IF => "if",
        TOKEN_IMPLICATION => "->",
        TOKEN_IN => "in",
        TOKEN_INHERIT => "inherit",
        TOKEN_INVERT => "!",
        TOKEN_L_BRACE => "{",
        TOKEN_L_BRACK => "[",
        TOKEN_L_PAREN => "(",
        TOKEN_LESS => "<",
        TOKEN_LESS_OR_EQ => "<=",
        TOKEN_LET => "let",
        TOKEN_MORE => ">",
        TOKEN_MORE_OR_EQ => ">=",
        TOKEN_MUL => "*",
        TOKEN_NOT_EQUAL => "!=",
        TOKEN_OR => "or",
        TOKEN_OR_OR => "||",
        TOKEN_PIPE_LEFT => "<|",
        TOKEN_PIPE_RIGHT => "|>",
        TOKEN_QUESTION => "?",
        TOKEN_R_BRACE => "}",
        TOKEN_R_BRACK => "]",
        TOKEN_R_PAREN => ")",
        TOKEN_REC => "rec",
        TOKEN_SEMICOLON => ";",
        TOKEN_SUB => "-",
        TOKEN_THEN => "then",
        TOKEN_UPDATE => "//",
        TOKEN_WITH => "with",
        _ => "",
    }
}

/// Merges adjacent text parts and drops empty ones.
fn normalize_line(parts: Vec<StringPart>) -> Vec<StringPart> {
    let mut out: Vec<StringPart> = Vec::with_capacity(parts.len());
    for part in parts {
        match part {
            StringPart::Text(t) if t.is_empty() => {}
            StringPart::Text(t) => {
                if let Some(StringPart::Text(previous)) = out.last_mut() {
                    previous.push_str(&t);
                } else {
                    out.push(StringPart::Text(t));
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// Appends text to a line, merging it into a text part before it; empty text is dropped.
pub(crate) fn push_text(line: &mut Vec<StringPart>, text: &str) {
    if text.is_empty() {
        return;
    }
    if let Some(StringPart::Text(previous)) = line.last_mut() {
        previous.push_str(text);
    } else {
        line.push(StringPart::Text(text.to_string()));
    }
}

fn is_spaces(text: &str) -> bool {
    text.chars().all(|c| c == ' ')
}

fn is_empty_line(line: &[StringPart]) -> bool {
    match line {
        [] => true,
        [StringPart::Text(t)] => is_spaces(t),
        _ => false,
    }
}

/// nixfmt's processing of indented string lines: drop an empty first line, empty a
/// whitespace-only last line, strip the common indentation. Returns the indentation too.
pub(crate) fn fix_indented_string(
    mut lines: Vec<Vec<StringPart>>,
) -> (String, Vec<Vec<StringPart>>) {
    if lines.len() > 1 && is_empty_line(&lines[0]) {
        lines.remove(0);
    }
    if let Some(last) = lines.last_mut()
        && is_empty_line(last)
    {
        last.clear();
    }
    let heads: Vec<&str> = lines
        .iter()
        .filter(|l| !is_empty_line(l))
        .map(|l| match &l[0] {
            StringPart::Text(t) => t.as_str(),
            StringPart::Interpolation(_) => "",
        })
        .collect();
    if heads.is_empty() {
        let count = lines.len();
        return (String::new(), vec![Vec::new(); count]);
    }
    let mut common: &str = heads[0];
    for head in &heads[1..] {
        let shared = common
            .char_indices()
            .zip(head.chars())
            .find(|((_, a), b)| a != b)
            .map_or(common.len().min(head.len()), |((i, _), _)| i);
        common = &common[..shared];
    }
    let indentation: String = common.chars().take_while(|&c| c == ' ').collect();
    let stripped = lines
        .into_iter()
        .map(|mut line| {
            if let Some(StringPart::Text(t)) = line.first_mut() {
                *t = t
                    .strip_prefix(indentation.as_str())
                    .unwrap_or("")
                    .to_string();
            }
            normalize_line(line)
        })
        .collect();
    (indentation, stripped)
}

pub(crate) fn convert_indented_escapes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("''$") {
            out.push_str("\\$");
            rest = after;
        } else if let Some(after) = rest.strip_prefix("'''") {
            out.push_str("''");
            rest = after;
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

impl<'a> Lower<'a> {
    fn line(&mut self, offset: usize) -> usize {
        self.at.line(offset)
    }

    fn take_pending(&mut self) -> Trivia {
        self.at.take_pending()
    }

    fn finish<T>(&mut self, pre: Trivia, line: usize, end: usize, value: T) -> Ann<T> {
        self.at.finish(pre, line, end, value)
    }

    fn token_line(&mut self, token: Tok<'a>) -> usize {
        self.at.token_line(token.start(), token.end())
    }

    fn leaf_token(&mut self, token: Tok<'a>) -> Leaf {
        let text = token.text();
        let value = match token.kind() {
            TOKEN_IDENT | TOKEN_CUR_POS => Token::Identifier(text.into()),
            TOKEN_INTEGER => Token::Integer(text.into()),
            TOKEN_FLOAT => Token::Float(text.into()),
            TOKEN_PATH_SEARCH => Token::EnvPath(text.into()),
            kind => Token::Symbol(symbol(kind)),
        };
        let pre = self.take_pending();
        let line = self.token_line(token);
        self.finish(pre, line, token.end(), value)
    }

    fn leaf(&mut self, element: El<'a>) -> Result<Leaf> {
        match element {
            El::Token(token) => Ok(self.leaf_token(token)),
            El::Node(node) => match node.kind() {
                NODE_IDENT | NODE_CUR_POS => {
                    let token = node.first_token().ok_or_else(|| LowerError {
                        message: "empty identifier".into(),
                        range: node.range(),
                    })?;
                    let pre = self.take_pending();
                    let line = self.token_line(token);
                    Ok(self.finish(
                        pre,
                        line,
                        token.end(),
                        Token::Identifier(token.text().into()),
                    ))
                }
                _ => error("expected a token", node),
            },
        }
    }

    /// `${ … }` (interpolation node): a fresh trivia context.
    fn whole_inner(&mut self, node: Node<'a>) -> Result<Whole> {
        let parts = Parts::new(node);
        let (Some(open), Some(expr)) = (parts.first(), parts.iter().find_map(El::as_node)) else {
            return error("malformed interpolation", node);
        };
        let saved = self.at.enter_interpolation(open.end());
        let expr = self.expr(expr)?;
        Ok(self.at.leave_interpolation(saved, expr))
    }

    /// The parts (text and interpolations) between the delimiters of a string or path,
    /// split into lines at the literal line breaks of the text when `split`; every line is
    /// normalised like [`normalize_line`] (adjacent texts merged, empty ones dropped).
    fn string_lines(&mut self, node: Node<'a>, split: bool) -> Result<Vec<Vec<StringPart>>> {
        let mut lines = Vec::with_capacity(1);
        let mut line: Vec<StringPart> = Vec::new();
        for child in node.parts() {
            match child {
                El::Token(token)
                    if matches!(
                        token.kind(),
                        TOKEN_STRING_CONTENT | TOKEN_PATH_ABS | TOKEN_PATH_REL | TOKEN_PATH_HOME
                    ) =>
                {
                    push_string_text(&mut lines, &mut line, token.text(), split);
                }
                El::Node(inner) if inner.kind() == NODE_INTERPOL => {
                    let whole = self.whole_inner(inner)?;
                    line.push(StringPart::Interpolation(Box::new(whole)));
                }
                _ => {}
            }
        }
        lines.push(line);
        Ok(lines)
    }

    fn is_indented(node: Node<'_>) -> bool {
        node.first_token().is_some_and(|t| t.text() == "''")
    }

    /// A `"…"` string as used in attribute names (never converted).
    fn simple_string(&mut self, node: Node<'a>) -> Result<NixString> {
        let pre = self.take_pending();
        let line = self.line(node.start());
        let lines = self.string_lines(node, true)?;
        Ok(self.finish(pre, line, node.end(), lines))
    }

    fn string(&mut self, node: Node<'a>) -> Result<Term> {
        if !Self::is_indented(node) {
            return Ok(Term::SimpleString(self.simple_string(node)?));
        }
        let pre = self.take_pending();
        let line = self.line(node.start());
        let cuts_before = self.at.directives.cut_interpolations;
        let lines = self.string_lines(node, true)?;
        let cut = self.at.directives.cut_interpolations != cuts_before;
        Ok(self.at.indented_string(pre, line, node.end(), lines, cut))
    }

    fn path(&mut self, node: Node<'a>) -> Result<Term> {
        let pre = self.take_pending();
        if let Some(El::Node(n)) = node.parts().next()
            && n.kind() == NODE_INTERPOL
        {
            return error("a path cannot start with an interpolation", node);
        }
        let line = self.line(node.start());
        let parts = self.string_lines(node, false)?.pop().unwrap_or_default();
        Ok(Term::Path(self.finish(pre, line, node.end(), parts)))
    }

    fn simple_selector(&mut self, element: El<'a>, in_inherit: bool) -> Result<SimpleSelector> {
        let El::Node(node) = element else {
            return Ok(SimpleSelector::Id(self.leaf(element)?));
        };
        match node.kind() {
            NODE_IDENT => Ok(SimpleSelector::Id(self.leaf(element)?)),
            NODE_STRING => {
                if Self::is_indented(node) {
                    return error("indented string as attribute name", node);
                }
                Ok(SimpleSelector::String(self.simple_string(node)?))
            }
            NODE_DYNAMIC => {
                if in_inherit {
                    let mut inner = node.nodes();
                    let ok = match (inner.next(), inner.next()) {
                        (Some(only), None) => {
                            only.kind() == NODE_STRING && !Self::is_indented(only)
                        }
                        _ => false,
                    };
                    if !ok {
                        return error(
                            "only `${\"string\"}` interpolations are allowed in inherit",
                            node,
                        );
                    }
                }
                let pre = self.take_pending();
                let line = self.line(node.start());
                let whole = self.whole_inner(node)?;
                Ok(SimpleSelector::Interpol(self.finish(
                    pre,
                    line,
                    node.end(),
                    StringPart::Interpolation(Box::new(whole)),
                )))
            }
            _ => error("unexpected attribute name", node),
        }
    }

    /// An attrpath: `dot` is the dot before the first selector (selections).
    fn selectors(&mut self, node: Node<'a>, mut dot: Option<Leaf>) -> Result<Vec<Selector>> {
        let mut out = Vec::with_capacity(node.parts().filter(|c| c.kind() != TOKEN_DOT).count());
        for child in node.parts() {
            if child.kind() == TOKEN_DOT {
                dot = Some(self.leaf(child)?);
            } else {
                let selector = self.simple_selector(child, false)?;
                out.push(Selector {
                    dot: dot.take(),
                    selector,
                });
            }
        }
        Ok(out)
    }

    fn term(&mut self, node: Node<'a>) -> Result<Term> {
        match self.expr(node)? {
            Expr::Term(term) => Ok(term),
            _ => error("expected a term", node),
        }
    }

    /// Items of a list, set or let: `count` elements (comment items come on top).
    fn items<T>(
        &mut self,
        nodes: impl IntoIterator<Item = Node<'a>>,
        count: usize,
        mut convert: impl FnMut(&mut Self, Node<'a>) -> Result<T>,
    ) -> Result<Items<T>> {
        let mut items = Vec::with_capacity(count);
        for node in nodes {
            if !self.at.pending.is_empty() {
                items.push(Item::Comments(self.take_pending()));
            }
            items.push(Item::Item(convert(self, node)?));
        }
        if !self.at.pending.is_empty() {
            items.push(Item::Comments(self.take_pending()));
        }
        Ok(items)
    }

    fn binder(&mut self, node: Node<'a>) -> Result<Binder> {
        let mut parts = node.parts();
        match node.kind() {
            NODE_ATTRPATH_VALUE => {
                let (Some(El::Node(path)), Some(assign), Some(El::Node(value)), Some(semicolon)) =
                    (parts.next(), parts.next(), parts.next(), parts.next())
                else {
                    return error("malformed binding", node);
                };
                let selectors = self.selectors(path, None)?;
                let assign = self.leaf(assign)?;
                let value = self.expr(value)?;
                let semicolon = self.leaf(semicolon)?;
                Ok(Binder::Assignment(selectors, assign, value, semicolon))
            }
            NODE_INHERIT => {
                let Some(first) = parts.next() else {
                    return error("malformed inherit", node);
                };
                let inherit = self.leaf(first)?;
                let mut from = None;
                let mut names = Vec::new();
                let mut semicolon = None;
                for part in parts {
                    match part {
                        El::Node(n) if n.kind() == NODE_INHERIT_FROM => {
                            let mut inner = n.parts();
                            let (Some(open), Some(El::Node(e)), Some(close)) =
                                (inner.next(), inner.next(), inner.next())
                            else {
                                return error("malformed inherit source", n);
                            };
                            let open = self.leaf(open)?;
                            let e = self.expr(e)?;
                            let close = self.leaf(close)?;
                            from = Some(Term::Parenthesized(open, Box::new(e), close));
                        }
                        El::Token(t) if t.kind() == TOKEN_SEMICOLON => {
                            semicolon = Some(self.leaf(part)?);
                        }
                        _ => names.push(self.simple_selector(part, true)?),
                    }
                }
                let Some(semicolon) = semicolon else {
                    return error("missing `;`", node);
                };
                Ok(Binder::Inherit(inherit, from, names, semicolon))
            }
            _ => error("unexpected binding", node),
        }
    }

    /// `name @` or `@ name` of a pattern, in source order.
    fn pat_bind(&mut self, bind: Node<'a>) -> Result<(Leaf, Leaf)> {
        let mut inner = bind.parts();
        let (Some(first), Some(second)) = (inner.next(), inner.next()) else {
            return error("malformed @ pattern", bind);
        };
        let first = self.leaf(first)?;
        let second = self.leaf(second)?;
        Ok((first, second))
    }

    fn parameter(&mut self, node: Node<'a>) -> Result<Parameter> {
        match node.kind() {
            NODE_IDENT_PARAM => {
                let Some(ident) = node.parts().next() else {
                    return error("malformed parameter", node);
                };
                Ok(Parameter::Id(self.leaf(ident)?))
            }
            NODE_PATTERN => {
                let mut parts = node.parts().peekable();
                let mut before: Option<(Leaf, Leaf)> = None;
                if let Some(El::Node(bind)) = parts.peek().copied()
                    && bind.kind() == NODE_PAT_BIND
                {
                    before = Some(self.pat_bind(bind)?);
                    parts.next();
                }
                let Some(open) = parts.next() else {
                    return error("malformed pattern", node);
                };
                let open = self.leaf(open)?;
                let mut attrs: Vec<ParamAttr> = Vec::new();
                let mut close = None;
                let mut after = None;
                for part in parts {
                    match part {
                        El::Node(entry) if entry.kind() == NODE_PAT_ENTRY => {
                            let mut inner = entry.parts();
                            let Some(name) = inner.next() else {
                                return error("malformed pattern entry", entry);
                            };
                            let name = self.leaf(name)?;
                            let default = match (inner.next(), inner.next()) {
                                (Some(question), Some(El::Node(value))) => {
                                    let question = self.leaf(question)?;
                                    Some((question, Box::new(self.expr(value)?)))
                                }
                                _ => None,
                            };
                            attrs.push(ParamAttr::Attr(name, default, None));
                        }
                        El::Token(t) if t.kind() == TOKEN_COMMA => {
                            let comma = self.leaf(part)?;
                            if let Some(ParamAttr::Attr(_, _, slot)) = attrs.last_mut() {
                                *slot = Some(comma);
                            }
                        }
                        El::Token(t) if t.kind() == TOKEN_ELLIPSIS => {
                            attrs.push(ParamAttr::Ellipsis(self.leaf(part)?));
                        }
                        El::Token(t) if t.kind() == TOKEN_R_BRACE => {
                            close = Some(self.leaf(part)?);
                        }
                        El::Node(bind) if bind.kind() == NODE_PAT_BIND => {
                            after = Some(self.pat_bind(bind)?);
                        }
                        _ => return error("unexpected element in pattern", node),
                    }
                }
                let Some(close) = close else {
                    return error("missing `}`", node);
                };
                let set = Parameter::Set(open, attrs, close);
                Ok(match (before, after) {
                    (Some((name, at)), _) => {
                        Parameter::Context(Box::new(Parameter::Id(name)), at, Box::new(set))
                    }
                    (None, Some((at, name))) => {
                        Parameter::Context(Box::new(set), at, Box::new(Parameter::Id(name)))
                    }
                    (None, None) => set,
                })
            }
            _ => error("unexpected parameter", node),
        }
    }

    fn expr(&mut self, node: Node<'a>) -> Result<Expr> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(LowerError {
                message: format!("nesting too deep to format (more than {MAX_DEPTH} levels)"),
                range: node.range(),
            });
        }
        let result = self.expr_inner(node);
        self.depth -= 1;
        result
    }

    fn expr_inner(&mut self, node: Node<'a>) -> Result<Expr> {
        match node.kind() {
            NODE_ROOT => self.lower_node_root(node),
            NODE_PAREN => self.lower_node_paren(node),
            NODE_IDENT | NODE_CUR_POS => self.lower_node_ident(node),
            NODE_LITERAL => self.lower_node_literal(node),
            NODE_PATH_SEARCH => self.lower_node_path_search(node),
            NODE_PATH_ABS | NODE_PATH_REL | NODE_PATH_HOME => self.lower_node_path_abs(node),
            NODE_STRING => self.lower_node_string(node),
            NODE_LIST => self.lower_node_list(node),
            NODE_ATTR_SET | NODE_LEGACY_LET => self.lower_node_attr_set(node),
            NODE_SELECT => self.lower_node_select(node),
            NODE_APPLY => self.lower_node_apply(node),
            NODE_BIN_OP => self.lower_node_bin_op(node),
            NODE_UNARY_OP => self.lower_node_unary_op(node),
            NODE_HAS_ATTR => self.lower_node_has_attr(node),
            NODE_LAMBDA => self.lower_node_lambda(node),
            NODE_WITH => self.lower_node_with(node),
            NODE_ASSERT => self.lower_node_assert(node),
            NODE_IF_ELSE => self.lower_node_if_else(node),
            NODE_LET_IN => self.lower_node_let_in(node),
            _ => error("unsupported syntax", node),
        }
    }

    #[inline(never)] // keeps the recursive frames small in debug builds
    fn lower_node_root(&mut self, node: Node<'a>) -> Result<Expr> {
        let parts = Parts::new(node);
        self.expr(parts.node(0)?)
    }

    #[inline(never)] // keeps the recursive frames small in debug builds
    fn lower_node_paren(&mut self, node: Node<'a>) -> Result<Expr> {
        let parts = Parts::new(node);
        let open = self.leaf(parts.token(TOKEN_L_PAREN)?)?;
        let inner = self.expr(parts.node(0)?)?;
        let close = self.leaf(parts.token(TOKEN_R_PAREN)?)?;
        Ok(Expr::Term(Term::Parenthesized(
            open,
            Box::new(inner),
            close,
        )))
    }

    #[inline(never)] // keeps the recursive frames small in debug builds
    fn lower_node_ident(&mut self, node: Node<'a>) -> Result<Expr> {
        Ok(Expr::Term(Term::Token(self.leaf(El::Node(node))?)))
    }

    #[inline(never)] // keeps the recursive frames small in debug builds
    fn lower_node_literal(&mut self, node: Node<'a>) -> Result<Expr> {
        let parts = Parts::new(node);
        let Some(El::Token(token)) = parts.first() else {
            return error("malformed literal", node);
        };
        Ok(if token.kind() == TOKEN_URI {
            let pre = self.take_pending();
            let line = self.token_line(token);
            let value = vec![vec![StringPart::Text(token.text().to_string())]];
            Expr::Term(Term::SimpleString(self.finish(
                pre,
                line,
                token.end(),
                value,
            )))
        } else {
            Expr::Term(Term::Token(self.leaf_token(token)))
        })
    }

    #[inline(never)] // keeps the recursive frames small in debug builds
    fn lower_node_path_search(&mut self, node: Node<'a>) -> Result<Expr> {
        let parts = Parts::new(node);
        let Some(El::Token(token)) = parts.first() else {
            return error("malformed path", node);
        };
        if parts.len() > 1 {
            return error("interpolation in a search path", node);
        }
        Ok(Expr::Term(Term::Token(self.leaf_token(token))))
    }

    #[inline(never)] // keeps the recursive frames small in debug builds
    fn lower_node_path_abs(&mut self, node: Node<'a>) -> Result<Expr> {
        Ok(Expr::Term(self.path(node)?))
    }

    #[inline(never)] // keeps the recursive frames small in debug builds
    fn lower_node_string(&mut self, node: Node<'a>) -> Result<Expr> {
        Ok(Expr::Term(self.string(node)?))
    }

    #[inline(never)] // keeps the recursive frames small in debug builds
    fn lower_node_list(&mut self, node: Node<'a>) -> Result<Expr> {
        let parts = Parts::new(node);
        let open = self.leaf(parts.token(TOKEN_L_BRACK)?)?;
        let mut inner: Vec<Node<'a>> = Vec::new();
        for part in node.nodes() {
            flatten_or_items(part, &mut inner);
        }
        let count = inner.len();
        let items = self.items(inner, count, |this, n| this.term(n))?;
        let close = self.leaf(parts.token(TOKEN_R_BRACK)?)?;
        Ok(Expr::Term(Term::List(open, items, close)))
    }

    #[inline(never)] // keeps the recursive frames small in debug builds
    fn lower_node_attr_set(&mut self, node: Node<'a>) -> Result<Expr> {
        let parts = Parts::new(node);
        let keyword = match parts.first() {
            Some(first) if matches!(first.kind(), TOKEN_REC | TOKEN_LET) => Some(self.leaf(first)?),
            _ => None,
        };
        let open = self.leaf(parts.token(TOKEN_L_BRACE)?)?;
        let count = node.nodes().count();
        let items = self.items(node.nodes(), count, |this, n| this.binder(n))?;
        let close = self.leaf(parts.token(TOKEN_R_BRACE)?)?;
        Ok(Expr::Term(Term::Set(keyword, open, items, close)))
    }

    #[inline(never)] // keeps the recursive frames small in debug builds
    fn lower_node_select(&mut self, node: Node<'a>) -> Result<Expr> {
        let parts = Parts::new(node);
        let base = self.term(parts.node(0)?)?;
        let dot = self.leaf(parts.token(TOKEN_DOT)?)?;
        let selectors = self.selectors(parts.node(1)?, Some(dot))?;
        let default = match parts.iter().find(|p| p.kind() == TOKEN_OR) {
            Some(or) => {
                let or = self.leaf(or)?;
                let value = self.term(parts.node(2)?)?;
                Some((or, Box::new(value)))
            }
            None => None,
        };
        Ok(Expr::Term(Term::Selection(
            Box::new(base),
            selectors,
            default,
        )))
    }

    #[inline(never)] // keeps the recursive frames small in debug builds
    fn lower_node_apply(&mut self, node: Node<'a>) -> Result<Expr> {
        let parts = Parts::new(node);
        let function = self.expr(parts.node(0)?)?;
        let argument = self.expr(parts.node(1)?)?;
        Ok(apply(function, argument))
    }

    #[inline(never)] // keeps the recursive frames small in debug builds
    fn lower_node_bin_op(&mut self, node: Node<'a>) -> Result<Expr> {
        let parts = Parts::new(node);
        let left = self.expr(parts.node(0)?)?;
        let Some(op) = parts.iter().find(|p| p.as_token().is_some()) else {
            return error("missing operator", node);
        };
        let op = self.leaf(op)?;
        let right = self.expr(parts.node(1)?)?;
        Ok(operation(left, op, right))
    }

    #[inline(never)] // keeps the recursive frames small in debug builds
    fn lower_node_unary_op(&mut self, node: Node<'a>) -> Result<Expr> {
        let parts = Parts::new(node);
        let Some(op) = parts.first() else {
            return error("malformed unary operation", node);
        };
        let is_not = op.kind() == TOKEN_INVERT;
        let op = self.leaf(op)?;
        let inner = self.expr(parts.node(0)?)?;
        Ok(if is_not {
            Expr::Inversion(op, Box::new(inner))
        } else {
            Expr::Negation(op, Box::new(inner))
        })
    }

    #[inline(never)] // keeps the recursive frames small in debug builds
    fn lower_node_has_attr(&mut self, node: Node<'a>) -> Result<Expr> {
        let parts = Parts::new(node);
        let inner = self.expr(parts.node(0)?)?;
        let question = self.leaf(parts.token(TOKEN_QUESTION)?)?;
        let selectors = self.selectors(parts.node(1)?, None)?;
        Ok(Expr::MemberCheck(Box::new(inner), question, selectors))
    }

    #[inline(never)] // keeps the recursive frames small in debug builds
    fn lower_node_lambda(&mut self, node: Node<'a>) -> Result<Expr> {
        let parts = Parts::new(node);
        let parameter = self.parameter(parts.node(0)?)?;
        let colon = self.leaf(parts.token(TOKEN_COLON)?)?;
        let body = self.expr(parts.node(1)?)?;
        Ok(Expr::Abstraction(parameter, colon, Box::new(body)))
    }

    #[inline(never)] // keeps the recursive frames small in debug builds
    fn lower_node_with(&mut self, node: Node<'a>) -> Result<Expr> {
        let parts = Parts::new(node);
        let with = self.leaf(parts.token(TOKEN_WITH)?)?;
        let scope = self.expr(parts.node(0)?)?;
        let semicolon = self.leaf(parts.token(TOKEN_SEMICOLON)?)?;
        let body = self.expr(parts.node(1)?)?;
        Ok(Expr::With(with, Box::new(scope), semicolon, Box::new(body)))
    }

    #[inline(never)] // keeps the recursive frames small in debug builds
    fn lower_node_assert(&mut self, node: Node<'a>) -> Result<Expr> {
        let parts = Parts::new(node);
        let assert = self.leaf(parts.token(TOKEN_ASSERT)?)?;
        let condition = self.expr(parts.node(0)?)?;
        let semicolon = self.leaf(parts.token(TOKEN_SEMICOLON)?)?;
        let body = self.expr(parts.node(1)?)?;
        Ok(Expr::Assert(
            assert,
            Box::new(condition),
            semicolon,
            Box::new(body),
        ))
    }

    #[inline(never)] // keeps the recursive frames small in debug builds
    fn lower_node_if_else(&mut self, node: Node<'a>) -> Result<Expr> {
        let parts = Parts::new(node);
        let if_ = self.leaf(parts.token(TOKEN_IF)?)?;
        let condition = self.expr(parts.node(0)?)?;
        let then = self.leaf(parts.token(TOKEN_THEN)?)?;
        let yes = self.expr(parts.node(1)?)?;
        let else_ = self.leaf(parts.token(TOKEN_ELSE)?)?;
        let no = self.expr(parts.node(2)?)?;
        Ok(Expr::If(
            if_,
            Box::new(condition),
            then,
            Box::new(yes),
            else_,
            Box::new(no),
        ))
    }

    #[inline(never)] // keeps the recursive frames small in debug builds
    fn lower_node_let_in(&mut self, node: Node<'a>) -> Result<Expr> {
        let parts = Parts::new(node);
        let let_ = self.leaf(parts.token(TOKEN_LET)?)?;
        let count = node.nodes().count();
        let Some(body) = node.nodes().last() else {
            return error("malformed let", node);
        };
        let items = self.items(node.nodes().take(count - 1), count - 1, |this, n| {
            this.binder(n)
        })?;
        let in_ = self.leaf(parts.token(TOKEN_IN)?)?;
        let body = self.expr(body)?;
        Ok(Expr::Let(let_, items, in_, Box::new(body)))
    }
}

/// List items: rnix parses `[ a or b ]` as the items `(a or)` and `b` (an application of
/// the identifier `or`), nixfmt as three items `a`, `or`, `b`. An application can only be
/// a list item in that case, so flatten it back.
fn flatten_or_items<'g>(node: Node<'g>, out: &mut Vec<Node<'g>>) {
    if node.kind() == NODE_APPLY {
        let mut children = node.nodes();
        if let (Some(function), Some(argument), None) =
            (children.next(), children.next(), children.next())
        {
            flatten_or_items(function, out);
            flatten_or_items(argument, out);
            return;
        }
    }
    out.push(node);
}

/// Lowers a parsed file. `strict` sets every source line to 1 (nixfmt's `--strict`).
pub fn lower(source: &str, root: &SyntaxNode, strict: bool) -> Result<Whole> {
    let mut lower = Lower {
        at: Attach::new(source, strict),
        depth: 0,
    };
    let expr = lower.expr(Node::new(root))?;
    Ok(lower.at.finish_file(expr))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lowered(source: &str, strict: bool) -> Whole {
        let parsed = crate::nix::parse::parse(source).expect("parses");
        lower(source, &parsed.root, strict).expect("lowers")
    }

    /// The lines of the names and `=` of a set's bindings, and of its braces.
    fn set_lines(whole: &Whole) -> Vec<(String, usize, usize)> {
        let Expr::Term(Term::Set(_, open, items, close)) = &whole.expr else {
            panic!("not a set");
        };
        let mut out = vec![("{".to_string(), open.line, 0)];
        for item in items {
            if let Item::Item(Binder::Assignment(path, assign, _, _)) = item
                && let [
                    Selector {
                        selector: SimpleSelector::Id(name),
                        ..
                    },
                ] = path.as_slice()
            {
                out.push((name.value.text().to_string(), name.line, assign.line));
            }
        }
        out.push(("}".to_string(), close.line, 0));
        out
    }

    #[test]
    fn token_lines_count_line_breaks_in_strings_comments_and_crlf() {
        let source = "{\n  a = ''\n    x\n  '';\n  b /* c\n d */ = \"1\n2\";\r\n\r\n  c\n  = \"${x}\";\n  d = 1; # e\n\n\n  f = 2;\n}\n";
        let expected = vec![
            ("{".to_string(), 1, 0),
            ("a".to_string(), 2, 2),
            ("b".to_string(), 5, 6),
            ("c".to_string(), 9, 10),
            ("d".to_string(), 11, 11),
            ("f".to_string(), 14, 14),
            ("}".to_string(), 15, 0),
        ];
        assert_eq!(set_lines(&lowered(source, false)), expected);
        // `--strict` puts every token (outside interpolations) on line 1.
        let strict = set_lines(&lowered(source, true));
        assert!(strict.iter().all(|(_, line, _)| *line == 1), "{strict:?}");
    }

    /// Nix rejects `{ a, a }: a` when evaluating, but nixfmt's parser accepts it and
    /// formats the formals as they are (checked in NixOS/nixfmt's `Parser.hs`): so do we.
    #[test]
    fn duplicate_formals_are_formatted_like_nixfmt_does() {
        let source = "{a,a}: a";
        let parsed = crate::nix::parse::parse(source).expect("rnix accepts duplicate formals");
        let options = crate::nix::NixFormatOptions::default();
        let output = crate::nix::format::format_nix(source, &parsed, &options);
        assert_eq!(output.expect("formats"), "{ a, a }: a\n");
    }

    #[test]
    fn a_token_after_unicode_space_still_gets_its_comment() {
        let whole = lowered("{ a = 1;\u{a0}# note\n}", false);
        let Expr::Term(Term::Set(_, _, items, _)) = &whole.expr else {
            panic!("not a set");
        };
        let Some(Item::Item(Binder::Assignment(_, _, _, semicolon))) = items.first() else {
            panic!("{items:?}");
        };
        assert_eq!(semicolon.trail.as_deref(), Some("note"));
    }
}
