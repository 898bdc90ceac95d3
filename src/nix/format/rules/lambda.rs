//! Lambda parameters: identifiers, parameter sets (with the leading-comma comment
//! shuffling and the trailing comma printed only when expanded) and `@` patterns.

use super::*;
use crate::nix::format::ast::*;
use crate::nix::format::doc::*;

fn pretty_param_attr(b: &mut DocBuilder, attr: &ParamAttr) {
    match attr {
        ParamAttr::Attr(name, None, comma) => {
            pretty_leaf(b, name);
            pretty_opt_leaf(b, comma);
        }
        ParamAttr::Attr(name, Some((question, default)), comma) => b.group(|b| {
            pretty_leaf(b, name);
            b.hardspace();
            b.nest(|b| {
                pretty_leaf(b, question);
                absorb_rhs(b, default);
            });
            pretty_opt_leaf(b, comma);
        }),
        ParamAttr::Ellipsis(dots) => pretty_leaf(b, dots),
    }
}

fn contains_directive(trivia: &Trivia) -> bool {
    trivia
        .iter()
        .any(|t| matches!(t, Trivium::FormatDirective(_)))
}

/// Moves comment lines before `, name` to the name; adds the missing last comma.
fn move_params_comments(attrs: &[ParamAttr]) -> Vec<ParamAttr> {
    let mut attrs: Vec<ParamAttr> = attrs.to_vec();
    let mut out = Vec::with_capacity(attrs.len());
    let mut index = 0;
    while index < attrs.len() {
        let movable = match &attrs[index] {
            ParamAttr::Attr(_, _, Some(comma)) => {
                comma.trail.is_none() && !contains_directive(&comma.pre)
            }
            _ => false,
        };
        let count = attrs.len();
        if movable && index + 1 < count {
            let trivia = match &mut attrs[index] {
                ParamAttr::Attr(_, _, Some(comma)) => std::mem::take(&mut comma.pre),
                _ => unreachable!("checked above"),
            };
            match &mut attrs[index + 1] {
                ParamAttr::Attr(name, _, _) => {
                    let mut pre = trivia;
                    pre.append(&mut name.pre);
                    name.pre = pre;
                }
                ParamAttr::Ellipsis(dots) => {
                    if index + 2 == count {
                        let mut pre = trivia;
                        pre.append(&mut dots.pre);
                        dots.pre = pre;
                    } else if let ParamAttr::Attr(_, _, Some(comma)) = &mut attrs[index] {
                        // Not the `, …` at the end: leave the comments where they were.
                        comma.pre = trivia;
                    }
                }
            }
        }
        if index + 1 == attrs.len()
            && let ParamAttr::Attr(name, default, None) = &attrs[index]
        {
            let comma = Ann {
                pre: Vec::new(),
                line: name.line,
                value: Token::Symbol(","),
                trail: None,
            };
            out.push(ParamAttr::Attr(name.clone(), default.clone(), Some(comma)));
            index += 1;
            continue;
        }
        out.push(attrs[index].clone());
        index += 1;
    }
    out
}

/// `, name # c` → `name, # c`: moves a trailing comment from the name (or default) to
/// a comment-free comma.
fn move_param_attr_comment(attr: ParamAttr) -> ParamAttr {
    match attr {
        ParamAttr::Attr(mut name, None, Some(mut comma))
            if name.trail.is_some() && !comma.has_trivia() =>
        {
            comma.trail = name.trail.take();
            ParamAttr::Attr(name, None, Some(comma))
        }
        ParamAttr::Attr(name, Some((question, mut default)), Some(mut comma))
            if !comma.has_trivia() =>
        {
            comma.trail = expr_last(&mut default).trail.take();
            ParamAttr::Attr(name, Some((question, default)), Some(comma))
        }
        other => other,
    }
}

/// A lambda parameter.
pub(crate) fn pretty_parameter(b: &mut DocBuilder, parameter: &Parameter) {
    match parameter {
        Parameter::Id(leaf) => pretty_leaf(b, leaf),
        Parameter::Set(open, attrs, close) if attrs.is_empty() => b.group(|b| {
            pretty_leaf_trail_up(b, open);
            if open.line != close.line {
                b.hardline();
            } else {
                b.hardspace();
            }
            pretty_leaf(b, close);
        }),
        Parameter::Set(open, attrs, close) => {
            let sep = if can_flatten_attrs(open, attrs, close) {
                Spacing::Space
            } else {
                Spacing::Hardline
            };
            let moved: Vec<ParamAttr> = move_params_comments(attrs)
                .into_iter()
                .map(move_param_attr_comment)
                .collect();
            let count = moved.len();
            b.group(|b| {
                pretty_leaf_trail_up(b, open);
                b.spacing(sep);
                b.nest(|b| {
                    for (index, attr) in moved.into_iter().enumerate() {
                        if index > 0 {
                            b.spacing(sep);
                        }
                        match attr {
                            ParamAttr::Attr(name, default, Some(comma))
                                if index + 1 == count && !comma.has_trivia() =>
                            {
                                pretty_param_attr(b, &ParamAttr::Attr(name, default, None));
                                b.trailing(",");
                            }
                            other => pretty_param_attr(b, &other),
                        }
                    }
                });
                b.spacing(sep);
                b.nest(|b| pretty_trivia(b, &close.pre));
                pretty_leaf_no_pre(b, close);
            });
        }
        Parameter::Context(first, at, second) => {
            pretty_parameter(b, first);
            pretty_leaf(b, at);
            pretty_parameter(b, second);
        }
    }
}
