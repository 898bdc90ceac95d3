//! `flakefmt.toml`: the project configuration, parsed from text (finding and reading the
//! file is the CLI's job). Unknown keys are errors that name the key.

use serde::Deserialize;

use crate::lint::LintConfig;
use crate::python::{
    IndentStyle, LineEnding, NestedStringQuoteStyle, PythonFormatOptions, PythonVersion, QuoteStyle,
};

/// The file name flakefmt looks for, walking up from each path.
pub const CONFIG_FILE_NAME: &str = "flakefmt.toml";

/// The whole configuration file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Gitignore-style globs, relative to the directory of the config file, that a walk skips.
    pub exclude: Vec<String>,
    /// `[format]`: the Nix formatter.
    pub format: FormatConfig,
    /// `[python]`: overrides for the Python formatter, over the ruff configuration.
    pub python: PythonConfig,
    /// `[lint]`: the lint engine (`[lints]`, as the lint specification spells it, is
    /// accepted too).
    #[serde(alias = "lints")]
    pub lint: LintConfig,
}

/// `[format]`: options of the Nix formatter.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct FormatConfig {
    /// Maximum line width, not counting indentation (as nixfmt). Default 100.
    pub line_width: usize,
    /// Spaces per indentation level. Default 2.
    pub indent_width: usize,
    /// nixfmt's `--strict`: ignore the input's line breaks where nixfmt would keep them.
    pub strict: bool,
}

impl Default for FormatConfig {
    fn default() -> Self {
        FormatConfig {
            line_width: 100,
            indent_width: 2,
            strict: false,
        }
    }
}

/// `[python]`: each key overrides the same setting found in the nearest ruff configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct PythonConfig {
    /// ruff's `line-length`.
    pub line_length: Option<u16>,
    /// ruff's `indent-width`.
    pub indent_width: Option<u8>,
    /// ruff's `target-version` (`py38` ... `py314`).
    pub target_version: Option<String>,
    /// ruff's `format.quote-style`: `double`, `single`, `preserve`.
    pub quote_style: Option<String>,
    /// ruff's `format.nested-string-quote-style`: `alternating`, `preferred`.
    pub nested_string_quote_style: Option<String>,
    /// ruff's `format.indent-style`: `space`, `tab`.
    pub indent_style: Option<String>,
    /// ruff's `format.line-ending`: `auto`, `lf`, `cr-lf`, `native`.
    pub line_ending: Option<String>,
    /// ruff's `format.skip-magic-trailing-comma`.
    pub skip_magic_trailing_comma: Option<bool>,
    /// ruff's `format.docstring-code-format`.
    pub docstring_code_format: Option<bool>,
    /// ruff's `format.docstring-code-line-length` (a number; ruff's default is `dynamic`).
    pub docstring_code_line_length: Option<u16>,
    /// ruff's `preview` for the formatter.
    pub preview: Option<bool>,
}

impl PythonConfig {
    /// Applies the keys that are set onto `options` (over what the ruff configuration said).
    pub fn apply(&self, options: &mut PythonFormatOptions) -> Result<(), ConfigError> {
        fn parse<T: std::str::FromStr<Err = String>>(
            value: &Option<String>,
            key: &str,
        ) -> Result<Option<T>, ConfigError> {
            value
                .as_deref()
                .map(|text| {
                    text.parse().map_err(|error| ConfigError {
                        message: format!("python.{key}: {error}"),
                    })
                })
                .transpose()
        }
        if let Some(value) = self.line_length {
            if !(1..=320).contains(&value) {
                return Err(ConfigError {
                    message: "python.line-length must be between 1 and 320".into(),
                });
            }
            options.line_length = value;
        }
        if let Some(value) = self.indent_width {
            if !(1..=16).contains(&value) {
                return Err(ConfigError {
                    message: "python.indent-width must be between 1 and 16".into(),
                });
            }
            options.indent_width = value;
        }
        if let Some(value) = parse::<PythonVersion>(&self.target_version, "target-version")? {
            options.target_version = value;
        }
        if let Some(value) = parse::<QuoteStyle>(&self.quote_style, "quote-style")? {
            options.quote_style = value;
        }
        if let Some(value) = parse::<NestedStringQuoteStyle>(
            &self.nested_string_quote_style,
            "nested-string-quote-style",
        )? {
            options.nested_string_quote_style = value;
        }
        if let Some(value) = parse::<IndentStyle>(&self.indent_style, "indent-style")? {
            options.indent_style = value;
        }
        if let Some(value) = parse::<LineEnding>(&self.line_ending, "line-ending")? {
            options.line_ending = value;
        }
        if let Some(value) = self.skip_magic_trailing_comma {
            options.skip_magic_trailing_comma = value;
        }
        if let Some(value) = self.docstring_code_format {
            options.docstring_code_format = value;
        }
        if let Some(value) = self.docstring_code_line_length {
            if !(1..=320).contains(&value) {
                return Err(ConfigError {
                    message: "python.docstring-code-line-length must be between 1 and 320".into(),
                });
            }
            options.docstring_code_line_length = Some(value);
        }
        if let Some(value) = self.preview {
            options.preview = value;
        }
        Ok(())
    }
}

/// A configuration file that could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// What is wrong, naming the key (from the TOML parser, with line and column).
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl Config {
    /// Parses the text of a `flakefmt.toml`.
    pub fn from_toml(text: &str) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|error| ConfigError {
            message: error.to_string().trim_end().to_string(),
        })?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        self.lint.validate()?;
        if self.format.line_width == 0 {
            return Err(ConfigError {
                message: "format.line-width must be at least 1".into(),
            });
        }
        if self.format.indent_width == 0 || self.format.indent_width > 16 {
            return Err(ConfigError {
                message: "format.indent-width must be between 1 and 16".into(),
            });
        }
        self.python.apply(&mut PythonFormatOptions::default())?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_nixfmt() {
        let config = Config::from_toml("").unwrap();
        assert_eq!(config.format, FormatConfig::default());
        assert_eq!(config.format.line_width, 100);
        assert_eq!(config.format.indent_width, 2);
    }

    /// The lint specification's spellings (`[lints]`, snake_case keys) mean the same as
    /// ours (`[lint]`, kebab-case keys).
    #[test]
    fn the_specification_spellings_are_accepted() {
        let ours = Config::from_toml(
            "[lint.build_flags]\nmax-jobs = 8\ntier-b = \"off\"\nenforce-values = true\n\
             accept-nix-config-env = true\n\
             [[lint.guarded_option_access]]\noption-root = \"services.a\"\nguard = \"on\"\n\
             paths = [\"x\"]\n",
        )
        .unwrap();
        let spec = Config::from_toml(
            "[lints.build_flags]\nmax_jobs = 8\ntier_b = \"off\"\nenforce_values = true\n\
             accept_nix_config_env = true\n\
             [[lints.guarded_option_access]]\noption_root = \"services.a\"\nguard = \"on\"\n\
             paths = [\"x\"]\n",
        )
        .unwrap();
        assert_eq!(format!("{:?}", ours.lint), format!("{:?}", spec.lint));
        assert_ne!(
            format!("{:?}", ours.lint),
            format!("{:?}", Config::default().lint)
        );
        // Both spellings of one key at once are an error, not a silent choice.
        assert!(Config::from_toml("[lint.build_flags]\nmax-jobs = 8\nmax_jobs = 2\n").is_err());
        assert!(Config::from_toml("[lint]\nignore = []\n[lints]\nignore = []\n").is_err());
    }

    #[test]
    fn unknown_keys_are_named() {
        let error = Config::from_toml("[format]\nline-widht = 80\n").unwrap_err();
        assert!(error.message.contains("line-widht"), "{}", error.message);
    }

    #[test]
    fn bad_python_values_are_errors() {
        let error = Config::from_toml("[python]\nquote-style = \"curly\"\n").unwrap_err();
        assert!(
            error.message.contains("python.quote-style"),
            "{}",
            error.message
        );
        let config =
            Config::from_toml("[python]\nline-length = 60\nindent-style = \"tab\"\n").unwrap();
        let mut options = PythonFormatOptions::default();
        config.python.apply(&mut options).unwrap();
        assert_eq!(options.line_length, 60);
        assert_eq!(options.indent_style, IndentStyle::Tab);
    }
}
