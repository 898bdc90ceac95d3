//! The flat form of a fixed-up document: one buffer, each group a header followed by its
//! contents. The fixing [`DocBuilder`](super::DocBuilder) writes it directly and the
//! printer reads it as it is, so no document tree is allocated, flattened or dropped.

use super::{DocE, GroupKind, Spacing, TextKind, text_width};

/// One element of a [`FlatDoc`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Elem {
    /// A piece of text, as [`DocE::Text`], with its width in columns.
    Text {
        /// Nesting depth.
        level: u32,
        /// Extra columns (indented strings).
        offset: u32,
        /// Columns of `text` (see [`width_of`]).
        width: u32,
        /// What kind of text.
        kind: TextKind,
        /// The text itself.
        text: super::Txt,
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
/// [`RESERVED`] placeholder slots.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlatDoc {
    elems: Vec<Elem>,
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

impl FlatDoc {
    /// An empty buffer with the reserved slots, for a builder.
    pub(super) fn buffer(capacity: usize) -> Vec<Elem> {
        let mut elems = Vec::with_capacity(capacity.max(16));
        elems.extend([PLACEHOLDER, PLACEHOLDER]);
        elems
    }

    /// Wraps a buffer made by [`Self::buffer`].
    pub(super) fn from_buffer(elems: Vec<Elem>) -> Self {
        debug_assert!(elems.len() >= RESERVED);
        FlatDoc { elems }
    }

    /// The flat form of a (fixed-up) nested document.
    pub fn from_doc(doc: &[DocE]) -> Self {
        fn go(doc: &[DocE], out: &mut Vec<Elem>) {
            for element in doc {
                match element {
                    DocE::Group(kind, inner) => {
                        let at = out.len();
                        out.push(Elem::Group {
                            kind: *kind,
                            len: 0,
                        });
                        go(inner, out);
                        let len = (out.len() - at - 1) as u32;
                        out[at] = Elem::Group { kind: *kind, len };
                    }
                    other => out.push(Elem::from(other.clone())),
                }
            }
        }
        let mut elems = Self::buffer(doc.len());
        go(doc, &mut elems);
        FlatDoc { elems }
    }

    /// All elements, the reserved slots first.
    pub fn into_elems(self) -> Vec<Elem> {
        self.elems
    }

    /// The document's elements (without the reserved slots).
    pub fn elems(&self) -> &[Elem] {
        &self.elems[RESERVED..]
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

impl From<DocE> for Elem {
    /// A text or a spacing (a group becomes an empty group header: use
    /// [`FlatDoc::from_doc`] for documents).
    fn from(element: DocE) -> Self {
        match element {
            DocE::Text {
                level,
                offset,
                kind,
                text,
            } => Elem::Text {
                level: level as u32,
                offset: offset as u32,
                width: width_of(&text) as u32,
                kind,
                text,
            },
            DocE::Spacing(spacing) => Elem::Spacing(spacing),
            DocE::Group(kind, _) => Elem::Group { kind, len: 0 },
        }
    }
}

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

/// Pushes `x` onto a stream whose last element, `pending`, may still merge with what
/// follows: adjacent spacings merge, adjacent texts of the same kind join; otherwise the
/// pending element is final and goes to `out`.
#[inline]
pub(super) fn stream(out: &mut Vec<Elem>, pending: &mut Option<Elem>, x: Elem) {
    match (&mut *pending, &x) {
        (Some(Elem::Spacing(a)), Elem::Spacing(b)) => {
            *a = super::merge_spacings(*a, *b);
            return;
        }
        (
            Some(Elem::Text {
                kind: pending_kind,
                text: pending_text,
                width: pending_width,
                ..
            }),
            Elem::Text {
                kind, text, width, ..
            },
        ) if pending_kind == kind => {
            pending_text.push_str(text);
            *pending_width += width;
            return;
        }
        _ => {}
    }
    if let Some(done) = pending.replace(x) {
        out.push(done);
    }
}
