//! The settings of the Python formatter, in flakefmt's own types (no ruff types leak out).

use std::fmt;
use std::str::FromStr;

/// A Python version `major.minor`, as in ruff's `target-version = "py311"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PythonVersion {
    /// Major version (3).
    pub major: u8,
    /// Minor version.
    pub minor: u8,
}

impl PythonVersion {
    /// The version `ruff format` 0.17.6 assumes when nothing sets one (3.11; checked with
    /// `ruff check --show-settings`, `formatter.unresolved_target_version`).
    pub const DEFAULT: PythonVersion = PythonVersion {
        major: 3,
        minor: 11,
    };
}

impl fmt::Display for PythonVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "py{}{}", self.major, self.minor)
    }
}

impl FromStr for PythonVersion {
    type Err = String;

    /// Parses ruff's spelling, `py37` ... `py315`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let error = || format!("unknown target-version `{text}` (expected py37 ... py315)");
        let digits = text.strip_prefix("py3").ok_or_else(error)?;
        let minor: u8 = digits.parse().map_err(|_| error())?;
        if !(7..=15).contains(&minor) || digits.starts_with('0') {
            return Err(error());
        }
        Ok(PythonVersion { major: 3, minor })
    }
}

/// ruff's `format.quote-style`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QuoteStyle {
    /// `double` (the default).
    #[default]
    Double,
    /// `single`.
    Single,
    /// `preserve`: keep each string's quotes.
    Preserve,
}

impl FromStr for QuoteStyle {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "double" => Ok(QuoteStyle::Double),
            "single" => Ok(QuoteStyle::Single),
            "preserve" => Ok(QuoteStyle::Preserve),
            _ => Err(format!(
                "unknown quote-style `{text}` (expected double, single or preserve)"
            )),
        }
    }
}

/// ruff's `format.nested-string-quote-style` (quotes of strings nested in f-strings on
/// Python 3.12+).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NestedStringQuoteStyle {
    /// `alternating` (the default): the opposite of the enclosing string's quotes.
    #[default]
    Alternating,
    /// `preferred`: the configured `quote-style`.
    Preferred,
}

impl FromStr for NestedStringQuoteStyle {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "alternating" => Ok(NestedStringQuoteStyle::Alternating),
            "preferred" => Ok(NestedStringQuoteStyle::Preferred),
            _ => Err(format!(
                "unknown nested-string-quote-style `{text}` (expected alternating or preferred)"
            )),
        }
    }
}

/// ruff's `format.indent-style`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IndentStyle {
    /// `space` (the default): `indent-width` spaces per level.
    #[default]
    Space,
    /// `tab`: one tab per level (`indent-width` is the tab's visual width).
    Tab,
}

impl FromStr for IndentStyle {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "space" => Ok(IndentStyle::Space),
            "tab" => Ok(IndentStyle::Tab),
            _ => Err(format!(
                "unknown indent-style `{text}` (expected space or tab)"
            )),
        }
    }
}

/// ruff's `format.line-ending`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LineEnding {
    /// `auto` (the default): the file's first line ending (`\n` when it has none).
    #[default]
    Auto,
    /// `lf`.
    Lf,
    /// `cr-lf`.
    CrLf,
    /// `native`: `\r\n` on Windows, `\n` elsewhere.
    Native,
}

impl FromStr for LineEnding {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "auto" => Ok(LineEnding::Auto),
            "lf" => Ok(LineEnding::Lf),
            "cr-lf" => Ok(LineEnding::CrLf),
            "native" => Ok(LineEnding::Native),
            _ => Err(format!(
                "unknown line-ending `{text}` (expected auto, lf, cr-lf or native)"
            )),
        }
    }
}

/// Resolved options for formatting one Python file, with the defaults of `ruff format`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PythonFormatOptions {
    /// Stub file (`.pyi`) rules.
    pub stub: bool,
    /// `line-length`, default 88 (1 ..= 320).
    pub line_length: u16,
    /// `indent-width`, default 4.
    pub indent_width: u8,
    /// `target-version`, default [`PythonVersion::DEFAULT`].
    pub target_version: PythonVersion,
    /// `format.quote-style`.
    pub quote_style: QuoteStyle,
    /// `format.nested-string-quote-style`.
    pub nested_string_quote_style: NestedStringQuoteStyle,
    /// `format.indent-style`.
    pub indent_style: IndentStyle,
    /// `format.line-ending`.
    pub line_ending: LineEnding,
    /// `format.skip-magic-trailing-comma`, default false.
    pub skip_magic_trailing_comma: bool,
    /// `format.docstring-code-format`, default false.
    pub docstring_code_format: bool,
    /// `format.docstring-code-line-length`: `None` is `dynamic` (the default).
    pub docstring_code_line_length: Option<u16>,
    /// `preview` / `format.preview`, default false.
    pub preview: bool,
}

impl Default for PythonFormatOptions {
    fn default() -> Self {
        PythonFormatOptions {
            stub: false,
            line_length: 88,
            indent_width: 4,
            target_version: PythonVersion::DEFAULT,
            quote_style: QuoteStyle::default(),
            nested_string_quote_style: NestedStringQuoteStyle::default(),
            indent_style: IndentStyle::default(),
            line_ending: LineEnding::default(),
            skip_magic_trailing_comma: false,
            docstring_code_format: false,
            docstring_code_line_length: None,
            preview: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ruff_spellings() {
        assert_eq!(
            "py38".parse::<PythonVersion>(),
            Ok(PythonVersion { major: 3, minor: 8 })
        );
        assert_eq!("py312".parse::<PythonVersion>().unwrap().minor, 12);
        assert!("py27".parse::<PythonVersion>().is_err());
        assert!("3.11".parse::<PythonVersion>().is_err());
        assert_eq!("cr-lf".parse::<LineEnding>(), Ok(LineEnding::CrLf));
        assert!("crlf".parse::<LineEnding>().is_err());
        assert_eq!("tab".parse::<IndentStyle>(), Ok(IndentStyle::Tab));
        assert_eq!("single".parse::<QuoteStyle>(), Ok(QuoteStyle::Single));
    }
}
