//! Fixtures for the guard analysis: one per row of the spec's fact table, aliases,
//! shadowing, `with`, declarations, strings, and a realistic module.

use super::*;
use crate::nix::parse::parse;

fn check_with(source: &str, options: &GuardOptions) -> Vec<Diagnostic> {
    let parsed = parse(source).unwrap_or_else(|errors| panic!("{errors:?}\n{source}"));
    check_module(&parsed.root, source, options)
}

/// The source text of every `guarded_option_access` finding.
fn unguarded(source: &str) -> Vec<String> {
    check_with(source, &GuardOptions::default())
        .iter()
        .filter(|d| d.rule == GUARDED_OPTION_ACCESS)
        .map(|d| source[d.range.clone()].to_string())
        .collect()
}

fn with_findings(source: &str) -> Vec<String> {
    check_with(source, &GuardOptions::default())
        .iter()
        .filter(|d| d.rule == UNRESOLVABLE_WITH)
        .map(|d| source[d.range.clone()].to_string())
        .collect()
}

/// A module declaring `services.sky.{enable, enableCluster, cluster.{name, port}}`, with
/// `LET` bound before the result and `BODY` as its `config`.
fn module_with(lets: &str, body: &str) -> String {
    format!(
        r#"{{ config, lib, pkgs, ... }}:
let
  cfg = config.services.sky;
{lets}
in
{{
  options.services.sky = {{
    enable = lib.mkEnableOption "sky";
    enableCluster = lib.mkEnableOption "the cluster";
    cluster = {{
      name = lib.mkOption {{ type = lib.types.str; default = "c"; }};
      port = lib.mkOption {{ type = lib.types.port; default = 1; }};
    }};
  }};
  config = {body};
}}
"#
    )
}

fn module(body: &str) -> String {
    module_with("", body)
}

// ---- the fact table -------------------------------------------------------------------

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

// ---- aliases, chains and shadowing ----------------------------------------------------

#[test]
fn alias_chains_count_where_used() {
    let source = module_with(
        "  c = cfg.cluster;\n  port = c.port;",
        "{ a = lib.mkIf cfg.enableCluster { x = c.name; y = port; }; b = port; }",
    );
    assert_eq!(unguarded(&source), ["port"]);
}

#[test]
fn inherit_from_config_makes_aliases() {
    let source = r#"{ config, lib, ... }:
let
  inherit (config.services) sky;
  inherit (sky) cluster;
in
{
  options.services.sky.enableCluster = lib.mkEnableOption "cluster";
  options.services.sky.cluster.name = lib.mkOption { type = lib.types.str; };
  config = { a = sky.cluster.name; b = cluster.name; c = lib.mkIf sky.enableCluster cluster.name; };
}
"#;
    assert_eq!(unguarded(source), ["sky.cluster.name", "cluster.name"]);
}

#[test]
fn direct_config_reads_and_at_bound_args() {
    let source = module("{ x = config.services.sky.cluster.name; }");
    assert_eq!(unguarded(&source), ["config.services.sky.cluster.name"]);
    let source = r#"args@{ lib, ... }:
{
  options.services.sky.enableCluster = lib.mkEnableOption "cluster";
  options.services.sky.cluster.name = lib.mkOption { };
  config.x = args.config.services.sky.cluster.name;
}
"#;
    assert_eq!(unguarded(source), ["args.config.services.sky.cluster.name"]);
}

#[test]
fn shadowing_by_lambda_parameters_and_nested_lets() {
    let source = module(
        "{ a = map (cfg: cfg.cluster.name) [ ]; b = let cfg = { cluster.name = 1; }; in cfg.cluster.name; \
         c = ({ cfg ? null }: cfg.cluster) { }; }",
    );
    assert!(unguarded(&source).is_empty());
}

#[test]
fn submodule_config_is_not_the_system_config() {
    let source = module(
        "{ x = lib.types.submodule ({ config, ... }: { y = config.services.sky.cluster.name; }); }",
    );
    assert!(unguarded(&source).is_empty());
}

#[test]
fn inline_imported_modules_share_the_system_config() {
    let source =
        module("{ imports = [ ({ config, ... }: { x = config.services.sky.cluster.name; }) ]; }");
    // `imports` belongs at the top of a module, but the walk does not depend on it.
    assert_eq!(unguarded(&source), ["config.services.sky.cluster.name"]);
    let source = r#"{ config, lib, ... }:
{
  imports = [
    ({ config, ... }: lib.mkIf config.services.sky.enableCluster { y = config.services.sky.cluster.name; })
    ({ config, ... }: { z = config.services.sky.cluster.name; })
  ];
  options.services.sky.enableCluster = lib.mkEnableOption "cluster";
  options.services.sky.cluster.name = lib.mkOption { };
}
"#;
    assert_eq!(unguarded(source), ["config.services.sky.cluster.name"]);
    let found = check_with(source, &GuardOptions::default());
    assert_eq!(found[0].range.start, source.find("z = config").unwrap() + 4);
}

#[test]
fn let_values_are_guarded_only_if_every_use_is() {
    let lets = "  address = \"${cfg.cluster.name}:${toString cfg.cluster.port}\";";
    let source = module_with(
        lets,
        "lib.mkIf cfg.enableCluster { a = address; b = [ address ]; }",
    );
    assert!(unguarded(&source).is_empty());
    let source = module_with(
        lets,
        "{ a = lib.mkIf cfg.enableCluster address; b = address; }",
    );
    assert_eq!(unguarded(&source), ["cfg.cluster.name", "cfg.cluster.port"]);
    // Never used: never evaluated.
    let source = module_with(lets, "{ }");
    assert!(unguarded(&source).is_empty());
}

#[test]
fn let_bound_functions_are_checked_where_called() {
    let source = module_with(
        "  unit = name: { description = name; serviceConfig.Port = cfg.cluster.port; };",
        "lib.mkIf cfg.enableCluster { systemd.services.a = unit \"a\"; }",
    );
    assert!(unguarded(&source).is_empty());
    let source = module_with(
        "  unit = name: { serviceConfig.Port = cfg.cluster.port; };",
        "{ systemd.services.a = unit \"a\"; }",
    );
    let diagnostics = check_with(&source, &GuardOptions::default());
    assert_eq!(diagnostics.len(), 1);
    let use_label = &diagnostics[0].labels[0];
    assert_eq!(&source[use_label.range.clone()], "unit");
    assert!(
        use_label.message.contains("`unit` is used here"),
        "{}",
        use_label.message
    );
}

#[test]
fn recursive_bindings_terminate() {
    let source = module_with(
        "  a = b;\n  b = a;\n  f = x: if x == 0 then cfg.cluster.port else f (x - 1);",
        "{ x = a; y = f 3; }",
    );
    assert_eq!(unguarded(&source), ["cfg.cluster.port"]);
}

#[test]
fn rec_attrset_bindings() {
    // Bindings of a rec set that resolve to options are aliases (counted where used).
    let source = module(
        "rec { c = cfg.cluster; x = lib.mkIf cfg.enableCluster c.name; y = c.port; z = [ c.port ]; }",
    );
    assert_eq!(unguarded(&source), ["c.port"]);
    let found = check_with(&source, &GuardOptions::default());
    assert_eq!(&source[found[0].range.clone()], "c.port");
    assert!(source[..found[0].range.start].ends_with("z = [ "));
    let source = module("rec { inherit (cfg.cluster) name; x = [ name ]; }");
    assert_eq!(unguarded(&source), ["name"]);
    let found = check_with(&source, &GuardOptions::default());
    assert!(source[..found[0].range.start].ends_with("x = [ "));
}

#[test]
fn inherit_in_an_output_attrset_reads() {
    let source = module(
        "{ inherit (cfg.cluster) name; z = lib.mkIf cfg.enableCluster { inherit (cfg.cluster) port; }; }",
    );
    assert_eq!(unguarded(&source), ["name"]);
}

// ---- with -----------------------------------------------------------------------------

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

// ---- what is never an access ----------------------------------------------------------

#[test]
fn declarations_definitions_and_strings_are_not_accesses() {
    let source = r#"{ config, lib, ... }:
let
  cfg = config.services.sky;
in
{
  options.services.sky = {
    enableCluster = lib.mkEnableOption "cfg.cluster.name";
    cluster.name = lib.mkOption {
      type = lib.types.str;
      default = "${cfg.cluster.prefix}-head";
      defaultText = lib.literalExpression "cfg.cluster.prefix";
      description = "Read as cfg.cluster.name";
    };
    cluster.prefix = lib.mkOption { };
  };
  config = {
    services.sky.cluster.name = "x";
    services.sky.cluster = { prefix = "p"; };
    testScript = ''
      machine.succeed("echo ${"cfg.cluster.name"}")
    '';
  };
}
"#;
    assert!(unguarded(source).is_empty());
}

#[test]
fn interpolations_in_strings_are_code() {
    let source =
        module("{ environment.etc.\"sky/cluster\".text = ''\n  name=${cfg.cluster.name}\n''; }");
    assert_eq!(unguarded(&source), ["cfg.cluster.name"]);
}

#[test]
fn non_module_files_are_not_checked() {
    let source = r#"{ pkgs, lib }: let cfg = { cluster.name = 1; enableCluster = false; }; in cfg.cluster.name"#;
    assert!(unguarded(source).is_empty());
}

// ---- inference and configuration ------------------------------------------------------

#[test]
fn bool_declared_with_mkoption_infers_a_pair() {
    let source = r#"{ config, lib, ... }:
{
  options.services.sky = with lib; {
    enableWebUI = mkOption { type = types.bool; default = false; };
    webUI.port = mkOption { type = types.port; };
    enableOther = mkOption { type = types.str; };
    other.port = mkOption { };
  };
  config.x = [ config.services.sky.webUI.port config.services.sky.other.port ];
}
"#;
    assert_eq!(unguarded(source), ["config.services.sky.webUI.port"]);
}

#[test]
fn declaration_spellings() {
    // `options = { services.sky = …; }`, a bool type under `with lib.types;`, a submodule
    // option as the guarded member, and a non-boolean `enable…` that guards nothing.
    let source = r#"{ config, lib, ... }:
let
  cfg = config.services.sky;
in
{
  options = {
    services.sky = with lib.types; {
      enableCluster = lib.mkOption { type = bool; default = false; };
      cluster = lib.mkOption { type = submodule { options.name = lib.mkOption { }; }; };
      enableLogs = lib.mkOption { type = str; };
      logs = lib.mkOption { };
    };
  };
  config.x = [ cfg.cluster.name cfg.logs ];
}
"#;
    assert_eq!(unguarded(source), ["cfg.cluster.name"]);
}

#[test]
fn group_enable_guards_the_rest_of_the_group() {
    let source = r#"{ config, lib, ... }:
let
  cfg = config.services.sky;
in
{
  options.services.sky = {
    enable = lib.mkEnableOption "sky";
    package = lib.mkOption { };
    monitoring = {
      enable = lib.mkEnableOption "monitoring";
      port = lib.mkOption { default = 9090; };
    };
  };
  config = lib.mkIf cfg.enable {
    a = cfg.package;
    b = cfg.monitoring.enable;
    c = lib.mkIf cfg.monitoring.enable cfg.monitoring.port;
    d = cfg.monitoring.port;
  };
}
"#;
    assert_eq!(unguarded(source), ["cfg.monitoring.port"]);
    // The top group's own `enable` is not inferred as a guard.
    let top_level = source.replace("config = lib.mkIf cfg.enable {", "config = {");
    assert_eq!(unguarded(&top_level), ["cfg.monitoring.port"]);
}

#[test]
fn configured_pairs_add_and_override() {
    let source =
        module("{ x = cfg.cluster.name; y = cfg.cluster.port; z = config.networking.hostName; }");
    let options = GuardOptions {
        pairs: vec![
            GuardPairConfig {
                option_root: "services.sky".into(),
                guard: "enableCluster".into(),
                paths: vec!["cluster".into()],
                exempt: vec!["cluster.name".into()],
                severity: Some(Severity::Warning),
            },
            GuardPairConfig {
                option_root: "config.networking".into(),
                guard: "enableHost".into(),
                paths: vec!["hostName".into()],
                exempt: vec![],
                severity: None,
            },
        ],
    };
    let diagnostics = check_with(&source, &options);
    let found: Vec<(&str, Severity)> = diagnostics
        .iter()
        .map(|d| (&source[d.range.clone()], d.severity))
        .collect();
    assert_eq!(
        found,
        [
            ("cfg.cluster.port", Severity::Warning),
            ("config.networking.hostName", Severity::Error)
        ]
    );
    // An override with no paths switches the inferred pair off.
    let options = GuardOptions {
        pairs: vec![GuardPairConfig {
            option_root: "services.sky".into(),
            guard: "enableCluster".into(),
            paths: vec![],
            exempt: vec![],
            severity: None,
        }],
    };
    assert!(check_with(&source, &options).is_empty());
}

#[test]
fn configuration_parses_from_toml() {
    let text = r#"
[[pairs]]
option-root = "services.skypilot"
guard = "monitoring.enable"
paths = ["monitoring"]
exempt = ["monitoring.enable"]
severity = "warning"
"#;
    #[derive(Deserialize)]
    struct Wrapper {
        pairs: GuardOptions,
    }
    let wrapper: Wrapper = toml::from_str(text).unwrap();
    assert_eq!(wrapper.pairs.pairs[0].guard, "monitoring.enable");
    assert_eq!(wrapper.pairs.pairs[0].severity, Some(Severity::Warning));
    let error =
        toml::from_str::<Wrapper>("[[pairs]]\noption-root = \"a\"\nguard = \"b\"\npath = []\n")
            .err()
            .unwrap();
    assert!(error.to_string().contains("path"), "{error}");
}

#[test]
fn modules_nested_in_a_flake_are_checked() {
    let source = r#"{
  outputs = { self, nixpkgs, ... }@inputs: {
    nixosModules.default = { config, lib, ... }: {
      options.services.sky.enableCluster = lib.mkEnableOption "cluster";
      options.services.sky.cluster.name = lib.mkOption { };
      config.x = config.services.sky.cluster.name;
    };
  };
}
"#;
    assert_eq!(unguarded(source), ["config.services.sky.cluster.name"]);
}

#[test]
fn too_many_atoms_count_as_unguarded() {
    let many: Vec<String> = (0..13).map(|i| format!("cfg.flag{i}")).collect();
    let condition = format!("{} && cfg.enableCluster", many.join(" && "));
    let source = module(&format!(
        "lib.mkIf ({condition}) {{ x = cfg.cluster.name; }}"
    ));
    assert_eq!(unguarded(&source), ["cfg.cluster.name"]);
    let condition = format!("{} && cfg.enableCluster", many[..11].join(" && "));
    let source = module(&format!(
        "lib.mkIf ({condition}) {{ x = cfg.cluster.name; }}"
    ));
    assert!(unguarded(&source).is_empty());
}

// ---- a realistic module ---------------------------------------------------------------

const SKYPILOT_MODULE: &str = r#"{ config, lib, pkgs, ... }:

let
  cfg = config.services.skypilot;
  inherit (lib) mkEnableOption mkIf mkOption optionals optionalString types;
  clusterCfg = cfg.cluster;
  settingsFormat = pkgs.formats.yaml { };
  clusterConfig = settingsFormat.generate "cluster.yaml" {
    inherit (clusterCfg) name region;
    max_nodes = clusterCfg.maxNodes;
  };
in
{
  options.services.skypilot = {
    enable = mkEnableOption "SkyPilot";
    package = mkOption {
      type = types.package;
      default = pkgs.hello;
      description = "The SkyPilot package.";
    };
    enableCluster = mkEnableOption "a managed SkyPilot cluster";
    cluster = {
      name = mkOption {
        type = types.str;
        default = "sky";
        description = "Name of the cluster (see cfg.cluster.region).";
      };
      region = mkOption {
        type = types.str;
        default = "us-east-1";
      };
      maxNodes = mkOption {
        type = types.int;
        default = 4;
      };
      autoStop = mkOption {
        type = types.nullOr types.int;
        default = null;
        defaultText = lib.literalExpression "cfg.cluster.autoStop";
      };
    };
    enableWebUI = mkEnableOption "the web UI";
    webUI = {
      port = mkOption {
        type = types.port;
        default = 8080;
      };
      openFirewall = mkOption {
        type = types.bool;
        default = false;
      };
    };
    monitoring = {
      enable = mkEnableOption "Prometheus metrics";
      port = mkOption {
        type = types.port;
        default = 9090;
      };
    };
  };

  config = mkIf cfg.enable (lib.mkMerge [
    {
      environment.systemPackages = [ cfg.package ];
      environment.etc."skypilot/config.yaml".text = ''
        api_server: ${optionalString cfg.enableWebUI "http://localhost:${toString cfg.webUI.port}"}
      '';
      assertions = [
        {
          assertion = cfg.enableCluster -> cfg.cluster.maxNodes > 0;
          message = "services.skypilot.cluster.maxNodes is ${toString cfg.cluster.maxNodes}; it must be positive";
        }
      ];
      warnings = lib.optional (cfg.enableCluster && cfg.cluster.autoStop == null)
        "cluster ${cfg.cluster.name} never stops on its own";
    }
    (mkIf cfg.enableCluster {
      environment.etc."skypilot/cluster.yaml".source = clusterConfig;
      systemd.services.skypilot-cluster = {
        description = "SkyPilot cluster ${clusterCfg.name}";
        serviceConfig.ExecStart = "${cfg.package}/bin/sky start ${clusterCfg.name}"
          + optionalString (clusterCfg.autoStop != null) " --idle-minutes-to-autostop ${toString clusterCfg.autoStop}";
      };
    })
    (mkIf cfg.enableWebUI {
      networking.firewall.allowedTCPPorts = optionals cfg.webUI.openFirewall [ cfg.webUI.port ];
    })
    (mkIf cfg.monitoring.enable {
      services.prometheus.scrapeConfigs = [
        { job_name = "skypilot"; static_configs = [ { targets = [ "localhost:${toString cfg.monitoring.port}" ]; } ]; }
      ];
    })
  ]);
}
"#;

#[test]
fn realistic_module_is_clean() {
    let diagnostics = check_with(SKYPILOT_MODULE, &GuardOptions::default());
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
}

#[test]
fn realistic_module_with_one_unguarded_read() {
    let source = SKYPILOT_MODULE.replace(
        "      environment.systemPackages = [ cfg.package ];\n",
        "      environment.systemPackages = [ cfg.package ];\n      environment.etc.\"skypilot/cluster-name\".text = cfg.cluster.name;\n",
    );
    let diagnostics = check_with(&source, &GuardOptions::default());
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let diagnostic = &diagnostics[0];
    assert_eq!(diagnostic.rule, GUARDED_OPTION_ACCESS);
    assert_eq!(diagnostic.severity, Severity::Error);
    assert_eq!(&source[diagnostic.range.clone()], "cfg.cluster.name");
    assert_eq!(
        diagnostic.message,
        "`cfg.cluster.name` reads option `services.skypilot.cluster.name` where \
         `services.skypilot.enableCluster` may be false"
    );
    assert_eq!(diagnostic.labels.len(), 1);
    let label = &diagnostic.labels[0];
    assert_eq!(&source[label.range.clone()], "enableCluster");
    assert!(source[..label.range.start].ends_with("    "));
    assert!(label.message.contains("`cluster.*`"), "{}", label.message);
    let help = diagnostic.help.as_deref().unwrap();
    assert!(help.contains("lib.mkIf cfg.enableCluster"), "{help}");
}

#[test]
fn realistic_module_let_value_used_outside_the_guard() {
    let source = SKYPILOT_MODULE.replace(
        "      environment.systemPackages = [ cfg.package ];\n",
        "      environment.systemPackages = [ cfg.package ];\n      environment.etc.\"skypilot/c.yaml\".source = clusterConfig;\n",
    );
    let found = unguarded(&source);
    assert_eq!(
        found,
        ["name", "region", "clusterCfg.maxNodes"],
        "{found:?}"
    );
}

// ---- mkif_in_operator -----------------------------------------------------------------

fn mkif_operands(source: &str) -> Vec<String> {
    let parsed = parse(source).unwrap();
    operator::check_mkif_in_operator(&parsed.root)
        .iter()
        .map(|d| {
            assert_eq!(d.rule, MKIF_IN_OPERATOR);
            source[d.range.clone()].to_string()
        })
        .collect()
}

#[test]
fn mkif_as_an_operand_is_reported() {
    assert_eq!(
        mkif_operands("{ a = { x = 1; } // lib.mkIf c { y = 2; }; }"),
        ["lib.mkIf c { y = 2; }"]
    );
    assert_eq!(
        mkif_operands("{ a = mkIf c { y = 2; } // { x = 1; }; }"),
        ["mkIf c { y = 2; }"]
    );
    assert_eq!(
        mkif_operands("[ 1 ] ++ (lib.mkIf c [ 2 ])"),
        ["(lib.mkIf c [ 2 ])"]
    );
    assert_eq!(
        mkif_operands("\"a\" + lib.modules.mkIf c \"b\""),
        ["lib.modules.mkIf c \"b\""]
    );
    assert_eq!(mkif_operands("x && mkIf c true"), ["mkIf c true"]);
    assert_eq!(mkif_operands("!(mkIf c true)"), ["(mkIf c true)"]);
    let parsed = parse("{ } // lib.mkIf c { }").unwrap();
    let diagnostic = &operator::check_mkif_in_operator(&parsed.root)[0];
    assert!(
        diagnostic.message.contains("`//`"),
        "{}",
        diagnostic.message
    );
    assert!(diagnostic.help.as_deref().unwrap().contains("mkMerge"));
}

#[test]
fn mkif_in_its_proper_places_is_not_reported() {
    assert!(mkif_operands("{ a = lib.mkIf c { y = 2; }; }").is_empty());
    assert!(mkif_operands("lib.mkMerge [ { } (lib.mkIf c { }) ]").is_empty());
    assert!(mkif_operands("lib.mkIf c (lib.mkIf d { })").is_empty());
    assert!(mkif_operands("{ a = if x then lib.mkIf c { } else { }; }").is_empty());
    assert!(mkif_operands("x |> lib.mkIf c").is_empty());
    assert!(mkif_operands("{ } // lib.optionalAttrs c { }").is_empty());
    // The condition may use operators.
    assert!(mkif_operands("lib.mkIf (a && b) { }").is_empty());
}

// ---- robustness -----------------------------------------------------------------------

#[test]
fn deep_inputs_do_not_exhaust_a_small_stack() {
    let chain = vec!["cfg.enable"; 5_000].join(" && ");
    let sum = vec!["cfg.cluster.port"; 5_000].join(" + ");
    let source = module(&format!(
        "lib.mkIf ({chain} && cfg.enableCluster) {{ x = {sum}; y = lib.mkIf ({chain}) cfg.cluster.port; }}"
    ));
    let handle = std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || {
            let found = unguarded(&source);
            // The long chain is too deep to analyse: counted as not implying the guard.
            assert!(found.len() <= 2, "{}", found.len());
        })
        .unwrap();
    handle.join().unwrap();
}
