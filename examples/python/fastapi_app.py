#!/usr/bin/env python3
"""django-instant's endpoints on FastAPI with instant, for a frontend using the
browser client (or django-instant's own JS): the same app as host_server.py.

    pip install ./bindings/python -r examples/python/requirements-fastapi.txt
    CENTRIFUGO_HMAC_KEY=... CENTRIFUGO_URL=http://127.0.0.1:8000 CENTRIFUGO_API_KEY=... \\
    python3 examples/python/fastapi_app.py --registry channels.json --users users.json --port 8001

Routes: POST /instant/login/, /instant/get_token/, /instant/subscribe/,
/instant/logout/, /instant/publish/ (staff; awaits instant's apublish) and
Centrifugo's proxies /centrifugo/{connect,refresh,subscribe,sub_refresh}.
"""
import json
import os
import socket
import sys

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

import instant
from host_app import END_SESSION_COOKIE, SESSION_COOKIE, Denied, HostApp, session_cookie
from host_server import make_app, parse_args


def create_app(host: HostApp) -> FastAPI:
    api = FastAPI(title="instant host", docs_url=None, redoc_url=None, openapi_url=None)

    def reply(obj, status=200, cookie=None):
        r = JSONResponse(obj, status_code=status, headers={"Cache-Control": "no-store"})  # bundles hold tokens
        if cookie is not None:
            r.headers.append("Set-Cookie", cookie)
        return r

    async def body_of(request: Request):
        raw = await request.body()
        if len(raw) > 65536:
            raise ValueError("body too large")
        body = json.loads(raw) if raw.strip() else {}
        if not isinstance(body, dict):
            raise ValueError("a JSON object is expected")
        return body

    def authed(request: Request):
        return host.authed(request.cookies.get(SESSION_COOKIE), request.headers.get("X-CSRFToken", ""))

    def refused(status, error):
        async def handler(request: Request, exc: Exception):
            return reply({"error": error(exc)}, status)
        return handler

    api.add_exception_handler(Denied, refused(403, str))
    api.add_exception_handler(instant.InvalidArgument, refused(400, lambda e: e.kind))
    api.add_exception_handler(ValueError, refused(400, lambda e: "bad request"))

    async def failed(request: Request, exc: Exception):  # messages never hold tokens or keys
        print(f"instant: {exc.kind}", file=sys.stderr)
        return reply({"error": "internal error"}, 500)

    api.add_exception_handler(instant.InstantError, failed)

    @api.post("/instant/login/")
    async def login(request: Request):
        # scrypt takes tens of milliseconds: off the event loop
        sid, bundle = await run_in_threadpool(host.login, await body_of(request), request.cookies.get(SESSION_COOKIE))
        return reply(bundle, cookie=session_cookie(sid))

    @api.post("/instant/get_token/")
    async def get_token(request: Request):
        await body_of(request)
        return reply(host.bundle(authed(request)))

    @api.post("/instant/subscribe/")
    async def subscribe(request: Request):
        body = await body_of(request)
        return reply(host.subscribe(authed(request), body))

    @api.post("/instant/logout/")
    async def logout(request: Request):
        await body_of(request)
        result = host.logout(request.cookies.get(SESSION_COOKIE), request.headers.get("X-CSRFToken", ""))
        return reply(result, cookie=END_SESSION_COOKIE)

    @api.post("/instant/publish/")
    async def publish(request: Request):
        body = await body_of(request)
        args = host.publish_args(authed(request), body)
        pos = await host.client.apublish(**args)  # the event loop keeps serving while it waits
        return reply(pos._asdict())

    # Centrifugo's proxies: server to server, no CSRF. ADAPT: reachable by Centrifugo only.
    @api.post("/centrifugo/{kind}")
    async def proxy(kind: str, request: Request):
        if kind not in instant.PROXY_KINDS:
            return reply({"error": "not found"}, 404)
        raw = await request.body()
        return Response(host.proxy.handle_bytes(kind, raw, request.headers.items()),
                        media_type="application/json")

    return api


def main(argv=None):
    args = parse_args(argv, __doc__.split("\n", 1)[0])
    host = make_app(args)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", args.port))  # loopback only
    sock.listen(128)  # connections wait in the backlog until uvicorn serves them
    print(f"{os.environ.get('SITE_NAME', 'Site')}: instant FastAPI host on http://127.0.0.1:{sock.getsockname()[1]}",
          file=sys.stderr, flush=True)
    config = uvicorn.Config(create_app(host), log_level="info", access_log=True)
    uvicorn.Server(config).run(sockets=[sock])
    return 0


if __name__ == "__main__":
    sys.exit(main())
