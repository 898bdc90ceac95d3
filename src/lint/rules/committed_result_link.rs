//! `committed_result_link` (FF403): a committed symbolic link into the Nix store (a `result` link).

use crate::diagnostic::Severity;
use crate::lint::rule::{FixKind, Rule, RuleMeta};

/// Metadata of `committed_result_link`.
pub const META: RuleMeta = RuleMeta {
    name: "committed_result_link",
    code: "FF403",
    summary: "a committed symbolic link into the Nix store (a `result` link)",
    severity: Severity::Error,
    fix: FixKind::None,
    languages: &[],
    nix_kinds: &[],
    any_file: true,
};

/// The `committed_result_link` rule.
pub struct CommittedResultLink;

impl Rule for CommittedResultLink {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
}
