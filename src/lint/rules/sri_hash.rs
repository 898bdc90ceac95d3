//! `sri_hash` (FF101): a hash that is not canonical SRI (hex, nix32, bare base64, `algo:` prefix, non-canonical base64).

use rnix::{SyntaxKind, SyntaxNode};

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::language::Language;
use crate::lint::FileContext;
use crate::lint::hash_sites::{KeyKind, hash_site, rename};
use crate::lint::hashes::{HashLiteral, classify, is_placeholder_digest, to_sri};
use crate::lint::nix_syntax::static_string;
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

    fn check_node(&self, node: &SyntaxNode, file: &FileContext<'_>, out: &mut Vec<Diagnostic>) {
        let Some(site) = hash_site(node) else { return };
        let Some((text, content)) = static_string(&site.value) else {
            return;
        };
        let heuristic = site.kind == KeyKind::Heuristic;
        // `hash_attr_rename` converts the value together with the key, in one fix.
        let renamed = file.config.is_enabled("hash_attr_rename")
            && rename(&site).is_some_and(|rename| rename.both_set.is_none());
        let classified = classify(&text, site.algorithm);
        let range = content.clone();
        let diagnostic = match &classified {
            HashLiteral::Empty | HashLiteral::Sri { .. } => return,
            HashLiteral::NonCanonicalSri { algorithm, digest } => {
                if is_placeholder_digest(digest) || renamed {
                    return;
                }
                Diagnostic::new(
                    META.name,
                    Severity::Warning,
                    format!("`{text}` is not canonical SRI: its last base64 character carries stray bits"),
                    range,
                )
                .with_fix(convert(content, to_sri(*algorithm, digest)))
            }
            HashLiteral::Legacy { algorithm, .. } if algorithm.is_weak() => {
                if heuristic {
                    return;
                }
                META.diagnostic(
                    format!(
                        "`{}` is a {algorithm} hash: the algorithm is too weak to keep",
                        site.key
                    ),
                    range,
                )
                .with_help(
                    "prefetch the source again and use a sha256 SRI hash (`hash = \"sha256-…\"`)",
                )
            }
            HashLiteral::Legacy {
                algorithm,
                digest,
                encoding,
                prefixed,
            } => {
                if is_placeholder_digest(digest) || renamed {
                    return;
                }
                let form = if *prefixed {
                    format!("`{algorithm}:`-prefixed {}", encoding.describe())
                } else {
                    encoding.describe().to_string()
                };
                META.diagnostic(format!("hash in {form} form, not SRI"), range)
                    .with_fix(convert(content, to_sri(*algorithm, digest)))
            }
            HashLiteral::NoAlgorithm => {
                if heuristic || text.bytes().all(|b| b == b'0') {
                    return;
                }
                META.diagnostic(
                    format!("`{}` needs an SRI hash; a bare value names no algorithm", site.key),
                    range,
                )
                .with_help("write it as `sha256-<base64>` (`nix hash convert --hash-algo sha256 --to sri <value>`)")
            }
            HashLiteral::Invalid(reason) => {
                if heuristic {
                    return;
                }
                META.diagnostic(format!("`{text}` is not a valid hash: {reason}"), range)
            }
        };
        out.push(diagnostic);
    }
}

fn convert(range: std::ops::Range<usize>, sri: String) -> Fix {
    Fix {
        applicability: Applicability::Safe,
        message: format!("convert to `{sri}`"),
        edits: vec![Edit {
            range,
            replacement: sri,
        }],
    }
}
