//! Strings, indented strings, paths and interpolations.

use super::term::paren_inner;
use super::*;
use crate::nix::format::ast::*;
use crate::nix::format::doc::*;

/// One part: text, or `${ … }` with nixfmt's interpolation rules.
pub fn pretty_string_part(part: &StringPart) -> Doc {
    match part {
        StringPart::Text(t) => text(t),
        StringPart::Interpolation(whole) => {
            if whole.trivia.is_empty() {
                if let Expr::Term(t) = &whole.expr
                    && is_absorbable(t)
                {
                    return group(concat([text("${"), pretty_term(t), text("}")]));
                }
                if is_simple(&whole.expr) {
                    let doc = pretty_expr(&whole.expr);
                    let inner = unexpand_spacing_(None, &doc).unwrap_or(doc);
                    return concat([text("${"), inner, text("}")]);
                }
            }
            let rendered = pretty_whole(whole);
            let inner = match unexpand_spacing_(Some(30), &rendered) {
                Some(single) => single,
                None => surround_with(&line_(), nest(rendered)),
            };
            group(concat([text("${"), inner, text("}")]))
        }
    }
}

fn is_spaces(text: &str) -> bool {
    text.chars().all(|c| c == ' ')
}

/// One line of a string or path.
pub(crate) fn pretty_string_line(parts: &[StringPart]) -> Doc {
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
        return concat([
            text(prefix),
            offset(
                text_width(prefix),
                group(concat([
                    text("${"),
                    nest(paren_inner(&whole.expr)),
                    text("}"),
                ])),
            ),
        ]);
    }
    match parts {
        [StringPart::Interpolation(whole)] => group(concat([
            text("${"),
            surround_with(&line_(), nest(pretty_whole(whole))),
            text("}"),
        ])),
        [StringPart::Text(t), rest @ ..] => {
            let indentation = text_width(
                &t.chars()
                    .take_while(|c| c.is_whitespace())
                    .collect::<String>(),
            );
            let mut tail = Vec::new();
            for part in rest {
                tail.extend(pretty_string_part(part));
            }
            concat([text(t), offset(indentation, tail)])
        }
        parts => {
            let mut out = Vec::new();
            for part in parts {
                out.extend(pretty_string_part(part));
            }
            out
        }
    }
}

/// `"…"`: content verbatim, lines joined with literal line breaks.
pub(crate) fn pretty_simple_string(lines: &[Vec<StringPart>]) -> Doc {
    let lines: Vec<Doc> = lines.iter().map(|l| pretty_string_line(l)).collect();
    group(concat([text("\""), sep_by(&text("\n"), lines), text("\"")]))
}

fn raw_line(indentation: &str, parts: &[StringPart]) -> Doc {
    match parts {
        [] => Vec::new(),
        [StringPart::Text(t), rest @ ..] => {
            let ws_len = t.len() - t.trim_start().len();
            let (ws, content) = t.split_at(ws_len);
            let mut line = vec![StringPart::Text(content.to_string())];
            line.extend(rest.iter().cloned());
            concat([
                raw_text(&format!("{indentation}{ws}")),
                offset(text_width(ws), pretty_string_line(&line)),
            ])
        }
        parts => concat([raw_text(indentation), pretty_string_line(parts)]),
    }
}

/// `''…''`: lines indented one level, the closing `''` back at the start.
pub(crate) fn pretty_indented_string(cut: Option<&str>, lines: &[Vec<StringPart>]) -> Doc {
    let docs: Vec<Doc> = lines
        .iter()
        .map(|l| match cut {
            None => pretty_string_line(l),
            Some(indentation) => raw_line(indentation, l),
        })
        .collect();
    group(concat([
        text("''"),
        if lines.len() >= 2 {
            line_()
        } else {
            Vec::new()
        },
        nest(sep_by(&newline(), docs)),
        text("''"),
    ]))
}
