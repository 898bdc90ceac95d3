//! The engine: runs the enabled rules over one file (Nix rules in a single walk of the
//! shared parse), applies severity overrides and suppressions, and reports unused allows.

use std::path::Path;

use rnix::{SyntaxKind, WalkEvent};

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::language::Language;
use crate::lint::config::LintConfig;
use crate::lint::context::{FileContext, FileFacts};
use crate::lint::registry;
use crate::lint::rule::Rule;
use crate::lint::rules::unused_allow;
use crate::lint::suppress::{self, AllowScope, Lines};
use crate::nix::parse::{self, ParsedNix};

/// One file to lint: everything but the configuration.
#[derive(Debug, Clone, Copy)]
pub struct FileInput<'a> {
    /// The path as shown to the user.
    pub path: &'a Path,
    /// The file's language (`None`: repository rules only).
    pub language: Option<Language>,
    /// Its text (empty when it is not text).
    pub source: &'a str,
    /// The shared parse, for a Nix file that parsed.
    pub nix: Option<&'a ParsedNix>,
    /// Facts gathered by the CLI.
    pub facts: &'a FileFacts,
}

/// The enabled rules of one configuration, indexed for dispatch. Build it once per run.
pub struct Linter<'c> {
    config: &'c LintConfig,
    /// Enabled rules with a file hook, per language (index: [`language_slot`]).
    file_rules: Vec<Vec<&'static dyn Rule>>,
    /// Enabled rules with a file hook for every file.
    any_file_rules: Vec<&'static dyn Rule>,
    /// Enabled Nix rules by node kind (index: the kind's number).
    node_rules: Vec<Vec<&'static dyn Rule>>,
    unused_allow_enabled: bool,
}

const LANGUAGES: [Language; 8] = [
    Language::Nix,
    Language::Python,
    Language::PythonStub,
    Language::Shell,
    Language::Markdown,
    Language::Yaml,
    Language::Justfile,
    Language::Makefile,
];

fn language_slot(language: Language) -> usize {
    LANGUAGES
        .iter()
        .position(|&l| l == language)
        .expect("every language is in LANGUAGES")
}

impl<'c> Linter<'c> {
    /// Indexes the rules `config` enables.
    pub fn new(config: &'c LintConfig) -> Self {
        let mut linter = Linter {
            config,
            file_rules: vec![Vec::new(); LANGUAGES.len()],
            any_file_rules: Vec::new(),
            node_rules: Vec::new(),
            unused_allow_enabled: config.is_enabled(unused_allow::META.name),
        };
        for &rule in registry::RULES {
            let meta = rule.meta();
            if !config.is_enabled(meta.name) {
                continue;
            }
            if meta.any_file {
                linter.any_file_rules.push(rule);
            } else {
                for &language in meta.languages {
                    linter.file_rules[language_slot(language)].push(rule);
                }
            }
            if meta.languages.contains(&Language::Nix) {
                for &kind in meta.nix_kinds {
                    let slot = kind as usize;
                    if linter.node_rules.len() <= slot {
                        linter.node_rules.resize(slot + 1, Vec::new());
                    }
                    linter.node_rules[slot].push(rule);
                }
            }
        }
        linter
    }

    /// The configuration this linter was built from.
    pub fn config(&self) -> &'c LintConfig {
        self.config
    }

    /// Runs the rules over one file. The result is sorted by position, with severity
    /// overrides and suppressions applied, plus `unused_allow` findings.
    pub fn lint(&self, input: &FileInput<'_>) -> Vec<Diagnostic> {
        let file = FileContext {
            path: input.path,
            language: input.language,
            source: input.source,
            nix: input.nix,
            config: self.config,
            facts: input.facts,
        };
        let mut found = Vec::new();
        if let (Some(Language::Nix), Some(parsed)) = (input.language, input.nix) {
            self.walk_nix(parsed, &file, &mut found);
        }
        if let Some(language) = input.language {
            for rule in &self.file_rules[language_slot(language)] {
                rule.check_file(&file, &mut found);
            }
        }
        for rule in &self.any_file_rules {
            rule.check_file(&file, &mut found);
        }
        for diagnostic in &mut found {
            if let Some(severity) = self.config.severity_of(&diagnostic.rule) {
                diagnostic.severity = severity;
            }
        }
        let mut kept = self.suppress(input, found);
        kept.sort_by(|a, b| {
            (a.range.start, a.range.end, &a.rule).cmp(&(b.range.start, b.range.end, &b.rule))
        });
        kept.dedup();
        kept
    }

    /// The single walk: every node goes to the rules registered for its kind.
    fn walk_nix(&self, parsed: &ParsedNix, file: &FileContext<'_>, found: &mut Vec<Diagnostic>) {
        if self.node_rules.is_empty() {
            return;
        }
        for event in parsed.root.preorder() {
            if let WalkEvent::Enter(node) = event {
                let kind: SyntaxKind = node.kind();
                if let Some(rules) = self.node_rules.get(kind as usize) {
                    for rule in rules {
                        rule.check_node(&node, file, found);
                    }
                }
            }
        }
    }

    fn suppress(&self, input: &FileInput<'_>, found: Vec<Diagnostic>) -> Vec<Diagnostic> {
        let allows = suppress::collect(input.language, input.source, input.nix);
        if allows.is_empty() {
            return found;
        }
        let lines = Lines::new(input.source);
        let mut used = vec![false; allows.len()];
        let covers = |allow: &suppress::Allow, diagnostic: &Diagnostic| {
            allow.rule == Some(diagnostic.rule.as_str())
                && match allow.scope {
                    AllowScope::File => true,
                    AllowScope::Lines(first, last) => {
                        let line = lines.line_of(diagnostic.range.start.min(input.source.len()));
                        (first..=last).contains(&line)
                    }
                }
        };
        let mut kept = Vec::new();
        for diagnostic in found {
            let mut suppressed = false;
            for (index, allow) in allows.iter().enumerate() {
                if covers(allow, &diagnostic) {
                    used[index] = true;
                    suppressed = true;
                }
            }
            if !suppressed {
                kept.push(diagnostic);
            }
        }
        if !self.unused_allow_enabled {
            return kept;
        }
        let mut messages: Vec<Option<String>> = Vec::with_capacity(allows.len());
        for (allow, &used) in allows.iter().zip(&used) {
            messages.push(match allow.rule {
                _ if used => None,
                // An allow for a rule this configuration does not run cannot be judged.
                Some(rule) if !self.config.is_enabled(rule) => None,
                Some(rule) if rule == unused_allow::META.name => None,
                Some(rule) => Some(format!("this allow of `{rule}` suppresses nothing")),
                None => Some(format!(
                    "`{}` is not a rule; this allow suppresses nothing",
                    allow.written
                )),
            });
        }
        let mut unused = Vec::new();
        for (allow, message) in allows.iter().zip(&messages) {
            let Some(message) = message else { continue };
            let mut diagnostic = unused_allow::META
                .diagnostic(message.clone(), allow.range.clone())
                .with_help("remove it (stale suppressions hide future findings)");
            // The comment can go when none of the names it lists is of use.
            let whole_comment_unused = allows
                .iter()
                .zip(&messages)
                .filter(|(other, _)| other.range == allow.range)
                .all(|(_, message)| message.is_some());
            if whole_comment_unused {
                diagnostic = diagnostic.with_fix(Fix {
                    applicability: Applicability::Safe,
                    message: "remove the comment".to_string(),
                    edits: vec![Edit {
                        range: suppress::removal_range(input.source, allow.range.clone()),
                        replacement: String::new(),
                    }],
                });
            }
            if let Some(severity) = self.config.severity_of(unused_allow::META.name) {
                diagnostic.severity = severity;
            }
            unused.push(diagnostic);
        }
        // `allow(unused_allow)` / `allow-file(unused_allow)` silence these in turn.
        unused.retain(|diagnostic| !allows.iter().any(|allow| covers(allow, diagnostic)));
        kept.extend(unused);
        kept
    }
}

/// Lints one source with `config`, parsing it first when it is Nix (syntax errors come
/// back as `syntax_error` diagnostics and no rule runs). For tests and library users; the
/// CLI shares one parse with the formatter through [`Linter::lint`].
pub fn lint_source(
    path: &Path,
    language: Option<Language>,
    source: &str,
    config: &LintConfig,
    facts: &FileFacts,
) -> Vec<Diagnostic> {
    let parsed = match language {
        Some(Language::Nix) => match parse::parse(source) {
            Ok(parsed) => Some(parsed),
            Err(errors) => return errors,
        },
        _ => None,
    };
    Linter::new(config).lint(&FileInput {
        path,
        language,
        source,
        nix: parsed.as_ref(),
        facts,
    })
}

/// The highest severity among `diagnostics`, if any.
pub fn max_severity(diagnostics: &[Diagnostic]) -> Option<Severity> {
    diagnostics.iter().map(|d| d.severity).max()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lint_nix(source: &str, config: &LintConfig) -> Vec<Diagnostic> {
        lint_source(
            Path::new("t.nix"),
            Some(Language::Nix),
            source,
            config,
            &FileFacts::default(),
        )
    }

    #[test]
    fn syntax_errors_come_back_instead_of_findings() {
        let found = lint_nix("{ a = ; }", &LintConfig::default());
        assert!(!found.is_empty());
        assert!(
            found
                .iter()
                .all(|d| d.rule == crate::diagnostic::SYNTAX_ERROR)
        );
    }

    #[test]
    fn unused_and_unknown_allows_are_reported() {
        let source =
            "{\n  # flakefmt: allow(sri_hash)\n  a = 1; # flakefmt: allow(no_such_rule)\n}\n";
        let found = lint_nix(source, &LintConfig::default());
        let rules: Vec<_> = found
            .iter()
            .map(|d| (d.rule.as_str(), d.range.start))
            .collect();
        assert_eq!(rules, vec![("unused_allow", 4), ("unused_allow", 41)]);
        assert!(found[1].message.contains("no_such_rule"));
    }

    #[test]
    fn allows_of_disabled_rules_are_not_judged() {
        let config = crate::config::Config::from_toml("[lint]\nignore = [\"sri_hash\"]\n").unwrap();
        let found = lint_nix("# flakefmt: allow(sri_hash)\n{ }\n", &config.lint);
        assert!(found.is_empty(), "{found:?}");
        let config =
            crate::config::Config::from_toml("[lint]\nignore = [\"unused_allow\"]\n").unwrap();
        let found = lint_nix("# flakefmt: allow(nope)\n{ }\n", &config.lint);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn allow_file_of_unused_allow_silences_them() {
        let source = "# flakefmt: allow-file(unused_allow)\n# flakefmt: allow(sri_hash)\n{ }\n";
        assert!(lint_nix(source, &LintConfig::default()).is_empty());
    }
}
