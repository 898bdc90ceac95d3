//! A byte-level port of rnix's tokenizer (rnix 0.15's `tokenizer.rs`): the same tokens,
//! kinds and boundaries, without its per-character `&str` slicing. Only the significant
//! tokens are kept (whitespace and comments are read again by the trivia lexer); `None`
//! when rnix would produce an error token anywhere. The differential test
//! (`tests/parser_diff.rs`) compares it with rnix's tokenizer token by token.

use rnix::SyntaxKind::{self, *};

use super::Tok;

/// A lexer context, like rnix's.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    StringBody { multiline: bool },
    StringEnd,
    Interpol { brackets: u32 },
    InterpolStart,
    Path(SyntaxKind),
}

/// The kind of token the lookahead at a token start predicts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum IdentType {
    PathRel,
    PathAbs,
    PathHome,
    PathSearch,
    Uri,
}

const fn path_byte(b: u8) -> bool {
    matches!(b, b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'/' | b'_' | b'.' | b'+' | b'-')
}

const fn uri_byte(b: u8) -> bool {
    matches!(
        b,
        b'%' | b'?' | b':' | b'@' | b'&' | b'=' | b'$' | b',' | b'!' | b'~' | b'*' | b'\''
    ) || path_byte(b)
}

const fn ident_byte(b: u8) -> bool {
    matches!(b, b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'-' | b'\'')
}

/// Byte classes, looked up in a table (the lexer's inner loops test them per byte).
const PATH: u8 = 1;
const URI: u8 = 2;
const IDENT: u8 = 4;

const CLASSES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        table[i] = (if path_byte(b) { PATH } else { 0 })
            | (if uri_byte(b) { URI } else { 0 })
            | (if ident_byte(b) { IDENT } else { 0 });
        i += 1;
    }
    table
};

/// A character of rnix's paths.
fn is_path_byte(b: u8) -> bool {
    CLASSES[b as usize] & PATH != 0
}

/// A character of rnix's URIs.
fn is_uri_byte(b: u8) -> bool {
    CLASSES[b as usize] & URI != 0
}

/// A character of identifiers after the first.
fn is_ident_byte(b: u8) -> bool {
    CLASSES[b as usize] & IDENT != 0
}

struct Lexer<'a> {
    source: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// Start of the current token.
    start: usize,
    ctx: Vec<Context>,
}

/// Marks an error token: the whole lexing gives up.
struct Error;

type L<T> = Result<T, Error>;

/// rnix's significant tokens of `source`, or `None` when rnix's tokenizer produces an
/// error token.
pub(super) fn tokens(source: &str) -> Option<Vec<Tok>> {
    let mut lexer = Lexer {
        source,
        bytes: source.as_bytes(),
        pos: 0,
        start: 0,
        ctx: Vec::new(),
    };
    let mut out = Vec::with_capacity(source.len() / 5);
    loop {
        match lexer.next_token() {
            Ok(Some(kind)) => out.push(Tok {
                kind,
                start: lexer.start,
                end: lexer.pos,
            }),
            Ok(None) => return Some(out),
            Err(Error) => return None,
        }
    }
}

impl Lexer<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn peek_at(&self, n: usize) -> Option<u8> {
        self.bytes.get(self.pos + n).copied()
    }

    fn starts_with(&self, s: &[u8]) -> bool {
        self.bytes[self.pos..].starts_with(s)
    }

    /// The character at `pos` (when not at the end).
    fn char_at(&self, pos: usize) -> Option<char> {
        self.source.get(pos..)?.chars().next()
    }

    /// Consumes bytes while `f` holds (ASCII predicates only).
    fn consume(&mut self, f: impl Fn(u8) -> bool) -> usize {
        let start = self.pos;
        while self.pos < self.bytes.len() && f(self.bytes[self.pos]) {
            self.pos += 1;
        }
        self.pos - start
    }

    /// Consumes whitespace (`char::is_whitespace`).
    fn consume_whitespace(&mut self) -> usize {
        let start = self.pos;
        while let Some(b) = self.peek() {
            if b.is_ascii() {
                if matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ') {
                    self.pos += 1;
                } else {
                    break;
                }
            } else {
                match self.char_at(self.pos) {
                    Some(c) if c.is_whitespace() => self.pos += c.len_utf8(),
                    _ => break,
                }
            }
        }
        self.pos - start
    }

    fn pop_ctx(&mut self) {
        self.ctx.pop();
    }

    /// The next significant token's kind (`None` at the end); it starts at `self.start`.
    fn next_token(&mut self) -> L<Option<SyntaxKind>> {
        let start = self.pos;
        self.start = start;
        loop {
            match self.ctx.last().copied() {
                Some(Context::InterpolStart) => {
                    self.pop_ctx();
                    self.ctx.push(Context::Interpol { brackets: 0 });
                    if self.starts_with(b"${") {
                        self.pos += 2;
                        return Ok(Some(TOKEN_INTERPOL_START));
                    }
                    return Err(Error);
                }
                Some(Context::Path(kind)) => {
                    if self.starts_with(b"${") {
                        self.pos += 2;
                        self.ctx.push(Context::Interpol { brackets: 0 });
                        return Ok(Some(TOKEN_INTERPOL_START));
                    } else if self.peek().is_some_and(is_path_byte) {
                        return self.path_rest(start, kind).map(Some);
                    } else {
                        self.pop_ctx();
                    }
                }
                Some(Context::StringBody { multiline }) => {
                    let kind = self.string_body(multiline)?;
                    if self.pos == start {
                        continue;
                    }
                    return Ok(Some(kind));
                }
                Some(Context::StringEnd) => {
                    self.pop_ctx();
                    return match self.peek() {
                        Some(b'"') => {
                            self.pos += 1;
                            Ok(Some(TOKEN_STRING_END))
                        }
                        Some(b'\'') if self.peek_at(1) == Some(b'\'') => {
                            self.pos += 2;
                            Ok(Some(TOKEN_STRING_END))
                        }
                        _ => Err(Error),
                    };
                }
                _ => {}
            }
            break;
        }
        // Whitespace and comments (rnix's trivia tokens), skipped here: after them the
        // context is never one handled above, so rnix would lex on as below.
        loop {
            match self.peek() {
                None => return Ok(None),
                Some(b'#') => {
                    self.pos = memchr::memchr(b'\n', &self.bytes[self.pos..])
                        .map_or(self.bytes.len(), |i| self.pos + i);
                }
                Some(b'/') if self.peek_at(1) == Some(b'*') => {
                    match self.source[self.pos + 2..].find("*/") {
                        Some(i) => self.pos += 2 + i + 2,
                        None => return Err(Error),
                    }
                }
                Some(_) => {
                    if self.consume_whitespace() == 0 {
                        break;
                    }
                }
            }
        }
        let start = self.pos;
        self.start = start;
        if self.starts_with(b"...") {
            self.pos += 3;
            return Ok(Some(TOKEN_ELLIPSIS));
        }
        let Some(c) = self.peek() else {
            return Ok(None);
        };
        // The lookahead matters only for what may start a path, a search path or a URI.
        let kind = if is_path_byte(c) || c == b'<' || c == b'~' {
            self.predict()
        } else {
            None
        };
        if !c.is_ascii() {
            return Err(Error);
        }
        self.pos += 1;
        if c == b'/' && self.peek() == Some(b'/') {
            self.pos += 1;
            return Ok(Some(TOKEN_UPDATE));
        }
        if c == b'~'
            || matches!(kind, Some(IdentType::PathAbs | IdentType::PathRel))
            || (c == b'/' && self.peek().is_some_and(is_path_byte))
        {
            let path_kind = if c == b'~' {
                if self.peek() != Some(b'/') {
                    return Err(Error);
                }
                self.pos += 1;
                TOKEN_PATH_HOME
            } else if c == b'/' {
                TOKEN_PATH_ABS
            } else {
                TOKEN_PATH_REL
            };
            self.ctx.push(Context::Path(path_kind));
            return self.path_rest(start, path_kind).map(Some);
        }
        let next = self.peek();
        let kind = match c {
            b'=' if next == Some(b'=') => self.two(TOKEN_EQUAL),
            b'!' if next == Some(b'=') => self.two(TOKEN_NOT_EQUAL),
            b'!' => TOKEN_INVERT,
            b'{' => {
                if let Some(Context::Interpol { brackets }) = self.ctx.last_mut() {
                    *brackets += 1;
                }
                TOKEN_L_BRACE
            }
            b'}' => {
                if let Some(Context::Interpol { brackets }) = self.ctx.last_mut() {
                    match brackets.checked_sub(1) {
                        Some(new) => *brackets = new,
                        None => {
                            self.pop_ctx();
                            return Ok(Some(TOKEN_INTERPOL_END));
                        }
                    }
                }
                TOKEN_R_BRACE
            }
            b'[' => TOKEN_L_BRACK,
            b']' => TOKEN_R_BRACK,
            b'@' => TOKEN_AT,
            b':' => TOKEN_COLON,
            b',' => TOKEN_COMMA,
            b'.' => {
                if next.is_some_and(|b| b.is_ascii_digit()) {
                    self.consume(|b| b.is_ascii_digit());
                    self.scientific()?
                } else {
                    TOKEN_DOT
                }
            }
            b'=' => TOKEN_ASSIGN,
            b'?' => TOKEN_QUESTION,
            b';' => TOKEN_SEMICOLON,
            b'(' => TOKEN_L_PAREN,
            b')' => TOKEN_R_PAREN,
            b'+' if next == Some(b'+') => self.two(TOKEN_CONCAT),
            b'-' if next == Some(b'>') => self.two(TOKEN_IMPLICATION),
            b'+' => TOKEN_ADD,
            b'-' => TOKEN_SUB,
            b'*' => TOKEN_MUL,
            b'/' => TOKEN_DIV,
            b'<' if next == Some(b'|') => self.two(TOKEN_PIPE_LEFT),
            b'<' if kind == Some(IdentType::PathSearch) => {
                if self.consume(is_path_byte) == 0 {
                    TOKEN_LESS
                } else if self.peek() == Some(b'>') {
                    self.pos += 1;
                    TOKEN_PATH_SEARCH
                } else {
                    return Err(Error);
                }
            }
            b'&' if next == Some(b'&') => self.two(TOKEN_AND_AND),
            b'|' if next == Some(b'>') => self.two(TOKEN_PIPE_RIGHT),
            b'|' if next == Some(b'|') => self.two(TOKEN_OR_OR),
            b'<' if next == Some(b'=') => self.two(TOKEN_LESS_OR_EQ),
            b'<' => TOKEN_LESS,
            b'>' if next == Some(b'=') => self.two(TOKEN_MORE_OR_EQ),
            b'>' => TOKEN_MORE,
            b'$' if next == Some(b'{') => {
                self.pos += 1;
                self.ctx.push(Context::Interpol { brackets: 0 });
                TOKEN_INTERPOL_START
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                if kind == Some(IdentType::Uri) {
                    self.consume(|b| is_ident_byte(b) || is_uri_byte(b));
                    TOKEN_URI
                } else {
                    self.consume(is_ident_byte);
                    keyword(&self.bytes[start..self.pos])
                }
            }
            b'"' => {
                self.ctx.push(Context::StringBody { multiline: false });
                TOKEN_STRING_START
            }
            b'\'' if next == Some(b'\'') => {
                self.pos += 1;
                self.ctx.push(Context::StringBody { multiline: true });
                TOKEN_STRING_START
            }
            b'0'..=b'9' => {
                if c == b'0' && next != Some(b'.') {
                    self.consume(|b| b.is_ascii_digit());
                    TOKEN_INTEGER
                } else {
                    self.consume(|b| b.is_ascii_digit());
                    if self.peek() == Some(b'.') {
                        self.pos += 1;
                        self.consume(|b| b.is_ascii_digit());
                        self.scientific()?
                    } else {
                        TOKEN_INTEGER
                    }
                }
            }
            _ => return Err(Error),
        };
        Ok(Some(kind))
    }

    /// A two-byte operator whose first byte is consumed.
    fn two(&mut self, kind: SyntaxKind) -> SyntaxKind {
        self.pos += 1;
        kind
    }

    /// rnix's lookahead at a token start: what a path, search path or URI would look like.
    fn predict(&self) -> Option<IdentType> {
        let first = self.peek()?;
        if first == b'/' {
            // `//` is the update operator; `/${` and `/` before a path character start
            // an absolute path.
            let second = self.peek_at(1);
            let path = second != Some(b'/')
                && (self.starts_with(b"/${") || second.is_some_and(is_path_byte));
            return path.then_some(IdentType::PathAbs);
        }
        if first == b'~' && self.peek_at(1) == Some(b'/') {
            return Some(IdentType::PathHome);
        }
        let store_path = first == b'<';
        let mut end = self.pos;
        let mut underscore = false;
        while let Some(&b) = self.bytes.get(end) {
            let ok = match b {
                b'<' | b'/' => store_path,
                _ => is_path_byte(b),
            };
            if !ok {
                break;
            }
            underscore |= b == b'_';
            end += 1;
        }
        // The two characters after the skipped ones (the second only when it matters).
        match self.bytes.get(end) {
            Some(b'/') => match self.char_at(end + 1) {
                Some('/' | '*') | None => None,
                Some(c) => (!c.is_whitespace()).then_some(IdentType::PathRel),
            },
            Some(b'>') => Some(IdentType::PathSearch),
            Some(b':') => {
                let uri = !underscore && self.bytes.get(end + 1).is_some_and(|&b| is_uri_byte(b));
                uri.then_some(IdentType::Uri)
            }
            _ => None,
        }
    }

    /// rnix's `check_path_since`: the rest of a path segment that started at `start`.
    fn path_rest(&mut self, start: usize, kind: SyntaxKind) -> L<SyntaxKind> {
        self.consume(is_path_byte);
        if self.starts_with(b"${") {
            self.ctx.push(Context::InterpolStart);
        } else {
            let text = &self.source[start..self.pos];
            if text.ends_with('/') || text.contains("//") {
                return Err(Error);
            }
            self.pop_ctx();
        }
        Ok(kind)
    }

    /// An exponent after a float's digits.
    fn scientific(&mut self) -> L<SyntaxKind> {
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'-' | b'+')) {
                self.pos += 1;
            }
            if self.consume(|b| b.is_ascii_digit()) == 0 {
                return Err(Error);
            }
        }
        Ok(TOKEN_FLOAT)
    }

    /// rnix's `next_string`: string content up to the end delimiter or an interpolation.
    fn string_body(&mut self, multiline: bool) -> L<SyntaxKind> {
        loop {
            // Only these bytes end the content or escape something.
            let rest = &self.bytes[self.pos..];
            let found = if multiline {
                memchr::memchr2(b'\'', b'$', rest)
            } else {
                memchr::memchr3(b'"', b'\\', b'$', rest)
            };
            let Some(skip) = found else {
                return Err(Error);
            };
            let at = self.pos + skip;
            let b = self.bytes[at];
            self.pos = at + 1;
            match b {
                b'"' if !multiline => {
                    self.pos = at;
                    self.pop_ctx();
                    self.ctx.push(Context::StringEnd);
                    return Ok(TOKEN_STRING_CONTENT);
                }
                b'\\' if !multiline => {
                    // The escaped character (a whole character: it may be non-ASCII).
                    let Some(c) = self.char_at(self.pos) else {
                        return Err(Error);
                    };
                    self.pos += c.len_utf8();
                }
                b'\'' if multiline => match self.peek() {
                    None => return Err(Error),
                    Some(b'\'') => {
                        self.pos += 1;
                        match self.peek() {
                            Some(b'\'' | b'$') => self.pos += 1,
                            Some(b'\\') => {
                                self.pos += 1;
                                let Some(c) = self.char_at(self.pos) else {
                                    return Err(Error);
                                };
                                self.pos += c.len_utf8();
                            }
                            _ => {
                                self.pos = at;
                                self.pop_ctx();
                                self.ctx.push(Context::StringEnd);
                                return Ok(TOKEN_STRING_CONTENT);
                            }
                        }
                    }
                    Some(_) => {}
                },
                b'$' => match self.peek() {
                    Some(b'$') => self.pos += 1,
                    Some(b'{') => {
                        self.pos = at;
                        self.ctx.push(Context::InterpolStart);
                        return Ok(TOKEN_STRING_CONTENT);
                    }
                    _ => {}
                },
                _ => {}
            }
        }
    }
}

/// A keyword's kind, or an identifier.
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
