//! `placeholder_hash` (FF104): a placeholder hash committed: `""`, `lib.fakeHash`, an all-zero digest or the manual's example digest.

use rnix::{SyntaxKind, SyntaxNode};

use crate::diagnostic::{Diagnostic, Severity};
use crate::language::Language;
use crate::lint::FileContext;
use crate::lint::hash_sites::{KeyKind, fake_reference, hash_site};
use crate::lint::hashes::{Algorithm, HashLiteral, classify, is_placeholder_digest};
use crate::lint::nix_syntax::{range, static_string};
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

    fn check_node(&self, node: &SyntaxNode, _file: &FileContext<'_>, out: &mut Vec<Diagnostic>) {
        let Some(site) = hash_site(node) else { return };
        let what = if let Some(reference) = fake_reference(&site.value) {
            let last = reference.rsplit('.').next().unwrap_or(&reference);
            match last {
                "fakeHash" => format!("`{reference}`"),
                "fakeSha512" if site.kind == KeyKind::Legacy(Algorithm::Sha512) => {
                    format!("`{reference}`")
                }
                // `fakeSha256` and misplaced `fakeSha512` are `fake_hash_name`'s.
                _ => return,
            }
        } else if let Some((text, _)) = static_string(&site.value) {
            match classify(&text, site.algorithm) {
                HashLiteral::Empty if site.kind != KeyKind::Heuristic => {
                    "the empty hash `\"\"`".to_string()
                }
                HashLiteral::NoAlgorithm if !text.is_empty() && text.bytes().all(|b| b == b'0') => {
                    "an all-zero hash".to_string()
                }
                literal => match literal.digest() {
                    Some((_, digest)) if is_placeholder_digest(digest) => {
                        if digest.iter().all(|&b| b == 0) {
                            "an all-zero hash".to_string()
                        } else {
                            "an example hash from the nixpkgs manual".to_string()
                        }
                    }
                    _ => return,
                },
            }
        } else {
            return;
        };
        out.push(
            META.diagnostic(
                format!("placeholder hash committed: {what}"),
                range(&site.value),
            )
            .with_help("build once, then put the hash from the mismatch error here"),
        );
    }
}
