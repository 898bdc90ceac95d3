#!/usr/bin/env bash
# Measures what linting adds to the formatting check (issue 4: `flakefmt check` on a few
# thousand Nix files must cost at most 1.5x `flakefmt fmt --check` on the same files).
#
# usage: benchmarks/check_vs_fmt.sh [FLAKEFMT] [SOURCE_DIR] [COPIES] [RUNS]
#   FLAKEFMT    the binary (default: target/release/flakefmt)
#   SOURCE_DIR  a tree of .nix files to replicate (default: /work/shared/corpus/nixfmt)
#   COPIES      how many copies of it to lint (default: 15)
#   RUNS        timed runs of each command; the best is kept (default: 3)
set -euo pipefail
bin=${1:-target/release/flakefmt}
source_dir=${2:-/work/shared/corpus/nixfmt}
copies=${3:-15}
runs=${4:-3}
bin=$(realpath "$bin")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for i in $(seq 1 "$copies"); do
  mkdir -p "$work/copy$i"
  (cd "$source_dir" && find . -name '*.nix' | while read -r f; do
    mkdir -p "$work/copy$i/$(dirname "$f")" && cp "$f" "$work/copy$i/$f"; done)
done
files=$(find "$work" -name '*.nix' | wc -l)
best() {
  local best_ms=""
  for _ in $(seq 1 "$runs"); do
    local start end ms
    start=$(date +%s%N)
    (cd "$work" && "$bin" "$@" >/dev/null 2>&1) || true
    end=$(date +%s%N)
    ms=$(( (end - start) / 1000000 ))
    if [ -z "$best_ms" ] || [ "$ms" -lt "$best_ms" ]; then best_ms=$ms; fi
  done
  echo "$best_ms"
}
fmt_ms=$(best fmt --check .)
check_ms=$(best check --output-format concise .)
lint_ms=$(best lint --output-format concise .)
echo "files: $files"
echo "fmt --check: ${fmt_ms} ms"
echo "check:       ${check_ms} ms"
echo "lint:        ${lint_ms} ms"
awk -v c="$check_ms" -v f="$fmt_ms" 'BEGIN { printf "check / fmt --check = %.2f (limit 1.50)\n", c / f }'
