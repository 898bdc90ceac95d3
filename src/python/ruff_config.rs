//! Reads the formatter settings of a ruff configuration from its text: `ruff.toml` /
//! `.ruff.toml` (settings at the top level) or `pyproject.toml` (`[tool.ruff]`).
//!
//! Finding the files (the nearest one above a Python file, in ruff's order `.ruff.toml`,
//! `ruff.toml`, `pyproject.toml` with a `[tool.ruff]` table) and following `extend` is the
//! CLI's job; this module only parses. Keys that do not concern the formatter (lint rules,
//! `exclude`, ...) are ignored; a formatter key with a wrong value is an error naming it.

use toml::Value;
use toml::value::Table;

use super::options::{
    IndentStyle, LineEnding, NestedStringQuoteStyle, PythonFormatOptions, PythonVersion, QuoteStyle,
};

/// Which kind of file the text comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuffConfigKind {
    /// `ruff.toml` or `.ruff.toml`: settings at the top level.
    RuffToml,
    /// `pyproject.toml`: settings under `[tool.ruff]`, and `[project] requires-python`.
    Pyproject,
}

/// The formatter settings one ruff configuration sets (`None`: not set there).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuffSettings {
    /// `line-length`.
    pub line_length: Option<u16>,
    /// `indent-width`.
    pub indent_width: Option<u8>,
    /// `target-version`.
    pub target_version: Option<PythonVersion>,
    /// Top-level `preview`.
    pub preview: Option<bool>,
    /// `format.preview` (wins over the top-level `preview` for the formatter).
    pub format_preview: Option<bool>,
    /// `format.quote-style`.
    pub quote_style: Option<QuoteStyle>,
    /// `format.nested-string-quote-style`.
    pub nested_string_quote_style: Option<NestedStringQuoteStyle>,
    /// `format.indent-style`.
    pub indent_style: Option<IndentStyle>,
    /// `format.line-ending`.
    pub line_ending: Option<LineEnding>,
    /// `format.skip-magic-trailing-comma`.
    pub skip_magic_trailing_comma: Option<bool>,
    /// `format.docstring-code-format`.
    pub docstring_code_format: Option<bool>,
    /// `format.docstring-code-line-length`: `Some(None)` is `"dynamic"`.
    pub docstring_code_line_length: Option<Option<u16>>,
    /// `extend`: the path (relative to this file's directory) of a configuration this one
    /// extends; its settings apply where this one sets nothing.
    pub extend: Option<String>,
}

/// What one configuration file says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuffConfigFile {
    /// The ruff settings; `None` for a `pyproject.toml` without `[tool.ruff]` (which ruff
    /// does not treat as a configuration).
    pub settings: Option<RuffSettings>,
    /// The lowest Python version allowed by `[project] requires-python` (pyproject only).
    pub requires_python: Option<PythonVersion>,
}

/// Parses the text of a ruff configuration file. Errors name the key.
pub fn parse(text: &str, kind: RuffConfigKind) -> Result<RuffConfigFile, String> {
    let root: Table =
        toml::from_str(text).map_err(|error| error.to_string().trim_end().to_string())?;
    match kind {
        RuffConfigKind::RuffToml => Ok(RuffConfigFile {
            settings: Some(parse_settings(&root, "")?),
            requires_python: None,
        }),
        RuffConfigKind::Pyproject => {
            let requires_python = match root
                .get("project")
                .and_then(|project| project.get("requires-python"))
            {
                Some(Value::String(specifier)) => minimum_python(specifier),
                Some(_) => return Err("`project.requires-python` must be a string".into()),
                None => None,
            };
            let settings = match root.get("tool").and_then(|tool| tool.get("ruff")) {
                Some(Value::Table(ruff)) => Some(parse_settings(ruff, "tool.ruff.")?),
                Some(_) => return Err("`tool.ruff` must be a table".into()),
                None => None,
            };
            Ok(RuffConfigFile {
                settings,
                requires_python,
            })
        }
    }
}

fn parse_settings(table: &Table, prefix: &str) -> Result<RuffSettings, String> {
    let mut settings = RuffSettings {
        line_length: integer(table, "line-length", prefix, 1, 320)?.map(|n| n as u16),
        indent_width: integer(table, "indent-width", prefix, 1, 16)?.map(|n| n as u8),
        target_version: parsed(table, "target-version", prefix)?,
        preview: boolean(table, "preview", prefix)?,
        extend: string(table, "extend", prefix)?.map(str::to_string),
        ..RuffSettings::default()
    };
    match table.get("format") {
        None => {}
        Some(Value::Table(format)) => {
            let prefix = format!("{prefix}format.");
            // ruff itself refuses unknown keys here; so do we, rather than format differently.
            if let Some(key) = format
                .keys()
                .find(|key| !FORMAT_KEYS.contains(&key.as_str()))
            {
                return Err(format!(
                    "unknown key `{prefix}{key}` (ruff's format settings are: {})",
                    FORMAT_KEYS.join(", ")
                ));
            }
            settings.format_preview = boolean(format, "preview", &prefix)?;
            settings.quote_style = parsed(format, "quote-style", &prefix)?;
            settings.indent_style = parsed(format, "indent-style", &prefix)?;
            settings.nested_string_quote_style =
                parsed(format, "nested-string-quote-style", &prefix)?;
            settings.line_ending = parsed(format, "line-ending", &prefix)?;
            settings.skip_magic_trailing_comma =
                boolean(format, "skip-magic-trailing-comma", &prefix)?;
            settings.docstring_code_format = boolean(format, "docstring-code-format", &prefix)?;
            settings.docstring_code_line_length = match format.get("docstring-code-line-length") {
                None => None,
                Some(Value::String(text)) if text == "dynamic" => Some(None),
                Some(_) => Some(Some(
                    integer(format, "docstring-code-line-length", &prefix, 1, 320)?
                        .map(|n| n as u16)
                        .unwrap_or(88),
                )),
            };
        }
        Some(_) => return Err(format!("`{prefix}format` must be a table")),
    }
    Ok(settings)
}

/// The keys of ruff's `[format]` table (ruff 0.17.6).
const FORMAT_KEYS: &[&str] = &[
    "exclude",
    "preview",
    "indent-style",
    "quote-style",
    "nested-string-quote-style",
    "skip-magic-trailing-comma",
    "line-ending",
    "docstring-code-format",
    "docstring-code-line-length",
];

fn integer(
    table: &Table,
    key: &str,
    prefix: &str,
    min: i64,
    max: i64,
) -> Result<Option<i64>, String> {
    match table.get(key) {
        None => Ok(None),
        Some(Value::Integer(n)) if (min..=max).contains(n) => Ok(Some(*n)),
        Some(value) => Err(format!(
            "`{prefix}{key}` must be an integer from {min} to {max}, not {value}"
        )),
    }
}

fn boolean(table: &Table, key: &str, prefix: &str) -> Result<Option<bool>, String> {
    match table.get(key) {
        None => Ok(None),
        Some(Value::Boolean(b)) => Ok(Some(*b)),
        Some(value) => Err(format!(
            "`{prefix}{key}` must be true or false, not {value}"
        )),
    }
}

fn string<'a>(table: &'a Table, key: &str, prefix: &str) -> Result<Option<&'a str>, String> {
    match table.get(key) {
        None => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(value) => Err(format!("`{prefix}{key}` must be a string, not {value}")),
    }
}

fn parsed<T: std::str::FromStr<Err = String>>(
    table: &Table,
    key: &str,
    prefix: &str,
) -> Result<Option<T>, String> {
    string(table, key, prefix)?
        .map(|text| {
            text.parse()
                .map_err(|error| format!("`{prefix}{key}`: {error}"))
        })
        .transpose()
}

/// The lowest `3.x` a PEP 440 `requires-python` specifier allows (`>=3.10`, `~=3.9`,
/// `==3.11.*`, `>=3.9,<4`), clamped to what ruff knows (3.7 ..= 3.15). `None` when the
/// specifier has no lower bound.
pub fn minimum_python(specifier: &str) -> Option<PythonVersion> {
    specifier
        .split(',')
        .filter_map(|clause| {
            let clause = clause.trim();
            let version = ["~=", "==", ">=", ">"]
                .iter()
                .find_map(|operator| clause.strip_prefix(operator))?
                .trim();
            let mut parts = version.split('.');
            let major: u8 = parts.next()?.trim().parse().ok()?;
            let minor: u8 = match parts.next() {
                Some(minor) => minor.trim().parse().ok()?,
                None => 0,
            };
            (major == 3).then_some(minor)
        })
        .min()
        .map(|minor| PythonVersion {
            major: 3,
            minor: minor.clamp(7, 15),
        })
}

impl RuffSettings {
    /// Fills every setting this one leaves unset from `base` (the configuration named by
    /// `extend`).
    pub fn extend_from(&mut self, base: &RuffSettings) {
        macro_rules! inherit {
            ($($field:ident),*) => {$(
                if self.$field.is_none() {
                    self.$field = base.$field.clone();
                }
            )*};
        }
        inherit!(
            line_length,
            indent_width,
            target_version,
            preview,
            format_preview,
            quote_style,
            nested_string_quote_style,
            indent_style,
            line_ending,
            skip_magic_trailing_comma,
            docstring_code_format,
            docstring_code_line_length
        );
    }

    /// Applies the settings that are set onto `options`.
    pub fn apply(&self, options: &mut PythonFormatOptions) {
        if let Some(value) = self.line_length {
            options.line_length = value;
        }
        if let Some(value) = self.indent_width {
            options.indent_width = value;
        }
        if let Some(value) = self.target_version {
            options.target_version = value;
        }
        if let Some(value) = self.format_preview.or(self.preview) {
            options.preview = value;
        }
        if let Some(value) = self.quote_style {
            options.quote_style = value;
        }
        if let Some(value) = self.nested_string_quote_style {
            options.nested_string_quote_style = value;
        }
        if let Some(value) = self.indent_style {
            options.indent_style = value;
        }
        if let Some(value) = self.line_ending {
            options.line_ending = value;
        }
        if let Some(value) = self.skip_magic_trailing_comma {
            options.skip_magic_trailing_comma = value;
        }
        if let Some(value) = self.docstring_code_format {
            options.docstring_code_format = value;
        }
        if let Some(value) = self.docstring_code_line_length {
            options.docstring_code_line_length = value;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_ruff_toml_and_ignores_lint_keys() {
        let file = parse(
            "line-length = 60\nindent-width = 2\ntarget-version = \"py39\"\n[lint]\nselect = [\"E\"]\n[format]\nquote-style = \"single\"\nindent-style = \"tab\"\nline-ending = \"cr-lf\"\nskip-magic-trailing-comma = true\ndocstring-code-format = true\ndocstring-code-line-length = 40\n",
            RuffConfigKind::RuffToml,
        )
        .unwrap();
        let settings = file.settings.unwrap();
        assert_eq!(settings.line_length, Some(60));
        assert_eq!(settings.indent_width, Some(2));
        assert_eq!(
            settings.target_version,
            Some(PythonVersion { major: 3, minor: 9 })
        );
        assert_eq!(settings.quote_style, Some(QuoteStyle::Single));
        assert_eq!(settings.indent_style, Some(IndentStyle::Tab));
        assert_eq!(settings.line_ending, Some(LineEnding::CrLf));
        assert_eq!(settings.skip_magic_trailing_comma, Some(true));
        assert_eq!(settings.docstring_code_format, Some(true));
        assert_eq!(settings.docstring_code_line_length, Some(Some(40)));
    }

    #[test]
    fn pyproject_without_tool_ruff_is_not_a_config() {
        let file = parse(
            "[project]\nname = \"x\"\nrequires-python = \">=3.10, <4\"\n",
            RuffConfigKind::Pyproject,
        )
        .unwrap();
        assert_eq!(file.settings, None);
        assert_eq!(
            file.requires_python,
            Some(PythonVersion {
                major: 3,
                minor: 10
            })
        );
        let file = parse(
            "[tool.ruff]\nline-length = 100\n[tool.ruff.format]\nquote-style = \"preserve\"\n",
            RuffConfigKind::Pyproject,
        )
        .unwrap();
        let settings = file.settings.unwrap();
        assert_eq!(settings.line_length, Some(100));
        assert_eq!(settings.quote_style, Some(QuoteStyle::Preserve));
    }

    #[test]
    fn bad_values_name_the_key() {
        let error = parse(
            "[format]\nquote-style = \"backtick\"\n",
            RuffConfigKind::RuffToml,
        )
        .unwrap_err();
        assert!(error.contains("format.quote-style"), "{error}");
        let error = parse(
            "[format]\nquote_style = \"single\"\n",
            RuffConfigKind::RuffToml,
        )
        .unwrap_err();
        assert!(error.contains("format.quote_style"), "{error}");
        let error = parse(
            "[tool.ruff]\nline-length = \"long\"\n",
            RuffConfigKind::Pyproject,
        )
        .unwrap_err();
        assert!(error.contains("tool.ruff.line-length"), "{error}");
    }

    #[test]
    fn requires_python_lower_bounds() {
        assert_eq!(minimum_python(">=3.8").map(|v| v.minor), Some(8));
        assert_eq!(minimum_python("~=3.12.1").map(|v| v.minor), Some(12));
        assert_eq!(minimum_python("==3.11.*").map(|v| v.minor), Some(11));
        assert_eq!(minimum_python("<3.12"), None);
        assert_eq!(minimum_python(">=3.6").map(|v| v.minor), Some(7));
    }

    #[test]
    fn extend_fills_unset_settings_and_apply_overrides() {
        let mut child = RuffSettings {
            line_length: Some(70),
            ..RuffSettings::default()
        };
        let base = RuffSettings {
            line_length: Some(120),
            quote_style: Some(QuoteStyle::Single),
            ..RuffSettings::default()
        };
        child.extend_from(&base);
        let mut options = PythonFormatOptions::default();
        child.apply(&mut options);
        assert_eq!(options.line_length, 70);
        assert_eq!(options.quote_style, QuoteStyle::Single);
    }
}
