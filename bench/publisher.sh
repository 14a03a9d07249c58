#!/usr/bin/env bash
# Builds bench/publisher (Release), starts a local Centrifugo (memory engine,
# history on) and runs it: throughput beside wrk on /api/batch and beside
# sequential publish, caller-side cost, latency at 10k/s with a real npm
# centrifuge subscriber. Then a Centrifugo on Redis is killed and restarted
# under a steady stream (events/s before, during, after; a PNG when gnuplot
# is installed). Everything started here is stopped on exit.
#   bench/publisher.sh [SECONDS_PER_ROUND [ROUNDS]]
#   BENCH_BATCH (1000), BENCH_CONNECTIONS (2), BENCH_SECTIONS (a subset of "latency throughput
#   caller"; "outage" runs the restart alone), BENCH_OUTAGE=0 skips the restart, BENCH_OUTAGE_RATE (4000/s:
#   below what two lanes of sequential batches reach on the Redis engine here),
#   BENCH_REDIS_CONNECTIONS="2 8" adds throughput rounds on the Redis engine
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build-bench}"
"$ROOT/scripts/bootstrap"
cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DINSTANT_BUILD_TESTS=OFF >/dev/null
cmake --build "$BUILD_DIR" --parallel 2 --target instant_bench_publisher >/dev/null
. "$ROOT/scripts/lib/centrifugo.sh"
BIN="$BUILD_DIR/bench/publisher/instant_bench_publisher"
work="$(mktemp -d /tmp/instant-bench-publisher-XXXXXX)"
REDIS_PID=""
cleanup() {
  stop_centrifugo
  if [ -f "$work/outage.pid" ]; then kill "$(cat "$work/outage.pid")" 2>/dev/null || true; fi
  if [ -n "$REDIS_PID" ]; then kill "$REDIS_PID" 2>/dev/null || true; wait "$REDIS_PID" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

key="$(random_secret)"
hmac="$(random_secret)"
config() {  # $1 port, $2 extra top-level members (may be empty)
  cat <<JSON
{"http_server": {"address": "127.0.0.1", "port": $1}, "http_api": {"key": "$key"},
 "log": {"level": "error"}, "health": {"enabled": true}, "usage_stats": {"disabled": true},
 "client": {"token": {"hmac_secret_key": "$hmac"}},
 "channel": {"without_namespace": {"history_size": 100, "history_ttl": "60s"}}$2}
JSON
}

# Each section on a fresh Centrifugo: millions of idempotency keys (kept 5
# minutes) and their garbage collection would otherwise weigh on the next.
echo "instant Publisher benchmark (load average at start: $(cut -d' ' -f1-3 /proc/loadavg))"
for section in ${BENCH_SECTIONS:-latency throughput caller}; do
  [ "$section" = outage ] && continue
  port="$(free_port)"
  config "$port" "" > "$work/config.json"
  start_centrifugo "$work/config.json" "$port" "$work/centrifugo.log"
  CENTRIFUGO_URL="http://127.0.0.1:$port" CENTRIFUGO_API_KEY="$key" CENTRIFUGO_HMAC_KEY="$hmac" \
    CENTRIFUGO_PID="$CENTRIFUGO_PID" INSTANT_SOURCE_DIR="$ROOT" BENCH_SECTIONS="$section" "$BIN" "$@"
  stop_centrifugo
done

[ "${BENCH_OUTAGE:-1}" = 1 ] || exit 0
# ---- through a restart: Centrifugo on Redis, SIGKILL at 4 s, back at 6 s ----
rport="$(free_port)"
redis-server --port "$rport" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" >/dev/null 2>&1 &
REDIS_PID=$!
for _ in $(seq 1 100); do redis-cli -p "$rport" ping >/dev/null 2>&1 && break; sleep 0.05; done
oport="$(free_port)"
config "$oport" ", \"engine\": {\"type\": \"redis\", \"redis\": {\"address\": [\"redis://127.0.0.1:$rport\"]}}" \
  > "$work/outage.json"
start_centrifugo "$work/outage.json" "$oport" "$work/outage.log"
disown "$CENTRIFUGO_PID"  # its SIGKILL is the point, not news
echo "$CENTRIFUGO_PID" > "$work/outage.pid"
if [ -n "${BENCH_REDIS_CONNECTIONS:-}" ]; then
  # Throughput on the Redis engine too, for each connection count listed
  # (e.g. "2 8"): a sequential batch waits for one Redis round trip per publication.
  for c in $BENCH_REDIS_CONNECTIONS; do
    echo; echo "-- Redis engine, $c connections --"
    CENTRIFUGO_URL="http://127.0.0.1:$oport" CENTRIFUGO_API_KEY="$key" CENTRIFUGO_PID="$(cat "$work/outage.pid")" \
      BENCH_SECTIONS=throughput BENCH_CONNECTIONS="$c" "$BIN" "$@"
  done
fi
CENTRIFUGO_PID=""  # from here on the pid file names it (the restart replaces it)
export BENCH_KILL_CMD="kill -9 \$(cat '$work/outage.pid')"
export BENCH_RESTART_CMD="'$ROOT/.tools/bin/centrifugo' -c '$work/outage.json' >>'$work/outage.log' 2>&1 & echo \$! > '$work/outage.pid'"
CENTRIFUGO_URL="http://127.0.0.1:$oport" CENTRIFUGO_API_KEY="$key" \
  "$BIN" outage 14 "${BENCH_OUTAGE_RATE:-4000}" 4 6 "$work/outage.dat"
if command -v gnuplot >/dev/null; then
  png="$BUILD_DIR/publisher-outage.png"
  gnuplot <<GP
set terminal pngcairo size 900,400
set output '$png'
set xlabel 'seconds'
set ylabel 'publications/s'
set title 'Publisher through a Centrifugo restart (Redis engine; SIGKILL at 4 s, restarted at 6 s)'
set key top right
set yrange [0:*]
set offsets 0, 0, graph 0.1, 0
plot '$work/outage.dat' using 1:2 with steps lw 2 title 'offered', '' using 1:3 with steps lw 2 title 'delivered', '' using 1:4 with steps lw 2 title 'failed'
GP
  echo "  plot: $png"
else
  cp "$work/outage.dat" "$BUILD_DIR/publisher-outage.dat"
  echo "  data: $BUILD_DIR/publisher-outage.dat (install gnuplot-nox for a PNG)"
fi
