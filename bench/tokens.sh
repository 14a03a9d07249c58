#!/usr/bin/env bash
# Builds bench/tokens (Release) and runs it; no server needed:
#   bench/tokens.sh [SECONDS_PER_FIGURE]
# libjwt and cpp-jwt columns appear when libjwt-dev / libcpp-jwt-dev are installed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build-bench}"
cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DINSTANT_BUILD_TESTS=OFF >/dev/null
cmake --build "$BUILD_DIR" --target bench_tokens >/dev/null
"$BUILD_DIR/bench/tokens/bench_tokens" "$@"
