//! Which functions are modules (lint-spec §2c "Module file").
//!
//! The file's top-level function (looking through `let … in` and wrapper functions) with a
//! `config` formal or `@`-bound arguments; any other function with a `config` formal that
//! is not inside a module (`nixosModules.default` in a `flake.nix`), or that is an element
//! of a module's `imports`. A function with a `config` formal inside a module otherwise is
//! a submodule, with a configuration of its own.

use rnix::ast;
use rnix::{SyntaxKind, SyntaxNode, TextRange};
use rowan::ast::AstNode;

use super::declarations::{self, peel_parens};
use super::scope::static_attr_name;

/// The lambda that makes the file a module by the spec's definition: the top-level
/// function (looking through `let … in` and wrapper functions such as `{ self }:`) with a
/// `config` formal or `@`-bound arguments.
pub fn top_module(root: &SyntaxNode) -> Option<TextRange> {
    let mut node = ast::Root::cast(root.clone())?.expr()?.syntax().clone();
    for _ in 0..8 {
        node = peel_parens(node);
        match node.kind() {
            SyntaxKind::NODE_LET_IN => node = ast::LetIn::cast(node)?.body()?.syntax().clone(),
            SyntaxKind::NODE_LAMBDA => {
                let lambda = ast::Lambda::cast(node.clone())?;
                if let Some(ast::Param::Pattern(pattern)) = lambda.param()
                    && (pattern.pat_bind().is_some() || pattern_has(&pattern, "config"))
                {
                    return Some(node.text_range());
                }
                node = lambda.body()?.syntax().clone();
            }
            _ => return None,
        }
    }
    None
}

/// Whether a function is an element of an `imports = [ … ];` list.
pub fn is_imports_element(node: &SyntaxNode) -> bool {
    let mut current = node.clone();
    while let Some(parent) = current.parent()
        && parent.kind() == SyntaxKind::NODE_PAREN
    {
        current = parent;
    }
    let Some(list) = current
        .parent()
        .filter(|p| p.kind() == SyntaxKind::NODE_LIST)
    else {
        return false;
    };
    list.parent()
        .and_then(ast::AttrpathValue::cast)
        .and_then(|binding| binding.attrpath())
        .and_then(|path| path.attrs().last())
        .and_then(|attr| static_attr_name(&attr))
        .is_some_and(|name| name == "imports")
}

/// Whether a function pattern has the formal `name`.
pub fn pattern_has(pattern: &ast::Pattern, name: &str) -> bool {
    pattern.pat_entries().any(|entry| {
        entry
            .ident()
            .is_some_and(|ident| ident.syntax().text() == name)
    })
}

/// Whether the file contains any module function at all (a cheap pre-check).
pub fn has_module_function(root: &SyntaxNode) -> bool {
    !module_functions(root).is_empty()
}

/// Every function that may be a module (a superset: submodules are included).
fn module_functions(root: &SyntaxNode) -> Vec<ast::Lambda> {
    let top = top_module(root);
    root.descendants()
        .filter_map(ast::Lambda::cast)
        .filter(|lambda| {
            Some(lambda.syntax().text_range()) == top
                || matches!(lambda.param(), Some(ast::Param::Pattern(pattern)) if pattern_has(&pattern, "config"))
        })
        .collect()
}

/// Whether any module function of the file declares options from which a guard pair is
/// inferred (without configured pairs, a file where none does has nothing to check).
pub fn declares_guard_pairs(root: &SyntaxNode) -> bool {
    module_functions(root).iter().any(|lambda| {
        lambda
            .body()
            .and_then(|body| declarations::module_result_attrset(body.syntax()))
            .is_some_and(|result| !declarations::collect(&result).infer_pairs().is_empty())
    })
}
