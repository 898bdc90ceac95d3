//! `build_flags_spelling` (FF202): a build flag spelled in a way Nix rejects (`--cores=4`, `-Lj4` outside the `nix` command).
//!
//! The analysis is shared by the three build-flag rules: [`crate::lint::shell::build_flags`].

use rnix::{SyntaxKind, SyntaxNode};

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::context::FileContext;
use crate::lint::rule::{FixKind, Rule, RuleMeta};
use crate::lint::shell::build_flags::SPELLING;
use crate::lint::shell::run;

/// Metadata of `build_flags_spelling`.
pub const META: RuleMeta = RuleMeta {
    name: SPELLING,
    code: "FF202",
    summary: "a build flag spelled in a way Nix rejects (`--cores=4`, `-Lj4` outside the `nix` command)",
    severity: Severity::Error,
    fix: FixKind::Safe,
    languages: run::SHELL_HOSTS,
    nix_kinds: &[SyntaxKind::NODE_STRING],
    any_file: false,
};

/// The `build_flags_spelling` rule.
pub struct BuildFlagsSpelling;

impl Rule for BuildFlagsSpelling {
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
