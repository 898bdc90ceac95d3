//! `fake_hash_name` (FF103): `lib.fakeSha256` used as a hash value instead of `lib.fakeHash`.

use rnix::SyntaxKind;

use crate::diagnostic::Severity;
use crate::language::Language;
use crate::lint::rule::{FixKind, Rule, RuleMeta};

/// Metadata of `fake_hash_name`.
pub const META: RuleMeta = RuleMeta {
    name: "fake_hash_name",
    code: "FF103",
    summary: "`lib.fakeSha256` used as a hash value instead of `lib.fakeHash`",
    severity: Severity::Error,
    fix: FixKind::Safe,
    languages: &[Language::Nix],
    nix_kinds: &[SyntaxKind::NODE_ATTRPATH_VALUE],
    any_file: false,
};

/// The `fake_hash_name` rule.
pub struct FakeHashName;

impl Rule for FakeHashName {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
}
