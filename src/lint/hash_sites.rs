//! Hash sites (lint-spec §2a): bindings whose key carries a hash, what their key implies
//! (algorithm, modern name), and the rename a legacy key needs. Shared by the hash rules so
//! they agree on which of them reports what.

use std::ops::Range;

use rnix::{SyntaxKind, SyntaxNode};

use crate::lint::FileContext;
use crate::lint::hashes::Algorithm;
use crate::lint::nix_syntax::{
    attr_name, binding_attrs, binding_key, binding_value, callee_of, dotted_name, range, sibling,
    static_string, unparen,
};

/// What a hash key says about its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// `hash`, `outputHash`, `vendorHash`, `cargoHash`, `npmDepsHash`, `mvnHash`,
    /// `narHash`, `outputHashes.<x>`: SRI expected (`outputHash` may take its algorithm
    /// from `outputHashAlgo`).
    Modern,
    /// `sha256`, `sha512`, `sha1`, `md5`: any encoding of that algorithm.
    Legacy(Algorithm),
    /// `cargoSha256`, `vendorSha256`: deprecated names of `cargoHash`, `vendorHash`.
    Deprecated(&'static str),
    /// Any other key ending in `Hash`, `Sha256` or `sha256`: reported only when the value
    /// is recognisably a hash.
    Heuristic,
}

/// A binding whose key carries a hash.
#[derive(Debug, Clone)]
pub struct HashSite {
    /// The `NODE_ATTRPATH_VALUE`.
    pub binding: SyntaxNode,
    /// The last attribute of the key (the one a rename replaces).
    pub key: String,
    /// Its byte range.
    pub key_range: Range<usize>,
    /// What the key implies.
    pub kind: KeyKind,
    /// The value expression.
    pub value: SyntaxNode,
    /// The algorithm the key (or a sibling `outputHashAlgo`) names.
    pub algorithm: Option<Algorithm>,
    /// The function whose argument set holds the binding (`fetchurl`, `pkgs.fetchzip`).
    pub callee: Option<String>,
}

/// The key kind of a key name.
fn key_kind(key: &str) -> Option<KeyKind> {
    Some(match key {
        "hash" | "outputHash" | "vendorHash" | "cargoHash" | "npmDepsHash" | "mvnHash"
        | "narHash" => KeyKind::Modern,
        "sha256" => KeyKind::Legacy(Algorithm::Sha256),
        "sha512" => KeyKind::Legacy(Algorithm::Sha512),
        "sha1" => KeyKind::Legacy(Algorithm::Sha1),
        "md5" => KeyKind::Legacy(Algorithm::Md5),
        "cargoSha256" => KeyKind::Deprecated("cargoHash"),
        "vendorSha256" => KeyKind::Deprecated("vendorHash"),
        _ if key.ends_with("Hash") || key.ends_with("Sha256") || key.ends_with("sha256") => {
            KeyKind::Heuristic
        }
        _ => return None,
    })
}

/// Whether the binding sits in the attribute set given to `outputHashes`
/// (`rustPlatform.importCargoLock`), whose values are SRI hashes of any name.
fn in_output_hashes(binding: &SyntaxNode) -> bool {
    let Some(set) = binding.parent() else {
        return false;
    };
    if set.kind() != SyntaxKind::NODE_ATTR_SET {
        return false;
    }
    let mut outer = set.parent();
    while let Some(node) = outer
        .as_ref()
        .filter(|n| n.kind() == SyntaxKind::NODE_PAREN)
    {
        outer = node.parent();
    }
    outer.is_some_and(|outer| {
        outer.kind() == SyntaxKind::NODE_ATTRPATH_VALUE
            && binding_key(&outer).last() == Some(&Some("outputHashes".to_string()))
    })
}

/// The hash site a binding is, if any.
pub fn hash_site(binding: &SyntaxNode) -> Option<HashSite> {
    let attrs = binding_attrs(binding);
    let last = attrs.last()?;
    let key = attr_name(last)?;
    let under_output_hashes = (in_output_hashes(binding) && attrs.len() == 1)
        || (attrs.len() >= 2
            && attr_name(&attrs[attrs.len() - 2]).as_deref() == Some("outputHashes"));
    let kind = if under_output_hashes {
        KeyKind::Modern
    } else {
        key_kind(&key)?
    };
    let value = unparen(&binding_value(binding)?);
    let algorithm = match kind {
        KeyKind::Legacy(algorithm) => Some(algorithm),
        KeyKind::Deprecated(_) => Some(Algorithm::Sha256),
        KeyKind::Heuristic if key.ends_with("Sha256") || key.ends_with("sha256") => {
            Some(Algorithm::Sha256)
        }
        KeyKind::Modern if key == "outputHash" => sibling(binding, "outputHashAlgo")
            .and_then(|algo| binding_value(&algo))
            .and_then(|value| static_string(&value))
            .and_then(|(name, _)| Algorithm::from_name(&name)),
        _ => None,
    };
    let callee = binding.parent().and_then(|set| callee_of(&set));
    Some(HashSite {
        binding: binding.clone(),
        key,
        key_range: range(last),
        kind,
        value,
        algorithm,
        callee,
    })
}

/// Fetchers documented (nixpkgs manual, Fetchers chapter) to take `hash`, by the last part
/// of their name. The spec's other entries (`fetchFirefoxAddon`, the VS Code marketplace
/// helpers, `dockerTools.pullImage`, `fetchMixDeps`, `fetchHex`, `fetchNuGet`,
/// `fetchMavenArtifact`) are left out until checked against the pinned nixpkgs: for them
/// only the value is converted, which is always safe.
const ACCEPTS_HASH: &[&str] = &[
    "fetchurl",
    "fetchzip",
    "fetchpatch",
    "fetchpatch2",
    "fetchgit",
    "fetchFromGitHub",
    "fetchFromGitLab",
    "fetchFromGitea",
    "fetchFromForgejo",
    "fetchFromCodeberg",
    "fetchFromBitbucket",
    "fetchFromSourcehut",
    "fetchFromSavannah",
    "fetchFromRepoOrCz",
    "fetchFromGitiles",
    "fetchsvn",
    "fetchhg",
    "fetchfossil",
    "fetchcvs",
    "fetchDebianPatch",
    "fetchPypi",
    "fetchCrate",
    "fetchYarnDeps",
    "fetchNpmDeps",
    "fetchCargoVendor",
    "fetchtorrent",
    "requireFile",
];

/// Whether the callee (by dotted name) takes `hash`.
pub fn accepts_hash(callee: &str) -> bool {
    if callee.starts_with("builtins.") {
        return false;
    }
    let last = callee.rsplit('.').next().unwrap_or(callee);
    ACCEPTS_HASH.contains(&last)
        || callee == "pnpm.fetchDeps"
        || callee.ends_with(".pnpm.fetchDeps")
}

/// The rename a legacy key needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rename {
    /// The modern key.
    pub to: &'static str,
    /// The key range of a sibling that already has the modern key ("both set").
    pub both_set: Option<Range<usize>>,
}

/// The rename `site`'s key needs: `sha256`/`sha512` → `hash` in the argument set of a
/// fetcher that takes `hash`; `cargoSha256` → `cargoHash`; `vendorSha256` → `vendorHash`.
pub fn rename(site: &HashSite) -> Option<Rename> {
    let to = match site.kind {
        KeyKind::Legacy(Algorithm::Sha256 | Algorithm::Sha512)
            if site.callee.as_deref().is_some_and(accepts_hash) =>
        {
            "hash"
        }
        KeyKind::Deprecated(to) => to,
        _ => return None,
    };
    if binding_attrs(&site.binding).len() != 1 {
        return None;
    }
    let both_set = sibling(&site.binding, to).map(|other| {
        binding_attrs(&other)
            .first()
            .map_or_else(|| range(&other), range)
    });
    Some(Rename { to, both_set })
}

/// The fake-hash reference a value is: `lib.fakeSha256` (any prefix), or the string
/// `"sha256:${lib.fakeSha256}"`. Returns the dotted name (`lib.fakeSha256`).
pub fn fake_reference(value: &SyntaxNode) -> Option<String> {
    let value = unparen(value);
    if let Some(name) = dotted_name(&value) {
        let last = name.rsplit('.').next().unwrap_or(&name);
        return matches!(last, "fakeSha256" | "fakeSha512" | "fakeHash").then_some(name);
    }
    if value.kind() != SyntaxKind::NODE_STRING {
        return None;
    }
    // `"sha256:${lib.fakeSha256}"`: one literal part and one interpolation.
    let mut literal = String::new();
    let mut reference = None;
    for element in value.children_with_tokens() {
        match element.kind() {
            SyntaxKind::TOKEN_STRING_START | SyntaxKind::TOKEN_STRING_END => {}
            SyntaxKind::TOKEN_STRING_CONTENT => {
                literal.push_str(element.as_token()?.text());
            }
            SyntaxKind::NODE_INTERPOL => {
                let inner = element.as_node()?.children().next()?;
                if reference.is_some() {
                    return None;
                }
                reference = Some(dotted_name(&inner)?);
            }
            _ => return None,
        }
    }
    let reference = reference?;
    let last = reference.rsplit('.').next().unwrap_or(&reference);
    (literal == "sha256:" && last == "fakeSha256").then_some(reference)
}

/// Whether a rule other than `this` is enabled (rules defer to each other only when the
/// other one runs).
pub fn enabled(file: &FileContext<'_>, rule: &str) -> bool {
    file.config.is_enabled(rule)
}
