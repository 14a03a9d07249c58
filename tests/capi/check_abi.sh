#!/bin/sh
# Compares the shared libinstant_c with the committed ABI baseline
# (abi/libinstant_c.abi, an abidw dump of the C ABI: the functions and the
# types reachable from them; the handles stay opaque) using libabigail's
# abidiff. Added functions pass; a removed or changed function or type fails.
#   check_abi.sh BASELINE LIBRARY PUBLIC_HEADER          compare
#   check_abi.sh --write BASELINE LIBRARY PUBLIC_HEADER  rewrite the baseline
set -u
write=0
if [ "$1" = "--write" ]; then write=1; shift; fi
base="$1"; lib="$2"; header="$3"
for t in abidw abidiff; do
  command -v $t >/dev/null || { echo "FAIL: $t not found (Debian package abigail-tools)"; exit 1; }
done
dump() {
  abidw --header-file "$header" --drop-private-types --exported-interfaces-only \
    --no-corpus-path --no-show-locs --no-comp-dir-path --type-id-style hash \
    --out-file "$1" "$lib"
}
if [ $write = 1 ]; then
  dump "$base" || { echo "FAIL: abidw could not read $lib"; exit 1; }
  # Source paths relative to the checkout, so the baseline does not name a machine.
  root=$(cd "$(dirname "$header")/../.." && pwd)
  sed "s|path='$root/|path='|" "$base" >"$base.tmp" && mv "$base.tmp" "$base"
  echo "wrote $base"; exit 0
fi
[ -f "$base" ] || { echo "FAIL: no baseline at $base"; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
dump "$tmp/current.abi" || { echo "FAIL: abidw could not read $lib"; exit 1; }
abidiff --no-show-locs "$base" "$tmp/current.abi" >"$tmp/diff.txt" 2>&1
rc=$?
cat "$tmp/diff.txt"
# abidiff exit bits: 1 error, 2 usage error, 4 ABI change, 8 incompatible change.
if [ $((rc & 11)) -ne 0 ]; then
  echo "FAIL: abidiff exit $rc (incompatible ABI change or error); see docs/abi.md"
  exit 1
fi
# abidiff calls a changed parameter or type only "a change" (bit 4); the ABI
# promise allows additions only, so any removed or changed entity fails.
if grep -Eq '(^|[^0-9])[1-9][0-9]* (Removed|Changed)' "$tmp/diff.txt"; then
  echo "FAIL: functions, variables or types were removed or changed; see docs/abi.md"
  exit 1
fi
if [ $((rc & 4)) -ne 0 ]; then
  echo "ok: compatible ABI change (additions only); refresh the baseline at the next release"
else
  echo "ok: ABI identical to the baseline"
fi
