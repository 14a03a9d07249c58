"""libinstant_c through the ctypes module examples/python/instant.py: publish
against a real Centrifugo, the rest of the server API, and errors raised as
Python exceptions carrying code and message. The shared library comes from
$INSTANT_C_LIBRARY (set by ctest)."""
import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT

sys.path.insert(0, os.path.join(ROOT, "examples", "python"))
import instant  # noqa: E402


def client_for(server, **kw):
    return instant.Client(url=server.url, api_key=server.api_key, from_env=False, **kw)


def test_library_is_the_built_one():
    assert os.environ.get("INSTANT_C_LIBRARY"), "ctest sets INSTANT_C_LIBRARY"
    version_h = open(os.path.join(ROOT, "include", "instant", "version.h")).read()
    assert f'#define INSTANT_VERSION_STRING "{instant.version()}"' in version_h
    assert instant.strerror(instant.ETIMEOUT) == "timeout"


def test_publish_envelope_reaches_history(centrifugo):
    with client_for(centrifugo) as c:
        offset, epoch = c.publish("chat:py", "hello from python", data={"n": [1, 2]},
                                  event_class="important", tags={"via": "ctypes"})
    assert offset > 0 and epoch
    hist = centrifugo.api("history", {"channel": "chat:py", "limit": 10})["result"]
    pub = [p for p in hist["publications"] if p["offset"] == offset][0]
    assert pub["data"] == {"channel": "chat:py", "site": "Site", "message": "hello from python",
                           "data": {"n": [1, 2]}, "event_class": "important"}
    assert pub["tags"] == {"via": "ctypes"}


def test_publish_string_envelope_for_django_instant_frontends(centrifugo):
    with client_for(centrifugo, envelope_string=True, site="Blog") as c:
        offset, _ = c.publish("chat:pystr", "m")
    pub = centrifugo.api("history", {"channel": "chat:pystr", "limit": 10})["result"]["publications"][-1]
    assert pub["offset"] == offset
    assert json.loads(pub["data"]) == {"channel": "chat:pystr", "site": "Blog", "message": "m"}


def test_raw_binary_broadcast_and_reads(centrifugo):
    with client_for(centrifugo) as c:
        offset, _ = c.publish_raw("chat:raw", {"raw": True})
        assert c.history("chat:raw", limit=-1)["publications"][-1] == {"data": {"raw": True},
                                                                       "offset": offset}
        assert c.publish_binary("chat:bin", b"\x00\xff")[0] > 0
        items = c.broadcast(["chat:b1", "nope:b2", "chat:b3"], '{"b":1}')
        assert [i["ok"] for i in items] == [True, False, True]
        assert items[1]["code"] == instant.ESERVER and items[1]["server_code"] == 102
        assert items[0]["offset"] > 0 and items[2]["epoch"]
        assert c.presence("chat:raw") == {}
        assert c.presence_stats("chat:raw") == (0, 0)
        assert isinstance(c.channels(), dict)
        assert c.info()["nodes"][0]["num_clients"] == 0
        assert "num_users" in c.call("presence_stats", {"channel": "chat:raw"})
        c.history_remove("chat:raw")
        assert c.history("chat:raw")["publications"] == []


def test_client_from_environment(centrifugo, monkeypatch):
    for k, v in centrifugo.env().items():
        if k.startswith("CENTRIFUGO_"):
            monkeypatch.setenv(k, v)
    with instant.Client() as c:
        assert c.publish("chat:env", "from env")[0] > 0


@pytest.mark.parametrize("kwargs, code", [
    ({}, "EINVAL"),                        # neither message nor data
    ({"message": "x", "data": "{bad"}, "EJSON"),
    ({"message": b"\xff\xfe"}, "EUTF8"),
])
def test_invalid_input_raises_before_io(centrifugo, kwargs, code):
    with client_for(centrifugo) as c:
        with pytest.raises(instant.Error) as ei:
            c.publish("chat:x", **kwargs)
    assert ei.value.name == code and ei.value.code == getattr(instant, code)
    assert ei.value.message
    assert ei.value.http_status == 0


def test_server_and_transport_errors(centrifugo):
    with client_for(centrifugo) as c:
        with pytest.raises(instant.Error) as ei:
            c.publish("nope:x", "m")
    assert ei.value.code == instant.ESERVER and ei.value.server_code == 102
    assert "102" in ei.value.message and "102" in str(ei.value)

    with instant.Client(url=centrifugo.url, api_key="a-wrong-secret-key", from_env=False) as c:
        with pytest.raises(instant.Error) as ei:
            c.publish("chat:x", "m")
    assert ei.value.code == instant.EUNAUTHORIZED and ei.value.http_status == 401
    assert "a-wrong-secret-key" not in str(ei.value)

    with instant.Client(url="http://127.0.0.1:1", api_key="k", from_env=False) as c:
        with pytest.raises(instant.Error) as ei:
            c.publish("chat:x", "m")
    assert ei.value.code == instant.ETRANSPORT

    with pytest.raises(instant.Error) as ei:
        instant.Client(url="ftp://nowhere", api_key="k", from_env=False)
    assert ei.value.code == instant.ECONFIG


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
    assert r.returncode == 1 and "ESERVER" in r.stderr
