//! `prefetch_without_sri` (FF105): a hash from a legacy source (`nix-prefetch-url`, `nix-hash`, ...) written into Nix without conversion to SRI.
//!
//! The analysis is shared with the other shell hash rule: [`crate::lint::shell::hashes`].

use rnix::{SyntaxKind, SyntaxNode};

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::context::FileContext;
use crate::lint::rule::{FixKind, Rule, RuleMeta};
use crate::lint::shell::hashes::PREFETCH_WITHOUT_SRI;
use crate::lint::shell::run;

/// Metadata of `prefetch_without_sri`.
pub const META: RuleMeta = RuleMeta {
    name: PREFETCH_WITHOUT_SRI,
    code: "FF105",
    summary: "a hash from a legacy source (`nix-prefetch-url`, `nix-hash`, ...) written into Nix without conversion to SRI",
    severity: Severity::Error,
    fix: FixKind::Unsafe,
    languages: run::HASH_HOSTS,
    nix_kinds: &[SyntaxKind::NODE_STRING],
    any_file: false,
};

/// The `prefetch_without_sri` rule.
pub struct PrefetchWithoutSri;

impl Rule for PrefetchWithoutSri {
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
