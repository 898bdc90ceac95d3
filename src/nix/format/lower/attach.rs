//! Trivia attachment shared by both front ends (the rnix lowering and the direct parser):
//! the parser-like state that gives every lexeme its leading trivia, source line and
//! trailing comment, in source order, exactly like nixfmt's parser state.

use super::super::ast::*;
use super::super::trivia::{self, DirectiveState, Lines};
use super::{convert_indented_escapes, fix_indented_string, push_text};

/// The trivia state of a walk over the lexemes of a file in source order.
pub(crate) struct Attach<'a> {
    /// The whole source.
    pub(crate) source: &'a str,
    lines: Lines<'a>,
    /// Reused buffer for the raw trivia after a lexeme.
    scratch: Vec<trivia::RawTrivium>,
    /// Leading trivia waiting for the next lexeme.
    pub(crate) pending: Trivia,
    strict: bool,
    /// Format directive state.
    pub(crate) directives: DirectiveState,
    /// Offset of the next lexeme after the last finished one (where the trivia lexer
    /// stopped); the direct parser takes it to check that rnix's tokens agree.
    pub(crate) next: Option<usize>,
}

/// What an interpolation saves of the enclosing context.
pub(crate) struct Saved {
    pending: Trivia,
    strict: bool,
    before: Option<usize>,
    outer_cuts: usize,
}

impl<'a> Attach<'a> {
    /// Starts at the beginning of `source`, with the trivia before the first lexeme
    /// pending.
    pub(crate) fn new(source: &'a str, strict: bool) -> Self {
        let mut at = Attach {
            source,
            lines: Lines::new(source),
            scratch: Vec::new(),
            pending: Vec::new(),
            strict,
            directives: DirectiveState::default(),
            next: None,
        };
        at.next = Some(trivia::lex_into(source, 0, &mut at.scratch));
        at.pending = trivia::convert_leading(source, &mut at.directives, &at.scratch);
        at
    }

    /// Source line of a byte offset (1 in strict mode).
    pub(crate) fn line(&mut self, offset: usize) -> usize {
        if self.strict {
            1
        } else {
            self.lines.line(offset)
        }
    }

    /// Takes the pending leading trivia.
    pub(crate) fn take_pending(&mut self) -> Trivia {
        std::mem::take(&mut self.pending)
    }

    /// Finishes a lexeme that started on `line` and ends at `end`: reads the trivia after
    /// it.
    pub(crate) fn finish<T>(&mut self, pre: Trivia, line: usize, end: usize, value: T) -> Ann<T> {
        let next = trivia::lex_into(self.source, end, &mut self.scratch);
        self.next = Some(next);
        // Most lexemes are followed by nothing or by a single line break.
        let trail = match self.scratch.as_slice() {
            [] => {
                self.lines.advance(end, next, 0);
                None
            }
            [trivia::RawTrivium::Newlines(n)] => {
                self.lines.advance(end, next, *n);
                if *n == 1 {
                    None
                } else {
                    self.split_trivia(next)
                }
            }
            _ => self.split_trivia(next),
        };
        Ann {
            pre,
            line,
            value,
            trail,
        }
    }

    /// Splits the raw trivia in `scratch` into a trailing comment (returned) and leading
    /// trivia (pending for the next lexeme at `next`).
    fn split_trivia(&mut self, next: usize) -> Option<String> {
        // The next lexeme's column only matters for a lone trailing line comment.
        let next_column = match self.scratch.first() {
            Some(trivia::RawTrivium::LineComment(..)) => trivia::column(self.source, next),
            _ => 0,
        };
        let (trail, leading) = trivia::split(
            self.source,
            &mut self.directives,
            &self.scratch,
            next_column,
        );
        self.pending.extend(leading);
        trail
    }

    /// Line of a token at `start..end`; the cursor then moves to its end (a token has no
    /// line break).
    pub(crate) fn token_line(&mut self, start: usize, end: usize) -> usize {
        let line = self.line(start);
        self.lines.advance(start, end, 0);
        line
    }

    /// A token at `start..end` with the pending trivia.
    pub(crate) fn leaf(&mut self, start: usize, end: usize, value: Token) -> Leaf {
        let pre = self.take_pending();
        let line = self.token_line(start, end);
        self.finish(pre, line, end, value)
    }

    /// Enters an interpolation whose `${` ends at `open_end`: a fresh trivia context,
    /// with the trivia after `${` pending.
    pub(crate) fn enter_interpolation(&mut self, open_end: usize) -> Saved {
        let saved = Saved {
            pending: self.take_pending(),
            // nixfmt's `--strict` resets the line of every token it can reach, but it does
            // not descend into interpolations: tokens there keep their source lines.
            strict: std::mem::replace(&mut self.strict, false),
            before: self.directives.pending_disable,
            outer_cuts: self.directives.cut_interpolations,
        };
        self.next = Some(trivia::lex_into(self.source, open_end, &mut self.scratch));
        if !self.scratch.is_empty() {
            let leading = trivia::convert_leading(self.source, &mut self.directives, &self.scratch);
            self.pending.extend(leading);
        }
        saved
    }

    /// Leaves an interpolation whose expression is `expr`.
    pub(crate) fn leave_interpolation(&mut self, saved: Saved, expr: Expr) -> Whole {
        let final_trivia = self.take_pending();
        let after = self.directives.pending_disable;
        self.directives.cut_interpolations = saved.outer_cuts + usize::from(saved.before != after);
        self.pending = saved.pending;
        self.strict = saved.strict;
        Whole {
            expr,
            trivia: final_trivia,
        }
    }

    /// The whole file: the trivia left after the last lexeme, and an open disabled
    /// region.
    pub(crate) fn finish_file(&mut self, expr: Expr) -> Whole {
        let mut final_trivia = self.take_pending();
        if let Some(region_start) = self.directives.pending_disable {
            final_trivia.push(Trivium::FormatDirective(Directive::DisabledToEof(
                self.source[region_start..].to_string(),
            )));
        }
        Whole {
            expr,
            trivia: final_trivia,
        }
    }

    /// Finishes an indented string `''…''` (ending at `end`) from its raw lines; `cut` when
    /// a disabled region cut through one of its interpolations. Converted to a simple
    /// string when nixfmt does.
    pub(crate) fn indented_string(
        &mut self,
        pre: Trivia,
        line: usize,
        end: usize,
        lines: Vec<Vec<StringPart>>,
        cut: bool,
    ) -> Term {
        let (indentation, lines) = fix_indented_string(lines);
        let ann = self.finish(pre, line, end, lines);
        let convertible = !cut
            && ann.value.len() <= 1
            && ann.value.iter().flatten().all(|part| match part {
                StringPart::Text(t) => !t.contains('"') && !t.contains('\\'),
                StringPart::Interpolation(_) => true,
            });
        if convertible {
            let Ann {
                pre,
                line,
                value,
                trail,
            } = ann;
            let value = value
                .into_iter()
                .map(|line| {
                    line.into_iter()
                        .map(|part| match part {
                            StringPart::Text(t) => StringPart::Text(convert_indented_escapes(&t)),
                            other => other,
                        })
                        .collect()
                })
                .collect();
            return Term::SimpleString(Ann {
                pre,
                line,
                value,
                trail,
            });
        }
        Term::IndentedString(cut.then_some(indentation), ann)
    }
}

/// Appends the text of a string or path token to `line`, starting a new line at each
/// line break when `split`.
pub(crate) fn push_string_text(
    lines: &mut Vec<Vec<StringPart>>,
    line: &mut Vec<StringPart>,
    text: &str,
    split: bool,
) {
    if !split {
        push_text(line, text);
        return;
    }
    let mut pieces = text.split('\n');
    if let Some(first) = pieces.next() {
        push_text(line, first);
    }
    for piece in pieces {
        lines.push(std::mem::take(line));
        push_text(line, piece);
    }
}

/// Builds `f a`, re-associating rnix's `x or` primary (an application nested as an
/// argument) into nixfmt's left-nested shape.
pub(crate) fn apply(function: Expr, argument: Expr) -> Expr {
    match argument {
        Expr::Application(inner_function, inner_argument) => {
            Expr::Application(Box::new(apply(function, *inner_function)), inner_argument)
        }
        argument => Expr::Application(Box::new(function), Box::new(argument)),
    }
}

/// Builds `left op right` like nixfmt: `a + b + c` nests to the right of the first `+`.
pub(crate) fn operation(left: Expr, op: Leaf, right: Expr) -> Expr {
    match left {
        Expr::Operation(one, op1, two)
            if op1.value == Token::Symbol("+") && op.value == Token::Symbol("+") =>
        {
            Expr::Operation(
                one,
                op1,
                Box::new(Expr::Operation(two, op, Box::new(right))),
            )
        }
        left => Expr::Operation(Box::new(left), op, Box::new(right)),
    }
}
