//! The layout engine: nixfmt's greedy algorithm over a [`Doc`]. It knows nothing about Nix.
//!
//! State: the current column `cc` (not counting indentation) and a stack of
//! `(indentation, nesting level)` pairs. A group is printed on one line when it fits
//! together with the following text up to the next possible break; otherwise its priority
//! children are tried (last first), and otherwise it is dissolved.
//!
//! The document comes flat ([`FlatDoc`]): its elements in document order, each group
//! followed by its contents, so that a run of siblings is a range of positions and the
//! lookahead of an element is usually just "everything from position `p` on". One forward
//! and one backward pass then give, per position, prefix sums of the columns any range
//! needs at least and the width of the first line of everything after it. These answer the
//! measuring questions of nixfmt's algorithm without walking the lookahead again for every
//! group.

use smallvec::SmallVec;

use super::doc::{
    Doc, Elem, FlatDoc, GroupKind, RESERVED, Spacing, TextKind, merge_spacings, text_width,
};

/// A view of one element of the flat document.
#[derive(Clone, Copy)]
enum Item {
    Text {
        level: u32,
        offset: u32,
        kind: TextKind,
        /// Columns of `text`.
        width: u32,
        /// Where the text is (see [`Items::str`]): resolved only when printed.
        text: (u32, u32),
    },
    Spacing(Spacing),
    /// A group; its contents are the items after it, up to `end` (exclusive).
    Group {
        kind: GroupKind,
        end: usize,
    },
}

/// A run of siblings with their contents: the items in `start..end`.
type Span = (usize, usize);

/// A few spans walked one after the other (a group's parts).
type Spans = SmallVec<[Span; 8]>;

/// The span of the lone hard space spliced in by [`Items::unexpand_spacing`].
const HARDSPACE: Span = (0, 1);

/// What an item that can never be on one line adds to the prefix sums of [`Items::cost`].
const NEVER_FLAT: u64 = 1 << 40;

/// Lookahead: the spans following the element being printed.
#[derive(Clone, Copy)]
struct Rest<'r> {
    heads: &'r [Span],
    tail: Option<&'r Rest<'r>>,
    /// `Some(p)` when the whole lookahead is the end of the document from position `p`.
    suffix: Option<usize>,
}

/// Merges a spacing into a pending run of spacings.
fn merge_into(pending: Option<Spacing>, spacing: Spacing) -> Option<Spacing> {
    Some(match pending {
        Some(p) => merge_spacings(p, spacing),
        None => spacing,
    })
}

fn is_comment(kind: TextKind) -> bool {
    matches!(kind, TextKind::Comment | TextKind::TrailingComment)
}

/// What is precomputed at one position of the flat document.
#[derive(Clone, Copy)]
struct Node {
    /// The columns the items before this position take at least on one line (their
    /// regular texts), plus [`NEVER_FLAT`] per hard line break or directive text.
    cost: u64,
    /// The width of the first line of everything from here on when everything breaks.
    flw: isize,
}

/// The flat document and what is precomputed over it. Position 0 is [`HARDSPACE`],
/// position 1 the group around the whole document, which ends at position `end`, where a
/// last element (and node) holds the values for the end of the document.
struct Items {
    elems: Vec<Elem>,
    /// The text the texts of `elems` point into.
    text: String,
    nodes: Vec<Node>,
}

/// What an element adds to the prefix sums of [`Items::cost`].
#[inline]
fn least_columns(elem: &Elem) -> u64 {
    match *elem {
        Elem::Text {
            kind: TextKind::Regular,
            width,
            ..
        } => width as u64,
        Elem::Text {
            kind: TextKind::DisableMarker | TextKind::Verbatim(_) | TextKind::RawText,
            ..
        } => NEVER_FLAT,
        Elem::Spacing(Spacing::Hardline | Spacing::Emptyline | Spacing::Newlines(_)) => NEVER_FLAT,
        _ => 0,
    }
}

impl Items {
    fn new(doc: FlatDoc) -> Self {
        let (mut elems, text) = doc.into_parts();
        let n = elems.len();
        elems[0] = Elem::Spacing(Spacing::Hardspace);
        elems[1] = Elem::Group {
            kind: GroupKind::Regular,
            len: (n - RESERVED) as u32,
        };
        // The end of the document: never walked, only its values are read.
        elems.push(Elem::Spacing(Spacing::Softbreak));
        let mut items = Items {
            elems,
            text,
            nodes: Vec::new(),
        };
        items.measure();
        items
    }

    /// The forward pass (prefix sums of costs) and the backward pass (the first-line width
    /// of every suffix).
    fn measure(&mut self) {
        let mut total = 0;
        self.nodes = self
            .elems
            .iter()
            .map(|elem| {
                let cost = total;
                total += least_columns(elem);
                Node { cost, flw: 0 }
            })
            .collect();
        let n = self.len();
        // The first-line width of the suffix after the current position, and whether that
        // suffix starts with a spacing.
        let (mut after, mut after_spacing) = (0, false);
        for (node, elem) in self.nodes[..n].iter_mut().zip(&self.elems[..n]).rev() {
            let here = match *elem {
                Elem::Text { kind, width, .. } => {
                    (if is_comment(kind) { 0 } else { width as isize }) + after
                }
                Elem::Group { .. } => after,
                // Merges with a following spacing (which then decides alone), else one
                // column.
                Elem::Spacing(Spacing::Hardspace) => after + isize::from(!after_spacing),
                Elem::Spacing(_) => 0,
            };
            node.flw = here;
            after = here;
            after_spacing = matches!(elem, Elem::Spacing(_));
        }
    }

    /// The end of the document (the position of the last node).
    fn len(&self) -> usize {
        self.elems.len() - 1
    }

    #[inline]
    fn item(&self, i: usize) -> Item {
        match &self.elems[i] {
            &Elem::Text {
                start,
                len,
                level,
                offset,
                width,
                kind,
            } => Item::Text {
                level,
                offset,
                kind,
                width,
                text: (start, len),
            },
            Elem::Spacing(spacing) => Item::Spacing(*spacing),
            Elem::Group { kind, len } => Item::Group {
                kind: *kind,
                end: i + 1 + *len as usize,
            },
        }
    }

    /// The text at `(start, len)`.
    fn str(&self, (start, len): (u32, u32)) -> &str {
        &self.text[start as usize..(start + len) as usize]
    }

    /// The columns `span` takes at least on one line ([`NEVER_FLAT`] or more if it cannot).
    fn cost(&self, (start, end): Span) -> u64 {
        self.nodes[end].cost - self.nodes[start].cost
    }

    /// The columns `spans` take at least on one line.
    fn spans_cost(&self, spans: &[Span]) -> u64 {
        spans.iter().map(|&span| self.cost(span)).sum()
    }

    /// Where the first sibling after position `i` starts.
    fn next_sibling(&self, i: usize) -> usize {
        match self.elems[i] {
            Elem::Group { len, .. } => i + 1 + len as usize,
            _ => i + 1,
        }
    }

    /// The first-line width of everything from `p` on, after a hard space that merges
    /// with it.
    fn flw_hard(&self, p: usize) -> isize {
        let starts_with_spacing = p < self.len() && matches!(self.elems[p], Elem::Spacing(_));
        self.nodes[p].flw + isize::from(!starts_with_spacing)
    }

    /// Nesting level and offset of the first text in `start..end`.
    fn span_indent(&self, (start, end): Span) -> Option<(usize, usize)> {
        self.elems[start..end].iter().find_map(|elem| match *elem {
            Elem::Text { level, offset, .. } => Some((level as usize, offset as usize)),
            _ => None,
        })
    }

    /// Nesting level and offset of the first text of `spans`.
    fn spans_indent(&self, spans: &[Span]) -> Option<(usize, usize)> {
        spans.iter().find_map(|&span| self.span_indent(span))
    }

    /// Nesting level and offset of the first text of a lookahead, or `(0, 0)`.
    fn next_indent(&self, rest: &Rest<'_>) -> (usize, usize) {
        let mut node = Some(rest);
        while let Some(r) = node {
            if let Some(p) = r.suffix {
                return self.span_indent((p, self.len())).unwrap_or((0, 0));
            }
            if let Some(found) = self.spans_indent(r.heads) {
                return found;
            }
            node = r.tail;
        }
        (0, 0)
    }

    /// Width of the first line of a lookahead when everything breaks.
    fn first_line_width(&self, rest: &Rest<'_>) -> isize {
        let mut width = 0;
        let mut pending = None;
        let mut node = Some(rest);
        while let Some(r) = node {
            if let Some(p) = r.suffix {
                return width
                    + match pending {
                        None => self.nodes[p].flw,
                        Some(Spacing::Hardspace) => self.flw_hard(p),
                        Some(_) => 0,
                    };
            }
            for &(start, end) in r.heads {
                for elem in &self.elems[start..end] {
                    match *elem {
                        Elem::Spacing(spacing) => pending = merge_into(pending, spacing),
                        _ => {
                            match pending.take() {
                                Some(Spacing::Hardspace) => width += 1,
                                Some(_) => return width,
                                None => {}
                            }
                            if let Elem::Text { kind, width: w, .. } = *elem
                                && !is_comment(kind)
                            {
                                width += w as isize;
                            }
                        }
                    }
                }
            }
            node = r.tail;
        }
        match pending {
            Some(Spacing::Hardspace) => width + 1,
            _ => width,
        }
    }

    /// Renders `spans` on one line into `out` (or only measures them when `out` is `None`)
    /// if they fit in `c` columns, and returns the rendered width. On failure, whatever was
    /// appended to `out` is left there for the caller to truncate.
    fn fits(&self, ni: isize, c: isize, spans: &[Span], out: Option<&mut String>) -> Option<usize> {
        if c < 0 {
            return None;
        }
        if self.spans_cost(spans) > c as u64 {
            return None;
        }
        let mut line = OneLine {
            ni,
            c,
            width: 0,
            out,
        };
        let mut pending = None;
        for &(start, end) in spans {
            let mut i = start;
            while i < end {
                match self.item(i) {
                    Item::Spacing(spacing) => pending = merge_into(pending, spacing),
                    Item::Text {
                        kind, width, text, ..
                    } => {
                        let text = if line.out.is_some() {
                            self.str(text)
                        } else {
                            ""
                        };
                        if !line.spacing(pending.take()) || !line.text(kind, width as usize, text) {
                            return None;
                        }
                    }
                    Item::Group { end: group_end, .. } => {
                        if !line.spacing(pending.take())
                            || self.cost((i + 1, group_end)) > line.c as u64
                        {
                            return None;
                        }
                    }
                }
                i += 1;
            }
        }
        line.spacing(pending).then_some(line.width)
    }

    /// Whether the first line of a lookahead fits in `target` columns (out of `max`),
    /// without breaking groups that fit.
    fn first_line_fits(&self, target: isize, max: isize, rest: &Rest<'_>) -> bool {
        if max < 0 {
            return false;
        }
        let mut state = FirstLineFits {
            target,
            max,
            c: max,
            pending: None,
        };
        let n = self.len();
        let end_of_document = Rest {
            heads: &[],
            tail: None,
            suffix: Some(n),
        };
        let mut node = Some(rest);
        while let Some(r) = node {
            if let Some(p) = r.suffix {
                if let Some(done) = self.first_line_fits_span(&mut state, (p, n), &end_of_document)
                {
                    return done;
                }
                break;
            }
            for (k, &span) in r.heads.iter().enumerate() {
                let after = Rest {
                    heads: &r.heads[k + 1..],
                    tail: r.tail,
                    suffix: None,
                };
                if let Some(done) = self.first_line_fits_span(&mut state, span, &after) {
                    return done;
                }
            }
            node = r.tail;
        }
        state.flush().unwrap_or_else(|| state.verdict())
    }

    /// Walks `span` (followed by `after`) for [`Self::first_line_fits`]; `Some` when the
    /// line ends inside.
    fn first_line_fits_span(
        &self,
        state: &mut FirstLineFits,
        (start, end): Span,
        after: &Rest<'_>,
    ) -> Option<bool> {
        let mut i = start;
        while i < end {
            if let Item::Spacing(spacing) = self.item(i) {
                state.pending = merge_into(state.pending, spacing);
                i += 1;
                continue;
            }
            if let Some(done) = state.flush() {
                return Some(done);
            }
            match self.item(i) {
                Item::Text {
                    kind: TextKind::Regular,
                    width,
                    ..
                } => {
                    state.c -= width as isize;
                    i += 1;
                }
                Item::Text {
                    kind: TextKind::Verbatim(_),
                    ..
                } => return Some(state.verdict()),
                Item::Group { end: group_end, .. } => {
                    let following_width = if after.suffix == Some(end) {
                        self.nodes[group_end].flw
                    } else {
                        let heads = [(group_end, end)];
                        self.first_line_width(&Rest {
                            heads: &heads,
                            tail: Some(after),
                            suffix: None,
                        })
                    };
                    match self.fits(0, state.c - following_width, &[(i + 1, group_end)], None) {
                        Some(w) => {
                            state.c -= w as isize;
                            i = group_end;
                        }
                        None => i += 1,
                    }
                }
                _ => i += 1,
            }
            if state.c < 0 {
                return Some(false);
            }
        }
        None
    }

    /// Whether a group's contents have priority children (looking through transparent
    /// groups).
    fn has_priority(&self, (start, end): Span) -> bool {
        let mut i = start;
        while i < end {
            match self.item(i) {
                Item::Group {
                    kind: GroupKind::Priority,
                    ..
                } => return true,
                Item::Group {
                    kind: GroupKind::Transparent,
                    end: group_end,
                } => {
                    if self.has_priority((i + 1, group_end)) {
                        return true;
                    }
                    i = group_end;
                }
                Item::Group { end: group_end, .. } => i = group_end,
                _ => i += 1,
            }
        }
        false
    }

    /// Splits a group's contents into segments: the contents of priority groups (`true`)
    /// and runs of other elements, with transparent groups flattened.
    fn segments(&self, (start, end): Span, out: &mut SmallVec<[(bool, Span); 8]>) {
        let mut run = start;
        let mut i = start;
        while i < end {
            match self.item(i) {
                Item::Group {
                    kind: GroupKind::Priority,
                    end: group_end,
                } => {
                    if run < i {
                        out.push((false, (run, i)));
                    }
                    out.push((true, (i + 1, group_end)));
                    run = group_end;
                    i = group_end;
                }
                Item::Group {
                    kind: GroupKind::Transparent,
                    end: group_end,
                } => {
                    if run < i {
                        out.push((false, (run, i)));
                    }
                    self.segments((i + 1, group_end), out);
                    run = group_end;
                    i = group_end;
                }
                Item::Group { end: group_end, .. } => i = group_end,
                _ => i += 1,
            }
        }
        if run < end {
            out.push((false, (run, end)));
        }
    }

    /// Turns the top-level soft spacings of `spans` into their compact form: the result
    /// is the same spans cut around them, with [`HARDSPACE`] spliced in.
    fn unexpand_spacing(&self, spans: &[Span]) -> Spans {
        let mut out = Spans::new();
        for &(start, end) in spans {
            let mut run = start;
            let mut i = start;
            while i < end {
                match self.item(i) {
                    Item::Spacing(
                        spacing @ (Spacing::Space
                        | Spacing::Softspace
                        | Spacing::Break
                        | Spacing::Softbreak),
                    ) => {
                        if run < i {
                            out.push((run, i));
                        }
                        if matches!(spacing, Spacing::Space | Spacing::Softspace) {
                            out.push(HARDSPACE);
                        }
                        run = i + 1;
                        i += 1;
                    }
                    Item::Group { end: group_end, .. } => i = group_end,
                    _ => i += 1,
                }
            }
            if run < end {
                out.push((run, end));
            }
        }
        out
    }
}

/// A line being rendered by [`Items::fits`]: `ni` and `c` as in nixfmt, `width` the
/// columns rendered so far, `out` where the text goes (nowhere when only measuring).
struct OneLine<'o> {
    ni: isize,
    c: isize,
    width: usize,
    out: Option<&'o mut String>,
}

impl OneLine<'_> {
    fn push(&mut self, text: &str) {
        if let Some(out) = self.out.as_deref_mut() {
            out.push_str(text);
        }
    }

    /// A (merged) run of spacings; `false` when the line cannot go on.
    fn spacing(&mut self, spacing: Option<Spacing>) -> bool {
        match spacing {
            None | Some(Spacing::Softbreak | Spacing::Break) => true,
            Some(Spacing::Softspace | Spacing::Space | Spacing::Hardspace) => {
                self.ni -= 1;
                self.c -= 1;
                self.width += 1;
                self.push(" ");
                self.c >= 0
            }
            Some(_) => false,
        }
    }

    /// A text; `false` when the line cannot go on.
    fn text(&mut self, kind: TextKind, width: usize, text: &str) -> bool {
        match kind {
            TextKind::Regular => {
                self.ni -= width as isize;
                self.c -= width as isize;
                self.width += width;
                self.push(text);
            }
            TextKind::Comment => {
                self.width += width;
                self.push(text);
            }
            TextKind::TrailingComment => {
                if self.ni == 0 {
                    self.width += 1;
                    self.push(" ");
                }
                self.width += width;
                self.push(text);
            }
            TextKind::Trailing => {}
            TextKind::DisableMarker | TextKind::Verbatim(_) | TextKind::RawText => return false,
        }
        self.c >= 0
    }
}

/// The walk of [`Items::first_line_fits`].
struct FirstLineFits {
    target: isize,
    max: isize,
    c: isize,
    pending: Option<Spacing>,
}

impl FirstLineFits {
    fn verdict(&self) -> bool {
        self.max - self.c <= self.target
    }

    /// Hands over a pending run of spacings; `Some` when the line ends there.
    fn flush(&mut self) -> Option<bool> {
        match self.pending.take() {
            None => None,
            Some(Spacing::Hardspace) => {
                self.c -= 1;
                (self.c < 0).then_some(false)
            }
            Some(_) => Some(self.verdict()),
        }
    }
}

/// Spaces for indentation, copied in chunks.
const SPACES: &str = "                                                                ";

struct Printer<'d> {
    doc: &'d Items,
    width: isize,
    indent_width: usize,
    cc: usize,
    indents: Vec<(usize, usize)>,
    suppress: bool,
    out: String,
}

struct Saved {
    cc: usize,
    indents: SmallVec<[(usize, usize); 16]>,
    suppress: bool,
    out_len: usize,
}

impl Printer<'_> {
    fn save(&self) -> Saved {
        Saved {
            cc: self.cc,
            indents: SmallVec::from_slice(&self.indents),
            suppress: self.suppress,
            out_len: self.out.len(),
        }
    }

    fn restore(&mut self, saved: Saved) {
        self.cc = saved.cc;
        self.indents.clear();
        self.indents.extend_from_slice(&saved.indents);
        self.suppress = saved.suppress;
        self.out.truncate(saved.out_len);
    }

    fn top(&self) -> (usize, usize) {
        *self
            .indents
            .last()
            .expect("indentation stack is never empty")
    }

    fn emit(&mut self, text: &str) {
        if !self.suppress {
            self.out.push_str(text);
        }
    }

    /// Where one-line groups are rendered: nowhere while suppressed.
    fn sink(&mut self) -> Option<&mut String> {
        (!self.suppress).then_some(&mut self.out)
    }

    fn put_spaces(&mut self, mut n: usize) {
        if self.suppress {
            return;
        }
        while n > 0 {
            let chunk = n.min(SPACES.len());
            self.out.push_str(&SPACES[..chunk]);
            n -= chunk;
        }
    }

    /// The indentation stack update for a text at nesting `level`.
    fn enter_level(&mut self, level: usize) {
        loop {
            let (indent, top_level) = self.top();
            if level > top_level {
                let new_indent = if self.cc == 0 {
                    indent + self.indent_width
                } else {
                    indent
                };
                self.indents.push((new_indent, level));
                break;
            } else if level < top_level && self.indents.len() > 1 {
                self.indents.pop();
            } else {
                break;
            }
        }
    }

    /// The indentation [`Self::enter_level`] would leave on top, without changing anything.
    fn indent_for(&self, level: usize) -> usize {
        let mut index = self.indents.len() - 1;
        loop {
            let (indent, top_level) = self.indents[index];
            if level > top_level {
                return if self.cc == 0 {
                    indent + self.indent_width
                } else {
                    indent
                };
            } else if level < top_level && index > 0 {
                index -= 1;
            } else {
                return indent;
            }
        }
    }

    fn put_text(
        &mut self,
        level: usize,
        offset: usize,
        text: &str,
        width: usize,
        with_indent: bool,
    ) {
        self.enter_level(level);
        let (indent, _) = self.top();
        let cc = self.cc;
        self.cc = if with_indent {
            cc + width
        } else {
            (cc + width).max(1)
        };
        if cc == 0 && with_indent {
            self.put_spaces(indent + offset);
        }
        self.emit(text);
    }

    fn put_plain(&mut self, text: &str, width: usize) {
        self.cc += width;
        self.emit(text);
    }

    fn put_newlines(&mut self, n: usize) {
        self.cc = 0;
        if !self.suppress {
            for _ in 0..n {
                self.out.push('\n');
            }
        }
    }

    /// Lays out the siblings of `span`, followed by `rest`.
    fn go(&mut self, (start, end): Span, rest: &Rest<'_>) {
        let mut i = start;
        while i < end {
            let next = self.doc.next_sibling(i);
            let heads = [(next, end)];
            let following = Rest {
                heads: &heads,
                tail: Some(rest),
                suffix: (rest.suffix == Some(end)).then_some(next),
            };
            self.go_one(i, &following);
            i = next;
        }
    }

    fn go_one(&mut self, i: usize, rest: &Rest<'_>) {
        let doc = self.doc;
        match doc.item(i) {
            Item::Text {
                kind: TextKind::TrailingComment,
                text,
                width,
                ..
            } if self.cc == 2 && doc.next_indent(rest).0 > self.top().1 => {
                self.put_plain(" ", 1);
                self.put_plain(doc.str(text), width as usize);
            }
            Item::Text {
                kind: TextKind::DisableMarker,
                ..
            } => self.suppress = true,
            Item::Text {
                kind: TextKind::RawText,
                level,
                offset,
                text,
                width,
            } => self.put_text(
                level as usize,
                offset as usize,
                doc.str(text),
                width as usize,
                false,
            ),
            Item::Text {
                kind: TextKind::Verbatim(_),
                text,
                ..
            } => {
                let text = doc.str(text);
                let last_line = text.rsplit('\n').next().unwrap_or("");
                let needs_newline = !(self.cc == 0 || self.suppress);
                self.cc = text_width(last_line);
                self.suppress = false;
                if needs_newline {
                    self.out.push('\n');
                }
                self.out.push_str(text);
            }
            Item::Text {
                level,
                offset,
                text,
                width,
                ..
            } => self.put_text(
                level as usize,
                offset as usize,
                doc.str(text),
                width as usize,
                true,
            ),
            Item::Spacing(spacing) => {
                if self.cc == 0 {
                    return;
                }
                let cc = self.cc as isize;
                match spacing {
                    Spacing::Break | Spacing::Space | Spacing::Hardline => self.put_newlines(1),
                    Spacing::Hardspace => self.put_plain(" ", 1),
                    Spacing::Emptyline => self.put_newlines(2),
                    Spacing::Newlines(n) => self.put_newlines(n),
                    Spacing::Softbreak => {
                        if !doc.first_line_fits(self.width - cc, self.width, rest) {
                            self.put_newlines(1);
                        }
                    }
                    Spacing::Softspace => {
                        if doc.first_line_fits(self.width - cc - 1, self.width, rest) {
                            self.put_plain(" ", 1);
                        } else {
                            self.put_newlines(1);
                        }
                    }
                }
            }
            Item::Group { kind, end } => {
                let ys = (i + 1, end);
                if self.go_group_parts(&[ys], rest) {
                    return;
                }
                if kind != GroupKind::Transparent && doc.has_priority(ys) {
                    let mut segs = SmallVec::<[(bool, Span); 8]>::new();
                    doc.segments(ys, &mut segs);
                    // Priority groups are tried last to first.
                    for index in (0..segs.len()).rev() {
                        let (is_priority, prio) = segs[index];
                        if !is_priority {
                            continue;
                        }
                        let pre: Spans = segs[..index].iter().map(|(_, c)| *c).collect();
                        let post: Spans = segs[index + 1..].iter().map(|(_, c)| *c).collect();
                        if self.go_priority_group(&pre, prio, &post, rest) {
                            return;
                        }
                    }
                }
                self.go(ys, rest);
            }
        }
    }

    fn go_priority_group(
        &mut self,
        pre: &[Span],
        prio: Span,
        post: &[Span],
        rest: &Rest<'_>,
    ) -> bool {
        let saved = self.save();
        let mut heads = Spans::with_capacity(post.len() + 1);
        heads.push(prio);
        heads.extend_from_slice(post);
        let prio_rest = Rest {
            heads: &heads,
            tail: Some(rest),
            suffix: None,
        };
        if !self.go_group_parts(pre, &prio_rest) {
            self.restore(saved);
            return false;
        }
        let unexpanded = self.doc.unexpand_spacing(post);
        let unexpanded_rest = Rest {
            heads: &unexpanded,
            tail: Some(rest),
            suffix: None,
        };
        self.go(prio, &unexpanded_rest);
        if !self.go_group_parts(post, rest) {
            self.restore(saved);
            return false;
        }
        true
    }

    /// Tries to print the concatenation of `parts` on the current line; on failure
    /// nothing changes.
    fn go_group_parts(&mut self, parts: &[Span], rest: &Rest<'_>) -> bool {
        let Some(first_part) = parts.iter().position(|&(start, end)| start < end) else {
            return true;
        };
        let doc = self.doc;
        let parts = &parts[first_part..];
        let (start, end) = parts[0];
        let (indent_width, width) = (self.indent_width as isize, self.width);
        let out_len = self.out.len();
        let rendered = if self.cc == 0 {
            // Drop a leading spacing: we are at the start of a line.
            let mut line = Spans::new();
            match doc.item(start) {
                Item::Spacing(_) => line.push((start + 1, end)),
                Item::Group { end: group_end, .. }
                    if start + 1 < group_end && matches!(doc.item(start + 1), Item::Spacing(_)) =>
                {
                    line.push((start + 2, group_end));
                    line.push((group_end, end));
                }
                _ => line.push((start, end)),
            }
            line.extend_from_slice(&parts[1..]);
            // What the line needs at least does not fit even with nothing after it: no need
            // to measure what follows.
            if doc.spans_cost(&line) > width.max(0) as u64 {
                return false;
            }
            let rest_width = doc.first_line_width(rest);
            let rest_indent = doc.next_indent(rest).0;
            let (nl, off) = doc.spans_indent(&line).unwrap_or((0, 0));
            let last_line_nl = self.top().1;
            let line_nl = last_line_nl
                + if nl > last_line_nl {
                    self.indent_width
                } else {
                    0
                };
            let will_increase = if rest_indent > line_nl {
                indent_width
            } else {
                0
            };
            let available = width - rest_width;
            if available < 0 || doc.spans_cost(&line) > available as u64 {
                return false;
            }
            // The line is rendered in place, after its indentation, and removed on failure.
            self.put_spaces(self.indent_for(nl) + off);
            let rendered = doc.fits(will_increase, available, &line, self.sink());
            if rendered.is_some() {
                self.enter_level(nl);
            }
            rendered
        } else {
            let cc = self.cc as isize;
            // As above: too long even with nothing after it.
            if doc.spans_cost(parts) > (width - cc).max(0) as u64 {
                return false;
            }
            let rest_width = doc.first_line_width(rest);
            let rest_indent = doc.next_indent(rest).0;
            let will_increase = if rest_indent > self.top().1 {
                indent_width
            } else {
                0
            };
            doc.fits(
                will_increase - cc,
                width - cc - rest_width,
                parts,
                self.sink(),
            )
        };
        match rendered {
            Some(w) => {
                self.cc += w;
                true
            }
            None => {
                self.out.truncate(out_len);
                false
            }
        }
    }
}

/// Lays out a (fixed-up) document greedily and returns the raw text (not yet stripped).
pub fn layout(doc: Doc, width: usize, indent_width: usize) -> String {
    layout_flat(FlatDoc::from_doc(&doc), width, indent_width)
}

/// [`layout`] of a document in flat form (as the fixing builder makes it).
pub fn layout_flat(doc: FlatDoc, width: usize, indent_width: usize) -> String {
    let items = Items::new(doc);
    let mut printer = Printer {
        doc: &items,
        width: width as isize,
        indent_width,
        cc: 0,
        indents: vec![(0, 0)],
        suppress: false,
        out: String::with_capacity(items.text.len() + items.text.len() / 2 + 64),
    };
    let n = items.len();
    let end_of_document = Rest {
        heads: &[],
        tail: None,
        suffix: Some(n),
    };
    printer.go((1, n), &end_of_document);
    printer.out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nix::format::doc::*;

    fn render(doc: Doc, width: usize) -> String {
        layout(fixup(doc), width, 2)
    }

    #[test]
    fn a_group_stays_on_one_line_when_it_fits() {
        let doc = group(concat([
            text("["),
            line(),
            nest(text("a")),
            line(),
            text("]"),
        ]));
        assert_eq!(render(doc.clone(), 80), "[ a ]");
        assert_eq!(render(doc, 3), "[\n  a\n]");
    }

    #[test]
    fn width_does_not_count_indentation() {
        // The inner line is 4 columns wide plus 2 of indentation: fits in 4.
        let inner = group(concat([text("ab"), line(), text("c")]));
        let doc = group(concat([text("x"), hardline(), nest(inner)]));
        assert_eq!(render(doc, 4), "x\n  ab c");
    }

    #[test]
    fn the_last_priority_group_is_expanded_first() {
        let argument = |name: &str| {
            group_kind(
                GroupKind::Priority,
                concat([text("{"), line(), nest(text(name)), line(), text("}")]),
            )
        };
        let doc = group(concat([
            text("f"),
            line(),
            nest(argument("first")),
            line(),
            nest(argument("second")),
        ]));
        assert_eq!(render(doc, 20), "f { first } {\n  second\n}");
    }

    #[test]
    fn indentation_increases_one_step_per_line() {
        let doc = concat([
            text("a"),
            nest(nest(concat([text("b"), hardline(), text("c")]))),
        ]);
        assert_eq!(render(doc, 80), "ab\n  c");
    }

    #[test]
    fn softline_breaks_only_when_the_rest_of_the_line_does_not_fit() {
        let doc = group(concat([
            text("aaaa"),
            hardline(),
            text("bb"),
            softline(),
            text("cc"),
        ]));
        assert_eq!(render(doc.clone(), 5), "aaaa\nbb cc");
        assert_eq!(render(doc, 4), "aaaa\nbb\ncc");
    }

    #[test]
    fn trailing_comments_cost_nothing() {
        let doc = group(concat([
            text("a"),
            line(),
            text("b"),
            trailing_comment("# a long comment"),
        ]));
        assert_eq!(render(doc, 3), "a b# a long comment");
    }
}
