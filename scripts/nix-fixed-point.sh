#!/usr/bin/env bash
# Fixed-point rate of flakefmt's Nix formatter on a directory of code that is already
# formatted with nixfmt: copies the *.nix files to a temporary directory, formats the
# copy in place and counts the files that changed.
#
# usage: scripts/nix-fixed-point.sh DIR [FLAKEFMT_BINARY] [-- extra flakefmt flags]
# Prints the rate and the list of changed files; with KEEP=1 the copy is kept for diffing.
set -euo pipefail
dir=${1:?usage: nix-fixed-point.sh DIR [FLAKEFMT_BINARY]}
bin=${2:-target/release/flakefmt}
shift $(( $# >= 2 ? 2 : 1 ))
[ "${1:-}" = "--" ] && shift
tmp=$(mktemp -d)
trap '[ "${KEEP:-}" = 1 ] || rm -rf "$tmp"' EXIT
(cd "$dir" && find . -name '*.nix' -type f -print0 | xargs -0 cp --parents -t "$tmp")
total=$(find "$tmp" -name '*.nix' -type f | wc -l)
"$bin" fmt "$@" "$tmp" > "$tmp.log" 2>&1 || true
changed=$(cd "$dir" && find . -name '*.nix' -type f | while read -r f; do cmp -s "$f" "$tmp/$f" || echo "$f"; done)
n_changed=$(printf '%s' "$changed" | grep -c . || true)
errors=$(grep -c "error" "$tmp.log" || true)
echo "files: $total"
echo "unchanged: $((total - n_changed)) ($(awk "BEGIN { printf \"%.2f\", 100 * ($total - $n_changed) / $total }")%)"
echo "changed: $n_changed"
echo "error lines in log: $errors"
[ -n "$changed" ] && printf '%s\n' "$changed" | sed 's/^/  /' | head -50
[ "${KEEP:-}" = 1 ] && echo "copy kept in $tmp (log: $tmp.log)"
exit 0
