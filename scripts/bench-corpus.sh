#!/usr/bin/env bash
# Prepares the benchmark corpora OUTSIDE the repository (nothing here is ever committed).
#
#   scripts/bench-corpus.sh DEST            e.g. scripts/bench-corpus.sh /work/bench/corpus
#
# Produces:
#   DEST/nix/        every *.nix file of home-manager and nixvim (about 4,800 files)
#   DEST/python/     every *.py file of pip and poetry (about 1,100 files)
#   DEST/scale/N/    N Nix files (N = 5000 10000 20000 40000 by default, SCALE_SIZES to
#                    change), built by replicating DEST/nix: a nixpkgs-sized tree
#
# Sources are public git repositories, cloned at pinned commits. Override a source with a
# URL or a local clone, e.g. HOME_MANAGER_GIT=/path/to/home-manager.git; the commit must
# be in it. Only *.nix / *.py files are copied (no .gitignore, pyproject.toml or ruff.toml
# comes along), so every tool runs with its default settings.
#
# The copies are then normalised once: `nixfmt` (nixfmt_rs) on the Nix files and
# `ruff format --isolated` on the Python files, so the corpus is what a project that
# enforces the official style has in its tree (the common case: nothing to change), and
# a check run by any tool never modifies it. Files a tool cannot parse stay as they are.
set -euo pipefail
dest=${1:?usage: scripts/bench-corpus.sh DEST}
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
src=$dest/src
mkdir -p "$src"

# name  url-variable  default-url  commit
sources=(
  "home-manager HOME_MANAGER_GIT https://github.com/nix-community/home-manager ec1a8fdf7"
  "nixvim NIXVIM_GIT https://github.com/nix-community/nixvim bd46166b"
  "pip PIP_GIT https://github.com/pypa/pip 6d3092057"
  "poetry POETRY_GIT https://github.com/python-poetry/poetry f46702336"
)
for line in "${sources[@]}"; do
  read -r name variable default commit <<<"$line"
  url=${!variable:-$default}
  if [ ! -d "$src/$name" ]; then
    git clone --quiet --no-checkout "$url" "$src/$name"
  fi
  git -C "$src/$name" -c advice.detachedHead=false checkout --quiet --force "$commit"
done

copy_ext() { # copy_ext EXT FROM TO: every *.EXT file under FROM (not .git) into TO
  (cd "$2" && git ls-files -z -- "*.$1") | (cd "$2" && xargs -0 cp --parents -t "$3")
}

rm -rf "$dest/nix" "$dest/python"
mkdir -p "$dest/nix/home-manager" "$dest/nix/nixvim" "$dest/python/pip" "$dest/python/poetry"
copy_ext nix "$src/home-manager" "$dest/nix/home-manager"
copy_ext nix "$src/nixvim" "$dest/nix/nixvim"
copy_ext py "$src/pip" "$dest/python/pip"
copy_ext py "$src/poetry" "$dest/python/poetry"

if command -v nixfmt >/dev/null; then
  find "$dest/nix" -name '*.nix' -print0 | xargs -0 nixfmt >/dev/null 2>&1 || true
else
  echo "warning: nixfmt (cargo install nixfmt_rs) not found: Nix corpus not normalised" >&2
fi
if command -v ruff >/dev/null; then
  ruff format --isolated --quiet "$dest/python" || true
else
  echo "warning: ruff not found: Python corpus not normalised" >&2
fi

rm -rf "$dest/scale"
mapfile -t nix_files < <(cd "$dest/nix" && find . -name '*.nix' -type f | sort)
for size in ${SCALE_SIZES:-5000 10000 20000 40000}; do
  out=$dest/scale/$size
  copied=0
  copy=0
  while [ "$copied" -lt "$size" ]; do
    take=$((size - copied))
    [ "$take" -gt "${#nix_files[@]}" ] && take=${#nix_files[@]}
    mkdir -p "$out/copy$copy"
    (cd "$dest/nix" && printf '%s\0' "${nix_files[@]:0:$take}" | xargs -0 cp --parents -t "$out/copy$copy")
    copied=$((copied + take))
    copy=$((copy + 1))
  done
done

echo "corpus in $dest:"
printf '  nix:    %6d files, %s\n' "$(find "$dest/nix" -type f | wc -l)" "$(du -sh "$dest/nix" | cut -f1)"
printf '  python: %6d files, %s\n' "$(find "$dest/python" -type f | wc -l)" "$(du -sh "$dest/python" | cut -f1)"
for dir in "$dest"/scale/*; do
  printf '  scale/%s: %6d files, %s\n' "${dir##*/}" "$(find "$dir" -type f | wc -l)" "$(du -sh "$dir" | cut -f1)"
done
