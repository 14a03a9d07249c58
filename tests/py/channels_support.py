"""Helpers for the channel tests: registry/users files, genconfig, a live npm
`centrifuge` client, and a small host HTTP server answering Centrifugo's
proxies through `instant proxy ...`."""
import json
import os
import queue
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from conftest import CLI, JS_DIR, run_cli

# How long to wait for an expected client event before failing. A bound on a
# hang, not a timing assertion: nothing measures how fast events arrive.
EVENT_WAIT = 20


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f)
    return path


def make_registry(tmp_path, channels):
    """Builds a registry file with `instant channels add` (the CLI users run)."""
    path = str(tmp_path / "channels.json")
    for c in channels:
        args = ["channels", "add", "--registry", path, c["name"], "--level", c["level"]]
        for g in c.get("groups", []):
            args += ["--group", g]
        if not c.get("active", True):
            args.append("--inactive")
        r = run_cli(*args)
        assert r.returncode == 0, r.stderr
    return path


def genconfig(tmp_path, *args, name="config.json"):
    """Runs `instant genconfig`; returns (config dict, settings dict, path)."""
    path = str(tmp_path / name)
    r = run_cli("genconfig", "--output", path, *args)
    assert r.returncode == 0, r.stderr
    settings = dict(line.split("=", 1) for line in r.stdout.strip().splitlines())
    with open(path) as f:
        return json.load(f), settings, path


class LiveClient:
    """A running channels_client.mjs; events are read on a background thread."""

    def __init__(self, url, token=None, subs=(), headers=None):
        node_modules = os.path.join(JS_DIR, "node_modules")
        if not os.path.isdir(node_modules):
            raise RuntimeError("tests/js/node_modules missing: run scripts/bootstrap")
        spec = {"url": url, "token": token, "headers": headers or {},
                "subs": [{"channel": c, "token": t} for c, t in subs]}
        env = dict(os.environ, NODE_PATH=node_modules)
        self.proc = subprocess.Popen(["node", os.path.join(JS_DIR, "channels_client.mjs"), json.dumps(spec)],
                                     cwd=JS_DIR, env=env, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.events = []
        self._q = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self):
        for line in self.proc.stdout:
            line = line.strip()
            if line:
                self._q.put(json.loads(line))
        self._q.put(None)

    def wait_for(self, pred, what):
        """Returns the first event (already seen or new) matching pred."""
        for e in self.events:
            if pred(e):
                return e
        while True:
            try:
                e = self._q.get(timeout=EVENT_WAIT)
            except queue.Empty:
                raise AssertionError(f"no {what} event; got {self.events}; stderr: {self._stderr()}")
            if e is None:
                raise AssertionError(f"client exited before {what}; got {self.events}; stderr: {self._stderr()}")
            self.events.append(e)
            if pred(e):
                return e

    def ready(self):
        return self.wait_for(lambda e: e["event"] == "ready", "ready")

    def of(self, kind):
        return [e for e in self.events if e["event"] == kind]

    def _stderr(self):
        if self.proc.poll() is None:
            return "(running)"
        return self.proc.stderr.read()

    def close(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class ProxyHost:
    """The host app side of Centrifugo's HTTP proxies: maps the `session`
    cookie to a user (connect) and answers every proxy call by piping the body
    through `instant proxy KIND --registry ... --users ...`."""

    def __init__(self, registry, users_file, sessions, extra_args=()):
        self.registry = registry
        self.users_file = users_file
        self.sessions = sessions
        self.extra_args = list(extra_args)
        self.calls = []  # (kind, request dict, response dict)
        host = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                kind = self.path.strip("/")
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                args = ["proxy", kind, "--registry", host.registry, "--users", host.users_file,
                        *host.extra_args]
                if kind == "connect":
                    cookie = self.headers.get("Cookie", "")
                    session = dict(p.strip().split("=", 1) for p in cookie.split(";") if "=" in p).get("session")
                    user = host.sessions.get(session)
                    if user is None:
                        args.append("--anonymous")
                    else:
                        args += ["--user", user]
                r = subprocess.run([CLI, *args], input=body, capture_output=True)
                reply = r.stdout if r.returncode == 0 else b'{"error":{"code":500,"message":"cli failed"}}'
                try:
                    host.calls.append((kind, json.loads(body), json.loads(reply)))
                except ValueError:
                    host.calls.append((kind, body, reply))
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *a):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_call(self, pred, what):
        """Waits (bounded, see EVENT_WAIT) for a proxy call matching pred."""
        deadline = time.monotonic() + EVENT_WAIT
        while time.monotonic() < deadline:
            for call in list(self.calls):
                if pred(*call):
                    return call
            time.sleep(0.05)
        raise AssertionError(f"no {what} proxy call; calls: {self.calls}")

    def url(self, kind):
        return f"http://127.0.0.1:{self.port}/{kind}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()
