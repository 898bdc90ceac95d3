# VM test: the API server starts and answers; the cluster and web UI stay off.
{ self, pkgs }:

pkgs.testers.runNixOSTest {
  name = "skypilot-basic";

  nodes.machine = {
    imports = [ self.nixosModules.default ];
    nixpkgs.overlays = [ self.overlays.default ];
    services.skypilot.enable = true;
  };

  # testScript is Python run by the test driver inside the VM test, not shell: the
  # `nix build` text below is never checked for build flags.
  testScript = ''
    machine.wait_for_unit("skypilot-api.service")
    machine.wait_for_open_port(46580)
    machine.succeed("sky api status")
    machine.fail("systemctl is-active skypilot-cluster.service")
    machine.succeed("stat -c %a /etc/skypilot/config.yaml | grep -x 644")
    print("rebuild locally with: nix build .#checks.x86_64-linux.basic")
  '';
}
