//! `committed_backup` (FF404): a committed backup file (`*.bak`, `*.orig`).

use crate::diagnostic::Severity;
use crate::lint::rule::{FixKind, Rule, RuleMeta};

/// Metadata of `committed_backup`.
pub const META: RuleMeta = RuleMeta {
    name: "committed_backup",
    code: "FF404",
    summary: "a committed backup file (`*.bak`, `*.orig`)",
    severity: Severity::Warning,
    fix: FixKind::None,
    languages: &[],
    nix_kinds: &[],
    any_file: true,
};

/// The `committed_backup` rule.
pub struct CommittedBackup;

impl Rule for CommittedBackup {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
}
