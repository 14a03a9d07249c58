#!/usr/bin/env python3
"""A host web app exposing django-instant's endpoints with instant (stdlib only).

    pip install ./bindings/python
    CENTRIFUGO_HMAC_KEY=... python3 examples/python/host_server.py --registry channels.json --users users.json --port 8001

    POST /instant/login/      {"username","password"} -> bundle + HttpOnly session cookie
    POST /instant/get_token/  the logged-in user's bundle           (X-CSRFToken header)
    POST /instant/subscribe/  {"channels"?: [names]} -> {"channels"} (X-CSRFToken header)
    POST /instant/logout/     ends the session -> {"ok": true}      (X-CSRFToken header)
    POST /instant/publish/    {"channel","message"?,"data"?,"event_class"?} -> {"offset","epoch"}
                              (staff users; X-CSRFToken; CENTRIFUGO_URL and CENTRIFUGO_API_KEY set)
    POST /centrifugo/connect, /centrifugo/subscribe, /centrifugo/refresh, /centrifugo/sub_refresh
                              Centrifugo's proxies (genconfig --connect-proxy URL ... --proxy-header Cookie)

The bundle is {"csrf_token","ws_token","channels":[{"name","level","token"}]},
built by instant (instant.bundle); host_app.py holds users, sessions and CSRF,
this file owns HTTP. fastapi_app.py is the same app on FastAPI.
SITE_NAME names the app in the log line (instant.Client() reads it for publishing).
"""
import argparse
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import instant
from host_app import END_SESSION_COOKIE, Denied, HostApp, hash_password, session_cookie, session_from_cookie


class Handler(BaseHTTPRequestHandler):
    app = None  # set in main()
    protocol_version = "HTTP/1.1"

    def reply(self, status, obj, cookie=None, raw=None):
        body = raw if raw is not None else json.dumps(obj).encode()
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

    def csrf(self):
        return self.headers.get("X-CSRFToken", "")

    def json_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        if not 0 <= n <= 65536:
            raise ValueError("body too large")
        self.raw_body = self.rfile.read(n)
        return json.loads(self.raw_body) if self.raw_body.strip() else {}

    def do_POST(self):
        path = self.path.split("?", 1)[0]
        routes = {"/instant/login/": self.login, "/instant/get_token/": self.get_token,
                  "/instant/subscribe/": self.subscribe, "/instant/logout/": self.logout,
                  "/instant/publish/": self.publish}
        routes.update({"/centrifugo/" + kind: self.proxy for kind in instant.PROXY_KINDS})
        try:
            body = self.json_body()
            if not isinstance(body, dict):
                raise ValueError("a JSON object is expected")
        except ValueError:
            self.close_connection = True
            return self.reply(400, {"error": "bad request"})
        route = routes.get(path)
        if route is None:
            return self.reply(404, {"error": "not found"})
        try:
            route(body)
        except Denied as e:
            self.reply(403, {"error": str(e)})
        except instant.InvalidArgument as e:
            self.reply(400, {"error": e.kind})
        except instant.InstantError as e:  # messages never hold tokens or keys
            self.log_error("instant: %s", e.kind)
            self.reply(500, {"error": "internal error"})

    def login(self, body):
        sid, bundle = self.app.login(body, self.session_id())
        self.reply(200, bundle, cookie=session_cookie(sid))

    def get_token(self, body):
        self.reply(200, self.app.bundle(self.app.authed(self.session_id(), self.csrf())))

    def subscribe(self, body):
        self.reply(200, self.app.subscribe(self.app.authed(self.session_id(), self.csrf()), body))

    def logout(self, body):
        self.reply(200, self.app.logout(self.session_id(), self.csrf()), cookie=END_SESSION_COOKIE)

    def publish(self, body):
        args = self.app.publish_args(self.app.authed(self.session_id(), self.csrf()), body)
        self.reply(200, self.app.client.publish(**args)._asdict())

    # ---- Centrifugo's proxies: server to server, no CSRF. ADAPT: reachable by Centrifugo only. ----
    def proxy(self, body):
        kind = self.path.split("?", 1)[0].rsplit("/", 1)[1]
        self.reply(200, None, raw=self.app.proxy.handle_bytes(kind, self.raw_body, self.headers.items()))

    def log_message(self, fmt, *args):  # method, path and status only: no headers, no bodies
        sys.stderr.write("%s %s\n" % (self.address_string(), fmt % args))


def make_app(args):
    """The HostApp for the command line (shared with fastapi_app.py); exits when it cannot start."""
    key = os.environ.get("CENTRIFUGO_HMAC_KEY")
    if not key:
        print("CENTRIFUGO_HMAC_KEY is not set", file=sys.stderr)
        sys.exit(2)
    try:
        client = instant.Client() if os.environ.get("CENTRIFUGO_API_KEY") else None
        return HostApp(key, args.registry, args.users, client)
    except (OSError, ValueError, KeyError, instant.InstantError) as e:
        print(f"cannot start: {type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)


def parse_args(argv, description):
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--registry", help="channels JSON file")
    ap.add_argument("--users", help="users JSON file")
    ap.add_argument("--port", type=int, default=8001)
    ap.add_argument("--hash-password", action="store_true", help="hash the password read from stdin and exit")
    args = ap.parse_args(argv)
    if args.hash_password:
        print(hash_password(sys.stdin.readline().rstrip("\n")))
        sys.exit(0)
    if not args.registry or not args.users:
        ap.error("--registry and --users are required")
    return args


def main(argv=None):
    args = parse_args(argv, __doc__.split("\n", 1)[0])
    Handler.app = make_app(args)
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
