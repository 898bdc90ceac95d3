//! What is never an access.

use super::*;

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
