//! Bash parsing with tree-sitter-bash, and the simple commands of a script with their words.
//!
//! Words are given with their shell value (quotes removed, escapes resolved) and their byte
//! range; a word whose value depends on an expansion is marked dynamic. Commands are found
//! everywhere a command can run: lists, pipelines, subshells, groups, compound statements,
//! function bodies and command substitutions, never in arguments or comments.

use std::ops::Range;

use tree_sitter::{Node, Parser, Tree};

/// Parses shell text. `None` only if tree-sitter itself fails (it recovers from syntax
/// errors, so a script with errors still gives a tree).
pub fn parse(text: &str) -> Option<Tree> {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_bash::LANGUAGE.into())
        .ok()?;
    parser.parse(text, None)
}

/// Whether `text` parses as shell without syntax errors (used to check fixed text).
pub fn parses_cleanly(text: &str) -> bool {
    parse(text).is_some_and(|tree| !tree.root_node().has_error())
}

/// One shell word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The value after quote removal; expansions are kept as written.
    pub text: String,
    /// The byte range of the word as written (quotes included).
    pub range: Range<usize>,
    /// Whether the value depends on an expansion or substitution.
    pub dynamic: bool,
}

impl Word {
    /// The program name of a command word: the text after the last `/`
    /// (`${pkgs.nix}/bin/nix` → `nix`), if that part is static.
    pub fn program_name(&self) -> Option<&str> {
        let name = self.text.rsplit('/').next()?;
        if name.contains('$') || name.contains('`') {
            return None;
        }
        Some(name)
    }
}

/// A variable assignment (`NAME=value`), before a command or on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// The variable name.
    pub name: String,
    /// The value, if any (`NAME=` has none).
    pub value: Option<Word>,
    /// The range of the whole assignment.
    pub range: Range<usize>,
}

/// A simple command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// Assignments before the command name (`FOO=1 nix build`).
    pub assignments: Vec<Assignment>,
    /// The command name and its arguments (redirections left out).
    pub words: Vec<Word>,
    /// The range of the whole command.
    pub range: Range<usize>,
}

/// The simple commands of `text`, in source order.
pub fn commands(text: &str) -> Vec<Command> {
    match parse(text) {
        Some(tree) => commands_of(&tree, text),
        None => Vec::new(),
    }
}

/// The simple commands of a parsed script, in source order.
pub fn commands_of(tree: &Tree, text: &str) -> Vec<Command> {
    let mut out = Vec::new();
    visit(tree.root_node(), &mut |node| {
        if node.kind() == "command"
            && let Some(command) = command_of(node, text)
        {
            out.push(command);
        }
    });
    out
}

/// Calls `f` on every node under `node` (itself included), in source order.
pub fn visit<'t>(node: Node<'t>, f: &mut impl FnMut(Node<'t>)) {
    let mut cursor = node.walk();
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        f(node);
        let children: Vec<Node<'t>> = node.children(&mut cursor).collect();
        stack.extend(children.into_iter().rev());
    }
}

/// The [`Command`] of a `command` node.
pub fn command_of(node: Node<'_>, text: &str) -> Option<Command> {
    let mut assignments = Vec::new();
    let mut words = Vec::new();
    let mut cursor = node.walk();
    for (index, child) in node.children(&mut cursor).enumerate() {
        let field = node.field_name_for_child(index as u32);
        match child.kind() {
            "variable_assignment" => assignments.extend(assignment_of(child, text)),
            "command_name" => {
                if let Some(inner) = child.named_child(0) {
                    words.push(word_of(inner, text));
                }
            }
            _ if field == Some("argument") => words.push(word_of(child, text)),
            _ => {}
        }
    }
    if words.is_empty() {
        return None;
    }
    Some(Command {
        assignments,
        words,
        range: node.byte_range(),
    })
}

/// The [`Assignment`] of a `variable_assignment` node.
pub fn assignment_of(node: Node<'_>, text: &str) -> Option<Assignment> {
    let name = node.child_by_field_name("name")?;
    let value = node
        .child_by_field_name("value")
        .map(|value| word_of(value, text));
    Some(Assignment {
        name: text[name.byte_range()].to_string(),
        value,
        range: node.byte_range(),
    })
}

/// The [`Word`] of an argument node (a word, string, concatenation, expansion...).
pub fn word_of(node: Node<'_>, text: &str) -> Word {
    let mut value = String::new();
    let mut dynamic = false;
    append_value(node, text, &mut value, &mut dynamic);
    Word {
        text: value,
        range: node.byte_range(),
        dynamic,
    }
}

fn append_value(node: Node<'_>, text: &str, value: &mut String, dynamic: &mut bool) {
    let raw = &text[node.byte_range()];
    match node.kind() {
        "word" | "number" => unescape_unquoted(raw, value),
        "raw_string" => {
            value.push_str(raw.strip_prefix('\'').unwrap_or(raw).trim_end_matches('\''))
        }
        "ansi_c_string" => unescape_ansi_c(raw, value),
        "string" | "translated_string" => {
            // tree-sitter leaves some content (newlines, for one) between the children:
            // the gaps are part of the value too.
            let mut cursor = node.walk();
            let mut previous_end: Option<usize> = None;
            for child in node.children(&mut cursor) {
                if let Some(end) = previous_end
                    && end < child.start_byte()
                {
                    unescape_double_quoted(&text[end..child.start_byte()], value);
                }
                match child.kind() {
                    "\"" | "$\"" => {}
                    "string_content" => {
                        unescape_double_quoted(&text[child.byte_range()], value);
                    }
                    _ if child.is_named() => append_value(child, text, value, dynamic),
                    _ => value.push_str(&text[child.byte_range()]),
                }
                previous_end = Some(child.end_byte());
            }
        }
        "concatenation" => {
            let mut cursor = node.walk();
            for child in node.children(&mut cursor) {
                append_value(child, text, value, dynamic);
            }
        }
        "simple_expansion"
        | "expansion"
        | "command_substitution"
        | "process_substitution"
        | "arithmetic_expansion" => {
            *dynamic = true;
            value.push_str(raw);
        }
        _ => {
            if raw.contains('$') || raw.contains('`') {
                *dynamic = true;
            }
            value.push_str(raw);
        }
    }
}

/// Resolves backslash escapes of unquoted text (`\x` is `x`; backslash-newline vanishes).
fn unescape_unquoted(raw: &str, out: &mut String) {
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('\n') | None => {}
                Some(next) => out.push(next),
            }
        } else {
            out.push(c);
        }
    }
}

/// Resolves the escapes allowed inside double quotes (`\"`, `\\`, `\$`, `` \` ``,
/// backslash-newline); other backslashes stay.
fn unescape_double_quoted(raw: &str, out: &mut String) {
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.peek() {
                Some('"' | '\\' | '$' | '`') => out.push(chars.next().unwrap_or_default()),
                Some('\n') => {
                    chars.next();
                }
                _ => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
}

/// The value of `$'…'`: the common escapes resolved.
fn unescape_ansi_c(raw: &str, out: &mut String) {
    let inner = raw
        .strip_prefix("$'")
        .unwrap_or(raw)
        .strip_suffix('\'')
        .unwrap_or(raw);
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('e' | 'E') => out.push('\u{1b}'),
            Some(other) => out.push(other),
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(command: &Command) -> Vec<&str> {
        command
            .words
            .iter()
            .map(|word| word.text.as_str())
            .collect()
    }

    #[test]
    fn finds_commands_in_lists_pipelines_subshells_and_substitutions() {
        let script = "a 1 && b 2 | c; (d) ; { e; }\nx=$(f g)\nif h; then i; fi\nfn() { j; }\n";
        let names: Vec<String> = commands(script)
            .iter()
            .map(|command| command.words[0].text.clone())
            .collect();
        assert_eq!(names, ["a", "b", "c", "d", "e", "f", "h", "i", "j"]);
    }

    #[test]
    fn words_are_unquoted_with_ranges() {
        let script = "nix build \".#a\" 'b c' d\\ e \"$x\"y --cores=\"4\"";
        let all = commands(script);
        assert_eq!(all.len(), 1);
        let command = &all[0];
        assert_eq!(
            texts(command),
            ["nix", "build", ".#a", "b c", "d e", "$xy", "--cores=4"]
        );
        assert_eq!(&script[command.words[2].range.clone()], "\".#a\"");
        assert!(command.words[5].dynamic);
        assert!(!command.words[6].dynamic);
    }

    #[test]
    fn continuations_join_and_comments_are_skipped() {
        let script = "# nix build\nnix build \\\n  .#x \\\n  --cores 4 # --max-jobs 4\n";
        let all = commands(script);
        assert_eq!(all.len(), 1);
        assert_eq!(texts(&all[0]), ["nix", "build", ".#x", "--cores", "4"]);
    }

    #[test]
    fn arguments_and_heredocs_are_not_commands() {
        let script =
            "echo \"nix build\"\nprint_status 'nix build .#x'\ncat <<EOF\nnix build\nEOF\n";
        let names: Vec<String> = commands(script)
            .iter()
            .map(|command| command.words[0].text.clone())
            .collect();
        assert_eq!(names, ["echo", "print_status", "cat"]);
    }

    #[test]
    fn prefix_assignments_and_ansi_c_strings() {
        let all = commands("NIX_CONFIG=$'cores = 4\\nmax-jobs = 4' nix build");
        assert_eq!(all[0].assignments[0].name, "NIX_CONFIG");
        assert_eq!(
            all[0].assignments[0].value.as_ref().unwrap().text,
            "cores = 4\nmax-jobs = 4"
        );
        assert_eq!(texts(&all[0]), ["nix", "build"]);
    }

    #[test]
    fn program_names_look_through_paths() {
        let all = commands("${__nix}/bin/nix build; $NIX build");
        assert_eq!(all[0].words[0].program_name(), Some("nix"));
        assert_eq!(all[1].words[0].program_name(), None);
    }

    #[test]
    fn clean_parse_check() {
        assert!(parses_cleanly("nix build --cores 4\n"));
        assert!(!parses_cleanly("nix build \"--cores 4\n"));
    }
}
