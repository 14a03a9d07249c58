"""Several Centrifugo nodes on Redis (SPEC §5): a publish made with instant on
one node reaches a real client connected to another node, and `instant info`
sees every node. Redis is Debian's redis-server, started and stopped here."""
import json
import shutil
import socket
import subprocess
import time

import pytest

from conftest import free_port, run_cli
from test_tokens_client import LiveClient


@pytest.fixture
def redis_url(tmp_path):
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server not found: run scripts/bootstrap")
    port = free_port()
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(tmp_path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 10
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    break
        except OSError:
            pass
        if time.time() > deadline or proc.poll() is not None:
            proc.kill()
            raise RuntimeError("redis-server did not start")
        time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(10)


def test_publish_on_one_node_reaches_a_client_on_another(centrifugo_factory, redis_url):
    engine = {"engine": {"type": "redis", "redis": {"address": [redis_url]}}}
    node_a = centrifugo_factory(engine)
    node_b = centrifugo_factory(engine)

    r = run_cli("token", "--user", "carol", "--ttl", "300", "--channels", "cluster", env=node_b.env())
    assert r.returncode == 0, r.stderr
    client = LiveClient(node_b, r.stdout.strip())
    try:
        client.wait_for(lambda e: e.get("event") == "server_subscribed", "server_subscribed")
        r = run_cli("publish", "cluster", "across nodes", "--event-class", "info", env=node_a.env())
        assert r.returncode == 0, r.stderr
        ev = client.wait_for(lambda e: e.get("event") == "server_publication", "server_publication")
        assert ev["channel"] == "cluster"
        assert ev["data"]["message"] == "across nodes"
        assert ev["data"]["event_class"] == "info"
    finally:
        client.close()

    # Both nodes know each other through Redis (node info is exchanged periodically).
    deadline = time.time() + 15
    nodes = []
    while time.time() < deadline:
        r = run_cli("info", env=node_a.env())
        assert r.returncode == 0, r.stderr
        nodes = json.loads(r.stdout)["nodes"]
        if len(nodes) == 2:
            break
        time.sleep(0.2)
    assert len(nodes) == 2
    # History written through node A is read back through node B.
    r = run_cli("history", "cluster", "--limit", "10", env=node_b.env())
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["publications"][0]["data"]["message"] == "across nodes"
