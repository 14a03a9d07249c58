"""A real client: the npm `centrifuge` package (over `ws`, pinned in
tests/js) connects to a real Centrifugo with instant's connection token,
subscribes to a `$` channel with instant's subscription token, receives a
publication made with instant's publish, and is refused with a tampered,
expired or foreign token. The codes asserted are what Centrifugo v6.9.1 and
centrifuge-js actually report."""
import json
import os
import queue
import subprocess
import threading
import time

from conftest import JS_DIR, run_cli


class LiveClient:
    """tests/js/live_client.mjs in the background; its JSON event lines are
    collected and waited for."""

    def __init__(self, server, token, *subs):
        node_modules = os.path.join(JS_DIR, "node_modules")
        if not os.path.isdir(node_modules):
            raise RuntimeError("tests/js/node_modules missing: run scripts/bootstrap")
        env = dict(os.environ, NODE_PATH=node_modules)
        self.proc = subprocess.Popen(["node", os.path.join(JS_DIR, "live_client.mjs"), server.ws_url, token,
                                      *subs], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, env=env, cwd=JS_DIR)
        self.events = []
        self.q = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            line = line.strip()
            if line:
                self.q.put(json.loads(line))

    def wait_for(self, predicate, what, timeout=20):
        for ev in self.events:
            if predicate(ev):
                return ev
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                ev = self.q.get(timeout=0.1)
            except queue.Empty:
                continue
            self.events.append(ev)
            if predicate(ev):
                return ev
        raise AssertionError(f"no {what} event; got {self.events}")

    def close(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        while not self.q.empty():
            self.events.append(self.q.get())

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def token(server, *args):
    r = run_cli("token", *args, env=server.env())
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


def subtoken(server, *args):
    r = run_cli("subtoken", *args, env=server.env())
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


def publish(server, channel, message):
    r = run_cli("publish", channel, message, env=server.env())
    assert r.returncode == 0, r.stderr


def tamper(tok):
    """Changes one character of the claims segment (the signature no longer matches)."""
    head, claims, sig = tok.split(".")
    i = len(claims) // 2
    claims = claims[:i] + ("A" if claims[i] != "A" else "B") + claims[i + 1:]
    return ".".join([head, claims, sig])


def test_client_connects_subscribes_and_receives(centrifugo):
    conn = token(centrifugo, "--user", "alice", "--info", '{"name":"Alice"}', "--channels", "tok-news")
    sub = subtoken(centrifugo, "--user", "alice", "--channel", "$tok-private")
    with LiveClient(centrifugo, conn, f"$tok-private={sub}") as c:
        c.wait_for(lambda e: e["event"] == "connected", "connected")
        c.wait_for(lambda e: e["event"] == "subscribed" and e["channel"] == "$tok-private", "subscribed")
        c.wait_for(lambda e: e["event"] == "server_subscribed" and e["channel"] == "tok-news",
                   "server-side subscription from the channels claim")
        publish(centrifugo, "$tok-private", "for alice only")
        ev = c.wait_for(lambda e: e["event"] == "publication", "publication")
        assert ev["channel"] == "$tok-private"
        assert ev["data"]["message"] == "for alice only"
        publish(centrifugo, "tok-news", "to everyone")
        ev = c.wait_for(lambda e: e["event"] == "server_publication", "server publication")
        assert ev["data"]["message"] == "to everyone"
    assert not [e for e in c.events if e["event"] in ("error", "sub_error")]


def test_expired_connection_token_is_refused_with_109(centrifugo):
    conn = token(centrifugo, "--user", "alice", "--exp", str(int(time.time()) - 5))
    with LiveClient(centrifugo, conn) as c:
        ev = c.wait_for(lambda e: e["event"] == "error" and e["code"] == 109, "error 109")
        assert ev["message"] == "token expired"
        c.wait_for(lambda e: e["event"] == "disconnected", "disconnected")
    assert not [e for e in c.events if e["event"] == "connected"]


def test_tampered_connection_token_is_refused_with_3500(centrifugo):
    conn = tamper(token(centrifugo, "--user", "alice"))
    with LiveClient(centrifugo, conn) as c:
        ev = c.wait_for(lambda e: e["event"] == "disconnected", "disconnected")
        assert ev["code"] == 3500 and ev["reason"] == "invalid token"
    assert not [e for e in c.events if e["event"] == "connected"]


def test_connection_token_signed_with_another_key_is_refused(centrifugo):
    env = centrifugo.env(CENTRIFUGO_HMAC_KEY="some-other-key-0123456789abcdef-0123456789")
    r = run_cli("token", "--user", "alice", env=env)
    assert r.returncode == 0, r.stderr
    with LiveClient(centrifugo, r.stdout.strip()) as c:
        ev = c.wait_for(lambda e: e["event"] == "disconnected", "disconnected")
        assert ev["code"] == 3500


def test_subscription_token_for_another_user_or_channel_is_refused(centrifugo):
    conn = token(centrifugo, "--user", "alice")
    for sub in (subtoken(centrifugo, "--user", "bob", "--channel", "$tok-a"),
                subtoken(centrifugo, "--user", "alice", "--channel", "$tok-b")):
        with LiveClient(centrifugo, conn, f"$tok-a={sub}") as c:
            c.wait_for(lambda e: e["event"] == "connected", "connected")
            # Centrifugo treats a subscription token that does not match the
            # connection's user or the requested channel as invalid: disconnect 3500.
            ev = c.wait_for(lambda e: e["event"] == "disconnected", "disconnected")
            assert ev["code"] == 3500 and ev["reason"] == "invalid token"
        assert not [e for e in c.events if e["event"] == "subscribed"]


def test_tampered_subscription_token_is_refused_with_103(centrifugo):
    conn = token(centrifugo, "--user", "alice")
    sub = tamper(subtoken(centrifugo, "--user", "alice", "--channel", "$tok-c"))
    with LiveClient(centrifugo, conn, f"$tok-c={sub}") as c:
        ev = c.wait_for(lambda e: e["event"] == "unsubscribed", "unsubscribed")
        assert ev["code"] == 103 and ev["reason"] == "permission denied"
    assert not [e for e in c.events if e["event"] == "subscribed"]


def test_expired_subscription_token_is_refused(centrifugo):
    conn = token(centrifugo, "--user", "alice")
    sub = subtoken(centrifugo, "--user", "alice", "--channel", "$tok-d", "--exp", str(int(time.time()) - 5))
    with LiveClient(centrifugo, conn, f"$tok-d={sub}") as c:
        # The server answers 109 (token expired); centrifuge-js, having no
        # getToken to refresh with, reports its own code 12 and unsubscribes.
        ev = c.wait_for(lambda e: e["event"] == "sub_error", "sub_error")
        assert ev["code"] == 12 and "expired" in ev["message"]
        ev = c.wait_for(lambda e: e["event"] == "unsubscribed", "unsubscribed")
        assert ev["reason"] == "unauthorized"
    assert not [e for e in c.events if e["event"] == "subscribed"]
