{
  config,
  lib,
  pkgs,
  ...
}:

let
  cfg = config.services.skypilot;

  inherit (lib)
    mkEnableOption
    mkIf
    mkMerge
    mkOption
    optionals
    types
    ;

  settingsFormat = pkgs.formats.yaml { };

  basePackages = [ cfg.package ];

  # The API server's configuration file. Cluster settings are added only when the cluster
  # is enabled: `cfg.cluster` is read under `mkIf`/`optionalAttrs`, never unguarded.
  apiConfig = settingsFormat.generate "skypilot-config.yaml" (
    {
      api_server.endpoint = "http://127.0.0.1:${toString cfg.port}";
      allowed_clouds = cfg.clouds;
    }
    // lib.optionalAttrs cfg.enableCluster {
      jobs.controller.autostop = cfg.cluster.autoStop;
    }
  );
in
{
  options.services.skypilot = {
    enable = mkEnableOption "the SkyPilot API server";

    package = mkOption {
      type = types.package;
      default = pkgs.skypilot;
      defaultText = lib.literalExpression "pkgs.skypilot";
      description = "The SkyPilot package to use.";
    };

    port = mkOption {
      type = types.port;
      default = 46580;
      description = "Port of the API server.";
    };

    clouds = mkOption {
      type = types.listOf types.str;
      default = [ "kubernetes" ];
      description = "Clouds SkyPilot may launch on.";
    };

    dataDir = mkOption {
      type = types.path;
      default = "/var/lib/skypilot";
      description = "State directory of the API server.";
    };

    enableCluster = mkEnableOption "a local Kubernetes cluster managed by SkyPilot";

    cluster = {
      name = mkOption {
        type = types.str;
        default = "skypilot";
        description = "Name of the cluster; used as `cfg.cluster.name` in the service.";
      };
      workers = mkOption {
        type = types.ints.positive;
        default = 2;
        description = "Number of worker nodes.";
      };
      autoStop = mkOption {
        type = types.nullOr types.ints.unsigned;
        default = 30;
        description = "Minutes of idleness before the cluster stops; null to keep it running.";
      };
    };

    enableWebUI = mkEnableOption "the SkyPilot web dashboard";

    webUI = {
      host = mkOption {
        type = types.str;
        default = "127.0.0.1";
        description = "Address the dashboard listens on.";
      };
      port = mkOption {
        type = types.port;
        default = 46590;
        description = "Port of the dashboard.";
      };
      openFirewall = mkOption {
        type = types.bool;
        default = false;
        description = "Whether to open the dashboard's port in the firewall.";
      };
    };

    monitoring = {
      enable = mkEnableOption "Prometheus metrics for SkyPilot";
      port = mkOption {
        type = types.port;
        default = 9090;
        description = "Port of the metrics endpoint.";
      };
      scrapeInterval = mkOption {
        type = types.str;
        default = "30s";
        description = "How often Prometheus scrapes the endpoint.";
      };
    };
  };

  config = mkIf cfg.enable (mkMerge [
    {
      assertions = [
        {
          # `->` guards its right side; the message is read only when the assertion fails,
          # which implies enableCluster: both are correct accesses.
          assertion = cfg.enableCluster -> cfg.cluster.workers <= 16;
          message = "services.skypilot.cluster.workers is ${toString cfg.cluster.workers}; at most 16 are supported";
        }
      ];

      users.users.skypilot = {
        isSystemUser = true;
        group = "skypilot";
        home = cfg.dataDir;
      };
      users.groups.skypilot = {}; # flakefmt-demo: format

      environment.systemPackages = basePackages ++ mkIf cfg.enableWebUI [ pkgs.nodejs ]; # flakefmt-demo: mkif_in_operator

      environment.etc."skypilot/config.yaml" = {
        source = apiConfig;
        mode = "644"; # flakefmt-demo: nix_mode
      };

      # Read by `sky status`: but this file exists even when the cluster is disabled.
      environment.etc."skypilot/cluster.env" = {
        text = "SKYPILOT_CLUSTER=${cfg.cluster.name}\n"; # flakefmt-demo: guarded_option_access
        mode = "0644";
      };

      systemd.tmpfiles.rules = [
        "d ${cfg.dataDir} 0755 skypilot skypilot -"
        "d ${cfg.dataDir}/logs 0777 skypilot skypilot 14d" # flakefmt-demo: nix_mode
        "L+ /etc/skypilot/catalog - - - - ${cfg.package}/share/skypilot/catalog"
      ];

      systemd.services.skypilot-api = {
        description = "SkyPilot API server";
        wantedBy = [ "multi-user.target" ];
        after = [ "network-online.target" ];
        wants = [ "network-online.target" ];
        environment.SKYPILOT_CONFIG = "/etc/skypilot/config.yaml";
        preStart = ''
          install -d -m 0755 ${cfg.dataDir}/state
          chmod 0666 ${cfg.dataDir}/state/queue.db # flakefmt-demo: nix_mode
        '';
        serviceConfig = {
          User = "skypilot";
          Group = "skypilot";
          ExecStart = "${cfg.package}/bin/sky api start --deploy --foreground";
          StateDirectory = "skypilot";
          StateDirectoryMode = "0755";
          Restart = "on-failure";
        };
      };
    }

    (mkIf cfg.enableCluster {
      systemd.services.skypilot-cluster = {
        description = "SkyPilot local cluster ${cfg.cluster.name}";
        wantedBy = [ "multi-user.target" ];
        requires = [ "skypilot-api.service" ];
        after = [ "skypilot-api.service" ];
        path = [
          cfg.package
          pkgs.kind
          pkgs.kubectl
        ];
        script = ''
          sky local up --name ${cfg.cluster.name} --workers ${toString cfg.cluster.workers}
        '';
        serviceConfig = {
          Type = "oneshot";
          RemainAfterExit = true;
          User = "skypilot";
        };
      };
    })

    (mkIf cfg.enableWebUI {
      systemd.services.skypilot-webui = {
        description = "SkyPilot web dashboard";
        wantedBy = [ "multi-user.target" ];
        after = [ "skypilot-api.service" ];
        # `with` hides which option a name reads: flakefmt says so instead of guessing.
        environment.SKYPILOT_WEBUI_PORT = with cfg.webUI; toString port; # flakefmt-demo: unresolvable_with
        serviceConfig = {
          User = "skypilot";
          ExecStart = "${cfg.package}/bin/sky dashboard --host ${cfg.webUI.host} --port ${toString cfg.webUI.port}";
        };
      };
      networking.firewall.allowedTCPPorts = optionals cfg.webUI.openFirewall [ cfg.webUI.port ];
    })

    (mkIf cfg.monitoring.enable {
      services.prometheus = {
        enable = true;
        scrapeConfigs = [
          {
            job_name = "skypilot";
            scrape_interval = cfg.monitoring.scrapeInterval;
            static_configs = [ { targets = [ "127.0.0.1:${toString cfg.monitoring.port}" ]; } ];
          }
        ];
      };
    })
  ]);
}
