//! `hash_attr_rename` (FF102): a legacy hash key (`sha256`, `sha512`, `cargoSha256`, `vendorSha256`) where a modern key exists.

use rnix::SyntaxKind;

use crate::diagnostic::Severity;
use crate::language::Language;
use crate::lint::rule::{FixKind, Rule, RuleMeta};

/// Metadata of `hash_attr_rename`.
pub const META: RuleMeta = RuleMeta {
    name: "hash_attr_rename",
    code: "FF102",
    summary: "a legacy hash key (`sha256`, `sha512`, `cargoSha256`, `vendorSha256`) where a modern key exists",
    severity: Severity::Error,
    fix: FixKind::Safe,
    languages: &[Language::Nix],
    nix_kinds: &[SyntaxKind::NODE_ATTRPATH_VALUE],
    any_file: false,
};

/// The `hash_attr_rename` rule.
pub struct HashAttrRename;

impl Rule for HashAttrRename {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
}
