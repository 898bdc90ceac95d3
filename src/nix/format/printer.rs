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

/// A cursor over a sequence of elements (a stack of slices plus a lookahead chain).
#[derive(Clone)]
struct Flat<'a> {
    stack: SmallVec<[&'a [DocE]; 16]>,
    rest: Option<&'a Rest<'a>>,
}

impl<'a> Flat<'a> {
    fn new(first: &'a [DocE], rest: Option<&'a Rest<'a>>) -> Self {
        let mut stack = SmallVec::new();
        stack.push(first);
        Flat { stack, rest }
    }

    /// A cursor over the concatenation of `parts`.
    fn from_parts(parts: &[&'a [DocE]]) -> Self {
        let mut stack = SmallVec::new();
        stack.extend(parts.iter().rev().copied());
        Flat { stack, rest: None }
    }

    fn of_rest(rest: &'a Rest<'a>) -> Self {
        Flat {
            stack: SmallVec::new(),
            rest: Some(rest),
        }
    }

    /// The next element, without entering groups.
    fn next_raw(&mut self) -> Option<&'a DocE> {
        loop {
            if let Some(top) = self.stack.last_mut() {
                if let Some((first, remaining)) = top.split_first() {
                    *top = remaining;
                    return Some(first);
                }
                self.stack.pop();
            } else if let Some(rest) = self.rest {
                self.stack.extend(rest.heads.iter().rev().copied());
                self.rest = rest.tail;
            } else {
                return None;
            }
        }
    }

    /// Peeks the next element, without entering groups.
    fn peek_raw(&self) -> Option<&'a DocE> {
        for slice in self.stack.iter().rev() {
            if let Some(first) = slice.first() {
                return Some(first);
            }
        }
        let mut rest = self.rest;
        while let Some(r) = rest {
            for head in r.heads {
                if let Some(first) = head.first() {
                    return Some(first);
                }
            }
            rest = r.tail;
        }
        None
    }

    fn enter(&mut self, inner: &'a [DocE]) {
        self.stack.push(inner);
    }

    /// Takes a spacing and merges the directly following spacings into it.
    fn merged_spacing(&mut self, first: Spacing) -> Spacing {
        let mut spacing = first;
        while let Some(DocE::Spacing(next)) = self.peek_raw() {
            spacing = merge_spacings(spacing, *next);
            self.next_raw();
        }
        spacing
    }

    /// The next text or (merged) spacing, entering groups.
    fn next_leaf(&mut self) -> Option<Leaf<'a>> {
        loop {
            match self.next_raw()? {
                DocE::Group(_, inner) => self.enter(inner),
                DocE::Spacing(s) => return Some(Leaf::Spacing(self.merged_spacing(*s))),
                DocE::Text {
                    level,
                    offset,
                    kind,
                    text,
                } => {
                    return Some(Leaf::Text(*level, *offset, *kind, text));
                }
            }
        }
    }
}

enum Leaf<'a> {
    Text(usize, usize, TextKind, &'a str),
    Spacing(Spacing),
}

/// Renders `flat` on one line if it fits in `c` columns.
fn fits(mut ni: isize, mut c: isize, mut flat: Flat<'_>) -> Option<String> {
    let mut out = String::new();
    loop {
        if c < 0 {
            return None;
        }
        let Some(leaf) = flat.next_leaf() else {
            return Some(out);
        };
        match leaf {
            Leaf::Text(_, _, kind, t) => match kind {
                TextKind::Regular => {
                    let w = text_width(t) as isize;
                    ni -= w;
                    c -= w;
                    out.push_str(t);
                }
                TextKind::Comment => out.push_str(t),
                TextKind::TrailingComment => {
                    if ni == 0 {
                        out.push(' ');
                    }
                    out.push_str(t);
                }
                TextKind::Trailing => {}
                TextKind::DisableMarker | TextKind::Verbatim(_) | TextKind::RawText => {
                    return None;
                }
            },
            Leaf::Spacing(s) => match s {
                Spacing::Softbreak | Spacing::Break => {}
                Spacing::Softspace | Spacing::Space | Spacing::Hardspace => {
                    out.push(' ');
                    ni -= 1;
                    c -= 1;
                }
                _ => return None,
            },
        }
    }
}

/// Width of the first line when everything breaks.
fn first_line_width(mut flat: Flat<'_>) -> isize {
    let mut width = 0;
    while let Some(leaf) = flat.next_leaf() {
        match leaf {
            Leaf::Text(_, _, TextKind::Comment | TextKind::TrailingComment, _) => {}
            Leaf::Text(_, _, _, t) => width += text_width(t) as isize,
            Leaf::Spacing(Spacing::Hardspace) => width += 1,
            Leaf::Spacing(_) => return width,
        }
    }
    width
}

/// Whether the first line of `flat` fits in `target` columns, without breaking groups
/// that fit.
fn first_line_fits(target: isize, max: isize, mut flat: Flat<'_>) -> bool {
    let mut c = max;
    loop {
        if c < 0 {
            return false;
        }
        let Some(element) = flat.next_raw() else {
            return max - c <= target;
        };
        match element {
            DocE::Text {
                kind: TextKind::Regular,
                text,
                ..
            } => c -= text_width(text) as isize,
            DocE::Text {
                kind: TextKind::Verbatim(_),
                ..
            } => return max - c <= target,
            DocE::Text { .. } => {}
            DocE::Spacing(s) => match flat.merged_spacing(*s) {
                Spacing::Hardspace => c -= 1,
                _ => return max - c <= target,
            },
            DocE::Group(_, inner) => {
                let following = first_line_width(flat.clone());
                match fits(0, c - following, Flat::new(inner, None)) {
                    None => flat.enter(inner),
                    Some(t) => c -= text_width(&t) as isize,
                }
            }
        }
    }
}

/// Nesting level and offset of the first text.
fn next_indent(mut flat: Flat<'_>) -> (usize, usize) {
    while let Some(leaf) = flat.next_leaf() {
        if let Leaf::Text(level, offset, _, _) = leaf {
            return (level, offset);
        }
    }
    (0, 0)
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
fn segments<'a>(doc: &'a [DocE], out: &mut Vec<(bool, &'a [DocE])>) {
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
    indents: Vec<(usize, usize)>,
    suppress: bool,
    out_len: usize,
}

impl Printer {
    fn save(&self) -> Saved {
        Saved {
            cc: self.cc,
            indents: self.indents.clone(),
            suppress: self.suppress,
            out_len: self.out.len(),
        }
    }

    fn restore(&mut self, saved: Saved) {
        self.cc = saved.cc;
        self.indents = saved.indents;
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

    fn put_text(&mut self, level: usize, offset: usize, text: &str, with_indent: bool) {
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
        let (indent, _) = self.top();
        let cc = self.cc;
        let width = text_width(text);
        self.cc = if with_indent {
            cc + width
        } else {
            (cc + width).max(1)
        };
        if cc == 0 && with_indent {
            if !self.suppress {
                for _ in 0..indent + offset {
                    self.out.push(' ');
                }
            }
            self.emit(text);
        } else {
            self.emit(text);
        }
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
            } if self.cc == 2 && next_indent(Flat::of_rest(rest)).0 > self.top().1 => {
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
                        if !first_line_fits(self.width - cc, self.width, Flat::of_rest(rest)) {
                            self.put_newlines(1);
                        }
                    }
                    Spacing::Softspace => {
                        if first_line_fits(self.width - cc - 1, self.width, Flat::of_rest(rest)) {
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
                    let mut segs = Vec::new();
                    segments(ys, &mut segs);
                    // Priority groups are tried last to first.
                    for index in (0..segs.len()).rev() {
                        let (is_priority, prio) = segs[index];
                        if !is_priority {
                            continue;
                        }
                        let pre: Vec<&[DocE]> = segs[..index].iter().map(|(_, c)| *c).collect();
                        let post: Vec<&[DocE]> =
                            segs[index + 1..].iter().map(|(_, c)| *c).collect();
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
        let mut heads: Vec<&[DocE]> = Vec::with_capacity(post.len() + 1);
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
        let rest_width = first_line_width(Flat::of_rest(rest));
        let rest_indent = next_indent(Flat::of_rest(rest)).0;
        if self.cc == 0 {
            // Drop a leading spacing: we are at the start of a line.
            let mut flat = match &grp[0] {
                DocE::Spacing(_) => {
                    let mut flat = Flat::from_parts(&parts[1..]);
                    flat.enter(&grp[1..]);
                    flat
                }
                DocE::Group(_, inner) if matches!(inner.first(), Some(DocE::Spacing(_))) => {
                    let mut flat = Flat::from_parts(&parts[1..]);
                    flat.enter(&grp[1..]);
                    flat.enter(&inner[1..]);
                    flat
                }
                _ => Flat::from_parts(parts),
            };
            let (nl, off) = next_indent(flat.clone());
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
            // `fits` consumes the cursor; keep the original for nothing else.
            let rendered = fits(
                will_increase,
                width - rest_width,
                std::mem::replace(&mut flat, Flat::new(&[], None)),
            );
            match rendered {
                Some(t) => {
                    self.put_text(nl, off, &t, true);
                    true
                }
                None => false,
            }
        } else {
            let cc = self.cc as isize;
            let will_increase = if rest_indent > self.top().1 {
                indent_width
            } else {
                0
            };
            match fits(
                will_increase - cc,
                width - cc - rest_width,
                Flat::from_parts(parts),
            ) {
                Some(t) => {
                    self.emit(&t);
                    self.cc += text_width(&t);
                    true
                }
                None => false,
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
