//! `nix_mode` (FF401): a file mode in Nix that is an integer, unsafe, or not the required `0644`/`0755`.

use rnix::SyntaxKind;

use crate::diagnostic::Severity;
use crate::language::Language;
use crate::lint::rule::{FixKind, Rule, RuleMeta};

/// Metadata of `nix_mode`.
pub const META: RuleMeta = RuleMeta {
    name: "nix_mode",
    code: "FF401",
    summary: "a file mode in Nix that is an integer, unsafe, or not the required `0644`/`0755`",
    severity: Severity::Error,
    fix: FixKind::SafeAndUnsafe,
    languages: &[Language::Nix],
    nix_kinds: &[SyntaxKind::NODE_ATTRPATH_VALUE],
    any_file: false,
};

/// The `nix_mode` rule.
pub struct NixMode;

impl Rule for NixMode {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
}

/// `[lint.nix_mode]`: options of `nix_mode`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct NixModeOptions {
    /// Globs over names and paths for which modes stricter than the required ones are
    /// allowed (secrets). sops-nix and agenix secrets always are.
    pub secret: Vec<String>,
}

impl Default for NixModeOptions {
    fn default() -> Self {
        NixModeOptions {
            secret: ["*credential*", "*secret*", "*.key", "*token*"]
                .map(String::from)
                .to_vec(),
        }
    }
}
