"""The C examples (examples/c, built as build/examples/instant_example_*) run
against a real Centrifugo; their output is checked by Centrifugo and PyJWT."""
import os
import subprocess

import jwt

from conftest import BUILD, CENTRIFUGO, HMAC_KEY


def example(name):
    path = os.path.join(BUILD, "examples", "instant_example_" + name)
    assert os.access(path, os.X_OK), f"{path} not built"
    return path


def test_c_publish_example(centrifugo):
    r = subprocess.run([example("publish"), "chat:cex", "from C", '{"v":[1]}'], env=centrifugo.env(),
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("published to chat:cex: offset=")
    pub = centrifugo.api("history", {"channel": "chat:cex", "limit": 1, "reverse": True})
    assert pub["result"]["publications"][0]["data"] == {
        "channel": "chat:cex", "site": "Site", "message": "from C", "data": {"v": [1]},
        "event_class": "example"}
    r = subprocess.run([example("publish"), "chat:cex", "m"], env=centrifugo.env(CENTRIFUGO_API_KEY="bad"),
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 1 and "unauthorized" in r.stderr and "bad" not in r.stderr.split(":", 1)[1]


def test_c_token_example(centrifugo):
    r = subprocess.run([example("token"), "erin", "$chat:room"], env=centrifugo.env(),
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    conn, sub = r.stdout.split()
    assert jwt.decode(conn, HMAC_KEY, algorithms=["HS256"])["sub"] == "erin"
    claims = jwt.decode(sub, HMAC_KEY, algorithms=["HS256"])
    assert claims["channel"] == "$chat:room" and claims["exp"] - claims["iat"] == 3600
    for cmd, tok in (("checktoken", conn), ("checksubtoken", sub)):
        check = subprocess.run([CENTRIFUGO, cmd, "-c", centrifugo.config_path, tok],
                               capture_output=True, text=True, timeout=30)
        assert check.returncode == 0, check.stdout + check.stderr


def test_c_examples_end_to_end_with_a_real_client(centrifugo):
    """Tokens from the C token example let the npm centrifuge client connect and
    subscribe to a private channel; the C publish example's event reaches it."""
    from test_tokens_client import LiveClient

    r = subprocess.run([example("token"), "frank", "$chat:e2e"], env=centrifugo.env(),
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    conn, sub = r.stdout.split()
    with LiveClient(centrifugo, conn, "$chat:e2e=" + sub) as client:
        client.wait_for(lambda e: e["event"] == "subscribed" and e["channel"] == "$chat:e2e", "subscribed")
        p = subprocess.run([example("publish"), "$chat:e2e", "over the wire", '{"n":42}'],
                           env=centrifugo.env(), capture_output=True, text=True, timeout=60)
        assert p.returncode == 0, p.stderr
        ev = client.wait_for(lambda e: e["event"] == "publication", "publication")
    assert ev["channel"] == "$chat:e2e"
    assert ev["data"] == {"channel": "$chat:e2e", "site": "Site", "message": "over the wire",
                          "data": {"n": 42}, "event_class": "example"}
