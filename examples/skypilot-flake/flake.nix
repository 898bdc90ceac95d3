{
  description = "SkyPilot packaged for Nix, with a NixOS module for its API server, cluster and web UI";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";

  outputs =
    { self, nixpkgs }:
    let
      inherit (nixpkgs) lib;

      systems = [ "x86_64-linux" "aarch64-linux" ]; # flakefmt-demo: format

      forAllSystems = f: lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});

      mkSkypilot =
        pkgs:
        pkgs.python3Packages.buildPythonApplication rec {
          pname = "skypilot";
          version = "0.7.1";
          pyproject = true;

          src = pkgs.fetchFromGitHub {
            owner = "skypilot-org";
            repo = "skypilot";
            rev = "v${version}";
            hash = "sha256:0l7q626186j05j66rfbl9nxjh4k1fp3blhkf3c988cwad366z8w8"; # flakefmt-demo: sri_hash
          };

          patches = [
            (pkgs.fetchpatch {
              name = "relax-pydantic-bound.patch";
              url = "https://github.com/skypilot-org/skypilot/commit/3f2a5c1d9e.patch";
              sha256 = "sha256-IdU23rswdtT26QRL2e8VyMWLKfnL1K1AawWDEKVl3rw="; # flakefmt-demo: hash_attr_rename
            })
          ];

          build-system = [ pkgs.python3Packages.setuptools ];

          dependencies = with pkgs.python3Packages; [
            click
            colorama
            cryptography
            filelock
            jinja2
            jsonschema
            networkx
            pandas
            pendulum
            prettytable
            psutil
            pulp
            pyyaml
            requests
            rich
            tabulate
            typing-extensions
            wheel
          ];

          # The catalog of cloud instance types, pinned. The hex value is kept on purpose:
          # an external mirror script compares it; the allow comment documents that.
          catalog = builtins.fetchurl {
            url = "https://github.com/skypilot-org/skypilot-catalog/archive/v5.tar.gz";
            sha256 = "21d536debb3076d4f6e9044bd9ef15c8c58b29f9cbd4ad406b058310a565debc"; # flakefmt: allow(sri_hash)
          };

          passthru = {
            # The web dashboard is published as a release asset.
            dashboard = pkgs.fetchzip {
              url = "https://github.com/skypilot-org/skypilot/releases/download/v${version}/dashboard.zip";
              hash = lib.fakeSha256; # flakefmt-demo: fake_hash_name
            };
            # Example job templates, not released yet.
            templates = pkgs.fetchurl {
              url = "https://github.com/skypilot-org/skypilot/releases/download/v${version}/templates.tar.gz";
              hash = ""; # flakefmt-demo: placeholder_hash
            };
          };

          # flakefmt: allow(build_flags_missing)
          doCheck = false; # flakefmt-demo: unused_allow@-1

          pythonImportsCheck = [ "sky" ];

          meta = {
            description = "Run AI and batch jobs on any infrastructure";
            homepage = "https://github.com/skypilot-org/skypilot";
            license = lib.licenses.asl20;
            mainProgram = "sky";
          };
        };

      # A script behind `nix run .#build-vm`: builds the interactive VM test driver.
      buildVm =
        pkgs:
        pkgs.writeShellScript "skypilot-build-vm" ''
          set -euo pipefail
          nix build .#checks.x86_64-linux.cluster.driverInteractive # flakefmt-demo: build_flags_missing
          exec ./result/bin/nixos-test-driver
        '';
    in
    {
      overlays.default = final: prev: {
        skypilot = mkSkypilot final;
      };

      packages = forAllSystems (pkgs: {
        skypilot = mkSkypilot pkgs;
        default = self.packages.${pkgs.stdenv.hostPlatform.system}.skypilot;
      });

      apps = forAllSystems (pkgs: {
        build-vm = {
          type = "app";
          program = "${buildVm pkgs}";
        };
      });

      nixosModules.default = ./nixos-modules/skypilot.nix;

      checks.x86_64-linux =
        let
          pkgs = nixpkgs.legacyPackages.x86_64-linux;
        in
        {
          basic = import ./tests/basic.nix { inherit self pkgs; };
          cluster = import ./tests/cluster.nix { inherit self pkgs; };
        };

      devShells = forAllSystems (pkgs: {
        default = pkgs.mkShell {
          inputsFrom = [ (mkSkypilot pkgs) ];
          packages = [
            pkgs.ruff
            pkgs.nix-prefetch-git
          ];
          # Printed text, not commands: `echo` arguments are never checked for build flags.
          shellHook = ''
            echo "Build:  nix build .#skypilot --cores 4 --max-jobs 4"
            echo "Test:   nix flake check --cores 4 --max-jobs 4"
          '';
        };
      });
    };
}
