//! `[lint]` in `flakefmt.toml`: which rules run, their severities and their options.
//!
//! ```toml
//! [lint]
//! select = ["sri_hash", "FF4"]        # names, codes, or code prefixes; default: all
//! ignore = ["committed_backup"]
//!
//! [lint.severity]
//! sri_hash = "warning"
//!
//! [lint.nix_mode]
//! secret = ["*credential*", "*.key"]
//! ```
//!
//! Rule option tables are keyed by the rule's snake_case name; their own keys are
//! kebab-case. Unknown keys and unknown rule names are errors.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::config::ConfigError;
use crate::diagnostic::Severity;
use crate::lint::guard::GuardOptions;
use crate::lint::registry;
use crate::lint::rules::nix_mode::NixModeOptions;
use crate::lint::shell::options::BuildFlagsOptions;

/// `[lint]` in `flakefmt.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct LintConfig {
    /// Rules to run (names, `FFnnn` codes or code prefixes such as `FF1`); default: all.
    pub select: Option<Vec<String>>,
    /// Rules not to run (names, codes or code prefixes).
    pub ignore: Vec<String>,
    /// Severity per rule (name or code), replacing the rule's own.
    pub severity: BTreeMap<String, Severity>,
    /// `[lint.build_flags]`: options of the build-flag rules (`build_flags_missing`,
    /// `build_flags_spelling`, `build_flags_value`).
    #[serde(rename = "build_flags")]
    pub build_flags: BuildFlagsOptions,
    /// `[lint.nix_mode]`: options of `nix_mode`.
    #[serde(rename = "nix_mode")]
    pub nix_mode: NixModeOptions,
    /// `[[lint.guarded_option_access]]`: configured guard pairs.
    #[serde(rename = "guarded_option_access")]
    pub guarded_option_access: GuardOptions,
}

impl LintConfig {
    /// Checks that every rule named in the configuration exists.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let selectors = self
            .select
            .iter()
            .flatten()
            .map(|name| ("lint.select", name))
            .chain(self.ignore.iter().map(|name| ("lint.ignore", name)));
        for (key, selector) in selectors {
            if registry::matching(selector).is_empty() {
                return Err(unknown_rule(key, selector));
            }
        }
        for name in self.severity.keys() {
            if registry::find(name).is_none() {
                return Err(unknown_rule("lint.severity", name));
            }
        }
        Ok(())
    }

    /// Whether the rule named `name` runs under this configuration.
    pub fn is_enabled(&self, name: &str) -> bool {
        let selected = match &self.select {
            None => true,
            Some(list) => list.iter().any(|selector| {
                registry::matching(selector)
                    .iter()
                    .any(|r| r.meta().name == name)
            }),
        };
        selected
            && !self.ignore.iter().any(|selector| {
                registry::matching(selector)
                    .iter()
                    .any(|r| r.meta().name == name)
            })
    }

    /// The configured severity of rule `name`, if overridden.
    pub fn severity_of(&self, name: &str) -> Option<Severity> {
        self.severity.iter().find_map(|(key, severity)| {
            let rule = registry::find(key)?;
            (rule.meta().name == name).then_some(*severity)
        })
    }
}

fn unknown_rule(key: &str, name: &str) -> ConfigError {
    ConfigError {
        message: format!("{key}: unknown rule `{name}` (`flakefmt rule` lists the rules)"),
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;

    #[test]
    fn selects_by_name_code_and_prefix() {
        let config =
            Config::from_toml("[lint]\nselect = [\"FF1\", \"nix_mode\"]\nignore = [\"FF104\"]\n")
                .unwrap();
        assert!(config.lint.is_enabled("sri_hash"));
        assert!(config.lint.is_enabled("nix_mode"));
        assert!(!config.lint.is_enabled("placeholder_hash"));
        assert!(!config.lint.is_enabled("git_exec_bit"));
    }

    #[test]
    fn unknown_rules_and_keys_are_errors() {
        let error = Config::from_toml("[lint]\nignore = [\"sri_hashes\"]\n").unwrap_err();
        assert!(error.message.contains("sri_hashes"), "{}", error.message);
        let error = Config::from_toml("[lint.severity]\nnope = \"error\"\n").unwrap_err();
        assert!(error.message.contains("nope"), "{}", error.message);
        let error = Config::from_toml("[lint]\nselekt = []\n").unwrap_err();
        assert!(error.message.contains("selekt"), "{}", error.message);
        let error = Config::from_toml("[lint.nix_mode]\nsecrets = []\n").unwrap_err();
        assert!(error.message.contains("secrets"), "{}", error.message);
        let error = Config::from_toml("[lint.severity]\nsri_hash = \"fatal\"\n").unwrap_err();
        assert!(error.message.contains("fatal"), "{}", error.message);
    }

    #[test]
    fn severity_overrides_by_name_or_code() {
        let config = Config::from_toml("[lint.severity]\nFF101 = \"warning\"\n").unwrap();
        assert_eq!(
            config.lint.severity_of("sri_hash"),
            Some(crate::diagnostic::Severity::Warning)
        );
        assert_eq!(config.lint.severity_of("nix_mode"), None);
    }
}
