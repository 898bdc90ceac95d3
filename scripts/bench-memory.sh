#!/usr/bin/env bash
# Peak memory of flakefmt against the number of files (issue 6: memory bounded and
# independent of the number of files). For each tree DIR/N built by
# `scripts/bench-corpus.sh` (N files each), one cold run (`fmt --check --no-cache`), one
# run that fills an empty cache (it writes an entry per file) and one warm run (cache
# filled, nothing changed), each under `/usr/bin/time`: peak RSS and CPU seconds. Prints a
# Markdown table.
#
# usage: scripts/bench-memory.sh [FLAKEFMT] [SCALE_DIR] [COMMAND]
#   FLAKEFMT   the binary (default: target/release/flakefmt)
#   SCALE_DIR  the directory holding the N/ trees (default: /work/bench/corpus/scale)
#   COMMAND    what to run (default: "fmt --check"; e.g. "check")
set -euo pipefail
bin=$(realpath "${1:-target/release/flakefmt}")
scale=${2:-/work/bench/corpus/scale}
command=${3:-fmt --check}
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT
measure() {
  # prints "peak-KiB user-seconds"
  XDG_CACHE_HOME=$cache /usr/bin/time -f '%M %U' -o "$cache/time" "$bin" "$@" >/dev/null 2>&1 || true
  # (a non-zero exit adds a first line "Command exited with ...")
  tail -n 1 "$cache/time"
}
echo "| files | cold peak RSS | cold CPU (user) | filling peak RSS | warm peak RSS | warm CPU (user) |"
echo "|---:|---:|---:|---:|---:|---:|"
for n in $(ls "$scale" | sort -n); do
  dir=$scale/$n
  # shellcheck disable=SC2086
  read -r cold_kib cold_user < <(measure $command --no-cache --quiet "$dir")
  rm -rf "${cache:?}/flakefmt"
  # shellcheck disable=SC2086
  read -r fill_kib _ < <(measure $command --quiet "$dir") # fills the cache
  # shellcheck disable=SC2086
  read -r warm_kib warm_user < <(measure $command --quiet "$dir")
  printf '| %s | %d MiB | %s s | %d MiB | %d MiB | %s s |\n' "$n" $((cold_kib / 1024)) \
    "$cold_user" $((fill_kib / 1024)) $((warm_kib / 1024)) "$warm_user"
done
