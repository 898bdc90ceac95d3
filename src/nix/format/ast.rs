//! An owned, nixfmt-shaped syntax tree built from the rnix CST by [`super::lower`].
//!
//! Every token carries its trivia: leading comments/blank lines, the source line where it
//! starts and an optional trailing comment. Rules read trivia from here and never scan
//! the CST for comments.

/// A format directive resolved against the open disabled region.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Directive {
    /// `/*nixfmt:disable*/` opening (or inside) a region.
    Disable,
    /// The virtual end of a region left open until the end of the file (its raw text).
    DisabledToEof(String),
    /// `/*nixfmt:enable*/`: the raw text of the region it closes, or `None` when lone.
    Enable(Option<String>),
}

/// One piece of leading trivia.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Trivium {
    /// One (or more) blank lines.
    EmptyLine,
    /// A `#` comment (text after `#`), or a one-line block comment (`" " + text`).
    LineComment(String),
    /// A multi-line block comment: doc flag and lines.
    BlockComment(bool, Vec<String>),
    /// A `/* lang */` annotation before a string.
    LanguageAnnotation(String),
    /// A format directive.
    FormatDirective(Directive),
}

/// Leading trivia of a token.
pub type Trivia = Vec<Trivium>;

/// A value with its trivia.
#[derive(Clone, Debug)]
pub struct Ann<T> {
    /// Comments and blank lines before the value.
    pub pre: Trivia,
    /// Source line (1-based) where the value starts; 1 for every token in strict mode.
    pub line: usize,
    /// The value.
    pub value: T,
    /// A comment on the same line after the value.
    pub trail: Option<String>,
}

impl<T> Ann<T> {
    /// Whether the value has leading trivia or a trailing comment.
    pub fn has_trivia(&self) -> bool {
        !self.pre.is_empty() || self.trail.is_some()
    }
}

/// Text of a token: short texts are stored inline, without an allocation.
pub type TokenText = compact_str::CompactString;

/// A token: its kind and its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Token {
    /// An integer literal, verbatim.
    Integer(TokenText),
    /// A float literal, verbatim.
    Float(TokenText),
    /// An identifier (also `or` used as identifier, `__curPos`).
    Identifier(TokenText),
    /// `<nixpkgs>` including the angle brackets.
    EnvPath(TokenText),
    /// A keyword, operator or punctuation, by its text.
    Symbol(&'static str),
}

impl Token {
    /// The text the token prints as.
    pub fn text(&self) -> &str {
        match self {
            Token::Integer(t) | Token::Float(t) | Token::Identifier(t) | Token::EnvPath(t) => t,
            Token::Symbol(s) => s,
        }
    }
}

/// An annotated token.
pub type Leaf = Ann<Token>;

/// A part of a string or path line.
#[derive(Clone, Debug)]
pub enum StringPart {
    /// Raw text.
    Text(String),
    /// `${ … }`.
    Interpolation(Box<Whole>),
}

/// A string: lines of parts.
pub type NixString = Ann<Vec<Vec<StringPart>>>;

/// An expression with the trivia left at its end (file, interpolation).
#[derive(Clone, Debug)]
pub struct Whole {
    /// The expression.
    pub expr: Expr,
    /// Trivia after the last token.
    pub trivia: Trivia,
}

/// An attribute name.
#[derive(Clone, Debug)]
pub enum SimpleSelector {
    /// `name`.
    Id(Leaf),
    /// `${ … }`.
    Interpol(Ann<StringPart>),
    /// `"name"`.
    String(NixString),
}

/// `.name` (the dot is absent for the first selector of a binding path).
#[derive(Clone, Debug)]
pub struct Selector {
    /// The dot.
    pub dot: Option<Leaf>,
    /// The name.
    pub selector: SimpleSelector,
}

/// A binding in a set or let.
#[derive(Clone, Debug)]
pub enum Binder {
    /// `inherit (from) names;`
    Inherit(Leaf, Option<Term>, Vec<SimpleSelector>, Leaf),
    /// `path = expr;`
    Assignment(Vec<Selector>, Leaf, Expr, Leaf),
}

/// An item of a list/set/let: an element or standalone trivia.
#[derive(Clone, Debug)]
pub enum Item<T> {
    /// An element.
    Item(T),
    /// Comments and blank lines between elements.
    Comments(Trivia),
}

/// Items.
pub type Items<T> = Vec<Item<T>>;

/// Terms: the operands of applications and operators.
#[derive(Clone, Debug)]
pub enum Term {
    /// Identifier, number, env path.
    Token(Leaf),
    /// `"…"`.
    SimpleString(NixString),
    /// `''…''`; the indentation stripped from its lines when a disabled region cuts
    /// through it (such strings keep their original columns).
    IndentedString(Option<String>, NixString),
    /// A path.
    Path(Ann<Vec<StringPart>>),
    /// `[ … ]`.
    List(Leaf, Items<Term>, Leaf),
    /// `rec { … }` / `{ … }` / `let { … }`.
    Set(Option<Leaf>, Leaf, Items<Binder>, Leaf),
    /// `t.a.b or d`.
    Selection(Box<Term>, Vec<Selector>, Option<(Leaf, Box<Term>)>),
    /// `( … )`.
    Parenthesized(Leaf, Box<Expr>, Leaf),
}

/// An attribute of a parameter set.
#[derive(Clone, Debug)]
pub enum ParamAttr {
    /// `name ? default ,`.
    Attr(Leaf, Option<(Leaf, Box<Expr>)>, Option<Leaf>),
    /// `...`.
    Ellipsis(Leaf),
}

/// A lambda parameter.
#[derive(Clone, Debug)]
pub enum Parameter {
    /// `x`.
    Id(Leaf),
    /// `{ … }`.
    Set(Leaf, Vec<ParamAttr>, Leaf),
    /// `x @ { … }` or `{ … } @ x`.
    Context(Box<Parameter>, Leaf, Box<Parameter>),
}

/// Expressions.
#[derive(Clone, Debug)]
pub enum Expr {
    /// A term.
    Term(Term),
    /// `with e; body`.
    With(Leaf, Box<Expr>, Leaf, Box<Expr>),
    /// `let … in body`.
    Let(Leaf, Items<Binder>, Leaf, Box<Expr>),
    /// `assert c; body`.
    Assert(Leaf, Box<Expr>, Leaf, Box<Expr>),
    /// `if c then a else b`.
    If(Leaf, Box<Expr>, Leaf, Box<Expr>, Leaf, Box<Expr>),
    /// `param: body`.
    Abstraction(Parameter, Leaf, Box<Expr>),
    /// `f a`.
    Application(Box<Expr>, Box<Expr>),
    /// `l op r`.
    Operation(Box<Expr>, Leaf, Box<Expr>),
    /// `e ? a.b`.
    MemberCheck(Box<Expr>, Leaf, Vec<Selector>),
    /// `-e`.
    Negation(Leaf, Box<Expr>),
    /// `!e`.
    Inversion(Leaf, Box<Expr>),
}
