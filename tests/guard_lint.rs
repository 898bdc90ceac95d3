//! The guard rules through the lint engine: configuration, suppressions, and the examples
//! of their docs (until the shared docs harness covers them, and after, as a focused check).

use std::path::Path;

use flakefmt::config::Config;
use flakefmt::diagnostic::{Diagnostic, Severity};
use flakefmt::language::Language;
use flakefmt::lint::{FileFacts, LintConfig, lint_source};

fn lint(source: &str, config: &LintConfig) -> Vec<Diagnostic> {
    lint_source(
        Path::new("module.nix"),
        Some(Language::Nix),
        source,
        config,
        &FileFacts::default(),
    )
}

fn rules_of(diagnostics: &[Diagnostic]) -> Vec<&str> {
    diagnostics.iter().map(|d| d.rule.as_str()).collect()
}

/// The fenced blocks of a doc whose info string is `nix <kind>`.
fn blocks(doc: &str, kind: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut current: Option<String> = None;
    for line in doc.lines() {
        match &mut current {
            Some(block) if line.trim_start().starts_with("```") => {
                found.push(std::mem::take(block));
                current = None;
            }
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
            None if line.trim() == format!("```nix {kind}") => current = Some(String::new()),
            None => {}
        }
    }
    found
}

#[test]
fn doc_examples_trigger_exactly_their_rule() {
    for rule in [
        "guarded_option_access",
        "unresolvable_with",
        "mkif_in_operator",
    ] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("rules/{rule}.md"));
        let doc = std::fs::read_to_string(&path).unwrap();
        let config = LintConfig::default();
        let bad = blocks(&doc, "bad");
        let good = blocks(&doc, "good");
        assert!(!bad.is_empty() && !good.is_empty(), "{rule}");
        for example in bad {
            let found = lint(&example, &config);
            assert!(
                !found.is_empty(),
                "{rule}: bad example is clean:\n{example}"
            );
            assert!(
                found.iter().all(|d| d.rule == rule),
                "{rule}: {:?}\n{example}",
                rules_of(&found)
            );
        }
        for example in good {
            let found = lint(&example, &config);
            assert!(found.is_empty(), "{rule}: {found:#?}\n{example}");
        }
    }
}

const MODULE: &str = r#"{ config, lib, ... }:
let
  cfg = config.services.sky;
in
{
  options.services.sky = {
    enableCluster = lib.mkEnableOption "cluster";
    cluster.name = lib.mkOption { type = lib.types.str; };
    port = lib.mkOption { type = lib.types.port; };
  };
  config.networking.hostName = cfg.cluster.name;
  config.networking.firewall.allowedTCPPorts = [ cfg.port ];
}
"#;

#[test]
fn configured_pairs_codes_and_severities() {
    let config = Config::from_toml(
        r#"
[[lint.guarded_option_access]]
option-root = "services.sky"
guard = "enableCluster"
paths = ["cluster", "port"]
severity = "warning"
"#,
    )
    .unwrap();
    let found = lint(MODULE, &config.lint);
    assert_eq!(
        rules_of(&found),
        ["guarded_option_access", "guarded_option_access"]
    );
    assert!(found.iter().all(|d| d.severity == Severity::Warning));

    // `[lint.severity]` by code replaces the pair's severity.
    let config = Config::from_toml("[lint.severity]\nFF301 = \"info\"\n").unwrap();
    let found = lint(MODULE, &config.lint);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, Severity::Info);

    let config = Config::from_toml("[lint]\nignore = [\"FF3\"]\n").unwrap();
    assert!(lint(MODULE, &config.lint).is_empty());
}

#[test]
fn unknown_keys_in_pairs_are_errors() {
    let error = Config::from_toml(
        "[[lint.guarded_option_access]]\noption-root = \"a\"\nguard = \"b\"\noption_root = \"c\"\n",
    )
    .unwrap_err();
    assert!(error.message.contains("option_root"), "{}", error.message);
    let error = Config::from_toml("[[lint.guarded_option_access]]\nguard = \"b\"\n").unwrap_err();
    assert!(error.message.contains("option-root"), "{}", error.message);
}

#[test]
fn suppression_comments_silence_a_read() {
    let source = MODULE.replace(
        "  config.networking.hostName = cfg.cluster.name;\n",
        "  # flakefmt: allow(guarded_option_access)\n  config.networking.hostName = cfg.cluster.name;\n",
    );
    let found = lint(&source, &LintConfig::default());
    assert!(found.is_empty(), "{found:#?}");
    let source = MODULE.replace(
        "  config.networking.hostName = cfg.cluster.name;\n",
        "  config.networking.hostName = cfg.cluster.name; # flakefmt: allow(FF301)\n",
    );
    assert!(lint(&source, &LintConfig::default()).is_empty());
}
