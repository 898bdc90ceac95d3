#!/usr/bin/env bash
# Runs each cargo-fuzz target for a fixed time (default 60 s each).
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]      e.g. scripts/fuzz.sh 600 nix_format
#
# Targets (fuzz/fuzz_targets/): nix_format, lint_fix (properties, fuzz/src/props.rs) and
# nix_diff (flakefmt vs nixfmt_rs 0.5.3, fuzz/src/diff.rs).
#
# Environment:
#   FUZZ_SEEDS=DIR        also seed from N random *.nix files under DIR (e.g. a checkout
#   FUZZ_SEED_COUNT=N     of real Nix files; default N = 500; files over 32 KB skipped)
#   FUZZ_KEEP_GOING=1     record every crash and go on (libFuzzer -fork=1
#                         -ignore_crashes=1) instead of stopping at the first: for a
#                         campaign, and for nix_diff, where each difference is a lead
#   FUZZ_SEED=N           libFuzzer's -seed (random choices), for a repeatable run
#   FUZZ_RUNS=N           stop after N inputs (-runs), for a repeatable run
#
# Needs `cargo install cargo-fuzz`. cargo-fuzz passes nightly-only flags to rustc; this
# project builds on the stable toolchain only, so RUSTC_BOOTSTRAP=1 lets stable accept them.
# Sanitizers are off (`--sanitizer none`): AddressSanitizer needs a nightly-built std, and
# the library forbids unsafe code, so what we look for is panics, stack overflows, hangs and
# property violations (fuzz/src/props.rs).
#
# The corpus (fuzz/corpus/<target>/, not committed) is seeded from every Nix fixture under
# tests/ and from fuzz/regressions/<target>/. A crash is written to fuzz/artifacts/<target>/;
# minimise it (`cargo fuzz tmin --sanitizer none <target> <file>`), copy it to
# fuzz/regressions/<target>/ with a descriptive name, fix the bug, and
# `cargo test --test fuzz_regressions` replays it from then on.
#
# The exit status is non-zero when a target found a crash (CI's smoke run relies on it).
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds=${1:-60}
shift || true
targets=("$@")
export RUSTC_BOOTSTRAP=1
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo fuzz list)
fi
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
  if [ -n "${FUZZ_SEEDS:-}" ]; then
    find "$FUZZ_SEEDS" -name '*.nix' -type f -size -32k -print0 |
      shuf -z -n "${FUZZ_SEED_COUNT:-500}" --random-source=<(yes) |
      while IFS= read -r -d '' file; do
        cp -n "$file" "$corpus/real-$(printf '%s' "$file" | cksum | cut -d' ' -f1).nix"
      done
  fi
  flags=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len=65536
    -dict=nix.dict -print_final_stats=1)
  # FUZZ_SEED and FUZZ_RUNS make a run repeatable: the same binary, corpus, seed and number
  # of inputs try the same inputs (CI uses them, so a smoke run that passed here passes
  # there; finding new inputs is the campaigns' job).
  [ -n "${FUZZ_SEED:-}" ] && flags+=(-seed="$FUZZ_SEED")
  [ -n "${FUZZ_RUNS:-}" ] && flags+=(-runs="$FUZZ_RUNS")
  if [ -n "${FUZZ_KEEP_GOING:-}" ]; then
    flags+=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
  fi
  mkdir -p "artifacts/$target"
  before=$(find "artifacts/$target" -type f | wc -l)
  echo "== $target for ${seconds}s ($(find "$corpus" -type f | wc -l) corpus files)"
  if ! cargo fuzz run --sanitizer none "$target" "$corpus" -- "${flags[@]}" \
      > "fuzz-$target.log" 2>&1; then
    status=1
  fi
  grep -E '^#[0-9]+.*(DONE|cov:)|stat::|SUMMARY|panicked|deadly signal' "fuzz-$target.log" | tail -n 12 || true
  after=$(find "artifacts/$target" -type f | wc -l)
  if [ "$after" -gt "$before" ]; then
    echo "$target: $((after - before)) new crash input(s) in fuzz/artifacts/$target/"
    status=1
  fi
  echo "(full log: fuzz/fuzz-$target.log)"
done
exit $status
