//! Suppression comments: `# flakefmt: allow(rule)` on the line before a finding or at the
//! end of its line, `# flakefmt: allow-file(rule)` for the whole file. Markdown uses
//! `<!-- flakefmt: allow(rule) -->`. Several names may be given, separated by commas, and
//! a rule's `FFnnn` code works as well as its name.
//!
//! The engine applies them centrally from diagnostics' ranges, so rules never look at
//! comments; an allow that suppresses nothing is reported as `unused_allow`.

use std::ops::Range;

use rnix::SyntaxKind;

use crate::language::Language;
use crate::lint::registry;
use crate::nix::parse::ParsedNix;

/// Where an allow applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AllowScope {
    /// Findings starting on these 0-based lines (inclusive).
    Lines(usize, usize),
    /// The whole file.
    File,
}

/// One rule name in one suppression comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allow {
    /// The name as written.
    pub written: String,
    /// The rule it names, when it names one.
    pub rule: Option<&'static str>,
    /// Where it applies.
    pub scope: AllowScope,
    /// The comment's byte range (where `unused_allow` points).
    pub range: Range<usize>,
}

/// Finds every suppression comment of a file.
pub fn collect(language: Option<Language>, source: &str, nix: Option<&ParsedNix>) -> Vec<Allow> {
    let lines = Lines::new(source);
    let mut allows = Vec::new();
    match language {
        Some(Language::Nix) => {
            let Some(parsed) = nix else { return allows };
            for element in parsed.root.descendants_with_tokens() {
                let Some(token) = element.into_token() else {
                    continue;
                };
                let start = usize::from(token.text_range().start());
                match token.kind() {
                    SyntaxKind::TOKEN_COMMENT => {
                        parse_comment(token.text(), start, &lines, None, &mut allows);
                    }
                    // Shell embedded in Nix strings carries its own `#` comments.
                    SyntaxKind::TOKEN_STRING_CONTENT => {
                        for (offset, _) in token.text().match_indices('#') {
                            let text = &token.text()[offset..];
                            let end = text.find('\n').unwrap_or(text.len());
                            parse_comment(&text[..end], start + offset, &lines, None, &mut allows);
                        }
                    }
                    _ => {}
                }
            }
        }
        Some(Language::Markdown) => {
            // Real HTML comments only (not `<!-- … -->` written inside code).
            let parser = pulldown_cmark::Parser::new_ext(source, pulldown_cmark::Options::all());
            for (event, range) in parser.into_offset_iter() {
                if let pulldown_cmark::Event::Html(_) | pulldown_cmark::Event::InlineHtml(_) = event
                {
                    let html = &source[range.clone()];
                    for (offset, _) in html.match_indices("<!--") {
                        let rest = &html[offset..];
                        let end = rest.find("-->").map_or(rest.len(), |end| end + 3);
                        parse_comment(
                            &rest[..end],
                            range.start + offset,
                            &lines,
                            Some(source),
                            &mut allows,
                        );
                    }
                }
            }
        }
        Some(_) => {
            for (offset, _) in source.match_indices('#') {
                let rest = &source[offset..];
                let end = rest.find('\n').unwrap_or(rest.len());
                parse_comment(&rest[..end], offset, &lines, None, &mut allows);
            }
        }
        None => {}
    }
    allows
}

/// Reads `flakefmt: allow(...)` / `allow-file(...)` out of one comment's text starting at
/// byte `start`. `markdown` is the whole source for Markdown files (an allow above a fence
/// covers the fence).
fn parse_comment(
    comment: &str,
    start: usize,
    lines: &Lines,
    markdown: Option<&str>,
    allows: &mut Vec<Allow>,
) {
    let Some(position) = comment.find("flakefmt:") else {
        return;
    };
    let directive = comment[position + "flakefmt:".len()..].trim_start();
    let (file_wide, rest) = if let Some(rest) = directive.strip_prefix("allow-file(") {
        (true, rest)
    } else if let Some(rest) = directive.strip_prefix("allow(") {
        (false, rest)
    } else {
        return;
    };
    let Some(close) = rest.find(')') else { return };
    let range = start..start + comment.trim_end().len();
    let scope = if file_wide {
        AllowScope::File
    } else {
        let line = lines.line_of(start);
        if lines.only_whitespace_before(start) {
            lines.target_after(line, markdown)
        } else {
            AllowScope::Lines(line, line)
        }
    };
    for written in rest[..close]
        .split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
    {
        allows.push(Allow {
            written: written.to_string(),
            rule: registry::find(written).map(|rule| rule.meta().name),
            scope: scope.clone(),
            range: range.clone(),
        });
    }
}

/// What removing the comment at `range` should delete: its whole line when it stands alone
/// there, else the comment and the blanks before it.
pub fn removal_range(source: &str, range: Range<usize>) -> Range<usize> {
    let line_start = source[..range.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[range.end..]
        .find('\n')
        .map_or(source.len(), |i| range.end + i);
    let before = &source[line_start..range.start];
    let after = &source[range.end..line_end];
    if !after.trim().is_empty() {
        return range;
    }
    if before.trim().is_empty() {
        let end = if line_end < source.len() {
            line_end + 1
        } else {
            line_end
        };
        return line_start..end;
    }
    line_start + before.trim_end().len()..line_end
}

/// Line starts of a source, for mapping offsets to lines.
pub(crate) struct Lines<'a> {
    source: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(source: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(source.match_indices('\n').map(|(i, _)| i + 1));
        Lines { source, starts }
    }

    /// The 0-based line of byte `offset`.
    pub(crate) fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset) - 1
    }

    fn line_text(&self, line: usize) -> &'a str {
        let start = self.starts[line];
        let end = self
            .starts
            .get(line + 1)
            .map_or(self.source.len(), |&next| next - 1);
        &self.source[start..end]
    }

    fn only_whitespace_before(&self, offset: usize) -> bool {
        let start = self.starts[self.line_of(offset)];
        self.source[start..offset].trim().is_empty()
    }

    /// The lines an allow on its own line covers: the next line that is not blank and not
    /// only a comment (so stacked allows work); in Markdown, a whole fenced block when the
    /// next line opens one.
    fn target_after(&self, line: usize, markdown: Option<&str>) -> AllowScope {
        let mut next = line + 1;
        while next < self.starts.len() {
            let text = self.line_text(next).trim();
            let is_comment = if markdown.is_some() {
                text.starts_with("<!--")
            } else {
                text.starts_with('#')
            };
            if !text.is_empty() && !is_comment {
                break;
            }
            next += 1;
        }
        if markdown.is_some() && next < self.starts.len() {
            let text = self.line_text(next).trim_start();
            let fence: String = text.chars().take_while(|&c| c == '`' || c == '~').collect();
            if fence.len() >= 3 {
                let mut end = next + 1;
                while end < self.starts.len()
                    && !self.line_text(end).trim_start().starts_with(&fence)
                {
                    end += 1;
                }
                return AllowScope::Lines(next, end.min(self.starts.len() - 1));
            }
        }
        AllowScope::Lines(next, next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_line_and_file_allows() {
        let source = "{\n  # flakefmt: allow(sri_hash, FF104)\n  a = 1; # flakefmt: allow(nix_mode)\n}\n# flakefmt: allow-file(git_exec_bit)\n";
        let parsed = crate::nix::parse::parse(source).unwrap();
        let allows = collect(Some(Language::Nix), source, Some(&parsed));
        let summary: Vec<_> = allows
            .iter()
            .map(|allow| (allow.rule.unwrap(), allow.scope.clone()))
            .collect();
        assert_eq!(
            summary,
            vec![
                ("sri_hash", AllowScope::Lines(2, 2)),
                ("placeholder_hash", AllowScope::Lines(2, 2)),
                ("nix_mode", AllowScope::Lines(2, 2)),
                ("git_exec_bit", AllowScope::File),
            ]
        );
    }

    #[test]
    fn markdown_allow_covers_the_next_fence() {
        let source = "text\n<!-- flakefmt: allow(sri_hash) -->\n```sh\na\nb\n```\nafter\n";
        let allows = collect(Some(Language::Markdown), source, None);
        assert_eq!(allows.len(), 1);
        assert_eq!(allows[0].scope, AllowScope::Lines(2, 5));
    }

    #[test]
    fn removal_takes_the_line_or_the_trailing_comment() {
        let source = "a\n  # flakefmt: allow(x)\nb; # flakefmt: allow(y)\nc /* z */ d\n";
        let own = source.find("# flakefmt: allow(x)").unwrap();
        let own = own..own + "# flakefmt: allow(x)".len();
        assert_eq!(
            &source[removal_range(source, own)],
            "  # flakefmt: allow(x)\n"
        );
        let trailing = source.find("# flakefmt: allow(y)").unwrap();
        let trailing = trailing..trailing + "# flakefmt: allow(y)".len();
        assert_eq!(
            &source[removal_range(source, trailing)],
            " # flakefmt: allow(y)"
        );
        let inner = source.find("/* z */").unwrap();
        assert_eq!(&source[removal_range(source, inner..inner + 7)], "/* z */");
    }

    #[test]
    fn markdown_comments_in_code_are_not_allows() {
        let source =
            "Write `<!-- flakefmt: allow(rule) -->`.\n\n```md\n<!-- flakefmt: allow(x) -->\n```\n";
        assert!(collect(Some(Language::Markdown), source, None).is_empty());
    }

    #[test]
    fn unknown_names_are_kept_unresolved() {
        let allows = collect(Some(Language::Shell), "x # flakefmt: allow(nope)\n", None);
        assert_eq!(allows.len(), 1);
        assert_eq!(allows[0].rule, None);
        assert_eq!(allows[0].written, "nope");
    }
}
