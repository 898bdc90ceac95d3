//! [`Snippet`]: a piece of shell text taken out of a host file (a Markdown fence, a YAML
//! scalar, a recipe, a Nix string) with the map from its offsets back to the host file.
//!
//! Every diagnostic and every edit a shell rule makes is computed on the snippet's text and
//! then mapped through [`OffsetMap`], so ranges always point into the file the user sees.

use std::ops::Range;

/// One piece of the map: `len` bytes of the snippet starting at `snippet` came from
/// `file_len` bytes of the host file starting at `file`. Either the bytes correspond one
/// to one (exact, and then the lengths are equal), or the piece is opaque (an escape such
/// as `''$`, or an interpolation replaced by a placeholder) and any offset inside it maps to
/// the whole host range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Segment {
    snippet: usize,
    len: usize,
    file: usize,
    file_len: usize,
    opaque: bool,
}

impl Segment {
    fn exact(&self) -> bool {
        !self.opaque
    }
}

/// Maps byte offsets of a snippet to byte offsets of its host file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffsetMap {
    segments: Vec<Segment>,
}

impl OffsetMap {
    /// The map of a snippet that is the host text itself, starting at `file_start`.
    pub fn identity(len: usize, file_start: usize) -> Self {
        let mut map = OffsetMap::default();
        map.push(0, len, file_start, len, false);
        map
    }

    fn push(&mut self, snippet: usize, len: usize, file: usize, file_len: usize, opaque: bool) {
        if len == 0 {
            return;
        }
        if let Some(last) = self.segments.last_mut()
            && last.exact()
            && !opaque
            && last.snippet + last.len == snippet
            && last.file + last.file_len == file
        {
            last.len += len;
            last.file_len += len;
            return;
        }
        self.segments.push(Segment {
            snippet,
            len,
            file,
            file_len,
            opaque,
        });
    }

    /// The segment holding snippet byte `offset`, or the last one before it.
    fn segment_at(&self, offset: usize) -> Option<&Segment> {
        let index = self
            .segments
            .partition_point(|segment| segment.snippet <= offset);
        index.checked_sub(1).map(|index| &self.segments[index])
    }

    /// The host offset where the snippet byte at `offset` starts.
    pub fn start(&self, offset: usize) -> usize {
        match self.segment_at(offset) {
            None => self.segments.first().map_or(0, |segment| segment.file),
            Some(segment) if offset < segment.snippet + segment.len => {
                if segment.exact() {
                    segment.file + (offset - segment.snippet)
                } else {
                    segment.file
                }
            }
            Some(segment) => segment.file + segment.file_len,
        }
    }

    /// The host offset just after the snippet byte before `offset` (the end of a range
    /// ending at `offset`; also where text inserted after that byte goes).
    pub fn end(&self, offset: usize) -> usize {
        if offset == 0 {
            return self.start(0);
        }
        match self.segment_at(offset - 1) {
            None => self.start(0),
            Some(segment) if offset - 1 < segment.snippet + segment.len => {
                if segment.exact() {
                    segment.file + (offset - segment.snippet)
                } else {
                    segment.file + segment.file_len
                }
            }
            Some(segment) => segment.file + segment.file_len,
        }
    }

    /// The host range of a snippet range. An empty range maps to an empty range after the
    /// byte before it.
    pub fn range(&self, range: Range<usize>) -> Range<usize> {
        if range.is_empty() {
            let at = self.end(range.start);
            return at..at;
        }
        let start = self.start(range.start);
        let end = self.end(range.end).max(start);
        start..end
    }

    /// Whether every byte of the snippet range was copied verbatim from the host (no
    /// escapes, no placeholders): then an edit of that range may reuse the snippet's text.
    pub fn is_verbatim(&self, range: Range<usize>) -> bool {
        let mut at = range.start;
        while at < range.end {
            let Some(segment) = self.segment_at(at) else {
                return false;
            };
            if at >= segment.snippet + segment.len || !segment.exact() {
                return false;
            }
            at = segment.snippet + segment.len;
        }
        true
    }
}

/// Builds a snippet's text and map piece by piece.
#[derive(Debug, Default)]
pub struct SnippetBuilder {
    text: String,
    map: OffsetMap,
}

impl SnippetBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends `text`, copied verbatim from the host at `file_start`.
    pub fn push_verbatim(&mut self, text: &str, file_start: usize) {
        self.map
            .push(self.text.len(), text.len(), file_start, text.len(), false);
        self.text.push_str(text);
    }

    /// Appends `text` that stands for the host range `file` as a whole (an escape sequence,
    /// or a placeholder for an interpolation).
    pub fn push_opaque(&mut self, text: &str, file: Range<usize>) {
        self.map
            .push(self.text.len(), text.len(), file.start, file.len(), true);
        self.text.push_str(text);
    }

    /// Appends text that has no counterpart in the host (a joining space): it maps to the
    /// end of whatever came before.
    pub fn push_synthetic(&mut self, text: &str) {
        self.text.push_str(text);
    }

    /// The text so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Finishes the snippet.
    pub fn finish(self, escaping: Escaping) -> Snippet {
        Snippet {
            text: self.text,
            map: self.map,
            escaping,
            inline: false,
            nix_config: None,
        }
    }
}

/// How text inserted into the host must be escaped so that the host hands it to the
/// shell unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escaping {
    /// The host passes the text through as is (a shell file, a Markdown fence, a YAML block
    /// scalar, a Justfile recipe).
    None,
    /// A Makefile recipe: `$` must be written `$$`.
    Make,
    /// A Nix indented string `''…''`: `''` and `${` must be escaped.
    NixIndented,
    /// A Nix string `"…"`: `"`, `\` and `${` must be escaped.
    NixDouble,
    /// A YAML double-quoted scalar: `"` and `\` must be escaped.
    YamlDouble,
    /// A YAML single-quoted scalar: `'` must be doubled.
    YamlSingle,
    /// A YAML plain scalar: the text must not introduce `: `, ` #` or quotes at its start;
    /// we only insert text without those.
    YamlPlain,
}

impl Escaping {
    /// `text` as it must be written in the host, or `None` when it cannot be written
    /// there safely.
    pub fn escape(self, text: &str) -> Option<String> {
        match self {
            Escaping::None => Some(text.to_string()),
            Escaping::Make => Some(text.replace('$', "$$")),
            Escaping::NixIndented => Some(text.replace("''", "'''").replace("${", "''${")),
            Escaping::NixDouble => Some(
                text.replace('\\', "\\\\")
                    .replace('"', "\\\"")
                    .replace("${", "\\${"),
            ),
            Escaping::YamlDouble => Some(text.replace('\\', "\\\\").replace('"', "\\\"")),
            Escaping::YamlSingle => Some(text.replace('\'', "''")),
            Escaping::YamlPlain => {
                if text.contains(": ") || text.contains(" #") || text.contains('\n') {
                    None
                } else {
                    Some(text.to_string())
                }
            }
        }
    }
}

/// Shell text taken from a host file, with its offset map.
#[derive(Debug, Clone)]
pub struct Snippet {
    /// The shell text.
    pub text: String,
    /// Snippet offsets to host offsets.
    pub map: OffsetMap,
    /// How inserted text must be escaped in the host.
    pub escaping: Escaping,
    /// A Markdown inline code span: reported only when the whole span is one build command.
    pub inline: bool,
    /// A `NIX_CONFIG` the host sets for this shell text (a Justfile `export`, a CI `env:`),
    /// counted by the build-flag rules when `accept-nix-config-env` is on.
    pub nix_config: Option<String>,
}

impl Snippet {
    /// A whole shell file.
    pub fn whole_file(source: &str) -> Snippet {
        Snippet {
            text: source.to_string(),
            map: OffsetMap::identity(source.len(), 0),
            escaping: Escaping::None,
            inline: false,
            nix_config: None,
        }
    }

    /// Replaces the bytes of `range` with spaces, keeping every offset (for prompts and
    /// output lines of a console session). Ranges not on character boundaries are ignored.
    pub fn blank(&mut self, range: Range<usize>) {
        if self.text.get(range.clone()).is_some() {
            let spaces = " ".repeat(range.len());
            self.text.replace_range(range, &spaces);
        }
    }

    /// Replaces the bytes of `range` with `text` of the same length (a placeholder that
    /// keeps every offset). Does nothing if the lengths differ.
    pub fn overwrite(&mut self, range: Range<usize>, text: &str) {
        if range.len() == text.len() && self.text.get(range.clone()).is_some() {
            self.text.replace_range(range, text);
        }
    }

    /// The host range of a snippet range.
    pub fn host_range(&self, range: Range<usize>) -> Range<usize> {
        self.map.range(range)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_maps_with_an_offset() {
        let map = OffsetMap::identity(10, 5);
        assert_eq!(map.range(2..4), 7..9);
        assert_eq!(map.range(10..10), 15..15);
        assert_eq!(map.start(0), 5);
        assert!(map.is_verbatim(0..10));
    }

    #[test]
    fn opaque_pieces_map_to_their_whole_range() {
        // Host: `ab''$cd${x}e` ; snippet: `ab$cd${__nix}e`.
        let mut builder = SnippetBuilder::new();
        builder.push_verbatim("ab", 0);
        builder.push_opaque("$", 2..5);
        builder.push_verbatim("cd", 5);
        builder.push_opaque("${__nix}", 7..11);
        builder.push_verbatim("e", 11);
        let snippet = builder.finish(Escaping::NixIndented);
        assert_eq!(snippet.text, "ab$cd${__nix}e");
        assert_eq!(snippet.host_range(0..2), 0..2);
        assert_eq!(snippet.host_range(2..3), 2..5);
        assert_eq!(snippet.host_range(3..5), 5..7);
        assert_eq!(snippet.host_range(5..13), 7..11);
        assert_eq!(snippet.host_range(3..14), 5..12);
        assert_eq!(snippet.host_range(5..5), 7..7);
        assert_eq!(snippet.host_range(14..14), 12..12);
        assert!(snippet.map.is_verbatim(3..5));
        assert!(!snippet.map.is_verbatim(1..4));
    }

    #[test]
    fn same_length_opaque_pieces_stay_opaque() {
        let mut builder = SnippetBuilder::new();
        builder.push_verbatim("a", 0);
        builder.push_opaque("xy", 1..3);
        builder.push_verbatim("b", 3);
        let snippet = builder.finish(Escaping::None);
        assert_eq!(snippet.host_range(1..3), 1..3);
        assert_eq!(snippet.host_range(3..4), 3..4);
        assert!(!snippet.map.is_verbatim(1..3));
    }

    #[test]
    fn escaping_per_host() {
        assert_eq!(
            Escaping::Make.escape("$(x \"$v\")").unwrap(),
            "$$(x \"$$v\")"
        );
        assert_eq!(Escaping::NixDouble.escape("\"$v\"").unwrap(), "\\\"$v\\\"");
        assert_eq!(Escaping::NixIndented.escape("${v}").unwrap(), "''${v}");
        assert_eq!(Escaping::YamlSingle.escape("'a'").unwrap(), "''a''");
        assert!(Escaping::YamlPlain.escape("a #b").is_none());
    }
}
