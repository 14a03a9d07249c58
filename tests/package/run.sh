#!/usr/bin/env bash
# Builds and runs consumer projects against instant obtained every way a user
# gets it:
#   1. the tree under test installed (cmake --install BUILD_DIR): a shared
#      libinstant_c.so.<ABI> that needs no libinstant; find_package and
#      pkg-config (C and C++); a pure-C project (project(app C)) linking
#      instant::instant_c and instant::instant_c_shared; the static
#      libinstant_c.a linked by a C compiler with pkg-config's Libs.private;
#   2. a shared build installed (BUILD_SHARED_LIBS=ON, library only): the
#      SONAMEs of both libraries, only instant_* exported, find_package,
#      pkg-config and the pure-C project;
#   3. add_subdirectory of the source tree (shared);
#   4. FetchContent from the local checkout (SOURCE_DIR, static);
#   5. FetchContent with GIT_REPOSITORY from a local clone of the tree, as a
#      C++-only subproject (INSTANT_BUILD_C=OFF) with INSTANT_INSTALL=ON, by
#      a project that installs and exports its own static library linking
#      instant::instant; a downstream project finds and uses that package;
#   and find_package asking for a version the package does not satisfy must fail.
#   run.sh SOURCE_DIR BUILD_DIR WORK_DIR
set -euo pipefail
src="$1"; build="$2"; work="$3"
gen=(-G Ninja)
jobs="${JOBS:-2}"
rm -rf "$work"; mkdir -p "$work"
step() { printf '\n=== %s\n' "$*"; }
fail() { echo "FAIL: $*"; exit 1; }
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }
soname() { readelf -d "$1" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p'; }
ver() { sed -n "s/^#define INSTANT_$1 \([0-9]*\)/\1/p" "$src/include/instant/version.h"; }
abi=$(ver ABI_VERSION)
cxx_so="$(ver VERSION_MAJOR).$(ver VERSION_MINOR)"

cmake_project() {  # cmake_project DIR NAME cmake-args...: configure + build into $work/NAME
  local dir="$1" name="$2"; shift 2
  cmake -S "$dir" -B "$work/$name" "${gen[@]}" -DCMAKE_BUILD_TYPE=Release "$@" >"$work/$name.log" 2>&1 ||
    { cat "$work/$name.log"; fail "configure $name"; }
  cmake --build "$work/$name" --parallel "$jobs" >>"$work/$name.log" 2>&1 ||
    { cat "$work/$name.log"; fail "build $name"; }
}

consumer() {  # consumer NAME cmake-args...
  local name="$1"; shift
  step "consumer: $name"
  cmake_project "$src/tests/package/consumer" "$name" "$@"
  [ ! -x "$work/$name/consumer_c" ] || "$work/$name/consumer_c"
  "$work/$name/consumer_cpp"
}

# The shared libinstant_c stands alone: SONAME libinstant_c.so.<ABI>, no libinstant.
check_c_library() {  # check_c_library PREFIX
  local lib; lib=$(find "$1" -name "libinstant_c.so.$abi.*" -type f | head -1)
  [ -n "$lib" ] || fail "no shared libinstant_c.so.$abi.* installed under $1"
  [ "$(soname "$lib")" = "libinstant_c.so.$abi" ] || fail "SONAME $(soname "$lib"), want libinstant_c.so.$abi"
  [ -L "$(dirname "$lib")/libinstant_c.so.$abi" ] && [ -L "$(dirname "$lib")/libinstant_c.so" ] ||
    fail "libinstant_c SOVERSION symlinks missing"
  if needed "$lib" | grep -q '^libinstant'; then fail "$lib needs $(needed "$lib" | grep '^libinstant')"; fi
  echo "ok: $(basename "$lib") needs: $(needed "$lib" | tr '\n' ' ')"
  sh "$src/tests/capi/check_exports.sh" "$lib" "$src/include/instant/instant.h"
}

c_consumer() {  # c_consumer PREFIX NAME TARGET WANT(static|shared)
  local prefix="$1" name="$2" target="$3" want="$4"
  step "pure-C consumer (project(app C)): $name, $target"
  cmake_project "$src/tests/package/c_consumer" "$name" -DCMAKE_PREFIX_PATH="$prefix" -DINSTANT_C_TARGET="$target"
  "$work/$name/app"
  check_linked "$work/$name/app" "$want"
}

check_linked() {  # check_linked BINARY static|shared
  local deps; deps=$(needed "$1")
  if printf '%s\n' "$deps" | grep -q '^libinstant\.so'; then fail "$1 needs the C++ libinstant"; fi
  if [ "$2" = shared ]; then
    printf '%s\n' "$deps" | grep -qx "libinstant_c.so.$abi" || fail "$1 does not need libinstant_c.so.$abi"
  else
    if printf '%s\n' "$deps" | grep -q '^libinstant'; then fail "$1 links libinstant_c dynamically"; fi
  fi
  echo "ok: $(basename "$1") linked $2 (needs: $(printf '%s\n' "$deps" | tr '\n' ' '))"
}

pkgconfig_consumer() {  # pkgconfig_consumer PREFIX NAME
  local prefix="$1" name="$2"
  step "pkg-config consumer: $name"
  command -v pkg-config >/dev/null || fail "pkg-config not found"
  local pcdir; pcdir=$(dirname "$(find "$prefix" -name instant_c.pc | head -1)")
  [ -f "$pcdir/instant_c.pc" ] && [ -f "$pcdir/instant.pc" ] || fail "no .pc files under $prefix"
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
  check_linked "$work/$name/c" shared
  if [ -f "$libdir/libinstant_c.a" ]; then
    # The static archive with a C compiler: libcurl and libcrypto shared (their
    # own --static lists name libraries Debian ships no archives for), the
    # C++ runtime from instant_c.pc's Libs.private.
    local private; private=$(sed -n 's/^Libs.private: *//p' "$pcdir/instant_c.pc")
    printf '%s\n' "$private" | grep -q -- '-lstdc++\|-lc++' || fail "instant_c.pc Libs.private lacks the C++ runtime: $private"
    # shellcheck disable=SC2046,SC2086
    cc -std=c99 -pedantic -Werror -o "$work/$name/c-static" "$src/tests/package/consumer/main.c" \
      $(PKG_CONFIG_PATH="$pcdir" pkg-config --cflags instant_c) "$libdir/libinstant_c.a" \
      $(pkg-config --libs libcurl libcrypto) $private
    "$work/$name/c-static"
    check_linked "$work/$name/c-static" static
  fi
}

# 1. the tree under test, installed
step "install the build under test ($build)"
cmake --install "$build" --prefix "$work/prefix-main" >"$work/install-main.log" 2>&1 ||
  { cat "$work/install-main.log"; fail "install"; }
for f in include/instant/instant.h include/instant/client.hpp; do
  [ -f "$work/prefix-main/$f" ] || fail "$f not installed"
done
find "$work/prefix-main" -name instantConfigVersion.cmake | grep -q . || fail "no version file"
check_c_library "$work/prefix-main"
consumer find-main -DCMAKE_PREFIX_PATH="$work/prefix-main"
pkgconfig_consumer "$work/prefix-main" pc-main
if find "$work/prefix-main" -name libinstant_c.a | grep -q .; then
  c_consumer "$work/prefix-main" c-main-static instant::instant_c static
fi
c_consumer "$work/prefix-main" c-main-shared instant::instant_c_shared shared

step "find_package(instant 99.0) must fail"
if cmake -S "$src/tests/package/consumer" -B "$work/badversion" "${gen[@]}" \
     -DCMAKE_PREFIX_PATH="$work/prefix-main" -DINSTANT_REQUIRE_VERSION=99.0 >"$work/badversion.log" 2>&1; then
  fail "find_package accepted version 99.0"
fi
grep -q "instantConfigVersion" "$work/badversion.log" || grep -qi "version" "$work/badversion.log" ||
  { cat "$work/badversion.log"; fail "unexpected configure failure"; }
echo "ok: refused"

# 2. a shared build, installed
step "shared build of the library"
cmake_project "$src" shared-build -DBUILD_SHARED_LIBS=ON \
  -DINSTANT_BUILD_TESTS=OFF -DINSTANT_BUILD_EXAMPLES=OFF -DINSTANT_BUILD_BENCH=OFF -DINSTANT_BUILD_CLI=OFF \
  -DINSTANT_INSTALL=ON
cmake --install "$work/shared-build" --prefix "$work/prefix-shared" >>"$work/shared-build.log" 2>&1 ||
  { cat "$work/shared-build.log"; fail "shared install"; }
check_c_library "$work/prefix-shared"
cxxlib=$(find "$work/prefix-shared" -name 'libinstant.so.*.*.*' -type f | head -1)
[ -n "$cxxlib" ] || fail "no versioned libinstant.so installed"
[ "$(soname "$cxxlib")" = "libinstant.so.$cxx_so" ] || fail "C++ SONAME $(soname "$cxxlib"), want libinstant.so.$cxx_so"
echo "ok: C++ library SONAME libinstant.so.$cxx_so"
consumer find-shared -DCMAKE_PREFIX_PATH="$work/prefix-shared"
pkgconfig_consumer "$work/prefix-shared" pc-shared
c_consumer "$work/prefix-shared" c-shared instant::instant_c shared

# 3. add_subdirectory (shared), 4. FetchContent from SOURCE_DIR (static)
consumer subdirectory -DINSTANT_CONSUMER_MODE=subdirectory -DINSTANT_SOURCE_DIR="$src" -DBUILD_SHARED_LIBS=ON
consumer fetchcontent -DINSTANT_CONSUMER_MODE=fetchcontent -DINSTANT_SOURCE_DIR="$src"

# 5. FetchContent from a git repository holding the tree under test (its
# tracked and new files, so uncommitted work is what gets tested).
step "git repository of the tree under test"
repo="$work/instant-git"
mkdir -p "$repo"
(cd "$src" && git ls-files -co --exclude-standard -z | xargs -0 tar cf - --no-recursion) | tar xf - -C "$repo"
git -C "$repo" init -q
git -C "$repo" add -A
git -C "$repo" -c user.name=package-test -c user.email=package-test@instant.invalid commit -q -m snapshot
git -C "$repo" tag package-test
echo "ok: $(git -C "$repo" ls-files | wc -l) files at $(git -C "$repo" rev-parse --short HEAD)"

step "exporter: FetchContent GIT_REPOSITORY, C++ only, installs and exports a library linking instant::instant"
cmake_project "$src/tests/package/exporter" exporter \
  -DINSTANT_GIT_REPOSITORY="file://$repo" -DINSTANT_GIT_TAG=package-test
cmake --install "$work/exporter" --prefix "$work/prefix-exporter" >>"$work/exporter.log" 2>&1 ||
  { cat "$work/exporter.log"; fail "exporter install"; }
[ -d "$work/exporter/_deps/instant-src/.git" ] || fail "FetchContent did not clone the git repository"
find "$work/prefix-exporter" -name 'libinstant.a' | grep -q . || fail "exporter's install has no libinstant.a"
if find "$work/prefix-exporter" "$work/exporter" -path '*/_deps/instant-src' -prune -o \
     \( -name 'libinstant_c*' -o -name instant_c.pc \) -print | grep .; then
  fail "INSTANT_BUILD_C=OFF still built or installed the C library"
fi
echo "ok: exporter installed greeter and instant, no libinstant_c"
step "downstream: find_package(exporter)"
cmake_project "$src/tests/package/downstream" downstream -DCMAKE_PREFIX_PATH="$work/prefix-exporter"
"$work/downstream/downstream"

step "all package consumers passed"
