//! `build_flags_value` (FF203): a `--cores`/`--max-jobs` value other than the required one, or one only known at run time.
//!
//! The analysis is shared by the three build-flag rules: [`crate::lint::shell::build_flags`].

use rnix::{SyntaxKind, SyntaxNode};

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::context::FileContext;
use crate::lint::rule::{FixKind, Rule, RuleMeta};
use crate::lint::shell::build_flags::VALUE;
use crate::lint::shell::run;

/// Metadata of `build_flags_value`.
pub const META: RuleMeta = RuleMeta {
    name: VALUE,
    code: "FF203",
    summary: "a `--cores`/`--max-jobs` value other than the required one, or one only known at run time",
    severity: Severity::Error,
    fix: FixKind::SafeAndUnsafe,
    languages: run::SHELL_HOSTS,
    nix_kinds: &[SyntaxKind::NODE_STRING],
    any_file: false,
};

/// The `build_flags_value` rule.
pub struct BuildFlagsValue;

impl Rule for BuildFlagsValue {
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
