"""instant.Client (the Python package over libinstant_c) against a real
Centrifugo: the django-instant envelope and history round trip, the rest of
the server API, batch, broadcast, the awaitable forms, and the example."""
import asyncio
import json
import os
import subprocess
import sys
import threading

import pytest

import instant
from conftest import ROOT


def client_for(server, **kw):
    return instant.Client(url=server.url, api_key=server.api_key, from_env=False, **kw)


def history(server, channel):
    return server.api("history", {"channel": channel, "limit": 100})["result"]["publications"]


def test_publish_envelope_reaches_history(centrifugo):
    with client_for(centrifugo) as c:
        pos = c.publish("chat:py", "hello from python", data={"n": [1, 2]}, event_class="important",
                        tags={"via": "package"})
        assert isinstance(pos, instant.Position) and pos.offset > 0 and pos.epoch
        mine = c.history("chat:py")["publications"]
    pub = [p for p in history(centrifugo, "chat:py") if p["offset"] == pos.offset][0]
    assert pub["data"] == {"channel": "chat:py", "site": "Site", "message": "hello from python",
                           "data": {"n": [1, 2]}, "event_class": "important"}
    assert pub["tags"] == {"via": "package"}
    assert [p for p in mine if p["offset"] == pos.offset][0]["data"] == pub["data"]


def test_publish_string_envelope_for_django_instant_frontends(centrifugo):
    with client_for(centrifugo, envelope="string", site="Blog") as c:
        assert c.site == "Blog"
        offset, _ = c.publish("chat:pystr", "m", bucket="b1")
    pub = history(centrifugo, "chat:pystr")[-1]
    assert pub["offset"] == offset
    assert json.loads(pub["data"]) == {"channel": "chat:pystr", "site": "Blog", "message": "m", "bucket": "b1"}


def test_history_positions_and_reverse(centrifugo):
    with client_for(centrifugo) as c:
        first = c.publish_raw("chat:hist", {"i": 0})
        for i in range(1, 5):
            c.publish_raw("chat:hist", {"i": i})
        h = c.history("chat:hist", since=first)
        assert [p["data"]["i"] for p in h["publications"]] == [1, 2, 3, 4]
        assert h["epoch"] == first.epoch
        assert [p["data"]["i"] for p in c.history("chat:hist", limit=2, reverse=True)["publications"]] == [4, 3]
        assert c.history("chat:hist", limit=0)["publications"] == []
        assert c.history("chat:hist", limit=0)["offset"] == first.offset + 4


def test_raw_binary_broadcast_and_reads(centrifugo):
    with client_for(centrifugo) as c:
        offset, _ = c.publish_raw("chat:raw", {"raw": True})
        assert c.history("chat:raw")["publications"][-1] == {"data": {"raw": True}, "offset": offset}
        assert c.publish_raw("chat:raw", b'{"as":"bytes"}').offset == offset + 1
        assert c.publish_binary("chat:bin", b"\x00\xff").offset > 0
        items = c.broadcast(["chat:b1", "nope:b2", "chat:b3"], '{"b":1}')
        assert [(i.channel, i.ok) for i in items] == [("chat:b1", True), ("nope:b2", False), ("chat:b3", True)]
        assert items[1].code == instant.ErrorCode.ESERVER and items[1].server_code == 102
        assert isinstance(items[1].error(), instant.ServerError) and items[0].error() is None
        assert items[0].offset > 0 and items[2].epoch
        ev = c.broadcast_event(["chat:e1", "chat:e2"], "to both", data={"k": 1})
        assert all(i.ok for i in ev)
        assert history(centrifugo, "chat:e2")[-1]["data"]["channel"] == "chat:e2"
        assert c.presence("chat:raw") == {}
        assert c.presence_stats("chat:raw") == (0, 0)
        assert isinstance(c.channels(), dict)
        assert c.info()["nodes"][0]["num_clients"] == 0
        assert "num_users" in c.call("presence_stats", {"channel": "chat:raw"})
        c.history_remove("chat:raw")
        assert c.history("chat:raw")["publications"] == []
        for fn in (lambda: c.unsubscribe("nobody", "chat:raw"), lambda: c.disconnect("nobody"),
                   lambda: c.refresh("nobody", expired=True), lambda: c.subscribe("nobody", "chat:raw")):
            assert fn() is None  # no live connection: Centrifugo answers an empty result


def test_batch_replies_in_order(centrifugo):
    with client_for(centrifugo) as c:
        batch = instant.Batch()
        batch.publish("chat:batch", {"n": 1}).publish("nope:batch", {"n": 2})
        batch.broadcast(["chat:batch", "chat:batch2"], {"n": 3}).command("presence_stats", {"channel": "chat:batch"})
        assert len(batch) == 4
        replies = c.batch(batch)
    assert [r.method for r in replies] == ["publish", "publish", "broadcast", "presence_stats"]
    assert [r.ok for r in replies] == [True, False, True, True]
    assert replies[0].offset > 0 and replies[0].epoch
    assert replies[1].server_code == 102 and isinstance(replies[1].error(), instant.ServerError)
    assert replies[3].result == {"num_clients": 0, "num_users": 0}
    assert [p["data"]["n"] for p in history(centrifugo, "chat:batch")][-2:] == [1, 3]


def test_one_client_many_threads_reuses_connections(centrifugo):
    with client_for(centrifugo) as c:
        errors = []

        def work(t):
            try:
                for i in range(50):
                    c.publish("chat:threads", f"t{t}-{i}")
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(e)

        threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        requests, opened = c.stats()
    assert requests == 200 and 1 <= opened <= 4
    assert len([p for p in history(centrifugo, "chat:threads")]) == 100  # history_size keeps the last 100


def test_awaitable_publish(centrifugo):
    async def main(c):
        return await asyncio.gather(*(c.apublish("chat:async", f"a{i}", data={"i": i}) for i in range(20)),
                                    c.apublish_raw("chat:async", {"raw": 1}))

    with client_for(centrifugo) as c:
        positions = asyncio.run(main(c))
        assert c.history("chat:async", limit=0)["offset"] == max(p.offset for p in positions)
    offsets = sorted(p.offset for p in positions)
    assert offsets == list(range(offsets[0], offsets[0] + 21))  # each published once
    got = sorted(p["data"].get("data", {}).get("i", -1) for p in history(centrifugo, "chat:async"))
    assert got == [-1] + list(range(20))


def test_client_from_environment(centrifugo, monkeypatch):
    for k, v in centrifugo.env(SITE_NAME="EnvSite").items():
        if k.startswith("CENTRIFUGO_") or k == "SITE_NAME":
            monkeypatch.setenv(k, v)
    with instant.Client.from_env() as c:
        assert c.url == centrifugo.url and c.site == "EnvSite"
        assert c.publish("chat:env", "from env").offset > 0
    assert history(centrifugo, "chat:env")[-1]["data"]["site"] == "EnvSite"
    monkeypatch.delenv("CENTRIFUGO_URL")
    monkeypatch.setenv("CENTRIFUGO_HOST", "http://127.0.0.1")
    monkeypatch.setenv("CENTRIFUGO_PORT", str(centrifugo.port))
    with instant.Client() as c:  # django-instant's HOST + PORT settings
        assert c.url == centrifugo.url and c.publish("chat:env", "host and port").offset > 0


def test_closed_client_refuses_calls(centrifugo):
    c = client_for(centrifugo)
    c.close()
    c.close()  # idempotent
    with pytest.raises(ValueError, match="closed"):
        c.publish("chat:x", "m")


def test_publish_example_script(centrifugo):
    script = os.path.join(ROOT, "examples", "python", "publish.py")
    r = subprocess.run([sys.executable, script, "chat:example", "from the example", '{"k":1}'],
                       env=centrifugo.env(), capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "published to chat:example: offset=" in r.stdout
    pub = centrifugo.api("history", {"channel": "chat:example", "limit": 1, "reverse": True})
    assert pub["result"]["publications"][0]["data"]["message"] == "from the example"
    r = subprocess.run([sys.executable, script, "nope:x", "m"], env=centrifugo.env(),
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 1 and "server_error" in r.stderr and "102" in r.stderr
