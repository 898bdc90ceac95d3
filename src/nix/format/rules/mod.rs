//! Per-node pretty-printing rules: each turns part of the [`ast`](super::ast) into a
//! [`Doc`], following nixfmt's `Pretty` module. Rules never write whitespace directly and
//! never look for comments: trivia was attached to tokens by the lowering pass.

mod application;
mod binding;
mod expr;
mod lambda;
mod operation;
mod predicates;
mod string;
mod term;
mod tokens;

pub use expr::pretty_expr;
pub use string::pretty_string_part;
pub use tokens::{pretty_trivia, pretty_whole};

pub(crate) use application::pretty_app;
pub(crate) use binding::{absorb_rhs, pretty_binder};
pub(crate) use expr::absorb_expr;
pub(crate) use lambda::pretty_parameter;
pub(crate) use operation::pretty_op;
pub(crate) use predicates::*;
pub(crate) use string::{pretty_indented_string, pretty_simple_string, pretty_string_line};
pub(crate) use term::{
    absorb_paren, pretty_term, pretty_term_grouped, pretty_term_wide, render_items, render_list,
};
pub(crate) use tokens::*;
