#!/usr/bin/env bash
# scripts/demo web: the browser half, end to end on a fresh machine. Bootstrap,
# build instant_host and the CLI, register the seed's channels, generate a
# Centrifugo config, start Centrifugo and instant_host on 127.0.0.1 with two
# demo users (alice: staff, group1; bob: neither), print the URL and the
# logins, and stop everything on Ctrl-C.
#   INSTANT_DEMO_PORT  the page's port (default 8000, or a free one if taken)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build-demo}"
INSTANT_BOOTSTRAP_MINIMAL=1 "$ROOT/scripts/bootstrap"

cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DINSTANT_BUILD_TESTS=OFF -DINSTANT_BUILD_BENCH=OFF >/dev/null
cmake --build "$BUILD_DIR" --parallel "${JOBS:-2}" --target instant_host instant_cli

. "$ROOT/scripts/lib/centrifugo.sh"
work="$(mktemp -d /tmp/instant-demo-web-XXXXXX)"
HOST_PID=""
cleanup() {
  trap - EXIT INT TERM
  if [ -n "$HOST_PID" ]; then
    kill "$HOST_PID" 2>/dev/null || true
    wait "$HOST_PID" 2>/dev/null || true
    echo "demo: instant_host stopped"
  fi
  if [ -n "$CENTRIFUGO_PID" ]; then stop_centrifugo; echo "demo: Centrifugo stopped"; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

I="$BUILD_DIR/cli/instant"
reg="$work/channels.json"
"$I" channels add --registry "$reg" public --level public >/dev/null
"$I" channels add --registry "$reg" '$users' --level users >/dev/null
"$I" channels add --registry "$reg" '$group1' --level groups --group group1 >/dev/null
"$I" channels add --registry "$reg" '$staff' --level staff >/dev/null

# Two demo users with fresh passwords (instant_host hashes them with scrypt at load).
alice_pw="$(python3 -c 'import secrets; print(secrets.token_urlsafe(9))')"
bob_pw="$(python3 -c 'import secrets; print(secrets.token_urlsafe(9))')"
( umask 077; cat >"$work/users.json" <<JSON
{"users": [
  {"username": "alice", "password": "$alice_pw", "staff": true, "groups": ["group1"]},
  {"username": "bob", "password": "$bob_pw"}
]}
JSON
)

web_port="${INSTANT_DEMO_PORT:-8000}"
if ! python3 -c 'import socket,sys; s=socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1])))' "$web_port" 2>/dev/null; then
  web_port="$(free_port)"
fi
port="$(free_port)"
"$I" genconfig --output "$work/config.json" --force --address 127.0.0.1 --port "$port" \
  --host http://127.0.0.1 --origin "http://127.0.0.1:$web_port" --origin "http://localhost:$web_port" \
  --no-usage-stats --registry "$reg" >"$work/settings.env" 2>/dev/null
set -a; . "$work/settings.env"; set +a

start_centrifugo "$work/config.json" "$port" "$work/centrifugo.log"
echo "demo: Centrifugo v6 listening on 127.0.0.1:$port"

"$BUILD_DIR/examples/instant_host" --listen "127.0.0.1:$web_port" --users "$work/users.json" \
  --registry "$reg" >"$work/host.log" 2>&1 &
HOST_PID=$!
for _ in $(seq 1 200); do
  grep -q 'listening on' "$work/host.log" 2>/dev/null && break
  kill -0 "$HOST_PID" 2>/dev/null || break
  sleep 0.05
done
grep -q 'listening on' "$work/host.log" || { cat "$work/host.log"; echo "demo: instant_host did not start"; exit 1; }

cat <<MSG

demo: open http://127.0.0.1:$web_port/ in a browser and log in as
        alice / $alice_pw   (staff, group1: public, \$users, \$group1, \$staff; a publish form)
        bob   / $bob_pw   (public, \$users)
      Publish from the page (as alice) or from a shell:
        CENTRIFUGO_URL=http://127.0.0.1:$port CENTRIFUGO_API_KEY=<in $work/settings.env> \\
          $I publish public 'hello from the CLI'
demo: Ctrl-C stops Centrifugo and instant_host.
MSG
wait "$HOST_PID"
