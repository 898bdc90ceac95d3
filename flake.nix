{
  description = "flakefmt: one fast formatter and linter for Nix flake repositories";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";

  outputs =
    { self, nixpkgs }:
    let
      inherit (nixpkgs) lib;

      systems = [
        "x86_64-linux"
        "aarch64-linux"
        "x86_64-darwin"
        "aarch64-darwin"
      ];

      forAllSystems = f: lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});

      cargoToml = builtins.fromTOML (builtins.readFile ./Cargo.toml);

      # The package, as a function of a package set, so the overlay and the per-system
      # outputs share one definition. `src` is the flake's own source: in a git checkout
      # that is the tracked files only, so `target/` never reaches the store.
      mkFlakefmt =
        pkgs:
        pkgs.rustPlatform.buildRustPackage {
          pname = "flakefmt";
          inherit (cargoToml.package) version;
          src = self;
          cargoLock.lockFile = ./Cargo.lock;
          # `cargo test` runs in the check phase; the tests that need `nix`, `pre-commit`,
          # `git` or `ruff` skip themselves in the build sandbox, where those are absent.
          meta = {
            inherit (cargoToml.package) description;
            license = lib.licenses.mit;
            mainProgram = "flakefmt";
          };
        };
    in
    {
      overlays.default = final: prev: {
        flakefmt = mkFlakefmt final;
      };

      packages = forAllSystems (
        pkgs:
        let
          flakefmt = mkFlakefmt pkgs;
        in
        {
          inherit flakefmt;
          default = flakefmt;
        }
      );

      apps = forAllSystems (pkgs: {
        default = {
          type = "app";
          program = lib.getExe (mkFlakefmt pkgs);
        };
      });

      # `nix fmt` formats this repository with flakefmt itself.
      formatter = forAllSystems mkFlakefmt;

      devShells = forAllSystems (pkgs: {
        default = pkgs.mkShell {
          inputsFrom = [ (mkFlakefmt pkgs) ];
          packages = [
            pkgs.cargo
            pkgs.rustc
            pkgs.clippy
            pkgs.rustfmt
            pkgs.rust-analyzer
            pkgs.ruff
            pkgs.pre-commit
          ];
        };
      });

      checks = forAllSystems (
        pkgs:
        let
          flakefmt = mkFlakefmt pkgs;
        in
        {
          # Builds the binary and runs `cargo test`.
          build = flakefmt;

          clippy = flakefmt.overrideAttrs (previous: {
            pname = "flakefmt-clippy";
            nativeBuildInputs = previous.nativeBuildInputs ++ [ pkgs.clippy ];
            buildPhase = ''
              runHook preBuild
              cargo clippy --all-targets --offline -- -D warnings
              runHook postBuild
            '';
            doCheck = false;
            installPhase = "touch $out";
          });

          rustfmt = pkgs.runCommand "flakefmt-rustfmt" { } ''
            export PATH=${pkgs.cargo}/bin:${pkgs.rustfmt}/bin:$PATH
            cd ${self}
            cargo fmt --check
            touch $out
          '';

          # The repository is clean under its own tool (flakefmt.toml excludes the
          # deliberately broken examples).
          flakefmt-check = pkgs.runCommand "flakefmt-check" { } ''
            cd ${self}
            ${lib.getExe flakefmt} check .
            touch $out
          '';
        }
      );
    };
}
