# VM test: a two-worker cluster with auto-stop, the web UI and monitoring.
{ self, pkgs }:

pkgs.testers.runNixOSTest {
  name = "skypilot-cluster";

  nodes.machine = {
    imports = [ self.nixosModules.default ];
    nixpkgs.overlays = [ self.overlays.default ];
    virtualisation.memorySize = 4096;
    virtualisation.cores = 4;

    # Definitions, not accesses: setting cluster options is always fine.
    services.skypilot = {
      enable = true;
      enableCluster = true;
      cluster = {
        name = "ci";
        workers = 2;
        autoStop = 10;
      };
      enableWebUI = true;
      webUI.openFirewall = true;
      monitoring.enable = true;
    };
  };

  testScript = ''
    machine.wait_for_unit("skypilot-api.service")
    machine.wait_for_unit("skypilot-cluster.service")
    machine.succeed("sky status --refresh | grep ci")
    machine.wait_for_open_port(46590)
    machine.succeed("curl --fail http://127.0.0.1:46590/")
    machine.wait_for_unit("prometheus.service")
  '';
}
