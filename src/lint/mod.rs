//! The lint engine and the flake rules. (Issue 4 builds this out.)

pub mod shell;

use serde::Deserialize;

/// `[lint]` in `flakefmt.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct LintConfig {
    /// Rule names to run (default: all).
    pub select: Option<Vec<String>>,
    /// Rule names not to run.
    pub ignore: Vec<String>,
}
