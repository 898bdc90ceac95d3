//! `placeholder_hash` (FF104): a placeholder hash committed: `""`, `lib.fakeHash`, an all-zero digest or the manual's example digest.

use rnix::SyntaxKind;

use crate::diagnostic::Severity;
use crate::language::Language;
use crate::lint::rule::{FixKind, Rule, RuleMeta};

/// Metadata of `placeholder_hash`.
pub const META: RuleMeta = RuleMeta {
    name: "placeholder_hash",
    code: "FF104",
    summary: "a placeholder hash committed: `\"\"`, `lib.fakeHash`, an all-zero digest or the manual's example digest",
    severity: Severity::Error,
    fix: FixKind::None,
    languages: &[Language::Nix],
    nix_kinds: &[SyntaxKind::NODE_ATTRPATH_VALUE],
    any_file: false,
};

/// The `placeholder_hash` rule.
pub struct PlaceholderHash;

impl Rule for PlaceholderHash {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
}
