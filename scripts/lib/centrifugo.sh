# Sourced by scripts/demo and bench scripts: start_centrifugo CONFIG_JSON_FILE
# starts .tools/bin/centrifugo on the port in the config and waits for
# /health; stop_centrifugo stops it. Sets CENTRIFUGO_PID.
CENTRIFUGO_PID=""

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

random_secret() {
  python3 -c 'import secrets; print(secrets.token_hex(32))'
}

start_centrifugo() {  # $1 config file, $2 port, $3 log file
  "$ROOT/.tools/bin/centrifugo" -c "$1" >"$3" 2>&1 &
  CENTRIFUGO_PID=$!
  for _ in $(seq 1 400); do
    curl -fs "http://127.0.0.1:$2/health" >/dev/null 2>&1 && return 0
    if ! kill -0 "$CENTRIFUGO_PID" 2>/dev/null; then cat "$3" >&2; return 1; fi
    sleep 0.05
  done
  echo "Centrifugo did not become healthy" >&2
  return 1
}

stop_centrifugo() {
  if [ -n "$CENTRIFUGO_PID" ] && kill -0 "$CENTRIFUGO_PID" 2>/dev/null; then
    kill "$CENTRIFUGO_PID"
    wait "$CENTRIFUGO_PID" 2>/dev/null || true
  fi
  CENTRIFUGO_PID=""
}
