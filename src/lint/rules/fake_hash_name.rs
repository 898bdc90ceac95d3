//! `fake_hash_name` (FF103): `lib.fakeSha256` used as a hash value instead of `lib.fakeHash`.

use rnix::{SyntaxKind, SyntaxNode};

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::language::Language;
use crate::lint::FileContext;
use crate::lint::hash_sites::{KeyKind, fake_reference, hash_site, rename};
use crate::lint::hashes::Algorithm;
use crate::lint::nix_syntax::range;
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

    fn check_node(&self, node: &SyntaxNode, _file: &FileContext<'_>, out: &mut Vec<Diagnostic>) {
        let Some(site) = hash_site(node) else { return };
        let Some(reference) = fake_reference(&site.value) else {
            return;
        };
        let (prefix, last) = match reference.rsplit_once('.') {
            Some((prefix, last)) => (format!("{prefix}."), last),
            None => (String::new(), reference.as_str()),
        };
        let value_range = range(&site.value);
        let mut edits = Vec::new();
        let message = match last {
            "fakeSha256" => {
                edits.push(Edit {
                    range: value_range,
                    replacement: format!("{prefix}fakeHash"),
                });
                format!("`{reference}` is the legacy fake hash: use `{prefix}fakeHash`")
            }
            "fakeSha512" if site.kind != KeyKind::Legacy(Algorithm::Sha512) => {
                edits.push(Edit {
                    range: value_range,
                    replacement: "\"\"".to_string(),
                });
                format!(
                    "`{reference}` belongs only under `sha512`: under `{}` use `\"\"`",
                    site.key
                )
            }
            _ => return,
        };
        if let Some(rename) = rename(&site).filter(|rename| rename.both_set.is_none()) {
            edits.push(Edit {
                range: site.key_range.clone(),
                replacement: rename.to.to_string(),
            });
        }
        edits.sort_by_key(|edit| edit.range.start);
        out.push(META.diagnostic(message, range(&site.value)).with_fix(Fix {
            applicability: Applicability::Safe,
            message: "use the modern fake hash".to_string(),
            edits,
        }));
    }
}
