//! The shell hash rules (lint-spec §2a, FF105 and FF106), by straightforward dataflow
//! through one script, in source order:
//!
//! - `prefetch_without_sri`: a hash from a legacy source (`nix-prefetch-url`,
//!   `nix-prefetch-git`/`nix-prefetch-github` `.sha256`, `nix-hash`, `nix hash file|path
//!   --base16|--base32`) reaches a sink (`sed -i` on a `.nix` file, a redirect into a
//!   `.nix` file, a `hash = "…"` template) without a converter (`nix hash convert`,
//!   `nix hash to-sri`, `nix-hash --to-sri`) on the way. Variables carry what was assigned
//!   to them (`h=$(…)`, `h2=$h`); a reassignment through a converter cleans them.
//! - `manual_sri_prefix`: the literal `sha256-`/`sha512-` glued to a variable or `$(…)`
//!   whose value is not known to be base64.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use tree_sitter::{Node, Tree};

use crate::diagnostic::{Applicability, Severity};
use crate::lint::shell::bash::{self, Word};
use crate::lint::shell::finding::{Finding, Piece, SnippetEdit, SnippetFix};
use crate::lint::shell::wrappers;

/// The rule name of FF105.
pub const PREFETCH_WITHOUT_SRI: &str = "prefetch_without_sri";
/// The rule name of FF106.
pub const MANUAL_SRI_PREFIX: &str = "manual_sri_prefix";

/// Where a legacy hash came from.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Origin {
    /// The tool, for messages.
    tool: String,
    /// `sha256` or `sha512`.
    algorithm: &'static str,
    /// The command substitution that produced the value.
    substitution: Range<usize>,
    /// Whether piping the substitution's output into `nix hash convert` is correct.
    fixable: bool,
}

/// What is known about a value.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Taint {
    /// A hash in a legacy encoding (nix32, base16, bare base64 of unknown version).
    Legacy(Origin),
    /// JSON from `nix-prefetch-git`/`-github`: its `.sha256` is legacy.
    Json(Origin),
    /// Known to be bare base64.
    Base64,
    /// Nothing to report.
    Clean,
}

/// Checks a parsed script for both rules.
pub fn check_script(tree: &Tree, text: &str) -> Vec<Finding> {
    let mut checker = Checker {
        text,
        variables: HashMap::new(),
        reported: HashSet::new(),
        out: Vec::new(),
    };
    bash::visit(tree.root_node(), &mut |node| checker.node(node));
    checker.out
}

/// Checks shell text (parsing it first).
pub fn check_text(text: &str) -> Vec<Finding> {
    match bash::parse(text) {
        Some(tree) => check_script(&tree, text),
        None => Vec::new(),
    }
}

struct Checker<'t> {
    text: &'t str,
    variables: HashMap<String, Taint>,
    reported: HashSet<Range<usize>>,
    out: Vec<Finding>,
}

fn has_word(words: &[Word], wanted: &[&str]) -> bool {
    words
        .iter()
        .any(|word| wanted.contains(&word.text.as_str()))
}

fn option_value<'w>(words: &'w [Word], option: &str) -> Option<&'w str> {
    words
        .iter()
        .position(|word| word.text == option)
        .and_then(|index| words.get(index + 1))
        .map(|word| word.text.as_str())
        .or_else(|| {
            words.iter().find_map(|word| {
                word.text
                    .strip_prefix(option)
                    .and_then(|rest| rest.strip_prefix('='))
            })
        })
}

fn algorithm_of(words: &[Word]) -> &'static str {
    let chosen = option_value(words, "--type")
        .or_else(|| option_value(words, "--hash-algo"))
        .or_else(|| option_value(words, "--algo"));
    match chosen {
        Some("sha512") => "sha512",
        _ => "sha256",
    }
}

impl<'t> Checker<'t> {
    fn node(&mut self, node: Node<'t>) {
        match node.kind() {
            "variable_assignment" => {
                if node
                    .parent()
                    .is_some_and(|parent| parent.kind() == "command")
                {
                    return;
                }
                let Some(name) = node.child_by_field_name("name") else {
                    return;
                };
                let name = self.text[name.byte_range()].to_string();
                let value = node.child_by_field_name("value");
                if let Some(value) = value
                    && is_hash_template(&self.text[value.byte_range()])
                {
                    self.sink(value);
                }
                let taint = value.map_or(Taint::Clean, |value| self.value_taint(value));
                self.variables.insert(name, taint);
            }
            "command" => self.command(node),
            "heredoc_body" => {
                let into_nix = node
                    .parent()
                    .and_then(|heredoc| heredoc.parent())
                    .is_some_and(|statement| self.redirects_into_nix(statement));
                if into_nix || is_hash_template(&self.text[node.byte_range()]) {
                    self.sink(node);
                }
            }
            "string" | "concatenation" => self.manual_prefix(node),
            _ => {}
        }
    }

    /// What an assigned value carries: the output of a substitution in it, or a variable
    /// expanded in it (not inside a substitution, whose output is what counts).
    fn value_taint(&self, value: Node<'t>) -> Taint {
        let mut stack = vec![value];
        while let Some(node) = stack.pop() {
            let taint = match node.kind() {
                "command_substitution" => self.substitution_taint(node),
                "simple_expansion" | "expansion" => {
                    self.variable_taint(node).unwrap_or(Taint::Clean)
                }
                _ => {
                    let mut cursor = node.walk();
                    let children: Vec<Node<'t>> = node.children(&mut cursor).collect();
                    stack.extend(children.into_iter().rev());
                    Taint::Clean
                }
            };
            if taint != Taint::Clean {
                return taint;
            }
        }
        Taint::Clean
    }

    fn variable_taint(&self, expansion: Node<'t>) -> Option<Taint> {
        let mut name = None;
        bash::visit(expansion, &mut |node| {
            if node.kind() == "variable_name" && name.is_none() {
                name = Some(&self.text[node.byte_range()]);
            }
        });
        self.variables.get(name?).cloned()
    }

    /// What a command substitution's output is, following its pipeline in order.
    fn substitution_taint(&self, substitution: Node<'t>) -> Taint {
        let range = substitution.byte_range();
        let fixable_end = self.text[range.clone()].ends_with(')');
        let mut state = Taint::Clean;
        // The substitution's own pipeline: a nested `$(…)` is an argument, whose output
        // goes to the command that receives it.
        let mut commands = Vec::new();
        let mut stack = vec![substitution];
        while let Some(node) = stack.pop() {
            if node.kind() == "command" {
                commands.push(node);
            }
            let mut cursor = node.walk();
            let children: Vec<Node<'t>> = node
                .children(&mut cursor)
                .filter(|child| child.kind() != "command_substitution")
                .collect();
            stack.extend(children.into_iter().rev());
        }
        for node in commands {
            let Some(command) = bash::command_of(node, self.text) else {
                continue;
            };
            let Some(effective) = wrappers::effective(&command) else {
                continue;
            };
            let words = effective.words;
            let Some(program) = words[0].program_name() else {
                continue;
            };
            let origin = |tool: &str, fixable: bool| Origin {
                tool: tool.to_string(),
                algorithm: algorithm_of(words),
                substitution: range.clone(),
                fixable: fixable && fixable_end,
            };
            // Input from a here-string (`jq -r .sha256 <<< "$json"`), a child of the
            // command or of the statement around it.
            let holders = std::iter::once(node).chain(
                node.parent()
                    .filter(|parent| parent.kind() == "redirected_statement"),
            );
            for holder in holders {
                let mut cursor = holder.walk();
                let redirects: Vec<Node<'t>> = holder
                    .children(&mut cursor)
                    .filter(|child| child.kind() == "herestring_redirect")
                    .collect();
                for redirect in redirects {
                    if let Some(found) = self.expansion_taint_in(redirect) {
                        state = found;
                    }
                }
            }
            match program {
                "nix-prefetch-url" => {
                    state = Taint::Legacy(origin(
                        "nix-prefetch-url",
                        !has_word(words, &["--print-path"]),
                    ));
                }
                "nix-prefetch-git" | "nix-prefetch-github" => {
                    state = Taint::Json(origin(program, true));
                }
                "nix-hash" => {
                    state = if has_word(words, &["--to-sri", "--sri"]) {
                        Taint::Clean
                    } else if has_word(words, &["--base64", "--to-base64"]) {
                        Taint::Base64
                    } else {
                        Taint::Legacy(origin("nix-hash", true))
                    };
                }
                "nix" => state = self.nix_hash(words, origin("nix hash", true), state),
                "jq" => {
                    let filter = words[1..]
                        .iter()
                        .find(|word| !word.text.starts_with('-'))
                        .map_or("", |word| word.text.as_str());
                    if filter.contains(".sha256") || filter.contains(".sha512") {
                        if let Taint::Json(json_origin) = &state {
                            state = Taint::Legacy(Origin {
                                substitution: range.clone(),
                                fixable: fixable_end,
                                ..json_origin.clone()
                            });
                        }
                    } else if filter.contains(".hash") {
                        state = Taint::Clean;
                    }
                }
                "base64" => state = Taint::Base64,
                "echo" | "printf" | "cat" => {
                    if let Some(found) = self.expansion_taint_in(node) {
                        state = found;
                    }
                    let mut nested = Vec::new();
                    bash::visit(node, &mut |child| {
                        if child.kind() == "command_substitution" {
                            nested.push(child);
                        }
                    });
                    if let Some(found) = nested
                        .into_iter()
                        .map(|child| self.substitution_taint(child))
                        .find(|taint| *taint != Taint::Clean)
                    {
                        state = found;
                    }
                }
                _ => {}
            }
        }
        state
    }

    fn nix_hash(&self, words: &[Word], origin: Origin, state: Taint) -> Taint {
        let sub: Vec<&str> = words[1..]
            .iter()
            .filter(|word| !word.text.starts_with('-'))
            .take(2)
            .map(|word| word.text.as_str())
            .collect();
        match sub.as_slice() {
            ["hash", "convert", ..] => match option_value(words, "--to") {
                Some("base16" | "nix32" | "base32") => Taint::Legacy(origin),
                Some("base64") => Taint::Base64,
                _ => Taint::Clean,
            },
            ["hash", "to-sri", ..] => Taint::Clean,
            ["hash", "to-base16" | "to-base32", ..] => Taint::Legacy(origin),
            ["hash", "to-base64", ..] => Taint::Base64,
            ["hash", "file" | "path", ..] => {
                if has_word(words, &["--base16", "--base32"]) {
                    Taint::Legacy(origin)
                } else if has_word(words, &["--base64"]) {
                    Taint::Base64
                } else {
                    Taint::Clean
                }
            }
            ["store", "prefetch-file", ..] => Taint::Clean,
            _ => state,
        }
    }

    /// The taint of the first tainted variable expanded under `node`.
    fn expansion_taint_in(&self, node: Node<'t>) -> Option<Taint> {
        let mut found = None;
        bash::visit(node, &mut |child| {
            if found.is_none()
                && matches!(child.kind(), "simple_expansion" | "expansion")
                && let Some(taint) = self.variable_taint(child)
                && taint != Taint::Clean
            {
                found = Some(taint);
            }
        });
        found
    }

    fn redirects_into_nix(&self, statement: Node<'t>) -> bool {
        if statement.kind() != "redirected_statement" {
            return false;
        }
        let mut into_nix = false;
        bash::visit(statement, &mut |node| {
            if node.kind() == "file_redirect"
                && let Some(destination) = node.child_by_field_name("destination")
            {
                let operator = node
                    .child(0)
                    .map(|op| &self.text[op.byte_range()])
                    .unwrap_or("");
                let target = bash::word_of(destination, self.text);
                if matches!(operator, ">" | ">>" | ">|" | "&>") && target.text.ends_with(".nix") {
                    into_nix = true;
                }
            }
        });
        into_nix
    }

    fn command(&mut self, node: Node<'t>) {
        let Some(command) = bash::command_of(node, self.text) else {
            return;
        };
        if let Some(effective) = wrappers::effective(&command) {
            self.hint_deprecated_to_sri(effective.words);
        }
        let sed_in_place = wrappers::effective(&command).is_some_and(|effective| {
            let words = effective.words;
            words[0].program_name() == Some("sed")
                && words
                    .iter()
                    .any(|word| word.text.starts_with("-i") || word.text.starts_with("--in-place"))
                && words.iter().any(|word| word.text.ends_with(".nix"))
        });
        let into_nix = node
            .parent()
            .is_some_and(|parent| self.redirects_into_nix(parent));
        let mut cursor = node.walk();
        let arguments: Vec<Node<'t>> = node
            .children(&mut cursor)
            .enumerate()
            .filter(|&(index, _)| node.field_name_for_child(index as u32) == Some("argument"))
            .map(|(_, child)| child)
            .collect();
        for argument in arguments {
            if sed_in_place || into_nix || is_hash_template(&self.text[argument.byte_range()]) {
                self.sink(argument);
            }
        }
    }

    /// `nix hash to-sri` works but is deprecated in Nix ≥ 2.24.
    fn hint_deprecated_to_sri(&mut self, words: &[Word]) {
        if words[0].program_name() == Some("nix")
            && words.len() > 2
            && words[1].text == "hash"
            && words[2].text == "to-sri"
        {
            self.out.push(Finding {
                help: Some(
                    "`nix hash convert --hash-algo sha256 --to sri` is its replacement".into(),
                ),
                ..Finding::new(
                    PREFETCH_WITHOUT_SRI,
                    Severity::Info,
                    "`nix hash to-sri` is deprecated since Nix 2.24; prefer `nix hash convert`",
                    words[0].range.start..words[2].range.end,
                )
            });
        }
    }

    /// Reports every legacy value that `sink` writes.
    fn sink(&mut self, sink: Node<'t>) {
        let mut legacy: Vec<(Origin, Range<usize>)> = Vec::new();
        bash::visit(sink, &mut |node| match node.kind() {
            "simple_expansion" | "expansion" => {
                if let Some(Taint::Legacy(origin)) = self.variable_taint(node) {
                    legacy.push((origin, node.byte_range()));
                }
            }
            "command_substitution" => {
                if let Taint::Legacy(origin) = self.substitution_taint(node) {
                    legacy.push((origin, node.byte_range()));
                }
            }
            _ => {}
        });
        for (origin, used) in legacy {
            if !self.reported.insert(origin.substitution.clone()) {
                continue;
            }
            let convert = format!(
                " | xargs nix hash convert --hash-algo {} --to sri",
                origin.algorithm
            );
            let fix = origin.fixable.then(|| SnippetFix {
                applicability: Applicability::Unsafe,
                message: "convert the hash to SRI with `nix hash convert`".into(),
                edits: vec![SnippetEdit::insert(origin.substitution.end - 1, convert)],
            });
            let mut finding = Finding {
                help: Some(format!(
                    "pipe it through `nix hash convert --hash-algo {} --to sri` before writing it",
                    origin.algorithm
                )),
                fix,
                ..Finding::new(
                    PREFETCH_WITHOUT_SRI,
                    Severity::Error,
                    format!(
                        "hash from `{}` is not SRI, and it is written into Nix without conversion",
                        origin.tool
                    ),
                    origin.substitution.clone(),
                )
            };
            if used != origin.substitution {
                finding.labels.push((used, "written here".into()));
            }
            self.out.push(finding);
        }
    }

    /// `"sha256-$h"`: a prefix glued to a value not known to be base64.
    fn manual_prefix(&mut self, node: Node<'t>) {
        let mut cursor = node.walk();
        let children: Vec<Node<'t>> = node.children(&mut cursor).collect();
        for pair in children.windows(2) {
            let (literal, value) = (pair[0], pair[1]);
            if !matches!(literal.kind(), "string_content" | "word")
                || !matches!(
                    value.kind(),
                    "simple_expansion" | "expansion" | "command_substitution"
                )
                || literal.end_byte() != value.start_byte()
            {
                continue;
            }
            let literal_text = &self.text[literal.byte_range()];
            let Some(algorithm) = ["sha256-", "sha512-"]
                .into_iter()
                .find(|prefix| literal_text.ends_with(prefix))
            else {
                continue;
            };
            let taint = if value.kind() == "command_substitution" {
                self.substitution_taint(value)
            } else {
                self.variable_taint(value).unwrap_or(Taint::Clean)
            };
            if taint == Taint::Base64 {
                continue;
            }
            let algorithm = algorithm.trim_end_matches('-');
            let start = literal.end_byte() - algorithm.len() - 1;
            let range = start..value.end_byte();
            let fix = SnippetFix {
                applicability: Applicability::Unsafe,
                message: "let `nix hash convert` produce the SRI hash".into(),
                edits: vec![SnippetEdit {
                    range: range.clone(),
                    pieces: vec![
                        Piece::New(format!(
                            "$(nix hash convert --hash-algo {algorithm} --to sri \""
                        )),
                        Piece::Copy(value.byte_range()),
                        Piece::New("\")".into()),
                    ],
                }],
            };
            self.out.push(Finding {
                help: Some(format!(
                    "`{algorithm}-` must be followed by base64; `nix hash convert --hash-algo {algorithm} --to sri` converts any encoding (and accepts SRI)"
                )),
                fix: Some(fix),
                ..Finding::new(
                    MANUAL_SRI_PREFIX,
                    Severity::Error,
                    format!(
                        "`{algorithm}-` is glued to `{}`, whose encoding is not known to be base64",
                        &self.text[value.byte_range()]
                    ),
                    range,
                )
            });
        }
    }
}

/// Whether text looks like a Nix hash binding being written (`hash = "…`, `sha256 = "…`).
fn is_hash_template(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    ["hash", "sha256", "sha512"].iter().any(|key| {
        lower.match_indices(key).any(|(at, _)| {
            let rest = lower[at + key.len()..].trim_start();
            rest.strip_prefix('=').is_some_and(|value| {
                let value = value.trim_start();
                value.starts_with('"') || value.starts_with("\\\"")
            })
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_templates() {
        assert!(is_hash_template("hash = \"$h\";"));
        assert!(is_hash_template("  sha256 = \\\"$h\\\";"));
        assert!(is_hash_template("vendorHash = \"$h\""));
        assert!(!is_hash_template("echo $hash"));
    }
}
