//! Conditions as boolean formulas: the normalisation rules of the spec (`!`, `== true`,
//! `== false`, `!=`, `&&`, `||`, `->`, `if` in a condition, `lib.assertMsg`), option paths
//! as atoms, let-bound conditions expanded, anything else an opaque atom.

use std::rc::Rc;

use rnix::ast;
use rnix::{SyntaxKind, SyntaxNode};
use rowan::ast::AstNode;

use super::declarations::{application_spine, peel_parens};
use super::formula::Formula;
use super::scope::{Resolved, Scope, lookup, resolve_expr};
use super::walk::Walker;

/// Nesting depth at which a condition becomes one opaque atom.
const MAX_FORMULA_DEPTH: usize = 64;

impl Walker<'_> {
    /// The boolean formula of a condition (see the spec's normalisation rules).
    ///
    /// `depth` grows with nesting (by 1) and with let-bound conditions expanded (by 16);
    /// past [`MAX_FORMULA_DEPTH`] the rest is one opaque atom, so a 10 000-term `&&` chain
    /// cannot exhaust the stack.
    pub(super) fn formula(
        &mut self,
        node: &SyntaxNode,
        scope: &Rc<Scope>,
        depth: usize,
    ) -> Formula {
        let node = peel_parens(node.clone());
        if depth > MAX_FORMULA_DEPTH {
            return self.opaque_atom(&node);
        }
        match node.kind() {
            SyntaxKind::NODE_UNARY_OP => {
                if let Some(unary) = ast::UnaryOp::cast(node.clone())
                    && unary.operator() == Some(ast::UnaryOpKind::Invert)
                    && let Some(inner) = unary.expr()
                {
                    return self.formula(inner.syntax(), scope, depth + 1).negate();
                }
            }
            SyntaxKind::NODE_BIN_OP => {
                if let Some(bin_op) = ast::BinOp::cast(node.clone())
                    && let (Some(lhs), Some(rhs), Some(operator)) =
                        (bin_op.lhs(), bin_op.rhs(), bin_op.operator())
                {
                    let (lhs, rhs) = (lhs.syntax().clone(), rhs.syntax().clone());
                    match operator {
                        ast::BinOpKind::And => {
                            return Formula::And(vec![
                                self.formula(&lhs, scope, depth + 1),
                                self.formula(&rhs, scope, depth + 1),
                            ]);
                        }
                        ast::BinOpKind::Or => {
                            return Formula::Or(vec![
                                self.formula(&lhs, scope, depth + 1),
                                self.formula(&rhs, scope, depth + 1),
                            ]);
                        }
                        ast::BinOpKind::Implication => {
                            return Formula::Implies(
                                Box::new(self.formula(&lhs, scope, depth + 1)),
                                Box::new(self.formula(&rhs, scope, depth + 1)),
                            );
                        }
                        ast::BinOpKind::Equal | ast::BinOpKind::NotEqual => {
                            let equal = operator == ast::BinOpKind::Equal;
                            let sides = match (bool_literal(&lhs, scope), bool_literal(&rhs, scope))
                            {
                                (_, Some(value)) => Some((lhs, value)),
                                (Some(value), _) => Some((rhs, value)),
                                _ => None,
                            };
                            if let Some((other, value)) = sides {
                                let formula = self.formula(&other, scope, depth + 1);
                                return if value == equal {
                                    formula
                                } else {
                                    formula.negate()
                                };
                            }
                        }
                        _ => {}
                    }
                }
            }
            SyntaxKind::NODE_APPLY => {
                // `lib.assertMsg C "…"` is C (or a throw): `assert assertMsg C "…"; body`.
                if let Some((head, args)) = application_spine(&node)
                    && args.len() >= 2
                    && matches!(resolve_expr(&head, scope), Resolved::LibFn(name) if name == "assertMsg")
                {
                    return self.formula(&args[0], scope, depth + 1);
                }
            }
            SyntaxKind::NODE_IF_ELSE => {
                if let Some(if_else) = ast::IfElse::cast(node.clone())
                    && let (Some(c), Some(t), Some(e)) =
                        (if_else.condition(), if_else.body(), if_else.else_body())
                {
                    let condition = self.formula(c.syntax(), scope, depth + 1);
                    let then = self.formula(t.syntax(), scope, depth + 1);
                    let otherwise = self.formula(e.syntax(), scope, depth + 1);
                    return Formula::Or(vec![
                        Formula::And(vec![condition.clone(), then]),
                        Formula::And(vec![condition.negate(), otherwise]),
                    ]);
                }
            }
            _ => {}
        }
        if let Some(value) = bool_literal(&node, scope) {
            return Formula::Const(value);
        }
        match resolve_expr(&node, scope) {
            Resolved::Config {
                path,
                complete: true,
            } => Formula::Atom(self.atom(format!("config:{}", path.join(".")))),
            Resolved::Value(value) if value.attr.is_none() => {
                self.formula(&value.expr, &value.scope, depth + 16)
            }
            _ => self.opaque_atom(&node),
        }
    }

    /// An atom for an expression the analysis does not look into, identified by its text
    /// (the same condition written twice is one atom), or by its place when it is long.
    fn opaque_atom(&mut self, node: &SyntaxNode) -> Formula {
        let range = node.text_range();
        if usize::from(range.len()) > 256 {
            return Formula::Atom(self.atom(format!("at:{range:?}")));
        }
        let text: String = node.text().to_string().split_whitespace().collect();
        Formula::Atom(self.atom(format!("expr:{text}")))
    }
}

/// `true` / `false`, unless shadowed.
fn bool_literal(node: &SyntaxNode, scope: &Rc<Scope>) -> Option<bool> {
    let node = peel_parens(node.clone());
    if node.kind() != SyntaxKind::NODE_IDENT {
        return None;
    }
    let text = node.text().to_string();
    let value = match text.as_str() {
        "true" => true,
        "false" => false,
        _ => return None,
    };
    matches!(lookup(scope, &text), Resolved::Unknown).then_some(value)
}
