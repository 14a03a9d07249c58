"""Every failure kind of the C ABI arrives in Python as its exception class,
with kind, code, message, HTTP status and Centrifugo code, and without
secrets in the text. Servers: a real Centrifugo, plus two hostile local
listeners (one never answers, one answers garbage)."""
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest

import instant
from conftest import HMAC_KEY


def client_for(server, **kw):
    return instant.Client(url=server.url, api_key=server.api_key, from_env=False, **kw)


def raised(fn, cls, kind):
    with pytest.raises(cls) as ei:
        fn()
    e = ei.value
    assert isinstance(e, instant.InstantError) and e.kind == kind, (type(e), e.kind, e)
    assert isinstance(e.code, instant.ErrorCode) and e.message and str(e).startswith(kind + ": ")
    return e


@pytest.mark.parametrize("kwargs, kind", [
    ({}, "invalid_argument"),                      # neither message nor data
    ({"message": "x", "data": "{bad"}, "invalid_json"),
    ({"message": b"\xff\xfe"}, "invalid_utf8"),
])
def test_invalid_input_raises_before_io(kwargs, kind):
    with instant.Client(url="http://127.0.0.1:1", api_key="k", from_env=False) as c:  # nothing listens there
        e = raised(lambda: c.publish("chat:x", **kwargs), instant.InvalidArgument, kind)
    assert isinstance(e, ValueError) and e.http_status == 0 and e.server_code == 0


def test_bad_channel_and_oversize_payload():
    with instant.Client(url="http://127.0.0.1:1", api_key="k", from_env=False, max_payload=256) as c:
        raised(lambda: c.publish("x" * 300, "m"), instant.InvalidArgument, "invalid_channel")
        raised(lambda: c.publish_raw("chat:x", {"big": "y" * 1000}), instant.InvalidArgument, "too_large")
    raised(lambda: instant.validate_channel(""), instant.InvalidArgument, "invalid_channel")


def test_a_nul_inside_a_string_is_refused_not_cut():
    # A C string would end at the NUL: "a\0b" must not become channel "a".
    with instant.Client(url="http://127.0.0.1:1", api_key="k", from_env=False) as c:
        raised(lambda: c.publish("news\x00evil", "m"), instant.InvalidArgument, "invalid_argument")
        raised(lambda: c.publish("news", "m\x00ore"), instant.InvalidArgument, "invalid_argument")
    raised(lambda: instant.validate_channel("a\x00b"), instant.InvalidArgument, "invalid_argument")
    # Keys go with their length: a NUL there is part of the key, not an end.
    key = "0123456789abcdef\x000123456789abcdef"
    token = instant.Signer.hmac(key).connection_token("alice")
    assert instant.Verifier().add_hmac(key).verify(token).sub == "alice"


def test_configuration_errors():
    raised(lambda: instant.Client(url="ftp://nowhere", api_key="k", from_env=False), instant.ConfigError, "config")
    with instant.Client(url="http://127.0.0.1:1", from_env=False) as c:  # no API key: refused before I/O
        raised(lambda: c.publish("chat:x", "m"), instant.ConfigError, "config")
    e = raised(lambda: instant.Signer.hmac("w3ak!k3y"), instant.ConfigError, "weak_key")
    assert "w3ak!k3y" not in str(e)
    raised(lambda: instant.Signer.hmac(HMAC_KEY).jwk(), instant.ConfigError, "key")
    raised(lambda: instant.Signer.from_pem("not a pem", "RS256"), instant.ConfigError, "key")


def test_server_side_failures(centrifugo):
    with client_for(centrifugo) as c:
        e = raised(lambda: c.publish("nope:x", "m"), instant.ServerError, "server_error")
        assert e.server_code == 102 and e.http_status == 200 and "102" in str(e)
        e = raised(lambda: c.history("nohistory:x"), instant.ServerError, "server_error")
        assert e.server_code == 108
        assert isinstance(e, instant.CentrifugoError)

    with instant.Client(url=centrifugo.url, api_key="a-wrong-secret-key", from_env=False) as c:
        e = raised(lambda: c.publish("chat:x", "m"), instant.Unauthorized, "unauthorized")
    assert e.http_status == 401 and "a-wrong-secret-key" not in str(e)

    with instant.Client(url=centrifugo.url + "/not-the-root", api_key=centrifugo.api_key, from_env=False) as c:
        e = raised(lambda: c.publish("chat:x", "m"), instant.HTTPStatusError, "http_status")
    assert e.http_status == 404

    with instant.Client(url="http://127.0.0.1:1", api_key="k", from_env=False) as c:
        e = raised(lambda: c.publish("chat:x", "m"), instant.TransportError, "transport")
    assert e.http_status == 0


def test_a_server_that_never_answers_is_a_timeout():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)  # accepts connections (the kernel does), never reads or answers
    try:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        with instant.Client(url=url, api_key="k", from_env=False, timeout=0.3) as c:
            e = raised(lambda: c.publish("chat:x", "m"), instant.Timeout, "timeout")
        assert isinstance(e, TimeoutError)
    finally:
        listener.close()


class Garbage(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = b"<html>this is not Centrifugo</html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_a_server_answering_garbage_is_a_malformed_reply():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Garbage)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    try:
        with instant.Client(url=f"http://127.0.0.1:{server.server_port}", api_key="k", from_env=False) as c:
            e = raised(lambda: c.publish("chat:x", "m"), instant.MalformedReply, "malformed_reply")
        assert e.http_status == 200
    finally:
        server.shutdown()
        server.server_close()


def test_token_failures_each_have_their_kind():
    signer = instant.Signer.hmac(HMAC_KEY)
    v = instant.Verifier().add_signer(signer)
    now = int(time.time())
    raised(lambda: v.verify("not.a.token"), instant.TokenError, "token_malformed")
    forged = jwt.encode({"sub": "c", "exp": now + 60}, "another-key-0123456789abcdef-0123", algorithm="HS256")
    raised(lambda: v.verify(forged), instant.TokenError, "token_signature")
    raised(lambda: v.verify(signer.connection_token("c", exp=1000, iat=900)), instant.TokenError, "token_expired")
    early = jwt.encode({"sub": "c", "exp": now + 7200, "nbf": now + 3600}, HMAC_KEY, algorithm="HS256")
    raised(lambda: v.verify(early), instant.TokenError, "token_not_yet_valid")
    hs384 = jwt.encode({"sub": "c", "exp": now + 60}, HMAC_KEY + "-" + "x" * 40, algorithm="HS384")
    raised(lambda: v.verify(hs384), instant.TokenError, "token_algorithm")
    raised(lambda: v.verify(signer.connection_token("c", no_expiry=True)), instant.TokenError, "token_claim")
    raised(lambda: v.verify(signer.subscription_token("c", "news"), "connection"), instant.TokenError, "token_claim")

    picky = instant.Verifier(audiences=["web"], issuer="me").add_signer(signer)
    raised(lambda: picky.verify(signer.connection_token("c", aud="other", iss="me")), instant.TokenError,
           "token_audience")
    raised(lambda: picky.verify(signer.connection_token("c", aud="web", iss="them")), instant.TokenError,
           "token_issuer")
    assert picky.verify(signer.connection_token("c", aud="web", iss="me")).sub == "c"

    by_kid = instant.Verifier().add_hmac(HMAC_KEY, kid="k1")
    other_kid = instant.Signer.hmac(HMAC_KEY, kid="k2")
    raised(lambda: by_kid.verify(other_kid.connection_token("c")), instant.TokenError, "token_kid")
    assert by_kid.verify(instant.Signer.hmac(HMAC_KEY, kid="k1").connection_token("c")).kid == "k1"


def test_registry_and_file_failures(tmp_path):
    reg = instant.Registry()
    reg.add("news", "public")
    raised(lambda: reg.add("news", "public"), instant.AlreadyExists, "already_exists")
    e = raised(lambda: reg.remove("absent"), instant.NotFound, "not_found")
    assert isinstance(e, LookupError)
    raised(lambda: reg.find("absent"), instant.NotFound, "not_found")
    raised(lambda: reg.is_authorized(instant.User("a"), "absent"), instant.NotFound, "not_found")
    e = raised(lambda: reg.load(str(tmp_path / "missing.json")), instant.StorageError, "io")
    assert isinstance(e, OSError)
    raised(lambda: reg.load_json("{not json"), instant.InvalidArgument, "invalid_json")
    raised(lambda: reg.add("x", "admins"), instant.InvalidArgument, "invalid_argument")
    gc = instant.genconfig()
    gc.save(str(tmp_path / "c.json"))
    raised(lambda: gc.save(str(tmp_path / "c.json")), instant.AlreadyExists, "already_exists")
    signer = instant.Signer.hmac(HMAC_KEY)
    with instant.User() as anonymous:
        raised(lambda: instant.bundle(signer, reg, anonymous, "csrf"), instant.Forbidden, "forbidden")


def test_every_c_error_code_maps_to_its_class():
    expected = {
        "invalid_argument": instant.InvalidArgument, "invalid_json": instant.InvalidArgument,
        "invalid_utf8": instant.InvalidArgument, "too_large": instant.InvalidArgument,
        "invalid_channel": instant.InvalidArgument, "config": instant.ConfigError, "weak_key": instant.ConfigError,
        "key": instant.ConfigError, "transport": instant.TransportError, "timeout": instant.Timeout,
        "unauthorized": instant.Unauthorized, "http_status": instant.HTTPStatusError,
        "server_error": instant.ServerError, "malformed_reply": instant.MalformedReply,
        "partial_failure": instant.PartialFailure, "io": instant.StorageError, "not_found": instant.NotFound,
        "already_exists": instant.AlreadyExists, "forbidden": instant.Forbidden, "internal": instant.InternalError,
        "queue_full": instant.QueueFull, "purged": instant.Purged, "closed": instant.Closed,
    }
    from instant.errors import exception_for
    for code in instant.ErrorCode:
        if code == 0:
            continue
        e = exception_for(code, "m", 0, 0)
        cls = instant.TokenError if e.kind.startswith("token_") else expected[e.kind]
        assert type(e) is cls, (code, e.kind)
        assert instant.strerror(code)  # the C library knows every code
    unknown = exception_for(-99, "from a newer library")
    assert type(unknown) is instant.InstantError and unknown.code == -99 and unknown.kind == "unknown"
