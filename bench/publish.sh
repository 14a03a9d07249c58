#!/usr/bin/env bash
# Builds bench/publish (Release), starts a local Centrifugo and runs it:
#   bench/publish.sh [SECONDS_PER_ROUND] [CURL_RUNS] [ROUNDS]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build-bench}"
"$ROOT/scripts/bootstrap"
cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DINSTANT_BUILD_TESTS=OFF >/dev/null
cmake --build "$BUILD_DIR" --target instant_bench_publish >/dev/null
. "$ROOT/scripts/lib/centrifugo.sh"
work="$(mktemp -d /tmp/instant-bench-XXXXXX)"
trap 'stop_centrifugo; rm -rf "$work"' EXIT
port="$(free_port)"
key="$(random_secret)"
cat > "$work/config.json" <<JSON
{"http_server": {"address": "127.0.0.1", "port": $port}, "http_api": {"key": "$key"},
 "log": {"level": "error"}, "health": {"enabled": true}, "usage_stats": {"disabled": true},
 "channel": {"without_namespace": {"history_size": 10, "history_ttl": "60s"}}}
JSON
start_centrifugo "$work/config.json" "$port" "$work/centrifugo.log"
CENTRIFUGO_URL="http://127.0.0.1:$port" CENTRIFUGO_API_KEY="$key" "$BUILD_DIR/bench/instant_bench_publish" "$@"
