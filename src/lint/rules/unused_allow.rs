//! `unused_allow`: a suppression comment that suppresses nothing. The engine reports it
//! (it sees all findings and all allows); this module holds its metadata.

use crate::diagnostic::Severity;
use crate::language::Language;
use crate::lint::rule::{FixKind, Rule, RuleMeta};

/// Metadata of `unused_allow`.
pub const META: RuleMeta = RuleMeta {
    name: "unused_allow",
    code: "FF001",
    summary: "a `flakefmt: allow(...)` comment that suppresses nothing, or names no rule",
    severity: Severity::Warning,
    fix: FixKind::Safe,
    languages: &[
        Language::Nix,
        Language::Shell,
        Language::Markdown,
        Language::Yaml,
        Language::Justfile,
        Language::Makefile,
    ],
    nix_kinds: &[],
    any_file: false,
};

/// The `unused_allow` rule (reported by the engine itself).
pub struct UnusedAllow;

impl Rule for UnusedAllow {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
}
