//! With.

use super::*;

#[test]
fn with_over_options_is_unresolvable_and_not_guessed() {
    let source = module("with cfg; { x = cluster.name; }");
    assert!(unguarded(&source).is_empty());
    assert_eq!(with_findings(&source), ["with cfg"]);
    let diagnostics = check_with(&source, &GuardOptions::default());
    assert_eq!(diagnostics[0].severity, Severity::Info);
    assert_eq!(
        diagnostics[0].message,
        "`with cfg;` brings the options of `services.sky` into scope as bare names: reads of \
         `cluster.*` through them cannot be checked against `services.sky.enableCluster`"
    );
    // Lexical names win over `with`: nothing can come from it here.
    let source = module_with("  x = 1;", "with cfg; { y = x; z = toString true; }");
    assert!(with_findings(&source).is_empty());
    // A namespace unrelated to any guarded path.
    let source = module("with config.networking; { y = hostName; }");
    assert!(with_findings(&source).is_empty());
}

#[test]
fn with_over_config_and_its_parents() {
    let source = module("with config; { x = services.sky.cluster.name; }");
    assert_eq!(with_findings(&source), ["with config"]);
    let diagnostics = check_with(&source, &GuardOptions::default());
    assert!(
        diagnostics[0]
            .message
            .contains("brings `config` into scope"),
        "{}",
        diagnostics[0].message
    );
    let source = module("with config.services; { x = sky.cluster.name; }");
    assert_eq!(with_findings(&source), ["with config.services"]);
}

#[test]
fn with_over_a_guarded_group_is_an_access() {
    let source = module(
        "{ x = with cfg.cluster; name; y = lib.mkIf cfg.enableCluster (with cfg.cluster; port); }",
    );
    assert_eq!(unguarded(&source), ["cfg.cluster"]);
    assert_eq!(
        with_findings(&source),
        ["with cfg.cluster", "with cfg.cluster"]
    );
}

#[test]
fn with_lib_keeps_mkif_even_under_with_cfg() {
    let source = module("with lib; with cfg; mkIf enableCluster { x = cluster.name; }");
    assert!(unguarded(&source).is_empty());
    assert_eq!(with_findings(&source), ["with cfg"]);
}
