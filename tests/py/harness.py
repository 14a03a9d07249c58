"""A real Centrifugo v6 for tests, started and stopped here, and runners for
the instant CLI and Node scripts. No pytest here: conftest.py builds its
fixtures on it, and tests/docs/check_docs.py runs the documentation's examples
against the same server.

The server binary comes from INSTANT_CENTRIFUGO_BIN (default .tools/bin/centrifugo);
when it is missing, starting one fails - it never skips.
"""
import copy
import json
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("INSTANT_BUILD_DIR", os.path.join(ROOT, "build"))
CENTRIFUGO = os.environ.get("INSTANT_CENTRIFUGO_BIN", os.path.join(ROOT, ".tools", "bin", "centrifugo"))
CLI = os.environ.get("INSTANT_CLI", os.path.join(BUILD, "cli", "instant"))
JS_DIR = os.path.join(ROOT, "tests", "js")

API_KEY = "test-api-key-0123456789abcdef"
HMAC_KEY = "test-hmac-key-0123456789abcdef-0123456789"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def deep_merge(base, extra):
    out = copy.deepcopy(base)
    for k, v in extra.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = deep_merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def default_config(port):
    return {
        "http_server": {"address": "127.0.0.1", "port": port},
        "log": {"level": "info"},
        "http_api": {"key": API_KEY},
        "health": {"enabled": True},
        "usage_stats": {"disabled": True},
        "client": {
            "token": {"hmac_secret_key": HMAC_KEY},
            "allowed_origins": ["http://localhost:*", "http://127.0.0.1:*"],
        },
        "channel": {
            "without_namespace": {
                "history_size": 100, "history_ttl": "300s", "presence": True,
                "allow_subscribe_for_client": True,
            },
            "namespaces": [
                {"name": "chat", "history_size": 100, "history_ttl": "300s", "presence": True,
                 "allow_subscribe_for_client": True, "allow_user_limited_channels": True},
                {"name": "nohistory"},
            ],
        },
    }


def third_party_env():
    """The environment for servers that are not ours (Centrifugo,
    redis-server): without the sanitizer runtime the ASan job preloads for instant's
    own code (an ASan-preloaded redis-server answered 10k-entry history reads
    after Centrifugo's 1 s Redis timeout)."""
    env = dict(os.environ)
    for k in ("LD_PRELOAD", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "TSAN_OPTIONS"):
        env.pop(k, None)
    return env


class Centrifugo:
    """A running Centrifugo. `overrides` is deep-merged into default_config;
    `config` replaces it entirely (its port is still set here)."""

    def __init__(self, overrides=None, config=None):
        if not os.access(CENTRIFUGO, os.X_OK):
            raise RuntimeError(f"Centrifugo binary not found at {CENTRIFUGO}: run scripts/bootstrap")
        self.dir = tempfile.mkdtemp(prefix="instant-pytest-")
        self.proc = None
        last_log = ""
        for _ in range(5):
            self.port = free_port()
            if config is not None:
                cfg = copy.deepcopy(config)
                cfg.setdefault("http_server", {})["port"] = self.port
                cfg["http_server"]["address"] = "127.0.0.1"
            else:
                cfg = deep_merge(default_config(self.port), overrides or {})
            self.config = cfg
            self.scheme = "https" if cfg.get("http_server", {}).get("tls", {}).get("enabled") else "http"
            self.config_path = os.path.join(self.dir, "config.json")
            with open(self.config_path, "w") as f:
                json.dump(cfg, f)
            self.log_path = os.path.join(self.dir, "centrifugo.log")
            if self._launch():
                return
            last_log = open(self.log_path, errors="replace").read()
        raise RuntimeError("Centrifugo did not start:\n" + last_log)

    def _launch(self):
        """Starts the process on self.port and waits for /health; False (stopped) when it fails."""
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen([CENTRIFUGO, "-c", self.config_path], cwd=self.dir, env=third_party_env(),
                                         stdout=log, stderr=subprocess.STDOUT)
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=1,
                                            context=self._ssl_context()) as r:
                    if r.status == 200:
                        return True
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.05)
        self.stop()
        return False

    def kill(self):
        """SIGKILL: the server dies as in a crash, nothing flushed."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def restart(self):
        """Starts the same config on the same port again (after kill or stop)."""
        self.stop()
        if not self._launch():
            raise RuntimeError("Centrifugo did not restart:\n" + open(self.log_path, errors="replace").read())

    def outage(self, seconds=1.0):
        """Starts an outage in a background thread: SIGKILL now, restart on the
        same port `seconds` later. Returns (the thread, an Event set once the
        server answers again)."""
        restarted = threading.Event()

        def run():
            self.kill()
            time.sleep(seconds)
            self.restart()
            restarted.set()

        thread = threading.Thread(target=run)
        thread.start()
        return thread, restarted

    def _ssl_context(self):
        if self.scheme != "https":
            return None
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE  # the harness only probes its own test server
        return ctx

    @property
    def url(self):
        return f"{self.scheme}://127.0.0.1:{self.port}"

    @property
    def ws_url(self):
        return f"ws://127.0.0.1:{self.port}/connection/websocket"

    @property
    def api_key(self):
        return self.config.get("http_api", {}).get("key", API_KEY)

    def api(self, method, params):
        req = urllib.request.Request(f"{self.url}/api/{method}", data=json.dumps(params).encode(),
                                     headers={"X-API-Key": self.api_key, "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=5, context=self._ssl_context()) as r:
            return json.loads(r.read())

    def env(self, **extra):
        """Environment for the instant CLI / library pointing at this server."""
        e = dict(os.environ)
        e.update({"CENTRIFUGO_URL": self.url, "CENTRIFUGO_API_KEY": self.api_key,
                  "CENTRIFUGO_HMAC_KEY": HMAC_KEY})
        e.update(extra)
        return e

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def run_cli(*args, env=None, input=None, timeout=30, cwd=None):
    """Runs the instant CLI; returns CompletedProcess with text output."""
    if not os.access(CLI, os.X_OK):
        raise RuntimeError(f"instant CLI not built at {CLI}")
    return subprocess.run([CLI, *args], env=env, input=input, capture_output=True, text=True,
                          timeout=timeout, cwd=cwd)


def run_node(script, *args, env=None, timeout=60):
    """Runs a Node script from tests/js (where the pinned npm packages live)."""
    node_modules = os.path.join(JS_DIR, "node_modules")
    if not os.path.isdir(node_modules):
        raise RuntimeError("tests/js/node_modules missing: run scripts/bootstrap")
    e = dict(env or os.environ)
    e["NODE_PATH"] = node_modules
    return subprocess.run(["node", os.path.join(JS_DIR, script), *args], env=e, cwd=JS_DIR,
                          capture_output=True, text=True, timeout=timeout)
