//! `[lint.build_flags]`: the options of the build-flag rules.

use serde::Deserialize;

use crate::diagnostic::Severity;

/// How tier B commands (`nix develop`, `nix run`, `nix-shell`...) are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum TierLevel {
    /// Not reported.
    Off,
    /// As warnings (the default).
    #[default]
    Warning,
    /// As errors.
    Error,
}

impl TierLevel {
    /// The severity, or `None` when off.
    pub fn severity(self) -> Option<Severity> {
        match self {
            TierLevel::Off => None,
            TierLevel::Warning => Some(Severity::Warning),
            TierLevel::Error => Some(Severity::Error),
        }
    }
}

/// `[lint.build_flags]` in `flakefmt.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct BuildFlagsOptions {
    /// The required `--cores` value (default 4).
    pub cores: u32,
    /// The required `--max-jobs` value (default 4).
    #[serde(alias = "max_jobs")]
    pub max_jobs: u32,
    /// How tier B commands are reported: `"warning"` (default), `"error"` or `"off"`.
    #[serde(alias = "tier_b")]
    pub tier_b: TierLevel,
    /// Whether `build_flags_value` rewrites a wrong value (default false: report only).
    #[serde(alias = "enforce_values")]
    pub enforce_values: bool,
    /// Whether a `NIX_CONFIG` set in the same script with both settings at the required
    /// values satisfies the rule (default false).
    #[serde(alias = "accept_nix_config_env")]
    pub accept_nix_config_env: bool,
}

impl Default for BuildFlagsOptions {
    fn default() -> Self {
        BuildFlagsOptions {
            cores: 4,
            max_jobs: 4,
            tier_b: TierLevel::Warning,
            enforce_values: false,
            accept_nix_config_env: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_keys() {
        let options: BuildFlagsOptions = toml::from_str("").unwrap();
        assert_eq!(options, BuildFlagsOptions::default());
        let options: BuildFlagsOptions = toml::from_str(
            "cores = 8\nmax-jobs = 2\ntier-b = \"error\"\nenforce-values = true\naccept-nix-config-env = true\n",
        )
        .unwrap();
        assert_eq!(options.cores, 8);
        assert_eq!(options.max_jobs, 2);
        assert_eq!(options.tier_b, TierLevel::Error);
        assert!(options.enforce_values && options.accept_nix_config_env);
        assert!(toml::from_str::<BuildFlagsOptions>("corse = 4\n").is_err());
    }
}
