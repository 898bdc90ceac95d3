//! The flat form of a fixed-up document: one buffer, each group a header followed by its
//! contents, and one string holding every text. The fixing [`DocBuilder`](super::DocBuilder)
//! writes it directly and the printer reads it as it is, so no document tree is allocated,
//! flattened or dropped, and no text is allocated on its own.

use super::{DocE, GroupKind, Spacing, TextKind, text_width};

/// One element of a [`FlatDoc`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Elem {
    /// A piece of text, as [`DocE::Text`]: its bytes are `start..start + len` of the
    /// document's text ([`FlatDoc::text`]), `width` its columns.
    Text {
        /// Where the text starts in the document's text.
        start: u32,
        /// Its length in bytes.
        len: u32,
        /// Columns of the text (see [`width_of`]).
        width: u32,
        /// Nesting depth.
        level: u32,
        /// Extra columns (indented strings).
        offset: u32,
        /// What kind of text.
        kind: TextKind,
    },
    /// Whitespace.
    Spacing(Spacing),
    /// A group whose contents are the next `len` elements (counting those of nested
    /// groups): a relative length, so a group stays valid when its elements move.
    Group {
        /// How it takes part in layout.
        kind: GroupKind,
        /// The number of elements inside.
        len: u32,
    },
}

/// Columns of a text: its length when it is ASCII (the usual case), else its code points.
#[inline]
pub fn width_of(text: &str) -> usize {
    if text.is_ascii() {
        text.len()
    } else {
        text_width(text)
    }
}

/// Where the elements of a [`FlatDoc`] start: the slots before are reserved for the
/// layout engine (which puts a hard space and a group around the whole document there).
pub const RESERVED: usize = 2;

/// A fixed-up document in flat form: its elements in document order after
/// [`RESERVED`] placeholder slots, and the text they point into.
#[derive(Clone, Debug)]
pub struct FlatDoc {
    elems: Vec<Elem>,
    text: String,
}

/// The placeholder of the reserved slots (and of elements being moved).
pub(super) const PLACEHOLDER: Elem = Elem::Spacing(Spacing::Softbreak);

/// A removed element in a builder's buffer (never in a finished [`FlatDoc`]). Group
/// lengths do not count holes, so removing them is all [`squeeze`] does.
pub(super) const HOLE: Elem = Elem::Group {
    kind: GroupKind::Transparent,
    len: u32::MAX,
};

/// Removes the holes of a builder's buffer.
pub(super) fn squeeze(elems: &mut Vec<Elem>) {
    elems.retain(|elem| !elem.is_hole());
}

/// Appends `text` to a document's text and returns its element.
#[inline]
pub(super) fn text_elem(
    arena: &mut String,
    text: &str,
    kind: TextKind,
    level: usize,
    offset: usize,
) -> Elem {
    let start = arena.len() as u32;
    arena.push_str(text);
    Elem::Text {
        start,
        len: text.len() as u32,
        width: width_of(text) as u32,
        level: level as u32,
        offset: offset as u32,
        kind,
    }
}

/// The element of a text or spacing of a nested document (its text appended to `arena`;
/// a group becomes an empty group header: use [`FlatDoc::from_doc`] for documents).
pub(super) fn elem_of(arena: &mut String, element: &DocE) -> Elem {
    match element {
        DocE::Text {
            level,
            offset,
            kind,
            text,
        } => text_elem(arena, text, *kind, *level, *offset),
        DocE::Spacing(spacing) => Elem::Spacing(*spacing),
        DocE::Group(kind, _) => Elem::Group {
            kind: *kind,
            len: 0,
        },
    }
}

impl FlatDoc {
    /// An empty buffer with the reserved slots, for a builder.
    pub(super) fn buffer(capacity: usize) -> Vec<Elem> {
        let mut elems = Vec::with_capacity(capacity.max(16));
        elems.extend([PLACEHOLDER, PLACEHOLDER]);
        elems
    }

    /// Wraps a buffer made by [`Self::buffer`] and its text.
    pub(super) fn from_buffer(elems: Vec<Elem>, text: String) -> Self {
        debug_assert!(elems.len() >= RESERVED);
        FlatDoc { elems, text }
    }

    /// The flat form of a (fixed-up) nested document.
    pub fn from_doc(doc: &[DocE]) -> Self {
        fn go(doc: &[DocE], out: &mut Vec<Elem>, text: &mut String) {
            for element in doc {
                match element {
                    DocE::Group(kind, inner) => {
                        let at = out.len();
                        out.push(Elem::Group {
                            kind: *kind,
                            len: 0,
                        });
                        go(inner, out, text);
                        let len = (out.len() - at - 1) as u32;
                        out[at] = Elem::Group { kind: *kind, len };
                    }
                    other => out.push(elem_of(text, other)),
                }
            }
        }
        let mut elems = Self::buffer(doc.len());
        let mut text = String::new();
        go(doc, &mut elems, &mut text);
        FlatDoc { elems, text }
    }

    /// All elements, the reserved slots first, and the text they point into.
    pub fn into_parts(self) -> (Vec<Elem>, String) {
        (self.elems, self.text)
    }

    /// The document's elements (without the reserved slots).
    pub fn elems(&self) -> &[Elem] {
        &self.elems[RESERVED..]
    }

    /// The text of an element (empty for spacings and groups).
    pub fn text_of(&self, elem: &Elem) -> &str {
        match *elem {
            Elem::Text { start, len, .. } => {
                &self.text[start as usize..start as usize + len as usize]
            }
            _ => "",
        }
    }

    /// Whether the document ends (trailing spacings aside) with verbatim text that runs to
    /// the end of the file.
    pub fn ends_with_eof_region(&self) -> bool {
        for element in self.elems().iter().rev() {
            match element {
                Elem::Spacing(_) => continue,
                Elem::Text {
                    kind: TextKind::Verbatim(true),
                    ..
                } => return true,
                _ => return false,
            }
        }
        false
    }
}

impl PartialEq for FlatDoc {
    /// The same elements with the same texts (wherever they are in the text).
    fn eq(&self, other: &Self) -> bool {
        fn without_position(elem: &Elem) -> Elem {
            match *elem {
                Elem::Text {
                    len,
                    width,
                    level,
                    offset,
                    kind,
                    ..
                } => Elem::Text {
                    start: 0,
                    len,
                    width,
                    level,
                    offset,
                    kind,
                },
                other => other,
            }
        }
        self.elems().len() == other.elems().len()
            && self.elems().iter().zip(other.elems()).all(|(a, b)| {
                without_position(a) == without_position(b) && self.text_of(a) == other.text_of(b)
            })
    }
}

impl Eq for FlatDoc {}

impl Elem {
    /// Whether it is a [`HOLE`].
    #[inline]
    pub(super) fn is_hole(&self) -> bool {
        matches!(self, Elem::Group { len: u32::MAX, .. })
    }

    /// A hard space, hard line, empty line or newlines.
    #[inline]
    pub(super) fn is_hard_spacing(&self) -> bool {
        matches!(
            self,
            Elem::Spacing(
                Spacing::Hardspace | Spacing::Hardline | Spacing::Emptyline | Spacing::Newlines(_)
            )
        )
    }

    /// Whether it may move out of the start of its group: hard spacings, comments and
    /// verbatim text (as [`super::is_movable`]).
    #[inline]
    pub(super) fn is_movable(&self) -> bool {
        match self {
            Elem::Text { kind, .. } => matches!(
                kind,
                TextKind::Comment | TextKind::TrailingComment | TextKind::Verbatim(_)
            ),
            Elem::Spacing(_) => self.is_hard_spacing(),
            Elem::Group { .. } => false,
        }
    }
}

/// Merges `x` into `last` when they are adjacent spacings (merged) or texts of the same
/// kind (joined, in `arena`); `false` when they do not merge.
#[inline]
pub(super) fn merge(arena: &mut String, last: &mut Elem, x: &Elem) -> bool {
    match (last, x) {
        (Elem::Spacing(a), Elem::Spacing(b)) => {
            *a = super::merge_spacings(*a, *b);
            true
        }
        (
            Elem::Text {
                kind: last_kind,
                start: last_start,
                len: last_len,
                width: last_width,
                ..
            },
            &Elem::Text {
                kind,
                start,
                len,
                width,
                ..
            },
        ) if *last_kind == kind => {
            if *last_start + *last_len != start {
                *last_start = copy_joined(arena, (*last_start, *last_len), (start, len));
            }
            *last_len += len;
            *last_width += width;
            true
        }
        _ => false,
    }
}

/// Copies two texts of `arena` that are not next to each other to its end, joined, and
/// returns where they start (never seen: texts are appended in order).
#[cold]
fn copy_joined(arena: &mut String, (a, a_len): (u32, u32), (b, b_len): (u32, u32)) -> u32 {
    let (a, b) = (a as usize, b as usize);
    let joined = format!(
        "{}{}",
        &arena[a..a + a_len as usize],
        &arena[b..b + b_len as usize]
    );
    let start = arena.len() as u32;
    arena.push_str(&joined);
    start
}

/// Pushes `x` onto a stream whose last element, `pending`, may still merge with what
/// follows (see [`merge`]); otherwise the pending element is final and goes to `out`.
#[inline]
pub(super) fn stream(arena: &mut String, out: &mut Vec<Elem>, pending: &mut Option<Elem>, x: Elem) {
    if let Some(last) = pending
        && merge(arena, last, &x)
    {
        return;
    }
    if let Some(done) = pending.replace(x) {
        out.push(done);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_merge_in_place_or_by_copying_when_apart() {
        let mut arena = String::new();
        let a = text_elem(&mut arena, "ab", TextKind::Regular, 0, 0);
        let b = text_elem(&mut arena, "é", TextKind::Regular, 0, 0);
        let mut joined = a;
        assert!(merge(&mut arena, &mut joined, &b));
        assert_eq!(arena, "abé", "next to each other: nothing copied");
        // Apart in the text: both are copied to its end.
        let mut apart = text_elem(&mut arena, "x", TextKind::Regular, 0, 0);
        assert!(merge(&mut arena, &mut apart, &a));
        let doc = FlatDoc::from_buffer(vec![PLACEHOLDER, PLACEHOLDER, joined, apart], arena);
        assert_eq!(doc.text_of(&doc.elems()[0]), "abé");
        assert_eq!(doc.text_of(&doc.elems()[1]), "xab");
        assert!(matches!(doc.elems()[0], Elem::Text { width: 3, .. }));
        assert!(matches!(doc.elems()[1], Elem::Text { width: 3, .. }));
        // Different kinds do not merge; spacings do.
        let mut comment = text_elem(&mut doc.into_parts().1, "#", TextKind::Comment, 0, 0);
        assert!(!merge(&mut String::new(), &mut comment, &a));
        let mut space = Elem::Spacing(Spacing::Softbreak);
        assert!(merge(
            &mut String::new(),
            &mut space,
            &Elem::Spacing(Spacing::Hardspace)
        ));
        assert_eq!(space, Elem::Spacing(Spacing::Softspace));
    }
}
