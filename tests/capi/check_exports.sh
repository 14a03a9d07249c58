#!/bin/sh
# The shared libinstant_c exports only instant_* symbols, and exports every
# function instant.h declares.
#   check_exports.sh LIBRARY HEADER
set -eu
lib="$1"; header="$2"
command -v nm >/dev/null || { echo "FAIL: nm not found"; exit 1; }
exported=$(nm -D --defined-only "$lib" | awk 'NF == 3 { print $3 }' | sed 's/@.*//' | sort -u)
[ -n "$exported" ] || { echo "FAIL: $lib exports nothing"; exit 1; }
stray=$(printf '%s\n' "$exported" | grep -v '^instant_' || true)
if [ -n "$stray" ]; then
  echo "FAIL: symbols other than instant_* exported:"; printf '%s\n' "$stray" | head -50; exit 1
fi
declared=$(grep -o 'instant_[a-z0-9_]*(' "$header" | tr -d '(' | sort -u)
missing=$(printf '%s\n' "$declared" | while read -r f; do
  printf '%s\n' "$exported" | grep -qx "$f" || echo "$f"; done)
if [ -n "$missing" ]; then
  echo "FAIL: declared in instant.h but not exported:"; printf '%s\n' "$missing"; exit 1
fi
echo "ok: $(printf '%s\n' "$exported" | wc -l) symbols, all instant_*, all declared ones present"
