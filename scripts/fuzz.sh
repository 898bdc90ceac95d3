#!/usr/bin/env bash
# Runs each cargo-fuzz target for a fixed time (default 60 s each).
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]      e.g. scripts/fuzz.sh 600 nix_format
#
# Needs `cargo install cargo-fuzz`. cargo-fuzz passes nightly-only flags to rustc; this
# project builds on the stable toolchain only, so RUSTC_BOOTSTRAP=1 lets stable accept them.
# Sanitizers are off (`--sanitizer none`): AddressSanitizer needs a nightly-built std, and
# the library forbids unsafe code, so what we look for is panics, stack overflows, hangs and
# property violations (fuzz/src/props.rs).
#
# The corpus (fuzz/corpus/<target>/, not committed) is seeded from every Nix fixture under
# tests/ and from fuzz/regressions/<target>/. A crash is written to fuzz/artifacts/<target>/;
# minimise it (`cargo fuzz tmin <target> <file>`), copy it to fuzz/regressions/<target>/
# with a descriptive name, fix the bug, and `cargo test --test fuzz_regressions` replays it
# from then on.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds=${1:-60}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(RUSTC_BOOTSTRAP=1 cargo fuzz list)
fi
export RUSTC_BOOTSTRAP=1
status=0
for target in "${targets[@]}"; do
  corpus=corpus/$target
  mkdir -p "$corpus"
  if [ -d "regressions/$target" ]; then
    cp -n regressions/"$target"/* "$corpus"/ 2>/dev/null || true
  fi
  # Seeds: our own fixtures, named by a hash of their path so reruns don't duplicate them.
  find ../tests -name '*.nix' -type f -print0 | while IFS= read -r -d '' fixture; do
    cp -n "$fixture" "$corpus/seed-$(printf '%s' "$fixture" | cksum | cut -d' ' -f1).nix"
  done
  echo "== $target for ${seconds}s ($(find "$corpus" -type f | wc -l) corpus files)"
  if ! cargo fuzz run --sanitizer none "$target" "$corpus" -- \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len=65536 \
      -dict=nix.dict -print_final_stats=1 2>&1 | tail -n 25; then
    status=1
  fi
done
exit $status
