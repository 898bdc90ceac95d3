//! A realistic module.

use super::*;

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
