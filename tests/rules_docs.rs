//! Docs that are tests: every `rules/<name>.md` is run.
//!
//! - every registered rule has a doc and every doc a rule;
//! - a doc has the sections `## What it flags`, `## Why`, `## Example`, `## Options`;
//! - each fenced block whose info string is `<lang> bad|good|fixed [key=value…]` is linted
//!   with the default configuration: a `bad` block triggers exactly its rule, a `good`
//!   block triggers nothing, and a `fixed` block is what fixing the `bad` block before it
//!   gives (formatted, for Nix), with `--fix`, or `--unsafe-fixes` when the info string says
//!   `unsafe`. A fixable rule needs at least one `fixed` block.
//!
//! Languages: `nix`, `sh`, `md`, `yaml`, `just`, `make`, and `text` (a file of no known
//! language, for the repository rules). Keys: `path=` (the file's path), `git-mode=` (its
//! mode in the git index, octal), `fs-mode=` (on disk), `symlink=` (a link's target).
//!
//! All failures are gathered and reported together.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

use flakefmt::diagnostic::Diagnostic;
use flakefmt::language::Language;
use flakefmt::lint::rules::git_exec_bit::{FileAction, file_action};
use flakefmt::lint::{FileFacts, FileInput, FixKind, LintConfig, Linter, registry};
use flakefmt::nix::NixFormatOptions;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Bad,
    Good,
    Fixed,
}

#[derive(Debug, Clone)]
struct Block {
    line: usize,
    lang: String,
    role: Role,
    attrs: BTreeMap<String, String>,
    unsafe_fixes: bool,
    text: String,
}

/// The fenced blocks with a role, in order.
fn blocks(doc: &str) -> Result<Vec<Block>, String> {
    let mut blocks = Vec::new();
    let mut lines = doc.lines().enumerate();
    while let Some((number, line)) = lines.next() {
        let trimmed = line.trim_start();
        let fence: String = trimmed
            .chars()
            .take_while(|&c| c == '`' || c == '~')
            .collect();
        if fence.len() < 3 {
            continue;
        }
        let info = trimmed[fence.len()..].trim();
        let mut text = String::new();
        let mut closed = false;
        for (_, body) in lines.by_ref() {
            if body.trim_start().starts_with(&fence) && body.trim() == fence {
                closed = true;
                break;
            }
            text.push_str(body);
            text.push('\n');
        }
        if !closed {
            return Err(format!("line {}: unclosed fence", number + 1));
        }
        let mut words = info.split_whitespace();
        let lang = words.next().unwrap_or("").to_string();
        let mut role = None;
        let mut attrs = BTreeMap::new();
        let mut unsafe_fixes = false;
        for word in words {
            match word {
                "bad" => role = Some(Role::Bad),
                "good" => role = Some(Role::Good),
                "fixed" => role = Some(Role::Fixed),
                "unsafe" => unsafe_fixes = true,
                _ => {
                    let Some((key, value)) = word.split_once('=') else {
                        return Err(format!(
                            "line {}: unknown word `{word}` in `{info}`",
                            number + 1
                        ));
                    };
                    attrs.insert(key.to_string(), value.to_string());
                }
            }
        }
        if let Some(role) = role {
            blocks.push(Block {
                line: number + 1,
                lang,
                role,
                attrs,
                unsafe_fixes,
                text,
            });
        }
    }
    Ok(blocks)
}

fn language(lang: &str) -> Result<(Option<Language>, &'static str), String> {
    Ok(match lang {
        "nix" => (Some(Language::Nix), "example.nix"),
        "sh" => (Some(Language::Shell), "example.sh"),
        "md" => (Some(Language::Markdown), "README.md"),
        "yaml" => (Some(Language::Yaml), ".github/workflows/ci.yml"),
        "just" => (Some(Language::Justfile), "Justfile"),
        "make" => (Some(Language::Makefile), "Makefile"),
        "text" => (None, "file"),
        _ => return Err(format!("unknown block language `{lang}`")),
    })
}

fn facts(block: &Block) -> Result<FileFacts, String> {
    let mut facts = FileFacts::default();
    let octal = |key: &str| -> Result<Option<u32>, String> {
        block
            .attrs
            .get(key)
            .map(|value| {
                u32::from_str_radix(value, 8).map_err(|_| format!("{key}={value} is not octal"))
            })
            .transpose()
    };
    facts.git_mode = octal("git-mode")?;
    facts.in_repository = facts.git_mode.is_some();
    facts.fs_mode = octal("fs-mode")?;
    if let Some(target) = block.attrs.get("symlink") {
        facts.symlink_target = Some(target.clone());
        facts.is_symlink = true;
    }
    facts.head = block.text.as_bytes().iter().take(256).copied().collect();
    Ok(facts)
}

struct Prepared {
    path: PathBuf,
    language: Option<Language>,
    facts: FileFacts,
}

fn prepare(block: &Block) -> Result<Prepared, String> {
    let (language, default_path) = language(&block.lang)?;
    let path = PathBuf::from(block.attrs.get("path").map_or(default_path, String::as_str));
    Ok(Prepared {
        path,
        language,
        facts: facts(block)?,
    })
}

fn lint(linter: &Linter<'_>, block: &Block) -> Result<Vec<Diagnostic>, String> {
    let prepared = prepare(block)?;
    let parsed = match prepared.language {
        Some(Language::Nix) => Some(
            flakefmt::nix::parse::parse(&block.text)
                .map_err(|errors| format!("does not parse: {}", errors[0].message))?,
        ),
        _ => None,
    };
    let source = if prepared.language.is_some() {
        block.text.as_str()
    } else {
        ""
    };
    Ok(linter.lint(&FileInput {
        path: &prepared.path,
        language: prepared.language,
        source,
        nix: parsed.as_ref(),
        facts: &prepared.facts,
    }))
}

/// Fixes `bad`, returning the text and the git mode afterwards.
fn fix(
    linter: &Linter<'_>,
    bad: &Block,
    unsafe_fixes: bool,
) -> Result<(String, Option<u32>), String> {
    let prepared = prepare(bad)?;
    let parsed = match prepared.language {
        Some(Language::Nix) => flakefmt::nix::parse::parse(&bad.text).ok(),
        _ => None,
    };
    let options = NixFormatOptions::default();
    let result = linter.fix(
        &FileInput {
            path: &prepared.path,
            language: prepared.language,
            source: &bad.text,
            nix: parsed.as_ref(),
            facts: &prepared.facts,
        },
        unsafe_fixes,
        Some(&options),
    );
    if !result.dropped.is_empty() {
        return Err(format!("fixes dropped: {:?}", result.dropped));
    }
    let mut source = result.source;
    if prepared.language == Some(Language::Nix) {
        source = flakefmt::nix::format_source(&source, &options)
            .map_err(|errors| format!("fixed text does not format: {}", errors[0].message))?;
    }
    let mut git_mode = prepared.facts.git_mode;
    for diagnostic in &result.remaining {
        let applies = diagnostic.fix.as_ref().is_some_and(|f| {
            unsafe_fixes || f.applicability == flakefmt::diagnostic::Applicability::Safe
        });
        if let (true, Some(FileAction::SetExecutable(executable))) =
            (applies, file_action(diagnostic))
        {
            git_mode = Some(if executable { 0o100755 } else { 0o100644 });
        }
    }
    Ok((source, git_mode))
}

fn summary(found: &[Diagnostic]) -> String {
    let items: Vec<String> = found
        .iter()
        .map(|d| format!("{}@{:?}: {}", d.rule, d.range, d.message))
        .collect();
    format!("[{}]", items.join("; "))
}

fn check_doc(name: &str, doc: &str, failures: &mut Vec<String>) {
    let mut fail = |message: String| failures.push(format!("rules/{name}.md: {message}"));
    let Some(rule) = registry::find(name).filter(|rule| rule.meta().name == name) else {
        fail("no rule of this name is registered".into());
        return;
    };
    for section in ["## What it flags", "## Why", "## Example", "## Options"] {
        if !doc.lines().any(|line| line.trim_end() == section) {
            fail(format!("missing section `{section}`"));
        }
    }
    let blocks = match blocks(doc) {
        Ok(blocks) => blocks,
        Err(message) => {
            fail(message);
            return;
        }
    };
    let count = |role| blocks.iter().filter(|b| b.role == role).count();
    if count(Role::Bad) == 0 {
        fail("no `bad` example".into());
    }
    if count(Role::Good) == 0 {
        fail("no `good` example".into());
    }
    let fixable = rule.meta().fix != FixKind::None;
    if fixable && count(Role::Fixed) == 0 {
        fail("the rule has a fix but the doc has no `fixed` example".into());
    }
    if !fixable && count(Role::Fixed) > 0 {
        fail("the rule has no fix but the doc has a `fixed` example".into());
    }
    let config = LintConfig::default();
    let linter = Linter::new(&config);
    let mut last_bad: Option<&Block> = None;
    for block in &blocks {
        let at = format!("line {} ({} {:?})", block.line, block.lang, block.role);
        match block.role {
            Role::Bad => {
                last_bad = Some(block);
                match lint(&linter, block) {
                    Ok(found) => {
                        if found.is_empty() || found.iter().any(|d| d.rule != name) {
                            fail(format!(
                                "{at}: must trigger exactly `{name}`, got {}",
                                summary(&found)
                            ));
                        }
                    }
                    Err(message) => fail(format!("{at}: {message}")),
                }
            }
            Role::Good => match lint(&linter, block) {
                Ok(found) if found.is_empty() => {}
                Ok(found) => fail(format!(
                    "{at}: must trigger nothing, got {}",
                    summary(&found)
                )),
                Err(message) => fail(format!("{at}: {message}")),
            },
            Role::Fixed => {
                let Some(bad) = last_bad.take() else {
                    fail(format!("{at}: a `fixed` block must follow a `bad` one"));
                    continue;
                };
                match fix(&linter, bad, block.unsafe_fixes) {
                    Ok((text, git_mode)) => {
                        if text != block.text {
                            fail(format!(
                                "{at}: fixing the bad example at line {} gives\n{text}\nnot\n{}",
                                bad.line, block.text
                            ));
                        }
                        let wanted = facts(block).ok().and_then(|facts| facts.git_mode);
                        if wanted.is_some() && git_mode != wanted {
                            fail(format!(
                                "{at}: git mode after fixing is {git_mode:?}, not {wanted:?} (decimal)"
                            ));
                        }
                    }
                    Err(message) => fail(format!("{at}: {message}")),
                }
            }
        }
    }
}

/// Rules registered by helpers whose docs are still being written elsewhere. The test
/// fails when one of these gets a doc, so the list only shrinks.
const PENDING_DOCS: &[&str] = &[];

#[test]
fn every_rule_doc_runs() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut failures = Vec::new();
    let mut documented = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .expect("rules/ exists")
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().and_then(|e| e.to_str()) == Some("md"))
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let doc = std::fs::read_to_string(&path).unwrap();
        check_doc(&name, &doc, &mut failures);
        documented.push(name);
    }
    for rule in registry::RULES {
        let name = rule.meta().name;
        let has_doc = documented.iter().any(|doc| doc == name);
        let pending = PENDING_DOCS.contains(&name);
        if !has_doc && !pending {
            failures.push(format!("rule `{name}` has no doc: write rules/{name}.md"));
        }
        if has_doc && pending {
            failures.push(format!(
                "rule `{name}` has a doc now: remove it from PENDING_DOCS"
            ));
        }
        if has_doc && registry::doc(name).is_none() {
            failures.push(format!("rules/{name}.md is not embedded (build.rs)"));
        }
    }
    let mut report = String::new();
    for failure in &failures {
        let _ = writeln!(report, "- {failure}");
    }
    assert!(
        failures.is_empty(),
        "{} doc failure(s):\n{report}",
        failures.len()
    );
}

#[test]
fn harness_catches_a_bad_example_that_does_not_trigger() {
    let doc = "## What it flags\n## Why\n## Example\n```nix bad\n{ }\n```\n```nix good\n{ }\n```\n## Options\n";
    let mut failures = Vec::new();
    check_doc("placeholder_hash", doc, &mut failures);
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert!(failures[0].contains("must trigger exactly"), "{failures:?}");
    let mut failures = Vec::new();
    check_doc("no_such_rule", doc, &mut failures);
    assert!(failures[0].contains("no rule"), "{failures:?}");
}
