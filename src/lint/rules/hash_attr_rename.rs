//! `hash_attr_rename` (FF102): a legacy hash key (`sha256`, `sha512`, `cargoSha256`, `vendorSha256`) where a modern key exists.

use rnix::{SyntaxKind, SyntaxNode};

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::language::Language;
use crate::lint::FileContext;
use crate::lint::hash_sites::{fake_reference, hash_site, rename};
use crate::lint::hashes::{HashLiteral, classify, to_sri};
use crate::lint::nix_syntax::{dotted_name, static_string};
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

    fn check_node(&self, node: &SyntaxNode, _file: &FileContext<'_>, out: &mut Vec<Diagnostic>) {
        let Some(site) = hash_site(node) else { return };
        let Some(rename) = rename(&site) else { return };
        // `lib.fakeSha256` and friends are `fake_hash_name`'s, which renames as well.
        if fake_reference(&site.value).is_some() {
            return;
        }
        let to = rename.to;
        let key = &site.key;
        if let Some(other) = rename.both_set {
            out.push(
                META.diagnostic(
                    format!("both `{key}` and `{to}` are set"),
                    site.key_range.clone(),
                )
                .with_label(other, format!("`{to}` is set here"))
                .with_help(format!(
                    "remove `{key}`: nixpkgs fetchers throw when both are given"
                )),
            );
            return;
        }
        let what = match &site.callee {
            Some(callee) if to == "hash" => {
                format!("`{key}` is the legacy key: `{callee}` takes `hash`")
            }
            _ => format!("`{key}` is deprecated: use `{to}`"),
        };
        let mut edits = vec![Edit {
            range: site.key_range.clone(),
            replacement: to.to_string(),
        }];
        let convertible = if site.value.kind() == SyntaxKind::NODE_LITERAL
            || dotted_name(&site.value).as_deref() == Some("null")
        {
            true
        } else if let Some((text, content)) = static_string(&site.value) {
            match classify(&text, site.algorithm) {
                HashLiteral::Empty | HashLiteral::Sri { .. } => true,
                HashLiteral::NonCanonicalSri { algorithm, digest }
                | HashLiteral::Legacy {
                    algorithm, digest, ..
                } if !algorithm.is_weak() => {
                    edits.push(Edit {
                        range: content,
                        replacement: to_sri(algorithm, &digest),
                    });
                    true
                }
                _ => false,
            }
        } else {
            false
        };
        let mut diagnostic = META.diagnostic(what, site.key_range.clone());
        if convertible {
            diagnostic = diagnostic.with_fix(Fix {
                applicability: Applicability::Safe,
                message: if edits.len() > 1 {
                    format!("rename to `{to}` and convert the value to SRI")
                } else {
                    format!("rename to `{to}`")
                },
                edits,
            });
        } else {
            diagnostic = diagnostic.with_help(format!(
                "rename to `{to}` and give it an SRI value (`sha256-…`)"
            ));
        }
        out.push(diagnostic);
    }
}
