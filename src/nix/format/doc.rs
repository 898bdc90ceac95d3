//! The document IR: texts, spacings and groups, as in nixfmt's `Predoc`.
//!
//! A document is a flat sequence of elements. Nesting is not a node: `nest` bumps the
//! nesting level of every text inside, and the printer derives indentation from those
//! levels. This module also holds [`fixup`], the normalisation pass run once on the whole
//! document before layout.

use std::collections::VecDeque;

/// The kinds of whitespace, totally ordered: merging two adjacent spacings mostly keeps
/// the larger one (see [`merge_spacings`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Spacing {
    /// Line break or nothing, decided on its own (`softline'`).
    Softbreak,
    /// Line break or nothing, decided by the enclosing group (`line'`).
    Break,
    /// Always a space.
    Hardspace,
    /// Line break or space, decided on its own (`softline`).
    Softspace,
    /// Line break or space, decided by the enclosing group (`line`).
    Space,
    /// Always a line break.
    Hardline,
    /// Two line breaks (one blank line).
    Emptyline,
    /// `n` line breaks (lines of indented strings).
    Newlines(usize),
}

/// How a group takes part in layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupKind {
    /// All or none of its breaks are taken.
    Regular,
    /// Expanded first when its parent does not fit on one line.
    Priority,
    /// Invisible to priority handling: its priority children belong to its parent.
    Transparent,
}

/// What a text is, for width computations and special rendering.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextKind {
    /// Ordinary code.
    Regular,
    /// A comment: does not count towards the width.
    Comment,
    /// A `# comment` at the end of a line.
    TrailingComment,
    /// Printed only when its group is expanded (the trailing `,` of parameter sets).
    Trailing,
    /// Start of a format-disabled region; prints nothing.
    DisableMarker,
    /// Raw text of a disabled region; `true` when it runs to the end of the file.
    Verbatim(bool),
    /// Printed as-is without indentation.
    RawText,
}

/// One element of a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DocE {
    /// A piece of text with its nesting level and column offset.
    Text {
        /// Nesting depth.
        level: usize,
        /// Extra columns (indented strings).
        offset: usize,
        /// What kind of text.
        kind: TextKind,
        /// The text itself (never contains a line break, except verbatim/string content).
        text: String,
    },
    /// Whitespace.
    Spacing(Spacing),
    /// A group of elements laid out together.
    Group(GroupKind, Doc),
}

/// A document: a sequence of elements.
pub type Doc = Vec<DocE>;

fn text_of(kind: TextKind, text: &str) -> Doc {
    if text.is_empty() {
        return Vec::new();
    }
    vec![DocE::Text {
        level: 0,
        offset: 0,
        kind,
        text: text.to_string(),
    }]
}

/// Regular text; empty text is an empty document.
pub fn text(text: &str) -> Doc {
    text_of(TextKind::Regular, text)
}

/// A comment (free for width purposes).
pub fn comment(text: &str) -> Doc {
    text_of(TextKind::Comment, text)
}

/// A comment at the end of a line.
pub fn trailing_comment(text: &str) -> Doc {
    text_of(TextKind::TrailingComment, text)
}

/// Text printed only in expanded groups.
pub fn trailing(text: &str) -> Doc {
    text_of(TextKind::Trailing, text)
}

/// Start of a disabled region.
pub fn disable_marker() -> Doc {
    vec![DocE::Text {
        level: 0,
        offset: 0,
        kind: TextKind::DisableMarker,
        text: String::new(),
    }]
}

/// Verbatim text of a disabled region.
pub fn verbatim(text: &str, to_eof: bool) -> Doc {
    vec![DocE::Text {
        level: 0,
        offset: 0,
        kind: TextKind::Verbatim(to_eof),
        text: text.to_string(),
    }]
}

/// Raw text printed without indentation (claims the start of its line even when empty).
pub fn raw_text(text: &str) -> Doc {
    vec![DocE::Text {
        level: 0,
        offset: 0,
        kind: TextKind::RawText,
        text: text.to_string(),
    }]
}

/// A single spacing.
pub fn spacing(spacing: Spacing) -> Doc {
    vec![DocE::Spacing(spacing)]
}

/// `softline'`.
pub fn softline_() -> Doc {
    spacing(Spacing::Softbreak)
}
/// `line'`.
pub fn line_() -> Doc {
    spacing(Spacing::Break)
}
/// `softline`.
pub fn softline() -> Doc {
    spacing(Spacing::Softspace)
}
/// `line`.
pub fn line() -> Doc {
    spacing(Spacing::Space)
}
/// `hardspace`.
pub fn hardspace() -> Doc {
    spacing(Spacing::Hardspace)
}
/// `hardline`.
pub fn hardline() -> Doc {
    spacing(Spacing::Hardline)
}
/// `emptyline`.
pub fn emptyline() -> Doc {
    spacing(Spacing::Emptyline)
}
/// One newline (between lines of indented strings).
pub fn newline() -> Doc {
    spacing(Spacing::Newlines(1))
}

/// A regular group.
pub fn group(doc: Doc) -> Doc {
    vec![DocE::Group(GroupKind::Regular, doc)]
}

/// A group of the given kind.
pub fn group_kind(kind: GroupKind, doc: Doc) -> Doc {
    vec![DocE::Group(kind, doc)]
}

/// Increments the nesting level of every text in `doc`.
pub fn nest(mut doc: Doc) -> Doc {
    fn go(doc: &mut Doc) {
        for element in doc {
            match element {
                DocE::Text { level, .. } => *level += 1,
                DocE::Group(_, inner) => go(inner),
                DocE::Spacing(_) => {}
            }
        }
    }
    go(&mut doc);
    doc
}

/// Adds `amount` columns of offset to every text in `doc`.
pub fn offset(amount: usize, mut doc: Doc) -> Doc {
    fn go(doc: &mut Doc, amount: usize) {
        for element in doc {
            match element {
                DocE::Text { offset, .. } => *offset += amount,
                DocE::Group(_, inner) => go(inner, amount),
                DocE::Spacing(_) => {}
            }
        }
    }
    if amount > 0 {
        go(&mut doc, amount);
    }
    doc
}

/// Concatenates documents (reusing the first one's buffer).
pub fn concat<const N: usize>(docs: [Doc; N]) -> Doc {
    let total: usize = docs.iter().map(Vec::len).sum();
    let mut docs = docs.into_iter();
    let mut out = docs.next().unwrap_or_default();
    out.reserve(total - out.len());
    for doc in docs {
        out.extend(doc);
    }
    out
}

/// Joins documents with a separator.
pub fn sep_by(separator: &Doc, docs: Vec<Doc>) -> Doc {
    let mut out = Vec::new();
    for (index, doc) in docs.into_iter().enumerate() {
        if index > 0 {
            out.extend(separator.iter().cloned());
        }
        out.extend(doc);
    }
    out
}

/// `outside, inner, outside`.
pub fn surround_with(outside: &Doc, inner: Doc) -> Doc {
    let mut out = outside.clone();
    out.extend(inner);
    out.extend(outside.iter().cloned());
    out
}

/// Width of a text in columns (code points, like nixfmt).
pub fn text_width(text: &str) -> usize {
    text.chars().count()
}

/// Merges two adjacent spacings into one.
pub fn merge_spacings(a: Spacing, b: Spacing) -> Spacing {
    use Spacing::*;
    let (x, y) = if a > b { (b, a) } else { (a, b) };
    match (x, y) {
        (Break, Softspace) => Space,
        (Break, Hardspace) => Space,
        (Softbreak, Hardspace) => Softspace,
        (Newlines(x), Newlines(y)) => Newlines(x + y),
        (Emptyline, Newlines(n)) => Newlines(n + 2),
        (Hardspace, Newlines(n)) => Newlines(n),
        (_, Newlines(n)) => Newlines(n + 1),
        (_, y) => y,
    }
}

fn is_hard_spacing(element: &DocE) -> bool {
    matches!(
        element,
        DocE::Spacing(
            Spacing::Hardspace | Spacing::Hardline | Spacing::Emptyline | Spacing::Newlines(_)
        )
    )
}

fn is_comment(element: &DocE) -> bool {
    match element {
        DocE::Text { kind, .. } => {
            matches!(kind, TextKind::Comment | TextKind::TrailingComment)
        }
        DocE::Group(_, inner) => inner.iter().all(|x| is_comment(x) || is_hard_spacing(x)),
        DocE::Spacing(_) => false,
    }
}

fn is_verbatim(element: &DocE) -> bool {
    matches!(
        element,
        DocE::Text {
            kind: TextKind::Verbatim(_),
            ..
        }
    )
}

/// Splits a fixed-up group body into (leading hard stuff, body, trailing hard spacings).
fn split_group(kind: GroupKind, inner: Doc) -> (Doc, Doc, Doc) {
    let mut body = fixup(inner);
    let pre_len = body
        .iter()
        .take_while(|x| is_hard_spacing(x) || is_comment(x) || is_verbatim(x))
        .count();
    let pre: Doc = if pre_len == 0 {
        Vec::new()
    } else {
        body.drain(..pre_len).collect()
    };
    let post_len = body.iter().rev().take_while(|x| is_hard_spacing(x)).count();
    let post = if post_len == 0 {
        Vec::new()
    } else {
        body.split_off(body.len() - post_len)
    };
    let unwrap =
        body.len() == 1 && matches!(&body[0], DocE::Group(inner_kind, _) if *inner_kind == kind);
    if unwrap && let Some(DocE::Group(_, inner)) = body.pop() {
        body = inner;
    }
    (pre, body, post)
}

/// Normalises a document (nixfmt's `fixup`): merges adjacent spacings and texts, moves
/// hard spacings and comments out of the start/end of groups, removes empty groups.
pub fn fixup(doc: Doc) -> Doc {
    let mut out = Vec::with_capacity(doc.len());
    let mut queue: VecDeque<DocE> = doc.into();
    while let Some(x) = queue.pop_front() {
        match x {
            DocE::Spacing(a) => match queue.front() {
                Some(DocE::Spacing(b)) => {
                    let b = *b;
                    queue.pop_front();
                    queue.push_front(DocE::Spacing(merge_spacings(a, b)));
                }
                Some(DocE::Group(..)) if a == Spacing::Hardspace => {
                    if let Some(DocE::Group(kind, mut inner)) = queue.pop_front() {
                        inner.insert(0, DocE::Spacing(Spacing::Hardspace));
                        queue.push_front(DocE::Group(kind, inner));
                    }
                }
                Some(DocE::Group(..)) => {
                    let Some(DocE::Group(kind, inner)) = queue.pop_front() else {
                        unreachable!("checked above")
                    };
                    let (pre, body, post) = split_group(kind, inner);
                    if body.is_empty() {
                        for element in post.into_iter().rev() {
                            queue.push_front(element);
                        }
                        for element in pre.into_iter().rev() {
                            queue.push_front(element);
                        }
                        queue.push_front(DocE::Spacing(a));
                    } else {
                        let mut head = vec![DocE::Spacing(a)];
                        head.extend(pre);
                        out.extend(fixup(head));
                        out.push(DocE::Group(kind, body));
                        for element in post.into_iter().rev() {
                            queue.push_front(element);
                        }
                    }
                }
                _ => out.push(DocE::Spacing(a)),
            },
            DocE::Text {
                level,
                offset,
                kind,
                text,
            } => {
                if let Some(DocE::Text {
                    kind: next_kind,
                    text: next_text,
                    ..
                }) = queue.front()
                    && *next_kind == kind
                {
                    let mut merged = text;
                    merged.push_str(next_text);
                    queue.pop_front();
                    queue.push_front(DocE::Text {
                        level,
                        offset,
                        kind,
                        text: merged,
                    });
                } else {
                    out.push(DocE::Text {
                        level,
                        offset,
                        kind,
                        text,
                    });
                }
            }
            DocE::Group(kind, inner) => {
                let (pre, body, post) = split_group(kind, inner);
                if body.is_empty() {
                    for element in post.into_iter().rev() {
                        queue.push_front(element);
                    }
                    for element in pre.into_iter().rev() {
                        queue.push_front(element);
                    }
                } else {
                    out.extend(fixup(pre));
                    out.push(DocE::Group(kind, body));
                    for element in post.into_iter().rev() {
                        queue.push_front(element);
                    }
                }
            }
        }
    }
    out
}

/// Forces a document onto one line (nixfmt's `unexpandSpacing'`): flattens groups, turns
/// `line`/`softline` into spaces and drops `line'`/`softline'`. `None` if it contains a
/// hard line break or directive text, or if `limit` is given and the width exceeds it.
pub fn unexpand_spacing_(limit: Option<usize>, doc: &Doc) -> Option<Doc> {
    let mut out = Vec::new();
    let mut remaining = limit.map(|x| x as isize);
    fn go(doc: &[DocE], out: &mut Doc, remaining: &mut Option<isize>) -> bool {
        for element in doc {
            match element {
                DocE::Text { kind, text, .. } => {
                    if matches!(
                        kind,
                        TextKind::DisableMarker | TextKind::Verbatim(_) | TextKind::RawText
                    ) {
                        return false;
                    }
                    if let Some(r) = remaining {
                        *r -= text_width(text) as isize;
                        if *r < 0 {
                            return false;
                        }
                    }
                    out.push(element.clone());
                }
                DocE::Spacing(s) => match s {
                    Spacing::Hardspace | Spacing::Space | Spacing::Softspace => {
                        if let Some(r) = remaining {
                            *r -= 1;
                            if *r < 0 {
                                return false;
                            }
                        }
                        out.push(DocE::Spacing(Spacing::Hardspace));
                    }
                    Spacing::Break | Spacing::Softbreak => {}
                    _ => return false,
                },
                DocE::Group(_, inner) => {
                    if !go(inner, out, remaining) {
                        return false;
                    }
                }
            }
        }
        true
    }
    if go(doc, &mut out, &mut remaining) {
        Some(out)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merging_spacings_keeps_the_larger_with_nixfmt_exceptions() {
        use Spacing::*;
        assert_eq!(merge_spacings(Break, Softspace), Space);
        assert_eq!(merge_spacings(Hardspace, Break), Space);
        assert_eq!(merge_spacings(Softbreak, Hardspace), Softspace);
        assert_eq!(merge_spacings(Hardline, Emptyline), Emptyline);
        assert_eq!(merge_spacings(Hardspace, Hardline), Hardline);
        assert_eq!(merge_spacings(Emptyline, Newlines(1)), Newlines(3));
        assert_eq!(merge_spacings(Hardspace, Newlines(2)), Newlines(2));
        assert_eq!(merge_spacings(Space, Newlines(1)), Newlines(2));
    }

    #[test]
    fn fixup_moves_comments_and_hard_spacing_out_of_groups() {
        let doc = group(concat([
            hardline(),
            comment("# c"),
            hardline(),
            text("a"),
            line(),
            text("b"),
            hardline(),
        ]));
        let fixed = fixup(doc);
        assert_eq!(
            fixed,
            concat([
                hardline(),
                comment("# c"),
                hardline(),
                group(concat([text("a"), line(), text("b")])),
                hardline(),
            ])
        );
    }

    #[test]
    fn fixup_merges_texts_and_drops_empty_groups() {
        let doc = concat([
            text("a"),
            text("b"),
            group(Vec::new()),
            hardspace(),
            hardspace(),
        ]);
        assert_eq!(fixup(doc), concat([text("ab"), hardspace()]));
    }

    #[test]
    fn nest_and_offset_apply_to_every_text() {
        let doc = nest(offset(3, group(text("x"))));
        assert_eq!(
            doc,
            vec![DocE::Group(
                GroupKind::Regular,
                vec![DocE::Text {
                    level: 1,
                    offset: 3,
                    kind: TextKind::Regular,
                    text: "x".into()
                }]
            )]
        );
    }

    #[test]
    fn unexpand_fails_on_hard_lines_and_limits() {
        assert_eq!(
            unexpand_spacing_(None, &concat([text("a"), line(), text("b")])),
            Some(concat([text("a"), hardspace(), text("b")]))
        );
        assert_eq!(
            unexpand_spacing_(None, &concat([text("a"), hardline()])),
            None
        );
        assert_eq!(unexpand_spacing_(Some(2), &text("abc")), None);
    }
}
