"""The login / get_token / subscribe bundle with a real Centrifugo (config from
genconfig) and a real npm `centrifuge` client: the bundle's tokens subscribe
to exactly the authorized channels; the rest are refused; server-side
subscriptions deliver without a client subscribe."""
import json

import pytest

from conftest import Centrifugo, run_cli
from channels_support import LiveClient, genconfig, make_registry

CHANNELS = [
    {"name": "$users", "level": "users"},
    {"name": "news", "level": "public"},
    {"name": "$chat:staff", "level": "staff"},
    {"name": "$chat:super", "level": "superuser"},
    {"name": "$ops:alerts", "level": "groups", "groups": ["ops"]},
    {"name": "$chat:archived", "level": "users", "active": False},
]
ALL = [c["name"] for c in CHANNELS]


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bundle")
    reg = make_registry(tmp, CHANNELS)
    cfg, settings, _ = genconfig(tmp, "--registry", reg, "--origin", "http://localhost:*")
    server = Centrifugo(config=cfg)
    yield reg, settings, server
    server.cleanup()


def bundle(reg, settings, *args):
    env = {"CENTRIFUGO_HMAC_KEY": settings["CENTRIFUGO_HMAC_KEY"], "PATH": "/usr/bin:/bin"}
    r = run_cli("bundle", "--registry", reg, *args, env=env)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def ws(server):
    return f"ws://127.0.0.1:{server.port}/connection/websocket"


@pytest.mark.parametrize("user_args,expected", [
    (["--user", "alice", "--group", "ops"], ["$users", "news", "$ops:alerts"]),
    (["--user", "bob", "--staff"], ["$users", "news", "$chat:staff"]),
    (["--user", "root", "--superuser"], ["$users", "news", "$chat:super"]),
    (["--user", "carol"], ["$users", "news"]),
])
def test_bundle_tokens_subscribe_to_exactly_the_authorized_channels(setup, user_args, expected):
    reg, settings, server = setup
    b = bundle(reg, settings, *user_args, "--csrf", "csrf-xyz")
    assert list(b) == ["csrf_token", "ws_token", "channels"]
    assert b["csrf_token"] == "csrf-xyz"
    assert [c["name"] for c in b["channels"]] == expected
    levels = {c["name"]: c["level"] for c in CHANNELS}
    assert all(c["level"] == levels[c["name"]] for c in b["channels"])

    tokens = {c["name"]: c["token"] for c in b["channels"]}
    subs = [(name, tokens.get(name)) for name in ALL]  # the others: no token to present
    client = LiveClient(ws(server), token=b["ws_token"], subs=subs)
    try:
        client.ready()
        assert client.of("connected"), client.events
        assert {e["channel"] for e in client.of("subscribed")} == set(expected)
        refused = {e["channel"]: e["code"] for e in client.of("unsubscribed")}
        assert refused == {name: 103 for name in ALL if name not in expected}  # permission denied
        target = expected[-1]
        assert "error" not in server.api("publish", {"channel": target, "data": {"to": target}})
        e = client.wait_for(lambda e: e["event"] == "publication", "publication")
        assert e == {"event": "publication", "channel": target, "data": {"to": target}}
    finally:
        client.close()


def test_another_users_subscription_token_is_refused(setup):
    reg, settings, server = setup
    alice = bundle(reg, settings, "--user", "alice", "--group", "ops")
    carol = bundle(reg, settings, "--user", "carol")
    stolen = next(c["token"] for c in alice["channels"] if c["name"] == "$ops:alerts")
    client = LiveClient(ws(server), token=carol["ws_token"], subs=[("$ops:alerts", stolen)])
    try:
        client.ready()
        assert not client.of("subscribed")
        # Centrifugo answers a token for another user with an invalid-token disconnect.
        e = client.wait_for(lambda e: e["event"] in ("disconnected", "unsubscribed"), "refusal")
        assert e["code"] in (3500, 103), client.events
    finally:
        client.close()


@pytest.mark.parametrize("flag", ["--server-side", "--server-side-subs"])
def test_server_side_subscriptions_deliver_without_client_subscribe(setup, flag):
    reg, settings, server = setup
    b = bundle(reg, settings, "--user", "bob", "--staff", flag)
    assert all("token" not in c for c in b["channels"])
    expected = {"$users", "news", "$chat:staff"}
    client = LiveClient(ws(server), token=b["ws_token"], subs=[])
    try:
        got = set()
        while got != expected:
            e = client.wait_for(lambda e: e["event"] == "server_subscribed" and e["channel"] not in got,
                                "server-side subscription")
            got.add(e["channel"])
        assert "error" not in server.api("publish", {"channel": "$chat:staff", "data": {"n": 7}})
        e = client.wait_for(lambda e: e["event"] == "server_publication", "publication")
        assert e == {"event": "server_publication", "channel": "$chat:staff", "data": {"n": 7}}
        assert not client.of("subscribed")  # no client-side subscription exists
    finally:
        client.close()
    stats = server.api("presence_stats", {"channel": "$chat:super"})["result"]
    assert stats["num_clients"] == 0


def test_anonymous_bundle(setup):
    reg, settings, server = setup
    env = {"CENTRIFUGO_HMAC_KEY": settings["CENTRIFUGO_HMAC_KEY"]}
    r = run_cli("bundle", "--registry", reg, "--anonymous", env=env)
    assert r.returncode == 1 and "forbidden" in r.stderr  # django-instant's 403
    b = bundle(reg, settings, "--anonymous", "--anonymous-public")
    assert [c["name"] for c in b["channels"]] == ["news"]
    client = LiveClient(ws(server), token=b["ws_token"], subs=[("news", b["channels"][0]["token"])])
    try:
        client.ready()
        assert [e["channel"] for e in client.of("subscribed")] == ["news"]
    finally:
        client.close()


def test_bundle_needs_the_hmac_key_and_never_prints_it(setup):
    reg, settings, _ = setup
    r = run_cli("bundle", "--registry", reg, "--user", "a", env={})
    assert r.returncode == 1 and "CENTRIFUGO_HMAC_KEY" in r.stderr
    # An out-of-range flag is a usage error (exit 2), and names its range.
    r = run_cli("bundle", "--registry", reg, "--user", "a", "--lifetime", "0",
                env={"CENTRIFUGO_HMAC_KEY": settings["CENTRIFUGO_HMAC_KEY"]})
    assert r.returncode == 2 and "--lifetime must be 1..315360000" in r.stderr
    assert settings["CENTRIFUGO_HMAC_KEY"] not in r.stderr
