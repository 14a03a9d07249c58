#!/bin/sh
# instant.h alone must compile as C99 (-pedantic -Werror) with gcc and clang,
# and as C++ with g++ and clang++. A missing compiler fails the test.
#   check_header.sh INCLUDE_DIR HEADER_TEST_C
set -eu
inc="$1"; src="$2"
status=0
for cc in gcc clang; do
  command -v "$cc" >/dev/null || { echo "FAIL: $cc not found"; status=1; continue; }
  if "$cc" -std=c99 -pedantic -Werror -Wall -Wextra -Wstrict-prototypes -Wmissing-prototypes -I"$inc" -fsyntax-only "$src"; then
    echo "ok: $cc -std=c99 -pedantic"
  else
    echo "FAIL: $cc -std=c99"; status=1
  fi
done
for cxx in g++ clang++; do
  command -v "$cxx" >/dev/null || { echo "FAIL: $cxx not found"; status=1; continue; }
  for std in c++11 c++17; do
    if "$cxx" -x c++ -std=$std -pedantic -Werror -Wall -Wextra -I"$inc" -fsyntax-only "$src"; then
      echo "ok: $cxx -std=$std"
    else
      echo "FAIL: $cxx -std=$std"; status=1
    fi
  done
done
exit $status
