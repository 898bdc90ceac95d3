//! Aliases, chains and shadowing.

use super::*;

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
