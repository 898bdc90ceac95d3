//! `mkif_in_operator`: `mkIf` used as an operand of an operator.
//!
//! `lib.mkIf C X` does not evaluate to `X` or to nothing: it returns a marker attribute
//! set `{ _type = "if"; condition = C; content = X; }` that only the module system
//! understands, and only where it is the whole value of a definition (or an element of
//! `mkMerge`, or the content of another `mkIf`/`mkOverride`-like property). Used as an
//! operand it is wrong in every case:
//! - `{ a = 1; } // lib.mkIf c { b = 2; }` keeps the marker's `_type`, so the module system
//!   sees an `mkIf` and silently drops `a`; with `mkIf` on the left, `//` adds attributes to
//!   the marker, which the module system drops as well (or rejects);
//! - `[ … ] ++ lib.mkIf c [ … ]`, `"…" + lib.mkIf c "…"`, `lib.mkIf c x && y`, `!mkIf …`:
//!   evaluation errors (an attribute set where a list, string or boolean was expected),
//!   raised only when the value is used, which may be far from here.
//!
//! Pipes (`x |> mkIf c`) are function application, not operands, and are not reported.

use rnix::ast;
use rnix::{SyntaxKind, SyntaxNode};
use rowan::ast::AstNode;

use crate::diagnostic::{Diagnostic, Severity};

use super::MKIF_IN_OPERATOR;
use super::declarations::{application_spine, callee_name};

/// Default severity of [`MKIF_IN_OPERATOR`] findings.
pub const MKIF_IN_OPERATOR_SEVERITY: Severity = Severity::Error;

/// Reports every application of `mkIf` (bare, `lib.mkIf`, `lib.modules.mkIf`, …) that is
/// an operand of a binary or unary operator, looking through parentheses.
pub fn check_mkif_in_operator(root: &SyntaxNode) -> Vec<Diagnostic> {
    root.descendants()
        .filter_map(|node| check_apply(&node))
        .collect()
}

/// The finding for one node, if it is the outermost application of `mkIf` in a spine and
/// an operand of an operator (the engine calls this for every `NODE_APPLY`).
pub fn check_apply(node: &SyntaxNode) -> Option<Diagnostic> {
    if node.kind() != SyntaxKind::NODE_APPLY {
        return None;
    }
    // Only the outermost application of a spine (`mkIf c x`, not `mkIf c`).
    if node
        .parent()
        .and_then(ast::Apply::cast)
        .and_then(|parent| parent.lambda())
        .is_some_and(|lambda| lambda.syntax() == node)
    {
        return None;
    }
    let (head, _args) = application_spine(node)?;
    if callee_name(&head).as_deref() != Some("mkIf") {
        return None;
    }
    let mut operand = node.clone();
    while let Some(parent) = operand.parent()
        && parent.kind() == SyntaxKind::NODE_PAREN
    {
        operand = parent;
    }
    let parent = operand.parent()?;
    let operator = match parent.kind() {
        SyntaxKind::NODE_BIN_OP => {
            match ast::BinOp::cast(parent.clone()).and_then(|b| b.operator()) {
                Some(ast::BinOpKind::PipeLeft | ast::BinOpKind::PipeRight) | None => return None,
                Some(kind) => Operator::Binary(kind),
            }
        }
        SyntaxKind::NODE_UNARY_OP => Operator::Unary,
        _ => return None,
    };
    let range = operand.text_range();
    let range = usize::from(range.start())..usize::from(range.end());
    let operator_text = operator_token(&parent).unwrap_or_else(|| "?".to_string());
    let (what, help) = advice(operator);
    Some(
        Diagnostic::new(
            MKIF_IN_OPERATOR,
            MKIF_IN_OPERATOR_SEVERITY,
            format!(
                "`mkIf` is an operand of `{operator_text}`: the module system never sees it, {what}"
            ),
            range,
        )
        .with_help(help),
    )
}

#[derive(Clone, Copy)]
enum Operator {
    Binary(ast::BinOpKind),
    Unary,
}

fn operator_token(parent: &SyntaxNode) -> Option<String> {
    parent
        .children_with_tokens()
        .filter_map(|element| element.into_token())
        .find(|token| {
            ast::BinOpKind::from_kind(token.kind()).is_some()
                || ast::UnaryOpKind::from_kind(token.kind()).is_some()
        })
        .map(|token| token.text().to_string())
}

fn advice(operator: Operator) -> (&'static str, &'static str) {
    match operator {
        Operator::Binary(ast::BinOpKind::Update) => (
            "and `//` merges its internal attributes (`_type`, `condition`, `content`) so attributes on one side are silently lost",
            "combine definitions with `lib.mkMerge [ { … } (lib.mkIf cond { … }) ]`, or use `lib.optionalAttrs cond { … }` for a plain attribute set",
        ),
        Operator::Binary(ast::BinOpKind::Concat) => (
            "and `++` fails when evaluated (`mkIf` returns an attribute set, not a list)",
            "use `lib.optionals cond [ … ]`, or `lib.mkMerge` around whole definitions",
        ),
        Operator::Binary(ast::BinOpKind::Add) => (
            "and `+` fails when evaluated (`mkIf` returns an attribute set, not a string or number)",
            "use `lib.optionalString cond \"…\"` for strings",
        ),
        Operator::Binary(
            ast::BinOpKind::And | ast::BinOpKind::Or | ast::BinOpKind::Implication,
        )
        | Operator::Unary => (
            "and it is not a boolean",
            "use the condition itself; `mkIf` belongs around a whole definition",
        ),
        Operator::Binary(_) => (
            "and it is an attribute set for the module system, not a value to compute with",
            "put `mkIf` around a whole definition, or use `lib.optional*` for plain values",
        ),
    }
}
