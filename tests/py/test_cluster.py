"""Several Centrifugo nodes on Redis (SPEC §5): a publish made with instant on
one node reaches a real client connected to another node, and `instant info`
sees every node. Redis is Debian's redis-server (conftest.py's redis_url)."""
import json
import time

from conftest import run_cli
from test_tokens_client import LiveClient


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
