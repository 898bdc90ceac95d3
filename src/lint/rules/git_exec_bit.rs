//! `git_exec_bit` (FF402): a file with a shebang that is not executable, or an executable without one.

use crate::diagnostic::Severity;
use crate::lint::rule::{FixKind, Rule, RuleMeta};

/// Metadata of `git_exec_bit`.
pub const META: RuleMeta = RuleMeta {
    name: "git_exec_bit",
    code: "FF402",
    summary: "a file with a shebang that is not executable, or an executable without one",
    severity: Severity::Error,
    fix: FixKind::Safe,
    languages: &[],
    nix_kinds: &[],
    any_file: true,
};

/// The `git_exec_bit` rule.
pub struct GitExecBit;

impl Rule for GitExecBit {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
}
