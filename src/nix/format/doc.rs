//! The document IR: texts, spacings and groups, as in nixfmt's `Predoc`.
//!
//! A document is a flat sequence of elements. Nesting is not a node: `nest` bumps the
//! nesting level of every text inside, and the printer derives indentation from those
//! levels. This module also holds [`fixup`], the normalisation pass run once on the whole
//! document before layout.

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

/// The text of a [`DocE::Text`]: short texts are stored inline and keywords/operators
/// point to static strings, so most texts cost no allocation.
pub type Txt = compact_str::CompactString;

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
        text: Txt,
    },
    /// Whitespace.
    Spacing(Spacing),
    /// A group of elements laid out together.
    Group(GroupKind, Doc),
}

/// A document: a sequence of elements.
pub type Doc = Vec<DocE>;

mod flat;
pub use flat::{Elem, FlatDoc, RESERVED, width_of};

/// Builds a document by pushing into one buffer: the rules call `text`, `spacing`,
/// `group(kind, |b| ...)`, `nest(|b| ...)` in output order. Nesting level and offset are
/// counters applied to each text as it is pushed.
///
/// A builder made with [`DocBuilder::fixing`] also applies [`fixup`] as it goes (the
/// streaming form of the same algorithm, see [`Frame`]) and writes the flat form directly:
/// [`Self::finish_flat`] returns `fixup(raw document)` as a [`FlatDoc`], with no separate
/// pass. [`DocBuilder::new`] builds the raw (nested) document.
#[derive(Debug, Default)]
pub struct DocBuilder {
    /// The raw document (raw builders only).
    buf: Doc,
    /// The fixed-up flat document (fixing builders only).
    flat: Vec<Elem>,
    level: usize,
    offset: usize,
    has_disable_marker: bool,
    /// Whether this builder fixes up as it goes (and writes `flat`).
    fixing: bool,
    /// Fixing builders: one frame per open group, the root first.
    frames: Vec<Frame>,
    /// The floor of the innermost open group: the last element of `flat` may still merge
    /// with what is pushed next (adjacent spacings merge, adjacent texts of the same kind
    /// join) when it is at or above the floor; below, everything is final.
    floor: usize,
    /// The text of `flat`'s texts, one after the other.
    text: String,
    /// Reused buffer for elements that go through the stream again.
    scratch: Vec<Elem>,
    /// Whether `flat` has holes (see [`flat::HOLE`]).
    holes: bool,
}

/// An open group of a fixing [`DocBuilder`]: its header is `flat[header]` and its fixed-up
/// elements so far follow it; the last one may still merge with what follows (see
/// [`DocBuilder::floor`]).
///
/// This is [`fixup`] turned into a stream: a hard space before a group moves into it; a
/// text before a group is final; another spacing before a group stays before the header
/// (`waits`) and, when the group closes, merges with the comments and hard spacings that
/// move out of the group's start. A hard spacing at the end stays where it is, after the
/// group. A group that ends up empty leaves what moved out (and the waiting spacing) to be
/// processed again.
#[derive(Debug)]
struct Frame {
    header: usize,
    /// The floor of this group while a child is open (the current floor is
    /// [`DocBuilder::floor`]).
    floor: usize,
    /// Whether the parent's last element, a spacing, sits just before the header, waiting
    /// to merge with what moves out of the group's start.
    waits: bool,
    /// The holes inside the group so far: its length excludes them, so that it is right
    /// once they are squeezed out.
    holes: usize,
    /// The header position and body end of the last child group when it closed: the
    /// group is that child alone if nothing follows it.
    last_child: (u32, u32),
}

impl Frame {
    fn new(header: usize, waits: bool) -> Self {
        Frame {
            header,
            floor: 0,
            waits,
            holes: 0,
            last_child: (u32::MAX, u32::MAX),
        }
    }
}

impl DocBuilder {
    /// An empty builder of a raw document.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty builder that fixes up as it goes: [`Self::finish_flat`] returns what
    /// `fixup(raw document)` would, in flat form.
    pub fn fixing() -> Self {
        Self::fixing_with_capacity(0)
    }

    /// [`Self::fixing`] with room for about `capacity` elements.
    pub fn fixing_with_capacity(capacity: usize) -> Self {
        DocBuilder {
            flat: FlatDoc::buffer(capacity),
            text: String::with_capacity(capacity * 4),
            fixing: true,
            frames: vec![Frame::new(0, false)],
            floor: RESERVED,
            ..Self::default()
        }
    }

    /// The raw document built so far (all groups closed; empty for a fixing builder).
    pub fn finish(self) -> Doc {
        self.buf
    }

    /// The fixed-up flat document of a fixing builder (all groups closed).
    pub fn finish_flat(mut self) -> FlatDoc {
        if self.holes {
            flat::squeeze(&mut self.flat);
        }
        FlatDoc::from_buffer(self.flat, self.text)
    }

    /// Whether a [`TextKind::DisableMarker`] was pushed (only then does the document need
    /// the pass that turns unmatched markers into comments).
    pub fn has_disable_marker(&self) -> bool {
        self.has_disable_marker
    }

    /// Builds a raw document with the current nesting level and offset (to inspect it
    /// before deciding what to push; see [`Self::replay`]).
    pub fn raw(&mut self, f: impl FnOnce(&mut Self)) -> Doc {
        let mut raw = DocBuilder {
            level: self.level,
            offset: self.offset,
            ..Self::default()
        };
        f(&mut raw);
        self.has_disable_marker |= raw.has_disable_marker;
        raw.buf
    }

    /// Pushes a raw document element by element (its levels and offsets as they are).
    pub fn replay(&mut self, doc: Doc) {
        for element in doc {
            match element {
                DocE::Group(kind, inner) if self.fixing => {
                    self.open_group();
                    self.replay(inner);
                    self.close_group(kind);
                }
                other if self.fixing => {
                    let elem = flat::elem_of(&mut self.text, &other);
                    self.push_flat(elem);
                }
                other => self.buf.push(other),
            }
        }
    }

    /// Pushes onto the stream of the innermost open group (fixing builders): merges with
    /// the last element when it is above the floor and can, else appends.
    #[inline]
    fn push_flat(&mut self, x: Elem) {
        if self.flat.len() > self.floor
            && let Some(last) = self.flat.last_mut()
            && flat::merge(&mut self.text, last, &x)
        {
            return;
        }
        self.flat.push(x);
    }

    fn open_group(&mut self) {
        if !self.fixing {
            return;
        }
        let len = self.flat.len();
        let mut waits = false;
        let mut hardspace = false;
        if len > self.floor {
            match self.flat[len - 1] {
                // A hard space moves into the group.
                Elem::Spacing(Spacing::Hardspace) => {
                    self.flat.pop();
                    hardspace = true;
                }
                // Another spacing waits before the group (and is the last element again
                // should the group vanish).
                Elem::Spacing(_) => {
                    waits = true;
                    self.floor = len - 1;
                }
                // A text is final.
                _ => self.floor = len,
            }
        }
        let header = self.flat.len();
        if !waits {
            self.floor = header;
        }
        self.flat.push(Elem::Group {
            kind: GroupKind::Regular,
            len: 0,
        });
        let parent = self
            .frames
            .last_mut()
            .expect("the root frame is never closed");
        parent.floor = self.floor;
        self.frames.push(Frame::new(header, waits));
        self.floor = header + 1;
        if hardspace {
            self.flat.push(Elem::Spacing(Spacing::Hardspace));
        }
    }

    /// Finishes the group `kind` opened last: the waiting spacing merged with what moves
    /// out of the group's start, the group, then what moves out of its end.
    fn close_group(&mut self, kind: GroupKind) {
        if !self.fixing {
            return;
        }
        let frame = self.frames.pop().expect("a group is open");
        let parent = self
            .frames
            .last_mut()
            .expect("the root frame is never closed");
        self.floor = parent.floor;
        let flat = &mut self.flat;
        let header = frame.header;
        let start = header + 1;
        let body_len = flat.len() - start;
        let pre_len = flat[start..]
            .iter()
            .position(|x| !x.is_movable())
            .unwrap_or(body_len);
        if pre_len == body_len {
            debug_assert_eq!(frame.holes, 0, "a hole is never movable");
            // Empty, or only movable elements: the group disappears; what moved out goes
            // through the stream again, after the waiting spacing (mergeable again).
            let mut again = std::mem::take(&mut self.scratch);
            again.extend(flat.drain(start..));
            flat.pop();
            for x in again.drain(..) {
                self.push_flat(x);
            }
            self.scratch = again;
            return;
        }
        // The hard spacings at the end (usually at most one: adjacent spacings merge);
        // they do not overlap the start, as `flat[start + pre_len]` is not movable.
        let post_len = flat[start..]
            .iter()
            .rev()
            .take_while(|x| x.is_hard_spacing())
            .count();
        // More than one goes through the stream again after the group; one stays where it
        // is, outside the group.
        let post = if post_len > 1 {
            let mut post = std::mem::take(&mut self.scratch);
            post.extend(flat.drain(flat.len() - post_len..));
            Some(post)
        } else {
            None
        };
        let end = flat.len() - usize::from(post_len == 1);
        let header = if pre_len == 0 {
            header
        } else if pre_len == 1 && !frame.waits {
            // A lone moved-out element with nothing waiting is final where it is.
            flat.swap(header, start);
            start
        } else {
            // The waiting spacing and the start go through a stream of their own; all of
            // it is final before the group.
            let from = header - usize::from(frame.waits);
            let mut out = Vec::with_capacity(pre_len + 1);
            let mut pending = None;
            for i in (from..header).chain(start..start + pre_len) {
                let x = std::mem::replace(&mut flat[i], flat::PLACEHOLDER);
                flat::stream(&mut self.text, &mut out, &mut pending, x);
            }
            out.extend(pending);
            let group = std::mem::replace(&mut flat[header], flat::PLACEHOLDER);
            let merged = out.len();
            for (slot, x) in flat[from..].iter_mut().zip(out) {
                *slot = x;
            }
            let new_header = from + merged;
            flat[new_header] = group;
            // Merging left slots between the header and the body: holes.
            for slot in &mut flat[new_header + 1..start + pre_len] {
                *slot = flat::HOLE;
            }
            new_header
        };
        // Merging left `gap` holes before the body.
        let gap = start + pre_len - header - 1;
        self.holes |= gap > 0;
        let holes = frame.holes + gap;
        let mut first = start + pre_len;
        while first < end && flat[first].is_hole() {
            first += 1;
        }
        match flat.get(first) {
            // A group of one group of the same kind is that group: the outer header
            // becomes a hole (in the parent).
            Some(&Elem::Group {
                kind: inner_kind, ..
            }) if inner_kind == kind && frame.last_child == (first as u32, end as u32) => {
                flat[header] = flat::HOLE;
                self.holes = true;
                parent.holes += holes + 1;
                parent.last_child = (first as u32, end as u32);
            }
            _ => {
                flat[header] = Elem::Group {
                    kind,
                    len: (end - header - 1 - holes) as u32,
                };
                parent.holes += holes;
                parent.last_child = (header as u32, end as u32);
            }
        }
        // Everything up to the end of the group is final.
        self.floor = end;
        if let Some(mut post) = post {
            for x in post.drain(..) {
                self.push_flat(x);
            }
            self.scratch = post;
        }
    }

    #[inline]
    fn push_text(&mut self, kind: TextKind, text: &str) {
        if self.fixing {
            let elem = flat::text_elem(&mut self.text, text, kind, self.level, self.offset);
            self.push_flat(elem);
        } else {
            self.push_raw_text(kind, Txt::new(text));
        }
    }

    /// `prefix` and `text` as one text.
    fn push_text_with_prefix(&mut self, kind: TextKind, prefix: &'static str, text: &str) {
        if self.fixing {
            let mut elem = flat::text_elem(&mut self.text, prefix, kind, self.level, self.offset);
            self.text.push_str(text);
            if let Elem::Text { len, width, .. } = &mut elem {
                *len += text.len() as u32;
                *width += flat::width_of(text) as u32;
            }
            self.push_flat(elem);
        } else {
            let mut joined = Txt::with_capacity(prefix.len() + text.len());
            joined.push_str(prefix);
            joined.push_str(text);
            self.push_raw_text(kind, joined);
        }
    }

    fn push_raw_text(&mut self, kind: TextKind, text: Txt) {
        self.buf.push(DocE::Text {
            level: self.level,
            offset: self.offset,
            kind,
            text,
        });
    }

    /// Regular text; empty text pushes nothing.
    pub fn text(&mut self, text: &str) {
        if !text.is_empty() {
            self.push_text(TextKind::Regular, text);
        }
    }

    /// Regular static text (keywords, operators, punctuation); empty pushes nothing.
    pub fn text_static(&mut self, text: &'static str) {
        if text.is_empty() {
        } else if self.fixing {
            self.push_text(TextKind::Regular, text);
        } else {
            self.push_raw_text(TextKind::Regular, Txt::const_new(text));
        }
    }

    /// A comment (free for width purposes); empty pushes nothing.
    pub fn comment(&mut self, text: impl AsRef<str>) {
        let text = text.as_ref();
        if !text.is_empty() {
            self.push_text(TextKind::Comment, text);
        }
    }

    /// A comment made of `prefix` and `text` (never empty: the prefix is not).
    pub fn comment_with_prefix(&mut self, prefix: &'static str, text: &str) {
        self.push_text_with_prefix(TextKind::Comment, prefix, text);
    }

    /// A comment at the end of a line; empty pushes nothing.
    pub fn trailing_comment(&mut self, text: impl AsRef<str>) {
        let text = text.as_ref();
        if !text.is_empty() {
            self.push_text(TextKind::TrailingComment, text);
        }
    }

    /// A comment at the end of a line made of `prefix` and `text` (never empty).
    pub fn trailing_comment_with_prefix(&mut self, prefix: &'static str, text: &str) {
        self.push_text_with_prefix(TextKind::TrailingComment, prefix, text);
    }

    /// Text printed only in expanded groups.
    pub fn trailing(&mut self, text: &'static str) {
        if !text.is_empty() {
            self.push_text(TextKind::Trailing, text);
        }
    }

    /// Start of a disabled region.
    pub fn disable_marker(&mut self) {
        self.has_disable_marker = true;
        self.push_text(TextKind::DisableMarker, "");
    }

    /// Verbatim text of a disabled region.
    pub fn verbatim(&mut self, text: &str, to_eof: bool) {
        self.push_text(TextKind::Verbatim(to_eof), text);
    }

    /// Raw text printed without indentation (claims the start of its line even when empty).
    pub fn raw_text(&mut self, text: impl AsRef<str>) {
        self.push_text(TextKind::RawText, text.as_ref());
    }

    /// A single spacing.
    pub fn spacing(&mut self, spacing: Spacing) {
        if self.fixing {
            self.push_flat(Elem::Spacing(spacing));
        } else {
            self.buf.push(DocE::Spacing(spacing));
        }
    }

    /// `softline'`.
    pub fn softline_(&mut self) {
        self.spacing(Spacing::Softbreak);
    }
    /// `line'`.
    pub fn line_(&mut self) {
        self.spacing(Spacing::Break);
    }
    /// `softline`.
    pub fn softline(&mut self) {
        self.spacing(Spacing::Softspace);
    }
    /// `line`.
    pub fn line(&mut self) {
        self.spacing(Spacing::Space);
    }
    /// `hardspace`.
    pub fn hardspace(&mut self) {
        self.spacing(Spacing::Hardspace);
    }
    /// `hardline`.
    pub fn hardline(&mut self) {
        self.spacing(Spacing::Hardline);
    }
    /// `emptyline`.
    pub fn emptyline(&mut self) {
        self.spacing(Spacing::Emptyline);
    }
    /// One newline (between lines of indented strings).
    pub fn newline(&mut self) {
        self.spacing(Spacing::Newlines(1));
    }

    /// A group of the given kind around what `f` pushes.
    pub fn group_kind(&mut self, kind: GroupKind, f: impl FnOnce(&mut Self)) {
        if self.fixing {
            self.open_group();
            f(self);
            self.close_group(kind);
        } else {
            let start = self.buf.len();
            f(self);
            let inner = self.buf.split_off(start);
            self.buf.push(DocE::Group(kind, inner));
        }
    }

    /// A regular group around what `f` pushes.
    pub fn group(&mut self, f: impl FnOnce(&mut Self)) {
        self.group_kind(GroupKind::Regular, f);
    }

    /// Increments the nesting level of every text `f` pushes.
    pub fn nest(&mut self, f: impl FnOnce(&mut Self)) {
        self.level += 1;
        f(self);
        self.level -= 1;
    }

    /// Adds `amount` columns of offset to every text `f` pushes.
    pub fn offset(&mut self, amount: usize, f: impl FnOnce(&mut Self)) {
        self.offset += amount;
        f(self);
        self.offset -= amount;
    }
}

/// Lowers by one the nesting level of every text in `doc` (undoes a [`DocBuilder::nest`]
/// when a rule decides after building).
pub fn unnest(doc: &mut [DocE]) {
    for element in doc {
        match element {
            DocE::Text { level, .. } => *level = level.saturating_sub(1),
            DocE::Group(_, inner) => unnest(inner),
            DocE::Spacing(_) => {}
        }
    }
}

/// A document of one regular text (empty text is an empty document); for tests and
/// small documents, like the other free constructors below.
pub fn text(text: &str) -> Doc {
    build(|b| b.text(text))
}

/// A document of one comment.
pub fn comment(text: &str) -> Doc {
    build(|b| b.comment(text))
}

/// A document of one trailing comment.
pub fn trailing_comment(text: &str) -> Doc {
    build(|b| b.trailing_comment(text))
}

/// A document of one spacing.
pub fn spacing(spacing: Spacing) -> Doc {
    vec![DocE::Spacing(spacing)]
}

/// `line`.
pub fn line() -> Doc {
    spacing(Spacing::Space)
}
/// `softline`.
pub fn softline() -> Doc {
    spacing(Spacing::Softspace)
}
/// `hardspace`.
pub fn hardspace() -> Doc {
    spacing(Spacing::Hardspace)
}
/// `hardline`.
pub fn hardline() -> Doc {
    spacing(Spacing::Hardline)
}

/// A regular group.
pub fn group(doc: Doc) -> Doc {
    vec![DocE::Group(GroupKind::Regular, doc)]
}

/// A group of the given kind.
pub fn group_kind(kind: GroupKind, doc: Doc) -> Doc {
    vec![DocE::Group(kind, doc)]
}

/// Increments the nesting level of every text in `doc` (walks the whole document: the
/// rules use [`DocBuilder::nest`] instead).
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

/// Concatenates documents.
pub fn concat<const N: usize>(docs: [Doc; N]) -> Doc {
    docs.into_iter().flatten().collect()
}

/// Runs `f` on a fresh builder and returns its document.
pub fn build(f: impl FnOnce(&mut DocBuilder)) -> Doc {
    let mut builder = DocBuilder::new();
    f(&mut builder);
    builder.finish()
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

/// Whether an element of a fixed-up document may move out of the start of its group:
/// hard spacings, comments and verbatim text. A group never qualifies: a fixed-up group's
/// first element is itself none of these (they were moved out), so it is not all comments.
fn is_movable(element: &DocE) -> bool {
    match element {
        DocE::Text { kind, .. } => matches!(
            kind,
            TextKind::Comment | TextKind::TrailingComment | TextKind::Verbatim(_)
        ),
        DocE::Spacing(_) => is_hard_spacing(element),
        DocE::Group(..) => false,
    }
}

/// Splits a fixed-up group body into (leading hard stuff, body, trailing hard spacings).
fn split_group(kind: GroupKind, inner: Doc) -> (Doc, Doc, Doc) {
    let mut body = fixup(inner);
    let pre_len = body.iter().take_while(|x| is_movable(x)).count();
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
///
/// The input is processed as a stack (reversed, so popping takes the next element and
/// pushing puts elements back in front of the rest): each group's buffer is reused as its
/// own work stack and every element is moved, never cloned.
pub fn fixup(doc: Doc) -> Doc {
    let mut out = Vec::with_capacity(doc.len());
    let mut stack = doc;
    stack.reverse();
    while let Some(x) = stack.pop() {
        match x {
            DocE::Spacing(a) => match stack.last_mut() {
                Some(DocE::Spacing(b)) => *b = merge_spacings(a, *b),
                Some(DocE::Group(_, inner)) if a == Spacing::Hardspace => {
                    inner.insert(0, DocE::Spacing(Spacing::Hardspace));
                }
                Some(DocE::Group(..)) => {
                    let Some(DocE::Group(kind, inner)) = stack.pop() else {
                        unreachable!("checked above")
                    };
                    let (pre, body, post) = split_group(kind, inner);
                    if body.is_empty() {
                        stack.extend(post.into_iter().rev());
                        stack.extend(pre.into_iter().rev());
                        stack.push(DocE::Spacing(a));
                    } else {
                        if pre.is_empty() {
                            out.push(DocE::Spacing(a));
                        } else {
                            let mut head = Vec::with_capacity(pre.len() + 1);
                            head.push(DocE::Spacing(a));
                            head.extend(pre);
                            out.extend(fixup(head));
                        }
                        out.push(DocE::Group(kind, body));
                        stack.extend(post.into_iter().rev());
                    }
                }
                _ => out.push(DocE::Spacing(a)),
            },
            DocE::Text {
                level,
                offset,
                kind,
                mut text,
            } => {
                while let Some(DocE::Text {
                    kind: next_kind,
                    text: next_text,
                    ..
                }) = stack.last()
                    && *next_kind == kind
                {
                    text.push_str(next_text);
                    stack.pop();
                }
                out.push(DocE::Text {
                    level,
                    offset,
                    kind,
                    text,
                });
            }
            DocE::Group(kind, inner) => {
                let (pre, body, post) = split_group(kind, inner);
                if body.is_empty() {
                    stack.extend(post.into_iter().rev());
                    stack.extend(pre.into_iter().rev());
                } else {
                    if !pre.is_empty() {
                        out.extend(fixup(pre));
                    }
                    out.push(DocE::Group(kind, body));
                    stack.extend(post.into_iter().rev());
                }
            }
        }
    }
    out
}

/// Forces a document onto one line (nixfmt's `unexpandSpacing'`): flattens groups, turns
/// `line`/`softline` into spaces and drops `line'`/`softline'`. `None` if it contains a
/// hard line break or directive text, or if `limit` is given and the width exceeds it.
pub fn unexpand_spacing_(limit: Option<usize>, doc: &[DocE]) -> Option<Doc> {
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
    fn fixup_in_place_handles_output_outgrowing_the_input() {
        // One group becomes four elements while more input follows.
        let doc = concat([
            group(concat([
                hardline(),
                comment("# c"),
                hardline(),
                text("a"),
                line(),
                text("b"),
            ])),
            hardspace(),
            text("x"),
            group(concat([text("y"), hardline()])),
            text("z"),
        ]);
        assert_eq!(
            fixup(doc),
            concat([
                hardline(),
                comment("# c"),
                hardline(),
                group(concat([text("a"), line(), text("b")])),
                hardspace(),
                text("x"),
                group(text("y")),
                hardline(),
                text("z"),
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
    fn fixup_does_not_merge_texts_across_an_empty_group() {
        let doc = concat([text("a"), group(Vec::new()), text("b")]);
        assert_eq!(fixup(doc), concat([text("a"), text("b")]));
    }

    #[test]
    fn fixup_moves_a_hardspace_into_the_following_group() {
        // The hard space merges with the group's leading `line` and stays inside.
        let doc = concat([hardspace(), group(concat([line(), text("a")]))]);
        assert_eq!(fixup(doc), group(concat([line(), text("a")])));
    }

    #[test]
    fn fixup_unwraps_a_group_of_one_group_of_the_same_kind() {
        let doc = group(group(concat([text("a"), line(), text("b")])));
        assert_eq!(fixup(doc), group(concat([text("a"), line(), text("b")])));
    }

    #[test]
    fn the_builder_applies_nest_and_offset_to_every_text_inside() {
        let doc = build(|b| {
            b.nest(|b| {
                b.offset(3, |b| {
                    b.group(|b| b.text("x"));
                })
            });
            b.text("y");
        });
        assert_eq!(
            doc,
            vec![
                DocE::Group(
                    GroupKind::Regular,
                    vec![DocE::Text {
                        level: 1,
                        offset: 3,
                        kind: TextKind::Regular,
                        text: "x".into()
                    }]
                ),
                DocE::Text {
                    level: 0,
                    offset: 0,
                    kind: TextKind::Regular,
                    text: "y".into()
                }
            ]
        );
        assert_eq!(nest(text("x")), build(|b| b.nest(|b| b.text("x"))));
    }

    /// The fixing builder gives what `fixup` gives on the raw document.
    fn same_as_fixup(f: impl Fn(&mut DocBuilder)) {
        let mut raw = DocBuilder::new();
        f(&mut raw);
        let mut fixing = DocBuilder::fixing();
        f(&mut fixing);
        assert_eq!(
            fixing.finish_flat(),
            FlatDoc::from_doc(&fixup(raw.finish()))
        );
    }

    #[test]
    fn the_fixing_builder_agrees_with_fixup() {
        // Texts: merged when adjacent, not across an empty group.
        same_as_fixup(|b| {
            b.text("a");
            b.text("b");
            b.group(|_| {});
            b.text("c");
            b.comment("# x");
            b.comment("# y");
        });
        // Spacings merge, also across an empty group and with what moves out of it.
        same_as_fixup(|b| {
            b.text("a");
            b.line();
            b.group(|b| {
                b.hardline();
                b.group(|_| {});
            });
            b.softline_();
            b.hardspace();
            b.text("b");
        });
        // A hard space moves into the group and merges with its leading spacing.
        same_as_fixup(|b| {
            b.text("=");
            b.hardspace();
            b.hardspace();
            b.group(|b| {
                b.line();
                b.text("x");
            });
            b.hardspace();
            b.group(|b| b.text("{"));
        });
        // Comments and hard spacings move out of both ends; the spacing before the
        // group merges with them; a group of one group of the same kind is unwrapped.
        same_as_fixup(|b| {
            b.text("f");
            b.line();
            b.group(|b| {
                b.hardline();
                b.comment("# c");
                b.hardline();
                b.group(|b| {
                    b.text("a");
                    b.line_();
                    b.text("b");
                });
                b.hardline();
                b.emptyline();
            });
            b.text("g");
            b.group_kind(GroupKind::Priority, |b| {
                b.group_kind(GroupKind::Priority, |b| {
                    b.trailing_comment("# t");
                    b.text("h");
                    b.hardline();
                })
            });
        });
        // A group holding only comments disappears; adjacent comments that move out of
        // its start join (as `fixup` of the moved elements does).
        same_as_fixup(|b| {
            b.text("x");
            b.group(|b| {
                b.comment("# a");
                b.group(|_| {});
                b.comment("# b");
                b.hardline();
            });
            b.line();
            b.group(|b| {
                b.comment("# a");
                b.group(|_| {});
                b.comment("# b");
                b.text("y");
            });
        });
    }

    #[test]
    fn the_fixing_builder_agrees_with_fixup_on_nested_groups() {
        // Groups of one group of the same kind, three deep, with comments moving out of
        // the start (the merged spacings leave holes) and texts around.
        same_as_fixup(|b| {
            b.text("a");
            b.line();
            b.group(|b| {
                b.group(|b| {
                    b.hardline();
                    b.comment("# c");
                    b.hardline();
                    b.group(|b| {
                        b.group(|b| {
                            b.text("x");
                            b.line();
                            b.group(|b| b.text("y"));
                        });
                    });
                });
            });
            b.text("z");
            b.softline();
            b.group_kind(GroupKind::Priority, |b| {
                b.hardspace();
                b.group_kind(GroupKind::Priority, |b| {
                    b.group_kind(GroupKind::Priority, |b| {
                        b.text("p");
                        b.line_();
                    });
                    b.hardline();
                });
            });
            b.group(|b| {
                b.group(|b| b.text("q"));
                b.text("r");
            });
        });
    }

    #[test]
    fn raw_documents_replay_into_a_fixing_builder() {
        let mut b = DocBuilder::fixing();
        b.text("f");
        b.nest(|b| {
            let mut raw = b.raw(|b| {
                b.group(|b| {
                    b.text("a");
                    b.line();
                    b.text("b");
                })
            });
            unnest(&mut raw);
            let single = unexpand_spacing_(None, &raw).expect("fits on one line");
            b.replay(single);
            b.hardspace();
            b.replay(raw);
            b.disable_marker();
        });
        assert!(b.has_disable_marker());
        let flat = b.finish_flat();
        let doc = flat.elems();
        assert_eq!(flat.text_of(&doc[0]), "fa");
        assert_eq!(doc[3], Elem::Spacing(Spacing::Hardspace));
        assert!(matches!(
            doc[4],
            Elem::Group {
                kind: GroupKind::Regular,
                len: 3
            }
        ));
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
