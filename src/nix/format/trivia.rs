//! nixfmt's trivia lexer, run on the raw source after every lexeme: it classifies the
//! comments, blank lines, language annotations and format directives that follow a token
//! and splits them into the token's trailing comment and the next token's leading trivia.

use super::ast::{Directive, Trivia, Trivium};

/// One raw trivia item, before being split into trailing/leading.
#[derive(Clone, Debug)]
pub enum RawTrivium {
    /// A run of `n` line breaks.
    Newlines(usize),
    /// `#` comment: text after `#` (right-stripped) and its 1-based column.
    LineComment(String, usize),
    /// Block comment after normalisation: doc flag and lines.
    BlockComment(bool, Vec<String>),
    /// `/* lang */` before a string.
    LanguageAnnotation(String),
    /// A directive: disable?, start and end byte offsets (end after trailing spaces).
    Directive(bool, usize, usize),
}

/// 1-based megaparsec-style column of a byte offset (tabs advance to the next multiple
/// of 8).
pub fn column(source: &str, offset: usize) -> usize {
    let start = source[..offset].rfind('\n').map_or(0, |i| i + 1);
    let mut column = 1;
    for c in source[start..offset].chars() {
        if c == '\t' {
            column += 8 - ((column - 1) % 8);
        } else {
            column += 1;
        }
    }
    column
}

/// Line numbers of byte offsets, counted incrementally from the previous query: the
/// lowering asks in (nearly) source order, so each byte is counted about once.
pub struct Lines<'a> {
    source: &'a [u8],
    offset: usize,
    line: usize,
}

impl<'a> Lines<'a> {
    /// Starts at the beginning of `source`.
    pub fn new(source: &'a str) -> Self {
        Lines {
            source: source.as_bytes(),
            offset: 0,
            line: 1,
        }
    }

    /// Moves the cursor from `from` to `to` when it is at `from`, knowing that `newlines`
    /// line breaks lie in between (a token's text has none; the lexer counts the line
    /// breaks of plain trivia), so those bytes are never scanned.
    pub fn advance(&mut self, from: usize, to: usize, newlines: usize) {
        if self.offset == from {
            self.offset = to;
            self.line += newlines;
        }
    }

    /// 1-based line of a byte offset.
    pub fn line(&mut self, offset: usize) -> usize {
        fn newlines(bytes: &[u8]) -> usize {
            bytes.iter().filter(|&&b| b == b'\n').count()
        }
        if offset >= self.offset {
            self.line += newlines(&self.source[self.offset..offset]);
        } else {
            self.line -= newlines(&self.source[offset..self.offset]);
        }
        self.offset = offset;
        self.line
    }
}

/// Horizontal whitespace (whitespace that does not end a line).
pub fn is_hspace(c: char) -> bool {
    c.is_whitespace() && c != '\n' && c != '\r'
}

#[inline]
fn skip_hspace(source: &str, mut pos: usize) -> usize {
    let bytes = source.as_bytes();
    while let Some(&byte) = bytes.get(pos) {
        if byte == b' ' || byte == b'\t' {
            pos += 1;
        } else if byte.is_ascii() {
            // Other ASCII whitespace that does not end a line: vertical tab, form feed, and
            // a carriage return not followed by a line feed (whitespace to Nix; nixfmt
            // rejects it, and stopping here lost the comments after it).
            if matches!(byte, 0x0b | 0x0c) || (byte == b'\r' && bytes.get(pos + 1) != Some(&b'\n'))
            {
                pos += 1;
            } else {
                break;
            }
        } else {
            match source[pos..].chars().next() {
                Some(c) if is_hspace(c) => pos += c.len_utf8(),
                _ => break,
            }
        }
    }
    pos
}

/// Whether trivia may start at this byte: whitespace, `#`, `/` or any non-ASCII byte
/// (Unicode whitespace). Most lexemes are followed by none of these.
fn may_start_trivia(byte: u8) -> bool {
    !byte.is_ascii() || matches!(byte, b'\t'..=b'\r' | b' ' | b'#' | b'/')
}

#[inline]
fn eol(source: &str, pos: usize) -> Option<usize> {
    let bytes = source.as_bytes();
    match bytes.get(pos) {
        Some(b'\n') => Some(pos + 1),
        Some(b'\r') if bytes.get(pos + 1) == Some(&b'\n') => Some(pos + 2),
        _ => None,
    }
}

fn is_spaces(text: &str) -> bool {
    text.chars().all(|c| c == ' ')
}

/// Normalises the content of a block comment into lines (§1.2 of the notes).
fn block_lines(content: &str, pos: usize) -> Vec<String> {
    let replaced = content.replace("\r\n", "\n");
    let mut lines: Vec<String> = replaced.lines().map(|l| l.trim_end().to_string()).collect();
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    // Remove the stars of a `/* … * … */` comment, all or nothing.
    if lines.len() > 1 {
        let start = format!("{} *", " ".repeat(pos));
        if lines[1..].iter().all(|l| l.starts_with(&start)) {
            let new_start = " ".repeat(pos);
            for line in &mut lines[1..] {
                *line = format!("{}{}", new_start, &line[start.len()..]);
            }
        }
    }
    let mut lines: Vec<String> = lines.iter().map(|l| l.trim_end().to_string()).collect();
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    if let Some(first) = lines.first().cloned() {
        let offset = if first.starts_with(' ') {
            pos + 3
        } else {
            pos + 2
        };
        let common = lines[1..]
            .iter()
            .filter(|l| !is_spaces(l))
            .map(|l| l.chars().take_while(|&c| c == ' ').count())
            .fold(offset, usize::min);
        let prefix = " ".repeat(common);
        lines[0] = first.trim().to_string();
        for line in &mut lines[1..] {
            *line = match line.strip_prefix(&prefix) {
                Some(stripped) => stripped.to_string(),
                None => line.trim_start().to_string(),
            };
        }
    }
    let leading_empty = lines.iter().take_while(|l| l.is_empty()).count();
    lines.drain(..leading_empty);
    lines
}

/// Parses a block comment at `pos` (which starts with `/*`): (doc?, lines, end offset
/// after trailing horizontal space).
fn block_comment(source: &str, pos: usize) -> Option<(bool, Vec<String>, usize)> {
    let column = column(source, pos) - 1;
    let after_open = pos + 2;
    let rest = &source[after_open..];
    let is_doc = rest.starts_with('*') && !rest.starts_with("*/");
    let content_start = if is_doc { after_open + 1 } else { after_open };
    let close = source[content_start..].find("*/")?;
    let content = &source[content_start..content_start + close];
    let end = skip_hspace(source, content_start + close + 2);
    Some((is_doc, block_lines(content, column), end))
}

fn is_language_name(text: &str) -> bool {
    let stripped = text.trim();
    !stripped.is_empty()
        && stripped.chars().count() <= 30
        && stripped
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '+' | '.' | '_'))
}

fn string_delimiter_next(source: &str, pos: usize) -> bool {
    let mut pos = skip_hspace(source, pos);
    if let Some(next) = eol(source, pos) {
        pos = next;
    }
    pos = skip_hspace(source, pos);
    let rest = &source[pos..];
    rest.starts_with('"') || rest.starts_with("''")
}

/// Lexes the trivia at `pos` (just after a lexeme). Returns the items and the offset of
/// the next lexeme.
pub fn lex(source: &str, pos: usize) -> (Vec<RawTrivium>, usize) {
    let mut items = Vec::new();
    let next = lex_into(source, pos, &mut items);
    (items, next)
}

/// [`lex`] into a reused buffer (cleared first): most lexemes are followed by a space or
/// a single line break, which then costs no allocation.
#[inline]
pub fn lex_into(source: &str, pos: usize, items: &mut Vec<RawTrivium>) -> usize {
    items.clear();
    let bytes = source.as_bytes();
    match bytes.get(pos) {
        Some(&b) if may_start_trivia(b) => {}
        _ => return pos,
    }
    // One space, then the next lexeme.
    if bytes[pos] == b' ' && bytes.get(pos + 1).is_none_or(|&b| !may_start_trivia(b)) {
        return pos + 1;
    }
    lex_trivia(source, pos, items)
}

/// The general case of [`lex_into`].
fn lex_trivia(source: &str, pos: usize, items: &mut Vec<RawTrivium>) -> usize {
    let bytes = source.as_bytes();
    let mut pos = skip_hspace(source, pos);
    loop {
        let byte = bytes.get(pos).copied();
        if byte == Some(b'/') && bytes.get(pos + 1) == Some(&b'*') {
            let comment = block_comment(source, pos);
            // Language annotation?
            if let Some((false, lines, end)) = &comment
                && lines.len() == 1
                && string_delimiter_next(source, *end)
                && is_language_name(&lines[0])
            {
                items.push(RawTrivium::LanguageAnnotation(lines[0].trim().to_string()));
                pos = *end;
                continue;
            }
            // Format directive?
            if let Some(directive) = directive_at(source, pos) {
                items.push(directive.0);
                pos = directive.1;
                continue;
            }
            match comment {
                Some((is_doc, lines, end)) => {
                    items.push(RawTrivium::BlockComment(is_doc, lines));
                    pos = end;
                }
                None => break,
            }
        } else if byte == Some(b'#') {
            let column = column(source, pos);
            // The comment runs to the line feed, as rnix reads it: a lone carriage return
            // inside it is comment text (the `\r` of a CRLF is trimmed below).
            let line_end = source[pos..].find('\n').map_or(source.len(), |i| pos + i);
            let text = source[pos + 1..line_end].trim_end().to_string();
            items.push(RawTrivium::LineComment(text, column));
            pos = skip_hspace(source, line_end);
        } else if let Some(b'\n' | b'\r') = byte
            && let Some(mut next) = eol(source, pos)
        {
            let mut count = 1;
            next = skip_hspace(source, next);
            while let Some(after) = eol(source, next) {
                count += 1;
                next = skip_hspace(source, after);
            }
            items.push(RawTrivium::Newlines(count));
            pos = next;
        } else {
            break;
        }
    }
    pos
}

/// A `/*nixfmt:disable*/` or `/*nixfmt:enable*/` alone until the end of its line.
fn directive_at(source: &str, pos: usize) -> Option<(RawTrivium, usize)> {
    let rest = &source[pos..];
    for (name, is_disable) in [("/*nixfmt:disable*/", true), ("/*nixfmt:enable*/", false)] {
        if rest.starts_with(name) {
            let after = pos + name.len();
            let line_end = source[after..]
                .find(['\n', '\r'])
                .map_or(source.len(), |i| after + i);
            if source[after..line_end].chars().all(is_hspace) {
                return Some((RawTrivium::Directive(is_disable, pos, line_end), line_end));
            }
        }
    }
    None
}

/// State for resolving format directives in source order.
#[derive(Default)]
pub struct DirectiveState {
    /// Line start of the open `/*nixfmt:disable*/`, if any.
    pub pending_disable: Option<usize>,
    /// Interpolations a region cuts through.
    pub cut_interpolations: usize,
}

fn resolve_directive(
    source: &str,
    state: &mut DirectiveState,
    is_disable: bool,
    start: usize,
    end: usize,
) -> Trivium {
    let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
    let prefix = &source[line_start..start];
    if !prefix.chars().all(is_hspace) {
        return Trivium::LineComment(format!(
            " nixfmt:{}",
            if is_disable { "disable" } else { "enable" }
        ));
    }
    Trivium::FormatDirective(match (is_disable, state.pending_disable) {
        (true, None) => {
            state.pending_disable = Some(line_start);
            Directive::Disable
        }
        (true, Some(_)) => Directive::Disable,
        (false, Some(region_start)) => {
            state.pending_disable = None;
            Directive::Enable(Some(source[region_start..end].to_string()))
        }
        (false, None) => Directive::Enable(None),
    })
}

/// Converts raw items to leading trivia.
pub fn convert_leading(source: &str, state: &mut DirectiveState, items: &[RawTrivium]) -> Trivia {
    let mut out = Vec::new();
    for item in items {
        match item {
            RawTrivium::Newlines(1) => {}
            RawTrivium::Newlines(_) => out.push(Trivium::EmptyLine),
            RawTrivium::LineComment(text, _) => out.push(Trivium::LineComment(text.clone())),
            RawTrivium::BlockComment(_, lines) if lines.is_empty() => {}
            RawTrivium::BlockComment(false, lines) if lines.len() == 1 => {
                out.push(Trivium::LineComment(format!(" {}", lines[0].trim())))
            }
            RawTrivium::BlockComment(is_doc, lines) => {
                out.push(Trivium::BlockComment(*is_doc, lines.clone()))
            }
            RawTrivium::LanguageAnnotation(text) => {
                out.push(Trivium::LanguageAnnotation(text.clone()))
            }
            RawTrivium::Directive(is_disable, start, end) => {
                out.push(resolve_directive(source, state, *is_disable, *start, *end))
            }
        }
    }
    out
}

fn is_trailing(item: &RawTrivium) -> bool {
    match item {
        RawTrivium::LineComment(..) | RawTrivium::Directive(..) => true,
        RawTrivium::BlockComment(false, lines) => lines.len() <= 1,
        _ => false,
    }
}

/// Splits the trivia after a token into its trailing comment and the leading trivia of
/// the next token. `next_column` is the column of the next lexeme.
pub fn split(
    source: &str,
    state: &mut DirectiveState,
    items: &[RawTrivium],
    next_column: usize,
) -> (Option<String>, Trivia) {
    let trailing_len = items.iter().take_while(|x| is_trailing(x)).count();
    let (trailing, leading) = items.split_at(trailing_len);
    if let [RawTrivium::LineComment(_, column)] = trailing {
        let same_column_comment = matches!(
            leading,
            [RawTrivium::Newlines(1), RawTrivium::LineComment(_, c2), ..] if c2 == column
        );
        let same_column_token =
            matches!(leading, [RawTrivium::Newlines(1)]) && *column == next_column;
        if same_column_comment || same_column_token {
            return (None, convert_leading(source, state, items));
        }
    }
    let texts: Vec<String> = trailing
        .iter()
        .map(|item| match item {
            RawTrivium::LineComment(text, _) => text.trim().to_string(),
            RawTrivium::BlockComment(false, lines) if lines.len() == 1 => {
                lines[0].trim().to_string()
            }
            RawTrivium::Directive(true, ..) => "nixfmt:disable".to_string(),
            RawTrivium::Directive(false, ..) => "nixfmt:enable".to_string(),
            _ => String::new(),
        })
        .filter(|t| !t.is_empty())
        .collect();
    let trailing_comment = if texts.is_empty() {
        None
    } else {
        Some(texts.join(" "))
    };
    (trailing_comment, convert_leading(source, state, leading))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex_at(source: &str, pos: usize) -> Vec<RawTrivium> {
        lex(source, pos).0
    }

    #[test]
    fn block_comments_lose_aligned_stars_and_common_indentation() {
        let source = "x /* first\n   * second\n   *   third\n   */ y";
        match lex_at(source, 1).as_slice() {
            [RawTrivium::BlockComment(false, lines)] => {
                assert_eq!(lines, &["first", "second", "  third"]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn language_annotations_need_a_string_next() {
        assert!(matches!(
            lex_at("x /* bash */ ''a''", 1).as_slice(),
            [RawTrivium::LanguageAnnotation(lang)] if lang == "bash"
        ));
        assert!(matches!(
            lex_at("x /* bash */ y", 1).as_slice(),
            [RawTrivium::BlockComment(false, _)]
        ));
    }

    #[test]
    fn a_comment_aligned_with_the_next_line_is_leading() {
        let source = "[ # a\n  # b\n  1 ]";
        let (items, next) = lex(source, 1);
        let mut state = DirectiveState::default();
        let (trailing, leading) = split(source, &mut state, &items, column(source, next));
        assert_eq!(trailing, None);
        assert_eq!(
            leading,
            vec![
                Trivium::LineComment(" a".into()),
                Trivium::LineComment(" b".into())
            ]
        );
        let source = "[ 1 # one\n  2 ]";
        let (items, next) = lex(source, 3);
        let (trailing, leading) = split(source, &mut state, &items, column(source, next));
        assert_eq!(trailing.as_deref(), Some("one"));
        assert!(leading.is_empty());
    }

    #[test]
    fn tabs_advance_to_the_next_multiple_of_eight() {
        let source = "\tx\n  \ty";
        assert_eq!(column(source, 1), 9);
        assert_eq!(column(source, 6), 9);
    }

    #[test]
    fn lines_are_counted_forwards_and_backwards() {
        let source = "a\nb\n\nc";
        let mut lines = Lines::new(source);
        assert_eq!(lines.line(0), 1);
        assert_eq!(lines.line(6), 4);
        assert_eq!(lines.line(2), 2);
        assert_eq!(lines.line(3), 2);
        assert_eq!(lines.line(4), 3);
        assert_eq!(lines.line(1), 1);
    }
}
