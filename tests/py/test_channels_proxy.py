"""Centrifugo calling the host's connect and subscribe proxies, answered by
`instant proxy ...` behind a small HTTP server: a real npm `centrifuge` client
is allowed or denied per the channel rules and sees the denial codes."""
import json

import pytest

from conftest import Centrifugo, run_cli
from channels_support import LiveClient, ProxyHost, genconfig, make_registry, write_json

CHANNELS = [
    {"name": "news", "level": "public"},
    {"name": "chat:general", "level": "users"},
    {"name": "chat:staff", "level": "staff"},
    {"name": "ops:alerts", "level": "groups", "groups": ["ops"]},
    {"name": "chat:archived", "level": "users", "active": False},
]
USERS = {"users": [
    {"id": "alice", "groups": ["ops"]},
    {"id": "bob", "staff": True},
]}
SESSIONS = {"s-alice": "alice", "s-bob": "bob"}


@pytest.fixture
def proxied(tmp_path):
    """A Centrifugo from genconfig whose connect/subscribe proxies go to a host."""
    reg = make_registry(tmp_path, CHANNELS)
    users = write_json(str(tmp_path / "users.json"), USERS)
    made = []

    def make(extra_args=()):
        host = ProxyHost(reg, users, SESSIONS, extra_args)
        cfg, _, _ = genconfig(tmp_path, "--registry", reg, "--origin", "http://localhost:*",
                              "--connect-proxy", host.url("connect"),
                              "--subscribe-proxy", host.url("subscribe"),
                              "--proxy-header", "Cookie", "--force")
        server = Centrifugo(config=cfg)
        made.append((host, server))
        return host, server

    yield make
    for host, server in made:
        server.cleanup()
        host.close()


def ws(server):
    return f"ws://127.0.0.1:{server.port}/connection/websocket"


def test_subscribe_proxy_allows_and_denies_per_the_rules(proxied):
    host, server = proxied()
    wanted = ["news", "chat:general", "chat:staff", "ops:alerts", "chat:archived", "chat:unknown"]
    for session, allowed in [("s-alice", {"news", "chat:general", "ops:alerts"}),
                             ("s-bob", {"news", "chat:general", "chat:staff"})]:
        client = LiveClient(ws(server), subs=[(c, None) for c in wanted],
                            headers={"Cookie": f"theme=dark; session={session}"})
        try:
            client.ready()
            connected = client.of("connected")
            assert connected, client.events
            subscribed = {e["channel"] for e in client.of("subscribed")}
            assert subscribed == allowed
            denied = {e["channel"]: e["code"] for e in client.of("unsubscribed")}
            assert denied == {c: 403 for c in wanted if c not in allowed}
        finally:
            client.close()
    user = SESSIONS["s-alice"]
    sub_calls = [(req["user"], req["channel"], resp) for kind, req, resp in host.calls if kind == "subscribe"]
    assert (user, "ops:alerts", {"result": {}}) in sub_calls
    assert (user, "chat:staff", {"error": {"code": 403, "message": "permission denied"}}) in sub_calls
    # Subscribed channels really deliver: publish through the server API.
    client = LiveClient(ws(server), subs=[("ops:alerts", None)], headers={"Cookie": "session=s-alice"})
    try:
        client.ready()
        assert client.of("subscribed")
        assert "error" not in server.api("publish", {"channel": "ops:alerts", "data": {"alert": 1}})
        e = client.wait_for(lambda e: e["event"] == "publication", "publication")
        assert e["channel"] == "ops:alerts" and e["data"] == {"alert": 1}
    finally:
        client.close()


def test_connect_proxy_refuses_an_unknown_session(proxied):
    host, server = proxied()
    client = LiveClient(ws(server), subs=[], headers={"Cookie": "session=forged"})
    try:
        e = client.wait_for(lambda e: e["event"] in ("disconnected", "error"), "refusal")
        assert e["code"] == 401, client.events
        assert not client.of("connected")
    finally:
        client.close()
    connects = [(req, resp) for kind, req, resp in host.calls if kind == "connect"]
    assert connects and connects[0][1] == {"error": {"code": 401, "message": "unauthorized"}}


def test_connect_proxy_server_side_subscriptions(proxied):
    host, server = proxied(extra_args=["--server-side"])
    client = LiveClient(ws(server), subs=[], headers={"Cookie": "session=s-bob"})
    try:
        client.ready()
        got = set()
        while got != {"news", "chat:general", "chat:staff"}:
            got.add(client.wait_for(lambda e: e["event"] == "server_subscribed" and e["channel"] not in got,
                                    "server-side subscription")["channel"])
        assert "error" not in server.api("publish", {"channel": "chat:staff", "data": {"x": 2}})
        e = client.wait_for(lambda e: e["event"] == "server_publication", "publication")
        assert e == {"event": "server_publication", "channel": "chat:staff", "data": {"x": 2}}
        assert not client.of("publication")  # no client-side subscription was made
    finally:
        client.close()
    connect = [resp for kind, req, resp in host.calls if kind == "connect"][0]
    assert connect["result"]["user"] == "bob"
    assert connect["result"]["channels"] == ["news", "chat:general", "chat:staff"]


def test_proxy_cli_answers_hostile_input_with_error_replies(tmp_path):
    reg = make_registry(tmp_path, CHANNELS)
    users = write_json(str(tmp_path / "users.json"), USERS)
    for body in ["", "not json", "[]", '{"user":1,"channel":"news"}', '{"user":"alice","channel":"a$b"}',
                 "{" * 100000, '{"user":"alice","channel":"news"}' + " " * 70000]:
        r = run_cli("proxy", "subscribe", "--registry", reg, "--users", users, input=body)
        assert r.returncode == 0, r.stderr
        reply = json.loads(r.stdout)
        assert reply["error"]["code"] in (400, 413), (body[:40], reply)
    r = run_cli("proxy", "subscribe", "--registry", reg, "--users", users, "--explain",
                input='{"user":"alice","channel":"chat:staff"}')
    assert json.loads(r.stdout) == {"error": {"code": 403, "message": "permission denied"}}
    assert "deny chat:staff: staff channel" in r.stderr
    r = run_cli("proxy", "bogus", "--registry", reg, input="{}")
    assert r.returncode == 2


@pytest.fixture
def refreshing(tmp_path):
    """Connections and subscriptions that expire after 1 s unless the refresh
    and sub_refresh proxies extend them."""
    reg = make_registry(tmp_path, CHANNELS)
    users = write_json(str(tmp_path / "users.json"), USERS)
    host = ProxyHost(reg, users, SESSIONS, ["--connection-lifetime", "1", "--subscription-lifetime", "1"])
    cfg, _, _ = genconfig(tmp_path, "--registry", reg, "--origin", "http://localhost:*",
                          "--connect-proxy", host.url("connect"), "--refresh-proxy", host.url("refresh"),
                          "--subscribe-proxy", host.url("subscribe"),
                          "--sub-refresh-proxy", host.url("sub_refresh"), "--proxy-header", "Cookie")
    # Centrifugo checks subscription expiry on its presence tick (27 s by
    # default) after a grace delay (25 s): shorten both for the test.
    cfg["client"]["presence_update_interval"] = "1s"
    cfg["client"]["expired_sub_close_delay"] = "1s"
    server = Centrifugo(config=cfg)
    yield host, server, users
    server.cleanup()
    host.close()


def test_refresh_extends_then_expires_a_removed_user(refreshing):
    host, server, users = refreshing
    client = LiveClient(ws(server), subs=[], headers={"Cookie": "session=s-bob"})
    try:
        client.ready()
        assert client.of("connected")
        _, req, resp = host.wait_call(lambda k, req, resp: k == "refresh", "refresh")
        assert req["user"] == "bob" and resp["result"]["expire_at"] > 0
        # The host deletes bob: the next refresh expires the connection, and
        # the reconnect is refused by the connect proxy.
        write_json(users, {"users": [u for u in USERS["users"] if u["id"] != "bob"]})
        host.wait_call(lambda k, req, resp: k == "refresh" and resp == {"result": {"expired": True}},
                       "expiring refresh")
        host.wait_call(lambda k, req, resp: k == "connect" and "error" in resp, "refused reconnect")
        e = client.wait_for(lambda e: e["event"] in ("error", "disconnected") and e.get("code") == 401,
                            "refused reconnect")
        assert e["code"] == 401
    finally:
        client.close()


def test_sub_refresh_extends_then_expires_a_lost_authorization(refreshing):
    host, server, users = refreshing
    client = LiveClient(ws(server), subs=[("ops:alerts", None)], headers={"Cookie": "session=s-alice"})
    try:
        client.ready()
        assert [e["channel"] for e in client.of("subscribed")] == ["ops:alerts"]
        host.wait_call(lambda k, req, resp: k == "sub_refresh" and "expire_at" in resp.get("result", {}),
                       "sub_refresh")
        # alice leaves the ops group: her subscription expires and the
        # resubscription is denied.
        write_json(users, {"users": [{"id": "alice", "groups": []}, {"id": "bob", "staff": True}]})
        host.wait_call(lambda k, req, resp: k == "sub_refresh" and resp == {"result": {"expired": True}},
                       "expiring sub_refresh")
        e = client.wait_for(lambda e: e["event"] == "unsubscribed", "lost subscription")
        assert e["channel"] == "ops:alerts" and e["code"] == 403, client.events
    finally:
        client.close()
