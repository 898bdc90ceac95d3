#!/usr/bin/env bash
# Nix formatter benchmark over a directory of real .nix files.
#
# usage: scripts/bench-nix.sh DIR [NIXFMT_RS_BINARY]
#  1. in-process stages (parse / parse+format / parse+format+verify) via
#     `cargo bench --bench nix_format -- DIR`;
#  2. whole runs with hyperfine: `flakefmt --check DIR` (release build) against
#     `nixfmt_rs -c` on the same files (if its binary is given or on PATH as nixfmt-rs).
# Nothing is written to DIR.
set -euo pipefail
dir=${1:?usage: bench-nix.sh DIR [NIXFMT_RS_BINARY]}
rs=${2:-$(command -v nixfmt-rs || true)}
cd "$(dirname "$0")/.."
cargo build --release --quiet
cargo bench --quiet --bench nix_format -- "$dir" 5
files=$(find "$dir" -name '*.nix' -type f | wc -l)
bytes=$(find "$dir" -name '*.nix' -type f -print0 | xargs -0 cat | wc -c)
echo "whole runs over $files files ($bytes bytes):"
commands=("target/release/flakefmt --check $dir")
if [ -n "$rs" ]; then
  commands+=("find $dir -name '*.nix' -type f -print0 | xargs -0 $rs -c")
fi
hyperfine --warmup 1 --runs 5 --ignore-failure "${commands[@]}"
