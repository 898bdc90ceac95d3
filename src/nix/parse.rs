//! Wraps rnix: every parse error becomes a [`Diagnostic`] with a byte range.

use rnix::{ParseError, Root, SyntaxKind, SyntaxNode};

use crate::diagnostic::Diagnostic;

/// A successfully parsed Nix file.
#[derive(Clone, Debug)]
pub struct ParsedNix {
    /// The root of the concrete syntax tree (every byte of the source, trivia included).
    pub root: SyntaxNode,
}

/// Parses `source`; any syntax error makes the whole parse fail, with every error reported.
///
/// Messages name what was found and what was expected in words (`unexpected `;`, expected
/// an expression`); positions come from the range, as line and column, when rendered. A
/// file nested deeper than rnix's recursion limit gets that error once, not once per level.
pub fn parse(source: &str) -> Result<ParsedNix, Vec<Diagnostic>> {
    let parse = Root::parse(source);
    if parse.errors().is_empty() {
        return Ok(ParsedNix {
            root: parse.syntax(),
        });
    }
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut recursion_reported = false;
    for error in parse.errors() {
        if matches!(error, ParseError::RecursionLimitExceeded) {
            if recursion_reported {
                continue;
            }
            recursion_reported = true;
        }
        let diagnostic = error_to_diagnostic(error, source);
        if diagnostics.last() != Some(&diagnostic) {
            diagnostics.push(diagnostic);
        }
    }
    Err(diagnostics)
}

fn error_to_diagnostic(error: &ParseError, source: &str) -> Diagnostic {
    let span = |range: &rnix::TextRange| usize::from(range.start())..usize::from(range.end());
    let eof = source.len()..source.len();
    let (message, range) = match error {
        ParseError::Unexpected(range) => (
            format!("unexpected {}", found(source, span(range))),
            span(range),
        ),
        ParseError::UnexpectedExtra(range) => (
            format!(
                "unexpected {} after the end of the expression",
                found(source, span(range))
            ),
            span(range),
        ),
        ParseError::UnexpectedWanted(_, range, wanted) => (
            format!(
                "unexpected {}, expected {}",
                found(source, span(range)),
                expected(wanted)
            ),
            span(range),
        ),
        ParseError::UnexpectedDoubleBind(range) => (
            "a pattern can be bound with `@` only once".to_string(),
            span(range),
        ),
        ParseError::DuplicatedArgs(range, name) => {
            (format!("argument `{name}` is declared twice"), span(range))
        }
        ParseError::UnexpectedEOF => ("unexpected end of file".to_string(), eof),
        ParseError::UnexpectedEOFWanted(wanted) => (
            format!("unexpected end of file, expected {}", expected(wanted)),
            eof,
        ),
        ParseError::RecursionLimitExceeded => (
            "nesting too deep to parse (rnix's recursion limit)".to_string(),
            0..0,
        ),
        other => (other.to_string(), 0..0),
    };
    Diagnostic::syntax_error(message, range)
}

/// The offending text, quoted and shortened (`;`, `in`, `"some long strin…"`).
fn found(source: &str, range: std::ops::Range<usize>) -> String {
    let text = source.get(range).unwrap_or_default();
    let first_line = text.lines().next().unwrap_or_default();
    if first_line.is_empty() {
        return "input".to_string();
    }
    let mut shown: String = first_line.chars().take(24).collect();
    if shown.len() < text.len() {
        shown.push('…');
    }
    format!("`{shown}`")
}

/// The expected token kinds in words: `;`, `an identifier`, `one of `)`, `;``.
fn expected(wanted: &[SyntaxKind]) -> String {
    // The first tokens an expression can start with: name the category instead.
    if wanted.contains(&SyntaxKind::TOKEN_L_PAREN) && wanted.contains(&SyntaxKind::TOKEN_IDENT) {
        return "an expression".to_string();
    }
    let mut names: Vec<String> = wanted.iter().map(|kind| kind_name(*kind)).collect();
    names.dedup();
    match names.as_slice() {
        [] => "something else".to_string(),
        [one] => one.clone(),
        many if many.len() > 6 => "an expression".to_string(),
        many => format!("one of {}", many.join(", ")),
    }
}

fn kind_name(kind: SyntaxKind) -> String {
    use SyntaxKind::*;
    let token = match kind {
        TOKEN_SEMICOLON => ";",
        TOKEN_COLON => ":",
        TOKEN_COMMA => ",",
        TOKEN_DOT => ".",
        TOKEN_ELLIPSIS => "...",
        TOKEN_ASSIGN => "=",
        TOKEN_QUESTION => "?",
        TOKEN_AT => "@",
        TOKEN_L_BRACE => "{",
        TOKEN_R_BRACE => "}",
        TOKEN_L_BRACK => "[",
        TOKEN_R_BRACK => "]",
        TOKEN_L_PAREN => "(",
        TOKEN_R_PAREN => ")",
        TOKEN_INTERPOL_START => "${",
        TOKEN_INTERPOL_END => "}",
        TOKEN_IN => "in",
        TOKEN_THEN => "then",
        TOKEN_ELSE => "else",
        TOKEN_IDENT => return "an identifier".to_string(),
        TOKEN_STRING_END => return "the end of the string".to_string(),
        _ => {
            let debug = format!("{kind:?}");
            let name = debug
                .trim_start_matches("TOKEN_")
                .trim_start_matches("NODE_")
                .to_lowercase()
                .replace('_', " ");
            return name;
        }
    };
    format!("`{token}`")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_every_error_with_a_range() {
        assert!(parse("{ a = 1; }").is_ok());
        let errors = parse("{ a = ; b = }").unwrap_err();
        assert!(!errors.is_empty());
        assert!(
            errors
                .iter()
                .all(|e| e.rule == crate::diagnostic::SYNTAX_ERROR)
        );
    }

    #[test]
    fn messages_are_words_without_byte_offsets() {
        let errors = parse("{ a = ; }").unwrap_err();
        assert_eq!(errors[0].range, 6..7);
        assert!(
            errors[0].message.starts_with("unexpected `;`"),
            "{}",
            errors[0].message
        );
        assert!(!errors[0].message.contains("6..7"), "{}", errors[0].message);
        let errors = parse("let a = 1;").unwrap_err();
        assert!(
            errors.iter().any(|e| e.message.contains("end of file")),
            "{errors:?}"
        );
    }

    #[test]
    fn recursion_limit_is_reported_once() {
        let deep = format!("{}1{}", "(".repeat(3000), ")".repeat(3000));
        let errors = parse(&deep).unwrap_err();
        let recursion = errors
            .iter()
            .filter(|e| e.message.contains("nesting too deep"))
            .count();
        assert_eq!(recursion, 1, "{errors:?}");
        assert!(errors.len() < 10, "{} errors", errors.len());
    }
}
