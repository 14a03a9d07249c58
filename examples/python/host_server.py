#!/usr/bin/env python3
"""A host web app exposing django-instant's endpoints with instant (stdlib only).

    CENTRIFUGO_HMAC_KEY=... INSTANT_C_LIBRARY=build/capi/shared/libinstant_c.so \\
    python3 examples/python/host_server.py --registry channels.json --users users.json --port 8001

    POST /instant/login/      {"username","password"} -> bundle + HttpOnly session cookie
    POST /instant/get_token/  the logged-in user's bundle           (X-CSRFToken header)
    POST /instant/subscribe/  {"channels"?: [names]} -> {"channels"} (X-CSRFToken header)
    POST /instant/logout/     ends the session -> {"ok": true}      (X-CSRFToken header)
    POST /centrifugo/connect, /centrifugo/subscribe, /centrifugo/refresh, /centrifugo/sub_refresh
                              Centrifugo's proxies (genconfig --connect-proxy URL ... --proxy-header Cookie)

The bundle is {"csrf_token","ws_token","channels":[{"name","level","token"}]},
built by instant (Registry.bundle); this file owns HTTP, users, sessions, CSRF.
registry: {"channels":[{"name","level","groups","active"}]} (as `instant channels add` writes).
users:    {"users":[{"username","password":"scrypt$...","staff","superuser","groups"}]};
          make a hash with `host_server.py --hash-password < password.txt`.
SITE_NAME names the app in the log line (instant.Client() reads it for publishing).
Tokens, passwords and the HMAC key are never logged.
"""
import argparse
import hashlib
import hmac
import json
import os
import secrets
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import instant

SESSION_COOKIE = "sessionid"
TOKEN_LIFETIME = 86400  # seconds, django-instant's 24 h


# ---- Passwords: scrypt with a per-user random salt (never store plain text) ----
def hash_password(password, salt=None, n=2**14, r=8, p=1):
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, dklen=32)
    return f"scrypt${n}${r}${p}${salt.hex()}${digest.hex()}"


def check_password(password, stored):
    try:
        algo, n, r, p, salt, digest = stored.split("$")
        got = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
                             dklen=len(digest) // 2)
    except ValueError:
        return False
    return algo == "scrypt" and hmac.compare_digest(got.hex(), digest)


_DUMMY_HASH = hash_password(secrets.token_urlsafe())  # same work for unknown users (no timing oracle)


# ---- The app's user store. ADAPT: replace with your database / auth backend. ----
class Users:
    def __init__(self, path):
        with open(path) as f:
            self.by_name = {u["username"]: u for u in json.load(f)["users"]}

    def authenticate(self, username, password):
        """The user record for valid credentials, else None."""
        u = self.by_name.get(username) if isinstance(username, str) else None
        ok = check_password(password if isinstance(password, str) else "", u["password"] if u else _DUMMY_HASH)
        return u if ok and u else None

    def instant_user(self, username):
        """Maps one of our users into instant's terms (id, staff, superuser, groups)."""
        u = self.by_name[username]
        return instant.User(username, staff=bool(u.get("staff")), superuser=bool(u.get("superuser")),
                            groups=u.get("groups", []))


# ---- Sessions: in memory, lost on restart. ADAPT: use your framework's sessions. ----
class Sessions:
    def __init__(self):
        self._lock = threading.Lock()
        self._by_id = {}  # session id -> {"username", "csrf"}

    def create(self, username):
        sid = secrets.token_urlsafe(32)
        with self._lock:
            self._by_id[sid] = {"username": username, "csrf": secrets.token_urlsafe(32)}
        return sid

    def get(self, sid):
        with self._lock:
            return self._by_id.get(sid) if sid else None

    def has_user(self, username):
        with self._lock:
            return any(s["username"] == username for s in self._by_id.values())

    def delete(self, sid):
        with self._lock:
            self._by_id.pop(sid, None)


def load_registry(path):
    """instant's channel table from the registry JSON file."""
    reg = instant.Registry()
    with open(path) as f:
        for c in json.load(f)["channels"]:
            reg.add(c["name"], c.get("level", "superuser"), groups=c.get("groups", []),
                    active=c.get("active", True))
    return reg


class App:
    def __init__(self, hmac_key, registry, users):
        self.signer = instant.Signer.hmac(hmac_key, "HS256")  # thread-safe, shared
        self.registry = registry  # reads are thread-safe
        self.users = users
        self.sessions = Sessions()

    def bundle(self, session):
        user = self.users.instant_user(session["username"])
        try:
            return self.registry.bundle(self.signer, user, session["csrf"], lifetime=TOKEN_LIFETIME)
        finally:
            user.close()


def session_from_cookie(header):
    """Our session id from a Cookie header, None when absent."""
    for part in (header or "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == SESSION_COOKIE:
            return value
    return None


class Handler(BaseHTTPRequestHandler):
    app = None  # set in main()
    protocol_version = "HTTP/1.1"

    def reply(self, status, obj, cookie=None):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")  # bundles hold tokens
        if cookie is not None:
            self.send_header("Set-Cookie", cookie)
        self.end_headers()
        self.wfile.write(body)

    def session_id(self):
        return session_from_cookie(self.headers.get("Cookie"))

    def json_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        if not 0 <= n <= 65536:
            raise ValueError("body too large")
        self.raw_body = self.rfile.read(n)
        return json.loads(self.raw_body) if self.raw_body.strip() else {}

    def do_POST(self):
        routes = {"/instant/login/": self.login, "/instant/get_token/": self.get_token,
                  "/instant/subscribe/": self.subscribe, "/instant/logout/": self.logout}
        routes.update({"/centrifugo/" + kind: self.proxy for kind in instant.PROXY_KINDS})
        try:
            body = self.json_body()
            if not isinstance(body, dict):
                raise ValueError("a JSON object is expected")
        except ValueError:
            self.close_connection = True
            return self.reply(400, {"error": "bad request"})
        route = routes.get(self.path.split("?", 1)[0])
        if route is None:
            return self.reply(404, {"error": "not found"})
        try:
            route(body)
        except instant.Error as e:  # messages never hold tokens or keys
            self.log_error("instant: %s", e.name)
            self.reply(500, {"error": "internal error"})

    def authed(self):
        """The session when logged in and the X-CSRFToken header matches; else replies 403."""
        session = self.app.sessions.get(self.session_id())
        if session is None:
            self.reply(403, {"error": "not logged in"})
            return None
        if not hmac.compare_digest(self.headers.get("X-CSRFToken", ""), session["csrf"]):
            self.reply(403, {"error": "CSRF token missing or incorrect"})
            return None
        return session

    def login(self, body):
        user = self.app.users.authenticate(body.get("username"), body.get("password"))
        if user is None:
            return self.reply(403, {"error": "invalid credentials"})
        self.app.sessions.delete(self.session_id())  # a fresh session id on login (no fixation)
        sid = self.app.sessions.create(user["username"])
        # ADAPT: add "; Secure" when served over HTTPS.
        cookie = f"{SESSION_COOKIE}={sid}; HttpOnly; SameSite=Lax; Path=/"
        self.reply(200, self.app.bundle(self.app.sessions.get(sid)), cookie=cookie)

    def get_token(self, body):
        session = self.authed()
        if session:
            self.reply(200, self.app.bundle(session))

    def subscribe(self, body):
        session = self.authed()
        if session:
            channels = self.app.bundle(session)["channels"]
            wanted = body.get("channels")  # optional filter; unauthorized names are left out
            if isinstance(wanted, list):
                channels = [c for c in channels if c["name"] in wanted]
            self.reply(200, {"channels": channels})

    def logout(self, body):
        if self.app.sessions.get(self.session_id()) is not None and self.authed() is None:
            return  # logged in but no valid CSRF token: 403 already sent
        self.app.sessions.delete(self.session_id())
        self.reply(200, {"ok": True}, cookie=f"{SESSION_COOKIE}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0")

    # ---- Centrifugo's proxies: server to server, no CSRF. ADAPT: reachable by Centrifugo only. ----
    def proxy(self, body):
        kind = self.path.split("?", 1)[0].rsplit("/", 1)[1]

        def resolve(req):  # connect: the browser's forwarded session cookie; the others: a user
            if kind == "connect":  # still logged in (so logout ends access at the next refresh)
                session = self.app.sessions.get(session_from_cookie(req.header("Cookie")))
                username = session and session["username"]
            else:
                username = req.user if self.app.sessions.has_user(req.user) else None
            return self.app.users.instant_user(username) if username in self.app.users.by_name else None

        self.reply(200, instant.proxy_handle(kind, self.app.registry, self.raw_body, resolve, self.headers.items(),
                                             lifetimes=(TOKEN_LIFETIME, TOKEN_LIFETIME)))

    def log_message(self, fmt, *args):  # method, path and status only: no headers, no bodies
        sys.stderr.write("%s %s\n" % (self.address_string(), fmt % args))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--registry", help="channels JSON file")
    ap.add_argument("--users", help="users JSON file")
    ap.add_argument("--port", type=int, default=8001)
    ap.add_argument("--hash-password", action="store_true", help="hash the password read from stdin and exit")
    args = ap.parse_args(argv)
    if args.hash_password:
        print(hash_password(sys.stdin.readline().rstrip("\n")))
        return 0
    if not args.registry or not args.users:
        ap.error("--registry and --users are required")
    key = os.environ.get("CENTRIFUGO_HMAC_KEY")
    if not key:
        print("CENTRIFUGO_HMAC_KEY is not set", file=sys.stderr)
        return 2
    try:
        Handler.app = App(key, load_registry(args.registry), Users(args.users))
    except (OSError, ValueError, KeyError, instant.Error) as e:
        print(f"cannot start: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)  # loopback only
    print(f"{os.environ.get('SITE_NAME', 'Site')}: instant host server on http://127.0.0.1:{server.server_port}",
          file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
