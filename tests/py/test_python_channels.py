"""Channels, authorization, the endpoint bundle, the proxy handlers and
genconfig through the Python package, each compared with the C++ results
(the `instant` CLI as oracle) and checked by PyJWT and a real Centrifugo."""
import json
import subprocess
import time

import jwt
import pytest

import instant
from conftest import CENTRIFUGO, HMAC_KEY, Centrifugo, run_cli
from channels_support import LiveClient

CHANNELS = [("news", "public", []), ("chat:team", "groups", ["team"]), ("chat:staff", "staff", []),
            ("chat:root", "superuser", []), ("chat:all", "users", []), ("chat:old", "public", [])]
USERS = [  # (python user kwargs, CLI flags)
    ({"id": "ann", "groups": ["team"]}, ["--user", "ann", "--group", "team"]),
    ({"id": "bob", "staff": True}, ["--user", "bob", "--staff"]),
    ({"id": "root", "superuser": True, "groups": ["team"]}, ["--user", "root", "--superuser", "--group", "team"]),
    ({"id": "zed"}, ["--user", "zed"]),
]


@pytest.fixture
def registry(tmp_path):
    reg = instant.Registry(prefix_private=True)
    for name, level, groups in CHANNELS:
        reg.add(name, level, groups=groups, active=name != "chat:old")
    path = str(tmp_path / "channels.json")
    reg.save(path)
    return reg, path


def names(channels):
    return [c.name for c in channels]


def cli_json(*args, stdin=None):
    r = run_cli(*args, env={"CENTRIFUGO_HMAC_KEY": HMAC_KEY}, input=stdin)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_authorization_rules(registry):
    reg, _ = registry
    assert len(reg) == 6 and "$chat:team" in reg and "chat:team" not in reg
    assert reg.find("$chat:team") == instant.Channel("$chat:team", instant.Level.GROUPS, ("team",), True)
    assert names(reg.for_user(instant.User("ann", groups=["team"]))) == ["news", "$chat:team", "$chat:all"]
    assert names(reg.for_user(instant.User("bob", staff=True))) == ["news", "$chat:staff", "$chat:all"]
    assert names(reg.for_user(instant.User("root", superuser=True))) == ["news", "$chat:root", "$chat:all"]
    assert reg.for_user(instant.User()) == []
    assert names(reg.for_user(instant.User(), anonymous_public=True)) == ["news"]
    assert reg.is_authorized(instant.User("ann", groups=["team"]), "$chat:team")
    assert not reg.is_authorized(instant.User("zed"), "$chat:team")
    reg.update("$chat:staff", "users")
    assert reg.is_authorized(instant.User("zed"), "$chat:staff")
    reg.remove("$chat:staff")
    assert len(reg) == 5 and [c.name for c in reg][:2] == ["news", "$chat:team"]
    copy = instant.Registry()
    copy.load_json(reg.to_json())
    assert copy.channels() == reg.channels()
    assert instant.channel_namespace("$chat:room") == "chat" and instant.private_name("news") == "$news"


@pytest.mark.parametrize("kwargs, flags", USERS)
def test_for_user_and_explain_match_the_cli(registry, kwargs, flags):
    reg, path = registry
    user = instant.User(**kwargs)
    ours = reg.explain(user)
    r = run_cli("channels", "explain", "--registry", path, *flags)
    assert r.returncode == 0, r.stderr
    assert [f"{'allow' if d['allowed'] else 'deny'}\t{d['channel']}\t{d['reason']}" for d in ours] == \
        r.stdout.strip().splitlines()
    assert len(ours) == 6
    assert names(reg.for_user(user)) == [d["channel"] for d in ours if d["allowed"]]


@pytest.mark.parametrize("server_side", ["off", "channels", "subs"])
@pytest.mark.parametrize("kwargs, flags", USERS)
def test_bundle_matches_the_cli(registry, kwargs, flags, server_side):
    reg, path = registry
    signer = instant.Signer.hmac(HMAC_KEY)
    side = {"off": [], "channels": ["--server-side"], "subs": ["--server-side-subs"]}[server_side]
    ours = instant.bundle(signer, reg, instant.User(**kwargs), "csrf-1", lifetime=900, server_side=server_side)
    theirs = cli_json("bundle", "--registry", path, *flags, "--csrf", "csrf-1", "--lifetime", "900", *side)
    assert list(ours) == list(theirs) == ["csrf_token", "ws_token", "channels"]
    assert ours["csrf_token"] == theirs["csrf_token"] == "csrf-1"
    assert [(c["name"], c["level"]) for c in ours["channels"]] == [(c["name"], c["level"]) for c in theirs["channels"]]

    def claims(token):
        c = jwt.decode(token, HMAC_KEY, algorithms=["HS256"])
        assert c["exp"] - c["iat"] == 900
        return {k: v for k, v in c.items() if k not in ("exp", "iat")}

    assert claims(ours["ws_token"]) == claims(theirs["ws_token"])
    for a, b in zip(ours["channels"], theirs["channels"]):
        assert ("token" in a) == ("token" in b)
        if "token" in a:
            assert claims(a["token"]) == claims(b["token"])


def test_bundle_tokens_are_accepted_by_centrifugo_and_a_real_client(registry, centrifugo):
    reg, _ = registry
    signer = instant.Signer.hmac(HMAC_KEY)
    b = instant.bundle(signer, reg, instant.User("ann", groups=["team"]), "csrf-xyz")
    for c in b["channels"]:
        r = subprocess.run([CENTRIFUGO, "checksubtoken", "-c", centrifugo.config_path, c["token"]],
                           capture_output=True, text=True, timeout=30)
        assert r.returncode == 0 and f'channel "{c["name"]}"' in r.stdout, r.stdout + r.stderr
    client = LiveClient(centrifugo.ws_url, token=b["ws_token"], subs=[(c["name"], c["token"]) for c in b["channels"]])
    try:
        client.ready()
        assert {e["channel"] for e in client.of("subscribed")} == {"news", "$chat:team", "$chat:all"}
        with instant.Client(url=centrifugo.url, api_key=centrifugo.api_key, from_env=False) as pub:
            pub.publish("$chat:team", "for the team")
        e = client.wait_for(lambda e: e["event"] == "publication", "publication")
        assert e["channel"] == "$chat:team" and e["data"]["message"] == "for the team"
    finally:
        client.close()
    with instant.User() as anonymous:
        assert names_of(instant.bundle(signer, reg, anonymous, "c", anonymous_public=True)) == ["news"]


def names_of(b):
    return [c["name"] for c in b["channels"]]


def test_proxy_handler_matches_the_cli_and_owns_resolved_users(registry):
    reg, path = registry
    seen = []

    def resolve(req):
        seen.append((req.user, req.client, req.channel, req.header("cookie"), req.header("X-Absent")))
        if req.user == "ann" or req.header("Cookie") == "session=s-ann":
            return instant.User("ann", groups=["team"])
        if req.user == "boom":
            raise RuntimeError("resolver failure")
        return None

    handler = instant.ProxyHandler(reg, resolve, lifetimes=(3600, 600))
    connect = b'{"client":"c1","transport":"websocket","protocol":"json","encoding":"json"}'
    for _ in range(200):  # ownership: no double free, no leak of the handed-over user
        assert handler.connect(connect, {"Cookie": "session=s-ann"})["result"]["user"] == "ann"
    assert seen[0] == ("", "c1", "", "session=s-ann", None)
    assert handler.connect(connect)["error"]["code"] == 401
    side = instant.ProxyHandler(reg, resolve, server_side=True)
    assert side.connect(connect, [("Cookie", "session=s-ann")])["result"]["channels"] == \
        ["news", "$chat:team", "$chat:all"]

    def sub(user, channel, kind="subscribe"):
        body = json.dumps({"client": "c1", "user": user, "channel": channel}).encode()
        return handler.handle(kind, body)

    for channel in ("news", "$chat:team", "$chat:root", "nowhere"):
        body = json.dumps({"client": "c1", "user": "ann", "channel": channel})
        oracle = cli_json("proxy", "subscribe", "--registry", path, "--user", "ann", "--group", "team",
                          "--connection-lifetime", "3600", "--subscription-lifetime", "600", stdin=body)
        assert sub("ann", channel) == oracle
    assert sub("ann", "news")["result"]["expire_at"] > time.time() + 500  # the subscription lifetime
    assert sub("ann", "$chat:team", "sub_refresh")["result"]["expire_at"] > 0
    assert seen[-1][:3] == ("ann", "c1", "$chat:team")
    assert sub("zed", "news")["error"]["code"] == 403
    assert sub("boom", "news")["error"]["code"] == 500  # the exception never unwinds through C
    assert isinstance(handler.last_resolver_error, RuntimeError)
    assert handler.handle("subscribe", b"not json")["error"]["code"] == 400
    plain = instant.ProxyHandler(reg, resolve)  # no lifetimes: no expire_at
    assert json.loads(plain.handle_bytes("subscribe", b'{"client":"c","user":"ann","channel":"news"}')) == \
        {"result": {}}
    with pytest.raises(ValueError):
        handler.handle("bogus", connect)


def test_genconfig_runs_centrifugo_and_matches_the_cli(registry, tmp_path):
    reg, path = registry
    gc = instant.genconfig(allowed_origins=["http://localhost:*"], registry=reg, site_name="Py",
                           proxies={"subscribe": "http://127.0.0.1:9/centrifugo/subscribe"})
    settings = dict(line.split("=", 1) for line in gc.settings.strip().splitlines())
    assert settings["CENTRIFUGO_HMAC_KEY"] == gc.hmac_key and settings["CENTRIFUGO_API_KEY"] == gc.api_key
    assert settings["SITE_NAME"] == "Py" and len(gc.hmac_key) == 64 and "holds secrets" in repr(gc)
    cfg = gc.config
    out = str(tmp_path / "cli.json")
    r = run_cli("genconfig", "--output", out, "--origin", "http://localhost:*", "--registry", path, "--site", "Py",
                "--subscribe-proxy", "http://127.0.0.1:9/centrifugo/subscribe")
    assert r.returncode == 0, r.stderr
    cli = json.load(open(out))
    secrets = (gc.hmac_key, gc.api_key)
    assert json.dumps(cfg).count(secrets[0]) == 1 and secrets[0] not in json.dumps(cli)
    assert strip_secrets(cfg) == strip_secrets(cli)  # the same config but for fresh secrets
    assert [ns["name"] for ns in cfg["channel"]["namespaces"]] == ["chat"]

    gc.save(str(tmp_path / "config.json"))
    server = Centrifugo(config=json.load(open(tmp_path / "config.json")))
    try:
        with instant.Client(url=server.url, api_key=gc.api_key, from_env=False) as c:
            assert c.publish("$chat:team", "into a generated config").offset > 0
        tok = instant.Signer.hmac(gc.hmac_key).connection_token("ann")
        r = subprocess.run([CENTRIFUGO, "checktoken", "-c", server.config_path, tok], capture_output=True,
                           text=True, timeout=30)
        assert r.returncode == 0, r.stdout + r.stderr
    finally:
        server.cleanup()
    assert len(instant.random_secret(16)) == 32


def strip_secrets(cfg):
    """The config with every generated secret replaced by a marker."""
    text = json.dumps(cfg, sort_keys=True)
    out = json.loads(text)
    out["http_api"]["key"] = "API"
    out["client"]["token"]["hmac_secret_key"] = "HMAC"
    if "admin" in out:
        out["admin"]["password"] = out["admin"]["secret"] = "ADMIN"
    return out
