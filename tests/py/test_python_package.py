"""The installed Python package itself: it is the one pip installed into this
virtual environment (not the source tree), it carries its own standalone
libinstant_c, its ctypes signatures match include/instant/instant.h, its
error codes match the C ABI and instant::errc, and the wheel installs and
works in a second fresh virtual environment without a compiler."""
import os
import re
import subprocess
import sys
import venv

import pytest

import instant
from instant import _native
from conftest import ROOT

HEADER = os.path.join(ROOT, "include", "instant", "instant.h")


def test_the_package_is_the_installed_one():
    pkg = os.path.dirname(instant.__file__)
    assert pkg.startswith(sys.prefix) and not pkg.startswith(os.path.join(ROOT, "bindings"))
    assert sys.prefix != sys.base_prefix  # tests/py/run.sh runs us in a venv
    lib = os.path.join(pkg, "libinstant_c.so")
    assert os.path.isfile(lib) and os.path.isfile(os.path.join(pkg, "py.typed"))
    version_h = open(os.path.join(ROOT, "include", "instant", "version.h")).read()
    assert f'#define INSTANT_VERSION_STRING "{instant.version()}"' in version_h
    assert instant.__version__ == instant.version()
    dynamic = subprocess.run(["readelf", "-d", lib], capture_output=True, text=True, check=True).stdout
    needed = re.findall(r"\(NEEDED\).*\[(.*)\]", dynamic)
    assert "libcurl.so.4" in needed and not [n for n in needed if n.startswith("libinstant")], needed


def expected_signatures():
    """ctypes types derived from instant.h's prototypes, independently of _native."""
    h = re.sub(r"/\*.*?\*/", "", open(HEADER).read(), flags=re.S)
    ints = set(re.findall(r"typedef int (instant_\w+_t);", h)) | {"int"}
    scalars = {"unsigned": "_uint", "size_t": "_sz", "int64_t": "_i64", "uint64_t": "_u64", "uint32_t": "_u32",
               "instant_user_resolver_fn": "RESOLVER", "instant_delivery_report_fn": "DELIVERY", "void": None}
    pointers = {"int": "_p_int", "uint32_t": "_p_u32", "uint64_t": "_p_u64", "char": "_str", "void": "_vp"}

    def ctype(decl):
        decl = " ".join(decl.replace("*", " * ").split())
        stars = decl.count("*")
        base = " ".join(w for w in decl.replace("*", " ").split() if w != "const")
        if stars == 0:
            return "_int" if base in ints else scalars[base]
        if stars == 1:
            return "_p_int" if base in ints else pointers.get(base, "_vp")
        return "_strv" if base == "char" and "const" in decl else "_out"

    out = {}
    for ret, name, params in re.findall(r"INSTANT_API\s+([^;(]+?)\b(instant_\w+)\s*\(([^)]*)\)\s*;", h, flags=re.S):
        params = " ".join(params.split())
        args = [] if params == "void" else [ctype(re.sub(r"\w+$", "", p.strip())) for p in params.split(",")]
        out[name] = (ctype(ret), args)
    return out


def test_ctypes_signatures_match_instant_h():
    want = expected_signatures()
    assert len(want) > 200

    def obj(t):  # the ctypes objects (c_size_t and c_uint64 may be one type)
        return None if t is None else getattr(_native, t)

    got = _native.SIGNATURES
    assert set(got) == set(want), (set(want) - set(got), set(got) - set(want))
    for fn, (res, args) in want.items():
        assert (got[fn][0], list(got[fn][1])) == (obj(res), [obj(a) for a in args]), fn


def test_error_codes_match_the_c_abi_and_errc():
    h = open(HEADER).read()
    codes = {m[0]: int(m[1]) for m in re.findall(r"#define INSTANT_(E\w+) \((-\d+)\)", h)}
    assert {c.name: int(c) for c in instant.ErrorCode if c} == codes
    err = open(os.path.join(ROOT, "include", "instant", "error.hpp")).read()
    errc = {-int(v): k for k, v in re.findall(r"^\s+(\w+) = (\d+),", err, flags=re.M) if k != "ok"}
    from instant.errors import KINDS
    assert KINDS == errc


def test_the_wheel_installs_and_runs_in_a_fresh_venv_without_a_compiler(tmp_path, centrifugo):
    wheel = os.environ.get("INSTANT_PY_WHEEL")
    assert wheel and os.path.isfile(wheel), "tests/py/run.sh builds the wheel (INSTANT_PY_WHEEL)"
    assert os.path.basename(wheel).endswith("-py3-none-linux_x86_64.whl")  # one wheel for every Python 3
    env_dir = tmp_path / "venv2"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    bindir = str(env_dir / "bin")
    # Only the venv on PATH and no compiler: a wheel install must not build anything.
    env = {"PATH": bindir, "HOME": str(tmp_path), "CC": "/bin/false", "CXX": "/bin/false",
           "CMAKE_EXECUTABLE": "/bin/false", "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    r = subprocess.run([os.path.join(bindir, "python"), "-m", "pip", "install", "--no-deps", wheel], env=env,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Building" not in r.stdout
    script = ("import instant, sys; c = instant.Client(); p = c.publish('chat:wheel', 'from the wheel'); "
              "print(instant.__file__, instant.version(), p.offset)")
    run_env = dict(env, **{k: v for k, v in centrifugo.env().items() if k.startswith("CENTRIFUGO_")})
    r = subprocess.run([os.path.join(bindir, "python"), "-c", script], env=run_env, cwd=str(tmp_path),
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    path, version, offset = r.stdout.split()
    assert path.startswith(str(env_dir)) and version == instant.version() and int(offset) > 0
    pub = centrifugo.api("history", {"channel": "chat:wheel", "limit": 1, "reverse": True})["result"]
    assert pub["publications"][0]["data"]["message"] == "from the wheel"
