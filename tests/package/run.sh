#!/usr/bin/env bash
# Builds and runs C and C++ consumer projects (tests/package/consumer) against
# instant obtained every way a user gets it:
#   1. the tree under test installed (cmake --install BUILD_DIR): find_package
#      and pkg-config (static or shared, as that build was configured);
#   2. a shared build installed (BUILD_SHARED_LIBS=ON, library only): find_package
#      and pkg-config, SOVERSION links, only instant_* exported;
#   3. add_subdirectory of the source tree (shared);
#   4. FetchContent from the local checkout (static);
#   and find_package asking for a version the package does not satisfy must fail.
#   run.sh SOURCE_DIR BUILD_DIR WORK_DIR
set -euo pipefail
src="$1"; build="$2"; work="$3"
gen=(-G Ninja)
jobs="${JOBS:-2}"
rm -rf "$work"; mkdir -p "$work"
step() { printf '\n=== %s\n' "$*"; }

consumer() {  # consumer NAME cmake-args...
  local name="$1"; shift
  step "consumer: $name"
  cmake -S "$src/tests/package/consumer" -B "$work/$name" "${gen[@]}" -DCMAKE_BUILD_TYPE=Release "$@" >"$work/$name.log" 2>&1 ||
    { cat "$work/$name.log"; echo "FAIL: configure $name"; exit 1; }
  cmake --build "$work/$name" --parallel "$jobs" >>"$work/$name.log" 2>&1 ||
    { cat "$work/$name.log"; echo "FAIL: build $name"; exit 1; }
  "$work/$name/consumer_c"
  "$work/$name/consumer_cpp"
}

pkgconfig_consumer() {  # pkgconfig_consumer PREFIX NAME
  local prefix="$1" name="$2"
  step "pkg-config consumer: $name"
  command -v pkg-config >/dev/null || { echo "FAIL: pkg-config not found"; exit 1; }
  local pcdir; pcdir=$(dirname "$(find "$prefix" -name instant_c.pc | head -1)")
  [ -f "$pcdir/instant_c.pc" ] && [ -f "$pcdir/instant.pc" ] || { echo "FAIL: no .pc files under $prefix"; exit 1; }
  local libdir; libdir=$(PKG_CONFIG_PATH="$pcdir" pkg-config --variable=libdir instant_c)
  mkdir -p "$work/$name"
  # shellcheck disable=SC2046
  cc -std=c99 -pedantic -Werror -o "$work/$name/c" "$src/tests/package/consumer/main.c" \
    $(PKG_CONFIG_PATH="$pcdir" pkg-config --cflags --libs instant_c) -Wl,-rpath,"$libdir"
  # shellcheck disable=SC2046
  c++ -std=c++17 -o "$work/$name/cpp" "$src/tests/package/consumer/main.cpp" \
    $(PKG_CONFIG_PATH="$pcdir" pkg-config --cflags --libs instant) -Wl,-rpath,"$libdir"
  "$work/$name/c"
  "$work/$name/cpp"
}

# 1. the tree under test, installed
step "install the build under test ($build)"
cmake --install "$build" --prefix "$work/prefix-main" >"$work/install-main.log" 2>&1 ||
  { cat "$work/install-main.log"; echo "FAIL: install"; exit 1; }
for f in include/instant/instant.h include/instant/client.hpp; do
  [ -f "$work/prefix-main/$f" ] || { echo "FAIL: $f not installed"; exit 1; }
done
find "$work/prefix-main" -name instantConfigVersion.cmake | grep -q . || { echo "FAIL: no version file"; exit 1; }
consumer find-main -DCMAKE_PREFIX_PATH="$work/prefix-main"
pkgconfig_consumer "$work/prefix-main" pc-main

step "find_package(instant 99.0) must fail"
if cmake -S "$src/tests/package/consumer" -B "$work/badversion" "${gen[@]}" \
     -DCMAKE_PREFIX_PATH="$work/prefix-main" -DINSTANT_REQUIRE_VERSION=99.0 >"$work/badversion.log" 2>&1; then
  echo "FAIL: find_package accepted version 99.0"; exit 1
fi
grep -q "instantConfigVersion" "$work/badversion.log" || grep -qi "version" "$work/badversion.log" ||
  { cat "$work/badversion.log"; echo "FAIL: unexpected configure failure"; exit 1; }
echo "ok: refused"

# 2. a shared build, installed
step "shared build of the library"
cmake -S "$src" -B "$work/shared-build" "${gen[@]}" -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=ON \
  -DINSTANT_BUILD_TESTS=OFF -DINSTANT_BUILD_EXAMPLES=OFF -DINSTANT_BUILD_BENCH=OFF -DINSTANT_BUILD_CLI=OFF \
  -DINSTANT_INSTALL=ON >"$work/shared-build.log" 2>&1 &&
  cmake --build "$work/shared-build" --parallel "$jobs" >>"$work/shared-build.log" 2>&1 &&
  cmake --install "$work/shared-build" --prefix "$work/prefix-shared" >>"$work/shared-build.log" 2>&1 ||
  { cat "$work/shared-build.log"; echo "FAIL: shared build/install"; exit 1; }
lib=$(find "$work/prefix-shared" -name 'libinstant_c.so.*.*.*' | head -1)
[ -n "$lib" ] || { echo "FAIL: no versioned libinstant_c.so installed"; exit 1; }
soname=$(readelf -d "$lib" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
abi=$(sed -n 's/^#define INSTANT_ABI_VERSION \([0-9]*\)/\1/p' "$src/include/instant/version.h")
[ "$soname" = "libinstant_c.so.$abi" ] || { echo "FAIL: SONAME $soname, want libinstant_c.so.$abi"; exit 1; }
[ -L "$(dirname "$lib")/libinstant_c.so.$abi" ] && [ -L "$(dirname "$lib")/libinstant_c.so" ] ||
  { echo "FAIL: SOVERSION symlinks missing"; exit 1; }
sh "$src/tests/capi/check_exports.sh" "$lib" "$src/include/instant/instant.h"
consumer find-shared -DCMAKE_PREFIX_PATH="$work/prefix-shared"
pkgconfig_consumer "$work/prefix-shared" pc-shared

# 3. add_subdirectory (shared), 4. FetchContent (static)
consumer subdirectory -DINSTANT_CONSUMER_MODE=subdirectory -DINSTANT_SOURCE_DIR="$src" -DBUILD_SHARED_LIBS=ON
consumer fetchcontent -DINSTANT_CONSUMER_MODE=fetchcontent -DINSTANT_SOURCE_DIR="$src"

step "all package consumers passed"
