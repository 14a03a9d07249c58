"""The host apps of examples/python, host_server.py (stdlib) and fastapi_app.py
(FastAPI), each tested the same way: django-instant's login / get_token /
subscribe / logout endpoints and the publish route over HTTP, driven with a
cookie jar like a browser. The bundle's tokens are checked by PyJWT and by a
real npm `centrifuge` client against a real Centrifugo, which receives events
published with the instant CLI and through the app's publish route."""
import http.cookiejar
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request

import jwt
import pytest

from conftest import HMAC_KEY, ROOT, Centrifugo, run_cli
from channels_support import LiveClient, genconfig, make_registry, write_json

SERVERS = [os.path.join(ROOT, "examples", "python", name) for name in ("host_server.py", "fastapi_app.py")]
CHANNELS = [
    {"name": "public", "level": "public"},
    {"name": "$users", "level": "users"},
    {"name": "$group1", "level": "groups", "groups": ["group1"]},
    {"name": "$staff", "level": "staff"},
    {"name": "$archived", "level": "users", "active": False},
]
PASSWORDS = {"stella": "stella-pw-1", "paul": "paul-pw-2"}
EXPECTED = {"stella": {"public", "$users", "$group1", "$staff"}, "paul": {"public", "$users"}}


def hash_password(server, password):
    r = subprocess.run([sys.executable, server, "--hash-password"], input=password + "\n",
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("scrypt$") and password not in r.stdout
    return r.stdout.strip()


@pytest.fixture(scope="module", params=SERVERS, ids=os.path.basename)
def host(request, tmp_path_factory, centrifugo):
    server = request.param
    tmp = tmp_path_factory.mktemp("host")
    registry = make_registry(tmp, CHANNELS)  # the file `instant channels add` writes
    users = write_json(str(tmp / "users.json"), {"users": [
        {"username": "stella", "password": hash_password(server, PASSWORDS["stella"]), "staff": True,
         "superuser": False, "groups": ["group1"]},
        {"username": "paul", "password": hash_password(server, PASSWORDS["paul"]), "staff": False,
         "superuser": False, "groups": []},
    ]})
    log_path = str(tmp / "host.log")
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([sys.executable, server, "--registry", registry, "--users", users,
                                 "--port", "0"], env=centrifugo.env(SITE_NAME="HostTest"),
                                stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 20  # a bound on a hang, not a timing assertion
        port = None
        while port is None:
            m = re.search(r"on http://127\.0\.0\.1:(\d+)", open(log_path).read())
            if m:
                port = int(m.group(1))
            elif proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"{server} did not start:\n" + open(log_path).read())
            else:
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}", log_path, registry
    finally:
        proc.terminate()
        proc.wait(10)


class Browser:
    """An HTTP client with a cookie jar, as a frontend's fetch() would be."""

    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def post(self, path, body=None, csrf=None, cookie=None):
        """(status, JSON reply, headers); cookie: a Cookie header sent as is."""
        headers = {"Content-Type": "application/json"}
        if cookie is not None:
            headers["Cookie"] = cookie
        if csrf is not None:
            headers["X-CSRFToken"] = csrf
        req = urllib.request.Request(self.base + path, data=json.dumps(body or {}).encode(),
                                     headers=headers, method="POST")
        try:
            with self.opener.open(req, timeout=10) as r:
                return r.status, json.loads(r.read()), r.headers
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read()), e.headers


def login(host, user, password=None):
    b = Browser(host)
    status, bundle, headers = b.post("/instant/login/", {"username": user,
                                                          "password": password or PASSWORDS[user]})
    assert status == 200, bundle
    cookie = headers["Set-Cookie"]
    assert cookie.startswith("sessionid=") and "HttpOnly" in cookie
    return b, bundle


def check_bundle(bundle, user):
    assert list(bundle) == ["csrf_token", "ws_token", "channels"]
    names = [c["name"] for c in bundle["channels"]]
    assert len(names) == len(EXPECTED[user]) and set(names) == EXPECTED[user]
    levels = {c["name"]: c["level"] for c in CHANNELS}
    now = time.time()
    conn = jwt.decode(bundle["ws_token"], HMAC_KEY, algorithms=["HS256"])
    assert conn["sub"] == user and "channel" not in conn and conn["exp"] > now
    for c in bundle["channels"]:
        assert c["level"] == levels[c["name"]]
        claims = jwt.decode(c["token"], HMAC_KEY, algorithms=["HS256"])
        assert claims["sub"] == user and claims["channel"] == c["name"] and claims["exp"] > now


def test_bad_credentials_and_anonymous_are_refused(host):
    base = host[0]
    b = Browser(base)
    for creds in ({"username": "stella", "password": "wrong"}, {"username": "nobody", "password": "x"},
                  {"username": "stella"}, {}):
        status, body, headers = b.post("/instant/login/", creds)
        assert status == 403 and "error" in body and "Set-Cookie" not in headers
    for path in ("/instant/get_token/", "/instant/subscribe/"):
        status, body, _ = b.post(path, csrf="anything")
        assert status == 403 and "error" in body
    assert b.post("/instant/logout/")[:2] == (200, {"ok": True})  # nothing to end


def test_plain_user_gets_the_public_and_users_channels(host):
    base = host[0]
    b, bundle = login(base, "paul")
    check_bundle(bundle, "paul")
    status, again, _ = b.post("/instant/get_token/", csrf=bundle["csrf_token"])
    assert status == 200
    check_bundle(again, "paul")


def test_login_get_token_subscribe_live_client_logout(host, centrifugo):
    base, log_path, _ = host
    b, bundle = login(base, "stella")
    check_bundle(bundle, "stella")
    csrf = bundle["csrf_token"]

    # The host owns CSRF: no header or a wrong one is 403, the session's token passes.
    for bad in (None, "", "not-the-token"):
        status, body, _ = b.post("/instant/get_token/", csrf=bad)
        assert status == 403 and "error" in body
        assert b.post("/instant/subscribe/", csrf=bad)[0] == 403
    status, fresh, _ = b.post("/instant/get_token/", csrf=csrf)
    assert status == 200 and fresh["csrf_token"] == csrf
    check_bundle(fresh, "stella")

    status, sub, _ = b.post("/instant/subscribe/", csrf=csrf)
    assert status == 200 and list(sub) == ["channels"]
    check_bundle({"csrf_token": csrf, "ws_token": fresh["ws_token"], "channels": sub["channels"]}, "stella")
    status, some, _ = b.post("/instant/subscribe/", {"channels": ["$staff", "$not-mine"]}, csrf=csrf)
    assert status == 200 and [c["name"] for c in some["channels"]] == ["$staff"]

    # A real client connects and subscribes with the bundle's tokens.
    subs = [(c["name"], c["token"]) for c in fresh["channels"]]
    client = LiveClient(centrifugo.ws_url, token=fresh["ws_token"], subs=subs)
    try:
        client.ready()
        assert client.of("connected"), client.events
        assert {e["channel"] for e in client.of("subscribed")} == EXPECTED["stella"]
        r = run_cli("publish", "$group1", "for group1", "--data", '{"n":1}', env=centrifugo.env())
        assert r.returncode == 0, r.stderr
        e = client.wait_for(lambda e: e["event"] == "publication", "publication")
        assert e["channel"] == "$group1"
        assert e["data"]["message"] == "for group1" and e["data"]["data"] == {"n": 1}
    finally:
        client.close()

    # Logout needs the CSRF token too; afterwards the session is gone.
    assert b.post("/instant/logout/")[0] == 403
    assert b.post("/instant/get_token/", csrf=csrf)[0] == 200
    session = next(c.value for c in b.jar if c.name == "sessionid")
    status, body, headers = b.post("/instant/logout/", csrf=csrf)
    assert (status, body) == (200, {"ok": True}) and "Max-Age=0" in headers["Set-Cookie"]
    assert b.post("/instant/get_token/", csrf=csrf)[0] == 403
    assert b.post("/instant/subscribe/", csrf=csrf)[0] == 403
    replay = Browser(base)  # the old cookie, replayed: the server ended the session
    assert replay.post("/instant/get_token/", csrf=csrf, cookie="sessionid=" + session)[0] == 403

    # Secrets never reach the log.
    log = open(log_path).read()
    for secret in (HMAC_KEY, csrf, session, bundle["ws_token"], fresh["ws_token"], *PASSWORDS.values(),
                   *(c["token"] for c in fresh["channels"])):
        assert secret not in log


def test_centrifugo_proxies_answered_by_instant_through_the_host(host, tmp_path):
    """Centrifugo's connect proxy identifies the browser by its forwarded session
    cookie; the subscribe proxy allows only the user's channels."""
    base, log_path, registry = host
    cfg, _, _ = genconfig(tmp_path, "--registry", registry, "--origin", "http://localhost:*",
                          "--connect-proxy", base + "/centrifugo/connect",
                          "--subscribe-proxy", base + "/centrifugo/subscribe", "--proxy-header", "Cookie")
    server = Centrifugo(config=cfg)
    try:
        b, bundle = login(base, "paul")
        session = next(c.value for c in b.jar if c.name == "sessionid")
        client = LiveClient(server.ws_url, subs=[("public", None), ("elsewhere", None)],
                            headers={"Cookie": f"theme=dark; sessionid={session}"})
        try:
            client.ready()
            assert client.of("connected"), client.events
            assert [e["channel"] for e in client.of("subscribed")] == ["public"]
            assert {e["channel"]: e["code"] for e in client.of("unsubscribed")} == {"elsewhere": 403}
            assert "error" not in server.api("publish", {"channel": "public", "data": {"via": "proxy"}})
            e = client.wait_for(lambda e: e["event"] == "publication", "publication")
            assert e == {"event": "publication", "channel": "public", "data": {"via": "proxy"}}
        finally:
            client.close()
        assert b.post("/instant/logout/", csrf=bundle["csrf_token"])[:2] == (200, {"ok": True})
        for cookie in ("sessionid=forged", f"sessionid={session}"):  # unknown, then logged out
            refused = LiveClient(server.ws_url, subs=[], headers={"Cookie": cookie})
            try:
                e = refused.wait_for(lambda e: e["event"] in ("disconnected", "error"), "refusal")
                assert e["code"] == 401 and not refused.of("connected"), refused.events
            finally:
                refused.close()
    finally:
        server.cleanup()
    log = open(log_path).read()
    assert '"POST /centrifugo/connect HTTP/1.1" 200' in log and '"POST /centrifugo/subscribe HTTP/1.1" 200' in log


def test_publish_route_for_staff(host, centrifugo):
    base, log_path, _ = host
    b, bundle = login(base, "stella")  # staff
    csrf = bundle["csrf_token"]
    status, pos, _ = b.post("/instant/publish/", {"channel": "$group1", "message": "from the app",
                                                  "data": {"k": [1]}, "event_class": "note"}, csrf=csrf)
    assert status == 200 and pos["offset"] > 0 and pos["epoch"], pos
    pub = centrifugo.api("history", {"channel": "$group1", "limit": 1, "reverse": True})["result"]["publications"][0]
    assert pub["offset"] == pos["offset"]
    assert pub["data"] == {"channel": "$group1", "site": "HostTest", "message": "from the app", "data": {"k": [1]},
                           "event_class": "note"}
    assert b.post("/instant/publish/", {"channel": "$group1", "message": "x"})[0] == 403  # no CSRF token
    status, body, _ = b.post("/instant/publish/", {"channel": "bad channel\u0001", "message": "x"}, csrf=csrf)
    assert status == 400 and body == {"error": "invalid_channel"}
    status, body, _ = b.post("/instant/publish/", {"channel": "$group1"}, csrf=csrf)
    assert status == 400 and body == {"error": "invalid_argument"}
    p, pb = login(base, "paul")  # not staff
    status, body, _ = p.post("/instant/publish/", {"channel": "$users", "message": "x"}, csrf=pb["csrf_token"])
    assert status == 403 and "staff" in body["error"]
