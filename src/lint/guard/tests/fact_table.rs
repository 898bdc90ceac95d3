//! The fact table.

use super::*;

#[test]
fn unguarded_read_is_reported() {
    let source = module("{ networking.hostName = cfg.cluster.name; }");
    assert_eq!(unguarded(&source), ["cfg.cluster.name"]);
}

#[test]
fn mkif_guards_its_content_but_not_its_condition() {
    let source = module("lib.mkIf cfg.enableCluster { networking.hostName = cfg.cluster.name; }");
    assert!(unguarded(&source).is_empty());
    let source = module("lib.mkIf (cfg.cluster.port > 0) { }");
    assert_eq!(unguarded(&source), ["cfg.cluster.port"]);
    let source = module("lib.mkIf cfg.enable { x = cfg.cluster.name; }");
    assert_eq!(unguarded(&source), ["cfg.cluster.name"]);
}

#[test]
fn bare_mkif_under_with_lib_and_inherited_from_lib() {
    let source = format!(
        "{{ config, lib, ... }}: with lib; let cfg = config.services.sky; in {}",
        &module("X")[module("X").find("{\n  options").unwrap()..]
    )
    .replace(
        "config = X;",
        "config = mkIf cfg.enableCluster { x = cfg.cluster.name; };",
    );
    assert!(unguarded(&source).is_empty(), "{source}");
    let source = module_with(
        "  inherit (lib) mkIf;",
        "mkIf cfg.enableCluster { x = cfg.cluster.name; }",
    );
    assert!(unguarded(&source).is_empty());
    let source = module_with(
        "  when = lib.mkIf;",
        "when cfg.enableCluster { x = cfg.cluster.name; }",
    );
    assert!(unguarded(&source).is_empty());
}

#[test]
fn optional_functions_guard_their_second_argument() {
    for function in [
        "optionalAttrs",
        "optionals",
        "optional",
        "optionalString",
        "optionalDrvAttr",
    ] {
        let source = module(&format!(
            "{{ x = lib.{function} cfg.enableCluster cfg.cluster.name; }}"
        ));
        assert!(unguarded(&source).is_empty(), "{function}");
        let source = module(&format!(
            "{{ x = lib.{function} cfg.enable cfg.cluster.name; }}"
        ));
        assert_eq!(unguarded(&source), ["cfg.cluster.name"], "{function}");
    }
}

#[test]
fn pipes_are_calls() {
    let source = module("{ x = cfg.cluster.name |> lib.optional cfg.enableCluster; }");
    assert!(unguarded(&source).is_empty());
    let source = module("{ x = lib.mkIf cfg.enableCluster <| { y = cfg.cluster.name; }; }");
    assert!(unguarded(&source).is_empty());
    let source = module("{ x = cfg.cluster.name |> lib.optional cfg.enable; }");
    assert_eq!(unguarded(&source), ["cfg.cluster.name"]);
}

#[test]
fn merge_and_priorities_are_transparent() {
    let source = module(
        "lib.mkIf cfg.enableCluster (lib.mkMerge [ { a = lib.mkDefault cfg.cluster.name; } \
         { b = lib.mkForce cfg.cluster.port; c = lib.mkOverride 10 cfg.cluster.port; \
         d = lib.mkBefore [ cfg.cluster.name ]; e = lib.mkAfter [ ]; f = lib.mkOrder 5 [ cfg.cluster.name ]; } ])",
    );
    assert!(unguarded(&source).is_empty());
    let source = module("lib.mkMerge [ { a = lib.mkDefault cfg.cluster.name; } ]");
    assert_eq!(unguarded(&source), ["cfg.cluster.name"]);
}

#[test]
fn if_then_else() {
    let source = module("{ x = if cfg.enableCluster then cfg.cluster.name else \"none\"; }");
    assert!(unguarded(&source).is_empty());
    let source = module("{ x = if !cfg.enableCluster then \"none\" else cfg.cluster.name; }");
    assert!(unguarded(&source).is_empty());
    let source = module("{ x = if cfg.enableCluster then \"none\" else cfg.cluster.name; }");
    assert_eq!(unguarded(&source), ["cfg.cluster.name"]);
}

#[test]
fn and_chains() {
    let source = module("{ x = cfg.enable && cfg.enableCluster && cfg.cluster.port > 0; }");
    assert!(unguarded(&source).is_empty());
    let source = module("{ x = cfg.cluster.port > 0 && cfg.enableCluster; }");
    assert_eq!(unguarded(&source), ["cfg.cluster.port"]);
}

#[test]
fn or_chains() {
    let source = module("{ x = !cfg.enableCluster || cfg.cluster.port > 0; }");
    assert!(unguarded(&source).is_empty());
    let source =
        module("{ x = cfg.enable == false || !cfg.enableCluster || cfg.cluster.port > 0; }");
    assert!(unguarded(&source).is_empty());
    let source = module("{ x = cfg.enableCluster || cfg.cluster.port > 0; }");
    assert_eq!(unguarded(&source), ["cfg.cluster.port"]);
}

#[test]
fn implication() {
    let source = module("{ x = cfg.enableCluster -> cfg.cluster.port > 0; }");
    assert!(unguarded(&source).is_empty());
    // `->` binds looser than `&&`: `a -> b && c` is `a -> (b && c)`.
    let source = module("{ x = cfg.enableCluster -> cfg.enable && cfg.cluster.port > 0; }");
    assert!(unguarded(&source).is_empty());
}

#[test]
fn assert_guards_its_body() {
    let source = module("assert cfg.enableCluster; { x = cfg.cluster.name; }");
    assert!(unguarded(&source).is_empty());
}

#[test]
fn assert_msg_is_its_condition() {
    let source = module(
        "assert lib.assertMsg cfg.enableCluster \"needs the cluster\"; { x = cfg.cluster.name; }",
    );
    assert!(unguarded(&source).is_empty());
    let source = module("assert lib.assertMsg cfg.enable \"needs sky\"; { x = cfg.cluster.name; }");
    assert_eq!(unguarded(&source), ["cfg.cluster.name"]);
}

#[test]
fn throw_and_warn_functions() {
    let source = module(
        "{ x = lib.throwIf (!cfg.enableCluster) \"no cluster\" cfg.cluster.name; \
         y = lib.throwIfNot cfg.enableCluster \"no cluster\" cfg.cluster.port; \
         z = lib.throwIf cfg.enableCluster \"cluster ${cfg.cluster.name}\" 1; \
         w = lib.warnIf cfg.enableCluster \"cluster ${cfg.cluster.name}\" 1; }",
    );
    assert!(unguarded(&source).is_empty());
    let source = module("{ w = lib.warnIf cfg.enableCluster \"on\" cfg.cluster.name; }");
    assert_eq!(unguarded(&source), ["cfg.cluster.name"]);
    let source = module("{ x = lib.throwIfNot cfg.enableCluster cfg.cluster.name 1; }");
    assert_eq!(unguarded(&source), ["cfg.cluster.name"]);
}

#[test]
fn assertion_messages_are_under_the_negated_assertion() {
    let source = module(
        "{ assertions = [ { assertion = cfg.enableCluster -> cfg.cluster.port > 0; \
         message = \"port ${toString cfg.cluster.port} of ${cfg.cluster.name} is invalid\"; } ]; }",
    );
    assert!(unguarded(&source).is_empty());
    let source = module(
        "{ assertions = [ { assertion = cfg.enable; message = \"${cfg.cluster.name}\"; } ]; }",
    );
    assert_eq!(unguarded(&source), ["cfg.cluster.name"]);
}

#[test]
fn warnings_built_with_optional() {
    let source = module(
        "{ warnings = lib.optional (cfg.enableCluster && cfg.cluster.port < 1024) \"privileged port ${toString cfg.cluster.port}\"; }",
    );
    assert!(unguarded(&source).is_empty());
}

#[test]
fn comparisons_with_booleans_are_normalised() {
    for condition in [
        "cfg.enableCluster == true",
        "true == cfg.enableCluster",
        "!(cfg.enableCluster == false)",
        "cfg.enableCluster != false",
        "!(!cfg.enableCluster)",
    ] {
        let source = module(&format!(
            "lib.mkIf ({condition}) {{ x = cfg.cluster.name; }}"
        ));
        assert!(unguarded(&source).is_empty(), "{condition}");
    }
    let source = module("lib.mkIf (cfg.enableCluster == false) { x = cfg.cluster.name; }");
    assert_eq!(unguarded(&source), ["cfg.cluster.name"]);
}

#[test]
fn nested_contexts_combine() {
    let source = module(
        "lib.mkIf cfg.enable { x = lib.optionalString cfg.enableCluster \"${cfg.cluster.name}\"; \
         y = if cfg.enableCluster then { z = lib.mkIf (cfg.cluster.port > 0) cfg.cluster.port; } else { }; }",
    );
    assert!(unguarded(&source).is_empty());
}

#[test]
fn let_bound_condition_is_expanded() {
    let source = module_with(
        "  clusterOn = cfg.enable && cfg.enableCluster;",
        "lib.mkIf clusterOn { x = cfg.cluster.name; }",
    );
    assert!(unguarded(&source).is_empty());
}

#[test]
fn inherited_values_are_distinct_conditions() {
    // `a` and `b` come from the same set but are different conditions: `a ∧ ¬b` is not a
    // contradiction that would make everything below it "guarded".
    let source = module_with(
        "  flags = { a = true; b = false; };\n  inherit (flags) a b;",
        "{ x = if a then (if !b then cfg.cluster.name else null) else null; }",
    );
    assert_eq!(unguarded(&source), ["cfg.cluster.name"]);
}

#[test]
fn or_default_and_has_attr_are_accesses() {
    let source = module("{ x = cfg.cluster.name or \"n\"; y = cfg.cluster ? name; }");
    assert_eq!(
        unguarded(&source),
        ["cfg.cluster.name", "cfg.cluster ? name"]
    );
}

#[test]
fn dynamic_attributes_below_the_guarded_path_are_accesses() {
    let source = module_with(
        "  key = \"name\";",
        "{ x = cfg.cluster.${key}; y = cfg.${key}; }",
    );
    assert_eq!(unguarded(&source), ["cfg.cluster.${key}"]);
}
