"""The framework-independent half of a host app serving django-instant's
endpoints with instant: users and passwords, sessions with CSRF tokens, the
bundle, the publish route and Centrifugo's proxies. host_server.py (stdlib
http.server) and fastapi_app.py (FastAPI) put HTTP around it.

registry: {"channels":[{"name","level","groups","active"}]} (as `instant channels add` writes).
users:    {"users":[{"username","password":"scrypt$...","staff","superuser","groups"}]};
          make a hash with `host_server.py --hash-password < password.txt`.
Tokens, passwords and the HMAC key are never logged.
"""
import hashlib
import hmac
import json
import secrets
import threading

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


def session_from_cookie(header):
    """Our session id from a Cookie header, None when absent."""
    for part in (header or "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == SESSION_COOKIE:
            return value
    return None


def session_cookie(sid):
    # ADAPT: add "; Secure" when served over HTTPS.
    return f"{SESSION_COOKIE}={sid}; HttpOnly; SameSite=Lax; Path=/"


END_SESSION_COOKIE = f"{SESSION_COOKIE}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0"


class Denied(Exception):
    """An endpoint refuses the request: HTTP 403 with {"error": reason}."""


class HostApp:
    """What the endpoints do, in the host's terms; thread-safe."""

    def __init__(self, hmac_key, registry_path, users_path, client=None):
        self.signer = instant.Signer.hmac(hmac_key, "HS256")  # thread-safe, shared
        self.registry = instant.Registry.from_file(registry_path)  # reads are thread-safe
        self.users = Users(users_path)
        self.sessions = Sessions()
        self.client = client  # an instant.Client for the publish route (None: no publishing)
        self.proxy = instant.ProxyHandler(self.registry, self._resolve, lifetimes=(TOKEN_LIFETIME, TOKEN_LIFETIME))

    def bundle(self, session):
        with self.users.instant_user(session["username"]) as user:
            return instant.bundle(self.signer, self.registry, user, session["csrf"], lifetime=TOKEN_LIFETIME)

    def login(self, body, old_sid):
        """(new session id, bundle) for valid credentials; Denied otherwise."""
        user = self.users.authenticate(body.get("username"), body.get("password"))
        if user is None:
            raise Denied("invalid credentials")
        self.sessions.delete(old_sid)  # a fresh session id on login (no fixation)
        sid = self.sessions.create(user["username"])
        return sid, self.bundle(self.sessions.get(sid))

    def authed(self, sid, csrf):
        """The session when logged in and the X-CSRFToken header matches; Denied otherwise."""
        session = self.sessions.get(sid)
        if session is None:
            raise Denied("not logged in")
        if not hmac.compare_digest(csrf or "", session["csrf"]):
            raise Denied("CSRF token missing or incorrect")
        return session

    def subscribe(self, session, body):
        channels = self.bundle(session)["channels"]
        wanted = body.get("channels")  # optional filter; unauthorized names are left out
        if isinstance(wanted, list):
            channels = [c for c in channels if c["name"] in wanted]
        return {"channels": channels}

    def logout(self, sid, csrf):
        if self.sessions.get(sid) is not None:
            self.authed(sid, csrf)  # logged in: logout needs the CSRF token too
        self.sessions.delete(sid)
        return {"ok": True}

    def publish_args(self, session, body):
        """The publish route's arguments for a staff user's request
        {"channel","message"?,"data"?,"event_class"?}; Denied otherwise."""
        user = self.users.by_name[session["username"]]
        if not user.get("staff") or self.client is None:
            raise Denied("publishing needs a staff user")
        channel = body.get("channel")
        if not isinstance(channel, str):
            raise instant.InvalidArgument(instant.ErrorCode.EINVAL, "invalid argument: 'channel'")
        return {"channel": channel, "message": body.get("message"), "data": body.get("data"),
                "event_class": body.get("event_class")}

    def _resolve(self, req):
        """Centrifugo's proxies: connect identifies the browser by its forwarded
        session cookie (and still needs a live session, so logout ends access
        at the next refresh); the others name a user with a live session."""
        if not req.user:
            session = self.sessions.get(session_from_cookie(req.header("Cookie")))
            username = session and session["username"]
        else:
            username = req.user if self.sessions.has_user(req.user) else None
        return self.users.instant_user(username) if username in self.users.by_name else None
