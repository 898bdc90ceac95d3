//! Wraps rnix: every parse error becomes a [`Diagnostic`] with a byte range.

use rnix::{ParseError, Root, SyntaxNode};

use crate::diagnostic::Diagnostic;

/// A successfully parsed Nix file.
#[derive(Clone, Debug)]
pub struct ParsedNix {
    /// The root of the concrete syntax tree (every byte of the source, trivia included).
    pub root: SyntaxNode,
}

/// Parses `source`; any syntax error makes the whole parse fail, with every error reported.
pub fn parse(source: &str) -> Result<ParsedNix, Vec<Diagnostic>> {
    let parse = Root::parse(source);
    if parse.errors().is_empty() {
        return Ok(ParsedNix {
            root: parse.syntax(),
        });
    }
    Err(parse
        .errors()
        .iter()
        .map(|error| error_to_diagnostic(error, source.len()))
        .collect())
}

fn error_to_diagnostic(error: &ParseError, source_len: usize) -> Diagnostic {
    let eof = source_len..source_len;
    let range = match error {
        ParseError::Unexpected(range)
        | ParseError::UnexpectedExtra(range)
        | ParseError::UnexpectedWanted(_, range, _)
        | ParseError::UnexpectedDoubleBind(range)
        | ParseError::DuplicatedArgs(range, _) => {
            usize::from(range.start())..usize::from(range.end())
        }
        ParseError::UnexpectedEOF | ParseError::UnexpectedEOFWanted(_) => eof,
        ParseError::RecursionLimitExceeded => 0..0,
        _ => 0..0,
    };
    Diagnostic::syntax_error(error.to_string(), range)
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
}
