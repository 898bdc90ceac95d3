//! Shell text in Nix strings: `shellHook`, `writeShellScript[Bin]`,
//! `writeShellApplication { text }`, `writeScript[Bin]` (unless its shebang names another
//! language), the script argument of `runCommand*`, and `systemd.services.<name>.script` /
//! `preStart`. Never `testScript` (Python run inside a VM) nor derivation phases.
//!
//! A string's value is decoded the Nix way (indented strings lose their common
//! indentation; `''$`, `'''`, `''\n`, `\"` escapes resolved) and every interpolation
//! `${…}` becomes the placeholder word `${__nix}`, so the shell sees a dynamic word there
//! (except `${lib.getExe pkgs.x}`, which becomes a path ending in the program's name).

use rnix::{SyntaxKind, SyntaxNode, SyntaxToken};

use crate::lint::shell::snippet::{Escaping, Snippet, SnippetBuilder};

/// The text interpolations are replaced with.
pub const PLACEHOLDER: &str = "${__nix}";

/// Functions whose argument at the given index (0-based) is a shell script.
const SCRIPT_ARGUMENT: &[(&str, usize)] = &[
    ("writeShellScript", 1),
    ("writeShellScriptBin", 1),
    ("writeScript", 1),
    ("writeScriptBin", 1),
    ("runCommand", 2),
    ("runCommandLocal", 2),
    ("runCommandCC", 2),
    ("runCommandNoCC", 2),
    ("runCommandNoCCLocal", 2),
    ("runCommandWith", 1),
];

/// Systemd unit attributes that hold shell scripts.
const SYSTEMD_SCRIPTS: &[&str] = &["script", "preStart"];

/// Every string node of `root` that holds shell text.
pub fn shell_strings(root: &SyntaxNode) -> Vec<SyntaxNode> {
    root.descendants()
        .filter(|node| node.kind() == SyntaxKind::NODE_STRING && is_shell_string(node))
        .collect()
}

/// Whether the string node `string` holds shell text (by where it stands).
pub fn is_shell_string(string: &SyntaxNode) -> bool {
    if string.kind() != SyntaxKind::NODE_STRING {
        return false;
    }
    let mut node = string.clone();
    // Look through parentheses.
    while let Some(parent) = node.parent()
        && parent.kind() == SyntaxKind::NODE_PAREN
    {
        node = parent;
    }
    let Some(parent) = node.parent() else {
        return false;
    };
    let shell = match parent.kind() {
        SyntaxKind::NODE_ATTRPATH_VALUE => is_shell_binding(&parent, &node),
        SyntaxKind::NODE_APPLY => is_script_argument(&parent, &node),
        _ => false,
    };
    shell && !inside_test_script(string) && shebang_is_shell(string)
}

fn is_shell_binding(binding: &SyntaxNode, value: &SyntaxNode) -> bool {
    // The value is the last child; a string inside the attribute path is a name.
    if binding.last_child().as_ref() != Some(value) {
        return false;
    }
    // The binding's own last name first: most strings are ruled out without building the
    // whole path.
    let Some(name) = binding
        .children()
        .find(|child| child.kind() == SyntaxKind::NODE_ATTRPATH)
        .and_then(|path| path.children().last())
        .map(|name| name.text().to_string())
    else {
        return false;
    };
    match name.as_str() {
        "shellHook" => true,
        "text" => binding
            .parent()
            .filter(|set| set.kind() == SyntaxKind::NODE_ATTR_SET)
            .and_then(|set| applied_function(&set))
            .is_some_and(|(function, index)| function == "writeShellApplication" && index == 0),
        _ if SYSTEMD_SCRIPTS.contains(&name.as_str()) => {
            let path = attribute_path(binding);
            let n = path.len();
            n >= 4 && path[n - 4] == "systemd" && path[n - 3] == "services"
                || n >= 5
                    && path[n - 5] == "systemd"
                    && path[n - 4] == "user"
                    && path[n - 3] == "services"
        }
        _ => false,
    }
}

fn is_script_argument(apply: &SyntaxNode, argument: &SyntaxNode) -> bool {
    if apply.last_child().as_ref() != Some(argument) {
        return false;
    }
    match applied_function(argument) {
        Some((function, index)) => SCRIPT_ARGUMENT
            .iter()
            .any(|&(name, script)| name == function && script == index),
        None => false,
    }
}

/// For an argument node, the name of the function it is applied to (the last component of
/// `pkgs.writeShellScript`) and its position among the arguments.
fn applied_function(argument: &SyntaxNode) -> Option<(String, usize)> {
    let mut node = argument.clone();
    while let Some(parent) = node.parent()
        && parent.kind() == SyntaxKind::NODE_PAREN
    {
        node = parent;
    }
    let apply = node
        .parent()
        .filter(|p| p.kind() == SyntaxKind::NODE_APPLY)?;
    if apply.last_child().as_ref() != Some(&node) {
        return None;
    }
    let mut index = 0;
    let mut function = apply.first_child()?;
    while function.kind() == SyntaxKind::NODE_APPLY {
        index += 1;
        function = function.first_child()?;
    }
    while function.kind() == SyntaxKind::NODE_PAREN {
        function = function.first_child()?;
    }
    let name = match function.kind() {
        SyntaxKind::NODE_IDENT => function.text().to_string(),
        SyntaxKind::NODE_SELECT => {
            let path = function
                .children()
                .find(|child| child.kind() == SyntaxKind::NODE_ATTRPATH)?;
            path.children().last()?.text().to_string()
        }
        _ => return None,
    };
    Some((name, index))
}

/// The attribute names leading to `binding`'s value, through enclosing bindings
/// (`systemd.services.x = { script = …; }` gives `systemd services x script`). Dynamic
/// names are `*`.
fn attribute_path(binding: &SyntaxNode) -> Vec<String> {
    let mut path = Vec::new();
    for ancestor in binding.ancestors() {
        if ancestor.kind() != SyntaxKind::NODE_ATTRPATH_VALUE {
            continue;
        }
        let Some(attrpath) = ancestor
            .children()
            .find(|child| child.kind() == SyntaxKind::NODE_ATTRPATH)
        else {
            continue;
        };
        let names: Vec<String> = attrpath
            .children()
            .map(|name| match name.kind() {
                SyntaxKind::NODE_IDENT => name.text().to_string(),
                SyntaxKind::NODE_STRING if name.children().next().is_none() => {
                    name.text().to_string().trim_matches('"').to_string()
                }
                _ => "*".to_string(),
            })
            .collect();
        path.splice(0..0, names);
    }
    path
}

fn inside_test_script(node: &SyntaxNode) -> bool {
    node.ancestors()
        .filter(|ancestor| ancestor.kind() == SyntaxKind::NODE_ATTRPATH_VALUE)
        .any(|binding| {
            binding
                .children()
                .find(|child| child.kind() == SyntaxKind::NODE_ATTRPATH)
                .and_then(|path| path.children().last())
                .is_some_and(|name| name.text() == "testScript")
        })
}

/// A `writeScript` string may start with another language's shebang.
fn shebang_is_shell(string: &SyntaxNode) -> bool {
    let first_content = string
        .children_with_tokens()
        .filter_map(|element| element.into_token())
        .find(|token| token.kind() == SyntaxKind::TOKEN_STRING_CONTENT);
    let Some(content) = first_content else {
        return true;
    };
    let text = content.text().trim_start();
    if !text.starts_with("#!") {
        return true;
    }
    // `#!${pkgs.python3}/bin/python`: the interpreter may be an interpolation; then look
    // at what follows it.
    let line: String = string
        .text()
        .to_string()
        .lines()
        .map(str::to_string)
        .find(|line| line.trim_start().starts_with("#!"))
        .unwrap_or_default();
    let program = line
        .rsplit('/')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .next()
        .unwrap_or("");
    let words: Vec<&str> = line.split_whitespace().collect();
    let interpreter = if program == "env" || line.contains("/env ") {
        words.get(1).copied().unwrap_or("")
    } else {
        program
    };
    let interpreter = interpreter.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    matches!(interpreter, "sh" | "bash" | "zsh" | "dash" | "ksh" | "")
}

/// One decoded piece of a string.
#[derive(Debug, Clone)]
struct Unit {
    text: String,
    range: std::ops::Range<usize>,
    kind: UnitKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UnitKind {
    /// A character written as itself.
    Literal,
    /// An escape sequence.
    Escape,
    /// An interpolation.
    Interpolation,
}

/// The shell snippet of a string node (its value, with the offset map into the file).
pub fn snippet(string: &SyntaxNode) -> Option<Snippet> {
    let start = string
        .children_with_tokens()
        .filter_map(|element| element.into_token())
        .find(|token| token.kind() == SyntaxKind::TOKEN_STRING_START)?;
    let indented = start.text() == "''";
    let mut units = Vec::new();
    for element in string.children_with_tokens() {
        match element {
            rnix::NodeOrToken::Token(token) if token.kind() == SyntaxKind::TOKEN_STRING_CONTENT => {
                decode_content(&token, indented, &mut units);
            }
            rnix::NodeOrToken::Node(node) if node.kind() == SyntaxKind::NODE_INTERPOL => {
                let range = node.text_range();
                units.push(Unit {
                    text: placeholder_for(&node),
                    range: usize::from(range.start())..usize::from(range.end()),
                    kind: UnitKind::Interpolation,
                });
            }
            _ => {}
        }
    }
    if indented {
        units = strip_indentation(units);
    }
    let mut builder = SnippetBuilder::new();
    for unit in &units {
        match unit.kind {
            UnitKind::Literal => builder.push_verbatim(&unit.text, unit.range.start),
            UnitKind::Escape | UnitKind::Interpolation => {
                builder.push_opaque(&unit.text, unit.range.clone())
            }
        }
    }
    Some(builder.finish(if indented {
        Escaping::NixIndented
    } else {
        Escaping::NixDouble
    }))
}

/// The word an interpolation stands for: `${lib.getExe pkgs.nix}` and
/// `${lib.getExe' pkgs.nix "nix-build"}` name a program (so `${lib.getExe pkgs.nix} build`
/// is still `nix build`); anything else is the dynamic [`PLACEHOLDER`].
fn placeholder_for(interpolation: &SyntaxNode) -> String {
    let text = interpolation.text().to_string();
    let inner = text
        .strip_prefix("${")
        .and_then(|rest| rest.strip_suffix('}'))
        .unwrap_or("")
        .trim();
    let program = if let Some(rest) = inner
        .strip_prefix("lib.getExe' ")
        .or_else(|| inner.strip_prefix("getExe' "))
    {
        rest.rsplit('"').nth(1).map(str::to_string)
    } else if let Some(rest) = inner
        .strip_prefix("lib.getExe ")
        .or_else(|| inner.strip_prefix("getExe "))
    {
        rest.trim_matches(|c| c == '(' || c == ')' || c == ' ')
            .rsplit('.')
            .next()
            .map(str::to_string)
    } else {
        None
    };
    match program {
        Some(name)
            if !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
        {
            format!("/nix/store/{name}")
        }
        _ => PLACEHOLDER.to_string(),
    }
}

fn decode_content(token: &SyntaxToken, indented: bool, units: &mut Vec<Unit>) {
    let text = token.text();
    let base = usize::from(token.text_range().start());
    let mut chars = text.char_indices().peekable();
    while let Some((index, c)) = chars.next() {
        let at = base + index;
        let escape = |decoded: &str, length: usize| Unit {
            text: decoded.to_string(),
            range: at..at + length,
            kind: UnitKind::Escape,
        };
        if indented && text[index..].starts_with("'''") {
            units.push(escape("''", 3));
            chars.next();
            chars.next();
        } else if indented && text[index..].starts_with("''$") {
            units.push(escape("$", 3));
            chars.next();
            chars.next();
        } else if indented && text[index..].starts_with("''\\") {
            chars.next();
            chars.next();
            if let Some((_, escaped)) = chars.next() {
                units.push(escape(&escaped_char(escaped), 3 + escaped.len_utf8()));
            }
        } else if !indented && c == '\\' {
            if let Some((_, escaped)) = chars.next() {
                units.push(escape(&escaped_char(escaped), 1 + escaped.len_utf8()));
            }
        } else {
            units.push(Unit {
                text: c.to_string(),
                range: at..at + c.len_utf8(),
                kind: UnitKind::Literal,
            });
        }
    }
}

fn escaped_char(c: char) -> String {
    match c {
        'n' => "\n".into(),
        't' => "\t".into(),
        'r' => "\r".into(),
        other => other.to_string(),
    }
}

/// Nix's indentation stripping for `''…''`: the smallest indentation of the lines with
/// content is removed from every line; a first line of only spaces is dropped, and so are
/// the spaces of a last line of only spaces.
fn strip_indentation(units: Vec<Unit>) -> Vec<Unit> {
    let is_space = |unit: &Unit| unit.kind == UnitKind::Literal && unit.text == " ";
    let is_newline = |unit: &Unit| unit.kind == UnitKind::Literal && unit.text == "\n";
    let mut min_indent = usize::MAX;
    let mut indent = 0;
    let mut at_line_start = true;
    for unit in &units {
        if at_line_start {
            if is_space(unit) {
                indent += 1;
            } else if is_newline(unit) {
                indent = 0;
            } else {
                at_line_start = false;
                min_indent = min_indent.min(indent);
            }
        } else if is_newline(unit) {
            at_line_start = true;
            indent = 0;
        }
    }
    if min_indent == usize::MAX {
        min_indent = indent;
    }
    let mut out = Vec::with_capacity(units.len());
    let mut dropped = 0;
    at_line_start = true;
    for unit in units {
        if at_line_start && is_space(&unit) && dropped < min_indent {
            dropped += 1;
            continue;
        }
        if is_newline(&unit) {
            at_line_start = true;
            dropped = 0;
        } else {
            at_line_start = false;
        }
        out.push(unit);
    }
    // A first line of only spaces goes, with its newline.
    if let Some(newline) = out.iter().position(is_newline)
        && out[..newline].iter().all(is_space)
    {
        out.drain(..=newline);
    }
    // So do the spaces of a last line of only spaces.
    let last_newline = out.iter().rposition(is_newline);
    let tail_start = last_newline.map_or(0, |newline| newline + 1);
    if out[tail_start..].iter().all(is_space) {
        out.truncate(tail_start);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shell_texts(source: &str) -> Vec<String> {
        let parsed = crate::nix::parse::parse(source).expect("test sources parse");
        shell_strings(&parsed.root)
            .iter()
            .filter_map(snippet)
            .map(|snippet| snippet.text)
            .collect()
    }

    #[test]
    fn places_that_hold_shell() {
        let source = r#"{ pkgs, lib, ... }: {
  devShells.default = pkgs.mkShell { shellHook = "nix develop"; };
  a = pkgs.writeShellScript "a" "nix build a";
  b = pkgs.writeShellScriptBin "b" ''nix build b'';
  c = writeScript "c" ''
    #!/bin/sh
    nix build c
  '';
  d = pkgs.writeScriptBin "d" (''nix build d'');
  e = pkgs.writeShellApplication { name = "e"; text = "nix build e"; };
  f = pkgs.runCommand "f" { } "nix build f";
  g = pkgs.runCommandLocal "g" { } "nix build g";
  systemd.services.h.script = "nix build h";
  systemd.services.i = { preStart = "nix build i"; };
  config = lib.mkIf true { systemd.services = { j.script = "nix build j"; }; };
}"#;
        assert_eq!(
            shell_texts(source),
            [
                "nix develop",
                "nix build a",
                "nix build b",
                "#!/bin/sh\nnix build c\n",
                "nix build d",
                "nix build e",
                "nix build f",
                "nix build g",
                "nix build h",
                "nix build i",
                "nix build j",
            ]
        );
    }

    #[test]
    fn places_that_do_not() {
        let source = r#"{ pkgs, ... }: {
  nodes.machine = { };
  testScript = ''machine.succeed("nix build")'';
  t = pkgs.testers.runNixOSTest { testScript = "${pkgs.writeShellScript "x" "nix build"}"; };
  p = pkgs.stdenv.mkDerivation { buildPhase = "nix build"; installPhase = "nix build"; };
  py = pkgs.writeScript "py" ''
    #!${pkgs.python3}/bin/python3
    print("nix build")
  '';
  name = pkgs.writeShellScript "nix build" "true";
  text = "nix build";
  script = "nix build";
  e = pkgs.writeShellApplication { name = "e"; runtimeInputs = [ ]; checkPhase = "nix build"; text = "true"; };
}"#;
        assert_eq!(shell_texts(source), ["true", "true"]);
    }

    #[test]
    fn indented_strings_decode_with_positions() {
        let source = "{ shellHook = ''\n    echo ''${HOME} '''x'''\n      nix build ${self}#x \\\n        --cores 4\n  ''; }";
        let parsed = crate::nix::parse::parse(source).unwrap();
        let strings = shell_strings(&parsed.root);
        let snippet = snippet(&strings[0]).unwrap();
        assert_eq!(
            snippet.text,
            "echo ${HOME} ''x''\n  nix build ${__nix}#x \\\n    --cores 4\n"
        );
        let at = snippet.text.find("nix build").unwrap();
        assert_eq!(&source[snippet.host_range(at..at + 9)], "nix build");
        let home = snippet.text.find("${HOME}").unwrap();
        assert_eq!(&source[snippet.host_range(home..home + 7)], "''${HOME}");
        let placeholder = snippet.text.find(PLACEHOLDER).unwrap();
        assert_eq!(
            &source[snippet.host_range(placeholder..placeholder + PLACEHOLDER.len())],
            "${self}"
        );
        assert_eq!(snippet.escaping, Escaping::NixIndented);
    }

    #[test]
    fn get_exe_names_the_program() {
        let source = r#"{ shellHook = "${lib.getExe pkgs.nix} build; ${lib.getExe' pkgs.nix "nix-build"} x; ${x} y"; }"#;
        assert_eq!(
            shell_texts(source),
            ["/nix/store/nix build; /nix/store/nix-build x; ${__nix} y"]
        );
    }

    #[test]
    fn double_quoted_escapes() {
        let source = r#"{ shellHook = "echo \"a\"\nnix build \${x}"; }"#;
        let texts = shell_texts(source);
        assert_eq!(texts, ["echo \"a\"\nnix build ${x}"]);
    }
}
