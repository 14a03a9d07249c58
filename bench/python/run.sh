#!/usr/bin/env bash
# Python publishers against one Centrifugo (bench/python/bench.py prints the
# figures). Makes one virtual environment per peer under WORK_DIR (default
# build/bench-python): the instant package (built from this checkout with
# scikit-build-core, build dir cached), cent 5.2.0, django-instant 4.2.0
# with cent 4.1.0 (requirements-*.txt, pinned, installed with --no-deps).
# Needs scripts/bootstrap (Centrifugo, .tools/pywheels). No timed assertions.
#   bench/python/run.sh [ROUNDS]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/bench/python"
ROUNDS="${1:-5}"
WORK="${WORK_DIR:-$ROOT/build/bench-python}"
PY="${PYTHON:-python3}"
mkdir -p "$WORK"

make_venv() {  # make_venv NAME: a fresh venv, its python printed
  rm -rf "$WORK/$1"; "$PY" -m venv "$WORK/$1" >&2
}
pip() { local v="$1"; shift; "$WORK/$v/bin/python" -m pip --disable-pip-version-check --no-input -q "$@" >&2; }

make_venv instant
pip instant install --no-index --find-links "$ROOT/.tools/pywheels" --no-deps scikit_build_core packaging pathspec
pip instant install --no-index --no-build-isolation --no-deps --config-settings=build-dir="$WORK/python-build" \
  "$ROOT/bindings/python"
make_venv cent
pip cent install --no-deps -r "$HERE/requirements-cent.txt"
make_venv django-instant
pip django-instant install --no-deps -r "$HERE/requirements-django-instant.txt"

# One Centrifugo on 127.0.0.1, history on for the bench channel.
. "$ROOT/scripts/lib/centrifugo.sh"
trap stop_centrifugo EXIT
port="$(free_port)"
key="$(random_secret)"
cat >"$WORK/config.json" <<JSON
{"http_server": {"address": "127.0.0.1", "port": $port}, "http_api": {"key": "$key"},
 "log": {"level": "error"}, "health": {"enabled": true}, "usage_stats": {"disabled": true},
 "channel": {"without_namespace": {"history_size": 100, "history_ttl": "300s"}}}
JSON
start_centrifugo "$WORK/config.json" "$port" "$WORK/centrifugo.log"

echo "Python publishers, $(nproc) cores, Centrifugo $("$ROOT/.tools/bin/centrifugo" version 2>/dev/null | head -1), $ROUNDS rounds"
"$PY" "$HERE/bench.py" "http://127.0.0.1:$port" "$key" "$ROUNDS" \
  instant-seq="$WORK/instant/bin/python" instant-batch="$WORK/instant/bin/python" \
  instant-publisher="$WORK/instant/bin/python" \
  cent-seq="$WORK/cent/bin/python" cent-batch="$WORK/cent/bin/python" \
  django-instant="$WORK/django-instant/bin/python"
