#!/usr/bin/env bash
# The pytest suite (tests/py) in a fresh virtual environment:
#   1. a new venv with the pinned packages of tests/py/requirements.txt (from
#      the wheels scripts/bootstrap downloaded into .tools/pywheels; no index);
#   2. `pip install ./bindings/python`: scikit-build-core builds libinstant_c
#      from this checkout into the package (the CMake build is cached in
#      BUILD_DIR/python-build, so a rerun compiles only what changed);
#   3. `pip wheel ./bindings/python` from the same cached build, for the test
#      that installs the wheel into a second fresh venv (INSTANT_PY_WHEEL);
#   4. pytest from that venv.
#   run.sh PYTHON BUILD_DIR [pytest args...]
set -euo pipefail
py="$1"; build="$2"; shift 2
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
wheels="$root/.tools/pywheels"
venv="$build/py-venv"
skbuild="$build/python-build"
wheelhouse="$build/py-wheelhouse"
[ -d "$wheels" ] || { echo "FAIL: $wheels missing: run scripts/bootstrap"; exit 1; }

rm -rf "$venv" "$wheelhouse"
"$py" -m venv "$venv"
pip() { "$venv/bin/python" -m pip --disable-pip-version-check --no-input -q "$@"; }
pip install --no-index --find-links "$wheels" --no-deps -r "$root/tests/py/requirements.txt"
pip check
echo "py: pip install ./bindings/python (build dir $skbuild)"
pip install --no-index --no-build-isolation --no-deps --config-settings=build-dir="$skbuild" "$root/bindings/python"
pip wheel --no-index --no-build-isolation --no-deps --config-settings=build-dir="$skbuild" \
  --wheel-dir "$wheelhouse" "$root/bindings/python"
INSTANT_PY_WHEEL="$(ls "$wheelhouse"/instant_centrifugo-*.whl)"
export INSTANT_PY_WHEEL
cd "$build"
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider "$root/tests/py" "$@"
