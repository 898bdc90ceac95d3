//! `sri_hash` (FF101): a hash that is not canonical SRI (hex, nix32, bare base64, `algo:` prefix, non-canonical base64).

use rnix::SyntaxKind;

use crate::diagnostic::Severity;
use crate::language::Language;
use crate::lint::rule::{FixKind, Rule, RuleMeta};

/// Metadata of `sri_hash`.
pub const META: RuleMeta = RuleMeta {
    name: "sri_hash",
    code: "FF101",
    summary: "a hash that is not canonical SRI (hex, nix32, bare base64, `algo:` prefix, non-canonical base64)",
    severity: Severity::Error,
    fix: FixKind::Safe,
    languages: &[Language::Nix],
    nix_kinds: &[SyntaxKind::NODE_ATTRPATH_VALUE],
    any_file: false,
};

/// The `sri_hash` rule.
pub struct SriHash;

impl Rule for SriHash {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
}
