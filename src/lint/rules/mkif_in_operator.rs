//! `mkif_in_operator` (FF303): `mkIf` used as an operand of an operator (`//`, `++`, `+`,
//! `&&`, …), where the module system cannot see it. See [`crate::lint::guard::operator`].

use rnix::{SyntaxKind, SyntaxNode};

use crate::diagnostic::Diagnostic;
use crate::language::Language;
use crate::lint::context::FileContext;
use crate::lint::guard::MKIF_IN_OPERATOR;
use crate::lint::guard::operator::{MKIF_IN_OPERATOR_SEVERITY, check_apply};
use crate::lint::rule::{FixKind, Rule, RuleMeta};

/// Metadata of `mkif_in_operator`.
pub const META: RuleMeta = RuleMeta {
    name: MKIF_IN_OPERATOR,
    code: "FF303",
    summary: "`mkIf` used as an operand of `//`, `++`, `+`, `&&`, … where the module system never sees it",
    severity: MKIF_IN_OPERATOR_SEVERITY,
    fix: FixKind::None,
    languages: &[Language::Nix],
    nix_kinds: &[SyntaxKind::NODE_APPLY],
    any_file: false,
};

/// The `mkif_in_operator` rule.
pub struct MkifInOperator;

impl Rule for MkifInOperator {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_node(&self, node: &SyntaxNode, _file: &FileContext<'_>, out: &mut Vec<Diagnostic>) {
        out.extend(check_apply(node));
    }
}
