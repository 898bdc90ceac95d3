//! `build_flags_missing` (FF201): a build command (`nix build`, `nix develop`, `nixos-rebuild switch`...) without `--cores 4 --max-jobs 4`.
//!
//! The analysis is shared by the three build-flag rules: [`crate::lint::shell::build_flags`].

use rnix::{SyntaxKind, SyntaxNode};

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::context::FileContext;
use crate::lint::rule::{FixKind, Rule, RuleMeta};
use crate::lint::shell::build_flags::MISSING;
use crate::lint::shell::run;

/// Metadata of `build_flags_missing`.
pub const META: RuleMeta = RuleMeta {
    name: MISSING,
    code: "FF201",
    summary: "a build command (`nix build`, `nix develop`, `nixos-rebuild switch`...) without `--cores 4 --max-jobs 4`",
    severity: Severity::Error,
    fix: FixKind::Safe,
    languages: run::SHELL_HOSTS,
    nix_kinds: &[SyntaxKind::NODE_STRING],
    any_file: false,
};

/// The `build_flags_missing` rule.
pub struct BuildFlagsMissing;

impl Rule for BuildFlagsMissing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_node(&self, node: &SyntaxNode, file: &FileContext<'_>, out: &mut Vec<Diagnostic>) {
        run::check_node(META.name, node, file, run::build_flag_findings, out);
    }

    fn check_file(&self, file: &FileContext<'_>, out: &mut Vec<Diagnostic>) {
        run::check_file(META.name, file, run::build_flag_findings, out);
    }
}
