//! Shell text in `Justfile` and `Makefile` recipes.
//!
//! A recipe's lines are the indented lines under its header. Their line prefixes (`@`, `-`,
//! and `+` in Make) are blanked, Just's `{{…}}` interpolations become a shell expansion of
//! the same length (so a value written with one is "not verifiable"), and Make's `$$` is
//! `$` for the shell.

use crate::lint::shell::snippet::{Escaping, Snippet, SnippetBuilder};

/// Lines of `source` with their byte offsets (line text without its newline).
fn lines(source: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in source.split_inclusive('\n') {
        out.push((start, line.trim_end_matches(['\n', '\r'])));
        start += line.len();
    }
    out
}

/// Whether a Justfile line starts a recipe: `name params…:` at column 0 (assignments,
/// settings, aliases and attributes excluded).
fn is_just_header(line: &str) -> bool {
    let first = line.chars().next();
    if !first.is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '@') {
        return false;
    }
    match line.find(':') {
        Some(colon) => !line[colon + 1..].starts_with('='),
        None => false,
    }
}

/// The value of a Justfile's `export NIX_CONFIG := …` (or `NIX_CONFIG := …` under
/// `set export`), if any: a quoted string, `'…'` taken as written, `"…"` with `\n`
/// escapes, or triple-quoted.
pub fn just_nix_config(source: &str) -> Option<String> {
    let exported_all = source
        .lines()
        .any(|line| line.trim() == "set export" || line.trim() == "set export := true");
    let offset = lines(source).into_iter().find_map(|(start, line)| {
        let assignment = line
            .strip_prefix("export ")
            .or(exported_all.then_some(line))?
            .trim_start();
        let rest = assignment.strip_prefix("NIX_CONFIG")?.trim_start();
        let rest = rest.strip_prefix(":=")?.trim_start();
        // `rest` ends the line: its offset in the source.
        Some(start + line.len() - rest.len())
    })?;
    // The value may continue on later lines: take the text from here on.
    let value = &source[offset..];
    for quote in ["'''", "\"\"\"", "'", "\""] {
        if let Some(inner) = value.strip_prefix(quote) {
            let end = inner.find(quote)?;
            let raw = &inner[..end];
            return Some(if quote.starts_with('"') {
                raw.replace("\\n", "\n").replace("\\t", "\t")
            } else {
                raw.to_string()
            });
        }
    }
    None
}

/// The shell snippets of a Justfile: one per recipe (recipes with a non-shell shebang
/// skipped).
pub fn just_snippets(source: &str) -> Vec<Snippet> {
    let mut out = just_recipes(source);
    if let Some(nix_config) = just_nix_config(source) {
        for snippet in &mut out {
            snippet.nix_config = Some(nix_config.clone());
        }
    }
    out
}

fn just_recipes(source: &str) -> Vec<Snippet> {
    let all = lines(source);
    let mut out = Vec::new();
    let mut index = 0;
    while index < all.len() {
        if !is_just_header(all[index].1) {
            index += 1;
            continue;
        }
        index += 1;
        let mut body = Vec::new();
        while index < all.len() {
            let (_, line) = all[index];
            if line.trim().is_empty() || line.starts_with([' ', '\t']) {
                body.push(all[index]);
                index += 1;
            } else {
                break;
            }
        }
        if let Some(snippet) = just_body(source, &body) {
            out.push(snippet);
        }
    }
    out
}

fn just_body(source: &str, body: &[(usize, &str)]) -> Option<Snippet> {
    let (start, _) = *body.first()?;
    let (last_start, last) = *body.last()?;
    let end = last_start + last.len();
    let first_line = body
        .iter()
        .find(|(_, line)| !line.trim().is_empty())?
        .1
        .trim_start();
    if let Some(shebang) = first_line.strip_prefix("#!")
        && !is_shell_shebang(shebang)
    {
        return None;
    }
    let shebang = first_line.starts_with("#!");
    let mut builder = SnippetBuilder::new();
    builder.push_verbatim(&source[start..end], start);
    let mut snippet = builder.finish(Escaping::None);
    for &(line_start, line) in body {
        let content = line.trim_start();
        let indent = line.len() - content.len();
        let prefix = if shebang {
            0
        } else {
            content.len() - content.trim_start_matches(['@', '-']).len()
        };
        snippet.blank(line_start - start + indent..line_start - start + indent + prefix);
    }
    // `{{ expr }}` → `${____}` of the same length.
    let text = snippet.text.clone();
    let mut from = 0;
    while let Some(open) = text[from..].find("{{") {
        let open = from + open;
        let Some(close) = text[open..].find("}}") else {
            break;
        };
        let close = open + close + 2;
        let length = close - open;
        if length >= 4 && text.is_char_boundary(close) {
            let placeholder = format!("${{{}}}", "_".repeat(length - 3));
            snippet.overwrite(open..close, &placeholder);
        }
        from = close;
    }
    Some(snippet)
}

fn is_shell_shebang(rest: &str) -> bool {
    crate::language::Language::from_shebang(format!("#!{rest}").as_bytes())
        == Some(crate::language::Language::Shell)
}

/// Whether a Makefile line is a rule header `targets: prerequisites` (not an assignment).
/// Gives the offset just after the `;` of an inline recipe (`target: ; cmd`), if any.
fn make_header(line: &str) -> Option<Option<usize>> {
    if line.starts_with(['\t', '#', ' ']) || line.trim().is_empty() {
        return None;
    }
    let colon = line.find(':')?;
    let before = &line[..colon];
    if before.contains('=') || line[colon..].starts_with(":=") || line[colon..].starts_with("::=") {
        return None;
    }
    let after = &line[colon..];
    if after.trim_start_matches(':').starts_with('=') {
        return None;
    }
    Some(
        line.find(';')
            .filter(|&semi| semi > colon)
            .map(|semi| semi + 1),
    )
}

/// The shell snippets of a Makefile: one per rule with a recipe.
pub fn make_snippets(source: &str) -> Vec<Snippet> {
    let all = lines(source);
    let mut out = Vec::new();
    let mut index = 0;
    while index < all.len() {
        let (header_start, header) = all[index];
        let Some(inline) = make_header(header) else {
            index += 1;
            continue;
        };
        index += 1;
        let mut pieces: Vec<(usize, &str)> = Vec::new();
        if let Some(after) = inline {
            pieces.push((header_start + after, &header[after..]));
        }
        let mut continued = false;
        while index < all.len() {
            let (line_start, line) = all[index];
            if let Some(recipe) = line.strip_prefix('\t') {
                // A continuation line keeps its text (`--cores 4`); make strips only the tab.
                let content = if continued {
                    recipe
                } else {
                    recipe.trim_start_matches(['@', '-', '+', ' '])
                };
                let skipped = line.len() - content.len();
                pieces.push((line_start + skipped, content));
                continued = line.ends_with('\\');
            } else if continued {
                pieces.push((line_start, line));
                continued = line.ends_with('\\');
            } else if line.trim().is_empty() || line.starts_with('#') {
                // Blank and comment lines may sit between recipe lines.
            } else {
                break;
            }
            index += 1;
        }
        if !pieces.is_empty() {
            out.push(make_recipe(&pieces));
        }
    }
    out
}

fn make_recipe(pieces: &[(usize, &str)]) -> Snippet {
    let mut builder = SnippetBuilder::new();
    for &(start, text) in pieces {
        let mut rest = text;
        let mut at = start;
        while let Some(dollars) = rest.find("$$") {
            builder.push_verbatim(&rest[..dollars], at);
            builder.push_opaque("$", at + dollars..at + dollars + 2);
            rest = &rest[dollars + 2..];
            at += dollars + 2;
        }
        builder.push_verbatim(rest, at);
        builder.push_synthetic("\n");
    }
    builder.finish(Escaping::Make)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn justfile_recipes() {
        let source = "set shell := [\"bash\", \"-c\"]\nflake := \".\"\n\n# Build it\nbuild target=\"x\":\n    @nix build {{flake}}#{{target}}\n    -nix flake check\n\npy:\n    #!/usr/bin/env python3\n    print('nix build')\n\nsh:\n    #!/usr/bin/env bash\n    nix develop\n";
        let all = just_snippets(source);
        assert_eq!(all.len(), 2);
        assert_eq!(
            all[0].text,
            "     nix build ${______}#${_______}\n     nix flake check\n"
        );
        let at = all[0].text.find("nix build").unwrap();
        assert_eq!(&source[all[0].host_range(at..at + 9)], "nix build");
        assert!(all[1].text.contains("nix develop"));
    }

    #[test]
    fn justfile_nix_config() {
        assert_eq!(
            just_nix_config("export NIX_CONFIG := \"cores = 4\\nmax-jobs = 4\"\nb:\n  x\n")
                .as_deref(),
            Some("cores = 4\nmax-jobs = 4")
        );
        assert_eq!(
            just_nix_config("set export\nNIX_CONFIG := '''\n  cores = 4\n'''\n").as_deref(),
            Some("\n  cores = 4\n")
        );
        assert_eq!(just_nix_config("NIX_CONFIG := 'cores = 4'\n"), None);
        let all = just_snippets("export NIX_CONFIG := 'cores = 4'\nb:\n    nix build\n");
        assert_eq!(all[0].nix_config.as_deref(), Some("cores = 4"));
    }

    #[test]
    fn makefile_recipes() {
        let source = "CORES := 4\n.PHONY: build\nbuild: deps ; nix flake check\n\t@nix build \\\n\t  .#x \\\n\t--cores 4\n# comment\n\t-echo $$HOME $(CORES)\nother:\n\tnix develop\n";
        let all = make_snippets(source);
        assert_eq!(all.len(), 2);
        assert_eq!(
            all[0].text,
            " nix flake check\nnix build \\\n  .#x \\\n--cores 4\necho $HOME $(CORES)\n"
        );
        let at = all[0].text.find("nix build").unwrap();
        assert_eq!(&source[all[0].host_range(at..at + 9)], "nix build");
        let home = all[0].text.find("$HOME").unwrap();
        assert_eq!(&source[all[0].host_range(home..home + 5)], "$$HOME");
        assert_eq!(all[1].text, "nix develop\n");
    }
}
