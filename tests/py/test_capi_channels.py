"""Channels, authorization and the endpoint bundle through the ctypes module;
the bundle's tokens are checked by PyJWT and accepted by Centrifugo."""
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
