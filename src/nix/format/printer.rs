//! The layout engine: nixfmt's greedy algorithm over a [`Doc`]. It knows nothing about Nix.
//!
//! State: the current column `cc` (not counting indentation) and a stack of
//! `(indentation, nesting level)` pairs. A group is printed on one line when it fits
//! together with the following text up to the next possible break; otherwise its priority
//! children are tried (last first), and otherwise it is dissolved.

use smallvec::SmallVec;

use super::doc::{Doc, DocE, GroupKind, Spacing, TextKind, merge_spacings, text_width};

/// Lookahead: the elements following the one being printed, as a chain of slices.
#[derive(Clone, Copy)]
struct Rest<'a> {
    heads: &'a [&'a [DocE]],
    tail: Option<&'a Rest<'a>>,
}

/// A lone hard space, spliced into sequences by [`unexpand_spacing`].
static HARDSPACE: [DocE; 1] = [DocE::Spacing(Spacing::Hardspace)];

/// A few slices walked one after the other (a group's parts).
type Parts<'a> = SmallVec<[&'a [DocE]; 4]>;

/// What a walk sees: a text, or a run of adjacent spacings merged into one.
enum Leaf<'a> {
    Text(TextKind, &'a str),
    Spacing(Spacing),
}

/// Receives the leaves of a walk; returning `false` stops it.
trait Visit<'a> {
    fn leaf(&mut self, leaf: Leaf<'a>) -> bool;
}

/// Walks slices in order, entering groups, and hands each text and each run of spacings
/// (merged) to a visitor. A run of spacings continues past the end of a group or slice
/// but not into the start of a group: the group's first spacing begins a new run.
struct Walk<V> {
    pending: Option<Spacing>,
    visit: V,
}

impl<'a, V: Visit<'a>> Walk<V> {
    fn new(visit: V) -> Self {
        Walk {
            pending: None,
            visit,
        }
    }

    fn flush(&mut self) -> bool {
        match self.pending.take() {
            Some(spacing) => self.visit.leaf(Leaf::Spacing(spacing)),
            None => true,
        }
    }

    fn slice(&mut self, xs: &'a [DocE]) -> bool {
        for x in xs {
            match x {
                DocE::Spacing(s) => {
                    self.pending = Some(match self.pending {
                        Some(p) => merge_spacings(p, *s),
                        None => *s,
                    });
                }
                DocE::Text { kind, text, .. } => {
                    if !self.flush() || !self.visit.leaf(Leaf::Text(*kind, text)) {
                        return false;
                    }
                }
                DocE::Group(_, inner) => {
                    if !self.flush() || !self.slice(inner) {
                        return false;
                    }
                }
            }
        }
        true
    }

    fn parts(&mut self, parts: &[&'a [DocE]]) -> bool {
        parts.iter().all(|part| self.slice(part))
    }

    fn rest(&mut self, mut rest: Option<&'a Rest<'a>>) -> bool {
        while let Some(r) = rest {
            if !self.parts(r.heads) {
                return false;
            }
            rest = r.tail;
        }
        true
    }

    /// Ends the walk (hands over a last run of spacings) and returns the visitor.
    fn finish(mut self) -> V {
        self.flush();
        self.visit
    }
}

/// One-line rendering for [`fits`]: `ni` and `c` as in nixfmt, `width` the columns
/// rendered so far, `out` where the text goes (nowhere when only measuring).
struct Fits<'o> {
    ni: isize,
    c: isize,
    width: usize,
    out: Option<&'o mut String>,
    failed: bool,
}

impl Fits<'_> {
    fn push(&mut self, text: &str) {
        if let Some(out) = self.out.as_deref_mut() {
            out.push_str(text);
        }
    }
}

impl<'a> Visit<'a> for Fits<'_> {
    fn leaf(&mut self, leaf: Leaf<'a>) -> bool {
        match leaf {
            Leaf::Text(kind, t) => match kind {
                TextKind::Regular => {
                    let w = text_width(t);
                    self.ni -= w as isize;
                    self.c -= w as isize;
                    self.width += w;
                    self.push(t);
                }
                TextKind::Comment => {
                    self.width += text_width(t);
                    self.push(t);
                }
                TextKind::TrailingComment => {
                    if self.ni == 0 {
                        self.width += 1;
                        self.push(" ");
                    }
                    self.width += text_width(t);
                    self.push(t);
                }
                TextKind::Trailing => {}
                TextKind::DisableMarker | TextKind::Verbatim(_) | TextKind::RawText => {
                    self.failed = true;
                }
            },
            Leaf::Spacing(s) => match s {
                Spacing::Softbreak | Spacing::Break => {}
                Spacing::Softspace | Spacing::Space | Spacing::Hardspace => {
                    self.ni -= 1;
                    self.c -= 1;
                    self.width += 1;
                    self.push(" ");
                }
                _ => self.failed = true,
            },
        }
        if self.c < 0 {
            self.failed = true;
        }
        !self.failed
    }
}

/// Renders `parts` on one line into `out` (or only measures them when `out` is `None`) if
/// they fit in `c` columns, and returns the rendered width. On failure, whatever was
/// appended to `out` is left there for the caller to truncate.
fn fits(ni: isize, c: isize, parts: &[&[DocE]], out: Option<&mut String>) -> Option<usize> {
    if c < 0 {
        return None;
    }
    let mut walk = Walk::new(Fits {
        ni,
        c,
        width: 0,
        out,
        failed: false,
    });
    walk.parts(parts);
    let state = walk.finish();
    (!state.failed).then_some(state.width)
}

/// [`first_line_width`]'s visitor.
struct FirstLineWidth(isize);

impl<'a> Visit<'a> for FirstLineWidth {
    fn leaf(&mut self, leaf: Leaf<'a>) -> bool {
        match leaf {
            Leaf::Text(TextKind::Comment | TextKind::TrailingComment, _) => true,
            Leaf::Text(_, t) => {
                self.0 += text_width(t) as isize;
                true
            }
            Leaf::Spacing(Spacing::Hardspace) => {
                self.0 += 1;
                true
            }
            Leaf::Spacing(_) => false,
        }
    }
}

/// Width of the first line of `rest` when everything breaks.
fn first_line_width<'a>(rest: Option<&'a Rest<'a>>) -> isize {
    let mut walk = Walk::new(FirstLineWidth(0));
    walk.rest(rest);
    walk.finish().0
}

/// Nesting level and offset of the first text of `xs`.
fn first_indent(xs: &[DocE]) -> Option<(usize, usize)> {
    xs.iter().find_map(|x| match x {
        DocE::Text { level, offset, .. } => Some((*level, *offset)),
        DocE::Group(_, inner) => first_indent(inner),
        DocE::Spacing(_) => None,
    })
}

/// Nesting level and offset of the first text of `parts`.
fn parts_indent(parts: &[&[DocE]]) -> Option<(usize, usize)> {
    parts.iter().find_map(|part| first_indent(part))
}

/// Nesting level and offset of the first text of `rest`, or `(0, 0)`.
fn next_indent(mut rest: Option<&Rest<'_>>) -> (usize, usize) {
    while let Some(r) = rest {
        if let Some(found) = parts_indent(r.heads) {
            return found;
        }
        rest = r.tail;
    }
    (0, 0)
}

/// Whether the first line of a lookahead fits in `target` columns, without breaking groups
/// that fit: the walk of [`first_line_fits`].
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

    /// Walks `xs`, followed by `after`; `Some` when the line ends inside.
    fn slice<'a>(&mut self, xs: &'a [DocE], after: Option<&'a Rest<'a>>) -> Option<bool> {
        for (index, x) in xs.iter().enumerate() {
            if let DocE::Spacing(s) = x {
                self.pending = Some(match self.pending {
                    Some(p) => merge_spacings(p, *s),
                    None => *s,
                });
                continue;
            }
            if let Some(done) = self.flush() {
                return Some(done);
            }
            match x {
                DocE::Text {
                    kind: TextKind::Regular,
                    text,
                    ..
                } => self.c -= text_width(text) as isize,
                DocE::Text {
                    kind: TextKind::Verbatim(_),
                    ..
                } => return Some(self.verdict()),
                DocE::Group(_, inner) => {
                    let heads = [&xs[index + 1..]];
                    let following = Rest {
                        heads: &heads,
                        tail: after,
                    };
                    let following_width = first_line_width(Some(&following));
                    match fits(0, self.c - following_width, &[inner], None) {
                        None => {
                            if let Some(done) = self.slice(inner, Some(&following)) {
                                return Some(done);
                            }
                        }
                        Some(w) => self.c -= w as isize,
                    }
                }
                _ => {}
            }
            if self.c < 0 {
                return Some(false);
            }
        }
        None
    }
}

/// Whether the first line of `rest` fits in `target` columns (out of `max`), without
/// breaking groups that fit.
fn first_line_fits(target: isize, max: isize, rest: &Rest<'_>) -> bool {
    if max < 0 {
        return false;
    }
    let mut state = FirstLineFits {
        target,
        max,
        c: max,
        pending: None,
    };
    let mut node = Some(rest);
    while let Some(r) = node {
        for (index, head) in r.heads.iter().enumerate() {
            let after = Rest {
                heads: &r.heads[index + 1..],
                tail: r.tail,
            };
            if let Some(done) = state.slice(head, Some(&after)) {
                return done;
            }
        }
        node = r.tail;
    }
    state.flush().unwrap_or_else(|| state.verdict())
}

/// Turns the top-level soft spacings of `parts` into their compact form, without copying:
/// the result is a list of slices of the input with [`HARDSPACE`] spliced in.
fn unexpand_spacing<'a>(parts: &[&'a [DocE]]) -> Vec<&'a [DocE]> {
    let mut out = Vec::with_capacity(parts.len() + 2);
    for part in parts {
        let mut start = 0;
        for (index, element) in part.iter().enumerate() {
            if let DocE::Spacing(spacing) = element {
                let replacement: Option<&'a [DocE]> = match spacing {
                    Spacing::Space | Spacing::Softspace => Some(&HARDSPACE),
                    Spacing::Break | Spacing::Softbreak => None,
                    _ => continue,
                };
                if start < index {
                    out.push(&part[start..index]);
                }
                out.extend(replacement);
                start = index + 1;
            }
        }
        if start < part.len() {
            out.push(&part[start..]);
        }
    }
    out
}

/// Whether a group has priority children (looking through transparent groups).
fn has_priority(doc: &[DocE]) -> bool {
    doc.iter().any(|element| match element {
        DocE::Group(GroupKind::Priority, _) => true,
        DocE::Group(GroupKind::Transparent, inner) => has_priority(inner),
        _ => false,
    })
}

/// Splits a group's children into segments: the contents of priority groups (`true`) and
/// runs of other elements, with transparent groups flattened. All borrowed.
fn segments<'a>(doc: &'a [DocE], out: &mut SmallVec<[(bool, &'a [DocE]); 8]>) {
    let mut start = 0;
    for (index, element) in doc.iter().enumerate() {
        match element {
            DocE::Group(GroupKind::Priority, inner) => {
                if start < index {
                    out.push((false, &doc[start..index]));
                }
                out.push((true, inner));
                start = index + 1;
            }
            DocE::Group(GroupKind::Transparent, inner) => {
                if start < index {
                    out.push((false, &doc[start..index]));
                }
                segments(inner, out);
                start = index + 1;
            }
            _ => {}
        }
    }
    if start < doc.len() {
        out.push((false, &doc[start..]));
    }
}

/// Spaces for indentation, copied in chunks.
const SPACES: &str = "                                                                ";

struct Printer {
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

impl Printer {
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

    /// Where [`Self::put_text`] sends the text of one-line groups: nowhere while suppressed.
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

    fn put_text(&mut self, level: usize, offset: usize, text: &str, with_indent: bool) {
        self.enter_level(level);
        let (indent, _) = self.top();
        let cc = self.cc;
        let width = text_width(text);
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

    fn put_plain(&mut self, text: &str) {
        self.cc += text_width(text);
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

    fn go(&mut self, xs: &[DocE], rest: &Rest<'_>) {
        for index in 0..xs.len() {
            let heads = [&xs[index + 1..]];
            let following = Rest {
                heads: &heads,
                tail: Some(rest),
            };
            self.go_one(&xs[index], &following);
        }
    }

    fn go_one(&mut self, x: &DocE, rest: &Rest<'_>) {
        match x {
            DocE::Text {
                kind: TextKind::TrailingComment,
                text,
                ..
            } if self.cc == 2 && next_indent(Some(rest)).0 > self.top().1 => {
                self.put_plain(" ");
                self.put_plain(text);
            }
            DocE::Text {
                kind: TextKind::DisableMarker,
                ..
            } => self.suppress = true,
            DocE::Text {
                kind: TextKind::RawText,
                level,
                offset,
                text,
            } => self.put_text(*level, *offset, text, false),
            DocE::Text {
                kind: TextKind::Verbatim(_),
                text,
                ..
            } => {
                let last_line = text.rsplit('\n').next().unwrap_or("");
                let needs_newline = !(self.cc == 0 || self.suppress);
                self.cc = text_width(last_line);
                self.suppress = false;
                if needs_newline {
                    self.out.push('\n');
                }
                self.out.push_str(text);
            }
            DocE::Text {
                level,
                offset,
                text,
                ..
            } => self.put_text(*level, *offset, text, true),
            DocE::Spacing(spacing) => {
                if self.cc == 0 {
                    return;
                }
                let cc = self.cc as isize;
                match spacing {
                    Spacing::Break | Spacing::Space | Spacing::Hardline => self.put_newlines(1),
                    Spacing::Hardspace => self.put_plain(" "),
                    Spacing::Emptyline => self.put_newlines(2),
                    Spacing::Newlines(n) => self.put_newlines(*n),
                    Spacing::Softbreak => {
                        if !first_line_fits(self.width - cc, self.width, rest) {
                            self.put_newlines(1);
                        }
                    }
                    Spacing::Softspace => {
                        if first_line_fits(self.width - cc - 1, self.width, rest) {
                            self.put_plain(" ");
                        } else {
                            self.put_newlines(1);
                        }
                    }
                }
            }
            DocE::Group(kind, ys) => {
                if self.go_group(ys, rest) {
                    return;
                }
                if *kind != GroupKind::Transparent && has_priority(ys) {
                    let mut segs = SmallVec::<[(bool, &[DocE]); 8]>::new();
                    segments(ys, &mut segs);
                    // Priority groups are tried last to first.
                    for index in (0..segs.len()).rev() {
                        let (is_priority, prio) = segs[index];
                        if !is_priority {
                            continue;
                        }
                        let pre: Parts = segs[..index].iter().map(|(_, c)| *c).collect();
                        let post: Parts = segs[index + 1..].iter().map(|(_, c)| *c).collect();
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
        pre: &[&[DocE]],
        prio: &[DocE],
        post: &[&[DocE]],
        rest: &Rest<'_>,
    ) -> bool {
        let saved = self.save();
        let mut heads: Parts = SmallVec::with_capacity(post.len() + 1);
        heads.push(prio);
        heads.extend_from_slice(post);
        let prio_rest = Rest {
            heads: &heads,
            tail: Some(rest),
        };
        if !self.go_group_parts(pre, &prio_rest) {
            self.restore(saved);
            return false;
        }
        let unexpanded = unexpand_spacing(post);
        let unexpanded_rest = Rest {
            heads: &unexpanded,
            tail: Some(rest),
        };
        self.go(prio, &unexpanded_rest);
        if !self.go_group_parts(post, rest) {
            self.restore(saved);
            return false;
        }
        true
    }

    /// Tries to print `grp` on the current line; on failure nothing changes.
    fn go_group(&mut self, grp: &[DocE], rest: &Rest<'_>) -> bool {
        self.go_group_parts(&[grp], rest)
    }

    /// [`Self::go_group`] on the concatenation of `parts`.
    fn go_group_parts(&mut self, parts: &[&[DocE]], rest: &Rest<'_>) -> bool {
        let Some(first_part) = parts.iter().position(|p| !p.is_empty()) else {
            return true;
        };
        let parts = &parts[first_part..];
        let grp = parts[0];
        let (indent_width, width) = (self.indent_width as isize, self.width);
        let rest_width = first_line_width(Some(rest));
        let rest_indent = next_indent(Some(rest)).0;
        let start = self.out.len();
        let rendered = if self.cc == 0 {
            // Drop a leading spacing: we are at the start of a line.
            let mut line: Parts = SmallVec::new();
            match &grp[0] {
                DocE::Spacing(_) => line.push(&grp[1..]),
                DocE::Group(_, inner) if matches!(inner.first(), Some(DocE::Spacing(_))) => {
                    line.push(&inner[1..]);
                    line.push(&grp[1..]);
                }
                _ => line.push(grp),
            }
            line.extend_from_slice(&parts[1..]);
            let (nl, off) = parts_indent(&line).unwrap_or((0, 0));
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
            // The line is rendered in place, after its indentation, and removed on failure.
            self.put_spaces(self.indent_for(nl) + off);
            let rendered = fits(will_increase, width - rest_width, &line, self.sink());
            if rendered.is_some() {
                self.enter_level(nl);
            }
            rendered
        } else {
            let cc = self.cc as isize;
            let will_increase = if rest_indent > self.top().1 {
                indent_width
            } else {
                0
            };
            fits(
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
                self.out.truncate(start);
                false
            }
        }
    }
}

/// Lays out a (fixed-up) document greedily and returns the raw text (not yet stripped).
pub fn layout(doc: Doc, width: usize, indent_width: usize) -> String {
    let mut printer = Printer {
        width: width as isize,
        indent_width,
        cc: 0,
        indents: vec![(0, 0)],
        suppress: false,
        out: String::new(),
    };
    let whole = vec![DocE::Group(GroupKind::Regular, doc)];
    let rest = Rest {
        heads: &[],
        tail: None,
    };
    printer.go(&whole, &rest);
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
