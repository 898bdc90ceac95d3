//! The fast path's scanner: Nix source to the significant tokens (no whitespace, no
//! comments: the trivia lexer reads those again), with rnix's token kinds and boundaries.
//!
//! It is written from Nix's lexical grammar (the longest match among identifiers,
//! numbers, paths, URIs and operators; strings and indented strings with their escapes
//! and `${ … }`), scanning bytes. Strings and interpolations are scanned by recursion:
//! a string scans its body and, at `${`, the code inside until the brace that closes it.
//!
//! It is conservative. It returns `None` where rnix would produce an error token, and
//! also wherever rnix's tokenizer departs from the grammar or the input is unusual
//! (other non-ASCII characters outside strings and comments, a path followed by `/`, a float with a
//! leading zero or a bad exponent, a search path of another shape, nesting deeper than
//! [`MAX_DEPTH`]): the caller then takes the rnix path. `tests/parser_diff.rs` compares it
//! with rnix's tokenizer token by token.

use rnix::SyntaxKind::{self, *};

use super::Tok;

/// Interpolations nested deeper than this are left to the rnix path.
const MAX_DEPTH: u32 = 200;

/// The significant tokens of `source`, or `None` (see the module documentation).
pub(super) fn tokens(source: &str) -> Option<Vec<Tok>> {
    let mut scanner = Scanner {
        source,
        bytes: source.as_bytes(),
        pos: 0,
        out: Vec::with_capacity(source.len() / 5 + 8),
        depth: 0,
    };
    scanner.code(false)?;
    Some(scanner.out)
}

/// A byte that may appear in a path (`[a-zA-Z0-9._+-]`).
fn is_path_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'+' | b'-')
}

/// A byte that may continue an identifier.
fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'\'' | b'-')
}

/// A byte that may continue a URI scheme.
fn is_scheme_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')
}

/// A byte that may appear after the `:` of a URI.
fn is_uri_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'%' | b'/'
                | b'?'
                | b':'
                | b'@'
                | b'&'
                | b'='
                | b'+'
                | b'$'
                | b','
                | b'-'
                | b'_'
                | b'.'
                | b'!'
                | b'~'
                | b'*'
                | b'\''
        )
}

fn keyword(text: &[u8]) -> SyntaxKind {
    match text {
        b"assert" => TOKEN_ASSERT,
        b"else" => TOKEN_ELSE,
        b"if" => TOKEN_IF,
        b"in" => TOKEN_IN,
        b"inherit" => TOKEN_INHERIT,
        b"let" => TOKEN_LET,
        b"or" => TOKEN_OR,
        b"rec" => TOKEN_REC,
        b"then" => TOKEN_THEN,
        b"with" => TOKEN_WITH,
        _ => TOKEN_IDENT,
    }
}

struct Scanner<'a> {
    source: &'a str,
    bytes: &'a [u8],
    pos: usize,
    out: Vec<Tok>,
    depth: u32,
}

impl Scanner<'_> {
    fn at(&self, offset: usize) -> u8 {
        // 0 is never a byte the scanner accepts (the CLI refuses files with NUL bytes).
        self.bytes.get(self.pos + offset).copied().unwrap_or(0)
    }

    fn push(&mut self, kind: SyntaxKind, start: usize) {
        self.out.push(Tok {
            kind,
            start,
            end: self.pos,
        });
    }

    /// Pushes a token of `len` bytes starting here.
    fn token(&mut self, kind: SyntaxKind, len: usize) {
        let start = self.pos;
        self.pos += len;
        self.push(kind, start);
    }

    /// The length of the run of bytes from `from` for which `f` holds.
    fn run(&self, from: usize, f: impl Fn(u8) -> bool) -> usize {
        self.bytes[from.min(self.bytes.len())..]
            .iter()
            .take_while(|&&b| f(b))
            .count()
    }

    /// Scans code: to the end of the input, or (`interpolation`) to the `}` that closes
    /// the interpolation whose `${` was just scanned (pushed as `TOKEN_INTERPOL_END`).
    fn code(&mut self, interpolation: bool) -> Option<()> {
        let mut braces = 0u32;
        loop {
            let b = self.at(0);
            match b {
                0 if self.pos >= self.bytes.len() => {
                    return if interpolation { None } else { Some(()) };
                }
                b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => {
                    self.pos += 1;
                    self.pos += self.run(self.pos, |b| matches!(b, b' ' | b'\n'));
                }
                b'#' => match memchr::memchr(b'\n', &self.bytes[self.pos..]) {
                    Some(end) => self.pos += end,
                    None => self.pos = self.bytes.len(),
                },
                b'/' if self.at(1) == b'*' => {
                    let rest = &self.bytes[self.pos + 2..];
                    let end = memchr::memmem::find(rest, b"*/")?;
                    self.pos += 2 + end + 2;
                }
                b'{' => {
                    braces += 1;
                    self.token(TOKEN_L_BRACE, 1);
                }
                b'}' => {
                    if interpolation && braces == 0 {
                        self.token(TOKEN_INTERPOL_END, 1);
                        return Some(());
                    }
                    braces = braces.saturating_sub(1);
                    self.token(TOKEN_R_BRACE, 1);
                }
                b'"' => {
                    self.token(TOKEN_STRING_START, 1);
                    self.string(false)?;
                }
                b'\'' if self.at(1) == b'\'' => {
                    self.token(TOKEN_STRING_START, 2);
                    self.string(true)?;
                }
                b'$' if self.at(1) == b'{' => {
                    self.token(TOKEN_INTERPOL_START, 2);
                    self.nested()?;
                }
                // Unicode whitespace separates tokens too (code is only ever left at a
                // character boundary).
                0x80.. => match self.source[self.pos..].chars().next() {
                    Some(c) if c.is_whitespace() => self.pos += c.len_utf8(),
                    _ => return None,
                },
                _ => self.word_or_operator(b)?,
            }
        }
    }

    /// Scans the code of an interpolation whose `${` was just pushed.
    fn nested(&mut self) -> Option<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        self.code(true)?;
        self.depth -= 1;
        Some(())
    }

    /// A path, number, identifier, keyword, URI or operator starting with `b`.
    fn word_or_operator(&mut self, b: u8) -> Option<()> {
        if b.is_ascii_alphabetic() || b == b'_' {
            // The common case first: an identifier not followed by a byte that could make
            // it a path (`/`, or `.`/`+` continuing the path bytes) or a URI (`:`).
            let len = self.run(self.pos, is_ident_byte);
            if !matches!(self.at(len), b'.' | b'+' | b'/' | b':') {
                let kind = keyword(&self.bytes[self.pos..self.pos + len]);
                self.token(kind, len);
                return Some(());
            }
        }
        if b == b'.' && self.at(1) == b'.' && self.at(2) == b'.' {
            self.token(TOKEN_ELLIPSIS, 3);
            return Some(());
        }
        if b == b'/' || b == b'~' || is_path_byte(b) {
            // A path: path bytes, then a slash followed by a path byte or `${`.
            let lead = if b == b'~' {
                1
            } else {
                self.run(self.pos, is_path_byte)
            };
            let slash = self.pos + lead;
            if self.bytes.get(slash) == Some(&b'/')
                && (self.bytes.get(slash + 1).is_some_and(|&b| is_path_byte(b))
                    || self.bytes[slash + 1..].starts_with(b"${"))
            {
                let kind = match b {
                    b'~' => TOKEN_PATH_HOME,
                    b'/' => TOKEN_PATH_ABS,
                    _ => TOKEN_PATH_REL,
                };
                return self.path(kind);
            }
            // rnix takes `a/@`, `./=`, `1.5/{` (a slash right after path bytes, then
            // neither a path nor `//`, `/*` or a space) for a broken path.
            let after = self.bytes.get(slash + 1).copied();
            if b == b'~'
                || (self.bytes.get(slash) == Some(&b'/')
                    && !matches!(after, Some(b' ' | b'\t' | b'\n' | b'\r' | b'/' | b'*')))
            {
                return None;
            }
        }
        if b.is_ascii_alphabetic() {
            // A URI: a scheme, `:`, then at least one URI byte.
            let scheme = 1 + self.run(self.pos + 1, is_scheme_byte);
            if self.at(scheme) == b':' && is_uri_byte(self.at(scheme + 1)) {
                let len = scheme + 1 + self.run(self.pos + scheme + 1, is_uri_byte);
                self.token(TOKEN_URI, len);
                return Some(());
            }
        }
        if b.is_ascii_alphabetic() || b == b'_' {
            let len = self.run(self.pos, is_ident_byte);
            let kind = keyword(&self.bytes[self.pos..self.pos + len]);
            self.token(kind, len);
            return Some(());
        }
        if b.is_ascii_digit() || (b == b'.' && self.at(1).is_ascii_digit()) {
            return self.number();
        }
        let next = self.at(1);
        let (kind, len) = match b {
            b'.' => (TOKEN_DOT, 1),
            b'(' => (TOKEN_L_PAREN, 1),
            b')' => (TOKEN_R_PAREN, 1),
            b'[' => (TOKEN_L_BRACK, 1),
            b']' => (TOKEN_R_BRACK, 1),
            b';' => (TOKEN_SEMICOLON, 1),
            b',' => (TOKEN_COMMA, 1),
            b':' => (TOKEN_COLON, 1),
            b'?' => (TOKEN_QUESTION, 1),
            b'@' => (TOKEN_AT, 1),
            b'=' if next == b'=' => (TOKEN_EQUAL, 2),
            b'=' => (TOKEN_ASSIGN, 1),
            b'!' if next == b'=' => (TOKEN_NOT_EQUAL, 2),
            b'!' => (TOKEN_INVERT, 1),
            b'<' if next == b'=' => (TOKEN_LESS_OR_EQ, 2),
            b'<' if next == b'|' => (TOKEN_PIPE_LEFT, 2),
            b'<' => return self.search_path_or_less(),
            b'>' if next == b'=' => (TOKEN_MORE_OR_EQ, 2),
            b'>' => (TOKEN_MORE, 1),
            b'&' if next == b'&' => (TOKEN_AND_AND, 2),
            b'|' if next == b'|' => (TOKEN_OR_OR, 2),
            b'|' if next == b'>' => (TOKEN_PIPE_RIGHT, 2),
            b'-' if next == b'>' => (TOKEN_IMPLICATION, 2),
            b'-' => (TOKEN_SUB, 1),
            b'+' if next == b'+' => (TOKEN_CONCAT, 2),
            b'+' => (TOKEN_ADD, 1),
            b'*' => (TOKEN_MUL, 1),
            b'/' if next == b'/' => (TOKEN_UPDATE, 2),
            b'/' => (TOKEN_DIV, 1),
            // `&`, `|`, `$`, `\`, a lone `'`, any other byte, and non-ASCII.
            _ => return None,
        };
        self.token(kind, len);
        Some(())
    }

    /// An integer or a float. Floats with a leading zero before more digits and the dot
    /// (`00.5`), and exponents without digits, are left to rnix.
    fn number(&mut self) -> Option<()> {
        let start = self.pos;
        let digits = self.run(self.pos, |b| b.is_ascii_digit());
        if self.at(digits) != b'.' {
            self.token(TOKEN_INTEGER, digits);
            return Some(());
        }
        if digits > 1 && self.bytes[start] == b'0' {
            return None;
        }
        self.pos += digits + 1;
        self.pos += self.run(self.pos, |b| b.is_ascii_digit());
        if matches!(self.at(0), b'e' | b'E') {
            let sign = usize::from(matches!(self.at(1), b'+' | b'-'));
            let exponent = self.run(self.pos + 1 + sign, |b| b.is_ascii_digit());
            if exponent == 0 {
                return None;
            }
            self.pos += 1 + sign + exponent;
        }
        // `1.5.6` and `1.5e3.5`: rnix splits them in ways better left to it.
        if self.at(0) == b'.' || is_ident_byte(self.at(0)) {
            return None;
        }
        self.push(TOKEN_FLOAT, start);
        Some(())
    }

    /// A path of `kind` starting here, known to contain a slash: path bytes, slashes
    /// followed by a path byte or `${`, and interpolations. The text between
    /// interpolations is one token each.
    fn path(&mut self, kind: SyntaxKind) -> Option<()> {
        let mut start = self.pos;
        if kind == TOKEN_PATH_HOME {
            self.pos += 1;
        }
        loop {
            let b = self.at(0);
            let slash_then_more =
                b == b'/' && (is_path_byte(self.at(1)) || self.at(1) == b'$' && self.at(2) == b'{');
            if is_path_byte(b) || slash_then_more {
                self.pos += 1;
            } else if b == b'$' && self.at(1) == b'{' {
                if self.pos > start {
                    self.push(kind, start);
                }
                self.token(TOKEN_INTERPOL_START, 2);
                self.nested()?;
                start = self.pos;
            } else if b == b'/' || b == b'\'' && self.at(1) != b'\'' || b >= 0x80 {
                // A trailing slash, `a/b//c`, `a/b'c`, or non-ASCII: rnix errors or
                // splits; left to it.
                return None;
            } else {
                if self.pos > start {
                    self.push(kind, start);
                }
                return Some(());
            }
        }
    }

    /// `<nixpkgs/lib>` (path bytes, slash-separated), or the `<` operator.
    fn search_path_or_less(&mut self) -> Option<()> {
        let len = self.run(self.pos + 1, |b| is_path_byte(b) || b == b'/');
        if len > 0 && self.at(1 + len) == b'>' {
            let inner = &self.bytes[self.pos + 1..self.pos + 1 + len];
            let well_formed = inner.split(|&b| b == b'/').all(|part| !part.is_empty());
            if !well_formed {
                return None;
            }
            self.token(TOKEN_PATH_SEARCH, len + 2);
            return Some(());
        }
        // `a<b` then a space: the operator; `<a<n>`, `<a;`: rnix's guesses vary, left
        // to it.
        if len > 0 && !matches!(self.at(1 + len), 0 | b' ' | b'\t' | b'\n' | b'\r') {
            return None;
        }
        self.token(TOKEN_LESS, 1);
        Some(())
    }

    /// A string body after its opening quote(s): content runs, interpolations, and the
    /// closing quote(s).
    fn string(&mut self, indented: bool) -> Option<()> {
        let mut start = self.pos;
        loop {
            // Skip to the next byte that can matter.
            let rest = &self.bytes[self.pos..];
            self.pos += if indented {
                memchr::memchr2(b'\'', b'$', rest)
            } else {
                memchr::memchr3(b'"', b'\\', b'$', rest)
            }?;
            let b = self.bytes[self.pos];
            match b {
                b'\\' if !indented => {
                    // An escape: the next character, whatever it is (its continuation
                    // bytes are never special).
                    self.bytes.get(self.pos + 1)?;
                    self.pos += 2;
                }
                b'"' if !indented => {
                    if self.pos > start {
                        self.push(TOKEN_STRING_CONTENT, start);
                    }
                    self.token(TOKEN_STRING_END, 1);
                    return Some(());
                }
                b'\'' if indented && self.at(1) == b'\'' => match self.at(2) {
                    b'\'' | b'$' => self.pos += 3,
                    b'\\' => {
                        self.bytes.get(self.pos + 3)?;
                        self.pos += 4;
                    }
                    _ => {
                        if self.pos > start {
                            self.push(TOKEN_STRING_CONTENT, start);
                        }
                        self.token(TOKEN_STRING_END, 2);
                        return Some(());
                    }
                },
                b'$' if self.at(1) == b'$' => self.pos += 2,
                b'$' if self.at(1) == b'{' => {
                    if self.pos > start {
                        self.push(TOKEN_STRING_CONTENT, start);
                    }
                    self.token(TOKEN_INTERPOL_START, 2);
                    self.nested()?;
                    start = self.pos;
                }
                _ => self.pos += 1,
            }
        }
    }
}
