//! Running the shell checks over a file for the rules: finding the snippets of a file by
//! its language, and turning findings into diagnostics of that file.

use rnix::SyntaxNode;

use crate::diagnostic::Diagnostic;
use crate::language::Language;
use crate::lint::context::FileContext;
use crate::lint::shell::finding::Finding;
use crate::lint::shell::snippet::Snippet;
use crate::lint::shell::{markdown, nix_strings, recipes, yaml};

/// The shell snippets of a file that is not Nix (Nix strings come one node at a time, see
/// [`nix_snippet`]).
pub fn file_snippets(file: &FileContext<'_>) -> Vec<Snippet> {
    match file.language {
        Some(Language::Shell) => vec![Snippet::whole_file(file.source)],
        Some(Language::Markdown) => markdown::snippets(file.source),
        Some(Language::Yaml) => yaml::shell_keys(file.path)
            .map(|keys| yaml::snippets(file.source, keys))
            .unwrap_or_default(),
        Some(Language::Justfile) => recipes::just_snippets(file.source),
        Some(Language::Makefile) => recipes::make_snippets(file.source),
        _ => Vec::new(),
    }
}

/// The snippet of a Nix string node, if it holds shell text.
pub fn nix_snippet(node: &SyntaxNode) -> Option<Snippet> {
    if !nix_strings::is_shell_string(node) {
        return None;
    }
    nix_strings::snippet(node)
}

/// One analysis shared by a family of rules: every finding it makes, for every rule of
/// the family; each rule keeps its own.
pub type Analysis = fn(&Snippet, &FileContext<'_>) -> Vec<Finding>;

/// Runs `analysis` over `snippet` and keeps the findings of `rule` as diagnostics of `file`.
pub fn report(
    rule: &str,
    snippet: &Snippet,
    file: &FileContext<'_>,
    analysis: Analysis,
    out: &mut Vec<Diagnostic>,
) {
    for finding in analysis(snippet, file) {
        if finding.rule == rule {
            out.push(finding.into_diagnostic(snippet, file.source));
        }
    }
}

/// A shell rule's `check_node`: the Nix string `node`, when it holds shell.
pub fn check_node(
    rule: &str,
    node: &SyntaxNode,
    file: &FileContext<'_>,
    analysis: Analysis,
    out: &mut Vec<Diagnostic>,
) {
    if let Some(snippet) = nix_snippet(node) {
        report(rule, &snippet, file, analysis, out);
    }
}

/// A shell rule's `check_file`: every shell snippet of a shell, Markdown, YAML or recipe file.
pub fn check_file(
    rule: &str,
    file: &FileContext<'_>,
    analysis: Analysis,
    out: &mut Vec<Diagnostic>,
) {
    for snippet in file_snippets(file) {
        report(rule, &snippet, file, analysis, out);
    }
}

/// The build-flag findings of a snippet under the file's configuration.
pub fn build_flag_findings(snippet: &Snippet, file: &FileContext<'_>) -> Vec<Finding> {
    let Some(tree) = crate::lint::shell::bash::parse(&snippet.text) else {
        return Vec::new();
    };
    crate::lint::shell::build_flags::check_script_in(
        &tree,
        &snippet.text,
        &file.config.build_flags,
        snippet.inline,
        snippet.nix_config.as_deref(),
    )
}

/// The languages whose files the shell rules read.
pub const SHELL_HOSTS: &[Language] = &[
    Language::Nix,
    Language::Shell,
    Language::Markdown,
    Language::Yaml,
    Language::Justfile,
    Language::Makefile,
];

/// The hash-rule findings of a snippet.
pub fn hash_findings(snippet: &Snippet, _file: &FileContext<'_>) -> Vec<Finding> {
    crate::lint::shell::hashes::check_text(&snippet.text)
}

/// The languages whose files the shell hash rules read (lint-spec §2a: shell scripts and
/// Nix shell strings).
pub const HASH_HOSTS: &[Language] = &[Language::Nix, Language::Shell];
