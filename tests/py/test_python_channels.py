"""Channels, authorization and the endpoint bundle through the ctypes module;
the bundle's tokens are checked by PyJWT and accepted by Centrifugo."""
import json
import os
import subprocess
import sys

import jwt
import pytest

from conftest import CENTRIFUGO, HMAC_KEY, ROOT

sys.path.insert(0, os.path.join(ROOT, "examples", "python"))
import instant  # noqa: E402


@pytest.fixture
def registry():
    reg = instant.Registry(prefix_private=True)
    reg.add("news", "public")
    reg.add("chat:team", "groups", groups=["team"])
    reg.add("chat:staff", "staff")
    reg.add("chat:old", "public", active=False)
    return reg


def names(channels):
    return [c["name"] for c in channels]


def test_authorization_rules(registry):
    assert len(registry) == 4
    assert names(registry.for_user(instant.User("ann", groups=["team"]))) == ["news", "$chat:team"]
    assert names(registry.for_user(instant.User("bob", staff=True))) == ["news", "$chat:staff"]
    assert names(registry.for_user(instant.User("root", superuser=True))) == ["news"]
    assert registry.for_user(instant.User()) == []
    assert names(registry.for_user(instant.User(), anonymous_public=True)) == ["news"]
    with pytest.raises(instant.Error) as ei:
        registry.add("news", "public")
    assert ei.value.code == instant.EEXISTS
    with pytest.raises(instant.Error) as ei:
        registry.add("bad$name", "public")
    assert ei.value.code == instant.ECHANNEL
    with pytest.raises(instant.Error) as ei:
        registry.add("x", "admins")
    assert ei.value.code == instant.EINVAL
    registry.remove("$chat:staff")
    with pytest.raises(instant.Error) as ei:
        registry.remove("$chat:staff")
    assert ei.value.code == instant.ENOTFOUND


def test_bundle_tokens_verify_with_pyjwt_and_centrifugo(registry, centrifugo):
    signer = instant.Signer.hmac(HMAC_KEY)
    b = registry.bundle(signer, instant.User("ann", groups=["team"]), "csrf-xyz", lifetime=900)
    assert b["csrf_token"] == "csrf-xyz"
    conn = jwt.decode(b["ws_token"], HMAC_KEY, algorithms=["HS256"])
    assert conn["sub"] == "ann" and conn["exp"] - conn["iat"] == 900
    assert [(c["name"], c["level"]) for c in b["channels"]] == [("news", "public"), ("$chat:team", "groups")]
    for c in b["channels"]:
        claims = jwt.decode(c["token"], HMAC_KEY, algorithms=["HS256"])
        assert claims["sub"] == "ann" and claims["channel"] == c["name"]
    check = subprocess.run([CENTRIFUGO, "checksubtoken", "-c", centrifugo.config_path, b["channels"][1]["token"]],
                           capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, check.stdout + check.stderr

    side = registry.bundle(signer, instant.User("ann", groups=["team"]), "c", server_side="channels")
    assert jwt.decode(side["ws_token"], HMAC_KEY, algorithms=["HS256"])["channels"] == ["news", "$chat:team"]
    with pytest.raises(instant.Error) as ei:
        registry.bundle(signer, instant.User(), "c")
    assert ei.value.code == instant.EFORBIDDEN


def test_proxy_handle_through_ctypes(registry):
    """instant.proxy_handle: the resolver sees the request and its forwarded
    headers; the User it returns is handed over to the library."""
    seen = []

    def resolve(req):
        seen.append((req.user, req.client, req.channel, req.header("cookie"), req.header("X-Absent")))
        if req.user == "ann" or req.header("Cookie") == "session=s-ann":
            return instant.User("ann", groups=["team"])
        if req.user == "boom":
            raise RuntimeError("resolver failure")
        return None

    connect = b'{"client":"c1","transport":"websocket","protocol":"json","encoding":"json"}'
    for _ in range(200):  # ownership: no double free, no leak of the handed-over user
        reply = instant.proxy_handle("connect", registry, connect, resolve, headers={"Cookie": "session=s-ann"})
        assert reply["result"]["user"] == "ann"
    assert seen[0] == ("", "c1", "", "session=s-ann", None)
    side = instant.proxy_handle("connect", registry, connect, resolve, [("Cookie", "session=s-ann")],
                                server_side=True)
    assert side["result"]["channels"] == ["news", "$chat:team"]
    assert instant.proxy_handle("connect", registry, connect, resolve)["error"]["code"] == 401

    def sub(user, channel):
        body = json.dumps({"client": "c1", "user": user, "channel": channel}).encode()
        return instant.proxy_handle("subscribe", registry, body, resolve)

    assert sub("ann", "news") == {"result": {}}
    assert seen[-1][:3] == ("ann", "c1", "news")
    assert sub("ann", "chat:other")["error"]["code"] == 403
    assert sub("zed", "news")["error"]["code"] == 403
    assert sub("boom", "news")["error"]["code"] == 500  # the exception never unwinds through C
    assert instant.proxy_handle("subscribe", registry, b"not json", resolve)["error"]["code"] == 400
    with pytest.raises(KeyError):
        instant.proxy_handle("bogus", registry, connect, resolve)
