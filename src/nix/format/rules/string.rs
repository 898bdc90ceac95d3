//! Strings, indented strings, paths and interpolations.

use super::term::paren_inner;
use super::*;
use crate::nix::format::ast::*;
use crate::nix::format::doc::*;

/// One part: text, or `${ … }` with nixfmt's interpolation rules.
pub fn pretty_string_part(b: &mut DocBuilder, part: &StringPart) {
    match part {
        StringPart::Text(t) => b.text(t),
        StringPart::Interpolation(whole) => {
            if whole.trivia.is_empty() {
                if let Expr::Term(t) = &whole.expr
                    && is_absorbable(t)
                {
                    return b.group(|b| {
                        b.text_static("${");
                        pretty_term(b, t);
                        b.text_static("}");
                    });
                }
                if is_simple(&whole.expr) {
                    b.text_static("${");
                    let raw = b.raw(|b| pretty_expr(b, &whole.expr));
                    b.replay(unexpand_spacing_(None, &raw).unwrap_or(raw));
                    b.text_static("}");
                    return;
                }
            }
            b.group(|b| {
                b.text_static("${");
                let rendered = b.raw(|b| b.nest(|b| pretty_whole(b, whole)));
                match unexpand_spacing_(Some(30), &rendered) {
                    Some(mut single) => {
                        // On one line after all: without the `line'`s and the nesting.
                        unnest(&mut single);
                        b.replay(single);
                    }
                    None => {
                        b.line_();
                        b.replay(rendered);
                        b.line_();
                    }
                }
                b.text_static("}");
            });
        }
    }
}

fn is_spaces(text: &str) -> bool {
    text.chars().all(|c| c == ' ')
}

/// One line of a string or path.
pub(crate) fn pretty_string_line(b: &mut DocBuilder, parts: &[StringPart]) {
    // A line that is only (indentation and) an interpolation absorbs its content.
    let (prefix, interpolation) = match parts {
        [StringPart::Interpolation(whole)] => ("", Some(whole)),
        [StringPart::Text(t), StringPart::Interpolation(whole)] if is_spaces(t) => {
            (t.as_str(), Some(whole))
        }
        _ => ("", None),
    };
    if let Some(whole) = interpolation
        && whole.trivia.is_empty()
    {
        b.text(prefix);
        b.offset(text_width(prefix), |b| {
            b.group(|b| {
                b.text_static("${");
                b.nest(|b| paren_inner(b, &whole.expr));
                b.text_static("}");
            })
        });
        return;
    }
    match parts {
        [StringPart::Interpolation(whole)] => b.group(|b| {
            b.text_static("${");
            b.line_();
            b.nest(|b| pretty_whole(b, whole));
            b.line_();
            b.text_static("}");
        }),
        [StringPart::Text(t), rest @ ..] => {
            let indentation = t.chars().take_while(|c| c.is_whitespace()).count();
            b.text(t);
            b.offset(indentation, |b| {
                for part in rest {
                    pretty_string_part(b, part);
                }
            });
        }
        parts => {
            for part in parts {
                pretty_string_part(b, part);
            }
        }
    }
}

/// `"…"`: content verbatim, lines joined with literal line breaks.
pub(crate) fn pretty_simple_string(b: &mut DocBuilder, lines: &[Vec<StringPart>]) {
    b.group(|b| {
        b.text_static("\"");
        for (index, line) in lines.iter().enumerate() {
            if index > 0 {
                b.text_static("\n");
            }
            pretty_string_line(b, line);
        }
        b.text_static("\"");
    });
}

fn raw_line(b: &mut DocBuilder, indentation: &str, parts: &[StringPart]) {
    match parts {
        [] => {}
        [StringPart::Text(t), rest @ ..] => {
            let ws_len = t.len() - t.trim_start().len();
            let (ws, content) = t.split_at(ws_len);
            let mut line = vec![StringPart::Text(content.to_string())];
            line.extend(rest.iter().cloned());
            let mut raw = Txt::with_capacity(indentation.len() + ws.len());
            raw.push_str(indentation);
            raw.push_str(ws);
            b.raw_text(raw);
            b.offset(text_width(ws), |b| pretty_string_line(b, &line));
        }
        parts => {
            b.raw_text(indentation);
            pretty_string_line(b, parts);
        }
    }
}

/// `''…''`: lines indented one level, the closing `''` back at the start.
pub(crate) fn pretty_indented_string(
    b: &mut DocBuilder,
    cut: Option<&str>,
    lines: &[Vec<StringPart>],
) {
    b.group(|b| {
        b.text_static("''");
        if lines.len() >= 2 {
            b.line_();
        }
        b.nest(|b| {
            for (index, line) in lines.iter().enumerate() {
                if index > 0 {
                    b.newline();
                }
                match cut {
                    None => pretty_string_line(b, line),
                    Some(indentation) => raw_line(b, indentation, line),
                }
            }
        });
        b.text_static("''");
    });
}
