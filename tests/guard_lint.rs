//! The guard rules through the lint engine: configuration, rule selection, suppressions.
//! (Their docs' examples run in tests/rules_docs.rs.)

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
        "[[lint.guarded_option_access]]\noption-root = \"a\"\nguard = \"b\"\noption-path = \"c\"\n",
    )
    .unwrap_err();
    assert!(error.message.contains("option-path"), "{}", error.message);
    // The specification's spelling is the same key: giving both is an error.
    let error = Config::from_toml(
        "[[lint.guarded_option_access]]\noption-root = \"a\"\nguard = \"b\"\noption_root = \"c\"\n",
    )
    .unwrap_err();
    assert!(error.message.contains("duplicate"), "{}", error.message);
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

#[test]
fn each_guard_rule_can_be_selected_alone() {
    let source = MODULE.replace(
        "  config.networking.hostName = cfg.cluster.name;\n",
        "  config.networking.hostName = cfg.cluster.name;\n  config.x = with cfg; cluster;\n",
    );
    let all = lint(&source, &LintConfig::default());
    assert_eq!(
        rules_of(&all),
        ["guarded_option_access", "unresolvable_with"]
    );
    let config = Config::from_toml("[lint]\nselect = [\"unresolvable_with\"]\n").unwrap();
    assert_eq!(
        rules_of(&lint(&source, &config.lint)),
        ["unresolvable_with"]
    );
    let config = Config::from_toml("[lint]\nignore = [\"FF302\"]\n").unwrap();
    assert_eq!(
        rules_of(&lint(&source, &config.lint)),
        ["guarded_option_access"]
    );
}

#[test]
fn cli_reads_configured_pairs_from_flakefmt_toml() {
    let dir = tempfile::tempdir().unwrap();
    let module = "{ config, lib, ... }:\n{\n  config.networking.hostName = config.services.sky.cluster.name;\n}\n";
    std::fs::write(dir.path().join("module.nix"), module).unwrap();
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_flakefmt"))
            .args(["lint", "--output-format", "concise", "module.nix"])
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    // No declarations in this module and no configuration: nothing to check.
    let output = run();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    std::fs::write(
        dir.path().join("flakefmt.toml"),
        "[[lint.guarded_option_access]]\noption-root = \"services.sky\"\nguard = \"enableCluster\"\npaths = [\"cluster\"]\n",
    )
    .unwrap();
    let output = run();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "module.nix:3:32: error[guarded_option_access]: `config.services.sky.cluster.name` reads \
         option `services.sky.cluster.name` where `services.sky.enableCluster` may be false\n"
    );
    std::fs::write(
        dir.path().join("flakefmt.toml"),
        "[[lint.guarded_option_access]]\nroot = \"services.sky\"\nguard = \"enableCluster\"\n",
    )
    .unwrap();
    let output = run();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("unknown field `root`"),
        "{output:?}"
    );
    // The lint specification's spelling (`[[lints...]]`, `option_root`) works as ours.
    std::fs::write(
        dir.path().join("flakefmt.toml"),
        "[[lints.guarded_option_access]]\noption_root = \"services.sky\"\nguard = \"enableCluster\"\npaths = [\"cluster\"]\n",
    )
    .unwrap();
    let output = run();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("error[guarded_option_access]"),
        "{output:?}"
    );
}
