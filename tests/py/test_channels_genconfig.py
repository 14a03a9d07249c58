"""`instant genconfig` against the real Centrifugo v6: the config it writes
passes `centrifugo checkconfig`, starts the server, and configures exactly the
namespaces the registered channels need; the settings lines match it."""
import json
import os
import stat
import subprocess
import urllib.request

from conftest import CENTRIFUGO, Centrifugo, run_cli
from channels_support import genconfig, make_registry

CHANNELS = [
    {"name": "$users", "level": "users"},
    {"name": "chat:lobby", "level": "public"},
    {"name": "$chat:staff", "level": "staff"},
    {"name": "ops:alerts", "level": "groups", "groups": ["ops"]},
]


def checkconfig(path):
    return subprocess.run([CENTRIFUGO, "checkconfig", "-c", path], capture_output=True, text=True,
                          timeout=30)


def api(server, key, method, params):
    req = urllib.request.Request(f"{server.url}/api/{method}", data=json.dumps(params).encode(),
                                 headers={"X-API-Key": key})
    with urllib.request.urlopen(req, timeout=5) as r:
        return json.loads(r.read())


def test_genconfig_passes_checkconfig_and_starts_the_server(tmp_path):
    reg = make_registry(tmp_path, CHANNELS)
    cfg, settings, path = genconfig(tmp_path, "--registry", reg, "--origin", "http://localhost:8000",
                                    "--port", "8427", "--site", "Demo")
    r = checkconfig(path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600

    assert list(settings) == ["CENTRIFUGO_HOST", "CENTRIFUGO_PORT", "CENTRIFUGO_HMAC_KEY",
                              "CENTRIFUGO_API_KEY", "SITE_NAME"]
    assert settings["CENTRIFUGO_PORT"] == "8427" and settings["SITE_NAME"] == "Demo"
    assert settings["CENTRIFUGO_HMAC_KEY"] == cfg["client"]["token"]["hmac_secret_key"]
    assert settings["CENTRIFUGO_API_KEY"] == cfg["http_api"]["key"]
    assert len({settings["CENTRIFUGO_HMAC_KEY"], settings["CENTRIFUGO_API_KEY"],
                cfg["admin"]["password"], cfg["admin"]["secret"]}) == 4
    assert cfg["client"]["allowed_origins"] == ["http://localhost:8000"]
    assert [ns["name"] for ns in cfg["channel"]["namespaces"]] == ["chat", "ops"]
    assert "usage_stats" not in cfg

    server = Centrifugo(config=cfg)  # the harness only moves it to a free port
    try:
        key = settings["CENTRIFUGO_API_KEY"]
        for channel in ["$users", "chat:lobby", "$chat:staff", "ops:alerts"]:
            res = api(server, key, "publish", {"channel": channel, "data": {"m": 1}})
            assert "error" not in res, (channel, res)
            assert res["result"]["offset"] == 1  # history is on
        res = api(server, key, "publish", {"channel": "other:x", "data": {"m": 1}})
        assert res["error"]["code"] == 102  # only the registered namespaces exist
        res = api(server, key, "presence_stats", {"channel": "chat:lobby"})
        assert res["result"] == {"num_clients": 0, "num_users": 0}  # presence is on
    finally:
        server.cleanup()


def test_genconfig_with_proxies_passes_checkconfig(tmp_path):
    reg = make_registry(tmp_path, CHANNELS)
    cfg, _, path = genconfig(tmp_path, "--registry", reg, "--origin", "https://example.org",
                             "--connect-proxy", "http://127.0.0.1:9/connect",
                             "--refresh-proxy", "http://127.0.0.1:9/refresh",
                             "--subscribe-proxy", "http://127.0.0.1:9/subscribe",
                             "--sub-refresh-proxy", "http://127.0.0.1:9/sub_refresh",
                             "--proxy-header", "Cookie", "--history-size", "0", "--no-admin",
                             "--no-usage-stats")
    r = checkconfig(path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert cfg["client"]["proxy"]["connect"] == {"enabled": True, "endpoint": "http://127.0.0.1:9/connect",
                                                 "timeout": "1s", "http_headers": ["Cookie"]}
    assert cfg["channel"]["proxy"]["subscribe"]["endpoint"] == "http://127.0.0.1:9/subscribe"
    for ns in cfg["channel"]["namespaces"]:
        assert ns["subscribe_proxy_enabled"] and ns["sub_refresh_proxy_enabled"]
        assert "history_size" not in ns
    assert cfg["admin"] == {"enabled": False}
    assert cfg["usage_stats"] == {"disabled": True}


def test_genconfig_binds_loopback_warns_without_origins_and_says_how_to_start(tmp_path):
    path = str(tmp_path / "config.json")
    r = run_cli("genconfig", "--output", path)
    assert r.returncode == 0, r.stderr
    with open(path) as f:
        cfg = json.load(f)
    assert cfg["http_server"]["address"] == "127.0.0.1"
    assert "no --origin" in r.stderr and "403" in r.stderr
    assert f"centrifugo -c {path}" in r.stderr
    assert r.stdout.splitlines()[0] == "CENTRIFUGO_HOST=http://localhost"  # stdout: settings only

    cfg, _, _ = genconfig(tmp_path, "--address", "", "--origin", "https://example.org", name="all.json")
    assert "address" not in cfg["http_server"]  # every interface, only when asked
    r = run_cli("genconfig", "--output", str(tmp_path / "o.json"), "--origin", "https://example.org")
    assert r.returncode == 0 and "no --origin" not in r.stderr and "warning" not in r.stderr

    # an invalid value is reported with the setting it came from
    r = run_cli("genconfig", "--output", str(tmp_path / "h.json"), "--host", "ftp://x")
    assert r.returncode == 1 and "--host: host must be" in r.stderr
    r = run_cli("genconfig", "--output", str(tmp_path / "h.json"),
                env=dict(os.environ, CENTRIFUGO_HOST="ftp://x"))
    assert r.returncode == 1 and "CENTRIFUGO_HOST: host must be" in r.stderr
    r = run_cli("genconfig", "--output", str(tmp_path / "h.json"), "--history-ttl", "0")
    assert r.returncode == 1 and "--history-ttl: " in r.stderr
    assert not os.path.exists(tmp_path / "h.json")


def test_genconfig_refuses_to_overwrite_and_bad_input(tmp_path):
    _, first, path = genconfig(tmp_path)
    r = run_cli("genconfig", "--output", path)
    assert r.returncode == 1 and "exists" in r.stderr and "--force overwrites it" in r.stderr
    _, second, _ = genconfig(tmp_path, "--force")
    assert second["CENTRIFUGO_HMAC_KEY"] != first["CENTRIFUGO_HMAC_KEY"]  # fresh secrets

    r = run_cli("genconfig", "--output", str(tmp_path / "x.json"), "--origin", "localhost")
    assert r.returncode == 1 and "origin" in r.stderr
    assert not os.path.exists(tmp_path / "x.json")
    bad = tmp_path / "bad.json"
    bad.write_text('{"channels":[{"name":"a$b"}]}')
    r = run_cli("genconfig", "--output", str(tmp_path / "y.json"), "--registry", str(bad))
    assert r.returncode == 1 and "invalid channel" in r.stderr
    assert not os.path.exists(tmp_path / "y.json")
