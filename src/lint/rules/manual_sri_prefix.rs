//! `manual_sri_prefix` (FF106): `sha256-` glued to a value whose encoding is not known to be base64.
//!
//! The analysis is shared with the other shell hash rule: [`crate::lint::shell::hashes`].

use rnix::{SyntaxKind, SyntaxNode};

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::context::FileContext;
use crate::lint::rule::{FixKind, Rule, RuleMeta};
use crate::lint::shell::hashes::MANUAL_SRI_PREFIX;
use crate::lint::shell::run;

/// Metadata of `manual_sri_prefix`.
pub const META: RuleMeta = RuleMeta {
    name: MANUAL_SRI_PREFIX,
    code: "FF106",
    summary: "`sha256-` glued to a value whose encoding is not known to be base64",
    severity: Severity::Error,
    fix: FixKind::Unsafe,
    languages: run::HASH_HOSTS,
    nix_kinds: &[SyntaxKind::NODE_STRING],
    any_file: false,
};

/// The `manual_sri_prefix` rule.
pub struct ManualSriPrefix;

impl Rule for ManualSriPrefix {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_node(&self, node: &SyntaxNode, file: &FileContext<'_>, out: &mut Vec<Diagnostic>) {
        run::check_node(META.name, node, file, run::hash_findings, out);
    }

    fn check_file(&self, file: &FileContext<'_>, out: &mut Vec<Diagnostic>) {
        run::check_file(META.name, file, run::hash_findings, out);
    }
}
