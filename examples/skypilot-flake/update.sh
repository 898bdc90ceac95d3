#!/usr/bin/env bash
# Updates the SkyPilot version and source hash in flake.nix, then rebuilds and tests.
# Usage: ./update.sh 0.7.2
set -euo pipefail

version="${1:?usage: update.sh VERSION}"
url="https://github.com/skypilot-org/skypilot/archive/v${version}.tar.gz"

print_status() {
  printf '==> %s\n' "$*"
}

print_status "Prefetching ${url}"
# nix-prefetch-url prints nix32, and this writes it into flake.nix unconverted.
new_hash=$(nix-prefetch-url --unpack "$url") # flakefmt-demo: prefetch_without_sri
sed -i "s|sha256:[0-9a-z]*|${new_hash}|" flake.nix

# The right way: convert to SRI before writing (not reported).
patch_hash=$(nix-prefetch-url "${url%.tar.gz}.patch" | xargs nix hash convert --hash-algo sha256 --to sri)
print_status "patch hash: ${patch_hash}"

# sha256sum prints hex; gluing "sha256-" in front of it is not an SRI hash.
catalog_hex=$(curl -sL "https://github.com/skypilot-org/skypilot-catalog/archive/v5.tar.gz" | sha256sum | cut -d' ' -f1)
catalog_hash="sha256-${catalog_hex}" # flakefmt-demo: manual_sri_prefix
print_status "catalog: ${catalog_hash}"

sed -i "s|version = \".*\";|version = \"${version}\";|" flake.nix

print_status "Building"
nix build .#skypilot # flakefmt-demo: build_flags_missing
nix build --cores=4 --max-jobs 4 .#skypilot.dist # flakefmt-demo: build_flags_spelling
timeout 3600 nix flake check --cores 8 --max-jobs 4 # flakefmt-demo: build_flags_value
nix build --cores 4 --max-jobs 4 .#checks.x86_64-linux.basic

print_status "Done. You can now use: nix build .#skypilot"
